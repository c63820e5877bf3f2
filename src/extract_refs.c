/* SPDX-License-Identifier: MIT
 * extract_refs.c - stage "extract", function level: imports, receiver inference and
 * the attribute references the align stage checks. A receiver is known only from evidence
 * in this file (annotations, session.get, query/select chains, constructors, loops), recorded
 * by name: phase 2 decides whether the name is a model. Know before editing: a variable's
 * type is a stack of bindings; a new scope (function, comprehension, narrowed branch) pushes
 * and pops, so lookups always see the innermost binding. */
#include <string.h>

#include "extract_int.h"

/* ---- imports ------------------------------------------------------------------------------ */

/* The absolute module for `from .x import …` seen from this file. */
static const char *absolute_module(ar_extractor *ex, int level, const char *rel)
{
  const char *mod = ex->file->module;
  size_t n = strlen(mod);
  /* A module's package is the module minus its last part; a package's (__init__) is itself. */
  int up = level - ((ex->file->flags & AR_FILE_INIT) ? 1 : 0);
  for (int i = 0; i < up; i++) {
    while (n > 0 && mod[n - 1] != '.') n--;
    if (n > 0) n--; /* drop the dot */
  }
  if (n == 0) return rel ? rel : "";
  if (!rel || !*rel) return ar__intern(ex, mod, n);
  return ar__printf(ex, "%.*s.%s", (int)n, mod, rel);
}

static void add_import(ar_extractor *ex, const char *local, const char *module, const char *name,
                       uint32_t line)
{
  ar_import im = {.local = local, .module = module, .name = name, .line = line};
  AR_VEC_PUSH(&ex->file->imports, im);
  /* From outside the scan (sqlalchemy, logging, …): recorded for resolving bases, but the
   * name is no class of the scan, so no references to it are kept. */
  if (ex->modules && !ar_map_get(ex->modules, module)) return;
  if (strcmp(local, "*") != 0) ar_map_put(&ex->known, local, (void *)local);
  else ex->star = true;
  ex->env_epoch++; /* names_class() may answer otherwise now */
}

void ar__record_import(ar_extractor *ex, TSNode st)
{
  uint32_t line = ar__line(st);
  if (ar__is(ex, st, SYM_import_statement)) {
    size_t k, base = ar__kids(ex, st, true, &k);
    for (size_t i = 0; i < k; i++) {
      TSNode c = ex->stack.items[base + i];
      if (ar__is(ex, c, SYM_aliased_import)) {
        const char *mod = ar__dotted(ex, ar__field(ex, c, FLD_name));
        const char *alias = ar__text(ex, ar__field(ex, c, FLD_alias));
        if (mod) add_import(ex, alias, mod, NULL, line);
      } else if (ar__is(ex, c, SYM_dotted_name)) {
        /* `import a.b.c` binds `a`; attribute chains on it name the rest. */
        const char *mod = ar__dotted(ex, c);
        if (!mod) continue;
        const char *dot = strchr(mod, '.');
        const char *head = dot ? ar__intern(ex, mod, (size_t)(dot - mod)) : mod;
        add_import(ex, head, head, NULL, line);
      }
    }
    ex->stack.len = base;
    return;
  }
  /* from [.]*module import name [as alias], … | * */
  TSNode modn = ar__field(ex, st, FLD_module_name);
  const char *module = NULL;
  if (ar__is(ex, modn, SYM_relative_import)) {
    int level = 0;
    const char *rel = NULL;
    size_t k, base = ar__kids(ex, modn, true, &k);
    for (size_t i = 0; i < k; i++) {
      TSNode c = ex->stack.items[base + i];
      if (ar__is(ex, c, SYM_import_prefix)) level = (int)(ts_node_end_byte(c) - ts_node_start_byte(c));
      else if (ar__is(ex, c, SYM_dotted_name)) rel = ar__dotted(ex, c);
    }
    ex->stack.len = base;
    module = absolute_module(ex, level, rel);
  } else {
    module = ar__dotted(ex, modn);
  }
  if (!module) return;
  size_t k, base = ar__kids(ex, st, true, &k);
  for (size_t i = 0; i < k; i++) {
    TSNode c = ex->stack.items[base + i];
    if (ts_node_eq(c, modn)) continue;
    if (ar__is(ex, c, SYM_wildcard_import)) {
      add_import(ex, "*", module, NULL, line);
    } else if (ar__is(ex, c, SYM_aliased_import)) {
      const char *name = ar__dotted(ex, ar__field(ex, c, FLD_name));
      const char *alias = ar__text(ex, ar__field(ex, c, FLD_alias));
      if (name) add_import(ex, alias, module, name, line);
    } else if (ar__is(ex, c, SYM_dotted_name)) {
      const char *name = ar__dotted(ex, c);
      if (name) add_import(ex, name, module, name, line);
    }
  }
  ex->stack.len = base;
}

/* ---- the environment ---------------------------------------------------------------------- */

static const ar_tinfo *lookup(const ar_extractor *ex, const char *var)
{
  for (size_t i = ex->env.len; i-- > 0;) {
    const char *v = ex->env.items[i].var;
    if (v[0] == var[0] && strcmp(v, var) == 0) return &ex->env.items[i].t;
  }
  return NULL;
}

static void bind(ar_extractor *ex, const char *var, ar_tinfo t)
{
  /* Rebinding in the same scope replaces; a NONE binding still shadows outer ones. */
  ar_binding b = {.var = var, .t = t};
  AR_VEC_PUSH(&ex->env, b);
  ex->env_epoch++;
}

/* Is `name` something that may name a class here (and not a local variable)? */
static bool names_class(const ar_extractor *ex, const char *dotted)
{
  const char *dot = strchr(dotted, '.');
  char head[256];
  size_t n = dot ? (size_t)(dot - dotted) : strlen(dotted);
  if (n >= sizeof head) return false;
  memcpy(head, dotted, n);
  head[n] = '\0';
  /* Known here (or, after `from m import *`, capitalised: phase 2 decides), and not
   * shadowed by a local. The table first: most names are neither, and the bindings are a
   * list to scan. */
  if (!ar_map_get(&ex->known, head) && !(ex->star && head[0] >= 'A' && head[0] <= 'Z')) return false;
  return !lookup(ex, head);
}

static bool ident_char(char c)
{
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
         (unsigned char)c >= 0x80;
}

/* Whether the source of `n` begins with the whole name `name` (self.x, not selfish.x). */
static bool starts_with_name(const ar_extractor *ex, TSNode n, const char *name)
{
  uint32_t a = ts_node_start_byte(n);
  size_t k = strlen(name);
  return a + k < ex->len && memcmp(ex->src + a, name, k) == 0 && !ident_char(ex->src[a + k]);
}

/* Whether the name chain starting at `n` (a.b.C) may name a class, judged by its first
 * name straight from the source, before any string is made: most chains start with self,
 * a session or a local. Agrees with names_class(ar__dotted(n)) whenever that is true. */
static bool head_may_name_class(const ar_extractor *ex, TSNode n)
{
  uint32_t a = ts_node_start_byte(n), b = a;
  while (b < ex->len && b - a < 255 && ident_char(ex->src[b])) b++;
  if (b == a) return false;
  if (b - a >= 255) return true; /* too long to copy here: let the caller ask */
  char head[256];
  memcpy(head, ex->src + a, b - a);
  head[b - a] = '\0';
  return names_class(ex, head);
}

/* ---- references --------------------------------------------------------------------------- */

static const char *keep(ar_extractor *ex, const char *s)
{
  return s ? ar__intern(ex, s, strlen(s)) : NULL;
}

/* r's ar_ref_more, made on first use in the worker's arena. */
static ar_ref_more *more(ar_extractor *ex, ar_ref *r)
{
  if (!r->more) r->more = ar_arena_alloc(ex->arena, sizeof(*r->more));
  return r->more;
}

