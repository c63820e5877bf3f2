/* SPDX-License-Identifier: MIT
 * test_report_formats.c - unit tests of the Markdown, SARIF, GitLab and GitHub renderers over
 * a small hand-built run: escaping, caps, unique fingerprints, level mappings, the GitHub
 * step summary. The run's files and classes are static test data, so run->files stays
 * empty (ar_run_dispose frees only what the run owns). End-to-end output is in the
 * tests/golden/fmt-*.d cases; schema validation in tests/sarif/validate.sh. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../../src/report_int.h"

/* ---- the fixture: one model, one enum, a service with 12 critical findings, a medium and a
 * low one, a test file with one finding outside any pair ---------------------------------- */

typedef struct fixture {
  ar_config cfg;
  ar_run run;
  ar_file models, service, other, testfile;
  ar_class model, enm;
  ar_field model_fields[3], enum_fields[2];
  ar_buf out;
} fixture;

static const char *const attrs[12] = {"status", "closed_at", "closed_by", "resolution", "code", "sla",
                                      "priority", "assignee", "escalated", "reopens", "notified", "notes"};

static void add(fixture *fx, ar_finding fd)
{
  if (!fd.cls) fd.cls = &fx->model;
  if (!fd.model) fd.model = &fx->model;
  if (!fd.file) fd.file = &fx->service;
  if (!fd.pattern) fd.pattern = ar_arena_printf(&fx->run.arena, "missing-field:%s", fd.attr);
  if (!fd.fingerprint) fd.fingerprint = ar_arena_printf(&fx->run.arena, "%016zx", fx->run.findings.len + 1);
  if (!fd.recurrence) fd.recurrence = 1;
  if (!fd.func) fd.func = "close";
  fd.line_hits = 0;
  /* As the score stage would: findings in the service belong to the top pair (index 0 of
   * run.pairs below); the test file's finding is outside services. */
  fd.pair = fd.file == &fx->service ? 0 : -1;
  AR_VEC_PUSH(&fx->run.findings, fd);
}

