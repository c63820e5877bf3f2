/* SPDX-License-Identifier: MIT
 * report_markdown.c - the weekly checkpoint report in GitHub-flavoured Markdown: the document
 * teams used to write by hand (summary, work list, each finding with its code and the
 * model's definition, fix options, verified pairs, patterns, trends, what to test next).
 * Know before editing: every piece of text that comes from the scanned code goes through
 * ar_report__md_text / ar_report__md_code, and nothing here reads the clock (dates only
 * from --now), so the output is reproducible byte for byte. */
#include <stdlib.h>
#include <string.h>

#include "report_int.h"

#define TXT(s)                                                                                     \
  do {                                                                                             \
    if ((err = ar_report__md_text(out, (s))) < 0) goto done;                                       \
  } while (0)
#define CODE(s)                                                                                    \
  do {                                                                                             \
    if ((err = ar_report__md_code(out, (s), false)) < 0) goto done;                                \
  } while (0)
#define CELL(s)                                                                                    \
  do {                                                                                             \
    if ((err = ar_report__md_code(out, (s), true)) < 0) goto done;                                 \
  } while (0)
#define CALL(e)                                                                                    \
  do {                                                                                             \
    if ((err = (e)) < 0) goto done;                                                                \
  } while (0)

#define MAX_FIELDS_LISTED 15 /* "its fields: a, b, … and 7 more" */
#define MAX_TEST_NEXT 10     /* rows of "Test next" */

static bool missing_field_rule(ar_rule_id r) { return r <= AR_R105; }

static const char *coverage_cell(ar_arena *arena, const ar_filecov *c)
{
  return c->measured ? ar_arena_printf(arena, "%d%%", ar_report__pct(c)) : "not measured";
}

static const char *line_state(const ar_finding *fd)
{
  return fd->line_hits < 0 ? "file not measured" : fd->line_hits > 0 ? "line covered" : "line not covered";
}

/* ---- the classes a finding names --------------------------------------------------------- */

/* Fields worth listing: a model's data (not methods or plain class attributes), an enum's
 * members (its plain class attributes, as extraction records them). */
static bool listed_field(const ar_class *cls, const ar_field *f)
{
  if (f->name[0] == '_' || f->kind == AR_FIELD_METHOD) return false;
  return cls->kind == AR_KIND_ENUM || f->kind != AR_FIELD_ATTR;
}

static bool own_field(const ar_class *cls, const ar_field *f)
{
  return cls->nfields && f >= cls->fields && f < cls->fields + cls->nfields;
}

static int cmp_field_name(const void *a, const void *b)
{
  return strcmp((*(const ar_field *const *)a)->name, (*(const ar_field *const *)b)->name);
}

/* What a field is, in a few characters: "String(50)", "Enum(ControlStatus)", "-> User". */
static const char *field_type(ar_arena *arena, const ar_field *f)
{
  if (f->enum_type) return ar_arena_printf(arena, "Enum(%s)", f->enum_type);
  if (f->str_len >= 0) return ar_arena_printf(arena, "String(%d)", (int)f->str_len);
  if ((f->kind == AR_FIELD_RELATIONSHIP || f->kind == AR_FIELD_BACKREF) && f->target)
    return ar_arena_printf(arena, "relationship to %s", f->target);
  if (f->kind == AR_FIELD_PROPERTY) return "property";
  if (f->kind == AR_FIELD_INIT_ONLY) return "set in __init__ only";
  return NULL;
}

/* "`a`, `b`, … and N more": own fields in declaration order, then inherited and backref
 * fields by name (map order is not stable, so those are sorted). Enum members with values. */
static int field_list(ar_buf *out, ar_arena *arena, const ar_class *cls)
{
  int err = 0;
  size_t total = 0, shown = 0, ninh = 0;
  const ar_field **inh = NULL;
  for (size_t i = 0; i < cls->nfields; i++) total += listed_field(cls, &cls->fields[i]);
  if (cls->kind != AR_KIND_ENUM && cls->all_fields.cap) {
    inh = ar_xcalloc(cls->all_fields.len + 1, sizeof(*inh));
    size_t it = 0;
    const char *key;
    void *val;
    while (ar_map_next(&cls->all_fields, &it, &key, &val)) {
      const ar_field *f = val;
      if (f && listed_field(cls, f) && !own_field(cls, f)) inh[ninh++] = f;
    }
    qsort(inh, ninh, sizeof(*inh), cmp_field_name);
    total += ninh;
  }
  if (!total) {
    P("none");
    goto done;
  }
  for (size_t i = 0; i < cls->nfields + ninh && shown < MAX_FIELDS_LISTED; i++) {
    const ar_field *f = i < cls->nfields ? &cls->fields[i] : inh[i - cls->nfields];
    if (!listed_field(cls, f)) continue;
    P("%s", shown++ ? ", " : "");
    CODE(f->name);
    bool member = cls->kind == AR_KIND_ENUM;
    const char *ty = member ? NULL : field_type(arena, f);
    if (member && f->value) {
      P(" = ");
      CODE(f->value); /* as written, strings unquoted: extraction does not keep the quotes */
    } else if (ty || i >= cls->nfields) {
      P(" (");
      if (ty) TXT(ty);
      P("%s%s)", ty && i >= cls->nfields ? ", " : "", i >= cls->nfields ? "inherited" : "");
    }
  }
  if (total > shown) P(", … and %zu more", total - shown);
done:
  free(inh);
  return err;
}

