/* SPDX-License-Identifier: MIT
 * coverage_lcov.c - stage "coverage", LCOV tracefile reader (`coverage lcov`, geninfo):
 * records "SF:path", then "DA:line,hits[,checksum]" and "BRDA:line,block,branch,taken"
 * lines, closed by "end_of_record". Every other record (TN, FN, FNDA, LF, ...) is skipped.
 * Before editing: the report is read line by line and only the open record is held in
 * memory, so a large tracefile costs what its packed line data costs. */
#include <stdlib.h>
#include <string.h>

#include "alignrisk/buf.h"
#include "alignrisk/mem.h"
#include "coverage_int.h"

#define MAX_LINE_BYTES ((size_t)1 << 20)

typedef struct da {
  uint32_t line, hits;
} da;

typedef struct lreader {
  ar_cov *stage;
  const char *name;
  ar_diag *dg;
  long lineno;            /* of the line being handled */
  ar_cov__entry *file;    /* the open record's file; NULL between records */
  long file_line;         /* where its SF: was */
  AR_VEC(da) das;         /* the open record's DA lines ... */
  AR_VEC(da) brs;         /* ... and its BRDA branches as (line, taken 0/1) */
  bool warned_unknown, warned_branch;
} lreader;

static int cmp_da(const void *a, const void *b)
{
  uint32_t x = ((const da *)a)->line, y = ((const da *)b)->line;
  return (x > y) - (x < y);
}

/* Hand the open record's lines to its file, with the branch counts of each line. */
static void close_record(lreader *lr)
{
  if (lr->brs.len > 1) qsort(lr->brs.items, lr->brs.len, sizeof(da), cmp_da);
  // DA lines are in order in practice. When they are not, sort them too: restarting the
  // scan of the branches at each step back was quadratic (a 12 MB tracefile with its DA
  // lines in reverse took 22 s; tests/run_hostile.sh lcov-reversed). The table sorts and
  // folds lines itself when sealing, so the order they are added in changes nothing.
  bool sorted = true;
  for (size_t i = 1; sorted && i < lr->das.len; i++)
    sorted = lr->das.items[i - 1].line <= lr->das.items[i].line;
  if (!sorted) qsort(lr->das.items, lr->das.len, sizeof(da), cmp_da);
  size_t b = 0;
  for (size_t i = 0; i < lr->das.len; i++) {
    uint32_t line = lr->das.items[i].line, taken = 0, total = 0;
    while (b < lr->brs.len && lr->brs.items[b].line < line) b++;
    for (size_t k = b; k < lr->brs.len && lr->brs.items[k].line == line; k++)
      total++, taken += lr->brs.items[k].hits;
    ar_cov__add_line(lr->file, line, lr->das.items[i].hits, taken, total);
  }
  ar_cov__seal(lr->file);
  lr->file = NULL;
  lr->das.len = lr->brs.len = 0;
}

/* The comma-separated field `i` of `v` (n bytes) as [*p, *p + *len); false when absent. */
static bool field(const char *v, size_t n, int i, const char **p, size_t *len)
{
  const char *s = v, *e = v + n;
  for (; i > 0; i--) {
    const char *c = memchr(s, ',', (size_t)(e - s));
    if (!c) return false;
    s = c + 1;
  }
  const char *c = memchr(s, ',', (size_t)(e - s));
  *p = s;
  *len = (size_t)((c ? c : e) - s);
  return true;
}

static int need_record(lreader *lr, const char *key)
{
  if (lr->file) return 0;
  ar_diag_errorf(lr->dg, lr->name, lr->lineno, 0,
                 "%s: outside a record: expected SF:<path> before it", key);
  return AR_EPARSE;
}

static int on_da(lreader *lr, const char *v, size_t n)
{
  const char *p;
  size_t len;
  uint32_t line, hits;
  int err = need_record(lr, "DA");
  if (err < 0) return err;
  if (!field(v, n, 0, &p, &len) || !ar_cov__parse_u32(p, len, UINT32_MAX, false, &line) ||
      line == 0) {
    ar_diag_errorf(lr->dg, lr->name, lr->lineno, 0,
                   "DA:%.*s: expected DA:<line>,<hits> with a positive line number",
                   (int)(n < 40 ? n : 40), v);
    return AR_EPARSE;
  }
  if (!field(v, n, 1, &p, &len) || !ar_cov__parse_u32(p, len, UINT32_MAX, true, &hits)) {
    bool negative = field(v, n, 1, &p, &len) && len > 1 && p[0] == '-';
    ar_diag_errorf(lr->dg, lr->name, lr->lineno, 0, "DA:%.*s: %s", (int)(n < 40 ? n : 40), v,
                   negative ? "negative hit count (expected a non-negative integer)"
                            : "expected DA:<line>,<hits> with a non-negative hit count");
    return AR_EPARSE;
  }
  AR_VEC_PUSH(&lr->das, ((da){line, hits}));
  return 0;
}

/* BRDA:<line>,<block>,<branch>,<taken>: taken is a count or '-' (never reached). Usable
 * coverage does not depend on it, so a malformed one is a warning. */
static int on_brda(lreader *lr, const char *v, size_t n)
{
  const char *p;
  size_t len;
  uint32_t line, taken = 0;
  int err = need_record(lr, "BRDA");
  if (err < 0) return err;
  bool ok = field(v, n, 0, &p, &len) && ar_cov__parse_u32(p, len, UINT32_MAX, false, &line) &&
            line > 0 && field(v, n, 3, &p, &len) &&
            ((len == 1 && p[0] == '-') || ar_cov__parse_u32(p, len, UINT32_MAX, true, &taken));
  if (!ok) {
    if (!lr->warned_branch)
      ar_diag_warnf(lr->dg, lr->name, lr->lineno, 0,
                    "BRDA:%.*s: expected BRDA:<line>,<block>,<branch>,<taken>; ignored "
                    "(reported once)", (int)(n < 40 ? n : 40), v);
    lr->warned_branch = true;
    return 0;
  }
  AR_VEC_PUSH(&lr->brs, ((da){line, taken > 0}));
  return 0;
}

