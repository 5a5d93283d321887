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
 *
 * One thread (and n < 2^32) takes the radix32_* path below: 32-bit counts
 * and indices and fused first/last passes (less memory traffic, same
 * permutation).  Several threads, or n >= 2^32, take radix_sort_par (one
 * histogram per pass and thread; with one thread it is the plain serial
 * LSD sort).  11-bit digits were measured against 13 and 16 bits
 * (docs/performance.md): 11 is fastest at n = 2e5, the default economy.
 *
 * The _nt variants split every pass over nt threads (OpenMP): each thread
 * owns a contiguous block, counts its digits, and scatters its block to the
 * offsets "all smaller digits, then the same digit in earlier blocks" -- the
 * stable order, so the output is the serial one whatever nt is.
 */
#include <string.h>

#include "ineq_internal.h"
#include "internal.h"
#include "orderkey.h"
#include "par.h"

#define AIQ_RADIX_BITS 11
#define AIQ_RADIX_SIZE (1u << AIQ_RADIX_BITS)
#define AIQ_RADIX_MASK ((uint64_t)AIQ_RADIX_SIZE - 1u)
#define AIQ_RADIX_PASSES 6 /* ceil(64 / 11) */

/* Keys are orderkey.h's; aiq_argsort_double folds -0.0 into +0.0. */

/* One counting-sort step: move src[lo..hi) (and isrc, when not NULL) to
 * dst/idst at the positions off[digit]++ (stable). */
static inline void radix_scatter(const uint64_t *src, const size_t *isrc, uint64_t *dst,
                                 size_t *idst, size_t lo, size_t hi, size_t *off, int shift) {
  if (isrc) {
    for (size_t i = lo; i < hi; i++) {
      size_t pos = off[(src[i] >> shift) & AIQ_RADIX_MASK]++;
      dst[pos] = src[i];
      idst[pos] = isrc[i];
    }
  } else {
    for (size_t i = lo; i < hi; i++) dst[off[(src[i] >> shift) & AIQ_RADIX_MASK]++] = src[i];
  }
}

/* After a pass the destination becomes the next pass's source. */
static inline void radix_swap(uint64_t **src, uint64_t **dst, size_t **isrc, size_t **idst) {
  uint64_t *t = *src;
  *src = *dst;
  *dst = t;
  size_t *it = *isrc;
  *isrc = *idst;
  *idst = it;
}

/* The results of the last pass are in src/isrc: copy them home to key/idx. */
static void radix_finish(uint64_t *key, size_t *idx, const uint64_t *src, const size_t *isrc,
                         size_t n) {
  if (src != key) {
    memcpy(key, src, n * sizeof *key);
    if (idx) memcpy(idx, isrc, n * sizeof *idx);
  }
}

/* ---- serial path for n < 2^32: 32-bit counts and indices, fused ends ----
 *
 * The same stable LSD passes as radix_sort, with less memory traffic:
 * the counts are 32-bit (six histograms, 48 KiB: the L1 cache), the keys
 * are computed from x while counting and again in the first active pass
 * (no key array is written before it), the argsort carries 32-bit indices
 * (the first pass takes them from the loop counter) and its last pass
 * writes the size_t permutation without the keys, and the sort's last pass
 * writes the doubles back into x.  The permutation is the same: only
 * where the data live changes, never the order of a pass. */

/* Histograms of the keys of x (fold: x + 0.0 for the argsort) into
 * start offsets; returns the number of active passes, listed in act. */
