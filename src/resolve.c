/* SPDX-License-Identifier: MIT
 * resolve.c - stage "resolve" (phase 2): module table, name resolution through imports,
 * class kinds (model, declarative base, enum, plain), open classes, full field sets.
 * Know before editing: resolution follows import chains (re-exports) to a bounded depth,
 * so import cycles end; class kinds use a `resolving` flag for inheritance cycles. */
#include "alignrisk/resolve.h"

#include <stdlib.h>
#include <string.h>

/* A sentinel for map entries that more than one candidate claims. */
static char ambiguous_marker;
#define AMBIGUOUS ((void *)&ambiguous_marker)
#define MAX_DEPTH 16

typedef enum { RES_NONE, RES_CLASS, RES_DECL, RES_MODULE, RES_EXTERNAL } res_kind;

typedef struct res {
  res_kind kind;
  ar_class *cls;
  ar_file *module;
  ar_decl_kind decl;
  bool db_model;        /* `db.Model` of a Flask-SQLAlchemy object */
  const ar_decl *declp; /* RES_DECL: the declaration */
  const char *external; /* last component of an outside name ("DeclarativeBase") */
} res;

static res none_res(void) { return (res){.kind = RES_NONE}; }

static ar_file *module_file(ar_run *run, const char *mod)
{
  ar_file *f = ar_map_get(&run->modules, mod);
  if (f) return f;
  f = ar_map_get(&run->module_suffixes, mod);
  return f == AMBIGUOUS ? NULL : f;
}

static const char *last_of(const char *d)
{
  const char *p = strrchr(d, '.');
  return p ? p + 1 : d;
}

static res resolve_in_file(ar_run *run, ar_file *f, const char *dotted, int depth);

/* `name` as found in module `mod`: a class, a declarative base, a submodule, or outside. */
static res module_symbol(ar_run *run, const char *mod, const char *name, int depth)
{
  ar_file *f = module_file(run, mod);
  char sub[512]; /* the submodule mod.name, if it is one: looked up, never kept */
  snprintf(sub, sizeof sub, "%s.%s", mod, name);
  if (f && depth < MAX_DEPTH) {
    res r = resolve_in_file(run, f, name, depth + 1);
    if (r.kind == RES_CLASS || r.kind == RES_DECL || r.kind == RES_MODULE) return r;
  }
  ar_file *sf = module_file(run, sub);
  if (sf) return (res){.kind = RES_MODULE, .module = sf};
  return (res){.kind = f ? RES_NONE : RES_EXTERNAL, .external = name};
}

/* What is left of a dotted name after its head resolved to `r`. */
static res apply_rest(ar_run *run, res r, const char *rest, int depth)
{
  if (!rest) return r;
  if (r.kind == RES_MODULE) {
    const char *dot = strchr(rest, '.');
    if (!dot) return module_symbol(run, r.module->module, rest, depth + 1);
    char *head = ar_arena_strndup(&run->arena, rest, (size_t)(dot - rest));
    res h = module_symbol(run, r.module->module, head, depth + 1);
    return h.kind == RES_MODULE ? apply_rest(run, h, dot + 1, depth + 1) : none_res();
  }
  if (r.kind == RES_DECL && r.decl == AR_DECL_DB && strcmp(rest, "Model") == 0) {
    r.db_model = true;
    return r;
  }
  if (r.kind == RES_EXTERNAL) return (res){.kind = RES_EXTERNAL, .external = last_of(rest)};
  return none_res();
}

/* `import a.b.c`, `import a.b as m` then m.C: the longest module prefix, then symbols. */
static res resolve_absolute(ar_run *run, const char *full, int depth)
{
  /* Try "a.b.c.C", then "a.b.c" with rest "C", then "a.b" with rest "c.C", … */
  char *buf = ar_arena_strdup(&run->arena, full);
  size_t n = strlen(buf);
  for (;;) {
    ar_file *f = module_file(run, buf);
    if (f) {
      res r = {.kind = RES_MODULE, .module = f};
      return apply_rest(run, r, full[n] ? full + n + 1 : NULL, depth);
    }
    char *dot = strrchr(buf, '.');
    if (!dot) break;
    *dot = '\0';
    n = (size_t)(dot - buf);
  }
  return (res){.kind = RES_EXTERNAL, .external = last_of(full)};
}

static res resolve_func(ar_run *run, ar_file *f, const char *dotted, int depth);

