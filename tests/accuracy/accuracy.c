/* SPDX-License-Identifier: MIT */
/* accuracy - score alignrisk's JSON findings against the labeled accuracy corpus.
 *
 *   accuracy [--corpus DIR] LABELS REPORT.json
 *       Precision and recall of REPORT's findings against LABELS' bugs. A finding is right
 *       when a bug has its file, line, rule, class and attribute; any other finding is a
 *       false positive (named as a trap when a trap labels its line). Prints every false
 *       positive and false negative, then "precision P recall R". With --corpus, first
 *       checks that each label's "code" is still the text of its line (labels drift when
 *       the corpus is edited). Exit 0 when precision >= 0.98 and recall >= 0.95, 1 when
 *       below, 2 on unreadable input or drifted labels.
 *
 *   accuracy --list-mutations LABELS
 *       One line per mutation: NAME<TAB>MODEL_FILE<TAB>FIRST_LINE<TAB>LAST_LINE.
 *
 *   accuracy --mutation NAME LABELS REPORT.json
 *       After the mutation's field was deleted: every listed reference must now have a
 *       finding on that class (the reference's own "class" when it gives one) and field.
 *       Prints each reference that has none; exit 0 when all have one, 1 otherwise.
 */
#include <cjson/cJSON.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PRECISION_BAR 0.98
#define RECALL_BAR 0.95

static cJSON *load_json(const char *path)
{
  FILE *f = fopen(path, "rb");
  if (!f) {
    fprintf(stderr, "accuracy: %s: %s\n", path, strerror(errno));
    return NULL;
  }
  size_t cap = 1 << 16, len = 0;
  char *buf = malloc(cap);
  size_t n;
  while (buf && (n = fread(buf + len, 1, cap - len - 1, f)) > 0) {
    len += n;
    if (len + 1 >= cap) {
      char *nb = realloc(buf, cap *= 2);
      if (!nb) {
        free(buf);
        buf = NULL;
        break;
      }
      buf = nb;
    }
  }
  fclose(f);
  if (!buf) {
    fprintf(stderr, "accuracy: %s: out of memory\n", path);
    return NULL;
  }
  buf[len] = '\0';
  const char *end = NULL;
  cJSON *j = cJSON_ParseWithOpts(buf, &end, 0);
  if (!j) fprintf(stderr, "accuracy: %s: not valid JSON near byte %ld\n", path, end ? (long)(end - buf) : 0L);
  free(buf);
  return j;
}

static const char *str(const cJSON *o, const char *key)
{
  const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
  return cJSON_IsString(v) ? v->valuestring : NULL;
}

static int num(const cJSON *o, const char *key)
{
  const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
  return cJSON_IsNumber(v) ? v->valueint : -1;
}

static bool eq(const char *a, const char *b) { return a && b && strcmp(a, b) == 0; }

static const cJSON *array(const cJSON *o, const char *key, const char *what)
{
  const cJSON *a = cJSON_GetObjectItemCaseSensitive(o, key);
  if (!cJSON_IsArray(a)) {
    fprintf(stderr, "accuracy: %s has no \"%s\" array\n", what, key);
    return NULL;
  }
  return a;
}

/* The trap that labels file:line, if any. */
static const cJSON *trap_at(const cJSON *traps, const char *file, int line)
{
  const cJSON *t;
  cJSON_ArrayForEach(t, traps) if (eq(str(t, "file"), file) && num(t, "line") == line) return t;
  return NULL;
}

static bool finding_matches_bug(const cJSON *f, const cJSON *b)
{
  return eq(str(f, "file"), str(b, "file")) && num(f, "line") == num(b, "line") &&
         eq(str(f, "rule"), str(b, "rule")) && eq(str(f, "class"), str(b, "class")) &&
         eq(str(f, "attribute"), str(b, "attribute"));
}

static void print_finding(const char *tag, const cJSON *f)
{
  printf("%s %s:%d %s %s.%s (%s)", tag, str(f, "file"), num(f, "line"), str(f, "rule"), str(f, "class"),
         str(f, "attribute"), str(f, "confidence") ? str(f, "confidence") : "?");
}

/* Trimmed text of line `line` of `dir/file`, in `out`; false when there is no such line. */
static bool read_line(const char *dir, const char *file, int line, char *out, size_t cap)
{
  char path[4096];
  snprintf(path, sizeof path, "%s/%s", dir, file);
  FILE *f = fopen(path, "r");
  if (!f) return false;
  char buf[8192];
  int no = 0;
  bool found = false;
  while (fgets(buf, sizeof buf, f)) {
    if (++no != line) continue;
    char *s = buf;
    while (*s == ' ' || *s == '\t') s++;
    size_t n = strlen(s);
    while (n && (s[n - 1] == '\n' || s[n - 1] == '\r' || s[n - 1] == ' ' || s[n - 1] == '\t')) n--;
    s[n] = '\0';
    snprintf(out, cap, "%s", s);
    found = true;
    break;
  }
  fclose(f);
  return found;
}

