/* SPDX-License-Identifier: MIT
 * model.c - the rule table, vocabulary names, configuration defaults, the run's
 * lifetime, and field lookup on resolved classes. */
#include "alignrisk/model.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

const ar_rule ar_rules[AR_RULE_COUNT] = {
    [AR_R101] = {"AR101", "unknown-attribute-write", "missing-field", AR_SEV_CRITICAL,
                 "an attribute the model does not have is assigned on an instance",
                 "the value is silently never persisted"},
    [AR_R102] = {"AR102", "unknown-attribute-read", "missing-field", AR_SEV_CRITICAL,
                 "an attribute the model does not have is read on an instance",
                 "AttributeError at runtime"},
    [AR_R103] = {"AR103", "unknown-class-attribute", "missing-field", AR_SEV_CRITICAL,
                 "an attribute the model does not have is used on the class (queries, order_by)",
                 "AttributeError at runtime"},
    [AR_R104] = {"AR104", "unknown-constructor-kwarg", "missing-field", AR_SEV_CRITICAL,
                 "the model is constructed with a keyword it does not accept",
                 "TypeError at runtime"},
    [AR_R105] = {"AR105", "unknown-filter-by-kwarg", "missing-field", AR_SEV_CRITICAL,
                 "filter_by() names a column the model does not have",
                 "InvalidRequestError at runtime"},
    [AR_R201] = {"AR201", "unknown-enum-member", "missing-enum-member", AR_SEV_CRITICAL,
                 "an enum member that the enum does not define", "AttributeError at runtime"},
    [AR_R202] = {"AR202", "enum-type-mismatch", "enum-type-mismatch", AR_SEV_HIGH,
                 "a member of one enum is stored in or compared with a column of another",
                 "flush error, or a comparison that is never true"},
    [AR_R203] = {"AR203", "value-not-in-enum", "value-not-in-enum", AR_SEV_MEDIUM,
                 "a string stored in or compared with an enum column is none of its values",
                 "bad data or a dead branch"},
    [AR_R204] = {"AR204", "value-too-long", "value-too-long", AR_SEV_MEDIUM,
                 "a string literal longer than the column's String(N)",
                 "truncation or a database error"},
    [AR_R205] = {"AR205", "null-to-non-nullable", "null-to-non-nullable", AR_SEV_MEDIUM,
                 "None stored in a nullable=False column", "flush error"},
};

const ar_rule *ar_rule_find(const char *s)
{
  for (int i = 0; i < AR_RULE_COUNT; i++)
    if (strcasecmp(s, ar_rules[i].code) == 0 || strcmp(s, ar_rules[i].name) == 0) return &ar_rules[i];
  return NULL;
}

static const char *const sev_names[AR_SEV_COUNT] = {"low", "medium", "high", "critical"};
static const char *const conf_names[AR_CONF_COUNT] = {"possible", "likely", "certain"};

const char *ar_severity_name(ar_severity s) { return (unsigned)s < AR_SEV_COUNT ? sev_names[s] : "?"; }
const char *ar_confidence_name(ar_confidence c) { return (unsigned)c < AR_CONF_COUNT ? conf_names[c] : "?"; }

int ar_severity_parse(const char *s)
{
  for (int i = 0; i < AR_SEV_COUNT; i++)
    if (strcasecmp(s, sev_names[i]) == 0) return i;
  return -1;
}

int ar_confidence_parse(const char *s)
{
  for (int i = 0; i < AR_CONF_COUNT; i++)
    if (strcasecmp(s, conf_names[i]) == 0) return i;
  return -1;
}

void ar_config_init(ar_config *cfg)
{
  memset(cfg, 0, sizeof(*cfg));
  cfg->format = AR_FMT_TEXT;
  cfg->fail_over = -1;
  cfg->fail_on = -1;
  for (int i = 0; i < AR_RULE_COUNT; i++) cfg->select[i] = true;
  cfg->min_confidence = AR_CONF_LIKELY;
  cfg->color = 2;
  /* DESIGN.md "Score": severity critical 10, high 5, medium 3, low 1; confidence certain 1.0,
   * likely 0.7, possible 0.4; +0.5 per other instance of the pattern. */
  cfg->sev_weight[AR_SEV_CRITICAL] = 10;
  cfg->sev_weight[AR_SEV_HIGH] = 5;
  cfg->sev_weight[AR_SEV_MEDIUM] = 3;
  cfg->sev_weight[AR_SEV_LOW] = 1;
  cfg->conf_weight[AR_CONF_CERTAIN] = 1.0;
  cfg->conf_weight[AR_CONF_LIKELY] = 0.7;
  cfg->conf_weight[AR_CONF_POSSIBLE] = 0.4;
  cfg->repeat_step = 0.5;
  ar_arena_init(&cfg->strings);
}