static int on_line(lreader *lr, char *s, size_t n)
{
  while (n && (s[n - 1] == '\r' || s[n - 1] == ' ' || s[n - 1] == '\t')) n--;
  while (n && (s[0] == ' ' || s[0] == '\t')) s++, n--;
  if (n == 0) return 0;
  if (memchr(s, '\0', n)) {
    ar_diag_errorf(lr->dg, lr->name, lr->lineno, 0,
                   "NUL byte: only UTF-8 coverage reports are supported");
    return AR_EPARSE;
  }
  if (n == 13 && memcmp(s, "end_of_record", 13) == 0) {
    if (lr->file) close_record(lr);
    else
      ar_diag_warnf(lr->dg, lr->name, lr->lineno, 0, "end_of_record without an open SF: "
                                                     "record; ignored");
    return 0;
  }
  const char *colon = memchr(s, ':', n);
  if (!colon) {
    ar_diag_errorf(lr->dg, lr->name, lr->lineno, 0,
                   "expected an LCOV record (SF:, DA:, end_of_record, ...), found '%.*s'",
                   (int)(n < 40 ? n : 40), s);
    return AR_EPARSE;
  }
  size_t klen = (size_t)(colon - s), vlen = n - klen - 1;
  const char *v = colon + 1;
  if (klen == 2 && !memcmp(s, "DA", 2)) return on_da(lr, v, vlen);
  if (klen == 4 && !memcmp(s, "BRDA", 4)) return on_brda(lr, v, vlen);
  if (klen == 2 && !memcmp(s, "SF", 2)) {
    if (lr->file) {
      ar_diag_warnf(lr->dg, lr->name, lr->lineno, 0,
                    "SF: before the end_of_record of the record for \"%s\" (line %ld); "
                    "closed it here", lr->file->pub.name, lr->file_line);
      close_record(lr);
    }
    // A record for a file seen before merges into it: geninfo writes one per test.
    if (!(lr->file = ar_cov__file(lr->stage, v, vlen))) {
      ar_diag_errorf(lr->dg, lr->name, lr->lineno, 0, "SF: without a path (expected "
                                                      "SF:<path of the source file>)");
      return AR_EPARSE;
    }
    lr->file_line = lr->lineno;
    return 0;
  }
  static const char *const known[] = {"TN", "FN", "FNDA", "FNF", "FNH", "FNL", "FNA", "BRF",
                                      "BRH", "LF", "LH", "VER", "LN", "LNF", "LNH", NULL};
  for (size_t i = 0; known[i]; i++)
    if (strlen(known[i]) == klen && !memcmp(known[i], s, klen)) return 0;
  if (!lr->warned_unknown)
    ar_diag_warnf(lr->dg, lr->name, lr->lineno, 0, "unknown LCOV record '%.*s:'; ignored "
                  "(reported once)", (int)(klen < 20 ? klen : 20), s);
  lr->warned_unknown = true;
  return 0;
}

int ar_cov__read_lcov(ar_cov *stage, ar_cov__input *in, const char *name, ar_diag *dg)
{
  lreader lr = {.stage = stage, .name = name, .dg = dg, .lineno = 1};
  ar_buf line;
  char chunk[1 << 16];
  size_t n;
  int err = 0;
  bool first = true;
  ar_buf_init(&line, MAX_LINE_BYTES);
  while (err == 0 && (n = ar_cov__read(in, chunk, sizeof chunk)) > 0) {
    for (size_t i = 0; i < n && err == 0;) {
      const char *nl = memchr(chunk + i, '\n', n - i);
      size_t take = (size_t)((nl ? nl : chunk + n) - (chunk + i));
      if (ar_buf_put(&line, chunk + i, take) < 0) {
        ar_diag_errorf(dg, name, lr.lineno, 0, "line longer than %zu MiB: not an LCOV "
                       "tracefile", MAX_LINE_BYTES >> 20);
        err = AR_EPARSE;
        break;
      }
      i += take;
      if (!nl) break;
      i++; /* the '\n' */
      char *s = line.ptr;
      size_t len = line.len;
      if (first && len >= 3 && !memcmp(s, "\xEF\xBB\xBF", 3)) s += 3, len -= 3;
      first = false;
      err = on_line(&lr, s, len);
      ar_buf_clear(&line);
      lr.lineno++;
    }
  }
  if (err == 0 && in->read_errno) {
    ar_diag_errorf(dg, name, 0, 0, "cannot read coverage file: %s", strerror(in->read_errno));
    err = AR_ENOTFOUND;
  }
  if (err == 0 && line.len) { /* a last line without '\n' */
    char *s = line.ptr;
    size_t len = line.len;
    if (first && len >= 3 && !memcmp(s, "\xEF\xBB\xBF", 3)) s += 3, len -= 3;
    err = on_line(&lr, s, len);
  }
  if (err == 0 && lr.file) {
    ar_diag_errorf(dg, name, lr.lineno, 0, "unexpected end of file in the record for \"%s\" "
                   "(SF: on line %ld, no end_of_record): the report is truncated",
                   lr.file->pub.name, lr.file_line);
    err = AR_EPARSE;
  }
  AR_VEC_FREE(&lr.das);
  AR_VEC_FREE(&lr.brs);
  ar_buf_dispose(&line);
  return err;
}
