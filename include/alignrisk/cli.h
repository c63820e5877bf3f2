/* SPDX-License-Identifier: MIT
 * cli.h - the command line: argv -> ar_config and a command. Knows every option and its
 * validation; runs nothing. Errors are usage errors (exit 2) naming the option. */
#ifndef AR_CLI_H
#define AR_CLI_H

#include "alignrisk/diag.h"
#include "alignrisk/model.h"

typedef enum { AR_CMD_CHECK, AR_CMD_EXPLAIN, AR_CMD_HELP, AR_CMD_VERSION } ar_cmd;

typedef struct ar_cli {
  ar_cmd cmd;
  const char *explain_code; /* explain CODE */
} ar_cli;

/** Parse `argv` into `cfg` (initialised by the caller with ar_config_init) and `cli`.
 *  Strings point into argv. Returns 0 or AR_EUSAGE (diagnostic emitted). */
AR_NODISCARD int ar_cli_parse(ar_config *cfg, ar_cli *cli, int argc, char **argv, ar_diag *dg);

/** The --help text. Static storage. */
const char *ar_cli_usage(void);

/** The long explanation of a rule (`alignrisk explain CODE`): what it detects, why it
 *  breaks at runtime, an example, and how to fix it. NULL when the code is unknown. */
const char *ar_cli_explain(const char *code);

#endif
