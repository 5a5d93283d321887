/*
 * gini.c -- the exact population Gini used inside the library (the solver
 * computes every Gini through aiq_gini_plain).
 *
 * MODEL.md section 3: G = 2 sum_i i*y_(i) / (n sum y) - (n+1)/n over the
 * ascending order statistics.  Evaluated as sum_i (2i - n - 1) y_(i) / (n S),
 * the same number without the cancellation between two terms near 1, with
 * Neumaier-compensated sums.  The sorted copy comes from the bucket sort
 * of bucket.c (the same array as the radix sort, a third faster on
 * incomes).
 */
#include <math.h>

#include "ineq_internal.h"
#include "internal.h"
#include "par.h"

/* Neumaier step: add v to the sum (s, c). */
static inline void neumaier(double *s, double *c, double v) {
  double t = *s + v;
  *c += fabs(*s) >= fabs(v) ? (*s - t) + v : (v - t) + *s;
  *s = t;
}

/* Status of x's first value that is non-finite (AIINEQ_ERR_NONFINITE) or
 * negative (AIINEQ_ERR_RANGE), AIINEQ_OK if none is. */
static int first_bad(const double *x, size_t n) {
  for (size_t i = 0; i < n; i++) {
    if (!isfinite(x[i])) return AIINEQ_ERR_NONFINITE;
    if (x[i] < 0) return AIINEQ_ERR_RANGE;
  }
  return AIINEQ_OK;
}

/* The Gini of the ascending values y[0..n) (n > 0). */
static int gini_of_sorted(const double *y, size_t n, double *gini, int nt) {
  (void)nt; /* only read by OpenMP */
  /* Neumaier sums of y and of (2i - n - 1) y_(i), i = 1..n, in chunks fixed
   * by n (par.h); the chunk sums are combined in chunk order. */
  size_t nc = aiq_par_nchunks(n);
  double part[AIQ_PAR_MAXCHUNKS][4];
  double nn = (double)n;
#pragma omp parallel for num_threads(nt) schedule(static) if (nt > 1 && nc > 1)
  for (size_t c = 0; c < nc; c++) {
    double s = 0, sc = 0, t = 0, tc = 0;
    size_t i = aiq_par_lo(n, nc, c), hi = aiq_par_lo(n, nc, c + 1);
    /* The weight 2(i + 1) - n - 1 is an integer of magnitude below 2^53
     * (n < 2^51, so no size_t of a real array reaches past it): every
     * step, and stepping it by 2.0, is exact, the same double as computing
     * it afresh (which costs a conversion and two subtractions). */
    double wt = 2.0 * (double)(i + 1) - nn - 1.0;
    for (; i < hi; i++, wt += 2.0) {
      double v = y[i];
      neumaier(&s, &sc, v);
      neumaier(&t, &tc, wt * v);
    }
    part[c][0] = s;
    part[c][1] = sc;
    part[c][2] = t;
    part[c][3] = tc;
  }
  double s = part[0][0], sc = part[0][1], t = part[0][2], tc = part[0][3];
  for (size_t c = 1; c < nc; c++) {
    neumaier(&s, &sc, part[c][0]);
    sc += part[c][1];
    neumaier(&t, &tc, part[c][2]);
    tc += part[c][3];
  }
  s += sc;
  t += tc;
  if (!(s > 0)) return AIINEQ_ERR_DEGENERATE;
  *gini = t / (nn * s);
  return AIINEQ_OK;
}

int aiq_gini_plain_nt(const double *x, size_t n, double *gini, int nt) {
  if (!x || !gini) return AIINEQ_ERR_ARG;
  int bad = first_bad(x, n); /* before the allocation: bad data is not NOMEM */
  if (bad) return bad;
  if (n == 0) return AIINEQ_ERR_DEGENERATE;
  double *y = aiq_malloc_array(n, sizeof *y);
  if (!y) return AIINEQ_ERR_NOMEM;
  int rc = aiq_bucket_sort_nt(x, n, y, nt); /* checked already */
  if (rc == AIINEQ_OK) rc = gini_of_sorted(y, n, gini, nt);
  aiq_free(y);
  return rc;
}

int aiq_gini_plain_buf(const double *x, size_t n, double *gini, int nt, double *y) {
  if (!x || !gini || (n && !y)) return AIINEQ_ERR_ARG;
  if (n == 0) return AIINEQ_ERR_DEGENERATE;
  /* The sort's range pass checks the data; only bad data pays for the
   * scan that finds which offence comes first. */
  int rc = aiq_bucket_sort_checked_nt(x, n, y, nt);
  if (rc == AIINEQ_ERR_RANGE) return first_bad(x, n);
  return rc == AIINEQ_OK ? gini_of_sorted(y, n, gini, nt) : rc;
}

int aiq_gini_plain(const double *x, size_t n, double *gini) {
  return aiq_gini_plain_nt(x, n, gini, 1);
}
