/*
 * par.c -- the thread-count setting of a model and deterministic parallel
 * helpers (par.h).
 */
#include <stdlib.h>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

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

/* Bounds of x[lo..hi) (hi > lo) by four independent accumulators per
 * bound (value i goes to accumulator (i - lo) mod 4, the tail to the
 * first, then the four combine in order: a fixed sequence of comparisons,
 * so even the sign of a zero bound is always the same).  The plain loop,
 * for data with NaN or infinities. */
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

/* minmax_range for finite data, in SSE2 registers (x86-64 has them
 * always): accumulators 0, 1 are the lanes of one vector, 2, 3 of
 * another, and minpd/maxpd with the new value as first operand are
 * exactly "x < l ? x : l" and "x > h ? x : h" per lane, so the
 * comparisons are minmax_range's in the same order (without NaN max_nan
 * is a plain maximum).  The sum of x - x (0 for a finite value, NaN
 * otherwise) tells whether the data were finite; returns 0 when they were
 * not (the bounds are then for minmax_range to compute).  The array of
 * accumulators of minmax_range lives on the stack: a store and a load per
 * step, 3-4 times slower. */
static int minmax_finite(const double *x, size_t lo, size_t hi, double *vmin, double *vmax) {
#if defined(__SSE2__)
  __m128d first = _mm_set1_pd(x[lo]), la = first, lb = first, ha = first, hb = first;
  __m128d za = _mm_setzero_pd(), zb = _mm_setzero_pd();
  size_t i = lo;
  for (; i + 4 <= hi; i += 4) {
    __m128d a = _mm_loadu_pd(x + i), b = _mm_loadu_pd(x + i + 2);
    la = _mm_min_pd(a, la);
    lb = _mm_min_pd(b, lb);
    ha = _mm_max_pd(a, ha);
    hb = _mm_max_pd(b, hb);
    za = _mm_add_pd(za, _mm_sub_pd(a, a));
    zb = _mm_add_pd(zb, _mm_sub_pd(b, b));
  }
  double l[4], h[4], z[4];
  _mm_storeu_pd(l, la);
  _mm_storeu_pd(l + 2, lb);
  _mm_storeu_pd(h, ha);
  _mm_storeu_pd(h + 2, hb);
  _mm_storeu_pd(z, za);
  _mm_storeu_pd(z + 2, zb);
  for (; i < hi; i++) {
    l[0] = x[i] < l[0] ? x[i] : l[0];
    h[0] = x[i] > h[0] ? x[i] : h[0];
    z[0] += x[i] - x[i];
  }
  if (!(z[0] + z[1] + z[2] + z[3] == 0.0)) return 0;
  for (int j = 1; j < 4; j++) {
    l[0] = l[j] < l[0] ? l[j] : l[0];
    h[0] = h[j] > h[0] ? h[j] : h[0];
  }
  *vmin = l[0];
  *vmax = h[0];
  return 1;
#else
  (void)x;
  (void)lo;
  (void)hi;
  (void)vmin;
  (void)vmax;
  return 0;
#endif
}

void aiq_par_minmax(const double *x, size_t n, int nt, double *lo, double *hi) {
  (void)nt; /* only read by OpenMP */
  size_t nc = aiq_par_nchunks(n);
  double part[AIQ_PAR_MAXCHUNKS][2];
#pragma omp parallel for num_threads(nt) schedule(static) if (nc > 1 && nt > 1)
  for (size_t c = 0; c < nc; c++) {
    size_t b = aiq_par_lo(n, nc, c), e = aiq_par_lo(n, nc, c + 1);
    if (!minmax_finite(x, b, e, &part[c][0], &part[c][1]))
      minmax_range(x, b, e, &part[c][0], &part[c][1]);
  }
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