static int def_site(ar_buf *out, ar_arena *arena, const ar_class *cls)
{
  int err = 0;
  CODE(ar_arena_printf(arena, "%s:%u", cls->file ? cls->file->path : "?", cls->line));
done:
  return err;
}

/* ---- one finding ---------------------------------------------------------------------------- */

/* Another finding on the same line, of the enum rule or of the missing-field family (the
 * seed's `control.status = E.MISSING` carries a missing column and a missing member at once:
 * their fixes go together). Findings are sorted by path, line, column: look at neighbours. */
static const ar_finding *same_line(const ar_run *run, const ar_finding *fd, bool want_enum)
{
  const ar_finding *all = run->findings.items, *end = all + run->findings.len;
  const ar_finding *lo = fd, *hi = fd + 1;
  while (lo > all && lo[-1].file == fd->file && lo[-1].line == fd->line) lo--;
  while (hi < end && hi->file == fd->file && hi->line == fd->line) hi++;
  for (const ar_finding *o = lo; o < hi; o++) {
    if (o == fd) continue;
    if (want_enum ? o->rule == AR_R201 : missing_field_rule(o->rule)) return o;
  }
  return NULL;
}

/* The fence for a code block: one backtick longer than any run of backticks inside. */
static const char *fence_for(ar_arena *arena, const char *s)
{
  size_t run = 0, longest = 0;
  for (const char *p = s; *p; p++) {
    run = *p == '`' ? run + 1 : 0;
    if (run > longest) longest = run;
  }
  size_t n = longest >= 3 ? longest + 1 : 3;
  char *f = ar_arena_alloc(arena, n + 1);
  memset(f, '`', n);
  return f;
}

static char *lowercase(ar_arena *arena, const char *s)
{
  char *l = ar_arena_strdup(arena, s);
  for (char *p = l; *p; p++)
    if (*p >= 'A' && *p <= 'Z') *p = (char)(*p - 'A' + 'a');
  return l;
}

/* Fix options: the seed audit's three (add the column, use the existing field, fix the
 * enum), adapted to what the finding is. Code goes in fenced blocks indented under the
 * list item (three spaces: the width of "1. "). */
static int fix_options(const ar_run *run, ar_buf *out, const ar_finding *fd)
{
  int err = 0;
  ar_arena *arena = (ar_arena *)&run->arena;
  const ar_class *c = fd->cls;
  const char *a = fd->attr, *s = fd->suggestion;
  int n = 0;
  P("\n**Fix options**\n\n");
  if (missing_field_rule(fd->rule)) {
    const ar_finding *en = same_line(run, fd, true);
    const char *type = en ? ar_arena_printf(arena, "SQLEnum(%s)", en->cls->name) : "...";
    P("%d. **Add the column** ", ++n);
    CODE(a);
    P(" to ");
    CODE(c->name);
    P(" (");
    CALL(def_site(out, arena, c));
    P("), with a migration that adds it to the table:\n   ```python\n   %s = Column(%s, nullable=True)%s\n   ```\n",
      a, type, en ? "" : "  # the type of the values the service stores");
    if (s) {
      P("%d. **Use the existing field** ", ++n);
      CODE(s);
      P(" where the service says ");
      CODE(a);
      P(", if it holds the same thing (check the values it stores fit its type).\n");
    } else {
      P("%d. **Use a field the model has** (listed above), if ", ++n);
      CODE(a);
      P(" is another name for one of them.\n");
    }
    if (en) {
      P("%d. **Fix the enum** as well: ", ++n);
      CODE(en->cls->name);
      P(" has no member ");
      CODE(en->attr);
      P(" (the %s finding on this line): add it, or store a member the enum has.\n", ar_rules[en->rule].code);
    } else if (fd->rule == AR_R101) {
      P("%d. **If it is a transient flag**, not data: probe it with `hasattr()` or `getattr(obj, \"%s\", None)`, "
        "or mark the line `# alignrisk: ignore[AR101]`.\n", ++n, a);
    } else if (fd->rule == AR_R104) {
      P("%d. **If the constructor should accept it**, give ", ++n);
      CODE(c->name);
      P(" an `__init__` that takes ");
      CODE(a);
      P(" and forwards the rest to `super().__init__(**kwargs)`.\n");
    }
  } else if (fd->rule == AR_R201) {
    const ar_finding *col = same_line(run, fd, false);
    /* The new member's value follows the enum's own convention when it has a visible one
     * (ControlStatus.EFFECTIVE = "effective": COMPLIANT = "compliant"). */
    const char *value = "...";
    for (size_t i = 0; i < c->nfields; i++) {
      const ar_field *f = &c->fields[i];
      if (!listed_field(c, f) || !f->value) continue;
      if (strcmp(f->value, lowercase(arena, f->name)) == 0) value = ar_arena_printf(arena, "\"%s\"", lowercase(arena, a));
      else if (strcmp(f->value, f->name) == 0) value = ar_arena_printf(arena, "\"%s\"", a);
      break;
    }
    P("%d. **Add the member** ", ++n);
    CODE(a);
    P(" to ");
    CODE(c->name);
    P(" (");
    CALL(def_site(out, arena, c));
    P("), and to the database enum type with a migration if a column stores it:\n"
      "   ```python\n   %s = %s\n   ```\n", a, value);
    if (s) {
      P("%d. **Use the existing member** ", ++n);
      CODE(s);
      P(" instead.\n");
    } else {
      P("%d. **Use a member the enum has** (listed above) that means the same.\n", ++n);
    }
    if (col) {
      P("%d. **Fix the model first**: this line also uses ", ++n);
      CODE(ar_arena_printf(arena, "%s.%s", col->cls->name, col->attr));
      P(", which does not exist (the %s finding): decide the new column's enum and its members together.\n",
        ar_rules[col->rule].code);
    }
  } else {
    static const char *const generic[][2] = {
        [AR_R202] = {"Store a member of the enum the column is typed with.",
                     "Change the column's enum type, with a migration, if the column should hold this enum."},
        [AR_R203] = {"Use one of the enum's values.", "Add the value to the enum (and the database type)."},
        [AR_R204] = {"Shorten the value.", "Widen the column's `String(N)`, with a migration."},
        [AR_R205] = {"Store a value (or the column's default) instead of `None`.",
                     "Make the column `nullable=True`, with a migration."},
    };
    if ((unsigned)fd->rule < AR_RULE_COUNT && generic[fd->rule][0])
      P("1. %s\n2. %s\n", generic[fd->rule][0], generic[fd->rule][1]);
    else
      P("1. See `alignrisk explain %s`.\n", ar_rules[fd->rule].code);
  }
done:
  return err;
}

