/* SPDX-License-Identifier: MIT
 * test_history.c - unit tests of the history stage: loading every accepted form, where
 * errors are reported, and recording (atomic, locked, keeps unknown keys, never clobbers).
 * Recording tests run in a fresh mkdtemp folder each; fork() is used for concurrency. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <cjson/cJSON.h>
#include <dirent.h>
#include <fcntl.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "alignrisk/history.h"
#include "capture.h"

/* ---- helpers --------------------------------------------------------------------------- */


/* rm -r; the test folders are shallow. */
static void rm_tree(const char *path)
{
  struct stat st;
  DIR *d;
  struct dirent *e;
  if (lstat(path, &st) == 0 && S_ISDIR(st.st_mode) && (d = opendir(path))) {
    while ((e = readdir(d))) {
      char sub[1024];
      if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0) continue;
      snprintf(sub, sizeof sub, "%s/%s", path, e->d_name);
      rm_tree(sub);
    }
    closedir(d);
  }
  remove(path);
}

static int setup_dir(void **state)
{
  char *dir = strdup("/tmp/ar_test_history_XXXXXX");
  if (!dir || !mkdtemp(dir)) return -1;
  *state = dir;
  return 0;
}

static int teardown_dir(void **state)
{
  rm_tree(*state);
  free(*state);
  return 0;
}

/* "<dir>/<name>" into the caller's `buf`. */
static char *join(const char *dir, const char *name, char *buf, size_t size)
{
  snprintf(buf, size, "%s/%s", dir, name);
  return buf;
}

static void write_text(const char *path, const char *text)
{
  FILE *f = fopen(path, "wb");
  assert_non_null(f);
  assert_int_equal(fwrite(text, 1, strlen(text), f), strlen(text));
  assert_int_equal(fclose(f), 0);
}

/* The whole file as a string (owned by caller), or NULL when it cannot be read. */
static char *slurp(const char *path)
{
  FILE *f = fopen(path, "rb");
  char *p = NULL;
  size_t n = 0;
  if (!f) return NULL;
  FILE *m = open_memstream(&p, &n);
  int c;
  while ((c = fgetc(f)) != EOF) fputc(c, m);
  fclose(m);
  fclose(f);
  return p;
}

/* Entries of `dir` whose name contains ".tmp.": leftovers of a failed write. */
static int count_temp_files(const char *dir)
{
  DIR *d = opendir(dir);
  struct dirent *e;
  int n = 0;
  assert_non_null(d);
  while ((e = readdir(d)))
    if (strstr(e->d_name, ".tmp.")) n++;
  closedir(d);
  return n;
}

static int load_str(ar_history **h, const char *json, capture *c)
{
  return ar_history_load_mem(h, json, strlen(json), "h.json", &c->dg);
}

static ar_history *load_ok(const char *path)
{
  capture c;
  ar_history *h = NULL;
  cap_open(&c);
  int err = ar_history_load(&h, path, true, &c.dg);
  if (err != 0) fail_msg("load %s: %d: %s", path, err, cap_text(&c));
  cap_close(&c);
  return h;
}

/* A small record: one finding given by rule only (pattern derived on write), one by
 * pattern, one pair. */
static const ar_hist_entry sample_findings[] = {
    {NULL, "AR103", NULL, "OrganizationMember", "status", "app/services/rbac.py", "critical",
     "fp1"},
    {NULL, "AR201", "missing-enum-member:COMPLIANT", "ControlStatus", "COMPLIANT", NULL, "high",
     NULL},
};
static const ar_hist_pair sample_pairs[] = {{"OrganizationMember", "app/services/rbac.py", 120.0}};

static ar_hist_record sample_record(const char *name, size_t nfindings)
{
  ar_hist_record r = {0};
  r.name = name;
  r.date = "2025-11-11";
  r.findings = sample_findings;
  r.nfindings = nfindings;
  r.pairs = sample_pairs;
  r.npairs = 1;
  r.total_risk = 120.0;
  r.by_severity[3] = 1;
  r.by_severity[2] = nfindings > 1;
  return r;
}

static int record(const char *path, const ar_hist_record *r)
{
  capture c;
  cap_open(&c);
  int err = ar_history_record(path, r, &c.dg);
  if (err != 0) print_message("record: %s", cap_text(&c));
  cap_close(&c);
  return err;
}

/* ---- ar_history_family ----------------------------------------------------------------- */

static void test_family_table(void **state)
{
  static const struct {
    const char *rule, *want;
  } rows[] = {
      {"AR101", "missing-field"},
      {"AR103", "missing-field"},
      {"AR105", "missing-field"},
      {"AR201", "missing-enum-member"},
      {"AR202", "enum-type-mismatch"},
      {"AR203", "value-not-in-enum"},
      {"AR204", "value-too-long"},
      {"AR205", "null-to-non-nullable"},
      {"missing-field", "missing-field"},
      {"null-to-non-nullable", "null-to-non-nullable"},
      {"AR100", NULL},
      {"AR106", NULL},
      {"AR206", NULL},
      {"ar101", NULL},
      {"AR1011", NULL},
      {"", NULL},
      {"missing", NULL},
  };
  (void)state;
  for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
    const char *got = ar_history_family(rows[i].rule);
    if (rows[i].want)
      assert_string_equal(got, rows[i].want);
    else
      assert_null(got);
  }
  assert_null(ar_history_family(NULL));
  char family[] = "missing-field"; /* static storage, not the argument */
  assert_ptr_not_equal(ar_history_family(family), family);
}

/* ---- loading --------------------------------------------------------------------------- */

