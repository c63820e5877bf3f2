/* SPDX-License-Identifier: MIT
 * history_int.h - private to the history stage: an index that finds, among a list of past
 * entries, the first one that is the same finding as a given entry, by the rules of
 * ar_history_same_entry (history_index.c). history_trend.c and history_cmd.c use it
 * instead of comparing every pair: with the history capped at 64 MiB, pairs of entries
 * ran to hours; the index makes each question O(1) expected. */
#ifndef AR_HISTORY_INT_H
#define AR_HISTORY_INT_H

#include "alignrisk/history.h"
#include "alignrisk/map.h"

/* Each map holds index + 1 of the first entry with its key; the keys live in `keys`.
 * K is (pattern, model, field), length-prefixed so that no two triples share a key. */
typedef struct ar_hist__index {
  ar_map fp;         /* fingerprint */
  ar_map key;        /* K, any fingerprint, any service */
  ar_map key_nofp;   /* K, entries without a fingerprint */
  ar_map svc;        /* K + service */
  ar_map svc_nofp;   /* K + service, without a fingerprint */
  ar_map nosvc;      /* K, entries without a service */
  ar_map nosvc_nofp; /* K, without a service or a fingerprint */
  ar_arena keys;
} ar_hist__index;

/* Index `n` entries (borrowed: they must outlive the index). O(n) expected. */
void ar_history__index_init(ar_hist__index *ix, const ar_hist_entry *entries, size_t n);
void ar_history__index_dispose(ar_hist__index *ix);
/* The smallest i with ar_history_same_entry(&entries[i], e), or SIZE_MAX when none. */
size_t ar_history__index_first(const ar_hist__index *ix, const ar_hist_entry *e);

#endif
