/* SPDX-License-Identifier: MIT
 * report_text.c - the terminal report: the ranked work list, each pair's findings with
 * their source line and evidence, verified pairs, what was fixed, summary and gate.
 * Colour only when the caller says so (a TTY without NO_COLOR, or --color always). */
#include <string.h>

#include "report_int.h"


typedef struct style {
  const char *bold, *dim, *red, *yellow, *green, *off;
} style;

static const char *sev_color(const style *st, ar_severity s)
{
  return s == AR_SEV_CRITICAL ? st->red : s == AR_SEV_HIGH ? st->yellow : "";
}

static int finding_block(const ar_run *run, const style *st, const ar_finding *fd, ar_buf *out)
{
  int err = 0;
  ar_arena *arena = (ar_arena *)&run->arena; /* messages are built on demand */
  P("    %s%s:%u:%u%s  %s%s %s%s/%s  %s\n", st->bold, fd->file->path, fd->line, fd->col, st->off,
    sev_color(st, fd->severity), ar_rules[fd->rule].code, ar_severity_name(fd->severity), st->off,
    ar_confidence_name(fd->conf),
    fd->trend == AR_TREND_NEW ? "new" : "persisting");
  P("      %s\n", ar_report_message(arena, fd));
  if (fd->source) P("      %s| %s%s\n", st->dim, fd->source, st->off);
  const char *sep = "";
  P("      %s", st->dim);
  if (fd->evidence) { P("receiver: %s", fd->evidence); sep = "; "; }
  if (fd->trend == AR_TREND_PERSISTING && fd->first_seen) { P("%sfirst seen %s", sep, fd->first_seen); sep = "; "; }
  if (fd->recurrence > 1) {
    P("%srecurring pattern %s, %d%s instance", sep, fd->pattern, fd->recurrence, ar_report__ordinal(fd->recurrence));
    if (fd->earlier) P(" (earlier: %s)", fd->earlier);
    sep = "; ";
  }
  P("%sline %s", sep, fd->line_hits < 0 ? "not measured" : fd->line_hits > 0 ? "covered" : "not covered");
  P("%s\n", st->off);
done:
  return err;
}

