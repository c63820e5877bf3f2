/* SPDX-License-Identifier: MIT
 * diag.h - ar_diag, the sink for errors and warnings in "path:line:col: severity: msg" form.
 * Utility layer. Passed explicitly to every function that can fail; never a global.
 * Thread-safe: workers of the parse pool report through the same sink. */
#ifndef AR_DIAG_H
#define AR_DIAG_H

#include <pthread.h>
#include <stdio.h>

#include "alignrisk/base.h"

typedef enum { AR_DIAG_WARNING, AR_DIAG_ERROR } ar_diag_level;

typedef struct ar_diag {
  FILE *out;          /* NULL: count only (silent) */
  size_t errors, warnings;
  bool quiet_warnings; /* --quiet: warnings are counted, not printed */
  pthread_mutex_t lock;
} ar_diag;

/** Initialise a sink that prints to `out` (stderr usually); NULL makes it silent. */
void ar_diag_init(ar_diag *dg, FILE *out);
void ar_diag_dispose(ar_diag *dg);
/** Emit "path:line:col: error: msg". line/col 0 are left out of the prefix. path may be NULL
 *  (then the prefix is "alignrisk"). */
void ar_diag_errorf(ar_diag *dg, const char *path, long line, long col, const char *fmt, ...)
    AR_PRINTF(5, 6);
void ar_diag_warnf(ar_diag *dg, const char *path, long line, long col, const char *fmt, ...)
    AR_PRINTF(5, 6);

#endif
