/* SPDX-License-Identifier: MIT
 * scan.c - stage "scan": find the .py files under the given paths, in a stable order.
 * Paths are made relative to the scan root (the one folder given, else the working
 * folder) with '/' separators; module names come from those paths, so namespace
 * packages need no __init__.py. */
#include "alignrisk/scan.h"

#include <dirent.h>
#include <errno.h>
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static const char *const skip_dirs[] = {".git", ".hg", ".svn", "node_modules", "__pycache__",
                                        ".tox", ".nox", ".mypy_cache", ".pytest_cache",
                                        ".ruff_cache", ".eggs", "site-packages", ".venv", "venv",
                                        "build", "dist", ".alignrisk", NULL};

static bool ends_with(const char *s, const char *suffix)
{
  size_t a = strlen(s), b = strlen(suffix);
  return a >= b && strcmp(s + a - b, suffix) == 0;
}

uint32_t ar_scan_path_flags(const char *rel)
{
  uint32_t flags = 0;
  const char *base = strrchr(rel, '/');
  base = base ? base + 1 : rel;
  if (strcmp(base, "__init__.py") == 0) flags |= AR_FILE_INIT;
  if (strncmp(base, "test_", 5) == 0 || ends_with(base, "_test.py") || strcmp(base, "conftest.py") == 0)
    flags |= AR_FILE_TEST;
  /* A folder named tests/ or test/ anywhere on the path. */
  for (const char *p = rel; *p;) {
    const char *slash = strchr(p, '/');
    if (!slash) break;
    size_t n = (size_t)(slash - p);
    if ((n == 5 && strncmp(p, "tests", 5) == 0) || (n == 4 && strncmp(p, "test", 4) == 0))
      flags |= AR_FILE_TEST;
    if (n == 8 && strncmp(p, "versions", 8) == 0 &&
        (strstr(rel, "alembic") || strstr(rel, "migrations")))
      flags |= AR_FILE_MIGRATION;
    p = slash + 1;
  }
  return flags;
}

const char *ar_scan_module_name(ar_arena *arena, const char *rel)
{
  size_t n = strlen(rel);
  if (ends_with(rel, ".py")) n -= 3;
  char *m = ar_arena_strndup(arena, rel, n);
  for (char *p = m; *p; p++)
    if (*p == '/') *p = '.';
  size_t mn = strlen(m);
  if (mn >= 9 && strcmp(m + mn - 9, ".__init__") == 0) m[mn - 9] = '\0';
  else if (strcmp(m, "__init__") == 0) m[0] = '\0';
  return m;
}

typedef struct scanner {
  ar_run *run;
  ar_diag *dg;
  const char *root; /* prefix stripped from paths, "" for the working folder */
} scanner;

static bool excluded(const scanner *s, const char *rel)
{
  const ar_config *cfg = s->run->cfg;
  for (size_t i = 0; i < cfg->exclude.len; i++) {
    const char *g = cfg->exclude.items[i];
    if (fnmatch(g, rel, 0) == 0) return true;
    /* A glob of a folder ("migrations", "migrations/ *") also excludes everything below the folder. */
    size_t gl = strlen(g);
    if (strncmp(rel, g, gl) == 0 && rel[gl] == '/') return true;
  }
  return false;
}

static void add_file(scanner *s, const char *path)
{
  ar_run *run = s->run;
  const char *rel = path;
  size_t rl = strlen(s->root);
  if (rl && strncmp(path, s->root, rl) == 0 && path[rl] == '/') rel = path + rl + 1;
  while (rel[0] == '.' && rel[1] == '/') rel += 2;
  ar_file *f = ar_arena_alloc(&run->arena, sizeof(*f));
  f->abspath = ar_arena_strdup(&run->arena, path);
  f->path = ar_arena_strdup(&run->arena, rel);
  f->module = ar_scan_module_name(&run->arena, f->path);
  f->flags = ar_scan_path_flags(f->path);
  AR_VEC_PUSH(&run->files, f);
}