static const char own_format[] =
    "{\n"
    "  \"schema\": \"alignrisk-history/1\",\n"
    "  \"checkpoints\": [\n"
    "    {\"checkpoint\": \"week-4\", \"date\": \"2025-11-11\",\n"
    "     \"totals\": {\"findings\": 1, \"critical\": 1, \"high\": 0, \"medium\": 0, \"low\": 0,"
    " \"risk\": 120.0},\n"
    "     \"pairs\": [{\"model\": \"OrganizationMember\", \"service\": \"app/services/rbac.py\","
    " \"risk\": 1.0}],\n"
    "     \"findings\": [{\"rule\": \"AR103\", \"pattern\": \"missing-field:status\","
    " \"model\": \"OrganizationMember\", \"field\": \"status\","
    " \"service\": \"app/services/rbac.py\", \"severity\": \"critical\","
    " \"fingerprint\": \"abc\"}]},\n"
    "    {\"checkpoint\": \"week-5\", \"date\": \"2025-11-18\", \"totals\": {\"risk\": 7.5},\n"
    "     \"findings\": [{\"rule\": \"AR101\", \"pattern\": \"missing-field:status\","
    " \"model\": \"ComplianceControl\", \"field\": \"status\"},\n"
    "                  {\"rule\": \"AR203\", \"pattern\": \"value-not-in-enum:DONE\","
    " \"model\": \"TaskStatus\", \"field\": \"DONE\"}]}\n"
    "  ]\n"
    "}\n";

static void test_load_own_format(void **state)
{
  capture c;
  ar_history *h = NULL;
  (void)state;
  cap_open(&c);
  assert_int_equal(load_str(&h, own_format, &c), 0);
  assert_string_equal(cap_text(&c), "");
  assert_int_equal(h->ncheckpoints, 2);
  assert_int_equal(h->nentries, 3);

  const ar_hist_checkpoint *w4 = &h->checkpoints[0], *w5 = &h->checkpoints[1];
  assert_string_equal(w4->name, "week-4");
  assert_string_equal(w4->date, "2025-11-11");
  assert_true(w4->total_risk == 120.0);
  assert_int_equal(w4->first, 0);
  assert_int_equal(w4->count, 1);
  assert_string_equal(w5->name, "week-5");
  assert_true(w5->total_risk == 7.5);
  assert_int_equal(w5->first, 1);
  assert_int_equal(w5->count, 2);

  const ar_hist_entry *e = &h->entries[0];
  assert_string_equal(e->checkpoint, "week-4"); /* inherited */
  assert_string_equal(e->rule, "AR103");
  assert_string_equal(e->pattern, "missing-field:status");
  assert_string_equal(e->model, "OrganizationMember");
  assert_string_equal(e->field, "status");
  assert_string_equal(e->service, "app/services/rbac.py");
  assert_string_equal(e->severity, "critical");
  assert_string_equal(e->fingerprint, "abc");
  assert_string_equal(h->entries[2].checkpoint, "week-5");
  assert_string_equal(h->entries[2].pattern, "value-not-in-enum:DONE");
  assert_null(h->entries[2].service);
  assert_null(h->entries[2].severity);
  assert_null(h->entries[2].fingerprint);
  ar_history_free(h);
  cap_close(&c);
}

static void test_load_handwritten(void **state)
{
  static const char json[] =
      "{\"checkpoints\": [\n"
      " {\"checkpoint\": \"audit-1\", \"findings\": [\n"
      "   {\"rule\": \"AR103\", \"model\": \"OrganizationMember\", \"field\": \"status\"},\n"
      "   {\"pattern\": \"missing-enum-member:COMPLIANT\", \"model\": \"ControlStatus\","
      " \"field\": \"COMPLIANT\"},\n"
      "   {\"rule\": \"missing-field\", \"model\": \"ComplianceControl\", \"field\": \"owner\"},\n"
      "   {\"rule\": \"AR999\", \"pattern\": \"custom:x\", \"model\": \"M\", \"field\": \"x\"},\n"
      "   {\"checkpoint\": \"other\", \"rule\": \"AR204\", \"model\": \"A\", \"field\": \"b\","
      " \"service\": null}\n"
      " ]},\n"
      " {\"name\": \"audit-2\", \"findings\": []}\n"
      "]}";
  capture c;
  ar_history *h = NULL;
  (void)state;
  cap_open(&c);
  assert_int_equal(load_str(&h, json, &c), 0);
  assert_int_equal(h->ncheckpoints, 2);
  assert_int_equal(h->nentries, 5);
  assert_string_equal(h->checkpoints[0].name, "audit-1");
  assert_null(h->checkpoints[0].date);
  assert_true(h->checkpoints[0].total_risk == 0.0);
  assert_string_equal(h->checkpoints[1].name, "audit-2"); /* "name" for "checkpoint" */
  assert_int_equal(h->checkpoints[1].first, 5);
  assert_int_equal(h->checkpoints[1].count, 0);

  const ar_hist_entry *e = h->entries;
  assert_string_equal(e[0].rule, "AR103");
  assert_string_equal(e[0].pattern, "missing-field:status"); /* derived from rule + field */
  assert_string_equal(e[0].checkpoint, "audit-1");
  assert_null(e[0].service);
  assert_null(e[1].rule); /* pattern alone */
  assert_string_equal(e[1].pattern, "missing-enum-member:COMPLIANT");
  assert_null(e[2].rule); /* a family is not a rule code */
  assert_string_equal(e[2].pattern, "missing-field:owner");
  assert_string_equal(e[3].rule, "AR999"); /* unknown rule kept when a pattern is given */
  assert_string_equal(e[3].pattern, "custom:x");
  assert_string_equal(e[4].checkpoint, "other");
  assert_string_equal(e[4].pattern, "value-too-long:b");
  assert_null(e[4].service); /* null reads as absent */
  ar_history_free(h);
  cap_close(&c);
}