static int setup(void **state)
{
  fixture *fx = calloc(1, sizeof(*fx));
  ar_config_init(&fx->cfg);
  ar_run_init(&fx->run, &fx->cfg);
  ar_buf_init(&fx->out, AR_MAX_REPORT_BYTES);
  ar_arena *a = &fx->run.arena;
  fx->run.root = ".";
  fx->models.path = "app/models.py";
  fx->service.path = "app/services/odd name,\xc3\xbc.py"; /* space, comma, UTF-8: URI and property escaping */
  fx->other.path = "app/services/reports.py";
  fx->testfile.path = "tests/test_orders.py";

  fx->model_fields[0] = (ar_field){.name = "id", .kind = AR_FIELD_COLUMN, .line = 9, .str_len = -1};
  fx->model_fields[1] = (ar_field){.name = "state", .kind = AR_FIELD_COLUMN, .line = 10, .str_len = 20};
  fx->model_fields[2] = (ar_field){.name = "kind", .kind = AR_FIELD_COLUMN, .line = 11, .enum_type = "OrderState", .str_len = -1};
  fx->model = (ar_class){.name = "Order", .file = &fx->models, .line = 7, .fields = fx->model_fields,
                         .nfields = 3, .kind = AR_KIND_MODEL};
  ar_map_init(&fx->model.all_fields);
  for (int i = 0; i < 3; i++) ar_map_put(&fx->model.all_fields, fx->model_fields[i].name, &fx->model_fields[i]);
  fx->enum_fields[0] = (ar_field){.name = "OPEN", .kind = AR_FIELD_ATTR, .line = 3, .value = "open", .str_len = -1};
  fx->enum_fields[1] = (ar_field){.name = "PAID", .kind = AR_FIELD_ATTR, .line = 4, .value = "paid", .str_len = -1};
  fx->enm = (ar_class){.name = "OrderState", .file = &fx->models, .line = 2, .fields = fx->enum_fields,
                       .nfields = 2, .kind = AR_KIND_ENUM};
  ar_map_init(&fx->enm.all_fields);

  ar_func fn = {.qualname = "close", .start = 5, .end = 30, .statements = 20, .untested = 18};
  AR_VEC_PUSH(&fx->service.funcs, fn);

  for (int i = 0; i < 12; i++)
    add(fx, (ar_finding){.rule = AR_R101, .severity = AR_SEV_CRITICAL, .conf = AR_CONF_LIKELY, .attr = attrs[i],
                         .line = 10 + (uint32_t)i, .col = 5, .weight = 7,
                         .source = ar_arena_printf(a, "order.%s = 1", attrs[i])});
  fx->run.findings.items[0].suggestion = "state";
  fx->run.findings.items[0].recurrence = 2;
  fx->run.findings.items[0].earlier = "week-3: Cart.state | legacy";
  fx->run.findings.items[0].source = "order.status = f\"```{x}```\"  # <b>bold</b> | *x*";
  /* Two references to one missing member in one function: one fingerprint by design. */
  add(fx, (ar_finding){.rule = AR_R201, .severity = AR_SEV_CRITICAL, .conf = AR_CONF_CERTAIN, .cls = &fx->enm,
                       .attr = "VOID", .pattern = "missing-enum-member:VOID", .fingerprint = "00000000000000aa",
                       .line = 25, .col = 20, .weight = 10});
  add(fx, (ar_finding){.rule = AR_R201, .severity = AR_SEV_CRITICAL, .conf = AR_CONF_CERTAIN, .cls = &fx->enm,
                       .attr = "VOID", .pattern = "missing-enum-member:VOID", .fingerprint = "00000000000000aa",
                       .line = 27, .col = 20, .weight = 10, .trend = AR_TREND_PERSISTING, .first_seen = "week-3"});
  add(fx, (ar_finding){.rule = AR_R204, .severity = AR_SEV_MEDIUM, .conf = AR_CONF_CERTAIN, .attr = "state",
                       .pattern = "value-too-long:state", .line = 28, .col = 5, .weight = 3});
  add(fx, (ar_finding){.rule = AR_R202, .severity = AR_SEV_LOW, .conf = AR_CONF_CERTAIN, .attr = "kind",
                       .pattern = "enum-type-mismatch:kind", .line = 29, .col = 5, .weight = 1});
  add(fx, (ar_finding){.rule = AR_R102, .severity = AR_SEV_CRITICAL, .conf = AR_CONF_LIKELY, .attr = "total",
                       .file = &fx->testfile, .func = "test_total", .line = 4, .col = 9, .weight = 7});
  fx->run.by_severity[AR_SEV_CRITICAL] = 15;
  fx->run.by_severity[AR_SEV_MEDIUM] = 1;
  fx->run.by_severity[AR_SEV_LOW] = 1;

  ar_pair top = {.model = &fx->model, .service = &fx->service, .nfindings = 16, .weight_sum = 108,
                 .risk = 1944, .cov = {true, 20, 18}, .rank = 1};
  ar_pair ok = {.model = &fx->model, .service = &fx->other, .cov = {true, 10, 0}};
  AR_VEC_PUSH(&fx->run.pairs, top);
  AR_VEC_PUSH(&fx->run.pairs, ok);
  fx->run.total_risk = 1944;
  fx->run.nmodels = 1;
  fx->run.nenums = 1;
  fx->run.ncheckpoints = 1;
  fx->run.last_checkpoint = "week-3";
  ar_fixed fixed = {.rule = "AR103", .model = "Cart", .field = "state", .service = "app/services/cart.py",
                    .first_seen = "week-3"};
  AR_VEC_PUSH(&fx->run.fixed, fixed);
  fx->cfg.fail_over = 1000;
  fx->run.gate.passed = false;
  AR_VEC_PUSH(&fx->run.gate.reasons, "risk 1944.0 of Order is over --fail-over 1000: 50% over\nthe limit");
  *state = fx;
  return 0;
}

