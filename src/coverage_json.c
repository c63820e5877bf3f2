/* SPDX-License-Identifier: MIT
 * coverage_json.c - stage "coverage", coverage.py JSON reader (`coverage json`):
 * {"meta": {...}, "files": {"path": {"executed_lines": [...], "missing_lines": [...],
 * "executed_branches": [[from, to], ...], "missing_branches": [...], ...}}, "totals": ...}.
 * Before editing: the whole report is one cJSON tree (capped at MAX_JSON_BYTES); cJSON
 * keeps no positions, so errors about the document's shape find their line and column by
 * walking the (already validated) text again, see value_at(). */
#include <cjson/cJSON.h>
#include <ctype.h>
#include <math.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "alignrisk/buf.h"
#include "alignrisk/mem.h"
#include "coverage_int.h"

#define MAX_JSON_BYTES ((size_t)256 << 20)
#define NOWHERE ((size_t)-1)

/* cJSON's hooks are process-wide; history.c installs the same pair. */
static pthread_once_t hooks_once = PTHREAD_ONCE_INIT;
static void install_hooks(void)
{
  cJSON_Hooks hooks = {ar_xmalloc, free};
  cJSON_InitHooks(&hooks);
}

typedef struct jreader {
  const char *text; /* the whole report */
  size_t size;
  const char *name; /* for diagnostics */
  ar_diag *dg;
  ar_cov *stage;
  bool warned_branches;
} jreader;

/* ---- positions in the text ------------------------------------------------------------ */

/* Whatever cJSON skips: every byte up to ' ', control characters included. With only the
 * four JSON blanks the walk below lost step with the text cJSON had accepted (a raw 0x0E
 * before a key) and ran off its end (fuzz regression
 * tests/fuzz/regressions/coverage_json/control-char-before-key). The text has no NUL. */
static bool is_ws(char c) { return (unsigned char)c <= ' '; }

static size_t skip_ws(const jreader *jr, size_t i)
{
  while (i < jr->size && is_ws(jr->text[i])) i++;
  return i;
}

/* Offset just past the string that opens at i ('"'). */
static size_t skip_string(const jreader *jr, size_t i)
{
  for (i++; i < jr->size && jr->text[i] != '"'; i++)
    if (jr->text[i] == '\\') i++;
  return i + 1;
}

/* Offset just past the value that starts at i. The text is valid JSON (cJSON took it)
 * and has no NUL byte (parse() refused those). */
static size_t skip_value(const jreader *jr, size_t i)
{
  if (i >= jr->size) return i; /* a walk that lost step must not read past the text */
  char c = jr->text[i];
  if (c == '"') return skip_string(jr, i);
  if (c != '{' && c != '[') { /* a number or a literal runs to the next delimiter */
    while (i < jr->size && !strchr(",]}: \t\r\n", jr->text[i])) i++;
    return i;
  }
  for (size_t depth = 0; i < jr->size;) {
    c = jr->text[i];
    if (c == '"') {
      i = skip_string(jr, i);
      continue;
    }
    if (c == '{' || c == '[') depth++;
    if ((c == '}' || c == ']') && --depth == 0) return i + 1;
    i++;
  }
  return i;
}

static int hex(char c)
{
  return c >= '0' && c <= '9' ? c - '0' : (c | 0x20) >= 'a' && (c | 0x20) <= 'f' ? (c | 0x20) - 'a' + 10 : -1;
}

/* Does the JSON string key at i equal `key`? Escapes other than \" \\ \/ and \u00XX are
 * rare in paths; a key using them is simply not found (the message then has no line). */
static bool key_equals(const jreader *jr, size_t i, const char *key)
{
  size_t k = 0;
  for (i++; i < jr->size && jr->text[i] != '"'; i++, k++) {
    char c = jr->text[i];
    if (c == '\\' && i + 1 < jr->size) {
      char e = jr->text[++i];
      if (e == 'u' && i + 4 < jr->size && jr->text[i + 1] == '0' && jr->text[i + 2] == '0' &&
          hex(jr->text[i + 3]) >= 0 && hex(jr->text[i + 4]) >= 0) {
        c = (char)(hex(jr->text[i + 3]) << 4 | hex(jr->text[i + 4]));
        i += 4;
      } else if (e == '"' || e == '\\' || e == '/') {
        c = e;
      } else {
        return false;
      }
    }
    /* "\u0000" decodes to the NUL that ends `key`: a mismatch, not a match that walks
     * on past its end (fuzz regression tests/fuzz/regressions/coverage_json/nul-escape-in-key). */
    if (key[k] == '\0' || key[k] != c) return false;
  }
  return key[k] == '\0';
}

