/*
 * bucket.c -- the Gini's sorted copy by a two-level bucket sort (MSD on
 * the order key), with the same output as the radix sort of sort.c.
 *
 * The order key of a double is sort.c's: the IEEE-754 bits, flipped so
 * that unsigned order is numeric order.  For positive values it is a
 * piecewise-linear logarithm, so cutting the key range into equal parts
 * spreads log-normal incomes fairly evenly.
 *
 *  Level 1: the key range [min, max] is cut into at most 2048 buckets
 *    ((key - min) >> shift: 2048 counters stay in L1 like a radix pass's)
 *    and the values are distributed into them in one counting pass.
 *  Level 2: each bucket, now contiguous and in cache, is cut the same way
 *    (its key range is known from level 1: no pass) into two sub-buckets
 *    per value, distributed through a scratch buffer and finished by one
 *    insertion pass.  If a sub-bucket gets more than AIQ_BUCKET_SMALL
 *    values, the bucket is cut again by its values' own range; if one is
 *    still crowded with unequal values (ties or spreads the key cannot
 *    resolve: rare), the radix sort sorts the bucket whole.
 *
 * The output is the sorted array of keys, unique whatever the buckets
 * were (equal keys are equal bit patterns), so it is the radix sort's for
 * every input and every thread count.  Threads: level 1 counts and
 * distributes over T fixed parts (offsets: smaller buckets, then the same
 * bucket in earlier parts); level-2 buckets are independent.
 */
#include <math.h>
#include <string.h>

#include "ineq_internal.h"
#include "internal.h"
#include "orderkey.h"
#include "par.h"

#define AIQ_BUCKET_L1 2048   /* level-1 buckets at most */
#define AIQ_BUCKET_SMALL 32  /* insertion sort up to this many values */
#define AIQ_BUCKET_SUB 2     /* level-2 sub-buckets per value (1, 4, 8: slower) */
#define AIQ_BUCKET_PAR_MIN 65536

/* Smallest shift with (range >> shift) < nb. */
static int shift_for(uint64_t range, uint64_t nb) {
  int s = 0;
  while (s < 63 && (range >> s) >= nb) s++;
  return s;
}

/* Insertion sort of a[0..m) by key. */
static void insertion_by_key(double *a, size_t m) {
  for (size_t i = 1; i < m; i++) {
    double v = a[i];
    uint64_t kv = aiq_order_key(v);
    size_t j = i;
    while (j > 0 && aiq_order_key(a[j - 1]) > kv) {
      a[j] = a[j - 1];
      j--;
    }
    a[j] = v;
  }
}

/* Key range of a[0..m). */
static void key_minmax(const double *a, size_t m, uint64_t *lo, uint64_t *hi) {
  uint64_t l = UINT64_MAX, h = 0;
  for (size_t i = 0; i < m; i++) {
    uint64_t k = aiq_order_key(a[i]);
    l = k < l ? k : l;
    h = k > h ? k : h;
  }
  *lo = l;
  *hi = h;
}

/* Key bounds of a[0..m) (m > 0, no NaN): the values' bounds, widened at
 * zero so that both -0.0 and +0.0 are inside whichever zero was found. */
static void key_bounds(const double *a, size_t m, uint64_t *lo, uint64_t *hi) {
  double l, h;
  aiq_par_minmax(a, m, 1, &l, &h);
  *lo = aiq_order_key(l == 0 ? -0.0 : l);
  *hi = aiq_order_key(h == 0 ? 0.0 : h);
}

/* Level 2: sort a[0..m), whose keys lie in [lo, hi], through tmp (m
 * doubles) and cnt (SUB m + 1 counts).  [lo, hi] is first the level-1
 * bucket's key range (no pass needed); if that leaves a crowded
 * sub-bucket, the values' own range is tried (exact = 1).  Returns 0, or 1
 * when a crowded sub-bucket of unequal values is left unsorted (the caller
 * then radix-sorts a[0..m)). */
