/* SPDX-License-Identifier: MIT
 * coverage.c - stage "coverage": the table every reader fills (per-file line data, packed),
 * path normalization and path maps, merging reports, mapping scanned paths onto entries
 * (exact name, <source> root, path suffix), and ar_cov_load, which picks the reader
 * (coverage_xml.c, coverage_json.c, coverage_lcov.c) by the report's first bytes.
 * Before editing: entries never move once added (callers keep pointers to them), and a
 * report reaches the caller's table only after it was read to the end without error. */
#include "coverage_int.h"

#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "alignrisk/mem.h"

#define SNIFF_MAX (1u << 20)           /* blank bytes we skip looking for the first real one */
#define IOBUF_SIZE ((size_t)256 << 10) /* stdio buffer for report files */

static bool is_sep(char c) { return c == '/' || c == '\\'; }

/* ---- hash index ----------------------------------------------------------------------- */

typedef ar_cov__entry entry;

static size_t hash_key(const char *s, size_t n)
{
  uint64_t h = 14695981039346656037u; /* FNV-1a: short keys, no adversary worth more */
  for (size_t i = 0; i < n; i++) h = (h ^ (unsigned char)s[i]) * 1099511628211u;
  return (size_t)(h ^ (h >> 29));
}

static const char *base_of(const entry *e) { return e->name + e->name_len - e->base_len; }

static uint32_t *index_slot(const ar_cov *cov, const ar_cov__index *t, bool by_base,
                            const char *key, size_t n)
{
  size_t mask = t->cap - 1;
  for (size_t i = hash_key(key, n) & mask;; i = (i + 1) & mask) {
    if (!t->slots[i]) return &t->slots[i];
    const entry *e = cov->files.items[t->slots[i] - 1];
    const char *k = by_base ? base_of(e) : e->name;
    size_t kn = by_base ? e->base_len : e->name_len;
    if (kn == n && memcmp(k, key, n) == 0) return &t->slots[i];
  }
}

static void index_reserve(ar_cov *cov, ar_cov__index *t, bool by_base)
{
  if ((t->len + 1) * 2 <= t->cap) return;
  ar_cov__index old = *t;
  t->cap = old.cap * 2;
  t->slots = ar_xcalloc(t->cap, sizeof(*t->slots));
  for (size_t i = 0; i < old.cap; i++) {
    if (!old.slots[i]) continue;
    const entry *e = cov->files.items[old.slots[i] - 1];
    *index_slot(cov, t, by_base, by_base ? base_of(e) : e->name,
                by_base ? e->base_len : e->name_len) = old.slots[i];
  }
  free(old.slots);
}

static entry *find_entry(const ar_cov *cov, const char *name, size_t n)
{
  uint32_t s = *index_slot(cov, &cov->by_name, false, name, n);
  return s ? cov->files.items[s - 1] : NULL;
}

/* Append `e` (whose name is not in the table yet) and index it under both keys. */
static void add_entry(ar_cov *cov, entry *e)
{
  AR_ASSERT(cov->files.len < UINT32_MAX);
  uint32_t idx = (uint32_t)cov->files.len;
  AR_VEC_PUSH(&cov->files, e);
  index_reserve(cov, &cov->by_name, false);
  index_reserve(cov, &cov->by_base, true);
  *index_slot(cov, &cov->by_name, false, e->name, e->name_len) = idx + 1;
  cov->by_name.len++;
  uint32_t *s = index_slot(cov, &cov->by_base, true, base_of(e), e->base_len);
  if (!*s) cov->by_base.len++;
  e->next_base = *s; /* new chain head; chain order is irrelevant, lookup ranks candidates */
  *s = idx + 1;
}

static void free_arrays(entry *e)
{
  ar_cov_file *f = &e->pub;
  free(f->lines);
  free(f->hits);
  free(f->br_covered);
  free(f->br_total);
  f->lines = f->hits = f->br_covered = f->br_total = NULL;
  e->cap = 0;
}

static void free_entry(entry *e)
{
  if (!e) return;
  free_arrays(e);
  free(e->packed);
  free(e);
}

/* ---- paths ------------------------------------------------------------------------------ */

