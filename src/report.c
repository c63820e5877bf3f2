/* SPDX-License-Identifier: MIT
 * report.c - stage "report": format dispatch and what all renderers share
 * (the finding message, JSON string escaping, coverage ratios). */
#include <stdio.h>
#include <string.h>

#include "report_int.h"

int ar_report_render(const ar_run *run, bool color, ar_buf *out)
{
  switch (run->cfg->format) {
  case AR_FMT_TEXT: return ar_report__text(run, color, out);
  case AR_FMT_JSON: return ar_report__json(run, out);
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
  default: m = ar_arena_printf(arena, "%s.%s: %s", c, a, ar_rules[fd->rule].summary); break;
  }
  if (fd->suggestion) m = ar_arena_printf(arena, "%s (did you mean '%s'?)", m, fd->suggestion);
  return m;
}

double ar_report__coverage(const ar_filecov *c)
{
  if (!c->statements) return 1.0;
  return (double)(c->statements - c->untested) / (double)c->statements;
}

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
