/* SPDX-License-Identifier: MIT
 * resolve.h - stage "resolve" (phase 2): names to classes, and the model and enum tables.
 * Resolves each class's bases through its file's imports (relative, aliased, star with
 * __all__, re-exports in __init__.py, longest module-suffix match for namespace roots),
 * decides which classes are models, declarative bases and enums, and builds each class's
 * full field set: own, inherited from bases and mixins, and backrefs other models add. */
#ifndef AR_RESOLVE_H
#define AR_RESOLVE_H

#include "alignrisk/diag.h"
#include "alignrisk/model.h"

/** Resolve everything in run->files. Fills run->modules, every file's `symbols`, every
 *  class's kind, open, rbases and all_fields, and run->nmodels / nenums. O(classes + bases). */
void ar_resolve_run(ar_run *run, ar_diag *dg);

/** The class that the dotted name `name` means in `file` ("M", "models.M", "pkg.mod.M"),
 *  through the file's classes and imports; NULL when it names no class in the scan.
 *  Cached per file and name. */
ar_class *ar_resolve_class(ar_run *run, ar_file *file, const char *name);

/** A model by its class name alone, for relationship("M") strings, which SQLAlchemy looks
 *  up in the declarative registry rather than in imports. `near` breaks ties: the model in
 *  the same package wins. NULL when none, or when ambiguous without a tie-break. */
ar_class *ar_resolve_model_by_name(ar_run *run, const char *name, const ar_file *near);

#endif
