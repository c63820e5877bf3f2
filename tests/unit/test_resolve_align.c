/* SPDX-License-Identifier: MIT
 * test_resolve_align.c - unit tests for phase 2: a small codebase of snippets (models in a
 * package with re-exports, mixins, a Flask-SQLAlchemy db, an enum, a service) extracted by
 * hand into an ar_run, then resolved and aligned. Checks class kinds and openness, full
 * field sets (inherited, backref, framework names), name resolution through imports, and
 * the findings with their confidence, suggestion, pattern, fingerprint and source line.
 * Also the pure helpers: edit distance, suggestions and fingerprints.
 * The snippets are written to a temporary folder so the align stage can read source lines. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <ftw.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "alignrisk/align.h"
#include "alignrisk/extract.h"
#include "alignrisk/resolve.h"

/* ---- the codebase ---------------------------------------------------------------------------- */

typedef struct snippet {
  const char *path, *module;
  uint32_t flags;
  const char *src;
} snippet;

static const char DB[] =
    "from sqlalchemy.orm import declarative_base, DeclarativeBase\n"
    "from flask_sqlalchemy import SQLAlchemy\n"
    "Base = declarative_base()\n"
    "db = SQLAlchemy()\n"
    "class ModernBase(DeclarativeBase):\n"
    "    pass\n";

static const char MODELS_INIT[] =
    "from .control import Control, Status\n"
    "from .user import *\n";

static const char MIXINS[] =
    "from sqlalchemy import Column, Integer\n"
    "class TimestampMixin:\n"
    "    created_at = Column(Integer)\n"
    "class AuditMixin(TimestampMixin):\n"
    "    audited_by = Column(Integer)\n";

static const char CONTROL[] =
    "import enum\n"
    "from sqlalchemy import Column, Integer, String\n"
    "from sqlalchemy.orm import relationship\n"
    "from app.db import Base\n"
    "from .mixins import AuditMixin\n"
    "\n"
    "class Status(str, enum.Enum):\n"
    "    ACTIVE = 'active'\n"
    "    RETIRED = 'retired'\n"
    "\n"
    "class Control(AuditMixin, Base):\n"
    "    __tablename__ = 'controls'\n"
    "    id = Column(Integer, primary_key=True)\n"
    "    implementation_status = Column(String(20))\n"
    "    status_note = Column(String(40))\n"
    "    owner = relationship('User', backref='controls')\n"
    "    def __init__(self, **kwargs):\n"
    "        super().__init__(**kwargs)\n"
    "        self.transient = 1\n"
    "        self.scratch = 2\n"
    "\n"
    "class AbstractBase(Base):\n"
    "    __abstract__ = True\n"
    "    shared = Column(Integer)\n"
    "\n"
    "class Special(Control):\n"
    "    extra = Column(Integer)\n"
    "\n"
    "class Loop1(Loop2):\n"
    "    a = 1\n"
    "class Loop2(Loop1):\n"
    "    b = 1\n";

static const char USER[] =
    "from app.db import db\n"
    "from app.external import ExternalBase\n"
    "__all__ = ['User', 'Admin']\n"
    "class User(db.Model):\n"
    "    id = db.Column(db.Integer, primary_key=True)\n"
    "    name = db.Column(db.String(50))\n"
    "class Admin(User):\n"
    "    level = db.Column(db.Integer)\n"
    "class Hidden(db.Model):\n"
    "    x = db.Column(db.Integer)\n"
    "class Remote(ExternalBase):\n"
    "    y = 1\n";

static const char MODERN[] =
    "from sqlalchemy.orm import Mapped, mapped_column\n"
    "from app.db import ModernBase\n"
    "from thirdparty import Mixin as ExtMixin\n"
    "class Modern(ModernBase):\n"
    "    __tablename__ = 'modern'\n"
    "    id: Mapped[int] = mapped_column(primary_key=True)\n"
    "class Dyn(ModernBase):\n"
    "    __tablename__ = 'dyn'\n"
    "    def __getattr__(self, name):\n"
    "        return 1\n"
    "class OpenModel(ExtMixin, ModernBase):\n"
    "    __tablename__ = 'open'\n"
    "    a: Mapped[int]\n";

static const char MIGRATION[] =
    "from sqlalchemy.orm import declarative_base\n"
    "Base = declarative_base()\n"
    "class Legacy(Base):\n"
    "    __tablename__ = 'legacy'\n";

