/* SPDX-License-Identifier: MIT
 * extract.c - stage "extract", module and class level: imports, declarative bases,
 * classes with their fields, type aliases, __all__, suppressions, statement counts.
 * Function bodies are walked by extract_refs.c. Know before editing: everything kept
 * goes into the worker's arena; TSNodes and source text die with the file. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "extract_int.h"

const TSLanguage *tree_sitter_python(void);
const TSLanguage *ar_python_language(void) { return tree_sitter_python(); }

/* ---- extractor lifetime ----------------------------------------------------------------- */

#define AR_SYM_NAME(n) #n,
#define AR_FLD_NAME(n) #n,
static const char *const sym_names[] = {AR_SYMBOLS(AR_SYM_NAME)};
static const char *const fld_names[] = {AR_FIELDS(AR_FLD_NAME)};

int ar_extractor_new(ar_extractor **out, ar_diag *dg)
{
  const TSLanguage *lang = ar_python_language();
  *out = NULL;
  if (ts_language_version(lang) > TREE_SITTER_LANGUAGE_VERSION ||
      ts_language_version(lang) < TREE_SITTER_MIN_COMPATIBLE_LANGUAGE_VERSION) {
    ar_diag_errorf(dg, NULL, 0, 0,
                   "the Python grammar has language ABI %u; this tree-sitter runtime loads %u to %u",
                   ts_language_version(lang), (unsigned)TREE_SITTER_MIN_COMPATIBLE_LANGUAGE_VERSION,
                   (unsigned)TREE_SITTER_LANGUAGE_VERSION);
    return AR_EVERSION;
  }
  ar_extractor *ex = ar_xcalloc(1, sizeof(*ex));
  for (int i = 0; i < SYM__COUNT; i++) {
    bool named = strcmp(sym_names[i], "true") && strcmp(sym_names[i], "false") &&
                 strcmp(sym_names[i], "none") ? true : true;
    ex->sym[i] = ts_language_symbol_for_name(lang, sym_names[i], (uint32_t)strlen(sym_names[i]),
                                             named);
  }
  for (int i = 0; i < FLD__COUNT; i++)
    ex->fld[i] = ts_language_field_id_for_name(lang, fld_names[i], (uint32_t)strlen(fld_names[i]));
  for (int i = 0; i < FLD__COUNT; i++) {
    if (ex->fld[i] == 0) {
      ar_diag_errorf(dg, NULL, 0, 0, "the Python grammar lacks the field '%s'", fld_names[i]);
      free(ex);
      return AR_EVERSION;
    }
  }
  ar_map_init(&ex->known);
  ar_map_init(&ex->used);
  ar_map_init(&ex->aliases);
  ar_map_init(&ex->col_aliases);
  ar_map_init(&ex->rets);
  ar_arena_init(&ex->tmp);
  *out = ex;
  return AR_OK;
}

void ar_extractor_guess_names(ar_extractor *ex, bool on) { ex->guess = on; }
void ar_extractor_scanned_modules(ar_extractor *ex, const ar_map *modules) { ex->modules = modules; }

void ar_extractor_free(ar_extractor *ex)
{
  if (!ex) return;
  if (ex->have_cursor) ts_tree_cursor_delete(&ex->cursor);
  AR_VEC_FREE(&ex->stack);
  AR_VEC_FREE(&ex->kids_seen);
  AR_VEC_FREE(&ex->env);
  AR_VEC_FREE(&ex->probed);
  AR_VEC_FREE(&ex->scratch);
  for (size_t i = 0; i < sizeof ex->spare / sizeof *ex->spare; i++) free(ex->spare[i].items);
  ar_map_dispose(&ex->known);
  ar_map_dispose(&ex->used);
  ar_map_dispose(&ex->aliases);
  ar_map_dispose(&ex->col_aliases);
  ar_map_dispose(&ex->rets);
  ar_intern_dispose(&ex->intern);
  ar_arena_dispose(&ex->tmp);
  free(ex);
}

/* ---- node helpers ------------------------------------------------------------------------ */

size_t ar__kids(ar_extractor *ex, TSNode n, bool named, size_t *count)
{
  size_t base = ex->stack.len;
  /* No child, or one: told by counts the node stores, read without a walk. */
  uint32_t have = named ? ts_node_named_child_count(n) : ts_node_child_count(n);
  if (have <= 1) {
    if (have == 1) {
      AR_VEC_PUSH(&ex->stack, named ? ts_node_named_child(n, 0) : ts_node_child(n, 0));
    }
    *count = have;
    return base;
  }
  /* A third of the calls ask again for a node's children (a call's arguments: for the
   * first argument, the keywords, then the walk): copied from this file's earlier answer. */
  size_t slot = (((uintptr_t)n.id >> 4) ^ named) % AR_KIDS_CACHE;
  if (n.id && ex->kcache[slot].id == n.id && ex->kcache[slot].named == named) {
    size_t k = ex->kcache[slot].count;
    AR_VEC_GROW(&ex->stack, base + k);
    if (k) memcpy(ex->stack.items + base, ex->kids_seen.items + ex->kcache[slot].off, k * sizeof(TSNode));
    ex->stack.len = base + k;
    *count = k;
    return base;
  }
  /* One cursor, reset per call: walking siblings with it is linear, where ts_node_child(i)
   * would restart from the first child each time. */
  if (!ex->have_cursor) {
    ex->cursor = ts_tree_cursor_new(n);
    ex->have_cursor = true;
  } else {
    ts_tree_cursor_reset(&ex->cursor, n);
  }
  if (ts_tree_cursor_goto_first_child(&ex->cursor)) {
    do {
      TSNode c = ts_tree_cursor_current_node(&ex->cursor);
      if (named && !ts_node_is_named(c)) continue;
      AR_VEC_PUSH(&ex->stack, c);
    } while (ts_tree_cursor_goto_next_sibling(&ex->cursor));
  }
  *count = ex->stack.len - base;
  if (n.id && ex->kids_seen.len + *count <= UINT32_MAX) {
    AR_VEC_GROW(&ex->kids_seen, ex->kids_seen.len + *count);
    if (*count) memcpy(ex->kids_seen.items + ex->kids_seen.len, ex->stack.items + base, *count * sizeof(TSNode));
    ex->kcache[slot].id = n.id;
    ex->kcache[slot].named = named;
    ex->kcache[slot].off = (uint32_t)ex->kids_seen.len;
    ex->kcache[slot].count = (uint32_t)*count;
    ex->kids_seen.len += *count;
  }
  return base;
}

const char *ar__intern(ar_extractor *ex, const char *p, size_t n)
{
  /* Every visit asks for names again; interning keeps one copy of each, so memory follows
   * the number of distinct names, not the number of references. */
  return ar_intern_n(&ex->intern, p, n);
}

const char *ar__printf(ar_extractor *ex, const char *fmt, ...)
{
  va_list ap;
  va_start(ap, fmt);
  const char *tmp = ar_arena_vprintf(&ex->tmp, fmt, ap); /* formatted in this file's scratch */
  va_end(ap);
  return ar__intern(ex, tmp, strlen(tmp));
}

const char *ar__tmpf(ar_extractor *ex, const char *fmt, ...)
{
  va_list ap;
  va_start(ap, fmt);
  const char *r = ar_arena_vprintf(&ex->tmp, fmt, ap);
  va_end(ap);
  return r;
}

const char *ar__text(ar_extractor *ex, TSNode n)
{
  uint32_t a = ts_node_start_byte(n), b = ts_node_end_byte(n);
  if (b > ex->len) b = (uint32_t)ex->len;
  if (a > b) a = b;
  return ar__intern(ex, ex->src + a, b - a);
}