/* The one spelling of a report path that everything else compares: '\\' becomes '/', runs
 * of '/' collapse, "." components go ("./a/./b" -> "a/b", "." -> ""), no trailing '/' but
 * for "/" itself. ".." is kept: without the file system we cannot know what it undoes.
 * Writes at most n + 1 bytes to out (NUL-terminated); returns the length. */
static size_t normalize(char *out, const char *s, size_t n)
{
  size_t o = 0;
  for (size_t i = 0; i < n;) {
    if (is_sep(s[i])) {
      if (o == 0 || out[o - 1] != '/') out[o++] = '/';
      i++;
      continue;
    }
    bool comp_start = o == 0 || out[o - 1] == '/';
    if (comp_start && s[i] == '.' && (i + 1 == n || is_sep(s[i + 1]))) {
      i += i + 1 < n ? 2 : 1; /* a "." component and its separator */
      continue;
    }
    out[o++] = s[i++];
  }
  while (o > 1 && out[o - 1] == '/') o--;
  out[o] = '\0';
  return o;
}

static bool is_absolute(const char *p)
{
  return p[0] == '/' || (p[0] && p[1] == ':'); /* "C:/..." after normalization */
}

/* Does `name` start with the path-map prefix `from`, at a component boundary? A drive
 * letter matches in either case ("c:/a" and "C:/a"), as Windows itself would. */
static bool map_matches(const ar_cov__map *m, const char *name, size_t n)
{
  size_t k = m->from_len;
  if (n < k) return false;
  size_t i = 0;
  char a = (char)(m->from[0] | 0x20), b = (char)(name[0] | 0x20);
  if (k >= 2 && m->from[1] == ':' && name[1] == ':' && a >= 'a' && a <= 'z' && a == b)
    i = 2;
  if (memcmp(name + i, m->from + i, k - i) != 0) return false;
  return n == k || name[k] == '/' || m->from[k - 1] == '/';
}

/* Normalize `raw` into `*buf` (grown as needed) and apply the first matching path map of
 * `maps`. Returns the length of the result in *buf. */
static size_t canonical(const ar_cov *maps, char **buf, size_t *cap, const char *raw, size_t n)
{
  size_t need = 2 * n + 3;
  for (size_t i = 0; i < maps->maps.len; i++) need += strlen(maps->maps.items[i].to);
  if (need > *cap) {
    *buf = ar_xrealloc(*buf, need);
    *cap = need;
  }
  char *b = *buf;
  size_t len = normalize(b, raw, n);
  for (size_t i = 0; i < maps->maps.len; i++) {
    const ar_cov__map *m = &maps->maps.items[i];
    if (!map_matches(m, b, len)) continue;
    // Build to + '/' + rest behind the normalized name, then normalize it back to the
    // front (which drops a doubled '/'): "to" may be "" (the root), "rest" empty.
    const char *rest = b + m->from_len;
    size_t tl = strlen(m->to), rl = len - m->from_len, o = 0;
    if (rl && *rest == '/') rest++, rl--;
    char *tmp = b + len + 1;
    memcpy(tmp, m->to, tl);
    o = tl;
    if (tl && rl) tmp[o++] = '/';
    memcpy(tmp + o, rest, rl);
    len = normalize(b, tmp, o + rl);
    break;
  }
  return len;
}

int ar_cov_add_path_map(ar_cov *cov, const char *from, const char *to)
{
  if (!from || !*from || cov->files.len || cov->sources.len) return AR_EUSAGE;
  to = to ? to : "";
  ar_cov__map m;
  m.from = ar_xmalloc(strlen(from) + 1);
  m.from_len = normalize(m.from, from, strlen(from));
  m.to = ar_xmalloc(strlen(to) + 1);
  normalize(m.to, to, strlen(to));
  if (m.from_len == 0) { /* "." or "./": a prefix of nothing in particular */
    free(m.from);
    free(m.to);
    return AR_EUSAGE;
  }
  AR_VEC_PUSH(&cov->maps, m);
  return AR_OK;
}

ar_cov__entry *ar_cov__file(ar_cov *stage, const char *raw, size_t n)
{
  const ar_cov *maps = stage->parent ? stage->parent : stage;
  size_t len = canonical(maps, &stage->scratch, &stage->scratch_cap, raw, n);
  if (len == 0) return NULL;
  entry *e = find_entry(stage, stage->scratch, len);
  if (e) return e;
  if (len >= UINT32_MAX) return NULL; /* not a path */
  e = ar_xcalloc(1, sizeof(*e) + len + 1);
  memcpy(e->name, stage->scratch, len + 1);
  e->pub.name = e->name;
  e->name_len = (uint32_t)len;
  const char *slash = strrchr(e->name, '/');
  e->base_len = (uint32_t)(slash ? len - (size_t)(slash + 1 - e->name) : len);
  add_entry(stage, e);
  return e;
}

