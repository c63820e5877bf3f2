/* SPDX-License-Identifier: MIT
 * base.c - status code text and the assertion handler. */
#include "alignrisk/base.h"

#include <stdio.h>
#include <stdlib.h>

const char *ar_strerror(int code)
{
  switch (code) {
  case AR_OK: return "success";
  case AR_ENOTFOUND: return "not found";
  case AR_EPARSE: return "malformed input";
  case AR_ELIMIT: return "size limit exceeded";
  case AR_EUSAGE: return "usage error";
  case AR_EVERSION: return "incompatible version";
  default: return "error";
  }
}

void ar_assert_fail(const char *expr, const char *file, int line)
{
  fprintf(stderr, "alignrisk: internal error: %s:%d: assertion failed: %s\n", file, line, expr);
  abort();
}
