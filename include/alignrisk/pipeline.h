/* SPDX-License-Identifier: MIT
 * pipeline.h - the whole check: scan -> parse+extract -> resolve -> align -> coverage ->
 * history -> score -> record -> report -> gate. The one module that knows every stage;
 * the CLI is a thin client of it. */
#ifndef AR_PIPELINE_H
#define AR_PIPELINE_H

#include <stdio.h>

#include "alignrisk/diag.h"
#include "alignrisk/model.h"

/** Run a check with `cfg`, writing the report to cfg->output or `out`. Returns the exit
 *  code: 0 success and gates passed, 1 a gate failed, 2 usage or input error (diagnostics
 *  on `dg` name the file, line and what was expected). */
int ar_pipeline_check(const ar_config *cfg, FILE *out, ar_diag *dg);

#endif
