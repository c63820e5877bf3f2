/* SPDX-License-Identifier: MIT
 * align.c - stage "align" (phase 2): check every reference against the resolved model
 * or enum it names, and describe each mismatch as a finding.
 * Know before editing: a receiver's confidence comes from phase 1; an open class (a base
 * outside the scan, or __getattr__) can only ever yield `possible`. */
#include "alignrisk/align.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>


size_t ar_align_distance(const char *a, const char *b, size_t cap)
{
  size_t la = strlen(a), lb = strlen(b);
  if ((la > lb ? la - lb : lb - la) >= cap) return cap;
  size_t *row = ar_xmalloc((lb + 1) * sizeof(size_t));
  for (size_t j = 0; j <= lb; j++) row[j] = j;
  for (size_t i = 1; i <= la; i++) {
    size_t diag = row[0], best = row[0] = i;
    for (size_t j = 1; j <= lb; j++) {
      size_t up = row[j];
      size_t v = diag + (a[i - 1] != b[j - 1]);
      if (up + 1 < v) v = up + 1;
      if (row[j - 1] + 1 < v) v = row[j - 1] + 1;
      row[j] = v;
      diag = up;
      if (v < best) best = v;
    }
    if (best >= cap) { free(row); return cap; }
  }
  size_t d = row[lb];
  free(row);
  return d < cap ? d : cap;
}

/* Is `part` one of the underscore-separated words of `name`? */
static bool has_part(const char *name, const char *part)
{
  size_t pl = strlen(part);
  if (!pl) return false;
  for (const char *p = name; (p = strstr(p, part)); p++) {
    bool start = p == name || p[-1] == '_';
    bool end = p[pl] == '\0' || p[pl] == '_';
    if (start && end && strcmp(name, part) != 0) return true;
  }
  return false;
}

const char *ar_align_suggest(const char *want, const char *const *names, size_t n)
{
  for (size_t i = 0; i < n; i++)
    if (has_part(names[i], want)) return names[i];
  size_t len = strlen(want);
  size_t cap = len / 3 + 1; /* at most a third of the name may differ */
  const char *best = NULL;
  size_t best_d = cap;
  for (size_t i = 0; i < n; i++) {
    if (strcmp(names[i], want) == 0) continue;
    size_t d = ar_align_distance(want, names[i], best_d);
    if (d < best_d) best = names[i], best_d = d;
  }
  return best;
}

const char *ar_align_fingerprint(ar_arena *arena, const char *rule, const char *cls,
                                 const char *attr, const char *file, const char *func)
{
  const char *parts[] = {rule, cls, attr, file, func};
  uint64_t h = 14695981039346656037ull;
  for (size_t i = 0; i < 5; i++) {
    const char *s = parts[i] ? parts[i] : "";
    for (size_t j = 0; j <= strlen(s); j++) { /* includes the NUL: "ab","c" != "a","bc" */
      h ^= (unsigned char)s[j];
      h *= 1099511628211ull;
    }
  }
  return ar_arena_printf(arena, "%016llx", (unsigned long long)h);
}

/* ---- the checks ------------------------------------------------------------------------------ */

typedef AR_VEC(const char *) name_vec;

/* Field names in declaration order, own first, then bases: for suggestions. */
static void collect_names(const ar_class *c, name_vec *out, bool on_class, int depth)
{
  if (depth > 16) return;
  for (size_t i = 0; i < c->nfields; i++) {
    const ar_field *f = &c->fields[i];
    if (f->name[0] == '_' || (on_class && f->kind == AR_FIELD_INIT_ONLY)) continue;
    if (c->kind == AR_KIND_ENUM && f->kind != AR_FIELD_MEMBER) continue; /* members only */
    AR_VEC_PUSH(out, f->name);
  }
  for (size_t i = 0; i < c->nbases; i++)
    if (c->rbases && c->rbases[i]) collect_names(c->rbases[i], out, on_class, depth + 1);
}

/* The class whose __init__ a constructor call runs: the first in the bases' order. */
static const ar_class *init_owner(const ar_class *c, int depth)
{
  if (c->flags & AR_CLASS_INIT) return c;
  if (depth > 16 || !c->rbases) return NULL;
  for (size_t i = 0; i < c->nbases; i++) {
    const ar_class *o = c->rbases[i] ? init_owner(c->rbases[i], depth + 1) : NULL;
    if (o) return o;
  }
  return NULL;
}