static ar_ref *add_ref(ar_extractor *ex, ar_ref_kind kind, const char *recv, const char *attr,
                       TSNode at, ar_confidence conf, const char *evidence)
{
  /* Inferred names and evidence are this file's scratch: the reference keeps interned
   * copies (one per distinct string). */
  ar_ref r = {.kind = kind, .conf = conf, .recv = keep(ex, recv), .attr = attr, .func = ex->func,
              .evidence = keep(ex, evidence), .line = ar__line(at), .col = ar__col(at)};
  if (ex->ctx) more(ex, &r)->ctx_recv = keep(ex, ex->ctx);
  if (ex->guard > 0 && kind == AR_REF_READ) r.flags |= AR_REF_GUARDED;
  if (ex->expect > 0) r.flags |= AR_REF_EXPECTED;
  AR_VEC_PUSH(&ex->file->refs, r);
  return &ex->file->refs.items[ex->file->refs.len - 1];
}

static uint8_t value_of(ar_extractor *ex, TSNode v, const char **text);

/* r's value: what `v` is, and its text when it has one. */
static void set_value(ar_extractor *ex, ar_ref *r, TSNode v)
{
  const char *text = NULL;
  r->vkind = value_of(ex, v, &text);
  if (text) more(ex, r)->value = text;
  else if (r->more) r->more->value = NULL;
}

/* What `v` is (an ar_value_kind), when a literal or an enum member says so; its text in
 * *text. AR202-AR205 need it. */
static uint8_t value_of(ar_extractor *ex, TSNode v, const char **text)
{
  ar_value_kind k = AR_VAL_UNKNOWN;
  *text = NULL;
  if (ar__null(v)) return AR_VAL_UNKNOWN;
  if (ar__is(ex, v, SYM_none)) {
    k = AR_VAL_NONE;
  } else if (ar__is(ex, v, SYM_string)) {
    const char *s = ar__string(ex, v);
    if (s) k = AR_VAL_STR, *text = s;
  } else if (ar__is(ex, v, SYM_attribute)) {
    const char *d = head_may_name_class(ex, v) ? ar__dotted(ex, v) : NULL;
    const char *last = d ? ar__last(d) : "";
    /* E.M is a member; E.M.value and E.M.name are its strings, whose text we do not know. */
    if (d && strchr(d, '.') && names_class(ex, d) && strcmp(last, "value") != 0 && strcmp(last, "name") != 0)
      k = AR_VAL_MEMBER, *text = d;
  }
  return (uint8_t)k;
}

/* Give the reference made for attribute node `at` (if any, made from index `from` on) the
 * value `v`: what is stored in it, or compared with it. A list, tuple or set `v` with
 * `in_list` (x.f in ("a", "b"), M.f.in_([...])) gives one compared reference per item. */
static void attach_value(ar_extractor *ex, size_t from, TSNode at, TSNode v, bool compare)
{
  TSNode an = ar__field(ex, at, FLD_attribute);
  if (ar__null(an)) return;
  uint32_t line = ar__line(an), col = ar__col(an);
  for (size_t i = from; i < ex->file->refs.len; i++) {
    ar_ref *r = &ex->file->refs.items[i];
    if (r->line != line || r->col != col) continue;
    r->compare = compare;
    r->sql = compare && r->kind == AR_REF_CLASS_ATTR; /* Model.f == v builds SQL */
    /* Several values: an `in` list, or the branches of `a if c else b` (each is stored or
     * compared on some path). */
    bool branches = ar__is(ex, v, SYM_conditional_expression);
    if (branches || (compare && (ar__is(ex, v, SYM_list) || ar__is(ex, v, SYM_tuple) || ar__is(ex, v, SYM_set)))) {
      ar_ref proto = *r;
      size_t k, base = ar__kids(ex, v, true, &k);
      bool first = true;
      for (size_t j = 0; j < k; j++) {
        if (branches && j == 1) continue; /* the condition */
        ar_ref item = proto;
        if (proto.more) { /* each item its own value */
          item.more = ar_arena_alloc(ex->arena, sizeof(*item.more));
          *item.more = *proto.more;
        }
        set_value(ex, &item, ex->stack.items[base + j]);
        if (item.vkind == AR_VAL_UNKNOWN) continue;
        if (first) ex->file->refs.items[i] = item, first = false;
        else AR_VEC_PUSH(&ex->file->refs, item);
      }
      ex->stack.len = base;
      return;
    }
    set_value(ex, r, v);
    return;
  }
}

static void use_name(ar_extractor *ex, const char *name, TSNode at)
{
  /* One USE per name and file is enough: it only makes the (model, file) pair exist. */
  if (ar_map_get(&ex->used, name)) return;
  ar_map_put(&ex->used, name, (void *)name);
  add_ref(ex, AR_REF_USE, name, "", at, AR_CONF_CERTAIN, NULL);
}

/* ---- inference ---------------------------------------------------------------------------- */

static bool in_list(const char *s, const char *const *list)
{
  for (size_t i = 0; list[i]; i++)
    if (strcmp(s, list[i]) == 0) return true;
  return false;
}

static const char *const chain_methods[] = {
    "where", "filter", "filter_by", "order_by", "limit", "offset", "options", "join",
    "outerjoin", "group_by", "having", "distinct", "execution_options", "with_for_update",
    "select_from", "params", "correlate", "enable_eagerloads", "populate_existing",
    "with_only_columns", "autoflush", "yield_per", "union", NULL};
static const char *const one_methods[] = {"first", "one", "one_or_none", "scalar_one",
                                          "scalar_one_or_none", "first_or_404", "one_or_404",
                                          "get_or_404", "get", "scalar", "get_one", NULL};
static const char *const all_methods[] = {"all", "fetchall", NULL};

static ar_tinfo none_t(void) { return (ar_tinfo){.kind = T_NONE}; }

static ar_tinfo make_t(ar_tkind k, const char *name, ar_confidence conf, const char *ev)
{
  return (ar_tinfo){.kind = name ? k : T_NONE, .conf = conf, .name = name, .evidence = ev};
}

/* The same, for rows that come from the database (session.get, queries, relationships):
 * they never ran __init__. */
static ar_tinfo loaded_t(ar_tkind k, const char *name, ar_confidence conf, const char *ev)
{
  ar_tinfo t = make_t(k, name, conf, ev);
  t.loaded = true;
  return t;
}

/* Class named by a call's first positional argument: select(M), query(M), get(M, id). */
static const char *arg_class(ar_extractor *ex, TSNode args)
{
  TSNode a0 = ar__arg0(ex, args);
  const char *d = ar__dotted(ex, a0);
  return d && names_class(ex, d) ? d : NULL;
}

static ar_tinfo infer(ar_extractor *ex, TSNode e, int depth);