static int teardown(void **state)
{
  fixture *fx = *state;
  ar_buf_dispose(&fx->out);
  ar_map_dispose(&fx->model.all_fields);
  ar_map_dispose(&fx->enm.all_fields);
  AR_VEC_FREE(&fx->service.funcs);
  ar_run_dispose(&fx->run);
  ar_config_dispose(&fx->cfg);
  free(fx);
  return 0;
}

static const char *render(fixture *fx, ar_format fmt)
{
  fx->cfg.format = fmt;
  ar_buf_clear(&fx->out);
  assert_int_equal(ar_report_render(&fx->run, false, &fx->out), 0);
  return fx->out.ptr;
}

#define assert_contains(hay, needle)                                                               \
  do {                                                                                             \
    const char *h_ = (hay), *n_ = (needle);                                                        \
    if (!strstr(h_, n_)) fail_msg("expected to find\n  %s\nin\n%.4000s", n_, h_);                  \
  } while (0)
#define assert_not_contains(hay, needle)                                                           \
  do {                                                                                             \
    if (strstr((hay), (needle))) fail_msg("did not expect %s", (needle));                          \
  } while (0)

static size_t count(const char *hay, const char *needle)
{
  size_t n = 0;
  for (const char *p = strstr(hay, needle); p; p = strstr(p + 1, needle)) n++;
  return n;
}

/* ---- Markdown helpers --------------------------------------------------------------------- */

/* "2nd instance", shared by the text and markdown reports. */
static void test_ordinal(void **state)
{
  (void)state;
  static const struct { int n; const char *want; } rows[] = {
      {1, "st"}, {2, "nd"}, {3, "rd"}, {4, "th"}, {10, "th"}, {11, "th"}, {12, "th"}, {13, "th"},
      {21, "st"}, {22, "nd"}, {23, "rd"}, {101, "st"}, {111, "th"}, {112, "th"}, {1002, "nd"}};
  for (size_t i = 0; i < sizeof rows / sizeof *rows; i++)
    assert_string_equal(ar_report__ordinal(rows[i].n), rows[i].want);
}

static void test_md_escaping(void **state)
{
  static const struct { const char *in, *text, *code, *cell; } rows[] = {
      {"a_b", "a\\_b", "`a_b`", "`a_b`"},
      {"x | y", "x \\| y", "`x | y`", "`x \\| y`"},
      {"<b>&amp;", "\\<b\\>\\&amp;", "`<b>&amp;`", "`<b>&amp;`"},
      {"two\nlines", "two lines", "`two lines`", "`two lines`"},
      {"a `b` c", "a \\`b\\` c", "``a `b` c``", "``a `b` c``"},
      {"`x`", "\\`x\\`", "`` `x` ``", "`` `x` ``"},
      {"*[x](y)*", "\\*\\[x\\](y)\\*", "`*[x](y)*`", "`*[x](y)*`"},
      {NULL, NULL, NULL, NULL}};
  (void)state;
  ar_buf b;
  ar_buf_init(&b, 1 << 20);
  for (size_t i = 0; rows[i].in; i++) {
    ar_buf_clear(&b);
    assert_int_equal(ar_report__md_text(&b, rows[i].in), 0);
    assert_string_equal(b.ptr, rows[i].text);
    ar_buf_clear(&b);
    assert_int_equal(ar_report__md_code(&b, rows[i].in, false), 0);
    assert_string_equal(b.ptr, rows[i].code);
    ar_buf_clear(&b);
    assert_int_equal(ar_report__md_code(&b, rows[i].in, true), 0);
    assert_string_equal(b.ptr, rows[i].cell);
  }
  ar_buf_dispose(&b);
}

