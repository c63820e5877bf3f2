/* SPDX-License-Identifier: MIT
 * map.h - ar_map, an open-addressing hash map from NUL-terminated strings to pointers,
 * and the hashes it and ar_intern use.
 * Utility layer. Keys are borrowed (they must outlive the map: use arena strings); the
 * map owns only its slot array. Not thread-safe. */
#ifndef AR_MAP_H
#define AR_MAP_H

#include "alignrisk/base.h"

typedef struct ar_map_slot {
  const char *key;
  void *value;
  uint64_t hash;
} ar_map_slot;

typedef struct ar_map {
  ar_map_slot *slots;
  size_t cap, len;
} ar_map;

/** 64-bit FNV-1a of `n` bytes; stable across runs and machines (used for fingerprints). */
uint64_t ar_hash_bytes(const void *p, size_t n);
uint64_t ar_hash_str(const char *s);
/** A fast hash of `n` bytes (eight at a time) for in-memory tables: not FNV-1a, and free
 *  to change between versions, so never for anything written down. */
uint64_t ar_hash_fast(const void *p, size_t n);

void ar_map_init(ar_map *m);
void ar_map_dispose(ar_map *m);
/** Empty the map but keep its slots, for reuse without reallocating. */
void ar_map_clear(ar_map *m);
/** The value stored under `key`, or NULL. O(1) expected. */
void *ar_map_get(const ar_map *m, const char *key);
/** The value stored under the `n` bytes at `key` (no NUL needed), or NULL. */
void *ar_map_get_n(const ar_map *m, const char *key, size_t n);
/** Store `value` under `key`, replacing any previous value; returns the previous or NULL. */
void *ar_map_put(ar_map *m, const char *key, void *value);
/** Visit every entry in slot order (not sorted): i from 0 while ar_map_next returns true. */
bool ar_map_next(const ar_map *m, size_t *i, const char **key, void **value);

#endif
