/* SPDX-License-Identifier: MIT
 * map.c - string-keyed open-addressing hash map (linear probing, power-of-two size,
 * load factor <= 1/2). No deletion: alignrisk's tables only grow during a run. */
#include "alignrisk/map.h"

#include <stdlib.h>
#include <string.h>

#include "alignrisk/mem.h"

uint64_t ar_hash_bytes(const void *p, size_t n)
{
  const unsigned char *s = p;
  uint64_t h = 14695981039346656037ull;
  for (size_t i = 0; i < n; i++) {
    h ^= s[i];
    h *= 1099511628211ull;
  }
  return h;
}

uint64_t ar_hash_str(const char *s) { return ar_hash_bytes(s, strlen(s)); }

uint64_t ar_hash_fast(const void *p, size_t n)
{
  const unsigned char *s = p;
  uint64_t h = 0x9E3779B97F4A7C15ull ^ ((uint64_t)n * 0xC2B2AE3D27D4EB4Full);
  for (; n >= 8; s += 8, n -= 8) {
    uint64_t w;
    memcpy(&w, s, 8);
    h = (h ^ w) * 0xFF51AFD7ED558CCDull;
    h ^= h >> 32;
  }
  if (n) {
    uint64_t tail = 0;
    memcpy(&tail, s, n);
    h = (h ^ tail) * 0xC4CEB9FE1A85EC53ull;
  }
  h ^= h >> 29;
  h *= 0x94D049BB133111EBull;
  h ^= h >> 32;
  return h;
}

void ar_map_init(ar_map *m)
{
  m->slots = NULL;
  m->cap = m->len = 0;
}

void ar_map_dispose(ar_map *m)
{
  free(m->slots);
  ar_map_init(m);
}

void ar_map_clear(ar_map *m)
{
  if (m->cap) memset(m->slots, 0, m->cap * sizeof(*m->slots));
  m->len = 0;
}

static ar_map_slot *find(const ar_map *m, const char *key, uint64_t h)
{
  size_t mask = m->cap - 1;
  for (size_t i = (size_t)h & mask;; i = (i + 1) & mask) {
    ar_map_slot *s = &m->slots[i];
    if (!s->key || (s->hash == h && strcmp(s->key, key) == 0)) return s;
  }
}

void *ar_map_get(const ar_map *m, const char *key)
{
  if (!m->cap) return NULL;
  ar_map_slot *s = find(m, key, ar_hash_fast(key, strlen(key)));
  return s->key ? s->value : NULL;
}

static void grow(ar_map *m)
{
  ar_map old = *m;
  m->cap = old.cap ? old.cap * 2 : 16;
  m->slots = ar_xcalloc(m->cap, sizeof(*m->slots));
  for (size_t i = 0; i < old.cap; i++)
    if (old.slots[i].key) *find(m, old.slots[i].key, old.slots[i].hash) = old.slots[i];
  free(old.slots);
}

void *ar_map_put(ar_map *m, const char *key, void *value)
{
  if ((m->len + 1) * 2 > m->cap) grow(m);
  uint64_t h = ar_hash_fast(key, strlen(key));
  ar_map_slot *s = find(m, key, h);
  void *prev = s->key ? s->value : NULL;
  if (!s->key) {
    s->key = key;
    s->hash = h;
    m->len++;
  }
  s->value = value;
  return prev;
}

void *ar_map_get_n(const ar_map *m, const char *key, size_t n)
{
  if (!m->cap) return NULL;
  uint64_t h = ar_hash_fast(key, n);
  size_t mask = m->cap - 1;
  for (size_t i = (size_t)h & mask;; i = (i + 1) & mask) {
    const ar_map_slot *s = &m->slots[i];
    if (!s->key) return NULL;
    if (s->hash == h && strncmp(s->key, key, n) == 0 && s->key[n] == '\0') return s->value;
  }
}

bool ar_map_next(const ar_map *m, size_t *i, const char **key, void **value)
{
  for (; *i < m->cap; (*i)++) {
    if (m->slots[*i].key) {
      *key = m->slots[*i].key;
      *value = m->slots[*i].value;
      (*i)++;
      return true;
    }
  }
  return false;
}
