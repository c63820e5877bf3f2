/* SPDX-License-Identifier: MIT
 * history_cmd.c - `alignrisk history`: the checkpoints of the pattern history as a table
 * (findings by severity, total risk, new and fixed, top pair) and a sparkline of total
 * risk. Reads the history only; never runs a check. Know before editing: hand-written
 * checkpoints have no totals or pairs, so every column has a way to show "not recorded". */
#include <errno.h>
#include <string.h>
#include <sys/stat.h>

#include "alignrisk/history.h"
#include "alignrisk/map.h"
#include "history_int.h"

#define DEFAULT_HISTORY ".alignrisk/history.json"

/* One row of the table, every cell already formatted. */
typedef struct row {
  const ar_hist_checkpoint *cp;
  long sev[4]; /* low .. critical */
  size_t total;
  char risk[32], added[24], fixed[24];
  const ar_hist_pair *top;
} row;

/* Severity of a past entry: as recorded, else its rule's, else its pattern family's
 * (hand-written entries); -1 when none says. */
static int entry_severity(const ar_hist_entry *e)
{
  if (e->severity) return ar_severity_parse(e->severity);
  const ar_rule *r = e->rule ? ar_rule_find(e->rule) : NULL;
  if (r) return (int)r->severity;
  if (!e->pattern) return -1;
  size_t n = strcspn(e->pattern, ":");
  for (int i = 0; i < AR_RULE_COUNT; i++)
    if (strlen(ar_rules[i].family) == n && strncmp(ar_rules[i].family, e->pattern, n) == 0)
      return (int)ar_rules[i].severity;
  return -1;
}

/* How many entries of `a` have no match in `b`, as ar_history_same_entry defines a match.
 * Through an index of `b`: comparing every pair was quadratic, and hours on a large
 * hand-written history. */
static size_t unmatched(const ar_hist_entry *a, size_t na, const ar_hist_entry *b, size_t nb)
{
  ar_hist__index ix;
  size_t missing = 0;
  ar_history__index_init(&ix, b, nb);
  for (size_t i = 0; i < na; i++) missing += ar_history__index_first(&ix, &a[i]) == SIZE_MAX;
  ar_history__index_dispose(&ix);
  return missing;
}

/* Highest risk first; ties by model, then service, so the choice never depends on order. */
static bool riskier(const ar_hist_pair *p, const ar_hist_pair *q)
{
  if (p->risk != q->risk) return p->risk > q->risk;
  int c = strcmp(p->model, q->model);
  if (c) return c < 0;
  return strcmp(p->service ? p->service : "", q->service ? q->service : "") < 0;
}

static void fill_row(row *r, const ar_history *h, size_t i)
{
  const ar_hist_checkpoint *cp = &h->checkpoints[i];
  /* A history without findings has entries == NULL: no arithmetic on it (UB even with an
   * offset of 0; fuzz regression tests/fuzz/regressions/history/null-entries-offset). */
  const ar_hist_entry *e = cp->count ? h->entries + cp->first : NULL;
  bool have_totals = true;

  memset(r, 0, sizeof *r);
  r->cp = cp;
  r->total = cp->count;
  for (int s = 0; s < 4; s++) have_totals = have_totals && cp->by_severity[s] >= 0;
  for (int s = 0; s < 4; s++) r->sev[s] = have_totals ? cp->by_severity[s] : 0;
  for (size_t k = 0; !have_totals && k < cp->count; k++) {
    int s = entry_severity(&e[k]);
    if (s >= 0) r->sev[s]++;
  }
  if (cp->has_risk) snprintf(r->risk, sizeof r->risk, "%.1f", cp->total_risk);
  else snprintf(r->risk, sizeof r->risk, "-");
  if (i == 0) { /* nothing to compare the first checkpoint with */
    snprintf(r->added, sizeof r->added, "-");
    snprintf(r->fixed, sizeof r->fixed, "-");
  } else {
    const ar_hist_checkpoint *prev = &h->checkpoints[i - 1];
    const ar_hist_entry *pe = prev->count ? h->entries + prev->first : NULL;
    snprintf(r->added, sizeof r->added, "%zu", unmatched(e, cp->count, pe, prev->count));
    snprintf(r->fixed, sizeof r->fixed, "%zu", unmatched(pe, prev->count, e, cp->count));
  }
  for (size_t k = 0; k < cp->pair_count; k++) {
    const ar_hist_pair *p = &h->pairs[cp->pair_first + k];
    if (!r->top || riskier(p, r->top)) r->top = p;
  }
}