static bool ctor_accepts(const ar_class *c, const char *kw)
{
  const ar_class *o = init_owner(c, 0);
  if (!o) return ar_class_field(c, kw, true) != NULL; /* SQLAlchemy's default constructor */
  if (o->flags & AR_CLASS_INIT_ANY) return true;
  for (size_t i = 0; i < o->ninit_params; i++)
    if (strcmp(o->init_params[i], kw) == 0) return true;
  return (o->flags & AR_CLASS_INIT_FWD) && ar_class_field(c, kw, true) != NULL;
}

static bool suppressed(const ar_file *f, uint32_t line, const char *code)
{
  for (size_t i = 0; i < f->suppress.len; i++) {
    const ar_suppress *s = &f->suppress.items[i];
    if (s->line != line) continue;
    if (!s->codes) return true;
    for (const char *p = s->codes; (p = strstr(p, code)); p++) {
      char after = p[strlen(code)];
      if (after == '\0' || after == ',' || after == ' ' || after == ']') return true;
    }
  }
  return false;
}

static char *init_key(ar_run *run, const ar_class *c, const char *attr)
{
  return ar_arena_printf(&run->arena, "%p:%s", (const void *)c, attr);
}

/* ---- values stored in or compared with a field (AR202-AR205) ---------------------------- */

static const char *member_part(const char *dotted)
{
  const char *dot = strrchr(dotted, '.');
  return dot ? dot + 1 : dotted;
}

/* Whether `s` is a member name or a member value of enum `e`. */
static bool enum_accepts(const ar_class *e, const char *s)
{
  for (size_t i = 0; i < e->nfields; i++) {
    const ar_field *m = &e->fields[i];
    if (m->kind != AR_FIELD_MEMBER) continue;
    if (strcmp(m->name, s) == 0 || (m->value && strcmp(m->value, s) == 0)) return true;
  }
  return false;
}

typedef enum { MATCH_NAMES, MATCH_VALUES, MATCH_NOTHING, MATCH_EITHER } match_mode;

/* Which strings a string stored in, or compared with, an enum-holding field must be.
 *  - stored, or compared in SQL (Model.f == s, filter_by): SQLAlchemy's Enum(E) binds member
 *    names, or values with values_callable; a String column with default=E.M.value holds values.
 *  - compared on a loaded instance (obj.f == s): the attribute is a member; a str enum's
 *    member equals its value, any other enum's member equals no string. */
static match_mode string_mode(const ar_field *fld, const ar_ref *r)
{
  bool instance_compare = r->compare && !r->sql;
  if (!fld->enum_cls) return MATCH_VALUES; /* String column holding an enum's values */
  if (instance_compare) return (fld->enum_cls->flags & AR_CLASS_STR_ENUM) ? MATCH_VALUES : MATCH_NOTHING;
  if (fld->values_callable) return MATCH_VALUES;
  /* A str enum's values hash and compare equal to its members, so the bind accepts both. */
  return (fld->enum_cls->flags & AR_CLASS_STR_ENUM) ? MATCH_EITHER : MATCH_NAMES;
}

/* Whether `s` matches a member of `e` in `mode`. A member whose value the scan cannot know
 * (auto() outside StrEnum, an expression) matches any value: no finding on a guess. */
static bool enum_matches(const ar_class *e, const char *s, match_mode mode)
{
  if (mode == MATCH_NOTHING) return false;
  for (size_t i = 0; i < e->nfields; i++) {
    const ar_field *m = &e->fields[i];
    if (m->kind != AR_FIELD_MEMBER) continue;
    if ((mode == MATCH_NAMES || mode == MATCH_EITHER) && strcmp(m->name, s) == 0) return true;
    if (mode != MATCH_VALUES && mode != MATCH_EITHER) continue;
    if (m->value && strcmp(m->value, s) == 0) return true;
    if (!m->value) {
      if (!(e->flags & AR_CLASS_STR_ENUM)) return true;
      /* StrEnum's auto() is the lowercased name */
      size_t n = strlen(m->name);
      if (strlen(s) == n) {
        bool same = true;
        for (size_t k = 0; k < n && same; k++)
          same = s[k] == (m->name[k] >= 'A' && m->name[k] <= 'Z' ? m->name[k] + 32 : m->name[k]);
        if (same) return true;
      }
    }
  }
  return false;
}

/* Every value of `a`'s members is one of `b`'s: `a` is an alias of (part of) `b`. */
static bool enum_values_subset(const ar_class *a, const ar_class *b)
{
  size_t n = 0;
  for (size_t i = 0; i < a->nfields; i++) {
    const ar_field *m = &a->fields[i];
    if (m->kind != AR_FIELD_MEMBER || !m->value) continue;
    if (!enum_accepts(b, m->value)) return false;
    n++;
  }
  return n > 0;
}

