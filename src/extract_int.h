/* SPDX-License-Identifier: MIT
 * extract_int.h - private to the extract module (extract.c: module and class level,
 * extract_refs.c: function bodies, receiver inference and references).
 * Node children are copied onto a per-extractor stack addressed by index (never by
 * pointer: nested walks may grow it), so walking allocates nothing per node. */
#ifndef AR_EXTRACT_INT_H
#define AR_EXTRACT_INT_H

#include "alignrisk/extract.h"
#include "alignrisk/intern.h"
#include "alignrisk/map.h"
#include "alignrisk/vec.h"

/* Grammar symbols and fields we look at, resolved once per extractor. */
#define AR_SYMBOLS(X)                                                                              \
  X(module) X(identifier) X(attribute) X(call) X(argument_list) X(keyword_argument)                \
  X(class_definition) X(function_definition) X(decorated_definition) X(decorator) X(block)         \
  X(expression_statement) X(assignment) X(augmented_assignment) X(import_statement)                \
  X(import_from_statement) X(aliased_import) X(dotted_name) X(relative_import)                    \
  X(import_prefix) X(wildcard_import) X(string) X(string_content) X(concatenated_string)          \
  X(integer) X(float) X(true) X(false) X(none) X(typed_parameter) X(typed_default_parameter)      \
  X(default_parameter) X(dictionary_splat_pattern) X(list_splat_pattern) X(parameters)            \
  X(type) X(generic_type) X(type_parameter) X(union_type) X(subscript) X(binary_operator)         \
  X(for_statement) X(while_statement) X(if_statement) X(elif_clause) X(else_clause)               \
  X(try_statement) X(except_clause) X(except_group_clause) X(finally_clause) X(with_statement)     \
  X(with_clause) X(with_item) X(as_pattern) X(as_pattern_target) X(return_statement)             \
  X(comparison_operator) X(not_operator) X(boolean_operator) X(conditional_expression)            \
  X(parenthesized_expression) X(await) X(list_comprehension) X(set_comprehension)                 \
  X(dictionary_comprehension) X(generator_expression) X(for_in_clause) X(if_clause) X(lambda)      \
  X(named_expression) X(pattern_list) X(tuple_pattern) X(list_pattern) X(tuple) X(list)          \
  X(expression_list) X(match_statement) X(case_clause) X(case_pattern) X(comment)                 \
  X(type_alias_statement) X(global_statement) X(nonlocal_statement) X(pass_statement)            \
  X(future_import_statement) X(ERROR) X(dictionary_splat) X(list_splat) X(class_pattern)         \
  X(interpolation) X(format_specifier) X(format_expression) X(set)

#define AR_FIELDS(X)                                                                               \
  X(name) X(body) X(superclasses) X(left) X(right) X(type) X(value) X(function) X(arguments)       \
  X(object) X(attribute) X(module_name) X(alias) X(condition) X(consequence) X(alternative)       \
  X(parameters) X(return_type) X(definition) X(argument) X(subject) X(operators)

#define AR_SYM_ENUM(n) SYM_##n,
#define AR_FLD_ENUM(n) FLD_##n,
enum { AR_SYMBOLS(AR_SYM_ENUM) SYM__COUNT };
enum { AR_FIELDS(AR_FLD_ENUM) FLD__COUNT };

/* What an expression evaluates to, as far as one file can tell. */
typedef enum {
  T_NONE,     /* unknown, or not a model */
  T_INSTANCE, /* an instance of `name` */
  T_LIST,     /* an iterable of instances of `name` */
  T_STMT,     /* a select()/query() over `name` */
  T_ROWS,     /* session.execute(...) result over `name`: rows, scalar_one() gives `name` */
  T_SCALARS,  /* session.scalars(...) / result.scalars(): iterates `name` */
  T_CLASS     /* the class `name` itself (aliased(M), M = Model, cls) */
} ar_tkind;

