/* SPDX-License-Identifier: MIT
 * test_parse.c - unit tests for the parse stage: the UTF-8 validator, and the worker pool
 * driven through a small counting visitor over files written to a temporary folder
 * (plain, empty, byte order mark, binary, not UTF-8, missing). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <ftw.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "alignrisk/extract.h"
#include "alignrisk/parse.h"

/* ---- UTF-8 -------------------------------------------------------------------------------- */

#define S(lit) lit, sizeof(lit) - 1

static void test_utf8_table(void **state)
{
  static const struct {
    const char *what, *s;
    size_t n;
    bool ok;
    size_t bad;
  } rows[] = {
      {"empty", S(""), true, 0},
      {"ascii", S("class M(Base):\n    x = 1\n"), true, 0},
      {"NUL is a valid code point", S("a\0b"), true, 0},
      {"2-byte e-acute", S("caf\xC3\xA9"), true, 0},
      {"2-byte lowest U+0080", S("\xC2\x80"), true, 0},
      {"2-byte highest U+07FF", S("\xDF\xBF"), true, 0},
      {"3-byte euro", S("\xE2\x82\xAC"), true, 0},
      {"3-byte lowest U+0800", S("\xE0\xA0\x80"), true, 0},
      {"3-byte U+D7FF below surrogates", S("\xED\x9F\xBF"), true, 0},
      {"3-byte U+E000 above surrogates", S("\xEE\x80\x80"), true, 0},
      {"3-byte U+FFFF", S("\xEF\xBF\xBF"), true, 0},
      {"BOM", S("\xEF\xBB\xBFx"), true, 0},
      {"4-byte emoji", S("\xF0\x9F\x98\x80"), true, 0},
      {"4-byte lowest U+10000", S("\xF0\x90\x80\x80"), true, 0},
      {"4-byte highest U+10FFFF", S("\xF4\x8F\xBF\xBF"), true, 0},
      {"mixed", S("a\xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80z"), true, 0},
      {"overlong NUL C0 80", S("\xC0\x80"), false, 0},
      {"overlong C1 BF", S("ab\xC1\xBF"), false, 2},
      {"overlong 3-byte E0 80 80", S("\xE0\x80\x80"), false, 0},
      {"overlong 3-byte U+07FF", S("x\xE0\x9F\xBF"), false, 1},
      {"overlong 4-byte F0 80 80 80", S("\xF0\x80\x80\x80"), false, 0},
      {"overlong 4-byte U+FFFF", S("\xF0\x8F\xBF\xBF"), false, 0},
      {"surrogate U+D800", S("abc\xED\xA0\x80"), false, 3},
      {"surrogate U+DFFF", S("\xED\xBF\xBF"), false, 0},
      {"CESU pair", S("\xED\xA0\xBD\xED\xB8\x80"), false, 0},
      {"U+110000", S("\xF4\x90\x80\x80"), false, 0},
      {"F5 lead", S("\xF5\x80\x80\x80"), false, 0},
      {"F8 5-byte lead", S("\xF8\x88\x80\x80\x80"), false, 0},
      {"FE", S("ok\xFE"), false, 2},
      {"FF", S("\xFF"), false, 0},
      {"lone continuation", S("a\x80"), false, 1},
      {"continuation after complete char", S("\xC3\xA9\xA9"), false, 2},
      {"truncated 2-byte at end", S("abc\xC3"), false, 3},
      {"truncated 3-byte at end", S("ab\xE2\x82"), false, 2},
      {"truncated 4-byte at end", S("\xF0\x9F\x98"), false, 0},
      {"truncated 2-byte before ASCII", S("\xC3(x"), false, 0},
      {"truncated 3-byte before ASCII", S("\xE2\x82("), false, 0},
      {"latin-1 e-acute", S("caf\xE9\n"), false, 3},
      {"first bad of several", S("\xC3\xA9ok\x80\xFF"), false, 4},
  };
  (void)state;
  for (size_t i = 0; i < sizeof rows / sizeof *rows; i++) {
    size_t bad = 12345;
    bool ok = ar_parse_utf8_valid(rows[i].s, rows[i].n, &bad);
    if (ok != rows[i].ok) fail_msg("%s: valid=%d, want %d", rows[i].what, ok, rows[i].ok);
    if (!ok && bad != rows[i].bad)
      fail_msg("%s: bad offset %zu, want %zu", rows[i].what, bad, rows[i].bad);
    /* bad_offset may be NULL. */
    assert_int_equal(ar_parse_utf8_valid(rows[i].s, rows[i].n, NULL), rows[i].ok);
  }
  /* Only n bytes are looked at. */
  assert_true(ar_parse_utf8_valid("ab\xFF", 2, NULL));
  assert_true(ar_parse_utf8_valid("\xFF", 0, NULL));
}

