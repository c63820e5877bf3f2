/* SPDX-License-Identifier: MIT
 * pipeline.c - the check, stage by stage; reads like the architecture diagram.
 * Know before editing: this is the only file that includes every stage's header, and
 * the only place where a stage's output becomes the next stage's input. */
#include "alignrisk/pipeline.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "alignrisk/align.h"
#include "alignrisk/buf.h"
#include "alignrisk/coverage.h"
#include "alignrisk/extract.h"
#include "alignrisk/history.h"
#include "alignrisk/parse.h"
#include "alignrisk/report.h"
#include "alignrisk/resolve.h"
#include "alignrisk/scan.h"
#include "alignrisk/score.h"

#define DEFAULT_COVERAGE "coverage.xml"
#define DEFAULT_HISTORY ".alignrisk/history.json"

/* ---- parse visitor: extraction in the workers ----------------------------------------------- */

static int extract_init(void **state, void *ctx, ar_diag *dg)
{
  const ar_run *run = ctx;
  int err = ar_extractor_new((ar_extractor **)state, dg);
  if (err == 0) {
    ar_extractor_guess_names(*state, run->cfg->guess_names);
    ar_extractor_scanned_modules(*state, &run->scanned_modules);
  }
  return err;
}

/* Every dotted prefix of every suffix of every scanned module's name, so that an import
 * of anything the scan holds is recognised however the project's import root lies. */
static void index_modules(ar_run *run)
{
  for (size_t i = 0; i < run->files.len; i++) {
    const char *m = run->files.items[i]->module;
    for (const char *start = m; start; start = strchr(start, '.') ? strchr(start, '.') + 1 : NULL) {
      for (const char *end = start;; end++) {
        if (*end == '.' || *end == '\0') {
          const char *key = ar_arena_strndup(&run->arena, start, (size_t)(end - start));
          if (!ar_map_get(&run->scanned_modules, key)) ar_map_put(&run->scanned_modules, key, (void *)key);
        }
        if (*end == '\0') break;
      }
    }
  }
}
static void extract_fini(void *state) { ar_extractor_free(state); }
static void extract_visit(void *state, ar_file *file, const TSTree *tree, const char *src, size_t len,
                          ar_arena *arena, ar_diag *dg)
{
  ar_extract_file(state, file, tree, src, len, arena, dg);
}

static bool exists(const char *path)
{
  struct stat st;
  return stat(path, &st) == 0;
}

/* ---- coverage and history inputs ------------------------------------------------------------ */

/* Where default inputs are looked for: the one folder being checked, else the working
 * folder. `alignrisk path/to/project` then finds that project's coverage and history. */
static const char *default_input(ar_run *run, const char *name)
{
  const ar_config *cfg = run->cfg;
  struct stat st;
  if (cfg->paths.len == 1 && stat(cfg->paths.items[0], &st) == 0 && S_ISDIR(st.st_mode) &&
      strcmp(cfg->paths.items[0], ".") != 0) {
    const char *p = ar_arena_printf(&run->arena, "%s/%s", cfg->paths.items[0], name);
    if (exists(p) || !exists(name)) return p;
  }
  return name;
}

static int load_coverage(ar_run *run, ar_cov **out, ar_diag *dg)
{
  const ar_config *cfg = run->cfg;
  const char *dflt = default_input(run, DEFAULT_COVERAGE);
  *out = NULL;
  if (!cfg->coverage.len && !exists(dflt)) return AR_OK; /* nothing measured */
  ar_cov *cov = ar_cov_new();
  int err = AR_OK;
  /* --path-map FROM=TO (the CLI checked the '='): prefixes rewritten before matching. */
  for (size_t i = 0; err == AR_OK && i < cfg->path_map.len; i++) {
    const char *map = cfg->path_map.items[i], *eq = strchr(map, '=');
    char *from = ar_xstrndup(map, eq ? (size_t)(eq - map) : strlen(map));
    if ((err = ar_cov_add_path_map(cov, from, eq ? eq + 1 : "")) < 0)
      ar_diag_errorf(dg, NULL, 0, 0, "--path-map %s: FROM must be a path prefix such as "
                     "/home/runner/work/app", map);
    free(from);
  }
  if (err == AR_OK && !cfg->coverage.len) err = ar_cov_load(cov, dflt, dg);
  for (size_t i = 0; err == AR_OK && i < cfg->coverage.len; i++) err = ar_cov_load(cov, cfg->coverage.items[i], dg);
  if (err < 0) {
    ar_cov_free(cov);
    return err;
  }
  *out = cov;
  return AR_OK;
}