static void test_load_bare_array(void **state)
{
  static const char json[] =
      "[{\"checkpoint\": \"a\", \"findings\": [{\"rule\": \"AR201\", \"model\": \"E\","
      " \"field\": \"X\"}]},\n"
      " {\"checkpoint\": \"b\", \"date\": \"2025-01-02\", \"findings\": []}]";
  capture c;
  ar_history *h = NULL;
  (void)state;
  cap_open(&c);
  assert_int_equal(load_str(&h, json, &c), 0);
  assert_int_equal(h->ncheckpoints, 2);
  assert_int_equal(h->nentries, 1);
  assert_string_equal(h->entries[0].pattern, "missing-enum-member:X");
  assert_string_equal(h->checkpoints[1].date, "2025-01-02");
  ar_history_free(h);

  assert_int_equal(load_str(&h, " [ ] ", &c), 0);
  assert_int_equal(h->ncheckpoints, 0);
  assert_int_equal(h->nentries, 0);
  ar_history_free(h);
  assert_int_equal(load_str(&h, "{\"checkpoints\": []}", &c), 0);
  assert_int_equal(h->ncheckpoints, 0);
  ar_history_free(h);
  assert_string_equal(cap_text(&c), "");
  cap_close(&c);
}

static void test_load_missing_file(void **state)
{
  char path[512];
  capture c;
  ar_history *h = NULL;
  join(*state, "none/history.json", path, sizeof path);
  cap_open(&c);
  assert_int_equal(ar_history_load(&h, path, false, &c.dg), 0);
  assert_non_null(h);
  assert_int_equal(h->ncheckpoints, 0);
  assert_int_equal(h->nentries, 0);
  ar_history_free(h);
  assert_string_equal(cap_text(&c), "");

  join(*state, "history.json", path, sizeof path);
  h = (ar_history *)1;
  assert_int_equal(ar_history_load(&h, path, true, &c.dg), AR_ENOTFOUND);
  assert_null(h);
  assert_contains(cap_text(&c), path);
  assert_contains(cap_text(&c), ": error: cannot open: No such file");
  assert_int_equal(c.dg.errors, 1);
  cap_close(&c);
}

static void test_load_from_file(void **state)
{
  char path[512];
  ar_history *h;
  join(*state, "history.json", path, sizeof path);
  write_text(path, own_format);
  h = load_ok(path);
  assert_int_equal(h->ncheckpoints, 2);
  assert_int_equal(h->nentries, 3);
  ar_history_free(h);
}

static void test_load_syntax_errors(void **state)
{
  static const struct {
    const char *json, *want;
  } rows[] = {
      {"{\n  \"checkpoints\": [\n    {\"checkpoint\": \"a\" \"findings\": []}\n  ]\n}",
       "h.json:3:24: error: invalid JSON: expected ',' or '}', found '\"'"},
      {"{\n \"checkpoints\": [\n",
       "h.json:3:1: error: invalid JSON: expected a value or ']', found end of file"},
      {"{\n \"checkpoints\": [{\"checkpoint\": \"a\", \"findings\": []}\n",
       "h.json:3:1: error: invalid JSON: expected ',' or ']', found end of file"},
      {"[\n 1,\n]", "h.json:3:1: error: invalid JSON: expected a value, found ']'"},
      {"{\"a\": 1,\n}", "h.json:2:1: error: invalid JSON: expected a string key, found '}'"},
      {"{\"checkpoints\": tru}", "h.json:1:17: error: invalid JSON: expected a value, found 'tru'"},
      {"[\n\n  \"abc", "h.json:3:3: error: invalid JSON: unterminated string"},
      {"[\"a\\q\"]", "h.json:1:4: error: invalid JSON: invalid escape"},
      {"[1, \"a\\u00\"]", "h.json:1:7: error: invalid JSON: invalid \\u escape"},
      /* cJSON rejects a lone surrogate; the scanner does not check them: its offset. */
      {"[1, \"\\uDC00\"]", "h.json:1:6: error: invalid JSON near '\\'"},
      {"[-]", "h.json:1:2: error: invalid JSON: invalid number"},
      {"[]\n\nx", "h.json:3:1: error: invalid JSON: expected end of file, found 'x'"},
      {"{} {}", "h.json:1:4: error: invalid JSON: expected end of file, found '{'"},
      {"", "h.json:1:1: error: invalid JSON: expected a value, found end of file"},
      {"  \n ", "h.json:2:2: error: invalid JSON: expected a value, found end of file"},
      {"{a:1}", "h.json:1:2: error: invalid JSON: expected a string key or '}', found 'a'"},
      {"{\"a\" 1}", "h.json:1:6: error: invalid JSON: expected ':', found '1'"},
      {"[1 2]", "h.json:1:4: error: invalid JSON: expected ',' or ']', found '2'"},
      {"[1}", "h.json:1:3: error: invalid JSON: expected ',' or ']', found '}'"},
      {"[\xff]", "h.json:1:2: error: invalid JSON: expected a value or ']', found byte 0xff"},
      {"[\x01\n\x01 x]", "h.json:2:3: error: invalid JSON: expected a value or ']', found 'x'"},
  };
  capture c;
  (void)state;
  for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
    ar_history *h = (ar_history *)1;
    cap_open(&c);
    if (load_str(&h, rows[i].json, &c) != AR_EPARSE) fail_msg("row %zu loaded", i);
    assert_null(h);
    assert_contains(cap_text(&c), rows[i].want);
    assert_int_equal(c.dg.errors, 1);
    cap_close(&c);
  }
}

static void test_load_too_deep(void **state)
{
  size_t n = 1001;
  char *json = malloc(2 * n + 1);
  capture c;
  ar_history *h = NULL;
  (void)state;
  memset(json, '[', n);
  memset(json + n, ']', n);
  json[2 * n] = '\0';
  cap_open(&c);
  assert_int_equal(load_str(&h, json, &c), AR_EPARSE);
  assert_contains(cap_text(&c), "h.json:1:1001: error: invalid JSON: nested deeper than 1000");
  cap_close(&c);
  free(json);
}

