/* SPDX-License-Identifier: MIT
 * test_scan.c - unit tests for the scan stage: path flags, module names, and walks over a
 * temporary tree (sorted order, skipped folders, virtualenvs, exclude globs, explicit file
 * paths, links to folders, missing paths). The tree is made once per test with mkdtemp. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <ftw.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "alignrisk/scan.h"

/* ---- helpers ------------------------------------------------------------------------------ */

/* Create `rel` under `root`, with its parent folders; a trailing '/' makes a folder. */
static void make_path(const char *root, const char *rel)
{
  char path[PATH_MAX];
  snprintf(path, sizeof path, "%s/%s", root, rel);
  for (char *p = path + strlen(root) + 1; *p; p++) {
    if (*p != '/') continue;
    *p = '\0';
    assert_true(mkdir(path, 0755) == 0 || errno == EEXIST);
    *p = '/';
  }
  size_t n = strlen(path);
  if (path[n - 1] == '/') return;
  FILE *fp = fopen(path, "w");
  assert_non_null(fp);
  fprintf(fp, "x = 1\n");
  assert_int_equal(fclose(fp), 0);
}

static void make_link(const char *root, const char *target, const char *rel)
{
  char path[PATH_MAX];
  snprintf(path, sizeof path, "%s/%s", root, rel);
  assert_int_equal(symlink(target, path), 0);
}

static int rm_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
  (void)st;
  (void)flag;
  (void)ftw;
  chmod(path, 0755);
  return remove(path);
}

static void rm_tree(const char *root) { nftw(root, rm_entry, 16, FTW_DEPTH | FTW_PHYS); }

typedef struct fixture {
  char root[64];
  char cwd[PATH_MAX];
} fixture;

/* The shared tree. Expected result of a walk from the root, in order. */
static const char *const TREE[] = {
    "a.py", "b.py", "C.py", "notes.txt", "pkg/__init__.py", "pkg/z.py", "pkg/sub/m.py",
    "pkg/data.json", "tests/test_a.py", "tests/conftest.py",
    ".git/hooks/pre.py", "node_modules/lib/x.py", "__pycache__/c.py",
    "venv/lib/x.py", ".venv/lib/x.py", "myenv/pyvenv.cfg", "myenv/lib/x.py", "myenv/top.py",
    "lib/site-packages/pkg/x.py", "build/lib/x.py", "dist/x.py", "foo.egg-info/x.py",
    "migrations/env.py", "migrations/versions/001_init.py", "gen/api_pb2.py", "gen/keep.py",
    "emptydir/", NULL};

static int setup(void **state)
{
  fixture *fx = calloc(1, sizeof *fx);
  if (!fx) return -1;
  strcpy(fx->root, "/tmp/ar_test_scan_XXXXXX");
  if (!mkdtemp(fx->root) || !getcwd(fx->cwd, sizeof fx->cwd)) {
    free(fx);
    return -1;
  }
  for (size_t i = 0; TREE[i]; i++) make_path(fx->root, TREE[i]);
  make_link(fx->root, ".", "loop");          /* a link to a folder: never followed */
  make_link(fx->root, "pkg", "pkglink");     /* another, to a real package */
  make_link(fx->root, "pkg", "dirlink.py");  /* named .py but a folder */
  make_link(fx->root, "a.py", "alias.py");   /* a link to a file is read */
  make_link(fx->root, "nowhere.py", "dangling.py");
  *state = fx;
  return 0;
}

static int teardown(void **state)
{
  fixture *fx = *state;
  if (chdir(fx->cwd) != 0) return -1;
  rm_tree(fx->root);
  free(fx);
  return 0;
}

/* Run the scan with `paths` and `excludes` (NULL-terminated, either may be NULL). */
static int scan(ar_config *cfg, ar_run *run, ar_diag *dg, const char *const *paths,
                const char *const *excludes)
{
  ar_config_init(cfg);
  for (size_t i = 0; paths && paths[i]; i++) AR_VEC_PUSH(&cfg->paths, paths[i]);
  for (size_t i = 0; excludes && excludes[i]; i++) AR_VEC_PUSH(&cfg->exclude, excludes[i]);
  ar_run_init(run, cfg);
  ar_diag_init(dg, NULL);
  return ar_scan_run(run, dg);
}

