/* SPDX-License-Identifier: MIT
 * test_history_cmd.c - unit tests of `alignrisk history`: the checkpoint table (counts from
 * totals or from findings, risk, new and fixed, top pair, sparkline), entry matching, the
 * pairs and totals the loader keeps for it, and the command's exit codes. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "alignrisk/history.h"
#include "capture.h"

/* ---- helpers --------------------------------------------------------------------------- */


static ar_history *load(const char *json)
{
  capture c;
  ar_history *h = NULL;
  cap_open(&c);
  if (ar_history_load_mem(&h, json, strlen(json), "h.json", &c.dg) != 0)
    fail_msg("does not load: %s", cap_text(&c));
  cap_close(&c);
  return h;
}

/* The table of `json` as a string (owned by caller). */
static char *table(const char *json)
{
  ar_history *h = load(json);
  ar_buf b;
  ar_buf_init(&b, 1u << 20);
  assert_int_equal(ar_history_table(&b, h, "h.json"), 0);
  ar_history_free(h);
  return ar_buf_take(&b);
}

/* The line of `text` that starts with `prefix`, copied into `buf`. */
static const char *line_of(const char *text, const char *prefix, char *buf, size_t size)
{
  for (const char *p = text; p && *p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : NULL) {
    if (strncmp(p, prefix, strlen(prefix)) != 0) continue;
    size_t n = strcspn(p, "\n");
    snprintf(buf, size, "%.*s", (int)n, p);
    return buf;
  }
  fail_msg("no line starting with \"%s\" in:\n%s", prefix, text);
  return NULL;
}

/* ---- matching ------------------------------------------------------------------------------ */

static void test_same_entry(void **state)
{
  static const struct {
    ar_hist_entry a, b;
    bool same;
  } rows[] = {
      /* fingerprints decide when both have one, whatever else differs */
      {{.pattern = "p", .model = "M", .field = "f", .fingerprint = "1"},
       {.pattern = "q", .model = "N", .field = "g", .fingerprint = "1"}, true},
      {{.pattern = "p", .model = "M", .field = "f", .fingerprint = "1"},
       {.pattern = "p", .model = "M", .field = "f", .fingerprint = "2"}, false},
      /* else pattern, model, field, and the service when both name one */
      {{.pattern = "p", .model = "M", .field = "f", .fingerprint = "1"},
       {.pattern = "p", .model = "M", .field = "f"}, true},
      {{.pattern = "p", .model = "M", .field = "f", .service = "a.py"},
       {.pattern = "p", .model = "M", .field = "f", .service = "b.py"}, false},
      {{.pattern = "p", .model = "M", .field = "f", .service = "a.py"},
       {.pattern = "p", .model = "M", .field = "f"}, true},
      {{.pattern = "p", .model = "M", .field = "f"}, {.pattern = "p", .model = "M", .field = "g"}, false},
      {{.pattern = "p", .model = "M", .field = "f"}, {.pattern = "p", .model = "N", .field = "f"}, false},
      {{.pattern = "p", .model = "M", .field = "f"}, {.pattern = "q", .model = "M", .field = "f"}, false},
  };
  (void)state;
  for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
    assert_int_equal(ar_history_same_entry(&rows[i].a, &rows[i].b), rows[i].same);
    assert_int_equal(ar_history_same_entry(&rows[i].b, &rows[i].a), rows[i].same);
  }
}

/* ---- what the loader keeps for the table ------------------------------------------------- */

static void test_load_totals_and_pairs(void **state)
{
  static const char json[] =
      "{\"checkpoints\": [\n"
      " {\"checkpoint\": \"a\", \"totals\": {\"critical\": 2, \"high\": 1, \"medium\": 0, \"low\": 3,"
      "  \"risk\": 12.5}, \"pairs\": [{\"model\": \"M\", \"service\": \"s.py\", \"risk\": 10},"
      "  {\"model\": \"N\"}], \"findings\": []},\n"
      " {\"checkpoint\": \"b\", \"totals\": {\"risk\": 0}, \"findings\": []},\n"
      " {\"checkpoint\": \"c\", \"pairs\": [{\"model\": \"O\", \"service\": \"o.py\", \"risk\": 1}],"
      "  \"findings\": []}]}";
  ar_history *h = load(json);
  (void)state;
  assert_int_equal(h->ncheckpoints, 3);
  assert_int_equal(h->npairs, 3);
  const ar_hist_checkpoint *a = &h->checkpoints[0], *b = &h->checkpoints[1], *c = &h->checkpoints[2];
  assert_true(a->has_risk);
  assert_true(a->total_risk == 12.5);
  assert_int_equal(a->by_severity[3], 2);
  assert_int_equal(a->by_severity[2], 1);
  assert_int_equal(a->by_severity[1], 0);
  assert_int_equal(a->by_severity[0], 3);
  assert_int_equal(a->pair_first, 0);
  assert_int_equal(a->pair_count, 2);
  assert_string_equal(h->pairs[0].model, "M");
  assert_string_equal(h->pairs[0].service, "s.py");
  assert_true(h->pairs[0].risk == 10);
  assert_null(h->pairs[1].service);
  assert_true(h->pairs[1].risk == 0);
  assert_true(b->has_risk); /* a recorded 0 is a risk */
  assert_int_equal(b->by_severity[3], -1);
  assert_int_equal(b->pair_count, 0);
  assert_false(c->has_risk);
  assert_int_equal(c->pair_first, 2);
  assert_int_equal(c->pair_count, 1);
  assert_string_equal(h->pairs[2].model, "O");
  ar_history_free(h);
}

