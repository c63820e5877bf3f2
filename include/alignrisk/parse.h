/* SPDX-License-Identifier: MIT
 * parse.h - stage "parse": read and parse every scanned file in a thread pool.
 * One TSParser and one visitor state per worker; each file is read once, parsed, handed
 * to the visitor (extraction), and its text and tree are freed before the next file, so
 * memory tracks the largest file, not the codebase. */
#ifndef AR_PARSE_H
#define AR_PARSE_H

#include <tree_sitter/api.h>

#include "alignrisk/diag.h"
#include "alignrisk/model.h"

/** What a worker does with each parsed file. `state` is the worker's own (from `init`). */
typedef struct ar_parse_visitor {
  /** Make a worker's state from `ctx` (below); non-zero (after a diagnostic) aborts. */
  int (*init)(void **state, void *ctx, ar_diag *dg);
  void (*fini)(void *state);
  void (*visit)(void *state, ar_file *file, const TSTree *tree, const char *src, size_t len,
                ar_arena *arena, ar_diag *dg);
  const TSLanguage *language;
  void *ctx; /* handed to init: the caller's settings */
} ar_parse_visitor;

/** Parse run->files with cfg->jobs workers (0: one per online CPU, at most 64). Files that
 *  cannot be read, are no longer regular files (a FIFO swapped in: never waited on), are
 *  binary (a NUL byte), are not UTF-8, exceed AR_MAX_SOURCE_BYTES, or hold more than 60,000
 *  comment-only lines in a row (tree-sitter 0.20.7 crashes on those) get a warning and
 *  AR_FILE_SKIPPED. A UTF-8 byte order mark is skipped. Returns 0 or the
 *  visitor's init error. Strings the visitor keeps go to run->worker_arenas. */
AR_NODISCARD int ar_parse_run(ar_run *run, const ar_parse_visitor *v, ar_diag *dg);

/** Whether `n` bytes at `s` are valid UTF-8 (no overlongs, surrogates or values past
 *  U+10FFFF). On failure *bad_offset is the first bad byte's offset. */
bool ar_parse_utf8_valid(const char *s, size_t n, size_t *bad_offset);

#endif
