/* SPDX-License-Identifier: MIT
 * report.h - stage "report": render a scored run in the format the configuration asks
 * for (text, json), or a stage dump for tests (--dump models|refs|coverage).
 * Reporters only read the run; they never decide anything the score stage decided. */
#ifndef AR_REPORT_H
#define AR_REPORT_H

#include "alignrisk/buf.h"
#include "alignrisk/model.h"

/** Render `run` in cfg->format into `out`. `color`: use ANSI colour (text only).
 *  Returns 0, AR_ELIMIT (report larger than AR_MAX_REPORT_BYTES), or AR_EUSAGE for a
 *  format this build does not render. */
AR_NODISCARD int ar_report_render(const ar_run *run, bool color, ar_buf *out);

/** The stage dump named by `what` ("models", "refs", "coverage"); AR_EUSAGE if unknown. */
AR_NODISCARD int ar_report_dump(const ar_run *run, const char *what, ar_buf *out);

/** One-sentence description of a finding, with its suggestion. Owned by `arena`. */
const char *ar_report_message(ar_arena *arena, const ar_finding *fd);

#endif
