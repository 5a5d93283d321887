/*
 * test_rank.c -- aiq_rank_blocks (lib/rank.c), the matching's firm blocks,
 * against blocks from a qsort of (value, index) pairs and from the stable
 * radix argsort, on random, tie-heavy and adversarial inputs, sizes below
 * and above the parallel threshold, and 1, 2, 3 and 7 threads.
 */
#include <stdint.h>
#include <string.h>

#include "ineq_internal.h"
#include "rng.h"
#include "testutil.h"

struct pair {
  double v;
  size_t i;
};

/* (value, index) order; -0.0 == +0.0 under == and <, so they tie. */
static int cmp_pair(const void *a, const void *b) {
  const struct pair *p = a, *q = b;
  if (p->v != q->v) return (p->v > q->v) - (p->v < q->v);
  return (p->i > q->i) - (p->i < q->i);
}

/* Reference ranks: rank[i] from a qsort of the (value, index) pairs. */
static void ref_ranks(const double *s, size_t n, size_t *rank) {
  struct pair *p = malloc((n + 1) * sizeof *p);
  ck_assert_ptr_nonnull(p);
  for (size_t i = 0; i < n; i++) p[i] = (struct pair){s[i], i};
  qsort(p, n, sizeof *p, cmp_pair);
  for (size_t r = 0; r < n; r++) rank[p[r].i] = r;
  free(p);
}

enum { KINDS = 11 };

/* Data of kind 0..10:
 * 0: normal-like sorting indices (the matching's data)
 * 1: few distinct values with -0.0/+0.0 (ties straddle boundaries)
 * 2: two tight clusters far apart (one bucket each)
 * 3: normal data with a few huge outliers
 * 4: values of every magnitude and both signs (bit patterns, no NaN/Inf)
 * 5: +-1e308 extremes (max - min overflows: halved linear map)
 * 6: subnormals only (the scale would overflow: key map)
 * 7: all equal
 * 8: -0.0 and +0.0 only (all tie)
 * 9: ascending with runs of equal values
 * 10: +-Inf with finite values */
static double draw(int kind, size_t i) {
  uint64_t w[4];
  aiq_rng_words(777, (uint64_t)kind, i, 0, w);
  double u = aiq_rng_to_open01(w[0]), u2 = aiq_rng_to_open01(w[1]);
  switch (kind) {
  case 0: return (u + u2 + aiq_rng_to_open01(w[2]) - 1.5) * 2.0;
  case 1: {
    static const double vals[] = {-0.0, 0.0, 1.0, -1.0, 0x1p-1074, 2.5, -2.5, 1e300};
    return vals[aiq_rng_below(w[0], sizeof vals / sizeof vals[0])];
  }
  case 2: return (w[1] & 1 ? 1e6 : -1e6) + u * 1e-6;
  case 3: return (w[1] % 1000 == 0) ? 1e200 * u : u - 0.5;
  case 4: {
    double v;
    memcpy(&v, &w[2], sizeof v);
    return isfinite(v) ? v : u;
  }
  case 5: return (w[1] % 3 == 0) ? -1.7e308 * u : (w[1] % 3 == 1) ? 1.7e308 * u : u;
  case 6: return (double)aiq_rng_below(w[1], 5000) * 0x1p-1074;
  case 7: return 3.25;
  case 8: return (w[1] & 1) ? -0.0 : 0.0;
  case 9: return (double)(i / 17);
  default: return (w[1] % 97 == 0) ? ((w[1] & 2) ? INFINITY : -INFINITY) : u;
  }
}

static const int threads[] = {1, 2, 3, 7};

/* Compare aiq_rank_blocks, and aiq_rank_blocks_range given the range,
 * with the reference for kinds x J x threads. */
static void check_size(size_t n) {
  double *s = malloc((n + 1) * sizeof *s);
  int32_t *want = malloc((n + 1) * sizeof *want), *got = malloc((n + 1) * sizeof *got);
  size_t *rank = malloc((n + 1) * sizeof *rank);
  ck_assert(s && want && got && rank);
  size_t Js[] = {1, 3, 7, 2000, n > 1 ? n - 1 : 1, n};
  for (int kind = 0; kind < KINDS; kind++) {
    for (size_t i = 0; i < n; i++) s[i] = draw(kind, i);
    ref_ranks(s, n, rank);
    for (size_t a = 0; a < sizeof Js / sizeof *Js; a++) {
      size_t J = Js[a];
      if (J > n) continue;
      for (size_t i = 0; i < n; i++) want[i] = (int32_t)((uint64_t)rank[i] * J / n);
      for (size_t t = 0; t < sizeof threads / sizeof *threads; t++) {
        memset(got, 0xff, (n + 1) * sizeof *got);
        AIQ_ASSERT_OK(aiq_rank_blocks(s, n, J, got, threads[t]));
        size_t i = 0; /* first difference (one assertion: Check logs each one) */
        while (i < n && got[i] == want[i]) i++;
        ck_assert_msg(i == n, "kind %d n %zu J %zu nt %d: block[%zu] = %d, want %d", kind, n, J,
                      threads[t], i, i < n ? got[i] : 0, i < n ? want[i] : 0);
        ck_assert_int_eq(got[n], -1); /* nothing written past the end */
        /* with the range given (a zero extreme as either zero) */
        double lo = s[0], hi = s[0];
        for (i = 1; i < n; i++) {
          lo = s[i] < lo ? s[i] : lo;
          hi = s[i] > hi ? s[i] : hi;
        }
        if (lo == 0) lo = (t & 1) ? -0.0 : 0.0;
        if (hi == 0) hi = (t & 1) ? 0.0 : -0.0;
        memset(got, 0xff, (n + 1) * sizeof *got);
        AIQ_ASSERT_OK(aiq_rank_blocks_range(s, n, J, got, threads[t], lo, hi));
        for (i = 0; i < n && got[i] == want[i];) i++;
        ck_assert_msg(i == n, "kind %d n %zu J %zu nt %d: ranged block[%zu] differs", kind, n,
                      J, threads[t], i);
        ck_assert_int_eq(got[n], -1);
      }
    }
  }
  free(s);
  free(want);
  free(got);
  free(rank);
}

