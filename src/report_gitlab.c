/* SPDX-License-Identifier: MIT
 * report_gitlab.c - GitLab Code Quality (a subset of the Code Climate issue format): a JSON
 * array with one issue per finding, which merge requests show as new or resolved by
 * comparing fingerprints between the base and the head branch.
 * Know before editing: fingerprints must be unique within the report (GitLab keeps only
 * the first issue of a fingerprint), so they come from ar_report__fingerprints. */
#include "report_int.h"


/* GitLab's scale is info, minor, major, critical, blocker. "blocker" stays unused: a
 * critical finding is a likely runtime error, not a broken build. */
static const char *severity(ar_severity s)
{
  switch (s) {
  case AR_SEV_CRITICAL: return "critical";
  case AR_SEV_HIGH: return "major";
  case AR_SEV_MEDIUM: return "minor";
  default: return "info";
  }
}

int ar_report__gitlab(const ar_run *run, ar_buf *out)
{
  int err = 0;
  ar_arena *arena = (ar_arena *)&run->arena; /* messages are built on demand */
  const char **fps = ar_report__fingerprints(run);
  P("[");
  for (size_t i = 0; i < run->findings.len; i++) {
    const ar_finding *fd = &run->findings.items[i];
    P(i ? ",\n  " : "\n  ");
    P("{\"description\": ");
    S(ar_report_message(arena, fd));
    P(", \"check_name\": \"%s\", \"fingerprint\": ", ar_rules[fd->rule].code);
    S(fps[i]);
    P(", \"severity\": \"%s\", \"type\": \"issue\", \"categories\": [\"Bug Risk\"], \"location\": {\"path\": ",
      severity(fd->severity));
    S(fd->file->path);
    P(", \"lines\": {\"begin\": %u}}}", fd->line);
  }
  P("%s]\n", run->findings.len ? "\n" : "");
done:
  return err;
}