static int finding_block(const ar_run *run, ar_buf *out, const ar_finding *fd, const ar_class *pair_model)
{
  int err = 0;
  ar_arena *arena = (ar_arena *)&run->arena;
  const ar_rule *r = &ar_rules[fd->rule];
  P("\n#### %s %s: ", r->code, r->name);
  CODE(ar_arena_printf(arena, "%s.%s", fd->cls->name, fd->attr));
  P("\n\n**%s** · confidence **%s** · %s", ar_severity_name(fd->severity), ar_confidence_name(fd->conf),
    fd->trend == AR_TREND_NEW ? "new" : "persisting");
  if (fd->trend == AR_TREND_PERSISTING && fd->first_seen) {
    P(" since ");
    CODE(fd->first_seen);
  }
  P(" · ");
  CODE(ar_arena_printf(arena, "%s:%u:%u", fd->file->path, fd->line, fd->col));
  if (fd->func) {
    P(" in ");
    CODE(fd->func);
  }
  P(" · %s\n\n", line_state(fd));
  TXT(ar_report_message(arena, fd));
  P("\n");
  if (fd->source) {
    const char *fence = fence_for(arena, fd->source);
    P("\n%spython\n# %s:%u\n%s\n%s\n", fence, fd->file->path, fd->line, fd->source, fence);
  }
  if (fd->evidence || fd->cls != pair_model || fd->suggestion || fd->recurrence > 1) P("\n");
  if (fd->evidence) {
    P("- **Receiver**: ");
    TXT(fd->evidence);
    P("\n");
  }
  if (fd->cls != pair_model) {
    P("- **%s** ", fd->cls->kind == AR_KIND_ENUM ? "Enum" : "Class");
    CODE(fd->cls->name);
    P(", defined at ");
    CALL(def_site(out, arena, fd->cls));
    P(", has: ");
    CALL(field_list(out, arena, fd->cls));
    P("\n");
  }
  if (fd->suggestion) {
    const ar_field *f = ar_class_field(fd->cls, fd->suggestion, false);
    P("- **Closest it has**: ");
    CODE(fd->suggestion);
    if (f && own_field(fd->cls, f) && fd->cls->file) {
      P(" at ");
      CODE(ar_arena_printf(arena, "%s:%u", fd->cls->file->path, f->line));
    }
    const char *ty = f && fd->cls->kind != AR_KIND_ENUM ? field_type(arena, f) : NULL;
    if (ty) {
      P(", ");
      TXT(ty);
    }
    P("\n");
  }
  if (fd->recurrence > 1) {
    P("- **Recurring pattern**: ");
    CODE(fd->pattern);
    P(", %d%s instance", fd->recurrence, ar_report__ordinal(fd->recurrence));
    if (fd->earlier) {
      P(" (earlier: ");
      TXT(fd->earlier);
      P(")");
    }
    P("\n");
  }
  CALL(fix_options(run, out, fd));
done:
  return err;
}

/* ---- sections --------------------------------------------------------------------------------- */