static void test_load_wrong_shapes(void **state)
{
  static const struct {
    const char *json, *want;
  } rows[] = {
      {"42", "h.json: error: expected an object with a \"checkpoints\" array, or an array of"},
      {"\"x\"", "h.json: error: expected an object with a \"checkpoints\" array"},
      {"{\"checkpoints\": {}}", "h.json: error: expected an array \"checkpoints\""},
      {"{\"schema\": \"alignrisk-history/1\"}", "h.json: error: expected an array \"checkpoints\""},
      {"{\"schema\": 1, \"checkpoints\": []}", "h.json: error: expected a string \"schema\""},
      {"{\"checkpoints\": [1]}", "h.json: error: checkpoints[0]: expected a checkpoint object"},
      {"{\"checkpoints\": [{\"findings\": []}]}",
       "h.json: error: checkpoints[0]: expected a string \"checkpoint\" (or \"name\")"},
      {"{\"checkpoints\": [{\"checkpoint\": 3, \"findings\": []}]}",
       "checkpoints[0]: expected a string \"checkpoint\""},
      {"{\"checkpoints\": [{\"checkpoint\": \"a\"}]}",
       "h.json: error: checkpoints[0]: expected an array \"findings\""},
      {"{\"checkpoints\": [{\"checkpoint\": \"a\", \"findings\": {}}]}",
       "checkpoints[0]: expected an array \"findings\""},
      {"{\"checkpoints\": [{\"checkpoint\": \"a\", \"date\": 20250101, \"findings\": []}]}",
       "checkpoints[0]: expected a string \"date\""},
      {"{\"checkpoints\": [{\"checkpoint\": \"a\", \"totals\": [], \"findings\": []}]}",
       "checkpoints[0]: expected an object \"totals\""},
      {"{\"checkpoints\": [{\"checkpoint\": \"a\", \"totals\": {\"risk\": \"9\"},"
       " \"findings\": []}]}",
       "checkpoints[0]: expected a finite number >= 0 \"totals\".\"risk\""},
      /* infinite (1e999 parses as inf) or negative: the table's scaling needs finite >= 0 */
      {"{\"checkpoints\": [{\"checkpoint\": \"a\", \"totals\": {\"risk\": 1e999},"
       " \"findings\": []}]}",
       "checkpoints[0]: expected a finite number >= 0 \"totals\".\"risk\""},
      {"{\"checkpoints\": [{\"checkpoint\": \"a\", \"totals\": {\"risk\": -1},"
       " \"findings\": []}]}",
       "checkpoints[0]: expected a finite number >= 0 \"totals\".\"risk\""},
      {"{\"checkpoints\": [{\"checkpoint\": \"a\", \"findings\": [\"AR101\"]}]}",
       "h.json: error: checkpoints[0].findings[0]: expected a finding object"},
      {"[{\"checkpoint\": \"a\", \"findings\": []}, {\"checkpoint\": \"b\", \"findings\":"
       " [{\"rule\": \"AR101\", \"model\": \"M\", \"field\": \"x\"}, {\"rule\": \"AR101\","
       " \"field\": \"x\"}]}]",
       "h.json: error: [1].findings[1]: expected a string \"model\""},
      {"[{\"checkpoint\": \"a\", \"findings\": [{\"rule\": \"AR101\", \"model\": \"M\"}]}]",
       "[0].findings[0]: expected a string \"field\""},
      {"[{\"checkpoint\": \"a\", \"findings\": [{\"rule\": \"AR101\", \"model\": 1,"
       " \"field\": \"x\"}]}]",
       "[0].findings[0]: expected a string \"model\""},
      {"[{\"checkpoint\": \"a\", \"findings\": [{\"model\": \"M\", \"field\": \"x\"}]}]",
       "[0].findings[0]: expected a string \"rule\" or \"pattern\""},
      {"[{\"checkpoint\": \"a\", \"findings\": [{\"rule\": \"AR999\", \"model\": \"M\","
       " \"field\": \"x\"}]}]",
       "[0].findings[0]: unknown rule \"AR999\""},
      {"[{\"checkpoint\": \"a\", \"findings\": [{\"rule\": \"AR101\", \"model\": \"M\","
       " \"field\": \"x\", \"severity\": 3}]}]",
       "[0].findings[0]: expected a string \"severity\""},
      {"[{\"checkpoint\": \"a\", \"findings\": [{\"checkpoint\": [], \"rule\": \"AR101\","
       " \"model\": \"M\", \"field\": \"x\"}]}]",
       "[0].findings[0]: expected a string \"checkpoint\""},
  };
  capture c;
  (void)state;
  for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
    ar_history *h = (ar_history *)1;
    cap_open(&c);
    if (load_str(&h, rows[i].json, &c) != AR_EPARSE) fail_msg("row %zu loaded", i);
    assert_null(h);
    assert_contains(cap_text(&c), rows[i].want);
    assert_int_equal(c.dg.errors, 1);
    cap_close(&c);
  }
}

static void test_load_other_schema(void **state)
{
  capture c;
  ar_history *h = NULL;
  (void)state;
  cap_open(&c);
  assert_int_equal(load_str(&h, "{\"schema\": \"alignrisk-history/2\", \"checkpoints\": []}", &c),
                   AR_EVERSION);
  assert_null(h);
  assert_contains(cap_text(&c), "h.json: error: unsupported history schema "
                                "\"alignrisk-history/2\"");
  cap_close(&c);
}

static void test_load_too_big(void **state)
{
  char path[512];
  capture c;
  ar_history *h = (ar_history *)1;
  join(*state, "big.json", path, sizeof path);
  int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
  assert_true(fd >= 0);
  assert_int_equal(ftruncate(fd, (off_t)65 << 20), 0); /* sparse: costs no disk */
  close(fd);
  cap_open(&c);
  assert_int_equal(ar_history_load(&h, path, true, &c.dg), AR_ELIMIT);
  assert_null(h);
  assert_contains(cap_text(&c), "larger than 64 MiB");
  cap_close(&c);
}

/* ---- recording ------------------------------------------------------------------------- */