static size_t utf8_length(const char *s)
{
  size_t n = 0;
  for (; *s; s++) n += ((unsigned char)*s & 0xC0) != 0x80;
  return n;
}

/* Which value rule `r`'s value breaks on field `fld`, if any; sets *sev and *detail. */
static int value_rule(ar_run *run, const ar_field *fld, const ar_ref *r, ar_severity *sev,
                      const char **detail)
{
  bool store = r->kind == AR_REF_WRITE || r->kind == AR_REF_CTOR_KWARG;
  if (!store && !r->compare) return -1;
  const char *verb = store ? "stored in" : "compared with";
  const char *value = ar_ref_value(r);
  const ar_class *value_enum = ar_ref_value_enum(r);
  if (r->vkind == AR_VAL_MEMBER && fld->enum_cls && value_enum && value_enum != fld->enum_cls) {
    bool alias = enum_values_subset(value_enum, fld->enum_cls);
    *sev = alias ? AR_SEV_LOW : AR_SEV_HIGH;
    *detail = ar_arena_printf(&run->arena, "%s is %s a column typed Enum(%s)%s", value, verb,
                              fld->enum_cls->name, alias ? "; its values are all values of that enum (an alias)" : "");
    return AR_R202;
  }
  if (r->vkind == AR_VAL_STR) {
    const ar_class *e = fld->enum_cls ? fld->enum_cls : fld->value_enum_cls;
    match_mode mode = e ? string_mode(fld, r) : MATCH_NAMES;
    if (e && !enum_matches(e, value, mode)) {
      static const char *const what[] = {"member name", "value", "string", "member name or value"};
      *sev = AR_SEV_MEDIUM;
      *detail = mode == MATCH_NOTHING
                    ? ar_arena_printf(&run->arena, "\"%s\" is compared with a column of %s members, which never equal a string",
                                      value, e->name)
                    : ar_arena_printf(&run->arena, "\"%s\" is %s a column that holds %s %ss, and is none of them",
                                      value, verb, e->name, what[mode]);
      return AR_R203;
    }
    if (store && fld->str_len >= 0 && utf8_length(value) > (size_t)fld->str_len) {
      *sev = AR_SEV_MEDIUM;
      *detail = ar_arena_printf(&run->arena, "a %zu-character string is stored in String(%d)",
                                utf8_length(value), fld->str_len);
      return AR_R204;
    }
  }
  if (r->vkind == AR_VAL_NONE && store && fld->nullable == 0) {
    *sev = AR_SEV_MEDIUM;
    *detail = ar_arena_strdup(&run->arena, "None is stored in a nullable=False column");
    return AR_R205;
  }
  return -1;
}

static bool has_reconstructor(const ar_class *c, int depth)
{
  if (c->flags & AR_CLASS_RECONSTRUCTOR) return true;
  if (depth > 16 || !c->rbases) return false;
  for (size_t i = 0; i < c->nbases; i++)
    if (c->rbases[i] && has_reconstructor(c->rbases[i], depth + 1)) return true;
  return false;
}

static bool derives(const ar_class *c, const ar_class *base, int depth)
{
  if (c == base) return true;
  if (depth > 16 || !c->rbases) return false;
  for (size_t i = 0; i < c->nbases; i++)
    if (c->rbases[i] && derives(c->rbases[i], base, depth + 1)) return true;
  return false;
}

/* Whether a subclass of `cls` has `attr` (polymorphic models: self may be one of them).
 * Linear in classes, but only asked for names that are missing, which are few. */
static bool subclass_has(const ar_run *run, const ar_class *cls, const char *attr)
{
  for (size_t i = 0; i < run->files.len; i++)
    for (size_t j = 0; j < run->files.items[i]->classes.len; j++) {
      const ar_class *c = run->files.items[i]->classes.items[j];
      if (c != cls && derives(c, cls, 0) && ar_class_field(c, attr, false)) return true;
    }
  return false;
}

