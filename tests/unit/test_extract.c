/* SPDX-License-Identifier: MIT
 * test_extract.c - unit tests for the extract stage (phase 1): Python snippets parsed with
 * tree-sitter and extracted into an ar_file, then checked field by field: classes and
 * their fields, constructor flags, imports (relative ones against the file's module),
 * declarative bases, references with receiver evidence, guards and narrowing,
 * suppressions, statement counts, functions, syntax errors and depth limits.
 * Each snippet's text is freed before the assertions: extraction must copy what it keeps. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alignrisk/extract.h"

/* ---- fixture ------------------------------------------------------------------------------- */

typedef struct fixture {
  ar_config cfg;
  ar_run run;
  ar_extractor *ex;
  TSParser *parser;
  ar_diag dg;
  FILE *diag_fp;
  char *diag_text;
  size_t diag_len;
} fixture;

static int setup(void **state)
{
  fixture *fx = calloc(1, sizeof *fx);
  if (!fx) return -1;
  ar_config_init(&fx->cfg);
  ar_run_init(&fx->run, &fx->cfg);
  fx->diag_fp = open_memstream(&fx->diag_text, &fx->diag_len);
  if (!fx->diag_fp) return -1;
  ar_diag_init(&fx->dg, fx->diag_fp);
  if (ar_extractor_new(&fx->ex, &fx->dg) != AR_OK || !fx->ex) return -1;
  fx->parser = ts_parser_new();
  if (!ts_parser_set_language(fx->parser, ar_python_language())) return -1;
  *state = fx;
  return 0;
}

static int teardown(void **state)
{
  fixture *fx = *state;
  ts_parser_delete(fx->parser);
  ar_extractor_free(fx->ex);
  ar_diag_dispose(&fx->dg);
  fclose(fx->diag_fp);
  free(fx->diag_text);
  ar_run_dispose(&fx->run);
  ar_config_dispose(&fx->cfg);
  free(fx);
  return 0;
}

/* Diagnostics so far, as text. */
static const char *diag_text(fixture *fx)
{
  fflush(fx->diag_fp);
  return fx->diag_text ? fx->diag_text : "";
}

/* Extract `src` as the file `path` (module `module`, `flags`) into fx->run. */
static ar_file *extract_as(fixture *fx, const char *path, const char *module, uint32_t flags,
                           const char *src)
{
  ar_file *f = ar_arena_alloc(&fx->run.arena, sizeof *f);
  f->path = ar_arena_strdup(&fx->run.arena, path);
  f->abspath = f->path;
  f->module = ar_arena_strdup(&fx->run.arena, module);
  f->flags = flags;
  size_t len = strlen(src);
  char *copy = ar_xstrndup(src, len);
  TSTree *tree = ts_parser_parse_string(fx->parser, NULL, copy, (uint32_t)len);
  assert_non_null(tree);
  ar_extract_file(fx->ex, f, tree, copy, len, &fx->run.arena, &fx->dg);
  ts_tree_delete(tree);
  memset(copy, '#', len); /* whatever the extractor kept must be its own copy */
  free(copy);
  AR_VEC_PUSH(&fx->run.files, f);
  return f;
}

static ar_file *extract(fixture *fx, const char *src)
{
  return extract_as(fx, "app/services/svc.py", "app.services.svc", 0, src);
}

static const ar_class *class_named(const ar_file *f, const char *name)
{
  for (size_t i = 0; i < f->classes.len; i++)
    if (strcmp(f->classes.items[i]->name, name) == 0) return f->classes.items[i];
  fail_msg("no class %s", name);
  return NULL;
}

static const ar_field *field_named(const ar_class *c, const char *name)
{
  for (size_t i = 0; i < c->nfields; i++)
    if (strcmp(c->fields[i].name, name) == 0) return &c->fields[i];
  return NULL;
}

/* References with this kind, receiver and attribute. */
static size_t count_refs(const ar_file *f, ar_ref_kind kind, const char *recv, const char *attr)
{
  size_t n = 0;
  for (size_t i = 0; i < f->refs.len; i++) {
    const ar_ref *r = &f->refs.items[i];
    if (r->kind == kind && strcmp(r->recv, recv) == 0 && strcmp(r->attr, attr) == 0) n++;
  }
  return n;
}

static const ar_ref *ref_of(const ar_file *f, ar_ref_kind kind, const char *recv, const char *attr)
{
  for (size_t i = 0; i < f->refs.len; i++) {
    const ar_ref *r = &f->refs.items[i];
    if (r->kind == kind && strcmp(r->recv, recv) == 0 && strcmp(r->attr, attr) == 0) return r;
  }
  fail_msg("no ref kind %d %s.%s", (int)kind, recv, attr);
  return NULL;
}

/* Any reference at all (whatever kind or receiver) to attribute `attr`. */
/* References to `attr` through a receiver phase 1 claims to know. Receivers phase 2 must
 * still follow (`self` in a method: the class itself; "M@rel": what a relationship holds)
 * are recorded for every class and resolve to nothing unless a model is behind them, so
 * they do not count here. */
static size_t refs_to_attr(const ar_file *f, const char *attr)
{
  size_t n = 0;
  for (size_t i = 0; i < f->refs.len; i++) {
    const ar_ref *r = &f->refs.items[i];
    if ((r->flags & AR_REF_SELF) || strchr(r->recv, '@')) continue;
    n += strcmp(r->attr, attr) == 0;
  }
  return n;
}

/* Each attribute of the NULL-ended `attrs` has exactly one reference of `kind` on `recv`. */
static void expect_one_each(const ar_file *f, ar_ref_kind kind, const char *recv, const char *const *attrs)
{
  for (size_t i = 0; attrs[i]; i++)
    if (count_refs(f, kind, recv, attrs[i]) != 1)
      fail_msg("%s.%s: %zu references of kind %d, want 1", recv, attrs[i],
               count_refs(f, kind, recv, attrs[i]), (int)kind);
}

/* No attribute of the NULL-ended `attrs` has a reference through a known receiver. */
static void expect_none(const ar_file *f, const char *const *attrs, const char *why)
{
  for (size_t i = 0; attrs[i]; i++)
    if (refs_to_attr(f, attrs[i])) fail_msg("%s: %s", attrs[i], why);
}

static void test_extractor_new(void **state)
{
  (void)state;
  ar_diag dg;
  ar_diag_init(&dg, NULL);
  ar_extractor *ex = NULL;
  assert_int_equal(ar_extractor_new(&ex, &dg), AR_OK);
  assert_non_null(ex);
  assert_int_equal(dg.errors, 0);
  ar_extractor_free(ex);
  ar_extractor_free(NULL);
  ar_diag_dispose(&dg);
  const TSLanguage *lang = ar_python_language();
  assert_non_null(lang);
  assert_ptr_equal(lang, ar_python_language());
}

/* ---- classes and fields --------------------------------------------------------------------- */

