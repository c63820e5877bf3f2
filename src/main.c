/* SPDX-License-Identifier: MIT
 * main.c - argv (over pyproject.toml) -> cli -> a command; the exit code is the command's
 * (0, 1, 2). */
#include <stdio.h>

#include "alignrisk/cli.h"
#include "alignrisk/history.h"
#include "alignrisk/pipeline.h"

int main(int argc, char **argv)
{
  ar_config cfg;
  ar_cli cli;
  ar_diag dg;
  int rc = 0, err;
  ar_config_init(&cfg);
  ar_diag_init(&dg, stderr);
  if ((err = ar_cli_configure(&cfg, &cli, argc, argv, &dg)) < 0) {
    if (err == AR_EUSAGE) fputs("Try 'alignrisk --help'.\n", stderr);
    rc = 2;
  } else if (cli.cmd == AR_CMD_HELP) {
    fputs(ar_cli_usage(), stdout);
  } else if (cli.cmd == AR_CMD_VERSION) {
    printf("alignrisk %s\n", AR_VERSION);
  } else if (cli.cmd == AR_CMD_EXPLAIN) {
    ar_buf text;
    ar_buf_init(&text, 1u << 20);
    if (ar_cli_explain(&text, cli.explain_code) < 0) {
      ar_diag_errorf(&dg, NULL, 0, 0, "no rule '%s' (rules: AR101-AR105, AR201-AR205)", cli.explain_code);
      rc = 2;
    } else {
      fputs(text.ptr, stdout);
    }
    ar_buf_dispose(&text);
  } else if (cli.cmd == AR_CMD_HISTORY) {
    dg.quiet_warnings = cfg.quiet;
    rc = ar_history_cmd(&cfg, stdout, &dg);
  } else {
    dg.quiet_warnings = cfg.quiet;
    rc = ar_pipeline_check(&cfg, stdout, &dg);
  }
  ar_diag_dispose(&dg);
  ar_config_dispose(&cfg);
  return rc;
}