static int summary(const ar_run *run, ar_buf *out, size_t npairs, size_t nverified)
{
  int err = 0;
  const ar_config *cfg = run->cfg;
  ar_arena *arena = (ar_arena *)&run->arena;
  size_t new_by[AR_SEV_COUNT] = {0}, nnew = 0;
  for (size_t k = 0; k < run->findings.len; k++) {
    const ar_finding *fd = &run->findings.items[k];
    if (fd->trend == AR_TREND_NEW && (unsigned)fd->severity < AR_SEV_COUNT) new_by[fd->severity]++, nnew++;
  }
  P("## Summary\n\n");
  P("- **Findings**: %zu in %zu pair%s (%zu new, %zu persisting", run->findings.len, npairs,
    npairs == 1 ? "" : "s", nnew, run->findings.len - nnew);
  if (run->ncheckpoints) {
    P(", %zu fixed since ", run->fixed.len);
    CODE(run->last_checkpoint);
  }
  P(")\n");
  P("- **Gate**: ");
  if (cfg->fail_over < 0 && cfg->fail_on < 0) {
    P("passed (no gate set: `--fail-over RISK`, `--fail-on SEVERITY`)\n");
  } else {
    P("%s", run->gate.passed ? "passed" : "**FAILED**");
    const char *sep = " (";
    if (cfg->fail_over >= 0) { P("%s`--fail-over %g`", sep, cfg->fail_over); sep = ", "; }
    if (cfg->fail_on >= 0) { P("%s`--fail-on %s`", sep, ar_severity_name((ar_severity)cfg->fail_on)); sep = ", "; }
    if (cfg->new_only) P("%s`--new-only`", sep);
    P(")\n");
    for (size_t i = 0; i < run->gate.reasons.len; i++) {
      P("  - ");
      TXT(run->gate.reasons.items[i]);
      P("\n");
    }
  }
  if (npairs) {
    const ar_pair *top = &run->pairs.items[0];
    P("- **Top risk**: ");
    CODE(top->model->name);
    P(" ← ");
    CODE(top->service->path);
    P(", risk %.1f (%zu finding%s, coverage %s, %u untested lines)\n", top->risk, top->nfindings,
      top->nfindings == 1 ? "" : "s", coverage_cell(arena, &top->cov), top->cov.untested);
  } else {
    P("- **Top risk**: none, no finding in a service\n");
  }
  P("- **Total risk**: %.1f\n", run->total_risk);
  P("- **Checked**: %zu files", run->files.len);
  if (run->nskipped) P(" (%zu skipped)", run->nskipped);
  P(" under ");
  CODE(run->root ? run->root : ".");
  P(", %zu model%s, %zu enum%s; %zu pair%s verified\n", run->nmodels, run->nmodels == 1 ? "" : "s", run->nenums,
    run->nenums == 1 ? "" : "s", nverified, nverified == 1 ? "" : "s");
  P("- **Coverage**: ");
  if (cfg->coverage.len || run->cov_files) {
    for (size_t i = 0; i < cfg->coverage.len; i++) {
      P("%s", i ? ", " : "");
      CODE(cfg->coverage.items[i]);
    }
    P("%s%zu files measured", cfg->coverage.len ? ": " : "", run->cov_files);
    if (run->cov_unmapped) {
      P(", %zu unmapped (", run->cov_unmapped);
      for (size_t i = 0; i < run->cov_unmapped_names.len; i++) {
        P("%s", i ? ", " : "");
        CODE(run->cov_unmapped_names.items[i]);
      }
      P("%s)", run->cov_unmapped > run->cov_unmapped_names.len ? ", …" : "");
    }
    P("\n");
  } else {
    P("none: every service counts as untested\n");
  }
  P("- **History**: ");
  if (run->ncheckpoints) {
    P("%zu checkpoint%s, the last ", run->ncheckpoints, run->ncheckpoints == 1 ? "" : "s");
    CODE(run->last_checkpoint);
    if (cfg->history) {
      P(" (");
      CODE(cfg->history);
      P(")");
    }
    P("\n");
  } else {
    P("none\n");
  }

  P("\n| severity | findings | new |\n|---|---:|---:|\n");
  for (int s = AR_SEV_COUNT - 1; s >= 0; s--)
    P("| %s | %zu | %zu |\n", ar_severity_name((ar_severity)s), run->by_severity[s], new_by[s]);
done:
  return err;
}

static int work_list(const ar_run *run, ar_buf *out, size_t npairs)
{
  int err = 0;
  ar_arena *arena = (ar_arena *)&run->arena;
  P("\n## Work list\n\n");
  if (!npairs) {
    P("Nothing to fix: no finding in a service.\n");
    goto done;
  }
  P("Pairs of a model and a service that uses it, ranked by risk.\n\n");
  P("| # | risk | coverage | untested lines | findings | model ← service |\n");
  P("|---:|---:|---:|---:|---:|---|\n");
  for (size_t i = 0; i < run->pairs.len; i++) {
    const ar_pair *p = &run->pairs.items[i];
    if (!p->nfindings) continue;
    P("| %d | %.1f | %s | %u | %zu | ", p->rank, p->risk, coverage_cell(arena, &p->cov), p->cov.untested,
      p->nfindings);
    CELL(p->model->name);
    P(" ← ");
    CELL(p->service->path);
    P(" |\n");
  }
done:
  return err;
}

