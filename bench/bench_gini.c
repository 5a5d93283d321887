/*
 * bench_gini.c -- time of one exact Gini of 10^7 log-normal incomes: the
 * library's (aiq_gini_plain: bucket sort; aiineq_gini, aiineq_dist_set)
 * versus the same formula after the C library's qsort; then the sort alone
 * at 2e5 (the default economy) and 10^7 values: the radix sort
 * (aiq_sort_double), the bucket sort (aiq_bucket_sort_nt, the Gini's) and
 * qsort; last the whole Gini at 2e5 (aiq_gini_plain_buf on caller scratch,
 * as a default solve computes its four).  Prints figures; never fails on
 * speed.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <math.h>

#include "aiineq.h"
#include "ineq_internal.h"
#include "rng.h"

enum { N = 10000000 };

static double now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static int cmp_double(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

/* sum (2i - n - 1) y_(i) / (n S) over sorted y. */
static double gini_sorted(const double *y, size_t n) {
  double s = 0, t = 0;
  for (size_t i = 0; i < n; i++) {
    s += y[i];
    t += (2.0 * (double)(i + 1) - (double)n - 1.0) * y[i];
  }
  return t / ((double)n * s);
}

/* Best-of-reps times of the three sorts of the first n values of x (y, z:
 * scratch); returns 1 if the bucket sort's bits differ from the radix's. */
static int sorts(const double *x, size_t n, double *y, double *z, int reps) {
  double t, t_radix = 1e300, t_bucket = 1e300, t_qsort = 1e300;
  for (int r = 0; r < reps; r++) {
    t = now();
    memcpy(y, x, n * sizeof *x);
    if (aiq_sort_double(y, n) != AIINEQ_OK) return 1;
    t_radix = fmin(t_radix, now() - t);
    t = now();
    if (aiq_bucket_sort_nt(x, n, z, 1) != AIINEQ_OK) return 1;
    t_bucket = fmin(t_bucket, now() - t);
    if (memcmp(y, z, n * sizeof *y) != 0) return 1;
    t = now();
    memcpy(z, x, n * sizeof *x);
    qsort(z, n, sizeof *z, cmp_double);
    t_qsort = fmin(t_qsort, now() - t);
  }
  printf("  n = %-9zu radix (copy + sort) %9.3f ms   bucket %9.3f ms   qsort %9.3f ms\n", n,
         1e3 * t_radix, 1e3 * t_bucket, 1e3 * t_qsort);
  return 0;
}

int main(void) {
  double *x = malloc(N * sizeof *x), *y = malloc(N * sizeof *y), *z = malloc(N * sizeof *z);
  if (!x || !y || !z) return 1;
  for (size_t i = 0; i < N; i += 2) {
    double u[4];
    aiq_rng_uniform4(1, 0, i, 0, u);
    double r = sqrt(-2.0 * log(u[0]));
    x[i] = exp(0.8 * r * cos(6.283185307179586 * u[1]));
    if (i + 1 < N) x[i + 1] = exp(0.8 * r * sin(6.283185307179586 * u[1]));
  }
  /* Each variant runs REPS times (the first run also pays for page faults
   * of fresh buffers); the minimum is reported. */
  enum { REPS = 3 };
  double g1 = 0, g2 = 0, g3 = 0, g4 = 0, t;
  double t_lib = 1e300, t_qsort = 1e300, t_public = 1e300, t_dist = 1e300;
  for (int r = 0; r < REPS; r++) {
    t = now();
    if (aiq_gini_plain(x, N, &g1) != AIINEQ_OK) return 1;
    t_lib = fmin(t_lib, now() - t);

    t = now();
    memcpy(y, x, N * sizeof *x);
    qsort(y, N, sizeof *y, cmp_double);
    g2 = gini_sorted(y, N);
    t_qsort = fmin(t_qsort, now() - t);

    t = now();
    if (aiineq_gini(x, NULL, N, &g3) != AIINEQ_OK) return 1;
    t_public = fmin(t_public, now() - t);

    aiineq_dist *d = NULL;
    t = now();
    if (aiineq_dist_new(&d) != AIINEQ_OK || aiineq_dist_set(d, x, NULL, N, 0) != AIINEQ_OK ||
        aiineq_dist_gini(d, 0, &g4) != AIINEQ_OK)
      return 1;
    t_dist = fmin(t_dist, now() - t);
    aiineq_dist_free(d);
  }

  printf("Gini of %d log-normal(0.8) values (closed form %.6f), best of %d runs\n", N,
         erf(0.4), REPS);
  printf("  bucket sort (aiq_gini_plain)         %7.3f s   G = %.12f\n", t_lib, g1);
  printf("  qsort + same formula                 %7.3f s   G = %.12f\n", t_qsort, g2);
  printf("  aiineq_gini (public, unweighted)     %7.3f s   G = %.12f\n", t_public, g3);
  printf("  aiineq_dist_set + aiineq_dist_gini   %7.3f s   G = %.12f\n", t_dist, g4);
  printf("  speed-up of the library's Gini over qsort: %.1fx\n", t_qsort / t_lib);
  printf("Sorting log-normal(0.8) values, 1 thread, best of runs (same bits: bucket, radix)\n");
  if (sorts(x, 200000, y, z, 21) || sorts(x, N, y, z, REPS)) return 1;
  double t_buf = 1e300, gb = 0;
  for (int r = 0; r < 51; r++) {
    t = now();
    if (aiq_gini_plain_buf(x, 200000, &gb, 1, y) != AIINEQ_OK) return 1;
    t_buf = fmin(t_buf, now() - t);
  }
  printf("Gini of the first 2e5 values (aiq_gini_plain_buf, 1 thread, best of 51): %.3f ms"
         "   G = %.12f\n", 1e3 * t_buf, gb);
  free(x);
  free(y);
  free(z);
  return 0;
}