static int level2(double *a, size_t m, double *tmp, uint32_t *cnt, uint64_t lo, uint64_t hi,
                  int exact) {
  if (m <= AIQ_BUCKET_SMALL) {
    insertion_by_key(a, m);
    return 0;
  }
  if (lo == hi) return 0;
  int shift = shift_for(hi - lo, AIQ_BUCKET_SUB * m);
  size_t nb = (size_t)((hi - lo) >> shift) + 1; /* <= SUB m */
  memset(cnt, 0, nb * sizeof *cnt);
  for (size_t i = 0; i < m; i++) cnt[(aiq_order_key(a[i]) - lo) >> shift]++;
  uint32_t run = 0, big = 0;
  for (size_t b = 0; b < nb; b++) {
    uint32_t c = cnt[b];
    cnt[b] = run;
    run += c;
    big = c > big ? c : big;
  }
  if (big > AIQ_BUCKET_SMALL && !exact) {
    uint64_t l2, h2;
    key_bounds(a, m, &l2, &h2);
    l2 = l2 > lo ? l2 : lo;
    h2 = h2 < hi ? h2 : hi;
    if (h2 - l2 < hi - lo) return level2(a, m, tmp, cnt, l2, h2, 1);
  }
  for (size_t i = 0; i < m; i++) tmp[cnt[(aiq_order_key(a[i]) - lo) >> shift]++] = a[i];
  memcpy(a, tmp, m * sizeof *a);
  /* Out of order only inside sub-buckets: when all are small, one
   * insertion pass over the bucket finishes it (about one comparison per
   * value, no loop over sub-buckets). */
  if (big <= AIQ_BUCKET_SMALL) {
    insertion_by_key(a, m);
    return 0;
  }
  int crowded = 0;
  for (size_t b = 0; b < nb; b++) { /* sub-bucket b is [cnt[b-1], cnt[b]) */
    size_t s = b ? cnt[b - 1] : 0, e = cnt[b];
    if (e - s <= AIQ_BUCKET_SMALL) {
      insertion_by_key(a + s, e - s);
    } else {
      uint64_t l2, h2;
      key_minmax(a + s, e - s, &l2, &h2);
      crowded |= l2 != h2;
    }
  }
  return crowded;
}

/* The sort; with check, AIINEQ_ERR_RANGE (y unspecified) as soon as the
 * key-range pass has seen a value outside [0, inf) or a NaN. */
