/* SPDX-License-Identifier: MIT
 * cov_read.c - bench driver: load coverage reports with ar_cov_load and nothing else, so
 * the timing is the coverage reader's alone. Prints the number of files and lines read.
 *
 *   cov_read REPORT...        (exit 2 when a report does not load) */
#include <stdio.h>

#include "alignrisk/coverage.h"

int main(int argc, char **argv)
{
  ar_diag dg;
  ar_diag_init(&dg, stderr);
  ar_cov *cov = ar_cov_new();
  int rc = 0;
  for (int i = 1; i < argc && rc == 0; i++)
    if (ar_cov_load(cov, argv[i], &dg) < 0) rc = 2;
  size_t lines = 0;
  for (size_t i = 0; i < ar_cov_count(cov); i++) lines += ar_cov_at(cov, i)->nlines;
  printf("%zu files, %zu lines\n", ar_cov_count(cov), lines);
  ar_cov_free(cov);
  ar_diag_dispose(&dg);
  return rc;
}
