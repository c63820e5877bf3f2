/* SPDX-License-Identifier: MIT
 * history.h - stage "history": the JSON pattern history of earlier checkpoints.
 * Reads `.alignrisk/history.json` (cJSON) and appends checkpoints atomically: the new file
 * is written beside the old one, fsync'ed and renamed over it under an exclusive lock,
 * so a crash or a full disk leaves the previous history whole. A history that does not
 * parse is never overwritten. Keys we do not know are kept on rewrite. */
#ifndef AR_HISTORY_H
#define AR_HISTORY_H

#include <stdio.h>

#include "alignrisk/base.h"
#include "alignrisk/buf.h"
#include "alignrisk/diag.h"
#include "alignrisk/model.h"

/** One finding of a past checkpoint. Only checkpoint, (rule or pattern), model and field
 *  are required of hand-written entries; absent strings are NULL. */
typedef struct ar_hist_entry {
  const char *checkpoint;
  const char *rule;        /* "AR101" … or NULL */
  const char *pattern;     /* "missing-field:status", derived from rule+field when absent */
  const char *model;       /* class or enum name */
  const char *field;       /* field or member name */
  const char *service;     /* file, may be NULL */
  const char *severity;    /* may be NULL */
  const char *fingerprint; /* may be NULL */
} ar_hist_entry;

/** One (model, service) pair of a checkpoint with its risk then. Strings are borrowed. */
typedef struct ar_hist_pair {
  const char *model, *service;
  double risk;
} ar_hist_pair;

typedef struct ar_hist_checkpoint {
  const char *name;
  const char *date;   /* may be NULL */
  double total_risk;  /* 0 when absent */
  bool has_risk;      /* "totals"."risk" was there (checkpoints alignrisk recorded) */
  long by_severity[4]; /* "totals" low, medium, high, critical; -1 where absent */
  size_t first, count; /* this checkpoint's entries: entries[first .. first+count) */
  size_t pair_first, pair_count; /* its pairs: pairs[pair_first .. pair_first+pair_count) */
} ar_hist_checkpoint;

typedef struct ar_history {
  ar_hist_entry *entries;
  size_t nentries;
  ar_hist_checkpoint *checkpoints; /* oldest first, as in the file */
  size_t ncheckpoints;
  ar_hist_pair *pairs;             /* every checkpoint's "pairs", in file order */
  size_t npairs;
  void *priv; /* the parsed document and string storage */
} ar_history;

/** Map a rule code to its pattern family: AR101..AR105 "missing-field", AR201
 *  "missing-enum-member", AR202 "enum-type-mismatch", AR203 "value-not-in-enum",
 *  AR204 "value-too-long", AR205 "null-to-non-nullable". A family name maps to itself.
 *  NULL for anything else. Static storage. */
const char *ar_history_family(const char *rule);

/** Load `path` into a new history in `*out` (owned by caller; ar_history_free()).
 *  A missing file gives an empty history when `must_exist` is false, else AR_ENOTFOUND.
 *  AR_EPARSE when the JSON does not parse (error names path:line:col) or does not have the
 *  expected shape (an object with a "checkpoints" array, or a bare array of checkpoints;
 *  each checkpoint has a string "checkpoint" or "name" and an array "findings"). An
 *  element without "findings" that names a model, field, rule or pattern is a hand-written
 *  entry of the checkpoint its "checkpoint" names; such entries are grouped under that
 *  checkpoint, which takes the place where its name first appears. */
AR_NODISCARD int ar_history_load(ar_history **out, const char *path, bool must_exist,
                                 ar_diag *dg);
/** ar_history_load on `size` bytes in memory; `name` names them in diagnostics. */
AR_NODISCARD int ar_history_load_mem(ar_history **out, const char *data, size_t size,
                                     const char *name, ar_diag *dg);
void ar_history_free(ar_history *h);

/** A checkpoint to append: its findings and per-pair risks. Strings are borrowed. */
typedef struct ar_hist_record {
  const char *name;
  const char *date;  /* ISO 8601 */
  const ar_hist_entry *findings;
  size_t nfindings;
  const ar_hist_pair *pairs;
  size_t npairs;
  double total_risk;
  size_t by_severity[4]; /* low, medium, high, critical */
} ar_hist_record;

/** Append `rec` to the history at `path` (created, with its folder, when missing).
 *  Takes an exclusive flock on `path`.lock, re-reads the file under the lock (so two
 *  concurrent recorders both land), appends, writes a temp file in the same folder,
 *  fsyncs, renames. A checkpoint with the same name is replaced, not duplicated.
 *  Returns 0; AR_EPARSE when the existing file does not parse (it is left untouched);
 *  AR_ERROR on I/O failure (the previous file is left untouched; the temp file removed). */
AR_NODISCARD int ar_history_record(const char *path, const ar_hist_record *rec, ar_diag *dg);

/** Trends (history_trend.c): give each finding of `run` its pattern's recurrence (distinct
 *  model.field instances of the pattern over `h` and this run), the earlier instances,
 *  new/persisting with the checkpoint it first appeared in (by fingerprint, else by rule,
 *  model, field and service), and list in run->fixed what the last checkpoint had that this
 *  run no longer finds. `h` may be NULL (no history). */
void ar_history_apply(ar_run *run, const ar_history *h);

/* ---- `alignrisk history` (history_cmd.c) ------------------------------------------------- */

/** Whether two past entries are the same finding: by fingerprint when both have one, else
 *  by pattern, model, field and (when both name one) service, as ar_history_apply matches
 *  a finding to an entry. */
bool ar_history_same_entry(const ar_hist_entry *a, const ar_hist_entry *b);

/** Append to `out` the checkpoints of `h` as a table, oldest first: name, date, findings
 *  by severity, total risk, new and fixed since the checkpoint before, top pair; then a
 *  sparkline of total risk. `path` names the file in the heading. Counts come from
 *  "totals" when the checkpoint has them, else from its findings (severity from the entry,
 *  else from its rule or pattern family); a risk that was never recorded shows as "-".
 *  Returns 0 or AR_ELIMIT from `out`. */
AR_NODISCARD int ar_history_table(ar_buf *out, const ar_history *h, const char *path);

/** The `alignrisk history` command: load cfg->history (else .alignrisk/history.json in the
 *  single PATH, else in the working folder) and print ar_history_table to `out`. Returns
 *  the exit code: 0, or 2 when the file is missing or does not load (diagnostic names it). */
int ar_history_cmd(const ar_config *cfg, FILE *out, ar_diag *dg);

#endif