static ar_tinfo infer_call(ar_extractor *ex, TSNode call, int depth)
{
  TSNode fn = ar__field(ex, call, FLD_function), args = ar__field(ex, call, FLD_arguments);
  bool chain = ar__is(ex, fn, SYM_identifier);
  if (!chain && ar__is(ex, fn, SYM_attribute)) {
    /* x.y.m(…) matters below only for self.m(…), a chain from a name that may be a class,
     * or m in select / aliased / cast: anything else needs no dotted string. */
    TSNode m = ar__field(ex, fn, FLD_attribute);
    chain = ar__text_eq(ex, m, "select") || ar__text_eq(ex, m, "aliased") || ar__text_eq(ex, m, "cast") ||
            head_may_name_class(ex, fn) ||
            (ex->cls && starts_with_name(ex, fn, "self"));
  }
  if (chain) {
    const char *d = ar__dotted(ex, fn);
    /* f(…) / self.m(…) / mod.f(…) with a return annotation naming a model. */
    const ar_tinfo *ret = NULL;
    if (d && !strchr(d, '.')) ret = ar_map_get(&ex->rets, d);
    else if (d && ex->cls && strncmp(d, "self.", 5) == 0 && !strchr(d + 5, '.'))
      ret = ar_map_get(&ex->rets, ar__tmpf(ex, "%s.%s", ex->cls, d + 5));
    if (ret && (!d || !lookup(ex, d))) return *ret;
    if (d && (strcmp(d, "cast") == 0 || strcmp(d, "typing.cast") == 0)) { /* cast(M, x) */
      const char *c = arg_class(ex, args);
      return make_t(T_INSTANCE, c, AR_CONF_CERTAIN, c ? ar__tmpf(ex, "cast(%s, …)", c) : NULL);
    }
    if (d && strcmp(ar__last(d), "aliased") == 0) { /* aliased(M): the class under another name */
      const char *c = arg_class(ex, args);
      return make_t(T_CLASS, c, AR_CONF_CERTAIN, c ? ar__tmpf(ex, "aliased(%s)", c) : NULL);
    }
    if (d && strcmp(ar__last(d), "select") == 0) {
      const char *m = arg_class(ex, args);
      return make_t(T_STMT, m, AR_CONF_LIKELY, m ? ar__tmpf(ex, "select(%s)", m) : NULL);
    }
    const char *last = d ? ar__last(d) : "";
    if (d && last[0] >= 'A' && last[0] <= 'Z' && names_class(ex, d))
      /* M(...): a constructor, when phase 2 finds that M is a model */
      return make_t(T_INSTANCE, d, AR_CONF_LIKELY, ar__tmpf(ex, "%s(…)", d));
  }
  if (!ar__is(ex, fn, SYM_attribute)) return none_t();
  TSNode obj = ar__field(ex, fn, FLD_object);
  const char *m = ar__text(ex, ar__field(ex, fn, FLD_attribute));
  if (strcmp(m, "query") == 0 || strcmp(m, "select") == 0) {
    const char *c = arg_class(ex, args);
    return make_t(T_STMT, c, AR_CONF_LIKELY, c ? ar__tmpf(ex, "query(%s)", c) : NULL);
  }
  if ((strcmp(m, "get") == 0 || strcmp(m, "get_one") == 0 || strcmp(m, "merge") == 0 ||
       strcmp(m, "get_or_404") == 0) && !ar__null(ar__arg0(ex, args))) {
    const char *c = arg_class(ex, args);
    if (c && ts_node_named_child_count(args) >= 2)
      return loaded_t(T_INSTANCE, c, AR_CONF_LIKELY, ar__tmpf(ex, "session.%s(%s, …)", m, c));
  }
  if (strcmp(m, "execute") == 0 || strcmp(m, "scalars") == 0 || strcmp(m, "exec") == 0) {
    /* SQLModel's session.exec(select(M)) yields M's, like scalars(). */
    TSNode a0 = ar__arg0(ex, args);
    ar_tkind k = strcmp(m, "execute") == 0 ? T_ROWS : T_SCALARS;
    if (!ar__null(a0)) {
      ar_tinfo s = infer(ex, a0, depth + 1);
      return s.kind == T_STMT ? make_t(k, s.name, s.conf, s.evidence) : none_t();
    }
    ar_tinfo s = infer(ex, obj, depth + 1); /* result.scalars() */
    return (s.kind == T_ROWS || s.kind == T_SCALARS) ? make_t(T_SCALARS, s.name, s.conf, s.evidence)
                                                      : none_t();
  }
  ar_tinfo s = infer(ex, obj, depth + 1);
  if (s.kind == T_INSTANCE && !strchr(s.name, '@') && !strchr(s.name, '(')) {
    /* obj.method(…) on a known class: what its return annotation says (phase 2). */
    const char *mcall = ar__tmpf(ex, "%s.%s()", s.name, m);
    return make_t(T_INSTANCE, mcall, AR_CONF_LIKELY, mcall); /* evidence: "assigned from C.m()" */
  }
  if (s.kind == T_NONE || s.kind == T_INSTANCE || s.kind == T_LIST || s.kind == T_CLASS) return none_t();
  if (strcmp(m, "join") == 0 || strcmp(m, "outerjoin") == 0) {
    /* filter_by() after a join applies to the joined entity: join(M) or join(X.rel). */
    if (s.kind != T_STMT) return none_t();
    TSNode a0 = ar__arg0(ex, args);
    const char *j = ar__dotted(ex, a0);
    if (j && names_class(ex, j) && ar__is(ex, a0, SYM_attribute)) {
      const char *dot = strrchr(j, '.');
      ar_tinfo jt = infer(ex, ar__field(ex, a0, FLD_object), depth + 1);
      s.joined = jt.kind == T_NONE ? ar__tmpf(ex, "%.*s@%s*", (int)(dot - j), j, dot + 1) : "";
      /* the dotted prefix could itself name a class (M.rel) or an alias: phase 2 decides */
    } else if (j && names_class(ex, j)) {
      s.joined = j;
    } else {
      s.joined = ""; /* joined to something we cannot name: filter_by is not checked */
    }
    return s;
  }
  if (in_list(m, chain_methods)) return s.kind == T_STMT ? s : none_t();
  if (strcmp(m, "unique") == 0) return s;
  if (in_list(m, one_methods)) {
    /* result.first() of session.execute(select(M)) is a Row; scalar_one() is an M. */
    if (s.kind == T_ROWS && strncmp(m, "scalar", 6) != 0) return none_t();
    return loaded_t(T_INSTANCE, s.name, AR_CONF_LIKELY, s.evidence);
  }
  if (in_list(m, all_methods)) {
    if (s.kind == T_ROWS) return none_t();
    return loaded_t(T_LIST, s.name, AR_CONF_LIKELY, s.evidence);
  }
  return none_t();
}

/* get_user(…) / repo.get_user(…) imported from another module: phase 2 reads the
 * function's return annotation there. Only names made of lowercase parts (functions in
 * modules), so Model.query.filter_by(…) and db.session.get(…) never come here. */
static ar_tinfo imported_call(ar_extractor *ex, TSNode fn)
{
  const char *d = ar__dotted(ex, fn);
  if (!d || strncmp(d, "self.", 5) == 0 || !names_class(ex, d)) return none_t();
  for (const char *p = d; *p; p++) {
    bool part_start = p == d || p[-1] == '.';
    if (part_start && !(*p >= 'a' && *p <= 'z') && *p != '_') return none_t();
  }
  if (strcmp(ar__last(d), "select") == 0) return none_t();
  const char *dot = strchr(d, '.');
  if (dot) { /* the head must be an imported module, not an object such as db */
    bool module = false;
    for (size_t i = 0; i < ex->file->imports.len && !module; i++) {
      const ar_import *im = &ex->file->imports.items[i];
      module = strlen(im->local) == (size_t)(dot - d) && strncmp(im->local, d, (size_t)(dot - d)) == 0;
    }
    if (!module) return none_t();
  }
  return make_t(T_INSTANCE, ar__tmpf(ex, "%s()", d), AR_CONF_LIKELY,
                ar__tmpf(ex, "%s(), by its return annotation", d));
}

static ar_tinfo infer_node(ar_extractor *ex, TSNode e, int depth);

/* infer() depends on the node and the bindings only (the file's imports and return
 * annotations are fixed during the walk), so an answer holds until env changes. */
static ar_tinfo infer(ar_extractor *ex, TSNode e, int depth)
{
  if (depth > 0 || ar__null(e)) return infer_node(ex, e, depth);
  size_t slot = ((uintptr_t)e.id >> 4) % AR_INFER_CACHE;
  if (ex->icache[slot].id == e.id && ex->icache[slot].epoch == ex->env_epoch) return ex->icache[slot].t;
  ar_tinfo t = infer_node(ex, e, 0);
  ex->icache[slot].id = e.id;
  ex->icache[slot].epoch = ex->env_epoch;
  ex->icache[slot].t = t;
  return t;
}