static const char MODELS[] =
    "\"\"\"Models.\"\"\"\n"                                              /* 1 */
    "import enum\n"                                                      /* 2 */
    "import sqlalchemy as sa\n"                                          /* 3 */
    "from typing import Optional\n"                                      /* 4 */
    "from sqlalchemy import Column, Integer, String, Enum as SAEnum\n"   /* 5 */
    "from sqlalchemy.orm import declarative_base, relationship, Mapped, mapped_column, backref\n"
    "\n"                                                                 /* 7 */
    "Base = declarative_base()\n"                                        /* 8 */
    "\n"                                                                 /* 9 */
    "class Status(str, enum.Enum):\n"                                    /* 10 */
    "    \"\"\"Doc.\"\"\"\n"                                             /* 11 */
    "    ACTIVE = \"active\"\n"                                          /* 12 */
    "    RETIRED = 'retired'\n"                                          /* 13 */
    "    COUNT = 3\n"                                                    /* 14 */
    "\n"                                                                 /* 15 */
    "class Control(Mixin, Base):\n"                                      /* 16 */
    "    __tablename__ = \"controls\"\n"                                 /* 17 */
    "    id = Column(Integer, primary_key=True)\n"                       /* 18 */
    "    name = Column(String(120), nullable=False)\n"                   /* 19 */
    "    title = sa.Column(sa.String(40), nullable=True)\n"              /* 20 */
    "    status = Column(SAEnum(Status))\n"                              /* 21 */
    "    kind = mapped_column(sa.Enum(enum_mod.Kind), nullable=False)\n" /* 22 */
    "    owner_id: Mapped[int] = mapped_column()\n"                      /* 23 */
    "    note: Mapped[Optional[str]]\n"                                  /* 24 */
    "    memo: Mapped[str | None]\n"                                     /* 25 */
    "    owner = relationship(\"User\", backref=\"controls\")\n"         /* 26 */
    "    tags = relationship(Tag, backref=backref(\"control\", lazy=\"joined\"))\n"
    "    items = relationship(\"Item\")\n"                               /* 28 */
    "    total = sa.orm.column_property(id + 1)\n"                       /* 29 */
    "    LIMIT = 10\n"                                                   /* 30 */
    "\n"                                                                 /* 31 */
    "    @property\n"                                                    /* 32 */
    "    def label(self):\n"                                             /* 33 */
    "        return self.name\n"                                         /* 34 */
    "\n"                                                                 /* 35 */
    "    @classmethod\n"                                                 /* 36 */
    "    def make(cls):\n"                                               /* 37 */
    "        return cls()\n"                                             /* 38 */
    "\n"                                                                 /* 39 */
    "    def method(self):\n"                                            /* 40 */
    "        pass\n"                                                     /* 41 */
    "\n"                                                                 /* 42 */
    "    class Meta:\n"                                                  /* 43 */
    "        pass\n"                                                     /* 44 */
    "\n"                                                                 /* 45 */
    "class AbstractThing(Base):\n"                                      /* 46 */
    "    __abstract__ = True\n"                                          /* 47 */
    "\n"                                                                 /* 48 */
    "class NotAbstract(Base):\n"                                         /* 49 */
    "    __abstract__ = False\n"                                         /* 50 */
    "\n"                                                                 /* 51 */
    "class Dyn:\n"                                                       /* 52 */
    "    def __getattr__(self, name):\n"                                 /* 53 */
    "        return 1\n"                                                 /* 54 */
    "\n"                                                                 /* 55 */
    "class Generic2(Generic[T], pkg.mod.Base):\n"                        /* 56 */
    "    a, b = 1, 2\n"                                                  /* 57 */
    "    if FLAG:\n"                                                     /* 58 */
    "        in_if = 1\n"                                                /* 59 */
    "    else:\n"                                                        /* 60 */
    "        in_else = 2\n"                                              /* 61 */
    "\n"                                                                 /* 62 */
    "def factory():\n"                                                   /* 63 */
    "    class Local(Base):\n"                                           /* 64 */
    "        x = 1\n"                                                    /* 65 */
    "    return Local\n";                                                /* 66 */

static void test_classes(void **state)
{
  fixture *fx = *state;
  const ar_file *f = extract_as(fx, "app/models/control.py", "app.models.control", 0, MODELS);
  /* Module-level classes in source order; a class inside a function is not one of them,
   * nor is a class nested in a class. */
  static const char *const names[] = {"Status", "Control", "AbstractThing", "NotAbstract",
                                      "Dyn", "Generic2", NULL};
  size_t n = 0;
  for (; names[n]; n++) {
    assert_true(n < f->classes.len);
    assert_string_equal(f->classes.items[n]->name, names[n]);
    assert_ptr_equal(f->classes.items[n]->file, f);
  }
  assert_int_equal(f->classes.len, n);

  const ar_class *st = class_named(f, "Status");
  assert_int_equal(st->line, 10);
  assert_int_equal(st->nbases, 2);
  assert_string_equal(st->bases[0], "str");
  assert_string_equal(st->bases[1], "enum.Enum");

  const ar_class *c = class_named(f, "Control");
  assert_int_equal(c->line, 16);
  assert_int_equal(c->nbases, 2);
  assert_string_equal(c->bases[0], "Mixin");
  assert_string_equal(c->bases[1], "Base");
  assert_int_equal(c->flags & (AR_CLASS_ABSTRACT | AR_CLASS_GETATTR | AR_CLASS_INIT | AR_CLASS_TABLE), 0);

  const ar_class *g = class_named(f, "Generic2");
  assert_int_equal(g->nbases, 2);
  assert_string_equal(g->bases[0], "Generic");
  assert_string_equal(g->bases[1], "pkg.mod.Base");

  assert_true(class_named(f, "AbstractThing")->flags & AR_CLASS_ABSTRACT);
  assert_false(class_named(f, "NotAbstract")->flags & AR_CLASS_ABSTRACT);
  assert_true(class_named(f, "Dyn")->flags & AR_CLASS_GETATTR);
  assert_false(c->flags & AR_CLASS_GETATTR);
  assert_int_equal(class_named(f, "Dyn")->nbases, 0);
}