bool ar__text_eq(const ar_extractor *ex, TSNode n, const char *s)
{
  uint32_t a = ts_node_start_byte(n), b = ts_node_end_byte(n);
  size_t sl = strlen(s);
  return b >= a && b <= ex->len && (size_t)(b - a) == sl && memcmp(ex->src + a, s, sl) == 0;
}

uint32_t ar__line(TSNode n) { return ts_node_start_point(n).row + 1; }
uint32_t ar__col(TSNode n) { return ts_node_start_point(n).column + 1; }

/* Appends the dotted form of n to ex->scratch; false when n is not a pure name chain. */
static bool dotted_into(ar_extractor *ex, TSNode n, int depth)
{
  if (depth > 64) return false;
  if (ar__is(ex, n, SYM_identifier)) {
    uint32_t a = ts_node_start_byte(n), b = ts_node_end_byte(n);
    if (b > ex->len || a > b) return false;
    AR_VEC_GROW(&ex->scratch, ex->scratch.len + (b - a) + 2);
    memcpy(ex->scratch.items + ex->scratch.len, ex->src + a, b - a);
    ex->scratch.len += b - a;
    return true;
  }
  if (ar__is(ex, n, SYM_attribute)) {
    TSNode obj = ar__field(ex, n, FLD_object), at = ar__field(ex, n, FLD_attribute);
    if (ar__null(obj) || ar__null(at) || !dotted_into(ex, obj, depth + 1)) return false;
    AR_VEC_PUSH(&ex->scratch, '.');
    return dotted_into(ex, at, depth + 1);
  }
  if (ar__is(ex, n, SYM_dotted_name)) {
    size_t k, base = ar__kids(ex, n, true, &k);
    bool ok = k > 0;
    for (size_t i = 0; ok && i < k; i++) {
      if (i) AR_VEC_PUSH(&ex->scratch, '.');
      ok = dotted_into(ex, ex->stack.items[base + i], depth + 1);
    }
    ex->stack.len = base;
    return ok;
  }
  return false;
}

const char *ar__dotted(ar_extractor *ex, TSNode n)
{
  if (ar__null(n)) return NULL;
  /* The same node is asked for again and again (call sites, receivers): a small cache keyed
   * by the node's identity answers repeats without walking or hashing. */
  size_t slot = ((uintptr_t)n.id >> 4) % AR_DOTTED_CACHE;
  if (ex->dcache[slot].id == n.id && ex->dcache[slot].tree == n.tree) return ex->dcache[slot].value;
  const char *r = NULL;
  ex->scratch.len = 0;
  if (dotted_into(ex, n, 0)) r = ar__intern(ex, ex->scratch.items ? ex->scratch.items : "", ex->scratch.len);
  ex->dcache[slot].id = n.id;
  ex->dcache[slot].tree = n.tree;
  ex->dcache[slot].value = r;
  return r;
}

const char *ar__string(ar_extractor *ex, TSNode n)
{
  if (!ar__is(ex, n, SYM_string)) return NULL;
  size_t k, base = ar__kids(ex, n, true, &k);
  const char *out = NULL;
  bool plain = true;
  for (size_t i = 0; i < k; i++) {
    TSNode c = ex->stack.items[base + i];
    if (ar__is(ex, c, SYM_string_content)) {
      if (out) plain = false;
      out = ar__text(ex, c);
    } else if (!(ts_node_type(c)[0] == 's' && strncmp(ts_node_type(c), "string_", 7) == 0)) {
      plain = false; /* interpolation, escapes: not a plain literal */
    }
  }
  ex->stack.len = base;
  if (!plain) return NULL;
  return out ? out : ar__intern(ex, "", 0);
}

TSNode ar__arg0(ar_extractor *ex, TSNode args)
{
  TSNode r = {0};
  if (ar__null(args)) return r;
  size_t k, base = ar__kids(ex, args, true, &k);
  for (size_t i = 0; i < k; i++) {
    TSNode c = ex->stack.items[base + i];
    if (ar__is(ex, c, SYM_comment)) continue;
    if (!ar__is(ex, c, SYM_keyword_argument) && !ar__is(ex, c, SYM_list_splat) &&
        !ar__is(ex, c, SYM_dictionary_splat))
      r = c;
    break;
  }
  ex->stack.len = base;
  return r;
}

TSNode ar__kwarg(ar_extractor *ex, TSNode args, const char *kw)
{
  TSNode r = {0};
  if (ar__null(args)) return r;
  size_t k, base = ar__kids(ex, args, true, &k);
  for (size_t i = 0; i < k; i++) {
    TSNode c = ex->stack.items[base + i];
    if (ar__is(ex, c, SYM_keyword_argument) && ar__text_eq(ex, ar__field(ex, c, FLD_name), kw)) {
      r = ar__field(ex, c, FLD_value);
      break;
    }
  }
  ex->stack.len = base;
  return r;
}

const char *ar__last(const char *dotted)
{
  const char *d = strrchr(dotted, '.');
  return d ? d + 1 : dotted;
}

void ar__count_statement(ar_extractor *ex, TSNode st)
{
  /* What coverage.py counts as a statement: one per simple or compound statement (its
   * first line), but not docstrings, comments or `else:`/`except:` clauses. */
  if (ar__is(ex, st, SYM_comment) || ar__is(ex, st, SYM_else_clause) ||
      ar__is(ex, st, SYM_elif_clause) || ar__is(ex, st, SYM_except_clause) ||
      ar__is(ex, st, SYM_finally_clause) || ar__is(ex, st, SYM_ERROR) || !ts_node_is_named(st))
    return;
  if (ar__is(ex, st, SYM_expression_statement) && ts_node_named_child_count(st) == 1 &&
      ar__is(ex, ts_node_named_child(st, 0), SYM_string))
    return;
  ex->file->statements++;
}

bool ar__descend(ar_extractor *ex)
{
  /* Extraction recurses along the tree; past this depth it stops, so a pathological file
   * (expressions nested thousands deep) cannot exhaust the stack. */
  if (ex->depth >= AR_MAX_AST_DEPTH) {
    if (!ex->depth_warned) {
      ex->depth_warned = true;
      ar_diag_warnf(ex->dg, ex->file->abspath, 0, 0,
                    "nesting deeper than %d levels: the deepest parts were not analysed",
                    AR_MAX_AST_DEPTH);
    }
    return false;
  }
  ex->depth++;
  return true;
}

void ar__ascend(ar_extractor *ex) { ex->depth--; }

/* ---- type annotations -------------------------------------------------------------------- */

static bool is_list_generic(const char *h)
{
  static const char *const names[] = {"list", "List", "Sequence", "Iterable", "Iterator",
                                      "Collection", "set", "Set", "frozenset", "FrozenSet",
                                      "tuple", "Tuple", "AbstractSet", "MutableSequence",
                                      "Generator", "AsyncIterator", "AsyncIterable", NULL};
  for (size_t i = 0; names[i]; i++)
    if (strcmp(h, names[i]) == 0) return true;
  return false;
}