/* ---- the pool ------------------------------------------------------------------------------ */

/* What the visitor saw of one file. */
typedef struct seen {
  const ar_file *file;
  const ar_arena *arena;
  char head[8];
  size_t len;
  bool tree_ok;
  int visits;
} seen;

enum { MAX_SEEN = 64 };
static struct {
  pthread_mutex_t lock;
  seen items[MAX_SEEN];
  size_t n;
  int inits, finis;
  int init_rc;
  int bad_state; /* workers cannot use cmocka's asserts: they count here */
} log_;

static int v_init(void **state, void *ctx, ar_diag *dg)
{
  (void)ctx;
  (void)dg;
  pthread_mutex_lock(&log_.lock);
  log_.inits++;
  int rc = log_.init_rc;
  pthread_mutex_unlock(&log_.lock);
  if (rc) return rc;
  *state = &log_; /* any non-NULL marker */
  return 0;
}

static void v_fini(void *state)
{
  pthread_mutex_lock(&log_.lock);
  if (state != &log_) log_.bad_state++;
  log_.finis++;
  pthread_mutex_unlock(&log_.lock);
}

static void v_visit(void *state, ar_file *file, const TSTree *tree, const char *src, size_t len,
                    ar_arena *arena, ar_diag *dg)
{
  (void)dg;
  TSNode root = ts_tree_root_node(tree);
  pthread_mutex_lock(&log_.lock);
  if (state != &log_ || !arena) log_.bad_state++;
  seen *s = NULL;
  for (size_t i = 0; i < log_.n && !s; i++)
    if (log_.items[i].file == file) s = &log_.items[i];
  if (!s && log_.n < MAX_SEEN) s = &log_.items[log_.n++];
  if (s) {
    s->file = file;
    s->arena = arena;
    s->len = len;
    memset(s->head, 0, sizeof s->head);
    memcpy(s->head, src, len < sizeof s->head - 1 ? len : sizeof s->head - 1);
    s->tree_ok = strcmp(ts_node_type(root), "module") == 0 && !ts_node_has_error(root) &&
                 ts_node_end_byte(root) <= len;
    s->visits++;
  }
  pthread_mutex_unlock(&log_.lock);
  (void)ar_arena_strndup(arena, src, len); /* the arena is usable from the worker */
}

static const ar_parse_visitor visitor = {v_init, v_fini, v_visit, NULL, NULL};

static void log_reset(int init_rc)
{
  pthread_mutex_lock(&log_.lock);
  memset(log_.items, 0, sizeof log_.items);
  log_.n = 0;
  log_.inits = log_.finis = 0;
  log_.init_rc = init_rc;
  log_.bad_state = 0;
  pthread_mutex_unlock(&log_.lock);
}

static const seen *seen_of(const ar_file *f)
{
  for (size_t i = 0; i < log_.n; i++)
    if (log_.items[i].file == f) return &log_.items[i];
  return NULL;
}