void ar_cov__add_source(ar_cov *stage, const char *raw, size_t n)
{
  const ar_cov *maps = stage->parent ? stage->parent : stage;
  size_t len = canonical(maps, &stage->scratch, &stage->scratch_cap, raw, n);
  for (size_t i = 0; i < stage->sources.len; i++)
    if (strcmp(stage->sources.items[i], stage->scratch) == 0) return;
  AR_VEC_PUSH(&stage->sources, ar_xstrndup(stage->scratch, len));
}

/* ---- line data ---------------------------------------------------------------------------- */

/* While open, an entry's lines are plain arrays, appended in report order. Sealed, they are
 * packed into a byte string, one token per line or per run of lines, each relative to
 * the previous line number (`delta`, >= 1 since lines are sorted and unique):
 *
 *   0ddddddh               one line: delta 1..63, hits h (0 or 1), no branch data
 *   100hrrrr               r + 2 lines (2..17), each delta 1, hits h, no branch data
 *   101ddddh ttttcccc      one line: delta 1..15, hits h, t branches (1..15), c taken
 *   1100000b + varints     anything else: delta, hits [, total, covered when b]
 *
 * coverage.py reports 0 or 1 hits and runs of consecutive statements, so a report costs
 * about a byte per line: the 50 MB bench file (1.2M lines) packs into 1.1 MB. */

enum { TOKEN_MAX = 1 + 4 * 5 }; /* the general form with four 5-byte varints */

static size_t put_varint(uint8_t *p, uint32_t v)
{
  size_t n = 0;
  for (; v >= 0x80; v >>= 7) p[n++] = (uint8_t)(v | 0x80);
  p[n++] = (uint8_t)v;
  return n;
}

static uint32_t get_varint(const uint8_t **p)
{
  uint32_t v = 0;
  for (unsigned shift = 0;; shift += 7) {
    uint8_t b = *(*p)++;
    v |= (uint32_t)(b & 0x7f) << shift;
    if (!(b & 0x80)) return v;
  }
}

/* Token for lines [i, n) of `f` after line `prev`; returns its size, *used the lines. */
static size_t pack_token(const ar_cov_file *f, size_t i, uint32_t prev, uint8_t *p, size_t *used)
{
  uint32_t d = f->lines[i] - prev, h = f->hits[i];
  uint32_t t = f->br_total ? f->br_total[i] : 0, c = f->br_covered ? f->br_covered[i] : 0;
  *used = 1;
  if (t == 0 && h <= 1) {
    size_t r = 0;
    while (i + r < f->nlines && r < 17 && f->lines[i + r] == prev + r + 1 &&
           f->hits[i + r] == h && (!f->br_total || f->br_total[i + r] == 0))
      r++;
    if (r >= 2) {
      *used = r;
      p[0] = (uint8_t)(0x80 | h << 4 | (r - 2));
      return 1;
    }
    if (d <= 63) {
      p[0] = (uint8_t)(d << 1 | h);
      return 1;
    }
  }
  if (t >= 1 && t <= 15 && c <= 15 && d <= 15 && h <= 1) {
    p[0] = (uint8_t)(0xA0 | d << 1 | h);
    p[1] = (uint8_t)(t << 4 | c);
    return 2;
  }
  size_t n = 1;
  p[0] = (uint8_t)(0xC0 | (t != 0));
  n += put_varint(p + n, d);
  n += put_varint(p + n, h);
  if (t) {
    n += put_varint(p + n, t);
    n += put_varint(p + n, c);
  }
  return n;
}

/* One pass into a buffer sized for a byte a line (what coverage.py data needs), grown
 * when a report needs more, then trimmed to size. */
