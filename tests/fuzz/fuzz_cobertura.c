/* SPDX-License-Identifier: MIT
 * fuzz_cobertura.c - libFuzzer harness for the Cobertura XML (coverage.py `coverage xml`, pytest-cov) reader:
 * ar_cov_load_mem and ar_cov__read_xml on arbitrary bytes (body in fuzz_coverage.h). */
#include "fuzz_coverage.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  return fuzz_coverage(data, size, ar_cov__read_xml);
}
