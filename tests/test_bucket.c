/*
 * test_bucket.c -- aiq_bucket_sort_nt (lib/bucket.c), the Gini's sort,
 * against qsort and bit for bit against the radix sort aiq_sort_double, on
 * random, tie-heavy and adversarial inputs, sizes around the insertion
 * threshold and the parallel threshold, and 1, 2, 3 and 7 threads.  The
 * checked sort (aiq_bucket_sort_checked_nt) and the Gini on caller scratch
 * (aiq_gini_plain_buf) against the unchecked sort and aiq_gini_plain_nt.
 * The Gini's sums (each level-1 bucket's sorted keys in eight lanes) bit
 * for bit the same in every lane build the CPU runs and for 1, 2 and 3
 * threads, and against qsort with a long double formula.
 */
#include <stdint.h>
#include <string.h>

#include "ineq_internal.h"
#include "par.h"
#include "rng.h"
#include "testutil.h"

static int cmp_double(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

enum { KINDS = 14 };

/* Data of kind 0..13:
 * 0: log-normal incomes (the solver's data)
 * 1: arbitrary bit patterns (every exponent, both signs, subnormals, Inf)
 * 2: few distinct values with -0.0, +0.0, negatives, subnormals (ties)
 * 3: zeros among log-normal values
 * 4: two tight clusters far apart
 * 5: log-normal with huge outliers (one level-1 bucket takes almost all)
 * 6: subnormals only
 * 7: all equal
 * 8: -0.0 and +0.0 only
 * 9: +Inf among positive values
 * 10: negative and positive normal-like values
 * 11: a geometric sequence 2^-k (one value per binade)
 * 12: a thousand neighbouring doubles and one far value in the same
 *     level-1 bucket (a crowded sub-bucket: the radix fallback)
 * 13: small integers (heavy ties) */
static double draw(int kind, size_t i) {
  uint64_t w[4];
  aiq_rng_words(4242, (uint64_t)kind, i, 0, w);
  double u = aiq_rng_to_open01(w[0]), u2 = aiq_rng_to_open01(w[1]);
  double ln = exp(0.9 * sqrt(-2.0 * log(u)) * cos(6.283185307179586 * u2));
  switch (kind) {
  case 0: return ln;
  case 1: {
    double v;
    memcpy(&v, &w[2], sizeof v);
    return isnan(v) ? ((w[3] & 1) ? -INFINITY : 0x1p-1074) : v;
  }
  case 2: {
    static const double vals[] = {-0.0, 0.0, 1.0, -1.0, 0x1p-1074, -0x1p-1074, 2.5, 1e300};
    return vals[aiq_rng_below(w[2], sizeof vals / sizeof vals[0])];
  }
  case 3: return (w[2] % 5 == 0) ? ((w[2] & 8) ? -0.0 : 0.0) : ln;
  case 4: return (w[2] & 1 ? 1e6 : 1e-6) * (1.0 + u * 1e-9);
  case 5: return (w[2] % 1000 == 0) ? 1e300 * u : ln;
  case 6: return (double)aiq_rng_below(w[2], 100000) * 0x1p-1074;
  case 7: return 7.75;
  case 8: return (w[2] & 1) ? -0.0 : 0.0;
  case 9: return (w[2] % 50 == 0) ? INFINITY : ln;
  case 10: return (u - 0.5) * ln;
  case 11: return ldexp(1.0, -(int)(i % 1000));
  case 12:
    if (i % 1003 < 2) return i % 1003 ? 0x1p20 : 1.0 + 0x1p-10;
    return 1.0 + (double)(i % 997) * 0x1p-52;
  default: return (double)aiq_rng_below(w[2], 40);
  }
}

static const int threads[] = {1, 2, 3, 7};

static void check_size(size_t n) {
  double *x = malloc((n + 1) * sizeof *x), *want = malloc((n + 1) * sizeof *want);
  double *ref = malloc((n + 1) * sizeof *ref), *got = malloc((n + 1) * sizeof *got);
  ck_assert(x && want && ref && got);
  for (int kind = 0; kind < KINDS; kind++) {
    for (size_t i = 0; i < n; i++) x[i] = want[i] = ref[i] = draw(kind, i);
    x[n] = 123.0;
    qsort(ref, n, sizeof *ref, cmp_double);
    AIQ_ASSERT_OK(aiq_sort_double(want, n));
    size_t i = 0; /* the radix sort agrees with qsort (values) */
    while (i < n && want[i] == ref[i]) i++;
    ck_assert_msg(i == n, "kind %d n %zu: radix differs from qsort at %zu", kind, n, i);
    for (size_t t = 0; t < sizeof threads / sizeof *threads; t++) {
      memset(got, 0x55, (n + 1) * sizeof *got);
      AIQ_ASSERT_OK(aiq_bucket_sort_nt(x, n, got, threads[t]));
      ck_assert_msg(memcmp(got, want, n * sizeof *got) == 0,
                    "kind %d n %zu nt %d: not the radix sort's bits", kind, n, threads[t]);
      uint64_t tail;
      memcpy(&tail, &got[n], sizeof tail);
      ck_assert(tail == UINT64_C(0x5555555555555555)); /* nothing past the end */
      /* checked: the same bits when every value is in [0, inf), else RANGE */
      int valid = 1;
      for (i = 0; i < n; i++) valid &= x[i] >= 0 && x[i] < INFINITY;
      memset(got, 0x55, (n + 1) * sizeof *got);
      int rc = aiq_bucket_sort_checked_nt(x, n, got, threads[t]);
      ck_assert_int_eq(rc, valid ? AIINEQ_OK : AIINEQ_ERR_RANGE);
      if (valid)
        ck_assert_msg(memcmp(got, want, n * sizeof *got) == 0,
                      "kind %d n %zu nt %d: checked sort differs", kind, n, threads[t]);
      memcpy(&tail, &got[n], sizeof tail);
      ck_assert(tail == UINT64_C(0x5555555555555555));
      /* the Gini on scratch: aiq_gini_plain_nt's status and bits */
      double g1 = -1.0, g2 = -2.0;
      int rc1 = aiq_gini_plain_nt(x, n, &g1, threads[t]);
      int rc2 = aiq_gini_plain_buf(x, n, &g2, threads[t], got);
      ck_assert_int_eq(rc1, rc2);
      ck_assert(rc1 != AIINEQ_OK || memcmp(&g1, &g2, sizeof g1) == 0);
    }
    for (i = 0; i < n; i++) { /* x untouched: redraw and compare bits */
      double v = draw(kind, i);
      if (memcmp(&v, &x[i], sizeof v) != 0) break;
    }
    ck_assert_msg(i == n && x[n] == 123.0, "kind %d n %zu: input changed at %zu", kind, n, i);
  }
  free(x);
  free(want);
  free(ref);
  free(got);
}

START_TEST(test_bucket_small_sizes) {
  static const size_t sizes[] = {0, 1, 2, 3, 31, 32, 33, 100, 1000, 5003};
  for (size_t k = 0; k < sizeof sizes / sizeof *sizes; k++) check_size(sizes[k]);
}
END_TEST

/* Around and above the parallel threshold (65536 values). */
START_TEST(test_bucket_large_sizes) {
  /* under AIQ_TEST_SMALL (valgrind) only 65536, the first size of the
   * parallel branch: the serial one is covered by the small sizes */
  if (!aiq_test_small()) check_size(65535);
  check_size(aiq_test_size(100003, 65536));
}
END_TEST

START_TEST(test_bucket_arguments) {
  double x[2] = {2.0, 1.0}, y[2] = {0, 0};
  AIQ_ASSERT_OK(aiq_bucket_sort_nt(NULL, 0, NULL, 1));
  AIQ_ASSERT_STATUS(aiq_bucket_sort_nt(NULL, 2, y, 1), AIINEQ_ERR_ARG);
  AIQ_ASSERT_STATUS(aiq_bucket_sort_nt(x, 2, NULL, 1), AIINEQ_ERR_ARG);
  AIQ_ASSERT_OK(aiq_bucket_sort_nt(x, 2, y, 1));
  ck_assert(y[0] == 1.0 && y[1] == 2.0 && x[0] == 2.0);
}
END_TEST

/* A NaN (either sign) or an Inf anywhere, also in a later chunk of the
 * key-range pass, fails the checked sort; the Gini on scratch then names
 * the first offence in index order, as aiq_gini_plain_nt does. */
START_TEST(test_bucket_checked_bad) {
  static const size_t sizes[] = {5, 33, 1000, 70001};
  for (size_t k = 0; k < sizeof sizes / sizeof *sizes; k++) {
    size_t n = sizes[k];
    double *x = malloc(n * sizeof *x), *y = malloc(n * sizeof *y);
    ck_assert(x && y);
    for (size_t i = 0; i < n; i++) x[i] = draw(0, i);
    const double bad[] = {NAN, -NAN, INFINITY, -INFINITY, -1.0};
    const size_t at[] = {0, n / 2, n - 1};
    for (size_t b = 0; b < sizeof bad / sizeof *bad; b++)
      for (size_t a = 0; a < 3; a++)
        for (int t = 0; t < 4; t++) {
          double keep = x[at[a]], g = -1.0;
          x[at[a]] = bad[b];
          ck_assert_int_eq(aiq_bucket_sort_checked_nt(x, n, y, threads[t]), AIINEQ_ERR_RANGE);
          int want = b < 4 ? AIINEQ_ERR_NONFINITE : AIINEQ_ERR_RANGE;
          ck_assert_int_eq(aiq_gini_plain_buf(x, n, &g, threads[t], y), want);
          ck_assert(g == -1.0);
          if (at[a] > 0) { /* an earlier negative value is the first offence */
            double keep0 = x[0];
            x[0] = -2.0;
            ck_assert_int_eq(aiq_gini_plain_buf(x, n, &g, threads[t], y), AIINEQ_ERR_RANGE);
            x[0] = keep0;
          }
          x[at[a]] = keep;
        }
    double g = -1.0;
    ck_assert_int_eq(aiq_gini_plain_buf(x, n, &g, 1, NULL), AIINEQ_ERR_ARG);
    ck_assert_int_eq(aiq_gini_plain_buf(x, 0, &g, 1, NULL), AIINEQ_ERR_DEGENERATE);
    free(x);
    free(y);
  }
}
END_TEST

/* sum (2i - n - 1) y_(i) / (n S) after qsort, in binary128 where the
 * compiler has it (software arithmetic: valgrind runs x87 long double at
 * double precision, which made this reference, not the library, miss the
 * tolerance there), else long double. */
#ifdef __SIZEOF_FLOAT128__
typedef __float128 aiq_ref_real;
#else
typedef long double aiq_ref_real;
#endif
static double gini_qsort(const double *x, size_t n, double *scratch) {
  memcpy(scratch, x, n * sizeof *x);
  qsort(scratch, n, sizeof *scratch, cmp_double);
  aiq_ref_real s = 0, t = 0, nn = (aiq_ref_real)n;
  for (size_t i = 0; i < n; i++) {
    s += scratch[i];
    t += (2 * (aiq_ref_real)(i + 1) - nn - 1) * scratch[i];
  }
  return (double)(t / (nn * s));
}

/* The Gini's sums come from each level-1 bucket's sorted keys in eight
 * lanes (bucket.c): the same bits in every lane build the CPU runs and
 * for 1, 2 and 3 threads, and within rounding of a long double sum after
 * qsort.  Sizes under and over 2^20 (512 and 2048 level-1 buckets), with
 * partial last vectors; valid kinds only (non-negative, finite). */
START_TEST(test_gini_lanes_bits) {
  static const int kinds[] = {0, 3, 4, 5, 6, 7, 11, 13};
  const size_t sizes[] = {7, 32, 33, 1000, 65536, 100003, 17 * 8192 + 5, 200000,
                          aiq_test_size(2100007, 65537)};
  size_t nmax = 2100007;
  double *x = malloc(nmax * sizeof *x), *y = malloc(nmax * sizeof *y);
  double *z = malloc(nmax * sizeof *z);
  ck_assert(x && y && z);
  for (size_t k = 0; k < sizeof sizes / sizeof *sizes; k++) {
    size_t n = sizes[k];
    for (size_t kk = 0; kk < sizeof kinds / sizeof *kinds; kk++) {
      if (kinds[kk] == 5 && n > 200000) continue; /* 1e300 outliers overflow the sums */
      for (size_t i = 0; i < n; i++) x[i] = draw(kinds[kk], i);
      double want, g;
      AIQ_ASSERT_OK(aiq_gini_isa(x, n, &want, 1, y, 0)); /* the baseline build */
      for (int isa = 1; isa < 3; isa++) {
        int rc = aiq_gini_isa(x, n, &g, 1, y, isa);
        if (rc == AIINEQ_ERR_ARG && isa > aiq_bucket_isa()) continue; /* not on this CPU */
        AIQ_ASSERT_OK(rc);
        ck_assert_msg(memcmp(&g, &want, sizeof g) == 0, "kind %d n %zu isa %d: %.17g, want %.17g",
                      kinds[kk], n, isa, g, want);
      }
      for (int t = 0; t < 3; t++) { /* the library's route, 1, 2, 3 threads */
        AIQ_ASSERT_OK(aiq_gini_plain_nt(x, n, &g, threads[t]));
        ck_assert_msg(memcmp(&g, &want, sizeof g) == 0, "kind %d n %zu nt %d", kinds[kk], n,
                      threads[t]);
      }
      double q = gini_qsort(x, n, z);
      ck_assert_msg(fabs(g - q) <= 1e-15 + 1e-14 * fabs(q), "kind %d n %zu: %.17g, qsort %.17g",
                    kinds[kk], n, g, q);
      if (kinds[kk] == 7) ck_assert(g == 0.0);
    }
  }
  double g3;
  ck_assert_int_eq(aiq_gini_isa(x, 10, &g3, 1, y, 3), AIINEQ_ERR_ARG);
  free(x);
  free(y);
  free(z);
}
END_TEST

Suite *aiq_suite_bucket(void) {
  Suite *s = suite_create("bucket");
  TCase *tc = tcase_create("sort");
  tcase_set_timeout(tc, 120);
  tcase_add_test(tc, test_bucket_small_sizes);
  tcase_add_test(tc, test_bucket_large_sizes);
  tcase_add_test(tc, test_bucket_arguments);
  tcase_add_test(tc, test_bucket_checked_bad);
  tcase_add_test(tc, test_gini_lanes_bits);
  suite_add_tcase(s, tc);
  return s;
}
