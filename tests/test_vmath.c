/*
 * test_vmath.c -- the SLEEF exp/log kernels of lib/vmath.c: every
 * implementation this CPU runs against the C library (within 2 ulp, special
 * values exact), tails of every length, in-place use, and the FMA kernels'
 * claim of identical bits for every vector width.
 */
#include <float.h>
#include <stdint.h>
#include <string.h>

#include "rng.h"
#include "testutil.h"
#include "vmath.h"

static const aiq_vmath_isa all_isas[] = {AIQ_VMATH_AUTO, AIQ_VMATH_AVX512, AIQ_VMATH_AVX2,
                                         AIQ_VMATH_SCALAR_FMA, AIQ_VMATH_SSE2,
                                         AIQ_VMATH_PORTABLE};
#define N_ISAS (sizeof all_isas / sizeof all_isas[0])

/* Position of a double on the line of all doubles (so that the difference of
 * two positions counts the doubles between them, across zero and through
 * the subnormals). */
static int64_t ordinal(double x) {
  int64_t i;
  memcpy(&i, &x, sizeof i);
  return i < 0 ? INT64_MIN - i : i;
}

/* Distance in ulp between a and b; 0 when both are NaN or the same
 * infinity, huge when only one is NaN. */
static double ulp_dist(double a, double b) {
  if (isnan(a) || isnan(b)) return isnan(a) && isnan(b) ? 0.0 : 1e300;
  if (isinf(a) || isinf(b)) return a == b ? 0.0 : 1e300;
  return fabs((double)(ordinal(a) - ordinal(b)));
}

/* Test points: a uniform grid and Philox-uniform points over [lo, hi]
 * (log-uniform magnitudes when logscale), then the given special values. */
static size_t points(double *x, size_t n, double lo, double hi, int logscale,
                     const double *special, size_t ns) {
  size_t m = n - ns;
  for (size_t i = 0; i < m; i++) {
    double u[4];
    aiq_rng_uniform4(5, 9, i, 0, u);
    double t = i % 2 ? u[0] : (double)i / (double)(m - 1);
    x[i] = logscale ? exp2(lo + (hi - lo) * t) : lo + (hi - lo) * t;
  }
  if (ns) memcpy(x + m, special, ns * sizeof *x);
  return n;
}

static void check_fn(int is_exp, const double *x, size_t n) {
  double *y = malloc(n * sizeof *y);
  ck_assert_ptr_nonnull(y);
  int tested = 0;
  for (size_t k = 0; k < N_ISAS; k++) {
    if (!aiq_vmath_supported(all_isas[k])) continue;
    tested++;
    if (is_exp)
      aiq_vexp_isa(all_isas[k], x, y, n);
    else
      aiq_vlog_isa(all_isas[k], x, y, n);
    double worst = 0.0;
    size_t at = 0;
    for (size_t i = 0; i < n; i++) {
      double d = ulp_dist(y[i], is_exp ? exp(x[i]) : log(x[i]));
      if (d > worst) worst = d, at = i;
    }
    ck_assert_msg(worst <= 2.0, "%s isa %d: %g ulp at x = %.17g (got %.17g, libm %.17g)",
                  is_exp ? "exp" : "log", (int)all_isas[k], worst, x[at], y[at],
                  is_exp ? exp(x[at]) : log(x[at]));
  }
  ck_assert_int_ge(tested, 3); /* AUTO, PORTABLE and the best one run everywhere */
  free(y);
}

START_TEST(test_vexp_accuracy) {
  const double special[] = {0.0,      -0.0,      1e-300, -1e-300,  5e-324,   -745.2,
                            -745.1,   -740.0,    -708.5, 709.78,   709.8,    710.0,
                            -1e308,   1e308,     1.0,    -1.0,     0.5,      INFINITY,
                            -INFINITY, NAN,      -NAN,   0x1p-30,  -0x1p-60, 88.7};
  size_t ns = sizeof special / sizeof special[0];
  size_t n = aiq_test_size(200003, 20003);
  double *x = malloc(n * sizeof *x);
  ck_assert_ptr_nonnull(x);
  points(x, n, -746.0, 710.0, 0, special, ns);
  check_fn(1, x, n);
  points(x, n, -40.0, 40.0, 0, special, ns); /* where the simulation's values are */
  check_fn(1, x, n);
  free(x);
  /* exact values C99 prescribes */
  double sx[] = {0.0, -0.0, INFINITY, -INFINITY, 711.0, -746.0, NAN}, sy[7];
  aiq_vexp(sx, sy, 7);
  ck_assert(sy[0] == 1.0 && sy[1] == 1.0 && sy[2] == INFINITY && sy[3] == 0.0);
  ck_assert(sy[4] == INFINITY && sy[5] == 0.0 && isnan(sy[6]));
}
END_TEST