/* Parses a string annotation ("Optional[M]", "M", "list[M]") by text. */
static const char *string_type(ar_extractor *ex, const char *s, bool *is_list, int depth)
{
  while (*s == ' ') s++;
  size_t n = strlen(s);
  while (n && s[n - 1] == ' ') n--;
  const char *br = memchr(s, '[', n);
  if (depth > 8) return NULL;
  if (!br) {
    for (size_t i = 0; i < n; i++)
      if (!(s[i] == '.' || s[i] == '_' || (s[i] >= 'a' && s[i] <= 'z') ||
            (s[i] >= 'A' && s[i] <= 'Z') || (s[i] >= '0' && s[i] <= '9')))
        return NULL;
    if (n == 0 || strncmp(s, "None", n) == 0) return NULL;
    return ar__intern(ex, s, n);
  }
  if (s[n - 1] != ']') return NULL;
  const char *head = ar__intern(ex, s, (size_t)(br - s));
  const char *inner = ar__intern(ex, br + 1, n - (size_t)(br - s) - 2);
  const char *h = ar__last(head);
  if (strcmp(h, "Optional") == 0 || strcmp(h, "Mapped") == 0 || strcmp(h, "Annotated") == 0 ||
      strcmp(h, "Type") == 0) {
    const char *comma = strchr(inner, ',');
    if (comma) inner = ar__intern(ex, inner, (size_t)(comma - inner));
    return strcmp(h, "Type") == 0 ? NULL : string_type(ex, inner, is_list, depth + 1);
  }
  if (is_list_generic(h)) {
    bool dummy = false;
    const char *comma = strchr(inner, ',');
    if (comma) inner = ar__intern(ex, inner, (size_t)(comma - inner));
    const char *r = string_type(ex, inner, &dummy, depth + 1);
    if (r && !dummy) *is_list = true;
    return *is_list ? r : NULL;
  }
  return NULL;
}

static const char *type_class(ar_extractor *ex, TSNode t, bool *is_list, int depth)
{
  if (ar__null(t) || depth > 16) return NULL;
  if (ar__is(ex, t, SYM_type) || ar__is(ex, t, SYM_parenthesized_expression)) {
    size_t k, base = ar__kids(ex, t, true, &k);
    TSNode c = k ? ex->stack.items[base] : (TSNode){0};
    ex->stack.len = base;
    return k == 1 ? type_class(ex, c, is_list, depth + 1) : NULL;
  }
  if (ar__is(ex, t, SYM_identifier) || ar__is(ex, t, SYM_attribute)) {
    const char *d = ar__dotted(ex, t);
    if (!d) return NULL;
    const char *alias = ar_map_get(&ex->aliases, d);
    return alias ? alias : d;
  }
  if (ar__is(ex, t, SYM_string)) {
    const char *s = ar__string(ex, t);
    return s ? string_type(ex, s, is_list, 0) : NULL;
  }
  if (ar__is(ex, t, SYM_union_type) || ar__is(ex, t, SYM_binary_operator)) {
    /* M | None: the one side that is not None. */
    size_t k, base = ar__kids(ex, t, true, &k);
    const char *found = NULL;
    int nonnone = 0;
    for (size_t i = 0; i < k; i++) {
      TSNode c = ex->stack.items[base + i];
      bool none = ar__is(ex, c, SYM_none) || ar__text_eq(ex, c, "None");
      if (none) continue;
      nonnone++;
      found = type_class(ex, c, is_list, depth + 1);
    }
    ex->stack.len = base;
    return nonnone == 1 ? found : NULL;
  }
  if (ar__is(ex, t, SYM_generic_type) || ar__is(ex, t, SYM_subscript)) {
    /* generic_type: identifier + type_parameter; subscript: value + subscript fields. */
    size_t k, base = ar__kids(ex, t, true, &k);
    const char *head = NULL;
    TSNode args[4];
    size_t nargs = 0;
    for (size_t i = 0; i < k; i++) {
      TSNode c = ex->stack.items[base + i];
      if (i == 0) {
        head = ar__dotted(ex, c);
      } else if (ar__is(ex, c, SYM_type_parameter)) {
        size_t k2, b2 = ar__kids(ex, c, true, &k2);
        for (size_t j = 0; j < k2 && nargs < 4; j++) args[nargs++] = ex->stack.items[b2 + j];
        ex->stack.len = b2;
      } else if (nargs < 4) {
        args[nargs++] = c;
      }
    }
    ex->stack.len = base;
    if (!head || nargs == 0) return NULL;
    const char *h = ar__last(head);
    if (strcmp(h, "Optional") == 0 || strcmp(h, "Annotated") == 0 || strcmp(h, "Mapped") == 0)
      return type_class(ex, args[0], is_list, depth + 1);
    if (strcmp(h, "Union") == 0) {
      const char *found = NULL;
      int nonnone = 0;
      for (size_t i = 0; i < nargs; i++) {
        if (ar__text_eq(ex, args[i], "None")) continue;
        nonnone++;
        found = type_class(ex, args[i], is_list, depth + 1);
      }
      return nonnone == 1 ? found : NULL;
    }
    if (is_list_generic(h)) {
      bool inner_list = false;
      const char *r = type_class(ex, args[0], &inner_list, depth + 1);
      if (!r || inner_list) return NULL;
      *is_list = true;
      return r;
    }
    return NULL;
  }
  return NULL;
}

const char *ar__type_class(ar_extractor *ex, TSNode type, bool *is_list)
{
  *is_list = false;
  return type_class(ex, type, is_list, 0);
}

/* ---- classes --------------------------------------------------------------------------- */

typedef AR_VEC(ar_field) field_vec;
typedef AR_VEC(const char *) name_vec;

static void add_field(ar_extractor *ex, field_vec *fields, const char *name, ar_field_kind kind,
                      uint32_t line)
{
  (void)ex;
  ar_field f = {.name = name, .kind = kind, .line = line, .str_len = -1, .nullable = -1,
                .scalar = -1, .backref_scalar = -1};
  AR_VEC_PUSH(fields, f);
}

/* Column(String(50), Enum(E), nullable=False, default=…): what the type checks need. */
/* default=E.M or default=E.M.value: the enum whose values a String column holds. */
static const char *default_enum(ar_extractor *ex, TSNode v)
{
  const char *d = ar__dotted(ex, v);
  if (!d) return NULL;
  size_t n = strlen(d);
  if (n > 6 && strcmp(d + n - 6, ".value") == 0) d = ar__intern(ex, d, n - 6);
  const char *dot = strrchr(d, '.');
  return dot ? ar__intern(ex, d, (size_t)(dot - d)) : NULL;
}

/* Returns whether the column is a primary key (never reported as non-nullable). */
static bool column_details(ar_extractor *ex, ar_field *f, TSNode args);

static bool column_details(ar_extractor *ex, ar_field *f, TSNode args)
{
  bool pk = false;
  size_t k, base = ar__kids(ex, args, true, &k);
  for (size_t i = 0; i < k; i++) {
    TSNode c = ex->stack.items[base + i];
    if (ar__is(ex, c, SYM_keyword_argument)) {
      TSNode nm = ar__field(ex, c, FLD_name), v = ar__field(ex, c, FLD_value);
      if (ar__text_eq(ex, nm, "nullable")) {
        f->nullable = ar__text_eq(ex, v, "False") ? 0 : 1;
        f->nullable_explicit = true;
      }
      else if (ar__text_eq(ex, nm, "primary_key") && ar__text_eq(ex, v, "True")) pk = true;
      else if (ar__text_eq(ex, nm, "default")) f->value_enum = default_enum(ex, v);
      else if (ar__text_eq(ex, nm, "max_length") && ar__is(ex, v, SYM_integer)) /* SQLModel Field */
        f->str_len = (int32_t)strtol(ar__text(ex, v), NULL, 10);
      else if (ar__text_eq(ex, nm, "sa_column") && ar__is(ex, v, SYM_call)) { /* Field(sa_column=Column(…)) */
        size_t keep = ex->stack.len;
        pk = column_details(ex, f, ar__field(ex, v, FLD_arguments)) || pk;
        ex->stack.len = keep;
      }
      continue;
    }
    const char *callee = NULL;
    TSNode targs = {0};
    if (ar__is(ex, c, SYM_call)) {
      callee = ar__dotted(ex, ar__field(ex, c, FLD_function));
      targs = ar__field(ex, c, FLD_arguments);
    } else {
      callee = ar__dotted(ex, c);
    }
    if (!callee) continue;
    const char *h = ar__last(callee);
    if ((strcmp(h, "String") == 0 || strcmp(h, "VARCHAR") == 0 || strcmp(h, "Unicode") == 0 ||
         strcmp(h, "CHAR") == 0) && !ar__null(targs)) {
      TSNode n0 = ar__arg0(ex, targs);
      if (ar__is(ex, n0, SYM_integer)) f->str_len = (int32_t)strtol(ar__text(ex, n0), NULL, 10);
    } else if ((strcmp(h, "Enum") == 0 || strcmp(h, "SQLEnum") == 0 ||
                strcmp(h, "SAEnum") == 0) && !ar__null(targs)) {
      f->enum_type = ar__dotted(ex, ar__arg0(ex, targs));
      f->values_callable = !ar__null(ar__kwarg(ex, targs, "values_callable"));
    }
  }
  ex->stack.len = base;
  return pk;
}