static void check_ref(ar_run *run, ar_file *f, const ar_ref *r, const ar_map *init_at_class)
{
  const ar_config *cfg = run->cfg;
  ar_class *cls = r->target;
  if (!cls || ((r->flags & AR_REF_GUESS) && !cfg->guess_names)) return;
  if (r->flags & AR_REF_EXPECTED) return; /* inside pytest.raises(…): the error is the test */
  int rule = -1;
  bool on_class = true;
  ar_severity sev = AR_SEV_CRITICAL;
  const char *detail = NULL;
  if (cls->kind == AR_KIND_MODEL) {
    const ar_field *fld = NULL;
    switch (r->kind) {
    case AR_REF_READ:
    case AR_REF_WRITE:
      if (r->flags & AR_REF_GUARDED) return;
      on_class = false;
      fld = ar_class_field(cls, r->attr, false);
      /* Set only in __init__ but also used on the class: a column that was never mapped,
       * missing on every row SQLAlchemy loads. */
      if (fld && fld->kind == AR_FIELD_INIT_ONLY && ar_map_get(init_at_class, init_key(run, cls, r->attr)))
        fld = NULL;
      /* Read on a row loaded from the database: __init__ never ran for it (unless an
       * @reconstructor does the same), so what only __init__ sets is not there. */
      if (fld && fld->kind == AR_FIELD_INIT_ONLY && r->kind == AR_REF_READ && (r->flags & AR_REF_LOADED) &&
          !has_reconstructor(cls, 0))
        fld = NULL;
      /* self in a method: a subclass may define what the class itself does not. */
      if (!fld && (r->flags & AR_REF_SELF) && ((cls->flags & AR_CLASS_ABSTRACT) || subclass_has(run, cls, r->attr)))
        return;
      if (!fld) rule = r->kind == AR_REF_READ ? AR_R102 : AR_R101;
      break;
    case AR_REF_CLASS_ATTR:
      if (!(fld = ar_class_field(cls, r->attr, true))) rule = AR_R103;
      break;
    case AR_REF_CTOR_KWARG:
      if (!ctor_accepts(cls, r->attr)) rule = AR_R104;
      else fld = ar_class_field(cls, r->attr, false);
      break;
    case AR_REF_FILTER_BY:
      if (!(fld = ar_class_field(cls, r->attr, true))) rule = AR_R105;
      break;
    default: return;
    }
    if (rule < 0 && fld && r->vkind != AR_VAL_UNKNOWN) rule = value_rule(run, fld, r, &sev, &detail);
    else if (rule >= 0) sev = ar_rules[rule].severity;
  } else if (cls->kind == AR_KIND_ENUM && r->kind == AR_REF_CLASS_ATTR) {
    if (!ar_class_field(cls, r->attr, true)) rule = AR_R201;
  }
  if (rule < 0) return;
  if (rule < AR_R202) sev = ar_rules[rule].severity;
  if (rule < 0 || !cfg->select[rule]) return;
  ar_confidence conf = cls->open ? AR_CONF_POSSIBLE : r->conf;
  if (conf < cfg->min_confidence) return;
  if (suppressed(f, r->line, ar_rules[rule].code)) return;
  ar_finding fd = {.rule = (ar_rule_id)rule, .severity = sev, .conf = conf, .detail = detail,
                   .cls = cls, .model = cls, .file = f, .attr = r->attr, .func = r->func,
                   .evidence = r->evidence, .line = r->line, .col = r->col, .line_hits = -1,
                   .recurrence = 1};
  ar_class *ctx_target = ar_ref_ctx_target(r);
  if (rule == AR_R201 && ctx_target && ctx_target->kind == AR_KIND_MODEL) fd.model = ctx_target;
  if (rule < AR_R202) { /* a missing name: suggest the closest existing one */
    name_vec names = {0};
    collect_names(cls, &names, on_class, 0);
    fd.suggestion = ar_align_suggest(r->attr, names.items, names.len);
    AR_VEC_FREE(&names);
  } else if (rule == AR_R202 || rule == AR_R203) { /* a wrong value: suggest a right one */
    const ar_field *fld = ar_class_field(cls, r->attr, false);
    const ar_class *e = fld ? (fld->enum_cls ? fld->enum_cls : fld->value_enum_cls) : NULL;
    name_vec names = {0};
    if (e) {
      const char *want = r->vkind == AR_VAL_MEMBER ? member_part(ar_ref_value(r)) : ar_ref_value(r);
      collect_names(e, &names, true, 0);
      const char *m = NULL;
      /* The same member name in the column's enum, then the same ignoring case ("red" for
       * RED), then the closest name. */
      for (size_t i = 0; i < names.len && !m; i++)
        if (strcmp(names.items[i], want) == 0) m = names.items[i];
      for (size_t i = 0; i < names.len && !m; i++)
        if (strcasecmp(names.items[i], want) == 0) m = names.items[i];
      if (!m) m = ar_align_suggest(want, names.items, names.len);
      if (m) fd.suggestion = ar_arena_printf(&run->arena, "%s.%s", e->name, m);
    }
    AR_VEC_FREE(&names);
  }
  fd.pattern = ar_arena_printf(&run->arena, "%s:%s", ar_rules[rule].family, r->attr);
  fd.fingerprint = ar_align_fingerprint(&run->arena, ar_rules[rule].code, cls->name, r->attr,
                                        f->path, r->func);
  AR_VEC_PUSH(&run->findings, fd);
}