static void test_fields(void **state)
{
  fixture *fx = *state;
  const ar_file *f = extract_as(fx, "app/models/control.py", "app.models.control", 0, MODELS);
  enum { COL = AR_FIELD_COLUMN, REL = AR_FIELD_RELATIONSHIP, PROP = AR_FIELD_PROPERTY,
         METH = AR_FIELD_METHOD, ATTR = AR_FIELD_ATTR };
  static const struct {
    const char *cls, *name;
    int kind;
    uint32_t line;
    const char *enum_type, *target, *backref;
    int32_t str_len;
    int nullable; /* 99: not checked */
  } rows[] = {
      {"Control", "__tablename__", ATTR, 17, NULL, NULL, NULL, -1, -1},
      {"Control", "id", COL, 18, NULL, NULL, NULL, -1, 99},
      {"Control", "name", COL, 19, NULL, NULL, NULL, 120, 0},
      {"Control", "title", COL, 20, NULL, NULL, NULL, 40, 1},
      {"Control", "status", COL, 21, "Status", NULL, NULL, -1, -1},
      {"Control", "kind", COL, 22, "enum_mod.Kind", NULL, NULL, -1, 0},
      {"Control", "owner_id", COL, 23, NULL, NULL, NULL, -1, 0},
      {"Control", "note", COL, 24, NULL, NULL, NULL, -1, 1},
      {"Control", "memo", COL, 25, NULL, NULL, NULL, -1, 1},
      {"Control", "owner", REL, 26, NULL, "User", "controls", -1, 99},
      {"Control", "tags", REL, 27, NULL, "Tag", "control", -1, 99},
      {"Control", "items", REL, 28, NULL, "Item", NULL, -1, 99},
      {"Control", "total", PROP, 29, NULL, NULL, NULL, -1, 99},
      {"Control", "LIMIT", ATTR, 30, NULL, NULL, NULL, -1, -1},
      {"Control", "label", PROP, 33, NULL, NULL, NULL, -1, 99},
      {"Control", "make", METH, 37, NULL, NULL, NULL, -1, 99},
      {"Control", "method", METH, 40, NULL, NULL, NULL, -1, 99},
      {"Control", "Meta", ATTR, 43, NULL, NULL, NULL, -1, 99},
      {"Dyn", "__getattr__", METH, 53, NULL, NULL, NULL, -1, 99},
      {"Generic2", "a", ATTR, 57, NULL, NULL, NULL, -1, 99},
      {"Generic2", "b", ATTR, 57, NULL, NULL, NULL, -1, 99},
      {"Generic2", "in_if", ATTR, 59, NULL, NULL, NULL, -1, 99},
      {"Generic2", "in_else", ATTR, 61, NULL, NULL, NULL, -1, 99},
      {"AbstractThing", "__abstract__", ATTR, 47, NULL, NULL, NULL, -1, 99},
  };
  for (size_t i = 0; i < sizeof rows / sizeof *rows; i++) {
    const ar_field *fl = field_named(class_named(f, rows[i].cls), rows[i].name);
    if (!fl) fail_msg("%s.%s: no such field", rows[i].cls, rows[i].name);
    if ((int)fl->kind != rows[i].kind)
      fail_msg("%s.%s: kind %d, want %d", rows[i].cls, rows[i].name, (int)fl->kind, rows[i].kind);
    assert_int_equal(fl->line, rows[i].line);
    if (rows[i].enum_type) assert_string_equal(fl->enum_type, rows[i].enum_type);
    else assert_null(fl->enum_type);
    if (rows[i].target) assert_string_equal(fl->target, rows[i].target);
    else assert_null(fl->target);
    if (rows[i].backref) assert_string_equal(fl->backref, rows[i].backref);
    else assert_null(fl->backref);
    assert_int_equal(fl->str_len, rows[i].str_len);
    if (rows[i].nullable != 99 && fl->nullable != rows[i].nullable)
      fail_msg("%s.%s: nullable %d, want %d", rows[i].cls, rows[i].name, fl->nullable, rows[i].nullable);
  }
  /* Fields come in source order. */
  const ar_class *c = class_named(f, "Control");
  assert_int_equal(c->nfields, 18);
  assert_string_equal(c->fields[0].name, "__tablename__");
  assert_string_equal(c->fields[17].name, "Meta");
  for (size_t i = 1; i < c->nfields; i++) assert_true(c->fields[i].line >= c->fields[i - 1].line);
  /* A nested class's own body is not the outer class's. */
  assert_null(field_named(class_named(f, "Control"), "pass"));

  /* Enum members: names and literal values, strings unquoted. */
  static const struct { const char *name, *value; } members[] = {
      {"ACTIVE", "active"}, {"RETIRED", "retired"}, {"COUNT", "3"}};
  const ar_class *st = class_named(f, "Status");
  assert_int_equal(st->nfields, 3);
  for (size_t i = 0; i < 3; i++) {
    assert_string_equal(st->fields[i].name, members[i].name);
    assert_string_equal(st->fields[i].value, members[i].value);
  }
}

static void test_init_flags(void **state)
{
  fixture *fx = *state;
  enum { I = AR_CLASS_INIT, ANY = AR_CLASS_INIT_ANY, FWD = AR_CLASS_INIT_FWD };
  static const struct {
    const char *what, *src;
    uint32_t flags;
    const char *params; /* comma-joined init_params */
    const char *init_only;
  } rows[] = {
      {"no __init__", "class M(Base):\n    x = 1\n", 0, "", NULL},
      {"explicit params",
       "class M(Base):\n    def __init__(self, a, b: int, c=1, d: str = 'x', *, e=None):\n"
       "        self.a = a\n",
       I, "a,b,c,d,e", "a"},
      {"**kw kept", "class M(Base):\n    def __init__(self, a, **kw):\n        self.kw = kw\n",
       I | ANY, "a", "kw"},
      {"typed **kw kept", "class M(Base):\n    def __init__(self, **kw: int):\n        pass\n",
       I | ANY, "", NULL},
      {"**kw forwarded",
       "class M(Base):\n    def __init__(self, name, **kwargs):\n"
       "        super().__init__(**kwargs)\n        self.extra = name\n",
       I | FWD, "name", "extra"},
      {"forwarded through the class",
       "class M(Base):\n    def __init__(self, **kw):\n        Base.__init__(self, **kw)\n",
       I | FWD, "", NULL},
      {"decorated", "class M(Base):\n    @wraps(f)\n    def __init__(self, a):\n        pass\n",
       I | ANY, "a", NULL},
      {"*args only", "class M(Base):\n    def __init__(self, *args):\n        pass\n", I, "", NULL},
  };
  for (size_t i = 0; i < sizeof rows / sizeof *rows; i++) {
    const ar_file *f = extract(fx, rows[i].src);
    assert_int_equal(f->classes.len, 1);
    const ar_class *c = f->classes.items[0];
    uint32_t got = c->flags & (I | ANY | FWD);
    if (got != rows[i].flags) fail_msg("%s: flags 0x%x, want 0x%x", rows[i].what, got, rows[i].flags);
    char joined[128] = "";
    for (size_t k = 0; k < c->ninit_params; k++) {
      if (k) strcat(joined, ",");
      strcat(joined, c->init_params[k]);
    }
    if (strcmp(joined, rows[i].params) != 0)
      fail_msg("%s: params '%s', want '%s'", rows[i].what, joined, rows[i].params);
    if (rows[i].init_only) {
      const ar_field *fl = field_named(c, rows[i].init_only);
      assert_non_null(fl);
      assert_int_equal(fl->kind, AR_FIELD_INIT_ONLY);
    }
  }
}

static void test_table_and_mapped(void **state)
{
  fixture *fx = *state;
  const ar_file *f = extract(fx,
                             "from sqlmodel import SQLModel, Field\n"
                             "class Hero(SQLModel, table=True):\n"
                             "    id: int = Field(primary_key=True)\n"
                             "    name: str\n"
                             "class HeroBase(SQLModel):\n"
                             "    name: str\n"
                             "class NotTable(SQLModel, table=False):\n"
                             "    x: int\n"
                             "@reg.mapped\n"
                             "class Mapped1:\n"
                             "    __tablename__ = 'm'\n"
                             "@mapper_registry.mapped_as_dataclass()\n"
                             "class Mapped2:\n"
                             "    __tablename__ = 'n'\n"
                             "@dataclass\n"
                             "class Plain:\n"
                             "    y: int\n");
  const ar_class *hero = class_named(f, "Hero");
  assert_true(hero->flags & AR_CLASS_TABLE);
  assert_int_equal(hero->nbases, 1); /* table=True is no base */
  assert_string_equal(hero->bases[0], "SQLModel");
  assert_int_equal(field_named(hero, "id")->kind, AR_FIELD_COLUMN);
  assert_int_equal(field_named(hero, "name")->kind, AR_FIELD_COLUMN); /* bare annotation */
  assert_false(class_named(f, "HeroBase")->flags & AR_CLASS_TABLE);
  assert_false(class_named(f, "NotTable")->flags & AR_CLASS_TABLE);
  assert_true(class_named(f, "Mapped1")->flags & AR_CLASS_MAPPED);
  assert_true(class_named(f, "Mapped2")->flags & AR_CLASS_MAPPED);
  assert_false(class_named(f, "Plain")->flags & AR_CLASS_MAPPED);
}

/* ---- imports and declarations ---------------------------------------------------------------- */