typedef struct ar_tinfo {
  ar_tkind kind;
  ar_confidence conf;
  const char *name;     /* dotted class name as written */
  const char *evidence; /* arena string */
  const char *joined;   /* T_STMT after .join(…): the entity filter_by applies to, or "" */
  bool loaded;          /* an instance loaded from the database (not built by a constructor) */
  bool self;            /* `self` in a method of the class `name` */
} ar_tinfo;

typedef struct ar_binding {
  const char *var; /* local name, or "self.x" */
  ar_tinfo t;
} ar_binding;

#define AR_DOTTED_CACHE 256
#define AR_FIELD_CACHE 1024
#define AR_KIDS_CACHE 256
#define AR_INFER_CACHE 256

struct ar_extractor {
  struct {
    const void *id, *tree;
    const char *value;
  } dcache[AR_DOTTED_CACHE]; /* ar__dotted results by node identity (this file only) */
  struct {
    const void *id;
    int fld;
    TSNode node;
  } fcache[AR_FIELD_CACHE]; /* ar__field results by node identity and field (this file only) */
  TSSymbol sym[SYM__COUNT];
  TSFieldId fld[FLD__COUNT];
  TSTreeCursor cursor;
  bool have_cursor;
  AR_VEC(TSNode) stack; /* children, addressed by index */
  AR_VEC(TSNode) kids_seen; /* this file's ar__kids results, for kcache to point into */
  struct {
    const void *id;
    uint32_t off, count; /* in kids_seen */
    bool named;
  } kcache[AR_KIDS_CACHE]; /* ar__kids results by node identity (this file only) */
  AR_VEC(ar_binding) env;
  uint64_t env_epoch; /* changes whenever env does (bind, truncate) or a file begins */
  struct {
    const void *id;
    uint64_t epoch;
    ar_tinfo t;
  } icache[AR_INFER_CACHE]; /* what an expression was inferred to be, valid for one epoch:
                               walkers ask again for the same receiver (a target, its
                               context, the reference, the value) */
  AR_VEC(const char *) probed; /* names probed with hasattr/getattr(x, n, d) */
  AR_VEC(char) scratch;
  struct {
    void *items;
    size_t cap;
  } spare[7]; /* storage the file vectors grow in during extraction, reused file after file
                 (settle() in extract.c copies each file's vectors into the arena) */
  ar_intern intern; /* one copy of each name in the worker's arena: names repeat across files */
  ar_arena tmp;  /* this file's scratch (evidence, inferred names, lookup keys): emptied
                    per file; add_ref and the other keepers intern what they keep */
  ar_map known;  /* names of this file that may name a class: imports, classes, aliases */
  ar_map used;   /* names already recorded as AR_REF_USE in this file */
  ar_map aliases;/* module-level type aliases: name -> class name */
  ar_map col_aliases; /* `NotNull = partial(Column, nullable=False)`: name -> ar_field template */
  bool star;     /* the file has a `from m import *`: any capitalised name may be a class */
  bool guess;    /* --guess-names */
  const ar_map *modules; /* scanned module names, or NULL */
  ar_map rets;   /* "f" / "Class.method" -> ar_tinfo* of its return annotation (this file) */
  const char *cls; /* the class whose method is being walked, or NULL */
  bool cls_may_map; /* that class has a base or a decorator: it may be a model */
  /* per file: */
  ar_file *file;
  const char *src;
  size_t len;
  ar_arena *arena;
  ar_diag *dg;
  const char *func;   /* enclosing function qualname */
  const char *ctx;    /* model whose field an expression is being assigned/compared to */
  int guard;          /* > 0 inside try/except AttributeError */
  int expect;         /* > 0 inside with pytest.raises(…) / assertRaises */
  int depth;
  bool depth_warned;
};

/* ---- helpers shared by extract.c and extract_refs.c ---- */
/** ts_node_is_null() inlined: tree-sitter's null node is the one with no id (a library
 *  call per test adds up over millions of nodes). */
