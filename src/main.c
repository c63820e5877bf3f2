/* SPDX-License-Identifier: MIT
 * main.c - argv -> cli -> pipeline; the exit code is the pipeline's (0, 1, 2). */
#include <stdio.h>

#include "alignrisk/cli.h"
#include "alignrisk/pipeline.h"

int main(int argc, char **argv)
{
  ar_config cfg;
  ar_cli cli;
  ar_diag dg;
  int rc = 0;
  ar_config_init(&cfg);
  ar_diag_init(&dg, stderr);
  if (ar_cli_parse(&cfg, &cli, argc, argv, &dg) < 0) {
    fputs("Try 'alignrisk --help'.\n", stderr);
    rc = 2;
  } else if (cli.cmd == AR_CMD_HELP) {
    fputs(ar_cli_usage(), stdout);
  } else if (cli.cmd == AR_CMD_VERSION) {
    printf("alignrisk %s\n", AR_VERSION);
  } else if (cli.cmd == AR_CMD_EXPLAIN) {
    const char *text = ar_cli_explain(cli.explain_code);
    if (text) fputs(text, stdout);
    else {
      ar_diag_errorf(&dg, NULL, 0, 0, "no rule '%s' (rules: AR101-AR105, AR201)", cli.explain_code);
      rc = 2;
    }
  } else {
    dg.quiet_warnings = cfg.quiet;
    rc = ar_pipeline_check(&cfg, stdout, &dg);
  }
  ar_diag_dispose(&dg);
  ar_config_dispose(&cfg);
  return rc;
}
