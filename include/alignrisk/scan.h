/* SPDX-License-Identifier: MIT
 * scan.h - stage "scan": the sorted list of Python files to read.
 * Walks the configured paths; skips .git, virtualenvs (a folder with pyvenv.cfg or named
 * site-packages), node_modules, __pycache__, build folders and `exclude` globs; never
 * follows links to folders (no loops; each is named in a warning). FIFOs, sockets and
 * devices named .py, dangling links and paths past PATH_MAX are warnings too. A path named
 * on the command line is always read. */
#ifndef AR_SCAN_H
#define AR_SCAN_H

#include "alignrisk/diag.h"
#include "alignrisk/model.h"

/** Fill run->files (sorted by path, each with path, module and flags) and run->root.
 *  Returns 0; AR_ENOTFOUND when a given path does not exist (error emitted). Unreadable
 *  folders are warnings. */
AR_NODISCARD int ar_scan_run(ar_run *run, ar_diag *dg);

/** The AR_FILE_* flags a relative path earns: test file, migration, __init__. */
uint32_t ar_scan_path_flags(const char *relpath);
/** Dotted module name of a relative path ("app/models/__init__.py" -> "app.models").
 *  Owned by `arena`. */
const char *ar_scan_module_name(ar_arena *arena, const char *relpath);

#endif
