/* SPDX-License-Identifier: MIT
 * parse_only.c - the benchmark's reference: a bare tree-sitter parse of Python files and
 * a TSTreeCursor walk that visits every node, with alignrisk's thread model (`-j N`
 * workers, each with its own TSParser, files handed out by one atomic counter; the calling
 * thread is worker 0). Know before editing: this is the floor a full check is measured
 * against, so it must do no less than alignrisk's parse stage does (read each file once,
 * parse it, touch every node) and nothing more.
 *
 *   parse_only [-j N] [--files-from FILE|-] [PATH...]
 *
 * Folders are walked with alignrisk's skip rules (scan.c): .git, virtualenvs (a folder
 * holding pyvenv.cfg), site-packages, node_modules, __pycache__, build, dist, *.egg-info, …
 * Prints one line: files, lines, bytes, nodes and files with syntax errors. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <tree_sitter/api.h>

const TSLanguage *tree_sitter_python(void);

/* ---- small helpers ------------------------------------------------------------------------ */

static void *xrealloc(void *p, size_t n)
{
  void *q = realloc(p, n ? n : 1);
  if (!q) {
    fprintf(stderr, "parse_only: out of memory (%zu bytes)\n", n);
    abort();
  }
  return q;
}

static char *xstrdup(const char *s)
{
  size_t n = strlen(s) + 1;
  return memcpy(xrealloc(NULL, n), s, n);
}

typedef struct strvec {
  char **items;
  size_t len, cap;
} strvec;

static void push(strvec *v, char *s) /* consumes s */
{
  if (v->len == v->cap) {
    v->cap = v->cap ? v->cap * 2 : 256;
    v->items = xrealloc(v->items, v->cap * sizeof(*v->items));
  }
  v->items[v->len++] = s;
}

static bool ends_with(const char *s, const char *suffix)
{
  size_t a = strlen(s), b = strlen(suffix);
  return a >= b && strcmp(s + a - b, suffix) == 0;
}

static int cmp_str(const void *a, const void *b)
{
  return strcmp(*(char *const *)a, *(char *const *)b);
}

/* ---- file discovery: alignrisk's skip rules --------------------------------------------- */

static const char *const skip_dirs[] = {".git", ".hg", ".svn", "node_modules", "__pycache__",
                                        ".tox", ".nox", ".mypy_cache", ".pytest_cache",
                                        ".ruff_cache", ".eggs", "site-packages", ".venv", "venv",
                                        "build", "dist", ".alignrisk", NULL};

static void walk(strvec *out, const char *dir, int depth)
{
  if (depth > 64) return;
  DIR *d = opendir(dir);
  if (!d) {
    fprintf(stderr, "parse_only: %s: %s; skipped\n", dir, strerror(errno));
    return;
  }
  strvec names = {0};
  bool venv = false;
  struct dirent *e;
  while ((e = readdir(d))) {
    if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0) continue;
    if (strcmp(e->d_name, "pyvenv.cfg") == 0) venv = true;
    push(&names, xstrdup(e->d_name));
  }
  closedir(d);
  if (names.len) qsort(names.items, names.len, sizeof(char *), cmp_str);
  for (size_t i = 0; !venv && i < names.len; i++) {
    const char *name = names.items[i];
    size_t n = strlen(dir) + strlen(name) + 2;
    char *path = xrealloc(NULL, n);
    snprintf(path, n, "%s/%s", dir, name);
    struct stat st, target;
    bool keep = false;
    if (lstat(path, &st) != 0) {
      /* vanished */
    } else if (S_ISDIR(st.st_mode)) {
      bool skip = ends_with(name, ".egg-info");
      for (size_t j = 0; skip_dirs[j]; j++) skip = skip || strcmp(name, skip_dirs[j]) == 0;
      if (!skip) walk(out, path, depth + 1);
    } else if (ends_with(name, ".py")) {
      keep = S_ISREG(st.st_mode) ||
             (S_ISLNK(st.st_mode) && stat(path, &target) == 0 && S_ISREG(target.st_mode));
    }
    if (keep) push(out, path);
    else free(path);
  }
  for (size_t i = 0; i < names.len; i++) free(names.items[i]);
  free(names.items);
}

static int read_list(strvec *out, const char *from)
{
  FILE *fp = strcmp(from, "-") == 0 ? stdin : fopen(from, "r");
  if (!fp) {
    fprintf(stderr, "parse_only: %s: %s\n", from, strerror(errno));
    return -1;
  }
  char *line = NULL;
  size_t cap = 0;
  ssize_t n;
  while ((n = getline(&line, &cap, fp)) >= 0) {
    while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r')) line[--n] = '\0';
    if (n > 0) push(out, xstrdup(line));
  }
  free(line);
  if (fp != stdin) fclose(fp);
  return 0;
}

/* ---- the workers ----------------------------------------------------------------------------- */

typedef struct totals {
  uint64_t files, lines, bytes, nodes, named, errors, unreadable;
} totals;

typedef struct pool {
  const strvec *files;
  atomic_size_t next;
} pool;

typedef struct worker {
  pool *pool;
  totals t;
  pthread_t tid;
} worker;

/* The whole file in one buffer, read once (as alignrisk does); NULL when unreadable. */
static char *slurp(const char *path, size_t *len_out)
{
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  struct stat st;
  char *buf = NULL;
  size_t len = 0, cap;
  if (fd < 0) return NULL;
  if (fstat(fd, &st) != 0) goto fail;
  cap = (size_t)st.st_size + 1;
  buf = xrealloc(NULL, cap);
  for (;;) {
    if (len + 1 >= cap) buf = xrealloc(buf, cap *= 2); /* grew since fstat */
    ssize_t r = read(fd, buf + len, cap - len - 1);
    if (r < 0 && errno == EINTR) continue;
    if (r < 0) goto fail;
    if (r == 0) break;
    len += (size_t)r;
  }
  close(fd);
  buf[len] = '\0';
  *len_out = len;
  return buf;
fail:
  close(fd);
  free(buf);
  return NULL;
}