/* Offset of the value of member `key` (or of element `index` when key is NULL) in the
 * object/array whose value starts at `at`; NOWHERE if it is not there. */
static size_t value_at(const jreader *jr, size_t at, const char *key, size_t index)
{
  if (at == NOWHERE || at >= jr->size || jr->text[at] != (key ? '{' : '[')) return NOWHERE;
  size_t i = skip_ws(jr, at + 1);
  for (size_t n = 0; i < jr->size && jr->text[i] != '}' && jr->text[i] != ']'; n++) {
    bool hit = key ? key_equals(jr, i, key) : n == index;
    if (key) { /* past the key and its ':' */
      i = skip_ws(jr, skip_string(jr, i));
      i = skip_ws(jr, i + (i < jr->size && jr->text[i] == ':'));
    }
    if (hit) return i;
    i = skip_ws(jr, skip_value(jr, i));
    if (i < jr->size && jr->text[i] == ',') i = skip_ws(jr, i + 1);
  }
  return NOWHERE;
}

static void line_col(const jreader *jr, size_t off, long *line, long *col)
{
  size_t bol = 0;
  *line = 1;
  for (size_t i = 0; i < off && i < jr->size; i++)
    if (jr->text[i] == '\n') ++*line, bol = i + 1;
  *col = (long)(off - bol) + 1;
}

static int shape_error(const jreader *jr, size_t off, const char *fmt, ...) AR_PRINTF(3, 4);
static int shape_error(const jreader *jr, size_t off, const char *fmt, ...)
{
  char msg[512];
  long line = 0, col = 0;
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  if (off != NOWHERE) line_col(jr, off, &line, &col);
  ar_diag_errorf(jr->dg, jr->name, line, col, "%s", msg);
  return AR_EPARSE;
}

/* "a string", "-3", "1.5", "an array"... for "found ..." in messages. */
static void describe(const cJSON *v, char *buf, size_t size)
{
  if (cJSON_IsNumber(v))
    snprintf(buf, size, "%.17g", v->valuedouble);
  else if (cJSON_IsString(v))
    snprintf(buf, size, "the string \"%.40s\"", v->valuestring);
  else
    snprintf(buf, size, "%s", cJSON_IsArray(v)    ? "an array"
                              : cJSON_IsObject(v) ? "an object"
                              : cJSON_IsBool(v)   ? "a boolean"
                              : cJSON_IsNull(v)   ? "null"
                                                  : "an invalid value");
}

static bool as_line(const cJSON *v, uint32_t *out)
{
  if (!cJSON_IsNumber(v)) return false;
  double d = v->valuedouble;
  if (!(d >= 1 && d <= UINT32_MAX) || floor(d) != d) return false;
  *out = (uint32_t)d;
  return true;
}

/* ---- syntax ------------------------------------------------------------------------------ */

/* Where a document cut off in the middle ends: still inside a string or an open bracket. */
static bool is_truncated(const jreader *jr, size_t err_off)
{
  size_t depth = 0, last_token = 0;
  for (size_t i = 0; i < jr->size; i++) {
    char c = jr->text[i];
    if (c == '"') {
      last_token = i;
      i = skip_string(jr, i) - 1;
      if (i >= jr->size) return err_off >= last_token; /* unterminated string */
    } else if (c == '{' || c == '[') {
      depth++, last_token = i;
    } else if (c == '}' || c == ']') {
      if (depth) depth--;
      last_token = i;
    } else if (c == ',' || c == ':') {
      last_token = i;
    }
  }
  return depth > 0 && err_off >= last_token;
}