static void finish(ar_config *cfg, ar_run *run, ar_diag *dg)
{
  ar_run_dispose(run);
  ar_config_dispose(cfg);
  ar_diag_dispose(dg);
}

static void assert_paths(const ar_run *run, const char *const *want)
{
  size_t n = 0;
  while (want[n]) n++;
  for (size_t i = 0; i < run->files.len && i < n; i++)
    assert_string_equal(run->files.items[i]->path, want[i]);
  assert_int_equal(run->files.len, n);
}

/* ---- pure functions ----------------------------------------------------------------------- */

static void test_path_flags(void **state)
{
  enum { I = AR_FILE_INIT, T = AR_FILE_TEST, M = AR_FILE_MIGRATION };
  static const struct { const char *path; uint32_t want; } rows[] = {
      {"app/models/user.py", 0},
      {"app/models/__init__.py", I},
      {"__init__.py", I},
      {"app/my__init__.py", 0},
      {"test_x.py", T},
      {"app/test_models.py", T},
      {"app/models_test.py", T},
      {"conftest.py", T},
      {"app/conftest.py", T},
      {"tests/helpers.py", T},
      {"app/tests/helpers.py", T},
      {"test/helpers.py", T},
      {"tests/__init__.py", T | I},
      {"app/testing/helpers.py", 0},
      {"app/mytests/helpers.py", 0},
      {"app/contest.py", 0},
      {"app/attest.py", 0},
      {"app/latest.py", 0},
      {"app/tests.py", 0},
      {"alembic/versions/1a2b_add.py", M},
      {"migrations/versions/001_init.py", M},
      {"db/alembic/versions/x.py", M},
      {"migrations/env.py", 0},
      {"app/versions/x.py", 0},
      {"tests/migrations/versions/x.py", T | M},
      {NULL, 0}};
  (void)state;
  for (size_t i = 0; rows[i].path; i++) {
    uint32_t got = ar_scan_path_flags(rows[i].path);
    if (got != rows[i].want) fail_msg("%s: flags %u, want %u", rows[i].path, got, rows[i].want);
  }
}

static void test_module_name(void **state)
{
  static const struct { const char *path, *want; } rows[] = {
      {"app/models/user.py", "app.models.user"},
      {"app/models/__init__.py", "app.models"},
      {"__init__.py", ""},
      {"setup.py", "setup"},
      {"a/b/c/d.py", "a.b.c.d"},
      {"app/my__init__.py", "app.my__init__"},
      {"app/__init__/x.py", "app.__init__.x"},
      {"src/app/x.py", "src.app.x"},
      {"tests/test_a.py", "tests.test_a"},
      {NULL, NULL}};
  (void)state;
  ar_arena a;
  ar_arena_init(&a);
  for (size_t i = 0; rows[i].path; i++)
    assert_string_equal(ar_scan_module_name(&a, rows[i].path), rows[i].want);
  ar_arena_dispose(&a);
}

/* ---- walks -------------------------------------------------------------------------------- */

static void test_walk_root(void **state)
{
  fixture *fx = *state;
  ar_config cfg;
  ar_run run;
  ar_diag dg;
  const char *paths[] = {fx->root, NULL};
  assert_int_equal(scan(&cfg, &run, &dg, paths, NULL), AR_OK);
  /* Byte order ('C' < 'a', '_' < 's' < 'z'); nothing from skipped folders, virtualenvs,
   * build output or links to folders; the link to a file is read, the dangling one not. */
  static const char *const want[] = {
      "C.py", "a.py", "alias.py", "b.py", "gen/api_pb2.py", "gen/keep.py", "migrations/env.py",
      "migrations/versions/001_init.py", "pkg/__init__.py", "pkg/sub/m.py", "pkg/z.py",
      "tests/conftest.py", "tests/test_a.py", NULL};
  assert_paths(&run, want);
  assert_string_equal(run.root, fx->root);
  assert_int_equal(dg.errors, 0);
  assert_true(dg.warnings >= 2); /* dirlink.py and dangling.py are reported */

  /* Each file carries its module, flags and the path it is opened by. */
  static const struct { const char *path, *module; uint32_t flags; } rows[] = {
      {"pkg/__init__.py", "pkg", AR_FILE_INIT},
      {"pkg/sub/m.py", "pkg.sub.m", 0},
      {"tests/test_a.py", "tests.test_a", AR_FILE_TEST},
      {"migrations/versions/001_init.py", "migrations.versions.001_init", AR_FILE_MIGRATION},
      {"alias.py", "alias", 0},
      {NULL, NULL, 0}};
  for (size_t r = 0; rows[r].path; r++) {
    const ar_file *f = NULL;
    for (size_t i = 0; i < run.files.len && !f; i++)
      if (strcmp(run.files.items[i]->path, rows[r].path) == 0) f = run.files.items[i];
    assert_non_null(f);
    assert_string_equal(f->module, rows[r].module);
    assert_int_equal(f->flags, rows[r].flags);
    char want_abs[PATH_MAX];
    snprintf(want_abs, sizeof want_abs, "%s/%s", fx->root, rows[r].path);
    assert_string_equal(f->abspath, want_abs);
    assert_int_equal(access(f->abspath, R_OK), 0);
  }
  finish(&cfg, &run, &dg);
}

