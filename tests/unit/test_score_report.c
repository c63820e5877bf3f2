/* SPDX-License-Identifier: MIT
 * test_score_report.c - unit tests for the score and report stages on hand-built runs:
 * finding weights (DESIGN.md "Score"), pair risk with untested lines, ranking with its tie
 * breaks, verified pairs, services versus tests, the gates (--fail-over, --fail-on,
 * --new-only) and their reasons; finding messages; the JSON report parsed back with cJSON
 * (escaping of hostile strings), the size cap and unknown formats. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "alignrisk/report.h"
#include "alignrisk/score.h"

/* ---- building runs by hand ---------------------------------------------------------------- */

enum { F_MODELS, F_SVC_A, F_SVC_B, F_SVC_C, F_TEST, NFILES };
static const char *const PATHS[NFILES] = {"app/models.py", "app/services/a.py", "app/services/b.py",
                                          "app/services/c.py", "tests/test_x.py"};
enum { M_ADMIN, M_CONTROL, M_USER, M_ABSTRACT, NMODELS };
static const char *const MODELS[NMODELS] = {"Admin", "Control", "User", "AbstractThing"};

typedef struct fixture {
  ar_config cfg;
  ar_run run;
  ar_file *files[NFILES];
  ar_class *models[NMODELS];
  ar_diag dg;
} fixture;

static int setup(void **state)
{
  fixture *fx = calloc(1, sizeof *fx);
  if (!fx) return -1;
  ar_config_init(&fx->cfg);
  ar_run_init(&fx->run, &fx->cfg);
  ar_diag_init(&fx->dg, NULL);
  ar_run *run = &fx->run;
  run->root = ".";
  for (size_t i = 0; i < NFILES; i++) {
    ar_file *f = ar_arena_alloc(&run->arena, sizeof *f);
    f->path = PATHS[i];
    f->abspath = PATHS[i];
    f->module = PATHS[i];
    f->flags = i == F_TEST ? AR_FILE_TEST : 0;
    f->statements = 400;
    fx->files[i] = f;
    AR_VEC_PUSH(&run->files, f);
  }
  for (size_t i = 0; i < NMODELS; i++) {
    ar_class *c = ar_arena_alloc(&run->arena, sizeof *c);
    c->name = MODELS[i];
    c->file = fx->files[F_MODELS];
    c->kind = AR_KIND_MODEL;
    if (i == M_ABSTRACT) c->flags |= AR_CLASS_ABSTRACT;
    fx->models[i] = c;
  }
  run->filecov = ar_xcalloc(NFILES, sizeof *run->filecov);
  *state = fx;
  return 0;
}

static int teardown(void **state)
{
  fixture *fx = *state;
  /* References were pushed with malloc here; the run frees only what extraction settled
   * into its arenas. */
  for (size_t i = 0; i < NFILES; i++) AR_VEC_FREE(&fx->files[i]->refs);
  ar_run_dispose(&fx->run);
  ar_config_dispose(&fx->cfg);
  ar_diag_dispose(&fx->dg);
  free(fx);
  return 0;
}

static void set_cov(fixture *fx, int file, bool measured, uint32_t statements, uint32_t untested)
{
  fx->run.filecov[file] = (ar_filecov){.measured = measured, .statements = statements,
                                       .untested = untested};
}

/* A reference from `file` to `model` (what makes a pair). */
static void add_ref(fixture *fx, int file, int model)
{
  ar_ref r = {.kind = AR_REF_USE, .conf = AR_CONF_CERTAIN, .recv = MODELS[model], .attr = "",
              .func = "<module>", .line = 1, .col = 1, .target = fx->models[model]};
  AR_VEC_PUSH(&fx->files[file]->refs, r);
}