static void test_record_new_file(void **state)
{
  char path[512], sub[512];
  ar_hist_record r = sample_record("week-4", 2);
  struct stat st;
  mode_t old_mask = umask(022);

  join(*state, "sub/deeper/history.json", path, sizeof path);
  assert_int_equal(record(path, &r), 0);
  umask(old_mask);
  assert_int_equal(stat(path, &st), 0);
  assert_int_equal(st.st_mode & 07777, 0644);
  join(*state, "sub/deeper/history.json.lock", sub, sizeof sub);
  assert_int_equal(access(sub, F_OK), 0);
  join(*state, "sub/deeper", sub, sizeof sub);
  assert_int_equal(count_temp_files(sub), 0);

  char *text = slurp(path);
  assert_non_null(text);
  /* Two-space indents and ": ", not cJSON's tabs: the file is read in diffs. */
  assert_true(strncmp(text, "{\n  \"schema\": \"alignrisk-history/1\"", 35) == 0);
  assert_null(strchr(text, '\t'));
  assert_true(text[strlen(text) - 1] == '\n');
  free(text);

  ar_history *h = load_ok(path);
  assert_int_equal(h->ncheckpoints, 1);
  assert_int_equal(h->nentries, 2);
  assert_string_equal(h->checkpoints[0].name, "week-4");
  assert_string_equal(h->checkpoints[0].date, "2025-11-11");
  assert_true(h->checkpoints[0].total_risk == 120.0);
  const ar_hist_entry *e = h->entries;
  assert_string_equal(e[0].checkpoint, "week-4");
  assert_string_equal(e[0].rule, "AR103");
  assert_string_equal(e[0].pattern, "missing-field:status"); /* derived when written */
  assert_string_equal(e[0].model, "OrganizationMember");
  assert_string_equal(e[0].field, "status");
  assert_string_equal(e[0].service, "app/services/rbac.py");
  assert_string_equal(e[0].severity, "critical");
  assert_string_equal(e[0].fingerprint, "fp1");
  assert_string_equal(e[1].pattern, "missing-enum-member:COMPLIANT");
  assert_null(e[1].service);
  ar_history_free(h);
}

static void test_record_totals_and_pairs(void **state)
{
  char path[512];
  ar_hist_record r = sample_record("week-4", 2);
  join(*state, "history.json", path, sizeof path);
  assert_int_equal(record(path, &r), 0);

  char *text = slurp(path);
  cJSON *doc = cJSON_Parse(text);
  assert_non_null(doc);
  cJSON *cp = cJSON_GetArrayItem(cJSON_GetObjectItem(doc, "checkpoints"), 0);
  cJSON *totals = cJSON_GetObjectItem(cp, "totals");
  assert_true(cJSON_GetNumberValue(cJSON_GetObjectItem(totals, "findings")) == 2);
  assert_true(cJSON_GetNumberValue(cJSON_GetObjectItem(totals, "critical")) == 1);
  assert_true(cJSON_GetNumberValue(cJSON_GetObjectItem(totals, "high")) == 1);
  assert_true(cJSON_GetNumberValue(cJSON_GetObjectItem(totals, "medium")) == 0);
  assert_true(cJSON_GetNumberValue(cJSON_GetObjectItem(totals, "low")) == 0);
  assert_true(cJSON_GetNumberValue(cJSON_GetObjectItem(totals, "risk")) == 120.0);
  cJSON *pair = cJSON_GetArrayItem(cJSON_GetObjectItem(cp, "pairs"), 0);
  assert_string_equal(cJSON_GetStringValue(cJSON_GetObjectItem(pair, "model")),
                      "OrganizationMember");
  assert_string_equal(cJSON_GetStringValue(cJSON_GetObjectItem(pair, "service")),
                      "app/services/rbac.py");
  assert_true(cJSON_GetNumberValue(cJSON_GetObjectItem(pair, "risk")) == 120.0);
  /* Findings carry no "checkpoint" key of their own: they inherit it. */
  cJSON *f = cJSON_GetArrayItem(cJSON_GetObjectItem(cp, "findings"), 0);
  assert_null(cJSON_GetObjectItem(f, "checkpoint"));
  cJSON_Delete(doc);
  free(text);

  /* A risk that is not a number is written as null, which loads as 0. */
  r = sample_record("week-5", 0);
  r.total_risk = NAN;
  assert_int_equal(record(path, &r), 0);
  ar_history *h = load_ok(path);
  assert_int_equal(h->ncheckpoints, 2);
  assert_true(h->checkpoints[1].total_risk == 0.0);
  ar_history_free(h);
}

static void test_record_two_names(void **state)
{
  char path[512];
  ar_hist_record r1 = sample_record("week-1", 1), r2 = sample_record("week-2", 2);
  join(*state, "history.json", path, sizeof path);
  assert_int_equal(record(path, &r1), 0);
  assert_int_equal(record(path, &r2), 0);
  ar_history *h = load_ok(path);
  assert_int_equal(h->ncheckpoints, 2);
  assert_string_equal(h->checkpoints[0].name, "week-1");
  assert_string_equal(h->checkpoints[1].name, "week-2");
  assert_int_equal(h->checkpoints[0].count, 1);
  assert_int_equal(h->checkpoints[1].first, 1);
  assert_int_equal(h->checkpoints[1].count, 2);
  assert_int_equal(h->nentries, 3);
  ar_history_free(h);
}

static void test_record_same_name_replaces(void **state)
{
  char path[512];
  ar_hist_record r1 = sample_record("week-1", 1), r2 = sample_record("week-2", 1);
  join(*state, "history.json", path, sizeof path);
  assert_int_equal(record(path, &r1), 0);
  assert_int_equal(record(path, &r2), 0);
  r1 = sample_record("week-1", 2);
  r1.date = "2025-12-01";
  assert_int_equal(record(path, &r1), 0);

  ar_history *h = load_ok(path);
  assert_int_equal(h->ncheckpoints, 2);
  assert_string_equal(h->checkpoints[0].name, "week-1"); /* kept its place */
  assert_string_equal(h->checkpoints[0].date, "2025-12-01");
  assert_int_equal(h->checkpoints[0].count, 2);
  assert_string_equal(h->checkpoints[1].name, "week-2");
  assert_int_equal(h->nentries, 3);
  ar_history_free(h);
}

