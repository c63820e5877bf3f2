/* SPDX-License-Identifier: MIT
 * history.c - stage "history": load the JSON pattern history; record checkpoints into it.
 * Loading copies what it keeps into an arena and drops the cJSON tree. Recording edits the
 * parsed tree in place, so unknown keys survive; every check runs before the temp file exists. */
#include "alignrisk/history.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <math.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "alignrisk/buf.h"
#include "alignrisk/mem.h"
#include "alignrisk/vec.h"

#define HISTORY_SCHEMA "alignrisk-history/1"
#define MAX_HISTORY_BYTES ((size_t)64 << 20)
#define JSON_MAX_DEPTH CJSON_NESTING_LIMIT /* cJSON refuses deeper nesting */

/* cJSON reports out-of-memory as a NULL result, which we could not tell from bad input.
 * Routing its allocations through ar_xmalloc makes OOM abort, as everywhere else. The
 * hooks are process-wide, but history.c is the only user of cJSON. */
static pthread_once_t hooks_once = PTHREAD_ONCE_INIT;
static void install_hooks(void)
{
  cJSON_Hooks hooks = {ar_xmalloc, free};
  cJSON_InitHooks(&hooks);
}
static void use_xmalloc(void) { pthread_once(&hooks_once, install_hooks); }

const char *ar_history_family(const char *rule)
{
  static const struct {
    const char *code, *family;
  } rules[] = {
      {"AR101", "missing-field"},        {"AR102", "missing-field"},
      {"AR103", "missing-field"},        {"AR104", "missing-field"},
      {"AR105", "missing-field"},        {"AR201", "missing-enum-member"},
      {"AR202", "enum-type-mismatch"},   {"AR203", "value-not-in-enum"},
      {"AR204", "value-too-long"},       {"AR205", "null-to-non-nullable"},
  };
  if (!rule) return NULL;
  for (size_t i = 0; i < sizeof rules / sizeof rules[0]; i++)
    if (strcmp(rule, rules[i].code) == 0 || strcmp(rule, rules[i].family) == 0)
      return rules[i].family;
  return NULL;
}

bool ar_history_same_entry(const ar_hist_entry *a, const ar_hist_entry *b)
{
  if (a->fingerprint && b->fingerprint) return strcmp(a->fingerprint, b->fingerprint) == 0;
  if (!a->pattern || !b->pattern || strcmp(a->pattern, b->pattern) != 0) return false;
  if (strcmp(a->model, b->model) != 0 || strcmp(a->field, b->field) != 0) return false;
  return !a->service || !b->service || strcmp(a->service, b->service) == 0;
}

/* ---- reading the file ------------------------------------------------------------------ */

/* Read all of `path` into `out`, which caps it at MAX_HISTORY_BYTES. AR_ENOTFOUND comes back
 * without a diagnostic, so the caller decides whether a missing file is an error.
 * `mode_out` (optional) gets the file's mode, to give its replacement the same one. */
static int read_file(const char *path, ar_buf *out, mode_t *mode_out, ar_diag *dg)
{
  int err = AR_OK;
  struct stat st;
  /* O_NONBLOCK for the open only: a FIFO nobody writes to would block it forever
   * (tests/run_hostile.sh fifo-inputs); reads then block as usual, and such a FIFO reads
   * as empty. */
  int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
  if (fd < 0) {
    if (errno == ENOENT) return AR_ENOTFOUND;
    ar_diag_errorf(dg, path, 0, 0, "cannot open: %s", strerror(errno));
    return AR_ERROR;
  }
  int fl = fcntl(fd, F_GETFL);
  if (fl >= 0) (void)fcntl(fd, F_SETFL, fl & ~O_NONBLOCK);
  if (fstat(fd, &st) < 0) {
    ar_diag_errorf(dg, path, 0, 0, "cannot stat: %s", strerror(errno));
    err = AR_ERROR;
    goto done;
  }
  if (S_ISDIR(st.st_mode)) {
    ar_diag_errorf(dg, path, 0, 0, "cannot read: %s", strerror(EISDIR));
    err = AR_ERROR;
    goto done;
  }
  if (mode_out) *mode_out = st.st_mode;
  /* Checked up front for regular files; the buffer cap catches pipes and the like. */
  if (S_ISREG(st.st_mode) && (uintmax_t)st.st_size > MAX_HISTORY_BYTES) {
    err = AR_ELIMIT;
    goto done;
  }
  for (;;) {
    char chunk[16384];
    ssize_t n = read(fd, chunk, sizeof chunk);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      ar_diag_errorf(dg, path, 0, 0, "cannot read: %s", strerror(errno));
      err = AR_ERROR;
      goto done;
    }
    if (n == 0) break;
    if ((err = ar_buf_put(out, chunk, (size_t)n)) < 0) goto done;
  }
done:
  if (err == AR_ELIMIT)
    ar_diag_errorf(dg, path, 0, 0, "history file is larger than %zu MiB",
                   MAX_HISTORY_BYTES >> 20);
  close(fd);
  return err;
}

/* ---- locating syntax errors ------------------------------------------------------------ */

/* cJSON says only *that* a text is not JSON, and its error offset can trail the real
 * problem (an unclosed array points at its last byte). When it fails, this scanner walks
 * the text again with a small state machine to find the first byte that cannot continue
 * a JSON text and to say what was expected there. It is as lenient as cJSON (numbers like
 * "01" or "1.", raw control characters in strings), so it never blames text cJSON
 * accepts; if the two ever disagree the caller falls back to cJSON's offset. */