static void pack(entry *e)
{
  const ar_cov_file *f = &e->pub;
  size_t cap = f->nlines + f->nlines / 4 + TOKEN_MAX, size = 0, used;
  uint8_t *out = ar_xmalloc(cap);
  uint32_t prev = 0;
  for (size_t i = 0; i < f->nlines; i += used) {
    if (cap - size < TOKEN_MAX) out = ar_xrealloc(out, cap += cap / 2);
    size += pack_token(f, i, prev, out + size, &used);
    prev = f->lines[i + used - 1];
  }
  free(e->packed);
  e->packed = size ? ar_xrealloc(out, size) : NULL;
  if (!size) free(out);
  e->packed_len = size;
}

static void reserve(entry *e, size_t need)
{
  ar_cov_file *f = &e->pub;
  if (need <= e->cap) return;
  size_t cap = e->cap ? e->cap : 16;
  while (cap < need) cap *= 2;
  f->lines = ar_xrealloc(f->lines, cap * sizeof(*f->lines));
  f->hits = ar_xrealloc(f->hits, cap * sizeof(*f->hits));
  if (f->br_total) {
    f->br_total = ar_xrealloc(f->br_total, cap * sizeof(*f->br_total));
    f->br_covered = ar_xrealloc(f->br_covered, cap * sizeof(*f->br_covered));
  }
  e->cap = cap;
}

/* Branch arrays appear with the first branch line: zero for the lines before it. */
static void want_branches(entry *e)
{
  ar_cov_file *f = &e->pub;
  if (f->br_total) return;
  size_t cap = e->cap ? e->cap : 1;
  f->br_total = ar_xcalloc(cap, sizeof(*f->br_total));
  f->br_covered = ar_xcalloc(cap, sizeof(*f->br_covered));
}

/* Fill the arrays from `packed` (no-op when they are there already). */
static void unpack(entry *e)
{
  ar_cov_file *f = &e->pub;
  if (f->lines || !f->nlines) return;
  reserve(e, f->nlines);
  const uint8_t *p = e->packed, *end = p + e->packed_len;
  uint32_t line = 0;
  size_t n = 0;
  while (p < end) {
    uint8_t b = *p++;
    uint32_t h, t = 0, c = 0, run = 1, d;
    if (b < 0x80) {
      d = b >> 1, h = b & 1;
    } else if (b < 0xA0) {
      d = 1, h = (b >> 4) & 1, run = (b & 0x0f) + 2u;
    } else if (b < 0xC0) {
      d = (b >> 1) & 0x0f, h = b & 1;
      t = *p >> 4, c = *p++ & 0x0f;
    } else {
      d = get_varint(&p);
      h = get_varint(&p);
      if (b & 1) t = get_varint(&p), c = get_varint(&p);
    }
    for (uint32_t k = 0; k < run; k++) {
      AR_ASSERT(n < f->nlines);
      line += k ? 1 : d;
      f->lines[n] = line;
      f->hits[n] = h;
      if (t && !f->br_total) want_branches(e);
      if (f->br_total) f->br_total[n] = t, f->br_covered[n] = c;
      n++;
    }
  }
  AR_ASSERT(n == f->nlines);
}

void ar_cov__add_line(ar_cov__entry *e, uint32_t line, uint32_t hits, uint32_t br_covered,
                      uint32_t br_total)
{
  ar_cov_file *f = &e->pub;
  if (!e->open) {
    unpack(e); /* reopened: what was sealed comes first, in order */
    e->open = true;
  }
  reserve(e, f->nlines + 1);
  if (br_total) want_branches(e);
  // coverage.py writes lines in order, so most files never need the sort in seal().
  if (f->nlines && f->lines[f->nlines - 1] >= line) e->dirty = true;
  f->lines[f->nlines] = line;
  f->hits[f->nlines] = hits;
  if (f->br_total) f->br_total[f->nlines] = br_total, f->br_covered[f->nlines] = br_covered;
  f->nlines++;
}

typedef struct row {
  uint32_t line, hits, c, t;
} row;

static int cmp_row(const void *a, const void *b)
{
  uint32_t x = ((const row *)a)->line, y = ((const row *)b)->line;
  return (x > y) - (x < y);
}

#define MAX(a, b) ((a) > (b) ? (a) : (b))

/* Sort by line and fold duplicates into one, keeping the max hits (and max branch
 * counts): a line repeated by a split <class> or by a second report is covered if any
 * occurrence covered it, and max (unlike a sum) gives the same answer however often the
 * same report is loaded. Branches merge by count, not identity: an approximation that is
 * exact when the reports measured the same branches. */
