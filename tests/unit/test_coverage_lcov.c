/* SPDX-License-Identifier: MIT
 * test_coverage_lcov.c - unit tests for the LCOV tracefile reader (`coverage lcov`,
 * geninfo): real output, records merged and branch counts, and broken tracefiles, each
 * refused with file:line and what was expected, or warned about when still usable. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "alignrisk/coverage.h"
#include "coverage_support.h"

/* A report named "cov.info" from memory (see coverage_support.h). */
static int load_capture(ar_cov *cov, const char *doc, size_t len, size_t *errors,
                        size_t *warnings, char **msg)
{
  return load_named(cov, doc, len, "cov.info", errors, warnings, msg);
}

/* tests/unit/data/coverage/coverage.lcov: coverage.py 6.5 `coverage lcov` (DA lines with
 * checksums, out of order; BRDA on the branch's destination line, as 6.5 wrote it). */
static void test_fixture_lcov(void **state)
{
  (void)state;
  ar_cov *cov = load_fixture("coverage.lcov");
  assert_int_equal(ar_cov_count(cov), 4);
  const ar_cov_file *b = ar_cov_lookup(cov, "app/services/billing.py");
  assert_non_null(b);
  assert_int_equal(b->nlines, 18);
  assert_int_equal(b->nmissed, 7);
  for (size_t i = 1; i < b->nlines; i++) assert_true(b->lines[i - 1] < b->lines[i]);
  assert_int_equal(ar_cov_line_hits(b, 8), 0);
  assert_int_equal(ar_cov_line_hits(b, 21), 1);
  assert_non_null(b->br_total);
  size_t k = 0;
  while (b->lines[k] != 17) k++;
  assert_int_equal(b->br_total[k], 1); /* BRDA:17,3,0,- */
  assert_int_equal(b->br_covered[k], 0);
  assert_non_null(ar_cov_lookup(cov, "app/__init__.py"));
  ar_cov_free(cov);
}

static void test_lcov_records(void **state)
{
  (void)state;
  /* geninfo style: TN, FN/FNDA, BRDA before DA, LF/LH; a second record for the same file
   * (one per test) merges; CRLF line ends; a final line without '\n'. */
  static const char doc[] =
      "TN:unit\r\nSF:/home/runner/work/x/x/src/a.c\r\nFN:3,main\r\nFNDA:1,main\r\nFNF:1\r\n"
      "FNH:1\r\nBRDA:4,0,0,2\r\nBRDA:4,0,1,-\r\nBRDA:4,0,2,0\r\nBRF:3\r\nBRH:1\r\n"
      "DA:3,1\r\nDA:4,2\r\nDA:5,0\r\nLF:3\r\nLH:2\r\nend_of_record\r\n"
      "TN:other\nSF:/home/runner/work/x/x/src/a.c\nDA:5,7,abcdef\nDA:6,0\nend_of_record\n"
      "SF:b.py\nDA:1,18446744073709551616\nend_of_record";
  ar_diag dg;
  ar_diag_init(&dg, NULL);
  ar_cov *cov = ar_cov_new();
  assert_int_equal(ar_cov_load_mem(cov, doc, strlen(doc), "t.info", &dg), 0);
  assert_int_equal(dg.errors + dg.warnings, 0);
  assert_int_equal(ar_cov_count(cov), 2);
  const ar_cov_file *a = ar_cov_lookup(cov, "src/a.c");
  assert_non_null(a);
  assert_int_equal(a->nlines, 4);
  static const uint32_t lines[] = {3, 4, 5, 6}, hits[] = {1, 2, 7, 0};
  for (size_t i = 0; i < 4; i++) {
    assert_int_equal(a->lines[i], lines[i]);
    assert_int_equal(a->hits[i], hits[i]);
  }
  assert_int_equal(a->br_total[1], 3);
  assert_int_equal(a->br_covered[1], 1);
  assert_int_equal(a->br_total[0], 0);
  assert_int_equal(ar_cov_line_hits(ar_cov_lookup(cov, "b.py"), 1), UINT32_MAX); /* saturated */
  ar_cov_free(cov);
  ar_diag_dispose(&dg);
}

