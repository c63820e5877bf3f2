/* SPDX-License-Identifier: MIT
 * buf.c - ar_buf growable capped buffer. */
#include "alignrisk/buf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alignrisk/mem.h"

static char empty_[1];

void ar_buf_init(ar_buf *b, size_t max)
{
  b->ptr = empty_;
  b->len = b->cap = 0;
  b->max = max ? max : AR_MAX_REPORT_BYTES;
}

void ar_buf_dispose(ar_buf *b)
{
  if (b->cap) free(b->ptr);
  b->ptr = empty_;
  b->len = b->cap = 0;
}

void ar_buf_clear(ar_buf *b)
{
  b->len = 0;
  if (b->cap) b->ptr[0] = '\0';
}

int ar_buf_put(ar_buf *b, const char *p, size_t n)
{
  if (n > b->max - b->len) {
    ar_buf_dispose(b);
    return AR_ELIMIT;
  }
  if (b->len + n + 1 > b->cap) {
    size_t nc = b->cap ? b->cap : 256;
    while (nc < b->len + n + 1) nc *= 2;
    char *np = b->cap ? ar_xrealloc(b->ptr, nc) : ar_xmalloc(nc);
    b->ptr = np;
    b->cap = nc;
  }
  if (n) memcpy(b->ptr + b->len, p, n);
  b->len += n;
  b->ptr[b->len] = '\0';
  return AR_OK;
}

int ar_buf_puts(ar_buf *b, const char *s) { return ar_buf_put(b, s, strlen(s)); }
int ar_buf_putc(ar_buf *b, char c) { return ar_buf_put(b, &c, 1); }

int ar_buf_vprintf(ar_buf *b, const char *fmt, va_list ap)
{
  char small[512];
  va_list ap2;
  va_copy(ap2, ap);
  int n = vsnprintf(small, sizeof small, fmt, ap);
  if (n < 0) {
    va_end(ap2);
    return AR_ERROR;
  }
  int err;
  if ((size_t)n < sizeof small) {
    err = ar_buf_put(b, small, (size_t)n);
  } else {
    char *big = ar_xmalloc((size_t)n + 1);
    vsnprintf(big, (size_t)n + 1, fmt, ap2);
    err = ar_buf_put(b, big, (size_t)n);
    free(big);
  }
  va_end(ap2);
  return err;
}

int ar_buf_printf(ar_buf *b, const char *fmt, ...)
{
  va_list ap;
  va_start(ap, fmt);
  int err = ar_buf_vprintf(b, fmt, ap);
  va_end(ap);
  return err;
}

char *ar_buf_take(ar_buf *b)
{
  char *p = b->cap ? b->ptr : ar_xstrdup("");
  size_t max = b->max;
  ar_buf_init(b, max);
  return p;
}
