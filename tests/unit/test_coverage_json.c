/* SPDX-License-Identifier: MIT
 * test_coverage_json.c - unit tests for the coverage.py JSON reader (`coverage json`):
 * real output, branch data, and documents that are not JSON, are cut short or have the
 * wrong shape, each refused with file:line:col and what was expected. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alignrisk/coverage.h"
#include "coverage_support.h"

/* A report named "cov.json" from memory (see coverage_support.h). */
static int load_capture(ar_cov *cov, const char *doc, size_t len, size_t *errors,
                        size_t *warnings, char **msg)
{
  return load_named(cov, doc, len, "cov.json", errors, warnings, msg);
}

/* tests/unit/data/coverage/coverage.json: coverage.py 6.5 `coverage json` with branches. */
static void test_fixture_json(void **state)
{
  (void)state;
  ar_cov *cov = load_fixture("coverage.json");
  assert_int_equal(ar_cov_count(cov), 4);
  const ar_cov_file *b = ar_cov_lookup(cov, "app/services/billing.py");
  assert_non_null(b);
  assert_int_equal(b->nlines, 18);
  assert_int_equal(b->nmissed, 7);
  /* executed_branches [[6,7],[6,10],[7,9],[14,15]], missing [[7,8],[14,16],[16,17],...] */
  static const struct { uint32_t line; long hits; uint32_t taken, total; } rows[] = {
      {1, 1, 0, 0}, {6, 1, 2, 2}, {7, 1, 1, 2}, {8, 0, 0, 0}, {14, 1, 1, 2}, {16, 0, 0, 2},
      {22, 0, 0, 2}, {0, 0, 0, 0}};
  assert_non_null(b->br_total);
  for (size_t i = 0; rows[i].line; i++) {
    size_t k = 0;
    assert_int_equal(ar_cov_line_hits(b, rows[i].line), rows[i].hits);
    while (b->lines[k] != rows[i].line) k++;
    assert_int_equal(b->br_covered[k], rows[i].taken);
    assert_int_equal(b->br_total[k], rows[i].total);
  }
  const ar_cov_file *init = ar_cov_lookup(cov, "app/__init__.py");
  assert_non_null(init);
  assert_int_equal(init->nlines, 0);
  assert_null(ar_cov_lookup(cov, "app/services/missing.py"));
  ar_cov_free(cov);
}

/* The lines the three formats give for the same run agree (the XML of coverage.py 6.5
 * leaves out the docstring line 1, which JSON and LCOV list). */
static void test_formats_agree(void **state)
{
  (void)state;
  static const char *const files[] = {"coverage.xml", "coverage.json", "coverage.lcov"};
  ar_cov *covs[3];
  ar_diag dg;
  ar_diag_init(&dg, NULL);
  for (int i = 0; i < 3; i++) {
    covs[i] = ar_cov_new();
    assert_int_equal(ar_cov_load(covs[i], data_path(files[i]), &dg), 0);
  }
  assert_int_equal(dg.errors + dg.warnings, 0);
  static const char *const paths[] = {"app/services/billing.py", "app/services/status.py",
                                      "app/__init__.py", NULL};
  for (size_t p = 0; paths[p]; p++) {
    const ar_cov_file *f[3];
    for (int i = 0; i < 3; i++) assert_non_null(f[i] = ar_cov_lookup(covs[i], paths[p]));
    for (int i = 1; i < 3; i++) {
      assert_int_equal(f[i]->nlines, f[1]->nlines);
      for (size_t k = 0; k < f[i]->nlines; k++) {
        assert_int_equal(f[i]->lines[k], f[1]->lines[k]);
        assert_int_equal(f[i]->hits[k] > 0, f[1]->hits[k] > 0);
      }
    }
    for (size_t k = 0; k < f[0]->nlines; k++)
      assert_int_equal(ar_cov_line_hits(f[0], f[0]->lines[k]) > 0,
                       ar_cov_line_hits(f[1], f[0]->lines[k]) > 0);
  }
  for (int i = 0; i < 3; i++) ar_cov_free(covs[i]);
  ar_diag_dispose(&dg);
}

static void test_json_details(void **state)
{
  (void)state;
  /* Windows paths as coverage.py on Windows writes them (escaped backslashes), a line in
   * both lists (covered wins), unsorted lists, null branch lists, unknown keys ignored,
   * a duplicate key merged. */
  static const char doc[] =
      "{\"meta\": {\"format\": 3, \"version\": \"7.6.1\"},\n"
      " \"files\": {\n"
      "  \"C:\\\\a\\\\app\\\\x.py\": {\"executed_lines\": [5, 2, 3], \"missing_lines\": [9, 3],"
      " \"excluded_lines\": [1], \"executed_branches\": null, \"contexts\": {\"2\": [\"\"]},"
      " \"functions\": {}, \"summary\": {}},\n"
      "  \"C:\\\\a\\\\app\\\\x.py\": {\"executed_lines\": [9], \"missing_lines\": []}\n"
      " },\n \"totals\": {\"covered_lines\": 3}}\n";
  ar_diag dg;
  ar_diag_init(&dg, NULL);
  ar_cov *cov = ar_cov_new();
  assert_int_equal(ar_cov_load_mem(cov, doc, strlen(doc), "w.json", &dg), 0);
  assert_int_equal(dg.errors + dg.warnings, 0);
  assert_int_equal(ar_cov_count(cov), 1);
  const ar_cov_file *f = ar_cov_lookup(cov, "app/x.py");
  assert_non_null(f);
  assert_string_equal(f->name, "C:/a/app/x.py");
  static const uint32_t lines[] = {2, 3, 5, 9}, hits[] = {1, 1, 1, 1};
  assert_int_equal(f->nlines, 4);
  for (size_t i = 0; i < 4; i++) {
    assert_int_equal(f->lines[i], lines[i]);
    assert_int_equal(f->hits[i], hits[i]);
  }
  assert_int_equal(ar_cov_line_hits(f, 1), -1); /* excluded: not a statement */
  assert_null(f->br_total);
  ar_cov_free(cov);
  ar_diag_dispose(&dg);
}