static void test_imports(void **state)
{
  fixture *fx = *state;
  static const char SRC[] =
      "import os\n"                                  /* 1 */
      "import a.b.c\n"                               /* 2 */
      "import sqlalchemy as sa, x.y as xy\n"         /* 3 */
      "from typing import Optional\n"                /* 4 */
      "from app.models import (User as U, Role)\n"   /* 5 */
      "from . import helpers\n"                      /* 6 */
      "from .base import Mixin\n"                    /* 7 */
      "from .. import core\n"                        /* 8 */
      "from ..core.db import *\n"                    /* 9 */
      "from .sub.deep import Thing as T\n"           /* 10 */
      "def f():\n"                                   /* 11 */
      "    from .late import Late\n";                /* 12 */
  static const struct {
    const char *local, *module, *name;
    uint32_t line;
  } want_mod[] = {
      {"os", "os", NULL, 1},
      {"a", "a", NULL, 2},
      {"sa", "sqlalchemy", NULL, 3},
      {"xy", "x.y", NULL, 3},
      {"Optional", "typing", "Optional", 4},
      {"U", "app.models", "User", 5},
      {"Role", "app.models", "Role", 5},
      {"helpers", "app.models", "helpers", 6},
      {"Mixin", "app.models.base", "Mixin", 7},
      {"core", "app", "core", 8},
      {"*", "app.core.db", NULL, 9},
      {"T", "app.models.sub.deep", "Thing", 10},
      {"Late", "app.models.late", "Late", 12},
  },
    want_pkg[] = { /* the same text in app/models/__init__.py: `.` is app.models itself */
      {"os", "os", NULL, 1},
      {"a", "a", NULL, 2},
      {"sa", "sqlalchemy", NULL, 3},
      {"xy", "x.y", NULL, 3},
      {"Optional", "typing", "Optional", 4},
      {"U", "app.models", "User", 5},
      {"Role", "app.models", "Role", 5},
      {"helpers", "app.models", "helpers", 6},
      {"Mixin", "app.models.base", "Mixin", 7},
      {"core", "app", "core", 8},
      {"*", "app.core.db", NULL, 9},
      {"T", "app.models.sub.deep", "Thing", 10},
      {"Late", "app.models.late", "Late", 12},
  };
  const ar_file *mod = extract_as(fx, "app/models/control.py", "app.models.control", 0, SRC);
  const ar_file *pkg = extract_as(fx, "app/models/__init__.py", "app.models", AR_FILE_INIT, SRC);
  const struct { const ar_file *f; const void *rows; size_t n; } cases[] = {
      {mod, want_mod, sizeof want_mod / sizeof *want_mod},
      {pkg, want_pkg, sizeof want_pkg / sizeof *want_pkg}};
  for (size_t c = 0; c < 2; c++) {
    const ar_file *f = cases[c].f;
    const __typeof__(want_mod[0]) *rows = cases[c].rows;
    assert_int_equal(f->imports.len, cases[c].n);
    for (size_t i = 0; i < cases[c].n; i++) {
      const ar_import *im = &f->imports.items[i];
      assert_string_equal(im->local, rows[i].local);
      if (strcmp(im->module, rows[i].module) != 0)
        fail_msg("%s: import %s: module %s, want %s", f->path, im->local, im->module, rows[i].module);
      if (rows[i].name) assert_string_equal(im->name, rows[i].name);
      else assert_null(im->name);
      assert_int_equal(im->line, rows[i].line);
    }
  }
}

static void test_relative_import_levels(void **state)
{
  fixture *fx = *state;
  static const struct {
    const char *path, *module;
    uint32_t flags;
    const char *src, *want;
  } rows[] = {
      {"a/b/c/d.py", "a.b.c.d", 0, "from . import x\n", "a.b.c"},
      {"a/b/c/d.py", "a.b.c.d", 0, "from .. import x\n", "a.b"},
      {"a/b/c/d.py", "a.b.c.d", 0, "from ... import x\n", "a"},
      {"a/b/c/d.py", "a.b.c.d", 0, "from ...m.n import x\n", "a.m.n"},
      {"a/b/c/__init__.py", "a.b.c", AR_FILE_INIT, "from . import x\n", "a.b.c"},
      {"a/b/c/__init__.py", "a.b.c", AR_FILE_INIT, "from .. import x\n", "a.b"},
      {"a/b/c/__init__.py", "a.b.c", AR_FILE_INIT, "from ...m import x\n", "a.m"},
      {"a/b/c/__init__.py", "a.b.c", AR_FILE_INIT, "from .m import x\n", "a.b.c.m"},
      {"pkg/mod.py", "pkg.mod", 0, "from .sibling import x\n", "pkg.sibling"},
  };
  for (size_t i = 0; i < sizeof rows / sizeof *rows; i++) {
    const ar_file *f = extract_as(fx, rows[i].path, rows[i].module, rows[i].flags, rows[i].src);
    assert_int_equal(f->imports.len, 1);
    if (strcmp(f->imports.items[0].module, rows[i].want) != 0)
      fail_msg("%s in %s: module %s, want %s", rows[i].src, rows[i].path, f->imports.items[0].module,
               rows[i].want);
    assert_string_equal(f->imports.items[0].name, "x");
  }
}

static void test_decls_and_all(void **state)
{
  fixture *fx = *state;
  const ar_file *f = extract(fx,
                             "from sqlalchemy.orm import declarative_base, registry\n"
                             "import sqlalchemy.orm as orm\n"
                             "from flask_sqlalchemy import SQLAlchemy\n"
                             "Base = declarative_base()\n"
                             "OrmBase = orm.declarative_base(metadata=md)\n"
                             "db = SQLAlchemy(app)\n"
                             "reg = registry()\n"
                             "RegBase = reg.generate_base()\n"
                             "other = something()\n"
                             "plain = 1\n"
                             "__all__ = ['Base', \"db\", f'{x}']\n");
  static const struct { const char *name; ar_decl_kind kind; } want[] = {
      {"Base", AR_DECL_BASE}, {"OrmBase", AR_DECL_BASE}, {"db", AR_DECL_DB},
      {"reg", AR_DECL_REGISTRY}, {"RegBase", AR_DECL_BASE}};
  assert_int_equal(f->decls.len, sizeof want / sizeof *want);
  for (size_t i = 0; i < f->decls.len; i++) {
    assert_string_equal(f->decls.items[i].name, want[i].name);
    assert_int_equal(f->decls.items[i].kind, want[i].kind);
  }
  assert_true(f->has_all);
  assert_int_equal(f->all_names.len, 2); /* the f-string is not a plain name */
  assert_string_equal(f->all_names.items[0], "Base");
  assert_string_equal(f->all_names.items[1], "db");

  const ar_file *g = extract(fx, "x = 1\n");
  assert_false(g->has_all);
  assert_int_equal(g->all_names.len, 0);
  assert_int_equal(g->decls.len, 0);
}

/* ---- references -------------------------------------------------------------------------------- */

