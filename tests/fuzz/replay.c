/* SPDX-License-Identifier: MIT
 * replay.c - a main() for the harnesses without libFuzzer: feeds every file named on the
 * command line, and every file inside each folder named (sorted, not recursive), to the
 * harness's LLVMFuzzerTestOneInput, one after the other in one process. gcc and the
 * sanitizer build replay the corpora and regression inputs with it (make fuzz-replay).
 * A failing input ends the process (sanitizer report, AR_ASSERT or FUZZ_CHECK); with -v
 * each input's name goes to stderr before it runs, so the last one names the culprit.
 * Prints "replay: N inputs" and exits 0 otherwise. */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fuzz.h"

static int run_file(const char *path, int verbose)
{
  FILE *fp = fopen(path, "rb");
  if (!fp) {
    fprintf(stderr, "replay: cannot open %s\n", path);
    return -1;
  }
  size_t cap = 4096, len = 0;
  unsigned char *buf = malloc(cap);
  for (;;) {
    if (!buf) break;
    if (len == cap) {
      unsigned char *nb = realloc(buf, cap *= 2);
      if (!nb) {
        free(buf);
        buf = NULL;
        break;
      }
      buf = nb;
    }
    size_t n = fread(buf + len, 1, cap - len, fp);
    if (n == 0) break;
    len += n;
  }
  fclose(fp);
  if (!buf) {
    fprintf(stderr, "replay: out of memory reading %s\n", path);
    return -1;
  }
  if (verbose) fprintf(stderr, "replay: %s\n", path);
  /* Exactly `len` bytes, in a block of exactly that size, as libFuzzer hands them over:
   * ASan then sees a read one past the end. */
  unsigned char *exact = malloc(len ? len : 1);
  if (!exact) {
    free(buf);
    return -1;
  }
  memcpy(exact, buf, len);
  free(buf);
  LLVMFuzzerTestOneInput(exact, len);
  free(exact);
  return 0;
}

static int cmp_name(const void *a, const void *b)
{
  return strcmp(*(char *const *)a, *(char *const *)b);
}

static int run_dir(const char *dir, int verbose, size_t *count)
{
  DIR *d = opendir(dir);
  if (!d) {
    fprintf(stderr, "replay: cannot open folder %s\n", dir);
    return -1;
  }
  char **names = NULL;
  size_t n = 0, cap = 0;
  struct dirent *e;
  while ((e = readdir(d))) {
    if (e->d_name[0] == '.') continue; /* ., .., and dot files (a README is not an input) */
    if (n == cap) {
      char **nn = realloc(names, (cap = cap ? cap * 2 : 64) * sizeof *names);
      if (!nn) break;
      names = nn;
    }
    names[n++] = strdup(e->d_name);
  }
  closedir(d);
  if (n) qsort(names, n, sizeof *names, cmp_name);
  int err = 0;
  for (size_t i = 0; i < n; i++) {
    size_t len = strlen(dir) + strlen(names[i]) + 2;
    char *path = malloc(len);
    struct stat st;
    if (path && names[i]) {
      snprintf(path, len, "%s/%s", dir, names[i]);
      if (stat(path, &st) == 0 && S_ISREG(st.st_mode)) {
        if (run_file(path, verbose) < 0) err = -1;
        else ++*count;
      }
    }
    free(path);
    free(names[i]);
  }
  free(names);
  return err;
}

int main(int argc, char **argv)
{
  int verbose = 0, err = 0;
  size_t count = 0;
  for (int i = 1; i < argc; i++) {
    struct stat st;
    if (strcmp(argv[i], "-v") == 0) {
      verbose = 1;
    } else if (stat(argv[i], &st) == 0 && S_ISDIR(st.st_mode)) {
      if (run_dir(argv[i], verbose, &count) < 0) err = 1;
    } else if (run_file(argv[i], verbose) == 0) {
      count++;
    } else {
      err = 1;
    }
  }
  printf("replay: %zu inputs\n", count);
  return err;
}