void ar_config_dispose(ar_config *cfg)
{
  AR_VEC_FREE(&cfg->paths);
  AR_VEC_FREE(&cfg->coverage);
  AR_VEC_FREE(&cfg->path_map);
  AR_VEC_FREE(&cfg->exclude);
  AR_VEC_FREE(&cfg->ignore_specs);
  ar_arena_dispose(&cfg->strings);
}

void ar_run_init(ar_run *run, const ar_config *cfg)
{
  memset(run, 0, sizeof(*run));
  run->cfg = cfg;
  ar_arena_init(&run->arena);
  ar_map_init(&run->modules);
  run->gate.passed = true;
}

void ar_run_dispose(ar_run *run)
{
  for (size_t i = 0; i < run->files.len; i++) {
    ar_file *f = run->files.items[i];
    for (size_t j = 0; j < f->classes.len; j++) {
      ar_class *c = f->classes.items[j];
      ar_map_dispose(&c->all_fields);
      free(c->rbases);
    }
    /* The file's vectors live in a worker arena (extraction settles them there). */
    ar_map_dispose(&f->symbols);
    ar_map_dispose(&f->resolved);
  }
  AR_VEC_FREE(&run->files);
  for (size_t i = 0; i < run->nworkers; i++) ar_arena_dispose(&run->worker_arenas[i]);
  free(run->worker_arenas);
  ar_map_dispose(&run->modules);
  ar_map_dispose(&run->module_suffixes);
  ar_map_dispose(&run->models_by_name);
  ar_map_dispose(&run->scanned_modules);
  AR_VEC_FREE(&run->findings);
  AR_VEC_FREE(&run->cov_unmapped_names);
  free(run->filecov);
  AR_VEC_FREE(&run->fixed);
  AR_VEC_FREE(&run->pairs);
  AR_VEC_FREE(&run->gate.reasons);
  ar_arena_dispose(&run->arena);
}

/* Names every mapped class answers to, whatever its fields. */
static const char *const framework_names[] = {"query", "metadata", "registry", "query_class",
                                              "awaitable_attrs", "type_annotation_map", NULL};
/* What pydantic (SQLModel's base) puts on every model, v1 and v2. */
static const char *const pydantic_names[] = {
    "model_dump", "model_dump_json", "model_validate", "model_validate_json", "model_copy",
    "model_construct", "model_fields", "model_fields_set", "model_config", "model_extra",
    "model_json_schema", "model_computed_fields", "model_post_init", "model_rebuild",
    "model_parametrized_name", "dict", "json", "copy", "parse_obj", "parse_raw", "parse_file",
    "from_orm", "schema", "schema_json", "construct", "update_forward_refs", "validate",
    "sqlmodel_update", NULL};
static const ar_field framework_field = {.name = "(framework)", .kind = AR_FIELD_ATTR,
                                         .str_len = -1, .nullable = -1};

/* A plain class has no field table (resolve builds them for the kinds align checks):
 * its own fields, then its bases' depth first, with the table's precedence (the first
 * definition wins, except that a mapped field beats a name only set in __init__). */
static const ar_field *walk_field(const ar_class *c, const char *name, int depth)
{
  const ar_field *found = NULL;
  if (depth > 16) return NULL;
  for (size_t i = 0; i < c->nfields && !(found && found->kind != AR_FIELD_INIT_ONLY); i++)
    if (strcmp(c->fields[i].name, name) == 0 && (!found || c->fields[i].kind != AR_FIELD_INIT_ONLY))
      found = &c->fields[i];
  for (size_t i = 0; c->rbases && i < c->nbases && !(found && found->kind != AR_FIELD_INIT_ONLY); i++) {
    const ar_field *f = c->rbases[i] ? walk_field(c->rbases[i], name, depth + 1) : NULL;
    if (f && (!found || f->kind != AR_FIELD_INIT_ONLY)) found = f;
  }
  return found;
}

const ar_field *ar_class_field(const ar_class *cls, const char *name, bool on_class)
{
  /* Dunder and private names (__table__, _sa_instance_state, __members__) belong to the
   * machinery of classes, mappers and enums: never a finding. */
  if (name[0] == '_') return &framework_field;
  if (cls->kind == AR_KIND_MODEL)
    for (size_t i = 0; framework_names[i]; i++)
      if (strcmp(name, framework_names[i]) == 0) return &framework_field;
  if (cls->flags & AR_CLASS_PYDANTIC)
    for (size_t i = 0; pydantic_names[i]; i++)
      if (strcmp(name, pydantic_names[i]) == 0) return &framework_field;
  const ar_field *f = cls->all_fields.cap ? ar_map_get(&cls->all_fields, name) : walk_field(cls, name, 0);
  if (f && on_class && f->kind == AR_FIELD_INIT_ONLY) return NULL;
  return f;
}
