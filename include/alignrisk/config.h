/* SPDX-License-Identifier: MIT
 * config.h - defaults from `[tool.alignrisk]` in the nearest pyproject.toml, read with the
 * tree-sitter TOML grammar. Not a pipeline stage: the CLI reads the file into an ar_config
 * first and applies the command line on top. Know before editing: a problem in the file
 * is a warning and never changes the exit code, except a file given with --config that
 * cannot be read or is not TOML. */
#ifndef AR_CONFIG_H
#define AR_CONFIG_H

#include "alignrisk/diag.h"
#include "alignrisk/model.h"

/** The pyproject.toml nearest to the folder `start` (a file means its folder; NULL or a
 *  path that does not exist means the working folder): `start` itself, then each parent up
 *  to the filesystem root, stopping after a folder that holds `.git` (the repository's
 *  top). Returns the path relative to the working folder ("pyproject.toml",
 *  "../pyproject.toml", "sub/pyproject.toml"), or absolute when the working folder cannot
 *  be resolved; NULL when there is none. Owned by caller, free(). */
AR_NODISCARD char *ar_config_find(const char *start);

/** Read `[tool.alignrisk]` of the TOML file `path` into `cfg` (which the caller initialised
 *  with ar_config_init; what the file sets replaces the defaults). Relative paths in the
 *  file (coverage, history, output) are taken relative to the file's folder. Strings are
 *  stored in cfg->strings; cfg->config_path is set when the file was read.
 *  An unknown key, a value of the wrong type or out of range: a warning naming
 *  path:line:col and the key, and the key is ignored. A file that is not TOML: a warning,
 *  and nothing of it is applied. With `strict` (the file was named by --config) a file
 *  that cannot be read or is not TOML is an error instead.
 *  Returns 0; with `strict` also AR_ENOTFOUND, AR_ERROR (unreadable), AR_ELIMIT (larger
 *  than 4 MiB) or AR_EPARSE; AR_EVERSION when the grammar cannot be loaded. */
AR_NODISCARD int ar_config_load(ar_config *cfg, const char *path, bool strict, ar_diag *dg);

/** ar_config_load on `len` bytes of text already in memory; `path` names it in
 *  diagnostics and gives the folder for relative paths. */
AR_NODISCARD int ar_config_load_mem(ar_config *cfg, const char *text, size_t len,
                                    const char *path, bool strict, ar_diag *dg);

/** Whether `token` names at least one rule: a code ("AR101", any case), a code prefix
 *  ("AR1", "AR") or a rule name ("unknown-attribute-write"). Marks the rules it names in
 *  `mask` when `mask` is not NULL. */
bool ar_config_rule_match(const char *token, bool mask[AR_RULE_COUNT]);

/** The first token of the comma- or space-separated list `spec` that names no rule, as a
 *  new string (owned by caller, free()); NULL when every token names a rule. */
AR_NODISCARD char *ar_config_rule_check(const char *spec);

/** Recompute cfg->select from cfg->select_spec (NULL: every rule) less every list in
 *  cfg->ignore_specs. Tokens that name no rule are skipped (callers check them first). */
void ar_config_update_select(ar_config *cfg);

#endif