static uint64_t count_lines(const char *s, size_t n)
{
  uint64_t lines = 0;
  for (const char *p = s, *end = s + n; (p = memchr(p, '\n', (size_t)(end - p))); p++) lines++;
  return lines + (n > 0 && s[n - 1] != '\n'); /* as `wc -l`, plus an unterminated last line */
}

/* Pre-order walk of every node, named or not, with one cursor (no recursion, no ts_node_child). */
static uint64_t walk_tree(const TSTree *tree, uint64_t *named)
{
  TSTreeCursor c = ts_tree_cursor_new(ts_tree_root_node(tree));
  uint64_t nodes = 0;
  for (;;) {
    TSNode n = ts_tree_cursor_current_node(&c);
    nodes++;
    *named += ts_node_is_named(n); /* read the node, as a visitor would */
    if (ts_tree_cursor_goto_first_child(&c)) continue;
    while (!ts_tree_cursor_goto_next_sibling(&c))
      if (!ts_tree_cursor_goto_parent(&c)) goto done;
  }
done:
  ts_tree_cursor_delete(&c);
  return nodes;
}

static void *work(void *arg)
{
  worker *w = arg;
  pool *p = w->pool;
  TSParser *parser = ts_parser_new();
  if (!ts_parser_set_language(parser, tree_sitter_python())) {
    fprintf(stderr, "parse_only: cannot load the Python grammar (ABI %u)\n",
            ts_language_version(tree_sitter_python()));
    exit(2);
  }
  for (;;) {
    size_t i = atomic_fetch_add(&p->next, 1);
    if (i >= p->files->len) break;
    size_t len = 0;
    char *src = slurp(p->files->items[i], &len);
    if (!src) {
      w->t.unreadable++;
      continue;
    }
    const char *text = src;
    if (len >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0) text += 3, len -= 3; /* BOM */
    TSTree *tree = ts_parser_parse_string(parser, NULL, text, (uint32_t)len);
    if (tree) {
      w->t.nodes += walk_tree(tree, &w->t.named);
      w->t.errors += ts_node_has_error(ts_tree_root_node(tree));
      ts_tree_delete(tree);
    } else {
      ts_parser_reset(parser);
    }
    w->t.files++;
    w->t.bytes += len;
    w->t.lines += count_lines(text, len);
    free(src);
  }
  ts_parser_delete(parser);
  return NULL;
}

/* ---- main -------------------------------------------------------------------------------------- */

static int usage(void)
{
  fprintf(stderr, "usage: parse_only [-j N] [--files-from FILE|-] [PATH...]\n");
  return 2;
}

int main(int argc, char **argv)
{
  long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
  size_t jobs = ncpu > 0 ? (size_t)ncpu : 1;
  strvec files = {0};
  for (int i = 1; i < argc; i++) {
    const char *a = argv[i];
    if ((strcmp(a, "-j") == 0 || strcmp(a, "--jobs") == 0) && i + 1 < argc) {
      long j = strtol(argv[++i], NULL, 10);
      if (j < 1 || j > 64) return usage();
      jobs = (size_t)j;
    } else if (strncmp(a, "-j", 2) == 0 && a[2]) {
      long j = strtol(a + 2, NULL, 10);
      if (j < 1 || j > 64) return usage();
      jobs = (size_t)j;
    } else if (strcmp(a, "--files-from") == 0 && i + 1 < argc) {
      if (read_list(&files, argv[++i]) < 0) return 2;
    } else if (a[0] == '-' && a[1]) {
      return usage();
    } else {
      struct stat st;
      if (stat(a, &st) != 0) {
        fprintf(stderr, "parse_only: %s: %s\n", a, strerror(errno));
        return 2;
      }
      if (S_ISDIR(st.st_mode)) walk(&files, a, 0);
      else push(&files, xstrdup(a)); /* named explicitly: always read */
    }
  }
  if (jobs > files.len) jobs = files.len ? files.len : 1;
  pool p = {.files = &files};
  atomic_init(&p.next, 0);
  worker *ws = xrealloc(NULL, jobs * sizeof(*ws));
  memset(ws, 0, jobs * sizeof(*ws));
  size_t started = 0;
  for (size_t i = 0; i < jobs; i++) ws[i].pool = &p;
  for (size_t i = 1; i < jobs; i++) {
    if (pthread_create(&ws[i].tid, NULL, work, &ws[i]) != 0) break;
    started = i;
  }
  work(&ws[0]);
  totals t = {0};
  for (size_t i = 0; i < jobs; i++) {
    if (i > 0 && i <= started) pthread_join(ws[i].tid, NULL);
    t.files += ws[i].t.files, t.lines += ws[i].t.lines, t.bytes += ws[i].t.bytes;
    t.nodes += ws[i].t.nodes, t.named += ws[i].t.named;
    t.errors += ws[i].t.errors, t.unreadable += ws[i].t.unreadable;
  }
  printf("files %llu lines %llu bytes %llu nodes %llu named %llu syntax_errors %llu"
         " unreadable %llu\n",
         (unsigned long long)t.files, (unsigned long long)t.lines, (unsigned long long)t.bytes,
         (unsigned long long)t.nodes, (unsigned long long)t.named, (unsigned long long)t.errors,
         (unsigned long long)t.unreadable);
  for (size_t i = 0; i < files.len; i++) free(files.items[i]);
  free(files.items);
  free(ws);
  return 0;
}
