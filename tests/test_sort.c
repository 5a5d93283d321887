/*
 * test_sort.c -- the internal radix sort, argsort and plain Gini
 * (lib/sort.c, lib/gini.c) against qsort and the pairwise Gini formula.
 */
#include <stdint.h>
#include <string.h>

#include "ineq_internal.h"
#include "rng.h"
#include "testutil.h"

static int cmp_double(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

struct pair {
  double v;
  size_t i;
};

static int cmp_pair(const void *a, const void *b) {
  const struct pair *p = a, *q = b;
  if (p->v != q->v) return (p->v > q->v) - (p->v < q->v);
  return (p->i > q->i) - (p->i < q->i);
}

/* Test data of kind 0..3:
 * 0: arbitrary bit patterns (every exponent, both signs, subnormals, Inf; no NaN)
 * 1: few distinct values (ties) with -0.0, +0.0, negatives and subnormals
 * 2: normal(0,1)-like values of both signs in a narrow exponent range
 * 3: non-negative small integers (most radix passes are skipped)
 * 4: 1 + k 2^-52, k < 2048 (one active radix pass: the lowest digit)
 * 5: -0.0 and +0.0 (argsort: all keys tie, no pass; sort: the top digit only)
 * 6: one value (no active pass) */
static double draw(int kind, size_t i) {
  uint64_t w[4];
  aiq_rng_words(12345, (uint64_t)kind, i, 0, w);
  switch (kind) {
  case 0: {
    double v;
    memcpy(&v, &w[0], sizeof v);
    if (isnan(v)) v = (w[1] & 1) ? -INFINITY : 0x1p-1074;
    return v;
  }
  case 1: {
    static const double vals[] = {-0.0, 0.0, 1.0, -1.0, 0x1p-1074, -0x1p-1074, 0x1p-1022,
                                  2.5, -2.5, 1e300, -1e300, 4.9e-320};
    return vals[aiq_rng_below(w[0], sizeof vals / sizeof vals[0])];
  }
  case 2: return (aiq_rng_to_open01(w[0]) - 0.5) * aiq_rng_to_open01(w[1]) * 8.0;
  case 4: return 1.0 + (double)aiq_rng_below(w[0], 2048) * 0x1p-52;
  case 5: return (w[0] & 1) ? -0.0 : 0.0;
  case 6: return 2.5;
  default: return (double)aiq_rng_below(w[0], 50);
  }
}

static const size_t sizes[] = {0, 1, 2, 3, 7, 64, 1000, 100003};
#define N_SIZES (sizeof sizes / sizeof sizes[0])

/* The largest size is 10007 under AIQ_TEST_SMALL (valgrind), where the qsort
 * references dominate: these sorts run on one thread, whose radix path has
 * no size cut-off below 2^32, and 10007 values still fill every 11-bit
 * digit's buckets; the parallel path (n >= 65536) is checked at 100000 by
 * tests/test_parallel.c, also under valgrind. */
static size_t size_at(size_t s) {
  return s == N_SIZES - 1 ? aiq_test_size(sizes[s], 10007) : sizes[s];
}

START_TEST(test_sort_matches_qsort) {
  for (int kind = 0; kind < 7; kind++)
    for (size_t s = 0; s < N_SIZES; s++) {
      size_t n = size_at(s);
      double *a = malloc((n + 1) * sizeof *a), *b = malloc((n + 1) * sizeof *b);
      for (size_t i = 0; i < n; i++) a[i] = b[i] = draw(kind, i);
      AIQ_ASSERT_OK(aiq_sort_double(a, n));
      qsort(b, n, sizeof *b, cmp_double);
      for (size_t i = 0; i < n; i++) {
        ck_assert_msg(a[i] == b[i], "kind %d n %zu: a[%zu] = %a, qsort %a", kind, n, i, a[i], b[i]);
        /* the multiset of bit patterns is kept: -0.0 comes before +0.0 */
        if (i > 0 && a[i] == 0 && a[i - 1] == 0) ck_assert(!(signbit(a[i]) && !signbit(a[i - 1])));
      }
      free(a);
      free(b);
    }
}
END_TEST

START_TEST(test_sort_keeps_bits) {
  /* sorting keeps every bit pattern: count the zeros of each sign */
  double x[] = {0.0, -0.0, 3.0, -0.0, -1.0, 0.0, 0x1p-1074, -0x1p-1074, INFINITY, -INFINITY};
  size_t n = sizeof x / sizeof x[0];
  AIQ_ASSERT_OK(aiq_sort_double(x, n));
  const double want[] = {-INFINITY, -1.0, -0x1p-1074, -0.0, -0.0, 0.0, 0.0, 0x1p-1074, 3.0, INFINITY};
  for (size_t i = 0; i < n; i++) {
    ck_assert(memcmp(&x[i], &want[i], sizeof x[i]) == 0);
  }
  AIQ_ASSERT_STATUS(aiq_sort_double(NULL, 5), AIINEQ_ERR_ARG);
  AIQ_ASSERT_OK(aiq_sort_double(NULL, 0));
}
END_TEST

START_TEST(test_argsort_stable) {
  for (int kind = 0; kind < 7; kind++)
    for (size_t s = 0; s < N_SIZES; s++) {
      size_t n = size_at(s);
      double *x = malloc((n + 1) * sizeof *x), *copy = malloc((n + 1) * sizeof *copy);
      size_t *idx = malloc((n + 1) * sizeof *idx);
      struct pair *p = malloc((n + 1) * sizeof *p);
      for (size_t i = 0; i < n; i++) {
        x[i] = copy[i] = draw(kind, i);
        p[i].v = x[i];
        p[i].i = i;
      }
      AIQ_ASSERT_OK(aiq_argsort_double(x, n, idx));
      qsort(p, n, sizeof *p, cmp_pair); /* reference: value, then index */
      for (size_t i = 0; i < n; i++)
        ck_assert_msg(idx[i] == p[i].i, "kind %d n %zu: idx[%zu] = %zu, want %zu", kind, n, i,
                      idx[i], p[i].i);
      ck_assert(n == 0 || memcmp(x, copy, n * sizeof *x) == 0); /* input untouched */
      free(x);
      free(copy);
      free(idx);
      free(p);
    }
}
END_TEST

START_TEST(test_argsort_ties_by_index) {
  const double x[] = {2.0, -0.0, 1.0, 0.0, 2.0, -0.0, 1.0};
  size_t idx[7];
  const size_t want[] = {1, 3, 5, 2, 6, 0, 4}; /* -0.0 and 0.0 tie */
  AIQ_ASSERT_OK(aiq_argsort_double(x, 7, idx));
  for (int i = 0; i < 7; i++) ck_assert_uint_eq(idx[i], want[i]);
  AIQ_ASSERT_STATUS(aiq_argsort_double(NULL, 3, idx), AIINEQ_ERR_ARG);
  AIQ_ASSERT_STATUS(aiq_argsort_double(x, 3, NULL), AIINEQ_ERR_ARG);
}
END_TEST

START_TEST(test_gini_plain_exact) {
  double g = -1;
  const double a[] = {1, 2, 3, 4}; /* sum (2i-5) y_i = 10, n S = 40 */
  AIQ_ASSERT_OK(aiq_gini_plain(a, 4, &g));
  ck_assert(g == 0.25);
  const double b[] = {0, 1, 0, 0}; /* one person holds everything: (n-1)/n */
  AIQ_ASSERT_OK(aiq_gini_plain(b, 4, &g));
  ck_assert(g == 0.75);
  const double c[] = {7, 7, 7};
  AIQ_ASSERT_OK(aiq_gini_plain(c, 3, &g));
  ck_assert(g == 0.0);
  const double d[] = {3, 1, 2}; /* (-2*1 + 0*2 + 2*3)/(3*6) = 4/18 */
  AIQ_ASSERT_OK(aiq_gini_plain(d, 3, &g));
  AIQ_ASSERT_NEAR(g, 2.0 / 9.0, 1e-16);
  const double e[] = {5};
  AIQ_ASSERT_OK(aiq_gini_plain(e, 1, &g));
  ck_assert(g == 0.0);
}
END_TEST

START_TEST(test_gini_plain_pairwise) {
  /* G = sum_ij |x_i - x_j| / (2 n^2 mean), computed the slow way */
  enum { N = 1500 };
  static double x[N];
  for (size_t i = 0; i < N; i++) {
    double u = draw(2, i);
    x[i] = u * u * (i % 3 ? 1.0 : 10.0) + (i % 7 == 0 ? 0.0 : 0.01);
    if (i % 11 == 0) x[i] = x[i / 2]; /* ties */
  }
  double sabs = 0, s = 0;
  for (size_t i = 0; i < N; i++) {
    s += x[i];
    for (size_t j = 0; j < N; j++) sabs += fabs(x[i] - x[j]);
  }
  double want = sabs / (2.0 * N * s), g = -1;
  AIQ_ASSERT_OK(aiq_gini_plain(x, N, &g));
  AIQ_ASSERT_NEAR(g, want, 1e-13);
}
END_TEST

START_TEST(test_gini_plain_errors) {
  double g = 42;
  const double zero[] = {0, 0, 0}, neg[] = {1, -1, 2}, nan[] = {1, NAN}, inf[] = {INFINITY, 1};
  AIQ_ASSERT_STATUS(aiq_gini_plain(zero, 3, &g), AIINEQ_ERR_DEGENERATE);
  AIQ_ASSERT_STATUS(aiq_gini_plain(zero, 0, &g), AIINEQ_ERR_DEGENERATE);
  AIQ_ASSERT_STATUS(aiq_gini_plain(neg, 3, &g), AIINEQ_ERR_RANGE);
  AIQ_ASSERT_STATUS(aiq_gini_plain(nan, 2, &g), AIINEQ_ERR_NONFINITE);
  AIQ_ASSERT_STATUS(aiq_gini_plain(inf, 2, &g), AIINEQ_ERR_NONFINITE);
  AIQ_ASSERT_STATUS(aiq_gini_plain(NULL, 3, &g), AIINEQ_ERR_ARG);
  AIQ_ASSERT_STATUS(aiq_gini_plain(zero, 3, NULL), AIINEQ_ERR_ARG);
  ck_assert(g == 42); /* untouched on error */
}
END_TEST

Suite *aiq_suite_sort(void) {
  Suite *s = suite_create("sort");
  TCase *tc = tcase_create("core");
  tcase_add_test(tc, test_sort_matches_qsort);
  tcase_add_test(tc, test_sort_keeps_bits);
  tcase_add_test(tc, test_argsort_stable);
  tcase_add_test(tc, test_argsort_ties_by_index);
  tcase_add_test(tc, test_gini_plain_exact);
  tcase_add_test(tc, test_gini_plain_pairwise);
  tcase_add_test(tc, test_gini_plain_errors);
  suite_add_tcase(s, tc);
  return s;
}
