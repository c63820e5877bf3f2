/* SPDX-License-Identifier: MIT
 * history_trend.c - stage "history", second half: what the pattern history says about
 * this run's findings. Recurrence counts distinct instances (model.field or enum.member)
 * of a pattern, so a finding that merely persists does not raise its own weight;
 * persistence is reported as new / persisting / fixed instead. */
#include <string.h>

#include "alignrisk/history.h"

static const char *instance(ar_arena *a, const char *model, const char *field)
{
  return ar_arena_printf(a, "%s.%s", model, field);
}

/* Whether a past entry and a finding are the same finding (moved lines included). */
static bool same_finding(const ar_hist_entry *e, const ar_finding *fd)
{
  if (e->fingerprint) return strcmp(e->fingerprint, fd->fingerprint) == 0;
  if (!e->pattern || strcmp(e->pattern, fd->pattern) != 0) return false;
  if (strcmp(e->model, fd->cls->name) != 0 || strcmp(e->field, fd->attr) != 0) return false;
  return !e->service || strcmp(e->service, fd->file->path) == 0;
}

/* Whether two past entries are the same finding (for the checkpoint it was first seen in). */
static bool same_entry(const ar_hist_entry *a, const ar_hist_entry *b)
{
  if (a->fingerprint && b->fingerprint) return strcmp(a->fingerprint, b->fingerprint) == 0;
  if (!a->pattern || !b->pattern || strcmp(a->pattern, b->pattern) != 0) return false;
  if (strcmp(a->model, b->model) != 0 || strcmp(a->field, b->field) != 0) return false;
  return !a->service || !b->service || strcmp(a->service, b->service) == 0;
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
  /* Persisting: in the last checkpoint. First seen: the oldest checkpoint that has it. */
  for (size_t i = 0; i < run->findings.len; i++) {
    ar_finding *fd = &run->findings.items[i];
    bool in_last = false;
    for (size_t k = last->first; k < last->first + last->count && !in_last; k++)
      in_last = same_finding(&h->entries[k], fd);
    if (!in_last) continue;
    fd->trend = AR_TREND_PERSISTING;
    for (size_t k = 0; k < h->nentries; k++)
      if (same_finding(&h->entries[k], fd)) {
        fd->first_seen = ar_arena_strdup(a, h->entries[k].checkpoint);
        break;
      }
  }
  /* Fixed: in the last checkpoint, and no finding of this run is it. */
  for (size_t k = last->first; k < last->first + last->count; k++) {
    const ar_hist_entry *e = &h->entries[k];
    bool found = false;
    for (size_t i = 0; i < run->findings.len && !found; i++) found = same_finding(e, &run->findings.items[i]);
    if (found) continue;
    const char *first = e->checkpoint;
    for (size_t k2 = 0; k2 < last->first; k2++)
      if (same_entry(&h->entries[k2], e)) {
        first = h->entries[k2].checkpoint;
        break;
      }
    ar_fixed fx = {.rule = e->rule ? ar_arena_strdup(a, e->rule) : NULL,
                   .model = ar_arena_strdup(a, e->model), .field = ar_arena_strdup(a, e->field),
                   .service = e->service ? ar_arena_strdup(a, e->service) : NULL,
                   .first_seen = ar_arena_strdup(a, first)};
    AR_VEC_PUSH(&run->fixed, fx);
  }
}