/* Every row of a GFM table must have as many unescaped '|' as its header, or cells shift. */
static void check_tables(const char *md)
{
  int want = -1, in_fence = 0;
  const char *line = md;
  while (*line) {
    const char *eol = strchr(line, '\n');
    size_t n = eol ? (size_t)(eol - line) : strlen(line);
    const char *t = line;
    while (t < line + n && *t == ' ') t++;
    if (n - (size_t)(t - line) >= 3 && t[0] == '`' && t[1] == '`' && t[2] == '`') in_fence = !in_fence;
    if (!in_fence && n && line[0] == '|') {
      int pipes = 0;
      for (size_t i = 0; i < n; i++) pipes += line[i] == '|' && (i == 0 || line[i - 1] != '\\');
      if (want < 0) want = pipes;
      else if (pipes != want) fail_msg("table row has %d cells' pipes, header %d: %.*s", pipes, want, (int)n, line);
    } else {
      want = -1;
    }
    line = eol ? eol + 1 : line + n;
  }
}

static void test_markdown_sections(void **state)
{
  fixture *fx = *state;
  const char *md = render(fx, AR_FMT_MARKDOWN);
  check_tables(md);
  static const char *const sections[] = {"## Summary", "## Work list", "## Findings", "## Outside services",
                                         "## Verified pairs", "## Pattern analysis",
                                         "## New and fixed since `week-3`", "## Test next", "## Score", NULL};
  const char *prev = md;
  for (size_t i = 0; sections[i]; i++) {
    const char *at = strstr(md, sections[i]);
    if (!at || at < prev) fail_msg("section %s missing or out of order", sections[i]);
    prev = at;
  }
  assert_contains(md, "| 1 | 1944.0 | 10% | 18 | 16 | `Order` ← `app/services/odd name,\xc3\xbc.py` |");
  assert_contains(md, "**FAILED** (`--fail-over 1000`)");
  assert_contains(md, "  - risk 1944.0 of Order is over --fail-over 1000: 50% over the limit");
  /* A source line holding ``` gets a longer fence; HTML in it stays inside the block. */
  assert_contains(md, "````python\n# app/services/odd name,\xc3\xbc.py:10\norder.status = f\"```{x}```\"");
  assert_contains(md, "| `missing-field:status` | 2 | `Order.status` (1 finding) | week-3: Cart.state \\| legacy |");
  assert_contains(md, "**Closest it has**: `state` at `app/models.py:10`, String(20)");
  assert_contains(md, "has: `OPEN` = `open`, `PAID` = `paid`");
  assert_contains(md, "VOID = \"void\""); /* the enum's own value convention */
  assert_contains(md, "| AR103 | `Cart.state` | `app/services/cart.py` | `week-3` |");
  assert_contains(md, "| 1 | `close` | `app/services/odd name,\xc3\xbc.py:5-30` | 18 of 20 | 16 |");
  assert_contains(md, "#### AR102 unknown-attribute-read: `Order.total`"); /* outside services */
  assert_not_contains(md, "**Date**");                                      /* no clock */
}

static void test_markdown_date_only_from_now(void **state)
{
  fixture *fx = *state;
  char *first = strdup(render(fx, AR_FMT_MARKDOWN));
  assert_string_equal(render(fx, AR_FMT_MARKDOWN), first); /* byte for byte */
  fx->cfg.now = "2025-11-25";
  fx->cfg.record = "week_4";
  const char *md = render(fx, AR_FMT_MARKDOWN);
  assert_contains(md, "# alignrisk checkpoint report: week\\_4\n");
  assert_contains(md, "**Date**: 2025-11-25");
  assert_contains(md, "*alignrisk " AR_VERSION ", 2025-11-25*");
  free(first);
}

/* ---- SARIF ------------------------------------------------------------------------------------ */

