/* SPDX-License-Identifier: MIT
 * coverage_apply.c - stage "coverage", second half: map the loaded report onto the
 * scanned files. Files absent from every report are "not measured": all their statements
 * count as untested, as an auditor would assume. */
#include <stdlib.h>
#include <string.h>

#include "alignrisk/coverage.h"

#define MAX_UNMAPPED_NAMES 5

void ar_coverage_apply(ar_run *run, ar_cov *cov)
{
  run->filecov = ar_xcalloc(run->files.len + 1, sizeof(ar_filecov));
  for (size_t i = 0; i < run->files.len; i++) {
    ar_file *f = run->files.items[i];
    ar_filecov *fc = &run->filecov[i];
    const ar_cov_file *cf = cov ? ar_cov_lookup(cov, f->path) : NULL;
    if (!cf) {
      fc->measured = false;
      fc->statements = fc->untested = f->statements;
      for (size_t k = 0; k < f->funcs.len; k++) /* not measured: every line untested */
        f->funcs.items[k].untested = f->funcs.items[k].end - f->funcs.items[k].start + 1;
      continue;
    }
    fc->measured = true;
    fc->statements = (uint32_t)cf->nlines;
    for (size_t k = 0; k < cf->nlines; k++)
      if (cf->hits[k] == 0) fc->untested++;
    /* Per function, for "test next": lines are sorted, functions few. */
    for (size_t k = 0; k < f->funcs.len; k++) {
      ar_func *fn = &f->funcs.items[k];
      for (size_t l = 0; l < cf->nlines; l++) {
        if (cf->lines[l] < fn->start || cf->lines[l] > fn->end) continue;
        fn->statements++;
        if (cf->hits[l] == 0) fn->untested++;
      }
    }
    ar_cov_release(cov, cf); /* one file's lines in memory at a time */
  }
  if (cov) {
    run->cov_files = ar_cov_count(cov);
    for (size_t i = 0; i < run->cov_files; i++) {
      const ar_cov_file *cf = ar_cov_at(cov, i);
      if (cf->matched) continue;
      run->cov_unmapped++;
      if (run->cov_unmapped_names.len < MAX_UNMAPPED_NAMES)
        AR_VEC_PUSH(&run->cov_unmapped_names, ar_arena_strdup(&run->arena, cf->name));
    }
  }
  /* Findings are sorted by file: one lookup per file, not per finding. */
  const ar_cov_file *cf = NULL;
  const ar_file *last = NULL;
  for (size_t i = 0; i < run->findings.len; i++) {
    ar_finding *fd = &run->findings.items[i];
    if (fd->file != last) {
      if (cf) ar_cov_release(cov, cf);
      last = fd->file;
      cf = cov ? ar_cov_lookup(cov, fd->file->path) : NULL;
    }
    fd->line_hits = cf ? (int)ar_cov_line_hits(cf, fd->line) : -1;
  }
  if (cf) ar_cov_release(cov, cf);
}