/* The service: every line that should give a finding says which in its comment. */
static const char SERVICE[] =
    "from app.models import Control, Status, User\n"                          /* 1 */
    "from app.models.modern import OpenModel, Dyn\n"                          /* 2 */
    "from app import models\n"                                                /* 3 */
    "\n"                                                                      /* 4 */
    "def run(session, control_id):\n"                                         /* 5 */
    "    control = session.get(Control, control_id)\n"                        /* 6 */
    "    control.status = Status.COMPLIANT  # AR101 + AR201\n"                /* 7 */
    "    control.created_at\n"                                                /* 8 */
    "    control.implementation_status = 'x'\n"                               /* 9 */
    "    user = session.get(User, 1)\n"                                       /* 10 */
    "    user.controls\n"                                                     /* 11 */
    "    user.nickname = 'x'  # AR101\n"                                      /* 12 */
    "    Control.query.filter_by(colour='red')  # AR105\n"                    /* 13 */
    "    Control(bogus=1)  # AR104\n"                                         /* 14 */
    "    Control(implementation_status='y')\n"                                /* 15 */
    "    Control.transient  # AR103\n"                                        /* 16 */
    "    control.transient  # AR102 (used on the class too)\n"                /* 17 */
    "    control.scratch\n"                                                   /* 18 */
    "    Status.ACTIVE\n"                                                     /* 19 */
    "    Control.__table__\n"                                                 /* 20 */
    "    o = session.get(OpenModel, 1)\n"                                     /* 21 */
    "    o.whatever  # possible only\n"                                       /* 22 */
    "    d = session.get(Dyn, 1)\n"                                           /* 23 */
    "    d.anything  # possible only\n"                                       /* 24 */
    "    models.Control.nothing_here  # AR103\n"                              /* 25 */
    "    control.missing_read  # alignrisk: ignore[AR102]\n"                  /* 26 */
    "    control.status_not = 1  # alignrisk: ignore[AR102]\n"                      /* 27 */
    "    control.ignored_all = 1  # alignrisk: ignore\n";                     /* 28 */

static const snippet CODEBASE[] = {
    {"app/__init__.py", "app", AR_FILE_INIT, ""},
    {"app/db.py", "app.db", 0, DB},
    {"app/models/__init__.py", "app.models", AR_FILE_INIT, MODELS_INIT},
    {"app/models/control.py", "app.models.control", 0, CONTROL},
    {"app/models/mixins.py", "app.models.mixins", 0, MIXINS},
    {"app/models/modern.py", "app.models.modern", 0, MODERN},
    {"app/models/user.py", "app.models.user", 0, USER},
    {"app/services/svc.py", "app.services.svc", 0, SERVICE},
    {"migrations/versions/001_legacy.py", "migrations.versions.001_legacy", AR_FILE_MIGRATION,
     MIGRATION},
    {NULL, NULL, 0, NULL}};

/* ---- fixture ----------------------------------------------------------------------------------- */

typedef struct fixture {
  char root[64];
  ar_config cfg;
  ar_run run;
  ar_diag dg;
  bool have_run;
} fixture;

static int rm_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
  (void)st;
  (void)flag;
  (void)ftw;
  return remove(path);
}

static int setup(void **state)
{
  fixture *fx = calloc(1, sizeof *fx);
  if (!fx) return -1;
  strcpy(fx->root, "/tmp/ar_test_align_XXXXXX");
  if (!mkdtemp(fx->root)) return -1;
  ar_config_init(&fx->cfg);
  ar_diag_init(&fx->dg, NULL);
  *state = fx;
  return 0;
}