static const char SERVICE[] =
    "from typing import Optional\n"                                              /* 1 */
    "from app.models import Control, Status, User\n"                             /* 2 */
    "from sqlalchemy import select\n"                                            /* 3 */
    "\n"                                                                         /* 4 */
    "class Service:\n"                                                           /* 5 */
    "    def __init__(self, session):\n"                                         /* 6 */
    "        self.session = session\n"                                           /* 7 */
    "\n"                                                                         /* 8 */
    "    async def assess(self, control_id: int, user: User) -> Control:\n"      /* 9 */
    "        control = await self.session.get(Control, control_id)\n"            /* 10 */
    "        control.status = Status.COMPLIANT\n"                                /* 11 */
    "        x = control.missing_read\n"                                         /* 12 */
    "        user.nickname = 'n'\n"                                              /* 13 */
    "        Control.query.filter_by(colour='red')\n"                            /* 14 */
    "        rows = self.session.execute(select(Control)).scalars().all()\n"     /* 15 */
    "        for r in rows:\n"                                                   /* 16 */
    "            r.loop_attr = 1\n"                                              /* 17 */
    "        c2 = Control(bogus=1)\n"                                            /* 18 */
    "        c2.other = 2\n"                                                     /* 19 */
    "        if control.phase == Status.PENDING:\n"                              /* 20 */
    "            pass\n"                                                         /* 21 */
    "        return control\n"                                                   /* 22 */
    "\n"                                                                         /* 23 */
    "def queries(db):\n"                                                         /* 24 */
    "    q = db.query(Control).filter_by(qcol=1).first()\n"                      /* 25 */
    "    q.first_attr\n"                                                         /* 26 */
    "    obj = db.execute(select(Control).where(Control.id == 1)).scalar_one()\n" /* 27 */
    "    obj.scalar_attr\n"                                                      /* 28 */
    "    row = db.execute(select(Control)).first()\n"                            /* 29 */
    "    row.row_attr\n"                                                         /* 30 */
    "    names = [c.comp_attr for c in db.scalars(select(Control))]\n"           /* 31 */
    "    if (m := db.get(Control, 1)):\n"                                        /* 32 */
    "        m.walrus_attr\n"                                                    /* 33 */
    "    local = 5\n"                                                            /* 34 */
    "    local.not_a_model\n"                                                    /* 35 */
    "    unknown.nothing\n"                                                      /* 36 */
    "    lam = lambda c: c.lambda_attr\n"                                        /* 37 */
    "    select(Control).filter_by(scol=2)\n";                                   /* 38 */

static void test_refs(void **state)
{
  fixture *fx = *state;
  const ar_file *f = extract(fx, SERVICE);
  enum { RD = AR_REF_READ, WR = AR_REF_WRITE, CA = AR_REF_CLASS_ATTR, KW = AR_REF_CTOR_KWARG,
         FB = AR_REF_FILTER_BY };
  enum { LIKELY = AR_CONF_LIKELY, CERTAIN = AR_CONF_CERTAIN };
  static const struct {
    int kind;
    const char *recv, *attr;
    int conf;
    const char *func;
    uint32_t line, col;
    const char *ctx;      /* NULL: no context */
    const char *evidence; /* NULL: not checked; "": must be NULL */
  } rows[] = {
      {WR, "Control", "status", LIKELY, "Service.assess", 11, 17, NULL,
       "assigned from session.get(Control, …)"},
      {CA, "Status", "COMPLIANT", CERTAIN, "Service.assess", 11, 33, "Control", ""},
      {RD, "Control", "missing_read", LIKELY, "Service.assess", 12, 21, NULL, NULL},
      {WR, "User", "nickname", CERTAIN, "Service.assess", 13, 14, NULL, "parameter annotated User"},
      {FB, "Control", "colour", CERTAIN, "Service.assess", 14, 33, NULL, NULL},
      {CA, "Control", "query", CERTAIN, "Service.assess", 14, 17, NULL, NULL},
      {WR, "Control", "loop_attr", LIKELY, "Service.assess", 17, 15, NULL, NULL},
      {KW, "Control", "bogus", CERTAIN, "Service.assess", 18, 22, NULL, NULL},
      {WR, "Control", "other", LIKELY, "Service.assess", 19, 12, NULL, "assigned from Control(…)"},
      {RD, "Control", "phase", LIKELY, "Service.assess", 20, 20, NULL, NULL},
      {CA, "Status", "PENDING", CERTAIN, "Service.assess", 20, 36, "Control", NULL},
      {FB, "Control", "qcol", CERTAIN, "queries", 25, 37, NULL, NULL},
      {RD, "Control", "first_attr", LIKELY, "queries", 26, 7, NULL, NULL},
      {CA, "Control", "id", CERTAIN, "queries", 27, 52, NULL, NULL},
      {RD, "Control", "scalar_attr", LIKELY, "queries", 28, 9, NULL, NULL},
      {RD, "Control", "comp_attr", LIKELY, "queries", 31, 16, NULL, NULL},
      {RD, "Control", "walrus_attr", LIKELY, "queries", 33, 11, NULL, NULL},
      {FB, "Control", "scol", CERTAIN, "queries", 38, 31, NULL, NULL},
  };
  for (size_t i = 0; i < sizeof rows / sizeof *rows; i++) {
    const ar_ref *r = ref_of(f, (ar_ref_kind)rows[i].kind, rows[i].recv, rows[i].attr);
    if ((int)r->conf != rows[i].conf)
      fail_msg("%s.%s: conf %d, want %d", rows[i].recv, rows[i].attr, (int)r->conf, rows[i].conf);
    assert_string_equal(r->func, rows[i].func);
    if (r->line != rows[i].line || r->col != rows[i].col)
      fail_msg("%s.%s: at %u:%u, want %u:%u", rows[i].recv, rows[i].attr, r->line, r->col,
               rows[i].line, rows[i].col);
    if (rows[i].ctx) assert_string_equal(ar_ref_ctx_recv(r), rows[i].ctx);
    if (rows[i].evidence && !*rows[i].evidence) assert_null(r->evidence);
    else if (rows[i].evidence) assert_string_equal(r->evidence, rows[i].evidence);
    else if (rows[i].kind == RD || rows[i].kind == WR) assert_non_null(r->evidence);
    assert_int_equal(r->flags & AR_REF_GUARDED, 0);
  }
  /* No reference where nothing says what the receiver is; a Row is not a model. */
  static const char *const none[] = {"row_attr", "not_a_model", "nothing", "lambda_attr",
                                      "session", NULL};
  for (size_t i = 0; none[i]; i++)
    if (refs_to_attr(f, none[i])) fail_msg("unexpected reference to .%s", none[i]);
  /* control.status is only written, never read. */
  assert_int_equal(count_refs(f, AR_REF_READ, "Control", "status"), 0);
  /* Names of classes used without attribute access make one USE each (pairs). */
  assert_int_equal(count_refs(f, AR_REF_USE, "Control", ""), 1);
  assert_int_equal(count_refs(f, AR_REF_USE, "Status", ""), 1);
}