static ar_finding *add_finding(fixture *fx, int file, int model, ar_rule_id rule, ar_confidence conf,
                               int recurrence, const char *attr)
{
  ar_finding fd = {.rule = rule, .severity = ar_rules[rule].severity, .conf = conf,
                   .cls = fx->models[model], .model = fx->models[model], .file = fx->files[file],
                   .attr = attr, .func = "svc.run", .pattern = "missing-field:x",
                   .fingerprint = "0123456789abcdef", .line = (uint32_t)fx->run.findings.len + 1,
                   .col = 5, .recurrence = recurrence, .line_hits = -1, .trend = AR_TREND_NEW};
  add_ref(fx, file, model);
  AR_VEC_PUSH(&fx->run.findings, fd);
  return &fx->run.findings.items[fx->run.findings.len - 1];
}

static const ar_pair *pair_of(const ar_run *run, const ar_class *m, const ar_file *f)
{
  for (size_t i = 0; i < run->pairs.len; i++)
    if (run->pairs.items[i].model == m && run->pairs.items[i].service == f) return &run->pairs.items[i];
  return NULL;
}

#define assert_close(a, b) assert_true(fabs((double)(a) - (double)(b)) < 1e-9)

/* ---- score ------------------------------------------------------------------------------------ */

static void test_weights(void **state)
{
  fixture *fx = *state;
  static const struct { ar_rule_id rule; ar_confidence conf; int rec; double want; } rows[] = {
      {AR_R101, AR_CONF_CERTAIN, 1, 10.0},  {AR_R101, AR_CONF_LIKELY, 1, 7.0},
      {AR_R101, AR_CONF_POSSIBLE, 1, 4.0},  {AR_R101, AR_CONF_LIKELY, 2, 10.5},
      {AR_R201, AR_CONF_CERTAIN, 3, 20.0},  {AR_R202, AR_CONF_CERTAIN, 1, 5.0},  /* high */
      {AR_R204, AR_CONF_LIKELY, 1, 2.1},    {AR_R205, AR_CONF_POSSIBLE, 3, 2.4}, /* medium */
  };
  for (size_t i = 0; i < sizeof rows / sizeof *rows; i++)
    add_finding(fx, F_SVC_A, M_CONTROL, rows[i].rule, rows[i].conf, rows[i].rec, "x");
  ar_score_run(&fx->run, &fx->dg);
  for (size_t i = 0; i < sizeof rows / sizeof *rows; i++)
    if (fabs(fx->run.findings.items[i].weight - rows[i].want) > 1e-9)
      fail_msg("row %zu: weight %g, want %g", i, fx->run.findings.items[i].weight, rows[i].want);
  assert_int_equal(fx->run.by_severity[AR_SEV_CRITICAL], 5);
  assert_int_equal(fx->run.by_severity[AR_SEV_HIGH], 1);
  assert_int_equal(fx->run.by_severity[AR_SEV_MEDIUM], 2);
  assert_int_equal(fx->run.by_severity[AR_SEV_LOW], 0);
}

static void test_weights_configurable(void **state)
{
  fixture *fx = *state;
  fx->cfg.sev_weight[AR_SEV_CRITICAL] = 2;
  fx->cfg.conf_weight[AR_CONF_LIKELY] = 0.5;
  fx->cfg.repeat_step = 1.0;
  add_finding(fx, F_SVC_A, M_CONTROL, AR_R101, AR_CONF_LIKELY, 3, "x");
  set_cov(fx, F_SVC_A, true, 10, 4);
  ar_score_run(&fx->run, &fx->dg);
  assert_close(fx->run.findings.items[0].weight, 2 * 0.5 * 3);
  assert_close(fx->run.pairs.items[0].risk, 2 * 0.5 * 3 * 4);
}