static size_t max_size(size_t a, size_t b) { return a > b ? a : b; }

/* The sparkline of total risk: one block per checkpoint, the height relative to the
 * highest total (so the riskiest checkpoint is a full block and a risk of 0 the lowest
 * one), "·" where a checkpoint recorded no risk. */
static int sparkline(ar_buf *out, const ar_history *h, bool *gaps)
{
  static const char *const blocks[8] = {"\u2581", "\u2582", "\u2583", "\u2584",
                                        "\u2585", "\u2586", "\u2587", "\u2588"};
  double max = 0;
  int err = 0;
  *gaps = false;
  for (size_t i = 0; i < h->ncheckpoints; i++)
    if (h->checkpoints[i].has_risk && h->checkpoints[i].total_risk > max) max = h->checkpoints[i].total_risk;
  for (size_t i = 0; i < h->ncheckpoints && !err; i++) {
    const ar_hist_checkpoint *cp = &h->checkpoints[i];
    if (!cp->has_risk) {
      *gaps = true;
      err = ar_buf_puts(out, "\u00b7");
      continue;
    }
    int level = 0;
    if (max > 0 && cp->total_risk > 0) {
      double f = cp->total_risk / max * 8.0;
      level = (int)f - (f == (double)(int)f); /* ceil(f) - 1 */
      if (level < 0) level = 0;
      if (level > 7) level = 7;
    }
    err = ar_buf_puts(out, blocks[level]);
  }
  return err;
}

