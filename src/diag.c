/* SPDX-License-Identifier: MIT
 * diag.c - the diagnostics sink: compiler-style lines on stderr, counted. */
#include "alignrisk/diag.h"

#include <stdarg.h>

void ar_diag_init(ar_diag *dg, FILE *out)
{
  dg->out = out;
  dg->errors = dg->warnings = 0;
  dg->quiet_warnings = false;
  pthread_mutex_init(&dg->lock, NULL);
}

void ar_diag_dispose(ar_diag *dg) { pthread_mutex_destroy(&dg->lock); }

static void emit(ar_diag *dg, ar_diag_level lvl, const char *path, long line, long col,
                 const char *fmt, va_list ap) AR_PRINTF(6, 0);

static void emit(ar_diag *dg, ar_diag_level lvl, const char *path, long line, long col,
                 const char *fmt, va_list ap)
{
  pthread_mutex_lock(&dg->lock);
  if (lvl == AR_DIAG_ERROR)
    dg->errors++;
  else
    dg->warnings++;
  if (dg->out && !(lvl == AR_DIAG_WARNING && dg->quiet_warnings)) {
    fputs(path ? path : "alignrisk", dg->out);
    if (line > 0) fprintf(dg->out, ":%ld", line);
    if (line > 0 && col > 0) fprintf(dg->out, ":%ld", col);
    fputs(lvl == AR_DIAG_ERROR ? ": error: " : ": warning: ", dg->out);
    vfprintf(dg->out, fmt, ap);
    fputc('\n', dg->out);
  }
  pthread_mutex_unlock(&dg->lock);
}

void ar_diag_errorf(ar_diag *dg, const char *path, long line, long col, const char *fmt, ...)
{
  va_list ap;
  va_start(ap, fmt);
  emit(dg, AR_DIAG_ERROR, path, line, col, fmt, ap);
  va_end(ap);
}

void ar_diag_warnf(ar_diag *dg, const char *path, long line, long col, const char *fmt, ...)
{
  va_list ap;
  va_start(ap, fmt);
  emit(dg, AR_DIAG_WARNING, path, line, col, fmt, ap);
  va_end(ap);
}