static ar_tinfo infer_node(ar_extractor *ex, TSNode e, int depth)
{
  if (ar__null(e) || depth > 32) return none_t();
  if (ar__is(ex, e, SYM_identifier)) {
    /* A name's binding, looked up from a stack copy: no string is kept for it. */
    char buf[128];
    uint32_t a = ts_node_start_byte(e), b = ts_node_end_byte(e);
    const char *v;
    if (b <= ex->len && a <= b && b - a < sizeof buf) {
      memcpy(buf, ex->src + a, b - a);
      buf[b - a] = '\0';
      v = buf;
    } else {
      v = ar__text(ex, e);
    }
    const ar_tinfo *t = lookup(ex, v);
    return t ? *t : none_t();
  }
  if (ar__is(ex, e, SYM_await) || ar__is(ex, e, SYM_parenthesized_expression)) {
    size_t k, base = ar__kids(ex, e, true, &k);
    TSNode c = k ? ex->stack.items[base] : (TSNode){0};
    ex->stack.len = base;
    return infer(ex, c, depth + 1);
  }
  if (ar__is(ex, e, SYM_call)) {
    ar_tinfo t = infer_call(ex, e, depth);
    return t.kind != T_NONE ? t : imported_call(ex, ar__field(ex, e, FLD_function));
  }
  if (ar__is(ex, e, SYM_attribute)) {
    TSNode obj = ar__field(ex, e, FLD_object);
    const char *a = ar__text(ex, ar__field(ex, e, FLD_attribute));
    if (strcmp(a, "query") == 0) { /* Flask-SQLAlchemy M.query */
      const char *d = ar__dotted(ex, obj);
      if (d && names_class(ex, d))
        return make_t(T_STMT, d, AR_CONF_LIKELY, ar__tmpf(ex, "%s.query", d));
    }
    if (ar__text_eq(ex, obj, "self")) {
      const char *key = ar__tmpf(ex, "self.%s", a);
      const ar_tinfo *t = lookup(ex, key);
      if (t) return *t;
    }
    /* order.customer / payment.invoice: what a relationship holds ("Order@customer");
     * phase 2 follows the relationship to its target when it holds one object. */
    ar_tinfo o = infer(ex, obj, depth + 1);
    if (o.kind == T_INSTANCE && !strchr(o.name, '(')) {
      ar_tinfo t = loaded_t(T_INSTANCE, ar__tmpf(ex, "%s@%s", o.name, a),
                            o.conf < AR_CONF_LIKELY ? o.conf : AR_CONF_LIKELY,
                            o.evidence ? o.evidence : o.name); /* the base's evidence */
      return t;
    }
    return none_t();
  }
  if (ar__is(ex, e, SYM_subscript)) {
    ar_tinfo s = infer(ex, ar__field(ex, e, FLD_value), depth + 1);
    if (s.kind == T_LIST) return make_t(T_INSTANCE, s.name, AR_CONF_LIKELY, s.evidence);
    return none_t();
  }
  if (ar__is(ex, e, SYM_boolean_operator)) /* x or default */
    return infer(ex, ar__field(ex, e, FLD_left), depth + 1);
  if (ar__is(ex, e, SYM_conditional_expression)) {
    size_t k, base = ar__kids(ex, e, true, &k);
    TSNode a = k > 0 ? ex->stack.items[base] : (TSNode){0};
    TSNode b = k > 2 ? ex->stack.items[base + 2] : (TSNode){0};
    ex->stack.len = base;
    ar_tinfo ta = infer(ex, a, depth + 1), tb = infer(ex, b, depth + 1);
    if (ta.kind != T_NONE && (tb.kind == T_NONE || (tb.name && strcmp(ta.name, tb.name) == 0)))
      return ta;
    return ta.kind == T_NONE && ar__text_eq(ex, a, "None") ? tb : none_t();
  }
  return none_t();
}

/* ---- walking ------------------------------------------------------------------------------ */

static void walk_block(ar_extractor *ex, TSNode block);
static void walk_stmt(ar_extractor *ex, TSNode st);

/* Bind the names of an assignment target to `t` (tuples unpack to unknowns). */
static void bind_target(ar_extractor *ex, TSNode target, ar_tinfo t)
{
  if (ar__is(ex, target, SYM_identifier)) {
    bind(ex, ar__text(ex, target), t);
  } else if (ar__is(ex, target, SYM_pattern_list) || ar__is(ex, target, SYM_tuple_pattern) ||
             ar__is(ex, target, SYM_list_pattern) || ar__is(ex, target, SYM_tuple)) {
    size_t k, base = ar__kids(ex, target, true, &k);
    for (size_t i = 0; i < k; i++) bind_target(ex, ex->stack.items[base + i], none_t());
    ex->stack.len = base;
  } else if (ar__is(ex, target, SYM_attribute) &&
             ar__text_eq(ex, ar__field(ex, target, FLD_object), "self")) {
    bind(ex, ar__tmpf(ex, "self.%s", ar__text(ex, ar__field(ex, target, FLD_attribute))), t);
  }
}

/* Element type when iterating `t`. */
static ar_tinfo element_of(ar_extractor *ex, ar_tinfo t)
{
  ar_confidence c = t.conf < AR_CONF_LIKELY ? t.conf : AR_CONF_LIKELY;
  if (t.kind == T_LIST || t.kind == T_SCALARS || t.kind == T_STMT) {
    ar_tinfo e = make_t(T_INSTANCE, t.name, c, t.evidence);
    e.loaded = t.loaded || t.kind != T_LIST;
    return e;
  }
  /* for item in order.items: a relationship that holds a collection ("Order@items[]") */
  if (t.kind == T_INSTANCE && strchr(t.name, '@') && !strchr(t.name, '['))
    return loaded_t(T_INSTANCE, ar__tmpf(ex, "%s[]", t.name), c, t.evidence);
  return none_t();
}

/* "order_item" -> "OrderItem"; NULL for names that cannot be a class's (self, _x, x1). */
static const char *camel_case(ar_extractor *ex, const char *v)
{
  if (!(v[0] >= 'a' && v[0] <= 'z') || strcmp(v, "self") == 0 || strcmp(v, "cls") == 0) return NULL;
  ex->scratch.len = 0;
  bool up = true;
  for (const char *p = v; *p; p++) {
    if (*p == '_') { up = true; continue; }
    if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9'))) return NULL;
    AR_VEC_PUSH(&ex->scratch, up && *p >= 'a' && *p <= 'z' ? (char)(*p - 32) : *p);
    up = false;
  }
  return ar__intern(ex, ex->scratch.items, ex->scratch.len);
}

/* obj.attr: a read (or write) on a typed instance, or a class attribute. */
static void attribute_ref(ar_extractor *ex, TSNode at, bool write)
{
  TSNode obj = ar__field(ex, at, FLD_object), an = ar__field(ex, at, FLD_attribute);
  if (ar__null(obj) || ar__null(an)) return;
  ar_tinfo t = infer(ex, obj, 0);
  const char *attr = NULL; /* named only when a reference is made: most receivers are unknown */
  if (t.kind == T_INSTANCE || t.kind == T_CLASS) attr = ar__text(ex, an);
  if (t.kind == T_INSTANCE) {
    ar_ref *r = add_ref(ex, write ? AR_REF_WRITE : AR_REF_READ, t.name, attr, an, t.conf, t.evidence);
    if (t.loaded) r->flags |= AR_REF_LOADED;
    if (t.self) r->flags |= AR_REF_SELF;
    return;
  }
  if (t.kind == T_CLASS) { /* inviter = aliased(User); inviter.username */
    add_ref(ex, AR_REF_CLASS_ATTR, t.name, attr, an, AR_CONF_CERTAIN, t.evidence);
    return;
  }
  if (t.kind != T_NONE) return;
  const char *d = head_may_name_class(ex, obj) ? ar__dotted(ex, obj) : NULL;
  if (d && names_class(ex, d)) {
    add_ref(ex, AR_REF_CLASS_ATTR, d, ar__text(ex, an), an, AR_CONF_CERTAIN, NULL);
    return;
  }
  /* --guess-names: an untyped `order_item` may be an OrderItem (a model of that name
   * anywhere in the scan: resolve looks it up by name when no import names it). */
  if (ex->guess && ar__is(ex, obj, SYM_identifier)) {
    const char *v = ar__text(ex, obj);
    const ar_tinfo *bound = lookup(ex, v);
    if (bound && bound->kind != T_NONE) return;
    const char *camel = ex->guess ? camel_case(ex, v) : NULL;
    if (camel) {
      add_ref(ex, write ? AR_REF_WRITE : AR_REF_READ, camel, ar__text(ex, an), an, AR_CONF_POSSIBLE,
              ar__tmpf(ex, "guessed from the name '%s'", v));
      ex->file->refs.items[ex->file->refs.len - 1].flags |= AR_REF_GUESS;
    }
  }
}

