/* SPDX-License-Identifier: MIT
 * vec.h - AR_VEC(T), typed dynamic arrays backed by malloc.
 * Utility layer. A vec owns its storage, never its elements' pointees. */
#ifndef AR_VEC_H
#define AR_VEC_H

#include <stdlib.h>

#include "alignrisk/mem.h"

#define AR_VEC(T)                                                                                  \
  struct {                                                                                         \
    T *items;                                                                                      \
    size_t len, cap;                                                                               \
  }

#define AR_VEC_GROW(v, need)                                                                       \
  do {                                                                                             \
    if ((need) > (v)->cap) {                                                                       \
      size_t nc_ = (v)->cap ? (v)->cap * 2 : 8;                                                    \
      while (nc_ < (need)) nc_ *= 2;                                                               \
      (v)->items = ar_xrealloc((v)->items, nc_ * sizeof(*(v)->items));                             \
      (v)->cap = nc_;                                                                              \
    }                                                                                              \
  } while (0)

#define AR_VEC_PUSH(v, x)                                                                          \
  do {                                                                                             \
    AR_VEC_GROW((v), (v)->len + 1);                                                                \
    (v)->items[(v)->len++] = (x);                                                                  \
  } while (0)

/* Give back the unused tail of the storage (after a vector stops growing). */
#define AR_VEC_SHRINK(v)                                                                           \
  do {                                                                                             \
    if ((v)->len && (v)->len < (v)->cap) {                                                         \
      (v)->items = ar_xrealloc((v)->items, (v)->len * sizeof(*(v)->items));                        \
      (v)->cap = (v)->len;                                                                         \
    }                                                                                              \
  } while (0)

#define AR_VEC_AT(v, i) (AR_ASSERT((size_t)(i) < (v)->len), (v)->items[(i)])
#define AR_VEC_FREE(v)                                                                             \
  do {                                                                                             \
    free((v)->items);                                                                              \
    (v)->items = NULL;                                                                             \
    (v)->len = (v)->cap = 0;                                                                       \
  } while (0)

#endif
