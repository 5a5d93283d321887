/*
 * gini.c -- the exact population Gini used inside the library (the solver
 * computes every Gini through aiq_gini_plain).
 *
 * MODEL.md section 3: G = 2 sum_i i*y_(i) / (n sum y) - (n+1)/n over the
 * ascending order statistics.  Evaluated as sum_i (2i - n - 1) y_(i) / (n S),
 * the same number without the cancellation between two terms near 1, with
 * Neumaier-compensated sums (branch-free TwoSum).  The sums come from the
 * bucket sort of bucket.c, which never writes the sorted copy: each of its
 * level-1 buckets, once sorted (in cache), adds its values with the weights
 * of their ranks in eight fixed lanes, and the buckets' sums are combined
 * in bucket order (the same bits for every thread count and lane build).
 */
#include <math.h>

#include "ineq_internal.h"
#include "internal.h"
#include "par.h"

/* Status of x's first value that is non-finite (AIINEQ_ERR_NONFINITE) or
 * negative (AIINEQ_ERR_RANGE), AIINEQ_OK if none is. */
static int first_bad(const double *x, size_t n) {
  for (size_t i = 0; i < n; i++) {
    if (!isfinite(x[i])) return AIINEQ_ERR_NONFINITE;
    if (x[i] < 0) return AIINEQ_ERR_RANGE;
  }
  return AIINEQ_OK;
}

/* G from the bucket sort's Gini sums (bucket.c: each level-1 bucket's
 * compensated sums of y and (2i - n - 1) y_(i) over its ascending values,
 * in eight fixed lanes, the buckets combined in bucket order), in lane
 * build isa.  rc: the checked sort's status (RANGE: find the offence). */
static int gini_isa(const double *x, size_t n, double *gini, int nt, double *y, int isa) {
  double sums[4];
  int rc = aiq_bucket_gini_sums_nt(x, n, y, nt, isa, sums);
  if (rc == AIINEQ_ERR_RANGE) return first_bad(x, n);
  if (rc != AIINEQ_OK) return rc;
  double s = sums[0] + sums[1], t = sums[2] + sums[3];
  if (!(s > 0)) return AIINEQ_ERR_DEGENERATE;
  *gini = t / ((double)n * s);
  return AIINEQ_OK;
}

int aiq_gini_plain_nt(const double *x, size_t n, double *gini, int nt) {
  if (!x || !gini) return AIINEQ_ERR_ARG;
  int bad = first_bad(x, n); /* before the allocation: bad data is not NOMEM */
  if (bad) return bad;
  if (n == 0) return AIINEQ_ERR_DEGENERATE;
  double *y = aiq_malloc_array(n, sizeof *y);
  if (!y) return AIINEQ_ERR_NOMEM;
  int rc = gini_isa(x, n, gini, nt, y, aiq_bucket_isa());
  aiq_free(y);
  return rc;
}

int aiq_gini_plain_buf(const double *x, size_t n, double *gini, int nt, double *y) {
  if (!x || !gini || (n && !y)) return AIINEQ_ERR_ARG;
  if (n == 0) return AIINEQ_ERR_DEGENERATE;
  /* The sort's range pass checks the data; only bad data pays for the
   * scan that finds which offence comes first. */
  return gini_isa(x, n, gini, nt, y, aiq_bucket_isa());
}

int aiq_gini_isa(const double *x, size_t n, double *gini, int nt, double *y, int isa) {
  if (!x || !gini || (n && !y) || isa < 0 || isa > aiq_bucket_isa()) return AIINEQ_ERR_ARG;
  if (n == 0) return AIINEQ_ERR_DEGENERATE;
  return gini_isa(x, n, gini, nt, y, isa);
}

int aiq_gini_plain(const double *x, size_t n, double *gini) {
  return aiq_gini_plain_nt(x, n, gini, 1);
}