static void test_json_errors(void **state)
{
  (void)state;
  static const struct { const char *doc; int rc; const char *want; } rows[] = {
      /* syntax: where and what */
      {"{\"files\": {\"a.py\": {\"executed_lines\": [1, 2,, 3]}}}", AR_EPARSE,
       "cov.json:1:45: error: malformed JSON: unexpected ','"},
      {"{\n  \"files\": {\n    \"a.py\": tru\n  }\n}", AR_EPARSE,
       "cov.json:3:13: error: malformed JSON: unexpected 'tru'"},
      {"{\"files\": {}} x", AR_EPARSE,
       "cov.json:1:15: error: malformed JSON: expected end of file after the top-level value"},
      /* truncated anywhere */
      {"{\"files\": {\"a.py\": {\"executed_lines\": [1, 2", AR_EPARSE,
       "cov.json:1:44: error: malformed JSON: unexpected end of file: the report is truncated"},
      {"{\"files\": {\"a.py\": {\"executed_lines\": [1], \"missing", AR_EPARSE,
       "the report is truncated"},
      {"{\n\"files\": {\n", AR_EPARSE, "cov.json:3:1: error: malformed JSON: unexpected end"},
      {"{", AR_EPARSE, "the report is truncated"},
      /* wrong shape */
      {"{\"meta\": {}}", AR_EPARSE,
       "cov.json:1:1: error: expected coverage.py JSON: an object whose \"files\" maps each path "
       "to {\"executed_lines\": [...], \"missing_lines\": [...]}, found no \"files\" key"},
      {"{\"files\": [\"a.py\"]}", AR_EPARSE, "cov.json:1:11: error: expected coverage.py JSON: "
                                             "an object whose \"files\" maps each path to"},
      {"{\"files\": [\"a.py\"]}", AR_EPARSE, "found \"files\": an array"},
      {"{\"files\": \"a.py\"}", AR_EPARSE, "found \"files\": the string \"a.py\""},
      {"{\"files\": {\"a.py\": [1, 2]}}", AR_EPARSE,
       "cov.json:1:20: error: files[\"a.py\"]: expected an object with \"executed_lines\" and "
       "\"missing_lines\", found an array"},
      {"{\"files\": {\"a.py\": {\"missing_lines\": []}}}", AR_EPARSE,
       "cov.json:1:20: error: files[\"a.py\"]: expected \"executed_lines\" to be an array of line "
       "numbers, found no such key"},
      {"{\"files\": {\"a.py\": {\"executed_lines\": {}, \"missing_lines\": []}}}", AR_EPARSE,
       "cov.json:1:39: error: files[\"a.py\"]: expected \"executed_lines\" to be an array of line "
       "numbers, found an object"},
      {"{\"files\": {\"a.py\": {\"executed_lines\": [1], \"missing_lines\": 7}}}", AR_EPARSE,
       "expected \"missing_lines\" to be an array of line numbers, found 7"},
      {"{\"files\": {\"a.py\": {\n\"executed_lines\": [1,\n 2,\n -3], \"missing_lines\": []}}}",
       AR_EPARSE, "cov.json:4:2: error: files[\"a.py\"].executed_lines[2]: expected a positive "
                  "integer line number, found -3"},
      {"{\"files\": {\"a.py\": {\"executed_lines\": [0], \"missing_lines\": []}}}", AR_EPARSE,
       "executed_lines[0]: expected a positive integer line number, found 0"},
      {"{\"files\": {\"a.py\": {\"executed_lines\": [1.5], \"missing_lines\": []}}}", AR_EPARSE,
       "found 1.5"},
      {"{\"files\": {\"a.py\": {\"executed_lines\": [\"7\"], \"missing_lines\": []}}}", AR_EPARSE,
       "found the string \"7\""},
      {"{\"files\": {\"a.py\": {\"executed_lines\": [4294967296], \"missing_lines\": []}}}",
       AR_EPARSE, "found 4294967296"},
      {"{\"files\": {\"a.py\": {\"executed_lines\": [1], \"missing_lines\": [null]}}}", AR_EPARSE,
       "missing_lines[0]: expected a positive integer line number, found null"},
      {"{\"files\": {\"\": {\"executed_lines\": [], \"missing_lines\": []}}}", AR_EPARSE,
       "files[\"\"]: expected a file path as the key"},
      {"{\"files\": {\"a\\\"b.py\": {\"executed_lines\": true, \"missing_lines\": []}}}",
       AR_EPARSE, "cov.json:1:42: error: files[\"a\"b.py\"]: expected \"executed_lines\""},
      /* a NUL byte, and deep nesting past cJSON's limit: refused, never a crash */
      {"{\"files\": {}}\0", AR_EPARSE, "cov.json:1:14: error: NUL byte"},
      {NULL, 0, NULL}};
  for (size_t i = 0; rows[i].doc; i++) {
    ar_cov *cov = ar_cov_new();
    char *msg = NULL;
    size_t errors = 0, len = strlen(rows[i].doc);
    if (strstr(rows[i].want, "NUL")) len++;
    int rc = load_capture(cov, rows[i].doc, len, &errors, NULL, &msg);
    if (rc != rows[i].rc || !strstr(msg, rows[i].want))
      fail_msg("row %zu: rc %d (want %d), message \"%s\" (want \"%s\")", i, rc, rows[i].rc, msg,
               rows[i].want);
    assert_int_equal(errors, 1);
    assert_int_equal(ar_cov_count(cov), 0); /* nothing of a failed report is kept */
    free(msg);
    ar_cov_free(cov);
  }
}

