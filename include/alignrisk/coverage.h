/* SPDX-License-Identifier: MIT
 * coverage.h - stage "coverage": line hits per source file from Cobertura XML, coverage.py
 * JSON or LCOV, recognised by content. Cobertura is read as a stream (libxml2 xmlTextReader,
 * no network, no DTD, no entity expansion) and each file's lines are packed (about a byte a
 * line) as soon as its <class> ends, so memory tracks the packed line data, not the report.
 * Several reports merge line by line: a line is covered when any report covered it. */
#ifndef AR_COVERAGE_H
#define AR_COVERAGE_H

#include "alignrisk/base.h"
#include "alignrisk/diag.h"
#include "alignrisk/model.h"

/** One measured source file. `name`, `nlines`, `nmissed` and `matched` are always valid.
 *  The arrays are unpacked on demand: they are filled in an entry that ar_cov_lookup() or
 *  ar_cov_decode() returned, and NULL in one only reached through ar_cov_at(). They stay
 *  valid until the next ar_cov_load*() into the same table or ar_cov_free(). */
typedef struct ar_cov_file {
  char *name;           /* path as the report names it, after path maps; '/' separators */
  uint32_t *lines;      /* statement line numbers, sorted ascending, without duplicates */
  uint32_t *hits;       /* hit count per entry of `lines` (merged: max over reports) */
  uint32_t *br_covered; /* branches taken per entry of `lines`; NULL: no branch data */
  uint32_t *br_total;   /* branches per entry of `lines` (0: not a branch line) */
  size_t nlines;
  size_t nmissed;       /* entries of `lines` with 0 hits */
  bool matched;         /* set by ar_cov_lookup when a scanned file maps to it */
} ar_cov_file;

typedef struct ar_cov ar_cov;

/** A new, empty coverage table. Owned by caller; release with ar_cov_free(). */
AR_NODISCARD ar_cov *ar_cov_new(void);
void ar_cov_free(ar_cov *cov);

/** Rewrite report paths that start with the prefix `from` so they start with `to` instead
 *  ("/home/runner/work/x/x" -> "." maps ".../x/x/app/a.py" to "app/a.py"). '/' and '\\'
 *  are the same separator in both; `from` matches whole path components only. Applied to
 *  every file name and <source> root of the reports loaded *after* this call, before
 *  matching; maps are tried in the order they were added and the first match wins. Both
 *  strings are copied. Returns 0, or AR_EUSAGE when `from` is empty or reports were
 *  already loaded into `cov`. */
AR_NODISCARD int ar_cov_add_path_map(ar_cov *cov, const char *from, const char *to);

/** Read the coverage report at `path` and merge it into `cov`. The format is chosen by
 *  content: '<' starts Cobertura XML (coverage.py `coverage xml`, pytest-cov), '{'
 *  coverage.py JSON (`coverage json`), "TN:" or "SF:" LCOV (`coverage lcov`, geninfo).
 *  A report is merged whole or not at all.
 *  Returns 0; AR_ENOTFOUND (missing or unreadable); AR_EPARSE (not a coverage report,
 *  malformed, truncated, wrong root element, a bad line number or hit count: an error
 *  "path:line[:col]: error: ..." was emitted; an LCOV line over 1 MiB is one too);
 *  AR_ELIMIT (a JSON report over 256 MiB). Usable oddities (an unknown LCOV record,
 *  malformed branch data, an unclosed LCOV record followed by the next) are warnings. A report may not pull in anything from outside itself: XML
 *  entities and DTDs are refused, nothing is fetched. Memory: O(packed line data) for XML
 *  and LCOV; JSON is parsed as one cJSON tree. */
AR_NODISCARD int ar_cov_load(ar_cov *cov, const char *path, ar_diag *dg);
/** Same, from `size` bytes at `data` (borrowed for the call); `name` is used in
 *  diagnostics (NULL: "<memory>"). */
AR_NODISCARD int ar_cov_load_mem(ar_cov *cov, const char *data, size_t size, const char *name,
                                 ar_diag *dg);

/** Find the entry for a scanned file, given its path relative to the scan root ('/'
 *  separators). Tries, in order: an exact name; each <source> root of the reports joined to
 *  the name and made relative; then the entry sharing the longest path suffix (whole path
 *  components) with `relpath`. Marks the entry matched and unpacks its arrays. Borrowed:
 *  lives as long as `cov`. NULL: the file is not measured. O(entries with the same
 *  basename) plus O(lines) to unpack the entry the first time. */
const ar_cov_file *ar_cov_lookup(ar_cov *cov, const char *relpath);

/** Free the arrays that ar_cov_lookup() or ar_cov_decode() unpacked in `f`, an entry of
 *  `cov` (its other members stay valid; the next lookup unpacks them again). For callers
 *  that visit every file once: memory then holds one file's lines, not the report's. */
void ar_cov_release(ar_cov *cov, const ar_cov_file *f);

/** Hits for `line`: -1 when the line is not a statement the report measured (or `f` is
 *  NULL, or its arrays are not unpacked). O(log lines). */
long ar_cov_line_hits(const ar_cov_file *f, uint32_t line);

/** Number of files in the table, and the i-th (in load order) without its arrays
 *  (ar_cov_decode() unpacks them). Borrowed: lives as long as `cov`. */
size_t ar_cov_count(const ar_cov *cov);
const ar_cov_file *ar_cov_at(const ar_cov *cov, size_t i);
/** The i-th file with its arrays unpacked; does not mark it matched. */
const ar_cov_file *ar_cov_decode(ar_cov *cov, size_t i);

/** Apply (coverage_apply.c): fill run->filecov for every scanned file (measured: statements
 *  and lines with 0 hits from `cov`; not measured: the file's own statement count, all
 *  untested), each finding's line_hits, and the count and first names of report entries
 *  that map to no scanned file. `cov` may be NULL (no coverage at all). */
void ar_coverage_apply(ar_run *run, ar_cov *cov);

#endif
