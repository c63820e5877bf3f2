/* SPDX-License-Identifier: MIT
 * model.h - the data every stage shares: configuration, per-file facts (phase 1),
 * resolved classes, findings, pairs, and ar_run, which owns them all.
 * Stages talk to each other only through these types. Strings are arena-owned unless a
 * comment says otherwise; phase-1 strings live in the arena of the worker that made them. */
#ifndef AR_MODEL_H
#define AR_MODEL_H

#include "alignrisk/base.h"
#include "alignrisk/map.h"
#include "alignrisk/mem.h"
#include "alignrisk/vec.h"

/* ---- vocabulary ------------------------------------------------------------------------ */

typedef enum { AR_SEV_LOW, AR_SEV_MEDIUM, AR_SEV_HIGH, AR_SEV_CRITICAL, AR_SEV_COUNT } ar_severity;
typedef enum { AR_CONF_POSSIBLE, AR_CONF_LIKELY, AR_CONF_CERTAIN, AR_CONF_COUNT } ar_confidence;

typedef enum {
  AR_R101, AR_R102, AR_R103, AR_R104, AR_R105, /* missing field family */
  AR_R201, AR_R202, AR_R203, AR_R204, AR_R205, /* enum and value family */
  AR_RULE_COUNT
} ar_rule_id;

typedef struct ar_rule {
  const char *code;    /* "AR101" */
  const char *name;    /* "unknown-attribute-write" */
  const char *family;  /* pattern family: "missing-field" */
  ar_severity severity;
  const char *summary; /* one line: what it detects */
  const char *effect;  /* the runtime effect */
} ar_rule;

/** The rule table, indexed by ar_rule_id. Static storage. */
extern const ar_rule ar_rules[AR_RULE_COUNT];
/** Rule by code ("AR101", case-insensitive) or name; NULL when unknown. */
const ar_rule *ar_rule_find(const char *code_or_name);
/** The long explanation of a rule (what, why it breaks, example, fix); NULL if unknown.
 *  Static storage. */
const char *ar_rule_help(const char *code);
const char *ar_severity_name(ar_severity s);
const char *ar_confidence_name(ar_confidence c);
/** Parse "critical"… / "certain"…; -1 when unknown. */
int ar_severity_parse(const char *s);
int ar_confidence_parse(const char *s);

/* ---- configuration --------------------------------------------------------------------- */

typedef enum {
  AR_FMT_TEXT, AR_FMT_JSON, AR_FMT_MARKDOWN, AR_FMT_SARIF, AR_FMT_GITLAB, AR_FMT_GITHUB
} ar_format;

typedef AR_VEC(const char *) ar_strvec;

typedef struct ar_config {
  ar_strvec paths;          /* what to scan; default "." */
  ar_strvec coverage;       /* coverage files; empty: ./coverage.xml when present */
  ar_strvec path_map;       /* "FROM=TO" prefixes rewriting coverage paths, tried in order */
  const char *history;      /* NULL: .alignrisk/history.json when present */
  bool history_explicit;    /* --history given: the file must exist (unless recording) */
  const char *record;       /* --record NAME */
  const char *now;          /* --now DATE for reproducible records; NULL: today */
  ar_format format;
  const char *output;       /* --output FILE; NULL: stdout */
  double fail_over;         /* < 0: not set */
  int fail_on;              /* ar_severity, -1: not set */
  bool new_only;
  bool select[AR_RULE_COUNT]; /* rules enabled after --select/--ignore */
  ar_strvec exclude;        /* glob patterns, matched against relative paths */
  bool include_tests;
  ar_confidence min_confidence;
  bool guess_names;         /* report receivers guessed from variable names (possible) */
  int jobs;                 /* 0: number of online CPUs */
  int color;                /* 0 never, 1 always, 2 auto */
  bool quiet;
  const char *dump;         /* --dump models|refs|coverage */
  double sev_weight[AR_SEV_COUNT];
  double conf_weight[AR_CONF_COUNT];
  double repeat_step;       /* 0.5: weight added per other instance of a pattern */
  /* Configuration file ([tool.alignrisk] in pyproject.toml, config.h). The command line is
   * applied on top of it; `select` above is always the result of both. */
  const char *config_path;  /* the file that was read, as opened; NULL: none */
  const char *select_spec;  /* "AR1,AR201": rules --select/`select` enabled; NULL: all */
  ar_strvec ignore_specs;   /* --ignore/`ignore` lists, each "AR104,AR2" */
  ar_arena strings;         /* strings read from the configuration file */
} ar_config;