static const char *history_path(ar_run *run)
{
  const ar_config *cfg = run->cfg;
  const char *dflt = default_input(run, DEFAULT_HISTORY);
  if (cfg->history) return cfg->history;
  if (cfg->record || exists(dflt)) return dflt;
  return NULL;
}

/* ---- --record --------------------------------------------------------------------------------- */

static int record(ar_run *run, const char *path, ar_diag *dg)
{
  const ar_config *cfg = run->cfg;
  char today[16];
  const char *date = cfg->now;
  if (!date) {
    time_t t = time(NULL);
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(today, sizeof today, "%Y-%m-%d", &tm);
    date = today;
  }
  ar_hist_entry *entries = ar_xcalloc(run->findings.len + 1, sizeof(*entries));
  ar_hist_pair *pairs = ar_xcalloc(run->pairs.len + 1, sizeof(*pairs));
  for (size_t i = 0; i < run->findings.len; i++) {
    const ar_finding *fd = &run->findings.items[i];
    entries[i] = (ar_hist_entry){.checkpoint = cfg->record, .rule = ar_rules[fd->rule].code,
                                 .pattern = fd->pattern, .model = fd->cls->name, .field = fd->attr,
                                 .service = fd->file->path, .severity = ar_severity_name(fd->severity),
                                 .fingerprint = fd->fingerprint};
  }
  size_t np = 0;
  for (size_t i = 0; i < run->pairs.len; i++)
    if (run->pairs.items[i].nfindings)
      pairs[np++] = (ar_hist_pair){.model = run->pairs.items[i].model->name,
                                   .service = run->pairs.items[i].service->path,
                                   .risk = run->pairs.items[i].risk};
  ar_hist_record rec = {.name = cfg->record, .date = date, .findings = entries,
                        .nfindings = run->findings.len, .pairs = pairs, .npairs = np,
                        .total_risk = run->total_risk};
  memcpy(rec.by_severity, run->by_severity, sizeof rec.by_severity);
  int err = ar_history_record(path, &rec, dg);
  free(entries);
  free(pairs);
  return err;
}

/* ---- output ------------------------------------------------------------------------------------ */

static int write_output(const ar_config *cfg, const ar_buf *report, FILE *out, ar_diag *dg)
{
  if (!cfg->output) {
    if (fwrite(report->ptr, 1, report->len, out) != report->len || fflush(out) != 0) {
      ar_diag_errorf(dg, NULL, 0, 0, "cannot write the report: %s", strerror(errno));
      return AR_ERROR;
    }
    return AR_OK;
  }
  /* A device or pipe (/dev/null, /dev/stdout, a FIFO) is written in place: renaming over
   * it would replace the device with a file. */
  struct stat st;
  if (stat(cfg->output, &st) == 0 && !S_ISREG(st.st_mode)) {
    FILE *fp = fopen(cfg->output, "wb");
    int err = (!fp || fwrite(report->ptr, 1, report->len, fp) != report->len) ? AR_ERROR : AR_OK;
    if (fp && fclose(fp) != 0) err = AR_ERROR;
    if (err) ar_diag_errorf(dg, cfg->output, 0, 0, "cannot write the report: %s", strerror(errno));
    return err;
  }
  /* A file is written whole or not at all: beside the target, then renamed over it. */
  size_t n = strlen(cfg->output) + 16;
  char *tmp = ar_xmalloc(n);
  snprintf(tmp, n, "%s.tmp%ld", cfg->output, (long)getpid());
  FILE *fp = fopen(tmp, "wb");
  int err = AR_OK;
  if (!fp || fwrite(report->ptr, 1, report->len, fp) != report->len || fflush(fp) != 0) err = AR_ERROR;
  if (fp && fclose(fp) != 0) err = AR_ERROR;
  if (err == AR_OK && rename(tmp, cfg->output) != 0) err = AR_ERROR;
  if (err) {
    ar_diag_errorf(dg, cfg->output, 0, 0, "cannot write the report: %s", strerror(errno));
    unlink(tmp);
  }
  free(tmp);
  return err;
}