static void test_record_replaces_handwritten_namesakes(void **state)
{
  static const char before[] =
      "[{\"name\": \"audit\", \"reviewer\": \"ana\", \"findings\": []},\n"
      " {\"checkpoint\": \"week-2\", \"findings\": []},\n"
      " {\"checkpoint\": \"audit\", \"findings\": []}]\n";
  char path[512];
  ar_hist_record r = sample_record("audit", 1);
  join(*state, "history.json", path, sizeof path);
  write_text(path, before);
  assert_int_equal(record(path, &r), 0);

  ar_history *h = load_ok(path);
  assert_int_equal(h->ncheckpoints, 2);
  assert_string_equal(h->checkpoints[0].name, "audit");
  assert_int_equal(h->checkpoints[0].count, 1);
  assert_string_equal(h->checkpoints[1].name, "week-2");
  ar_history_free(h);
  char *text = slurp(path);
  assert_contains(text, "\"reviewer\": \"ana\""); /* a note on the replaced checkpoint */
  free(text);
}

static void test_record_keeps_unknown_keys(void **state)
{
  static const char before[] =
      "{\"schema\": \"alignrisk-history/1\", \"project\": \"demo\",\n"
      " \"checkpoints\": [\n"
      "  {\"checkpoint\": \"w1\", \"reviewer\": \"ana\", \"totals\": {\"risk\": 3, \"x\": 1},\n"
      "   \"findings\": [{\"rule\": \"AR103\", \"model\": \"M\", \"field\": \"f\","
      " \"ticket\": \"SEC-12\"}]}],\n"
      " \"extra\": {\"nested\": [1, 2, {\"deep\": true}]}}\n";
  char path[512];
  ar_hist_record r = sample_record("w2", 1);
  join(*state, "history.json", path, sizeof path);
  write_text(path, before);
  assert_int_equal(record(path, &r), 0);

  char *text = slurp(path);
  cJSON *doc = cJSON_Parse(text);
  assert_non_null(doc);
  static const char *const order[] = {"schema", "project", "checkpoints", "extra"};
  size_t i = 0;
  for (cJSON *kv = doc->child; kv; kv = kv->next, i++) {
    assert_true(i < 4);
    assert_string_equal(kv->string, order[i]);
  }
  assert_int_equal(i, 4);
  assert_string_equal(cJSON_GetStringValue(cJSON_GetObjectItem(doc, "project")), "demo");
  cJSON *nested = cJSON_GetObjectItem(cJSON_GetObjectItem(doc, "extra"), "nested");
  assert_int_equal(cJSON_GetArraySize(nested), 3);
  assert_true(cJSON_IsTrue(cJSON_GetObjectItem(cJSON_GetArrayItem(nested, 2), "deep")));
  cJSON *cps = cJSON_GetObjectItem(doc, "checkpoints");
  assert_int_equal(cJSON_GetArraySize(cps), 2);
  cJSON *w1 = cJSON_GetArrayItem(cps, 0);
  assert_string_equal(cJSON_GetStringValue(cJSON_GetObjectItem(w1, "reviewer")), "ana");
  assert_true(cJSON_GetNumberValue(cJSON_GetObjectItem(cJSON_GetObjectItem(w1, "totals"), "x"))
              == 1);
  cJSON *f = cJSON_GetArrayItem(cJSON_GetObjectItem(w1, "findings"), 0);
  assert_string_equal(cJSON_GetStringValue(cJSON_GetObjectItem(f, "ticket")), "SEC-12");
  assert_null(cJSON_GetObjectItem(f, "pattern")); /* nothing added to old entries */
  cJSON_Delete(doc);
  free(text);
}

static void test_record_gives_own_shape(void **state)
{
  static const struct {
    const char *before;
    const char *keys[4];
  } rows[] = {
      {"[{\"checkpoint\": \"w1\", \"findings\": []}]", {"schema", "checkpoints", NULL}},
      {"{\"note\": \"x\", \"checkpoints\": [], \"tail\": 1}",
       {"schema", "note", "checkpoints", "tail"}},
      {"{\"note\": \"x\", \"schema\": null, \"checkpoints\": []}",
       {"schema", "note", "checkpoints", NULL}},
  };
  char path[512];
  ar_hist_record r = sample_record("w2", 1);
  join(*state, "history.json", path, sizeof path);
  for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
    write_text(path, rows[i].before);
    assert_int_equal(record(path, &r), 0);
    char *text = slurp(path);
    cJSON *doc = cJSON_Parse(text);
    assert_true(cJSON_IsObject(doc));
    size_t k = 0;
    for (cJSON *kv = doc->child; kv; kv = kv->next, k++) {
      assert_true(k < 4 && rows[i].keys[k]);
      assert_string_equal(kv->string, rows[i].keys[k]);
    }
    assert_true(k == 4 || rows[i].keys[k] == NULL);
    assert_string_equal(cJSON_GetStringValue(cJSON_GetObjectItem(doc, "schema")),
                        "alignrisk-history/1");
    cJSON_Delete(doc);
    free(text);
  }
}

static void test_record_refuses_bad_file(void **state)
{
  static const struct {
    const char *before, *want;
    int code;
  } rows[] = {
      {"{\"checkpoints\": [\n  {\"checkpoint\": \"w1\",\n", ":3:1: error: invalid JSON",
       AR_EPARSE},
      {"{\"checkpoints\": [{\"checkpoint\": \"a\", \"findings\": [{\"rule\": \"AR101\"}]}]}",
       ": error: checkpoints[0].findings[0]: expected a string \"model\"", AR_EPARSE},
      {"{\"checkpoints\": 1}", ": error: expected an array \"checkpoints\"", AR_EPARSE},
      {"", ":1:1: error: invalid JSON: expected a value, found end of file", AR_EPARSE},
      {"{\"schema\": \"alignrisk-history/9\", \"checkpoints\": []}",
       ": error: unsupported history schema", AR_EVERSION},
  };
  char path[512];
  ar_hist_record r = sample_record("w2", 1);
  join(*state, "history.json", path, sizeof path);
  for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
    capture c;
    write_text(path, rows[i].before);
    cap_open(&c);
    assert_int_equal(ar_history_record(path, &r, &c.dg), rows[i].code);
    assert_contains(cap_text(&c), path);
    assert_contains(cap_text(&c), rows[i].want);
    cap_close(&c);
    char *after = slurp(path);
    assert_string_equal(after, rows[i].before); /* byte for byte */
    free(after);
    assert_int_equal(count_temp_files(*state), 0);
  }
}