/** Defaults of DESIGN.md. Owned by caller; ar_config_dispose frees the vectors. */
void ar_config_init(ar_config *cfg);
void ar_config_dispose(ar_config *cfg);

/* ---- phase 1: per-file facts ----------------------------------------------------------- */

typedef enum {
  AR_FIELD_COLUMN,       /* Column, mapped_column, Mapped[...] annotation, Field(...) */
  AR_FIELD_RELATIONSHIP, /* relationship(...) */
  AR_FIELD_BACKREF,      /* added to another model by relationship(..., backref=) */
  AR_FIELD_PROPERTY,     /* column_property, synonym, composite, hybrid, @property, … */
  AR_FIELD_METHOD,       /* def, classmethod, staticmethod */
  AR_FIELD_ATTR,         /* plain class attribute, nested class */
  AR_FIELD_INIT_ONLY,    /* set on self in __init__ only: instances built by the ctor */
  AR_FIELD_MEMBER        /* enum member */
} ar_field_kind;

typedef struct ar_class ar_class;
typedef struct ar_file ar_file;

typedef struct ar_field {
  const char *name;
  ar_field_kind kind;
  uint32_t line;
  const char *enum_type; /* Column(Enum(E)): E as written, else NULL */
  const char *target;    /* relationship target as written ("M" or M), else NULL */
  const char *backref;   /* name a backref= adds to `target`, else NULL */
  const char *value;     /* enum member: the literal value's text (strings unquoted) */
  const char *value_enum;/* String column whose default is E.M(.value): E as written */
  const char *callee;    /* the call that made it ("Column", "NotNullColumn"), or NULL */
  ar_class *enum_cls;    /* phase 2: the enum `enum_type` names, or NULL */
  ar_class *value_enum_cls; /* phase 2: the enum `value_enum` names, or NULL */
  bool nullable_explicit;/* nullable= was given at the call */
  int32_t str_len;       /* String(N): N, else -1 */
  int8_t nullable;       /* -1 unknown (or primary key), 0 nullable=False, 1 nullable=True */
  int8_t scalar;         /* relationships: 1 one object, 0 a collection, -1 unknown */
  int8_t backref_scalar; /* the backref= it adds: 1 backref(…, uselist=False), else -1 */
  bool values_callable;  /* Enum(E, values_callable=…): the column stores values, not names */
} ar_field;

enum {
  AR_CLASS_GETATTR = 1u << 0,    /* defines __getattr__: any attribute may exist */
  AR_CLASS_ABSTRACT = 1u << 1,   /* __abstract__ = True */
  AR_CLASS_TABLE = 1u << 2,      /* SQLModel table=True */
  AR_CLASS_INIT = 1u << 3,       /* defines __init__ */
  AR_CLASS_INIT_ANY = 1u << 4,   /* its __init__ accepts any keyword (decorated, or **kw kept) */
  AR_CLASS_INIT_FWD = 1u << 5,   /* its __init__ forwards **kw to super().__init__ */
  AR_CLASS_MAPPED = 1u << 6,     /* decorated with @<registry>.mapped */
  AR_CLASS_NESTED = 1u << 7,    /* defined inside a function or another class */
  AR_CLASS_PYDANTIC = 1u << 8,  /* phase 2: derives from SQLModel / pydantic BaseModel */
  AR_CLASS_RECONSTRUCTOR = 1u << 9, /* has an @reconstructor: loaded rows run code too */
  AR_CLASS_STR_ENUM = 1u << 10  /* phase 2: an enum whose members are str (str mixin, StrEnum) */
};