typedef enum { X_VALUE, X_VALUE_OR_CLOSE, X_KEY_OR_CLOSE, X_KEY, X_COLON, X_NEXT, X_END } expect;

/* cJSON skips every byte up to ' ' as white space, NUL and control characters included. */
static bool is_space(char c) { return (unsigned char)c <= ' '; }
static bool is_digit(char c) { return c >= '0' && c <= '9'; }
static bool is_word(char c)
{
  return is_digit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}

/* "end of file", 'tru' (a whole word, so a misspelt literal reads well), ',' or byte 0x00. */
static void describe_found(const char *s, size_t n, size_t i, char *buf, size_t size)
{
  size_t w = i;
  if (i >= n) {
    snprintf(buf, size, "end of file");
    return;
  }
  while (w < n && w - i < 24 && is_word(s[w])) w++;
  if (w > i)
    snprintf(buf, size, "'%.*s'", (int)(w - i), s + i);
  else if (s[i] > ' ' && s[i] < 0x7f)
    snprintf(buf, size, "'%c'", s[i]);
  else
    snprintf(buf, size, "byte 0x%02x", (unsigned)(unsigned char)s[i]);
}

static const char *expect_text(expect x, char open)
{
  switch (x) {
  case X_VALUE: return "a value";
  case X_VALUE_OR_CLOSE: return "a value or ']'";
  case X_KEY_OR_CLOSE: return "a string key or '}'";
  case X_KEY: return "a string key";
  case X_COLON: return "':'";
  case X_NEXT: return open == '{' ? "',' or '}'" : "',' or ']'";
  case X_END: return "end of file";
  }
  return "a value";
}

/* Skip the string starting at s[*i] == '"'. On failure *i is where to point and *msg why. */
static bool skip_string(const char *s, size_t n, size_t *i, const char **msg)
{
  size_t j = *i + 1;
  while (j < n && s[j] != '"') {
    if (s[j] != '\\') {
      j++;
      continue;
    }
    if (j + 1 >= n) break;
    char e = s[j + 1];
    if (e == 'u') {
      for (size_t k = 2; k < 6; k++) {
        char h = j + k < n ? s[j + k] : '\0';
        if (!is_digit(h) && !((h >= 'a' && h <= 'f') || (h >= 'A' && h <= 'F'))) {
          *i = j;
          *msg = "invalid \\u escape: expected 4 hex digits";
          return false;
        }
      }
      j += 6;
    } else if (e && strchr("\"\\/bfnrt", e)) {
      j += 2;
    } else {
      *i = j;
      *msg = "invalid escape in string: expected one of \\\" \\\\ \\/ \\b \\f \\n \\r \\t \\uXXXX";
      return false;
    }
  }
  if (j >= n) {
    *msg = "unterminated string: expected a closing '\"'"; /* points at the opening quote */
    return false;
  }
  *i = j + 1;
  return true;
}

/* Find the first syntax error in s[0..n). Returns false when there is none. */
static bool locate_syntax_error(const char *s, size_t n, size_t *off, char *msg, size_t size)
{
  char stack[JSON_MAX_DEPTH] = {0}; /* error path only: the clearing costs nothing */
  size_t depth = 0, i = 0;
  expect x = X_VALUE;
  const char *smsg = NULL;
  char found[48];

  if (n >= 3 && memcmp(s, "\xEF\xBB\xBF", 3) == 0) i = 3; /* cJSON skips a BOM too */
  for (;;) {
    bool value_done = false;
    while (i < n && is_space(s[i])) i++;
    if (i == n && x == X_END) return false;
    char c = i < n ? s[i] : '\0';
    char open = depth ? stack[depth - 1] : '\0';
    switch (x) {
    case X_KEY_OR_CLOSE:
    case X_KEY:
      if (x == X_KEY_OR_CLOSE && c == '}' && i < n) {
        depth--, i++, value_done = true;
        break;
      }
      if (c != '"' || i == n) goto expected;
      if (!skip_string(s, n, &i, &smsg)) goto string_error;
      x = X_COLON;
      break;
    case X_COLON:
      if (c != ':' || i == n) goto expected;
      i++, x = X_VALUE;
      break;
    case X_NEXT:
      if (i < n && c == ',') {
        i++, x = open == '{' ? X_KEY : X_VALUE;
      } else if (i < n && c == (open == '{' ? '}' : ']')) {
        depth--, i++, value_done = true;
      } else {
        goto expected;
      }
      break;
    case X_END: goto expected;
    case X_VALUE_OR_CLOSE:
    case X_VALUE:
      if (i == n) goto expected;
      if (x == X_VALUE_OR_CLOSE && c == ']') {
        depth--, i++, value_done = true;
      } else if (c == '{' || c == '[') {
        if (depth == JSON_MAX_DEPTH) {
          snprintf(msg, size, "invalid JSON: nested deeper than %d levels", JSON_MAX_DEPTH);
          *off = i;
          return true;
        }
        stack[depth++] = c, i++;
        x = c == '{' ? X_KEY_OR_CLOSE : X_VALUE_OR_CLOSE;
      } else if (c == '"') {
        if (!skip_string(s, n, &i, &smsg)) goto string_error;
        value_done = true;
      } else if (c == '-' || is_digit(c)) {
        size_t j = i + (c == '-');
        if (j >= n || !is_digit(s[j])) {
          smsg = "invalid number: expected a digit after '-'";
          goto string_error;
        }
        while (j < n && (is_digit(s[j]) || (s[j] && strchr(".eE+-", s[j])))) j++;
        i = j, value_done = true;
      } else if (n - i >= 4 && (memcmp(s + i, "true", 4) == 0 || memcmp(s + i, "null", 4) == 0)) {
        i += 4, value_done = true;
      } else if (n - i >= 5 && memcmp(s + i, "false", 5) == 0) {
        i += 5, value_done = true;
      } else {
        goto expected;
      }
      break;
    }
    if (value_done) x = depth ? X_NEXT : X_END;
  }

expected:
  describe_found(s, n, i, found, sizeof found);
  snprintf(msg, size, "invalid JSON: expected %s, found %s",
           expect_text(x, depth ? stack[depth - 1] : '\0'), found);
  *off = i;
  return true;
string_error:
  snprintf(msg, size, "invalid JSON: %s", smsg);
  *off = i;
  return true;
}