static int parse(jreader *jr, cJSON **out)
{
  const char *end = NULL, *nul = memchr(jr->text, '\0', jr->size);
  char found[48];
  *out = NULL;
  if (nul)
    return shape_error(jr, (size_t)(nul - jr->text),
                       "NUL byte: only UTF-8 coverage reports are supported");
  pthread_once(&hooks_once, install_hooks);
  cJSON *doc = cJSON_ParseWithLengthOpts(jr->text, jr->size, &end, false);
  size_t off = end && end >= jr->text && (size_t)(end - jr->text) <= jr->size
                   ? (size_t)(end - jr->text) : 0;
  if (doc) {
    off = skip_ws(jr, off);
    if (off == jr->size) {
      *out = doc;
      return AR_OK;
    }
    cJSON_Delete(doc);
    return shape_error(jr, off, "malformed JSON: expected end of file after the top-level "
                                "value, found '%c'", jr->text[off]);
  }
  if (is_truncated(jr, off))
    return shape_error(jr, jr->size, "malformed JSON: unexpected end of file: the report "
                                     "is truncated");
  size_t w = off;
  while (w < jr->size && w - off < 24 && (jr->text[w] == '_' || isalnum((unsigned char)jr->text[w])))
    w++;
  if (off >= jr->size)
    snprintf(found, sizeof found, "end of file");
  else if (w > off)
    snprintf(found, sizeof found, "'%.*s'", (int)(w - off), jr->text + off);
  else if ((unsigned char)jr->text[off] > ' ' && (unsigned char)jr->text[off] < 0x7f)
    snprintf(found, sizeof found, "'%c'", jr->text[off]);
  else
    snprintf(found, sizeof found, "byte 0x%02x", (unsigned)(unsigned char)jr->text[off]);
  return shape_error(jr, off, "malformed JSON: unexpected %s (expected a JSON value, ',', "
                              "':' or a closing bracket)", found);
}

/* ---- files ------------------------------------------------------------------------------- */

typedef struct branch {
  uint32_t line, taken;
} branch;

static int cmp_branch(const void *a, const void *b)
{
  uint32_t x = ((const branch *)a)->line, y = ((const branch *)b)->line;
  return (x > y) - (x < y);
}

typedef AR_VEC(branch) branch_vec;

/* Collect executed/missing_branches ([[from, to], ...]) as (from line, taken) pairs.
 * Unreadable branch data is a warning: the lines themselves are still good. */
static void read_branches(jreader *jr, const cJSON *file, const char *fname, size_t file_off,
                          branch_vec *out)
{
  static const char *const keys[] = {"executed_branches", "missing_branches"};
  for (int k = 0; k < 2; k++) {
    const cJSON *arr = cJSON_GetObjectItemCaseSensitive(file, keys[k]), *pair;
    if (!arr || cJSON_IsNull(arr)) continue;
    size_t i = 0;
    bool ok = cJSON_IsArray(arr);
    const cJSON *items = ok ? arr : NULL;
    cJSON_ArrayForEach(pair, items)
    {
      const cJSON *from = cJSON_GetArrayItem(pair, 0), *to = cJSON_GetArrayItem(pair, 1);
      uint32_t line;
      if (!cJSON_IsArray(pair) || cJSON_GetArraySize(pair) != 2 || !as_line(from, &line) ||
          !cJSON_IsNumber(to)) {
        ok = false;
        break;
      }
      AR_VEC_PUSH(out, ((branch){line, k == 0}));
      i++;
    }
    if (ok) continue;
    out->len = 0;
    if (!jr->warned_branches) {
      size_t off = value_at(jr, value_at(jr, file_off, keys[k], 0), NULL, i);
      long line = 0, col = 0;
      if (off == NOWHERE) off = value_at(jr, file_off, keys[k], 0);
      if (off != NOWHERE) line_col(jr, off, &line, &col);
      ar_diag_warnf(jr->dg, jr->name, line, col,
                    "files[\"%s\"].%s[%zu]: expected a [from, to] pair of line numbers; branch "
                    "data ignored (reported once)", fname, keys[k], i);
    }
    jr->warned_branches = true;
    return;
  }
}