/* The worked example of score.h: the seed audit's top pair. */
static void test_seed_example(void **state)
{
  fixture *fx = *state;
  set_cov(fx, F_SVC_A, true, 400, 297);
  add_finding(fx, F_SVC_A, M_CONTROL, AR_R101, AR_CONF_LIKELY, 2, "status");
  add_finding(fx, F_SVC_A, M_CONTROL, AR_R101, AR_CONF_LIKELY, 1, "a");
  add_finding(fx, F_SVC_A, M_CONTROL, AR_R101, AR_CONF_LIKELY, 1, "b");
  add_finding(fx, F_SVC_A, M_CONTROL, AR_R102, AR_CONF_LIKELY, 2, "status");
  for (int i = 0; i < 3; i++) add_finding(fx, F_SVC_A, M_CONTROL, AR_R201, AR_CONF_CERTAIN, 1, "M");
  ar_score_run(&fx->run, &fx->dg);
  assert_int_equal(fx->run.pairs.len, 1);
  const ar_pair *p = &fx->run.pairs.items[0];
  assert_ptr_equal(p->model, fx->models[M_CONTROL]);
  assert_ptr_equal(p->service, fx->files[F_SVC_A]);
  assert_int_equal(p->nfindings, 7);
  assert_close(p->weight_sum, 65.0);
  assert_close(p->risk, 19305.0);
  assert_int_equal(p->rank, 1);
  assert_true(p->cov.measured);
  assert_int_equal(p->cov.untested, 297);
  assert_close(fx->run.total_risk, 19305.0);
  assert_true(fx->run.gate.passed);
  assert_int_equal(fx->run.gate.reasons.len, 0);
}

static void test_ranking(void **state)
{
  fixture *fx = *state;
  ar_run *run = &fx->run;
  set_cov(fx, F_SVC_A, true, 200, 100);
  set_cov(fx, F_SVC_B, true, 50, 0);      /* fully tested: max(1, 0) */
  set_cov(fx, F_SVC_C, false, 30, 30);    /* not measured: all statements untested */
  /* (Control, a): 10 x 100 = 1000 */
  add_finding(fx, F_SVC_A, M_CONTROL, AR_R101, AR_CONF_CERTAIN, 1, "x");
  /* (User, b) and (Admin, b): 5 each, a tie broken by model name */
  add_finding(fx, F_SVC_B, M_USER, AR_R202, AR_CONF_CERTAIN, 1, "y");
  add_finding(fx, F_SVC_B, M_ADMIN, AR_R202, AR_CONF_CERTAIN, 1, "z");
  /* (Control, c): 3 x 0.4 x 30 = 36 */
  add_finding(fx, F_SVC_C, M_CONTROL, AR_R204, AR_CONF_POSSIBLE, 1, "w");
  /* (Control, b) and (Control, c)...: verified pairs come from references alone */
  add_ref(fx, F_SVC_A, M_USER);
  add_ref(fx, F_SVC_A, M_ADMIN);
  add_ref(fx, F_SVC_A, M_USER); /* twice: still one pair */
  /* Not pairs: a test file, an abstract model. */
  add_ref(fx, F_TEST, M_CONTROL);
  add_ref(fx, F_SVC_C, M_ABSTRACT);
  add_finding(fx, F_TEST, M_USER, AR_R101, AR_CONF_CERTAIN, 1, "t");
  ar_score_run(run, &fx->dg);

  static const struct { int model, file; double risk; int rank; size_t n; } want[] = {
      {M_CONTROL, F_SVC_A, 1000.0, 1, 1},
      {M_CONTROL, F_SVC_C, 36.0, 2, 1},
      {M_ADMIN, F_SVC_B, 5.0, 3, 1},
      {M_USER, F_SVC_B, 5.0, 4, 1},
      {M_ADMIN, F_SVC_A, 0.0, 0, 0}, /* verified, by model name then service */
      {M_USER, F_SVC_A, 0.0, 0, 0},
  };
  assert_int_equal(run->pairs.len, sizeof want / sizeof *want);
  for (size_t i = 0; i < run->pairs.len; i++) {
    const ar_pair *p = &run->pairs.items[i];
    if (p->model != fx->models[want[i].model] || p->service != fx->files[want[i].file])
      fail_msg("pair %zu: %s <- %s, want %s <- %s", i, p->model->name, p->service->path,
               MODELS[want[i].model], PATHS[want[i].file]);
    if (fabs(p->risk - want[i].risk) > 1e-9) fail_msg("pair %zu: risk %g, want %g", i, p->risk, want[i].risk);
    assert_int_equal(p->rank, want[i].rank);
    assert_int_equal(p->nfindings, want[i].n);
  }
  /* Coverage travels with the pair. */
  const ar_pair *c = pair_of(run, fx->models[M_CONTROL], fx->files[F_SVC_C]);
  assert_false(c->cov.measured);
  assert_int_equal(c->cov.untested, 30);
  assert_close(run->total_risk, 1000.0 + 36.0 + 5.0 + 5.0);
  /* The test file's finding is counted but forms no pair. */
  assert_null(pair_of(run, fx->models[M_USER], fx->files[F_TEST]));
  assert_null(pair_of(run, fx->models[M_CONTROL], fx->files[F_TEST]));
  assert_int_equal(run->by_severity[AR_SEV_CRITICAL], 2);
}

