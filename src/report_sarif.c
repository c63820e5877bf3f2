/* SPDX-License-Identifier: MIT
 * report_sarif.c - SARIF 2.1.0 for code scanning (GitHub, and any SARIF viewer): one run,
 * every rule of ar_rules[] in tool.driver.rules with its help, one result per finding with
 * a relative URI under %SRCROOT%, a region, a partial fingerprint and the risk.
 * Know before editing: tests/sarif/validate.sh checks the golden outputs against the
 * SARIF 2.1.0 JSON schema; keep output deterministic (no dates, no absolute paths). */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report_int.h"


#define INFO_URI "https://example.invalid/alignrisk"

/* SARIF has three levels that code scanning shows: error, warning, note. */
static const char *level(ar_severity s)
{
  return s >= AR_SEV_HIGH ? "error" : s == AR_SEV_MEDIUM ? "warning" : "note";
}

/* A relative URI reference: our paths already use '/', and everything outside RFC 3986's
 * unreserved set (and '/') is percent-encoded byte by byte, so spaces and UTF-8 survive. */
static int uri(ar_buf *out, const char *path)
{
  int err = ar_buf_putc(out, '"');
  for (const unsigned char *p = (const unsigned char *)path; *p && err == 0; p++) {
    if (isalnum(*p) || strchr("-._~/", *p)) err = ar_buf_putc(out, (char)*p);
    else err = ar_buf_printf(out, "%%%02X", *p);
  }
  return err ? err : ar_buf_putc(out, '"');
}

/* ---- rule help as Markdown -------------------------------------------------------------------- */

static size_t indent_of(const char *line, size_t n)
{
  size_t i = 0;
  while (i < n && line[i] == ' ') i++;
  return i;
}

/* Width of "  1. " when the line is a numbered list item, else 0. */
static size_t list_item(const char *line, size_t n)
{
  size_t i = indent_of(line, n), d = i;
  while (d < n && line[d] >= '0' && line[d] <= '9') d++;
  return d > i && d + 1 < n && line[d] == '.' && line[d + 1] == ' ' ? d + 2 : 0;
}

static int md_slice(ar_buf *out, const char *s, size_t n)
{
  char *tmp = ar_xstrndup(s, n);
  int err = ar_report__md_text(out, tmp);
  free(tmp);
  return err;
}

/* ar_rule_help's plain text to Markdown: the title line in bold, "  1. " items as a list,
 * lines indented deeper than the text around them as ```python blocks (inside a list item
 * when one is open), everything else as escaped text. */
#define CALL(e)                                                                                    \
  do {                                                                                             \
    if ((err = (e)) < 0) goto done;                                                                \
  } while (0)

static int help_markdown(ar_buf *out, const char *text)
{
  int err = 0;
  const char *p = text;
  bool first = true, in_code = false;
  size_t item = 0; /* text column of the open list item, 0 when none */
  size_t cut = 0;  /* indentation of the open code block's first line */
  const char *pad = "";
  while (*p) {
    const char *eol = strchr(p, '\n');
    size_t n = eol ? (size_t)(eol - p) : strlen(p);
    size_t ind = indent_of(p, n), li = list_item(p, n);
    bool blank = ind == n;
    bool code = !blank && !li && ind >= (item ? item + 1 : 4);
    if (in_code && !code) {
      P("%s```\n", pad);
      in_code = false;
    }
    if (first) {
      P("**");
      CALL(md_slice(out, p, n));
      P("**\n");
      first = false;
    } else if (blank) {
      item = 0;
      P("\n");
    } else if (code) {
      pad = item ? "   " : "";
      if (!in_code) {
        P("%s```python\n", pad);
        cut = ind; /* the block keeps its own relative indentation */
      }
      in_code = true;
      size_t c = ind < cut ? ind : cut;
      P("%s%.*s\n", pad, (int)(n - c), p + c);
    } else if (li) {
      item = li;
      P("%.*s", (int)(li - ind), p + ind);
      CALL(md_slice(out, p + li, n - li));
      P("\n");
    } else {
      if (item && ind) P("   "); /* a continuation line of the list item */
      else if (!ind) item = 0;
      CALL(md_slice(out, p + ind, n - ind));
      P("\n");
    }
    p = eol ? eol + 1 : p + n;
  }
  if (in_code) P("%s```\n", pad);
done:
  return err;
}

/* ---- rules and results ------------------------------------------------------------------------ */

