/* SPDX-License-Identifier: MIT
 * coverage_int.h - private to the coverage stage: the table the three readers fill
 * (coverage.c), the byte source they read from, and the readers themselves
 * (coverage_xml.c, coverage_json.c, coverage_lcov.c). A reader fills a *stage* table of
 * its own; coverage.c merges it into the caller's only when the whole report was read. */
#ifndef AR_COVERAGE_INT_H
#define AR_COVERAGE_INT_H

#include <stdio.h>

#include "alignrisk/coverage.h"
#include "alignrisk/vec.h"

/* One file's entry. Line data lives in one of two forms: the arrays of `pub` (while a
 * reader appends to it, "open", or unpacked for a caller) and the packed byte string
 * `packed` (see pack() in coverage.c). Readers only call ar_cov__add_line/ar_cov__seal. */
typedef struct ar_cov__entry {
  ar_cov_file pub;    /* what callers see; pub.name points to `name` below */
  uint8_t *packed;    /* sealed line data; NULL when there is none */
  size_t packed_len;
  size_t cap;         /* capacity of the pub arrays */
  uint32_t name_len, base_len; /* the basename is the last base_len bytes of the name */
  uint32_t next_base; /* next entry (index + 1) with the same basename; 0 ends the chain */
  bool open;          /* the arrays hold lines not yet sealed into `packed` */
  bool dirty;         /* lines arrived out of order since the last seal */
  char name[];        /* one allocation with the entry: a 500 MB report has 36k of them */
} ar_cov__entry;

/* Open addressing, linear probing. A slot holds an entry index + 1 (0 = empty); keys live
 * in the entries, so the table itself owns nothing but its slot array. */
typedef struct ar_cov__index {
  uint32_t *slots;
  size_t cap, len; /* cap is a power of two, len <= cap / 2 */
} ar_cov__index;

typedef struct ar_cov__map {
  char *from, *to; /* normalized: '/' separators, no trailing '/'; `to` may be "" */
  size_t from_len;
} ar_cov__map;

struct ar_cov {
  AR_VEC(ar_cov__entry *) files; /* load order; an entry never moves: lookups stay valid */
  AR_VEC(char *) sources;        /* <source> roots: normalized, may be "" (the scan root) */
  AR_VEC(ar_cov__map) maps;      /* path maps, in the order they were added */
  const ar_cov *parent;          /* a stage: whose path maps apply; NULL otherwise */
  ar_cov__index by_name;         /* full name -> entry */
  ar_cov__index by_base;         /* basename -> head of the next_base chain */
  char *scratch;                 /* source + "/" + name, reused by lookups */
  size_t scratch_cap;
};

/* ---- table (coverage.c) ------------------------------------------------------------------ */

/* The entry for the report path `raw` (`n` bytes, need not be NUL-terminated): normalized
 * ('\\' -> '/', no "./", no doubled '/'), rewritten by the first matching path map, then
 * found or added. Borrowed: lives as long as `stage`. */
ar_cov__entry *ar_cov__file(ar_cov *stage, const char *raw, size_t n);
/* Record one <source> root (normalized and path-mapped like a file name; duplicates kept
 * once). */
void ar_cov__add_source(ar_cov *stage, const char *raw, size_t n);
/* Append one line (reopening a sealed entry). A line seen twice keeps the max hits and the
 * max branch counts; `br_total` 0 means no branch data for the line. */
void ar_cov__add_line(ar_cov__entry *e, uint32_t line, uint32_t hits, uint32_t br_covered,
                      uint32_t br_total);
/* Sort, fold duplicates and pack the lines appended since the entry was opened, then free
 * the arrays. Call when a reader is done with a file (</class>, end_of_record); cheap
 * when the entry is not open. */
void ar_cov__seal(ar_cov__entry *e);

/* Decimal digits only, no sign or space, `n` bytes. False when empty, malformed or over
 * `max`; with `saturate` an over-large value is clamped to `max` instead. */
bool ar_cov__parse_u32(const char *s, size_t n, uint32_t max, bool saturate, uint32_t *out);

/* ---- input (coverage.c) ------------------------------------------------------------------ */

/* A report's bytes: from a stream or a memory block, after the bytes the format sniffer
 * already read (`head`). Readers pull through ar_cov__read and never see the difference. */
typedef struct ar_cov__input {
  FILE *fp;            /* either a stream ... */
  const char *mem;     /* ... or a memory block (then `head` is unused) */
  size_t size, pos;    /* of `mem` */
  char *head;          /* bytes read from `fp` while sniffing; owned */
  size_t head_len, head_pos;
  int read_errno;      /* a failed fread: the reader reports AR_ENOTFOUND */
  bool eof;            /* a read returned 0 bytes */
} ar_cov__input;

/* Up to `len` bytes into `buf`; 0 at the end of input or on a read error (read_errno). */
size_t ar_cov__read(ar_cov__input *in, char *buf, size_t len);

/* ---- readers ----------------------------------------------------------------------------- */

/* Each reads the whole of `in` into `stage`. 0, or AR_EPARSE / AR_ENOTFOUND / AR_ELIMIT
 * with an error naming `name` already emitted. `stage` is discarded on failure. */
int ar_cov__read_xml(ar_cov *stage, ar_cov__input *in, const char *name, ar_diag *dg);
int ar_cov__read_json(ar_cov *stage, ar_cov__input *in, const char *name, ar_diag *dg);
int ar_cov__read_lcov(ar_cov *stage, ar_cov__input *in, const char *name, ar_diag *dg);

#endif