/* query(M).filter_by(k=…) / M.query.filter_by(k=…) / stmt.filter_by(k=…) */
static void filter_by_refs(ar_extractor *ex, TSNode obj, TSNode args)
{
  ar_tinfo s = infer(ex, obj, 0);
  if (s.kind != T_STMT) return;
  const char *entity = s.joined ? s.joined : s.name;
  if (!*entity) return; /* joined to an entity we cannot name */
  size_t k, base = ar__kids(ex, args, true, &k);
  for (size_t i = 0; i < k; i++) {
    TSNode c = ex->stack.items[base + i];
    if (!ar__is(ex, c, SYM_keyword_argument)) continue;
    TSNode nm = ar__field(ex, c, FLD_name);
    ar_ref *r = add_ref(ex, AR_REF_FILTER_BY, entity, ar__text(ex, nm), nm, AR_CONF_CERTAIN, NULL);
    set_value(ex, r, ar__field(ex, c, FLD_value));
    r->compare = r->sql = true;
  }
  ex->stack.len = base;
}

static void call_refs(ar_extractor *ex, TSNode call)
{
  TSNode fn = ar__field(ex, call, FLD_function), args = ar__field(ex, call, FLD_arguments);
  if (ar__null(args) || !ar__is(ex, args, SYM_argument_list)) return;
  if (ar__is(ex, fn, SYM_identifier) &&
      (ar__text_eq(ex, fn, "hasattr") || ar__text_eq(ex, fn, "getattr"))) {
    /* hasattr(x, "n") and getattr(x, "n", default) probe for a transient attribute. */
    size_t k, base = ar__kids(ex, args, true, &k);
    if (k >= 2 && (ar__text_eq(ex, fn, "hasattr") || k >= 3)) {
      const char *s = ar__string(ex, ex->stack.items[base + 1]);
      if (s) AR_VEC_PUSH(&ex->probed, s);
    }
    ex->stack.len = base;
    return;
  }
  if (ar__is(ex, fn, SYM_attribute) && ar__text_eq(ex, ar__field(ex, fn, FLD_attribute), "filter_by")) {
    filter_by_refs(ex, ar__field(ex, fn, FLD_object), args);
    return;
  }
  if (!head_may_name_class(ex, fn)) return;
  const char *d = ar__dotted(ex, fn);
  if (!d || !names_class(ex, d)) return;
  size_t k, base = ar__kids(ex, args, true, &k);
  for (size_t i = 0; i < k; i++) {
    TSNode c = ex->stack.items[base + i];
    if (!ar__is(ex, c, SYM_keyword_argument)) continue;
    TSNode nm = ar__field(ex, c, FLD_name);
    add_ref(ex, AR_REF_CTOR_KWARG, d, ar__text(ex, nm), nm, AR_CONF_CERTAIN, NULL);
    ar_ref *r = &ex->file->refs.items[ex->file->refs.len - 1];
    set_value(ex, r, ar__field(ex, c, FLD_value));
  }
  ex->stack.len = base;
}

/* The model whose field `target` (obj.f or M.f) is, for enum members used with it. */
static const char *context_of(ar_extractor *ex, TSNode target)
{
  if (!ar__is(ex, target, SYM_attribute)) return NULL;
  TSNode obj = ar__field(ex, target, FLD_object);
  ar_tinfo t = infer(ex, obj, 0);
  if (t.kind == T_INSTANCE) return t.name;
  const char *d = head_may_name_class(ex, obj) ? ar__dotted(ex, obj) : NULL;
  return d && names_class(ex, d) ? d : NULL;
}

static void walk_comprehension(ar_extractor *ex, TSNode e)
{
  size_t mark = ex->env.len;
  size_t k, base = ar__kids(ex, e, true, &k);
  /* Bind the for-clauses first: the body reads their variables. */
  for (size_t i = 0; i < k; i++) {
    TSNode c = ex->stack.items[base + i];
    if (!ar__is(ex, c, SYM_for_in_clause)) continue;
    TSNode right = ar__field(ex, c, FLD_right);
    ar__walk_expr(ex, right);
    bind_target(ex, ar__field(ex, c, FLD_left), element_of(ex, infer(ex, right, 0)));
  }
  for (size_t i = 0; i < k; i++) {
    TSNode c = ex->stack.items[base + i];
    if (!ar__is(ex, c, SYM_for_in_clause)) ar__walk_expr(ex, c);
  }
  ex->stack.len = base;
  ar__env_truncate(ex, mark);
}

void ar__walk_expr(ar_extractor *ex, TSNode n)
{
  if (ar__null(n) || !ar__descend(ex)) return;
  /* The node's symbol, read once: the checks below compare it with many ids. */
  const TSSymbol sym_n = ts_node_symbol(n);
#define IS_N(id) (sym_n == ex->sym[id])
  if (IS_N(SYM_attribute)) {
    attribute_ref(ex, n, false);
    ar__walk_expr(ex, ar__field(ex, n, FLD_object));
  } else if (IS_N(SYM_identifier)) {
    /* Most identifiers are locals: look the bytes up before making a string of them. */
    uint32_t a = ts_node_start_byte(n), b = ts_node_end_byte(n);
    if (b <= ex->len && a < b && (ar_map_get_n(&ex->known, ex->src + a, b - a) || ex->star)) {
      const char *v = ar__text(ex, n);
      if (names_class(ex, v)) use_name(ex, v, n);
    }
  } else if (IS_N(SYM_call)) {
    call_refs(ex, n);
    size_t mark = ex->file->refs.len;
    TSNode fn = ar__field(ex, n, FLD_function);
    ar__walk_expr(ex, fn);
    /* M.f.in_(["a", "b"]): each item is compared with f. */
    if (ar__is(ex, fn, SYM_attribute) && ar__text_eq(ex, ar__field(ex, fn, FLD_attribute), "in_") &&
        ar__is(ex, ar__field(ex, fn, FLD_object), SYM_attribute))
      attach_value(ex, mark, ar__field(ex, fn, FLD_object), ar__arg0(ex, ar__field(ex, n, FLD_arguments)), true);
    ar__walk_expr(ex, ar__field(ex, n, FLD_arguments));
  } else if (IS_N(SYM_keyword_argument)) {
    ar__walk_expr(ex, ar__field(ex, n, FLD_value));
  } else if (IS_N(SYM_list_comprehension) || IS_N(SYM_set_comprehension) ||
             IS_N(SYM_dictionary_comprehension) || IS_N(SYM_generator_expression)) {
    walk_comprehension(ex, n);
  } else if (IS_N(SYM_comparison_operator)) {
    /* control.status == ControlStatus.X: the enum member is used with control's field. */
    size_t k, base = ar__kids(ex, n, true, &k);
    const char *ctx = NULL;
    for (size_t i = 0; i < k && !ctx; i++) ctx = context_of(ex, ex->stack.items[base + i]);
    const char *saved = ex->ctx;
    if (ctx) ex->ctx = ctx;
    for (size_t i = 0; i < k; i++) {
      size_t mark = ex->file->refs.len;
      TSNode op = ex->stack.items[base + i];
      ar__walk_expr(ex, op);
      /* a.f == "x": the other side of a two-operand comparison is compared with f. */
      if (k == 2 && ar__is(ex, op, SYM_attribute))
        attach_value(ex, mark, op, ex->stack.items[base + 1 - i], true);
    }
    ex->ctx = saved;
    ex->stack.len = base;
  } else if (IS_N(SYM_named_expression)) {
    TSNode v = ar__field(ex, n, FLD_value);
    ar__walk_expr(ex, v);
    bind_target(ex, ar__field(ex, n, FLD_name), infer(ex, v, 0));
  } else if (IS_N(SYM_lambda)) {
    size_t mark = ex->env.len;
    TSNode params = ar__field(ex, n, FLD_parameters);
    if (!ar__null(params)) {
      size_t k, base = ar__kids(ex, params, true, &k);
      for (size_t i = 0; i < k; i++) bind_target(ex, ex->stack.items[base + i], none_t());
      ex->stack.len = base;
    }
    ar__walk_expr(ex, ar__field(ex, n, FLD_body));
    ar__env_truncate(ex, mark);
  } else if (IS_N(SYM_string)) {
    /* f"{obj.attr}": only the interpolations hold expressions, and only f-strings have them
     * (the prefix, before the first quote, has an f). */
    uint32_t a = ts_node_start_byte(n);
    bool f = false;
    for (uint32_t i = a; i < ex->len && i < a + 3 && ex->src[i] != '"' && ex->src[i] != '\''; i++)
      f = f || ex->src[i] == 'f' || ex->src[i] == 'F';
    if (!f) goto done;
    size_t k, base = ar__kids(ex, n, true, &k);
    for (size_t i = 0; i < k; i++)
      if (ar__is(ex, ex->stack.items[base + i], SYM_interpolation)) ar__walk_expr(ex, ex->stack.items[base + i]);
    ex->stack.len = base;
  } else if (IS_N(SYM_integer) || IS_N(SYM_float) || IS_N(SYM_comment) || IS_N(SYM_none) ||
             IS_N(SYM_true) || IS_N(SYM_false)) {
    /* leaves */
  } else if (IS_N(SYM_assignment) || IS_N(SYM_augmented_assignment)) {
    walk_stmt(ex, n);
  } else {
    size_t k, base = ar__kids(ex, n, true, &k);
    for (size_t i = 0; i < k; i++) ar__walk_expr(ex, ex->stack.items[base + i]);
    ex->stack.len = base;
  }
done:
  ar__ascend(ex);
}
#undef IS_N

