/* SPDX-License-Identifier: MIT
 * fuzz_coverage.h - the body shared by the three coverage harnesses (fuzz_cobertura.c,
 * fuzz_coverage_json.c, fuzz_lcov.c). Each input goes through the public entry point
 * (sniffer, reader, merge into a table with a path map), then a second time into the same
 * table (a merge of a report with itself), and once straight into its format's reader, so
 * mutations that break the first bytes still reach the reader. A table that loaded is
 * checked, not just walked: lines strictly ascending, the missed count right, every line's
 * hits found again by ar_cov_line_hits, every entry found again by its own name. */
#ifndef AR_FUZZ_COVERAGE_H
#define AR_FUZZ_COVERAGE_H

#include <string.h>

#include "alignrisk/coverage.h"
#include "coverage_int.h"
#include "fuzz.h"

typedef int (*fuzz_cov_reader)(ar_cov *stage, ar_cov__input *in, const char *name, ar_diag *dg);

static void fuzz_cov_check(ar_cov *cov)
{
  size_t n = ar_cov_count(cov);
  for (size_t i = 0; i < n; i++) {
    const ar_cov_file *f = ar_cov_decode(cov, i);
    FUZZ_CHECK(f && f->name);
    size_t missed = 0;
    for (size_t j = 0; j < f->nlines; j++) {
      FUZZ_CHECK(f->lines != NULL && f->hits != NULL);
      FUZZ_CHECK(j == 0 || f->lines[j - 1] < f->lines[j]);
      FUZZ_CHECK(ar_cov_line_hits(f, f->lines[j]) == (long)f->hits[j]);
      if (f->br_total) FUZZ_CHECK(f->br_covered != NULL);
      missed += f->hits[j] == 0;
    }
    FUZZ_CHECK(missed == f->nmissed);
    /* An entry is found by its own name: names are stored normalized ('/' separators,
     * no "." components), so the exact match always wins. Only "/" has no basename. */
    const ar_cov_file *g = ar_cov_lookup(cov, f->name);
    if (strcmp(f->name, "/") != 0) FUZZ_CHECK(g && strcmp(g->name, f->name) == 0);
  }
  /* Suffix and <source>-root matching over whatever the report named. */
  static const char *const probes[] = {"app/models.py", "a.py", "app/services/svc.py",
                                       "pkg/__init__.py", "x/y/z/w.py", "app/", ""};
  for (size_t i = 0; i < sizeof probes / sizeof probes[0]; i++) {
    const ar_cov_file *f = ar_cov_lookup(cov, probes[i]);
    if (f) (void)ar_cov_line_hits(f, 1);
  }
}

static int fuzz_coverage(const uint8_t *data, size_t size, fuzz_cov_reader reader)
{
  ar_diag dg;
  fuzz_diag_init(&dg);
  const char *text = (const char *)data;

  ar_cov *cov = ar_cov_new();
  int err = ar_cov_add_path_map(cov, "/home/runner/work/x/x", ".");
  FUZZ_CHECK(err == 0);
  err = ar_cov_add_path_map(cov, "C:\\src", "app");
  FUZZ_CHECK(err == 0);
  if (ar_cov_load_mem(cov, text, size, "fuzz", &dg) == 0) {
    fuzz_cov_check(cov);
    size_t before = ar_cov_count(cov);
    /* The same report again merges line by line and adds no entry. */
    err = ar_cov_load_mem(cov, text, size, "fuzz", &dg);
    FUZZ_CHECK(err == 0);
    FUZZ_CHECK(ar_cov_count(cov) == before);
    fuzz_cov_check(cov);
  }
  ar_cov_free(cov);

  ar_cov *stage = ar_cov_new();
  ar_cov__input in = {.mem = text, .size = size};
  (void)reader(stage, &in, "fuzz", &dg);
  free(in.head);
  ar_cov_free(stage);

  ar_diag_dispose(&dg);
  return 0;
}

#endif