static void test_include_tests(void **state)
{
  fixture *fx = *state;
  fx->cfg.include_tests = true;
  set_cov(fx, F_TEST, true, 10, 2);
  add_finding(fx, F_TEST, M_USER, AR_R101, AR_CONF_CERTAIN, 1, "t");
  ar_score_run(&fx->run, &fx->dg);
  const ar_pair *p = pair_of(&fx->run, fx->models[M_USER], fx->files[F_TEST]);
  assert_non_null(p);
  assert_close(p->risk, 20.0);
  assert_int_equal(p->rank, 1);
}

static void test_no_findings(void **state)
{
  fixture *fx = *state;
  add_ref(fx, F_SVC_A, M_CONTROL);
  fx->cfg.fail_over = 0;
  fx->cfg.fail_on = AR_SEV_LOW;
  ar_score_run(&fx->run, &fx->dg);
  assert_int_equal(fx->run.pairs.len, 1);
  assert_int_equal(fx->run.pairs.items[0].rank, 0);
  assert_close(fx->run.total_risk, 0.0);
  assert_true(fx->run.gate.passed); /* nothing is over 0, nothing at or above low */
  assert_int_equal(fx->run.gate.reasons.len, 0);
}

/* The gates, each on a fresh run of the same findings:
 *   (Control, a): critical likely, new     7 x 10 untested = 70
 *   (User, b):    high certain, persisting 5 x 20 untested = 100
 *   (Admin, c):   medium certain, new      3 x 1          = 3 */
static void gate_run(fixture *fx)
{
  set_cov(fx, F_SVC_A, true, 100, 10);
  set_cov(fx, F_SVC_B, true, 100, 20);
  set_cov(fx, F_SVC_C, true, 100, 0);
  add_finding(fx, F_SVC_A, M_CONTROL, AR_R101, AR_CONF_LIKELY, 1, "a");
  add_finding(fx, F_SVC_B, M_USER, AR_R202, AR_CONF_CERTAIN, 1, "b")->trend = AR_TREND_PERSISTING;
  add_finding(fx, F_SVC_C, M_ADMIN, AR_R204, AR_CONF_CERTAIN, 1, "c");
  ar_score_run(&fx->run, &fx->dg);
}