static int teardown(void **state)
{
  fixture *fx = *state;
  if (fx->have_run) ar_run_dispose(&fx->run);
  ar_config_dispose(&fx->cfg);
  ar_diag_dispose(&fx->dg);
  nftw(fx->root, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
  free(fx);
  return 0;
}

static void write_file(const char *path, const char *text)
{
  char dir[PATH_MAX];
  snprintf(dir, sizeof dir, "%s", path);
  for (char *p = dir + 1; *p; p++) {
    if (*p != '/') continue;
    *p = '\0';
    mkdir(dir, 0755);
    *p = '/';
  }
  FILE *fp = fopen(path, "w");
  assert_non_null(fp);
  fputs(text, fp);
  assert_int_equal(fclose(fp), 0);
}

/* Build fx->run from `files` (path order), extract each, then resolve and (if `align`)
 * align. Everything lives in run.arena. */
static void build(fixture *fx, const snippet *files, bool align)
{
  ar_run *run = &fx->run;
  ar_run_init(run, &fx->cfg);
  fx->have_run = true;
  run->root = fx->root;
  ar_extractor *ex = NULL;
  assert_int_equal(ar_extractor_new(&ex, &fx->dg), AR_OK);
  TSParser *parser = ts_parser_new();
  assert_true(ts_parser_set_language(parser, ar_python_language()));
  for (size_t i = 0; files[i].path; i++) {
    ar_file *f = ar_arena_alloc(&run->arena, sizeof *f);
    f->path = files[i].path;
    f->module = files[i].module;
    f->flags = files[i].flags;
    f->abspath = ar_arena_printf(&run->arena, "%s/%s", fx->root, files[i].path);
    write_file(f->abspath, files[i].src);
    size_t len = strlen(files[i].src);
    TSTree *tree = ts_parser_parse_string(parser, NULL, files[i].src, (uint32_t)len);
    ar_extract_file(ex, f, tree, files[i].src, len, &run->arena, &fx->dg);
    ts_tree_delete(tree);
    AR_VEC_PUSH(&run->files, f);
  }
  ts_parser_delete(parser);
  ar_extractor_free(ex);
  ar_resolve_run(run, &fx->dg);
  if (align) ar_align_run(run, &fx->dg);
}

static ar_file *file_of(ar_run *run, const char *path)
{
  for (size_t i = 0; i < run->files.len; i++)
    if (strcmp(run->files.items[i]->path, path) == 0) return run->files.items[i];
  fail_msg("no file %s", path);
  return NULL;
}

static ar_class *class_of(ar_run *run, const char *path, const char *name)
{
  ar_file *f = file_of(run, path);
  for (size_t i = 0; i < f->classes.len; i++)
    if (strcmp(f->classes.items[i]->name, name) == 0) return f->classes.items[i];
  fail_msg("no class %s in %s", name, path);
  return NULL;
}

static const ar_finding *finding_at(const ar_run *run, ar_rule_id rule, const char *attr)
{
  for (size_t i = 0; i < run->findings.len; i++)
    if (run->findings.items[i].rule == rule && strcmp(run->findings.items[i].attr, attr) == 0)
      return &run->findings.items[i];
  return NULL;
}

static size_t findings_for(const ar_run *run, const char *attr)
{
  size_t n = 0;
  for (size_t i = 0; i < run->findings.len; i++) n += strcmp(run->findings.items[i].attr, attr) == 0;
  return n;
}

/* Equal strings, either may be NULL (both NULL is equal). */
static void check_str(const char *what, const char *got, const char *want)
{
  if (!got && !want) return;
  if (!got || !want || strcmp(got, want) != 0)
    fail_msg("%s: '%s', want '%s'", what, got ? got : "NULL", want ? want : "NULL");
}

/* ---- resolve ------------------------------------------------------------------------------------ */

static void test_kinds(void **state)
{
  fixture *fx = *state;
  build(fx, CODEBASE, false);
  static const struct { const char *path, *name; int kind; bool open; } rows[] = {
      {"app/db.py", "ModernBase", AR_KIND_DECL_BASE, false},
      {"app/models/mixins.py", "TimestampMixin", AR_KIND_PLAIN, false},
      {"app/models/mixins.py", "AuditMixin", AR_KIND_PLAIN, false},
      {"app/models/control.py", "Status", AR_KIND_ENUM, false},
      {"app/models/control.py", "Control", AR_KIND_MODEL, false},
      {"app/models/control.py", "AbstractBase", AR_KIND_MODEL, false},
      {"app/models/control.py", "Special", AR_KIND_MODEL, false},
      {"app/models/control.py", "Loop1", AR_KIND_PLAIN, false},
      {"app/models/control.py", "Loop2", AR_KIND_PLAIN, false},
      {"app/models/user.py", "User", AR_KIND_MODEL, false},
      {"app/models/user.py", "Admin", AR_KIND_MODEL, false},
      {"app/models/user.py", "Hidden", AR_KIND_MODEL, false},
      {"app/models/user.py", "Remote", AR_KIND_PLAIN, true},
      {"app/models/modern.py", "Modern", AR_KIND_MODEL, false},
      {"app/models/modern.py", "Dyn", AR_KIND_MODEL, true},
      {"app/models/modern.py", "OpenModel", AR_KIND_MODEL, true},
      {"migrations/versions/001_legacy.py", "Legacy", AR_KIND_MODEL, false},
  };
  for (size_t i = 0; i < sizeof rows / sizeof *rows; i++) {
    const ar_class *c = class_of(&fx->run, rows[i].path, rows[i].name);
    if (c->kind != rows[i].kind)
      fail_msg("%s: kind %d, want %d", rows[i].name, c->kind, rows[i].kind);
    if (c->open != rows[i].open) fail_msg("%s: open %d, want %d", rows[i].name, c->open, rows[i].open);
    assert_false(c->resolving);
  }
  /* Models outside migrations, and enums. */
  assert_int_equal(fx->run.nmodels, 9);
  assert_int_equal(fx->run.nenums, 1);
  /* Bases resolved in the scan; NULL for those outside it. */
  const ar_class *ctl = class_of(&fx->run, "app/models/control.py", "Control");
  assert_ptr_equal(ctl->rbases[0], class_of(&fx->run, "app/models/mixins.py", "AuditMixin"));
  assert_null(ctl->rbases[1]); /* Base is a declarative_base() result, not a class */
  const ar_class *open = class_of(&fx->run, "app/models/modern.py", "OpenModel");
  assert_null(open->rbases[0]);
  assert_ptr_equal(open->rbases[1], class_of(&fx->run, "app/db.py", "ModernBase"));
}

static void test_fields_resolved(void **state)
{
  fixture *fx = *state;
  build(fx, CODEBASE, false);
  ar_run *run = &fx->run;
  enum { NONE = -1, FRAMEWORK = -2 };
  static const struct {
    const char *path, *cls, *name;
    bool on_class;
    int kind; /* NONE: no such field; FRAMEWORK: exists, not a field of ours */
    const char *owner; /* class that declares it, NULL: not checked */
  } rows[] = {
      {"app/models/control.py", "Control", "implementation_status", true, AR_FIELD_COLUMN, "Control"},
      {"app/models/control.py", "Control", "created_at", true, AR_FIELD_COLUMN, "TimestampMixin"},
      {"app/models/control.py", "Control", "audited_by", false, AR_FIELD_COLUMN, "AuditMixin"},
      {"app/models/control.py", "Control", "owner", true, AR_FIELD_RELATIONSHIP, "Control"},
      {"app/models/control.py", "Control", "transient", false, AR_FIELD_INIT_ONLY, "Control"},
      {"app/models/control.py", "Control", "transient", true, NONE, NULL},
      {"app/models/control.py", "Control", "__init__", true, FRAMEWORK, NULL},
      {"app/models/control.py", "Control", "query", true, FRAMEWORK, NULL},
      {"app/models/control.py", "Control", "metadata", true, FRAMEWORK, NULL},
      {"app/models/control.py", "Control", "__table__", true, FRAMEWORK, NULL},
      {"app/models/control.py", "Control", "_sa_instance_state", false, FRAMEWORK, NULL},
      {"app/models/control.py", "Control", "status", false, NONE, NULL},
      {"app/models/control.py", "Control", "controls", false, NONE, NULL},
      {"app/models/control.py", "Special", "extra", true, AR_FIELD_COLUMN, "Special"},
      {"app/models/control.py", "Special", "implementation_status", true, AR_FIELD_COLUMN, "Control"},
      {"app/models/control.py", "Special", "created_at", true, AR_FIELD_COLUMN, "TimestampMixin"},
      {"app/models/control.py", "Special", "transient", false, AR_FIELD_INIT_ONLY, "Control"},
      {"app/models/control.py", "Status", "ACTIVE", true, AR_FIELD_MEMBER, "Status"},
      {"app/models/control.py", "Status", "COMPLIANT", true, NONE, NULL},
      {"app/models/control.py", "Status", "query", true, NONE, NULL}, /* only models have it */
      {"app/models/user.py", "User", "controls", false, AR_FIELD_BACKREF, NULL},
      {"app/models/user.py", "User", "name", false, AR_FIELD_COLUMN, "User"},
      {"app/models/user.py", "Admin", "controls", false, AR_FIELD_BACKREF, NULL},
      {"app/models/user.py", "Admin", "name", false, AR_FIELD_COLUMN, "User"},
      {"app/models/user.py", "Hidden", "controls", false, NONE, NULL},
      {"app/models/modern.py", "Modern", "id", true, AR_FIELD_COLUMN, "Modern"},
      {"app/models/mixins.py", "AuditMixin", "created_at", true, AR_FIELD_COLUMN, "TimestampMixin"},
  };
  for (size_t i = 0; i < sizeof rows / sizeof *rows; i++) {
    const ar_class *c = class_of(run, rows[i].path, rows[i].cls);
    const ar_field *f = ar_class_field(c, rows[i].name, rows[i].on_class);
    if (rows[i].kind == NONE) {
      if (f) fail_msg("%s.%s: found, want none", rows[i].cls, rows[i].name);
      continue;
    }
    if (!f) fail_msg("%s.%s (on_class %d): not found", rows[i].cls, rows[i].name, rows[i].on_class);
    if (rows[i].kind == FRAMEWORK) continue;
    if ((int)f->kind != rows[i].kind)
      fail_msg("%s.%s: kind %d, want %d", rows[i].cls, rows[i].name, (int)f->kind, rows[i].kind);
    assert_string_equal(f->name, rows[i].name);
    if (rows[i].owner) {
      const ar_class *o = NULL;
      for (size_t fi = 0; fi < run->files.len && !o; fi++)
        for (size_t k = 0; k < run->files.items[fi]->classes.len && !o; k++) {
          const ar_class *cand = run->files.items[fi]->classes.items[k];
          if (f >= cand->fields && f < cand->fields + cand->nfields) o = cand;
        }
      assert_non_null(o);
      assert_string_equal(o->name, rows[i].owner);
    }
  }
  /* The backref field says where it comes from. */
  const ar_field *br = ar_class_field(class_of(run, "app/models/user.py", "User"), "controls", false);
  assert_string_equal(br->target, "Control");
}

static void test_resolve_names(void **state)
{
  fixture *fx = *state;
  build(fx, CODEBASE, false);
  ar_run *run = &fx->run;
  ar_file *svc = file_of(run, "app/services/svc.py");
  ar_file *init = file_of(run, "app/models/__init__.py");
  ar_file *ctl = file_of(run, "app/models/control.py");
  ar_class *control = class_of(run, "app/models/control.py", "Control");
  ar_class *user = class_of(run, "app/models/user.py", "User");
  static const struct { int file; const char *name; int want; } rows[] = {
      /* file: 0 svc, 1 models/__init__, 2 control.py. want: 0 NULL, 1 Control, 2 User,
       * 3 Status, 4 OpenModel, 5 Legacy */
      {0, "Control", 1},        {0, "models.Control", 1}, {0, "User", 2},
      {0, "Status", 3},         {0, "OpenModel", 4},      {0, "Nope", 0},
      {0, "models.Nope", 0},    {0, "session", 0},        {0, "Legacy", 0},
      {1, "Control", 1},        {1, "User", 2},           {1, "Hidden", 0}, /* not in __all__ */
      {2, "Control", 1},        {2, "Status", 3},         {2, "User", 0},   /* not imported */
  };
  ar_file *files[] = {svc, init, ctl};
  ar_class *wants[] = {NULL, control, user, class_of(run, "app/models/control.py", "Status"),
                       class_of(run, "app/models/modern.py", "OpenModel")};
  for (size_t i = 0; i < sizeof rows / sizeof *rows; i++) {
    ar_class *got = ar_resolve_class(run, files[rows[i].file], rows[i].name);
    if (got != wants[rows[i].want])
      fail_msg("%s in file %d: got %s", rows[i].name, rows[i].file, got ? got->name : "NULL");
    /* Cached: the same answer again. */
    assert_ptr_equal(ar_resolve_class(run, files[rows[i].file], rows[i].name), got);
  }
  /* By name alone (relationship("User")): models only, migrations never. */
  assert_ptr_equal(ar_resolve_model_by_name(run, "User", NULL), user);
  assert_ptr_equal(ar_resolve_model_by_name(run, "Control", svc), control);
  assert_null(ar_resolve_model_by_name(run, "Status", NULL)); /* an enum is no model */
  assert_null(ar_resolve_model_by_name(run, "Legacy", NULL));
  assert_null(ar_resolve_model_by_name(run, "Nope", NULL));
  /* Modules known by their dotted names. */
  assert_ptr_equal(ar_map_get(&run->modules, "app.models"), init);
  assert_ptr_equal(ar_map_get(&run->modules, "app.services.svc"), svc);
  assert_null(ar_map_get(&run->modules, "migrations.versions.001_legacy"));
  /* Every reference got its target. */
  size_t with_target = 0;
  for (size_t i = 0; i < svc->refs.len; i++) with_target += svc->refs.items[i].target != NULL;
  assert_true(with_target > 10);
}

static void test_ambiguous_model_names(void **state)
{
  fixture *fx = *state;
  static const snippet files[] = {
      {"a/db.py", "a.db", 0, "from sqlalchemy.orm import declarative_base\nBase = declarative_base()\n"},
      {"a/one/models.py", "a.one.models", 0, "from a.db import Base\nclass Item(Base):\n    x = 1\n"},
      {"a/one/svc.py", "a.one.svc", 0, "x = 1\n"},
      {"a/two/models.py", "a.two.models", 0, "from a.db import Base\nclass Item(Base):\n    y = 1\n"},
      {"b/svc.py", "b.svc", 0, "x = 1\n"},
      {NULL, NULL, 0, NULL}};
  build(fx, files, false);
  ar_run *run = &fx->run;
  ar_class *one = class_of(run, "a/one/models.py", "Item");
  ar_class *two = class_of(run, "a/two/models.py", "Item");
  assert_null(ar_resolve_model_by_name(run, "Item", NULL)); /* ambiguous, no tie-break */
  assert_ptr_equal(ar_resolve_model_by_name(run, "Item", file_of(run, "a/one/svc.py")), one);
  assert_ptr_equal(ar_resolve_model_by_name(run, "Item", file_of(run, "a/two/models.py")), two);
  assert_null(ar_resolve_model_by_name(run, "Item", file_of(run, "b/svc.py"))); /* a tie */
}

/* ---- align ------------------------------------------------------------------------------------ */

static void test_findings(void **state)
{
  fixture *fx = *state;
  build(fx, CODEBASE, true);
  ar_run *run = &fx->run;
  const ar_class *control = class_of(run, "app/models/control.py", "Control");
  const ar_class *status = class_of(run, "app/models/control.py", "Status");
  const ar_class *user = class_of(run, "app/models/user.py", "User");
  static const struct {
    ar_rule_id rule;
    int cls; /* 0 Control, 1 Status, 2 User */
    const char *attr;
    ar_confidence conf;
    uint32_t line, col;
    const char *suggestion, *pattern, *source;
  } rows[] = {
      {AR_R101, 0, "status", AR_CONF_LIKELY, 7, 13, "implementation_status", "missing-field:status",
       "control.status = Status.COMPLIANT  # AR101 + AR201"},
      {AR_R201, 1, "COMPLIANT", AR_CONF_CERTAIN, 7, 29, NULL, "missing-enum-member:COMPLIANT", NULL},
      {AR_R101, 2, "nickname", AR_CONF_LIKELY, 12, 10, NULL, "missing-field:nickname", NULL},
      {AR_R105, 0, "colour", AR_CONF_CERTAIN, 13, 29, NULL, "missing-field:colour", NULL},
      {AR_R104, 0, "bogus", AR_CONF_CERTAIN, 14, 13, NULL, "missing-field:bogus", "Control(bogus=1)  # AR104"},
      {AR_R103, 0, "transient", AR_CONF_CERTAIN, 16, 13, NULL, "missing-field:transient", NULL},
      {AR_R102, 0, "transient", AR_CONF_LIKELY, 17, 13, NULL, "missing-field:transient", NULL},
      /* set only in __init__, read on a row session.get() loaded: __init__ never ran for it */
      {AR_R102, 0, "scratch", AR_CONF_LIKELY, 18, 13, NULL, "missing-field:scratch", NULL},
      {AR_R103, 0, "nothing_here", AR_CONF_CERTAIN, 25, 20, NULL, "missing-field:nothing_here", NULL},
      {AR_R101, 0, "status_not", AR_CONF_LIKELY, 27, 13, "status_note", "missing-field:status_not", NULL},
  };
  const ar_class *classes[] = {control, status, user};
  for (size_t i = 0; i < sizeof rows / sizeof *rows; i++) {
    const ar_finding *fd = finding_at(run, rows[i].rule, rows[i].attr);
    if (!fd) fail_msg("no %s on %s", ar_rules[rows[i].rule].code, rows[i].attr);
    assert_ptr_equal(fd->cls, classes[rows[i].cls]);
    assert_int_equal(fd->severity, ar_rules[rows[i].rule].severity);
    if (fd->conf != rows[i].conf)
      fail_msg("%s %s: conf %d, want %d", ar_rules[rows[i].rule].code, rows[i].attr, fd->conf, rows[i].conf);
    if (fd->line != rows[i].line || fd->col != rows[i].col)
      fail_msg("%s %s: at %u:%u, want %u:%u", ar_rules[rows[i].rule].code, rows[i].attr, fd->line,
               fd->col, rows[i].line, rows[i].col);
    check_str(rows[i].attr, fd->suggestion, rows[i].suggestion);
    check_str(rows[i].attr, fd->pattern, rows[i].pattern);
    if (rows[i].source) check_str(rows[i].attr, fd->source, rows[i].source);
    assert_non_null(fd->source);
    assert_string_equal(fd->func, "run");
    assert_string_equal(fd->file->path, "app/services/svc.py");
    assert_non_null(fd->fingerprint);
    assert_int_equal(strlen(fd->fingerprint), 16);
    assert_int_equal(strspn(fd->fingerprint, "0123456789abcdef"), 16);
    assert_int_equal(fd->line_hits, -1);
    assert_int_equal(fd->recurrence, 1);
  }
  /* The enum member used with control's field belongs to Control's pair. */
  assert_ptr_equal(finding_at(run, AR_R201, "COMPLIANT")->model, control);
  assert_ptr_equal(finding_at(run, AR_R101, "status")->model, control);
  if (run->findings.len != sizeof rows / sizeof *rows) {
    for (size_t i = 0; i < run->findings.len; i++) {
      const ar_finding *fd = &run->findings.items[i];
      print_message("finding: %s %s.%s at %u:%u\n", ar_rules[fd->rule].code, fd->cls->name, fd->attr, fd->line, fd->col);
    }
    fail_msg("%zu findings, want %zu", run->findings.len, sizeof rows / sizeof *rows);
  }

  /* No finding for inherited, backref, framework, or open-class (possible) names, nor for
   * suppressed lines. */
  static const char *const clean[] = {"created_at", "implementation_status", "controls", "query",
                                      "__table__", "ACTIVE", "whatever", "anything",
                                      "missing_read", "ignored_all", NULL};
  for (size_t i = 0; clean[i]; i++)
    if (findings_for(run, clean[i])) fail_msg("unexpected finding on %s", clean[i]);

  /* Sorted by file, line, column, rule. */
  for (size_t i = 1; i < run->findings.len; i++) {
    const ar_finding *a = &run->findings.items[i - 1], *b = &run->findings.items[i];
    int c = strcmp(a->file->path, b->file->path);
    assert_true(c < 0 || (c == 0 && (a->line < b->line || (a->line == b->line && (a->col < b->col ||
                                     (a->col == b->col && a->rule < b->rule))))));
  }
  assert_true(run->nrefs > 0);
}

static void test_min_confidence_and_select(void **state)
{
  fixture *fx = *state;
  fx->cfg.min_confidence = AR_CONF_POSSIBLE;
  fx->cfg.select[AR_R201] = false;
  fx->cfg.select[AR_R104] = false;
  build(fx, CODEBASE, true);
  ar_run *run = &fx->run;
  /* Open classes: findings, but never more than possible. */
  const ar_finding *o = finding_at(run, AR_R102, "whatever");
  assert_non_null(o);
  assert_int_equal(o->conf, AR_CONF_POSSIBLE);
  assert_string_equal(o->cls->name, "OpenModel");
  const ar_finding *d = finding_at(run, AR_R102, "anything");
  assert_non_null(d);
  assert_int_equal(d->conf, AR_CONF_POSSIBLE);
  /* Deselected rules are gone; the rest stay. */
  assert_null(finding_at(run, AR_R201, "COMPLIANT"));
  assert_null(finding_at(run, AR_R104, "bogus"));
  assert_non_null(finding_at(run, AR_R101, "status"));
}

static void test_min_confidence_certain(void **state)
{
  fixture *fx = *state;
  fx->cfg.min_confidence = AR_CONF_CERTAIN;
  build(fx, CODEBASE, true);
  for (size_t i = 0; i < fx->run.findings.len; i++)
    assert_int_equal(fx->run.findings.items[i].conf, AR_CONF_CERTAIN);
  assert_null(finding_at(&fx->run, AR_R101, "status")); /* likely */
  assert_non_null(finding_at(&fx->run, AR_R105, "colour"));
}

static void test_constructor_rules(void **state)
{
  fixture *fx = *state;
  static const snippet files[] = {
      {"m.py", "m", 0,
       "from sqlalchemy.orm import declarative_base\n"
       "from sqlalchemy import Column, Integer\n"
       "Base = declarative_base()\n"
       "class Default(Base):\n"
       "    a = Column(Integer)\n"
       "class Explicit(Base):\n"
       "    a = Column(Integer)\n"
       "    def __init__(self, b, c=1):\n"
       "        self.a = b\n"
       "class Anything(Base):\n"
       "    def __init__(self, **kw):\n"
       "        self.kw = kw\n"
       "class Forward(Base):\n"
       "    a = Column(Integer)\n"
       "    def __init__(self, x, **kw):\n"
       "        super().__init__(**kw)\n"
       "class Child(Explicit):\n"
       "    d = Column(Integer)\n"},
      {"s.py", "s", 0,
       "from m import Default, Explicit, Anything, Forward, Child\n"
       "Default(a=1)\n"
       "Default(b=1)\n"
       "Explicit(b=1, c=2)\n"
       "Explicit(a=1)\n"
       "Anything(whatever=1)\n"
       "Forward(x=1, a=2)\n"
       "Forward(zz=3)\n"
       "Child(b=1)\n"
       "Child(d=1)\n"},
      {NULL, NULL, 0, NULL}};
  build(fx, files, true);
  static const struct { uint32_t line; const char *attr; bool finding; } rows[] = {
      {2, "a", false},  {3, "b", true},  {4, "b", false}, {4, "c", false}, {5, "a", true},
      {6, "whatever", false}, {7, "x", false}, {7, "a", false}, {8, "zz", true},
      {9, "b", false},  {10, "d", true}, /* Child runs Explicit's __init__ */
  };
  for (size_t i = 0; i < sizeof rows / sizeof *rows; i++) {
    bool found = false;
    for (size_t k = 0; k < fx->run.findings.len; k++) {
      const ar_finding *fd = &fx->run.findings.items[k];
      if (fd->line == rows[i].line && strcmp(fd->attr, rows[i].attr) == 0) {
        assert_int_equal(fd->rule, AR_R104);
        found = true;
      }
    }
    if (found != rows[i].finding)
      fail_msg("line %u %s: finding %d, want %d", rows[i].line, rows[i].attr, found, rows[i].finding);
  }
}

static void test_fingerprint_ignores_lines(void **state)
{
  fixture *fx = *state;
  /* The same service twice, the second moved down by blank lines and a comment. */
  static const char MODEL[] =
      "from sqlalchemy.orm import declarative_base\n"
      "Base = declarative_base()\n"
      "class M(Base):\n"
      "    a = 1\n";
  static const snippet v1[] = {
      {"m.py", "m", 0, MODEL},
      {"s.py", "s", 0, "from m import M\ndef f(x: M):\n    x.nope = 1\n    x.gone\n"},
      {NULL, NULL, 0, NULL}};
  static const snippet v2[] = {
      {"m.py", "m", 0, MODEL},
      {"s.py", "s", 0, "from m import M\n\n\n# moved\n\ndef f(x: M):\n\n    x.nope = 1\n\n    x.gone\n"},
      {NULL, NULL, 0, NULL}};
  build(fx, v1, true);
  assert_int_equal(fx->run.findings.len, 2);
  char fp1[2][17];
  uint32_t line1[2];
  for (size_t i = 0; i < 2; i++) {
    snprintf(fp1[i], sizeof fp1[i], "%s", fx->run.findings.items[i].fingerprint);
    line1[i] = fx->run.findings.items[i].line;
  }
  assert_string_not_equal(fp1[0], fp1[1]);
  ar_run_dispose(&fx->run);
  fx->have_run = false;
  build(fx, v2, true);
  assert_int_equal(fx->run.findings.len, 2);
  for (size_t i = 0; i < 2; i++) {
    assert_int_not_equal(fx->run.findings.items[i].line, line1[i]);
    assert_string_equal(fx->run.findings.items[i].fingerprint, fp1[i]);
  }
  /* And it is the documented hash of rule, class, attribute, file and function. */
  ar_arena a;
  ar_arena_init(&a);
  assert_string_equal(ar_align_fingerprint(&a, "AR101", "M", "nope", "s.py", "f"),
                      fx->run.findings.items[0].fingerprint);
  ar_arena_dispose(&a);
}

/* ---- pure helpers ---------------------------------------------------------------------------- */

static void test_distance(void **state)
{
  static const struct { const char *a, *b; size_t cap, want; } rows[] = {
      {"", "", 10, 0},          {"abc", "abc", 10, 0},     {"", "abc", 10, 3},
      {"abc", "", 10, 3},       {"kitten", "sitting", 10, 3}, {"flaw", "lawn", 10, 2},
      {"status", "statuss", 10, 1}, {"colour", "color", 10, 1}, {"ab", "ba", 10, 2},
      {"abcdef", "uvwxyz", 3, 3}, /* capped */
      {"a", "abcdefgh", 3, 3},    /* length difference alone reaches the cap */
      {"kitten", "sitting", 3, 3}, {"kitten", "sitting", 4, 3}, {"abc", "abd", 1, 1},
      {"abc", "abc", 1, 0},
  };
  (void)state;
  for (size_t i = 0; i < sizeof rows / sizeof *rows; i++) {
    size_t d = ar_align_distance(rows[i].a, rows[i].b, rows[i].cap);
    if (d != rows[i].want)
      fail_msg("distance(%s, %s, cap %zu) = %zu, want %zu", rows[i].a, rows[i].b, rows[i].cap, d,
               rows[i].want);
    assert_int_equal(ar_align_distance(rows[i].b, rows[i].a, rows[i].cap), d); /* symmetric */
  }
}

static void test_suggest(void **state)
{
  static const char *const fields[] = {"id", "implementation_status", "status_note", "name"};
  static const char *const rev[] = {"status_note", "implementation_status"};
  static const char *const ties[] = {"bat", "hat"};
  static const char *const ids[] = {"identity", "user_id"};
  static const char *const same[] = {"status"};
  static const char *const stats[] = {"stats", "status"};
  static const struct {
    const char *want;
    const char *const *names;
    size_t n;
    const char *expect;
  } rows[] = {
      {"status", fields, 4, "implementation_status"}, /* a whole part, first in order */
      {"status", rev, 2, "status_note"},
      {"nam", fields, 4, "name"},                    /* distance 1 */
      {"nmae", fields, 4, NULL},                     /* distance 2 > a third of 4 */
      {"xyz", fields, 4, NULL},
      {"cat", ties, 2, "bat"},                       /* tie: order */
      {"id", ids, 2, "user_id"},                     /* a part beats a prefix */
      {"status", same, 1, NULL},                     /* the name itself is no suggestion */
      {"statu", stats, 2, "stats"},
      {"anything", NULL, 0, NULL},
  };
  (void)state;
  for (size_t i = 0; i < sizeof rows / sizeof *rows; i++) {
    const char *got = ar_align_suggest(rows[i].want, rows[i].names, rows[i].n);
    if (rows[i].expect && (!got || strcmp(got, rows[i].expect) != 0))
      fail_msg("suggest(%s) = %s, want %s", rows[i].want, got ? got : "NULL", rows[i].expect);
    if (!rows[i].expect && got) fail_msg("suggest(%s) = %s, want NULL", rows[i].want, got);
  }
}

static void test_fingerprint(void **state)
{
  (void)state;
  ar_arena a;
  ar_arena_init(&a);
  const char *base = ar_align_fingerprint(&a, "AR101", "Control", "status", "app/s.py", "f");
  assert_int_equal(strlen(base), 16);
  assert_int_equal(strspn(base, "0123456789abcdef"), 16);
  assert_string_equal(ar_align_fingerprint(&a, "AR101", "Control", "status", "app/s.py", "f"), base);
  /* Each part counts, and parts do not run into each other. */
  static const char *const variants[][5] = {
      {"AR102", "Control", "status", "app/s.py", "f"},
      {"AR101", "Contro", "status", "app/s.py", "f"},
      {"AR101", "Control", "Status", "app/s.py", "f"},
      {"AR101", "Control", "status", "app/t.py", "f"},
      {"AR101", "Control", "status", "app/s.py", "g"},
      {"AR101", "Control", "status", "app/s.py", "<module>"},
      {"AR101", "Contro", "lstatus", "app/s.py", "f"},
  };
  for (size_t i = 0; i < sizeof variants / sizeof *variants; i++) {
    const char *v = ar_align_fingerprint(&a, variants[i][0], variants[i][1], variants[i][2],
                                         variants[i][3], variants[i][4]);
    assert_string_not_equal(v, base);
  }
  /* A missing function is the empty one. */
  assert_string_equal(ar_align_fingerprint(&a, "AR101", "C", "x", "p.py", NULL),
                      ar_align_fingerprint(&a, "AR101", "C", "x", "p.py", ""));
  ar_arena_dispose(&a);
}

/* ---- regressions: bugs these tests found, now fixed ------------------------------------------ */

/* model.h: AR_FIELD_MEMBER is "enum member". Members of a resolved enum come out as
 * AR_FIELD_ATTR (extract cannot know the class is an enum, and resolve never re-kinds
 * them), so --dump models and any consumer of ar_field_kind see "attr". */
static void test_regression_enum_members_are_member_kind(void **state)
{
  fixture *fx = *state;
  build(fx, CODEBASE, false);
  const ar_class *st = class_of(&fx->run, "app/models/control.py", "Status");
  assert_int_equal(st->kind, AR_KIND_ENUM);
  const ar_field *f = ar_class_field(st, "ACTIVE", true);
  assert_non_null(f);
  assert_int_equal(f->kind, AR_FIELD_MEMBER);
}

int main(void)
{
#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)
  const struct CMUnitTest tests[] = {
      T(test_kinds),
      T(test_fields_resolved),
      T(test_resolve_names),
      T(test_ambiguous_model_names),
      T(test_findings),
      T(test_min_confidence_and_select),
      T(test_min_confidence_certain),
      T(test_constructor_rules),
      T(test_fingerprint_ignores_lines),
      cmocka_unit_test(test_distance),
      cmocka_unit_test(test_suggest),
      cmocka_unit_test(test_fingerprint),
      /* regressions */
      T(test_regression_enum_members_are_member_kind),
  };
#undef T
  return cmocka_run_group_tests(tests, NULL, NULL);
}
