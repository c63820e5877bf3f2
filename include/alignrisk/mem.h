/* SPDX-License-Identifier: MIT
 * mem.h - allocation that aborts on out-of-memory, and the per-run arena.
 * Utility layer. Out-of-memory is never a return code anywhere in alignrisk. */
#ifndef AR_MEM_H
#define AR_MEM_H

#include <stdarg.h>

#include "alignrisk/base.h"

/** malloc/calloc/realloc/strdup that print "alignrisk: out of memory" and abort on failure.
 *  Results are owned by the caller and released with free(). */
AR_NODISCARD void *ar_xmalloc(size_t n);
AR_NODISCARD void *ar_xcalloc(size_t count, size_t size);
AR_NODISCARD void *ar_xrealloc(void *p, size_t n);
AR_NODISCARD char *ar_xstrdup(const char *s);
AR_NODISCARD char *ar_xstrndup(const char *s, size_t n);

/** A bump allocator: everything allocated from it is freed at once by ar_arena_dispose.
 *  Not thread-safe: give each thread its own arena. With AR_ARENA_DEBUG=1 in the
 *  environment every allocation is a separate malloc, so ASan and valgrind see each one. */
typedef struct ar_arena {
  struct ar_arena_block *head;
  bool debug;
} ar_arena;

void ar_arena_init(ar_arena *a);
void ar_arena_dispose(ar_arena *a);
/** Free everything allocated from `a` but keep one block for reuse: for an arena of
 *  per-item scratch, emptied before each item. */
void ar_arena_reset(ar_arena *a);
/** n bytes, 16-aligned, zeroed. Borrowed: lives as long as the arena. */
void *ar_arena_alloc(ar_arena *a, size_t n);
/** Copies of strings into the arena. Borrowed: live as long as the arena. */
char *ar_arena_strdup(ar_arena *a, const char *s);
char *ar_arena_strndup(ar_arena *a, const char *s, size_t n);
char *ar_arena_printf(ar_arena *a, const char *fmt, ...) AR_PRINTF(2, 3);
char *ar_arena_vprintf(ar_arena *a, const char *fmt, va_list ap) AR_PRINTF(2, 0);

#endif
