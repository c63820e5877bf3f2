/* SPDX-License-Identifier: MIT
 * fuzz_lcov.c - libFuzzer harness for the LCOV tracefiles (`coverage lcov`, geninfo) reader:
 * ar_cov_load_mem and ar_cov__read_lcov on arbitrary bytes (body in fuzz_coverage.h). */
#include "fuzz_coverage.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  return fuzz_coverage(data, size, ar_cov__read_lcov);
}