static res resolve_in_file(ar_run *run, ar_file *f, const char *dotted, int depth)
{
  if (depth > MAX_DEPTH) return none_res();
  size_t dl = strlen(dotted);
  if (dl > 2 && strcmp(dotted + dl - 2, "()") == 0) /* what f() returns */
    return resolve_func(run, f, ar_arena_strndup(&run->arena, dotted, dl - 2), depth + 1);
  const char *dot = strchr(dotted, '.');
  const char *rest = dot ? dot + 1 : NULL;
  char headbuf[256];
  size_t hn = dot ? (size_t)(dot - dotted) : strlen(dotted);
  if (hn >= sizeof headbuf) return none_res();
  memcpy(headbuf, dotted, hn);
  headbuf[hn] = '\0';
  const char *head = headbuf;
  ar_class *c = ar_map_get(&f->symbols, head);
  if (c) return rest ? none_res() : (res){.kind = RES_CLASS, .cls = c};
  for (size_t i = f->decls.len; i-- > 0;) {
    const ar_decl *d = &f->decls.items[i];
    if (strcmp(d->name, head) != 0) continue;
    if (d->kind == AR_DECL_ALIAS) /* CurrentUser = Annotated[User, …]: the class it names */
      return rest ? none_res() : resolve_in_file(run, f, d->target, depth + 1);
    return apply_rest(run, (res){.kind = RES_DECL, .decl = d->kind, .declp = d}, rest, depth);
  }
  for (size_t i = f->imports.len; i-- > 0;) {
    const ar_import *im = &f->imports.items[i];
    if (strcmp(im->local, head) != 0) continue;
    if (im->name) return apply_rest(run, module_symbol(run, im->module, im->name, depth + 1), rest, depth);
    const char *full = rest ? ar_arena_printf(&run->arena, "%s.%s", im->module, rest) : im->module;
    return resolve_absolute(run, full, depth + 1);
  }
  for (size_t i = 0; i < f->imports.len; i++) {
    const ar_import *im = &f->imports.items[i];
    if (strcmp(im->local, "*") != 0) continue;
    ar_file *m = module_file(run, im->module);
    if (!m || m == f) continue;
    if (m->has_all) {
      bool listed = false;
      for (size_t j = 0; j < m->all_names.len && !listed; j++)
        listed = strcmp(m->all_names.items[j], head) == 0;
      if (!listed) continue;
    }
    res r = resolve_in_file(run, m, head, depth + 1);
    if (r.kind == RES_CLASS || r.kind == RES_DECL || r.kind == RES_MODULE)
      return apply_rest(run, r, rest, depth);
  }
  return (res){.kind = RES_EXTERNAL, .external = last_of(dotted)};
}

/* The class a function returns: `name` is the function as written in `f` ("get_user",
 * "svc.get_user"); followed through imports and re-exports to its AR_DECL_FUNC. */
static res resolve_func(ar_run *run, ar_file *f, const char *name, int depth)
{
  if (depth > MAX_DEPTH) return none_res();
  const char *dot = strchr(name, '.');
  if (!dot) {
    for (size_t i = f->decls.len; i-- > 0;) {
      const ar_decl *d = &f->decls.items[i];
      if (d->kind == AR_DECL_FUNC && strcmp(d->name, name) == 0)
        return resolve_in_file(run, f, d->target, depth + 1);
    }
    for (size_t i = f->imports.len; i-- > 0;) {
      const ar_import *im = &f->imports.items[i];
      if (!im->name || strcmp(im->local, name) != 0) continue;
      ar_file *m = module_file(run, im->module);
      return m && m != f ? resolve_func(run, m, im->name, depth + 1) : none_res();
    }
    return none_res();
  }
  /* mod.f(): the module part first, then the function in it. */
  const char *fn = strrchr(name, '.') + 1;
  res m = resolve_in_file(run, f, ar_arena_strndup(&run->arena, name, (size_t)(fn - 1 - name)), depth + 1);
  if (m.kind != RES_MODULE) {
    /* `import a.b` binds `a`; resolve the module path directly. */
    for (size_t i = f->imports.len; i-- > 0;) {
      const ar_import *im = &f->imports.items[i];
      size_t hl = (size_t)(dot - name);
      if (im->name || strlen(im->local) != hl || strncmp(im->local, name, hl) != 0) continue;
      char *full = ar_arena_printf(&run->arena, "%s%.*s", im->module, (int)(fn - 1 - dot), dot);
      ar_file *mf = module_file(run, full);
      if (mf) m = (res){.kind = RES_MODULE, .module = mf};
      break;
    }
  }
  if (m.kind == RES_CLASS) { /* Class.method(): its annotation, in the class's file */
    const char *key = ar_arena_printf(&run->arena, "%s.%s", m.cls->name, fn);
    for (size_t i = m.cls->file->decls.len; i-- > 0;) {
      const ar_decl *d = &m.cls->file->decls.items[i];
      if (d->kind == AR_DECL_FUNC && strcmp(d->name, key) == 0)
        return resolve_in_file(run, m.cls->file, d->target, depth + 1);
    }
    return none_res();
  }
  return m.kind == RES_MODULE ? resolve_func(run, m.module, fn, depth + 1) : none_res();
}

