/* SPDX-License-Identifier: MIT
 * coverage.h - stage "coverage": line hits per source file from Cobertura XML.
 * Reads coverage.py / pytest-cov `coverage.xml` as a stream (libxml2 xmlTextReader, no
 * network, no DTD, no entity expansion), so memory tracks one file's line data. Several
 * reports merge line by line: a line is covered when any report covered it. */
#ifndef AR_COVERAGE_H
#define AR_COVERAGE_H

#include "alignrisk/base.h"
#include "alignrisk/diag.h"
#include "alignrisk/model.h"

/** One measured source file. `lines` is sorted ascending, without duplicates. */
typedef struct ar_cov_file {
  char *name;        /* path as the report names it, '/' separators, owned by the ar_cov */
  uint32_t *lines;   /* statement line numbers */
  uint32_t *hits;    /* hit count per entry of `lines` (merged: max over reports) */
  size_t nlines;
  bool matched;      /* set by ar_cov_lookup when a scanned file maps to it */
} ar_cov_file;

typedef struct ar_cov ar_cov;

/** A new, empty coverage table. Owned by caller; release with ar_cov_free(). */
AR_NODISCARD ar_cov *ar_cov_new(void);
void ar_cov_free(ar_cov *cov);

/** Stream the Cobertura report at `path` and merge it into `cov`.
 *  Returns 0; AR_ENOTFOUND (file missing or unreadable); AR_EPARSE (malformed XML, wrong
 *  root element, a <line> without a valid number: an error naming path:line was emitted).
 *  A report may not pull in anything from outside itself: entities and DTDs are refused. */
AR_NODISCARD int ar_cov_load(ar_cov *cov, const char *path, ar_diag *dg);
/** Same, from memory; `name` is used in diagnostics. */
AR_NODISCARD int ar_cov_load_mem(ar_cov *cov, const char *data, size_t size, const char *name,
                                 ar_diag *dg);

/** Find the entry for a scanned file, given its path relative to the scan root ('/'
 *  separators). Tries, in order: an exact name; each <source> root of the reports joined to
 *  the name and made relative; then the entry sharing the longest path suffix (whole path
 *  components) with `relpath`. Marks the entry matched. Borrowed: lives as long as `cov`.
 *  NULL: the file is not measured. O(entries with the same basename). */
const ar_cov_file *ar_cov_lookup(ar_cov *cov, const char *relpath);

/** Hits for `line`: -1 when the line is not a statement the report measured. */
long ar_cov_line_hits(const ar_cov_file *f, uint32_t line);

/** Number of files in the table, and the i-th (in load order). */
size_t ar_cov_count(const ar_cov *cov);
const ar_cov_file *ar_cov_at(const ar_cov *cov, size_t i);

/** Apply (coverage_apply.c): fill run->filecov for every scanned file (measured: statements
 *  and lines with 0 hits from `cov`; not measured: the file's own statement count, all
 *  untested), each finding's line_hits, and the count and first names of report entries
 *  that map to no scanned file. `cov` may be NULL (no coverage at all). */
void ar_coverage_apply(ar_run *run, ar_cov *cov);

#endif