static void test_record_bad_folder(void **state)
{
  char file[512], path[512];
  capture c;
  ar_hist_record r = sample_record("w1", 1);

  join(*state, "file", file, sizeof file);
  write_text(file, "not a folder");
  join(*state, "file/sub/history.json", path, sizeof path);
  cap_open(&c);
  assert_int_equal(ar_history_record(path, &r, &c.dg), AR_ERROR);
  assert_contains(cap_text(&c), "cannot create folder");
  assert_contains(cap_text(&c), "Not a directory");
  cap_close(&c);
  char *text = slurp(file);
  assert_string_equal(text, "not a folder");
  free(text);

  /* The history path names a folder: reading it fails, and nothing is replaced. */
  join(*state, "adir", path, sizeof path);
  assert_int_equal(mkdir(path, 0755), 0);
  cap_open(&c);
  assert_int_equal(ar_history_record(path, &r, &c.dg), AR_ERROR);
  assert_contains(cap_text(&c), "Is a directory");
  cap_close(&c);
  struct stat st;
  assert_int_equal(stat(path, &st), 0);
  assert_true(S_ISDIR(st.st_mode));
  assert_int_equal(count_temp_files(*state), 0);
}

/* Several processes record at once; the lock and the re-read under it keep every one. */
static void test_record_concurrent(void **state)
{
  enum { KIDS = 4, EACH = 5 };
  char path[512];
  pid_t pids[KIDS];
  join(*state, "history.json", path, sizeof path);

  for (int k = 0; k < KIDS; k++) {
    pids[k] = fork();
    assert_true(pids[k] >= 0);
    if (pids[k] == 0) {
      ar_diag dg;
      int bad = 0;
      ar_diag_init(&dg, stderr);
      for (int j = 0; j < EACH; j++) {
        char name[32];
        snprintf(name, sizeof name, "c%d-%d", k, j);
        ar_hist_record r = sample_record(name, 2);
        bad |= ar_history_record(path, &r, &dg) != 0;
      }
      _exit(bad);
    }
  }
  for (int k = 0; k < KIDS; k++) {
    int status;
    assert_int_equal(waitpid(pids[k], &status, 0), pids[k]);
    assert_true(WIFEXITED(status));
    assert_int_equal(WEXITSTATUS(status), 0);
  }

  ar_history *h = load_ok(path);
  assert_int_equal(h->ncheckpoints, KIDS * EACH);
  assert_int_equal(h->nentries, KIDS * EACH * 2);
  for (int k = 0; k < KIDS; k++) {
    size_t last = 0; /* each child's checkpoints appear once, in its order */
    for (int j = 0; j < EACH; j++) {
      char name[32];
      size_t found = 0, at = 0;
      snprintf(name, sizeof name, "c%d-%d", k, j);
      for (size_t i = 0; i < h->ncheckpoints; i++)
        if (strcmp(h->checkpoints[i].name, name) == 0) found++, at = i + 1;
      assert_int_equal(found, 1);
      assert_true(at > last);
      last = at;
    }
  }
  ar_history_free(h);
  assert_int_equal(count_temp_files(*state), 0);
}

/* A write that fails half-way (here: the file size limit, as a full disk would) leaves
 * the previous history byte for byte, and no temp file. Runs in a child so the limit
 * does not outlive the test. */
static void test_record_failed_write_keeps_old(void **state)
{
  char path[512];
  ar_hist_record r1 = sample_record("week-1", 2), r2 = sample_record("week-2", 2);
  join(*state, "history.json", path, sizeof path);
  assert_int_equal(record(path, &r1), 0);
  char *before = slurp(path);
  assert_non_null(before);

  pid_t pid = fork();
  assert_true(pid >= 0);
  if (pid == 0) {
    struct rlimit lim = {64, 64};
    capture c;
    int ok;
    signal(SIGXFSZ, SIG_IGN); /* write() then fails with EFBIG instead of killing us */
    if (setrlimit(RLIMIT_FSIZE, &lim) != 0) _exit(2);
    c.text = NULL;
    c.len = 0;
    c.f = open_memstream(&c.text, &c.len);
    ar_diag_init(&c.dg, c.f);
    ok = ar_history_record(path, &r2, &c.dg) == AR_ERROR;
    fflush(c.f);
    ok = ok && c.text && strstr(c.text, "cannot write") && strstr(c.text, ".tmp.") &&
         strstr(c.text, "File too large");
    if (!ok) fprintf(stderr, "child: %s\n", c.text ? c.text : "(no message)");
    _exit(ok ? 0 : 1);
  }
  int status;
  assert_int_equal(waitpid(pid, &status, 0), pid);
  assert_true(WIFEXITED(status));
  assert_int_equal(WEXITSTATUS(status), 0);

  char *after = slurp(path);
  assert_string_equal(after, before);
  free(after);
  free(before);
  assert_int_equal(count_temp_files(*state), 0);
  ar_history *h = load_ok(path);
  assert_int_equal(h->ncheckpoints, 1);
  ar_history_free(h);
}

/* A flat list of hand-written entries, each naming its checkpoint, mixed with checkpoints:
 * entries are grouped under their checkpoint, which takes the place where its name first
 * appears; a checkpoint of the same name gets the flat entries after its own findings. */
