/* SPDX-License-Identifier: MIT
 * report_json.c - the JSON report, schema "alignrisk/1" (DESIGN.md "Interface").
 * Keys keep their meaning for as long as the schema value stays; new keys may be added.
 * Numbers use fixed formats so the output is byte-for-byte reproducible. */
#include "report_int.h"


static int finding(const ar_run *run, const ar_finding *fd, ar_buf *out)
{
  int err = 0;
  ar_arena *arena = (ar_arena *)&run->arena; /* messages are built on demand */
  const ar_rule *r = &ar_rules[fd->rule];
  P("{\"rule\": \"%s\", \"name\": \"%s\", \"severity\": \"%s\", \"confidence\": \"%s\", \"class\": ",
    r->code, r->name, ar_severity_name(fd->severity), ar_confidence_name(fd->conf));
  S(fd->cls->name);
  P(", \"attribute\": ");
  S(fd->attr);
  P(", \"model\": ");
  S(fd->model->name);
  P(", \"file\": ");
  S(fd->file->path);
  P(", \"line\": %u, \"column\": %u, \"function\": ", fd->line, fd->col);
  S(fd->func);
  P(", \"message\": ");
  S(ar_report_message(arena, fd));
  P(", \"suggestion\": ");
  S(fd->suggestion);
  P(", \"pattern\": ");
  S(fd->pattern);
  P(", \"recurrence\": %d, \"earlier\": ", fd->recurrence);
  S(fd->earlier);
  P(", \"fingerprint\": \"%s\", \"line_covered\": %s, \"weight\": %.4f, \"trend\": \"%s\", \"first_seen\": ",
    fd->fingerprint, fd->line_hits < 0 ? "null" : fd->line_hits > 0 ? "true" : "false", fd->weight,
    fd->trend == AR_TREND_NEW ? "new" : "persisting");
  S(fd->first_seen);
  P(", \"evidence\": ");
  S(fd->evidence);
  P(", \"source\": ");
  S(fd->source);
  P("}");
done:
  return err;
}

int ar_report__json(const ar_run *run, ar_buf *out)
{
  int err = 0;
  const ar_config *cfg = run->cfg;
  P("{\n  \"schema\": \"alignrisk/1\",\n  \"version\": \"%s\",\n  \"root\": ", AR_VERSION);
  S(run->root);
  P(",\n  \"summary\": {\"files\": %zu, \"skipped\": %zu, \"models\": %zu, \"enums\": %zu, "
    "\"references\": %zu, \"findings\": %zu, \"critical\": %zu, \"high\": %zu, \"medium\": %zu, "
    "\"low\": %zu, \"total_risk\": %.2f, \"coverage_files\": %zu, \"coverage_unmapped\": %zu, "
    "\"coverage_unmapped_names\": [",
    run->files.len, run->nskipped, run->nmodels, run->nenums, run->nrefs, run->findings.len,
    run->by_severity[AR_SEV_CRITICAL], run->by_severity[AR_SEV_HIGH], run->by_severity[AR_SEV_MEDIUM],
    run->by_severity[AR_SEV_LOW], run->total_risk, run->cov_files, run->cov_unmapped);
  for (size_t i = 0; i < run->cov_unmapped_names.len; i++) {
    if (i) P(", ");
    S(run->cov_unmapped_names.items[i]);
  }
  P("], \"checkpoints\": %zu, \"last_checkpoint\": ", run->ncheckpoints);
  S(run->last_checkpoint);
  P(", \"formula\": \"risk(pair) = sum(severity x confidence x (1 + %g x (recurrence - 1))) x max(1, untested)\"},\n",
    cfg->repeat_step);
  P("  \"findings\": [");
  for (size_t i = 0; i < run->findings.len; i++) {
    P(i ? ",\n    " : "\n    ");
    if ((err = finding(run, &run->findings.items[i], out)) < 0) goto done;
  }
  P("%s],\n  \"pairs\": [", run->findings.len ? "\n  " : "");
  for (size_t i = 0; i < run->pairs.len; i++) {
    const ar_pair *p = &run->pairs.items[i];
    P(i ? ",\n    " : "\n    ");
    P("{\"rank\": %d, \"model\": ", p->rank);
    S(p->model->name);
    P(", \"service\": ");
    S(p->service->path);
    P(", \"risk\": %.2f, \"untested\": %u, \"statements\": %u, \"coverage\": %.4f, "
      "\"measured\": %s, \"findings\": %zu, \"verified\": %s}",
      p->risk, p->cov.untested, p->cov.statements, ar_report__coverage(&p->cov),
      p->cov.measured ? "true" : "false", p->nfindings, p->nfindings ? "false" : "true");
  }
  P("%s],\n  \"fixed\": [", run->pairs.len ? "\n  " : "");
  for (size_t i = 0; i < run->fixed.len; i++) {
    const ar_fixed *fx = &run->fixed.items[i];
    P(i ? ", " : "");
    P("{\"rule\": ");
    S(fx->rule);
    P(", \"class\": ");
    S(fx->model);
    P(", \"attribute\": ");
    S(fx->field);
    P(", \"file\": ");
    S(fx->service);
    P(", \"first_seen\": ");
    S(fx->first_seen);
    P("}");
  }
  P("],\n  \"gate\": {\"passed\": %s, \"fail_over\": ", run->gate.passed ? "true" : "false");
  if (cfg->fail_over >= 0) P("%g", cfg->fail_over);
  else P("null");
  P(", \"fail_on\": ");
  S(cfg->fail_on >= 0 ? ar_severity_name((ar_severity)cfg->fail_on) : NULL);
  P(", \"new_only\": %s, \"reasons\": [", cfg->new_only ? "true" : "false");
  for (size_t i = 0; i < run->gate.reasons.len; i++) {
    if (i) P(", ");
    S(run->gate.reasons.items[i]);
  }
  P("]}\n}\n");
done:
  return err;
}