struct ar_class {
  const char *name;
  ar_file *file;
  uint32_t line;
  uint32_t flags;
  const char **bases; /* dotted names as written */
  size_t nbases;
  ar_field *fields;
  size_t nfields;
  const char **init_params; /* explicit keyword names of a custom __init__ */
  size_t ninit_params;
  /* phase 2 (resolve): */
  int kind;          /* AR_KIND_* */
  bool open;         /* a base outside the scan, or __getattr__: findings are `possible` */
  bool resolving;    /* cycle guard */
  ar_map all_fields; /* name -> ar_field*, own + inherited + backrefs; models, enums and
                        declarative bases only (empty for plain classes) */
  ar_class **rbases; /* resolved bases in the scan (NULL entries: outside) */
};

enum { AR_KIND_UNKNOWN, AR_KIND_PLAIN, AR_KIND_DECL_BASE, AR_KIND_MODEL, AR_KIND_ENUM };

typedef struct ar_import {
  const char *local;  /* name bound in the file ("*" for a star import) */
  const char *module; /* absolute dotted module */
  const char *name;   /* imported symbol, NULL for `import a.b [as m]` */
  uint32_t line;
} ar_import;

/** Module-level names bound to a declarative base factory or an extension object. */
typedef enum {
  AR_DECL_BASE, AR_DECL_DB, AR_DECL_REGISTRY, AR_DECL_ALIAS,
  AR_DECL_COLUMN, /* Column = functools.partial(db.Column, nullable=False) */
  AR_DECL_FUNC    /* def get_user(…) -> User: target is the annotated class */
} ar_decl_kind;
typedef struct ar_decl {
  const char *name;
  ar_decl_kind kind;
  const char *target; /* AR_DECL_ALIAS / AR_DECL_FUNC: the class it names or returns */
  int8_t nullable;    /* AR_DECL_COLUMN: the partial's nullable default, -1 none */
} ar_decl;

typedef enum {
  AR_REF_READ,       /* obj.f read, obj inferred to be an instance of recv */
  AR_REF_WRITE,      /* obj.f = … */
  AR_REF_CLASS_ATTR, /* recv.f where recv names a class (model or enum) */
  AR_REF_CTOR_KWARG, /* recv(f=…) */
  AR_REF_FILTER_BY,  /* query(recv).filter_by(f=…) */
  AR_REF_USE         /* recv named without attribute access: makes a pair, no finding */
} ar_ref_kind;

enum {
  AR_REF_GUARDED = 1u << 0,  /* inside try/except AttributeError, or probed with hasattr */
  AR_REF_GUESS = 1u << 1,    /* receiver guessed from the variable's name (--guess-names) */
  AR_REF_SELF = 1u << 2,     /* `self` in a method of the class: subclasses may add the name */
  AR_REF_EXPECTED = 1u << 3, /* inside `with pytest.raises(…)`: the error is the point */
  AR_REF_LOADED = 1u << 4    /* the receiver is a row loaded from the database */
};

/** What a reference stores or compares, when a literal or an enum member says so. */
typedef enum { AR_VAL_UNKNOWN, AR_VAL_STR, AR_VAL_NONE, AR_VAL_MEMBER } ar_value_kind;

/** What about one reference in five also carries: the model whose field an enum member
 *  is used with, and the value stored or compared. Kept apart so that ar_ref stays small. */
typedef struct ar_ref_more {
  const char *ctx_recv; /* for enum members used with a model's field: that model */
  const char *value;    /* AR_VAL_STR: the string; AR_VAL_MEMBER: "E.M" as written */
  /* phase 2 (resolve): */
  ar_class *ctx_target; /* the class `ctx_recv` names, or NULL */
  ar_class *value_enum; /* AR_VAL_MEMBER: the enum E of "E.M", or NULL */
} ar_ref_more;