static int radix32_histograms(const double *x, size_t n, int fold,
                              uint32_t count[AIQ_RADIX_PASSES][AIQ_RADIX_SIZE],
                              int act[AIQ_RADIX_PASSES]) {
  memset(count, 0, sizeof(uint32_t) * AIQ_RADIX_PASSES * AIQ_RADIX_SIZE);
  for (size_t i = 0; i < n; i++) {
    uint64_t k = aiq_order_key(fold ? x[i] + 0.0 : x[i]);
    for (int p = 0; p < AIQ_RADIX_PASSES; p++)
      count[p][(k >> (p * AIQ_RADIX_BITS)) & AIQ_RADIX_MASK]++;
  }
  uint64_t k0 = aiq_order_key(fold ? x[0] + 0.0 : x[0]);
  int na = 0;
  for (int p = 0; p < AIQ_RADIX_PASSES; p++) {
    uint32_t sum = 0;
    if (count[p][(k0 >> (p * AIQ_RADIX_BITS)) & AIQ_RADIX_MASK] != (uint32_t)n) act[na++] = p;
    for (size_t b = 0; b < AIQ_RADIX_SIZE; b++) {
      uint32_t c = count[p][b];
      count[p][b] = sum;
      sum += c;
    }
  }
  return na;
}

/* Sort x in place; kbuf holds 2n keys of scratch. */
static void radix32_sort(double *x, size_t n, uint64_t *kbuf,
                         uint32_t count[AIQ_RADIX_PASSES][AIQ_RADIX_SIZE]) {
  int act[AIQ_RADIX_PASSES];
  int na = radix32_histograms(x, n, 0, count, act);
  if (na == 0) return; /* all keys equal: equal bit patterns */
  uint64_t *src = kbuf, *dst = kbuf + n;
  for (int a = 0; a < na; a++) {
    int shift = act[a] * AIQ_RADIX_BITS;
    uint32_t *off = count[act[a]];
    if (a == 0) {
      for (size_t i = 0; i < n; i++) {
        uint64_t k = aiq_order_key(x[i]);
        src[off[(k >> shift) & AIQ_RADIX_MASK]++] = k; /* first pass fills src */
      }
      continue;
    }
    if (a == na - 1) {
      for (size_t i = 0; i < n; i++) {
        uint64_t k = src[i];
        x[off[(k >> shift) & AIQ_RADIX_MASK]++] = aiq_order_value(k);
      }
      return;
    }
    for (size_t i = 0; i < n; i++) {
      uint64_t k = src[i];
      dst[off[(k >> shift) & AIQ_RADIX_MASK]++] = k;
    }
    uint64_t *t = src;
    src = dst;
    dst = t;
  }
  for (size_t i = 0; i < n; i++) x[i] = aiq_order_value(src[i]); /* one active pass */
}

/* Stable argsort of x into idx; kbuf holds 2n keys, ibuf 2n indices. */
static void radix32_argsort(const double *x, size_t n, size_t *idx, uint64_t *kbuf,
                            uint32_t *ibuf, uint32_t count[AIQ_RADIX_PASSES][AIQ_RADIX_SIZE]) {
  int act[AIQ_RADIX_PASSES];
  int na = radix32_histograms(x, n, 1, count, act);
  if (na == 0) {
    for (size_t i = 0; i < n; i++) idx[i] = i;
    return;
  }
  uint64_t *src = kbuf, *dst = kbuf + n;
  uint32_t *isrc = ibuf, *idst = ibuf + n;
  for (int a = 0; a < na; a++) {
    int shift = act[a] * AIQ_RADIX_BITS;
    uint32_t *off = count[act[a]];
    if (a == 0 && na == 1) {
      for (size_t i = 0; i < n; i++)
        idx[off[(aiq_order_key(x[i] + 0.0) >> shift) & AIQ_RADIX_MASK]++] = i;
      return;
    }
    if (a == 0) {
      for (size_t i = 0; i < n; i++) {
        uint64_t k = aiq_order_key(x[i] + 0.0);
        uint32_t pos = off[(k >> shift) & AIQ_RADIX_MASK]++;
        src[pos] = k;
        isrc[pos] = (uint32_t)i;
      }
      continue;
    }
    if (a == na - 1) {
      for (size_t i = 0; i < n; i++) idx[off[(src[i] >> shift) & AIQ_RADIX_MASK]++] = isrc[i];
      return;
    }
    for (size_t i = 0; i < n; i++) {
      uint32_t pos = off[(src[i] >> shift) & AIQ_RADIX_MASK]++;
      dst[pos] = src[i];
      idst[pos] = isrc[i];
    }
    uint64_t *t = src;
    src = dst;
    dst = t;
    uint32_t *ti = isrc;
    isrc = idst;
    idst = ti;
  }
}

