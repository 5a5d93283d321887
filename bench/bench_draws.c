/*
 * bench_draws.c -- ns per draw of the simulation's random inputs: Philox
 * blocks (aiq_rng_uniform4 against the interleaved aiq_rng_uniform4_n) and
 * normal quantiles (aiq_norm_ppf against the SIMD aiq_norm_ppf_n, and each
 * of its builds this machine can run, aiq_norm_ppf_n_build) over
 * uniform p, as draw_households uses them; and ns per household of the six
 * household uniforms: aiq_household_uniforms (Philox4x32-10, three blocks,
 * best kernel), each kernel of aiq_rng_uniform6_n, and the 0.2.0 scheme
 * (two Philox4x64-10 blocks per household), in batches of 256 households as
 * draw_households calls it.  Also checks that scalar and batch results, and
 * all kernels, are identical bit for bit.  Prints figures; never fails on
 * speed.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <math.h>
#include <time.h>

#include "draws.h"
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

/* The household draws up to 0.2.0: two Philox4x64-10 blocks per household,
 * lanes regrouped draw-major (as lib/draws.c did). */
static void households_philox4x64(uint64_t seed, uint64_t i0, size_t n, double *u) {
  double b0[4 * BATCH], b1[4 * BATCH];
  for (size_t lo = 0; lo < n; lo += BATCH) {
    size_t m = n - lo < BATCH ? n - lo : BATCH;
    aiq_rng_uniform4_n(seed, 0, i0 + lo, 0, m, b0);
    aiq_rng_uniform4_n(seed, 0, i0 + lo, 1, m, b1);
    for (size_t i = 0; i < m; i++) {
      u[AIQ_DRAW_A * n + lo + i] = b0[4 * i];
      u[AIQ_DRAW_E * n + lo + i] = b0[4 * i + 1];
      u[AIQ_DRAW_K * n + lo + i] = b0[4 * i + 2];
      u[AIQ_DRAW_Z * n + lo + i] = b0[4 * i + 3];
      u[AIQ_DRAW_S * n + lo + i] = b1[4 * i];
      u[AIQ_DRAW_O * n + lo + i] = b1[4 * i + 1];
    }
  }
}

/* Best-of-REPS ns per household of the household draws over N households,
 * batch by batch; kind < 0: the 0.2.0 scheme, 0: aiq_household_uniforms,
 * else the aiq_rng_uniform6_n kernel of that aiq_rng_isa.  ref, if not
 * NULL, is compared with the output, batch by batch; returns -1 on a
 * difference. */
static double households(int kind, double *u, const double *ref) {
  double best = 1e300;
  for (int r = 0; r < REPS; r++) {
    double t = now();
    for (size_t i = 0; i < N; i += BATCH) {
      double *o = u + AIQ_NDRAWS * i;
      if (kind < 0) households_philox4x64(42, i, BATCH, o);
      else if (kind == 0) aiq_household_uniforms(42, i, BATCH, o);
      else aiq_rng_uniform6_n((aiq_rng_isa)kind, 42, 0, i, BATCH, o);
    }
    best = fmin(best, now() - t);
    sink = u[r];
  }
  if (ref && memcmp(u, ref, AIQ_NDRAWS * (size_t)N * sizeof *u) != 0) return -1;
  return 1e9 * best / N;
}

static int household_table(void) {
  double *u = malloc(AIQ_NDRAWS * (size_t)N * sizeof *u);
  double *ref = malloc(AIQ_NDRAWS * (size_t)N * sizeof *ref);
  if (!u || !ref) return 0;
  static const struct {
    int kind;
    const char *what;
  } rows[] = {{-1, "0.2.0: 2 Philox4x64-10 blocks"},
              {AIQ_RNG_SCALAR, "Philox4x32-10 x3, scalar (R123)"},
              {AIQ_RNG_AVX2, "Philox4x32-10 x3, AVX2"},
              {AIQ_RNG_AVX512, "Philox4x32-10 x3, AVX-512"},
              {0, "aiq_household_uniforms"}};
  households(AIQ_RNG_SCALAR, ref, NULL);
  int ok = 1;
  printf("household draws: best of %d, %d households (6 uniforms each), batch %d\n", REPS, N,
         BATCH);
  printf("%-34s %14s %s\n", "what", "ns/household", "same bits as scalar");
  for (size_t k = 0; k < sizeof rows / sizeof rows[0]; k++) {
    int kind = rows[k].kind;
    if (kind > 0 && !aiq_rng_isa_supported((aiq_rng_isa)kind)) {
      printf("%-34s %14s\n", rows[k].what, "(no CPU)");
      continue;
    }
    double ns = households(kind, u, kind < 0 ? NULL : ref);
    if (ns < 0) ns = households(kind, u, NULL);
    int same = kind < 0 || memcmp(u, ref, AIQ_NDRAWS * (size_t)N * sizeof *u) == 0;
    ok = ok && same;
    printf("%-34s %14.2f %s\n", rows[k].what, ns, kind < 0 ? "(other scheme)" : same ? "yes" : "NO");
  }
  free(u);
  free(ref);
  return ok;
}

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
  int same_h = household_table();
  return same_u && same_x && same_h ? 0 : 1;
}