static void fold(entry *e)
{
  ar_cov_file *f = &e->pub;
  if (!e->dirty) return;
  row *r = ar_xmalloc(f->nlines * sizeof(*r));
  for (size_t i = 0; i < f->nlines; i++)
    r[i] = (row){f->lines[i], f->hits[i], f->br_total ? f->br_covered[i] : 0,
                 f->br_total ? f->br_total[i] : 0};
  qsort(r, f->nlines, sizeof(*r), cmp_row);
  size_t n = 0;
  for (size_t i = 0; i < f->nlines; i++) {
    if (n && f->lines[n - 1] == r[i].line) {
      f->hits[n - 1] = MAX(f->hits[n - 1], r[i].hits);
      if (f->br_total) {
        f->br_total[n - 1] = MAX(f->br_total[n - 1], r[i].t);
        f->br_covered[n - 1] = MAX(f->br_covered[n - 1], r[i].c);
      }
      continue;
    }
    f->lines[n] = r[i].line;
    f->hits[n] = r[i].hits;
    if (f->br_total) f->br_total[n] = r[i].t, f->br_covered[n] = r[i].c;
    n++;
  }
  f->nlines = n;
  e->dirty = false;
  free(r);
}

void ar_cov__seal(ar_cov__entry *e)
{
  if (!e->open) return;
  fold(e);
  e->pub.nmissed = 0;
  for (size_t i = 0; i < e->pub.nlines; i++) e->pub.nmissed += e->pub.hits[i] == 0;
  pack(e);
  free_arrays(e);
  e->open = false;
}

bool ar_cov__parse_u32(const char *s, size_t n, uint32_t max, bool saturate, uint32_t *out)
{
  uint64_t v = 0;
  if (n == 0) return false;
  for (size_t i = 0; i < n; i++) {
    if (s[i] < '0' || s[i] > '9') return false;
    v = v * 10 + (uint64_t)(s[i] - '0');
    if (v > max) {
      if (!saturate) return false;
      v = max;
    }
  }
  *out = (uint32_t)v;
  return true;
}

/* ---- public table API ----------------------------------------------------------------- */

ar_cov *ar_cov_new(void)
{
  ar_cov *cov = ar_xcalloc(1, sizeof(*cov));
  cov->by_name.cap = cov->by_base.cap = 64;
  cov->by_name.slots = ar_xcalloc(64, sizeof(uint32_t));
  cov->by_base.slots = ar_xcalloc(64, sizeof(uint32_t));
  return cov;
}

void ar_cov_free(ar_cov *cov)
{
  if (!cov) return;
  for (size_t i = 0; i < cov->files.len; i++) free_entry(cov->files.items[i]);
  for (size_t i = 0; i < cov->sources.len; i++) free(cov->sources.items[i]);
  for (size_t i = 0; i < cov->maps.len; i++) {
    free(cov->maps.items[i].from);
    free(cov->maps.items[i].to);
  }
  AR_VEC_FREE(&cov->files);
  AR_VEC_FREE(&cov->sources);
  AR_VEC_FREE(&cov->maps);
  free(cov->by_name.slots);
  free(cov->by_base.slots);
  free(cov->scratch);
  free(cov);
}

size_t ar_cov_count(const ar_cov *cov) { return cov->files.len; }

const ar_cov_file *ar_cov_at(const ar_cov *cov, size_t i)
{
  return &AR_VEC_AT(&cov->files, i)->pub;
}

const ar_cov_file *ar_cov_decode(ar_cov *cov, size_t i)
{
  entry *e = AR_VEC_AT(&cov->files, i);
  unpack(e);
  return &e->pub;
}

void ar_cov_release(ar_cov *cov, const ar_cov_file *f)
{
  (void)cov;
  if (!f) return;
  entry *e = (entry *)((char *)(uintptr_t)f - offsetof(entry, pub));
  if (!e->open) free_arrays(e); /* an open entry's arrays are its only copy of the lines */
}

long ar_cov_line_hits(const ar_cov_file *f, uint32_t line)
{
  if (!f || !f->lines) return -1;
  size_t lo = 0, hi = f->nlines;
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    if (f->lines[mid] < line)
      lo = mid + 1;
    else
      hi = mid;
  }
  return lo < f->nlines && f->lines[lo] == line ? (long)f->hits[lo] : -1;
}

