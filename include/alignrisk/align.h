/* SPDX-License-Identifier: MIT
 * align.h - stage "align" (phase 2): references x models and enums -> findings.
 * Applies AR101-AR105 and AR201 with confidence, suppressions, --select/--ignore and
 * --min-confidence, and gives every finding its pattern, suggestion, fingerprint and
 * source line. One pass over the references: O(references) hash lookups. */
#ifndef AR_ALIGN_H
#define AR_ALIGN_H

#include "alignrisk/diag.h"
#include "alignrisk/model.h"

/** Fill run->findings, sorted by file, line, column, rule. Needs ar_resolve_run first. */
void ar_align_run(ar_run *run, ar_diag *dg);

/** Levenshtein distance of two strings, capped at `cap` (returns cap when larger). */
size_t ar_align_distance(const char *a, const char *b, size_t cap);

/** The closest name in `names` to `want`, or NULL: a name that has `want` as a whole
 *  underscore-separated part ("implementation_status" for "status") first, in the given
 *  order; else the smallest edit distance within a third of the length (ties: order). */
const char *ar_align_suggest(const char *want, const char *const *names, size_t n);

/** A finding's stable identity: 16 hex digits of a hash of rule, class, attribute, file
 *  and enclosing function (not of line numbers). Owned by `arena`. */
const char *ar_align_fingerprint(ar_arena *arena, const char *rule, const char *cls,
                                 const char *attr, const char *file, const char *func);

#endif
