/* SPDX-License-Identifier: MIT
 * history_index.c - stage "history": the index of history_int.h. Two entries are the same
 * finding (ar_history_same_entry) by fingerprint when both have one; otherwise by pattern,
 * model and field, and service when both name one. So the first match of an entry `e` is
 * the smallest of: the first entry with e's fingerprint (when e has one); the first entry
 * with e's pattern, model and field that has no fingerprint (when e has one) or any (when
 * it has none), restricted, when e names a service, to entries naming that service or
 * none. Each of those "first entry with ..." is one map lookup. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alignrisk/mem.h"
#include "history_int.h"

/* K (and K + service) as "len:text" parts, so ("a:b", "c") and ("a", "b:c") differ.
 * Owned by caller (free()); NULL when the entry has no pattern (it then matches by
 * fingerprint only). */
static char *key_of(const ar_hist_entry *e, bool with_service)
{
  if (!e->pattern || !e->model || !e->field) return NULL;
  const char *svc = with_service && e->service ? e->service : "";
  size_t n = strlen(e->pattern) + strlen(e->model) + strlen(e->field) + strlen(svc) + 4 * 21 + 1;
  char *k = ar_xmalloc(n);
  if (with_service)
    snprintf(k, n, "%zu:%s%zu:%s%zu:%s%zu:%s", strlen(e->pattern), e->pattern, strlen(e->model),
             e->model, strlen(e->field), e->field, strlen(svc), svc);
  else
    snprintf(k, n, "%zu:%s%zu:%s%zu:%s", strlen(e->pattern), e->pattern, strlen(e->model),
             e->model, strlen(e->field), e->field);
  return k;
}

static void put_first(ar_hist__index *ix, ar_map *m, const char *key, size_t i)
{
  if (ar_map_get(m, key)) return; /* entries come in order: the first one stays */
  ar_map_put(m, ar_arena_strdup(&ix->keys, key), (void *)(uintptr_t)(i + 1));
}

static size_t first_in(const ar_map *m, const char *key, size_t best)
{
  uintptr_t v = key ? (uintptr_t)ar_map_get(m, key) : 0;
  return v && v - 1 < best ? (size_t)(v - 1) : best;
}

void ar_history__index_init(ar_hist__index *ix, const ar_hist_entry *entries, size_t n)
{
  ar_map *maps[] = {&ix->fp, &ix->key, &ix->key_nofp, &ix->svc, &ix->svc_nofp, &ix->nosvc,
                    &ix->nosvc_nofp};
  for (size_t m = 0; m < sizeof maps / sizeof maps[0]; m++) ar_map_init(maps[m]);
  ar_arena_init(&ix->keys);
  for (size_t i = 0; i < n; i++) {
    const ar_hist_entry *e = &entries[i];
    bool fp = e->fingerprint != NULL;
    if (fp) put_first(ix, &ix->fp, e->fingerprint, i);
    char *k = key_of(e, false), *ks = key_of(e, true);
    if (k) {
      put_first(ix, &ix->key, k, i);
      if (!fp) put_first(ix, &ix->key_nofp, k, i);
      if (e->service) {
        put_first(ix, &ix->svc, ks, i);
        if (!fp) put_first(ix, &ix->svc_nofp, ks, i);
      } else {
        put_first(ix, &ix->nosvc, k, i);
        if (!fp) put_first(ix, &ix->nosvc_nofp, k, i);
      }
    }
    free(k);
    free(ks);
  }
}

void ar_history__index_dispose(ar_hist__index *ix)
{
  ar_map *maps[] = {&ix->fp, &ix->key, &ix->key_nofp, &ix->svc, &ix->svc_nofp, &ix->nosvc,
                    &ix->nosvc_nofp};
  for (size_t m = 0; m < sizeof maps / sizeof maps[0]; m++) ar_map_dispose(maps[m]);
  ar_arena_dispose(&ix->keys);
}

size_t ar_history__index_first(const ar_hist__index *ix, const ar_hist_entry *e)
{
  size_t best = SIZE_MAX;
  bool fp = e->fingerprint != NULL;
  if (fp) best = first_in(&ix->fp, e->fingerprint, best);
  char *k = key_of(e, false), *ks = key_of(e, true);
  if (k && !e->service) {
    best = first_in(fp ? &ix->key_nofp : &ix->key, k, best);
  } else if (k) {
    best = first_in(fp ? &ix->svc_nofp : &ix->svc, ks, best);
    best = first_in(fp ? &ix->nosvc_nofp : &ix->nosvc, k, best);
  }
  free(k);
  free(ks);
  return best;
}
