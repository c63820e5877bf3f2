/* SPDX-License-Identifier: MIT
 * coverage.c - stage "coverage": stream Cobertura XML into sorted per-file line/hit arrays,
 * then map scanned paths onto report entries (exact name, <source> root, path suffix).
 * Before editing: the byte guard in io_read keeps every DTD away from libxml2; the reader's
 * node-type checks are only the second line of defence. Keep both. */
#include "alignrisk/coverage.h"

#include <errno.h>
#include <libxml/xmlerror.h>
#include <libxml/xmlreader.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alignrisk/buf.h"
#include "alignrisk/mem.h"
#include "alignrisk/vec.h"

#define SOURCE_MAX 4096u /* longer <source> text is not a path we could ever match */

typedef struct entry {
  ar_cov_file pub;   /* what callers see; pub.name is owned here */
  const char *base;  /* basename, points into pub.name */
  size_t name_len, base_len;
  size_t cap;        /* capacity of pub.lines and pub.hits */
  size_t next_base;  /* next entry (index + 1) with the same basename; 0 ends the chain */
  bool dirty;        /* lines arrived out of order since the last finalize() */
} entry;

/* Open addressing, linear probing. A slot holds an entry index + 1 (0 = empty); keys live
 * in the entries, so the table itself owns nothing but its slot array. */
typedef struct table {
  size_t *slots;
  size_t cap, len; /* cap is a power of two, len <= cap / 2 */
} table;

struct ar_cov {
  AR_VEC(entry *) files;  /* load order; an entry never moves, so lookups stay valid */
  AR_VEC(char *) sources; /* <source> roots: '/' separators, no trailing '/' */
  table by_name;          /* full name -> entry */
  table by_base;          /* basename -> head of the next_base chain */
  char *scratch;          /* source + "/" + name, reused by lookups */
  size_t scratch_cap;
};

static bool is_sep(char c) { return c == '/' || c == '\\'; }

/* ---- hash index ----------------------------------------------------------------------- */

static size_t hash_key(const char *s, size_t n)
{
  uint64_t h = 1469598103934665603u; /* FNV-1a: short keys, no adversary worth more */
  for (size_t i = 0; i < n; i++) h = (h ^ (unsigned char)s[i]) * 1099511628211u;
  return (size_t)(h ^ (h >> 29));
}

static size_t *table_slot(const ar_cov *cov, const table *t, bool by_base, const char *key,
                          size_t n)
{
  size_t mask = t->cap - 1;
  for (size_t i = hash_key(key, n) & mask;; i = (i + 1) & mask) {
    if (!t->slots[i]) return &t->slots[i];
    const entry *e = cov->files.items[t->slots[i] - 1];
    const char *k = by_base ? e->base : e->pub.name;
    size_t kn = by_base ? e->base_len : e->name_len;
    if (kn == n && memcmp(k, key, n) == 0) return &t->slots[i];
  }
}

static void table_reserve(ar_cov *cov, table *t, bool by_base)
{
  if ((t->len + 1) * 2 <= t->cap) return;
  table old = *t;
  t->cap = old.cap * 2;
  t->slots = ar_xcalloc(t->cap, sizeof(*t->slots));
  for (size_t i = 0; i < old.cap; i++) {
    if (!old.slots[i]) continue;
    const entry *e = cov->files.items[old.slots[i] - 1];
    *table_slot(cov, t, by_base, by_base ? e->base : e->pub.name,
                by_base ? e->base_len : e->name_len) = old.slots[i];
  }
  free(old.slots);
}

static entry *find_entry(const ar_cov *cov, const char *name, size_t n)
{
  size_t s = *table_slot(cov, &cov->by_name, false, name, n);
  return s ? cov->files.items[s - 1] : NULL;
}

/* Append `e` (whose name is not in the table yet) and index it under both keys. */
static void add_entry(ar_cov *cov, entry *e)
{
  size_t idx = cov->files.len;
  AR_VEC_PUSH(&cov->files, e);
  table_reserve(cov, &cov->by_name, false);
  table_reserve(cov, &cov->by_base, true);
  *table_slot(cov, &cov->by_name, false, e->pub.name, e->name_len) = idx + 1;
  cov->by_name.len++;
  size_t *s = table_slot(cov, &cov->by_base, true, e->base, e->base_len);
  if (!*s) cov->by_base.len++;
  e->next_base = *s; /* new chain head; chain order is irrelevant, lookup ranks candidates */
  *s = idx + 1;
}