/* Below this many keys the threads cost more than they save. */
#define AIQ_RADIX_PAR_MIN 65536

/* Sort key[0..n) (and, if idx is not NULL, carry idx along) with nt
 * threads; the results end in key/idx; key2/idx2 are scratch of the same
 * length and cnt has nt rows.  Used with several threads, and with one for
 * n >= 2^32 (beyond the 32-bit path). */
static void radix_sort_par(uint64_t *key, size_t *idx, uint64_t *key2, size_t *idx2, size_t n,
                           int nt, size_t (*cnt)[AIQ_RADIX_SIZE]) {
  uint64_t *src = key, *dst = key2;
  size_t *isrc = idx, *idst = idx2;
  for (int p = 0; p < AIQ_RADIX_PASSES; p++) {
    int shift = p * AIQ_RADIX_BITS, skip = 0;
#pragma omp parallel num_threads(nt)
    {
      size_t T = 1, t = aiq_par_thread_id();
      (void)nt;
#ifdef _OPENMP
      T = (size_t)omp_get_num_threads();
#endif
      size_t lo = aiq_par_lo(n, T, t), hi = aiq_par_lo(n, T, t + 1);
      size_t *mine = cnt[t], off[AIQ_RADIX_SIZE];
      memset(mine, 0, sizeof(size_t) * AIQ_RADIX_SIZE);
      for (size_t i = lo; i < hi; i++) mine[(src[i] >> shift) & AIQ_RADIX_MASK]++;
#pragma omp barrier
      size_t run = 0;
      int noop = 0;
      for (size_t b = 0; b < AIQ_RADIX_SIZE; b++) {
        size_t before = 0, total = 0;
        for (size_t u = 0; u < T; u++) {
          if (u == t) before = total;
          total += cnt[u][b];
        }
        off[b] = run + before;
        run += total;
        if (total == n) noop = 1; /* every key has this digit: nothing moves */
      }
      if (!noop) radix_scatter(src, isrc, dst, idst, lo, hi, off, shift);
      if (t == 0) skip = noop; /* every thread reached the same verdict */
    }
    if (!skip) radix_swap(&src, &dst, &isrc, &idst);
  }
  radix_finish(key, idx, src, isrc, n);
}

/* Scratch rows of counts: the six histograms of the serial sort, or one
 * row per thread of the parallel one. */
static size_t count_rows(size_t n, int nt) {
#ifdef _OPENMP
  if (nt > 1 && n >= AIQ_RADIX_PAR_MIN) return (size_t)nt > AIQ_RADIX_PASSES ? (size_t)nt : AIQ_RADIX_PASSES;
#else
  (void)n;
  (void)nt;
#endif
  return AIQ_RADIX_PASSES;
}

/* The serial 32-bit path applies (one thread, or too few keys for threads). */
static int use_radix32(size_t n, int nt) {
  if (n > UINT32_MAX) return 0;
#ifdef _OPENMP
  if (nt > 1 && n >= AIQ_RADIX_PAR_MIN) return 0;
#else
  (void)nt;
#endif
  return 1;
}

/* Sort with the parallel radix sort (one thread when threads do not pay). */
static void radix_sort_any(uint64_t *key, size_t *idx, uint64_t *key2, size_t *idx2, size_t n,
                           int nt, size_t (*count)[AIQ_RADIX_SIZE]) {
  radix_sort_par(key, idx, key2, idx2, n, nt > 1 && n >= AIQ_RADIX_PAR_MIN ? nt : 1, count);
}

