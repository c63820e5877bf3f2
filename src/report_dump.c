/* SPDX-License-Identifier: MIT
 * report_dump.c - stable text dumps of single stages (--dump models|refs|coverage), so
 * tests can check extraction and resolution without going through scoring. */
#include <string.h>

#include "report_int.h"


static const char *kind_name(int k)
{
  switch (k) {
  case AR_KIND_MODEL: return "model";
  case AR_KIND_DECL_BASE: return "base";
  case AR_KIND_ENUM: return "enum";
  default: return "class";
  }
}

static const char *field_kind(ar_field_kind k)
{
  static const char *const names[] = {"column", "relationship", "backref", "property",
                                      "method", "attr", "init-only", "member"};
  return (unsigned)k < sizeof names / sizeof *names ? names[k] : "?";
}

static const char *ref_kind(ar_ref_kind k)
{
  static const char *const names[] = {"read", "write", "class-attr", "ctor-kwarg", "filter-by", "use"};
  return (unsigned)k < sizeof names / sizeof *names ? names[k] : "?";
}

static int dump_models(const ar_run *run, ar_buf *out)
{
  int err = 0;
  for (size_t i = 0; i < run->files.len; i++) {
    const ar_file *f = run->files.items[i];
    for (size_t j = 0; j < f->classes.len; j++) {
      const ar_class *c = f->classes.items[j];
      if (c->kind != AR_KIND_MODEL && c->kind != AR_KIND_ENUM && c->kind != AR_KIND_DECL_BASE) continue;
      P("%s:%u: %s %s%s%s\n", f->path, c->line, kind_name(c->kind), c->name, c->open ? " (open)" : "",
        (c->flags & AR_CLASS_ABSTRACT) ? " (abstract)" : "");
      /* Own fields in order, then inherited and backref names sorted. */
      for (size_t k = 0; k < c->nfields; k++) {
        const ar_field *fl = &c->fields[k];
        P("  %s %s", field_kind(fl->kind), fl->name);
        if (fl->enum_type) P(" enum=%s", fl->enum_type);
        if (fl->str_len >= 0) P(" len=%d", fl->str_len);
        if (fl->nullable >= 0) P(" nullable=%s", fl->nullable ? "true" : "false");
        if (fl->target) P(" target=%s", fl->target);
        if (fl->backref) P(" backref=%s", fl->backref);
        if (fl->value && c->kind == AR_KIND_ENUM) P(" value=%s", fl->value);
        P("\n");
      }
      AR_VEC(const char *) extra = {0};
      size_t it = 0;
      const char *key;
      void *val;
      while (ar_map_next(&c->all_fields, &it, &key, &val)) {
        if (!val) continue;
        bool own = false;
        for (size_t k = 0; k < c->nfields && !own; k++) own = &c->fields[k] == val;
        if (!own) AR_VEC_PUSH(&extra, key);
      }
      for (size_t a = 1; a < extra.len; a++) /* insertion sort: small lists */
        for (size_t b = a; b > 0 && strcmp(extra.items[b - 1], extra.items[b]) > 0; b--) {
          const char *t = extra.items[b];
          extra.items[b] = extra.items[b - 1];
          extra.items[b - 1] = t;
        }
      for (size_t a = 0; a < extra.len; a++) {
        const ar_field *fl = ar_map_get(&c->all_fields, extra.items[a]);
        P("  inherited %s %s\n", field_kind(fl->kind), extra.items[a]);
      }
      AR_VEC_FREE(&extra);
    }
  }
done:
  return err;
}

static int dump_refs(const ar_run *run, ar_buf *out)
{
  int err = 0;
  for (size_t i = 0; i < run->files.len; i++) {
    const ar_file *f = run->files.items[i];
    for (size_t j = 0; j < f->refs.len; j++) {
      const ar_ref *r = &f->refs.items[j];
      if (r->kind == AR_REF_USE) continue;
      P("%s:%u:%u: %s %s.%s %s in %s%s", f->path, r->line, r->col, ref_kind(r->kind), r->recv, r->attr,
        ar_confidence_name(r->conf), r->func, (r->flags & AR_REF_GUARDED) ? " guarded" : "");
      if (ar_ref_ctx_recv(r)) P(" ctx=%s", ar_ref_ctx_recv(r));
      if (r->evidence) P(" [%s]", r->evidence);
      P("\n");
    }
  }
done:
  return err;
}

static int dump_coverage(const ar_run *run, ar_buf *out)
{
  int err = 0;
  for (size_t i = 0; i < run->files.len; i++) {
    const ar_filecov *c = &run->filecov[i];
    P("%s: %s statements=%u untested=%u\n", run->files.items[i]->path,
      c->measured ? "measured" : "not-measured", c->statements, c->untested);
  }
  P("unmapped: %zu\n", run->cov_unmapped);
done:
  return err;
}

int ar_report_dump(const ar_run *run, const char *what, ar_buf *out)
{
  if (strcmp(what, "models") == 0) return dump_models(run, out);
  if (strcmp(what, "refs") == 0) return dump_refs(run, out);
  if (strcmp(what, "coverage") == 0) return dump_coverage(run, out);
  return AR_EUSAGE;
}