static int cmp_str(const void *a, const void *b)
{
  return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Folders never scanned: VCS, caches, virtualenvs, build output. */
static bool skipped_dir(const char *name)
{
  for (size_t j = 0; skip_dirs[j]; j++)
    if (strcmp(name, skip_dirs[j]) == 0) return true;
  return ends_with(name, ".egg-info");
}

/* What a non-regular file is, for the warning that skips it. */
static const char *file_kind(mode_t mode)
{
  if (S_ISFIFO(mode)) return "a FIFO";
  if (S_ISSOCK(mode)) return "a socket";
  if (S_ISCHR(mode) || S_ISBLK(mode)) return "a device";
  if (S_ISDIR(mode)) return "a folder";
  return "something else";
}

static void walk_dir(scanner *s, const char *dir, int depth)
{
  if (depth > 64) {
    ar_diag_warnf(s->dg, dir, 0, 0, "folders nested more than 64 deep: not scanned further");
    return;
  }
  DIR *d = opendir(dir);
  if (!d) {
    ar_diag_warnf(s->dg, dir, 0, 0, "cannot read folder: %s; skipped", strerror(errno));
    return;
  }
  AR_VEC(char *) names = {0};
  bool venv = false;
  struct dirent *e;
  while ((e = readdir(d))) {
    if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0) continue;
    if (strcmp(e->d_name, "pyvenv.cfg") == 0) venv = true;
    AR_VEC_PUSH(&names, ar_xstrdup(e->d_name));
  }
  closedir(d);
  if (!venv && names.len) qsort(names.items, names.len, sizeof(char *), cmp_str);
  for (size_t i = 0; !venv && i < names.len; i++) {
    const char *name = names.items[i];
    char *path = strcmp(dir, ".") == 0 ? ar_xstrdup(name) : NULL;
    if (!path) {
      size_t n = strlen(dir) + strlen(name) + 2;
      path = ar_xmalloc(n);
      snprintf(path, n, "%s/%s", dir, name);
    }
    struct stat st;
    const char *rel = path;
    size_t rl = strlen(s->root);
    if (rl && strncmp(path, s->root, rl) == 0 && path[rl] == '/') rel = path + rl + 1;
    if (lstat(path, &st) != 0) {
      /* ENOENT: vanished between readdir and lstat, nothing to read. Anything else (a
       * path longer than PATH_MAX, ...) hides files: say so (run_hostile.sh path-too-long). */
      if (errno != ENOENT) ar_diag_warnf(s->dg, path, 0, 0, "cannot read: %s; skipped", strerror(errno));
    } else if (S_ISDIR(st.st_mode)) {
      if (!skipped_dir(name) && !excluded(s, rel)) walk_dir(s, path, depth + 1);
    } else if (S_ISLNK(st.st_mode)) {
      /* A link to a file is read (it cannot loop); links to folders are not followed, and
       * say so: the files behind one are not checked (tests/run_hostile.sh symlink-loop). */
      struct stat target;
      bool py = ends_with(name, ".py"), ok = stat(path, &target) == 0;
      int why = errno;
      if (ok && S_ISDIR(target.st_mode)) {
        if (!skipped_dir(name) && !excluded(s, rel))
          ar_diag_warnf(s->dg, path, 0, 0, "link to a folder; not followed");
      } else if (py && !ok) { /* dangling, or a loop of links */
        ar_diag_warnf(s->dg, path, 0, 0, "cannot follow the link: %s; skipped", strerror(why));
      } else if (py && !S_ISREG(target.st_mode)) {
        ar_diag_warnf(s->dg, path, 0, 0, "link to %s, not a file; skipped", file_kind(target.st_mode));
      } else if (py && !excluded(s, rel)) {
        add_file(s, path);
      }
    } else if (ends_with(name, ".py")) {
      /* A FIFO would block the reader forever; a device may never end. */
      if (!S_ISREG(st.st_mode))
        ar_diag_warnf(s->dg, path, 0, 0, "%s, not a file; skipped", file_kind(st.st_mode));
      else if (!excluded(s, rel))
        add_file(s, path);
    }
    free(path);
  }
  for (size_t i = 0; i < names.len; i++) free(names.items[i]);
  AR_VEC_FREE(&names);
}

static int cmp_file(const void *a, const void *b)
{
  const ar_file *x = *(ar_file *const *)a, *y = *(ar_file *const *)b;
  return strcmp(x->path, y->path);
}

int ar_scan_run(ar_run *run, ar_diag *dg)
{
  const ar_config *cfg = run->cfg;
  static const char *const dot[] = {"."};
  const char *const *paths = cfg->paths.len ? cfg->paths.items : dot;
  size_t npaths = cfg->paths.len ? cfg->paths.len : 1;
  scanner s = {.run = run, .dg = dg, .root = ""};
  struct stat st;
  /* One folder given: paths are relative to it. Otherwise to the working folder. */
  if (npaths == 1 && stat(paths[0], &st) == 0 && S_ISDIR(st.st_mode)) {
    char *r = ar_arena_strdup(&run->arena, paths[0]);
    size_t n = strlen(r);
    while (n > 1 && r[n - 1] == '/') r[--n] = '\0';
    s.root = strcmp(r, ".") == 0 ? "" : r;
    run->root = r;
  } else {
    run->root = ".";
  }
  for (size_t i = 0; i < npaths; i++) {
    if (stat(paths[i], &st) != 0) {
      ar_diag_errorf(dg, paths[i], 0, 0, "cannot scan: %s", strerror(errno));
      return AR_ENOTFOUND;
    }
    if (S_ISDIR(st.st_mode)) {
      char *p = ar_xstrdup(paths[i]);
      size_t n = strlen(p);
      while (n > 1 && p[n - 1] == '/') p[--n] = '\0';
      walk_dir(&s, p, 0);
      free(p);
    } else {
      add_file(&s, paths[i]); /* named explicitly: always read */
    }
  }
  if (run->files.len) qsort(run->files.items, run->files.len, sizeof(ar_file *), cmp_file);
  /* The same file named twice (a folder and a file in it) is read once. */
  size_t keep = 0;
  for (size_t i = 0; i < run->files.len; i++)
    if (keep == 0 || strcmp(run->files.items[keep - 1]->path, run->files.items[i]->path) != 0)
      run->files.items[keep++] = run->files.items[i];
  run->files.len = keep;
  return AR_OK;
}
