/* SPDX-License-Identifier: MIT
 * coverage_support.h - test support for the coverage suites, included after cmocka.h:
 * the fixture folder, loading a fixture report, and loading a report from memory with its
 * diagnostics captured. */
#ifndef AR_TEST_COVERAGE_SUPPORT_H
#define AR_TEST_COVERAGE_SUPPORT_H

#include <stdio.h>
#include <string.h>

#include "alignrisk/coverage.h"

/* tests/unit/data/coverage/NAME, found from this file's path (make runs from the root). */
static inline const char *data_path(const char *name)
{
  static char buf[4096];
  const char *slash = strrchr(__FILE__, '/');
  int dir = slash ? (int)(slash - __FILE__) : 0;
  snprintf(buf, sizeof buf, "%.*s%sdata/coverage/%s", dir, __FILE__, slash ? "/" : "", name);
  return buf;
}

/* Load `len` bytes of `doc` (0: strlen) as a report named `name`; the diagnostics go to
 * `*msg` (owned by caller; free()), their counts to *errors and *warnings (may be NULL). */
static inline int load_named(ar_cov *cov, const char *doc, size_t len, const char *name,
                             size_t *errors, size_t *warnings, char **msg)
{
  size_t n = 0;
  FILE *fp = open_memstream(msg, &n);
  ar_diag dg;
  assert_non_null(fp);
  ar_diag_init(&dg, fp);
  int rc = ar_cov_load_mem(cov, doc, len ? len : strlen(doc), name, &dg);
  *errors = dg.errors;
  if (warnings) *warnings = dg.warnings;
  ar_diag_dispose(&dg);
  fclose(fp);
  return rc;
}

/* tests/unit/data/coverage/NAME loaded into a new table, which the caller frees; the load
 * must succeed without a single diagnostic. */
static inline ar_cov *load_fixture(const char *name)
{
  ar_diag dg;
  ar_diag_init(&dg, NULL);
  ar_cov *cov = ar_cov_new();
  assert_int_equal(ar_cov_load(cov, data_path(name), &dg), 0);
  assert_int_equal(dg.errors + dg.warnings, 0);
  ar_diag_dispose(&dg);
  return cov;
}

#endif