static void test_load_flat_entries(void **state)
{
  static const char json[] =
      "[{\"checkpoint\": \"audit-1\", \"date\": \"2025-09-01\", \"rule\": \"AR103\", \"model\": \"M\","
      " \"field\": \"status\"},\n"
      " {\"checkpoint\": \"audit-2\", \"pattern\": \"missing-enum-member:X\", \"model\": \"E\", \"field\": \"X\"},\n"
      " {\"checkpoint\": \"audit-1\", \"rule\": \"AR101\", \"model\": \"N\", \"field\": \"flag\"},\n"
      " {\"checkpoint\": \"week-3\", \"findings\": [{\"rule\": \"AR201\", \"model\": \"E\", \"field\": \"Y\"}]},\n"
      " {\"checkpoint\": \"week-3\", \"rule\": \"AR204\", \"model\": \"U\", \"field\": \"country\"}]";
  capture c;
  ar_history *h = NULL;
  (void)state;
  cap_open(&c);
  assert_int_equal(load_str(&h, json, &c), 0);
  assert_string_equal(cap_text(&c), "");
  assert_int_equal(h->ncheckpoints, 3);
  assert_int_equal(h->nentries, 5);
  const ar_hist_checkpoint *a1 = &h->checkpoints[0], *a2 = &h->checkpoints[1], *w3 = &h->checkpoints[2];
  assert_string_equal(a1->name, "audit-1");
  assert_string_equal(a1->date, "2025-09-01");
  assert_int_equal(a1->first, 0);
  assert_int_equal(a1->count, 2);
  assert_string_equal(h->entries[0].field, "status");
  assert_string_equal(h->entries[1].field, "flag");
  assert_string_equal(a2->name, "audit-2");
  assert_null(a2->date);
  assert_int_equal(a2->first, 2);
  assert_int_equal(a2->count, 1);
  assert_string_equal(h->entries[2].pattern, "missing-enum-member:X");
  assert_string_equal(w3->name, "week-3");
  assert_int_equal(w3->first, 3);
  assert_int_equal(w3->count, 2);
  assert_string_equal(h->entries[3].field, "Y"); /* its own findings first */
  assert_string_equal(h->entries[4].field, "country");
  assert_string_equal(h->entries[4].checkpoint, "week-3");
  ar_history_free(h);

  /* A flat entry must name its checkpoint and still be a whole finding. */
  static const struct {
    const char *json, *want;
  } bad[] = {
      {"[{\"rule\": \"AR101\", \"model\": \"M\", \"field\": \"f\"}]",
       "h.json: error: [0]: expected a string \"checkpoint\" naming the entry's checkpoint\n"},
      {"{\"checkpoints\": [{\"checkpoint\": \"a\", \"model\": \"M\"}]}",
       "h.json: error: checkpoints[0]: expected a string \"field\"\n"},
  };
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    cap_close(&c);
    cap_open(&c);
    h = (ar_history *)1;
    assert_int_equal(load_str(&h, bad[i].json, &c), AR_EPARSE);
    assert_null(h);
    assert_string_equal(cap_text(&c), bad[i].want);
  }
  cap_close(&c);
}

/* Recording over a flat list: the list is kept, the new checkpoint appended; re-recording a
 * name that flat entries carry replaces them without turning their keys into notes. */
static void test_record_over_flat_entries(void **state)
{
  static const char before[] =
      "[{\"checkpoint\": \"audit\", \"rule\": \"AR103\", \"model\": \"M\", \"field\": \"f\"},\n"
      " {\"checkpoint\": \"audit\", \"rule\": \"AR101\", \"model\": \"M\", \"field\": \"g\"}]\n";
  char path[512];
  ar_hist_record r = sample_record("week-5", 1);
  join(*state, "history.json", path, sizeof path);
  write_text(path, before);
  assert_int_equal(record(path, &r), 0);
  ar_history *h = load_ok(path);
  assert_int_equal(h->ncheckpoints, 2);
  assert_string_equal(h->checkpoints[0].name, "audit");
  assert_int_equal(h->checkpoints[0].count, 2);
  assert_string_equal(h->checkpoints[1].name, "week-5");
  ar_history_free(h);

  r = sample_record("audit", 1);
  assert_int_equal(record(path, &r), 0);
  h = load_ok(path);
  assert_int_equal(h->ncheckpoints, 2);
  assert_string_equal(h->checkpoints[0].name, "audit");
  assert_int_equal(h->checkpoints[0].count, 1);
  assert_string_equal(h->entries[0].fingerprint, "fp1");
  ar_history_free(h);
  char *text = slurp(path);
  cJSON *doc = cJSON_Parse(text);
  cJSON *audit = cJSON_GetArrayItem(cJSON_GetObjectItem(doc, "checkpoints"), 0);
  assert_null(cJSON_GetObjectItem(audit, "model")); /* not carried over as a note */
  cJSON_Delete(doc);
  free(text);
}

#define DIR_TEST(f) cmocka_unit_test_setup_teardown(f, setup_dir, teardown_dir)

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_family_table),
      cmocka_unit_test(test_load_own_format),
      cmocka_unit_test(test_load_handwritten),
      cmocka_unit_test(test_load_bare_array),
      cmocka_unit_test(test_load_flat_entries),
      DIR_TEST(test_load_missing_file),
      DIR_TEST(test_load_from_file),
      cmocka_unit_test(test_load_syntax_errors),
      cmocka_unit_test(test_load_too_deep),
      cmocka_unit_test(test_load_wrong_shapes),
      cmocka_unit_test(test_load_other_schema),
      DIR_TEST(test_load_too_big),
      DIR_TEST(test_record_new_file),
      DIR_TEST(test_record_totals_and_pairs),
      DIR_TEST(test_record_two_names),
      DIR_TEST(test_record_same_name_replaces),
      DIR_TEST(test_record_replaces_handwritten_namesakes),
      DIR_TEST(test_record_keeps_unknown_keys),
      DIR_TEST(test_record_over_flat_entries),
      DIR_TEST(test_record_gives_own_shape),
      DIR_TEST(test_record_refuses_bad_file),
      DIR_TEST(test_record_bad_folder),
      DIR_TEST(test_record_concurrent),
      DIR_TEST(test_record_failed_write_keeps_old),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