static void test_gates(void **state)
{
  (void)state;
  static const struct {
    double fail_over;
    int fail_on;
    bool new_only;
    bool passed;
    const char *reasons[2]; /* substrings, in order */
  } rows[] = {
      {-1, -1, false, true, {NULL}},
      {100, -1, false, true, {NULL}}, /* not over: equal passes */
      {99.5, -1, false, false, {"risk 100.0 of User <- app/services/b.py is over --fail-over 99.5"}},
      {99.5, -1, true, true, {NULL}}, /* the 100 is persisting */
      {69, -1, true, false, {"risk 70.0 of Control <- app/services/a.py is over --fail-over 69 (new findings only)"}},
      {-1, AR_SEV_CRITICAL, false, false, {"1 finding at or above --fail-on critical"}},
      {-1, AR_SEV_HIGH, false, false, {"2 findings at or above --fail-on high"}},
      {-1, AR_SEV_HIGH, true, false, {"1 new finding at or above --fail-on high"}},
      {-1, AR_SEV_MEDIUM, false, false, {"3 findings at or above --fail-on medium"}},
      {-1, AR_SEV_LOW, true, false, {"2 new findings at or above --fail-on low"}},
      {1000, AR_SEV_CRITICAL, false, false, {"1 finding at or above --fail-on critical"}},
      {50, AR_SEV_HIGH, false, false, {"risk 100.0 of User", "2 findings at or above --fail-on high"}},
  };
  for (size_t i = 0; i < sizeof rows / sizeof *rows; i++) {
    fixture *fx;
    assert_int_equal(setup((void **)&fx), 0);
    fx->cfg.fail_over = rows[i].fail_over;
    fx->cfg.fail_on = rows[i].fail_on;
    fx->cfg.new_only = rows[i].new_only;
    gate_run(fx);
    if (fx->run.gate.passed != rows[i].passed)
      fail_msg("row %zu: passed %d, want %d", i, fx->run.gate.passed, rows[i].passed);
    size_t n = 0;
    while (n < 2 && rows[i].reasons[n]) n++;
    if (fx->run.gate.reasons.len != n)
      fail_msg("row %zu: %zu reasons, want %zu", i, fx->run.gate.reasons.len, n);
    for (size_t k = 0; k < n; k++)
      if (!strstr(fx->run.gate.reasons.items[k], rows[i].reasons[k]))
        fail_msg("row %zu: reason '%s' lacks '%s'", i, fx->run.gate.reasons.items[k], rows[i].reasons[k]);
    /* The ranking does not depend on the gate. */
    assert_ptr_equal(fx->run.pairs.items[0].model, fx->models[M_USER]);
    teardown((void **)&fx);
  }
}

static void test_formula_text(void **state)
{
  (void)state;
  const char *f = ar_score_formula();
  assert_non_null(f);
  assert_non_null(strstr(f, "risk(pair)"));
  assert_non_null(strstr(f, "untested"));
  assert_ptr_equal(f, ar_score_formula()); /* static */
}

/* ---- report ----------------------------------------------------------------------------------- */

static void test_messages(void **state)
{
  fixture *fx = *state;
  static const ar_rule_id rules[] = {AR_R101, AR_R102, AR_R103, AR_R104, AR_R105, AR_R201};
  for (size_t i = 0; i < sizeof rules / sizeof *rules; i++) {
    ar_finding *fd = add_finding(fx, F_SVC_A, M_CONTROL, rules[i], AR_CONF_CERTAIN, 1, "status");
    const char *m = ar_report_message(&fx->run.arena, fd);
    assert_non_null(m);
    if (!strstr(m, "Control") || !strstr(m, "'status'"))
      fail_msg("%s: message '%s' lacks the class or attribute", ar_rules[rules[i]].code, m);
    assert_null(strstr(m, "did you mean"));
    assert_null(strchr(m, '\n'));
    fd->suggestion = "implementation_status";
    const char *s = ar_report_message(&fx->run.arena, fd);
    assert_non_null(strstr(s, "did you mean 'implementation_status'"));
    assert_true(strncmp(s, m, strlen(m)) == 0); /* the same sentence, with the suggestion */
  }
}

/* Strings with every kind of character a JSON string must escape. */
static const char NASTY_ATTR[] = "we\"ird\\at\ttr\nx\x01\x1f";
static const char NASTY_FUNC[] = "f\r\"</script>\"";
static const char NASTY_SOURCE[] = "control.st = \"caf\xC3\xA9 \\u0000 \xE2\x82\xAC\"\t# tab";

static cJSON *render_json(fixture *fx)
{
  fx->cfg.format = AR_FMT_JSON;
  ar_buf out;
  ar_buf_init(&out, 0);
  assert_int_equal(ar_report_render(&fx->run, false, &out), AR_OK);
  assert_int_equal(strlen(out.ptr), out.len);
  cJSON *doc = cJSON_Parse(out.ptr);
  if (!doc) fail_msg("not JSON near: %.60s", cJSON_GetErrorPtr() ? cJSON_GetErrorPtr() : "?");
  ar_buf_dispose(&out);
  return doc;
}

static const char *jstr(const cJSON *o, const char *key)
{
  const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
  if (!cJSON_IsString(v)) fail_msg("key %s: not a string", key);
  return v->valuestring;
}