/* Move everything a successfully read report staged in `src` into `dst`; entries new to
 * `dst` change hands without copying their data. */
static void merge_into(ar_cov *dst, ar_cov *src)
{
  for (size_t i = 0; i < src->sources.len; i++) {
    char *s = src->sources.items[i];
    bool dup = false;
    for (size_t j = 0; j < dst->sources.len && !dup; j++) dup = !strcmp(dst->sources.items[j], s);
    if (dup) continue;
    AR_VEC_PUSH(&dst->sources, s);
    src->sources.items[i] = NULL;
  }
  for (size_t i = 0; i < src->files.len; i++) {
    entry *t = src->files.items[i], *e = find_entry(dst, t->name, t->name_len);
    ar_cov__seal(t);
    if (!e) {
      src->files.items[i] = NULL;
      add_entry(dst, t);
      continue;
    }
    unpack(t);
    const ar_cov_file *f = &t->pub;
    for (size_t k = 0; k < f->nlines; k++)
      ar_cov__add_line(e, f->lines[k], f->hits[k], f->br_total ? f->br_covered[k] : 0,
                       f->br_total ? f->br_total[k] : 0);
    ar_cov__seal(e); /* a no-op when `t` had no lines */
  }
}

/* ---- lookup --------------------------------------------------------------------------- */

/* Count the whole trailing path components `a` and `b` share ("x/app/b.py" and "app/b.py"
 * share 2; "xb.py" and "b.py" share 0). `*rest_a` / `*rest_b` get the length of what is
 * left over in front (0: every component took part). Empty components are skipped. */
static size_t common_suffix(const char *a, const char *b, size_t *rest_a, size_t *rest_b)
{
  size_t ia = strlen(a), ib = strlen(b), k = 0;
  for (;;) {
    while (ia && is_sep(a[ia - 1])) ia--;
    while (ib && is_sep(b[ib - 1])) ib--;
    size_t sa = ia, sb = ib;
    while (sa && !is_sep(a[sa - 1])) sa--;
    while (sb && !is_sep(b[sb - 1])) sb--;
    if (ia == 0 || ib == 0 || ia - sa != ib - sb || memcmp(a + sa, b + sb, ia - sa) != 0) break;
    k++;
    ia = sa;
    ib = sb;
  }
  *rest_a = ia;
  *rest_b = ib;
  return k;
}

typedef struct score {
  size_t k;    /* components shared with relpath */
  size_t rest; /* bytes of the report path left in front of them */
} score;

/* How well entry `e` matches `relpath`; false when it does not. A relative name is taken
 * joined to each <source> root (what coverage.py measured); an absolute one, or any name
 * when the reports have no <source>, as it is. That path must end with all of `relpath`
 * (at a component boundary), or be all used up itself, or share two components or more
 * with it. A lone basename shared by two longer paths ("tests/__init__.py" and
 * ".../app/__init__.py") is not a match: every package has an __init__.py. */
static bool rank(ar_cov *cov, const entry *e, const char *relpath, score *out)
{
  bool joined = cov->sources.len > 0 && !is_absolute(e->pub.name), ok = false;
  size_t nroots = joined ? cov->sources.len : 1;
  for (size_t i = 0; i < nroots; i++) {
    const char *path = e->pub.name;
    if (joined && cov->sources.items[i][0]) { /* "" is the scan root itself */
      size_t sl = strlen(cov->sources.items[i]), need = sl + 1 + e->name_len + 1;
      if (need > cov->scratch_cap) {
        cov->scratch = ar_xrealloc(cov->scratch, need);
        cov->scratch_cap = need;
      }
      memcpy(cov->scratch, cov->sources.items[i], sl);
      cov->scratch[sl] = '/';
      memcpy(cov->scratch + sl + 1, e->pub.name, e->name_len + 1);
      path = cov->scratch;
    }
    size_t rest, rest_rel, k = common_suffix(path, relpath, &rest, &rest_rel);
    if (k == 0 || (rest_rel && rest && k < 2)) continue;
    if (!ok || k > out->k || (k == out->k && rest < out->rest)) *out = (score){k, rest};
    ok = true;
  }
  return ok;
}