START_TEST(test_rank_blocks_small_sizes) {
  static const size_t sizes[] = {1, 2, 3, 5, 64, 1000, 4099};
  for (size_t k = 0; k < sizeof sizes / sizeof *sizes; k++) check_size(sizes[k]);
}
END_TEST

/* Around and above the parallel threshold (65536), J not dividing n. */
START_TEST(test_rank_blocks_large_sizes) {
  /* under AIQ_TEST_SMALL (valgrind) only 65536, the first size of the
   * parallel branch: the serial one is covered by the small sizes */
  if (!aiq_test_small()) check_size(65535);
  check_size(aiq_test_size(100003, 65536));
}
END_TEST

/* The matching's own case: the argsort route of the solver (stable radix
 * argsort, then rank -> block) gives the same blocks. */
START_TEST(test_rank_blocks_equal_argsort_route) {
  size_t n = aiq_test_size(200000, 70001), J = 2000;
  double *s = malloc(n * sizeof *s);
  size_t *idx = malloc(n * sizeof *idx);
  int32_t *want = malloc(n * sizeof *want), *got = malloc(n * sizeof *got);
  ck_assert(s && idx && want && got);
  for (size_t i = 0; i < n; i++) {
    double u[4];
    aiq_rng_uniform4(99, 3, i, 0, u);
    s[i] = 0.3 * (u[0] - 0.5) + 0.95 * (u[1] + u[2] + u[3] - 1.5);
    if (i % 1001 == 0) s[i] = s[i / 2]; /* some exact ties */
  }
  AIQ_ASSERT_OK(aiq_argsort_double(s, n, idx));
  for (size_t r = 0; r < n; r++) want[idx[r]] = (int32_t)((uint64_t)r * J / n);
  for (size_t t = 0; t < sizeof threads / sizeof *threads; t++) {
    AIQ_ASSERT_OK(aiq_rank_blocks(s, n, J, got, threads[t]));
    ck_assert_msg(memcmp(got, want, n * sizeof *got) == 0, "blocks differ with %d threads",
                  threads[t]);
  }
  /* every block holds n/J or n/J + 1 households */
  size_t *cnt = calloc(J, sizeof *cnt);
  ck_assert_ptr_nonnull(cnt);
  for (size_t i = 0; i < n; i++) cnt[got[i]]++;
  size_t j = 0;
  while (j < J && (cnt[j] == n / J || cnt[j] == n / J + 1)) j++;
  ck_assert_msg(j == J, "block %zu holds %zu households", j, j < J ? cnt[j] : 0);
  free(cnt);
  free(s);
  free(idx);
  free(want);
  free(got);
}
END_TEST

START_TEST(test_rank_blocks_arguments) {
  double s[3] = {2.0, 1.0, 3.0};
  int32_t b[3] = {-7, -7, -7};
  AIQ_ASSERT_OK(aiq_rank_blocks(NULL, 0, 1, NULL, 1)); /* nothing to do */
  AIQ_ASSERT_STATUS(aiq_rank_blocks(NULL, 3, 1, b, 1), AIINEQ_ERR_ARG);
  AIQ_ASSERT_STATUS(aiq_rank_blocks(s, 3, 1, NULL, 1), AIINEQ_ERR_ARG);
  AIQ_ASSERT_STATUS(aiq_rank_blocks(s, 3, 0, b, 1), AIINEQ_ERR_ARG);
  AIQ_ASSERT_STATUS(aiq_rank_blocks(s, 3, 4, b, 1), AIINEQ_ERR_ARG);
  ck_assert(b[0] == -7 && b[1] == -7 && b[2] == -7);
  AIQ_ASSERT_OK(aiq_rank_blocks(s, 3, 3, b, 1));
  ck_assert(b[0] == 1 && b[1] == 0 && b[2] == 2);
  AIQ_ASSERT_OK(aiq_rank_blocks(s, 3, 2, b, 1)); /* ranks 1, 0, 2 -> 2/3, 0, 4/3 */
  ck_assert(b[0] == 0 && b[1] == 0 && b[2] == 1);
}
END_TEST

Suite *aiq_suite_rank(void) {
  Suite *s = suite_create("rank");
  TCase *tc = tcase_create("blocks");
  tcase_set_timeout(tc, 120);
  tcase_add_test(tc, test_rank_blocks_small_sizes);
  tcase_add_test(tc, test_rank_blocks_large_sizes);
  tcase_add_test(tc, test_rank_blocks_equal_argsort_route);
  tcase_add_test(tc, test_rank_blocks_arguments);
  suite_add_tcase(s, tc);
  return s;
}