/* Lines count '\n' only; columns count bytes, both from 1, as editors expect. */
static void line_col(const char *s, size_t off, long *line, long *col)
{
  size_t bol = 0;
  *line = 1;
  for (size_t i = 0; i < off; i++)
    if (s[i] == '\n') ++*line, bol = i + 1;
  *col = (long)(off - bol) + 1;
}

/* Parse `size` bytes into a cJSON tree in `*out` (owned by caller, cJSON_Delete). Trailing
 * text after the value is an error too. AR_EPARSE with name:line:col when it is not JSON. */
static int parse_json(cJSON **out, const char *data, size_t size, const char *name, ar_diag *dg)
{
  const char *end = NULL;
  char msg[200], found[48];
  size_t off;
  long line, col;

  use_xmalloc();
  *out = NULL;
  cJSON *doc = cJSON_ParseWithLengthOpts(data, size, &end, false);
  if (doc) {
    off = (size_t)(end - data);
    while (off < size && is_space(data[off])) off++;
    if (off == size) {
      *out = doc;
      return AR_OK;
    }
    cJSON_Delete(doc);
    describe_found(data, size, off, found, sizeof found);
    snprintf(msg, sizeof msg, "invalid JSON: expected end of file, found %s", found);
  } else if (!locate_syntax_error(data, size, &off, msg, sizeof msg)) {
    /* Only what cJSON rejects beyond the scanner: lone UTF-16 surrogates, "1e". */
    off = end && end >= data && (size_t)(end - data) <= size ? (size_t)(end - data) : 0;
    describe_found(data, size, off, found, sizeof found);
    snprintf(msg, sizeof msg, "invalid JSON near %s", found);
  }
  line_col(data, off, &line, &col);
  ar_diag_errorf(dg, name, line, col, "%s", msg);
  return AR_EPARSE;
}

/* ---- checking the shape and keeping the data ------------------------------------------- */

typedef AR_VEC(ar_hist_entry) entry_vec;
typedef AR_VEC(ar_hist_checkpoint) checkpoint_vec;
typedef AR_VEC(ar_hist_pair) pair_vec;

typedef struct loader {
  const char *name; /* file name for diagnostics; may be NULL */
  ar_diag *dg;
  ar_arena *arena; /* every string we keep */
  entry_vec entries;
  checkpoint_vec checkpoints;
  pair_vec pairs;
  entry_vec flat; /* entries that stand in the list by themselves (regroup_flat) */
  char where[96]; /* "checkpoints[2].findings[0]": cJSON keeps no line numbers */
} loader;

static int shape_error(loader *ld, const char *fmt, ...) AR_PRINTF(2, 3);
static int shape_error(loader *ld, const char *fmt, ...)
{
  char msg[256];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  if (ld->where[0])
    ar_diag_errorf(ld->dg, ld->name, 0, 0, "%s: %s", ld->where, msg);
  else
    ar_diag_errorf(ld->dg, ld->name, 0, 0, "%s", msg);
  return AR_EPARSE;
}

static const cJSON *member(const cJSON *obj, const char *key)
{
  const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
  /* null reads as absent: cJSON writes a NaN risk as null, and people write null for "none". */
  return cJSON_IsNull(v) ? NULL : v;
}

/* A checkpoint is named by "checkpoint", or by "name" in hand-written files. */
static const cJSON *checkpoint_name(const cJSON *cp)
{
  const cJSON *v = member(cp, "checkpoint");
  return v ? v : member(cp, "name");
}

/* Member `key` as a string copied into the arena; absent gives NULL, another type fails. */
static int opt_string(loader *ld, const cJSON *obj, const char *key, const char **out)
{
  const cJSON *v = member(obj, key);
  *out = NULL;
  if (!v) return AR_OK;
  if (!cJSON_IsString(v) || !v->valuestring)
    return shape_error(ld, "expected a string \"%s\"", key);
  *out = ar_arena_strdup(ld->arena, v->valuestring);
  return AR_OK;
}

