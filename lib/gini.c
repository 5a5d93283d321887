/*
 * gini.c -- the exact population Gini used inside the library (the solver
 * computes every Gini through aiq_gini_plain).
 *
 * MODEL.md section 3: G = 2 sum_i i*y_(i) / (n sum y) - (n+1)/n over the
 * ascending order statistics.  Evaluated as sum_i (2i - n - 1) y_(i) / (n S),
 * the same number without the cancellation between two terms near 1, with
 * Neumaier-compensated sums (computed branch-free, one chunk per vector
 * lane: the same bits).  The sorted copy comes from the bucket sort of
 * bucket.c (the same array as the radix sort, faster on incomes).
 */
#include <math.h>

#include "ineq_internal.h"
#include "internal.h"
#include "par.h"

/* Compensated step: add v to the sum (s, c).  The correction is the exact
 * rounding error of s + v by Knuth's TwoSum, without a branch: the same
 * double as Neumaier's |s| >= |v| ? (s - t) + v : (v - t) + s (both are the
 * exact error, and round-to-nearest makes that error's zero +0 either way
 * while c, starting at +0, never becomes -0), so the sums have the bits
 * of the branching form they replaced. */
#define AIQ_TWOSUM(s, c, v)          \
  do {                               \
    double t_ = (s) + (v);           \
    double z_ = t_ - (s);            \
    (c) += ((s) - (t_ - z_)) + ((v) - z_); \
    (s) = t_;                        \
  } while (0)

/* Status of x's first value that is non-finite (AIINEQ_ERR_NONFINITE) or
 * negative (AIINEQ_ERR_RANGE), AIINEQ_OK if none is. */
static int first_bad(const double *x, size_t n) {
  for (size_t i = 0; i < n; i++) {
    if (!isfinite(x[i])) return AIINEQ_ERR_NONFINITE;
    if (x[i] < 0) return AIINEQ_ERR_RANGE;
  }
  return AIINEQ_OK;
}

/* The sums run over chunks fixed by n (par.h): chunk c holds the Neumaier-
 * style compensated sums (s, sc) of y and (t, tc) of (2i - n - 1) y_(i),
 * i = 1..n, over its values in index order, and the chunk sums are
 * combined in chunk order.  To vectorise without changing a bit, one SIMD
 * lane takes one chunk: AIQ_GINI_LANES chunks advance side by side, each
 * lane doing exactly the scalar steps of its chunk (chunks are q or q + 1
 * values long; the extra last value is added after the common q).  Which
 * chunks share a vector, and which thread takes them, changes nothing. */
#define AIQ_GINI_LANES 8
typedef double aiq_gini_v2 __attribute__((vector_size(2 * sizeof(double))));
typedef double aiq_gini_v4 __attribute__((vector_size(4 * sizeof(double))));
typedef double aiq_gini_v8 __attribute__((vector_size(8 * sizeof(double))));

/* The weight 2(i + 1) - n - 1 of y[i] (0-based i): an integer of
 * magnitude below 2^53 (n < 2^51, so no size_t of a real array reaches
 * past it), so stepping it by 2.0 is exact, the same double as computing it
 * afresh (which costs a conversion and two subtractions). */
static inline double weight0(size_t i, double nn) { return 2.0 * (double)(i + 1) - nn - 1.0; }

/* One chunk [lo, hi), scalar. */
static void chunk_sums(const double *y, size_t lo, size_t hi, double nn, double part[4]) {
  double s = 0, sc = 0, t = 0, tc = 0, wt = weight0(lo, nn);
  for (size_t i = lo; i < hi; i++, wt += 2.0) {
    double v = y[i], u = wt * v;
    AIQ_TWOSUM(s, sc, v);
    AIQ_TWOSUM(t, tc, u);
  }
  part[0] = s;
  part[1] = sc;
  part[2] = t;
  part[3] = tc;
}

/* Chunks c0 .. c0 + LANES - 1 of nc, one per lane, as LANES / W vectors
 * of W lanes (the instruction set's width: wider vectors than the target
 * has are lowered badly).  Compiled once per instruction set below: lane
 * arithmetic is IEEE addition, subtraction and multiplication in every
 * build and contraction is off, so every build gives the scalar bits. */
