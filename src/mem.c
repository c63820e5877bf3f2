/* SPDX-License-Identifier: MIT
 * mem.c - aborting allocators and the bump arena.
 * Blocks are chained; a request bigger than a quarter of the block size gets a block of
 * its own. Blocks are mapped from the kernel, not taken from malloc: an arena lives for the
 * whole run, and its blocks on malloc's heap would sit between the short-lived nodes that
 * tree-sitter allocates and frees by the million, fragmenting the heap it reuses. */
#include "alignrisk/mem.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

AR_NORETURN static void oom(size_t n)
{
  fprintf(stderr, "alignrisk: out of memory (%zu bytes)\n", n);
  abort();
}

void *ar_xmalloc(size_t n)
{
  void *p = malloc(n ? n : 1);
  if (!p) oom(n);
  return p;
}

void *ar_xcalloc(size_t count, size_t size)
{
  void *p = calloc(count ? count : 1, size ? size : 1);
  if (!p) oom(count * size);
  return p;
}

void *ar_xrealloc(void *p, size_t n)
{
  void *q = realloc(p, n ? n : 1);
  if (!q) oom(n);
  return q;
}

char *ar_xstrdup(const char *s) { return ar_xstrndup(s, strlen(s)); }

char *ar_xstrndup(const char *s, size_t n)
{
  char *p = ar_xmalloc(n + 1);
  memcpy(p, s, n);
  p[n] = '\0';
  return p;
}

/* ---- arena ---------------------------------------------------------------------------- */

#define BLOCK_SIZE (256u * 1024u)

typedef struct ar_arena_block {
  struct ar_arena_block *next;
  size_t used, size;
  size_t mapped;  /* bytes mapped for the block; 0: malloc'd (AR_ARENA_DEBUG) */
  bool standard;  /* a shared block of BLOCK_SIZE (not one request's own) */
  _Alignas(16) unsigned char data[];
} ar_arena_block;

static ar_arena_block *block_new(bool debug, size_t size)
{
  ar_arena_block *b;
  size_t bytes = sizeof(*b) + size, mapped = 0;
  if (debug) {
    b = ar_xmalloc(bytes);
  } else {
    long page = sysconf(_SC_PAGESIZE);
    size_t pg = page > 0 ? (size_t)page : 4096;
    if (bytes > SIZE_MAX - pg) oom(size);
    mapped = (bytes + pg - 1) / pg * pg;
    void *m = mmap(NULL, mapped, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (m == MAP_FAILED) oom(mapped);
    b = m;
    size = mapped - sizeof(*b); /* the page rounding is usable too */
  }
  b->next = NULL;
  b->used = 0;
  b->size = size;
  b->mapped = mapped;
  b->standard = false;
  return b;
}

static void block_free(ar_arena_block *b)
{
  if (b->mapped) munmap(b, b->mapped);
  else free(b);
}

void ar_arena_init(ar_arena *a)
{
  const char *dbg = getenv("AR_ARENA_DEBUG");
  a->head = NULL;
  a->debug = dbg && dbg[0] == '1';
}

void ar_arena_dispose(ar_arena *a)
{
  ar_arena_block *b = a->head;
  while (b) {
    ar_arena_block *next = b->next;
    block_free(b);
    b = next;
  }
  a->head = NULL;
}

void ar_arena_reset(ar_arena *a)
{
  ar_arena_block *keep = NULL, *b = a->head;
  while (b) { /* keep the first block of the standard size; big and debug blocks go */
    ar_arena_block *next = b->next;
    if (!keep && b->standard) keep = b;
    else block_free(b);
    b = next;
  }
  if (keep) {
    keep->next = NULL;
    keep->used = 0;
  }
  a->head = keep;
}

void *ar_arena_alloc(ar_arena *a, size_t n)
{
  if (n > SIZE_MAX - 64) oom(n); /* the rounding below would wrap */
  size_t need = (n + 15u) & ~(size_t)15u;
  ar_arena_block *b = a->head;
  if (need == 0) need = 16;
  if (a->debug || !b || b->size - b->used < need) {
    /* Debug mode: one block per allocation, so each is visible to ASan/valgrind. Big
     * requests get their own block, linked behind the head so the head keeps serving. */
    bool own = a->debug || need > BLOCK_SIZE / 4;
    ar_arena_block *nb = block_new(a->debug, own ? need : BLOCK_SIZE);
    nb->standard = !own;
    if (b && own && !a->debug) {
      nb->next = b->next;
      b->next = nb;
    } else {
      nb->next = b;
      a->head = nb;
    }
    b = nb;
  }
  void *p = b->data + b->used;
  b->used += need;
  memset(p, 0, n);
  return p;
}

char *ar_arena_strndup(ar_arena *a, const char *s, size_t n)
{
  char *p = ar_arena_alloc(a, n + 1);
  memcpy(p, s, n);
  p[n] = '\0';
  return p;
}

char *ar_arena_strdup(ar_arena *a, const char *s) { return ar_arena_strndup(a, s, strlen(s)); }

char *ar_arena_vprintf(ar_arena *a, const char *fmt, va_list ap)
{
  char small[256]; /* one formatting pass when the result fits, as it nearly always does */
  va_list ap2;
  va_copy(ap2, ap);
  int n = vsnprintf(small, sizeof small, fmt, ap);
  if (n < 0) n = 0, small[0] = '\0';
  char *p = ar_arena_alloc(a, (size_t)n + 1);
  if ((size_t)n < sizeof small) memcpy(p, small, (size_t)n + 1);
  else vsnprintf(p, (size_t)n + 1, fmt, ap2);
  va_end(ap2);
  return p;
}

char *ar_arena_printf(ar_arena *a, const char *fmt, ...)
{
  va_list ap;
  va_start(ap, fmt);
  char *p = ar_arena_vprintf(a, fmt, ap);
  va_end(ap);
  return p;
}