static void test_sarif_structure(void **state)
{
  fixture *fx = *state;
  cJSON *log = cJSON_Parse(render(fx, AR_FMT_SARIF));
  assert_non_null(log);
  assert_string_equal(cJSON_GetObjectItem(log, "version")->valuestring, "2.1.0");
  cJSON *run = cJSON_GetArrayItem(cJSON_GetObjectItem(log, "runs"), 0);
  cJSON *driver = cJSON_GetObjectItem(cJSON_GetObjectItem(run, "tool"), "driver");
  assert_string_equal(cJSON_GetObjectItem(driver, "name")->valuestring, "alignrisk");
  cJSON *rules = cJSON_GetObjectItem(driver, "rules");
  assert_int_equal(cJSON_GetArraySize(rules), AR_RULE_COUNT);
  static const char *const want_level[AR_RULE_COUNT] = {"error", "error", "error", "error", "error",
                                                        "error", "error", "warning", "warning", "warning"};
  for (int i = 0; i < AR_RULE_COUNT; i++) {
    cJSON *r = cJSON_GetArrayItem(rules, i);
    assert_string_equal(cJSON_GetObjectItem(r, "id")->valuestring, ar_rules[i].code);
    assert_string_equal(cJSON_GetObjectItem(cJSON_GetObjectItem(r, "defaultConfiguration"), "level")->valuestring,
                        want_level[i]);
    cJSON *help = cJSON_GetObjectItem(r, "help");
    assert_true(strlen(cJSON_GetObjectItem(help, "text")->valuestring) > 20);
    assert_true(strlen(cJSON_GetObjectItem(help, "markdown")->valuestring) > 20);
  }
  cJSON *results = cJSON_GetObjectItem(run, "results");
  assert_int_equal(cJSON_GetArraySize(results), (int)fx->run.findings.len);
  for (int i = 0; i < cJSON_GetArraySize(results); i++) {
    cJSON *res = cJSON_GetArrayItem(results, i);
    const char *id = cJSON_GetObjectItem(res, "ruleId")->valuestring;
    int idx = cJSON_GetObjectItem(res, "ruleIndex")->valueint;
    assert_string_equal(ar_rules[idx].code, id);
    const char *fp = cJSON_GetObjectItem(cJSON_GetObjectItem(res, "partialFingerprints"), "alignrisk/v1")->valuestring;
    for (int j = 0; j < i; j++) {
      cJSON *o = cJSON_GetArrayItem(results, j);
      assert_string_not_equal(
          fp, cJSON_GetObjectItem(cJSON_GetObjectItem(o, "partialFingerprints"), "alignrisk/v1")->valuestring);
    }
  }
  cJSON *first = cJSON_GetArrayItem(results, 0);
  cJSON *loc = cJSON_GetObjectItem(cJSON_GetArrayItem(cJSON_GetObjectItem(first, "locations"), 0), "physicalLocation");
  cJSON *art = cJSON_GetObjectItem(loc, "artifactLocation");
  assert_string_equal(cJSON_GetObjectItem(art, "uri")->valuestring, "app/services/odd%20name%2C%C3%BC.py");
  assert_string_equal(cJSON_GetObjectItem(art, "uriBaseId")->valuestring, "%SRCROOT%");
  assert_int_equal(cJSON_GetObjectItem(cJSON_GetObjectItem(loc, "region"), "startLine")->valueint, 10);
  cJSON *props = cJSON_GetObjectItem(first, "properties");
  assert_true(cJSON_GetObjectItem(props, "risk")->valuedouble == 1944.0);
  assert_string_equal(cJSON_GetObjectItem(props, "pattern")->valuestring, "missing-field:status");
  assert_int_equal(cJSON_GetObjectItem(props, "recurrence")->valueint, 2);
  assert_string_equal(cJSON_GetObjectItem(props, "trend")->valuestring, "new");
  /* Levels follow the finding's severity: medium -> warning, low -> note. */
  assert_string_equal(cJSON_GetObjectItem(cJSON_GetArrayItem(results, 14), "level")->valuestring, "warning");
  assert_string_equal(cJSON_GetObjectItem(cJSON_GetArrayItem(results, 15), "level")->valuestring, "note");
  /* Outside any pair: no risk. */
  assert_null(cJSON_GetObjectItem(cJSON_GetObjectItem(cJSON_GetArrayItem(results, 16), "properties"), "risk"));
  cJSON_Delete(log);
}

