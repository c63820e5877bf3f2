/* SPDX-License-Identifier: MIT
 * report_int.h - private to the report module: one renderer per format
 * (report_{text,json,markdown,sarif,gitlab,github,dump}.c), dispatched by report.c, and
 * the helpers they share (string escaping, unique fingerprints, a finding's pair). */
#ifndef AR_REPORT_INT_H
#define AR_REPORT_INT_H

#include "alignrisk/report.h"

/* Renderers append with these inside a function that has `int err` and a `done:` label:
 * P(fmt, …) formats into `out`, S(s) appends a JSON string literal (or null). The first
 * failure (AR_ELIMIT: the report outgrew its cap) jumps to done. */
#define P(...)                                                                                     \
  do {                                                                                             \
    if ((err = ar_buf_printf(out, __VA_ARGS__)) < 0) goto done;                                    \
  } while (0)
#define S(s)                                                                                       \
  do {                                                                                             \
    if ((err = ar_report__json_str(out, (s))) < 0) goto done;                                      \
  } while (0)

int ar_report__text(const ar_run *run, bool color, ar_buf *out);
int ar_report__json(const ar_run *run, ar_buf *out);
/** The weekly checkpoint report in GitHub-flavoured Markdown (also what report_github.c
 *  appends to $GITHUB_STEP_SUMMARY). */
int ar_report__markdown(const ar_run *run, ar_buf *out);
/** SARIF 2.1.0, one run, every rule of ar_rules[] in tool.driver.rules. */
int ar_report__sarif(const ar_run *run, ar_buf *out);
/** GitLab Code Quality: a JSON array of Code Climate issues. */
int ar_report__gitlab(const ar_run *run, ar_buf *out);
/** GitHub Actions workflow commands (::error file=…::…), capped per level. */
int ar_report__github(const ar_run *run, ar_buf *out);

/** Append `s` as a JSON string literal (quoted, escaped); NULL appends null. */
int ar_report__json_str(ar_buf *out, const char *s);
/** Coverage ratio of a pair's service, 0..1. */
double ar_report__coverage(const ar_filecov *c);
/** Coverage of a pair's service as a whole percentage, rounded half up. */
int ar_report__pct(const ar_filecov *c);

/** Append `s` as inline Markdown text: backslash-escapes every character that could start
 *  emphasis, a link, raw HTML or an entity, or end a table cell; newlines become spaces. */
int ar_report__md_text(ar_buf *out, const char *s);
/** The English ordinal suffix of n: "st" (1, 21), "nd", "rd", "th" (11-13, 4-20). */
const char *ar_report__ordinal(int n);
/** Append `s` as a Markdown code span, fenced with one more backtick than the longest run
 *  inside it. `in_table`: '|' is escaped as "\|", which GFM tables require even in code. */
int ar_report__md_code(ar_buf *out, const char *s, bool in_table);

/** Per finding (indexed as run->findings), a fingerprint unique within the run: the first
 *  finding with a given ar_finding.fingerprint keeps it, the k-th (k >= 2, in report order)
 *  gets "<fingerprint>-k". Two references in one function to the same missing member share
 *  a fingerprint by design (it ignores line numbers); GitLab and code scanning need one per
 *  result. Borrowed: the array and strings live in run->arena. */
const char **ar_report__fingerprints(const ar_run *run);
/** Per finding (indexed as run->findings), the ranked pair (model, service) it counts
 *  towards, or NULL for a finding outside services (tests, migrations). O(findings + pairs).
 *  Borrowed: the array lives in run->arena. */
const ar_pair **ar_report__pairs_of(const ar_run *run);

#endif