typedef struct ranked {
  const ar_finding *fd;
  const ar_pair *pair; /* NULL: outside services, listed last */
  size_t index;
} ranked;

static int cmp_ranked(const void *a, const void *b)
{
  const ranked *x = a, *y = b;
  int rx = x->pair ? x->pair->rank : 1 << 30, ry = y->pair ? y->pair->rank : 1 << 30;
  if (rx != ry) return rx < ry ? -1 : 1;
  return x->index < y->index ? -1 : x->index > y->index;
}

static int pair_findings(const ar_run *run, ar_buf *out, size_t npairs)
{
  int err = 0;
  ar_arena *arena = (ar_arena *)&run->arena;
  const ar_pair **pairs = ar_report__pairs_of(run);
  ranked *order = ar_xcalloc(run->findings.len + 1, sizeof(*order));
  const ar_pair *open = NULL;
  bool outside = false;
  for (size_t k = 0; k < run->findings.len; k++) order[k] = (ranked){&run->findings.items[k], pairs[k], k};
  if (run->findings.len > 1) qsort(order, run->findings.len, sizeof(*order), cmp_ranked);
  if (npairs) P("\n## Findings\n");
  for (size_t k = 0; k < run->findings.len; k++) {
    const ar_pair *p = order[k].pair;
    if (p && p != open) {
      open = p;
      P("\n### %d. ", p->rank);
      CODE(p->model->name);
      P(" ← ");
      CODE(p->service->path);
      P("\n\nRisk %.1f · coverage %s · %u of %u statement lines untested · %zu finding%s\n\n", p->risk,
        coverage_cell(arena, &p->cov), p->cov.untested, p->cov.statements, p->nfindings,
        p->nfindings == 1 ? "" : "s");
      P("**Model** ");
      CODE(p->model->name);
      P(", defined at ");
      CALL(def_site(out, arena, p->model));
      P(", has: ");
      CALL(field_list(out, arena, p->model));
      P("\n");
    }
    if (!p && !outside) {
      outside = true;
      P("\n## Outside services\n\nTests and migrations: reported, not ranked.\n");
    }
    CALL(finding_block(run, out, order[k].fd, p ? p->model : NULL));
  }
done:
  free(order);
  return err;
}

static int verified(const ar_run *run, ar_buf *out, size_t nverified)
{
  int err = 0;
  ar_arena *arena = (ar_arena *)&run->arena;
  P("\n## Verified pairs\n\n");
  if (!nverified) {
    P("None: every pair has a finding.\n");
    goto done;
  }
  P("The service uses the model, and every field and member it uses exists.\n\n");
  P("| model ← service | coverage | untested lines |\n|---|---:|---:|\n");
  for (size_t i = 0; i < run->pairs.len; i++) {
    const ar_pair *p = &run->pairs.items[i];
    if (p->nfindings) continue;
    P("| ");
    CELL(p->model->name);
    P(" ← ");
    CELL(p->service->path);
    P(" | %s | %u |\n", coverage_cell(arena, &p->cov), p->cov.untested);
  }
done:
  return err;
}

/* Pattern analysis groups findings by pattern, and within a pattern by instance (class and
 * attribute): a sort of the finding indices makes both groupings runs of neighbours. */
typedef struct pat_group {
  size_t lo, hi;    /* run in the sorted index */
  size_t first;     /* lowest finding index: groups print in report order */
  int instances;    /* the pattern's recurrence: history + this run */
  const char *earlier;
} pat_group;

static int cmp_by_pattern(const void *a, const void *b)
{
  const ar_finding *x = *(const ar_finding *const *)a, *y = *(const ar_finding *const *)b;
  int c = strcmp(x->pattern, y->pattern);
  if (!c) c = strcmp(x->cls->name, y->cls->name);
  if (!c) c = strcmp(x->attr, y->attr);
  return c ? c : (x < y ? -1 : x > y);
}

static int cmp_group_first(const void *a, const void *b)
{
  const pat_group *x = a, *y = b;
  return x->first < y->first ? -1 : x->first > y->first;
}

static bool same_instance(const ar_finding *a, const ar_finding *b)
{
  return strcmp(a->cls->name, b->cls->name) == 0 && strcmp(a->attr, b->attr) == 0;
}

