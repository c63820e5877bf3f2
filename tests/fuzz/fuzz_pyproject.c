/* SPDX-License-Identifier: MIT
 * fuzz_pyproject.c - libFuzzer harness for the configuration reader: [tool.alignrisk] of
 * a pyproject.toml (tree-sitter TOML grammar) on arbitrary bytes, read leniently (as the
 * nearest pyproject.toml is) and strictly (as a --config file is). Whatever it accepts
 * must leave a configuration the rest of the program can use: a selection made of known
 * rules, weights that are numbers, every list without NULL entries. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "alignrisk/config.h"
#include "fuzz.h"

static void check_config(const ar_config *cfg)
{
  for (size_t i = 0; i < cfg->paths.len; i++) FUZZ_CHECK(cfg->paths.items[i] != NULL);
  for (size_t i = 0; i < cfg->coverage.len; i++) FUZZ_CHECK(cfg->coverage.items[i] != NULL);
  for (size_t i = 0; i < cfg->exclude.len; i++) FUZZ_CHECK(cfg->exclude.items[i] != NULL);
  for (size_t i = 0; i < cfg->path_map.len; i++) FUZZ_CHECK(cfg->path_map.items[i] != NULL);
  for (int i = 0; i < AR_SEV_COUNT; i++) FUZZ_CHECK(isfinite(cfg->sev_weight[i]));
  for (int i = 0; i < AR_CONF_COUNT; i++) FUZZ_CHECK(isfinite(cfg->conf_weight[i]));
  FUZZ_CHECK(isfinite(cfg->repeat_step));
  FUZZ_CHECK(cfg->fail_over < 0 || isfinite(cfg->fail_over)); /* NaN would pass every gate */
  FUZZ_CHECK(cfg->jobs >= 0);
  FUZZ_CHECK(cfg->min_confidence >= 0 && cfg->min_confidence < AR_CONF_COUNT);
  FUZZ_CHECK(cfg->fail_on >= -1 && cfg->fail_on < AR_SEV_COUNT);
  FUZZ_CHECK((int)cfg->format >= AR_FMT_TEXT && cfg->format <= AR_FMT_GITHUB);
  if (cfg->select_spec) {
    char *bad = ar_config_rule_check(cfg->select_spec);
    free(bad);
  }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  static const char *const paths[] = {"pyproject.toml", "sub/dir/pyproject.toml"};
  for (int strict = 0; strict < 2; strict++) {
    ar_diag dg;
    ar_config cfg;
    fuzz_diag_init(&dg);
    ar_config_init(&cfg);
    int err = ar_config_load_mem(&cfg, (const char *)data, size, paths[strict], strict, &dg);
    /* Lenient reading never fails on content: problems are warnings. */
    if (!strict) FUZZ_CHECK(err == 0);
    if (err == 0) {
      check_config(&cfg);
      ar_config_update_select(&cfg);
    }
    ar_config_dispose(&cfg);
    ar_diag_dispose(&dg);
  }
  return 0;
}