static void test_refs_annotations(void **state)
{
  fixture *fx = *state;
  const ar_file *f = extract(fx,
                             "from typing import Annotated, Optional, Sequence, List, Union\n"
                             "from app.models import User, Control, Status\n"
                             "import app.models as models\n"
                             "CurrentUser = Annotated[User, Depends(get_user)]\n"
                             "def a(u: CurrentUser):\n"
                             "    u.alias_attr = 1\n"
                             "def b(c: Optional[Control], d: 'Control', e: Control | None, g: Union[Control, None]):\n"
                             "    c.opt_attr\n"
                             "    d.str_attr\n"
                             "    e.union_attr\n"
                             "    g.typing_union_attr\n"
                             "def c(items: List[Control]):\n"
                             "    for it in items:\n"
                             "        it.list_attr\n"
                             "    items.not_element\n"
                             "    items[0].index_attr\n"
                             "def d(db):\n"
                             "    seq: Sequence[Control] = []\n"
                             "    seq = db.fetch()\n"
                             "    for s in seq:\n"
                             "        s.seq_attr\n"
                             "    x: Control = db.thing()\n"
                             "    x.declared_attr\n"
                             "def e(m: models.Control):\n"
                             "    m.dotted_attr\n"
                             "    models.Control.by_module\n"
                             "def f(x: int, y: Status):\n"
                             "    x.int_attr\n");
  static const struct { const char *recv, *attr; int kind; int conf; } rows[] = {
      {"User", "alias_attr", AR_REF_WRITE, AR_CONF_CERTAIN},
      {"Control", "opt_attr", AR_REF_READ, AR_CONF_CERTAIN},
      {"Control", "str_attr", AR_REF_READ, AR_CONF_CERTAIN},
      {"Control", "union_attr", AR_REF_READ, AR_CONF_CERTAIN},
      {"Control", "typing_union_attr", AR_REF_READ, AR_CONF_CERTAIN},
      {"Control", "list_attr", AR_REF_READ, AR_CONF_LIKELY},
      {"Control", "index_attr", AR_REF_READ, AR_CONF_LIKELY},
      {"Control", "seq_attr", AR_REF_READ, AR_CONF_LIKELY},
      {"Control", "declared_attr", AR_REF_READ, AR_CONF_CERTAIN},
      {"models.Control", "dotted_attr", AR_REF_READ, AR_CONF_CERTAIN},
      {"models.Control", "by_module", AR_REF_CLASS_ATTR, AR_CONF_CERTAIN},
  };
  for (size_t i = 0; i < sizeof rows / sizeof *rows; i++) {
    const ar_ref *r = ref_of(f, (ar_ref_kind)rows[i].kind, rows[i].recv, rows[i].attr);
    if ((int)r->conf != rows[i].conf)
      fail_msg("%s.%s: conf %d, want %d", rows[i].recv, rows[i].attr, (int)r->conf, rows[i].conf);
  }
  assert_int_equal(refs_to_attr(f, "not_element"), 0); /* a list is not an instance */
  assert_int_equal(refs_to_attr(f, "int_attr"), 0);
  assert_string_equal(ref_of(f, AR_REF_WRITE, "User", "alias_attr")->evidence,
                      "parameter annotated CurrentUser");
}

static void test_refs_self_and_nesting(void **state)
{
  fixture *fx = *state;
  const ar_file *f = extract(fx,
                             "from app.models import Control\n"
                             "class Svc:\n"
                             "    def __init__(self, c: Control):\n"
                             "        self.c = c\n"
                             "    def use(self):\n"
                             "        self.c.self_attr\n"
                             "        def inner(c: Control):\n"
                             "            c.inner_attr\n"
                             "        return inner\n");
  const ar_ref *r = ref_of(f, AR_REF_READ, "Control", "self_attr");
  assert_string_equal(r->func, "Svc.use");
  assert_int_equal(r->conf, AR_CONF_CERTAIN);
  r = ref_of(f, AR_REF_READ, "Control", "inner_attr");
  assert_string_equal(r->func, "Svc.use.inner");
}

static void test_refs_guards(void **state)
{
  fixture *fx = *state;
  const ar_file *f = extract(fx,
                             "from typing import Optional\n"            /* 1 */
                             "from app.models import Control\n"         /* 2 */
                             "def guarded(c: Optional[Control]):\n"     /* 3 */
                             "    try:\n"                               /* 4 */
                             "        c.in_try\n"                       /* 5 */
                             "    except AttributeError:\n"             /* 6 */
                             "        pass\n"                           /* 7 */
                             "    try:\n"                               /* 8 */
                             "        c.in_tuple_try\n"                 /* 9 */
                             "    except (KeyError, AttributeError):\n" /* 10 */
                             "        pass\n"                           /* 11 */
                             "    try:\n"                               /* 12 */
                             "        c.in_broad_try\n"                 /* 13 */
                             "    except Exception:\n"                  /* 14 */
                             "        pass\n"                           /* 15 */
                             "    if hasattr(c, 'probe'):\n"            /* 16 */
                             "        c.probe\n"                        /* 17 */
                             "    c.probe = 1\n"                        /* 18 */
                             "    v = getattr(c, 'flag', None)\n"       /* 19 */
                             "    c.flag = True\n"                      /* 20 */
                             "    w = getattr(c, 'plain')\n"            /* 21 */
                             "    c.plain = 1\n"                        /* 22 */
                             "    c.after\n"                            /* 23 */
                             "def other(c: Control):\n"                 /* 24 */
                             "    c.probe\n");                          /* 25 */
  static const struct { int kind; const char *attr; uint32_t line; bool guarded; } rows[] = {
      {AR_REF_READ, "in_try", 5, true},
      {AR_REF_READ, "in_tuple_try", 9, true},
      {AR_REF_READ, "in_broad_try", 13, false},
      {AR_REF_READ, "probe", 17, true},
      {AR_REF_WRITE, "probe", 18, true},
      {AR_REF_WRITE, "flag", 20, true},
      {AR_REF_WRITE, "plain", 22, false}, /* getattr without a default probes nothing */
      {AR_REF_READ, "after", 23, false},
  };
  for (size_t i = 0; i < sizeof rows / sizeof *rows; i++) {
    const ar_ref *r = ref_of(f, (ar_ref_kind)rows[i].kind, "Control", rows[i].attr);
    assert_int_equal(r->line, rows[i].line);
    if (((r->flags & AR_REF_GUARDED) != 0) != rows[i].guarded)
      fail_msg("%s at line %u: guarded %d, want %d", rows[i].attr, r->line,
               (r->flags & AR_REF_GUARDED) != 0, rows[i].guarded);
  }
  /* A probe in one function guards nothing in another. */
  for (size_t i = 0; i < f->refs.len; i++) {
    const ar_ref *r = &f->refs.items[i];
    if (r->line == 25) assert_int_equal(r->flags & AR_REF_GUARDED, 0);
  }
  assert_int_equal(count_refs(f, AR_REF_READ, "Control", "probe"), 2);
}

static void test_refs_narrowing(void **state)
{
  fixture *fx = *state;
  const ar_file *f = extract(fx,
                             "from typing import Optional\n"
                             "from app.models import Control\n"
                             "def a(c: Optional[Control]):\n"
                             "    if c is None:\n"
                             "        return c.in_is_none\n"
                             "    c.after_is_none\n"
                             "def b(c: Control):\n"
                             "    if not c:\n"
                             "        c.in_not\n"
                             "    else:\n"
                             "        c.in_else\n"
                             "    c.after_not\n"
                             "def d(c: Control):\n"
                             "    if c == None:\n"
                             "        c.in_eq_none\n"
                             "    if c is not None:\n"
                             "        c.in_is_not_none\n"
                             "    if c:\n"
                             "        c.in_truthy\n");
  static const char *const absent[] = {"in_is_none", "in_not", "in_eq_none", NULL};
  expect_none(f, absent, "reference inside a None branch");
  static const char *const present[] = {"after_is_none", "in_else", "after_not", "in_is_not_none",
                                        "in_truthy", NULL};
  expect_one_each(f, AR_REF_READ, "Control", present);
}

/* Interpolations are walked in f-strings (any case, with r) and only there; a receiver
 * rebound in the middle of a statement is inferred again (the walker's cache). */
static void test_refs_fstrings_and_rebinding(void **state)
{
  fixture *fx = *state;
  const ar_file *f = extract(fx,
                             "from app.models import Control, User\n"
                             "def s(c: Control):\n"
                             "    a = f\"{c.in_f}\" + F'{c.in_upper_f}' + rf\"{c.in_rf}\" + fR'{c.in_fr}'\n"
                             "    b = \"{c.in_plain}\" + r'{c.in_raw}' + b\"{c.in_bytes}\"\n"
                             "    d = f\"{f'{c.in_nested}'}\"\n"
                             "    e = (\"x\" f\"{c.in_concat}\")\n"
                             "def w(c: Control, db):\n"
                             "    c.first_w = (c := db.get(User, 1)).id\n"
                             "    c.second_w = 1\n");
  static const char *const present[] = {"in_f", "in_upper_f", "in_rf", "in_fr", "in_nested",
                                        "in_concat", NULL};
  expect_one_each(f, AR_REF_READ, "Control", present);
  static const char *const absent[] = {"in_plain", "in_raw", "in_bytes", NULL};
  expect_none(f, absent, "reference in a string that is no f-string");
  /* The right side runs first: c is a User by the time .first_w is set. */
  assert_int_equal(count_refs(f, AR_REF_WRITE, "User", "first_w"), 1);
  assert_int_equal(count_refs(f, AR_REF_WRITE, "Control", "first_w"), 0);
  assert_int_equal(count_refs(f, AR_REF_WRITE, "User", "second_w"), 1);
}

