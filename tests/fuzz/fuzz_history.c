/* SPDX-License-Identifier: MIT
 * fuzz_history.c - libFuzzer harness for the history reader (.alignrisk/history.json):
 * ar_history_load_mem on arbitrary bytes, then, for a history that loads, everything that
 * reads one (the `alignrisk history` table, the entry index checked against comparing
 * every pair, trends on an empty run) and
 * the promise that matters most: recording a checkpoint into a history that loads
 * succeeds, keeps every checkpoint it had, and writes a file that loads again. The
 * round trip runs in a private temp folder (in $FUZZ_TMPDIR, else on /dev/shm when there
 * is one), removed at exit. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "alignrisk/buf.h"
#include "alignrisk/history.h"
#include "fuzz.h"
#include "history_int.h"

#define REC_NAME "fuzz-recorded-checkpoint"

static char *tmp_dir;

static void remove_tmp(void)
{
  char path[4096];
  const char *const names[] = {"history.json", "history.json.lock"};
  for (size_t i = 0; i < 2; i++) {
    snprintf(path, sizeof path, "%s/%s", tmp_dir, names[i]);
    unlink(path);
  }
  rmdir(tmp_dir);
}

static const char *history_path(void)
{
  static char path[4096];
  if (!tmp_dir) {
    const char *base = getenv("FUZZ_TMPDIR"); /* run.sh: a folder it removes afterwards */
    if (!base || !*base) base = access("/dev/shm", W_OK) == 0 ? "/dev/shm" : getenv("TMPDIR");
    snprintf(path, sizeof path, "%s/alignrisk-fuzz-XXXXXX", base && *base ? base : "/tmp");
    tmp_dir = mkdtemp(path) ? strdup(path) : NULL;
    FUZZ_CHECK(tmp_dir != NULL);
    atexit(remove_tmp);
    snprintf(path, sizeof path, "%s/history.json", tmp_dir);
  }
  return path;
}

static bool has_checkpoint(const ar_history *h, const char *name)
{
  for (size_t i = 0; i < h->ncheckpoints; i++)
    if (h->checkpoints[i].name && strcmp(h->checkpoints[i].name, name) == 0) return true;
  return false;
}

static void round_trip(const uint8_t *data, size_t size, const ar_history *h, ar_diag *dg)
{
  const char *path = history_path();
  FILE *fp = fopen(path, "wb");
  FUZZ_CHECK(fp != NULL);
  FUZZ_CHECK(fwrite(data, 1, size, fp) == size);
  FUZZ_CHECK(fclose(fp) == 0);

  const ar_hist_entry finding = {.checkpoint = REC_NAME, .rule = "AR101",
                                 .model = "Model", .field = "status", .service = "app/s.py",
                                 .severity = "critical", .fingerprint = "0123456789abcdef"};
  const ar_hist_pair pair = {.model = "Model", .service = "app/s.py", .risk = 7.5};
  ar_hist_record rec = {.name = REC_NAME, .date = "2025-11-18", .findings = &finding,
                        .nfindings = 1, .pairs = &pair, .npairs = 1, .total_risk = 7.5,
                        .by_severity = {0, 0, 0, 1}};
  /* A history that loads must take a new checkpoint (nothing here is over a size cap). */
  int err = ar_history_record(path, &rec, dg);
  FUZZ_CHECK(err == 0);
  ar_history *again = NULL;
  err = ar_history_load(&again, path, true, dg);
  FUZZ_CHECK(err == 0 && again != NULL);
  size_t want = h->ncheckpoints + (has_checkpoint(h, REC_NAME) ? 0 : 1);
  FUZZ_CHECK(again->ncheckpoints == want);
  FUZZ_CHECK(has_checkpoint(again, REC_NAME));
  for (size_t i = 0; i < h->ncheckpoints; i++)
    if (h->checkpoints[i].name) FUZZ_CHECK(has_checkpoint(again, h->checkpoints[i].name));
  ar_history_free(again);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  ar_diag dg;
  ar_history *h = NULL;
  fuzz_diag_init(&dg);
  if (ar_history_load_mem(&h, (const char *)data, size, "history.json", &dg) == 0) {
    FUZZ_CHECK(h != NULL);
    ar_buf out;
    ar_buf_init(&out, 1u << 24);
    int err = ar_history_table(&out, h, "history.json");
    FUZZ_CHECK(err == 0);
    ar_buf_dispose(&out);
    /* The index answers what comparing every pair answers (history_int.h). */
    ar_hist__index ix;
    ar_history__index_init(&ix, h->entries, h->nentries);
    for (size_t i = 0; i < h->nentries && i < 256; i++) {
      size_t want = SIZE_MAX;
      for (size_t j = 0; j < h->nentries && want == SIZE_MAX; j++)
        if (ar_history_same_entry(&h->entries[j], &h->entries[i])) want = j;
      FUZZ_CHECK(ar_history__index_first(&ix, &h->entries[i]) == want);
    }
    ar_history__index_dispose(&ix);
    for (size_t i = 0; i < h->ncheckpoints; i++) {
      const ar_hist_checkpoint *c = &h->checkpoints[i];
      FUZZ_CHECK(c->first + c->count <= h->nentries);
      FUZZ_CHECK(c->pair_first + c->pair_count <= h->npairs);
    }
    /* Trends against a run with no findings: everything the last checkpoint had is fixed. */
    ar_config cfg;
    ar_run run;
    ar_config_init(&cfg);
    ar_run_init(&run, &cfg);
    ar_history_apply(&run, h);
    ar_run_dispose(&run);
    ar_config_dispose(&cfg);
    round_trip(data, size, h, &dg);
    ar_history_free(h);
  } else {
    FUZZ_CHECK(h == NULL);
  }
  ar_diag_dispose(&dg);
  return 0;
}
