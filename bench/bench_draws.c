/*
 * bench_draws.c -- ns per draw of the simulation's random inputs: Philox
 * blocks (aiq_rng_uniform4 against the interleaved aiq_rng_uniform4_n) and
 * normal quantiles (aiq_norm_ppf against the SIMD aiq_norm_ppf_n, and each
 * of its builds this machine can run, aiq_norm_ppf_n_build) over
 * uniform p, as draw_households uses them.  Also checks that scalar and batch
 * results are identical bit for bit.  Prints figures; never fails on speed.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <math.h>
#include <time.h>

#include "numerics.h"
#include "rng.h"

enum { N = 1 << 18, REPS = 31, BATCH = 256 };

static double now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* Defeats dead-code elimination of the timed loops. */
static volatile double sink;

int main(void) {
  double *u = malloc(4 * (size_t)N * sizeof *u), *v = malloc(4 * (size_t)N * sizeof *v);
  double *x = malloc(4 * (size_t)N * sizeof *x), *y = malloc(4 * (size_t)N * sizeof *y);
  if (!u || !v || !x || !y) return 1;
  const uint64_t seed = 42, stream = 1;
  double best[4 + AIQ_PPF_NBUILDS] = {1e300, 1e300, 1e300, 1e300, 1e300, 1e300, 1e300}, t;
  int ran[AIQ_PPF_NBUILDS] = {0}, same_b = 1;
  for (int r = 0; r < REPS; r++) {
    t = now();
    for (size_t i = 0; i < N; i++) aiq_rng_uniform4(seed, stream, i, 0, u + 4 * i);
    best[0] = fmin(best[0], now() - t);
    /* in blocks of BATCH counters, as a blocked draw_households would call it */
    t = now();
    for (size_t i = 0; i < N; i += BATCH) aiq_rng_uniform4_n(seed, stream, i, 0, BATCH, v + 4 * i);
    best[1] = fmin(best[1], now() - t);
    t = now();
    for (size_t i = 0; i < 4 * (size_t)N; i++) x[i] = aiq_norm_ppf(u[i]);
    best[2] = fmin(best[2], now() - t);
    t = now();
    for (size_t i = 0; i < 4 * (size_t)N; i += BATCH) aiq_norm_ppf_n(u + i, y + i, BATCH);
    best[3] = fmin(best[3], now() - t);
    for (int b = 0; b < AIQ_PPF_NBUILDS; b++) {
      t = now();
      for (size_t i = 0; i < 4 * (size_t)N; i += BATCH)
        ran[b] = aiq_norm_ppf_n_build((aiq_ppf_build)b, u + i, x + i, BATCH);
      best[4 + b] = fmin(best[4 + b], now() - t);
      if (ran[b] && r == 0) same_b = same_b && memcmp(x, y, 4 * (size_t)N * sizeof *x) == 0;
    }
    sink = v[r] + y[r];
  }
  int same_u = memcmp(u, v, 4 * (size_t)N * sizeof *u) == 0;
  for (size_t i = 0; i < 4 * (size_t)N; i++) x[i] = aiq_norm_ppf(u[i]);
  int same_x = same_b && memcmp(x, y, 4 * (size_t)N * sizeof *x) == 0;
  printf("draws: best of %d, %d Philox blocks (4 uniforms each), %d quantiles, batch %d\n",
         REPS, N, 4 * N, BATCH);
  printf("%-34s %10s %10s %8s %s\n", "what", "scalar ns", "batch ns", "speedup", "identical");
  printf("%-34s %10.2f %10.2f %8.2f %s\n", "Philox4x64-10 block -> 4 uniforms", 1e9 * best[0] / N,
         1e9 * best[1] / N, best[0] / best[1], same_u ? "yes" : "NO");
  printf("%-34s %10.2f %10.2f %8.2f %s\n", "normal quantile (AS241), uniform p",
         1e9 * best[2] / (4.0 * N), 1e9 * best[3] / (4.0 * N), best[2] / best[3],
         same_x ? "yes" : "NO");
  static const char *const build[AIQ_PPF_NBUILDS] = {"  the same, baseline build (SSE2)",
                                                      "  the same, AVX2 build",
                                                      "  the same, AVX-512 build"};
  for (int b = 0; b < AIQ_PPF_NBUILDS; b++)
    if (ran[b])
      printf("%-34s %10.2f %10.2f %8.2f %s\n", build[b], 1e9 * best[2] / (4.0 * N),
             1e9 * best[4 + b] / (4.0 * N), best[2] / best[4 + b], same_x ? "yes" : "NO");
  free(u);
  free(v);
  free(x);
  free(y);
  return same_u && same_x ? 0 : 1;
}