int ar_report__text(const ar_run *run, bool color, ar_buf *out)
{
  int err = 0;
  static const style plain = {"", "", "", "", "", ""};
  static const style ansi = {"\033[1m", "\033[2m", "\033[31m", "\033[33m", "\033[32m", "\033[0m"};
  const style *st = color ? &ansi : &plain;
  const ar_config *cfg = run->cfg;
  size_t npairs = 0, nverified = 0, outside = 0;
  size_t *first = NULL, *order = NULL;
  for (size_t i = 0; i < run->pairs.len; i++) {
    if (run->pairs.items[i].nfindings) npairs++;
    else nverified++;
  }
  P("%salignrisk %s%s: %zu files, %zu models, %zu enums, %zu references", st->bold, AR_VERSION, st->off,
    run->files.len, run->nmodels, run->nenums, run->nrefs);
  if (run->nskipped) P(", %zu skipped", run->nskipped);
  P("\ncoverage: ");
  if (cfg->coverage.len || run->cov_files) {
    P("%zu files", run->cov_files);
    if (run->cov_unmapped) {
      P(", %zu unmapped (", run->cov_unmapped);
      for (size_t i = 0; i < run->cov_unmapped_names.len; i++)
        P("%s%s", i ? ", " : "", run->cov_unmapped_names.items[i]);
      P("%s)", run->cov_unmapped > run->cov_unmapped_names.len ? ", …" : "");
    }
  } else {
    P("none (every service counts as untested)");
  }
  P("; history: ");
  if (run->ncheckpoints) P("%zu checkpoint%s, last %s\n", run->ncheckpoints, run->ncheckpoints == 1 ? "" : "s", run->last_checkpoint);
  else P("none\n");

  P("\n%sWork list%s (pairs ranked by risk)\n", st->bold, st->off);
  if (!npairs) P("  nothing to fix: no finding in a service\n");
  else P("  %3s  %10s  %5s  %8s  %8s  %s\n", "#", "risk", "cover", "untested", "findings", "model <- service");
  for (size_t i = 0; i < run->pairs.len; i++) {
    const ar_pair *p = &run->pairs.items[i];
    if (!p->nfindings) continue;
    P("  %3d  %10.1f  %4d%%  %8u  %8zu  %s <- %s%s\n", p->rank, p->risk, ar_report__pct(&p->cov), p->cov.untested,
      p->nfindings, p->model->name, p->service->path, p->cov.measured ? "" : " (not measured)");
  }
  /* Findings grouped by pair, in their own order within a pair: one counting sort, so
   * the report stays linear however many pairs there are. */
  first = ar_xcalloc(run->pairs.len + 1, sizeof(*first));
  order = ar_xcalloc(run->findings.len + 1, sizeof(*order));
  for (size_t k = 0; k < run->findings.len; k++)
    if (run->findings.items[k].pair >= 0) first[run->findings.items[k].pair + 1]++;
  for (size_t i = 0; i < run->pairs.len; i++) first[i + 1] += first[i];
  {
    size_t *next = ar_xmalloc((run->pairs.len + 1) * sizeof(*next));
    memcpy(next, first, (run->pairs.len + 1) * sizeof(*next));
    for (size_t k = 0; k < run->findings.len; k++)
      if (run->findings.items[k].pair >= 0) order[next[run->findings.items[k].pair]++] = k;
    free(next);
  }
  for (size_t i = 0; i < run->pairs.len; i++) {
    const ar_pair *p = &run->pairs.items[i];
    if (!p->nfindings) continue;
    P("\n  %s%d. %s <- %s%s  risk %.1f, coverage %d%%%s, %u untested lines\n", st->bold, p->rank,
      p->model->name, p->service->path, st->off, p->risk, ar_report__pct(&p->cov),
      p->cov.measured ? "" : " (not measured)", p->cov.untested);
    for (size_t k = first[i]; k < first[i + 1]; k++)
      if ((err = finding_block(run, st, &run->findings.items[order[k]], out)) < 0) goto done;
  }
  for (size_t k = 0; k < run->findings.len; k++) {
    const ar_finding *fd = &run->findings.items[k];
    if (fd->pair >= 0) continue;
    if (!outside++) P("\n%sOutside services%s (tests, migrations: reported, not ranked)\n", st->bold, st->off);
    if ((err = finding_block(run, st, fd, out)) < 0) goto done;
  }
  if (nverified) {
    P("\n%sVerified%s (referenced, no findings)\n", st->bold, st->off);
    for (size_t i = 0; i < run->pairs.len; i++) {
      const ar_pair *p = &run->pairs.items[i];
      if (p->nfindings) continue;
      P("  %s%s%s <- %s  coverage %d%%%s\n", st->green, p->model->name, st->off, p->service->path,
        ar_report__pct(&p->cov), p->cov.measured ? "" : " (not measured)");
    }
  }
  if (run->fixed.len) {
    P("\n%sFixed since %s%s\n", st->bold, run->last_checkpoint, st->off);
    for (size_t i = 0; i < run->fixed.len; i++) {
      const ar_fixed *fx = &run->fixed.items[i];
      P("  %s %s.%s%s%s (since %s)\n", fx->rule ? fx->rule : "-", fx->model, fx->field,
        fx->service ? " in " : "", fx->service ? fx->service : "", fx->first_seen);
    }
  }
  size_t nnew = 0;
  for (size_t k = 0; k < run->findings.len; k++) nnew += run->findings.items[k].trend == AR_TREND_NEW;
  P("\n%sSummary%s: %zu finding%s (%zu critical, %zu high, %zu medium, %zu low; %zu new) in %zu pair%s; "
    "total risk %.1f",
    st->bold, st->off, run->findings.len, run->findings.len == 1 ? "" : "s",
    run->by_severity[AR_SEV_CRITICAL], run->by_severity[AR_SEV_HIGH], run->by_severity[AR_SEV_MEDIUM],
    run->by_severity[AR_SEV_LOW], nnew, npairs, npairs == 1 ? "" : "s", run->total_risk);
  if (npairs) P("; top: %s <- %s", run->pairs.items[0].model->name, run->pairs.items[0].service->path);
  P("\n%sGate%s: ", st->bold, st->off);
  if (cfg->fail_over < 0 && cfg->fail_on < 0) P("passed (no gate set: --fail-over RISK, --fail-on SEVERITY)\n");
  else if (run->gate.passed) P("%spassed%s\n", st->green, st->off);
  else {
    P("%sFAILED%s\n", st->red, st->off);
    for (size_t i = 0; i < run->gate.reasons.len; i++) P("  - %s\n", run->gate.reasons.items[i]);
  }
  P("%sScore: risk(pair) = sum(severity x confidence x (1 + %g x (recurrence - 1))) x max(1, untested lines)%s\n",
    st->dim, cfg->repeat_step, st->off);
done:
  free(first);
  free(order);
  return err;
}