static int read_finding(loader *ld, const cJSON *f, const char *cpname)
{
  static const struct {
    const char *key;
    size_t off;
  } keys[] = {
      {"checkpoint", offsetof(ar_hist_entry, checkpoint)},
      {"rule", offsetof(ar_hist_entry, rule)},
      {"pattern", offsetof(ar_hist_entry, pattern)},
      {"model", offsetof(ar_hist_entry, model)},
      {"field", offsetof(ar_hist_entry, field)},
      {"service", offsetof(ar_hist_entry, service)},
      {"severity", offsetof(ar_hist_entry, severity)},
      {"fingerprint", offsetof(ar_hist_entry, fingerprint)},
  };
  ar_hist_entry e = {0};
  int err;

  if (!cJSON_IsObject(f)) return shape_error(ld, "expected a finding object");
  for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++)
    if ((err = opt_string(ld, f, keys[i].key, (const char **)((char *)&e + keys[i].off))) < 0)
      return err;
  if (!e.model) return shape_error(ld, "expected a string \"model\"");
  if (!e.field) return shape_error(ld, "expected a string \"field\"");
  if (!e.rule && !e.pattern) return shape_error(ld, "expected a string \"rule\" or \"pattern\"");
  if (!e.checkpoint) e.checkpoint = cpname;

  /* Hand-written entries may name only a rule ("AR103") or a family ("missing-field"); the
   * pattern is then the family and the field. A family is not a rule code, so rule is
   * cleared. An unknown rule is kept as long as a pattern says what it means. */
  const char *family = ar_history_family(e.rule);
  if (!e.pattern) {
    if (!family)
      return shape_error(ld,
                         "unknown rule \"%s\": expected AR101-AR105, AR201-AR205 or a "
                         "pattern family, or give a \"pattern\"",
                         e.rule);
    e.pattern = ar_arena_printf(ld->arena, "%s:%s", family, e.field);
  }
  if (family && strcmp(family, e.rule) == 0) e.rule = NULL;
  AR_VEC_PUSH(&ld->entries, e);
  return AR_OK;
}

/* "pairs": [{"model", "service", "risk"}], as ar_history_record writes them. Optional;
 * a pair needs its model, the rest may be absent. */
static int read_pairs(loader *ld, const cJSON *cp, ar_hist_checkpoint *c, const char *prefix,
                      size_t index)
{
  const cJSON *pairs = member(cp, "pairs"), *p, *risk;
  size_t j = 0;
  int err;

  c->pair_first = ld->pairs.len;
  if (!pairs) return AR_OK;
  if (!cJSON_IsArray(pairs)) return shape_error(ld, "expected an array \"pairs\"");
  cJSON_ArrayForEach(p, pairs)
  {
    ar_hist_pair hp = {0};
    snprintf(ld->where, sizeof ld->where, "%s[%zu].pairs[%zu]", prefix, index, j++);
    if (!cJSON_IsObject(p)) return shape_error(ld, "expected a pair object");
    if ((err = opt_string(ld, p, "model", &hp.model)) < 0) return err;
    if ((err = opt_string(ld, p, "service", &hp.service)) < 0) return err;
    if (!hp.model) return shape_error(ld, "expected a string \"model\"");
    if ((risk = member(p, "risk"))) {
      if (!cJSON_IsNumber(risk)) return shape_error(ld, "expected a number \"risk\"");
      hp.risk = risk->valuedouble;
    }
    AR_VEC_PUSH(&ld->pairs, hp);
  }
  c->pair_count = ld->pairs.len - c->pair_first;
  snprintf(ld->where, sizeof ld->where, "%s[%zu]", prefix, index);
  return AR_OK;
}

/* "totals": {"findings", "critical", "high", "medium", "low", "risk"}; every key optional. */
static int read_totals(loader *ld, const cJSON *cp, ar_hist_checkpoint *c)
{
  static const char *const severities[4] = {"low", "medium", "high", "critical"};
  const cJSON *totals = member(cp, "totals"), *v;

  for (int s = 0; s < 4; s++) c->by_severity[s] = -1;
  if (!totals) return AR_OK;
  if (!cJSON_IsObject(totals)) return shape_error(ld, "expected an object \"totals\"");
  if ((v = member(totals, "risk"))) {
    /* Finite and not negative: an infinite risk (1e999 parses as one) would turn the
     * history table's scaling into NaN. */
    if (!cJSON_IsNumber(v) || !isfinite(v->valuedouble) || v->valuedouble < 0)
      return shape_error(ld, "expected a finite number >= 0 \"totals\".\"risk\"");
    c->total_risk = v->valuedouble;
    c->has_risk = true;
  }
  for (int s = 0; s < 4; s++) {
    if (!(v = member(totals, severities[s]))) continue;
    if (!cJSON_IsNumber(v) || v->valuedouble < 0 || v->valuedouble > 1e15)
      return shape_error(ld, "expected a count \"totals\".\"%s\"", severities[s]);
    c->by_severity[s] = (long)v->valuedouble;
  }
  return AR_OK;
}

static int read_checkpoint(loader *ld, const cJSON *cp, const char *prefix, size_t index)
{
  ar_hist_checkpoint c = {0};
  const cJSON *name, *findings, *f;
  size_t j = 0;
  int err;

  snprintf(ld->where, sizeof ld->where, "%s[%zu]", prefix, index);
  if (!cJSON_IsObject(cp)) return shape_error(ld, "expected a checkpoint object");
  name = checkpoint_name(cp);
  if (!cJSON_IsString(name) || !name->valuestring)
    return shape_error(ld, "expected a string \"checkpoint\" (or \"name\")");
  c.name = ar_arena_strdup(ld->arena, name->valuestring);
  if ((err = opt_string(ld, cp, "date", &c.date)) < 0) return err;
  if ((err = read_totals(ld, cp, &c)) < 0) return err;
  if ((err = read_pairs(ld, cp, &c, prefix, index)) < 0) return err;
  findings = member(cp, "findings");
  if (!cJSON_IsArray(findings)) return shape_error(ld, "expected an array \"findings\"");

  c.first = ld->entries.len;
  cJSON_ArrayForEach(f, findings)
  {
    snprintf(ld->where, sizeof ld->where, "%s[%zu].findings[%zu]", prefix, index, j++);
    if ((err = read_finding(ld, f, c.name)) < 0) return err;
  }
  c.count = ld->entries.len - c.first;
  AR_VEC_PUSH(&ld->checkpoints, c);
  return AR_OK;
}