/* Whether relationship (or backref) field `f` of model `owner` holds one object. */
static int holds_one(const ar_class *owner, const ar_field *f)
{
  if (f->scalar >= 0) return f->scalar;
  /* Many-to-one by convention: `customer` beside a `customer_id` column. */
  char key[256];
  snprintf(key, sizeof key, "%s_id", f->name);
  const ar_field *fk = ar_map_get(&owner->all_fields, key);
  return fk && fk->kind == AR_FIELD_COLUMN ? 1 : -1;
}

/* "Order@customer": the class a relationship holds. "Order@items[]": the class of the
 * elements of a collection relationship. "Order@items*": either (a join target). */
static ar_class *through_relationship(ar_run *run, ar_file *file, const char *name)
{
  const char *at = strrchr(name, '@');
  ar_class *owner = ar_resolve_class(run, file, ar_arena_strndup(&run->arena, name, (size_t)(at - name)));
  if (!owner || owner->kind != AR_KIND_MODEL) return NULL;
  const char *rel = at + 1;
  size_t n = strlen(rel);
  int want = 1; /* one object */
  if (n > 2 && strcmp(rel + n - 2, "[]") == 0) want = 0, n -= 2;
  else if (n > 1 && rel[n - 1] == '*') want = -1, n -= 1;
  const ar_field *f = ar_class_field(owner, ar_arena_strndup(&run->arena, rel, n), false);
  if (!f || !f->target || (f->kind != AR_FIELD_RELATIONSHIP && f->kind != AR_FIELD_BACKREF)) return NULL;
  int one = holds_one(owner, f);
  if (want >= 0 && one != want) return NULL; /* unknown or the other cardinality: no guess */
  /* The field's own file names the target (imports, or a relationship("M") string). */
  ar_file *home = f->kind == AR_FIELD_BACKREF ? file : owner->file;
  ar_class *t = ar_resolve_class(run, home, f->target);
  if (!t || t->kind != AR_KIND_MODEL) t = ar_resolve_model_by_name(run, f->target, owner->file);
  return t && t->kind == AR_KIND_MODEL ? t : NULL;
}

ar_class *ar_resolve_class(ar_run *run, ar_file *file, const char *name)
{
  void *hit = ar_map_get(&file->resolved, name);
  if (hit) return hit == AMBIGUOUS ? NULL : hit;
  if (strchr(name, '@')) {
    ar_class *c = through_relationship(run, file, name);
    ar_map_put(&file->resolved, name, c ? (void *)c : AMBIGUOUS);
    return c;
  }
  res r = resolve_in_file(run, file, name, 0);
  ar_class *c = r.kind == RES_CLASS ? r.cls : NULL;
  ar_map_put(&file->resolved, name, c ? (void *)c : AMBIGUOUS);
  return c;
}

ar_class *ar_resolve_model_by_name(ar_run *run, const char *name, const ar_file *near)
{
  ar_class *c = ar_map_get(&run->models_by_name, last_of(name));
  if (c && c != AMBIGUOUS) return c;
  if (!c || !near) return NULL;
  /* Several models share the name: the one in the nearest package (longest common
   * module prefix) wins; a tie stays unresolved. */
  ar_class *best = NULL;
  size_t best_len = 0;
  bool tie = false;
  for (size_t i = 0; i < run->files.len; i++) {
    ar_file *f = run->files.items[i];
    ar_class *k = ar_map_get(&f->symbols, last_of(name));
    if (!k || k->kind != AR_KIND_MODEL) continue;
    size_t n = 0;
    while (f->module[n] && f->module[n] == near->module[n]) n++;
    if (!best || n > best_len) best = k, best_len = n, tie = false;
    else if (n == best_len) tie = true;
  }
  return tie ? NULL : best;
}