static int patterns(const ar_run *run, ar_buf *out)
{
  int err = 0;
  ar_arena *arena = (ar_arena *)&run->arena;
  const ar_finding **by = ar_xcalloc(run->findings.len + 1, sizeof(*by));
  pat_group *groups = ar_xcalloc(run->findings.len + 1, sizeof(*groups));
  size_t n = 0, ngroups = 0, nrec = 0, shown = 0;
  for (size_t k = 0; k < run->findings.len; k++)
    if (run->findings.items[k].pattern) by[n++] = &run->findings.items[k];
  if (n > 1) qsort(by, n, sizeof(*by), cmp_by_pattern);
  for (size_t i = 0; i < n;) {
    pat_group *g = &groups[ngroups++];
    *g = (pat_group){.lo = i, .first = (size_t)-1};
    size_t earliest_with = (size_t)-1;
    for (; i < n && strcmp(by[i]->pattern, by[g->lo]->pattern) == 0; i++) {
      size_t idx = (size_t)(by[i] - run->findings.items);
      if (idx < g->first) g->first = idx;
      if (by[i]->recurrence > g->instances) g->instances = by[i]->recurrence;
      if (by[i]->earlier && idx < earliest_with) earliest_with = idx, g->earlier = by[i]->earlier;
    }
    g->hi = i;
    nrec += g->instances > 1;
  }
  qsort(groups, ngroups, sizeof(*groups), cmp_group_first);

  P("\n## Pattern analysis\n\n");
  if (!nrec) {
    P("No recurring pattern: %s.\n", run->ncheckpoints ? "none of this run's patterns appears in the history"
                                                       : "there is no history to compare with");
  } else {
    P("Bug patterns seen before, in earlier checkpoints or elsewhere in this one.\n\n");
    P("| pattern | instances | now | earlier |\n|---|---:|---|---|\n");
  }
  for (size_t gi = 0; gi < ngroups; gi++) {
    const pat_group *g = &groups[gi];
    if (g->instances < 2) continue;
    P("| ");
    CELL(by[g->lo]->pattern);
    P(" | %d | ", g->instances);
    /* This run's instances, with how many findings each. */
    for (size_t i = g->lo, first = 1; i < g->hi; first = 0) {
      size_t j = i;
      while (j < g->hi && same_instance(by[i], by[j])) j++;
      P("%s", first ? "" : ", ");
      CELL(ar_arena_printf(arena, "%s.%s", by[i]->cls->name, by[i]->attr));
      P(" (%zu finding%s)", j - i, j - i == 1 ? "" : "s");
      i = j;
    }
    P(" | ");
    if (g->earlier) TXT(g->earlier);
    else P("this checkpoint");
    P(" |\n");
  }
  if (ngroups > nrec) {
    P("\n%s pattern%s: ", nrec ? "First instances of" : "This run's", ngroups - nrec == 1 ? "" : "s");
    for (size_t gi = 0; gi < ngroups && shown < 10; gi++) {
      if (groups[gi].instances > 1) continue;
      P("%s", shown++ ? ", " : "");
      CODE(by[groups[gi].lo]->pattern);
    }
    if (ngroups - nrec > shown) P(", … and %zu more", ngroups - nrec - shown);
    P(".\n");
  }
done:
  free(groups);
  free(by);
  return err;
}

static int trend_row(const ar_run *run, ar_buf *out, const ar_finding *fd)
{
  int err = 0;
  ar_arena *arena = (ar_arena *)&run->arena;
  P("| %s | ", ar_rules[fd->rule].code);
  CELL(ar_arena_printf(arena, "%s.%s", fd->cls->name, fd->attr));
  P(" | ");
  CELL(ar_arena_printf(arena, "%s:%u", fd->file->path, fd->line));
  P(" | %s |\n", ar_severity_name(fd->severity));
done:
  return err;
}

static int trends(const ar_run *run, ar_buf *out)
{
  int err = 0;
  size_t nnew = 0, npers = 0;
  for (size_t k = 0; k < run->findings.len; k++) {
    if (run->findings.items[k].trend == AR_TREND_NEW) nnew++;
    else npers++;
  }
  if (!run->ncheckpoints) {
    P("\n## New and fixed\n\nNo earlier checkpoint to compare with: every finding is new. "
      "`--record NAME` adds this run to the history.\n");
    goto done;
  }
  P("\n## New and fixed since ");
  CODE(run->last_checkpoint);
  P("\n\n%zu new, %zu persisting, %zu fixed.\n", nnew, npers, run->fixed.len);
  if (nnew) {
    P("\n**New**\n\n| rule | finding | where | severity |\n|---|---|---|---|\n");
    for (size_t k = 0; k < run->findings.len; k++)
      if (run->findings.items[k].trend == AR_TREND_NEW) CALL(trend_row(run, out, &run->findings.items[k]));
  }
  if (npers) {
    P("\n**Persisting**\n\n| rule | finding | where | first seen |\n|---|---|---|---|\n");
    for (size_t k = 0; k < run->findings.len; k++) {
      const ar_finding *fd = &run->findings.items[k];
      if (fd->trend != AR_TREND_PERSISTING) continue;
      P("| %s | ", ar_rules[fd->rule].code);
      CELL(ar_arena_printf((ar_arena *)&run->arena, "%s.%s", fd->cls->name, fd->attr));
      P(" | ");
      CELL(ar_arena_printf((ar_arena *)&run->arena, "%s:%u", fd->file->path, fd->line));
      P(" | ");
      if (fd->first_seen) CELL(fd->first_seen);
      P(" |\n");
    }
  }
  if (run->fixed.len) {
    P("\n**Fixed**\n\n| rule | finding | service | first seen |\n|---|---|---|---|\n");
    for (size_t i = 0; i < run->fixed.len; i++) {
      const ar_fixed *fx = &run->fixed.items[i];
      P("| %s | ", fx->rule ? fx->rule : "-");
      CELL(ar_arena_printf((ar_arena *)&run->arena, "%s.%s", fx->model ? fx->model : "?", fx->field ? fx->field : "?"));
      P(" | ");
      if (fx->service) CELL(fx->service);
      P(" | ");
      if (fx->first_seen) CELL(fx->first_seen);
      P(" |\n");
    }
  }
done:
  return err;
}