typedef struct ar_ref { /* packed: a large codebase holds millions of these (64 bytes) */
  uint8_t kind;         /* ar_ref_kind */
  uint8_t conf;         /* ar_confidence */
  uint8_t vkind;        /* ar_value_kind: the value written, passed or compared (AR202-AR205) */
  bool compare;         /* the value is compared with the attribute, not stored in it */
  bool sql;             /* the comparison is SQL (Model.f == v, filter_by): bind rules apply */
  uint16_t flags;
  uint32_t line, col;   /* 1-based */
  const char *recv;     /* dotted class name as written in this file */
  const char *attr;
  const char *func;     /* enclosing function's qualified name, "<module>" at top level */
  const char *evidence; /* how the receiver was inferred: "session.get(M, …)" */
  ar_ref_more *more;    /* NULL when there is no context and no value (arena-owned) */
  /* phase 2 (resolve): */
  ar_class *target;     /* the class `recv` names in this file, or NULL */
} ar_ref;

static inline const char *ar_ref_ctx_recv(const ar_ref *r) { return r->more ? r->more->ctx_recv : NULL; }
static inline const char *ar_ref_value(const ar_ref *r) { return r->more ? r->more->value : NULL; }
static inline ar_class *ar_ref_ctx_target(const ar_ref *r) { return r->more ? r->more->ctx_target : NULL; }
static inline ar_class *ar_ref_value_enum(const ar_ref *r) { return r->more ? r->more->value_enum : NULL; }

typedef struct ar_func {
  const char *qualname;
  uint32_t start, end;
  /* coverage stage: */
  uint32_t statements, untested; /* measured statement lines in [start, end] and those with 0 hits */
} ar_func;

typedef struct ar_suppress {
  uint32_t line;
  const char *codes; /* NULL: every rule; else "AR101,AR204" */
} ar_suppress;

enum {
  AR_FILE_TEST = 1u << 0,     /* tests/, test_*.py, *_test.py, conftest.py */
  AR_FILE_MIGRATION = 1u << 1, /* alembic versions/: its models are local */
  AR_FILE_INIT = 1u << 2,     /* __init__.py */
  AR_FILE_SKIPPED = 1u << 3,  /* unreadable, binary, not UTF-8: nothing extracted */
  AR_FILE_SYNTAX = 1u << 4    /* parsed with errors: valid parts extracted */
};

struct ar_file {
  const char *path;   /* relative to the scan root, '/' separators */
  const char *abspath;/* the path as opened (the scan path joined with the file): diagnostics use it */
  const char *module; /* dotted module name from the path */
  uint32_t flags;
  uint32_t nlines, statements;
  /* Phase 1. Arena-owned once extraction settles them (in the arena of the worker that
   * extracted the file): never freed one by one, never grown after extraction. */
  AR_VEC(ar_import) imports;
  AR_VEC(ar_class *) classes;
  AR_VEC(ar_decl) decls;
  AR_VEC(ar_ref) refs;
  AR_VEC(ar_func) funcs;
  AR_VEC(ar_suppress) suppress;
  AR_VEC(const char *) all_names; /* __all__, when the module defines it */
  bool has_all;
  /* phase 2 (resolve): */
  ar_map symbols;     /* module-level class name -> ar_class* */
  ar_map resolved;    /* dotted name as written -> cached resolution (resolve.c) */
};

/* ---- phase 2: findings, coverage summary, pairs ---------------------------------------- */

typedef enum { AR_TREND_NEW, AR_TREND_PERSISTING } ar_trend;

