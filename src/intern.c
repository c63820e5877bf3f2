/* SPDX-License-Identifier: MIT
 * intern.c - the string pool: open addressing with linear probing over 16-byte slots
 * that carry each string's length and a 32-bit hash, so a probe compares bytes only on a
 * likely match. The hash is ar_hash_fast (map.h): nothing outside one run ever sees it. */
#include "alignrisk/intern.h"

#include "alignrisk/map.h"

#include <stdlib.h>
#include <string.h>

#define CHUNK_SIZE (32u * 1024u)

static uint32_t hash_bytes(const char *s, size_t n) { return (uint32_t)ar_hash_fast(s, n); }

void ar_intern_init(ar_intern *p, ar_arena *arena)
{
  memset(p, 0, sizeof(*p));
  p->arena = arena;
  p->recent = ar_xcalloc(AR_INTERN_RECENT, sizeof(*p->recent));
}

void ar_intern_dispose(ar_intern *p)
{
  free(p->slots);
  free(p->recent);
  p->slots = p->recent = NULL;
  p->cap = p->len = 0;
}

static size_t probe(const ar_intern *p, const char *s, size_t n, uint32_t h)
{
  size_t mask = p->cap - 1;
  for (size_t i = h & mask;; i = (i + 1) & mask) {
    const ar_intern_slot *sl = &p->slots[i];
    if (!sl->str || (sl->hash == h && sl->len == n && memcmp(sl->str, s, n) == 0)) return i;
  }
}

const char *ar_intern_find(const ar_intern *p, const char *s, size_t n)
{
  if (!p->cap || n > UINT32_MAX) return NULL;
  return p->slots[probe(p, s, n, hash_bytes(s, n))].str;
}

static void grow(ar_intern *p)
{
  ar_intern_slot *old = p->slots;
  size_t ocap = p->cap;
  p->cap = ocap ? ocap * 2 : 1024;
  p->slots = ar_xcalloc(p->cap, sizeof(*p->slots));
  size_t mask = p->cap - 1;
  for (size_t i = 0; i < ocap; i++) {
    if (!old[i].str) continue;
    size_t j = old[i].hash & mask;
    while (p->slots[j].str) j = (j + 1) & mask;
    p->slots[j] = old[i];
  }
  free(old);
}

static char *copy(ar_intern *p, const char *s, size_t n)
{
  char *c;
  if (p->arena->debug || n + 1 > CHUNK_SIZE / 4) { /* long strings (and AR_ARENA_DEBUG's
                                                     * checked allocations) stand alone */
    c = ar_arena_alloc(p->arena, n + 1);
  } else {
    if (p->chunk_left < n + 1) {
      p->chunk = ar_arena_alloc(p->arena, CHUNK_SIZE);
      p->chunk_left = CHUNK_SIZE;
    }
    c = p->chunk;
    p->chunk += n + 1;
    p->chunk_left -= n + 1;
  }
  memcpy(c, s, n);
  c[n] = '\0';
  return c;
}

const char *ar_intern_n(ar_intern *p, const char *s, size_t n)
{
  if (n > UINT32_MAX) n = UINT32_MAX; /* AR_MAX_SOURCE_BYTES keeps every name far below */
  uint32_t h = hash_bytes(s, n);
  ar_intern_slot *r = &p->recent[(h >> 12) & (AR_INTERN_RECENT - 1)]; /* other bits than probe's */
  if (r->str && r->hash == h && r->len == n && memcmp(r->str, s, n) == 0) return r->str;
  if (p->cap) {
    size_t i = probe(p, s, n, h);
    if (p->slots[i].str) {
      *r = p->slots[i];
      return r->str;
    }
  }
  if ((p->len + 1) * 10 > p->cap * 7) grow(p);
  size_t i = probe(p, s, n, h);
  p->slots[i] = (ar_intern_slot){copy(p, s, n), (uint32_t)n, h};
  p->len++;
  *r = p->slots[i];
  return r->str;
}