/* ---- GitLab ----------------------------------------------------------------------------------- */

static void test_gitlab(void **state)
{
  fixture *fx = *state;
  cJSON *arr = cJSON_Parse(render(fx, AR_FMT_GITLAB));
  assert_non_null(arr);
  assert_true(cJSON_IsArray(arr));
  assert_int_equal(cJSON_GetArraySize(arr), (int)fx->run.findings.len);
  static const struct { int index; const char *severity, *fingerprint; } rows[] = {
      {0, "critical", "0000000000000001"}, {12, "critical", "00000000000000aa"},
      {13, "critical", "00000000000000aa-2"}, {14, "minor", NULL}, {15, "info", NULL}, {-1, NULL, NULL}};
  for (size_t i = 0; rows[i].index >= 0; i++) {
    cJSON *it = cJSON_GetArrayItem(arr, rows[i].index);
    assert_string_equal(cJSON_GetObjectItem(it, "severity")->valuestring, rows[i].severity);
    if (rows[i].fingerprint)
      assert_string_equal(cJSON_GetObjectItem(it, "fingerprint")->valuestring, rows[i].fingerprint);
  }
  cJSON *it = cJSON_GetArrayItem(arr, 0);
  assert_string_equal(cJSON_GetObjectItem(it, "check_name")->valuestring, "AR101");
  assert_contains(cJSON_GetObjectItem(it, "description")->valuestring, "Order has no field 'status'");
  cJSON *loc = cJSON_GetObjectItem(it, "location");
  assert_string_equal(cJSON_GetObjectItem(loc, "path")->valuestring, "app/services/odd name,\xc3\xbc.py");
  assert_int_equal(cJSON_GetObjectItem(cJSON_GetObjectItem(loc, "lines"), "begin")->valueint, 10);
  cJSON_Delete(arr);
}

/* ---- GitHub ----------------------------------------------------------------------------------- */

static void test_github_cap_and_escaping(void **state)
{
  fixture *fx = *state;
  unsetenv("GITHUB_STEP_SUMMARY");
  const char *gh = render(fx, AR_FMT_GITHUB);
  /* The gate reason first, escaped (% and newline), then 9 of the 15 critical findings. */
  assert_true(strncmp(gh, "::error title=alignrisk gate failed::risk 1944.0 of Order is over --fail-over 1000: "
                          "50%25 over%0Athe limit\n", 100) == 0);
  assert_int_equal(count(gh, "::error "), 10);
  assert_int_equal(count(gh, "::warning "), 1);
  assert_int_equal(count(gh, "::notice file="), 1);
  assert_contains(gh, "::notice title=alignrisk::6 more errors not shown");
  assert_contains(gh, "::error file=app/services/odd name%2C\xc3\xbc.py,line=10,col=5,"
                      "title=AR101 unknown-attribute-write (critical%2C likely)::Order has no field 'status'");
  assert_contains(gh, "::warning file=app/services/odd name%2C\xc3\xbc.py,line=28,col=5,title=AR204");
  assert_contains(gh, "::notice file=app/services/odd name%2C\xc3\xbc.py,line=29,col=5,title=AR202");
  /* Ranked pairs first: the test file's finding (outside services) is one of the hidden. */
  assert_not_contains(gh, "tests/test_orders.py");
}

