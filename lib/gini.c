/*
 * gini.c -- the exact population Gini used inside the library (the solver
 * computes every Gini through aiq_gini_plain).
 *
 * MODEL.md section 3: G = 2 sum_i i*y_(i) / (n sum y) - (n+1)/n over the
 * ascending order statistics.  Evaluated as sum_i (2i - n - 1) y_(i) / (n S),
 * the same number without the cancellation between two terms near 1, with
 * Neumaier-compensated sums.
 */
#include <math.h>

#include "ineq_internal.h"
#include "internal.h"

int aiq_gini_plain(const double *x, size_t n, double *gini) {
  if (!x || !gini) return AIINEQ_ERR_ARG;
  for (size_t i = 0; i < n; i++) {
    if (!isfinite(x[i])) return AIINEQ_ERR_NONFINITE;
    if (x[i] < 0) return AIINEQ_ERR_RANGE;
  }
  if (n == 0) return AIINEQ_ERR_DEGENERATE;
  double *y = aiq_malloc_array(n, sizeof *y);
  if (!y) return AIINEQ_ERR_NOMEM;
  for (size_t i = 0; i < n; i++) y[i] = x[i];
  int rc = aiq_sort_double(y, n);
  if (rc != AIINEQ_OK) {
    aiq_free(y);
    return rc;
  }
  /* Neumaier sums of y and of (2i - n - 1) y_(i), i = 1..n. */
  double s = 0, sc = 0, t = 0, tc = 0;
  double nn = (double)n;
  for (size_t i = 0; i < n; i++) {
    double v = y[i], u = (2.0 * (double)(i + 1) - nn - 1.0) * v;
    double s2 = s + v, t2 = t + u;
    sc += fabs(s) >= fabs(v) ? (s - s2) + v : (v - s2) + s;
    tc += fabs(t) >= fabs(u) ? (t - t2) + u : (u - t2) + t;
    s = s2;
    t = t2;
  }
  aiq_free(y);
  s += sc;
  t += tc;
  if (!(s > 0)) return AIINEQ_ERR_DEGENERATE;
  *gini = t / (nn * s);
  return AIINEQ_OK;
}