/* Left side of an assignment: writes on attributes, reads inside subscripts. */
static void walk_target(ar_extractor *ex, TSNode target, bool augmented)
{
  if (ar__is(ex, target, SYM_attribute)) {
    /* Model.x = … defines a class attribute; only writes on instances are checked. */
    const char *cd = ar__dotted(ex, ar__field(ex, target, FLD_object));
    bool on_class = cd && names_class(ex, cd) && infer(ex, ar__field(ex, target, FLD_object), 0).kind == T_NONE;
    if (!on_class) attribute_ref(ex, target, true);
    if (augmented) attribute_ref(ex, target, false);
    ar__walk_expr(ex, ar__field(ex, target, FLD_object));
  } else if (ar__is(ex, target, SYM_pattern_list) || ar__is(ex, target, SYM_tuple_pattern) ||
             ar__is(ex, target, SYM_list_pattern) || ar__is(ex, target, SYM_tuple) ||
             ar__is(ex, target, SYM_list)) {
    size_t k, base = ar__kids(ex, target, true, &k);
    for (size_t i = 0; i < k; i++) walk_target(ex, ex->stack.items[base + i], augmented);
    ex->stack.len = base;
  } else if (!ar__is(ex, target, SYM_identifier)) {
    ar__walk_expr(ex, target);
  }
}

static void walk_assignment(ar_extractor *ex, TSNode asg)
{
  TSNode left = ar__field(ex, asg, FLD_left), right = ar__field(ex, asg, FLD_right);
  TSNode type = ar__field(ex, asg, FLD_type);
  bool augmented = ar__is(ex, asg, SYM_augmented_assignment);
  const char *saved = ex->ctx;
  const char *ctx = context_of(ex, left);
  if (ctx) ex->ctx = ctx;
  if (ar__is(ex, right, SYM_assignment)) walk_assignment(ex, right);
  else ar__walk_expr(ex, right);
  ex->ctx = saved;
  size_t mark = ex->file->refs.len;
  walk_target(ex, left, augmented);
  if (augmented) return;
  if (ar__is(ex, left, SYM_attribute) && !ar__is(ex, right, SYM_assignment))
    attach_value(ex, mark, left, right, false);
  ar_tinfo t;
  if (!ar__null(type)) { /* x: M = …, x: list[M] = [] : the declared type holds */
    bool is_list = false;
    const char *c = ar__type_class(ex, type, &is_list);
    t = make_t(is_list ? T_LIST : T_INSTANCE, c && names_class(ex, c) ? c : NULL, AR_CONF_CERTAIN,
               c ? ar__tmpf(ex, "annotated %s", ar__text(ex, type)) : NULL);
  } else {
    TSNode value = right;
    while (ar__is(ex, value, SYM_assignment)) value = ar__field(ex, value, FLD_right);
    t = infer(ex, value, 0);
    if (t.kind != T_NONE && t.evidence && strncmp(t.evidence, "assigned from ", 14) != 0 &&
        strncmp(t.evidence, "annotated ", 10) != 0)
      t.evidence = ar__tmpf(ex, "assigned from %s", t.evidence);
    if (ar__is(ex, left, SYM_identifier)) {
      /* A variable declared with a type keeps it when re-assigned. */
      const ar_tinfo *prev = lookup(ex, ar__text(ex, left));
      if (prev && prev->conf == AR_CONF_CERTAIN && prev->evidence &&
          strncmp(prev->evidence, "annotated", 9) == 0)
        return;
    }
  }
  bind_target(ex, left, t);
  TSNode inner = right;
  while (ar__is(ex, inner, SYM_assignment)) { /* a = b = M(): both are M */
    bind_target(ex, ar__field(ex, inner, FLD_left), t);
    inner = ar__field(ex, inner, FLD_right);
  }
}

/* `not x`, `x is None`, `x == None`: inside the branch x is None, not a model. */
static const char *none_tested(ar_extractor *ex, TSNode cond)
{
  if (ar__is(ex, cond, SYM_not_operator)) {
    TSNode a = ar__field(ex, cond, FLD_argument);
    return ar__is(ex, a, SYM_identifier) ? ar__text(ex, a) : NULL;
  }
  if (ar__is(ex, cond, SYM_comparison_operator) && ts_node_child_count(cond) == 3) {
    TSNode a = ts_node_child(cond, 0), op = ts_node_child(cond, 1), b = ts_node_child(cond, 2);
    if (ar__is(ex, a, SYM_identifier) && (ar__is(ex, b, SYM_none) || ar__text_eq(ex, b, "None")) &&
        (ar__text_eq(ex, op, "is") || ar__text_eq(ex, op, "==")))
      return ar__text(ex, a);
  }
  return NULL;
}

static bool catches_attribute_error(ar_extractor *ex, TSNode try_stmt)
{
  bool found = false;
  size_t k, base = ar__kids(ex, try_stmt, true, &k);
  for (size_t i = 0; i < k && !found; i++) {
    TSNode c = ex->stack.items[base + i];
    if (!ar__is(ex, c, SYM_except_clause) && !ar__is(ex, c, SYM_except_group_clause)) continue;
    /* The handler's type list is text before the colon; `except Exception` is no guard. */
    uint32_t a = ts_node_start_byte(c), b = a;
    while (b < ex->len && b < ts_node_end_byte(c) && ex->src[b] != ':') b++;
    if (memmem(ex->src + a, b - a, "AttributeError", 14)) found = true;
  }
  ex->stack.len = base;
  return found;
}

/* `isinstance(x, C)`: inside the branch x is a C (certain). A tuple of classes tells
 * nothing one class could be checked against: x is then unknown. *var is NULL when the
 * condition is no isinstance() of a name. */
static ar_tinfo isinstance_tested(ar_extractor *ex, TSNode cond, const char **var)
{
  *var = NULL;
  if (!ar__is(ex, cond, SYM_call) || !ar__text_eq(ex, ar__field(ex, cond, FLD_function), "isinstance"))
    return none_t();
  TSNode args = ar__field(ex, cond, FLD_arguments);
  size_t k, base = ar__kids(ex, args, true, &k);
  TSNode a = k >= 2 ? ex->stack.items[base] : (TSNode){0};
  TSNode c = k >= 2 ? ex->stack.items[base + 1] : (TSNode){0};
  ex->stack.len = base;
  if (k != 2 || !ar__is(ex, a, SYM_identifier)) return none_t();
  *var = ar__text(ex, a);
  const char *d = ar__dotted(ex, c);
  if (!d || !names_class(ex, d)) return none_t();
  ar_tinfo t = make_t(T_INSTANCE, d, AR_CONF_CERTAIN, ar__tmpf(ex, "isinstance(%s, %s)", *var, d));
  const ar_tinfo *prev = lookup(ex, *var);
  if (prev) t.loaded = prev->loaded;
  return t;
}