/* ---- test next ------------------------------------------------------------------------------ */

typedef struct candidate {
  const ar_func *fn;
  const ar_file *file;
  const ar_pair *pair;
  size_t order;     /* the pair's place: ranked pairs by rank, then verified by untested lines */
  size_t nfindings; /* findings of the pair inside the function */
} candidate;

static int cmp_candidate(const void *a, const void *b)
{
  const candidate *x = a, *y = b;
  if (x->order != y->order) return x->order < y->order ? -1 : 1;
  if ((x->nfindings > 0) != (y->nfindings > 0)) return x->nfindings ? -1 : 1;
  if (x->fn->untested != y->fn->untested) return x->fn->untested > y->fn->untested ? -1 : 1;
  return x->fn->start < y->fn->start ? -1 : x->fn->start > y->fn->start;
}

static int cmp_pair_untested(const void *a, const void *b)
{
  const ar_pair *x = *(const ar_pair *const *)a, *y = *(const ar_pair *const *)b;
  if (!!x->nfindings != !!y->nfindings) return x->nfindings ? -1 : 1;
  if (x->nfindings) return x->rank - y->rank;
  if (x->cov.untested != y->cov.untested) return x->cov.untested > y->cov.untested ? -1 : 1;
  int c = strcmp(x->model->name, y->model->name);
  return c ? c : strcmp(x->service->path, y->service->path);
}

static int cmp_candidate_fn(const void *a, const void *b)
{
  const candidate *x = a, *y = b;
  uintptr_t fx = (uintptr_t)x->fn, fy = (uintptr_t)y->fn;
  if (fx != fy) return fx < fy ? -1 : 1;
  return x->order < y->order ? -1 : x->order > y->order;
}

/* The functions of the pair's service that touch its model, by qualified name: those with a
 * reference to the model (or to an enum used with one of its fields) and those holding a
 * finding of the pair, with how many. Refs and findings name their enclosing function, so
 * a nested function's use counts for it, not for the function around it. */
static void touching(const ar_run *run, const ar_pair *p, ar_map *out)
{
  const ar_file *f = p->service;
  for (size_t j = 0; j < f->refs.len; j++) {
    const ar_ref *r = &f->refs.items[j];
    if ((r->target == p->model || ar_ref_ctx_target(r) == p->model) && r->func && !ar_map_get(out, r->func))
      ar_map_put(out, r->func, (void *)(uintptr_t)1);
  }
  /* Findings are sorted by path: binary search for the service's first one. */
  size_t lo = 0, hi = run->findings.len;
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    if (strcmp(run->findings.items[mid].file->path, f->path) < 0) lo = mid + 1;
    else hi = mid;
  }
  for (size_t k = lo; k < run->findings.len && run->findings.items[k].file == f; k++) {
    const ar_finding *fd = &run->findings.items[k];
    if (fd->model != p->model || !fd->func) continue;
    uintptr_t v = (uintptr_t)ar_map_get(out, fd->func);
    ar_map_put(out, fd->func, (void *)((v ? v : 1) + 1));
  }
}

