/* SPDX-License-Identifier: MIT
 * fuzz_coverage_json.c - libFuzzer harness for the coverage.py JSON (`coverage json`) reader:
 * ar_cov_load_mem and ar_cov__read_json on arbitrary bytes (body in fuzz_coverage.h). */
#include "fuzz_coverage.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  return fuzz_coverage(data, size, ar_cov__read_json);
}