static double jnum(const cJSON *o, const char *key)
{
  const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
  if (!cJSON_IsNumber(v)) fail_msg("key %s: not a number", key);
  return v->valuedouble;
}

static void test_json_report(void **state)
{
  fixture *fx = *state;
  fx->run.root = "my \"root\"\\dir";
  set_cov(fx, F_SVC_A, true, 200, 150);
  ar_finding *fd = add_finding(fx, F_SVC_A, M_CONTROL, AR_R101, AR_CONF_LIKELY, 2, NASTY_ATTR);
  fd->func = NASTY_FUNC;
  fd->source = NASTY_SOURCE;
  fd->evidence = "assigned from session.get(Control, …)";
  fd->suggestion = "implementation_status";
  fd->pattern = "missing-field:status";
  fd->line = 205;
  fd->col = 5;
  fd->line_hits = 0;
  add_ref(fx, F_SVC_B, M_USER);
  fx->cfg.fail_on = AR_SEV_CRITICAL;
  ar_score_run(&fx->run, &fx->dg);
  cJSON *doc = render_json(fx);

  assert_string_equal(jstr(doc, "schema"), "alignrisk/1");
  assert_string_equal(jstr(doc, "root"), fx->run.root);

  const cJSON *findings = cJSON_GetObjectItemCaseSensitive(doc, "findings");
  assert_true(cJSON_IsArray(findings));
  assert_int_equal(cJSON_GetArraySize(findings), 1);
  const cJSON *f0 = cJSON_GetArrayItem(findings, 0);
  assert_string_equal(jstr(f0, "rule"), "AR101");
  assert_string_equal(jstr(f0, "name"), "unknown-attribute-write");
  assert_string_equal(jstr(f0, "severity"), "critical");
  assert_string_equal(jstr(f0, "confidence"), "likely");
  assert_string_equal(jstr(f0, "class"), "Control");
  assert_string_equal(jstr(f0, "attribute"), NASTY_ATTR); /* round-trips exactly */
  assert_string_equal(jstr(f0, "function"), NASTY_FUNC);
  assert_string_equal(jstr(f0, "file"), "app/services/a.py");
  assert_string_equal(jstr(f0, "suggestion"), "implementation_status");
  assert_string_equal(jstr(f0, "pattern"), "missing-field:status");
  assert_string_equal(jstr(f0, "fingerprint"), "0123456789abcdef");
  assert_close(jnum(f0, "line"), 205);
  assert_close(jnum(f0, "column"), 5);
  assert_close(jnum(f0, "recurrence"), 2);
  assert_true(cJSON_IsFalse(cJSON_GetObjectItemCaseSensitive(f0, "line_covered")));
  const char *msg = jstr(f0, "message");
  assert_non_null(strstr(msg, NASTY_ATTR));
  /* Optional keys, when present, carry the value exactly. */
  const cJSON *src = cJSON_GetObjectItemCaseSensitive(f0, "source");
  if (src) assert_string_equal(src->valuestring, NASTY_SOURCE);

  const cJSON *pairs = cJSON_GetObjectItemCaseSensitive(doc, "pairs");
  assert_int_equal(cJSON_GetArraySize(pairs), 2);
  const cJSON *p0 = cJSON_GetArrayItem(pairs, 0), *p1 = cJSON_GetArrayItem(pairs, 1);
  assert_close(jnum(p0, "rank"), 1);
  assert_string_equal(jstr(p0, "model"), "Control");
  assert_string_equal(jstr(p0, "service"), "app/services/a.py");
  assert_close(jnum(p0, "risk"), 10 * 0.7 * 1.5 * 150);
  assert_close(jnum(p0, "untested"), 150);
  assert_close(jnum(p0, "statements"), 200);
  assert_close(jnum(p0, "coverage"), 0.25);
  assert_true(cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(p0, "measured")));
  assert_close(jnum(p0, "findings"), 1);
  assert_true(cJSON_IsFalse(cJSON_GetObjectItemCaseSensitive(p0, "verified")));
  assert_string_equal(jstr(p1, "model"), "User");
  assert_true(cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(p1, "verified")));
  assert_close(jnum(p1, "rank"), 0);

  const cJSON *gate = cJSON_GetObjectItemCaseSensitive(doc, "gate");
  assert_true(cJSON_IsFalse(cJSON_GetObjectItemCaseSensitive(gate, "passed")));
  assert_true(cJSON_IsNull(cJSON_GetObjectItemCaseSensitive(gate, "fail_over")));
  assert_string_equal(jstr(gate, "fail_on"), "critical");
  const cJSON *reasons = cJSON_GetObjectItemCaseSensitive(gate, "reasons");
  assert_int_equal(cJSON_GetArraySize(reasons), 1);
  assert_non_null(strstr(cJSON_GetArrayItem(reasons, 0)->valuestring, "--fail-on critical"));
  cJSON_Delete(doc);
}

