/*
 * sort.c -- LSD radix sort of doubles on their IEEE-754 bit pattern.
 *
 * Each double is mapped to an unsigned 64-bit key whose unsigned order is
 * the numeric order: non-negative numbers get their sign bit set, negative
 * numbers have every bit flipped.  The keys are sorted with six passes of
 * 11-bit digits (2048 buckets, small enough for the L1 cache), all six
 * histograms counted in one read; a pass is skipped when every key has the
 * same digit (common for the exponent digits of income data).  Two buffers
 * alternate between passes (ping-pong).  Every pass is a stable counting
 * sort, so equal keys keep their input order: argsort breaks ties by index.
 * See docs/design.md for why this is hand-written.
 */
#include <string.h>

#include "ineq_internal.h"
#include "internal.h"

#define AIQ_RADIX_BITS 11
#define AIQ_RADIX_SIZE (1u << AIQ_RADIX_BITS)
#define AIQ_RADIX_MASK ((uint64_t)AIQ_RADIX_SIZE - 1u)
#define AIQ_RADIX_PASSES 6 /* ceil(64 / 11) */

/* Order-preserving key of a double (NaN excluded).  -0.0 and +0.0 map to
 * different keys (-0.0 first); aiq_argsort_double folds them together. */
static inline uint64_t key_of(double v) {
  uint64_t u;
  memcpy(&u, &v, sizeof u);
  return (u & UINT64_C(0x8000000000000000)) ? ~u : (u | UINT64_C(0x8000000000000000));
}

static inline double double_of(uint64_t k) {
  uint64_t u = (k & UINT64_C(0x8000000000000000)) ? (k & ~UINT64_C(0x8000000000000000)) : ~k;
  double v;
  memcpy(&v, &u, sizeof v);
  return v;
}

/* Count the digits of every pass; turn each histogram into start offsets.
 * active[p] is 0 when all n keys share digit p (the pass is a no-op). */
static void radix_histograms(const uint64_t *key, size_t n,
                             size_t count[AIQ_RADIX_PASSES][AIQ_RADIX_SIZE],
                             int active[AIQ_RADIX_PASSES]) {
  memset(count, 0, sizeof(size_t) * AIQ_RADIX_PASSES * AIQ_RADIX_SIZE);
  for (size_t i = 0; i < n; i++) {
    uint64_t k = key[i];
    for (int p = 0; p < AIQ_RADIX_PASSES; p++)
      count[p][(k >> (p * AIQ_RADIX_BITS)) & AIQ_RADIX_MASK]++;
  }
  for (int p = 0; p < AIQ_RADIX_PASSES; p++) {
    size_t sum = 0;
    active[p] = count[p][(key[0] >> (p * AIQ_RADIX_BITS)) & AIQ_RADIX_MASK] != n;
    for (size_t b = 0; b < AIQ_RADIX_SIZE; b++) {
      size_t c = count[p][b];
      count[p][b] = sum;
      sum += c;
    }
  }
}

/* Sort key[0..n) (and, if idx is not NULL, carry idx along).  The results
 * end in key/idx; key2/idx2 are scratch of the same length. */
static void radix_sort(uint64_t *key, size_t *idx, uint64_t *key2, size_t *idx2, size_t n,
                       size_t count[AIQ_RADIX_PASSES][AIQ_RADIX_SIZE]) {
  int active[AIQ_RADIX_PASSES];
  radix_histograms(key, n, count, active);
  uint64_t *src = key, *dst = key2;
  size_t *isrc = idx, *idst = idx2;
  for (int p = 0; p < AIQ_RADIX_PASSES; p++) {
    if (!active[p]) continue;
    size_t *off = count[p];
    int shift = p * AIQ_RADIX_BITS;
    if (isrc) {
      for (size_t i = 0; i < n; i++) {
        size_t pos = off[(src[i] >> shift) & AIQ_RADIX_MASK]++;
        dst[pos] = src[i];
        idst[pos] = isrc[i];
      }
      size_t *it = isrc;
      isrc = idst;
      idst = it;
    } else {
      for (size_t i = 0; i < n; i++) dst[off[(src[i] >> shift) & AIQ_RADIX_MASK]++] = src[i];
    }
    uint64_t *t = src;
    src = dst;
    dst = t;
  }
  if (src != key) {
    memcpy(key, src, n * sizeof *key);
    if (idx) memcpy(idx, isrc, n * sizeof *idx);
  }
}

int aiq_sort_double(double *x, size_t n) {
  if (n < 2) return AIINEQ_OK;
  if (!x) return AIINEQ_ERR_ARG;
  uint64_t *key = aiq_malloc_array(n, 2 * sizeof *key);
  size_t(*count)[AIQ_RADIX_SIZE] = aiq_malloc(sizeof(size_t) * AIQ_RADIX_PASSES * AIQ_RADIX_SIZE);
  if (!key || !count) {
    aiq_free(key);
    aiq_free(count);
    return AIINEQ_ERR_NOMEM;
  }
  for (size_t i = 0; i < n; i++) key[i] = key_of(x[i]);
  radix_sort(key, NULL, key + n, NULL, n, count);
  for (size_t i = 0; i < n; i++) x[i] = double_of(key[i]);
  aiq_free(key);
  aiq_free(count);
  return AIINEQ_OK;
}

int aiq_argsort_double(const double *x, size_t n, size_t *idx) {
  if (n == 0) return AIINEQ_OK;
  if (!x || !idx) return AIINEQ_ERR_ARG;
  if (n == 1) {
    idx[0] = 0;
    return AIINEQ_OK;
  }
  uint64_t *key = aiq_malloc_array(n, 2 * sizeof *key);
  size_t *idx2 = aiq_malloc_array(n, sizeof *idx2);
  size_t(*count)[AIQ_RADIX_SIZE] = aiq_malloc(sizeof(size_t) * AIQ_RADIX_PASSES * AIQ_RADIX_SIZE);
  if (!key || !idx2 || !count) {
    aiq_free(key);
    aiq_free(idx2);
    aiq_free(count);
    return AIINEQ_ERR_NOMEM;
  }
  for (size_t i = 0; i < n; i++) {
    key[i] = key_of(x[i] + 0.0); /* x + 0.0 turns -0.0 into +0.0: they tie */
    idx[i] = i;
  }
  radix_sort(key, idx, key + n, idx2, n, count);
  aiq_free(key);
  aiq_free(idx2);
  aiq_free(count);
  return AIINEQ_OK;
}