static int rule(const ar_rule *r, ar_buf *out)
{
  int err = 0;
  ar_buf md;
  ar_buf_init(&md, AR_MAX_REPORT_BYTES);
  const char *help = ar_rule_help(r->code);
  char fallback[512];
  if (!help) {
    snprintf(fallback, sizeof fallback, "%s %s (%s)\n\nWhat: %s.\n\nEffect: %s.\n", r->code, r->name,
             ar_severity_name(r->severity), r->summary, r->effect);
    help = fallback;
  }
  P("        {\"id\": \"%s\", \"name\": \"%s\", \"shortDescription\": {\"text\": ", r->code, r->name);
  S(r->summary);
  P("},\n         \"fullDescription\": {\"text\": ");
  size_t nfull = strlen(r->summary) + strlen(r->effect) + 8;
  char *full = ar_xmalloc(nfull);
  snprintf(full, nfull, "%s: %s.", r->summary, r->effect);
  full[0] = (char)toupper((unsigned char)full[0]);
  err = ar_report__json_str(out, full);
  free(full);
  if (err < 0) goto done;
  P("},\n         \"help\": {\"text\": ");
  S(help);
  if ((err = help_markdown(&md, help)) < 0) goto done;
  P(", \"markdown\": ");
  S(md.ptr);
  P("},\n         \"defaultConfiguration\": {\"level\": \"%s\"},\n", level(r->severity));
  P("         \"properties\": {\"tags\": [\"correctness\", \"sqlalchemy\", \"%s\"], \"severity\": \"%s\"}}",
    r->family, ar_severity_name(r->severity));
done:
  ar_buf_dispose(&md);
  return err;
}

static int location(ar_buf *out, const char *path, uint32_t line, uint32_t col)
{
  int err = 0;
  P("\"physicalLocation\": {\"artifactLocation\": {\"uri\": ");
  if ((err = uri(out, path)) < 0) goto done;
  P(", \"uriBaseId\": \"%%SRCROOT%%\"}, \"region\": {\"startLine\": %u", line ? line : 1);
  if (col) P(", \"startColumn\": %u", col);
  P("}}");
done:
  return err;
}

static int result(const ar_run *run, const ar_finding *fd, const ar_pair *pair, const char *fingerprint,
                  ar_buf *out)
{
  int err = 0;
  ar_arena *arena = (ar_arena *)&run->arena; /* messages are built on demand */
  P("        {\"ruleId\": \"%s\", \"ruleIndex\": %d, \"level\": \"%s\",\n         \"message\": {\"text\": ",
    ar_rules[fd->rule].code, (int)fd->rule, level(fd->severity));
  S(ar_report_message(arena, fd));
  P("},\n         \"locations\": [{");
  if ((err = location(out, fd->file->path, fd->line, fd->col)) < 0) goto done;
  if (fd->func) {
    P(", \"logicalLocations\": [{\"fullyQualifiedName\": ");
    S(fd->func);
    P(", \"kind\": \"function\"}]");
  }
  P("}],\n");
  /* Where the class is defined: code scanning links it beside the result. */
  if (fd->cls->file) {
    P("         \"relatedLocations\": [{\"id\": 1, ");
    if ((err = location(out, fd->cls->file->path, fd->cls->line, 0)) < 0) goto done;
    P(", \"message\": {\"text\": ");
    S(ar_arena_printf(arena, "%s is defined here", fd->cls->name));
    P("}}],\n");
  }
  P("         \"partialFingerprints\": {\"alignrisk/v1\": ");
  S(fingerprint);
  P("},\n         \"properties\": {");
  if (pair) P("\"risk\": %.2f, \"rank\": %d, ", pair->risk, pair->rank);
  P("\"severity\": \"%s\", \"confidence\": \"%s\", \"class\": ", ar_severity_name(fd->severity),
    ar_confidence_name(fd->conf));
  S(fd->cls->name);
  P(", \"attribute\": ");
  S(fd->attr);
  P(", \"model\": ");
  S(fd->model->name);
  P(", \"pattern\": ");
  S(fd->pattern);
  P(", \"recurrence\": %d, \"trend\": \"%s\"", fd->recurrence, fd->trend == AR_TREND_NEW ? "new" : "persisting");
  if (fd->first_seen) {
    P(", \"firstSeen\": ");
    S(fd->first_seen);
  }
  P(", \"weight\": %.4f}}", fd->weight);
done:
  return err;
}

int ar_report__sarif(const ar_run *run, ar_buf *out)
{
  int err = 0;
  const char **fps = ar_report__fingerprints(run);
  const ar_pair **pairs = ar_report__pairs_of(run);
  P("{\n  \"$schema\": \"https://json.schemastore.org/sarif-2.1.0.json\",\n  \"version\": \"2.1.0\",\n");
  P("  \"runs\": [\n    {\n      \"tool\": {\"driver\": {\n");
  P("        \"name\": \"alignrisk\", \"version\": \"%s\", \"semanticVersion\": \"%s\",\n", AR_VERSION, AR_VERSION);
  P("        \"informationUri\": \"" INFO_URI "\",\n        \"rules\": [\n");
  for (int i = 0; i < AR_RULE_COUNT; i++) {
    if ((err = rule(&ar_rules[i], out)) < 0) goto done;
    P(i + 1 < AR_RULE_COUNT ? ",\n" : "\n");
  }
  P("        ]}},\n      \"results\": [\n");
  for (size_t i = 0; i < run->findings.len; i++) {
    if ((err = result(run, &run->findings.items[i], pairs[i], fps[i], out)) < 0) goto done;
    P(i + 1 < run->findings.len ? ",\n" : "\n");
  }
  P("      ],\n      \"properties\": {\"totalRisk\": %.2f, \"gatePassed\": %s", run->total_risk,
    run->gate.passed ? "true" : "false");
  if (run->last_checkpoint) {
    P(", \"lastCheckpoint\": ");
    S(run->last_checkpoint);
  }
  P("}\n    }\n  ]\n}\n");
done:
  return err;
}