static void relationship_details(ar_extractor *ex, ar_field *f, TSNode args)
{
  TSNode t = ar__arg0(ex, args);
  f->target = ar__string(ex, t);
  if (!f->target) f->target = ar__dotted(ex, t);
  TSNode ul = ar__kwarg(ex, args, "uselist");
  if (!ar__null(ul)) f->scalar = ar__text_eq(ex, ul, "False") ? 1 : 0;
  TSNode br = ar__kwarg(ex, args, "backref");
  if (ar__null(br)) return;
  f->backref = ar__string(ex, br);
  if (!f->backref && ar__is(ex, br, SYM_call)) { /* backref("members", uselist=False, …) */
    TSNode bargs = ar__field(ex, br, FLD_arguments);
    f->backref = ar__string(ex, ar__arg0(ex, bargs));
    TSNode bul = ar__kwarg(ex, bargs, "uselist");
    if (!ar__null(bul)) f->backref_scalar = ar__text_eq(ex, bul, "False") ? 1 : 0;
  }
}

/* The name a callee was imported under: `from sqlalchemy import Column as SAColumn`
 * makes SAColumn(...) a Column. */
static const char *original_name(ar_extractor *ex, const char *callee)
{
  if (strchr(callee, '.')) return callee;
  for (size_t i = ex->file->imports.len; i-- > 0;) {
    const ar_import *im = &ex->file->imports.items[i];
    if (im->name && strcmp(im->local, callee) == 0) return im->name;
  }
  return callee;
}

static ar_field_kind kind_of_call(const char *callee)
{
  static const struct { const char *name; ar_field_kind kind; } map[] = {
      {"Column", AR_FIELD_COLUMN}, {"mapped_column", AR_FIELD_COLUMN},
      {"Field", AR_FIELD_COLUMN}, {"relationship", AR_FIELD_RELATIONSHIP},
      {"relation", AR_FIELD_RELATIONSHIP}, {"dynamic_loader", AR_FIELD_RELATIONSHIP},
      {"Relationship", AR_FIELD_RELATIONSHIP}, {"column_property", AR_FIELD_PROPERTY},
      {"synonym", AR_FIELD_PROPERTY}, {"composite", AR_FIELD_PROPERTY},
      {"deferred", AR_FIELD_PROPERTY}, {"association_proxy", AR_FIELD_PROPERTY},
      {"query_expression", AR_FIELD_PROPERTY}, {"hybrid_property", AR_FIELD_PROPERTY},
      {NULL, AR_FIELD_ATTR}};
  const char *h = ar__last(callee);
  for (size_t i = 0; map[i].name; i++)
    if (strcmp(h, map[i].name) == 0) return map[i].kind;
  return AR_FIELD_ATTR;
}

static void literal_value(ar_extractor *ex, ar_field *f, TSNode v)
{
  const char *s = ar__string(ex, v);
  if (s) f->value = s;
  else if (ar__is(ex, v, SYM_integer) || ar__is(ex, v, SYM_float)) f->value = ar__text(ex, v);
}

/* One `name = value` / `name: T = value` / `name: T` in a class body. */
static void class_assignment(ar_extractor *ex, ar_class *cls, field_vec *fields, TSNode asg)
{
  TSNode left = ar__field(ex, asg, FLD_left), right = ar__field(ex, asg, FLD_right);
  TSNode type = ar__field(ex, asg, FLD_type);
  if (ar__is(ex, right, SYM_assignment)) class_assignment(ex, cls, fields, right); /* a = b = … */
  if (ar__is(ex, left, SYM_pattern_list) || ar__is(ex, left, SYM_tuple_pattern)) {
    size_t k, base = ar__kids(ex, left, true, &k);
    for (size_t i = 0; i < k; i++) {
      TSNode c = ex->stack.items[base + i];
      if (ar__is(ex, c, SYM_identifier))
        add_field(ex, fields, ar__text(ex, c), AR_FIELD_ATTR, ar__line(c));
    }
    ex->stack.len = base;
    return;
  }
  if (!ar__is(ex, left, SYM_identifier)) return;
  const char *name = ar__text(ex, left);
  if (strcmp(name, "__abstract__") == 0 && ar__text_eq(ex, right, "True"))
    cls->flags |= AR_CLASS_ABSTRACT;
  ar_field_kind kind = AR_FIELD_ATTR;
  const char *callee = NULL;
  TSNode args = {0};
  const ar_field *tmpl = NULL;
  if (ar__is(ex, right, SYM_call)) {
    callee = ar__dotted(ex, ar__field(ex, right, FLD_function));
    args = ar__field(ex, right, FLD_arguments);
    if (callee) {
      tmpl = ar_map_get(&ex->col_aliases, callee);
      kind = tmpl ? tmpl->kind : kind_of_call(original_name(ex, callee));
    }
  } else if (ar__null(right) && !ar__null(type)) {
    kind = AR_FIELD_COLUMN; /* bare `x: Mapped[int]` or SQLModel `x: str` */
  }
  add_field(ex, fields, name, kind, ar__line(left));
  ar_field *f = &fields->items[fields->len - 1];
  if (tmpl) f->nullable = tmpl->nullable; /* the partial's defaults, unless overridden */
  f->callee = callee;
  bool pk = false;
  /* An unknown callee may be a column alias from another module (resolve decides): its
   * arguments are read the same way. */
  if ((kind == AR_FIELD_COLUMN || kind == AR_FIELD_ATTR) && !ar__null(args))
    pk = column_details(ex, f, args);
  if (kind == AR_FIELD_RELATIONSHIP && !ar__null(args)) relationship_details(ex, f, args);
  if (kind == AR_FIELD_RELATIONSHIP && !ar__null(type)) {
    bool is_list = false; /* children: Mapped[list["Child"]] = relationship(…) */
    const char *t = ar__type_class(ex, type, &is_list);
    if (!f->target) f->target = t;
    if (t && f->scalar < 0) f->scalar = is_list ? 0 : 1;
  }
  if (kind == AR_FIELD_COLUMN && !ar__null(type) && f->nullable < 0) {
    /* Mapped[Optional[X]] / Mapped[X | None] is nullable; Mapped[X] is not. */
    const char *tt = ar__text(ex, type);
    if (strstr(tt, "Mapped[")) f->nullable = (strstr(tt, "Optional[") || strstr(tt, "None")) ? 1 : 0;
  }
  if (pk) f->nullable = -1; /* None in a primary key means "generate one" */
  if (kind == AR_FIELD_ATTR) literal_value(ex, f, right);
  /* The right side may reference enums and other classes (default=E.M, ForeignKey, …). */
  if (!ar__null(right)) ar__walk_expr(ex, right);
}

static const char *decorator_name(ar_extractor *ex, TSNode deco)
{
  size_t k, base = ar__kids(ex, deco, true, &k);
  TSNode e = k ? ex->stack.items[base] : (TSNode){0};
  ex->stack.len = base;
  if (ar__is(ex, e, SYM_call)) e = ar__field(ex, e, FLD_function);
  return ar__dotted(ex, e);
}

