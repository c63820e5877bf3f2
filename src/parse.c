/* SPDX-License-Identifier: MIT
 * parse.c - stage "parse": a pool of worker threads, each with its own TSParser,
 * visitor state and arena, pulling file indexes from one atomic counter. Files are
 * handed out in path order; results land in each ar_file, so the outcome does not
 * depend on scheduling. */
#include "alignrisk/parse.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <stdio.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

bool ar_parse_utf8_valid(const char *s, size_t n, size_t *bad_offset)
{
  const unsigned char *p = (const unsigned char *)s;
  size_t i = 0;
  while (i < n) {
    /* Source is mostly ASCII: eight bytes at a time while no high bit is set. */
    while (i + 8 <= n) {
      uint64_t w;
      memcpy(&w, p + i, 8);
      if (w & 0x8080808080808080ull) break;
      i += 8;
    }
    if (i >= n) break;
    unsigned c = p[i];
    if (c < 0x80) { i++; continue; }
    size_t len;
    unsigned min;
    if (c >= 0xC2 && c <= 0xDF) len = 2, min = 0x80;
    else if (c >= 0xE0 && c <= 0xEF) len = 3, min = 0x800;
    else if (c >= 0xF0 && c <= 0xF4) len = 4, min = 0x10000;
    else goto bad;
    if (i + len > n) goto bad;
    unsigned cp = c & (0xFFu >> (len + 1));
    for (size_t k = 1; k < len; k++) {
      if ((p[i + k] & 0xC0) != 0x80) goto bad;
      cp = (cp << 6) | (p[i + k] & 0x3F);
    }
    if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) goto bad;
    i += len;
  }
  return true;
bad:
  if (bad_offset) *bad_offset = i;
  return false;
}

typedef struct pool {
  ar_run *run;
  const ar_parse_visitor *v;
  ar_diag *dg;
  atomic_size_t next, done;
  atomic_int err;
  struct timespec start, last_shown;
} pool;

static double since(const struct timespec *a, const struct timespec *b)
{
  return (double)(b->tv_sec - a->tv_sec) + (double)(b->tv_nsec - a->tv_nsec) / 1e9;
}

/* Progress on stderr, from the calling thread only, at most ten times a second, and only
 * after the first half second: short runs print nothing. */
static void show_progress(pool *p, bool final)
{
  struct timespec now;
  clock_gettime(CLOCK_MONOTONIC, &now);
  if (!final && (since(&p->start, &now) < 0.5 || since(&p->last_shown, &now) < 0.1)) return;
  p->last_shown = now;
  pthread_mutex_lock(&p->dg->lock); /* never in the middle of a diagnostic */
  if (final) fputs("\r\033[K", stderr);
  else fprintf(stderr, "\r\033[Kalignrisk: %zu/%zu files (%.1fs)", atomic_load(&p->done),
               p->run->files.len, since(&p->start, &now));
  fflush(stderr);
  pthread_mutex_unlock(&p->dg->lock);
}

typedef struct worker {
  pool *pool;
  ar_arena *arena;
  bool reporter; /* shows progress (the calling thread) */
} worker;

/* tree-sitter 0.20.7 (Debian 12's runtime) corrupts a node that gathers 65,535 children
 * or more, and ts_tree_delete() then frees a pointer into the middle of a block
 * (tree-sitter issue #2134, fixed in 0.20.8). Only extras pile up that flat in one node:
 * comments and line continuations between two real tokens. Each of those sits on a line
 * of its own, holding only it, so this count of such lines bounds the children any node
 * can get from them; a file past it is skipped instead of crashing the run
 * (tests/run_hostile.sh comment-flood). Lines in strings that start with '#' count too:
 * an overestimate, never an under one. */
#define MAX_EXTRA_LINES 60000u

static size_t extra_lines(const char *s, size_t n)
{
  size_t count = 0;
  for (size_t i = 0; i < n;) {
    while (i < n && (s[i] == ' ' || s[i] == '\t' || s[i] == '\f')) i++;
    if (i < n && s[i] == '#') count++;
    else if (i < n && s[i] == '\\' && (i + 1 == n || s[i + 1] == '\n' || s[i + 1] == '\r')) count++;
    const char *nl = memchr(s + i, '\n', n - i);
    i = nl ? (size_t)(nl - s) + 1 : n;
  }
  return count;
}