static int bucket_sort(const double *x, size_t n, double *y, int nt, int check) {
  if (n == 0) return AIINEQ_OK;
  if (!x || !y) return AIINEQ_ERR_ARG;
  if (check)
    for (size_t i = 0; i < n && n <= AIQ_BUCKET_SMALL; i++)
      if (!(x[i] >= 0 && x[i] < INFINITY)) return AIINEQ_ERR_RANGE;
  if (n <= AIQ_BUCKET_SMALL) {
    memcpy(y, x, n * sizeof *y);
    insertion_by_key(y, n);
    return AIINEQ_OK;
  }
  size_t T = 1;
#ifdef _OPENMP
  if (nt > 1 && n >= AIQ_BUCKET_PAR_MIN) T = (size_t)nt;
#endif
  /* The value range (a NaN makes vmax NaN), which is also the checked
   * sort's test. */
  double vmin, vmax;
  aiq_par_minmax(x, n, (int)T, &vmin, &vmax);
  if (check && !(vmin >= 0 && vmax < INFINITY)) return AIINEQ_ERR_RANGE;
  uint64_t kmin = aiq_order_key(vmin == 0 ? -0.0 : vmin), kmax = aiq_order_key(vmax == 0 ? 0.0 : vmax);
  if (kmin == kmax) { /* one bit pattern (all-zero data may miss this) */
    memcpy(y, x, n * sizeof *y);
    return AIINEQ_OK;
  }
  int shift = shift_for(kmax - kmin, AIQ_BUCKET_L1);
  size_t nb = (size_t)((kmax - kmin) >> shift) + 1;
  size_t *cnt = aiq_calloc(T * nb + 1, sizeof *cnt);
  if (!cnt) return AIINEQ_ERR_NOMEM;
#pragma omp parallel for num_threads((int)T) schedule(static) if (T > 1)
  for (size_t t = 0; t < T; t++) {
    size_t *c = cnt + t * nb;
    for (size_t i = aiq_par_lo(n, T, t), e = aiq_par_lo(n, T, t + 1); i < e; i++)
      c[(aiq_order_key(x[i]) - kmin) >> shift]++;
  }
  size_t run = 0, maxm = 0;
  for (size_t b = 0; b < nb; b++) {
    size_t m = 0;
    for (size_t t = 0; t < T; t++) {
      size_t c = cnt[t * nb + b];
      cnt[t * nb + b] = run + m;
      m += c;
    }
    run += m;
    maxm = m > maxm ? m : maxm;
  }
#pragma omp parallel for num_threads((int)T) schedule(static) if (T > 1)
  for (size_t t = 0; t < T; t++) {
    size_t *off = cnt + t * nb;
    for (size_t i = aiq_par_lo(n, T, t), e = aiq_par_lo(n, T, t + 1); i < e; i++)
      y[off[(aiq_order_key(x[i]) - kmin) >> shift]++] = x[i];
  }
  /* Bucket b is [end[b-1], end[b]), end = the last part's offsets.  Each
   * thread of level 2 has maxm doubles and maxm + 1 counts of scratch; a
   * giant bucket (over n / T values) makes level 2 serial. */
  const size_t *end = cnt + (T - 1) * nb;
  size_t T2 = maxm > UINT32_MAX ? 0 : maxm > n / T ? 1 : T;
  double *tmp = T2 ? aiq_malloc_array(T2 * maxm, sizeof *tmp) : NULL;
  uint32_t *cnt2 = T2 ? aiq_malloc_array(T2 * (AIQ_BUCKET_SUB * maxm + 1), sizeof *cnt2) : NULL;
  unsigned char *crowded = aiq_calloc(nb, 1);
  int rc = (T2 && (!tmp || !cnt2)) || !crowded ? AIINEQ_ERR_NOMEM : AIINEQ_OK;
  if (rc == AIINEQ_OK && T2) {
#pragma omp parallel for num_threads((int)T2) schedule(dynamic, 16) if (T2 > 1)
    for (size_t b = 0; b < nb; b++) {
      size_t t = aiq_par_thread_id(), s = b ? end[b - 1] : 0;
      uint64_t lo = kmin + ((uint64_t)b << shift), w = ((uint64_t)1 << shift) - 1;
      uint64_t hi = kmax - lo < w ? kmax : lo + w; /* bucket b's keys */
      crowded[b] = (unsigned char)level2(y + s, end[b] - s, tmp + t * maxm,
                                         cnt2 + t * (AIQ_BUCKET_SUB * maxm + 1), lo, hi, 0);
    }
  }
  aiq_free(tmp); /* before the radix sort's own scratch */
  aiq_free(cnt2);
  for (size_t b = 0; b < nb && rc == AIINEQ_OK; b++) { /* the radix sort: whole buckets */
    size_t s = b ? end[b - 1] : 0;
    if (!T2 || crowded[b]) rc = aiq_sort_double_nt(y + s, end[b] - s, nt);
  }
  aiq_free(crowded);
  aiq_free(cnt);
  return rc;
}

int aiq_bucket_sort_nt(const double *x, size_t n, double *y, int nt) {
  return bucket_sort(x, n, y, nt, 0);
}

int aiq_bucket_sort_checked_nt(const double *x, size_t n, double *y, int nt) {
  return bucket_sort(x, n, y, nt, 1);
}