static void test_json_empty_run(void **state)
{
  fixture *fx = *state;
  fx->cfg.fail_over = 12.5;
  ar_score_run(&fx->run, &fx->dg);
  cJSON *doc = render_json(fx);
  assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(doc, "findings")), 0);
  assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(doc, "pairs")), 0);
  const cJSON *gate = cJSON_GetObjectItemCaseSensitive(doc, "gate");
  assert_true(cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(gate, "passed")));
  assert_close(jnum(gate, "fail_over"), 12.5);
  assert_true(cJSON_IsNull(cJSON_GetObjectItemCaseSensitive(gate, "fail_on")));
  assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(gate, "reasons")), 0);
  cJSON_Delete(doc);
}

static void test_render_limits_and_formats(void **state)
{
  fixture *fx = *state;
  set_cov(fx, F_SVC_A, true, 10, 5);
  add_finding(fx, F_SVC_A, M_CONTROL, AR_R101, AR_CONF_LIKELY, 1, "status");
  ar_score_run(&fx->run, &fx->dg);
  static const ar_format formats[] = {AR_FMT_TEXT, AR_FMT_JSON};
  for (size_t i = 0; i < 2; i++) {
    fx->cfg.format = formats[i];
    /* Whole or absent: a cap smaller than the report gives AR_ELIMIT and nothing. */
    ar_buf small;
    ar_buf_init(&small, 64);
    assert_int_equal(ar_report_render(&fx->run, false, &small), AR_ELIMIT);
    assert_int_equal(small.len, 0);
    ar_buf_dispose(&small);
    /* Without a cap problem, the report names the pair. */
    ar_buf out;
    ar_buf_init(&out, 0);
    assert_int_equal(ar_report_render(&fx->run, false, &out), AR_OK);
    assert_non_null(strstr(out.ptr, "Control"));
    assert_non_null(strstr(out.ptr, "app/services/a.py"));
    if (formats[i] == AR_FMT_TEXT) assert_null(strchr(out.ptr, '\033')); /* no colour asked */
    ar_buf_dispose(&out);
  }
  /* Colour only when asked. */
  fx->cfg.format = AR_FMT_TEXT;
  ar_buf out;
  ar_buf_init(&out, 0);
  assert_int_equal(ar_report_render(&fx->run, true, &out), AR_OK);
  assert_non_null(strchr(out.ptr, '\033'));
  ar_buf_dispose(&out);
  /* A format value this build does not know. */
  fx->cfg.format = (ar_format)99;
  ar_buf_init(&out, 0);
  assert_int_equal(ar_report_render(&fx->run, false, &out), AR_EUSAGE);
  ar_buf_dispose(&out);
}

int main(void)
{
#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)
  const struct CMUnitTest tests[] = {
      T(test_weights),
      T(test_weights_configurable),
      T(test_seed_example),
      T(test_ranking),
      T(test_include_tests),
      T(test_no_findings),
      cmocka_unit_test(test_gates),
      cmocka_unit_test(test_formula_text),
      T(test_messages),
      T(test_json_report),
      T(test_json_empty_run),
      T(test_render_limits_and_formats),
  };
#undef T
  return cmocka_run_group_tests(tests, NULL, NULL);
}