START_TEST(test_vlog_accuracy) {
  const double special[] = {0.0, -0.0,     1.0,       -1.0,       5e-324,  0x1p-1022,
                            2.0, DBL_MAX,  INFINITY,  -INFINITY,  NAN,     1.0 + 0x1p-52,
                            1.0 - 0x1p-53, 0.9999999, 1.0000001,  1e-300,  1e300};
  size_t ns = sizeof special / sizeof special[0];
  size_t n = aiq_test_size(200003, 20003);
  double *x = malloc(n * sizeof *x);
  ck_assert_ptr_nonnull(x);
  points(x, n, -1074.0, 1023.9, 1, special, ns); /* subnormals to DBL_MAX */
  check_fn(0, x, n);
  points(x, n, -1.0, 1.0, 1, special, ns); /* near 1, where log is small */
  check_fn(0, x, n);
  free(x);
  double sx[] = {0.0, -0.0, 1.0, INFINITY, -1.0, NAN}, sy[6];
  aiq_vlog(sx, sy, 6);
  ck_assert(sy[0] == -INFINITY && sy[1] == -INFINITY && sy[2] == 0.0 && sy[3] == INFINITY);
  ck_assert(isnan(sy[4]) && isnan(sy[5]));
}
END_TEST

/* Every length 0..40 (tails of every size for widths 2, 4, 8), at every
 * offset of a long array: each value equals what a call on the whole
 * array gives, the values after n are not touched, and y == x works. */
START_TEST(test_tails_and_in_place) {
  enum { M = 64 };
  double x[M], whole_e[M], whole_l[M];
  for (size_t i = 0; i < M; i++) x[i] = 0.37 * (double)i - 11.0 + 1e-3 * (double)(i * i);
  double xl[M];
  for (size_t i = 0; i < M; i++) xl[i] = fabs(x[i]) + 1e-9;
  aiq_vexp(x, whole_e, M);
  aiq_vlog(xl, whole_l, M);
  for (size_t n = 0; n <= 40; n++)
    for (size_t off = 0; off + n + 1 <= M; off += 7) {
      double y[M + 1];
      for (size_t i = 0; i <= M; i++) y[i] = -7.0;
      aiq_vexp(x + off, y, n);
      for (size_t i = 0; i < n; i++) ck_assert(y[i] == whole_e[off + i]);
      ck_assert(y[n] == -7.0);
      aiq_vlog(xl + off, y, n);
      for (size_t i = 0; i < n; i++) ck_assert(y[i] == whole_l[off + i]);
      ck_assert(y[n] == -7.0);
      memcpy(y, x + off, n * sizeof *y);
      aiq_vexp(y, y, n);
      for (size_t i = 0; i < n; i++) ck_assert(y[i] == whole_e[off + i]);
    }
}
END_TEST

/* The FMA kernels of every width give the same bits (vmath.h's claim that
 * AVX-512 machines and valgrind's AVX2 agree).  Needs an FMA CPU; the
 * comparison is skipped for widths the CPU lacks, the accuracy tests above
 * run regardless. */
START_TEST(test_fma_kernels_agree) {
  if (!aiq_vmath_supported(AIQ_VMATH_SCALAR_FMA)) return;
  size_t n = aiq_test_size(100003, 10003);
  double *x = malloc(n * sizeof *x), *xl = malloc(n * sizeof *xl);
  double *ref = malloc(n * sizeof *ref), *y = malloc(n * sizeof *y);
  ck_assert(x && xl && ref && y);
  points(x, n, -746.0, 710.0, 0, NULL, 0);
  points(xl, n, -1074.0, 1023.9, 1, NULL, 0);
  const aiq_vmath_isa fma[] = {AIQ_VMATH_AVX512, AIQ_VMATH_AVX2};
  for (int f = 0; f < 2; f++) {
    const double *in = f ? xl : x;
    void (*fn)(aiq_vmath_isa, const double *, double *, size_t) = f ? aiq_vlog_isa : aiq_vexp_isa;
    fn(AIQ_VMATH_SCALAR_FMA, in, ref, n);
    for (int k = 0; k < 2; k++) {
      if (!aiq_vmath_supported(fma[k])) continue;
      fn(fma[k], in, y, n);
      ck_assert_msg(memcmp(y, ref, n * sizeof *y) == 0, "%s: isa %d differs from scalar FMA",
                    f ? "log" : "exp", (int)fma[k]);
    }
  }
  free(x);
  free(xl);
  free(ref);
  free(y);
}
END_TEST

Suite *aiq_suite_vmath(void) {
  Suite *s = suite_create("vmath");
  TCase *tc = tcase_create("sleef");
  tcase_set_timeout(tc, 60);
  tcase_add_test(tc, test_vexp_accuracy);
  tcase_add_test(tc, test_vlog_accuracy);
  tcase_add_test(tc, test_tails_and_in_place);
  tcase_add_test(tc, test_fma_kernels_agree);
  suite_add_tcase(s, tc);
  return s;
}