static void test_walk_trailing_slash_and_dot(void **state)
{
  fixture *fx = *state;
  ar_config cfg;
  ar_run run;
  ar_diag dg;
  char slashed[128];
  snprintf(slashed, sizeof slashed, "%s//", fx->root);
  const char *paths[] = {slashed, NULL};
  assert_int_equal(scan(&cfg, &run, &dg, paths, NULL), AR_OK);
  assert_string_equal(run.root, fx->root);
  assert_true(run.files.len > 0);
  assert_string_equal(run.files.items[0]->path, "C.py");
  size_t n = run.files.len;
  finish(&cfg, &run, &dg);

  /* From inside the tree with no path at all: "." and the same relative paths. */
  assert_int_equal(chdir(fx->root), 0);
  assert_int_equal(scan(&cfg, &run, &dg, NULL, NULL), AR_OK);
  assert_int_equal(run.files.len, n);
  assert_string_equal(run.files.items[0]->path, "C.py");
  assert_string_equal(run.files.items[n - 1]->path, "tests/test_a.py");
  finish(&cfg, &run, &dg);
}

static void test_walk_excludes(void **state)
{
  fixture *fx = *state;
  static const struct { const char *globs[3]; const char *const want[16]; } rows[] = {
      /* A folder name excludes everything below it. */
      {{"migrations", NULL},
       {"C.py", "a.py", "alias.py", "b.py", "gen/api_pb2.py", "gen/keep.py", "pkg/__init__.py",
        "pkg/sub/m.py", "pkg/z.py", "tests/conftest.py", "tests/test_a.py", NULL}},
      {{"migrations/*", "*_pb2.py", NULL},
       {"C.py", "a.py", "alias.py", "b.py", "gen/keep.py", "pkg/__init__.py", "pkg/sub/m.py",
        "pkg/z.py", "tests/conftest.py", "tests/test_a.py", NULL}},
      {{"pkg/sub", "tests/*", NULL},
       {"C.py", "a.py", "alias.py", "b.py", "gen/api_pb2.py", "gen/keep.py", "migrations/env.py",
        "migrations/versions/001_init.py", "pkg/__init__.py", "pkg/z.py", NULL}},
      {{"*.py", NULL}, {NULL}},
      {{"nothing-matches", NULL},
       {"C.py", "a.py", "alias.py", "b.py", "gen/api_pb2.py", "gen/keep.py", "migrations/env.py",
        "migrations/versions/001_init.py", "pkg/__init__.py", "pkg/sub/m.py", "pkg/z.py",
        "tests/conftest.py", "tests/test_a.py", NULL}},
  };
  for (size_t r = 0; r < sizeof rows / sizeof *rows; r++) {
    ar_config cfg;
    ar_run run;
    ar_diag dg;
    const char *paths[] = {fx->root, NULL};
    assert_int_equal(scan(&cfg, &run, &dg, paths, rows[r].globs), AR_OK);
    assert_paths(&run, rows[r].want);
    finish(&cfg, &run, &dg);
  }
}

