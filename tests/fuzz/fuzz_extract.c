/* SPDX-License-Identifier: MIT
 * fuzz_extract.c - libFuzzer harness for the whole per-file pipeline on arbitrary Python
 * source. The input is one to eight files, each started by a line "#--- app/db.py" that
 * names it (so imports, bases and relationships can cross files); each is handed to the real parse stage through an
 * in-memory file (memfd, opened by path as the scan's files are), so it meets the same
 * size, NUL, UTF-8 and BOM checks before tree-sitter and extraction see it. Then resolve,
 * align (which re-reads the files for source lines), coverage (a synthetic LCOV report
 * over the files' lines), trends, scoring, every report format and the stage dumps:
 * everything `alignrisk` does after the scan, minus writing files. */
#include <string.h>
#include <sys/mman.h>
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
#include "fuzz.h"

#define MAX_FILES 8
#define MAX_PATH 96
#define SEPARATOR "\n#--- " /* then the next file's path, to the end of the line */

static int fds[MAX_FILES] = {-1, -1, -1, -1, -1, -1, -1, -1};

/* The same visitor pipeline.c gives the parse stage. */
static int extract_init(void **state, void *ctx, ar_diag *dg)
{
  const ar_config *cfg = ctx;
  int err = ar_extractor_new((ar_extractor **)state, dg);
  if (err == 0) ar_extractor_guess_names(*state, cfg->guess_names);
  return err;
}
static void extract_fini(void *state) { ar_extractor_free(state); }
static void extract_visit(void *state, ar_file *file, const TSTree *tree, const char *src,
                          size_t len, ar_arena *arena, ar_diag *dg)
{
  ar_extract_file(state, file, tree, src, len, arena, dg);
}

/* An in-memory file holding `n` bytes at `p`, reachable as /proc/self/fd/N. */
static const char *put_file(ar_run *run, int i, const uint8_t *p, size_t n)
{
  if (fds[i] < 0) {
    fds[i] = memfd_create("fuzz.py", MFD_CLOEXEC);
    FUZZ_CHECK(fds[i] >= 0);
  }
  FUZZ_CHECK(ftruncate(fds[i], 0) == 0);
  FUZZ_CHECK(n == 0 || pwrite(fds[i], p, n, 0) == (ssize_t)n);
  return ar_arena_printf(&run->arena, "/proc/self/fd/%d", fds[i]);
}

/* The relative path a "#--- " line names, made safe and unique: only [A-Za-z0-9_./-],
 * no empty, "." or ".." component, ending in ".py"; "app/models.py" when nothing is left
 * of it; "dupN/..." when an earlier file has it already (the scan never lists a path
 * twice). */
static const char *part_path(ar_run *run, int i, const uint8_t *p, size_t n)
{
  char buf[MAX_PATH + 16];
  size_t o = 0;
  for (size_t k = 0; k < n && o < MAX_PATH; k++) {
    char c = (char)p[k];
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '_' || c == '-' || c == '.' || c == '/';
    if (!ok) continue;
    if (c == '/' && (o == 0 || buf[o - 1] == '/')) continue;
    if (c == '.' && (o == 0 || buf[o - 1] == '/' || buf[o - 1] == '.')) continue;
    buf[o++] = c;
  }
  while (o && (buf[o - 1] == '/' || buf[o - 1] == '.')) o--;
  buf[o] = '\0';
  if (o == 0) strcpy(buf, "app/models.py");
  else if (o < 3 || strcmp(buf + o - 3, ".py") != 0) strcpy(buf + o, ".py");
  for (size_t k = 0; k < run->files.len; k++)
    if (strcmp(run->files.items[k]->path, buf) == 0)
      return ar_arena_printf(&run->arena, "dup%d/%s", i, buf);
  return ar_arena_strdup(&run->arena, buf);
}

static void add_file(ar_run *run, int i, const char *path, const uint8_t *p, size_t n)
{
  ar_file *f = ar_arena_alloc(&run->arena, sizeof *f);
  f->path = path;
  f->abspath = put_file(run, i, p, n);
  f->module = ar_scan_module_name(&run->arena, f->path);
  f->flags = ar_scan_path_flags(f->path);
  AR_VEC_PUSH(&run->files, f);
}