/* The files, in path order. `data` may contain NULs, so each has a length. */
static const struct { const char *name, *data; size_t n; bool skipped; } FILES[] = {
    {"a_plain.py", S("class M(Base):\n    x = 1\n"), false},
    {"b_binary.py", S("x = 1\n\0\0\0binary"), true},
    {"c_bom.py", S("\xEF\xBB\xBFx = 1\n"), false},
    {"d_bom_only.py", S("\xEF\xBB\xBF"), false},
    {"e_empty.py", S(""), false},
    {"f_latin1.py", S("# ok\ns = 'caf\xE9'\n"), true},
    {"g_missing.py", NULL, 0, true},
    {"h_utf8.py", S("s = 'caf\xC3\xA9'\n"), false},
    {"i_syntax.py", S("def f(:\n    pass\n"), false},
};
enum { NFILES = sizeof FILES / sizeof *FILES };

typedef struct fixture {
  char root[64];
  ar_config cfg;
  ar_run run;
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
  strcpy(fx->root, "/tmp/ar_test_parse_XXXXXX");
  if (!mkdtemp(fx->root)) return -1;
  ar_config_init(&fx->cfg);
  ar_run_init(&fx->run, &fx->cfg);
  for (size_t i = 0; i < NFILES; i++) {
    ar_file *f = ar_arena_alloc(&fx->run.arena, sizeof *f);
    f->path = FILES[i].name;
    f->abspath = ar_arena_printf(&fx->run.arena, "%s/%s", fx->root, FILES[i].name);
    f->module = ar_arena_strndup(&fx->run.arena, FILES[i].name, strlen(FILES[i].name) - 3);
    if (FILES[i].data) {
      FILE *fp = fopen(f->abspath, "wb");
      if (!fp) return -1;
      if (FILES[i].n && fwrite(FILES[i].data, 1, FILES[i].n, fp) != FILES[i].n) return -1;
      if (fclose(fp) != 0) return -1;
    }
    AR_VEC_PUSH(&fx->run.files, f);
  }
  *state = fx;
  return 0;
}

