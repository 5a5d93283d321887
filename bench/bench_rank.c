/*
 * bench_rank.c -- the matching's firm blocks, floor(rank J / n) with J =
 * 2000, by the stable radix argsort (the solver's former route) and by
 * aiq_rank_blocks (lib/rank.c), at n = 2e5 (the default economy) and 1e7,
 * single-threaded, on normal-like sorting indices.  Checks that both give
 * the same blocks; prints figures, never fails on speed.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "aiineq.h"
#include "ineq_internal.h"
#include "numerics.h"
#include "rng.h"

static double now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static int run(size_t n, int reps) {
  const size_t J = 2000;
  double *s = malloc(n * sizeof *s);
  size_t *idx = malloc(n * sizeof *idx);
  int32_t *b1 = malloc(n * sizeof *b1), *b2 = malloc(n * sizeof *b2);
  if (!s || !idx || !b1 || !b2) return 1;
  for (size_t i = 0; i < n; i++) { /* rho std(log b) + sqrt(1 - rho^2) eps, roughly */
    double u[4];
    aiq_rng_uniform4(3, 0, i, 0, u);
    s[i] = 0.3 * aiq_norm_ppf(u[0]) + 0.954 * aiq_norm_ppf(u[1]);
  }
  double t_arg = 1e300, t_rank = 1e300;
  for (int r = 0; r < reps; r++) {
    double t = now();
    if (aiq_argsort_double_nt(s, n, idx, 1) != AIINEQ_OK) return 1;
    for (size_t k = 0; k < n; k++) b1[idx[k]] = (int32_t)((uint64_t)k * J / n);
    t_arg = fmin(t_arg, now() - t);
    t = now();
    if (aiq_rank_blocks(s, n, J, b2, 1) != AIINEQ_OK) return 1;
    t_rank = fmin(t_rank, now() - t);
  }
  int same = memcmp(b1, b2, n * sizeof *b1) == 0;
  printf("n = %-9zu argsort + blocks %9.3f ms   aiq_rank_blocks %9.3f ms   %.1fx  %s\n", n,
         1e3 * t_arg, 1e3 * t_rank, t_arg / t_rank, same ? "same blocks" : "BLOCKS DIFFER");
  free(s);
  free(idx);
  free(b1);
  free(b2);
  return !same;
}

int main(void) {
  printf("Firm blocks of n households, J = 2000, 1 thread (best of runs)\n");
  return run(200000, 15) || run(10000000, 3);
}