static void test_lcov_errors(void **state)
{
  (void)state;
  static const struct { const char *doc; int rc; const char *want; } rows[] = {
      {"TN:\nDA:1,1\n", AR_EPARSE,
       "cov.info:2: error: DA: outside a record: expected SF:<path> before it"},
      {"SF:a.py\nDA:1,1\nend_of_record\nDA:2,1\n", AR_EPARSE,
       "cov.info:4: error: DA: outside a record"},
      {"SF:a.py\nBRDA:1,0,0,1\nend_of_record\nBRDA:1,0,0,1\n", AR_EPARSE,
       "cov.info:4: error: BRDA: outside a record"},
      {"SF:a.py\nDA:1,-2\nend_of_record\n", AR_EPARSE,
       "cov.info:2: error: DA:1,-2: negative hit count (expected a non-negative integer)"},
      {"SF:a.py\nDA:1,x\nend_of_record\n", AR_EPARSE,
       "cov.info:2: error: DA:1,x: expected DA:<line>,<hits> with a non-negative hit count"},
      {"SF:a.py\nDA:1\nend_of_record\n", AR_EPARSE, "DA:1: expected DA:<line>,<hits> with a "
                                                    "non-negative hit count"},
      {"SF:a.py\nDA:1.5,1\nend_of_record\n", AR_EPARSE,
       "cov.info:2: error: DA:1.5,1: expected DA:<line>,<hits> with a positive line number"},
      {"SF:a.py\nDA:-1,1\nend_of_record\n", AR_EPARSE, "DA:-1,1: expected DA:<line>,<hits> with "
                                                       "a positive line number"},
      {"SF:a.py\nDA:0,1\nend_of_record\n", AR_EPARSE, "DA:0,1: expected"},
      {"SF:a.py\nDA:4294967296,1\nend_of_record\n", AR_EPARSE, "positive line number"},
      {"SF:a.py\nDA: 1,1\nend_of_record\n", AR_EPARSE, "positive line number"},
      {"SF:\nend_of_record\n", AR_EPARSE, "cov.info:1: error: SF: without a path"},
      {"SF:./\nend_of_record\n", AR_EPARSE, "SF: without a path"},
      {"SF:a.py\nDA:1,1\nthis is not lcov\n", AR_EPARSE,
       "cov.info:3: error: expected an LCOV record (SF:, DA:, end_of_record, ...), found 'this "
       "is not lcov'"},
      {"SF:a.py\nDA:1,1\n", AR_EPARSE,
       "cov.info:3: error: unexpected end of file in the record for \"a.py\" (SF: on line 1, no "
       "end_of_record): the report is truncated"},
      {"SF:a.py\nDA:1,1\nend_of_rec", AR_EPARSE, "cov.info:3: error: expected an LCOV record"},
      {"SF:a.py\nDA:1,1\nDA:2", AR_EPARSE, "cov.info:3: error: DA:2: expected"},
      {NULL, 0, NULL}};
  for (size_t i = 0; rows[i].doc; i++) {
    ar_cov *cov = ar_cov_new();
    char *msg = NULL;
    size_t errors = 0;
    int rc = load_capture(cov, rows[i].doc, 0, &errors, NULL, &msg);
    if (rc != rows[i].rc || !strstr(msg, rows[i].want))
      fail_msg("row %zu: rc %d (want %d), message \"%s\" (want \"%s\")", i, rc, rows[i].rc, msg,
               rows[i].want);
    assert_int_equal(errors, 1);
    assert_int_equal(ar_cov_count(cov), 0);
    free(msg);
    ar_cov_free(cov);
  }
  static const char nul[] = "SF:a.py\nDA:1,1\0\nend_of_record\n";
  ar_cov *cov = ar_cov_new();
  char *msg = NULL;
  size_t errors = 0;
  assert_int_equal(load_capture(cov, nul, sizeof nul - 1, &errors, NULL, &msg), AR_EPARSE);
  assert_string_equal(msg, "cov.info:2: error: NUL byte: only UTF-8 coverage reports are "
                           "supported\n");
  free(msg);
  ar_cov_free(cov);
}

/* Oddities that leave the data usable: warnings, each kind once, and the lines kept. */
static void test_lcov_warnings(void **state)
{
  (void)state;
  static const char doc[] =
      "TN:\n"
      "SF:a.py\n"
      "DA:1,1\n"
      "SF:b.py\n"              /* a.py's record was never closed: closed here */
      "XYZ:1\n"                /* unknown record */
      "QQ:2\n"                 /* (not reported again) */
      "BRDA:1,0,0\n"           /* malformed branch data */
      "BRDA:x,0,0,1\n"         /* (not reported again) */
      "DA:2,0\n"
      "end_of_record\n"
      "end_of_record\n";       /* without a record */
  ar_cov *cov = ar_cov_new();
  char *msg = NULL;
  size_t errors = 0, warnings = 0;
  assert_int_equal(load_capture(cov, doc, 0, &errors, &warnings, &msg), 0);
  assert_int_equal(errors, 0);
  assert_string_equal(msg,
                      "cov.info:4: warning: SF: before the end_of_record of the record for "
                      "\"a.py\" (line 2); closed it here\n"
                      "cov.info:5: warning: unknown LCOV record 'XYZ:'; ignored (reported once)\n"
                      "cov.info:7: warning: BRDA:1,0,0: expected BRDA:<line>,<block>,<branch>,"
                      "<taken>; ignored (reported once)\n"
                      "cov.info:11: warning: end_of_record without an open SF: record; ignored\n");
  assert_int_equal(warnings, 4);
  assert_int_equal(ar_cov_line_hits(ar_cov_lookup(cov, "a.py"), 1), 1);
  assert_int_equal(ar_cov_line_hits(ar_cov_lookup(cov, "b.py"), 2), 0);
  free(msg);
  ar_cov_free(cov);
}