static void walk_if(ar_extractor *ex, TSNode st)
{
  TSNode cond = ar__field(ex, st, FLD_condition);
  ar__walk_expr(ex, cond);
  const char *none_var = none_tested(ex, cond), *isa_var = NULL;
  ar_tinfo isa = isinstance_tested(ex, cond, &isa_var);
  if (isa_var && !none_var) none_var = isa_var; /* the same push/pop below */
  size_t k, base = ar__kids(ex, st, true, &k);
  for (size_t i = 0; i < k; i++) {
    TSNode c = ex->stack.items[base + i];
    if (ts_node_eq(c, cond)) continue;
    if (ar__is(ex, c, SYM_block)) {
      size_t mark = ex->env.len;
      if (none_var) bind(ex, none_var, isa_var ? isa : none_t());
      walk_block(ex, c);
      /* keep bindings made in the branch (Python has no block scope), drop the narrowing */
      if (none_var) {
        for (size_t j = mark; j + 1 < ex->env.len; j++) ex->env.items[j] = ex->env.items[j + 1];
        if (ex->env.len > mark) ar__env_truncate(ex, ex->env.len - 1);
      }
    } else if (ar__is(ex, c, SYM_elif_clause)) {
      walk_if(ex, c);
    } else if (ar__is(ex, c, SYM_else_clause)) {
      walk_block(ex, ar__field(ex, c, FLD_body));
    } else if (!ar__is(ex, c, SYM_comment)) {
      walk_stmt(ex, c);
    }
  }
  ex->stack.len = base;
}

static void walk_params(ar_extractor *ex, TSNode params, bool method)
{
  size_t k, base = ar__kids(ex, params, true, &k);
  for (size_t i = 0; i < k; i++) {
    TSNode p = ex->stack.items[base + i];
    if (method && i == 0) {
      /* self: an instance of the class (or of a subclass, which align allows for). Not in
       * __init__, whose writes are what define the instance's names. */
      if (ex->cls && ex->cls_may_map && ar__is(ex, p, SYM_identifier) && ar__text_eq(ex, p, "self") &&
          strcmp(ar__last(ex->func), "__init__") != 0 && ar_map_get(&ex->known, ex->cls)) {
        ar_tinfo t = make_t(T_INSTANCE, ex->cls, AR_CONF_LIKELY, ar__tmpf(ex, "self in %s", ex->func));
        t.self = true;
        bind(ex, "self", t);
      }
      continue;
    }
    TSNode name = p, type = {0};
    if (ar__is(ex, p, SYM_typed_parameter)) {
      size_t k2, b2 = ar__kids(ex, p, true, &k2);
      name = k2 ? ex->stack.items[b2] : p;
      ex->stack.len = b2;
      type = ar__field(ex, p, FLD_type);
    } else if (ar__is(ex, p, SYM_typed_default_parameter) || ar__is(ex, p, SYM_default_parameter)) {
      name = ar__field(ex, p, FLD_name);
      type = ar__field(ex, p, FLD_type);
      ar__walk_expr(ex, ar__field(ex, p, FLD_value));
    }
    if (!ar__is(ex, name, SYM_identifier)) continue;
    ar_tinfo t = none_t();
    if (!ar__null(type)) {
      bool is_list = false;
      const char *c = ar__type_class(ex, type, &is_list);
      if (c && names_class(ex, c))
        t = make_t(is_list ? T_LIST : T_INSTANCE, c, AR_CONF_CERTAIN,
                   ar__tmpf(ex, "parameter annotated %s", ar__text(ex, type)));
    }
    bind(ex, ar__text(ex, name), t);
  }
  ex->stack.len = base;
}

void ar__walk_function(ar_extractor *ex, TSNode def, const char *qualname, const char *cls,
                       bool decorated)
{
  (void)decorated;
  if (!ar__descend(ex)) return;
  ar_func fn = {.qualname = qualname, .start = ar__line(def), .end = ts_node_end_point(def).row + 1};
  AR_VEC_PUSH(&ex->file->funcs, fn);
  const char *saved_func = ex->func, *saved_cls = ex->cls;
  int saved_guard = ex->guard;
  ex->cls = cls;
  ex->env_epoch++; /* self.m() answers by the class */
  size_t env_mark = ex->env.len, probe_mark = ex->probed.len, ref_mark = ex->file->refs.len;
  ex->func = qualname;
  ex->guard = 0;
  TSNode params = ar__field(ex, def, FLD_parameters);
  if (!ar__null(params)) walk_params(ex, params, cls != NULL);
  TSNode ret = ar__field(ex, def, FLD_return_type);
  if (!ar__null(ret)) ar__walk_expr(ex, ret);
  walk_block(ex, ar__field(ex, def, FLD_body));
  /* Names probed with hasattr/getattr(…, default) anywhere in the function are transient
   * flags: none of its references to them is a finding. */
  for (size_t i = ref_mark; i < ex->file->refs.len; i++) {
    ar_ref *r = &ex->file->refs.items[i];
    for (size_t j = probe_mark; j < ex->probed.len; j++)
      if (strcmp(r->attr, ex->probed.items[j]) == 0) r->flags |= AR_REF_GUARDED;
  }
  /* `self.x` typed in __init__ stays visible to the other methods of the class. */
  if (cls && strcmp(ar__last(qualname), "__init__") == 0) {
    size_t keep = env_mark;
    for (size_t i = env_mark; i < ex->env.len; i++)
      if (strncmp(ex->env.items[i].var, "self.", 5) == 0) ex->env.items[keep++] = ex->env.items[i];
    ar__env_truncate(ex, keep);
  } else {
    ar__env_truncate(ex, env_mark);
  }
  ex->probed.len = probe_mark;
  ex->func = saved_func;
  ex->cls = saved_cls;
  ex->env_epoch++;
  ex->guard = saved_guard;
  ar__ascend(ex);
}

/* case E.MEMBER: / case E.A | E.B: / case Point(kind=E.X): a dotted name in a pattern
 * references the member; anything else in a pattern binds or matches literals. */
static void case_pattern_refs(ar_extractor *ex, TSNode pat)
{
  if (!ar__descend(ex)) return;
  size_t k, base = ar__kids(ex, pat, true, &k);
  for (size_t i = 0; i < k; i++) {
    TSNode c = ex->stack.items[base + i];
    if (ar__is(ex, c, SYM_dotted_name)) {
      if (ts_node_named_child_count(c) < 2) continue;
      const char *d = ar__dotted(ex, c);
      const char *dot = d ? strrchr(d, '.') : NULL;
      if (!dot) continue;
      const char *recv = ar__intern(ex, d, (size_t)(dot - d));
      if (names_class(ex, recv))
        add_ref(ex, AR_REF_CLASS_ATTR, recv, dot + 1,
                ts_node_named_child(c, ts_node_named_child_count(c) - 1), AR_CONF_CERTAIN, NULL);
    } else if (!ar__is(ex, c, SYM_identifier)) {
      case_pattern_refs(ex, c);
    }
  }
  ex->stack.len = base;
  ar__ascend(ex);
}