static inline bool ar__null(TSNode n) { return n.id == NULL; }
/** Drop the bindings past `len` (leaving a scope). */
static inline void ar__env_truncate(ar_extractor *ex, size_t len)
{
  ex->env.len = len;
  ex->env_epoch++;
}
static inline bool ar__is(const ar_extractor *ex, TSNode n, int sym)
{
  return !ar__null(n) && ts_node_symbol(n) == ex->sym[sym];
}
/** Child `fld` of `n`. Cached by node and field: half the lookups of a file repeat one made
 *  moments before (a call's function, an assignment's sides), and each lookup walks the
 *  node's children from the first. */
static inline TSNode ar__field(ar_extractor *ex, TSNode n, int fld)
{
  size_t slot = ((((uintptr_t)n.id >> 4) * 31u) + (size_t)fld) & (AR_FIELD_CACHE - 1);
  if (ex->fcache[slot].id == n.id && ex->fcache[slot].fld == fld && n.id) return ex->fcache[slot].node;
  TSNode r = ts_node_child_by_field_id(n, ex->fld[fld]);
  ex->fcache[slot].id = n.id;
  ex->fcache[slot].fld = fld;
  ex->fcache[slot].node = r;
  return r;
}
/** Push the (named, when `named`) children of `n` on the stack; returns the base index.
 *  Read them with ex->stack.items[base + i]; release with ex->stack.len = base. */
size_t ar__kids(ar_extractor *ex, TSNode n, bool named, size_t *count);
/** Source text of a node, interned: one copy of each distinct string per worker. */
const char *ar__text(ar_extractor *ex, TSNode n);
/** The `n` bytes at `p`, interned into the worker's arena (borrowed: the arena's life). */
const char *ar__intern(ar_extractor *ex, const char *p, size_t n);
/** printf into the arena, interned: for strings a file's results keep. */
const char *ar__printf(ar_extractor *ex, const char *fmt, ...) AR_PRINTF(2, 3);
/** printf into this file's scratch (ex->tmp), not interned: for strings that die with
 *  the file unless a keeper (add_ref) interns them. */
const char *ar__tmpf(ar_extractor *ex, const char *fmt, ...) AR_PRINTF(2, 3);
/** Dotted name of identifier / attribute chains of identifiers ("a.b.C"), else NULL. */
const char *ar__dotted(ar_extractor *ex, TSNode n);
/** Content of a plain string literal (no interpolation), else NULL. */
const char *ar__string(ar_extractor *ex, TSNode n);
/** First positional argument of a call's argument list, or a null node. */
TSNode ar__arg0(ar_extractor *ex, TSNode args);
/** The value node of keyword argument `kw` in an argument list, or a null node. */
TSNode ar__kwarg(ar_extractor *ex, TSNode args, const char *kw);
/** Last component of a dotted name ("sa.Column" -> "Column"). */
const char *ar__last(const char *dotted);
bool ar__text_eq(const ar_extractor *ex, TSNode n, const char *s);
uint32_t ar__line(TSNode n);
uint32_t ar__col(TSNode n);
/** The model class named by a type annotation: M, Optional[M], M | None, "M",
 *  Annotated[M, …], Mapped[M]; *is_list for list[M]/Sequence[M]/… . NULL when none. */
const char *ar__type_class(ar_extractor *ex, TSNode type, bool *is_list);
bool ar__descend(ar_extractor *ex);
/** Count `st` as coverage.py would count a statement (skips docstrings and clauses). */
void ar__count_statement(ar_extractor *ex, TSNode st);
void ar__ascend(ar_extractor *ex);

/* extract_refs.c */
/** Walk a function (def node) for references; `cls` names the enclosing class or NULL. */
void ar__walk_function(ar_extractor *ex, TSNode def, const char *qualname, const char *cls,
                       bool decorated);
/** Walk a statement list at module or class level for references in expressions. */
void ar__walk_expr(ar_extractor *ex, TSNode n);
/** Record an import statement (module, class or function level). */
void ar__record_import(ar_extractor *ex, TSNode stmt);

#endif