static int cmp_finding(const void *a, const void *b)
{
  const ar_finding *x = a, *y = b;
  int c = strcmp(x->file->path, y->file->path);
  if (c) return c;
  if (x->line != y->line) return x->line < y->line ? -1 : 1;
  if (x->col != y->col) return x->col < y->col ? -1 : 1;
  return (int)x->rule - (int)y->rule;
}

/* Copy each finding's source line (trimmed) from its file, read once per file. */
static void attach_sources(ar_run *run, ar_diag *dg)
{
  size_t i = 0;
  while (i < run->findings.len) {
    const ar_file *f = run->findings.items[i].file;
    size_t j = i;
    while (j < run->findings.len && run->findings.items[j].file == f) j++;
    /* Non-blocking, and regular files only: the file may have been replaced by a FIFO
     * since it was parsed, and opening that would wait forever (run_hostile.sh). */
    FILE *fp = NULL;
    int fd = open(f->abspath, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
    struct stat st;
    if (fd >= 0 && fstat(fd, &st) == 0 && S_ISREG(st.st_mode)) fp = fdopen(fd, "rb");
    if (!fp && fd >= 0) close(fd);
    if (!fp) {
      ar_diag_warnf(dg, f->abspath, 0, 0, "vanished before its source lines could be shown");
      i = j;
      continue;
    }
    char *line = NULL;
    size_t cap = 0, k = i;
    uint32_t no = 0;
    ssize_t n;
    while (k < j && (n = getline(&line, &cap, fp)) >= 0) {
      no++;
      while (k < j && run->findings.items[k].line < no) k++;
      if (k >= j || run->findings.items[k].line != no) continue;
      char *s = line;
      if (no == 1 && (unsigned char)s[0] == 0xEF && (unsigned char)s[1] == 0xBB && (unsigned char)s[2] == 0xBF) s += 3;
      while (*s == ' ' || *s == '\t') s++;
      size_t len = strlen(s);
      while (len && (s[len - 1] == '\n' || s[len - 1] == '\r' || s[len - 1] == ' ')) len--;
      if (len > 200) len = 200;
      const char *text = ar_arena_strndup(&run->arena, s, len);
      while (k < j && run->findings.items[k].line == no) run->findings.items[k++].source = text;
    }
    free(line);
    fclose(fp);
    i = j;
  }
}

void ar_align_run(ar_run *run, ar_diag *dg)
{
  ar_map init_at_class;
  ar_map_init(&init_at_class);
  /* Pass 1: names set only in __init__ that some code also uses on the class. */
  for (size_t i = 0; i < run->files.len; i++) {
    ar_file *f = run->files.items[i];
    for (size_t j = 0; j < f->refs.len; j++) {
      const ar_ref *r = &f->refs.items[j];
      if (r->kind != AR_REF_CLASS_ATTR) continue;
      ar_class *c = r->target;
      if (!c || c->kind != AR_KIND_MODEL) continue;
      const ar_field *fld = ar_class_field(c, r->attr, false);
      if (fld && fld->kind == AR_FIELD_INIT_ONLY) {
        char *key = init_key(run, c, r->attr);
        ar_map_put(&init_at_class, key, key);
      }
    }
    /* What the summary calls references: those checked against a model or an enum. */
    for (size_t j = 0; j < f->refs.len; j++) {
      const ar_ref *r = &f->refs.items[j];
      if (r->kind != AR_REF_USE && r->target && (r->target->kind == AR_KIND_MODEL || r->target->kind == AR_KIND_ENUM))
        run->nrefs++;
    }
  }
  for (size_t i = 0; i < run->files.len; i++) {
    ar_file *f = run->files.items[i];
    for (size_t j = 0; j < f->refs.len; j++) check_ref(run, f, &f->refs.items[j], &init_at_class);
  }
  ar_map_dispose(&init_at_class);
  if (run->findings.len > 1)
    qsort(run->findings.items, run->findings.len, sizeof(ar_finding), cmp_finding);
  /* One finding per rule and place (a.b.c chains and augmented writes can repeat one). */
  size_t keep = 0;
  for (size_t i = 0; i < run->findings.len; i++) {
    if (keep && cmp_finding(&run->findings.items[keep - 1], &run->findings.items[i]) == 0) continue;
    run->findings.items[keep++] = run->findings.items[i];
  }
  run->findings.len = keep;
  attach_sources(run, dg);
}
