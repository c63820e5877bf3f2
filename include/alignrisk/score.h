/* SPDX-License-Identifier: MIT
 * score.h - stage "score": finding weights, (model, service) pairs, ranking, gates.
 *
 *   weight(f)   = severity(f) x confidence(f) x repeat(f)
 *                   severity:   critical 10, high 5, medium 3, low 1
 *                   confidence: certain 1.0, likely 0.7, possible 0.4
 *                   repeat:     1 + 0.5 x (recurrence(f) - 1)
 *   risk(pair)  = sum of weight(f) over the pair's findings x max(1, untested(service))
 *   untested(s) = lines of service s that coverage reports with 0 hits
 *                 (all its statements when the file is not measured)
 *
 * Worked example (the seed audit): ComplianceControl <- compliance_service_complete.py has
 * 297 untested lines; its findings are a likely AR101 on `status` recurring once before
 * (10 x 0.7 x 1.5 = 10.5), two more likely AR101s (7 each), a likely AR102 on `status`
 * (10.5) and three certain AR201s (10 each): (10.5 + 7 + 7 + 10.5 + 30) x 297 = 19305.
 * Weights are configurable (ar_config sev_weight, conf_weight, repeat_step). */
#ifndef AR_SCORE_H
#define AR_SCORE_H

#include "alignrisk/diag.h"
#include "alignrisk/model.h"

/** Weigh findings, build and rank run->pairs, total risk and counts, and decide the gate
 *  (cfg fail_over / fail_on / new_only) into run->gate. Needs align, coverage, history. */
void ar_score_run(ar_run *run, ar_diag *dg);

/** The formula in one line, for reports and --help. Static storage. */
const char *ar_score_formula(void);

#endif