/* ---- class kinds ---------------------------------------------------------------------------- */

static bool in_list(const char *s, const char *const *list)
{
  for (size_t i = 0; list[i]; i++)
    if (strcmp(s, list[i]) == 0) return true;
  return false;
}

static const char *const decl_base_names[] = {"DeclarativeBase", "DeclarativeBaseNoMeta", NULL};
static const char *const enum_names[] = {"Enum", "IntEnum", "StrEnum", "Flag", "IntFlag",
                                         "ReprEnum", NULL};
/* Bases outside the scan that add no attributes a model reference could be meant for. */
static const char *const neutral_names[] = {
    "object", "ABC", "Generic", "Protocol", "AsyncAttrs", "MappedAsDataclass", "str", "int",
    "float", "bytes", "Exception", "BaseException", "ValueError", "TypeError", "RuntimeError",
    "KeyError", "LookupError", "NamedTuple", "TypedDict", "SQLModel", "BaseModel", NULL};

static int class_kind(ar_run *run, ar_class *c)
{
  if (c->kind != AR_KIND_UNKNOWN) return c->kind;
  if (c->resolving) return AR_KIND_PLAIN; /* inheritance cycle: treat as plain */
  c->resolving = true;
  bool model = (c->flags & AR_CLASS_MAPPED) != 0, decl_base = false, is_enum = false;
  c->rbases = ar_xcalloc(c->nbases + 1, sizeof(*c->rbases));
  if (c->flags & AR_CLASS_GETATTR) c->open = true;
  for (size_t i = 0; i < c->nbases; i++) {
    res r = resolve_in_file(run, c->file, c->bases[i], 0);
    if (r.kind == RES_CLASS && r.cls != c) {
      c->rbases[i] = r.cls;
      int k = class_kind(run, r.cls);
      if (k == AR_KIND_DECL_BASE || k == AR_KIND_MODEL) model = true;
      if (k == AR_KIND_ENUM) is_enum = true;
      if (r.cls->open) c->open = true;
      c->flags |= r.cls->flags & AR_CLASS_STR_ENUM;
      c->flags |= r.cls->flags & AR_CLASS_PYDANTIC;
    } else if (r.kind == RES_DECL) {
      if (r.decl == AR_DECL_BASE || r.db_model) model = true;
    } else {
      const char *ext = r.external ? r.external : last_of(c->bases[i]);
      if (in_list(ext, decl_base_names)) decl_base = true;
      else if (in_list(ext, enum_names)) {
        is_enum = true;
        if (strcmp(ext, "StrEnum") == 0) c->flags |= AR_CLASS_STR_ENUM;
      } else if (strcmp(ext, "str") == 0) c->flags |= AR_CLASS_STR_ENUM; /* (str, Enum) */
      else if (strcmp(ext, "SQLModel") == 0) {
        model = model || (c->flags & AR_CLASS_TABLE);
        c->flags |= AR_CLASS_PYDANTIC;
      } else if (strcmp(ext, "BaseModel") == 0) c->flags |= AR_CLASS_PYDANTIC;
      else if (!in_list(ext, neutral_names)) c->open = true;
    }
  }
  if ((c->flags & AR_CLASS_TABLE) && (c->flags & AR_CLASS_PYDANTIC)) model = true; /* SQLModel subclass */
  if (is_enum) {
    c->kind = AR_KIND_ENUM;
    /* Plain assignments in an enum body are its members. */
    for (size_t i = 0; i < c->nfields; i++)
      if (c->fields[i].kind == AR_FIELD_ATTR && c->fields[i].name[0] != '_') c->fields[i].kind = AR_FIELD_MEMBER;
  }
  else if (decl_base && !model) c->kind = AR_KIND_DECL_BASE;
  else if (model) c->kind = AR_KIND_MODEL;
  else c->kind = AR_KIND_PLAIN;
  c->resolving = false;
  return c->kind;
}

/* Adds `c`'s own fields, then each base's in order, to `into`: a name keeps its first
 * (most derived) definition, except that a mapped field beats a name only set in
 * __init__. Walking the bases' own fields, depth first, gives what merging each base's
 * finished table would, without a table for every plain mixin and service class. */