/* Older manual audits were often kept as one flat list of findings, each naming its
 * checkpoint: {"checkpoint": "audit-3", "rule": "AR103", "model": "M", "field": "f"}. Such an
 * entry is told from a checkpoint by having no "findings" and naming a model, field, rule
 * or pattern; a checkpoint without findings stays an error. */
static bool is_flat_entry(const cJSON *cp)
{
  return cJSON_IsObject(cp) && !cJSON_GetObjectItemCaseSensitive(cp, "findings") &&
         (member(cp, "model") || member(cp, "field") || member(cp, "rule") || member(cp, "pattern"));
}

static ar_hist_checkpoint *checkpoint_named(loader *ld, const char *name)
{
  for (size_t i = 0; i < ld->checkpoints.len; i++)
    if (strcmp(ld->checkpoints.items[i].name, name) == 0) return &ld->checkpoints.items[i];
  return NULL;
}

static int read_flat_entry(loader *ld, const cJSON *f, const char *prefix, size_t index)
{
  const char *name, *date;
  int err;

  snprintf(ld->where, sizeof ld->where, "%s[%zu]", prefix, index);
  if ((err = opt_string(ld, f, "checkpoint", &name)) < 0) return err;
  if (!name) return shape_error(ld, "expected a string \"checkpoint\" naming the entry's checkpoint");
  if ((err = opt_string(ld, f, "date", &date)) < 0) return err;
  if ((err = read_finding(ld, f, name)) < 0) return err;
  AR_VEC_PUSH(&ld->flat, ld->entries.items[--ld->entries.len]);
  /* The checkpoint takes its place in the order where its name first appears. */
  ar_hist_checkpoint *c = checkpoint_named(ld, name);
  if (!c) {
    ar_hist_checkpoint nc = {.name = name};
    for (int s = 0; s < 4; s++) nc.by_severity[s] = -1;
    nc.pair_first = ld->pairs.len;
    AR_VEC_PUSH(&ld->checkpoints, nc);
    c = &ld->checkpoints.items[ld->checkpoints.len - 1];
  }
  if (!c->date) c->date = date;
  return AR_OK;
}

/* Give each checkpoint its flat entries (after its own findings, in file order), so that
 * every checkpoint's entries are contiguous again. */
static void regroup_flat(loader *ld)
{
  entry_vec all = {0};
  if (!ld->flat.len) return;
  for (size_t i = 0; i < ld->checkpoints.len; i++) {
    ar_hist_checkpoint *c = &ld->checkpoints.items[i];
    size_t first = all.len;
    for (size_t k = c->first; k < c->first + c->count; k++) AR_VEC_PUSH(&all, ld->entries.items[k]);
    if (checkpoint_named(ld, c->name) == c) /* namesakes: the first one gets them */
      for (size_t k = 0; k < ld->flat.len; k++)
        if (strcmp(ld->flat.items[k].checkpoint, c->name) == 0) AR_VEC_PUSH(&all, ld->flat.items[k]);
    c->first = first;
    c->count = all.len - first;
  }
  AR_VEC_FREE(&ld->entries);
  ld->entries = all;
}

static int read_history(loader *ld, const cJSON *root)
{
  const cJSON *list = root, *schema, *cp;
  const char *prefix = "";
  size_t i = 0;
  int err;

  ld->where[0] = '\0';
  if (cJSON_IsObject(root)) {
    /* A hand-written file may leave "schema" out. One naming another version was written by
     * a newer alignrisk whose meaning we cannot know, so we neither read nor rewrite it. */
    if ((schema = member(root, "schema"))) {
      if (!cJSON_IsString(schema) || !schema->valuestring)
        return shape_error(ld, "expected a string \"schema\"");
      if (strcmp(schema->valuestring, HISTORY_SCHEMA) != 0) {
        ar_diag_errorf(ld->dg, ld->name, 0, 0,
                       "unsupported history schema \"%s\": this alignrisk reads \"%s\"",
                       schema->valuestring, HISTORY_SCHEMA);
        return AR_EVERSION;
      }
    }
    list = member(root, "checkpoints");
    prefix = "checkpoints";
    if (!cJSON_IsArray(list)) return shape_error(ld, "expected an array \"checkpoints\"");
  } else if (!cJSON_IsArray(root)) {
    return shape_error(ld, "expected an object with a \"checkpoints\" array, or an array "
                           "of checkpoints");
  }
  cJSON_ArrayForEach(cp, list)
  {
    if (is_flat_entry(cp)) err = read_flat_entry(ld, cp, prefix, i++);
    else err = read_checkpoint(ld, cp, prefix, i++);
    if (err < 0) return err;
  }
  regroup_flat(ld);
  return AR_OK;
}