static entry *intern_entry(ar_cov *cov, char *name) /* consumes name */
{
  size_t n = strlen(name);
  entry *e = find_entry(cov, name, n);
  if (e) {
    free(name);
    return e;
  }
  e = ar_xcalloc(1, sizeof(*e));
  const char *slash = strrchr(name, '/');
  e->pub.name = name;
  e->name_len = n;
  e->base = slash ? slash + 1 : name;
  e->base_len = n - (size_t)(e->base - name);
  add_entry(cov, e);
  return e;
}

static void free_entry(entry *e)
{
  if (!e) return;
  free(e->pub.name);
  free(e->pub.lines);
  free(e->pub.hits);
  free(e);
}

/* ---- line arrays ---------------------------------------------------------------------- */

static void add_line(entry *e, uint32_t line, uint32_t hits)
{
  ar_cov_file *f = &e->pub;
  if (f->nlines == e->cap) {
    e->cap = e->cap ? e->cap * 2 : 16;
    f->lines = ar_xrealloc(f->lines, e->cap * sizeof(*f->lines));
    f->hits = ar_xrealloc(f->hits, e->cap * sizeof(*f->hits));
  }
  // coverage.py writes lines in order, so most files never need the sort below.
  if (f->nlines && f->lines[f->nlines - 1] >= line) e->dirty = true;
  f->lines[f->nlines] = line;
  f->hits[f->nlines++] = hits;
}

typedef struct pair {
  uint32_t line, hits;
} pair;

static int cmp_pair(const void *a, const void *b)
{
  uint32_t x = ((const pair *)a)->line, y = ((const pair *)b)->line;
  return (x > y) - (x < y);
}

/* Sort by line and fold duplicates into one, keeping the max hits: a line repeated by a
 * split <class> or by a second report is covered if any occurrence covered it, and max
 * (unlike a sum) gives the same answer however often the same report is loaded. */
static void finalize(entry *e)
{
  ar_cov_file *f = &e->pub;
  if (!e->dirty) return;
  pair *p = ar_xmalloc(f->nlines * sizeof(*p));
  for (size_t i = 0; i < f->nlines; i++) p[i] = (pair){f->lines[i], f->hits[i]};
  qsort(p, f->nlines, sizeof(*p), cmp_pair);
  size_t n = 0;
  for (size_t i = 0; i < f->nlines; i++) {
    if (n && f->lines[n - 1] == p[i].line) {
      if (p[i].hits > f->hits[n - 1]) f->hits[n - 1] = p[i].hits;
      continue;
    }
    f->lines[n] = p[i].line;
    f->hits[n++] = p[i].hits;
  }
  f->nlines = n;
  e->dirty = false;
  free(p);
}

/* ---- public table API ----------------------------------------------------------------- */

ar_cov *ar_cov_new(void)
{
  ar_cov *cov = ar_xcalloc(1, sizeof(*cov));
  cov->by_name.cap = cov->by_base.cap = 64;
  cov->by_name.slots = ar_xcalloc(64, sizeof(size_t));
  cov->by_base.slots = ar_xcalloc(64, sizeof(size_t));
  return cov;
}

void ar_cov_free(ar_cov *cov)
{
  if (!cov) return;
  for (size_t i = 0; i < cov->files.len; i++) free_entry(cov->files.items[i]);
  for (size_t i = 0; i < cov->sources.len; i++) free(cov->sources.items[i]);
  AR_VEC_FREE(&cov->files);
  AR_VEC_FREE(&cov->sources);
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

long ar_cov_line_hits(const ar_cov_file *f, uint32_t line)
{
  size_t lo = 0, hi = f ? f->nlines : 0;
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    if (f->lines[mid] < line)
      lo = mid + 1;
    else
      hi = mid;
  }
  return (f && lo < f->nlines && f->lines[lo] == line) ? (long)f->hits[lo] : -1;
}

/* Move everything a successfully loaded report staged in `src` into `dst`; entries new to
 * `dst` change hands without copying their arrays. */
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
    entry *t = src->files.items[i], *e = find_entry(dst, t->pub.name, t->name_len);
    if (!e) {
      src->files.items[i] = NULL;
      add_entry(dst, t);
      e = t;
    } else {
      for (size_t k = 0; k < t->pub.nlines; k++) add_line(e, t->pub.lines[k], t->pub.hits[k]);
    }
    finalize(e);
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