/* A method's decorators decide what kind of field its name is. */
static ar_field_kind method_kind(ar_extractor *ex, TSNode decorated)
{
  ar_field_kind kind = AR_FIELD_METHOD;
  if (ar__null(decorated)) return kind;
  size_t k, base = ar__kids(ex, decorated, true, &k);
  for (size_t i = 0; i < k; i++) {
    TSNode c = ex->stack.items[base + i];
    if (!ar__is(ex, c, SYM_decorator)) continue;
    const char *d = decorator_name(ex, c);
    if (!d) continue;
    const char *h = ar__last(d);
    if (strcmp(h, "property") == 0 || strcmp(h, "cached_property") == 0 ||
        strcmp(h, "hybrid_property") == 0 || strcmp(h, "hybrid_method") == 0 ||
        strcmp(h, "declared_attr") == 0 || strcmp(h, "setter") == 0 ||
        strcmp(h, "expression") == 0 || strcmp(h, "comparator") == 0 ||
        strcmp(h, "validates") == 0 || strcmp(h, "reconstructor") == 0)
      kind = AR_FIELD_PROPERTY;
  }
  ex->stack.len = base;
  return kind;
}

/* __init__: what keywords the constructor takes, and the names it sets on self. */
static void init_method(ar_extractor *ex, ar_class *cls, field_vec *fields, name_vec *params,
                        TSNode def, bool decorated)
{
  cls->flags |= AR_CLASS_INIT;
  if (decorated) cls->flags |= AR_CLASS_INIT_ANY;
  bool kwsplat = false;
  size_t k, base = ar__kids(ex, ar__field(ex, def, FLD_parameters), true, &k);
  for (size_t i = 1; i < k; i++) { /* 0 is self */
    TSNode p = ex->stack.items[base + i];
    TSNode nm = p;
    if (ar__is(ex, p, SYM_dictionary_splat_pattern)) { kwsplat = true; continue; }
    if (ar__is(ex, p, SYM_typed_parameter)) {
      size_t k2, b2 = ar__kids(ex, p, true, &k2);
      nm = k2 ? ex->stack.items[b2] : p;
      ex->stack.len = b2;
      if (ar__is(ex, nm, SYM_dictionary_splat_pattern)) { kwsplat = true; continue; }
    } else if (ar__is(ex, p, SYM_default_parameter) || ar__is(ex, p, SYM_typed_default_parameter)) {
      nm = ar__field(ex, p, FLD_name);
    }
    if (ar__is(ex, nm, SYM_identifier)) AR_VEC_PUSH(params, ar__text(ex, nm));
  }
  ex->stack.len = base;
  /* Scan the body text-wise for super().__init__(**…) and self.x = … at the top level. */
  TSNode body = ar__field(ex, def, FLD_body);
  size_t nb, bb = ar__kids(ex, body, true, &nb);
  for (size_t i = 0; i < nb; i++) {
    TSNode st = ex->stack.items[bb + i];
    if (!ar__is(ex, st, SYM_expression_statement)) continue;
    size_t k2, b2 = ar__kids(ex, st, true, &k2);
    TSNode e = k2 ? ex->stack.items[b2] : (TSNode){0};
    ex->stack.len = b2;
    if (ar__is(ex, e, SYM_call)) {
      const char *fn = ar__text(ex, ar__field(ex, e, FLD_function));
      const char *ar = ar__text(ex, ar__field(ex, e, FLD_arguments));
      if (strstr(fn, "__init__") && strstr(ar, "**")) cls->flags |= AR_CLASS_INIT_FWD;
    } else if (ar__is(ex, e, SYM_assignment)) {
      TSNode l = ar__field(ex, e, FLD_left);
      if (ar__is(ex, l, SYM_attribute) && ar__text_eq(ex, ar__field(ex, l, FLD_object), "self"))
        add_field(ex, fields, ar__text(ex, ar__field(ex, l, FLD_attribute)), AR_FIELD_INIT_ONLY,
                  ar__line(l));
    }
  }
  ex->stack.len = bb;
  /* kwargs.pop("raw_secret") / kwargs.get("x") / kwargs["y"]: keywords the __init__ takes
   * out of **kwargs before forwarding the rest. */
  if (kwsplat) {
    const char *text = ar__text(ex, body);
    for (const char *p = text; (p = strpbrk(p, "([")); p++) {
      bool call = *p == '(';
      if (call && !(p >= text + 4 && (strncmp(p - 4, ".pop", 4) == 0 || strncmp(p - 4, ".get", 4) == 0))) continue;
      const char *q = p + 1;
      if (*q != '"' && *q != '\'') continue;
      const char *end = strchr(q + 1, *q);
      if (!end || end - q > 64) continue;
      AR_VEC_PUSH(params, ar__intern(ex, q + 1, (size_t)(end - q - 1)));
    }
  }
  if (kwsplat && !(cls->flags & AR_CLASS_INIT_FWD)) cls->flags |= AR_CLASS_INIT_ANY;
}

static void class_body(ar_extractor *ex, ar_class *cls, field_vec *fields, name_vec *params,
                       TSNode block, const char *qual);

static void class_statement(ar_extractor *ex, ar_class *cls, field_vec *fields, name_vec *params,
                            TSNode st, const char *qual)
{
  TSNode decorated = {0};
  if (ar__is(ex, st, SYM_decorated_definition)) {
    decorated = st;
    st = ar__field(ex, st, FLD_definition);
  }
  if (ar__is(ex, st, SYM_expression_statement)) {
    size_t k, base = ar__kids(ex, st, true, &k);
    for (size_t i = 0; i < k; i++) {
      TSNode e = ex->stack.items[base + i];
      if (ar__is(ex, e, SYM_assignment)) class_assignment(ex, cls, fields, e);
    }
    ex->stack.len = base;
  } else if (ar__is(ex, st, SYM_function_definition)) {
    const char *name = ar__text(ex, ar__field(ex, st, FLD_name));
    add_field(ex, fields, name, method_kind(ex, decorated), ar__line(st));
    if (!ar__null(decorated) && strstr(ar__text(ex, decorated), "reconstructor"))
      cls->flags |= AR_CLASS_RECONSTRUCTOR;
    if (strcmp(name, "__getattr__") == 0) cls->flags |= AR_CLASS_GETATTR;
    if (strcmp(name, "__init__") == 0)
      init_method(ex, cls, fields, params, st, !ar__null(decorated));
    ar__walk_function(ex, st, ar__printf(ex, "%s.%s", qual, name), cls->name,
                      !ar__null(decorated));
  } else if (ar__is(ex, st, SYM_class_definition)) {
    add_field(ex, fields, ar__text(ex, ar__field(ex, st, FLD_name)), AR_FIELD_ATTR, ar__line(st));
  } else if (ar__is(ex, st, SYM_if_statement) || ar__is(ex, st, SYM_try_statement) ||
             ar__is(ex, st, SYM_elif_clause) || ar__is(ex, st, SYM_else_clause) ||
             ar__is(ex, st, SYM_except_clause) || ar__is(ex, st, SYM_finally_clause) ||
             ar__is(ex, st, SYM_with_statement)) {
    size_t k, base = ar__kids(ex, st, true, &k);
    for (size_t i = 0; i < k; i++) {
      TSNode c = ex->stack.items[base + i];
      if (ar__is(ex, c, SYM_block)) class_body(ex, cls, fields, params, c, qual);
      else if (!ar__is(ex, c, SYM_comment)) class_statement(ex, cls, fields, params, c, qual);
    }
    ex->stack.len = base;
  }
}