typedef struct ar_finding {
  ar_rule_id rule;
  ar_severity severity;
  ar_confidence conf;
  const ar_class *cls;     /* the model or enum named */
  const ar_class *model;   /* the model of the pair it belongs to */
  const ar_file *file;
  const char *attr;
  const char *func;
  const char *suggestion;  /* closest existing field or member, or NULL */
  const char *pattern;     /* "missing-field:status" */
  const char *evidence;
  const char *detail;      /* AR202-AR205: what was stored or compared, and the column's type */
  const char *source;      /* the source line, trimmed; filled by the align stage */
  const char *fingerprint; /* 16 hex digits */
  const char *first_seen;  /* checkpoint where the fingerprint first appears, or NULL */
  const char *earlier;     /* "week-4: OrganizationMember.status" for recurring patterns */
  uint32_t line, col;
  int recurrence;          /* distinct instances of the pattern, history + this run */
  int line_hits;           /* -1 not measured, else the line's hits */
  ar_trend trend;
  double weight;
  int pair;                /* score: index into run->pairs of its (model, service), -1 if none */
} ar_finding;

typedef struct ar_filecov {
  bool measured;
  uint32_t statements, untested;
} ar_filecov;

typedef struct ar_pair {
  const ar_class *model;
  const ar_file *service;
  size_t nfindings;
  double weight_sum, risk;
  double weight_new;       /* the part of weight_sum from findings new since the last checkpoint */
  ar_filecov cov;
  int rank; /* 1-based among pairs with findings; 0 for verified pairs */
} ar_pair;

typedef struct ar_fixed {
  const char *rule, *model, *field, *service, *first_seen;
} ar_fixed;

typedef struct ar_gate {
  bool passed;
  AR_VEC(const char *) reasons;
} ar_gate;

/* ---- the run ----------------------------------------------------------------------------- */

typedef struct ar_run {
  const ar_config *cfg;
  ar_arena arena;            /* phase-2 and report strings */
  ar_arena *worker_arenas;   /* phase-1 strings, one arena per parse worker */
  size_t nworkers;
  const char *root;          /* scan root as given (for display) */
  bool progress;             /* show parse progress on stderr (a TTY, not --quiet) */
  const char *root_abs;
  AR_VEC(ar_file *) files;   /* sorted by path */
  size_t nskipped;
  /* resolve */
  ar_map modules;            /* dotted module -> ar_file* */
  ar_map module_suffixes;    /* trailing 2+ components of a module -> ar_file* (or ambiguous) */
  ar_map models_by_name;     /* class name -> ar_class* model (or ambiguous) */
  ar_map scanned_modules;    /* before parsing: every dotted prefix of every suffix of every
                                scanned module ("app", "app.models", "models"…): imports of
                                anything else come from outside and name no model */
  size_t nmodels, nenums, nrefs;
  /* align */
  AR_VEC(ar_finding) findings;
  /* coverage */
  void *cov;                 /* opaque to everyone but coverage.c and pipeline.c */
  size_t cov_files, cov_unmapped;
  AR_VEC(const char *) cov_unmapped_names;
  ar_filecov *filecov;       /* per file, index as files */
  /* history */
  void *history;             /* opaque to everyone but history.c and pipeline.c */
  size_t ncheckpoints;
  const char *last_checkpoint;
  AR_VEC(ar_fixed) fixed;
  /* score */
  AR_VEC(ar_pair) pairs;     /* ranked: findings first by risk, then verified */
  double total_risk;
  size_t by_severity[AR_SEV_COUNT];
  ar_gate gate;
} ar_run;

void ar_run_init(ar_run *run, const ar_config *cfg);
void ar_run_dispose(ar_run *run);

/** Field `name` of a resolved class (own, inherited, backref, framework); NULL if none.
 *  O(1) for models, enums and declarative bases (a table); a walk of the bases for others.
 *  `on_class`: the lookup is on the class, where names set only in __init__ do not exist. */
const ar_field *ar_class_field(const ar_class *cls, const char *name, bool on_class);

#endif
