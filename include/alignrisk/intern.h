/* SPDX-License-Identifier: MIT
 * intern.h - ar_intern, a string pool: one copy of each distinct string.
 * Utility layer. The copies live in an arena the caller names (they outlive the pool);
 * the pool owns only its slot tables. Strings are packed end to end, not 16-aligned, so a
 * name costs its length plus one byte. A small table of recent strings answers repeats
 * (a file names the same things again and again) without touching the big table, which
 * outgrows the caches on a large codebase. Not thread-safe: one pool per thread. */
#ifndef AR_INTERN_H
#define AR_INTERN_H

#include "alignrisk/base.h"
#include "alignrisk/mem.h"

typedef struct ar_intern_slot {
  const char *str; /* NULL: empty slot */
  uint32_t len;
  uint32_t hash;
} ar_intern_slot;

#define AR_INTERN_RECENT 4096

typedef struct ar_intern {
  ar_intern_slot *recent; /* AR_INTERN_RECENT slots by hash, the last string seen in each */
  ar_intern_slot *slots;
  size_t cap, len; /* cap is 0 or a power of two; len <= 0.7 cap */
  ar_arena *arena; /* where the copies go */
  char *chunk;     /* the arena chunk strings are being packed into */
  size_t chunk_left;
} ar_intern;

/** An empty pool whose copies go to `arena`. */
void ar_intern_init(ar_intern *p, ar_arena *arena);
/** Frees the slot tables (not the strings: they belong to the arena). */
void ar_intern_dispose(ar_intern *p);
/** The pool's copy of the `n` bytes at `s` (no NUL needed; may hold NULs), made on first
 *  sight. NUL-terminated; borrowed: lives as long as the arena. O(n) expected. */
const char *ar_intern_n(ar_intern *p, const char *s, size_t n);
/** The pool's copy if the `n` bytes at `s` were interned before, else NULL. */
const char *ar_intern_find(const ar_intern *p, const char *s, size_t n);

#endif