static bool is_absolute(const char *p)
{
  return p[0] == '/' || (p[0] && p[1] == ':'); /* "C:/..." after '\' normalization */
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
    if (joined) {
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
    size_t head = *table_slot(cov, &cov->by_base, true, base, (size_t)(relpath + n - base));
    for (size_t i = head; i; i = cov->files.items[i - 1]->next_base) {
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
  if (best) best->pub.matched = true;
  return best ? &best->pub : NULL;
}

/* ---- input guard ---------------------------------------------------------------------- */

/* The xmlTextReader parses ahead of the node it hands out, so by the time it reports a
 * DOCUMENT_TYPE node the internal subset, and possibly the first entity references, have
 * been processed. We therefore read the bytes ourselves (xmlReaderForIO) and refuse a
 * DOCTYPE with an internal subset ("<!DOCTYPE x [ ... ]>") before libxml2 sees it. A bare
 * external identifier, as Cobertura and older coverage.py write it
 * (<!DOCTYPE coverage SYSTEM "...coverage-04.dtd">), is harmless and allowed: the DTD is
 * never loaded (no DTDLOAD, NONET). Without an internal subset no entity can be declared, so any
 * `&name;` other than the five predefined ones is a well-formedness error. The byte scan
 * only sees markup the parser will see if both agree on the encoding: the parser is held to
 * UTF-8 (see load_input), and NUL bytes, never legal in XML, are refused here so UTF-16/32
 * reports get a clear message instead of a confusing parse error. */
typedef struct input {
  FILE *fp;           /* either a stream ... */
  const char *mem;    /* ... or a memory block */
  size_t size, pos;
  int read_errno;     /* a failed fread: reported as AR_ENOTFOUND */
  size_t match, close_match; /* bytes of "<!DOCTYPE", "</coverage" matched so far */
  bool in_doctype;    /* between "<!DOCTYPE" and its closing '>' */
  char quote;         /* inside a quoted literal of the DOCTYPE: its quote character */
  long line;          /* 1 + newlines passed to libxml2 so far */
  long bad_line;      /* where the refused construct starts */
  const char *bad;    /* why the input was refused; NULL while it is acceptable */
  bool content, eof;  /* saw a non-blank byte; handed libxml2 the end of input */
  bool closed;        /* saw "</coverage": a stream cut before it is truncated */
} input;

/* Feed one byte to a matcher for `pat`; true when the whole pattern has just matched.
 * '<' occurs only at the start of our patterns, so a mismatch restarts at 0 or 1. */
static bool step(size_t *m, const char *pat, unsigned char c)
{
  if (c != (unsigned char)pat[*m]) {
    *m = c == '<';
    return false;
  }
  if (pat[++*m] != '\0') return false;
  *m = 0;
  return true;
}

static bool guard(input *in, const unsigned char *p, size_t n)
{
  for (size_t i = 0; i < n; i++) {
    unsigned char c = p[i];
    if (c == 0) {
      in->bad = "NUL byte: only UTF-8 coverage reports are supported";
      in->bad_line = in->line;
      return false;
    }
    if (c == '\n') in->line++;
    if (c > ' ') in->content = true;
    if (step(&in->close_match, "</coverage", c)) in->closed = true;
    if (in->in_doctype) {
      if (in->quote) {
        if (c == (unsigned char)in->quote) in->quote = 0;
      } else if (c == '"' || c == '\'') {
        in->quote = (char)c;
      } else if (c == '[') {
        in->bad = "DTDs and entities are not allowed";
        in->bad_line = in->line;
        return false;
      } else if (c == '>') {
        in->in_doctype = false;
      }
      continue;
    }
    if (step(&in->match, "<!DOCTYPE", c)) in->in_doctype = true;
  }
  return true;
}

static int io_read(void *ctx, char *buf, int len)
{
  input *in = ctx;
  size_t n;
  if (in->bad || in->read_errno) return -1;
  if (len <= 0) return 0;
  if (in->fp) {
    errno = 0;
    n = fread(buf, 1, (size_t)len, in->fp);
    if (n == 0 && ferror(in->fp)) {
      in->read_errno = errno ? errno : EIO;
      return -1;
    }
  } else {
    n = in->size - in->pos < (size_t)len ? in->size - in->pos : (size_t)len;
    memcpy(buf, in->mem + in->pos, n);
    in->pos += n;
  }
  if (n == 0) in->eof = true;
  return guard(in, (const unsigned char *)buf, n) ? (int)n : -1;
}

/* ---- streaming parse ------------------------------------------------------------------ */

typedef struct loader {
  ar_cov *stage;      /* this report alone; merged into the caller's table on success */
  xmlTextReaderPtr r;
  const char *name;   /* path for diagnostics */
  ar_diag *dg;
  input in;
  char *xml_msg;      /* first libxml2 error, captured instead of printed */
  long xml_line;
  int xml_code;
  bool xml_at_eof;    /* raised after the input ran out */
  bool saw_root;
  entry *cls;         /* the <class> being read; NULL outside one */
  int cls_depth;
  bool in_lines;      /* inside class/lines (not method/lines, which repeats them) */
  bool in_source;
  ar_buf source;
} loader;

static void on_xml_error(void *ctx, xmlErrorPtr e)
{
  loader *ld = ctx;
  if (!e || e->level < XML_ERR_ERROR || ld->xml_msg) return;
  const char *m = e->message ? e->message : "parse error";
  size_t n = strcspn(m, "\n"); /* some messages add a "Bytes: 0x.." line */
  while (n && m[n - 1] == ' ') n--;
  ld->xml_msg = ar_xstrndup(m, n);
  ld->xml_line = e->line;
  ld->xml_code = e->code;
  ld->xml_at_eof = ld->in.eof;
}

/* Line of the node the reader stands on. Not xmlTextReaderGetParserLineNumber: the parser
 * runs up to a chunk ahead of the reader. Exact up to line 65535; past it libxml2 2.9 (with
 * XML_PARSE_BIG_LINES) borrows the line of a neighbouring text node, which can be one more. */
static long node_line(loader *ld)
{
  xmlNodePtr node = xmlTextReaderCurrentNode(ld->r);
  long line = node ? xmlGetLineNo(node) : -1;
  return line > 0 ? line : xmlTextReaderGetParserLineNumber(ld->r);
}

/* Decimal digits only, no sign or space. Returns false when empty, malformed or when the
 * value exceeds `max`; with `saturate` an over-large value is clamped to `max` instead. */
static bool parse_u32(const char *s, uint32_t max, bool saturate, uint32_t *out)
{
  uint64_t v = 0;
  if (!*s) return false;
  for (; *s; s++) {
    if (*s < '0' || *s > '9') return false;
    v = v * 10 + (uint64_t)(*s - '0');
    if (v > max) {
      if (!saturate) return false;
      v = max;
    }
  }
  *out = (uint32_t)v;
  return true;
}

static int on_line(loader *ld)
{
  char num_raw[40] = "", hits_raw[40] = "";
  bool have_num = false, have_hits = false, num_ok = false, hits_ok = false;
  uint32_t num = 0, hits = 0;
  // Parse each attribute as soon as it is visited: the reader may reuse one buffer for
  // every ConstValue, so a value is not kept past the next move.
  for (int rc = xmlTextReaderMoveToFirstAttribute(ld->r); rc == 1;
       rc = xmlTextReaderMoveToNextAttribute(ld->r)) {
    const char *an = (const char *)xmlTextReaderConstLocalName(ld->r);
    const char *av = (const char *)xmlTextReaderConstValue(ld->r);
    if (!an || !av) continue;
    if (!strcmp(an, "number")) {
      have_num = true;
      num_ok = parse_u32(av, UINT32_MAX, false, &num) && num > 0;
      snprintf(num_raw, sizeof num_raw, "%.32s", av);
    } else if (!strcmp(an, "hits")) {
      have_hits = true;
      hits_ok = parse_u32(av, UINT32_MAX, true, &hits);
      snprintf(hits_raw, sizeof hits_raw, "%.32s", av);
    }
  }
  xmlTextReaderMoveToElement(ld->r);
  const char *cls = ld->cls->pub.name;
  if (!have_num) {
    ar_diag_errorf(ld->dg, ld->name, node_line(ld), 0,
                   "<line> without a 'number' attribute in <class filename=\"%s\">", cls);
    return AR_EPARSE;
  }
  if (!num_ok) {
    ar_diag_errorf(ld->dg, ld->name, node_line(ld), 0,
                   "<line number=\"%s\"> in <class filename=\"%s\">: the line number must be "
                   "a positive integer", num_raw, cls);
    return AR_EPARSE;
  }
  if (!have_hits || !hits_ok) {
    ar_diag_errorf(ld->dg, ld->name, node_line(ld), 0,
                   "<line number=\"%s\"> in <class filename=\"%s\">: hits=\"%s\" is not a "
                   "non-negative integer", num_raw, cls, have_hits ? hits_raw : "(missing)");
    return AR_EPARSE;
  }
  add_line(ld->cls, num, hits);
  return 0;
}

/* Report names are stored with '/' separators and without a leading "./", the form
 * scan produces, so the exact-match tier can work for coverage run from the root. */
static char *normalize_path(const char *s)
{
  while (s[0] == '.' && is_sep(s[1])) s += 2;
  char *p = ar_xstrdup(s);
  for (char *q = p; *q; q++)
    if (*q == '\\') *q = '/';
  return p;
}

static int on_class(loader *ld, int depth, bool empty)
{
  xmlChar *fn = xmlTextReaderGetAttribute(ld->r, BAD_CAST "filename");
  char *name = fn ? normalize_path((const char *)fn) : NULL;
  xmlFree(fn);
  if (!name || !*name) {
    free(name);
    ar_diag_errorf(ld->dg, ld->name, node_line(ld), 0, "<class> without a 'filename' attribute");
    return AR_EPARSE;
  }
  // Registered even when it has no lines: an empty __init__.py is measured, not unknown.
  entry *e = intern_entry(ld->stage, name);
  ld->cls = empty ? NULL : e;
  ld->cls_depth = depth;
  ld->in_lines = false;
  return 0;
}

static int on_element(loader *ld, const char *tag, int depth)
{
  bool empty = xmlTextReaderIsEmptyElement(ld->r) == 1;
  if (depth == 0) {
    ld->saw_root = true;
    if (strcmp(tag, "coverage") == 0) return 0;
    ar_diag_errorf(ld->dg, ld->name, node_line(ld), 0,
                   "root element is <%s>, expected <coverage> (not a Cobertura report)", tag);
    return AR_EPARSE;
  }
  if (ld->cls) {
    if (depth == ld->cls_depth + 1 && !strcmp(tag, "lines")) ld->in_lines = !empty;
    else if (ld->in_lines && depth == ld->cls_depth + 2 && !strcmp(tag, "line")) return on_line(ld);
    return 0;
  }
  if (!strcmp(tag, "class")) return on_class(ld, depth, empty);
  if (!strcmp(tag, "source") && !empty) {
    ld->in_source = true;
    ar_buf_clear(&ld->source);
  }
  return 0;
}

static void end_source(loader *ld)
{
  char *s = ld->source.ptr, *e = s + ld->source.len;
  while (s < e && (*s == ' ' || *s == '\t' || *s == '\r' || *s == '\n')) s++;
  while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r' || e[-1] == '\n')) e--;
  char *src = ar_xstrndup(s, (size_t)(e - s));
  for (char *q = src; *q; q++)
    if (*q == '\\') *q = '/';
  size_t n = strlen(src);
  while (n > 1 && src[n - 1] == '/') src[--n] = '\0'; /* "/r/" joins like "/r" */
  AR_VEC_PUSH(&ld->stage->sources, src);
  ld->in_source = false;
}

static int read_all(loader *ld)
{
  int ret, err = 0;
  for (;;) {
    ret = xmlTextReaderRead(ld->r);
    if (ret != 1) break;
    int type = xmlTextReaderNodeType(ld->r), depth = xmlTextReaderDepth(ld->r);
    const char *tag = (const char *)xmlTextReaderConstLocalName(ld->r);
    switch (type) {
    case XML_READER_TYPE_DOCUMENT_TYPE: /* external identifier only (see the guard) */
      break;
    case XML_READER_TYPE_ENTITY_REFERENCE:
    case XML_READER_TYPE_ENTITY:
      ar_diag_errorf(ld->dg, ld->name, node_line(ld), 0, "DTDs and entities are not allowed");
      return AR_EPARSE;
    case XML_READER_TYPE_ELEMENT: err = on_element(ld, tag ? tag : "", depth); break;
    case XML_READER_TYPE_END_ELEMENT:
      if (ld->cls && depth == ld->cls_depth + 1 && tag && !strcmp(tag, "lines")) ld->in_lines = false;
      if (ld->cls && depth == ld->cls_depth) ld->cls = NULL;
      if (ld->in_source) end_source(ld);
      break;
    case XML_READER_TYPE_TEXT:
    case XML_READER_TYPE_CDATA:
    case XML_READER_TYPE_SIGNIFICANT_WHITESPACE:
      if (ld->in_source) {
        const char *v = (const char *)xmlTextReaderConstValue(ld->r);
        if (v && ar_buf_puts(&ld->source, v) < 0) {
          ar_diag_errorf(ld->dg, ld->name, node_line(ld), 0, "<source> longer than %u bytes",
                         SOURCE_MAX);
          return AR_EPARSE;
        }
      }
      break;
    default: break;
    }
    if (err < 0) return err;
  }
  // The guard's verdict first: once it refuses input, libxml2 only sees a cut-off stream
  // (and a "<!DOCTYPE" after the root element would otherwise look like a clean end).
  if (ld->in.bad) {
    ar_diag_errorf(ld->dg, ld->name, ld->in.bad_line, 0, "%s", ld->in.bad);
    return AR_EPARSE;
  }
  if (ld->in.read_errno) {
    ar_diag_errorf(ld->dg, ld->name, 0, 0, "cannot read coverage file: %s",
                   strerror(ld->in.read_errno));
    return AR_ENOTFOUND;
  }
  if (ret < 0) {
    // libxml2 2.9 words both an empty and a cut-off stream as "Extra content at the end
    // of the document"; say which it was. Cut off: the root was opened but its end tag
    // never came through, and the error was raised only once the input ran out.
    const char *msg = ld->xml_msg ? ld->xml_msg : "parse error";
    if (ld->xml_code == XML_ERR_DOCUMENT_END && !ld->in.content)
      msg = "the document is empty";
    else if (ld->xml_code == XML_ERR_DOCUMENT_END && ld->saw_root && !ld->in.closed &&
             ld->xml_at_eof)
      msg = "unexpected end of file inside <coverage>: the report is truncated";
    ar_diag_errorf(ld->dg, ld->name, ld->xml_msg ? ld->xml_line : node_line(ld), 0,
                   "malformed XML: %s", msg);
    return AR_EPARSE;
  }
  return 0;
}

static int load_input(ar_cov *cov, const input *in, const char *name, ar_diag *dg)
{
  loader ld = {.stage = ar_cov_new(), .name = name, .dg = dg, .in = *in};
  int err = 0;
  ar_buf_init(&ld.source, SOURCE_MAX);
  xmlInitParser();
  // Errors raised outside the reader's context (I/O layer) go to the thread's global
  // handler: route those to us too, so libxml2 never prints on its own.
  xmlStructuredErrorFunc old_fn = xmlStructuredError;
  void *old_ctx = xmlStructuredErrorContext;
  xmlSetStructuredErrorFunc(&ld, on_xml_error);

  // NONET; never NOENT (it *enables* substitution), DTDLOAD or DTDATTR. UTF-8 is forced:
  // no detection from the first bytes, no encoding="..." switch, since in EBCDIC (say) the
  // byte guard would not recognise a DOCTYPE. BIG_LINES: line numbers past 65535.
  ld.r = xmlReaderForIO(io_read, NULL, &ld.in, name, "UTF-8",
                        XML_PARSE_NONET | XML_PARSE_IGNORE_ENC | XML_PARSE_BIG_LINES);
  if (!ld.r) { /* only if the very first read failed or libxml2 is out of memory */
    err = ld.in.bad ? AR_EPARSE : ld.in.read_errno ? AR_ENOTFOUND : AR_ERROR;
    if (ld.in.bad)
      ar_diag_errorf(dg, name, ld.in.bad_line, 0, "%s", ld.in.bad);
    else
      ar_diag_errorf(dg, name, 0, 0, "cannot read coverage file: %s",
                     ld.in.read_errno ? strerror(ld.in.read_errno) : "cannot start XML reader");
    goto done;
  }
  xmlTextReaderSetStructuredErrorHandler(ld.r, on_xml_error, &ld);
  if ((err = read_all(&ld)) < 0) goto done;
  merge_into(cov, ld.stage); /* only whole reports reach the caller's table */

done:
  if (ld.r) xmlFreeTextReader(ld.r);
  xmlSetStructuredErrorFunc(old_ctx, old_fn);
  ar_cov_free(ld.stage);
  ar_buf_dispose(&ld.source);
  free(ld.xml_msg);
  return err;
}

int ar_cov_load(ar_cov *cov, const char *path, ar_diag *dg)
{
  FILE *fp = fopen(path, "rb");
  if (!fp) {
    ar_diag_errorf(dg, path, 0, 0, "cannot read coverage file: %s", strerror(errno));
    return AR_ENOTFOUND;
  }
  input in = {.fp = fp, .line = 1};
  int err = load_input(cov, &in, path, dg);
  fclose(fp);
  return err;
}

int ar_cov_load_mem(ar_cov *cov, const char *data, size_t size, const char *name, ar_diag *dg)
{
  input in = {.mem = data, .size = size, .line = 1};
  return load_input(cov, &in, name ? name : "<memory>", dg);
}