/* Calls whose result has a type: a method's return annotation through self, and select,
 * aliased and cast under a module's name; a look-alike receiver gets none. */
static void test_refs_call_forms(void **state)
{
  fixture *fx = *state;
  const ar_file *f = extract(fx,
                             "import typing\n"
                             "import sqlalchemy as sa\n"
                             "from sqlalchemy import orm\n"
                             "from app.models import Control, User\n"
                             "class Repo(Base):\n"
                             "    def owner(self) -> User:\n"
                             "        ...\n"
                             "    def use(self, db, x, selfish):\n"
                             "        self.owner().via_self\n"
                             "        self .owner().via_spaced_self\n"
                             "        selfish.owner().not_typed\n"
                             "        db.scalars(sa.select(Control)).one().via_sa_select\n"
                             "        orm.aliased(User).via_aliased\n"
                             "        typing.cast(Control, x).via_cast\n");
  assert_int_equal(count_refs(f, AR_REF_READ, "User", "via_self"), 1);
  assert_int_equal(count_refs(f, AR_REF_READ, "User", "via_spaced_self"), 1);
  assert_int_equal(count_refs(f, AR_REF_READ, "Control", "via_sa_select"), 1);
  assert_int_equal(count_refs(f, AR_REF_CLASS_ATTR, "User", "via_aliased"), 1);
  assert_int_equal(count_refs(f, AR_REF_READ, "Control", "via_cast"), 1);
  if (refs_to_attr(f, "not_typed")) fail_msg("selfish.owner() is not self.owner()");
}

static void test_refs_match_and_context(void **state)
{
  fixture *fx = *state;
  const ar_file *f = extract(fx,
                             "from app.models import Control, Status\n"
                             "def f(c: Control):\n"
                             "    match c.state:\n"
                             "        case Status.ACTIVE:\n"
                             "            pass\n"
                             "        case Status.GONE | Status.LOST:\n"
                             "            pass\n"
                             "    c.state = Status.NEW\n"
                             "    Control.state == Status.CLS\n"
                             "    x = Status.FREE\n");
  static const char *const members[] = {"ACTIVE", "GONE", "LOST", "NEW", "CLS", "FREE", NULL};
  for (size_t i = 0; members[i]; i++) ref_of(f, AR_REF_CLASS_ATTR, "Status", members[i]);
  assert_string_equal(ar_ref_ctx_recv(ref_of(f, AR_REF_CLASS_ATTR, "Status", "NEW")), "Control");
  assert_string_equal(ar_ref_ctx_recv(ref_of(f, AR_REF_CLASS_ATTR, "Status", "CLS")), "Control");
  assert_null(ar_ref_ctx_recv(ref_of(f, AR_REF_CLASS_ATTR, "Status", "FREE")));
  assert_int_equal(ref_of(f, AR_REF_CLASS_ATTR, "Status", "ACTIVE")->line, 4);
}

static void test_refs_module_level(void **state)
{
  fixture *fx = *state;
  const ar_file *f = extract(fx,
                             "from app.models import Control\n"
                             "DEFAULT = Control.default_col\n"
                             "Control.query.filter_by(mod_col=1)\n");
  const ar_ref *r = ref_of(f, AR_REF_CLASS_ATTR, "Control", "default_col");
  assert_string_equal(r->func, "<module>");
  assert_int_equal(r->line, 2);
  assert_int_equal(r->col, 19);
  assert_string_equal(ref_of(f, AR_REF_FILTER_BY, "Control", "mod_col")->func, "<module>");
}

static void test_local_shadows_class(void **state)
{
  fixture *fx = *state;
  const ar_file *f = extract(fx,
                             "from app.models import Control\n"
                             "def f(Control):\n"
                             "    Control.shadowed\n"
                             "def g():\n"
                             "    Control.real\n");
  assert_int_equal(refs_to_attr(f, "shadowed"), 0);
  assert_int_equal(count_refs(f, AR_REF_CLASS_ATTR, "Control", "real"), 1);
}

/* ---- file-level facts ---------------------------------------------------------------------- */

static void test_suppressions(void **state)
{
  fixture *fx = *state;
  const ar_file *f = extract(fx,
                             "x = 1  # alignrisk: ignore\n"                /* 1 */
                             "y = 2\n"                                     /* 2 */
                             "z = 3  # alignrisk: ignore[AR101,AR204]\n"   /* 3 */
                             "s = 'alignrisk: ignore'\n"                   /* 4: not a comment */
                             "# alignrisk: ignore[AR201]\n"                /* 5 */
                             "w = 4  #alignrisk: ignore[AR102]\n"          /* 6 */
                             "v = 5\n");
  static const struct { uint32_t line; const char *codes; } want[] = {
      {1, NULL}, {3, "AR101,AR204"}, {5, "AR201"}, {6, "AR102"}};
  assert_int_equal(f->suppress.len, sizeof want / sizeof *want);
  for (size_t i = 0; i < f->suppress.len; i++) {
    assert_int_equal(f->suppress.items[i].line, want[i].line);
    if (want[i].codes) assert_string_equal(f->suppress.items[i].codes, want[i].codes);
    else assert_null(f->suppress.items[i].codes);
  }
}

static void test_statements(void **state)
{
  fixture *fx = *state;
  static const struct { const char *what, *src; uint32_t want; } rows[] = {
      {"empty", "", 0},
      {"one", "x = 1\n", 1},
      {"module docstring", "\"\"\"Doc.\"\"\"\nx = 1\n", 1},
      {"comments", "# c\nx = 1  # d\n# e\n", 1},
      {"function and docstring", "def f():\n    \"\"\"Doc.\"\"\"\n    return 1\n", 2},
      {"class and docstring", "class C:\n    '''Doc.'''\n    a = 1\n    b = 2\n", 3},
      {"if/else", "if a:\n    b = 1\nelse:\n    c = 2\n", 3},
      {"try/except/finally",
       "try:\n    a = 1\nexcept E:\n    b = 2\nfinally:\n    c = 3\n", 4},
      {"method", "class C:\n    def m(self):\n        x = 1\n        return x\n", 4},
      {"a bare string is no statement (no bytecode)", "x = 1\n\"text\"\n", 1},
      {"no trailing newline", "x = 1\ny = 2", 2},
  };
  for (size_t i = 0; i < sizeof rows / sizeof *rows; i++) {
    const ar_file *f = extract(fx, rows[i].src);
    if (f->statements != rows[i].want)
      fail_msg("%s: %u statements, want %u", rows[i].what, f->statements, rows[i].want);
  }
}