/* Check the shape of `root` and, when `out` is not NULL, keep its data in a new history. */
static int load_tree(ar_history **out, const cJSON *root, const char *name, ar_diag *dg)
{
  loader ld = {.name = name, .dg = dg};
  int err;

  ld.arena = ar_xmalloc(sizeof *ld.arena);
  ar_arena_init(ld.arena);
  if ((err = read_history(&ld, root)) < 0) goto done;
  if (out) { /* hand the arrays and the arena over */
    ar_history *h = ar_xcalloc(1, sizeof *h);
    h->entries = ld.entries.items;
    h->nentries = ld.entries.len;
    h->checkpoints = ld.checkpoints.items;
    h->ncheckpoints = ld.checkpoints.len;
    h->pairs = ld.pairs.items;
    h->npairs = ld.pairs.len;
    h->priv = ld.arena;
    *out = h;
    ld.entries.items = NULL;
    ld.checkpoints.items = NULL;
    ld.pairs.items = NULL;
    ld.arena = NULL;
  }
done:
  AR_VEC_FREE(&ld.entries);
  AR_VEC_FREE(&ld.checkpoints);
  AR_VEC_FREE(&ld.pairs);
  AR_VEC_FREE(&ld.flat);
  if (ld.arena) ar_arena_dispose(ld.arena);
  free(ld.arena);
  return err;
}

int ar_history_load_mem(ar_history **out, const char *data, size_t size, const char *name,
                        ar_diag *dg)
{
  cJSON *doc = NULL;
  int err;

  *out = NULL;
  if (size > MAX_HISTORY_BYTES) {
    ar_diag_errorf(dg, name, 0, 0, "history file is larger than %zu MiB",
                   MAX_HISTORY_BYTES >> 20);
    return AR_ELIMIT;
  }
  if ((err = parse_json(&doc, data, size, name, dg)) < 0) goto done;
  err = load_tree(out, doc, name, dg);
done:
  cJSON_Delete(doc);
  return err;
}

int ar_history_load(ar_history **out, const char *path, bool must_exist, ar_diag *dg)
{
  ar_buf data;
  int err;

  *out = NULL;
  ar_buf_init(&data, MAX_HISTORY_BYTES);
  err = read_file(path, &data, NULL, dg);
  if (err == AR_ENOTFOUND && must_exist) {
    ar_diag_errorf(dg, path, 0, 0, "cannot open: %s", strerror(ENOENT));
  } else if (err == AR_ENOTFOUND) {
    ar_history *h = ar_xcalloc(1, sizeof *h); /* no file yet: no checkpoints */
    *out = h;
    err = AR_OK;
  } else if (err == AR_OK) {
    err = ar_history_load_mem(out, data.ptr, data.len, path, dg);
  }
  ar_buf_dispose(&data);
  return err;
}

void ar_history_free(ar_history *h)
{
  if (!h) return;
  if (h->priv) {
    ar_arena_dispose(h->priv);
    free(h->priv);
  }
  free(h->entries);
  free(h->checkpoints);
  free(h->pairs);
  free(h);
}

/* ---- recording a checkpoint ------------------------------------------------------------ */

/* cJSON_Add* fail only on allocation (which aborts, see use_xmalloc) or NULL arguments. */
static void put_string(cJSON *obj, const char *key, const char *value)
{
  if (!value) return;
  cJSON *item = cJSON_AddStringToObject(obj, key, value);
  AR_ASSERT(item != NULL);
}

static void put_number(cJSON *obj, const char *key, double value)
{
  cJSON *item = cJSON_AddNumberToObject(obj, key, value);
  AR_ASSERT(item != NULL);
}

static void append(cJSON *array, cJSON *item)
{
  cJSON_bool ok = cJSON_AddItemToArray(array, item);
  AR_ASSERT(ok);
}

static cJSON *finding_json(const ar_hist_entry *f)
{
  cJSON *obj = cJSON_CreateObject();
  char *derived = NULL;
  const char *pattern = f->pattern;

  /* We must be able to load what we write: a finding without these is our bug. */
  AR_ASSERT(f->model && f->field && (f->rule || f->pattern));
  if (!pattern) {
    const char *family = ar_history_family(f->rule);
    AR_ASSERT(family != NULL);
    size_t n = strlen(family) + 1 + strlen(f->field) + 1;
    derived = ar_xmalloc(n);
    snprintf(derived, n, "%s:%s", family, f->field);
    pattern = derived;
  }
  put_string(obj, "rule", f->rule);
  put_string(obj, "pattern", pattern);
  put_string(obj, "model", f->model);
  put_string(obj, "field", f->field);
  put_string(obj, "service", f->service);
  put_string(obj, "severity", f->severity);
  put_string(obj, "fingerprint", f->fingerprint);
  free(derived);
  return obj;
}

