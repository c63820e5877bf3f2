/* SPDX-License-Identifier: MIT
 * extract.h - stage "extract" (phase 1): the facts of one parsed Python file.
 * Classes with their fields, enums, imports, declarative bases, functions, and every
 * attribute reference with the evidence for its receiver. Never looks at another file,
 * so it runs in the parse workers in parallel. */
#ifndef AR_EXTRACT_H
#define AR_EXTRACT_H

#include <tree_sitter/api.h>

#include "alignrisk/diag.h"
#include "alignrisk/model.h"

/** The Python grammar (tree-sitter-python, ABI 14). Static storage. */
const TSLanguage *ar_python_language(void);

/** Per-worker scratch state (symbol ids, node stacks); reuse it across files. */
typedef struct ar_extractor ar_extractor;

/** New extractor; AR_EVERSION (with a diagnostic naming both ABI versions) when the grammar
 *  cannot be used with this tree-sitter runtime. Owned by caller: ar_extractor_free(). */
AR_NODISCARD int ar_extractor_new(ar_extractor **out, ar_diag *dg);
void ar_extractor_free(ar_extractor *ex);

/** --guess-names: also record references whose receiver is only guessed from a variable's
 *  name (`order_item` -> OrderItem), at `possible` confidence. Off by default: on real code
 *  it costs dozens of false findings for each bug it finds. */
void ar_extractor_guess_names(ar_extractor *ex, bool on);

/** The modules of the scan (any dotted prefix of any suffix of a scanned module's name;
 *  borrowed, must outlive the extractor). Names imported from other modules are then not
 *  taken for classes of the scan, which saves the references to them. NULL: all are. */
void ar_extractor_scanned_modules(ar_extractor *ex, const ar_map *modules);

/** Fill `file` (path, module and flags already set) from `tree` over `src`. Everything kept
 *  is copied into `arena`, so tree and source may be freed right after. Emits a warning for
 *  syntax errors and extracts the valid parts. */
void ar_extract_file(ar_extractor *ex, ar_file *file, const TSTree *tree, const char *src,
                     size_t len, ar_arena *arena, ar_diag *dg);

#endif