static void class_body(ar_extractor *ex, ar_class *cls, field_vec *fields, name_vec *params,
                       TSNode block, const char *qual)
{
  if (!ar__descend(ex)) return;
  size_t k, base = ar__kids(ex, block, true, &k);
  for (size_t i = 0; i < k; i++) {
    ar__count_statement(ex, ex->stack.items[base + i]);
    class_statement(ex, cls, fields, params, ex->stack.items[base + i], qual);
  }
  ex->stack.len = base;
  ar__ascend(ex);
}

static void extract_class(ar_extractor *ex, TSNode def, TSNode decorated, bool nested)
{
  ar_class *cls = ar_arena_alloc(ex->arena, sizeof(*cls));
  cls->name = ar__text(ex, ar__field(ex, def, FLD_name));
  cls->file = ex->file;
  cls->line = ar__line(def);
  if (nested) cls->flags |= AR_CLASS_NESTED;
  name_vec bases = {0};
  TSNode sup = ar__field(ex, def, FLD_superclasses);
  if (!ar__null(sup)) {
    size_t k, base = ar__kids(ex, sup, true, &k);
    for (size_t i = 0; i < k; i++) {
      TSNode c = ex->stack.items[base + i];
      if (ar__is(ex, c, SYM_keyword_argument)) {
        if (ar__text_eq(ex, ar__field(ex, c, FLD_name), "table") &&
            ar__text_eq(ex, ar__field(ex, c, FLD_value), "True"))
          cls->flags |= AR_CLASS_TABLE;
        continue;
      }
      if (ar__is(ex, c, SYM_subscript)) c = ar__field(ex, c, FLD_value); /* Generic[T] */
      const char *d = ar__dotted(ex, c);
      AR_VEC_PUSH(&bases, d ? d : "?");
    }
    ex->stack.len = base;
  }
  if (!ar__null(decorated)) {
    size_t k, base = ar__kids(ex, decorated, true, &k);
    for (size_t i = 0; i < k; i++) {
      TSNode c = ex->stack.items[base + i];
      if (!ar__is(ex, c, SYM_decorator)) continue;
      const char *d = decorator_name(ex, c);
      if (d && (strcmp(ar__last(d), "mapped") == 0 || strcmp(ar__last(d), "mapped_as_dataclass") == 0))
        cls->flags |= AR_CLASS_MAPPED;
    }
    ex->stack.len = base;
  }
  field_vec fields = {0};
  name_vec params = {0};
  /* A class with no base (or only object) and no decorator is never a model: `self` in
   * its methods names nothing align checks, so no references are kept for it. */
  bool saved_may_map = ex->cls_may_map;
  ex->cls_may_map = (cls->flags & AR_CLASS_MAPPED) || !ar__null(decorated);
  for (size_t i = 0; i < bases.len && !ex->cls_may_map; i++)
    ex->cls_may_map = strcmp(bases.items[i], "object") != 0;
  const char *saved_func = ex->func;
  size_t env_mark = ex->env.len; /* self.x typed in __init__ lives as long as the class body */
  ex->func = ar__printf(ex, "%s", cls->name);
  class_body(ex, cls, &fields, &params, ar__field(ex, def, FLD_body), cls->name);
  ex->func = saved_func;
  ar__env_truncate(ex, env_mark);
  ex->cls_may_map = saved_may_map;
  /* Move the vectors into the arena: the class outlives this worker's scratch. */
  cls->nbases = bases.len;
  cls->bases = ar_arena_alloc(ex->arena, sizeof(*cls->bases) * (bases.len + 1));
  if (bases.len) memcpy(cls->bases, bases.items, sizeof(*cls->bases) * bases.len);
  cls->nfields = fields.len;
  cls->fields = ar_arena_alloc(ex->arena, sizeof(*cls->fields) * (fields.len + 1));
  if (fields.len) memcpy(cls->fields, fields.items, sizeof(*cls->fields) * fields.len);
  cls->ninit_params = params.len;
  cls->init_params = ar_arena_alloc(ex->arena, sizeof(*cls->init_params) * (params.len + 1));
  if (params.len) memcpy(cls->init_params, params.items, sizeof(*cls->init_params) * params.len);
  AR_VEC_FREE(&bases);
  AR_VEC_FREE(&fields);
  AR_VEC_FREE(&params);
  if (!nested) AR_VEC_PUSH(&ex->file->classes, cls);
}

/* ---- module level ------------------------------------------------------------------------ */

/* A module-level type alias of a class (CurrentUser = Annotated[User, Depends(…)]): used
 * here for annotations, and recorded so other modules importing it resolve it too. */
static void add_alias(ar_extractor *ex, const char *name, const char *target)
{
  ar_map_put(&ex->aliases, name, (void *)target);
  ar_decl d = {.name = name, .kind = AR_DECL_ALIAS, .target = target};
  AR_VEC_PUSH(&ex->file->decls, d);
}

/* `Base = declarative_base()`, `db = SQLAlchemy()`, `reg = registry()`,
 * `CurrentUser = Annotated[User, …]`, `__all__ = [...]`. */
/* `Invoice.amount_paid = column_property(…)` after the class body: the class gains the
 * field, as SQLAlchemy maps it. */
static void late_class_field(ar_extractor *ex, TSNode left, TSNode right)
{
  const char *cname = ar__dotted(ex, ar__field(ex, left, FLD_object));
  if (!cname) return;
  for (size_t i = 0; i < ex->file->classes.len; i++) {
    ar_class *c = ex->file->classes.items[i];
    if (strcmp(c->name, cname) != 0) continue;
    ar_field *nf = ar_arena_alloc(ex->arena, sizeof(*nf) * (c->nfields + 2));
    if (c->nfields) memcpy(nf, c->fields, sizeof(*nf) * c->nfields);
    ar_field *f = &nf[c->nfields];
    *f = (ar_field){.name = ar__text(ex, ar__field(ex, left, FLD_attribute)), .kind = AR_FIELD_ATTR,
                    .line = ar__line(left), .str_len = -1, .nullable = -1, .scalar = -1, .backref_scalar = -1};
    if (ar__is(ex, right, SYM_call)) {
      const char *callee = ar__dotted(ex, ar__field(ex, right, FLD_function));
      if (callee) f->kind = kind_of_call(original_name(ex, callee));
      if (f->kind == AR_FIELD_RELATIONSHIP) relationship_details(ex, f, ar__field(ex, right, FLD_arguments));
    }
    c->fields = nf;
    c->nfields++;
    return;
  }
}

