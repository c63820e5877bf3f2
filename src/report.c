/* SPDX-License-Identifier: MIT
 * report.c - stage "report": format dispatch and what all renderers share
 * (the finding message, JSON and Markdown escaping, coverage ratios, unique fingerprints). */
#include <stdio.h>
#include <string.h>

#include "report_int.h"

int ar_report_render(const ar_run *run, bool color, ar_buf *out)
{
  switch (run->cfg->format) {
  case AR_FMT_TEXT: return ar_report__text(run, color, out);
  case AR_FMT_JSON: return ar_report__json(run, out);
  case AR_FMT_MARKDOWN: return ar_report__markdown(run, out);
  case AR_FMT_SARIF: return ar_report__sarif(run, out);
  case AR_FMT_GITLAB: return ar_report__gitlab(run, out);
  case AR_FMT_GITHUB: return ar_report__github(run, out);
  default: return AR_EUSAGE;
  }
}

const char *ar_report_message(ar_arena *arena, const ar_finding *fd)
{
  const char *c = fd->cls->name, *a = fd->attr;
  const char *m;
  switch (fd->rule) {
  case AR_R101: m = ar_arena_printf(arena, "%s has no field '%s': the assignment is never persisted", c, a); break;
  case AR_R102: m = ar_arena_printf(arena, "%s has no attribute '%s': reading it raises AttributeError", c, a); break;
  case AR_R103: m = ar_arena_printf(arena, "%s has no attribute '%s': %s.%s raises AttributeError", c, a, c, a); break;
  case AR_R104: m = ar_arena_printf(arena, "%s has no field '%s': %s(%s=…) raises TypeError", c, a, c, a); break;
  case AR_R105: m = ar_arena_printf(arena, "%s has no column '%s': filter_by(%s=…) raises InvalidRequestError", c, a, a); break;
  case AR_R201: m = ar_arena_printf(arena, "%s has no member '%s': %s.%s raises AttributeError", c, a, c, a); break;
  default: /* AR202-AR205: the value and the column type are in the detail */
    m = ar_arena_printf(arena, "%s.%s: %s", c, a, fd->detail ? fd->detail : ar_rules[fd->rule].summary);
    break;
  }
  if (fd->suggestion) m = ar_arena_printf(arena, "%s (did you mean '%s'?)", m, fd->suggestion);
  return m;
}

double ar_report__coverage(const ar_filecov *c)
{
  if (!c->statements) return 1.0;
  return (double)(c->statements - c->untested) / (double)c->statements;
}

int ar_report__pct(const ar_filecov *c) { return (int)(ar_report__coverage(c) * 100.0 + 0.5); }

int ar_report__json_str(ar_buf *out, const char *s)
{
  int err;
  if (!s) return ar_buf_puts(out, "null");
  if ((err = ar_buf_putc(out, '"')) < 0) return err;
  for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
    const char *esc = NULL;
    char tmp[8];
    switch (*p) {
    case '"': esc = "\\\""; break;
    case '\\': esc = "\\\\"; break;
    case '\n': esc = "\\n"; break;
    case '\r': esc = "\\r"; break;
    case '\t': esc = "\\t"; break;
    default:
      if (*p < 0x20) {
        snprintf(tmp, sizeof tmp, "\\u%04x", *p);
        esc = tmp;
      }
    }
    if ((err = esc ? ar_buf_puts(out, esc) : ar_buf_putc(out, (char)*p)) < 0) return err;
  }
  return ar_buf_putc(out, '"');
}

/* ---- Markdown ---------------------------------------------------------------------------- */

int ar_report__md_text(ar_buf *out, const char *s)
{
  int err = 0;
  for (const char *p = s ? s : ""; *p && err == 0; p++) {
    /* CommonMark lets any ASCII punctuation be backslash-escaped, so over-escaping is
     * harmless; these are the ones that can change what the text means: emphasis, code,
     * links and images, raw HTML, entities, table cells, strikethrough. */
    if (strchr("\\`*_[]<>&|~!#", *p) && *p) err = ar_buf_putc(out, '\\');
    if (err == 0) err = ar_buf_putc(out, *p == '\n' || *p == '\r' ? ' ' : *p);
  }
  return err;
}

int ar_report__md_code(ar_buf *out, const char *s, bool in_table)
{
  int err = 0;
  size_t run = 0, longest = 0, n;
  if (!s) s = "";
  n = strlen(s);
  for (const char *p = s; *p; p++) {
    run = *p == '`' ? run + 1 : 0;
    if (run > longest) longest = run;
  }
  /* A span that starts or ends with a backtick (or a space) needs a space of padding,
   * which CommonMark strips again. */
  bool pad = n && (s[0] == '`' || s[n - 1] == '`' || s[0] == ' ' || s[n - 1] == ' ');
  for (size_t i = 0; i <= longest && err == 0; i++) err = ar_buf_putc(out, '`');
  if (pad && err == 0) err = ar_buf_putc(out, ' ');
  for (const char *p = s; *p && err == 0; p++) {
    if (*p == '|' && in_table) err = ar_buf_puts(out, "\\|");
    else err = ar_buf_putc(out, *p == '\n' || *p == '\r' ? ' ' : *p);
  }
  if (pad && err == 0) err = ar_buf_putc(out, ' ');
  for (size_t i = 0; i <= longest && err == 0; i++) err = ar_buf_putc(out, '`');
  return err;
}

/* ---- what several machine formats need --------------------------------------------------- */

const char **ar_report__fingerprints(const ar_run *run)
{
  ar_arena *arena = (ar_arena *)&run->arena; /* report strings live in the run's arena */
  const char **fps = ar_arena_alloc(arena, (run->findings.len + 1) * sizeof(*fps));
  ar_map seen; /* fingerprint -> how many findings had it so far */
  ar_map_init(&seen);
  for (size_t i = 0; i < run->findings.len; i++) {
    const char *fp = run->findings.items[i].fingerprint;
    uintptr_t k = (uintptr_t)ar_map_get(&seen, fp) + 1;
    ar_map_put(&seen, fp, (void *)k);
    fps[i] = k == 1 ? fp : ar_arena_printf(arena, "%s-%lu", fp, (unsigned long)k);
  }
  ar_map_dispose(&seen);
  return fps;
}

const ar_pair **ar_report__pairs_of(const ar_run *run)
{
  /* The score stage gave each finding its pair; this only turns indexes into pointers. */
  ar_arena *arena = (ar_arena *)&run->arena;
  const ar_pair **out = ar_arena_alloc(arena, (run->findings.len + 1) * sizeof(*out));
  for (size_t i = 0; i < run->findings.len; i++) {
    int k = run->findings.items[i].pair;
    out[i] = k >= 0 ? &run->pairs.items[k] : NULL;
  }
  return out;
}

const char *ar_report__ordinal(int n)
{
  int t = n % 100;
  if (t >= 11 && t <= 13) return "th";
  switch (n % 10) {
  case 1: return "st";
  case 2: return "nd";
  case 3: return "rd";
  default: return "th";
  }
}
