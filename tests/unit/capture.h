/* SPDX-License-Identifier: MIT
 * capture.h - test support, included by unit tests after cmocka.h: an ar_diag sink that
 * writes into memory so a test can read what was reported, and assert_contains. */
#ifndef AR_TEST_CAPTURE_H
#define AR_TEST_CAPTURE_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alignrisk/diag.h"

typedef struct capture {
  char *text;
  size_t len;
  FILE *f;
  ar_diag dg;
} capture;

static inline void cap_open(capture *c)
{
  c->text = NULL;
  c->len = 0;
  c->f = open_memstream(&c->text, &c->len);
  assert_non_null(c->f);
  ar_diag_init(&c->dg, c->f);
}

static inline const char *cap_text(capture *c)
{
  fflush(c->f);
  return c->text ? c->text : "";
}

static inline void cap_close(capture *c)
{
  ar_diag_dispose(&c->dg);
  fclose(c->f);
  free(c->text);
}

#define assert_contains(hay, needle)                                                         \
  do {                                                                                       \
    const char *h_ = (hay), *n_ = (needle);                                                  \
    if (!strstr(h_, n_)) fail_msg("expected \"%s\" in:\n%s", n_, h_);                        \
  } while (0)

#endif