/* Labels whose "code" no longer is the text of their line. */
static int check_drift(const char *dir, const cJSON *labels)
{
  static const char *const groups[] = {"bugs", "traps"};
  int bad = 0;
  char text[8192];
  for (size_t g = 0; g < 2; g++) {
    const cJSON *a = cJSON_GetObjectItemCaseSensitive(labels, groups[g]), *x;
    cJSON_ArrayForEach(x, a) {
      const char *code = str(x, "code");
      if (!code) continue;
      if (!read_line(dir, str(x, "file"), num(x, "line"), text, sizeof text) || strcmp(text, code) != 0) {
        printf("label drift: %s %s:%d is no longer `%s`\n", groups[g], str(x, "file"), num(x, "line"), code);
        bad++;
      }
    }
  }
  const cJSON *muts = cJSON_GetObjectItemCaseSensitive(labels, "mutations"), *m;
  cJSON_ArrayForEach(m, muts) {
    const char *code = str(m, "code");
    if (code && (!read_line(dir, str(m, "model_file"), num(m, "model_line"), text, sizeof text) || strcmp(text, code) != 0)) {
      printf("label drift: mutation %s %s:%d is no longer `%s`\n", str(m, "name"), str(m, "model_file"),
             num(m, "model_line"), code);
      bad++;
    }
    const cJSON *r;
    cJSON_ArrayForEach(r, cJSON_GetObjectItemCaseSensitive(m, "references")) {
      code = str(r, "code");
      if (code && (!read_line(dir, str(r, "file"), num(r, "line"), text, sizeof text) || strcmp(text, code) != 0)) {
        printf("label drift: mutation %s reference %s:%d is no longer `%s`\n", str(m, "name"), str(r, "file"),
               num(r, "line"), code);
        bad++;
      }
    }
  }
  return bad;
}

static int score(const cJSON *labels, const cJSON *report)
{
  const cJSON *bugs = array(labels, "bugs", "labels"), *traps = array(labels, "traps", "labels");
  const cJSON *findings = array(report, "findings", "report");
  if (!bugs || !traps || !findings) return 2;
  int nbugs = cJSON_GetArraySize(bugs), nfind = cJSON_GetArraySize(findings);
  bool *found = calloc((size_t)nbugs + 1, sizeof *found);
  int tp = 0, fp = 0, fp_traps = 0;
  const cJSON *f;
  cJSON_ArrayForEach(f, findings) {
    int i = 0;
    bool ok = false;
    const cJSON *b;
    cJSON_ArrayForEach(b, bugs) {
      if (finding_matches_bug(f, b)) {
        found[i] = ok = true;
        break;
      }
      i++;
    }
    if (ok) {
      tp++;
      continue;
    }
    fp++;
    const cJSON *t = trap_at(traps, str(f, "file"), num(f, "line"));
    if (t) fp_traps++;
    print_finding(t ? "false positive (trap):" : "false positive:", f);
    if (t) printf(" - trap: %s", str(t, "note") ? str(t, "note") : "");
    cJSON_ArrayForEach(b, bugs) {
      if (eq(str(f, "file"), str(b, "file")) && num(f, "line") == num(b, "line"))
        printf(" - the line's label is %s %s.%s", str(b, "rule"), str(b, "class"), str(b, "attribute"));
    }
    printf("\n    | %s\n", str(f, "source") ? str(f, "source") : "");
  }
  int fn = 0, i = 0;
  const cJSON *b;
  cJSON_ArrayForEach(b, bugs) {
    if (!found[i++]) {
      fn++;
      printf("false negative: %s:%d %s %s.%s - %s", str(b, "file"), num(b, "line"), str(b, "rule"), str(b, "class"),
             str(b, "attribute"), str(b, "note") ? str(b, "note") : "");
      cJSON_ArrayForEach(f, findings) {
        if (eq(str(f, "file"), str(b, "file")) && num(f, "line") == num(b, "line"))
          printf(" - the tool said %s %s.%s there", str(f, "rule"), str(f, "class"), str(f, "attribute"));
      }
      printf("\n    | %s\n", str(b, "code") ? str(b, "code") : "");
    }
  }
  free(found);
  double precision = nfind ? (double)tp / nfind : 1.0;
  double recall = nbugs ? (double)(nbugs - fn) / nbugs : 1.0;
  printf("findings %d: %d right, %d false positives (%d on traps); bugs %d: %d found, %d missed\n", nfind, tp, fp,
         fp_traps, nbugs, nbugs - fn, fn);
  printf("precision %.4f recall %.4f\n", precision, recall);
  int rc = 0;
  if (precision < PRECISION_BAR) {
    printf("FAIL: precision %.4f is below %.2f\n", precision, PRECISION_BAR);
    rc = 1;
  }
  if (recall < RECALL_BAR) {
    printf("FAIL: recall %.4f is below %.2f\n", recall, RECALL_BAR);
    rc = 1;
  }
  return rc;
}

