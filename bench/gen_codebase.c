/* SPDX-License-Identifier: MIT
 * gen_codebase.c - deterministic generator of a large SQLAlchemy-style Python codebase for
 * the benchmarks: packages of models (mixins, relationships with backrefs, `str, Enum`
 * enums), services that use them the ways alignrisk infers receivers (session.get,
 * select(M)…scalar_one_or_none(), query(M).filter_by(…).first(), annotated parameters,
 * constructors, loops over .all()), a coverage.xml as coverage.py writes it, and a known
 * number of planted misalignments, listed in OUTDIR/planted.tsv.
 * Know before editing: the corpus must hold no finding except the planted ones, so every
 * attribute a generated line touches comes from the model's plan (see has_field()).
 *
 *   gen_codebase [-n LINES] [--seed N] OUTDIR      (default: 1000000 lines, seed 20251126)
 */
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* ---- randomness: splitmix64, fixed seed -------------------------------------------------- */

static uint64_t rng_state;

static uint64_t next_rand(void)
{
  uint64_t z = (rng_state += 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

static unsigned rnd(unsigned n) { return (unsigned)(next_rand() % n); }
static bool chance(unsigned pct) { return rnd(100) < pct; }

static void die(const char *what, const char *path)
{
  fprintf(stderr, "gen_codebase: %s %s: %s\n", what, path, strerror(errno));
  exit(2);
}

static void *xrealloc(void *p, size_t n)
{
  void *q = realloc(p, n ? n : 1);
  if (!q) {
    fprintf(stderr, "gen_codebase: out of memory\n");
    abort();
  }
  return q;
}

/* ---- vocabulary ---------------------------------------------------------------------------- */

typedef struct entity {
  const char *snake, *camel, *plural;
} entity;

/* No entity word may equal a field name, a plant name, or a local the services use
 * (session, actor, status, …): check_plan() enforces the field and plant parts. */
static const entity entities[] = {
    {"invoice", "Invoice", "invoices"}, {"customer", "Customer", "customers"},
    {"account", "Account", "accounts"}, {"purchase_order", "PurchaseOrder", "purchase_orders"},
    {"line_item", "LineItem", "line_items"}, {"payment", "Payment", "payments"},
    {"refund", "Refund", "refunds"}, {"subscription", "Subscription", "subscriptions"},
    {"plan", "Plan", "plans"}, {"coupon", "Coupon", "coupons"},
    {"ticket", "Ticket", "tickets"}, {"agent", "Agent", "agents"},
    {"team", "Team", "teams"}, {"member", "Member", "members"},
    {"permission", "Permission", "permissions"}, {"document", "Document", "documents"},
    {"attachment", "Attachment", "attachments"}, {"comment", "Comment", "comments"},
    {"notification", "Notification", "notifications"}, {"webhook", "Webhook", "webhooks"},
    {"delivery", "Delivery", "deliveries"}, {"shipment", "Shipment", "shipments"},
    {"warehouse", "Warehouse", "warehouses"}, {"product", "Product", "products"},
    {"variant", "Variant", "variants"}, {"discount", "Discount", "discounts"},
    {"report", "Report", "reports"}, {"schedule", "Schedule", "schedules"},
    {"task", "Task", "tasks"}, {"project", "Project", "projects"},
    {"milestone", "Milestone", "milestones"}, {"control", "Control", "controls"},
    {"evidence", "Evidence", "evidence_items"}, {"policy", "Policy", "policies"},
    {"vendor", "Vendor", "vendors"}, {"contract", "Contract", "contracts"},
    {"asset", "Asset", "assets"}, {"incident", "Incident", "incidents"},
    {"alert", "Alert", "alerts"}, {"campaign", "Campaign", "campaigns"},
    {"lead", "Lead", "leads"}, {"survey", "Survey", "surveys"},
    {"answer", "Answer", "answers"}, {"booking", "Booking", "bookings"},
    {"room", "Room", "rooms"}, {"course", "Course", "courses"},
    {"lesson", "Lesson", "lessons"}, {"enrollment", "Enrollment", "enrollments"},
};
#define NENT (sizeof entities / sizeof entities[0])

static const char *const domains[] = {
    "billing", "compliance", "inventory", "shipping", "catalog", "identity", "payments",
    "analytics", "messaging", "scheduling", "reporting", "support", "onboarding", "pricing",
    "audit", "risk", "fraud", "loyalty", "marketing", "search", "learning", "hr", "payroll",
    "procurement", "legal", "security", "crm", "sales", "finance", "tax", "logistics", "fleet",
    "maintenance", "facilities", "events", "content", "media", "community", "partners",
    "research"};
#define NDOM (sizeof domains / sizeof domains[0])
static const char *const regions[] = {"", "eu", "us", "apac", "latam", "mea", "nordic",
                                      "dach", "uk", "jp", "au", "ca", "br", "sg"};
#define NREG (sizeof regions / sizeof regions[0])

typedef enum { FT_STR, FT_TEXT, FT_INT, FT_NUM, FT_BOOL, FT_DT, FT_JSON, FT_ENUM, FT_FK } ftype;

typedef struct fdef {
  const char *name;
  ftype type;
  int len; /* String(len) */
} fdef;

/* Optional columns; every model also has name, notes, external_ref and <entity>_status. */
static const fdef optional_fields[] = {
    {"total_amount", FT_NUM, 0}, {"quantity", FT_INT, 0},     {"is_active", FT_BOOL, 0},
    {"priority", FT_INT, 0},     {"due_at", FT_DT, 0},        {"closed_at", FT_DT, 0},
    {"settings", FT_JSON, 0},    {"description", FT_TEXT, 0}, {"contact_email", FT_STR, 255},
    {"code", FT_STR, 32},        {"score", FT_INT, 0},        {"currency", FT_STR, 3},
    {"source_url", FT_STR, 500}, {"is_public", FT_BOOL, 0},   {"sort_order", FT_INT, 0},
    {"expires_at", FT_DT, 0},    {"revision", FT_INT, 0},     {"region_code", FT_STR, 16},
    {"label", FT_STR, 80},       {"reviewed_at", FT_DT, 0}};
#define NOPT (sizeof optional_fields / sizeof optional_fields[0])

/* Names no model has: the planted misalignments use them. */
static const char *const plant_attrs[] = {"status", "state", "owner", "amount", "archived",
                                          "is_enabled", "display_name", "last_seen_at", "total",
                                          "category", "title", "deleted"};
#define NPLANT_ATTR (sizeof plant_attrs / sizeof plant_attrs[0])
static const char *const plant_members[] = {"COMPLIANT", "DONE", "ARCHIVED", "CANCELED",
                                            "IN_REVIEW", "ENABLED", "RESOLVED", "EXPIRED"};
#define NPLANT_MEMBER (sizeof plant_members / sizeof plant_members[0])

typedef struct member_set {
  const char *names[5];
} member_set;
static const member_set member_sets[] = {
    {{"DRAFT", "PENDING", "ACTIVE", "SUSPENDED", "CLOSED"}},
    {{"SUBMITTED", "IN_PROGRESS", "APPROVED", "REJECTED", "CANCELLED"}},
    {{"QUEUED", "SENT", "DELIVERED", "FAILED", "RETRYING"}},
    {{"NOT_ASSESSED", "PARTIAL", "IMPLEMENTED", "NON_COMPLIANT", "EXEMPT"}},
    {{"OPEN", "TRIAGED", "ASSIGNED", "BLOCKED", "CLOSED"}},
};
#define NSETS (sizeof member_sets / sizeof member_sets[0])

/* ---- the plan of one package ----------------------------------------------------------------- */

enum { MIX_ID = 1, MIX_TS = 2, MIX_SOFT = 4, MIX_TENANT = 8 };
enum { MODELS_PER_PKG = 16, MAX_FIELDS = 16, MAX_CHILDREN = 4 };

typedef struct field {
  char name[48];
  ftype type;
  int len;
} field;

typedef struct model {
  const entity *ent;
  char cls[96], enum_cls[112], table[96], status[64];
  int set;       /* member_sets index of its status enum */
  unsigned mix;  /* MIX_* */
  field fields[MAX_FIELDS];
  int nfields;
  int parent;    /* index in the package, or -1 */
  int children[MAX_CHILDREN], nchildren;
} model;

typedef struct package {
  int index;
  char name[48], camel[48];
  bool style2;   /* SQLAlchemy 2.0 Mapped[...] columns, back_populates */
  bool relative; /* services import with `from ..models import` */
  model m[MODELS_PER_PKG];
} package;

static void camel_of(char *out, size_t n, const char *snake)
{
  size_t k = 0;
  bool up = true;
  for (const char *p = snake; *p && k + 1 < n; p++) {
    if (*p == '_') {
      up = true;
      continue;
    }
    out[k++] = up && *p >= 'a' && *p <= 'z' ? (char)(*p - 'a' + 'A') : *p;
    up = false;
  }
  out[k] = '\0';
}

static bool has_field(const model *m, const char *name)
{
  for (int i = 0; i < m->nfields; i++)
    if (strcmp(m->fields[i].name, name) == 0) return true;
  return false;
}

static const field *field_of_type(const model *m, ftype t)
{
  for (int i = 0; i < m->nfields; i++)
    if (m->fields[i].type == t) return &m->fields[i];
  return NULL;
}

static void add_field(model *m, const char *name, ftype t, int len)
{
  if (m->nfields >= MAX_FIELDS || has_field(m, name)) return;
  field *f = &m->fields[m->nfields++];
  snprintf(f->name, sizeof f->name, "%s", name);
  f->type = t;
  f->len = len;
}

static void plan_package(package *p, int index)
{
  memset(p, 0, sizeof *p);
  p->index = index;
  unsigned cycle = (unsigned)index / NDOM;
  const char *dom = domains[(unsigned)index % NDOM];
  if (cycle == 0) snprintf(p->name, sizeof p->name, "%s", dom);
  else if (cycle < NREG) snprintf(p->name, sizeof p->name, "%s_%s", dom, regions[cycle]);
  else snprintf(p->name, sizeof p->name, "%s_x%u", dom, cycle);
  camel_of(p->camel, sizeof p->camel, p->name);
  p->style2 = index % 3 == 2;
  p->relative = index % 4 == 3;
  unsigned start = ((unsigned)index * 7u) % NENT;
  for (int k = 0; k < MODELS_PER_PKG; k++) {
    model *m = &p->m[k];
    m->ent = &entities[(start + (unsigned)k) % NENT];
    snprintf(m->cls, sizeof m->cls, "%s%s", p->camel, m->ent->camel);
    snprintf(m->enum_cls, sizeof m->enum_cls, "%sStatus", m->cls);
    snprintf(m->table, sizeof m->table, "%s_%s", p->name, m->ent->plural);
    snprintf(m->status, sizeof m->status, "%s_status", m->ent->snake);
    m->set = (int)rnd(NSETS);
    m->mix = (chance(85) ? MIX_ID : 0) | (chance(80) ? MIX_TS : 0) | (chance(30) ? MIX_SOFT : 0) |
             (chance(40) ? MIX_TENANT : 0);
    add_field(m, "name", FT_STR, 120);
    add_field(m, m->status, FT_ENUM, 0);
    add_field(m, "external_ref", FT_STR, 64);
    add_field(m, "notes", FT_TEXT, 0);
    for (unsigned extra = 3 + rnd(5); extra > 0; extra--) {
      const fdef *d = &optional_fields[rnd(NOPT)];
      add_field(m, d->name, d->type, d->len);
    }
    /* Chains of four: 1 -> 0, 2 -> 1, 3 -> 2; 4 starts again. */
    m->parent = k % 4 == 0 ? -1 : k - 1;
    if (m->parent >= 0) {
      model *par = &p->m[m->parent];
      char fk[64];
      snprintf(fk, sizeof fk, "%s_id", par->ent->snake);
      add_field(m, fk, FT_FK, 0);
      if (par->nchildren < MAX_CHILDREN) par->children[par->nchildren++] = k;
    }
  }
}

/* Every name a model resolves: own columns, mixins, relationship and backrefs, methods. */
static bool model_resolves(const package *p, const model *m, const char *name)
{
  static const char *const methods[] = {"id", "to_dict", "is_open", "touch", NULL};
  static const char *const ts[] = {"created_at", "updated_at", NULL};
  if (has_field(m, name)) return true;
  for (size_t i = 0; methods[i]; i++)
    if (strcmp(name, methods[i]) == 0) return true;
  for (size_t i = 0; ts[i]; i++)
    if ((m->mix & MIX_TS) && strcmp(name, ts[i]) == 0) return true;
  if ((m->mix & MIX_SOFT) && (strcmp(name, "deleted_at") == 0 || strcmp(name, "is_deleted") == 0 ||
                              strcmp(name, "soft_delete") == 0))
    return true;
  if ((m->mix & MIX_TENANT) && strcmp(name, "tenant_id") == 0) return true;
  if (m->parent >= 0 && strcmp(name, p->m[m->parent].ent->snake) == 0) return true;
  for (int c = 0; c < m->nchildren; c++)
    if (strcmp(name, p->m[m->children[c]].ent->plural) == 0) return true;
  return false;
}

static void check_plan(const package *p)
{
  for (int k = 0; k < MODELS_PER_PKG; k++) {
    const model *m = &p->m[k];
    for (size_t i = 0; i < NPLANT_ATTR; i++)
      if (model_resolves(p, m, plant_attrs[i])) {
        fprintf(stderr, "gen_codebase: plant name %s is a field of %s\n", plant_attrs[i], m->cls);
        abort();
      }
    for (int c = 0; c < m->nchildren; c++)
      if (has_field(m, p->m[m->children[c]].ent->plural)) abort();
  }
}

/* ---- output: files, line counting, coverage --------------------------------------------------- */

typedef struct covfile {
  char *path;
  uint32_t *lines; /* line << 1 | hit */
  size_t n;
} covfile;

typedef struct gen {
  const char *root;
  FILE *fp;
  char path[512];      /* relative to root */
  uint32_t line;       /* lines written to the current file */
  int hit;             /* does coverage see the statements written now? */
  int file_pct;        /* chance that a function of this file is covered */
  bool measured;
  uint32_t *stmts;
  size_t nstmts, capstmts;
  covfile *cov;
  size_t ncov, capcov;
  uint64_t files, lines, bytes, stmt_total, stmt_hit;
  FILE *planted;
  unsigned nplanted, by_rule[6];
} gen;

enum { R101, R102, R103, R104, R105, R201 };
static const char *const rule_codes[] = {"AR101", "AR102", "AR103", "AR104", "AR105", "AR201"};

static void mkdirs(const char *path) /* mkdir -p of path's folder */
{
  char buf[1024];
  snprintf(buf, sizeof buf, "%s", path);
  for (char *s = buf + 1; *s; s++) {
    if (*s != '/') continue;
    *s = '\0';
    if (mkdir(buf, 0755) != 0 && errno != EEXIST) die("cannot create", buf);
    *s = '/';
  }
}

static void file_open(gen *g, bool measured, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void file_open(gen *g, bool measured, const char *fmt, ...)
{
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(g->path, sizeof g->path, fmt, ap);
  va_end(ap);
  char full[1024];
  snprintf(full, sizeof full, "%s/%s", g->root, g->path);
  mkdirs(full);
  g->fp = fopen(full, "w");
  if (!g->fp) die("cannot write", full);
  g->line = 0;
  g->hit = 1;
  g->measured = measured;
  g->file_pct = 10 + (int)rnd(66); /* 10..75: about 45% of functions, 60% of statements */
  g->nstmts = 0;
}

static void file_close(gen *g)
{
  long size = ftell(g->fp);
  if (fclose(g->fp) != 0) die("cannot write", g->path);
  g->fp = NULL;
  g->files++;
  g->lines += g->line;
  g->bytes += size > 0 ? (uint64_t)size : 0;
  if (!g->measured) return;
  if (g->ncov == g->capcov) {
    g->capcov = g->capcov ? g->capcov * 2 : 1024;
    g->cov = xrealloc(g->cov, g->capcov * sizeof(*g->cov));
  }
  covfile *c = &g->cov[g->ncov++];
  c->path = strcpy(xrealloc(NULL, strlen(g->path) + 1), g->path);
  c->n = g->nstmts;
  c->lines = xrealloc(NULL, g->nstmts * sizeof(uint32_t));
  memcpy(c->lines, g->stmts, g->nstmts * sizeof(uint32_t));
  for (size_t i = 0; i < c->n; i++) {
    g->stmt_total++;
    g->stmt_hit += c->lines[i] & 1;
  }
}

/* One line of Python at `indent` levels; `stmt`: coverage.py counts it as a statement. */
static void emitv(gen *g, int indent, bool stmt, int hit, const char *fmt, va_list ap)
{
  g->line++;
  if (*fmt) {
    for (int i = 0; i < indent; i++) fputs("    ", g->fp);
    vfprintf(g->fp, fmt, ap);
  }
  fputc('\n', g->fp);
  if (!stmt) return;
  if (g->nstmts == g->capstmts) {
    g->capstmts = g->capstmts ? g->capstmts * 2 : 1024;
    g->stmts = xrealloc(g->stmts, g->capstmts * sizeof(uint32_t));
  }
  g->stmts[g->nstmts++] = g->line << 1 | (uint32_t)(hit != 0);
}

#define AR_FMT __attribute__((format(printf, 3, 4)))
static void S(gen *g, int in, const char *fmt, ...) AR_FMT; /* statement */
static void N(gen *g, int in, const char *fmt, ...) AR_FMT; /* not a statement */
static void E(gen *g, int in, const char *fmt, ...) AR_FMT; /* error path: rarely run */

static void S(gen *g, int in, const char *fmt, ...)
{
  va_list ap;
  va_start(ap, fmt);
  emitv(g, in, true, g->hit, fmt, ap);
  va_end(ap);
}

static void N(gen *g, int in, const char *fmt, ...)
{
  va_list ap;
  va_start(ap, fmt);
  emitv(g, in, false, 0, fmt, ap);
  va_end(ap);
}

static void E(gen *g, int in, const char *fmt, ...)
{
  va_list ap;
  va_start(ap, fmt);
  emitv(g, in, true, g->hit && chance(25), fmt, ap);
  va_end(ap);
}

static void blank(gen *g) { N(g, 0, "%s", ""); }

/* def line runs at import; the body runs when a test calls the function. */
static void body_begin(gen *g) { g->hit = chance((unsigned)g->file_pct); }
static void body_end(gen *g) { g->hit = 1; }

static void plant(gen *g, int rule, const char *cls, const char *attr)
{
  fprintf(g->planted, "%s\t%s\t%u\t%s\t%s\n", rule_codes[rule], g->path, g->line, cls, attr);
  g->nplanted++;
  g->by_rule[rule]++;
}

/* ---- core package ------------------------------------------------------------------------------ */

static void gen_core(gen *g)
{
  file_open(g, true, "app/__init__.py");
  N(g, 0, "\"\"\"The shop platform: one package per business domain.\"\"\"");
  blank(g);
  S(g, 0, "__version__ = \"4.12.0\"");
  file_close(g);

  file_open(g, true, "app/core/__init__.py");
  N(g, 0, "\"\"\"Shared infrastructure: database, mixins, errors, helpers.\"\"\"");
  file_close(g);

  file_open(g, true, "app/core/db.py");
  N(g, 0, "\"\"\"Engine, declarative base and the session dependency.\"\"\"");
  blank(g);
  S(g, 0, "from __future__ import annotations");
  blank(g);
  S(g, 0, "import os");
  S(g, 0, "from typing import Iterator");
  blank(g);
  S(g, 0, "from sqlalchemy import create_engine");
  S(g, 0, "from sqlalchemy.orm import Session, declarative_base, sessionmaker");
  blank(g);
  S(g, 0, "Base = declarative_base()");
  blank(g);
  S(g, 0, "DATABASE_URL = os.environ.get(\"DATABASE_URL\", \"sqlite+pysqlite:///:memory:\")");
  S(g, 0, "engine = create_engine(DATABASE_URL, future=True, pool_pre_ping=True)");
  S(g, 0, "SessionLocal = sessionmaker(bind=engine, future=True, expire_on_commit=False)");
  blank(g);
  blank(g);
  S(g, 0, "def get_session() -> Iterator[Session]:");
  body_begin(g);
  N(g, 1, "\"\"\"Yield a session that commits on success and rolls back on error.\"\"\"");
  S(g, 1, "session = SessionLocal()");
  S(g, 1, "try:");
  S(g, 2, "yield session");
  S(g, 2, "session.commit()");
  N(g, 1, "except Exception:");
  E(g, 2, "session.rollback()");
  E(g, 2, "raise");
  N(g, 1, "finally:");
  S(g, 2, "session.close()");
  body_end(g);
  file_close(g);

  file_open(g, true, "app/core/errors.py");
  N(g, 0, "\"\"\"Errors the services raise; the API maps them to HTTP statuses.\"\"\"");
  blank(g);
  blank(g);
  S(g, 0, "class DomainError(Exception):");
  S(g, 1, "status_code = 400");
  blank(g);
  blank(g);
  S(g, 0, "class NotFoundError(DomainError):");
  S(g, 1, "status_code = 404");
  blank(g);
  blank(g);
  S(g, 0, "class ValidationError(DomainError):");
  S(g, 1, "status_code = 422");
  blank(g);
  S(g, 1, "def __init__(self, message: str, field: str | None = None) -> None:");
  body_begin(g);
  S(g, 2, "super().__init__(message)");
  S(g, 2, "self.field = field");
  body_end(g);
  file_close(g);

  file_open(g, true, "app/core/mixins.py");
  N(g, 0, "\"\"\"Column mixins shared by the models of every domain.\"\"\"");
  blank(g);
  S(g, 0, "from __future__ import annotations");
  blank(g);
  S(g, 0, "from datetime import datetime");
  blank(g);
  S(g, 0, "from sqlalchemy import Column, DateTime, Integer, String");
  blank(g);
  blank(g);
  S(g, 0, "class IdMixin:");
  S(g, 1, "id = Column(Integer, primary_key=True, autoincrement=True)");
  blank(g);
  blank(g);
  S(g, 0, "class TimestampMixin:");
  S(g, 1, "created_at = Column(DateTime, nullable=False, default=datetime.utcnow)");
  S(g, 1, "updated_at = Column(DateTime, nullable=False, default=datetime.utcnow, onupdate=datetime.utcnow)");
  blank(g);
  blank(g);
  S(g, 0, "class SoftDeleteMixin:");
  S(g, 1, "deleted_at = Column(DateTime, nullable=True)");
  blank(g);
  S(g, 1, "@property");
  S(g, 1, "def is_deleted(self) -> bool:");
  body_begin(g);
  S(g, 2, "return self.deleted_at is not None");
  body_end(g);
  blank(g);
  S(g, 1, "def soft_delete(self) -> None:");
  body_begin(g);
  S(g, 2, "self.deleted_at = datetime.utcnow()");
  body_end(g);
  blank(g);
  blank(g);
  S(g, 0, "class TenantMixin:");
  S(g, 1, "tenant_id = Column(String(36), nullable=False, index=True)");
  file_close(g);

  file_open(g, true, "app/core/enums.py");
  S(g, 0, "from enum import Enum");
  blank(g);
  blank(g);
  S(g, 0, "class UserRole(str, Enum):");
  S(g, 1, "VIEWER = \"viewer\"");
  S(g, 1, "MEMBER = \"member\"");
  S(g, 1, "ADMIN = \"admin\"");
  S(g, 1, "OWNER = \"owner\"");
  file_close(g);

  file_open(g, true, "app/core/models.py");
  N(g, 0, "\"\"\"Users and organizations: every domain refers to them.\"\"\"");
  blank(g);
  S(g, 0, "from sqlalchemy import Boolean, Column, ForeignKey, Integer, String");
  S(g, 0, "from sqlalchemy import Enum as SQLEnum");
  S(g, 0, "from sqlalchemy.orm import relationship");
  blank(g);
  S(g, 0, "from app.core.db import Base");
  S(g, 0, "from app.core.enums import UserRole");
  S(g, 0, "from app.core.mixins import IdMixin, TimestampMixin");
  blank(g);
  blank(g);
  S(g, 0, "class Organization(IdMixin, TimestampMixin, Base):");
  S(g, 1, "__tablename__ = \"organizations\"");
  blank(g);
  S(g, 1, "name = Column(String(200), nullable=False)");
  S(g, 1, "slug = Column(String(80), nullable=False, unique=True)");
  S(g, 1, "plan_code = Column(String(40), nullable=False, default=\"free\")");
  blank(g);
  blank(g);
  S(g, 0, "class User(IdMixin, TimestampMixin, Base):");
  S(g, 1, "__tablename__ = \"users\"");
  blank(g);
  S(g, 1, "email = Column(String(255), nullable=False, unique=True)");
  S(g, 1, "full_name = Column(String(200), nullable=True)");
  S(g, 1, "is_active = Column(Boolean, nullable=False, default=True)");
  S(g, 1, "role = Column(SQLEnum(UserRole), nullable=False, default=UserRole.MEMBER)");
  S(g, 1, "organization_id = Column(Integer, ForeignKey(\"organizations.id\"), nullable=True)");
  S(g, 1, "organization = relationship(\"Organization\", backref=\"users\")");
  blank(g);
  S(g, 1, "@property");
  S(g, 1, "def is_admin(self) -> bool:");
  body_begin(g);
  S(g, 2, "return self.role in (UserRole.ADMIN, UserRole.OWNER)");
  body_end(g);
  file_close(g);

  file_open(g, true, "app/core/utils.py");
  N(g, 0, "\"\"\"Small helpers used across services.\"\"\"");
  blank(g);
  S(g, 0, "from __future__ import annotations");
  blank(g);
  S(g, 0, "import re");
  S(g, 0, "from datetime import datetime, timezone");
  S(g, 0, "from typing import Iterable, Iterator, Sequence, TypeVar");
  blank(g);
  S(g, 0, "T = TypeVar(\"T\")");
  S(g, 0, "_SPACES = re.compile(r\"\\s+\")");
  blank(g);
  blank(g);
  S(g, 0, "def utcnow() -> datetime:");
  body_begin(g);
  S(g, 1, "return datetime.now(timezone.utc).replace(tzinfo=None)");
  body_end(g);
  blank(g);
  blank(g);
  S(g, 0, "def normalize_name(value: str) -> str:");
  body_begin(g);
  S(g, 1, "return _SPACES.sub(\" \", value).strip()");
  body_end(g);
  blank(g);
  blank(g);
  S(g, 0, "def chunked(items: Sequence[T], size: int) -> Iterator[Sequence[T]]:");
  body_begin(g);
  S(g, 1, "for start in range(0, len(items), size):");
  S(g, 2, "yield items[start : start + size]");
  body_end(g);
  blank(g);
  blank(g);
  S(g, 0, "def first_or_none(items: Iterable[T]) -> T | None:");
  body_begin(g);
  S(g, 1, "for item in items:");
  S(g, 2, "return item");
  S(g, 1, "return None");
  body_end(g);
  file_close(g);
}

/* ---- one package: enums, models --------------------------------------------------------------- */

static void gen_enums(gen *g, const package *p)
{
  file_open(g, true, "app/%s/enums.py", p->name);
  N(g, 0, "\"\"\"Enumerations of the %s domain.\"\"\"", p->name);
  blank(g);
  S(g, 0, "from enum import Enum, IntEnum");
  for (int k = 0; k < MODELS_PER_PKG; k++) {
    const model *m = &p->m[k];
    const member_set *s = &member_sets[m->set];
    blank(g);
    blank(g);
    S(g, 0, "class %s(str, Enum):", m->enum_cls);
    N(g, 1, "\"\"\"Lifecycle of a %s.\"\"\"", m->cls);
    blank(g);
    for (int i = 0; i < 5; i++) {
      char lower[32];
      size_t j = 0;
      for (const char *c = s->names[i]; *c && j + 1 < sizeof lower; c++)
        lower[j++] = *c >= 'A' && *c <= 'Z' ? (char)(*c - 'A' + 'a') : *c;
      lower[j] = '\0';
      S(g, 1, "%s = \"%s\"", s->names[i], lower);
    }
    if (k % 4 == 0) {
      blank(g);
      S(g, 1, "@classmethod");
      S(g, 1, "def terminal(cls) -> frozenset[\"%s\"]:", m->enum_cls);
      body_begin(g);
      S(g, 2, "return frozenset({cls.%s, cls.%s})", s->names[3], s->names[4]);
      body_end(g);
    }
  }
  blank(g);
  blank(g);
  S(g, 0, "class %sPriority(IntEnum):", p->camel);
  S(g, 1, "LOW = 1");
  S(g, 1, "NORMAL = 2");
  S(g, 1, "HIGH = 3");
  S(g, 1, "URGENT = 4");
  file_close(g);
}

static const char *sa_type(const field *f, char *buf, size_t n)
{
  switch (f->type) {
  case FT_STR: snprintf(buf, n, "String(%d)", f->len); break;
  case FT_TEXT: snprintf(buf, n, "Text"); break;
  case FT_INT: snprintf(buf, n, "Integer"); break;
  case FT_NUM: snprintf(buf, n, "Numeric(12, 2)"); break;
  case FT_BOOL: snprintf(buf, n, "Boolean"); break;
  case FT_DT: snprintf(buf, n, "DateTime"); break;
  case FT_JSON: snprintf(buf, n, "JSON"); break;
  default: snprintf(buf, n, "Integer"); break;
  }
  return buf;
}

static const char *py_type(const field *f)
{
  switch (f->type) {
  case FT_STR: case FT_TEXT: return "str";
  case FT_INT: return "int";
  case FT_NUM: return "Decimal";
  case FT_BOOL: return "bool";
  case FT_DT: return "datetime";
  case FT_JSON: return "dict[str, Any]";
  default: return "int";
  }
}

static bool nullable(const field *f)
{
  return f->type == FT_TEXT || f->type == FT_DT || f->type == FT_FK ||
         (f->type == FT_STR && strcmp(f->name, "name") != 0 && strcmp(f->name, "external_ref") != 0);
}

static void gen_model_class(gen *g, const package *p, const model *m)
{
  const member_set *s = &member_sets[m->set];
  char bases[160] = "";
  if (m->mix & MIX_ID) strcat(bases, "IdMixin, ");
  if (m->mix & MIX_TS) strcat(bases, "TimestampMixin, ");
  if (m->mix & MIX_SOFT) strcat(bases, "SoftDeleteMixin, ");
  if (m->mix & MIX_TENANT) strcat(bases, "TenantMixin, ");
  blank(g);
  blank(g);
  S(g, 0, "class %s(%sBase):", m->cls, bases);
  N(g, 1, "\"\"\"A %s of the %s domain.\"\"\"", m->ent->snake, p->name);
  blank(g);
  S(g, 1, "__tablename__ = \"%s\"", m->table);
  blank(g);
  if (!(m->mix & MIX_ID)) {
    if (p->style2) S(g, 1, "id: Mapped[int] = mapped_column(Integer, primary_key=True)");
    else S(g, 1, "id = Column(Integer, primary_key=True)");
  }
  for (int i = 0; i < m->nfields; i++) {
    const field *f = &m->fields[i];
    char t[32];
    if (f->type == FT_ENUM) {
      if (p->style2)
        S(g, 1, "%s: Mapped[%s] = mapped_column(SQLEnum(%s), default=%s.%s, index=True)", f->name,
          m->enum_cls, m->enum_cls, m->enum_cls, s->names[0]);
      else
        S(g, 1, "%s = Column(SQLEnum(%s), nullable=False, default=%s.%s, index=True)", f->name,
          m->enum_cls, m->enum_cls, s->names[0]);
    } else if (f->type == FT_FK) {
      const model *par = &p->m[m->parent];
      if (p->style2) {
        S(g, 1, "%s: Mapped[Optional[int]] = mapped_column(", f->name);
        N(g, 2, "ForeignKey(\"%s.id\", ondelete=\"CASCADE\"), index=True", par->table);
        N(g, 1, ")");
        S(g, 1, "%s: Mapped[Optional[\"%s\"]] = relationship(back_populates=\"%s\")",
          par->ent->snake, par->cls, m->ent->plural);
      } else {
        S(g, 1, "%s = Column(Integer, ForeignKey(\"%s.id\", ondelete=\"CASCADE\"), index=True)",
          f->name, par->table);
        if (chance(25))
          S(g, 1, "%s = relationship(\"%s\", backref=backref(\"%s\", lazy=\"selectin\"))",
            par->ent->snake, par->cls, m->ent->plural);
        else
          S(g, 1, "%s = relationship(\"%s\", backref=\"%s\")", par->ent->snake, par->cls,
            m->ent->plural);
      }
    } else if (p->style2) {
      bool nul = nullable(f);
      if (f->type == FT_JSON)
        S(g, 1, "%s: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)", f->name);
      else if (nul)
        S(g, 1, "%s: Mapped[Optional[%s]] = mapped_column(%s)", f->name, py_type(f),
          sa_type(f, t, sizeof t));
      else if (f->type == FT_BOOL || f->type == FT_INT)
        S(g, 1, "%s: Mapped[%s] = mapped_column(%s, default=%s)", f->name, py_type(f),
          sa_type(f, t, sizeof t), f->type == FT_BOOL ? "True" : "0");
      else
        S(g, 1, "%s: Mapped[%s] = mapped_column(%s)", f->name, py_type(f), sa_type(f, t, sizeof t));
    } else {
      const char *dflt = f->type == FT_BOOL ? ", default=True"
                         : f->type == FT_INT || f->type == FT_NUM ? ", default=0"
                         : f->type == FT_JSON ? ", default=dict" : "";
      S(g, 1, "%s = Column(%s, nullable=%s%s)", f->name, sa_type(f, t, sizeof t),
        nullable(f) ? "True" : "False", dflt);
    }
  }
  if (p->style2)
    for (int c = 0; c < m->nchildren; c++) {
      const model *ch = &p->m[m->children[c]];
      S(g, 1, "%s: Mapped[list[\"%s\"]] = relationship(", ch->ent->plural, ch->cls);
      N(g, 2, "back_populates=\"%s\", cascade=\"all, delete-orphan\"", m->ent->snake);
      N(g, 1, ")");
    }
  blank(g);
  S(g, 1, "@validates(\"name\", \"external_ref\")");
  S(g, 1, "def _strip(self, key: str, value: Optional[str]) -> Optional[str]:");
  body_begin(g);
  S(g, 2, "if value is None:");
  S(g, 3, "return None");
  S(g, 2, "value = value.strip()");
  S(g, 2, "if key == \"external_ref\" and \" \" in value:");
  E(g, 3, "raise ValueError(f\"{key} may not contain spaces\")");
  S(g, 2, "return value");
  body_end(g);
  blank(g);
  S(g, 1, "def __repr__(self) -> str:");
  body_begin(g);
  S(g, 2, "return f\"<%s {self.id} {self.name!r}>\"", m->cls);
  body_end(g);
  blank(g);
  S(g, 1, "@property");
  S(g, 1, "def is_open(self) -> bool:");
  body_begin(g);
  S(g, 2, "return self.%s not in (%s.%s, %s.%s)", m->status, m->enum_cls, s->names[3],
    m->enum_cls, s->names[4]);
  body_end(g);
  blank(g);
  S(g, 1, "def touch(self) -> None:");
  body_begin(g);
  if (m->mix & MIX_TS) S(g, 2, "self.updated_at = datetime.utcnow()");
  else S(g, 2, "pass");
  body_end(g);
  blank(g);
  S(g, 1, "def to_dict(self) -> dict[str, Any]:");
  body_begin(g);
  S(g, 2, "return {");
  N(g, 3, "\"id\": self.id,");
  for (int i = 0; i < m->nfields; i++) {
    const field *f = &m->fields[i];
    if (f->type == FT_ENUM) N(g, 3, "\"%s\": self.%s.value,", f->name, f->name);
    else if (f->type == FT_DT) N(g, 3, "\"%s\": self.%s.isoformat() if self.%s else None,", f->name, f->name, f->name);
    else if (f->type == FT_NUM) N(g, 3, "\"%s\": str(self.%s),", f->name, f->name);
    else N(g, 3, "\"%s\": self.%s,", f->name, f->name);
  }
  N(g, 2, "}");
  body_end(g);
}

static void gen_models(gen *g, const package *p)
{
  for (int fi = 0; fi < MODELS_PER_PKG / 2; fi++) {
    const model *a = &p->m[2 * fi], *b = &p->m[2 * fi + 1];
    file_open(g, true, "app/%s/models/%s.py", p->name, a->ent->snake);
    N(g, 0, "\"\"\"%s and %s records of the %s domain.\"\"\"", a->ent->camel, b->ent->camel, p->name);
    blank(g);
    S(g, 0, "from __future__ import annotations");
    blank(g);
    S(g, 0, "from datetime import datetime");
    S(g, 0, "from decimal import Decimal");
    S(g, 0, "from typing import Any, Optional");
    blank(g);
    S(g, 0, "from sqlalchemy import JSON, Boolean, Column, DateTime, ForeignKey, Integer, Numeric, String, Text");
    S(g, 0, "from sqlalchemy import Enum as SQLEnum");
    if (p->style2) S(g, 0, "from sqlalchemy.orm import Mapped, mapped_column, relationship, validates");
    else S(g, 0, "from sqlalchemy.orm import backref, relationship, validates");
    blank(g);
    S(g, 0, "from app.core.db import Base");
    S(g, 0, "from app.core.mixins import IdMixin, SoftDeleteMixin, TenantMixin, TimestampMixin");
    S(g, 0, "from app.%s.enums import %s, %s", p->name, a->enum_cls, b->enum_cls);
    gen_model_class(g, p, a);
    gen_model_class(g, p, b);
    file_close(g);
  }
  file_open(g, true, "app/%s/models/__init__.py", p->name);
  N(g, 0, "\"\"\"Models of the %s domain, re-exported.\"\"\"", p->name);
  for (int fi = 0; fi < MODELS_PER_PKG / 2; fi++)
    S(g, 0, "from .%s import %s, %s", p->m[2 * fi].ent->snake, p->m[2 * fi].cls, p->m[2 * fi + 1].cls);
  blank(g);
  S(g, 0, "__all__ = [");
  for (int k = 0; k < MODELS_PER_PKG; k++) N(g, 1, "\"%s\",", p->m[k].cls);
  N(g, 0, "]");
  file_close(g);
}

/* ---- one package: services ---------------------------------------------------------------------- */

/* Module-level helpers: plain Python that gives a service file its bulk. */
static void gen_helpers(gen *g, const char *var)
{
  unsigned pick = rnd(4);
  blank(g);
  blank(g);
  S(g, 0, "def _clean_text(value: Optional[str], limit: int = %u) -> str:", 200 + rnd(1800));
  body_begin(g);
  S(g, 1, "if not value:");
  S(g, 2, "return \"\"");
  S(g, 1, "text = \" \".join(part for part in value.split() if part)");
  S(g, 1, "if len(text) > limit:");
  S(g, 2, "text = text[: limit - 1].rstrip() + \"…\"");
  S(g, 1, "return text");
  body_end(g);
  blank(g);
  blank(g);
  S(g, 0, "def _parse_ref(ref: str) -> tuple[str, int]:");
  body_begin(g);
  N(g, 1, "\"\"\"Split 'abc-123' into ('abc', 123); a bad suffix is a ValidationError.\"\"\"");
  S(g, 1, "prefix, _, number = ref.rpartition(\"-\")");
  S(g, 1, "try:");
  S(g, 2, "return prefix or \"%s\", int(number)", var);
  N(g, 1, "except ValueError as exc:");
  E(g, 2, "raise ValidationError(f\"bad reference {ref!r}\", field=\"external_ref\") from exc");
  body_end(g);
  if (pick == 0 || pick == 2) {
    blank(g);
    blank(g);
    S(g, 0, "def _diff(before: dict[str, Any], after: dict[str, Any]) -> dict[str, tuple[Any, Any]]:");
    body_begin(g);
    S(g, 1, "keys = set(before) | set(after)");
    S(g, 1, "return {");
    N(g, 2, "key: (before.get(key), after.get(key))");
    N(g, 2, "for key in sorted(keys)");
    N(g, 2, "if before.get(key) != after.get(key)");
    N(g, 1, "}");
    body_end(g);
  }
  if (pick == 1 || pick == 2) {
    blank(g);
    blank(g);
    S(g, 0, "def _weighted_score(values: Iterable[int], decay: float = 0.%u) -> float:", 50 + rnd(45));
    body_begin(g);
    S(g, 1, "score = 0.0");
    S(g, 1, "weight = 1.0");
    S(g, 1, "for value in values:");
    S(g, 2, "score += weight * value");
    S(g, 2, "weight *= decay");
    S(g, 2, "if weight < 0.001:");
    S(g, 3, "break");
    S(g, 1, "return round(score, 3)");
    body_end(g);
  }
  if (pick == 3 || pick == 0) {
    blank(g);
    blank(g);
    S(g, 0, "def _format_duration(seconds: float) -> str:");
    body_begin(g);
    S(g, 1, "minutes, secs = divmod(int(seconds), 60)");
    S(g, 1, "hours, minutes = divmod(minutes, 60)");
    S(g, 1, "days, hours = divmod(hours, 24)");
    S(g, 1, "parts = []");
    S(g, 1, "for amount, unit in ((days, \"d\"), (hours, \"h\"), (minutes, \"m\"), (secs, \"s\")):");
    S(g, 2, "if amount or (unit == \"s\" and not parts):");
    S(g, 3, "parts.append(f\"{amount}{unit}\")");
    S(g, 1, "return \" \".join(parts)");
    body_end(g);
  }
  blank(g);
  blank(g);
  S(g, 0, "class _TTLCache:");
  N(g, 1, "\"\"\"A tiny per-process cache for lookups that rarely change.\"\"\"");
  blank(g);
  S(g, 1, "def __init__(self, ttl: float = %u.0) -> None:", 30 + rnd(600));
  body_begin(g);
  S(g, 2, "self.ttl = ttl");
  S(g, 2, "self._items: dict[Any, tuple[float, Any]] = {}");
  body_end(g);
  blank(g);
  S(g, 1, "def get(self, key: Any) -> Any:");
  body_begin(g);
  S(g, 2, "entry = self._items.get(key)");
  S(g, 2, "if entry is None:");
  S(g, 3, "return None");
  S(g, 2, "stamp, value = entry");
  S(g, 2, "if time.monotonic() - stamp > self.ttl:");
  S(g, 3, "self._items.pop(key, None)");
  S(g, 3, "return None");
  S(g, 2, "return value");
  body_end(g);
  blank(g);
  S(g, 1, "def put(self, key: Any, value: Any) -> None:");
  body_begin(g);
  S(g, 2, "if len(self._items) > %u:", 256u << rnd(4));
  S(g, 3, "oldest = min(self._items, key=lambda k: self._items[k][0])");
  S(g, 3, "del self._items[oldest]");
  S(g, 2, "self._items[key] = (time.monotonic(), value)");
  body_end(g);
}

typedef struct svc {
  gen *g;
  const package *p, *prev; /* prev: the package before, for a cross-domain lookup */
  const model *m;
  const char *v;           /* variable name for an instance: the entity's snake name */
  int plant;               /* rule to plant in this file, or -1 */
} svc;

static const char *pick_plant_attr(const package *p, const model *m)
{
  const char *a = plant_attrs[rnd(NPLANT_ATTR)];
  if (model_resolves(p, m, a)) abort(); /* check_plan() rules this out */
  return a;
}

static const char *pick_plant_member(const model *m)
{
  for (;;) {
    const char *a = plant_members[rnd(NPLANT_MEMBER)];
    bool taken = false;
    for (int i = 0; i < 5; i++) taken = taken || strcmp(member_sets[m->set].names[i], a) == 0;
    if (!taken) return a;
  }
}

static const field *some_field(const model *m, bool (*ok)(const field *))
{
  int n = 0;
  for (int i = 0; i < m->nfields; i++) n += ok(&m->fields[i]);
  if (n == 0) return NULL;
  int want = (int)rnd((unsigned)n);
  for (int i = 0; i < m->nfields; i++)
    if (ok(&m->fields[i]) && want-- == 0) return &m->fields[i];
  return NULL;
}

static bool is_plain(const field *f) { return f->type != FT_ENUM && f->type != FT_FK; }
static bool is_sortable(const field *f) { return f->type == FT_INT || f->type == FT_DT || f->type == FT_STR; }

static void svc_get(svc *s)
{
  gen *g = s->g;
  const model *m = s->m;
  blank(g);
  S(g, 1, "def get(self, %s_id: int) -> %s:", s->v, m->cls);
  body_begin(g);
  S(g, 2, "%s = self.session.get(%s, %s_id)", s->v, m->cls, s->v);
  S(g, 2, "if %s is None:", s->v);
  E(g, 3, "raise NotFoundError(f\"%s {%s_id} does not exist\")", m->ent->snake, s->v);
  if (m->mix & MIX_SOFT) {
    S(g, 2, "if %s.is_deleted:", s->v);
    E(g, 3, "raise NotFoundError(f\"%s {%s_id} was deleted\")", m->ent->snake, s->v);
  }
  S(g, 2, "return %s", s->v);
  body_end(g);
}

static void svc_find_by_ref(svc *s)
{
  gen *g = s->g;
  const model *m = s->m;
  blank(g);
  S(g, 1, "def find_by_ref(self, ref: str) -> Optional[%s]:", m->cls);
  body_begin(g);
  S(g, 2, "cached = _CACHE.get(ref)");
  S(g, 2, "if cached is not None:");
  S(g, 3, "return self.session.get(%s, cached)", m->cls);
  S(g, 2, "stmt = select(%s).where(%s.external_ref == ref)", m->cls, m->cls);
  if (m->mix & MIX_TENANT) {
    S(g, 2, "if self.actor is not None and self.actor.organization_id:");
    S(g, 3, "stmt = stmt.where(%s.tenant_id == str(self.actor.organization_id))", m->cls);
  }
  S(g, 2, "%s = self.session.execute(stmt).scalar_one_or_none()", s->v);
  S(g, 2, "if %s is None:", s->v);
  S(g, 3, "logger.debug(\"no %s with ref %%s\", ref)", m->ent->snake);
  S(g, 3, "return None");
  S(g, 2, "_CACHE.put(ref, %s.id)", s->v);
  S(g, 2, "logger.info(\"found %s %%s (%%s)\", %s.id, %s.name)", m->ent->snake, s->v, s->v);
  S(g, 2, "return %s", s->v);
  body_end(g);
}

static void svc_first_in_status(svc *s)
{
  gen *g = s->g;
  const model *m = s->m;
  const member_set *ms = &member_sets[m->set];
  blank(g);
  S(g, 1, "def first_waiting(self) -> Optional[%s]:", m->cls);
  body_begin(g);
  S(g, 2, "return (");
  N(g, 3, "self.session.query(%s)", m->cls);
  if (s->plant == R105) {
    const char *bad = pick_plant_attr(s->p, m);
    N(g, 3, ".filter_by(%s=%s.%s)", bad, m->enum_cls, ms->names[1]);
    plant(g, R105, m->cls, bad);
  } else {
    N(g, 3, ".filter_by(%s=%s.%s)", m->status, m->enum_cls, ms->names[1]);
  }
  N(g, 3, ".order_by(%s.%s.asc())", m->cls, (m->mix & MIX_TS) ? "created_at" : "id");
  N(g, 3, ".first()");
  N(g, 2, ")");
  body_end(g);
}

static void svc_create(svc *s)
{
  gen *g = s->g;
  const model *m = s->m;
  const member_set *ms = &member_sets[m->set];
  blank(g);
  S(g, 1, "def create(self, name: str, notes: Optional[str] = None, **extra: Any) -> %s:", m->cls);
  body_begin(g);
  S(g, 2, "name = normalize_name(name)");
  S(g, 2, "if not name:");
  E(g, 3, "raise ValidationError(\"a %s needs a name\", field=\"name\")", m->ent->snake);
  S(g, 2, "ref = extra.pop(\"external_ref\", None) or f\"%s-{utcnow():%%Y%%m%%d%%H%%M%%S}\"", m->ent->snake);
  S(g, 2, "%s = %s(", s->v, m->cls);
  N(g, 3, "name=name,");
  N(g, 3, "external_ref=ref,");
  N(g, 3, "%s=%s.%s,", m->status, m->enum_cls, ms->names[0]);
  N(g, 3, "notes=_clean_text(notes),");
  const field *f = some_field(m, is_plain);
  if (f && strcmp(f->name, "name") && strcmp(f->name, "notes") && strcmp(f->name, "external_ref"))
    N(g, 3, "%s=extra.get(\"%s\"),", f->name, f->name);
  if (m->mix & MIX_TENANT)
    N(g, 3, "tenant_id=str(self.actor.organization_id) if self.actor else \"public\",");
  if (s->plant == R104) {
    const char *bad = pick_plant_attr(s->p, m);
    N(g, 3, "%s=extra.get(\"%s\"),", bad, bad);
    plant(g, R104, m->cls, bad);
  }
  N(g, 2, ")");
  S(g, 2, "self.session.add(%s)", s->v);
  S(g, 2, "self.session.flush()");
  S(g, 2, "logger.info(\"created %s %%s\", %s.id)", m->ent->snake, s->v);
  S(g, 2, "return %s", s->v);
  body_end(g);
}

static void svc_change_status(svc *s)
{
  gen *g = s->g;
  const model *m = s->m;
  const member_set *ms = &member_sets[m->set];
  blank(g);
  S(g, 1, "def change_status(self, %s: %s, new_status: %s) -> %s:", s->v, m->cls, m->enum_cls, m->cls);
  body_begin(g);
  S(g, 2, "if %s.%s == new_status:", s->v, m->status);
  S(g, 3, "return %s", s->v);
  if (s->plant == R201) {
    const char *bad = pick_plant_member(m);
    S(g, 2, "if %s.%s == %s.%s:", s->v, m->status, m->enum_cls, bad);
    plant(g, R201, m->enum_cls, bad);
  } else {
    S(g, 2, "if %s.%s == %s.%s:", s->v, m->status, m->enum_cls, ms->names[4]);
  }
  E(g, 3, "raise ValidationError(f\"%s {%s.id} is closed\", field=\"%s\")", m->ent->snake, s->v, m->status);
  S(g, 2, "previous = %s.%s", s->v, m->status);
  S(g, 2, "%s.%s = new_status", s->v, m->status);
  if (m->mix & MIX_TS) S(g, 2, "%s.updated_at = utcnow()", s->v);
  const field *dt = field_of_type(m, FT_DT);
  if (dt) {
    S(g, 2, "if new_status in (%s.%s, %s.%s):", m->enum_cls, ms->names[3], m->enum_cls, ms->names[4]);
    S(g, 3, "%s.%s = utcnow()", s->v, dt->name);
  }
  S(g, 2, "self.session.flush()");
  S(g, 2, "logger.info(\"%s %%s: %%s -> %%s\", %s.id, previous.value, new_status.value)", m->ent->snake, s->v);
  S(g, 2, "return %s", s->v);
  body_end(g);
}

static void svc_list_by_status(svc *s)
{
  gen *g = s->g;
  const model *m = s->m;
  const field *f = some_field(m, is_sortable);
  blank(g);
  S(g, 1, "def list_by_status(self, new_status: %s, limit: int = PAGE_SIZE) -> list[%s]:", m->enum_cls, m->cls);
  body_begin(g);
  S(g, 2, "stmt = (");
  N(g, 3, "select(%s)", m->cls);
  N(g, 3, ".where(%s.%s == new_status)", m->cls, m->status);
  if (m->mix & MIX_SOFT) N(g, 3, ".where(%s.deleted_at.is_(None))", m->cls);
  if (s->plant == R103) {
    const char *bad = pick_plant_attr(s->p, m);
    N(g, 3, ".order_by(%s.%s.desc(), %s.id)", m->cls, bad, m->cls);
    plant(g, R103, m->cls, bad);
  } else {
    N(g, 3, ".order_by(%s.%s.desc(), %s.id)", m->cls, f ? f->name : "name", m->cls);
  }
  N(g, 3, ".limit(limit)");
  N(g, 2, ")");
  S(g, 2, "return list(self.session.scalars(stmt))");
  body_end(g);
}

static void svc_close_stale(svc *s)
{
  gen *g = s->g;
  const model *m = s->m;
  const member_set *ms = &member_sets[m->set];
  const char *when = (m->mix & MIX_TS) ? "created_at" : NULL;
  const field *dt = field_of_type(m, FT_DT);
  if (!when && dt) when = dt->name;
  blank(g);
  S(g, 1, "def close_stale(self, days: int = %u) -> int:", 7 + rnd(80));
  body_begin(g);
  S(g, 2, "cutoff = utcnow() - timedelta(days=days)");
  S(g, 2, "closed = 0");
  if (when)
    S(g, 2, "for %s in self.session.query(%s).filter(%s.%s < cutoff).all():", s->v, m->cls, m->cls, when);
  else
    S(g, 2, "for %s in self.session.query(%s).filter(%s.id > 0).all():", s->v, m->cls, m->cls);
  S(g, 3, "if %s.%s in (%s.%s, %s.%s):", s->v, m->status, m->enum_cls, ms->names[3], m->enum_cls, ms->names[4]);
  S(g, 4, "continue");
  S(g, 3, "%s.%s = %s.%s", s->v, m->status, m->enum_cls, ms->names[4]);
  S(g, 3, "%s.notes = ((%s.notes or \"\") + f\"\\nclosed after {days} days\").strip()", s->v, s->v);
  S(g, 3, "closed += 1");
  S(g, 2, "if closed:");
  S(g, 3, "self.session.flush()");
  S(g, 3, "logger.info(\"closed %%d stale %s\", closed)", m->ent->plural);
  S(g, 2, "return closed");
  body_end(g);
}

static void svc_to_payload(svc *s)
{
  gen *g = s->g;
  const package *p = s->p;
  const model *m = s->m;
  blank(g);
  S(g, 1, "def to_payload(self, %s: %s, with_children: bool = False) -> dict[str, Any]:", s->v, m->cls);
  body_begin(g);
  S(g, 2, "payload: dict[str, Any] = {");
  N(g, 3, "\"id\": %s.id,", s->v);
  N(g, 3, "\"name\": %s.name,", s->v);
  N(g, 3, "\"status\": %s.%s.value,", s->v, m->status);
  N(g, 3, "\"ref\": %s.external_ref,", s->v);
  for (int i = 0; i < m->nfields; i++) {
    const field *f = &m->fields[i];
    if (!is_plain(f) || !strcmp(f->name, "name") || !strcmp(f->name, "external_ref")) continue;
    if (f->type == FT_DT) N(g, 3, "\"%s\": %s.%s.isoformat() if %s.%s else None,", f->name, s->v, f->name, s->v, f->name);
    else if (f->type == FT_NUM) N(g, 3, "\"%s\": str(%s.%s),", f->name, s->v, f->name);
    else N(g, 3, "\"%s\": %s.%s,", f->name, s->v, f->name);
  }
  if (m->mix & MIX_TS) N(g, 3, "\"updated\": %s.updated_at.isoformat(),", s->v);
  if (s->plant == R102) {
    const char *bad = pick_plant_attr(p, m);
    N(g, 3, "\"%s\": %s.%s,", bad, s->v, bad);
    plant(g, R102, m->cls, bad);
  }
  N(g, 2, "}");
  if (m->parent >= 0) {
    const model *par = &p->m[m->parent];
    S(g, 2, "if %s.%s is not None:", s->v, par->ent->snake);
    S(g, 3, "payload[\"%s\"] = {\"id\": %s.%s.id, \"name\": %s.%s.name}", par->ent->snake, s->v,
      par->ent->snake, s->v, par->ent->snake);
  }
  if (m->nchildren > 0) {
    const model *ch = &p->m[m->children[0]];
    S(g, 2, "if with_children:");
    S(g, 3, "payload[\"%s\"] = [child.id for child in %s.%s]", ch->ent->plural, s->v, ch->ent->plural);
  }
  S(g, 2, "legacy = getattr(%s, \"legacy_code\", None)", s->v);
  S(g, 2, "if legacy:");
  S(g, 3, "payload[\"legacy_code\"] = legacy");
  S(g, 2, "return payload");
  body_end(g);
}

static void svc_assign(svc *s)
{
  gen *g = s->g;
  const package *p = s->p;
  const model *m = s->m;
  blank(g);
  if (m->parent >= 0) {
    const model *par = &p->m[m->parent];
    S(g, 1, "def attach(self, %s_id: int, %s_id: int) -> None:", s->v, par->ent->snake);
    body_begin(g);
    S(g, 2, "%s = self.session.get(%s, %s_id)", s->v, m->cls, s->v);
    S(g, 2, "if not %s:", s->v);
    E(g, 3, "raise NotFoundError(f\"%s {%s_id} does not exist\")", m->ent->snake, s->v);
    S(g, 2, "parent = self.session.get(%s, %s_id)", par->cls, par->ent->snake);
    S(g, 2, "if parent is None:");
    E(g, 3, "raise NotFoundError(f\"%s {%s_id} does not exist\")", par->ent->snake, par->ent->snake);
    S(g, 2, "%s.%s = parent", s->v, par->ent->snake);
    S(g, 2, "%s.%s_id = parent.id", s->v, par->ent->snake);
  } else {
    S(g, 1, "def annotate(self, %s_id: int, text: str) -> None:", s->v);
    body_begin(g);
    S(g, 2, "%s = self.session.get(%s, %s_id)", s->v, m->cls, s->v);
    S(g, 2, "if not %s:", s->v);
    E(g, 3, "raise NotFoundError(f\"%s {%s_id} does not exist\")", m->ent->snake, s->v);
  }
  S(g, 2, "author = self.actor.email if self.actor is not None else \"system\"");
  S(g, 2, "%s.notes = _clean_text(f\"{%s.notes or ''}\\n[{author}] updated\")", s->v, s->v);
  if (s->plant == R101) {
    const char *bad = pick_plant_attr(p, m);
    S(g, 2, "%s.%s = author", s->v, bad);
    plant(g, R101, m->cls, bad);
  }
  S(g, 2, "if hasattr(%s, \"_sync_token\"):", s->v);
  S(g, 3, "%s._sync_token = None", s->v);
  S(g, 2, "self.session.flush()");
  body_end(g);
}

static void svc_bulk_update(svc *s)
{
  gen *g = s->g;
  const model *m = s->m;
  blank(g);
  S(g, 1, "def bulk_update(self, ids: Sequence[int], **changes: Any) -> int:");
  body_begin(g);
  S(g, 2, "unknown = sorted(set(changes) - _EDITABLE)");
  S(g, 2, "if unknown:");
  E(g, 3, "raise ValidationError(f\"cannot edit {', '.join(unknown)}\")");
  S(g, 2, "updated = 0");
  S(g, 2, "for chunk in chunked(list(ids), 200):");
  S(g, 3, "rows = self.session.query(%s).filter(%s.id.in_(chunk)).all()", m->cls, m->cls);
  S(g, 3, "for row in rows:");
  S(g, 4, "for key, value in changes.items():");
  S(g, 5, "setattr(row, key, value)");
  S(g, 4, "row.touch()");
  S(g, 4, "updated += 1");
  S(g, 2, "return updated");
  body_end(g);
}

static void svc_stats(svc *s)
{
  gen *g = s->g;
  const model *m = s->m;
  blank(g);
  S(g, 1, "def count_by_status(self) -> dict[str, int]:");
  body_begin(g);
  S(g, 2, "rows = self.session.execute(");
  N(g, 3, "select(%s.%s, func.count(%s.id)).group_by(%s.%s)", m->cls, m->status, m->cls, m->cls, m->status);
  N(g, 2, ").all()");
  S(g, 2, "counts = {key.value: 0 for key in %s}", m->enum_cls);
  S(g, 2, "for key, total in rows:");
  S(g, 3, "counts[key.value] = int(total)");
  S(g, 2, "return counts");
  body_end(g);
}

static void svc_guarded(svc *s)
{
  gen *g = s->g;
  const model *m = s->m;
  blank(g);
  S(g, 1, "def archived_reason(self, %s: %s) -> Optional[str]:", s->v, m->cls);
  N(g, 2, "\"\"\"Rows migrated from the old system carry a reason; new ones do not.\"\"\"");
  body_begin(g);
  S(g, 2, "try:");
  S(g, 3, "return %s.archived_reason", s->v);
  N(g, 2, "except AttributeError:");
  S(g, 3, "return None");
  body_end(g);
}

static void svc_cross(svc *s)
{
  gen *g = s->g;
  const model *m = s->m, *o = &s->prev->m[0];
  blank(g);
  S(g, 1, "def link_%s(self, %s: %s, other_id: int) -> dict[str, Any]:", o->ent->snake, s->v, m->cls);
  body_begin(g);
  S(g, 2, "other = self.session.get(%s, other_id)", o->cls);
  S(g, 2, "if other is None:");
  E(g, 3, "raise NotFoundError(f\"%s {other_id} does not exist\")", o->ent->snake);
  S(g, 2, "%s.notes = _clean_text(f\"{%s.notes or ''} linked to {other.name}\")", s->v, s->v);
  S(g, 2, "return {\"%s\": %s.id, \"%s\": other.id, \"ref\": other.external_ref}", m->ent->snake, s->v, o->ent->snake);
  body_end(g);
  blank(g);
  S(g, 1, "def owners(self, %s: %s) -> list[str]:", s->v, m->cls);
  body_begin(g);
  S(g, 2, "admins = self.session.query(User).filter(User.is_active.is_(True)).all()");
  S(g, 2, "return sorted(user.email for user in admins if user.role in (UserRole.ADMIN, UserRole.OWNER))");
  body_end(g);
}

static void svc_search(svc *s)
{
  gen *g = s->g;
  const model *m = s->m;
  blank(g);
  S(g, 1, "def search(self, text: str, page: int = 1, per_page: int = PAGE_SIZE) -> list[%s]:", m->cls);
  N(g, 2, "\"\"\"Case-insensitive match on the name or the reference, newest first.\"\"\"");
  body_begin(g);
  S(g, 2, "text = text.strip()");
  S(g, 2, "if len(text) < 2:");
  S(g, 3, "return []");
  S(g, 2, "pattern = f\"%%{text}%%\"");
  S(g, 2, "stmt = select(%s).where(", m->cls);
  N(g, 3, "(%s.name.ilike(pattern)) | (%s.external_ref.ilike(pattern))", m->cls, m->cls);
  N(g, 2, ")");
  if (m->mix & MIX_SOFT) S(g, 2, "stmt = stmt.where(%s.deleted_at.is_(None))", m->cls);
  S(g, 2, "stmt = stmt.order_by(%s.id.desc()).offset(max(page - 1, 0) * per_page).limit(per_page)", m->cls);
  S(g, 2, "found = self.session.scalars(stmt).all()");
  S(g, 2, "logger.debug(\"search %%r: %%d %s\", text, len(found))", m->ent->plural);
  S(g, 2, "return list(found)");
  body_end(g);
}

static void svc_export(svc *s)
{
  gen *g = s->g;
  const model *m = s->m;
  blank(g);
  S(g, 1, "def export_rows(self, ids: Sequence[int]) -> list[list[str]]:");
  body_begin(g);
  S(g, 2, "header = [\"id\", \"name\", \"status\", \"ref\"");
  for (int i = 0; i < m->nfields; i++)
    if (m->fields[i].type == FT_INT || m->fields[i].type == FT_BOOL) N(g, 3, ", \"%s\"", m->fields[i].name);
  N(g, 2, "]");
  S(g, 2, "out = [header]");
  S(g, 2, "stmt = select(%s).where(%s.id.in_(list(ids))).order_by(%s.id)", m->cls, m->cls, m->cls);
  S(g, 2, "for %s in self.session.scalars(stmt).all():", s->v);
  S(g, 3, "row = [str(%s.id), %s.name, %s.%s.value, %s.external_ref or \"\"]", s->v, s->v, s->v,
    m->status, s->v);
  for (int i = 0; i < m->nfields; i++)
    if (m->fields[i].type == FT_INT || m->fields[i].type == FT_BOOL)
      S(g, 3, "row.append(str(%s.%s))", s->v, m->fields[i].name);
  S(g, 3, "out.append(row)");
  S(g, 2, "return out");
  body_end(g);
}

static void svc_duplicate(svc *s)
{
  gen *g = s->g;
  const model *m = s->m;
  const member_set *ms = &member_sets[m->set];
  blank(g);
  S(g, 1, "def duplicate(self, %s_id: int) -> %s:", s->v, m->cls);
  body_begin(g);
  S(g, 2, "original = self.session.get(%s, %s_id)", m->cls, s->v);
  S(g, 2, "if original is None:");
  E(g, 3, "raise NotFoundError(f\"%s {%s_id} does not exist\")", m->ent->snake, s->v);
  S(g, 2, "prefix, number = _parse_ref(original.external_ref or \"%s-0\")", m->ent->snake);
  S(g, 2, "copy = %s(", m->cls);
  N(g, 3, "name=f\"{original.name} (copy)\",");
  N(g, 3, "external_ref=f\"{prefix}-{number + 1}\",");
  N(g, 3, "%s=%s.%s,", m->status, m->enum_cls, ms->names[0]);
  N(g, 3, "notes=original.notes,");
  for (int i = 0; i < m->nfields; i++) {
    const field *f = &m->fields[i];
    if (f->type == FT_INT || f->type == FT_NUM || f->type == FT_JSON || f->type == FT_FK)
      N(g, 3, "%s=original.%s,", f->name, f->name);
  }
  if (m->mix & MIX_TENANT) N(g, 3, "tenant_id=original.tenant_id,");
  N(g, 2, ")");
  S(g, 2, "self.session.add(copy)");
  S(g, 2, "self.session.flush()");
  S(g, 2, "return copy");
  body_end(g);
}

static void svc_digest(svc *s)
{
  gen *g = s->g;
  const model *m = s->m;
  blank(g);
  S(g, 1, "def digest(self, limit: int = 10) -> str:");
  N(g, 2, "\"\"\"A plain-text digest of the latest %s, for the weekly e-mail.\"\"\"", m->ent->plural);
  body_begin(g);
  S(g, 2, "lines = []");
  S(g, 2, "latest = self.session.query(%s).order_by(%s.id.desc()).limit(limit).all()", m->cls, m->cls);
  S(g, 2, "for position, %s in enumerate(latest, start=1):", s->v);
  S(g, 3, "state = %s.%s.value.replace(\"_\", \" \")", s->v, m->status);
  S(g, 3, "lines.append(f\"{position:>3}. {%s.name} [{state}] {_clean_text(%s.notes, 60)}\")", s->v, s->v);
  S(g, 2, "if not lines:");
  S(g, 3, "return \"no %s yet\"", m->ent->plural);
  S(g, 2, "return \"\\n\".join(lines)");
  body_end(g);
}

static void svc_problems(svc *s)
{
  gen *g = s->g;
  const model *m = s->m;
  blank(g);
  S(g, 1, "def problems(self, %s: %s) -> list[str]:", s->v, m->cls);
  body_begin(g);
  S(g, 2, "found: list[str] = []");
  for (int i = 0; i < m->nfields; i++) {
    const field *f = &m->fields[i];
    if (f->type == FT_STR) {
      S(g, 2, "if %s.%s and len(%s.%s) > %d:", s->v, f->name, s->v, f->name, f->len);
      S(g, 3, "found.append(\"%s is longer than %d characters\")", f->name, f->len);
    } else if (f->type == FT_DT) {
      S(g, 2, "if %s.%s is not None and %s.%s < utcnow() - timedelta(days=3650):", s->v, f->name, s->v, f->name);
      S(g, 3, "found.append(\"%s is more than ten years ago\")", f->name);
    } else if (f->type == FT_INT || f->type == FT_NUM) {
      S(g, 2, "if %s.%s is not None and %s.%s < 0:", s->v, f->name, s->v, f->name);
      S(g, 3, "found.append(\"%s is negative\")", f->name);
    }
  }
  S(g, 2, "return found");
  body_end(g);
}

static void gen_service(gen *g, const package *p, const package *prev, int k, int plant_rule)
{
  const model *m = &p->m[k];
  svc s = {.g = g, .p = p, .prev = prev, .m = m, .v = m->ent->snake, .plant = plant_rule};
  bool cross = prev && k == 0;
  file_open(g, !chance(4), "app/%s/services/%s_service.py", p->name, m->ent->snake);
  N(g, 0, "\"\"\"%s use cases of the %s domain: lookups, state changes, reporting.\"\"\"",
    m->ent->camel, p->name);
  blank(g);
  S(g, 0, "from __future__ import annotations");
  blank(g);
  S(g, 0, "import logging");
  S(g, 0, "import time");
  S(g, 0, "from datetime import timedelta");
  S(g, 0, "from typing import Any, Iterable, Optional, Sequence");
  blank(g);
  S(g, 0, "from sqlalchemy import func, select");
  S(g, 0, "from sqlalchemy.orm import Session");
  blank(g);
  S(g, 0, "from app.core.errors import NotFoundError, ValidationError");
  S(g, 0, "from app.core.models import User");
  if (cross) S(g, 0, "from app.core.enums import UserRole");
  S(g, 0, "from app.core.utils import chunked, normalize_name, utcnow");
  if (cross) S(g, 0, "from app.%s.models import %s", prev->name, prev->m[0].cls);
  const char *parent_cls = m->parent >= 0 ? p->m[m->parent].cls : NULL;
  if (p->relative) {
    S(g, 0, "from ..enums import %s", m->enum_cls);
    if (parent_cls) S(g, 0, "from ..models import %s, %s", parent_cls, m->cls);
    else S(g, 0, "from ..models import %s", m->cls);
  } else if (k % 2 == 0) {
    S(g, 0, "from app.%s.enums import %s", p->name, m->enum_cls);
    if (parent_cls) S(g, 0, "from app.%s.models import %s, %s", p->name, parent_cls, m->cls);
    else S(g, 0, "from app.%s.models import %s", p->name, m->cls);
  } else {
    /* straight from the defining module, not the package's re-export */
    S(g, 0, "from app.%s.enums import %s", p->name, m->enum_cls);
    S(g, 0, "from app.%s.models.%s import %s", p->name, p->m[k & ~1].ent->snake, m->cls);
    if (parent_cls) S(g, 0, "from app.%s.models.%s import %s", p->name, p->m[m->parent & ~1].ent->snake, parent_cls);
  }
  blank(g);
  S(g, 0, "logger = logging.getLogger(__name__)");
  blank(g);
  S(g, 0, "PAGE_SIZE = %u", 25u * (1 + rnd(4)));
  S(g, 0, "_EDITABLE = frozenset({\"name\", \"notes\"})");
  gen_helpers(g, m->ent->snake);
  blank(g);
  blank(g);
  S(g, 0, "_CACHE = _TTLCache()");
  blank(g);
  blank(g);
  S(g, 0, "class %sService:", m->cls);
  N(g, 1, "\"\"\"Use cases around %s records.\"\"\"", m->cls);
  blank(g);
  S(g, 1, "def __init__(self, session: Session, actor: Optional[User] = None) -> None:");
  body_begin(g);
  S(g, 2, "self.session = session");
  S(g, 2, "self.actor = actor");
  body_end(g);
  svc_get(&s);
  svc_find_by_ref(&s);
  svc_first_in_status(&s);
  svc_create(&s);
  svc_change_status(&s);
  svc_list_by_status(&s);
  svc_close_stale(&s);
  svc_to_payload(&s);
  svc_assign(&s);
  svc_bulk_update(&s);
  svc_stats(&s);
  svc_search(&s);
  svc_export(&s);
  svc_duplicate(&s);
  svc_digest(&s);
  svc_problems(&s);
  if (k % 3 == 0) svc_guarded(&s);
  if (cross) svc_cross(&s);
  file_close(g);
}

/* ---- one package: schemas, api, tests ---------------------------------------------------------- */

static void gen_schemas(gen *g, const package *p)
{
  file_open(g, true, "app/%s/schemas.py", p->name);
  N(g, 0, "\"\"\"Request and response shapes of the %s API.\"\"\"", p->name);
  blank(g);
  S(g, 0, "from __future__ import annotations");
  blank(g);
  S(g, 0, "from dataclasses import dataclass, field");
  S(g, 0, "from typing import Any, Optional");
  for (int k = 0; k < MODELS_PER_PKG; k += 2) {
    const model *m = &p->m[k];
    blank(g);
    blank(g);
    S(g, 0, "@dataclass");
    S(g, 0, "class %sIn:", m->cls);
    S(g, 1, "name: str");
    S(g, 1, "notes: Optional[str] = None");
    S(g, 1, "extra: dict[str, Any] = field(default_factory=dict)");
    blank(g);
    S(g, 1, "def problems(self) -> list[str]:");
    body_begin(g);
    S(g, 2, "found = []");
    S(g, 2, "if not self.name.strip():");
    S(g, 3, "found.append(\"name is empty\")");
    S(g, 2, "if self.notes and len(self.notes) > %u:", 500 + rnd(4000));
    S(g, 3, "found.append(\"notes are too long\")");
    S(g, 2, "return found");
    body_end(g);
  }
  file_close(g);
}

static void gen_api(gen *g, const package *p)
{
  file_open(g, true, "app/%s/api.py", p->name);
  N(g, 0, "\"\"\"HTTP routes of the %s domain.\"\"\"", p->name);
  blank(g);
  S(g, 0, "from __future__ import annotations");
  blank(g);
  S(g, 0, "from typing import Any");
  blank(g);
  S(g, 0, "from fastapi import APIRouter, Depends, HTTPException");
  S(g, 0, "from sqlalchemy.orm import Session");
  blank(g);
  S(g, 0, "from app.core.db import get_session");
  S(g, 0, "from app.core.errors import DomainError");
  for (int k = 0; k < 4; k++)
    S(g, 0, "from app.%s.services.%s_service import %sService", p->name, p->m[k].ent->snake, p->m[k].cls);
  S(g, 0, "from app.%s.schemas import %sIn", p->name, p->m[0].cls);
  blank(g);
  S(g, 0, "router = APIRouter(prefix=\"/%s\", tags=[\"%s\"])", p->name, p->name);
  for (int k = 0; k < 4; k++) {
    const model *m = &p->m[k];
    blank(g);
    blank(g);
    S(g, 0, "@router.get(\"/%s/{item_id}\")", m->ent->plural);
    S(g, 0, "def read_%s(item_id: int, session: Session = Depends(get_session)) -> dict[str, Any]:", m->ent->snake);
    body_begin(g);
    S(g, 1, "service = %sService(session)", m->cls);
    S(g, 1, "try:");
    S(g, 2, "%s = service.get(item_id)", m->ent->snake);
    N(g, 1, "except DomainError as exc:");
    E(g, 2, "raise HTTPException(status_code=exc.status_code, detail=str(exc)) from exc");
    S(g, 1, "payload = service.to_payload(%s, with_children=True)", m->ent->snake);
    S(g, 1, "payload[\"label\"] = f\"{%s.name} ({%s.external_ref})\"", m->ent->snake, m->ent->snake);
    S(g, 1, "return payload");
    body_end(g);
  }
  blank(g);
  blank(g);
  S(g, 0, "@router.post(\"/%s\")", p->m[0].ent->plural);
  S(g, 0, "def create_%s(body: %sIn, session: Session = Depends(get_session)) -> dict[str, Any]:", p->m[0].ent->snake, p->m[0].cls);
  body_begin(g);
  S(g, 1, "problems = body.problems()");
  S(g, 1, "if problems:");
  E(g, 2, "raise HTTPException(status_code=422, detail=problems)");
  S(g, 1, "service = %sService(session)", p->m[0].cls);
  S(g, 1, "created = service.create(body.name, body.notes, **body.extra)");
  S(g, 1, "return service.to_payload(created)");
  body_end(g);
  file_close(g);
}

static void gen_tests(gen *g, const package *p)
{
  for (int k = 0; k < 2; k++) {
    const model *m = &p->m[k];
    const member_set *ms = &member_sets[m->set];
    file_open(g, false, "tests/%s/test_%s_service.py", p->name, m->ent->snake);
    S(g, 0, "import pytest");
    blank(g);
    S(g, 0, "from app.core.errors import NotFoundError, ValidationError");
    S(g, 0, "from app.%s.enums import %s", p->name, m->enum_cls);
    S(g, 0, "from app.%s.models import %s", p->name, m->cls);
    S(g, 0, "from app.%s.services.%s_service import %sService", p->name, m->ent->snake, m->cls);
    blank(g);
    blank(g);
    S(g, 0, "def make_%s(session, **overrides) -> %s:", m->ent->snake, m->cls);
    S(g, 1, "values = {\"name\": \"Sample\", \"external_ref\": \"t-1\", \"%s\": %s.%s}", m->status, m->enum_cls, ms->names[0]);
    S(g, 1, "values.update(overrides)");
    S(g, 1, "%s = %s(**values)", m->ent->snake, m->cls);
    S(g, 1, "session.add(%s)", m->ent->snake);
    S(g, 1, "session.flush()");
    S(g, 1, "return %s", m->ent->snake);
    blank(g);
    blank(g);
    S(g, 0, "class Test%sService:", m->cls);
    S(g, 1, "def test_get_missing(self, session):");
    S(g, 2, "with pytest.raises(NotFoundError):");
    S(g, 3, "%sService(session).get(424242)", m->cls);
    blank(g);
    S(g, 1, "def test_create_normalizes_name(self, session):");
    S(g, 2, "created = %sService(session).create(\"  two   words \")", m->cls);
    S(g, 2, "assert created.name == \"two words\"");
    S(g, 2, "assert created.%s == %s.%s", m->status, m->enum_cls, ms->names[0]);
    blank(g);
    S(g, 1, "def test_create_needs_a_name(self, session):");
    S(g, 2, "with pytest.raises(ValidationError):");
    S(g, 3, "%sService(session).create(\"   \")", m->cls);
    blank(g);
    S(g, 1, "def test_change_status(self, session):");
    S(g, 2, "%s: %s = make_%s(session)", m->ent->snake, m->cls, m->ent->snake);
    S(g, 2, "%sService(session).change_status(%s, %s.%s)", m->cls, m->ent->snake, m->enum_cls, ms->names[1]);
    S(g, 2, "assert %s.%s is %s.%s", m->ent->snake, m->status, m->enum_cls, ms->names[1]);
    blank(g);
    S(g, 1, "@pytest.mark.parametrize(\"days\", [1, 7, 30])");
    S(g, 1, "def test_close_stale_keeps_fresh_rows(self, session, days):");
    S(g, 2, "make_%s(session)", m->ent->snake);
    S(g, 2, "assert %sService(session).close_stale(days) == 0", m->cls);
    blank(g);
    S(g, 1, "def test_payload_has_the_ref(self, session):");
    S(g, 2, "%s: %s = make_%s(session, external_ref=\"t-9\")", m->ent->snake, m->cls, m->ent->snake);
    S(g, 2, "payload = %sService(session).to_payload(%s)", m->cls, m->ent->snake);
    S(g, 2, "assert payload[\"ref\"] == \"t-9\"");
    S(g, 2, "assert payload[\"id\"] == %s.id", m->ent->snake);
    file_close(g);
  }
}

static void gen_package(gen *g, const package *p, const package *prev)
{
  file_open(g, true, "app/%s/__init__.py", p->name);
  N(g, 0, "\"\"\"The %s domain.\"\"\"", p->name);
  file_close(g);
  file_open(g, true, "app/%s/services/__init__.py", p->name);
  file_close(g);
  gen_enums(g, p);
  gen_models(g, p);
  /* The first six packages and then every third get one plant; the rule rotates, so even a
   * small corpus has one of each, and so does the service it lands in. */
  int plant_rule = -1, plant_model = -1;
  if (p->index < 6 || p->index % 3 == 0) {
    int n = p->index < 6 ? p->index : 6 + (p->index - 6) / 3;
    plant_rule = n % 6;
    plant_model = (n * 5 + 1) % MODELS_PER_PKG;
  }
  for (int k = 0; k < MODELS_PER_PKG; k++)
    gen_service(g, p, prev, k, k == plant_model ? plant_rule : -1);
  gen_schemas(g, p);
  gen_api(g, p);
  gen_tests(g, p);
}

/* ---- coverage.xml, as coverage.py 7 writes it -------------------------------------------------- */

static int cmp_cov(const void *a, const void *b)
{
  return strcmp(((const covfile *)a)->path, ((const covfile *)b)->path);
}

static void rate(char *buf, size_t n, uint64_t hit, uint64_t total)
{
  snprintf(buf, n, "%.4g", total ? (double)hit / (double)total : 1.0);
}

static void write_coverage(gen *g)
{
  char path[1024], r[32];
  snprintf(path, sizeof path, "%s/coverage.xml", g->root);
  FILE *fp = fopen(path, "w");
  if (!fp) die("cannot write", path);
  qsort(g->cov, g->ncov, sizeof(covfile), cmp_cov);
  rate(r, sizeof r, g->stmt_hit, g->stmt_total);
  fprintf(fp, "<?xml version=\"1.0\" ?>\n");
  fprintf(fp, "<coverage version=\"7.4.4\" timestamp=\"1764115200000\" lines-valid=\"%llu\" "
              "lines-covered=\"%llu\" line-rate=\"%s\" branches-covered=\"0\" branches-valid=\"0\" "
              "branch-rate=\"0\" complexity=\"0\">\n",
          (unsigned long long)g->stmt_total, (unsigned long long)g->stmt_hit, r);
  fprintf(fp, "\t<!-- Generated by coverage.py: https://coverage.readthedocs.io/en/7.4.4 -->\n");
  fprintf(fp, "\t<!-- Based on https://raw.githubusercontent.com/cobertura/web/master/htdocs/xml/coverage-04.dtd -->\n");
  fprintf(fp, "\t<sources>\n\t\t<source>/home/runner/work/shop/shop</source>\n\t</sources>\n");
  fprintf(fp, "\t<packages>\n");
  size_t i = 0;
  while (i < g->ncov) {
    /* A package is one folder: the files up to the next change of dirname. */
    const char *slash = strrchr(g->cov[i].path, '/');
    size_t dl = slash ? (size_t)(slash - g->cov[i].path) : 0;
    size_t j = i;
    uint64_t hit = 0, total = 0;
    while (j < g->ncov) {
      const char *s2 = strrchr(g->cov[j].path, '/');
      size_t dl2 = s2 ? (size_t)(s2 - g->cov[j].path) : 0;
      if (dl2 != dl || strncmp(g->cov[j].path, g->cov[i].path, dl) != 0) break;
      for (size_t k = 0; k < g->cov[j].n; k++) total++, hit += g->cov[j].lines[k] & 1;
      j++;
    }
    char pkg[512];
    snprintf(pkg, sizeof pkg, "%.*s", (int)dl, g->cov[i].path);
    for (char *c = pkg; *c; c++)
      if (*c == '/') *c = '.';
    rate(r, sizeof r, hit, total);
    fprintf(fp, "\t\t<package name=\"%s\" line-rate=\"%s\" branch-rate=\"0\" complexity=\"0\">\n",
            dl ? pkg : ".", r);
    fprintf(fp, "\t\t\t<classes>\n");
    for (size_t k = i; k < j; k++) {
      const covfile *c = &g->cov[k];
      uint64_t h = 0;
      for (size_t l = 0; l < c->n; l++) h += c->lines[l] & 1;
      rate(r, sizeof r, h, c->n);
      fprintf(fp, "\t\t\t\t<class name=\"%s\" filename=\"%s\" complexity=\"0\" line-rate=\"%s\" "
                  "branch-rate=\"0\">\n",
              c->path + (dl ? dl + 1 : 0), c->path, r);
      fprintf(fp, "\t\t\t\t\t<methods/>\n\t\t\t\t\t<lines>\n");
      for (size_t l = 0; l < c->n; l++)
        fprintf(fp, "\t\t\t\t\t\t<line number=\"%u\" hits=\"%u\"/>\n", c->lines[l] >> 1, c->lines[l] & 1);
      fprintf(fp, "\t\t\t\t\t</lines>\n\t\t\t\t</class>\n");
    }
    fprintf(fp, "\t\t\t</classes>\n\t\t</package>\n");
    i = j;
  }
  fprintf(fp, "\t</packages>\n</coverage>\n");
  if (fclose(fp) != 0) die("cannot write", path);
}

/* ---- main -------------------------------------------------------------------------------------- */

static int usage(void)
{
  fprintf(stderr, "usage: gen_codebase [-n LINES] [--seed N] OUTDIR\n");
  return 2;
}

int main(int argc, char **argv)
{
  unsigned long long target = 1000000, seed = 20251126;
  const char *root = NULL;
  for (int i = 1; i < argc; i++) {
    if ((strcmp(argv[i], "-n") == 0 || strcmp(argv[i], "--lines") == 0) && i + 1 < argc)
      target = strtoull(argv[++i], NULL, 10);
    else if (strcmp(argv[i], "--seed") == 0 && i + 1 < argc)
      seed = strtoull(argv[++i], NULL, 10);
    else if (argv[i][0] == '-' || root)
      return usage();
    else
      root = argv[i];
  }
  if (!root || target == 0) return usage();
  if (mkdir(root, 0755) != 0 && errno != EEXIST) die("cannot create", root);
  rng_state = seed;
  gen g = {.root = root};
  char path[1024];
  snprintf(path, sizeof path, "%s/planted.tsv", root);
  g.planted = fopen(path, "w");
  if (!g.planted) die("cannot write", path);
  fprintf(g.planted, "rule\tfile\tline\tclass\tattribute\n");
  gen_core(&g);
  package *cur = xrealloc(NULL, sizeof *cur), *prev = xrealloc(NULL, sizeof *prev);
  int npkg = 0;
  /* Whole packages until the target is reached: the size is a package multiple. */
  while (g.lines < target) {
    plan_package(cur, npkg);
    check_plan(cur);
    gen_package(&g, cur, npkg ? prev : NULL);
    package *t = prev;
    prev = cur;
    cur = t;
    npkg++;
  }
  write_coverage(&g);
  if (fclose(g.planted) != 0) die("cannot write", path);
  printf("files %llu lines %llu bytes %llu packages %d models %d coverage %.1f%% planted %u",
         (unsigned long long)g.files, (unsigned long long)g.lines, (unsigned long long)g.bytes,
         npkg, npkg * MODELS_PER_PKG + 2,
         g.stmt_total ? 100.0 * (double)g.stmt_hit / (double)g.stmt_total : 0.0, g.nplanted);
  for (int r = 0; r < 6; r++) printf(" %s %u", rule_codes[r], g.by_rule[r]);
  printf("\n");
  for (size_t i = 0; i < g.ncov; i++) {
    free(g.cov[i].path);
    free(g.cov[i].lines);
  }
  free(g.cov);
  free(g.stmts);
  free(cur);
  free(prev);
  return 0;
}