static void test_load_bad_pairs_and_totals(void **state)
{
  static const struct {
    const char *json, *want;
  } rows[] = {
      {"[{\"checkpoint\": \"a\", \"pairs\": {}, \"findings\": []}]",
       "h.json: error: [0]: expected an array \"pairs\"\n"},
      {"[{\"checkpoint\": \"a\", \"pairs\": [1], \"findings\": []}]",
       "h.json: error: [0].pairs[0]: expected a pair object\n"},
      {"[{\"checkpoint\": \"a\", \"pairs\": [{\"service\": \"s.py\"}], \"findings\": []}]",
       "h.json: error: [0].pairs[0]: expected a string \"model\"\n"},
      {"[{\"checkpoint\": \"a\", \"pairs\": [{\"model\": \"M\", \"risk\": \"high\"}], \"findings\": []}]",
       "h.json: error: [0].pairs[0]: expected a number \"risk\"\n"},
      {"[{\"checkpoint\": \"a\", \"totals\": {\"critical\": -1}, \"findings\": []}]",
       "h.json: error: [0]: expected a count \"totals\".\"critical\"\n"},
      {"[{\"checkpoint\": \"a\", \"totals\": {\"low\": \"2\"}, \"findings\": []}]",
       "h.json: error: [0]: expected a count \"totals\".\"low\"\n"},
  };
  (void)state;
  for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
    capture c;
    ar_history *h = NULL;
    cap_open(&c);
    assert_int_equal(ar_history_load_mem(&h, rows[i].json, strlen(rows[i].json), "h.json", &c.dg),
                     AR_EPARSE);
    assert_null(h);
    if (strcmp(cap_text(&c), rows[i].want) != 0)
      fail_msg("row %zu:\n got  %s want %s", i, cap_text(&c), rows[i].want);
    cap_close(&c);
  }
}

/* ---- the table ------------------------------------------------------------------------------- */

static const char recorded[] =
    "{\"schema\": \"alignrisk-history/1\", \"checkpoints\": [\n"
    " {\"checkpoint\": \"w1\", \"date\": \"2025-01-01\",\n"
    "  \"totals\": {\"findings\": 2, \"critical\": 1, \"high\": 0, \"medium\": 1, \"low\": 0, \"risk\": 80},\n"
    "  \"pairs\": [{\"model\": \"B\", \"service\": \"b.py\", \"risk\": 40},\n"
    "            {\"model\": \"A\", \"service\": \"z.py\", \"risk\": 40}],\n"
    "  \"findings\": [\n"
    "   {\"rule\": \"AR101\", \"model\": \"A\", \"field\": \"x\", \"service\": \"z.py\", \"severity\": \"critical\","
    "    \"fingerprint\": \"f1\"},\n"
    "   {\"rule\": \"AR204\", \"model\": \"B\", \"field\": \"y\", \"service\": \"b.py\", \"severity\": \"medium\","
    "    \"fingerprint\": \"f2\"}]},\n"
    " {\"checkpoint\": \"w2\", \"date\": \"2025-01-08\",\n"
    "  \"totals\": {\"findings\": 2, \"critical\": 2, \"high\": 0, \"medium\": 0, \"low\": 0, \"risk\": 160},\n"
    "  \"pairs\": [{\"model\": \"A\", \"service\": \"z.py\", \"risk\": 160}],\n"
    "  \"findings\": [\n"
    "   {\"rule\": \"AR101\", \"model\": \"A\", \"field\": \"x\", \"service\": \"moved.py\", \"severity\": \"critical\","
    "    \"fingerprint\": \"f1\"},\n"
    "   {\"rule\": \"AR201\", \"model\": \"E\", \"field\": \"M\", \"service\": \"z.py\", \"severity\": \"critical\","
    "    \"fingerprint\": \"f3\"}]},\n"
    " {\"checkpoint\": \"w3\", \"date\": \"2025-01-15\",\n"
    "  \"totals\": {\"findings\": 0, \"critical\": 0, \"high\": 0, \"medium\": 0, \"low\": 0, \"risk\": 0},\n"
    "  \"pairs\": [], \"findings\": []}]}\n";