/* The checkpoint object for `rec`, with keys in the documented order. Owned by caller. */
static cJSON *checkpoint_json(const ar_hist_record *rec)
{
  static const char *const severities[4] = {"low", "medium", "high", "critical"};
  cJSON *cp = cJSON_CreateObject(), *totals, *pairs, *findings;

  put_string(cp, "checkpoint", rec->name);
  put_string(cp, "date", rec->date);
  totals = cJSON_AddObjectToObject(cp, "totals");
  AR_ASSERT(totals != NULL);
  put_number(totals, "findings", (double)rec->nfindings);
  for (int s = 3; s >= 0; s--) put_number(totals, severities[s], (double)rec->by_severity[s]);
  put_number(totals, "risk", rec->total_risk);

  pairs = cJSON_AddArrayToObject(cp, "pairs");
  AR_ASSERT(pairs != NULL);
  for (size_t i = 0; i < rec->npairs; i++) {
    cJSON *p = cJSON_CreateObject();
    put_string(p, "model", rec->pairs[i].model);
    put_string(p, "service", rec->pairs[i].service);
    put_number(p, "risk", rec->pairs[i].risk);
    append(pairs, p);
  }
  findings = cJSON_AddArrayToObject(cp, "findings");
  AR_ASSERT(findings != NULL);
  for (size_t i = 0; i < rec->nfindings; i++) append(findings, finding_json(&rec->findings[i]));
  return cp;
}

static bool is_checkpoint_key(const char *key)
{
  static const char *const known[] = {"checkpoint", "name", "date", "totals", "pairs", "findings"};
  for (size_t i = 0; i < sizeof known / sizeof known[0]; i++)
    if (strcmp(key, known[i]) == 0) return true;
  return false;
}

/* Put `cp` (consumed) in place of the first checkpoint named `name`, else at the end. Keys
 * we do not know on the replaced checkpoint (a note someone added) move over to `cp`.
 * Later namesakes are dropped, so that re-recording leaves the name exactly once. */
static void upsert(cJSON *list, cJSON *cp, const char *name)
{
  bool placed = false;
  cJSON *it = list->child;
  while (it) {
    cJSON *next = it->next;
    const cJSON *n = checkpoint_name(it);
    if (cJSON_IsString(n) && n->valuestring && strcmp(n->valuestring, name) == 0) {
      if (placed) {
        cJSON_Delete(cJSON_DetachItemViaPointer(list, it));
      } else {
        /* A flat hand-written entry's keys are a finding's, not notes on a checkpoint. */
        for (const cJSON *kv = is_flat_entry(it) ? NULL : it->child; kv; kv = kv->next) {
          if (!kv->string || is_checkpoint_key(kv->string)) continue;
          cJSON_bool ok = cJSON_AddItemToObject(cp, kv->string, cJSON_Duplicate(kv, true));
          AR_ASSERT(ok);
        }
        cJSON_bool ok = cJSON_ReplaceItemViaPointer(list, it, cp); /* deletes `it` */
        AR_ASSERT(ok);
        placed = true;
      }
    }
    it = next;
  }
  if (!placed) append(list, cp);
}

/* The checkpoints array of `*doc`, after giving the document our own shape: a bare array
 * becomes {"schema", "checkpoints"}, and an object without a schema gets one as its first
 * key. Everything else in the document stays where it was. */
static cJSON *own_shape(cJSON **doc)
{
  cJSON *root = *doc;
  if (cJSON_IsArray(root) || !member(root, "schema")) {
    cJSON *obj = cJSON_CreateObject();
    put_string(obj, "schema", HISTORY_SCHEMA);
    if (cJSON_IsArray(root)) {
      cJSON_bool ok = cJSON_AddItemToObject(obj, "checkpoints", root);
      AR_ASSERT(ok);
    } else {
      while (root->child) {
        cJSON *kv = cJSON_DetachItemViaPointer(root, root->child);
        if (strcmp(kv->string, "schema") == 0) { /* a null schema */
          cJSON_Delete(kv);
          continue;
        }
        cJSON_bool ok = cJSON_AddItemToObject(obj, kv->string, kv);
        AR_ASSERT(ok);
      }
      cJSON_Delete(root);
    }
    *doc = root = obj;
  }
  return cJSON_GetObjectItemCaseSensitive(root, "checkpoints");
}

static int io_error(ar_diag *dg, const char *path, const char *what, const char *file)
{
  int e = errno;
  ar_diag_errorf(dg, path, 0, 0, "%s %s: %s", what, file, strerror(e));
  return AR_ERROR;
}

static char *dir_of(const char *path)
{
  const char *slash = strrchr(path, '/');
  if (!slash) return ar_xstrdup(".");
  if (slash == path) return ar_xstrdup("/");
  return ar_xstrndup(path, (size_t)(slash - path));
}

/* mkdir -p: an existing folder at any level is fine. */
static int make_dirs(const char *dir, const char *path, ar_diag *dg)
{
  char *buf = ar_xstrdup(dir);
  int err = AR_OK;
  for (char *p = buf + 1;; p++) {
    if (*p != '/' && *p != '\0') continue;
    char saved = *p;
    *p = '\0';
    if (mkdir(buf, 0777) < 0 && errno != EEXIST) {
      err = io_error(dg, path, "cannot create folder", buf);
      break;
    }
    *p = saved;
    if (!saved) break;
  }
  free(buf);
  return err;
}

/* cJSON indents with tabs and puts a tab after each colon. Users keep this file in git and
 * read its diffs: rewrite that layout as two-space indents and ": ". Raw tabs only occur as
 * layout (cJSON escapes them inside strings), so no value changes. Owned by caller. */
static char *tabs_to_spaces(const char *text)
{
  size_t len = strlen(text);
  char *buf = ar_xmalloc(2 * len + 1);
  size_t j = 0;
  for (size_t i = 0; i < len; i++) {
    char c = text[i];
    if (c == '\t' && (i == 0 || text[i - 1] == '\n' || text[i - 1] == '\t')) {
      buf[j++] = ' ';
      buf[j++] = ' ';
    } else {
      buf[j++] = c == '\t' ? ' ' : c;
    }
  }
  buf[j] = '\0';
  return buf;
}