static void module_assignment(ar_extractor *ex, TSNode asg)
{
  TSNode left = ar__field(ex, asg, FLD_left), right = ar__field(ex, asg, FLD_right);
  if (ar__is(ex, left, SYM_attribute) && !ar__null(right)) late_class_field(ex, left, right);
  if (!ar__is(ex, left, SYM_identifier) || ar__null(right)) return;
  const char *name = ar__text(ex, left);
  if (strcmp(name, "__all__") == 0 && (ar__is(ex, right, SYM_list) || ar__is(ex, right, SYM_tuple))) {
    size_t k, base = ar__kids(ex, right, true, &k);
    ex->file->has_all = true;
    for (size_t i = 0; i < k; i++) {
      const char *s = ar__string(ex, ex->stack.items[base + i]);
      if (s) AR_VEC_PUSH(&ex->file->all_names, s);
    }
    ex->stack.len = base;
    return;
  }
  if (ar__is(ex, right, SYM_call)) {
    TSNode fn = ar__field(ex, right, FLD_function);
    const char *callee = ar__dotted(ex, fn);
    /* registry().generate_base(): the object is a call, so no dotted name; the method
     * name alone decides. */
    const char *h = callee ? ar__last(callee)
                    : ar__is(ex, fn, SYM_attribute) ? ar__text(ex, ar__field(ex, fn, FLD_attribute)) : "";
    int kind = -1;
    if (strcmp(h, "declarative_base") == 0 || strcmp(h, "generate_base") == 0 ||
        strcmp(h, "as_declarative_base") == 0)
      kind = AR_DECL_BASE;
    else if (strcmp(h, "SQLAlchemy") == 0)
      kind = AR_DECL_DB;
    else if (strcmp(h, "registry") == 0)
      kind = AR_DECL_REGISTRY;
    if (kind >= 0) {
      ar_decl d = {.name = name, .kind = (ar_decl_kind)kind};
      AR_VEC_PUSH(&ex->file->decls, d);
      ar_map_put(&ex->known, name, (void *)name);
    } else if (callee && strcmp(h, "partial") == 0) {
      /* Column = functools.partial(db.Column, nullable=False): a column with defaults. */
      TSNode args = ar__field(ex, right, FLD_arguments);
      const char *inner = ar__dotted(ex, ar__arg0(ex, args));
      if (inner && kind_of_call(original_name(ex, inner)) == AR_FIELD_COLUMN) {
        ar_field *t = ar_arena_alloc(ex->arena, sizeof(*t));
        *t = (ar_field){.name = name, .kind = AR_FIELD_COLUMN, .str_len = -1, .nullable = -1};
        TSNode nl = ar__kwarg(ex, args, "nullable");
        if (!ar__null(nl)) t->nullable = ar__text_eq(ex, nl, "False") ? 0 : 1;
        ar_map_put(&ex->col_aliases, name, t);
        ar_decl d = {.name = name, .kind = AR_DECL_COLUMN, .nullable = t->nullable};
        AR_VEC_PUSH(&ex->file->decls, d);
      }
    }
    return;
  }
  bool is_list = false;
  if (ar__is(ex, right, SYM_subscript) || ar__is(ex, right, SYM_generic_type)) {
    const char *t = ar__type_class(ex, right, &is_list);
    if (t && !is_list) add_alias(ex, name, t);
  }
}

static void module_statement(ar_extractor *ex, TSNode st);

static void module_block(ar_extractor *ex, TSNode block)
{
  if (!ar__descend(ex)) return;
  size_t k, base = ar__kids(ex, block, true, &k);
  for (size_t i = 0; i < k; i++) {
    ar__count_statement(ex, ex->stack.items[base + i]);
    module_statement(ex, ex->stack.items[base + i]);
  }
  ex->stack.len = base;
  ar__ascend(ex);
}

static void module_statement(ar_extractor *ex, TSNode st)
{
  TSNode decorated = {0};
  if (ar__is(ex, st, SYM_decorated_definition)) {
    decorated = st;
    st = ar__field(ex, st, FLD_definition);
  }
  if (ar__is(ex, st, SYM_class_definition)) {
    extract_class(ex, st, decorated, false);
  } else if (ar__is(ex, st, SYM_function_definition)) {
    const char *name = ar__text(ex, ar__field(ex, st, FLD_name));
    ar__walk_function(ex, st, name, NULL, !ar__null(decorated));
  } else if (ar__is(ex, st, SYM_import_statement) || ar__is(ex, st, SYM_import_from_statement)) {
    /* recorded by collect_known */
  } else if (ar__is(ex, st, SYM_expression_statement)) {
    size_t k, base = ar__kids(ex, st, true, &k);
    for (size_t i = 0; i < k; i++) {
      TSNode e = ex->stack.items[base + i];
      if (ar__is(ex, e, SYM_assignment)) module_assignment(ex, e);
      ar__walk_expr(ex, e);
    }
    ex->stack.len = base;
  } else if (ar__is(ex, st, SYM_if_statement) || ar__is(ex, st, SYM_try_statement) ||
             ar__is(ex, st, SYM_elif_clause) || ar__is(ex, st, SYM_else_clause) ||
             ar__is(ex, st, SYM_except_clause) || ar__is(ex, st, SYM_finally_clause) ||
             ar__is(ex, st, SYM_with_statement) || ar__is(ex, st, SYM_for_statement) ||
             ar__is(ex, st, SYM_while_statement)) {
    size_t k, base = ar__kids(ex, st, true, &k);
    for (size_t i = 0; i < k; i++) {
      TSNode c = ex->stack.items[base + i];
      if (ar__is(ex, c, SYM_block)) module_block(ex, c);
      else if (ar__is(ex, c, SYM_elif_clause) || ar__is(ex, c, SYM_else_clause) ||
               ar__is(ex, c, SYM_except_clause) || ar__is(ex, c, SYM_finally_clause))
        module_statement(ex, c);
      else if (!ar__is(ex, c, SYM_comment))
        ar__walk_expr(ex, c);
    }
    ex->stack.len = base;
  } else if (ar__is(ex, st, SYM_type_alias_statement)) { /* type CurrentUser = User */
    TSNode l = ar__field(ex, st, FLD_left), r = ar__field(ex, st, FLD_right);
    bool is_list = false;
    const char *n = ar__dotted(ex, ar__is(ex, l, SYM_type) && ts_node_named_child_count(l) ? ts_node_named_child(l, 0) : l);
    const char *t = ar__type_class(ex, r, &is_list);
    if (n && t && !is_list) add_alias(ex, n, t);
  } else if (!ar__is(ex, st, SYM_comment) && !ar__is(ex, st, SYM_pass_statement) &&
             !ar__is(ex, st, SYM_future_import_statement)) {
    ar__walk_expr(ex, st);
  }
}

/* Names that can start a class reference in this file: imported names and module-level
 * classes (found before the walk, so a function may use a class defined below it). */
static void collect_known(ar_extractor *ex, TSNode block, int depth)
{
  if (depth > 8) return;
  size_t k, base = ar__kids(ex, block, true, &k);
  for (size_t i = 0; i < k; i++) {
    TSNode st = ex->stack.items[base + i];
    if (ar__is(ex, st, SYM_decorated_definition)) st = ar__field(ex, st, FLD_definition);
    if (ar__is(ex, st, SYM_class_definition)) {
      const char *n = ar__text(ex, ar__field(ex, st, FLD_name));
      ar_map_put(&ex->known, n, (void *)n);
    } else if (ar__is(ex, st, SYM_import_statement) || ar__is(ex, st, SYM_import_from_statement)) {
      ar__record_import(ex, st);
    } else if (ar__is(ex, st, SYM_if_statement) || ar__is(ex, st, SYM_try_statement) ||
               ar__is(ex, st, SYM_else_clause) || ar__is(ex, st, SYM_elif_clause) ||
               ar__is(ex, st, SYM_except_clause) || ar__is(ex, st, SYM_finally_clause) ||
               ar__is(ex, st, SYM_block)) {
      collect_known(ex, st, depth + 1);
    }
  }
  ex->stack.len = base;
}

/* One function's return annotation, if it names a class (or a list of one). */
static void record_return(ar_extractor *ex, TSNode def, const char *key, bool module_level)
{
  TSNode ret = ar__field(ex, def, FLD_return_type);
  if (ar__null(ret)) return;
  bool is_list = false;
  const char *t = ar__type_class(ex, ret, &is_list);
  if (!t) return;
  ar_tinfo *ti = ar_arena_alloc(&ex->tmp, sizeof(*ti));
  *ti = (ar_tinfo){.kind = is_list ? T_LIST : T_INSTANCE, .conf = AR_CONF_LIKELY, .name = t,
                   .evidence = ar__tmpf(ex, "%s() -> %s", key, ar__text(ex, ret))};
  ar_map_put(&ex->rets, key, ti);
  (void)module_level; /* methods too: obj.method() on a known class resolves in phase 2 */
  if (!is_list) { /* other modules that import the function resolve it too */
    ar_decl d = {.name = key, .kind = AR_DECL_FUNC, .target = t};
    AR_VEC_PUSH(&ex->file->decls, d);
  }
}