static int read_file(jreader *jr, const cJSON *file, size_t files_off)
{
  static const char *const keys[] = {"executed_lines", "missing_lines"};
  const char *fname = file->string;
  size_t file_off = value_at(jr, files_off, fname, 0);
  char found[96];
  if (!cJSON_IsObject(file)) {
    describe(file, found, sizeof found);
    return shape_error(jr, file_off, "files[\"%s\"]: expected an object with "
                       "\"executed_lines\" and \"missing_lines\", found %s", fname, found);
  }
  ar_cov__entry *e = ar_cov__file(jr->stage, fname, strlen(fname));
  if (!e)
    return shape_error(jr, file_off, "files[\"%s\"]: expected a file path as the key",
                       fname);
  branch_vec br = {0};
  read_branches(jr, file, fname, file_off, &br);
  if (br.len > 1) qsort(br.items, br.len, sizeof(*br.items), cmp_branch);
  int err = 0;
  for (int k = 0; k < 2 && err == 0; k++) {
    const cJSON *arr = cJSON_GetObjectItemCaseSensitive(file, keys[k]), *v;
    if (!cJSON_IsArray(arr)) {
      if (arr) describe(arr, found, sizeof found);
      err = shape_error(jr, arr ? value_at(jr, file_off, keys[k], 0) : file_off,
                        "files[\"%s\"]: expected \"%s\" to be an array of line numbers, "
                        "found %s", fname, keys[k], arr ? found : "no such key");
      break;
    }
    size_t i = 0;
    cJSON_ArrayForEach(v, arr)
    {
      uint32_t line;
      if (!as_line(v, &line)) {
        describe(v, found, sizeof found);
        err = shape_error(jr, value_at(jr, value_at(jr, file_off, keys[k], 0), NULL, i),
                          "files[\"%s\"].%s[%zu]: expected a positive integer line number, "
                          "found %s", fname, keys[k], i, found);
        break;
      }
      // Branch counts of this line: binary search for its first pair, then count.
      size_t lo = 0, hi = br.len;
      while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (br.items[mid].line < line) lo = mid + 1;
        else hi = mid;
      }
      uint32_t taken = 0, total = 0;
      for (; lo < br.len && br.items[lo].line == line; lo++) total++, taken += br.items[lo].taken;
      ar_cov__add_line(e, line, k == 0, taken, total);
      i++;
    }
  }
  AR_VEC_FREE(&br);
  ar_cov__seal(e);
  return err;
}

static int read_doc(jreader *jr, const cJSON *doc)
{
  size_t root = skip_ws(jr, jr->size >= 3 && !memcmp(jr->text, "\xEF\xBB\xBF", 3) ? 3 : 0);
  const cJSON *files = cJSON_GetObjectItemCaseSensitive(doc, "files"), *file;
  char found[96];
  if (!cJSON_IsObject(doc) || !cJSON_IsObject(files)) {
    describe(cJSON_IsObject(doc) ? files : doc, found, sizeof found);
    return shape_error(jr, files ? value_at(jr, root, "files", 0) : root,
                       "expected coverage.py JSON: an object whose \"files\" maps each path "
                       "to {\"executed_lines\": [...], \"missing_lines\": [...]}, found %s%s",
                       !cJSON_IsObject(doc) ? "" : files ? "\"files\": " : "no \"files\" key",
                       !cJSON_IsObject(doc) || files ? found : "");
  }
  size_t files_off = value_at(jr, root, "files", 0);
  cJSON_ArrayForEach(file, files)
  {
    int err = read_file(jr, file, files_off);
    if (err < 0) return err;
  }
  return 0;
}

int ar_cov__read_json(ar_cov *stage, ar_cov__input *in, const char *name, ar_diag *dg)
{
  jreader jr = {.name = name, .dg = dg, .stage = stage};
  ar_buf buf;
  cJSON *doc = NULL;
  int err = 0;
  ar_buf_init(&buf, MAX_JSON_BYTES);
  if (in->mem) {
    jr.text = in->mem, jr.size = in->size;
  } else {
    char chunk[1 << 16];
    size_t n;
    while ((n = ar_cov__read(in, chunk, sizeof chunk)) > 0) {
      if (ar_buf_put(&buf, chunk, n) < 0) {
        ar_diag_errorf(dg, name, 0, 0, "coverage JSON larger than %zu MiB: write Cobertura "
                       "XML instead (coverage xml), which is read as a stream",
                       MAX_JSON_BYTES >> 20);
        err = AR_ELIMIT;
        goto done;
      }
    }
    if (in->read_errno) {
      ar_diag_errorf(dg, name, 0, 0, "cannot read coverage file: %s", strerror(in->read_errno));
      err = AR_ENOTFOUND;
      goto done;
    }
    jr.text = buf.ptr, jr.size = buf.len;
  }
  if ((err = parse(&jr, &doc)) < 0) goto done;
  err = read_doc(&jr, doc);
done:
  cJSON_Delete(doc);
  ar_buf_dispose(&buf);
  return err;
}