int ar_history_table(ar_buf *out, const ar_history *h, const char *path)
{
  static const char *const sev_head[4] = {"low", "medium", "high", "critical"};
  row *rows = ar_xcalloc(h->ncheckpoints + 1, sizeof *rows);
  size_t w_name = strlen("checkpoint"), w_date = strlen("date"), w_total = strlen("findings");
  size_t w_sev[4], w_risk = strlen("risk"), w_new = strlen("new"), w_fixed = strlen("fixed");
  char num[32];
  bool gaps;
  int err;

  err = ar_buf_printf(out, "History: %s, %zu checkpoint%s\n", path, h->ncheckpoints,
                      h->ncheckpoints == 1 ? "" : "s");
  if (err || h->ncheckpoints == 0) goto done;
  for (int s = 0; s < 4; s++) w_sev[s] = strlen(sev_head[s]);
  for (size_t i = 0; i < h->ncheckpoints; i++) {
    row *r = &rows[i];
    fill_row(r, h, i);
    w_name = max_size(w_name, strlen(r->cp->name));
    w_date = max_size(w_date, r->cp->date ? strlen(r->cp->date) : 1);
    w_total = max_size(w_total, (size_t)snprintf(num, sizeof num, "%zu", r->total));
    for (int s = 0; s < 4; s++) w_sev[s] = max_size(w_sev[s], (size_t)snprintf(num, sizeof num, "%ld", r->sev[s]));
    w_risk = max_size(w_risk, strlen(r->risk));
    w_new = max_size(w_new, strlen(r->added));
    w_fixed = max_size(w_fixed, strlen(r->fixed));
  }
  err = ar_buf_printf(out, "\n%-*s  %-*s  %*s  %*s  %*s  %*s  %*s  %*s  %*s  %*s  top pair\n",
                      (int)w_name, "checkpoint", (int)w_date, "date", (int)w_total, "findings",
                      (int)w_sev[3], sev_head[3], (int)w_sev[2], sev_head[2], (int)w_sev[1], sev_head[1],
                      (int)w_sev[0], sev_head[0], (int)w_risk, "risk", (int)w_new, "new",
                      (int)w_fixed, "fixed");
  for (size_t i = 0; i < h->ncheckpoints && !err; i++) {
    const row *r = &rows[i];
    err = ar_buf_printf(out, "%-*s  %-*s  %*zu  %*ld  %*ld  %*ld  %*ld  %*s  %*s  %*s  ",
                        (int)w_name, r->cp->name, (int)w_date, r->cp->date ? r->cp->date : "-",
                        (int)w_total, r->total, (int)w_sev[3], r->sev[3], (int)w_sev[2], r->sev[2],
                        (int)w_sev[1], r->sev[1], (int)w_sev[0], r->sev[0], (int)w_risk, r->risk,
                        (int)w_new, r->added, (int)w_fixed, r->fixed);
    if (err) break;
    if (r->top && r->top->service)
      err = ar_buf_printf(out, "%s <- %s (%.1f)\n", r->top->model, r->top->service, r->top->risk);
    else if (r->top)
      err = ar_buf_printf(out, "%s (%.1f)\n", r->top->model, r->top->risk);
    else
      err = ar_buf_puts(out, "-\n");
  }
  if (!err) err = ar_buf_puts(out, "\nTotal risk, oldest to newest: ");
  if (!err) err = sparkline(out, h, &gaps);
  if (!err && gaps) err = ar_buf_puts(out, "  (\u00b7 no risk recorded)");
  if (!err) err = ar_buf_putc(out, '\n');
done:
  free(rows);
  return err;
}

/* Where the history is: --history or `history` in the configuration, else the default
 * name in the single folder given, else in the working folder (as the check looks). */
static const char *history_path(const ar_config *cfg, ar_buf *scratch)
{
  struct stat st;
  if (cfg->history) return cfg->history;
  if (cfg->paths.len == 1 && strcmp(cfg->paths.items[0], ".") != 0 &&
      stat(cfg->paths.items[0], &st) == 0 && S_ISDIR(st.st_mode) &&
      ar_buf_printf(scratch, "%s/%s", cfg->paths.items[0], DEFAULT_HISTORY) == 0)
    return scratch->ptr;
  return DEFAULT_HISTORY;
}

int ar_history_cmd(const ar_config *cfg, FILE *out, ar_diag *dg)
{
  ar_buf pathbuf, text;
  ar_history *h = NULL;
  struct stat st;
  int rc = 2;

  ar_buf_init(&pathbuf, 1u << 16);
  ar_buf_init(&text, AR_MAX_REPORT_BYTES);
  const char *path = history_path(cfg, &pathbuf);
  if (stat(path, &st) != 0) {
    ar_diag_errorf(dg, path, 0, 0,
                   "cannot open: %s (record a checkpoint with 'alignrisk --record NAME', or name "
                   "the history with --history FILE)", strerror(errno));
    goto done;
  }
  if (ar_history_load(&h, path, true, dg) < 0) goto done;
  if (ar_history_table(&text, h, path) < 0) {
    ar_diag_errorf(dg, NULL, 0, 0, "the table is larger than %u MiB", AR_MAX_REPORT_BYTES >> 20);
    goto done;
  }
  if (fwrite(text.ptr, 1, text.len, out) != text.len || fflush(out) != 0) {
    ar_diag_errorf(dg, NULL, 0, 0, "cannot write the table");
    goto done;
  }
  rc = 0;
done:
  ar_history_free(h);
  ar_buf_dispose(&text);
  ar_buf_dispose(&pathbuf);
  return rc;
}
