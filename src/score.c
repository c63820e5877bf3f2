/* SPDX-License-Identifier: MIT
 * score.c - stage "score": weights, pairs, ranking and the gate (formula in score.h).
 * Ties are broken by model name, then service path, so rankings are stable. */
#include "alignrisk/score.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>


const char *ar_score_formula(void)
{
  return "risk(pair) = sum(severity x confidence x (1 + 0.5 x (recurrence - 1))) x max(1, untested lines)";
}

static bool is_service(const ar_run *run, const ar_file *f)
{
  if (f->flags & (AR_FILE_MIGRATION | AR_FILE_SKIPPED)) return false;
  return !(f->flags & AR_FILE_TEST) || run->cfg->include_tests;
}

static size_t file_index(const ar_run *run, const ar_file *f)
{
  /* Files are sorted by path: binary search. */
  size_t lo = 0, hi = run->files.len;
  while (lo < hi) {
    size_t mid = (lo + hi) / 2;
    int c = strcmp(run->files.items[mid]->path, f->path);
    if (c == 0) return mid;
    if (c < 0) lo = mid + 1;
    else hi = mid;
  }
  return 0;
}

/* The index in run->pairs of the (model, service) pair, created when new. */
static size_t pair_for(ar_run *run, ar_map *index, const ar_class *model, const ar_file *f)
{
  /* The key is built on the stack and copied only for a new pair: this runs once per
   * reference, and most references land in a pair that exists. */
  char buf[512];
  int n = snprintf(buf, sizeof buf, "%p|%s", (const void *)model, f->path);
  const char *key = n >= 0 && (size_t)n < sizeof buf ? buf : ar_arena_printf(&run->arena, "%p|%s", (const void *)model, f->path);
  uintptr_t slot = (uintptr_t)ar_map_get(index, key);
  if (slot) return slot - 1;
  ar_pair p = {.model = model, .service = f, .cov = run->filecov[file_index(run, f)]};
  AR_VEC_PUSH(&run->pairs, p);
  ar_map_put(index, key == buf ? ar_arena_strdup(&run->arena, buf) : key, (void *)(uintptr_t)run->pairs.len);
  return run->pairs.len - 1;
}

static int cmp_pair(const void *a, const void *b)
{
  const ar_pair *x = a, *y = b;
  bool fx = x->nfindings > 0, fy = y->nfindings > 0;
  if (fx != fy) return fx ? -1 : 1;
  if (fx && x->risk != y->risk) return x->risk > y->risk ? -1 : 1;
  int c = strcmp(x->model->name, y->model->name);
  return c ? c : strcmp(x->service->path, y->service->path);
}

static double pair_risk(const ar_pair *p, double weights)
{
  double untested = p->cov.untested > 1 ? (double)p->cov.untested : 1.0;
  return weights * untested;
}

void ar_score_run(ar_run *run, ar_diag *dg)
{
  (void)dg;
  const ar_config *cfg = run->cfg;
  ar_map index;
  ar_map_init(&index);
  /* Pairs: every service file that references a model, with or without findings. */
  for (size_t i = 0; i < run->files.len; i++) {
    ar_file *f = run->files.items[i];
    if (!is_service(run, f)) continue;
    const ar_class *last = NULL; /* runs of references to one model: one lookup */
    for (size_t j = 0; j < f->refs.len; j++) {
      const ar_class *c = f->refs.items[j].target;
      if ((f->refs.items[j].flags & AR_REF_GUESS) && !cfg->guess_names) continue;
      if (f->refs.items[j].flags & AR_REF_SELF) continue; /* a model's own methods: not a service */
      if (c && c != last && c->kind == AR_KIND_MODEL && !(c->flags & AR_CLASS_ABSTRACT) &&
          !(c->file->flags & AR_FILE_MIGRATION)) {
        (void)pair_for(run, &index, c, f);
        last = c;
      }
    }
  }
  for (size_t i = 0; i < run->findings.len; i++) {
    ar_finding *fd = &run->findings.items[i];
    double repeat = 1.0 + cfg->repeat_step * (fd->recurrence - 1);
    fd->weight = cfg->sev_weight[fd->severity] * cfg->conf_weight[fd->conf] * repeat;
    run->by_severity[fd->severity]++;
    fd->pair = -1;
    if (!is_service(run, fd->file)) continue;
    size_t slot = pair_for(run, &index, fd->model, fd->file);
    ar_pair *p = &run->pairs.items[slot];
    fd->pair = (int)slot;
    p->nfindings++;
    p->weight_sum += fd->weight;
    if (fd->trend == AR_TREND_NEW) p->weight_new += fd->weight;
  }
  ar_map_dispose(&index);
  run->total_risk = 0;
  for (size_t i = 0; i < run->pairs.len; i++) {
    ar_pair *p = &run->pairs.items[i];
    p->risk = p->nfindings ? pair_risk(p, p->weight_sum) : 0.0;
    run->total_risk += p->risk;
  }
  /* Rank the pairs; each finding keeps pointing at its own pair (rank holds the old slot
   * during the sort, then becomes the rank). */
  for (size_t i = 0; i < run->pairs.len; i++) run->pairs.items[i].rank = (int)i;
  if (run->pairs.len > 1) qsort(run->pairs.items, run->pairs.len, sizeof(ar_pair), cmp_pair);
  int *moved = ar_xmalloc((run->pairs.len + 1) * sizeof(*moved));
  for (size_t i = 0; i < run->pairs.len; i++) moved[run->pairs.items[i].rank] = (int)i;
  for (size_t i = 0; i < run->findings.len; i++)
    if (run->findings.items[i].pair >= 0) run->findings.items[i].pair = moved[run->findings.items[i].pair];
  free(moved);
  int rank = 0;
  for (size_t i = 0; i < run->pairs.len; i++)
    run->pairs.items[i].rank = run->pairs.items[i].nfindings ? ++rank : 0;

  /* Gates. With --new-only they look at new findings only (adopting on an old codebase). */
  run->gate.passed = true;
  if (cfg->fail_over >= 0) {
    double worst = 0;
    const ar_pair *wp = NULL;
    for (size_t i = 0; i < run->pairs.len; i++) {
      const ar_pair *p = &run->pairs.items[i];
      double w = cfg->new_only ? p->weight_new : p->weight_sum;
      double r = w > 0 ? pair_risk(p, w) : 0;
      if (r > worst) worst = r, wp = p;
    }
    if (wp && worst > cfg->fail_over) {
      run->gate.passed = false;
      AR_VEC_PUSH(&run->gate.reasons,
                  ar_arena_printf(&run->arena, "risk %.1f of %s <- %s is over --fail-over %g%s", worst,
                                  wp->model->name, wp->service->path, cfg->fail_over,
                                  cfg->new_only ? " (new findings only)" : ""));
    }
  }
  if (cfg->fail_on >= 0) {
    size_t n = 0;
    for (size_t k = 0; k < run->findings.len; k++) {
      const ar_finding *fd = &run->findings.items[k];
      if ((int)fd->severity >= cfg->fail_on && (!cfg->new_only || fd->trend == AR_TREND_NEW)) n++;
    }
    if (n) {
      run->gate.passed = false;
      AR_VEC_PUSH(&run->gate.reasons,
                  ar_arena_printf(&run->arena, "%zu %sfinding%s at or above --fail-on %s", n,
                                  cfg->new_only ? "new " : "", n == 1 ? "" : "s",
                                  ar_severity_name((ar_severity)cfg->fail_on)));
    }
  }
}