/* The classes of query(A, B) / select(A, B) at the root of a call chain, in order. */
static size_t row_entities(ar_extractor *ex, TSNode e, const char **out, size_t max, int depth)
{
  if (depth > 32 || !ar__is(ex, e, SYM_call)) return 0;
  TSNode fn = ar__field(ex, e, FLD_function), args = ar__field(ex, e, FLD_arguments);
  const char *name = ar__is(ex, fn, SYM_attribute) ? ar__text(ex, ar__field(ex, fn, FLD_attribute))
                                                    : ar__is(ex, fn, SYM_identifier) ? ar__text(ex, fn) : "";
  if (strcmp(name, "query") == 0 || strcmp(name, "select") == 0) {
    size_t n = 0, k, base = ar__kids(ex, args, true, &k);
    for (size_t i = 0; i < k; i++) {
      const char *d = ar__dotted(ex, ex->stack.items[base + i]);
      if (!d || !names_class(ex, d) || n == max) { n = 0; break; } /* a column or something else */
      out[n++] = d;
    }
    ex->stack.len = base;
    return n;
  }
  if (strcmp(name, "execute") == 0) return row_entities(ex, ar__arg0(ex, args), out, max, depth + 1);
  if (ar__is(ex, fn, SYM_attribute) && (in_list(name, chain_methods) || in_list(name, all_methods)))
    return row_entities(ex, ar__field(ex, fn, FLD_object), out, max, depth + 1);
  return 0;
}

/* for invoice, org in session.query(Invoice, Organization): each name its entity. */
static void bind_row_tuple(ar_extractor *ex, TSNode left, TSNode right)
{
  if (!ar__is(ex, left, SYM_pattern_list) && !ar__is(ex, left, SYM_tuple_pattern)) return;
  const char *ents[8];
  TSNode src = right;
  if (ar__is(ex, src, SYM_identifier)) return; /* rows kept in a variable: not followed */
  size_t n = row_entities(ex, src, ents, 8, 0);
  size_t k, base = ar__kids(ex, left, true, &k);
  if (n >= 2 && k == n) {
    for (size_t i = 0; i < k; i++) {
      TSNode t = ex->stack.items[base + i];
      if (ar__is(ex, t, SYM_identifier))
        bind(ex, ar__text(ex, t), loaded_t(T_INSTANCE, ents[i], AR_CONF_LIKELY,
                                            ar__tmpf(ex, "row of query(…%s…)", ents[i])));
    }
  }
  ex->stack.len = base;
}

static bool expects_error(ar_extractor *ex, TSNode with)
{
  uint32_t a = ts_node_start_byte(with), b = a;
  TSNode body = ar__field(ex, with, FLD_body);
  uint32_t end = ar__null(body) ? ts_node_end_byte(with) : ts_node_start_byte(body);
  b = end < ex->len ? end : (uint32_t)ex->len;
  return memmem(ex->src + a, b - a, "raises(", 7) || memmem(ex->src + a, b - a, "Raises(", 7) ||
         memmem(ex->src + a, b - a, "RaisesRegex(", 12);
}

/* The parts of a compound statement: its blocks (inside an AttributeError guard when
 * `guarded`), and the rest (clauses, conditions, with-items) as statements. */
static void walk_parts(ar_extractor *ex, TSNode st, bool guarded)
{
  size_t k, base = ar__kids(ex, st, true, &k);
  for (size_t i = 0; i < k; i++) {
    TSNode c = ex->stack.items[base + i];
    if (!ar__is(ex, c, SYM_block)) {
      walk_stmt(ex, c);
      continue;
    }
    ex->guard += guarded;
    walk_block(ex, c);
    ex->guard -= guarded;
  }
  ex->stack.len = base;
}

static void walk_stmt(ar_extractor *ex, TSNode st)
{
  if (ar__null(st) || !ar__descend(ex)) return;
  TSSymbol sym_st = ts_node_symbol(st); /* read once; updated if st moves to a definition */
#define IS_ST(id) (sym_st == ex->sym[id])
  TSNode decorated = {0};
  if (IS_ST(SYM_decorated_definition)) {
    decorated = st;
    size_t k, base = ar__kids(ex, st, true, &k);
    for (size_t i = 0; i < k; i++)
      if (ar__is(ex, ex->stack.items[base + i], SYM_decorator)) ar__walk_expr(ex, ex->stack.items[base + i]);
    ex->stack.len = base;
    st = ar__field(ex, st, FLD_definition);
    sym_st = ts_node_symbol(st);
  }
  if (IS_ST(SYM_expression_statement)) {
    size_t k, base = ar__kids(ex, st, true, &k);
    for (size_t i = 0; i < k; i++) walk_stmt(ex, ex->stack.items[base + i]);
    ex->stack.len = base;
  } else if (IS_ST(SYM_assignment) || IS_ST(SYM_augmented_assignment)) {
    walk_assignment(ex, st);
  } else if (IS_ST(SYM_if_statement)) {
    walk_if(ex, st);
  } else if (IS_ST(SYM_for_statement)) {
    TSNode right = ar__field(ex, st, FLD_right), left = ar__field(ex, st, FLD_left);
    ar__walk_expr(ex, right);
    bind_target(ex, left, element_of(ex, infer(ex, right, 0)));
    bind_row_tuple(ex, left, right);
    walk_block(ex, ar__field(ex, st, FLD_body));
    TSNode alt = ar__field(ex, st, FLD_alternative);
    if (!ar__null(alt)) walk_block(ex, ar__field(ex, alt, FLD_body));
  } else if (IS_ST(SYM_try_statement)) {
    walk_parts(ex, st, catches_attribute_error(ex, st));
  } else if (IS_ST(SYM_with_statement) && expects_error(ex, st)) {
    /* with pytest.raises(TypeError): / self.assertRaises(…): the error is the point. */
    ex->expect++;
    walk_parts(ex, st, false);
    ex->expect--;
  } else if (IS_ST(SYM_except_clause) || IS_ST(SYM_except_group_clause) ||
             IS_ST(SYM_else_clause) || IS_ST(SYM_finally_clause) ||
             IS_ST(SYM_with_statement) || IS_ST(SYM_while_statement) ||
             IS_ST(SYM_case_clause) || IS_ST(SYM_match_statement)) {
    walk_parts(ex, st, false);
  } else if (IS_ST(SYM_with_clause) || IS_ST(SYM_with_item)) {
    size_t k, base = ar__kids(ex, st, true, &k);
    for (size_t i = 0; i < k; i++) walk_stmt(ex, ex->stack.items[base + i]);
    ex->stack.len = base;
  } else if (IS_ST(SYM_as_pattern)) { /* with open(x) as f */
    size_t k, base = ar__kids(ex, st, true, &k);
    for (size_t i = 0; i < k; i++) {
      TSNode c = ex->stack.items[base + i];
      if (ar__is(ex, c, SYM_as_pattern_target)) {
        size_t k2, b2 = ar__kids(ex, c, true, &k2);
        for (size_t j = 0; j < k2; j++) bind_target(ex, ex->stack.items[b2 + j], none_t());
        ex->stack.len = b2;
      } else {
        ar__walk_expr(ex, c);
      }
    }
    ex->stack.len = base;
  } else if (IS_ST(SYM_case_pattern)) {
    case_pattern_refs(ex, st);
  } else if (IS_ST(SYM_function_definition)) {
    const char *name = ar__text(ex, ar__field(ex, st, FLD_name));
    ar__walk_function(ex, st, ar__printf(ex, "%s.%s", ex->func, name), NULL,
                      !ar__null(decorated));
  } else if (IS_ST(SYM_class_definition)) {
    /* A class inside a function: its methods are walked, its name is local. */
    walk_block(ex, ar__field(ex, st, FLD_body));
  } else if (IS_ST(SYM_import_statement) || IS_ST(SYM_import_from_statement)) {
    ar__record_import(ex, st);
  } else if (IS_ST(SYM_block)) {
    walk_block(ex, st);
  } else if (!IS_ST(SYM_comment) && !IS_ST(SYM_pass_statement) &&
             !IS_ST(SYM_global_statement) && !IS_ST(SYM_nonlocal_statement)) {
    ar__walk_expr(ex, st);
  }
  ar__ascend(ex);
}
#undef IS_ST

static void walk_block(ar_extractor *ex, TSNode block)
{
  if (ar__null(block) || !ar__descend(ex)) return;
  size_t k, base = ar__kids(ex, block, true, &k);
  for (size_t i = 0; i < k; i++) {
    TSNode st = ex->stack.items[base + i];
    ar__count_statement(ex, st);
    walk_stmt(ex, st);
  }
  ex->stack.len = base;
  ar__ascend(ex);
}