static void merge_fields(ar_map *into, const ar_class *c, int depth)
{
  if (depth > MAX_DEPTH) return;
  for (size_t i = 0; i < c->nfields; i++) {
    ar_field *f = &c->fields[i];
    ar_field *prev = ar_map_get(into, f->name);
    if (!prev || (prev->kind == AR_FIELD_INIT_ONLY && f->kind != AR_FIELD_INIT_ONLY))
      ar_map_put(into, f->name, f);
  }
  for (size_t i = 0; c->rbases && i < c->nbases; i++)
    if (c->rbases[i]) merge_fields(into, c->rbases[i], depth + 1);
}

/* The table of every field a class has, own and inherited: only for the kinds align
 * and the reports look fields up in (models, enums, declarative bases). */
static void build_fields(ar_class *c)
{
  if (c->kind != AR_KIND_MODEL && c->kind != AR_KIND_ENUM && c->kind != AR_KIND_DECL_BASE) return;
  merge_fields(&c->all_fields, c, 0);
}

typedef struct sub_edge {
  const ar_class *base;
  ar_class *sub;
} sub_edge;
typedef AR_VEC(sub_edge) sub_index;

static int cmp_edge(const void *a, const void *b)
{
  uintptr_t x = (uintptr_t)((const sub_edge *)a)->base, y = (uintptr_t)((const sub_edge *)b)->base;
  return x < y ? -1 : x > y;
}

/* Give `bf` to model `c` and every model deriving from it (the derives_from() relation). */
static void add_to_descendants(const sub_index *subs, ar_class *c, ar_field *bf, int depth)
{
  if (depth > MAX_DEPTH) return;
  if (c->kind == AR_KIND_MODEL && !ar_map_get(&c->all_fields, bf->name)) ar_map_put(&c->all_fields, bf->name, bf);
  size_t lo = 0, hi = subs->len;
  while (lo < hi) { /* first edge whose base is c */
    size_t mid = (lo + hi) / 2;
    if ((uintptr_t)subs->items[mid].base < (uintptr_t)c) lo = mid + 1;
    else hi = mid;
  }
  for (size_t i = lo; i < subs->len && subs->items[i].base == c; i++)
    add_to_descendants(subs, subs->items[i].sub, bf, depth + 1);
}

/* Fields made by a column alias imported from another module (Column = partial(…)):
 * they are columns, with the partial's nullable unless the call gave its own. */
static void column_aliases(ar_run *run, ar_class *c)
{
  for (size_t i = 0; i < c->nfields; i++) {
    ar_field *f = &c->fields[i];
    if (!f->callee || (f->kind != AR_FIELD_ATTR && f->kind != AR_FIELD_COLUMN)) continue;
    res r = resolve_in_file(run, c->file, f->callee, 0);
    if (r.kind != RES_DECL || r.decl != AR_DECL_COLUMN || !r.declp) continue;
    f->kind = AR_FIELD_COLUMN;
    if (!f->nullable_explicit && r.declp->nullable >= 0) f->nullable = r.declp->nullable;
  }
}

static ar_class *enum_named(ar_run *run, ar_file *f, const char *name)
{
  if (!name) return NULL;
  ar_class *c = ar_resolve_class(run, f, name);
  return c && class_kind(run, c) == AR_KIND_ENUM ? c : NULL;
}

/* Column(Enum(E)) and String columns with default=E.M.value: the enums they hold. */
static void field_enums(ar_run *run, ar_class *c)
{
  for (size_t i = 0; i < c->nfields; i++) {
    ar_field *f = &c->fields[i];
    f->enum_cls = enum_named(run, c->file, f->enum_type);
    f->value_enum_cls = enum_named(run, c->file, f->value_enum);
  }
}