static void test_table_recorded(void **state)
{
  char *t = table(recorded);
  char buf[512];
  (void)state;
  assert_contains(t, "History: h.json, 3 checkpoints\n");
  assert_string_equal(line_of(t, "checkpoint", buf, sizeof buf),
                      "checkpoint  date        findings  critical  high  medium  low   risk  new  fixed  top pair");
  /* Equal risks: the pair whose model sorts first. */
  assert_string_equal(line_of(t, "w1 ", buf, sizeof buf),
                      "w1          2025-01-01         2         1     0       1    0   80.0    -      -  A <- z.py (40.0)");
  /* f1 moved file but kept its fingerprint: persisting, not new. */
  assert_string_equal(line_of(t, "w2 ", buf, sizeof buf),
                      "w2          2025-01-08         2         2     0       0    0  160.0    1      1  A <- z.py (160.0)");
  assert_string_equal(line_of(t, "w3 ", buf, sizeof buf),
                      "w3          2025-01-15         0         0     0       0    0    0.0    0      2  -");
  /* 80/160 is half: the 4th block; 160 the full one; 0 the lowest. */
  assert_string_equal(line_of(t, "Total risk", buf, sizeof buf),
                      "Total risk, oldest to newest: \u2584\u2588\u2581");
  free(t);
}

/* Hand-written checkpoints: no date, totals or pairs; counts come from the entries. */
static void test_table_handwritten(void **state)
{
  static const char json[] =
      "[{\"name\": \"audit-long-name\", \"findings\": [\n"
      "   {\"rule\": \"AR103\", \"model\": \"M\", \"field\": \"status\"},\n"
      "   {\"pattern\": \"value-not-in-enum:DONE\", \"model\": \"S\", \"field\": \"DONE\"},\n"
      "   {\"rule\": \"enum-type-mismatch\", \"model\": \"E\", \"field\": \"X\"},\n"
      "   {\"rule\": \"AR999\", \"pattern\": \"custom:z\", \"model\": \"Q\", \"field\": \"z\"},\n"
      "   {\"rule\": \"AR201\", \"model\": \"E\", \"field\": \"Y\", \"severity\": \"low\"}]},\n"
      " {\"checkpoint\": \"w2\", \"findings\": [\n"
      "   {\"rule\": \"AR103\", \"model\": \"M\", \"field\": \"status\", \"service\": \"a.py\"},\n"
      "   {\"rule\": \"AR101\", \"model\": \"N\", \"field\": \"status\"}]}]";
  char *t = table(json);
  char buf[512];
  (void)state;
  assert_string_equal(line_of(t, "checkpoint", buf, sizeof buf),
                      "checkpoint       date  findings  critical  high  medium  low  risk  new  fixed  top pair");
  /* critical AR103; medium from the value-not-in-enum family; high from a family as rule;
   * a custom pattern has no severity (counted only in the total); severity as written wins. */
  assert_string_equal(line_of(t, "audit-long-name", buf, sizeof buf),
                      "audit-long-name  -            5         1     1       1    1     -    -      -  -");
  /* M.status matches although only w2 names its service. */
  assert_string_equal(line_of(t, "w2 ", buf, sizeof buf),
                      "w2               -            2         2     0       0    0     -    1      4  -");
  assert_string_equal(line_of(t, "Total risk", buf, sizeof buf),
                      "Total risk, oldest to newest: \u00b7\u00b7  (\u00b7 no risk recorded)");
  free(t);
}

static void test_table_empty(void **state)
{
  char *t = table("{\"checkpoints\": []}");
  (void)state;
  assert_string_equal(t, "History: h.json, 0 checkpoints\n");
  free(t);
}

/* ---- the command -------------------------------------------------------------------------- */

static void test_cmd(void **state)
{
  char dir[] = "/tmp/ar_test_history_cmd_XXXXXX", path[256], *out = NULL;
  size_t outlen = 0;
  ar_config cfg;
  capture c;
  FILE *fp;
  (void)state;
  assert_non_null(mkdtemp(dir));
  snprintf(path, sizeof path, "%s/h.json", dir);

  ar_config_init(&cfg);
  cfg.history = path;
  cap_open(&c);
  fp = open_memstream(&out, &outlen);
  assert_int_equal(ar_history_cmd(&cfg, fp, &c.dg), 2); /* missing */
  assert_contains(cap_text(&c), "h.json: error: cannot open: No such file or directory");

  FILE *w = fopen(path, "w");
  assert_non_null(w);
  fputs("{\"checkpoints\": [}", w);
  fclose(w);
  assert_int_equal(ar_history_cmd(&cfg, fp, &c.dg), 2); /* not JSON */
  assert_contains(cap_text(&c), "h.json:1:18: error: invalid JSON");

  w = fopen(path, "w");
  assert_non_null(w);
  fputs(recorded, w);
  fclose(w);
  assert_int_equal(ar_history_cmd(&cfg, fp, &c.dg), 0);
  fflush(fp);
  assert_contains(out, "w2          2025-01-08");
  assert_int_equal(c.dg.errors, 2);
  fclose(fp);
  free(out);
  cap_close(&c);
  ar_config_dispose(&cfg);
  unlink(path);
  rmdir(dir);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_same_entry),
      cmocka_unit_test(test_load_totals_and_pairs),
      cmocka_unit_test(test_load_bad_pairs_and_totals),
      cmocka_unit_test(test_table_recorded),
      cmocka_unit_test(test_table_handwritten),
      cmocka_unit_test(test_table_empty),
      cmocka_unit_test(test_cmd),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
