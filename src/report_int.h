/* SPDX-License-Identifier: MIT
 * report_int.h - private to the report module: one renderer per format
 * (report_text.c, report_json.c, report_dump.c), dispatched by report.c. */
#ifndef AR_REPORT_INT_H
#define AR_REPORT_INT_H

#include "alignrisk/report.h"

int ar_report__text(const ar_run *run, bool color, ar_buf *out);
int ar_report__json(const ar_run *run, ar_buf *out);
/** Append `s` as a JSON string literal (quoted, escaped); NULL appends null. */
int ar_report__json_str(ar_buf *out, const char *s);
/** Coverage ratio of a pair's service, 0..1. */
double ar_report__coverage(const ar_filecov *c);

#endif