static void test_json_deep_nesting(void **state)
{
  (void)state;
  enum { DEPTH = 100000 };
  char *doc = malloc(2 * DEPTH + 32);
  assert_non_null(doc);
  size_t n = (size_t)sprintf(doc, "{\"files\": ");
  memset(doc + n, '[', DEPTH);
  memset(doc + n + DEPTH, ']', DEPTH);
  strcpy(doc + n + 2 * DEPTH, "}");
  ar_cov *cov = ar_cov_new();
  char *msg = NULL;
  size_t errors = 0;
  assert_int_equal(load_capture(cov, doc, 0, &errors, NULL, &msg), AR_EPARSE);
  assert_non_null(strstr(msg, "cov.json:1:"));
  assert_int_equal(errors, 1);
  free(msg);
  free(doc);
  ar_cov_free(cov);
}

/* Unreadable branch data is a warning (reported once); the lines still count. */
static void test_json_bad_branches_warn(void **state)
{
  (void)state;
  static const char doc[] =
      "{\"files\": {\n"
      " \"a.py\": {\"executed_lines\": [1, 2], \"missing_lines\": [3],\n"
      "  \"executed_branches\": [[1, 2], [1, \"x\"]], \"missing_branches\": [[1, 3]]},\n"
      " \"b.py\": {\"executed_lines\": [4], \"missing_lines\": [], \"missing_branches\": 5}}}";
  ar_cov *cov = ar_cov_new();
  char *msg = NULL;
  size_t errors = 0, warnings = 0;
  assert_int_equal(load_capture(cov, doc, 0, &errors, &warnings, &msg), 0);
  assert_int_equal(errors, 0);
  assert_int_equal(warnings, 1);
  assert_string_equal(msg, "cov.json:3:33: warning: files[\"a.py\"].executed_branches[1]: "
                           "expected a [from, to] pair of line numbers; branch data ignored "
                           "(reported once)\n");
  const ar_cov_file *a = ar_cov_lookup(cov, "a.py");
  assert_non_null(a);
  assert_int_equal(a->nlines, 3);
  assert_null(a->br_total); /* all of the file's branch data was dropped */
  assert_int_equal(ar_cov_line_hits(ar_cov_lookup(cov, "b.py"), 4), 1);
  free(msg);
  ar_cov_free(cov);
}

/* Every prefix of the real report is refused with a located message. */
static void test_json_truncated_everywhere(void **state)
{
  (void)state;
  FILE *fp = fopen(data_path("coverage.json"), "rb");
  assert_non_null(fp);
  static char doc[8192];
  size_t n = fread(doc, 1, sizeof doc, fp);
  fclose(fp);
  assert_true(n > 1000 && n < sizeof doc);
  while (n && (doc[n - 1] == '\n' || doc[n - 1] == ' ')) n--;
  for (size_t cut = 1; cut < n; cut++) {
    ar_cov *cov = ar_cov_new();
    char *msg = NULL;
    size_t errors = 0;
    int rc = load_capture(cov, doc, cut, &errors, NULL, &msg);
    if (rc != AR_EPARSE || errors != 1 || !strstr(msg, "cov.json:1:") ||
        !strstr(msg, "truncated"))
      fail_msg("cut at %zu: rc %d, %zu errors, \"%s\"", cut, rc, errors, msg);
    free(msg);
    ar_cov_free(cov);
  }
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_fixture_json),
      cmocka_unit_test(test_formats_agree),
      cmocka_unit_test(test_json_details),
      cmocka_unit_test(test_json_errors),
      cmocka_unit_test(test_json_deep_nesting),
      cmocka_unit_test(test_json_bad_branches_warn),
      cmocka_unit_test(test_json_truncated_everywhere),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