/* A worker's read buffer: grown, never shrunk, reused for every file. A fresh malloc of
 * each file's size costs more than it looks once tree-sitter has fragmented the heap. */
typedef struct srcbuf {
  char *ptr;
  size_t cap;
} srcbuf;

/* Reads the whole file into `sb`; NULL (after a warning) when it cannot or should not be
 * parsed. The text is borrowed from `sb` until the next call. */
static char *read_source(ar_file *f, srcbuf *sb, size_t *len_out, ar_diag *dg)
{
  char *buf = NULL;
  /* O_NONBLOCK: a file the scan saw as regular may have been replaced by a FIFO since,
   * and a blocking open() would wait for a writer forever (tests/run_hostile.sh
   * swapped-for-fifo). Reads of regular files ignore the flag. */
  int fd = open(f->abspath, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
  struct stat st;
  if (fd < 0 || fstat(fd, &st) != 0) {
    ar_diag_warnf(dg, f->abspath, 0, 0, "cannot read: %s; skipped", strerror(errno));
    goto fail;
  }
  if (!S_ISREG(st.st_mode)) {
    ar_diag_warnf(dg, f->abspath, 0, 0, "not a regular file; skipped");
    goto fail;
  }
  if ((size_t)st.st_size > AR_MAX_SOURCE_BYTES) {
    ar_diag_warnf(dg, f->abspath, 0, 0, "larger than %u MiB; skipped", AR_MAX_SOURCE_BYTES >> 20);
    goto fail;
  }
  size_t need = (size_t)st.st_size + 1, len = 0;
  if (sb->cap < need) {
    sb->cap = need > 65536 ? need : 65536;
    sb->ptr = ar_xrealloc(sb->ptr, sb->cap);
  }
  buf = sb->ptr;
  for (;;) {
    size_t cap = sb->cap;
    if (len + 1 >= cap) { /* the file grew since fstat */
      if (cap > AR_MAX_SOURCE_BYTES) {
        ar_diag_warnf(dg, f->abspath, 0, 0, "larger than %u MiB; skipped", AR_MAX_SOURCE_BYTES >> 20);
        goto fail;
      }
      sb->cap = cap * 2;
      buf = sb->ptr = ar_xrealloc(sb->ptr, sb->cap);
      cap = sb->cap;
    }
    ssize_t r = read(fd, buf + len, cap - len - 1);
    if (r < 0 && errno == EINTR) continue;
    if (r < 0) {
      ar_diag_warnf(dg, f->abspath, 0, 0, "cannot read: %s; skipped", strerror(errno));
      goto fail;
    }
    if (r == 0) break;
    len += (size_t)r;
  }
  buf[len] = '\0';
  close(fd);
  fd = -1;
  if (memchr(buf, '\0', len)) {
    ar_diag_warnf(dg, f->abspath, 0, 0, "binary file (NUL byte); skipped");
    goto fail;
  }
  size_t bad;
  if (!ar_parse_utf8_valid(buf, len, &bad)) {
    long line = 1;
    for (size_t i = 0; i < bad; i++) line += buf[i] == '\n';
    ar_diag_warnf(dg, f->abspath, line, 0, "not valid UTF-8 (byte offset %zu); skipped", bad);
    goto fail;
  }
  size_t extras = extra_lines(buf, len);
  if (extras > MAX_EXTRA_LINES) {
    ar_diag_warnf(dg, f->abspath, 0, 0, "%zu comment-only lines: more than %u, which the "
                  "tree-sitter runtime cannot parse safely (tree-sitter issue #2134); skipped",
                  extras, MAX_EXTRA_LINES);
    goto fail;
  }
  *len_out = len;
  return buf;
fail:
  if (fd >= 0) close(fd);
  f->flags |= AR_FILE_SKIPPED;
  return NULL;
}

static void *work(void *arg)
{
  worker *w = arg;
  bool reporter = w->reporter;
  pool *p = w->pool;
  void *state = NULL;
  TSParser *parser = ts_parser_new();
  srcbuf sb = {NULL, 0};
  if (!ts_parser_set_language(parser, p->v->language)) {
    ar_diag_errorf(p->dg, NULL, 0, 0, "cannot load the Python grammar (ABI %u) into tree-sitter %u",
                   ts_language_version(p->v->language), (unsigned)TREE_SITTER_LANGUAGE_VERSION);
    atomic_store(&p->err, AR_EVERSION);
    ts_parser_delete(parser);
    return NULL;
  }
  int err = p->v->init(&state, p->v->ctx, p->dg);
  if (err) {
    atomic_store(&p->err, err);
    ts_parser_delete(parser);
    return NULL;
  }
  for (;;) {
    if (atomic_load(&p->err)) break;
    size_t i = atomic_fetch_add(&p->next, 1);
    if (i >= p->run->files.len) break;
    ar_file *f = p->run->files.items[i];
    size_t len = 0;
    char *src = read_source(f, &sb, &len, p->dg);
    if (!src) {
      atomic_fetch_add(&p->done, 1);
      continue;
    }
    const char *text = src;
    if (len >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0) text += 3, len -= 3; /* BOM */
    TSTree *tree = ts_parser_parse_string(parser, NULL, text, (uint32_t)len);
    if (tree) {
      p->v->visit(state, f, tree, text, len, w->arena, p->dg);
      ts_tree_delete(tree);
    } else {
      ar_diag_warnf(p->dg, f->abspath, 0, 0, "the parser gave up; skipped");
      f->flags |= AR_FILE_SKIPPED;
      ts_parser_reset(parser);
    }
    atomic_fetch_add(&p->done, 1);
    if (reporter) show_progress(p, false);
  }
  p->v->fini(state);
  ts_parser_delete(parser);
  free(sb.ptr);
  return NULL;
}

int ar_parse_run(ar_run *run, const ar_parse_visitor *v, ar_diag *dg)
{
  long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
  size_t jobs = run->cfg->jobs > 0 ? (size_t)run->cfg->jobs : (ncpu > 0 ? (size_t)ncpu : 1);
  if (jobs > 64) jobs = 64;
  if (jobs > run->files.len) jobs = run->files.len ? run->files.len : 1;
  pool p = {.run = run, .v = v, .dg = dg};
  atomic_init(&p.next, 0);
  atomic_init(&p.done, 0);
  atomic_init(&p.err, 0);
  clock_gettime(CLOCK_MONOTONIC, &p.start);
  p.last_shown = p.start;
  run->nworkers = jobs;
  run->worker_arenas = ar_xcalloc(jobs, sizeof(ar_arena));
  worker *ws = ar_xcalloc(jobs, sizeof(worker));
  pthread_t *tids = ar_xcalloc(jobs, sizeof(pthread_t));
  size_t started = 0;
  for (size_t i = 0; i < jobs; i++) {
    ar_arena_init(&run->worker_arenas[i]);
    ws[i] = (worker){.pool = &p, .arena = &run->worker_arenas[i]};
  }
  /* The calling thread is worker 0; the others are threads. With one job nothing is spawned. */
  for (size_t i = 1; i < jobs; i++)
    if (pthread_create(&tids[i], NULL, work, &ws[i]) == 0) started = i;
    else break;
  ws[0].reporter = run->progress;
  work(&ws[0]);
  /* The reporter's own files are done; keep counting while the others finish theirs. */
  while (run->progress && atomic_load(&p.done) < run->files.len && !atomic_load(&p.err)) {
    struct timespec nap = {0, 50 * 1000 * 1000};
    nanosleep(&nap, NULL);
    show_progress(&p, false);
  }
  for (size_t i = 1; i <= started; i++) pthread_join(tids[i], NULL);
  if (run->progress) show_progress(&p, true);
  free(ws);
  free(tids);
  for (size_t i = 0; i < run->files.len; i++)
    if (run->files.items[i]->flags & AR_FILE_SKIPPED) run->nskipped++;
  return atomic_load(&p.err);
}