static int teardown(void **state)
{
  fixture *fx = *state;
  ar_run_dispose(&fx->run);
  ar_config_dispose(&fx->cfg);
  nftw(fx->root, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
  free(fx);
  return 0;
}

static void run_pool(fixture *fx, int jobs)
{
  ar_parse_visitor v = visitor;
  v.language = ar_python_language();
  fx->cfg.jobs = jobs;
  log_reset(0);
  char *text = NULL;
  size_t tn = 0;
  FILE *fp = open_memstream(&text, &tn);
  assert_non_null(fp);
  ar_diag dg;
  ar_diag_init(&dg, fp);
  assert_int_equal(ar_parse_run(&fx->run, &v, &dg), 0);
  assert_int_equal(dg.errors, 0);
  assert_int_equal(dg.warnings, 3); /* binary, latin-1, missing */
  ar_diag_dispose(&dg);
  fclose(fp);

  /* One warning per skipped file, naming it; the UTF-8 one with its line and offset. */
  assert_non_null(strstr(text, "b_binary.py: warning: "));
  assert_non_null(strstr(text, "f_latin1.py:2: warning: "));
  assert_non_null(strstr(text, "byte offset 13"));
  assert_non_null(strstr(text, "g_missing.py: warning: "));
  free(text);

  size_t nvisited = 0, nskipped = 0;
  for (size_t i = 0; i < NFILES; i++) {
    const ar_file *f = fx->run.files.items[i];
    const seen *s = seen_of(f);
    if (FILES[i].skipped) {
      if (!(f->flags & AR_FILE_SKIPPED)) fail_msg("%s: not marked skipped", f->path);
      if (s) fail_msg("%s: skipped but visited", f->path);
      nskipped++;
      continue;
    }
    if (f->flags & AR_FILE_SKIPPED) fail_msg("%s: marked skipped", f->path);
    if (!s) fail_msg("%s: never visited", f->path);
    assert_int_equal(s->visits, 1);
    nvisited++;
    /* The arena handed over is one of the run's worker arenas. */
    bool ours = false;
    for (size_t w = 0; w < fx->run.nworkers; w++) ours = ours || s->arena == &fx->run.worker_arenas[w];
    assert_true(ours);
  }
  assert_int_equal(nvisited, NFILES - 3);
  assert_int_equal(fx->run.nskipped, nskipped);

  /* Plain text arrives whole; the BOM is not part of the text. */
  const seen *plain = seen_of(fx->run.files.items[0]);
  assert_int_equal(plain->len, FILES[0].n);
  assert_string_equal(plain->head, "class M");
  assert_true(plain->tree_ok);
  const seen *bom = seen_of(fx->run.files.items[2]);
  assert_int_equal(bom->len, FILES[2].n - 3);
  assert_string_equal(bom->head, "x = 1\n");
  assert_true(bom->tree_ok);
  const seen *bom_only = seen_of(fx->run.files.items[3]);
  assert_int_equal(bom_only->len, 0);
  assert_string_equal(bom_only->head, "");
  const seen *empty = seen_of(fx->run.files.items[4]);
  assert_int_equal(empty->len, 0);
  assert_true(empty->tree_ok);
  const seen *utf8 = seen_of(fx->run.files.items[7]);
  assert_int_equal(utf8->len, FILES[7].n);
  /* A syntax error still reaches the visitor, with an error tree. */
  const seen *syn = seen_of(fx->run.files.items[8]);
  assert_non_null(syn);
  assert_false(syn->tree_ok);

  assert_int_equal(log_.bad_state, 0);
  /* Every worker that started also finished. */
  assert_int_equal(log_.inits, (int)fx->run.nworkers);
  assert_int_equal(log_.finis, (int)fx->run.nworkers);
}

static void test_pool_one_job(void **state)
{
  fixture *fx = *state;
  run_pool(fx, 1);
  assert_int_equal(fx->run.nworkers, 1);
}

static void test_pool_many_jobs(void **state)
{
  fixture *fx = *state;
  run_pool(fx, 4);
  assert_int_equal(fx->run.nworkers, 4);
}

static void test_pool_more_jobs_than_files(void **state)
{
  fixture *fx = *state;
  run_pool(fx, 64);
  assert_int_equal(fx->run.nworkers, NFILES); /* no idle workers */
}

static void test_pool_init_error(void **state)
{
  fixture *fx = *state;
  ar_parse_visitor v = visitor;
  v.language = ar_python_language();
  fx->cfg.jobs = 2;
  log_reset(AR_EVERSION);
  ar_diag dg;
  ar_diag_init(&dg, NULL);
  assert_int_equal(ar_parse_run(&fx->run, &v, &dg), AR_EVERSION);
  ar_diag_dispose(&dg);
  assert_int_equal(log_.n, 0);     /* nothing visited */
  assert_int_equal(log_.finis, 0); /* no state to finish */
  assert_true(log_.inits >= 1);
}

static void test_pool_no_files(void **state)
{
  (void)state;
  ar_config cfg;
  ar_config_init(&cfg);
  ar_run run;
  ar_run_init(&run, &cfg);
  ar_parse_visitor v = visitor;
  v.language = ar_python_language();
  log_reset(0);
  ar_diag dg;
  ar_diag_init(&dg, NULL);
  assert_int_equal(ar_parse_run(&run, &v, &dg), 0);
  assert_int_equal(log_.n, 0);
  assert_int_equal(run.nskipped, 0);
  assert_int_equal(dg.warnings + dg.errors, 0);
  ar_diag_dispose(&dg);
  ar_run_dispose(&run);
  ar_config_dispose(&cfg);
}

int main(void)
{
  pthread_mutex_init(&log_.lock, NULL);
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_utf8_table),
      cmocka_unit_test_setup_teardown(test_pool_one_job, setup, teardown),
      cmocka_unit_test_setup_teardown(test_pool_many_jobs, setup, teardown),
      cmocka_unit_test_setup_teardown(test_pool_more_jobs_than_files, setup, teardown),
      cmocka_unit_test_setup_teardown(test_pool_init_error, setup, teardown),
      cmocka_unit_test(test_pool_no_files),
  };
  int rc = cmocka_run_group_tests(tests, NULL, NULL);
  pthread_mutex_destroy(&log_.lock);
  return rc;
}
