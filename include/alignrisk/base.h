/* SPDX-License-Identifier: MIT
 * base.h - status codes, compiler attributes and limits shared by every module.
 * Utility layer: includes nothing of ours. Every other header may include it. */
#ifndef AR_BASE_H
#define AR_BASE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#if defined(__GNUC__) || defined(__clang__)
#define AR_PRINTF(fmt, args) __attribute__((format(printf, fmt, args)))
#define AR_NODISCARD __attribute__((warn_unused_result))
#define AR_NORETURN __attribute__((noreturn))
#else
#define AR_PRINTF(fmt, args)
#define AR_NODISCARD
#define AR_NORETURN
#endif

/** Status codes: 0 is success, negative is an error. */
enum {
  AR_OK = 0,
  AR_ERROR = -1,     /* anything not listed below */
  AR_ENOTFOUND = -2, /* a file or key that must exist does not */
  AR_EPARSE = -3,    /* malformed input; a diagnostic with file:line was emitted */
  AR_ELIMIT = -4,    /* a size or depth cap was hit */
  AR_EUSAGE = -5,    /* bad command line or configuration */
  AR_EVERSION = -6   /* incompatible grammar or schema version */
};

/** Text for a status code; never NULL, static storage. */
const char *ar_strerror(int code);

/** Abort with file:line and the expression. For our own bugs, never for bad input. */
#define AR_ASSERT(e) ((e) ? (void)0 : ar_assert_fail(#e, __FILE__, __LINE__))
AR_NORETURN void ar_assert_fail(const char *expr, const char *file, int line);

#define AR_VERSION "0.1.0"
#define AR_MAX_SOURCE_BYTES (16u << 20)  /* larger .py files are skipped with a warning: a tree
                                            * takes ~150 bytes per byte of dense source */
#define AR_MAX_REPORT_BYTES (256u << 20) /* cap on any single rendered report */
#define AR_MAX_AST_DEPTH 400             /* extraction stops descending past this nesting */

#endif
