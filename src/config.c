/* SPDX-License-Identifier: MIT
 * config.c - `[tool.alignrisk]` of pyproject.toml -> ar_config, parsed with tree-sitter-toml.
 * Every key path in the document (table header + dotted key, inline tables expanded) is
 * matched against the option table below; what is not ours is skipped unread. Know before
 * editing: nothing here may fail the run unless the file was named by --config (`strict`). */
#include "alignrisk/config.h"

#include <errno.h>
#include <stdarg.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <tree_sitter/api.h>

#include "alignrisk/buf.h"

const TSLanguage *tree_sitter_toml(void);

#define MAX_CONFIG_BYTES ((size_t)4 << 20)
#define MAX_KEY_PARTS 8 /* tool.alignrisk.weights.severity.critical is 5 */

/* ---- finding the file -------------------------------------------------------------------- */

static bool is_file(const char *path)
{
  struct stat st;
  return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

static bool exists(const char *path)
{
  struct stat st;
  return stat(path, &st) == 0;
}

/* `to` relative to the folder `from`; both absolute and canonical. Owned by caller. */
static char *relative_to(const char *from, const char *to)
{
  size_t common = 0, i = 0;
  ar_buf out;
  /* The longest common prefix that ends at a component boundary. */
  for (;; i++) {
    bool end_from = from[i] == '\0' || from[i] == '/', end_to = to[i] == '\0' || to[i] == '/';
    if (end_from && end_to) common = i;
    if (from[i] == '\0' || to[i] == '\0' || from[i] != to[i]) break;
  }
  if (strcmp(from, "/") == 0) common = 0;
  ar_buf_init(&out, PATH_MAX * 4);
  int err = 0;
  for (const char *p = from + common; *p; p++) /* one "../" per component of `from` left */
    if (*p == '/' && p[1] != '\0') err |= ar_buf_puts(&out, "../");
  err |= ar_buf_puts(&out, to + common + (to[common] == '/'));
  char *s = err ? ar_xstrdup(to) : ar_buf_take(&out);
  ar_buf_dispose(&out);
  return s;
}

char *ar_config_find(const char *start)
{
  char *cwd = realpath(".", NULL), *dir = NULL, *found = NULL;
  struct stat st;

  if (start && stat(start, &st) == 0) {
    dir = realpath(start, NULL);
    if (dir && !S_ISDIR(st.st_mode)) { /* a file: its folder */
      char *slash = strrchr(dir, '/');
      if (slash == dir) slash[1] = '\0';
      else if (slash) *slash = '\0';
    }
  }
  if (!dir) dir = cwd ? ar_xstrdup(cwd) : NULL;
  if (!dir) return NULL;
  for (;;) {
    bool root = strcmp(dir, "/") == 0;
    size_t n = strlen(dir) + sizeof "/pyproject.toml";
    char *cand = ar_xmalloc(n);
    snprintf(cand, n, "%s/pyproject.toml", root ? "" : dir);
    if (is_file(cand)) {
      found = cand;
      break;
    }
    snprintf(cand, n, "%s/.git", root ? "" : dir);
    bool top = exists(cand);
    free(cand);
    if (top || root) break;
    char *slash = strrchr(dir, '/');
    if (slash == dir) slash[1] = '\0';
    else *slash = '\0';
  }
  free(dir);
  if (found && cwd) {
    char *rel = relative_to(cwd, found);
    free(found);
    found = rel;
  }
  free(cwd);
  return found;
}

/* ---- rules --------------------------------------------------------------------------------- */

bool ar_config_rule_match(const char *token, bool mask[AR_RULE_COUNT])
{
  size_t n = strlen(token);
  bool any = false;
  if (n == 0) return false;
  /* "AR1" selects the whole AR1xx family, like ruff's prefixes. */
  for (int i = 0; i < AR_RULE_COUNT; i++) {
    if (strncasecmp(ar_rules[i].code, token, n) == 0 || strcmp(ar_rules[i].name, token) == 0) {
      if (mask) mask[i] = true;
      any = true;
    }
  }
  return any;
}

static bool for_each_token(const char *spec, bool (*fn)(const char *, void *), void *payload)
{
  char *copy = ar_xstrdup(spec);
  bool ok = true;
  for (char *save = NULL, *tok = strtok_r(copy, ", ", &save); tok && ok;
       tok = strtok_r(NULL, ", ", &save))
    ok = fn(tok, payload);
  free(copy);
  return ok;
}

static bool first_bad(const char *tok, void *payload)
{
  if (ar_config_rule_match(tok, NULL)) return true;
  *(char **)payload = ar_xstrdup(tok);
  return false;
}

char *ar_config_rule_check(const char *spec)
{
  char *bad = NULL;
  for_each_token(spec, first_bad, &bad);
  return bad;
}

static bool mark(const char *tok, void *mask)
{
  ar_config_rule_match(tok, mask);
  return true;
}

void ar_config_update_select(ar_config *cfg)
{
  bool on[AR_RULE_COUNT] = {false}, off[AR_RULE_COUNT] = {false};
  if (cfg->select_spec) for_each_token(cfg->select_spec, mark, on);
  for (size_t i = 0; i < cfg->ignore_specs.len; i++) for_each_token(cfg->ignore_specs.items[i], mark, off);
  for (int i = 0; i < AR_RULE_COUNT; i++) cfg->select[i] = (!cfg->select_spec || on[i]) && !off[i];
}

/* ---- TOML values ----------------------------------------------------------------------------- */

enum { S_DOCUMENT, S_PAIR, S_TABLE, S_TABLE_ARRAY, S_BARE_KEY, S_QUOTED_KEY, S_DOTTED_KEY,
       S_STRING, S_INTEGER, S_FLOAT, S_BOOLEAN, S_ARRAY, S_INLINE_TABLE, S_COMMENT, S__COUNT };
static const char *const sym_names[S__COUNT] = {
    "document", "pair", "table", "table_array_element", "bare_key", "quoted_key", "dotted_key",
    "string", "integer", "float", "boolean", "array", "inline_table", "comment"};

typedef struct keypath {
  const char *parts[MAX_KEY_PARTS];
  size_t n;
} keypath;

typedef struct loader {
  ar_config *cfg;
  const char *path; /* for diagnostics */
  const char *base; /* folder of the file for relative paths; "" for the working folder */
  const char *src;
  size_t len;
  ar_diag *dg;
  ar_arena scratch; /* key parts and decoded strings; cfg->strings keeps what lasts */
  ar_map seen;      /* "weights.repeat" -> TSNode start row + 1, for duplicate keys */
  TSSymbol sym[S__COUNT];
} loader;

static bool is(const loader *ld, TSNode n, int s) { return ts_node_symbol(n) == ld->sym[s]; }

static void warn_at(loader *ld, TSNode n, const char *fmt, ...) AR_PRINTF(3, 4);
static void warn_at(loader *ld, TSNode n, const char *fmt, ...)
{
  char msg[512];
  va_list ap;
  TSPoint p = ts_node_start_point(n);
  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  ar_diag_warnf(ld->dg, ld->path, (long)p.row + 1, (long)p.column + 1, "%s", msg);
}

static const char *node_text(loader *ld, TSNode n, size_t *len)
{
  uint32_t a = ts_node_start_byte(n), b = ts_node_end_byte(n);
  if (b > ld->len) b = (uint32_t)ld->len;
  if (a > b) a = b;
  *len = b - a;
  return ld->src + a;
}

/* A value's kind, for "expected X, found Y". */
static const char *kind_name(const loader *ld, TSNode v)
{
  if (is(ld, v, S_STRING)) return "a string";
  if (is(ld, v, S_INTEGER)) return "an integer";
  if (is(ld, v, S_FLOAT)) return "a float";
  if (is(ld, v, S_BOOLEAN)) return "a boolean";
  if (is(ld, v, S_ARRAY)) return "an array";
  if (is(ld, v, S_INLINE_TABLE)) return "a table";
  return "a date or time";
}

static void put_utf8(ar_buf *b, uint32_t cp, int *err)
{
  char u[4];
  size_t n;
  if (cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) cp = 0xFFFD;
  if (cp < 0x80) u[0] = (char)cp, n = 1;
  else if (cp < 0x800) u[0] = (char)(0xC0 | cp >> 6), u[1] = (char)(0x80 | (cp & 0x3F)), n = 2;
  else if (cp < 0x10000)
    u[0] = (char)(0xE0 | cp >> 12), u[1] = (char)(0x80 | ((cp >> 6) & 0x3F)),
    u[2] = (char)(0x80 | (cp & 0x3F)), n = 3;
  else
    u[0] = (char)(0xF0 | cp >> 18), u[1] = (char)(0x80 | ((cp >> 12) & 0x3F)),
    u[2] = (char)(0x80 | ((cp >> 6) & 0x3F)), u[3] = (char)(0x80 | (cp & 0x3F)), n = 4;
  *err |= ar_buf_put(b, u, n);
}

/* The text of a TOML string or quoted key: "basic" (escapes), 'literal' (none), and their
 * triple-quoted multi-line forms, where a newline right after the opening quotes is
 * dropped and, in basic strings, a backslash at the end of a line eats the line break and
 * the white space after it. Borrowed: lives as long as ld->scratch. */
static const char *decode_string(loader *ld, TSNode n)
{
  size_t len, q;
  const char *s = node_text(ld, n, &len), *e;
  ar_buf b;
  int err = 0;
  char quote = len ? s[0] : '"';
  if (len == 0 || (quote != '"' && quote != '\'')) return ar_arena_strndup(&ld->scratch, s, len);
  q = len >= 6 && s[1] == quote && s[2] == quote ? 3 : 1;
  e = s + (len >= 2 * q ? len - q : len);
  s += q;
  if (q == 3 && s < e && *s == '\n') s++;
  else if (q == 3 && e - s >= 2 && s[0] == '\r' && s[1] == '\n') s += 2;
  if (quote == '\'') return ar_arena_strndup(&ld->scratch, s, (size_t)(e - s));
  ar_buf_init(&b, MAX_CONFIG_BYTES);
  while (s < e && !err) {
    if (*s != '\\' || s + 1 >= e) {
      err |= ar_buf_putc(&b, *s++);
      continue;
    }
    char c = s[1];
    const char *simple = strchr("btnfr\"\\e", c);
    static const char repl[] = "\b\t\n\f\r\"\\\033";
    if (c && simple) {
      err |= ar_buf_putc(&b, repl[simple - "btnfr\"\\e"]);
      s += 2;
    } else if (c == 'u' || c == 'U' || c == 'x') {
      int digits = c == 'u' ? 4 : c == 'U' ? 8 : 2;
      uint32_t cp = 0;
      int k = 0;
      for (; k < digits && s + 2 + k < e; k++) {
        char h = s[2 + k];
        int v = h >= '0' && h <= '9' ? h - '0' : h >= 'a' && h <= 'f' ? h - 'a' + 10
                : h >= 'A' && h <= 'F' ? h - 'A' + 10 : -1;
        if (v < 0) break;
        cp = cp * 16 + (uint32_t)v;
      }
      put_utf8(&b, k == digits ? cp : 0xFFFD, &err);
      s += 2 + k;
    } else if (q == 3 && (c == ' ' || c == '\t' || c == '\n' || c == '\r')) {
      /* Line-ending backslash: skip the break and all white space after it. */
      s++;
      while (s < e && (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r')) s++;
    } else { /* not an escape TOML knows: keep it as written */
      err |= ar_buf_putc(&b, *s++);
    }
  }
  const char *out = err ? "" : ar_arena_strndup(&ld->scratch, b.ptr, b.len);
  ar_buf_dispose(&b);
  return out;
}

/* An integer or float value as a double; false for anything else (or nan). */
static bool number_value(loader *ld, TSNode v, double *out)
{
  size_t len, j = 0;
  const char *s = node_text(ld, v, &len);
  char buf[128], *end;
  if (!is(ld, v, S_INTEGER) && !is(ld, v, S_FLOAT)) return false;
  for (size_t i = 0; i < len && j + 1 < sizeof buf; i++)
    if (s[i] != '_') buf[j++] = s[i];
  buf[j] = '\0';
  if (is(ld, v, S_INTEGER)) {
    const char *d = buf + (buf[0] == '+' || buf[0] == '-');
    int base = d[0] == '0' && d[1] == 'x' ? 16 : d[0] == '0' && d[1] == 'o' ? 8
               : d[0] == '0' && d[1] == 'b' ? 2 : 10;
    errno = 0;
    long long x = strtoll(base == 10 ? buf : d + 2, &end, base);
    if (*end) return false;
    *out = buf[0] == '-' && base != 10 ? -(double)x : (double)x;
    return true;
  }
  *out = strtod(buf, &end);
  return *end == '\0' && !isnan(*out);
}

/* Named children other than comments, in order, through a cursor (ts_node_named_child(i)
 * walks from the first child every time). */
typedef struct kids {
  TSTreeCursor c;
  bool started, done;
} kids;

static kids kids_of(TSNode n)
{
  kids k = {ts_tree_cursor_new(n), false, false};
  return k;
}

static bool kids_next(loader *ld, kids *k, TSNode *out)
{
  while (!k->done) {
    bool moved = k->started ? ts_tree_cursor_goto_next_sibling(&k->c)
                            : ts_tree_cursor_goto_first_child(&k->c);
    k->started = true;
    if (!moved) {
      k->done = true;
      break;
    }
    TSNode n = ts_tree_cursor_current_node(&k->c);
    if (ts_node_is_named(n) && !is(ld, n, S_COMMENT)) {
      *out = n;
      return true;
    }
  }
  return false;
}

static void kids_done(kids *k) { ts_tree_cursor_delete(&k->c); }

/* Append the parts of a key (bare, quoted or dotted) to `kp`. dotted_key nests to the left
 * (a.b.c is ((a.b).c)), so the parts are collected right to left without recursion. */
static bool key_parts(loader *ld, TSNode key, keypath *kp)
{
  const char *rev[MAX_KEY_PARTS];
  size_t n = 0;
  for (;;) {
    TSNode last = key;
    if (is(ld, key, S_DOTTED_KEY)) {
      uint32_t c = ts_node_named_child_count(key); /* two: (dotted_key|key) and key */
      if (c == 0) return false;
      last = ts_node_named_child(key, c - 1);
    }
    if (n == MAX_KEY_PARTS) return false;
    if (is(ld, last, S_QUOTED_KEY)) {
      rev[n++] = decode_string(ld, last);
    } else {
      size_t len;
      const char *s = node_text(ld, last, &len);
      rev[n++] = ar_arena_strndup(&ld->scratch, s, len);
    }
    if (!is(ld, key, S_DOTTED_KEY)) break;
    key = ts_node_named_child(key, 0);
  }
  if (kp->n + n > MAX_KEY_PARTS) return false;
  while (n) kp->parts[kp->n++] = rev[--n];
  return true;
}

static const char *join_key(loader *ld, const char *const *parts, size_t n)
{
  ar_buf b;
  int err = 0;
  ar_buf_init(&b, 4096);
  for (size_t i = 0; i < n; i++) {
    if (i) err |= ar_buf_putc(&b, '.');
    err |= ar_buf_puts(&b, parts[i]);
  }
  const char *s = err ? "?" : ar_arena_strdup(&ld->scratch, b.ptr);
  ar_buf_dispose(&b);
  return s;
}

/* ---- the options ------------------------------------------------------------------------- */

typedef enum {
  T_PATHS,   /* string or array of strings, relative to the file's folder: coverage */
  T_PATH,    /* string, relative to the file's folder: history, output */
  T_GLOBS,   /* string or array of strings: exclude */
  T_RULES,   /* string or array of codes: select, ignore */
  T_BOOL,
  T_CHOICE,  /* string from a fixed list */
  T_NUMBER,  /* >= 0 */
  T_INT,     /* jobs */
  T_PATHMAP, /* array of "FROM=TO", or a table FROM = "TO" */
  T_TABLE,   /* weights */
  T_CLI_ONLY /* per-run options that make no sense as a default */
} opt_type;

typedef struct option {
  const char *key;
  opt_type type;
  const char *choices; /* T_CHOICE: "text|json|…" as in the message */
} option;

static const option options[] = {
    {"coverage", T_PATHS, NULL},
    {"path-map", T_PATHMAP, NULL},
    {"history", T_PATH, NULL},
    {"format", T_CHOICE, "text, json, markdown, sarif, gitlab or github"},
    {"output", T_PATH, NULL},
    {"fail-over", T_NUMBER, NULL},
    {"fail-on", T_CHOICE, "low, medium, high or critical"},
    {"new-only", T_BOOL, NULL},
    {"select", T_RULES, NULL},
    {"ignore", T_RULES, NULL},
    {"exclude", T_GLOBS, NULL},
    {"include-tests", T_BOOL, NULL},
    {"min-confidence", T_CHOICE, "certain, likely or possible"},
    {"guess-names", T_BOOL, NULL},
    {"jobs", T_INT, NULL},
    {"color", T_CHOICE, "auto, always or never"},
    {"quiet", T_BOOL, NULL},
    {"weights", T_TABLE, NULL},
    {"record", T_CLI_ONLY, NULL},
    {"now", T_CLI_ONLY, NULL},
    {"dump", T_CLI_ONLY, NULL},
    {"config", T_CLI_ONLY, NULL},
    {"no-config", T_CLI_ONLY, NULL},
};

/* Keys a user may mean, for "did you mean": every option and weight. */
static const char *const known_keys[] = {
    "coverage", "path-map", "history", "format", "output", "fail-over", "fail-on", "new-only",
    "select", "ignore", "exclude", "include-tests", "min-confidence", "guess-names", "jobs",
    "color", "quiet", "weights", "weights.severity", "weights.confidence", "weights.repeat",
    "weights.severity.critical", "weights.severity.high", "weights.severity.medium",
    "weights.severity.low", "weights.confidence.certain", "weights.confidence.likely",
    "weights.confidence.possible", NULL};

/* Levenshtein distance, '_' and '-' and case counted equal, capped at 3. */
static int distance(const char *a, const char *b)
{
  size_t la = strlen(a), lb = strlen(b);
  int prev[64], cur[64];
  if (la >= 63 || lb >= 63) return 3;
  for (size_t j = 0; j <= lb; j++) prev[j] = (int)j;
  for (size_t i = 1; i <= la; i++) {
    cur[0] = (int)i;
    for (size_t j = 1; j <= lb; j++) {
      char x = a[i - 1] == '_' ? '-' : (char)(a[i - 1] | 0x20);
      char y = b[j - 1] == '_' ? '-' : (char)(b[j - 1] | 0x20);
      int best = prev[j - 1] + (x != y);
      if (prev[j] + 1 < best) best = prev[j] + 1;
      if (cur[j - 1] + 1 < best) best = cur[j - 1] + 1;
      cur[j] = best;
    }
    memcpy(prev, cur, sizeof(int) * (lb + 1));
  }
  return prev[lb] < 3 ? prev[lb] : 3;
}

static void unknown_key(loader *ld, TSNode at, const char *key)
{
  const char *best = NULL;
  int bd = 3;
  for (size_t i = 0; known_keys[i]; i++) {
    int d = distance(key, known_keys[i]);
    if (d < bd) bd = d, best = known_keys[i];
  }
  if (best)
    warn_at(ld, at, "unknown key '%s' in [tool.alignrisk] (did you mean '%s'?); ignored", key, best);
  else
    warn_at(ld, at, "unknown key '%s' in [tool.alignrisk]; ignored", key);
}

static void wrong_type(loader *ld, TSNode v, const char *key, const char *expected)
{
  warn_at(ld, v, "[tool.alignrisk] %s: expected %s, found %s; ignored", key, expected,
          kind_name(ld, v));
}

/* A path from the file, made relative to the working folder. Borrowed: cfg->strings. */
static const char *rebase(loader *ld, const char *p)
{
  if (p[0] == '/' || !ld->base[0]) return ar_arena_strdup(&ld->cfg->strings, p);
  return ar_arena_printf(&ld->cfg->strings, "%s/%s", ld->base, p);
}

/* The strings of a string-or-array value; false (after a warning) for anything else. The
 * array's elements must all be strings; `out` is filled in order. */
typedef AR_VEC(TSNode) node_vec;
static bool strings_of(loader *ld, TSNode v, const char *key, bool array_ok, node_vec *out)
{
  const char *expected = array_ok ? "a string or an array of strings" : "a string";
  if (is(ld, v, S_STRING)) {
    AR_VEC_PUSH(out, v);
    return true;
  }
  if (!array_ok || !is(ld, v, S_ARRAY)) {
    wrong_type(ld, v, key, expected);
    return false;
  }
  kids k = kids_of(v);
  TSNode e;
  bool ok = true;
  while (ok && kids_next(ld, &k, &e)) {
    if (!is(ld, e, S_STRING)) {
      warn_at(ld, e, "[tool.alignrisk] %s: expected an array of strings, found %s in it; ignored",
              key, kind_name(ld, e));
      ok = false;
    } else {
      AR_VEC_PUSH(out, e);
    }
  }
  kids_done(&k);
  if (!ok) out->len = 0;
  return ok;
}

static void add_path_map(loader *ld, TSNode at, const char *from, const char *to)
{
  if (!from[0] || strchr(from, '=')) {
    warn_at(ld, at, "[tool.alignrisk] path-map: '%s' is not a path prefix (FROM=TO); ignored", from);
    return;
  }
  AR_VEC_PUSH(&ld->cfg->path_map, ar_arena_printf(&ld->cfg->strings, "%s=%s", from, to));
}

static void set_rules(loader *ld, const option *o, TSNode v)
{
  node_vec items = {0};
  ar_buf spec;
  size_t nbad = 0;
  int err = 0;
  if (!strings_of(ld, v, o->key, true, &items)) goto done;
  ar_buf_init(&spec, MAX_CONFIG_BYTES);
  for (size_t i = 0; i < items.len; i++) {
    const char *s = decode_string(ld, items.items[i]);
    char *bad = ar_config_rule_check(s);
    if (bad) {
      warn_at(ld, items.items[i],
              "[tool.alignrisk] %s: unknown rule '%s' (expected a code such as AR101, or a "
              "prefix such as AR1); ignored", o->key, bad);
      free(bad);
      nbad++;
      continue;
    }
    if (!s[strspn(s, ", ")]) continue; /* names nothing */
    if (spec.len) err |= ar_buf_putc(&spec, ',');
    err |= ar_buf_puts(&spec, s);
  }
  bool select = strcmp(o->key, "select") == 0;
  if (select && !err && spec.len == 0) {
    /* Selecting nothing would pass every gate; a list whose every code was bad has been
     * warned about already. */
    if (nbad < items.len || items.len == 0)
      warn_at(ld, v, "[tool.alignrisk] select: an empty list would select no rule; ignored");
  } else if (!err) {
    const char *joined = ar_arena_strdup(&ld->cfg->strings, spec.ptr);
    if (select) {
      ld->cfg->select_spec = joined;
    } else {
      AR_VEC_PUSH(&ld->cfg->ignore_specs, joined);
    }
    ar_config_update_select(ld->cfg);
  }
  ar_buf_dispose(&spec);
done:
  AR_VEC_FREE(&items);
}

static void set_choice(loader *ld, const option *o, TSNode v)
{
  ar_config *cfg = ld->cfg;
  if (!is(ld, v, S_STRING)) {
    wrong_type(ld, v, o->key, "a string");
    return;
  }
  const char *s = decode_string(ld, v);
  bool ok = true;
  if (strcmp(o->key, "format") == 0) {
    static const char *const fmts[] = {"text", "json", "markdown", "sarif", "gitlab", "github"};
    static const ar_format ids[] = {AR_FMT_TEXT, AR_FMT_JSON, AR_FMT_MARKDOWN,
                                    AR_FMT_SARIF, AR_FMT_GITLAB, AR_FMT_GITHUB};
    ok = false;
    for (size_t i = 0; i < sizeof ids / sizeof ids[0]; i++)
      if (strcmp(s, fmts[i]) == 0) cfg->format = ids[i], ok = true;
  } else if (strcmp(o->key, "fail-on") == 0) {
    int sev = ar_severity_parse(s);
    if ((ok = sev >= 0)) cfg->fail_on = sev;
  } else if (strcmp(o->key, "min-confidence") == 0) {
    int c = ar_confidence_parse(s);
    if ((ok = c >= 0)) cfg->min_confidence = (ar_confidence)c;
  } else if (strcmp(o->key, "color") == 0) {
    if (strcmp(s, "never") == 0) cfg->color = 0;
    else if (strcmp(s, "always") == 0) cfg->color = 1;
    else if (strcmp(s, "auto") == 0) cfg->color = 2;
    else ok = false;
  }
  if (!ok) warn_at(ld, v, "[tool.alignrisk] %s: \"%s\": expected %s; ignored", o->key, s, o->choices);
}

static void set_option(loader *ld, const option *o, TSNode v)
{
  ar_config *cfg = ld->cfg;
  node_vec items = {0};
  double x;
  switch (o->type) {
  case T_PATHS:
  case T_GLOBS: {
    if (!strings_of(ld, v, o->key, true, &items)) break;
    ar_strvec *list = o->type == T_PATHS ? &cfg->coverage : &cfg->exclude;
    for (size_t i = 0; i < items.len; i++) {
      const char *s = decode_string(ld, items.items[i]);
      AR_VEC_PUSH(list, o->type == T_PATHS ? rebase(ld, s) : ar_arena_strdup(&cfg->strings, s));
    }
    break;
  }
  case T_PATH: {
    if (!strings_of(ld, v, o->key, false, &items)) break;
    const char *p = rebase(ld, decode_string(ld, v));
    if (strcmp(o->key, "history") == 0) cfg->history = p;
    else cfg->output = p;
    break;
  }
  case T_RULES: set_rules(ld, o, v); break;
  case T_CHOICE: set_choice(ld, o, v); break;
  case T_BOOL: {
    if (!is(ld, v, S_BOOLEAN)) {
      wrong_type(ld, v, o->key, "true or false");
      break;
    }
    size_t len;
    bool b = node_text(ld, v, &len)[0] == 't';
    if (strcmp(o->key, "new-only") == 0) cfg->new_only = b;
    else if (strcmp(o->key, "include-tests") == 0) cfg->include_tests = b;
    else if (strcmp(o->key, "guess-names") == 0) cfg->guess_names = b;
    else cfg->quiet = b;
    break;
  }
  case T_NUMBER:
    if (!number_value(ld, v, &x) || x < 0 || isinf(x))
      wrong_type(ld, v, o->key, "a number >= 0");
    else
      cfg->fail_over = x;
    break;
  case T_INT:
    if (!is(ld, v, S_INTEGER) || !number_value(ld, v, &x) || x < 1 || x > 64)
      wrong_type(ld, v, o->key, "a whole number from 1 to 64");
    else
      cfg->jobs = (int)x;
    break;
  case T_PATHMAP:
    if (!is(ld, v, S_ARRAY)) {
      wrong_type(ld, v, o->key, "an array of \"FROM=TO\" strings or a table FROM = \"TO\"");
      break;
    }
    if (!strings_of(ld, v, o->key, true, &items)) break;
    for (size_t i = 0; i < items.len; i++) {
      const char *s = decode_string(ld, items.items[i]), *eq = strchr(s, '=');
      if (!eq || eq == s) {
        warn_at(ld, items.items[i], "[tool.alignrisk] path-map: \"%s\": expected FROM=TO; ignored", s);
        continue;
      }
      AR_VEC_PUSH(&cfg->path_map, ar_arena_strdup(&cfg->strings, s));
    }
    break;
  case T_TABLE:
    wrong_type(ld, v, o->key, "a table");
    break;
  case T_CLI_ONLY: break; /* reported by the caller */
  }
  AR_VEC_FREE(&items);
}

static void set_weight(loader *ld, TSNode v, const char *key, double *slot)
{
  double x;
  if (!number_value(ld, v, &x) || x < 0 || isinf(x)) {
    wrong_type(ld, v, key, "a number >= 0");
    return;
  }
  *slot = x;
}

/* ---- walking the document ------------------------------------------------------------------ */

static bool under_us(const keypath *kp)
{
  return kp->n >= 2 && strcmp(kp->parts[0], "tool") == 0 && strcmp(kp->parts[1], "alignrisk") == 0;
}

/* Whether `kp` is "tool" or "" (a table on the way to tool.alignrisk). */
static bool above_us(const keypath *kp)
{
  return kp->n == 0 || (kp->n == 1 && strcmp(kp->parts[0], "tool") == 0);
}

/* Paths under tool.alignrisk that are tables of ours (inline or [headers]). */
static bool our_table(const char *const *rel, size_t n)
{
  if (n == 0) return true;
  if (strcmp(rel[0], "path-map") == 0 || strcmp(rel[0], "weights") == 0) {
    if (n == 1) return true;
    return n == 2 && strcmp(rel[0], "weights") == 0 &&
           (strcmp(rel[1], "severity") == 0 || strcmp(rel[1], "confidence") == 0);
  }
  return false;
}

/* Duplicate keys are a TOML error the grammar does not catch: keep the first. */
static bool first_time(loader *ld, TSNode key, const char *joined)
{
  uintptr_t line = (uintptr_t)ar_map_get(&ld->seen, joined);
  if (line) {
    warn_at(ld, key, "[tool.alignrisk] %s: defined again (first on line %lu); ignored", joined,
            (unsigned long)line);
    return false;
  }
  ar_map_put(&ld->seen, joined, (void *)(uintptr_t)(ts_node_start_point(key).row + 1));
  return true;
}

/* A value at key path rel[0..n) under tool.alignrisk; `key` is where to point for key
 * problems, `v` for value problems. */
static void on_option(loader *ld, const char *const *rel, size_t n, TSNode key, TSNode v)
{
  static const char *const sev_keys[AR_SEV_COUNT] = {"low", "medium", "high", "critical"};
  static const char *const conf_keys[AR_CONF_COUNT] = {"possible", "likely", "certain"};
  const char *joined = join_key(ld, rel, n);
  if (n == 0) {
    wrong_type(ld, v, "tool.alignrisk", "a table");
    return;
  }
  if (n == 1) {
    for (size_t i = 0; i < sizeof options / sizeof options[0]; i++) {
      if (strcmp(rel[0], options[i].key) != 0) continue;
      if (!first_time(ld, key, joined)) return;
      if (options[i].type == T_CLI_ONLY)
        warn_at(ld, key, "[tool.alignrisk] %s: only on the command line (--%s); ignored", rel[0], rel[0]);
      else
        set_option(ld, &options[i], v);
      return;
    }
  } else if (n == 2 && strcmp(rel[0], "path-map") == 0) {
    if (!first_time(ld, key, joined)) return;
    if (!is(ld, v, S_STRING)) wrong_type(ld, v, joined, "a string");
    else add_path_map(ld, key, rel[1], decode_string(ld, v));
    return;
  } else if (n == 2 && strcmp(rel[0], "weights") == 0 && strcmp(rel[1], "repeat") == 0) {
    if (first_time(ld, key, joined)) set_weight(ld, v, joined, &ld->cfg->repeat_step);
    return;
  } else if (n == 2 && strcmp(rel[0], "weights") == 0 &&
             (strcmp(rel[1], "severity") == 0 || strcmp(rel[1], "confidence") == 0)) {
    wrong_type(ld, v, joined, "a table");
    return;
  } else if (n == 3 && strcmp(rel[0], "weights") == 0) {
    bool sev = strcmp(rel[1], "severity") == 0, conf = strcmp(rel[1], "confidence") == 0;
    for (int i = 0; sev && i < AR_SEV_COUNT; i++)
      if (strcmp(rel[2], sev_keys[i]) == 0) {
        if (first_time(ld, key, joined)) set_weight(ld, v, joined, &ld->cfg->sev_weight[i]);
        return;
      }
    for (int i = 0; conf && i < AR_CONF_COUNT; i++)
      if (strcmp(rel[2], conf_keys[i]) == 0) {
        if (first_time(ld, key, joined)) set_weight(ld, v, joined, &ld->cfg->conf_weight[i]);
        return;
      }
  }
  unknown_key(ld, key, joined);
}

static void on_pair(loader *ld, const keypath *table, TSNode pair, int depth);

/* A value at the full key path `kp`. Inline tables on the way to, or inside, our tables
 * are walked like [headers]; everything outside tool.alignrisk is skipped. */
static void on_value(loader *ld, const keypath *kp, TSNode key, TSNode v, int depth)
{
  bool ours = under_us(kp);
  if (!ours && !above_us(kp)) return;
  if (is(ld, v, S_INLINE_TABLE) && (!ours || our_table(kp->parts + 2, kp->n - 2))) {
    if (depth > MAX_KEY_PARTS) return; /* cannot happen: each level adds a key part */
    kids k = kids_of(v);
    TSNode p;
    while (kids_next(ld, &k, &p))
      if (is(ld, p, S_PAIR)) on_pair(ld, kp, p, depth + 1);
    kids_done(&k);
    return;
  }
  if (ours) on_option(ld, kp->parts + 2, kp->n - 2, key, v);
}

static void on_pair(loader *ld, const keypath *table, TSNode pair, int depth)
{
  kids k = kids_of(pair);
  TSNode key, v;
  keypath kp = *table;
  if (kids_next(ld, &k, &key) && kids_next(ld, &k, &v)) {
    if (key_parts(ld, key, &kp)) on_value(ld, &kp, key, v, depth);
    else if (under_us(table)) warn_at(ld, key, "[tool.alignrisk] key nested too deeply; ignored");
  }
  kids_done(&k);
}

/* [header] or [[header]] and the pairs under it. */
static void on_table(loader *ld, TSNode table, bool array)
{
  kids k = kids_of(table);
  TSNode key, p;
  keypath kp = {.n = 0};
  if (!kids_next(ld, &k, &key) || !key_parts(ld, key, &kp)) goto done;
  if (under_us(&kp)) {
    const char *const *rel = kp.parts + 2;
    size_t n = kp.n - 2;
    const char *joined = n ? join_key(ld, rel, n) : "tool.alignrisk";
    if (array) {
      warn_at(ld, key, "[[%s]]: expected a table [%s], not an array of tables; ignored",
              join_key(ld, kp.parts, kp.n), join_key(ld, kp.parts, kp.n));
      goto done;
    }
    if (!our_table(rel, n)) {
      bool known = false;
      for (size_t i = 0; i < sizeof options / sizeof options[0]; i++)
        known = known || strcmp(rel[0], options[i].key) == 0;
      if (known && n == 1)
        warn_at(ld, key, "[tool.alignrisk] %s: expected a value, found a table; ignored", joined);
      else
        unknown_key(ld, key, joined);
      goto done;
    }
    /* TOML forbids defining a table twice; the keys are still read (a repeated key is
     * caught on its own), so the warning only says what a strict reader would refuse. */
    const char *header = ar_arena_printf(&ld->scratch, "[%s]", joined);
    uintptr_t line = (uintptr_t)ar_map_get(&ld->seen, header);
    if (line)
      warn_at(ld, key, "[%s] is defined again (first on line %lu)",
              n ? join_key(ld, kp.parts, kp.n) : "tool.alignrisk", (unsigned long)line);
    else
      ar_map_put(&ld->seen, header, (void *)(uintptr_t)(ts_node_start_point(key).row + 1));
  } else if (!above_us(&kp) || array) {
    goto done; /* someone else's table */
  }
  while (kids_next(ld, &k, &p))
    if (is(ld, p, S_PAIR)) on_pair(ld, &kp, p, 0);
done:
  kids_done(&k);
}

/* The first ERROR or MISSING node, depth first: where the file stops being TOML. */
static TSNode first_error(TSNode root)
{
  TSTreeCursor c = ts_tree_cursor_new(root);
  TSNode bad = root;
  for (;;) {
    TSNode n = ts_tree_cursor_current_node(&c);
    if (strcmp(ts_node_type(n), "ERROR") == 0 || ts_node_is_missing(n)) {
      bad = n;
      break;
    }
    if (ts_node_has_error(n) && ts_tree_cursor_goto_first_child(&c)) continue;
    bool moved = false;
    while (!(moved = ts_tree_cursor_goto_next_sibling(&c)))
      if (!ts_tree_cursor_goto_parent(&c)) break;
    if (!moved) break;
  }
  ts_tree_cursor_delete(&c);
  return bad;
}

/* Where inside an ERROR node the text went wrong, and what to say. tree-sitter wraps the
 * whole broken statement, so its start is only the line. Inside it: a nested ERROR or
 * MISSING node is the spot; tokens that run on to the next line mean the first line ended
 * too early ('[tool.alignrisk' without its ']'); else the last token is the stray one. */
static void describe_error(loader *ld, TSNode err, TSPoint *at, char *what, size_t size)
{
  TSTreeCursor c = ts_tree_cursor_new(err);
  TSNode last = err, spot = err;
  bool have_last = false, early = false, nested = false;
  size_t len;
  const char *s;

  *at = ts_node_start_point(err);
  if (ts_node_is_missing(err)) {
    snprintf(what, size, "expected '%s'", ts_node_type(err));
    ts_tree_cursor_delete(&c);
    return;
  }
  bool more = ts_tree_cursor_goto_first_child(&c);
  while (more) { /* pre-order over the node's subtree */
    TSNode n = ts_tree_cursor_current_node(&c);
    if (strcmp(ts_node_type(n), "ERROR") == 0 || ts_node_is_missing(n)) {
      spot = n, nested = true;
      break;
    }
    if (ts_node_child_count(n) == 0) { /* a token */
      if (have_last && ts_node_start_point(n).row != ts_node_start_point(last).row) {
        early = true;
        break;
      }
      last = n, have_last = true;
    } else if (ts_tree_cursor_goto_first_child(&c)) {
      continue;
    }
    while (!(more = ts_tree_cursor_goto_next_sibling(&c)))
      if (!ts_tree_cursor_goto_parent(&c)) break;
  }
  ts_tree_cursor_delete(&c);
  if (nested && ts_node_is_missing(spot)) {
    *at = ts_node_start_point(spot);
    snprintf(what, size, "expected '%s'", ts_node_type(spot));
    return;
  }
  if (early) {
    *at = ts_node_end_point(last);
    snprintf(what, size, "the line ends before its key, value or [table] header is complete");
    return;
  }
  if (!nested) spot = last;
  *at = ts_node_start_point(spot);
  s = node_text(ld, spot, &len);
  const char *nl = memchr(s, '\n', len);
  if (nl) len = (size_t)(nl - s); /* quote the rest of the line, at most 24 bytes */
  if (len == 0) snprintf(what, size, "near the end of the line");
  else snprintf(what, size, "near '%.*s'", len > 24 ? 24 : (int)len, s);
}

static char *dir_of(const char *path)
{
  const char *slash = strrchr(path, '/');
  if (!slash) return ar_xstrdup("");
  if (slash == path) return ar_xstrdup("/");
  return ar_xstrndup(path, (size_t)(slash - path));
}

int ar_config_load_mem(ar_config *cfg, const char *text, size_t len, const char *path, bool strict,
                       ar_diag *dg)
{
  const TSLanguage *lang = tree_sitter_toml();
  TSParser *parser = NULL;
  TSTree *tree = NULL;
  char *base = dir_of(path);
  loader ld = {.cfg = cfg, .path = path, .base = base, .src = text, .len = len, .dg = dg};
  int err = AR_OK;

  ar_arena_init(&ld.scratch);
  ar_map_init(&ld.seen);
  parser = ts_parser_new();
  if (!ts_parser_set_language(parser, lang)) {
    ar_diag_errorf(dg, NULL, 0, 0,
                   "the TOML grammar has language ABI %u; this tree-sitter runtime loads up to %u",
                   ts_language_version(lang), (unsigned)TREE_SITTER_LANGUAGE_VERSION);
    err = AR_EVERSION;
    goto done;
  }
  for (int i = 0; i < S__COUNT; i++)
    ld.sym[i] = ts_language_symbol_for_name(lang, sym_names[i], (uint32_t)strlen(sym_names[i]), true);
  if (len > UINT32_MAX || !(tree = ts_parser_parse_string(parser, NULL, text, (uint32_t)len))) {
    err = AR_ELIMIT;
    goto done;
  }
  TSNode root = ts_tree_root_node(tree);
  if (ts_node_has_error(root)) {
    TSPoint p;
    char what[128];
    describe_error(&ld, first_error(root), &p, what, sizeof what);
    if (strict) {
      ar_diag_errorf(dg, path, (long)p.row + 1, (long)p.column + 1, "not valid TOML: %s", what);
      err = AR_EPARSE;
    } else {
      ar_diag_warnf(dg, path, (long)p.row + 1, (long)p.column + 1,
                    "not valid TOML: %s; its [tool.alignrisk] settings are ignored", what);
    }
    goto done;
  }
  cfg->config_path = ar_arena_strdup(&cfg->strings, path);
  kids k = kids_of(root);
  TSNode top;
  keypath none = {.n = 0};
  while (kids_next(&ld, &k, &top)) {
    if (is(&ld, top, S_PAIR)) on_pair(&ld, &none, top, 0);
    else if (is(&ld, top, S_TABLE)) on_table(&ld, top, false);
    else if (is(&ld, top, S_TABLE_ARRAY)) on_table(&ld, top, true);
  }
  kids_done(&k);
done:
  if (tree) ts_tree_delete(tree);
  if (parser) ts_parser_delete(parser);
  ar_map_dispose(&ld.seen);
  ar_arena_dispose(&ld.scratch);
  free(base);
  return err;
}

int ar_config_load(ar_config *cfg, const char *path, bool strict, ar_diag *dg)
{
  FILE *fp = fopen(path, "rb");
  ar_buf data;
  int err = AR_OK;
  char chunk[8192];
  size_t n;

  if (!fp) {
    int e = errno;
    if (strict) ar_diag_errorf(dg, path, 0, 0, "cannot open: %s", strerror(e));
    else ar_diag_warnf(dg, path, 0, 0, "cannot open: %s; no configuration read", strerror(e));
    return strict ? (e == ENOENT ? AR_ENOTFOUND : AR_ERROR) : AR_OK;
  }
  ar_buf_init(&data, MAX_CONFIG_BYTES);
  while ((n = fread(chunk, 1, sizeof chunk, fp)) > 0)
    if ((err = ar_buf_put(&data, chunk, n)) < 0) break;
  if (err == AR_OK && ferror(fp)) err = AR_ERROR;
  fclose(fp);
  if (err < 0) {
    const char *why = err == AR_ELIMIT ? "larger than 4 MiB" : "cannot read";
    if (strict) ar_diag_errorf(dg, path, 0, 0, "%s", why);
    else ar_diag_warnf(dg, path, 0, 0, "%s; no configuration read", why);
    if (!strict) err = AR_OK;
  } else {
    err = ar_config_load_mem(cfg, data.ptr, data.len, path, strict, dg);
  }
  ar_buf_dispose(&data);
  return err;
}