static int test_next(const ar_run *run, ar_buf *out)
{
  int err = 0;
  ar_arena *arena = (ar_arena *)&run->arena;
  const ar_pair **order = ar_xcalloc(run->pairs.len + 1, sizeof(*order));
  AR_VEC(candidate) cands = {0};
  for (size_t i = 0; i < run->pairs.len; i++) order[i] = &run->pairs.items[i];
  if (run->pairs.len > 1) qsort(order, run->pairs.len, sizeof(*order), cmp_pair_untested);
  for (size_t i = 0; i < run->pairs.len; i++) {
    const ar_pair *p = order[i];
    const ar_file *f = p->service;
    ar_map touch; /* qualname -> 1 + findings of the pair in it */
    ar_map_init(&touch);
    touching(run, p, &touch);
    for (size_t k = 0; k < f->funcs.len && touch.len; k++) {
      const ar_func *fn = &f->funcs.items[k];
      uintptr_t t = (uintptr_t)ar_map_get(&touch, fn->qualname);
      if (fn->untested && t) AR_VEC_PUSH(&cands, ((candidate){fn, f, p, i, (size_t)(t - 1)}));
    }
    ar_map_dispose(&touch);
  }
  /* One row per function: the riskiest pair that touches it (the lowest order). */
  if (cands.len > 1) qsort(cands.items, cands.len, sizeof(candidate), cmp_candidate_fn);
  size_t keep = 0;
  for (size_t c = 0; c < cands.len; c++)
    if (!keep || cands.items[keep - 1].fn != cands.items[c].fn) cands.items[keep++] = cands.items[c];
  cands.len = keep;
  if (cands.len > 1) qsort(cands.items, cands.len, sizeof(candidate), cmp_candidate);
  P("\n## Test next\n\n");
  if (!cands.len) {
    P("No function with untested lines touches a model in the pairs above.\n");
    goto done;
  }
  P("Functions with untested lines that use the models of the pairs above, riskiest pair first; "
    "functions with findings lead.\n\n");
  P("| # | function | lines | untested lines | findings | model ← service (rank) |\n");
  P("|---:|---|---|---:|---:|---|\n");
  for (size_t c = 0; c < cands.len && c < MAX_TEST_NEXT; c++) {
    const candidate *cd = &cands.items[c];
    P("| %zu | ", c + 1);
    CELL(cd->fn->qualname);
    P(" | ");
    CELL(ar_arena_printf(arena, "%s:%u-%u", cd->file->path, cd->fn->start, cd->fn->end));
    P(" | %u of %u | %zu | ", cd->fn->untested, cd->fn->statements ? cd->fn->statements : cd->fn->untested,
      cd->nfindings);
    CELL(cd->pair->model->name);
    P(" ← ");
    CELL(cd->file->path);
    if (cd->pair->rank) P(" (%d)", cd->pair->rank);
    else P(" (verified)");
    P(" |\n");
  }
  if (cands.len > MAX_TEST_NEXT) P("\n… and %zu more.\n", cands.len - MAX_TEST_NEXT);
done:
  AR_VEC_FREE(&cands);
  free(order);
  return err;
}

/* ---- the report ----------------------------------------------------------------------------- */

/* A confidence factor as DESIGN.md writes it: 1.0, 0.7, 0.4 (and 0.75 when configured). */
static const char *factor(ar_arena *arena, double w)
{
  return w == (double)(long)w ? ar_arena_printf(arena, "%.1f", w) : ar_arena_printf(arena, "%g", w);
}

int ar_report__markdown(const ar_run *run, ar_buf *out)
{
  int err = 0;
  const ar_config *cfg = run->cfg;
  ar_arena *arena = (ar_arena *)&run->arena;
  size_t npairs = 0, nverified = 0;
  for (size_t i = 0; i < run->pairs.len; i++) {
    if (run->pairs.items[i].nfindings) npairs++;
    else nverified++;
  }
  P("# alignrisk checkpoint report");
  if (cfg->record) {
    P(": ");
    TXT(cfg->record);
  }
  P("\n\n");
  /* Only an injected date: a report that read the clock could not be compared byte for byte. */
  if (cfg->now) {
    P("**Date**: ");
    TXT(cfg->now);
    P("  \n");
  }
  P("**Result**: %zu finding%s (%zu critical, %zu high, %zu medium, %zu low); gate %s\n\n", run->findings.len,
    run->findings.len == 1 ? "" : "s", run->by_severity[AR_SEV_CRITICAL], run->by_severity[AR_SEV_HIGH],
    run->by_severity[AR_SEV_MEDIUM], run->by_severity[AR_SEV_LOW],
    cfg->fail_over < 0 && cfg->fail_on < 0 ? "not set" : run->gate.passed ? "passed" : "**FAILED**");
  CALL(summary(run, out, npairs, nverified));
  CALL(work_list(run, out, npairs));
  CALL(pair_findings(run, out, npairs));
  CALL(verified(run, out, nverified));
  CALL(patterns(run, out));
  CALL(trends(run, out));
  CALL(test_next(run, out));
  P("\n## Score\n\n```\n"
    "weight(f)   = severity(f) x confidence(f) x repeat(f)\n"
    "                severity:   critical %g, high %g, medium %g, low %g\n"
    "                confidence: certain %s, likely %s, possible %s\n"
    "                repeat:     1 + %g x (recurrence(f) - 1)\n"
    "risk(pair)  = sum of weight(f) over the pair's findings x max(1, untested(service))\n"
    "untested(s) = lines of service s that coverage reports with 0 hits\n```\n",
    cfg->sev_weight[AR_SEV_CRITICAL], cfg->sev_weight[AR_SEV_HIGH], cfg->sev_weight[AR_SEV_MEDIUM],
    cfg->sev_weight[AR_SEV_LOW], factor(arena, cfg->conf_weight[AR_CONF_CERTAIN]),
    factor(arena, cfg->conf_weight[AR_CONF_LIKELY]), factor(arena, cfg->conf_weight[AR_CONF_POSSIBLE]),
    cfg->repeat_step);
  P("\n---\n\n*alignrisk %s", AR_VERSION);
  if (cfg->now) {
    P(", ");
    TXT(cfg->now);
  }
  P("*\n");
done:
  return err;
}