static void test_funcs(void **state)
{
  fixture *fx = *state;
  const ar_file *f = extract(fx,
                             "def top():\n"            /* 1 */
                             "    def inner():\n"      /* 2 */
                             "        pass\n"          /* 3 */
                             "    return inner\n"      /* 4 */
                             "class C:\n"              /* 5 */
                             "    @staticmethod\n"     /* 6 */
                             "    def s():\n"          /* 7 */
                             "        pass\n"          /* 8 */
                             "    async def a(self):\n" /* 9 */
                             "        pass\n"          /* 10 */
                             "async def coro():\n"     /* 11 */
                             "    pass\n");            /* 12 */
  static const struct { const char *q; uint32_t start, end; } want[] = {
      {"top", 1, 4}, {"top.inner", 2, 3}, {"C.s", 7, 8}, {"C.a", 9, 10}, {"coro", 11, 12}};
  assert_int_equal(f->funcs.len, sizeof want / sizeof *want);
  for (size_t i = 0; i < f->funcs.len; i++) {
    assert_string_equal(f->funcs.items[i].qualname, want[i].q);
    assert_int_equal(f->funcs.items[i].start, want[i].start);
    assert_int_equal(f->funcs.items[i].end, want[i].end);
  }
}

static void test_syntax_error_keeps_valid_parts(void **state)
{
  fixture *fx = *state;
  const ar_file *f = extract(fx,
                             "from app.models import Control\n"
                             "\n"
                             "def ok(c: Control):\n"
                             "    c.good_attr = 1\n"
                             "\n"
                             "def broken(:\n"
                             "    pass\n"
                             "\n"
                             "def after(c: Control):\n"
                             "    c.after_attr\n");
  assert_true(f->flags & AR_FILE_SYNTAX);
  assert_int_equal(fx->dg.warnings, 1);
  assert_non_null(strstr(diag_text(fx), "app/services/svc.py:6:"));
  assert_non_null(strstr(diag_text(fx), "syntax error"));
  assert_int_equal(count_refs(f, AR_REF_WRITE, "Control", "good_attr"), 1);
  assert_int_equal(count_refs(f, AR_REF_READ, "Control", "after_attr"), 1);

  const ar_file *g = extract(fx, "x = 1\n");
  assert_false(g->flags & AR_FILE_SYNTAX);
  assert_int_equal(fx->dg.warnings, 1);
}

/* "from app.models import M\nx = (((…1…)))\ndef f(m: M):\n    m.shallow\n"; owned by caller. */
static char *deep_source(size_t depth)
{
  char *src = malloc(2 * depth + 128);
  assert_non_null(src);
  char *p = src;
  p += sprintf(p, "from app.models import M\nx = ");
  for (size_t i = 0; i < depth; i++) *p++ = '(';
  *p++ = '1';
  for (size_t i = 0; i < depth; i++) *p++ = ')';
  sprintf(p, "\ndef f(m: M):\n    m.shallow\n");
  return src;
}

static void test_depth_limit(void **state)
{
  fixture *fx = *state;
  /* Nesting far past AR_MAX_AST_DEPTH: one warning, no crash, shallow parts kept. */
  char *src = deep_source(3000);
  const ar_file *f = extract(fx, src);
  free(src);
  assert_int_equal(fx->dg.warnings, 1);
  assert_non_null(strstr(diag_text(fx), "nesting deeper than"));
  assert_int_equal(count_refs(f, AR_REF_READ, "M", "shallow"), 1);

  /* The warning is once per file: a second deep file on the same extractor warns again. */
  src = deep_source(AR_MAX_AST_DEPTH + 10);
  f = extract(fx, src);
  free(src);
  assert_int_equal(fx->dg.warnings, 2);
  assert_int_equal(count_refs(f, AR_REF_READ, "M", "shallow"), 1);

  /* Moderate nesting is analysed without a warning. */
  src = deep_source(50);
  f = extract(fx, src);
  free(src);
  assert_int_equal(fx->dg.warnings, 2);

  /* A long flat chain (a + a + … 3000 terms) nests in the tree too. */
  size_t n = 3000;
  char *chain = malloc(n * 8 + 128);
  assert_non_null(chain);
  char *p = chain + sprintf(chain, "from app.models import M\ndef g(m: M):\n    y = ");
  for (size_t i = 0; i < n; i++) p += sprintf(p, "m.a + ");
  sprintf(p, "m.last\n    m.after\n");
  f = extract(fx, chain);
  free(chain);
  assert_int_equal(fx->dg.warnings, 3);
  assert_int_equal(count_refs(f, AR_REF_READ, "M", "after"), 1);
}

static void test_extractor_reuse_is_per_file(void **state)
{
  fixture *fx = *state;
  const ar_file *a = extract(fx, "from app.models import Control\nControl.in_a\n");
  const ar_file *b = extract(fx, "Control.in_b\ndef f(c: Control):\n    c.typed_b\n");
  assert_int_equal(count_refs(a, AR_REF_CLASS_ATTR, "Control", "in_a"), 1);
  /* b never imports Control: names known in a do not leak into b. */
  assert_int_equal(b->refs.len, 0);
  assert_int_equal(b->imports.len, 0);
  /* And the USE map restarts: a's Control USE does not suppress c's. */
  const ar_file *c = extract(fx, "from app.models import Control\nx = Control\n");
  assert_int_equal(count_refs(c, AR_REF_USE, "Control", ""), 1);
}

/* ---- regressions: bugs these tests found, now fixed ------------------------------------------ */

/* DESIGN.md ("What counts as a model"): `registry().generate_base()` results are declarative
 * bases. `Base = registry().generate_base()` records no ar_decl: the callee's object is a
 * call, ar__dotted() gives NULL, and the name check never runs. */
static void test_regression_registry_call_generate_base(void **state)
{
  fixture *fx = *state;
  const ar_file *f = extract(fx,
                             "from sqlalchemy.orm import registry\n"
                             "Base = registry().generate_base()\n");
  assert_int_equal(f->decls.len, 1);
  assert_string_equal(f->decls.items[0].name, "Base");
  assert_int_equal(f->decls.items[0].kind, AR_DECL_BASE);
}

/* self.x typed in one class's __init__ must stay in that class (extract_refs.c keeps the
 * "self." bindings after __init__ so the class's other methods see them, but nothing drops
 * them when the class ends): another class's self.c, or a module function's, is then
 * taken for a Control, which is a false AR101/AR102 waiting to happen. */
static void test_regression_self_binding_leaks_across_classes(void **state)
{
  fixture *fx = *state;
  const ar_file *f = extract(fx,
                             "from app.models import Control\n"
                             "class Svc:\n"
                             "    def __init__(self, c: Control):\n"
                             "        self.c = c\n"
                             "class Other:\n"
                             "    def use(self):\n"
                             "        self.c.other_class_attr\n"
                             "def helper(self):\n"
                             "    self.c.function_attr\n");
  assert_int_equal(refs_to_attr(f, "other_class_attr"), 0);
  assert_int_equal(refs_to_attr(f, "function_attr"), 0);
}

int main(void)
{
#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_extractor_new),
      T(test_classes),
      T(test_fields),
      T(test_init_flags),
      T(test_table_and_mapped),
      T(test_imports),
      T(test_relative_import_levels),
      T(test_decls_and_all),
      T(test_refs),
      T(test_refs_annotations),
      T(test_refs_self_and_nesting),
      T(test_refs_guards),
      T(test_refs_narrowing),
      T(test_refs_fstrings_and_rebinding),
      T(test_refs_call_forms),
      T(test_refs_match_and_context),
      T(test_refs_module_level),
      T(test_local_shadows_class),
      T(test_suppressions),
      T(test_statements),
      T(test_funcs),
      T(test_syntax_error_keeps_valid_parts),
      T(test_depth_limit),
      T(test_extractor_reuse_is_per_file),
      /* regressions */
      T(test_regression_registry_call_generate_base),
      T(test_regression_self_binding_leaks_across_classes),
  };
#undef T
  return cmocka_run_group_tests(tests, NULL, NULL);
}