static bool use_color(const ar_config *cfg, FILE *out)
{
  if (cfg->output || cfg->format != AR_FMT_TEXT || cfg->color == 0) return false;
  if (cfg->color == 1) return true;
  const char *nc = getenv("NO_COLOR");
  return !(nc && *nc) && isatty(fileno(out));
}

/* ---- the check --------------------------------------------------------------------------------- */

int ar_pipeline_check(const ar_config *cfg, FILE *out, ar_diag *dg)
{
  ar_run run;
  ar_cov *cov = NULL;
  ar_history *hist = NULL;
  ar_buf report;
  const char *hpath;
  const ar_parse_visitor visitor = {extract_init, extract_fini, extract_visit, ar_python_language(),
                                    &run};
  int err;
  ar_run_init(&run, cfg);
  ar_buf_init(&report, AR_MAX_REPORT_BYTES);
  hpath = history_path(&run);
  /* Progress only for a person watching: stderr is a terminal, and not --quiet or CI. */
  run.progress = !cfg->quiet && isatty(STDERR_FILENO) && !getenv("CI");

  /* Inputs that can fail are read first: a bad coverage or history file stops the run
   * before any work, and before anything is written. */
  if ((err = load_coverage(&run, &cov, dg)) < 0) goto done;
  if (hpath && (err = ar_history_load(&hist, hpath, cfg->history_explicit && !cfg->record, dg)) < 0) goto done;

  if ((err = ar_scan_run(&run, dg)) < 0) goto done;         /* 1 files, sorted */
  index_modules(&run);
  if ((err = ar_parse_run(&run, &visitor, dg)) < 0) goto done; /* 2 parse + extract, parallel */
  ar_resolve_run(&run, dg);                                 /* 3 names -> models, enums */
  ar_align_run(&run, dg);                                   /* 4 references -> findings */
  ar_coverage_apply(&run, cov);                             /* 5 untested lines */
  ar_history_apply(&run, hist);                             /* 6 recurrence, trends */
  ar_score_run(&run, dg);                                   /* 7 pairs, ranking, gate */
  if (cfg->record && (err = record(&run, hpath, dg)) < 0) goto done; /* 8 checkpoint */

  if (cfg->dump) err = ar_report_dump(&run, cfg->dump, &report); /* 9 report */
  else err = ar_report_render(&run, use_color(cfg, out), &report);
  if (err == AR_ELIMIT) ar_diag_errorf(dg, NULL, 0, 0, "the report is larger than %u MiB", AR_MAX_REPORT_BYTES >> 20);
  if (err == AR_EUSAGE) ar_diag_errorf(dg, NULL, 0, 0, "this build cannot render the requested format");
  if (err < 0) goto done;
  if ((err = write_output(cfg, &report, out, dg)) < 0) goto done;
  err = run.gate.passed ? 0 : 1;                            /* 10 gate */
done:
  ar_buf_dispose(&report);
  if (hist) ar_history_free(hist);
  if (cov) ar_cov_free(cov);
  ar_run_dispose(&run);
  return err < 0 ? 2 : err;
}