const ar_cov_file *ar_cov_lookup(ar_cov *cov, const char *relpath)
{
  while (relpath[0] == '.' && is_sep(relpath[1])) relpath += 2;
  size_t n = strlen(relpath);
  const char *base = relpath + n;
  while (base > relpath && !is_sep(base[-1])) base--;
  if (*base == '\0') return NULL; /* "" or a directory ("app/"): never a measured file */

  entry *best = find_entry(cov, relpath, n);
  if (!best) {
    score bs = {0, 0};
    uint32_t head = *index_slot(cov, &cov->by_base, true, base, (size_t)(relpath + n - base));
    for (uint32_t i = head; i; i = cov->files.items[i - 1]->next_base) {
      entry *c = cov->files.items[i - 1];
      score sc = {0, 0};
      if (!rank(cov, c, relpath, &sc)) continue;
      // Most shared components (a full match of relpath has the most possible), then the
      // least left over in front (the path closest to the root), then the smallest name:
      // deterministic whatever order the chain (hash table, load order) gives.
      if (!best || sc.k > bs.k || (sc.k == bs.k && sc.rest < bs.rest) ||
          (sc.k == bs.k && sc.rest == bs.rest && strcmp(c->pub.name, best->pub.name) < 0)) {
        best = c;
        bs = sc;
      }
    }
  }
  if (!best) return NULL;
  best->pub.matched = true;
  unpack(best);
  return &best->pub;
}

/* ---- input and format detection ---------------------------------------------------------- */

size_t ar_cov__read(ar_cov__input *in, char *buf, size_t len)
{
  size_t n = 0;
  if (in->read_errno || len == 0) return 0;
  if (in->head_pos < in->head_len) {
    n = in->head_len - in->head_pos < len ? in->head_len - in->head_pos : len;
    memcpy(buf, in->head + in->head_pos, n);
    in->head_pos += n;
    return n;
  }
  if (in->fp) {
    errno = 0;
    n = fread(buf, 1, len, in->fp);
    if (n == 0 && ferror(in->fp)) in->read_errno = errno ? errno : EIO;
  } else if (in->mem) {
    n = in->size - in->pos < len ? in->size - in->pos : len;
    memcpy(buf, in->mem + in->pos, n);
    in->pos += n;
  }
  if (n == 0) in->eof = true;
  return n;
}

typedef enum { FMT_NONE, FMT_XML, FMT_JSON, FMT_LCOV, FMT_WIDE } format;