/* Return annotations of module-level functions and of methods of module-level classes,
 * before the walk: a call may come before the definition it calls. */
static void collect_returns(ar_extractor *ex, TSNode block, int depth)
{
  if (depth > 8) return;
  size_t k, base = ar__kids(ex, block, true, &k);
  for (size_t i = 0; i < k; i++) {
    TSNode st = ex->stack.items[base + i];
    if (ar__is(ex, st, SYM_decorated_definition)) st = ar__field(ex, st, FLD_definition);
    if (ar__is(ex, st, SYM_function_definition)) {
      if (!ar__null(ar__field(ex, st, FLD_return_type)))
        record_return(ex, st, ar__text(ex, ar__field(ex, st, FLD_name)), true);
    } else if (ar__is(ex, st, SYM_class_definition)) {
      const char *cn = ar__text(ex, ar__field(ex, st, FLD_name));
      size_t k2, b2 = ar__kids(ex, ar__field(ex, st, FLD_body), true, &k2);
      for (size_t j = 0; j < k2; j++) {
        TSNode m = ex->stack.items[b2 + j];
        if (ar__is(ex, m, SYM_decorated_definition)) m = ar__field(ex, m, FLD_definition);
        if (ar__is(ex, m, SYM_function_definition))
          if (!ar__null(ar__field(ex, m, FLD_return_type))) /* the key only when needed */
            record_return(ex, m, ar__printf(ex, "%s.%s", cn, ar__text(ex, ar__field(ex, m, FLD_name))), false);
      }
      ex->stack.len = b2;
    } else if (ar__is(ex, st, SYM_if_statement) || ar__is(ex, st, SYM_try_statement) ||
               ar__is(ex, st, SYM_else_clause) || ar__is(ex, st, SYM_block)) {
      collect_returns(ex, st, depth + 1);
    }
  }
  ex->stack.len = base;
}

/* `# alignrisk: ignore` and `# alignrisk: ignore[AR101,AR204]`, found by text: comments
 * may sit anywhere in the tree, and a byte search is cheaper than visiting every node. */
static void find_suppressions(ar_extractor *ex)
{
  static const char tag[] = "alignrisk: ignore";
  const char *p = ex->src, *end = ex->src + ex->len;
  uint32_t line = 1;
  const char *line_start = p;
  while (p < end) {
    const char *hit = memmem(p, (size_t)(end - p), tag, sizeof tag - 1);
    if (!hit) break;
    for (const char *q = line_start; q < hit; q++)
      if (*q == '\n') line++, line_start = q + 1;
    const char *hash = memchr(line_start, '#', (size_t)(hit - line_start));
    p = hit + sizeof tag - 1;
    if (!hash) continue;
    ar_suppress s = {.line = line, .codes = NULL};
    if (p < end && *p == '[') {
      const char *close = memchr(p, ']', (size_t)(end - p));
      const char *nl = memchr(p, '\n', (size_t)(end - p));
      /* An unclosed list suppresses nothing (an empty list) rather than everything. */
      s.codes = close && (!nl || close < nl) ? ar__intern(ex, p + 1, (size_t)(close - p - 1)) : "";
    }
    AR_VEC_PUSH(&ex->file->suppress, s);
  }
}

/* A file's vectors grow in the extractor's spare storage (lend), then move into the arena
 * at their final size (settle): no realloc churn and no half-empty tails on the heap that
 * tree-sitter's own allocations would have to work around. */
#define FILE_VECS(X) X(refs, 0) X(imports, 1) X(funcs, 2) X(classes, 3) X(decls, 4) \
  X(suppress, 5) X(all_names, 6) /* k: the slot in ex->spare (7 slots) */
#define LEND(v, k) ((v)->items = ex->spare[k].items, (v)->cap = ex->spare[k].cap, (v)->len = 0)
#define SETTLE(v, k)                                                                               \
  do {                                                                                             \
    void *kept_ = (v)->len ? ar_arena_alloc(ex->arena, (v)->len * sizeof(*(v)->items)) : NULL;     \
    if (kept_) memcpy(kept_, (v)->items, (v)->len * sizeof(*(v)->items));                          \
    ex->spare[k].items = (v)->items;                                                               \
    ex->spare[k].cap = (v)->cap;                                                                   \
    (v)->items = kept_;                                                                            \
    (v)->cap = (v)->len;                                                                           \
  } while (0)

void ar_extract_file(ar_extractor *ex, ar_file *file, const TSTree *tree, const char *src,
                     size_t len, ar_arena *arena, ar_diag *dg)
{
  TSNode root = ts_tree_root_node(tree);
  ex->file = file;
  ex->src = src;
  ex->len = len;
  if (ex->intern.arena != arena) { /* interned strings live in the arena they came from */
    ar_intern_dispose(&ex->intern);
    ar_intern_init(&ex->intern, arena);
  }
  ex->arena = arena;
  ex->dg = dg;
#define LEND_ONE(v, k) LEND(&file->v, k);
  FILE_VECS(LEND_ONE)
  ex->func = "<module>";
  ex->ctx = NULL;
  ex->guard = 0;
  ex->depth = 0;
  ex->depth_warned = false;
  ex->stack.len = 0;
  ar__env_truncate(ex, 0); /* also retires the last file's inferences: node ids repeat */
  ex->probed.len = 0;
  /* Per-file tables: emptied, their slots kept for the next file. */
  ar_map_clear(&ex->known);
  ar_map_clear(&ex->used);
  ar_map_clear(&ex->aliases);
  ar_map_clear(&ex->col_aliases);
  ar_map_clear(&ex->rets);
  ar_arena_reset(&ex->tmp);
  ex->star = false;
  ex->cls = NULL;
  memset(ex->dcache, 0, sizeof ex->dcache); /* node identities are per tree */
  memset(ex->fcache, 0, sizeof ex->fcache);
  memset(ex->kcache, 0, sizeof ex->kcache);
  ex->kids_seen.len = 0;
  if (ex->have_cursor) {
    ts_tree_cursor_delete(&ex->cursor);
    ex->have_cursor = false;
  }
  file->nlines = 1;
  for (const char *p = src, *end = src + len; (p = memchr(p, '\n', (size_t)(end - p))) != NULL; p++)
    file->nlines++;
  if (ts_node_has_error(root)) {
    file->flags |= AR_FILE_SYNTAX;
    /* Point at the first error so the user can find it. */
    TSTreeCursor c = ts_tree_cursor_new(root);
    TSNode bad = root;
    for (;;) {
      TSNode n = ts_tree_cursor_current_node(&c);
      if (ts_node_symbol(n) == (TSSymbol)-1 || ts_node_is_missing(n)) { bad = n; break; }
      bool down = ts_node_has_error(n) && ts_tree_cursor_goto_first_child(&c);
      if (down) continue;
      while (!ts_tree_cursor_goto_next_sibling(&c))
        if (!ts_tree_cursor_goto_parent(&c)) goto found;
    }
  found:
    ts_tree_cursor_delete(&c);
    ar_diag_warnf(dg, file->abspath, ar__line(bad), ar__col(bad),
                  "syntax error; findings come from the parts that parse");
  }
  find_suppressions(ex);
  collect_known(ex, root, 0);
  collect_returns(ex, root, 0);
  module_block(ex, root);
  /* The vectors stop growing here. */
#define SETTLE_ONE(v, k) SETTLE(&file->v, k);
  FILE_VECS(SETTLE_ONE)
  if (ex->have_cursor) {
    ts_tree_cursor_delete(&ex->cursor);
    ex->have_cursor = false;
  }
}
