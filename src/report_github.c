/* SPDX-License-Identifier: MIT
 * report_github.c - GitHub Actions workflow commands: one `::error file=…,line=…::…`
 * annotation per finding, riskiest pairs first, at most 10 per level (GitHub shows no
 * more per step), then one notice per level counting the rest. When GITHUB_STEP_SUMMARY
 * names a file, the Markdown report is appended to it, so the job page has every finding.
 * Know before editing: that append is a side effect of rendering, best effort by design:
 * a failure becomes a ::warning:: in the output, never a failed run. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report_int.h"

#define DATA(s)                                                                                    \
  do {                                                                                             \
    if ((err = escape(out, (s), false)) < 0) goto done;                                            \
  } while (0)
#define PROP(s)                                                                                    \
  do {                                                                                             \
    if ((err = escape(out, (s), true)) < 0) goto done;                                             \
  } while (0)

#define MAX_PER_LEVEL 10

enum { LV_ERROR, LV_WARNING, LV_NOTICE, LV_COUNT };
static const char *const level_names[LV_COUNT] = {"error", "warning", "notice"};

static int level_of(ar_severity s) { return s >= AR_SEV_HIGH ? LV_ERROR : s == AR_SEV_MEDIUM ? LV_WARNING : LV_NOTICE; }

/* The runner's escaping (actions/toolkit command.ts): in the message '%', CR and LF; in a
 * property value also ':' and ',', which would end the value. */
static int escape(ar_buf *out, const char *s, bool prop)
{
  int err = 0;
  for (const char *p = s ? s : ""; *p && err == 0; p++) {
    switch (*p) {
    case '%': err = ar_buf_puts(out, "%25"); break;
    case '\r': err = ar_buf_puts(out, "%0D"); break;
    case '\n': err = ar_buf_puts(out, "%0A"); break;
    case ':': err = prop ? ar_buf_puts(out, "%3A") : ar_buf_putc(out, ':'); break;
    case ',': err = prop ? ar_buf_puts(out, "%2C") : ar_buf_putc(out, ','); break;
    default: err = ar_buf_putc(out, *p);
    }
  }
  return err;
}

/* Annotation order: findings of ranked pairs by rank, then those outside services; within
 * each, the run's order (path, line, column). Only the first 10 of a level are shown. */
typedef struct item {
  const ar_finding *fd;
  const ar_pair *pair;
  size_t index;
} item;

static int cmp_item(const void *a, const void *b)
{
  const item *x = a, *y = b;
  int rx = x->pair ? x->pair->rank : 1 << 30, ry = y->pair ? y->pair->rank : 1 << 30;
  if (rx != ry) return rx < ry ? -1 : 1;
  return x->index < y->index ? -1 : x->index > y->index;
}

/* GitHub refuses a step summary over 1 MiB (and then shows none of it). A report that big
 * keeps its head (title, Summary, Work list: everything before the per-finding details),
 * cut at a section boundary so no code fence is left open, and says where the rest is. */
#define STEP_SUMMARY_MAX (1024u * 1024u - 1024u)

static size_t summary_cut(const ar_buf *md)
{
  if (md->len <= STEP_SUMMARY_MAX) return md->len;
  const char *findings = strstr(md->ptr, "\n## Findings\n");
  size_t head = findings ? (size_t)(findings - md->ptr) + 1 : 0;
  return head <= STEP_SUMMARY_MAX ? head : 0;
}

/* Best effort: the step summary is a convenience, the annotations are the output. */
static int step_summary(const ar_run *run, ar_buf *out)
{
  int err = 0;
  const char *path = getenv("GITHUB_STEP_SUMMARY");
  ar_buf md;
  if (!path || !*path) return 0;
  ar_buf_init(&md, AR_MAX_REPORT_BYTES);
  const char *why = NULL;
  if (ar_report__markdown(run, &md) < 0) {
    why = "the report is too large";
  } else {
    size_t n = summary_cut(&md);
    FILE *fp = fopen(path, "a");
    bool ok = fp && fwrite(md.ptr, 1, n, fp) == n;
    if (ok && n < md.len)
      ok = fprintf(fp, "%s*The full report (%zu bytes) is larger than a step summary can hold: "
                       "run alignrisk with `--format markdown --output FILE` for all of it.*\n",
                   n ? "\n" : "", md.len) > 0;
    if (!ok) why = strerror(errno);
    if (fp && fclose(fp) != 0 && ok) why = strerror(errno);
  }
  if (why) {
    P("::warning title=alignrisk::cannot append the Markdown report to GITHUB_STEP_SUMMARY (");
    DATA(path);
    P("): ");
    DATA(why);
    P("\n");
  }
done:
  ar_buf_dispose(&md);
  return err;
}

int ar_report__github(const ar_run *run, ar_buf *out)
{
  int err = 0;
  ar_arena *arena = (ar_arena *)&run->arena; /* messages are built on demand */
  size_t shown[LV_COUNT] = {0}, hidden[LV_COUNT] = {0};
  const ar_pair **pairs = ar_report__pairs_of(run);
  item *items = ar_xcalloc(run->findings.len + 1, sizeof(*items));
  for (size_t i = 0; i < run->findings.len; i++) items[i] = (item){&run->findings.items[i], pairs[i], i};
  if (run->findings.len > 1) qsort(items, run->findings.len, sizeof(*items), cmp_item);

  /* A failed gate is what fails the job: say why first, within the error budget. */
  if (!run->gate.passed)
    for (size_t i = 0; i < run->gate.reasons.len && shown[LV_ERROR] < MAX_PER_LEVEL; i++) {
      P("::error title=alignrisk gate failed::");
      DATA(run->gate.reasons.items[i]);
      P("\n");
      shown[LV_ERROR]++;
    }
  for (size_t i = 0; i < run->findings.len; i++) {
    const ar_finding *fd = items[i].fd;
    const ar_rule *r = &ar_rules[fd->rule];
    int lv = level_of(fd->severity);
    if (shown[lv] >= MAX_PER_LEVEL) {
      hidden[lv]++;
      continue;
    }
    shown[lv]++;
    P("::%s file=", level_names[lv]);
    PROP(fd->file->path);
    P(",line=%u,col=%u,title=", fd->line, fd->col);
    PROP(ar_arena_printf(arena, "%s %s (%s, %s)", r->code, r->name, ar_severity_name(fd->severity),
                         ar_confidence_name(fd->conf)));
    P("::");
    DATA(ar_report_message(arena, fd));
    if (items[i].pair) P(" [pair rank %d, risk %.1f]", items[i].pair->rank, items[i].pair->risk);
    if (fd->recurrence > 1) {
      P(" Recurring pattern ");
      DATA(fd->pattern);
      P(", instance %d.", fd->recurrence);
    }
    P("\n");
  }
  for (int lv = 0; lv < LV_COUNT; lv++)
    if (hidden[lv])
      P("::notice title=alignrisk::%zu more %s%s not shown: GitHub shows %d annotations per level; the step "
        "summary and --format sarif list every finding\n",
        hidden[lv], level_names[lv], hidden[lv] == 1 ? "" : "s", MAX_PER_LEVEL);
  err = step_summary(run, out);
done:
  free(items);
  return err;
}
