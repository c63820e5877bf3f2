/* SPDX-License-Identifier: MIT
 * buf.h - ar_buf, a growable NUL-terminated byte buffer with a size cap.
 * Utility layer. `ptr` is never NULL after init; on hitting the cap the buffer
 * empties itself and returns AR_ELIMIT, so a report is whole or absent. */
#ifndef AR_BUF_H
#define AR_BUF_H

#include <stdarg.h>

#include "alignrisk/base.h"

typedef struct ar_buf {
  char *ptr;
  size_t len, cap, max;
} ar_buf;

void ar_buf_init(ar_buf *b, size_t max);
void ar_buf_dispose(ar_buf *b);
void ar_buf_clear(ar_buf *b);
/** Append bytes; AR_ELIMIT (and the buffer is emptied) when len would pass max. */
AR_NODISCARD int ar_buf_put(ar_buf *b, const char *p, size_t n);
AR_NODISCARD int ar_buf_puts(ar_buf *b, const char *s);
AR_NODISCARD int ar_buf_putc(ar_buf *b, char c);
AR_NODISCARD int ar_buf_printf(ar_buf *b, const char *fmt, ...) AR_PRINTF(2, 3);
AR_NODISCARD int ar_buf_vprintf(ar_buf *b, const char *fmt, va_list ap) AR_PRINTF(2, 0);
/** Hand the bytes to the caller (owned by caller, free()); the buffer is re-initialised. */
AR_NODISCARD char *ar_buf_take(ar_buf *b);

/** A slice of text that someone else owns. Never keep one past its owner's life. */
typedef struct ar_sv {
  const char *p;
  size_t n;
} ar_sv;

#endif