static void test_explicit_paths(void **state)
{
  fixture *fx = *state;
  assert_int_equal(chdir(fx->root), 0);
  ar_config cfg;
  ar_run run;
  ar_diag dg;
  /* Files named on the command line are read even inside skipped or excluded folders;
   * a folder and a file in it give that file once. */
  const char *paths[] = {"./node_modules/lib/x.py", "pkg", "pkg/z.py", "myenv/top.py",
                         "gen/api_pb2.py", NULL};
  const char *excludes[] = {"gen/*", NULL};
  assert_int_equal(scan(&cfg, &run, &dg, paths, excludes), AR_OK);
  static const char *const want[] = {"gen/api_pb2.py", "myenv/top.py", "node_modules/lib/x.py",
                                     "pkg/__init__.py", "pkg/sub/m.py", "pkg/z.py", NULL};
  assert_paths(&run, want);
  assert_string_equal(run.files.items[2]->module, "node_modules.lib.x");
  assert_string_equal(run.root, ".");
  finish(&cfg, &run, &dg);

  /* One file alone. */
  const char *one[] = {"tests/test_a.py", NULL};
  assert_int_equal(scan(&cfg, &run, &dg, one, NULL), AR_OK);
  static const char *const want_one[] = {"tests/test_a.py", NULL};
  assert_paths(&run, want_one);
  assert_int_equal(run.files.items[0]->flags, AR_FILE_TEST);
  finish(&cfg, &run, &dg);
}

static void test_walk_subfolder_root(void **state)
{
  fixture *fx = *state;
  ar_config cfg;
  ar_run run;
  ar_diag dg;
  char p[128];
  snprintf(p, sizeof p, "%s/pkg", fx->root);
  /* A folder below the tree: paths and modules are relative to it. */
  const char *paths[] = {p, NULL};
  assert_int_equal(scan(&cfg, &run, &dg, paths, NULL), AR_OK);
  static const char *const want[] = {"__init__.py", "sub/m.py", "z.py", NULL};
  assert_paths(&run, want);
  assert_string_equal(run.files.items[0]->module, "");
  finish(&cfg, &run, &dg);
}

static void test_missing_path(void **state)
{
  fixture *fx = *state;
  char missing[128];
  snprintf(missing, sizeof missing, "%s/no/such/dir", fx->root);
  const char *const cases[][3] = {{missing, NULL, NULL}, {fx->root, missing, NULL}};
  for (size_t i = 0; i < 2; i++) {
    ar_config cfg;
    ar_run run;
    ar_diag dg;
    char *text = NULL;
    size_t n = 0;
    FILE *fp = open_memstream(&text, &n);
    assert_non_null(fp);
    ar_config_init(&cfg);
    for (size_t k = 0; cases[i][k]; k++) AR_VEC_PUSH(&cfg.paths, cases[i][k]);
    ar_run_init(&run, &cfg);
    ar_diag_init(&dg, fp);
    assert_int_equal(ar_scan_run(&run, &dg), AR_ENOTFOUND);
    assert_int_equal(dg.errors, 1);
    fclose(fp);
    assert_non_null(strstr(text, missing));
    assert_non_null(strstr(text, "error"));
    free(text);
    finish(&cfg, &run, &dg);
  }
}

static void test_unreadable_folder_warns(void **state)
{
  fixture *fx = *state;
  if (geteuid() == 0) skip(); /* root reads everything */
  make_path(fx->root, "locked/x.py");
  char locked[128];
  snprintf(locked, sizeof locked, "%s/locked", fx->root);
  assert_int_equal(chmod(locked, 0), 0);
  ar_config cfg;
  ar_run run;
  ar_diag dg;
  const char *paths[] = {fx->root, NULL};
  int rc = scan(&cfg, &run, &dg, paths, NULL);
  chmod(locked, 0755);
  assert_int_equal(rc, AR_OK);
  assert_int_equal(dg.errors, 0);
  assert_true(dg.warnings >= 3);
  for (size_t i = 0; i < run.files.len; i++)
    assert_null(strstr(run.files.items[i]->path, "locked"));
  finish(&cfg, &run, &dg);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_path_flags),
      cmocka_unit_test(test_module_name),
      cmocka_unit_test_setup_teardown(test_walk_root, setup, teardown),
      cmocka_unit_test_setup_teardown(test_walk_trailing_slash_and_dot, setup, teardown),
      cmocka_unit_test_setup_teardown(test_walk_excludes, setup, teardown),
      cmocka_unit_test_setup_teardown(test_explicit_paths, setup, teardown),
      cmocka_unit_test_setup_teardown(test_walk_subfolder_root, setup, teardown),
      cmocka_unit_test_setup_teardown(test_missing_path, setup, teardown),
      cmocka_unit_test_setup_teardown(test_unreadable_folder_warns, setup, teardown),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