static bool is_blank(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

/* Look at the first non-blank bytes (after a UTF-8 byte order mark) of `p[0..n)`; `more`
 * says whether bytes may follow. Sets *at to the first non-blank byte. Returns FMT_NONE
 * with *need_more when the answer depends on bytes not read yet. */
static format classify(const char *p, size_t n, bool more, size_t *at, bool *need_more)
{
  size_t i = n >= 3 && memcmp(p, "\xEF\xBB\xBF", 3) == 0 ? 3 : 0;
  *need_more = false;
  if (n >= 2 && ((p[0] == '\xFF' && p[1] == '\xFE') || (p[0] == '\xFE' && p[1] == '\xFF')))
    return FMT_WIDE;
  while (i < n && is_blank(p[i])) i++;
  *at = i;
  if (i == n || (more && n - i < 4)) { /* "TN:" plus one: a UTF-16 '<' has a NUL next */
    *need_more = more;
    return FMT_NONE;
  }
  if (memchr(p + i, '\0', n - i < 4 ? n - i : 4)) return FMT_WIDE;
  if (p[i] == '<') return FMT_XML;
  if (p[i] == '{') return FMT_JSON;
  if (n - i >= 3 && (memcmp(p + i, "TN:", 3) == 0 || memcmp(p + i, "SF:", 3) == 0))
    return FMT_LCOV;
  return FMT_NONE;
}

static format sniff(ar_cov__input *in, size_t *at)
{
  bool need_more = false;
  if (!in->fp) return classify(in->mem, in->size, false, at, &need_more);
  size_t cap = 0;
  for (;;) {
    if (in->head_len == cap) {
      cap = cap ? cap * 2 : 4096;
      in->head = ar_xrealloc(in->head, cap);
    }
    errno = 0;
    size_t n = fread(in->head + in->head_len, 1, cap - in->head_len, in->fp);
    if (n == 0 && ferror(in->fp)) {
      in->read_errno = errno ? errno : EIO;
      return FMT_NONE;
    }
    in->head_len += n;
    format f = classify(in->head, in->head_len, n > 0, at, &need_more);
    if (!need_more || in->head_len > SNIFF_MAX) return f;
  }
}

/* Line and column (from 1, in bytes) of offset `at` in `p`. */
static void locate(const char *p, size_t at, long *line, long *col)
{
  size_t bol = 0;
  *line = 1;
  for (size_t i = 0; i < at; i++)
    if (p[i] == '\n') ++*line, bol = i + 1;
  *col = (long)(at - bol) + 1;
}

static int load_input(ar_cov *cov, ar_cov__input *in, const char *name, ar_diag *dg)
{
  static const char expected[] = "expected Cobertura XML, coverage.py JSON or LCOV";
  ar_cov *stage = ar_cov_new();
  stage->parent = cov;
  size_t at = 0;
  long line, col;
  int err;
  format fmt = sniff(in, &at);
  const char *head = in->fp ? in->head : in->mem;
  size_t head_len = in->fp ? in->head_len : in->size;

  if (in->read_errno) {
    ar_diag_errorf(dg, name, 0, 0, "cannot read coverage file: %s", strerror(in->read_errno));
    err = AR_ENOTFOUND;
    goto done;
  }
  locate(head ? head : "", at, &line, &col);
  switch (fmt) {
  case FMT_XML: err = ar_cov__read_xml(stage, in, name, dg); break;
  case FMT_JSON: err = ar_cov__read_json(stage, in, name, dg); break;
  case FMT_LCOV: err = ar_cov__read_lcov(stage, in, name, dg); break;
  case FMT_WIDE:
    ar_diag_errorf(dg, name, 1, 0, "UTF-16 or UTF-32 text: only UTF-8 coverage reports are "
                                   "supported");
    err = AR_EPARSE;
    break;
  case FMT_NONE:
  default:
    if (at >= head_len)
      ar_diag_errorf(dg, name, line, 0, "not a coverage report (the file is %s): %s",
                     head_len ? "blank" : "empty", expected);
    else
      ar_diag_errorf(dg, name, line, col, "not a coverage report: %s", expected);
    err = AR_EPARSE;
    break;
  }
  if (err == 0) merge_into(cov, stage); /* only whole reports reach the caller's table */
done:
  ar_cov_free(stage);
  free(in->head);
  in->head = NULL;
  return err;
}

/* fopen(path, "rb"), except that a FIFO nobody writes to does not block the open forever
 * (tests/run_hostile.sh fifo-inputs): opened O_NONBLOCK, then switched back to blocking
 * reads, so such a FIFO reads as empty while a pipe with a writer streams as before. */
static FILE *open_report(const char *path)
{
  int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
  if (fd < 0) return NULL;
  int fl = fcntl(fd, F_GETFL);
  if (fl >= 0) (void)fcntl(fd, F_SETFL, fl & ~O_NONBLOCK);
  FILE *fp = fdopen(fd, "rb");
  if (!fp) {
    int e = errno;
    close(fd);
    errno = e;
  }
  return fp;
}

int ar_cov_load(ar_cov *cov, const char *path, ar_diag *dg)
{
  FILE *fp = open_report(path);
  if (!fp) {
    ar_diag_errorf(dg, path, 0, 0, "cannot read coverage file: %s", strerror(errno));
    return AR_ENOTFOUND;
  }
  // libxml2 asks for 4000 bytes at a time: with stdio's 4 KiB buffer that is one read(2)
  // each, and on a 500 MB report the kernel's copying then costs 10% of the time.
  // (glibc ignores setvbuf's size unless it is given the buffer.)
  char *iobuf = ar_xmalloc(IOBUF_SIZE);
  setvbuf(fp, iobuf, _IOFBF, IOBUF_SIZE);
  ar_cov__input in = {.fp = fp};
  int err = load_input(cov, &in, path, dg);
  fclose(fp);
  free(iobuf);
  return err;
}

int ar_cov_load_mem(ar_cov *cov, const char *data, size_t size, const char *name, ar_diag *dg)
{
  ar_cov__input in = {.mem = data ? data : "", .size = data ? size : 0};
  return load_input(cov, &in, name ? name : "<memory>", dg);
}