static int write_all(int fd, const char *p, size_t n)
{
  while (n > 0) {
    ssize_t w = write(fd, p, n);
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) {
      if (w == 0) errno = EIO;
      return -1;
    }
    p += w;
    n -= (size_t)w;
  }
  return 0;
}

/* Write `text` to a temp file beside `path` and rename it over `path`. Until the rename the
 * old file is untouched; on any failure before it the temp file is removed. */
static int write_atomically(const char *path, const char *dir, const char *text, mode_t mode,
                            ar_diag *dg)
{
  static const char suffix[] = ".tmp.XXXXXX";
  size_t plen = strlen(path);
  char *tmp = ar_xmalloc(plen + sizeof suffix);
  int err = AR_ERROR, fd, dfd;
  bool created = false;

  memcpy(tmp, path, plen);
  memcpy(tmp + plen, suffix, sizeof suffix);
  if ((fd = mkstemp(tmp)) < 0) {
    io_error(dg, path, "cannot create temporary file", tmp);
    goto done;
  }
  created = true;
  /* mkstemp makes the file 0600; the history keeps the mode it had (or the default). */
  if (fchmod(fd, mode) < 0 || write_all(fd, text, strlen(text)) < 0 ||
      write_all(fd, "\n", 1) < 0 || fsync(fd) < 0) {
    io_error(dg, path, "cannot write", tmp);
    goto done;
  }
  int rc = close(fd);
  fd = -1;
  if (rc < 0) {
    io_error(dg, path, "cannot write", tmp);
    goto done;
  }
  if (rename(tmp, path) < 0) {
    io_error(dg, path, "cannot rename to it from", tmp);
    goto done;
  }
  created = false;
  err = AR_OK;
  /* The rename is durable only once the folder is synced. Past the rename the new history
   * is in place, so a failure here is a warning, not an error. */
  dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dfd < 0 || fsync(dfd) < 0)
    ar_diag_warnf(dg, path, 0, 0, "cannot sync folder %s: %s", dir, strerror(errno));
  if (dfd >= 0) close(dfd);
done:
  if (fd >= 0) close(fd);
  if (created) unlink(tmp);
  free(tmp);
  return err;
}

int ar_history_record(const char *path, const ar_hist_record *rec, ar_diag *dg)
{
  char *dir = NULL, *lock_path = NULL, *text = NULL, *raw = NULL;
  cJSON *doc = NULL;
  ar_buf data;
  struct stat st;
  mode_t mode;
  int err, lock_fd = -1;

  AR_ASSERT(path && rec && rec->name);
  use_xmalloc();
  ar_buf_init(&data, MAX_HISTORY_BYTES);
  dir = dir_of(path);
  if ((err = make_dirs(dir, path, dg)) < 0) goto done;

  /* The lock lives in its own file: `path` itself is replaced by rename, and a lock on the
   * old inode would not exclude a writer that opened the new one. Never unlinked, for the
   * same reason. Blocking: recorders are short. */
  size_t lock_size = strlen(path) + sizeof ".lock";
  lock_path = ar_xmalloc(lock_size);
  snprintf(lock_path, lock_size, "%s.lock", path);
  lock_fd = open(lock_path, O_RDWR | O_CREAT | O_CLOEXEC, 0666);
  if (lock_fd < 0) {
    err = io_error(dg, path, "cannot open lock file", lock_path);
    goto done;
  }
  while (flock(lock_fd, LOCK_EX) < 0) {
    if (errno == EINTR) continue;
    err = io_error(dg, path, "cannot lock", lock_path);
    goto done;
  }
  /* A new history gets the mode open() gave the lock file, 0666 less the umask; asking
   * umask() would change it process-wide for a moment. */
  if (fstat(lock_fd, &st) < 0) {
    err = io_error(dg, path, "cannot stat", lock_path);
    goto done;
  }
  mode = st.st_mode & 0666;

  /* Re-read under the lock, so a checkpoint another recorder just wrote is kept. */
  err = read_file(path, &data, &mode, dg);
  if (err == AR_ENOTFOUND) {
    doc = cJSON_CreateArray(); /* own_shape() turns it into {"schema", "checkpoints": []} */
  } else if (err < 0) {
    goto done;
  } else {
    mode &= 07777;
    if ((err = parse_json(&doc, data.ptr, data.len, path, dg)) < 0) goto done;
    if ((err = load_tree(NULL, doc, path, dg)) < 0) goto done;
  }
  upsert(own_shape(&doc), checkpoint_json(rec), rec->name);

  raw = cJSON_Print(doc);
  AR_ASSERT(raw != NULL);
  text = tabs_to_spaces(raw);
  cJSON_free(raw);
  if (strlen(text) + 1 > MAX_HISTORY_BYTES) { /* never write what we could not load */
    ar_diag_errorf(dg, path, 0, 0, "history would grow past %zu MiB; not written",
                   MAX_HISTORY_BYTES >> 20);
    err = AR_ELIMIT;
    goto done;
  }
  err = write_atomically(path, dir, text, mode, dg);
done:
  free(text);
  cJSON_Delete(doc);
  if (lock_fd >= 0) close(lock_fd); /* releases the lock */
  ar_buf_dispose(&data);
  free(lock_path);
  free(dir);
  return err;
}