/* LCOV for every line of every file read: even lines hit, odd lines missed. */
static ar_cov *synthetic_coverage(const ar_run *run, ar_diag *dg)
{
  ar_buf lcov;
  ar_buf_init(&lcov, 1u << 24);
  int err = 0;
  for (size_t i = 0; i < run->files.len; i++) {
    const ar_file *f = run->files.items[i];
    err |= ar_buf_printf(&lcov, "SF:%s\n", f->path);
    for (uint32_t line = 1; line <= f->nlines && line <= 2000; line++)
      err |= ar_buf_printf(&lcov, "DA:%u,%u\n", line, (line + 1) % 2);
    err |= ar_buf_puts(&lcov, "end_of_record\n");
  }
  FUZZ_CHECK(err == 0);
  ar_cov *cov = ar_cov_new();
  err = ar_cov_load_mem(cov, lcov.ptr, lcov.len, "synthetic.lcov", dg);
  FUZZ_CHECK(err == 0);
  ar_buf_dispose(&lcov);
  return cov;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  static ar_config cfg;
  static bool ready;
  if (!ready) {
    ar_config_init(&cfg);
    cfg.jobs = 1; /* the calling thread parses: no threads to start per input */
    cfg.quiet = true;
    unsetenv("GITHUB_STEP_SUMMARY"); /* the github format would append to it */
    ready = true;
  }
  /* A flag byte would shift the source; the input's length picks the options instead. */
  cfg.guess_names = size % 2 == 1;
  cfg.include_tests = size % 3 == 1;
  cfg.min_confidence = size % 5 == 0 ? AR_CONF_POSSIBLE : AR_CONF_LIKELY;

  ar_diag dg;
  ar_run run;
  fuzz_diag_init(&dg);
  ar_run_init(&run, &cfg);
  run.root = ".";

  /* "#--- path" lines start each file; text before the first one is app/models.py. */
  const uint8_t *p = data, *end = data + size, *name, *eol;
  const char *path = "app/models.py";
  const size_t header = strlen(SEPARATOR) - 1; /* "#--- " at the very start */
  if (size >= header && memcmp(data, &SEPARATOR[1], header) == 0) {
    name = data + header;
    eol = memchr(name, '\n', (size_t)(end - name));
    path = part_path(&run, 0, name, (size_t)((eol ? eol : end) - name));
    p = eol ? eol + 1 : end;
  }
  for (int i = 0; i < MAX_FILES; i++) {
    const uint8_t *cut = i + 1 < MAX_FILES ? memmem(p, (size_t)(end - p), SEPARATOR, strlen(SEPARATOR)) : NULL;
    add_file(&run, i, path, p, (size_t)((cut ? cut + 1 : end) - p)); /* the '\n' ends it */
    if (!cut) break;
    name = cut + strlen(SEPARATOR);
    eol = memchr(name, '\n', (size_t)(end - name));
    path = part_path(&run, i + 1, name, (size_t)((eol ? eol : end) - name));
    p = eol ? eol + 1 : end;
  }

  const ar_parse_visitor visitor = {extract_init, extract_fini, extract_visit,
                                    ar_python_language(), &cfg};
  int err = ar_parse_run(&run, &visitor, &dg);
  FUZZ_CHECK(err == 0);
  ar_resolve_run(&run, &dg);
  ar_align_run(&run, &dg);
  ar_cov *cov = synthetic_coverage(&run, &dg);
  ar_coverage_apply(&run, cov);
  ar_history_apply(&run, NULL);
  ar_score_run(&run, &dg);
  if (dg.out)
    fprintf(dg.out, "fuzz_extract: %zu files (%zu skipped), %zu refs, %zu findings, %zu pairs\n",
            run.files.len, run.nskipped, run.nrefs, run.findings.len, run.pairs.len);
  for (size_t i = 0; i < run.findings.len; i++) {
    const ar_finding *fd = &run.findings.items[i];
    FUZZ_CHECK(fd->cls && fd->file && fd->attr && fd->fingerprint);
    FUZZ_CHECK(fd->line >= 1 && fd->line <= fd->file->nlines + 1);
  }

  /* Every format when there is something to report, else the default one. */
  static const ar_format formats[] = {AR_FMT_TEXT, AR_FMT_JSON, AR_FMT_MARKDOWN,
                                      AR_FMT_SARIF, AR_FMT_GITLAB, AR_FMT_GITHUB};
  size_t nformats = run.findings.len || run.pairs.len ? sizeof formats / sizeof formats[0] : 1;
  for (size_t i = 0; i < nformats; i++) {
    ar_buf out;
    ar_buf_init(&out, AR_MAX_REPORT_BYTES);
    cfg.format = formats[i];
    err = ar_report_render(&run, i == 0, &out);
    FUZZ_CHECK(err == 0);
    ar_buf_dispose(&out);
  }
  cfg.format = AR_FMT_TEXT;
  static const char *const dumps[] = {"models", "refs"};
  for (size_t i = 0; i < 2; i++) {
    ar_buf out;
    ar_buf_init(&out, AR_MAX_REPORT_BYTES);
    err = ar_report_dump(&run, dumps[i], &out);
    FUZZ_CHECK(err == 0);
    ar_buf_dispose(&out);
  }

  ar_cov_free(cov);
  ar_run_dispose(&run);
  ar_diag_dispose(&dg);
  return 0;
}