void ar_resolve_run(ar_run *run, ar_diag *dg)
{
  (void)dg;
  /* Modules: exact names, and every trailing run of 2+ components, so that code scanned
   * from above its import root ("src/app/x.py" imported as app.x) still resolves. */
  for (size_t i = 0; i < run->files.len; i++) {
    ar_file *f = run->files.items[i];
    if (f->flags & (AR_FILE_SKIPPED | AR_FILE_MIGRATION)) continue;
    ar_map_put(&run->modules, f->module, f);
    for (const char *p = strchr(f->module, '.'); p; p = strchr(p + 1, '.')) {
      const char *suffix = p + 1;
      if (!strchr(suffix, '.')) break;
      void *prev = ar_map_get(&run->module_suffixes, suffix);
      ar_map_put(&run->module_suffixes, suffix, prev && prev != f ? AMBIGUOUS : f);
    }
    for (size_t j = 0; j < f->classes.len; j++)
      ar_map_put(&f->symbols, f->classes.items[j]->name, f->classes.items[j]);
  }
  for (size_t i = 0; i < run->files.len; i++) {
    ar_file *f = run->files.items[i];
    for (size_t j = 0; j < f->classes.len; j++) {
      ar_class *c = f->classes.items[j];
      class_kind(run, c);
      column_aliases(run, c);
      field_enums(run, c);
      if (c->kind == AR_KIND_MODEL && !(f->flags & AR_FILE_MIGRATION)) {
        void *prev = ar_map_get(&run->models_by_name, c->name);
        ar_map_put(&run->models_by_name, c->name, prev && prev != c ? AMBIGUOUS : c);
        run->nmodels++;
      }
      if (c->kind == AR_KIND_ENUM) run->nenums++;
    }
  }
  for (size_t i = 0; i < run->files.len; i++)
    for (size_t j = 0; j < run->files.items[i]->classes.len; j++)
      build_fields(run->files.items[i]->classes.items[j]);
  /* relationship(..., backref="x") adds x to the target model and its subclasses: found
   * through a base -> subclass index, so the cost is the size of the subtree, not of the
   * whole scan for every backref. */
  sub_index subs = {0};
  for (size_t i = 0; i < run->files.len; i++)
    for (size_t j = 0; j < run->files.items[i]->classes.len; j++) {
      ar_class *c = run->files.items[i]->classes.items[j];
      for (size_t k = 0; c->rbases && k < c->nbases; k++)
        if (c->rbases[k]) AR_VEC_PUSH(&subs, ((sub_edge){c->rbases[k], c}));
    }
  if (subs.len) qsort(subs.items, subs.len, sizeof(sub_edge), cmp_edge);
  for (size_t i = 0; i < run->files.len; i++) {
    ar_file *f = run->files.items[i];
    for (size_t j = 0; j < f->classes.len; j++) {
      ar_class *c = f->classes.items[j];
      if (c->kind != AR_KIND_MODEL) continue;
      for (size_t k = 0; k < c->nfields; k++) {
        ar_field *fld = &c->fields[k];
        if (fld->kind != AR_FIELD_RELATIONSHIP || !fld->backref || !fld->target) continue;
        ar_class *t = ar_resolve_class(run, f, fld->target);
        if (!t) t = ar_resolve_model_by_name(run, fld->target, f);
        if (!t) continue;
        ar_field *bf = ar_arena_alloc(&run->arena, sizeof(*bf));
        int one = holds_one(c, fld);
        *bf = (ar_field){.name = fld->backref, .kind = AR_FIELD_BACKREF, .line = fld->line,
                         .target = c->name, .str_len = -1, .nullable = -1, .backref_scalar = -1,
                         /* the other side: many-to-one backs a collection, and so on */
                         .scalar = fld->backref_scalar >= 0 ? fld->backref_scalar : one == 1 ? 0 : one == 0 ? 1 : -1};
        add_to_descendants(&subs, t, bf, 0);
      }
    }
  }
  AR_VEC_FREE(&subs);
  /* Every reference's receiver, once: align and score read ref->target. */
  for (size_t i = 0; i < run->files.len; i++) {
    ar_file *f = run->files.items[i];
    const char *last_recv = NULL; /* interned: runs of references share the very string */
    ar_class *last_target = NULL;
    for (size_t j = 0; j < f->refs.len; j++) {
      ar_ref *r = &f->refs.items[j];
      if (r->recv != last_recv) last_recv = r->recv, last_target = ar_resolve_class(run, f, r->recv);
      r->target = last_target;
      if (!r->target && (r->flags & AR_REF_GUESS)) r->target = ar_resolve_model_by_name(run, r->recv, f);
      if (!r->more) continue;
      ar_ref_more *m = r->more;
      m->ctx_target = m->ctx_recv ? ar_resolve_class(run, f, m->ctx_recv) : NULL;
      if (r->vkind == AR_VAL_MEMBER && m->value) { /* "E.M": the enum E */
        const char *dot = strrchr(m->value, '.');
        m->value_enum = dot ? enum_named(run, f, ar_arena_strndup(&run->arena, m->value, (size_t)(dot - m->value))) : NULL;
      }
    }
  }
  /* Every reference now carries its class: the per-file caches have done their work. */
  for (size_t i = 0; i < run->files.len; i++) ar_map_dispose(&run->files.items[i]->resolved);
}