static const cJSON *find_mutation(const cJSON *labels, const char *name)
{
  const cJSON *m;
  cJSON_ArrayForEach(m, cJSON_GetObjectItemCaseSensitive(labels, "mutations")) if (eq(str(m, "name"), name)) return m;
  fprintf(stderr, "accuracy: no mutation named %s\n", name);
  return NULL;
}

static int list_mutations(const cJSON *labels)
{
  const cJSON *m;
  cJSON_ArrayForEach(m, cJSON_GetObjectItemCaseSensitive(labels, "mutations")) {
    int first = num(m, "model_line"), last = num(m, "model_end_line");
    if (!str(m, "name") || !str(m, "model_file") || first < 1) {
      fprintf(stderr, "accuracy: a mutation lacks name, model_file or model_line\n");
      return 2;
    }
    printf("%s\t%s\t%d\t%d\n", str(m, "name"), str(m, "model_file"), first, last >= first ? last : first);
  }
  return 0;
}

static int check_mutation(const cJSON *labels, const cJSON *report, const char *name)
{
  const cJSON *m = find_mutation(labels, name);
  const cJSON *findings = array(report, "findings", "report");
  if (!m || !findings) return 2;
  const char *field = str(m, "field");
  int missing = 0, total = 0;
  const cJSON *r;
  cJSON_ArrayForEach(r, cJSON_GetObjectItemCaseSensitive(m, "references")) {
    const char *cls = str(r, "class") ? str(r, "class") : str(m, "class");
    bool hit = false;
    const cJSON *f;
    total++;
    cJSON_ArrayForEach(f, findings) {
      if (eq(str(f, "file"), str(r, "file")) && num(f, "line") == num(r, "line") && eq(str(f, "class"), cls) &&
          eq(str(f, "attribute"), field)) {
        hit = true;
        break;
      }
    }
    if (!hit) {
      missing++;
      printf("mutation %s (%s.%s deleted): no finding at %s:%d\n    | %s\n", name, cls, field, str(r, "file"),
             num(r, "line"), str(r, "code") ? str(r, "code") : "");
    }
  }
  printf("mutation %s: %d of %d references reported\n", name, total - missing, total);
  return missing ? 1 : 0;
}

static int usage(void)
{
  fprintf(stderr, "usage: accuracy [--corpus DIR] LABELS REPORT.json\n"
                  "       accuracy --list-mutations LABELS\n"
                  "       accuracy --mutation NAME LABELS REPORT.json\n");
  return 2;
}

int main(int argc, char **argv)
{
  const char *corpus = NULL, *mutation = NULL;
  bool list = false;
  int i = 1;
  for (; i < argc && strncmp(argv[i], "--", 2) == 0; i++) {
    if (strcmp(argv[i], "--corpus") == 0 && i + 1 < argc) corpus = argv[++i];
    else if (strcmp(argv[i], "--mutation") == 0 && i + 1 < argc) mutation = argv[++i];
    else if (strcmp(argv[i], "--list-mutations") == 0) list = true;
    else return usage();
  }
  int rest = argc - i;
  if (list ? rest != 1 : rest != 2) return usage();
  cJSON *labels = load_json(argv[i]);
  if (!labels) return 2;
  int rc;
  if (list) {
    rc = list_mutations(labels);
  } else {
    cJSON *report = load_json(argv[i + 1]);
    if (!report) {
      cJSON_Delete(labels);
      return 2;
    }
    if (mutation) {
      rc = check_mutation(labels, report, mutation);
    } else {
      int drift = corpus ? check_drift(corpus, labels) : 0;
      rc = score(labels, report);
      if (drift) {
        printf("FAIL: %d labels no longer match the corpus\n", drift);
        rc = 2;
      }
    }
    cJSON_Delete(report);
  }
  cJSON_Delete(labels);
  return rc;
}