int aiq_sort_double_nt(double *x, size_t n, int nt) {
  if (n < 2) return AIINEQ_OK;
  if (!x) return AIINEQ_ERR_ARG;
  if (use_radix32(n, nt)) {
    uint64_t *kbuf = aiq_malloc_array(n, 2 * sizeof *kbuf);
    uint32_t(*c32)[AIQ_RADIX_SIZE] = aiq_malloc_array(AIQ_RADIX_PASSES, sizeof **c32 * AIQ_RADIX_SIZE);
    if (kbuf && c32) radix32_sort(x, n, kbuf, c32);
    int rc = (kbuf && c32) ? AIINEQ_OK : AIINEQ_ERR_NOMEM;
    aiq_free(kbuf);
    aiq_free(c32);
    return rc;
  }
  size_t rows = count_rows(n, nt);
  uint64_t *key = aiq_malloc_array(n, 2 * sizeof *key);
  size_t(*count)[AIQ_RADIX_SIZE] = aiq_malloc_array(rows, sizeof(size_t) * AIQ_RADIX_SIZE);
  if (!key || !count) {
    aiq_free(key);
    aiq_free(count);
    return AIINEQ_ERR_NOMEM;
  }
#pragma omp parallel for num_threads(nt) schedule(static) if (nt > 1 && n >= AIQ_RADIX_PAR_MIN)
  for (size_t i = 0; i < n; i++) key[i] = aiq_order_key(x[i]);
  radix_sort_any(key, NULL, key + n, NULL, n, nt, count);
#pragma omp parallel for num_threads(nt) schedule(static) if (nt > 1 && n >= AIQ_RADIX_PAR_MIN)
  for (size_t i = 0; i < n; i++) x[i] = aiq_order_value(key[i]);
  aiq_free(key);
  aiq_free(count);
  return AIINEQ_OK;
}

int aiq_sort_double(double *x, size_t n) { return aiq_sort_double_nt(x, n, 1); }

int aiq_argsort_double_nt(const double *x, size_t n, size_t *idx, int nt) {
  if (n == 0) return AIINEQ_OK;
  if (!x || !idx) return AIINEQ_ERR_ARG;
  if (n == 1) {
    idx[0] = 0;
    return AIINEQ_OK;
  }
  if (use_radix32(n, nt)) {
    uint64_t *kbuf = aiq_malloc_array(n, 2 * sizeof *kbuf);
    uint32_t *ibuf = aiq_malloc_array(n, 2 * sizeof *ibuf);
    uint32_t(*c32)[AIQ_RADIX_SIZE] = aiq_malloc_array(AIQ_RADIX_PASSES, sizeof **c32 * AIQ_RADIX_SIZE);
    if (kbuf && ibuf && c32) radix32_argsort(x, n, idx, kbuf, ibuf, c32);
    int rc = (kbuf && ibuf && c32) ? AIINEQ_OK : AIINEQ_ERR_NOMEM;
    aiq_free(kbuf);
    aiq_free(ibuf);
    aiq_free(c32);
    return rc;
  }
  uint64_t *key = aiq_malloc_array(n, 2 * sizeof *key);
  size_t *idx2 = aiq_malloc_array(n, sizeof *idx2);
  size_t(*count)[AIQ_RADIX_SIZE] =
      aiq_malloc_array(count_rows(n, nt), sizeof(size_t) * AIQ_RADIX_SIZE);
  if (!key || !idx2 || !count) {
    aiq_free(key);
    aiq_free(idx2);
    aiq_free(count);
    return AIINEQ_ERR_NOMEM;
  }
#pragma omp parallel for num_threads(nt) schedule(static) if (nt > 1 && n >= AIQ_RADIX_PAR_MIN)
  for (size_t i = 0; i < n; i++) {
    key[i] = aiq_order_key(x[i] + 0.0); /* x + 0.0 turns -0.0 into +0.0: they tie */
    idx[i] = i;
  }
  radix_sort_any(key, idx, key + n, idx2, n, nt, count);
  aiq_free(key);
  aiq_free(idx2);
  aiq_free(count);
  return AIINEQ_OK;
}

int aiq_argsort_double(const double *x, size_t n, size_t *idx) {
  return aiq_argsort_double_nt(x, n, idx, 1);
}
