/* SPDX-License-Identifier: MIT
 * fuzz.h - what every harness in tests/fuzz/ shares: the libFuzzer entry point's
 * prototype, a diagnostic sink that is silent unless FUZZ_VERBOSE=1 (so a replayed crash
 * can show what the code said before it), and FUZZ_CHECK, the oracle that turns a broken
 * promise (not just a crash) into an abort the fuzzer and the replay both notice. */
#ifndef AR_FUZZ_H
#define AR_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "alignrisk/diag.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static inline void fuzz_diag_init(ar_diag *dg)
{
  const char *v = getenv("FUZZ_VERBOSE");
  ar_diag_init(dg, v && *v == '1' ? stderr : NULL);
}

/* A property the code promises does not hold: abort, as a sanitizer would. */
#define FUZZ_CHECK(e) \
  ((e) ? (void)0 : (fprintf(stderr, "%s:%d: fuzz check failed: %s\n", __FILE__, __LINE__, #e), abort()))

#endif
