/* SPDX-License-Identifier: MIT
 * history_trend.c - stage "history", second half: what the pattern history says about
 * this run's findings. Recurrence counts distinct instances (model.field or enum.member)
 * of a pattern, so a finding that merely persists does not raise its own weight;
 * persistence is reported as new / persisting / fixed instead. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "alignrisk/history.h"
#include "history_int.h"

static const char *instance(ar_arena *a, const char *model, const char *field)
{
  return ar_arena_printf(a, "%s.%s", model, field);
}

/* A finding as a past entry, so it can be matched like one: a past entry and a finding
 * are the same finding by the rules of ar_history_same_entry (the finding always has a
 * fingerprint and a file). */
static ar_hist_entry as_entry(const ar_finding *fd)
{
  return (ar_hist_entry){.pattern = fd->pattern, .model = fd->cls->name, .field = fd->attr,
                         .service = fd->file->path, .fingerprint = fd->fingerprint};
}

void ar_history_apply(ar_run *run, const ar_history *h)
{
  ar_arena *a = &run->arena;
  ar_map seen, count, earlier;
  ar_map_init(&seen);    /* "pattern|instance" -> marker */
  ar_map_init(&count);   /* pattern -> distinct instances so far (as a pointer-sized int) */
  ar_map_init(&earlier); /* pattern -> "checkpoint: instance" of the first past instance */
  size_t nentries = h ? h->nentries : 0;
  for (size_t i = 0; i < nentries; i++) {
    const ar_hist_entry *e = &h->entries[i];
    if (!e->pattern) continue;
    const char *inst = instance(a, e->model, e->field);
    const char *key = ar_arena_printf(a, "%s|%s", e->pattern, inst);
    if (ar_map_get(&seen, key)) continue;
    ar_map_put(&seen, key, (void *)key);
    ar_map_put(&count, e->pattern, (void *)((uintptr_t)ar_map_get(&count, e->pattern) + 1));
    if (!ar_map_get(&earlier, e->pattern))
      ar_map_put(&earlier, e->pattern, ar_arena_printf(a, "%s: %s", e->checkpoint, inst));
  }
  for (size_t i = 0; i < run->findings.len; i++) {
    ar_finding *fd = &run->findings.items[i];
    const char *key = ar_arena_printf(a, "%s|%s", fd->pattern, instance(a, fd->cls->name, fd->attr));
    if (ar_map_get(&seen, key)) continue;
    ar_map_put(&seen, key, (void *)key);
    ar_map_put(&count, fd->pattern, (void *)((uintptr_t)ar_map_get(&count, fd->pattern) + 1));
  }
  for (size_t i = 0; i < run->findings.len; i++) {
    ar_finding *fd = &run->findings.items[i];
    fd->recurrence = (int)(uintptr_t)ar_map_get(&count, fd->pattern);
    if (fd->recurrence < 1) fd->recurrence = 1;
    const char *past = ar_map_get(&earlier, fd->pattern);
    /* Name the earlier instance only when it is another one than this finding's. */
    if (past && fd->recurrence > 1) {
      const char *colon = strstr(past, ": ");
      if (!colon || strcmp(colon + 2, instance(a, fd->cls->name, fd->attr)) != 0) fd->earlier = past;
    }
    fd->trend = AR_TREND_NEW;
  }
  ar_map_dispose(&seen);
  ar_map_dispose(&count);
  ar_map_dispose(&earlier);
  if (!h || h->ncheckpoints == 0) return;
  run->ncheckpoints = h->ncheckpoints;
  const ar_hist_checkpoint *last = &h->checkpoints[h->ncheckpoints - 1];
  run->last_checkpoint = ar_arena_strdup(a, last->name);
  /* Every question below goes through an index (history_int.h): comparing each finding
   * with each past entry, and each entry of the last checkpoint with each before it, was
   * quadratic, minutes to hours on a large history. */
  ar_hist__index all, in_last, before_last, found;
  ar_hist_entry *views = ar_xcalloc(run->findings.len + 1, sizeof *views);
  for (size_t i = 0; i < run->findings.len; i++) views[i] = as_entry(&run->findings.items[i]);
  ar_history__index_init(&all, h->entries, h->nentries);
  /* No arithmetic on a NULL `entries` (a history without findings): UB even by 0 (fuzz
   * regression tests/fuzz/regressions/history/no-findings-last-checkpoint). */
  ar_history__index_init(&in_last, last->count ? h->entries + last->first : NULL, last->count);
  ar_history__index_init(&before_last, h->entries, last->first);
  ar_history__index_init(&found, views, run->findings.len);
  /* Persisting: in the last checkpoint. First seen: the oldest checkpoint that has it. */
  for (size_t i = 0; i < run->findings.len; i++) {
    ar_finding *fd = &run->findings.items[i];
    if (ar_history__index_first(&in_last, &views[i]) == SIZE_MAX) continue;
    fd->trend = AR_TREND_PERSISTING;
    size_t k = ar_history__index_first(&all, &views[i]);
    if (k != SIZE_MAX) fd->first_seen = ar_arena_strdup(a, h->entries[k].checkpoint);
  }
  /* Fixed: in the last checkpoint, and no finding of this run is it. */
  for (size_t k = last->first; k < last->first + last->count; k++) {
    const ar_hist_entry *e = &h->entries[k];
    if (ar_history__index_first(&found, e) != SIZE_MAX) continue;
    size_t k2 = ar_history__index_first(&before_last, e);
    const char *first = k2 != SIZE_MAX ? h->entries[k2].checkpoint : e->checkpoint;
    ar_fixed fx = {.rule = e->rule ? ar_arena_strdup(a, e->rule) : NULL,
                   .model = ar_arena_strdup(a, e->model), .field = ar_arena_strdup(a, e->field),
                   .service = e->service ? ar_arena_strdup(a, e->service) : NULL,
                   .first_seen = ar_arena_strdup(a, first)};
    AR_VEC_PUSH(&run->fixed, fx);
  }
  ar_history__index_dispose(&all);
  ar_history__index_dispose(&in_last);
  ar_history__index_dispose(&before_last);
  ar_history__index_dispose(&found);
  free(views);
}