static void test_github_step_summary(void **state)
{
  fixture *fx = *state;
  char path[] = "/tmp/ar-step-summary-XXXXXX";
  int fd = mkstemp(path);
  assert_true(fd >= 0);
  assert_int_equal(write(fd, "earlier step\n", 13), 13);
  close(fd);
  setenv("GITHUB_STEP_SUMMARY", path, 1);
  const char *gh = render(fx, AR_FMT_GITHUB);
  assert_not_contains(gh, "::warning title=alignrisk");
  FILE *f = fopen(path, "r");
  assert_non_null(f);
  char head[64] = {0};
  assert_true(fread(head, 1, sizeof head - 1, f) > 0);
  fclose(f);
  assert_true(strncmp(head, "earlier step\n# alignrisk checkpoint report\n", 43) == 0);
  unlink(path);
  /* An unwritable summary is a warning in the output, never a failed render. */
  setenv("GITHUB_STEP_SUMMARY", "/nonexistent-dir/summary.md", 1);
  gh = render(fx, AR_FMT_GITHUB);
  assert_contains(gh, "::warning title=alignrisk::cannot append the Markdown report to GITHUB_STEP_SUMMARY "
                      "(/nonexistent-dir/summary.md): ");
  unsetenv("GITHUB_STEP_SUMMARY");
}

/* GitHub drops a step summary over 1 MiB: a bigger report keeps its head and says so. */
static void test_github_step_summary_cut(void **state)
{
  fixture *fx = *state;
  size_t n = 1200 * 1024;
  char *big = ar_arena_alloc(&fx->run.arena, n + 1);
  memset(big, 'x', n);
  fx->run.findings.items[1].source = big;
  char path[] = "/tmp/ar-step-summary-XXXXXX";
  int fd = mkstemp(path);
  assert_true(fd >= 0);
  close(fd);
  setenv("GITHUB_STEP_SUMMARY", path, 1);
  render(fx, AR_FMT_GITHUB);
  unsetenv("GITHUB_STEP_SUMMARY");
  FILE *f = fopen(path, "r");
  assert_non_null(f);
  char *text = calloc(1, 1 << 20);
  size_t got = fread(text, 1, (1 << 20) - 1, f);
  fclose(f);
  unlink(path);
  assert_true(got > 0 && got < (1 << 20) - 1);
  assert_contains(text, "## Work list");
  assert_not_contains(text, "## Findings");
  assert_contains(text, "is larger than a step summary can hold");
  free(text);
}

static void test_dispatch(void **state)
{
  fixture *fx = *state;
  static const ar_format all[] = {AR_FMT_TEXT, AR_FMT_JSON, AR_FMT_MARKDOWN, AR_FMT_SARIF, AR_FMT_GITLAB, AR_FMT_GITHUB};
  for (size_t i = 0; i < sizeof all / sizeof *all; i++) assert_true(strlen(render(fx, all[i])) > 0);
  fx->cfg.format = (ar_format)99;
  assert_int_equal(ar_report_render(&fx->run, false, &fx->out), AR_EUSAGE);
}

static void test_fingerprints_unique(void **state)
{
  fixture *fx = *state;
  const char **fps = ar_report__fingerprints(&fx->run);
  assert_string_equal(fps[12], "00000000000000aa");
  assert_string_equal(fps[13], "00000000000000aa-2");
  assert_string_equal(fps[0], fx->run.findings.items[0].fingerprint); /* unique ones unchanged */
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_ordinal),
      cmocka_unit_test(test_md_escaping),
      cmocka_unit_test_setup_teardown(test_markdown_sections, setup, teardown),
      cmocka_unit_test_setup_teardown(test_markdown_date_only_from_now, setup, teardown),
      cmocka_unit_test_setup_teardown(test_sarif_structure, setup, teardown),
      cmocka_unit_test_setup_teardown(test_gitlab, setup, teardown),
      cmocka_unit_test_setup_teardown(test_github_cap_and_escaping, setup, teardown),
      cmocka_unit_test_setup_teardown(test_github_step_summary, setup, teardown),
      cmocka_unit_test_setup_teardown(test_github_step_summary_cut, setup, teardown),
      cmocka_unit_test_setup_teardown(test_dispatch, setup, teardown),
      cmocka_unit_test_setup_teardown(test_fingerprints_unique, setup, teardown),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
