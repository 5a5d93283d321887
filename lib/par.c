/*
 * par.c -- the thread-count setting of a model and deterministic parallel
 * helpers (par.h).
 */
#include <stdlib.h>

#include "model_internal.h"
#include "par.h"

AIINEQ_API int aiineq_model_set_threads(aiineq_model *m, int n_threads) {
  if (!m) return AIINEQ_ERR_ARG;
  if (n_threads < 0 || n_threads > AIQ_MAX_THREADS)
    return aiq_fail(m->err, AIINEQ_ERR_RANGE, "n_threads = %d is outside [0, %d]", n_threads,
                    AIQ_MAX_THREADS);
  m->n_threads = n_threads;
  return AIINEQ_OK;
}

AIINEQ_API int aiineq_model_get_threads(const aiineq_model *m, int *n_threads) {
  if (!m || !n_threads) return AIINEQ_ERR_ARG;
  *n_threads = m->n_threads;
  return AIINEQ_OK;
}

int aiq_par_threads(const aiineq_model *m) {
#ifdef _OPENMP
  if (m && m->n_threads > 0) return m->n_threads;
  /* 0: OpenMP's own default only when the user asked for it through
   * OMP_NUM_THREADS; otherwise one thread (a library embedded in a threaded
   * or multi-process program must not grab every core unasked). */
  const char *env = getenv("OMP_NUM_THREADS");
  int nt = env && *env ? omp_get_max_threads() : 1;
  return nt < 1 ? 1 : nt > AIQ_MAX_THREADS ? AIQ_MAX_THREADS : nt;
#else
  (void)m;
  return 1;
#endif
}

/* The maximum step of aiq_par_minmax: v if it is larger or NaN. */
static inline double max_nan(double v, double h) { return v > h || v != v ? v : h; }

/* Bounds of x[lo..hi) (hi > lo) by four independent accumulators (they
 * vectorise; one chain of comparisons is twice as slow). */
static void minmax_range(const double *x, size_t lo, size_t hi, double *vmin, double *vmax) {
  double l[4] = {x[lo], x[lo], x[lo], x[lo]}, h[4] = {x[lo], x[lo], x[lo], x[lo]};
  size_t i = lo;
  for (; i + 4 <= hi; i += 4)
    for (int j = 0; j < 4; j++) {
      l[j] = x[i + j] < l[j] ? x[i + j] : l[j];
      h[j] = max_nan(x[i + j], h[j]);
    }
  for (; i < hi; i++) {
    l[0] = x[i] < l[0] ? x[i] : l[0];
    h[0] = max_nan(x[i], h[0]);
  }
  for (int j = 1; j < 4; j++) {
    l[0] = l[j] < l[0] ? l[j] : l[0];
    h[0] = max_nan(h[j], h[0]);
  }
  *vmin = l[0];
  *vmax = h[0];
}

void aiq_par_minmax(const double *x, size_t n, int nt, double *lo, double *hi) {
  (void)nt; /* only read by OpenMP */
  size_t nc = aiq_par_nchunks(n);
  double part[AIQ_PAR_MAXCHUNKS][2];
#pragma omp parallel for num_threads(nt) schedule(static) if (nc > 1 && nt > 1)
  for (size_t c = 0; c < nc; c++)
    minmax_range(x, aiq_par_lo(n, nc, c), aiq_par_lo(n, nc, c + 1), &part[c][0], &part[c][1]);
  double l = part[0][0], h = part[0][1];
  for (size_t c = 1; c < nc; c++) {
    l = part[c][0] < l ? part[c][0] : l;
    h = max_nan(part[c][1], h);
  }
  *lo = l;
  *hi = h;
}

double aiq_par_sum(const double *x, size_t n, int nt) {
  (void)nt; /* only read by OpenMP */
  size_t nc = aiq_par_nchunks(n);
  double part[AIQ_PAR_MAXCHUNKS];
#pragma omp parallel for num_threads(nt) schedule(static) if (nc > 1 && nt > 1)
  for (size_t c = 0; c < nc; c++) {
    double s = 0.0;
    for (size_t i = aiq_par_lo(n, nc, c), hi = aiq_par_lo(n, nc, c + 1); i < hi; i++) s += x[i];
    part[c] = s;
  }
  double s = 0.0;
  for (size_t c = 0; c < nc; c++) s += part[c];
  return s;
}