/* A line longer than 1 MiB is not LCOV; a long but sane path is. */
static void test_lcov_long_lines(void **state)
{
  (void)state;
  size_t big = ((size_t)1 << 20) + 10;
  char *doc = malloc(big + 64);
  assert_non_null(doc);
  strcpy(doc, "SF:");
  memset(doc + 3, 'a', big);
  strcpy(doc + 3 + big, "\nend_of_record\n");
  ar_cov *cov = ar_cov_new();
  char *msg = NULL;
  size_t errors = 0;
  assert_int_equal(load_capture(cov, doc, 0, &errors, NULL, &msg), AR_EPARSE);
  assert_string_equal(msg, "cov.info:1: error: line longer than 1 MiB: not an LCOV tracefile\n");
  free(msg);
  ar_cov_free(cov);

  memset(doc + 3, 'b', 5000);
  strcpy(doc + 5003, ".py\nDA:3,1\nend_of_record\n");
  cov = ar_cov_new();
  assert_int_equal(load_capture(cov, doc, 0, &errors, NULL, &msg), 0);
  assert_int_equal(ar_cov_at(cov, 0)->nlines, 1);
  free(msg);
  ar_cov_free(cov);
  free(doc);
}

/* Read through a file, a report whose lines straddle the reader's 64 KiB chunks. */
static void test_lcov_file_chunks(void **state)
{
  (void)state;
  char path[] = "/tmp/ar_test_lcov_XXXXXX";
  int fd = mkstemp(path);
  assert_true(fd >= 0);
  FILE *fp = fdopen(fd, "wb");
  assert_non_null(fp);
  enum { FILES = 40, LINES = 900 };
  for (int f = 0; f < FILES; f++) {
    fprintf(fp, "TN:\nSF:/ci/proj/pkg/mod_%d.py\n", f);
    for (int l = 1; l <= LINES; l++) fprintf(fp, "DA:%d,%d,checksum%d\n", l * 2, (l + f) % 3, l);
    fputs("end_of_record\n", fp);
  }
  assert_int_equal(fclose(fp), 0);
  ar_diag dg;
  ar_diag_init(&dg, NULL);
  ar_cov *cov = ar_cov_new();
  assert_int_equal(ar_cov_add_path_map(cov, "/ci/proj", "."), 0);
  assert_int_equal(ar_cov_load(cov, path, &dg), 0);
  assert_int_equal(ar_cov_count(cov), FILES);
  for (int f = 0; f < FILES; f++) {
    char rel[64];
    snprintf(rel, sizeof rel, "pkg/mod_%d.py", f);
    const ar_cov_file *e = ar_cov_lookup(cov, rel);
    assert_non_null(e);
    assert_string_equal(e->name, rel);
    assert_int_equal(e->nlines, LINES);
    assert_int_equal(ar_cov_line_hits(e, 2 * 450), (450 + f) % 3);
  }
  unlink(path);
  ar_cov_free(cov);
  ar_diag_dispose(&dg);
}

/* Every prefix of the real tracefile: an error (or, cut between records, a smaller valid
 * report), never a crash. */
static void test_lcov_truncated_everywhere(void **state)
{
  (void)state;
  FILE *fp = fopen(data_path("coverage.lcov"), "rb");
  assert_non_null(fp);
  static char doc[8192];
  size_t n = fread(doc, 1, sizeof doc, fp);
  fclose(fp);
  assert_true(n > 500 && n < sizeof doc);
  size_t failed = 0;
  for (size_t cut = 1; cut < n; cut++) {
    ar_cov *cov = ar_cov_new();
    char *msg = NULL;
    size_t errors = 0;
    int rc = load_capture(cov, doc, cut, &errors, NULL, &msg);
    // Whole records and "TN:" lines before the next SF: are a valid, smaller tracefile.
    static const char *const whole[] = {"end_of_record\n", "end_of_record", "TN:\n", "TN:"};
    bool valid = false;
    for (size_t w = 0; w < 4; w++) {
      size_t k = strlen(whole[w]);
      valid |= cut >= k && !memcmp(doc + cut - k, whole[w], k);
    }
    if (valid) {
      assert_int_equal(rc, 0);
    } else if (rc != AR_EPARSE || errors != 1 || !strstr(msg, "cov.info:")) {
      fail_msg("cut at %zu: rc %d, %zu errors, \"%s\"", cut, rc, errors, msg);
    }
    failed += rc != 0;
    free(msg);
    ar_cov_free(cov);
  }
  assert_true(failed > n / 2);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_fixture_lcov),
      cmocka_unit_test(test_lcov_records),
      cmocka_unit_test(test_lcov_errors),
      cmocka_unit_test(test_lcov_warnings),
      cmocka_unit_test(test_lcov_long_lines),
      cmocka_unit_test(test_lcov_file_chunks),
      cmocka_unit_test(test_lcov_truncated_everywhere),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