#define AIQ_GINI_LANE_SUMS(NAME, ATTR, V, W)                                                 \
  ATTR static void NAME(const double *y, size_t n, size_t nc, size_t c0, double nn,          \
                        double (*part)[4]) {                                                 \
    enum { G = AIQ_GINI_LANES / (W) };                                                       \
    size_t q = n / nc, r = n % nc, b[AIQ_GINI_LANES];                                        \
    V s[G], sc[G], t[G], tc[G], w[G];                                                        \
    for (int j = 0; j < AIQ_GINI_LANES; j++) {                                               \
      b[j] = aiq_par_lo(n, nc, c0 + (size_t)j);                                              \
      s[j / (W)][j % (W)] = sc[j / (W)][j % (W)] = 0.0;                                      \
      t[j / (W)][j % (W)] = tc[j / (W)][j % (W)] = 0.0;                                      \
      w[j / (W)][j % (W)] = weight0(b[j], nn);                                               \
    }                                                                                        \
    for (size_t k = 0; k < q; k++) {                                                         \
      _Pragma("GCC unroll 8") for (int g = 0; g < G; g++) {                                  \
        V v, u, x, z;                                                                        \
        _Pragma("GCC unroll 8") for (int j = 0; j < (W); j++) v[j] = y[b[g * (W) + j] + k];  \
        u = w[g] * v;                                                                        \
        x = s[g] + v;                                                                        \
        z = x - s[g];                                                                        \
        sc[g] += (s[g] - (x - z)) + (v - z);                                                 \
        s[g] = x;                                                                            \
        x = t[g] + u;                                                                        \
        z = x - t[g];                                                                        \
        tc[g] += (t[g] - (x - z)) + (u - z);                                                 \
        t[g] = x;                                                                            \
        w[g] += 2.0;                                                                         \
      }                                                                                      \
    }                                                                                        \
    for (int j = 0; j < AIQ_GINI_LANES; j++) {                                               \
      double sj = s[j / (W)][j % (W)], scj = sc[j / (W)][j % (W)];                           \
      double tj = t[j / (W)][j % (W)], tcj = tc[j / (W)][j % (W)];                           \
      if (c0 + (size_t)j < r) { /* the chunk's (q + 1)-th value */                           \
        double v = y[b[j] + q], u = w[j / (W)][j % (W)] * v;                                 \
        AIQ_TWOSUM(sj, scj, v);                                                              \
        AIQ_TWOSUM(tj, tcj, u);                                                              \
      }                                                                                      \
      part[c0 + (size_t)j][0] = sj;                                                          \
      part[c0 + (size_t)j][1] = scj;                                                         \
      part[c0 + (size_t)j][2] = tj;                                                          \
      part[c0 + (size_t)j][3] = tcj;                                                         \
    }                                                                                        \
  }

AIQ_GINI_LANE_SUMS(lane_sums_base, , aiq_gini_v2, 2)
#if defined(__x86_64__) && defined(__GNUC__)
AIQ_GINI_LANE_SUMS(lane_sums_avx2, __attribute__((target("avx2"))), aiq_gini_v4, 4)
AIQ_GINI_LANE_SUMS(lane_sums_avx512, __attribute__((target("avx512f"))), aiq_gini_v8, 8)
#endif

/* The widest lane build the CPU runs: 2 AVX-512, 1 AVX2, 0 baseline. */
static int best_isa(void) {
#if defined(__x86_64__) && defined(__GNUC__)
  __builtin_cpu_init();
  return __builtin_cpu_supports("avx512f") ? 2 : __builtin_cpu_supports("avx2") ? 1 : 0;
#else
  return 0;
#endif
}

/* The Gini of the ascending values y[0..n) (n > 0), the lanes in build isa. */
static int gini_of_sorted(const double *y, size_t n, double *gini, int nt, int isa) {
  (void)nt; /* only read by OpenMP */
  size_t nc = aiq_par_nchunks(n), ng = nc / AIQ_GINI_LANES, nu = ng + nc % AIQ_GINI_LANES;
  double part[AIQ_PAR_MAXCHUNKS][4];
  double nn = (double)n;
  /* Units: ng groups of LANES chunks, then the chunks left over one by one. */
#pragma omp parallel for num_threads(nt) schedule(static) if (nt > 1 && nu > 1)
  for (size_t u = 0; u < nu; u++) {
    size_t c0 = u * AIQ_GINI_LANES;
    if (u >= ng) {
      size_t c = ng * AIQ_GINI_LANES + (u - ng);
      chunk_sums(y, aiq_par_lo(n, nc, c), aiq_par_lo(n, nc, c + 1), nn, part[c]);
    }
#if defined(__x86_64__) && defined(__GNUC__)
    else if (isa == 2)
      lane_sums_avx512(y, n, nc, c0, nn, part);
    else if (isa == 1)
      lane_sums_avx2(y, n, nc, c0, nn, part);
#endif
    else
      lane_sums_base(y, n, nc, c0, nn, part);
  }
  double s = part[0][0], sc = part[0][1], t = part[0][2], tc = part[0][3];
  for (size_t c = 1; c < nc; c++) {
    AIQ_TWOSUM(s, sc, part[c][0]);
    sc += part[c][1];
    AIQ_TWOSUM(t, tc, part[c][2]);
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
  if (rc == AIINEQ_OK) rc = gini_of_sorted(y, n, gini, nt, best_isa());
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
  return rc == AIINEQ_OK ? gini_of_sorted(y, n, gini, nt, best_isa()) : rc;
}

int aiq_gini_sorted_isa(const double *y, size_t n, double *gini, int isa) {
  if (!y || !gini || isa < 0 || isa > best_isa()) return AIINEQ_ERR_ARG;
  if (n == 0) return AIINEQ_ERR_DEGENERATE;
  return gini_of_sorted(y, n, gini, 1, isa);
}

int aiq_gini_plain(const double *x, size_t n, double *gini) {
  return aiq_gini_plain_nt(x, n, gini, 1);
}
