/* SPDX-License-Identifier: MIT
 * cli.h - the command line: argv (on top of the configuration file) -> ar_config and a
 * command. Knows every option and its validation; runs nothing. Errors in argv are usage
 * errors (exit 2) naming the option. */
#ifndef AR_CLI_H
#define AR_CLI_H

#include "alignrisk/buf.h"
#include "alignrisk/diag.h"
#include "alignrisk/model.h"

typedef enum { AR_CMD_CHECK, AR_CMD_EXPLAIN, AR_CMD_HISTORY, AR_CMD_HELP, AR_CMD_VERSION } ar_cmd;

typedef struct ar_cli {
  ar_cmd cmd;
  const char *explain_code; /* explain CODE */
  const char *config_file;  /* --config FILE: read this instead of the nearest pyproject.toml */
  bool no_config;           /* --no-config: read no configuration file */
} ar_cli;

/** Apply `argv` to `cfg` (initialised by the caller with ar_config_init, and possibly
 *  filled from a configuration file) and fill `cli`. Single-valued options replace what
 *  cfg holds; the first occurrence of a repeatable option (--coverage, --path-map,
 *  --exclude, --ignore) empties the list cfg holds, so the command line replaces the
 *  file's list. Strings point into argv. Returns 0 or AR_EUSAGE (diagnostic emitted). */
AR_NODISCARD int ar_cli_parse(ar_config *cfg, ar_cli *cli, int argc, char **argv, ar_diag *dg);

/** Start-up: check argv, read the configuration file it names (--config), or else the
 *  nearest pyproject.toml above the single PATH or the working folder (unless
 *  --no-config), then apply argv on top (ar_cli_parse). Warnings about the file are not
 *  printed when -q is on the command line. Returns 0; AR_EUSAGE for a bad command line;
 *  AR_ENOTFOUND, AR_ERROR, AR_ELIMIT or AR_EPARSE when the --config file cannot be read
 *  or is not TOML; AR_EVERSION when the TOML grammar cannot be loaded. Diagnostics are
 *  emitted in every case. */
AR_NODISCARD int ar_cli_configure(ar_config *cfg, ar_cli *cli, int argc, char **argv,
                                  ar_diag *dg);

/** The --help text. Static storage. */
const char *ar_cli_usage(void);

/** Append to `out` the long explanation of a rule (`alignrisk explain CODE`): what it
 *  detects, why it breaks at runtime, an example, and how to fix it. Rules in the table
 *  that this version does not check yet are explained too, and say so. Returns 0,
 *  AR_ENOTFOUND when `code` names no rule, or AR_ELIMIT from `out`. */
AR_NODISCARD int ar_cli_explain(ar_buf *out, const char *code);

#endif
