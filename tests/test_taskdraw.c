/*
 * test_taskdraw.c -- the task draw of the household pass (MODEL.md section
 * 3, step 3): the binary search aiq_first_reaching gives the task the
 * linear scan of the original implementation gave, for K = 1, 2, 5 and 800,
 * on the same weights, including ties, zero weights and exact hits.
 */
#include <stdint.h>
#include <string.h>

#include "rng.h"
#include "sim_internal.h"
#include "testutil.h"

/* The scan the simulation used before the binary search: cumulative
 * weights added from k = 0, the first k < K - 1 reaching the target, else
 * K - 1. */
static size_t scan_reference(const double *w, size_t K, double target) {
  double cum = 0.0;
  size_t k = 0;
  for (; k + 1 < K; k++) {
    cum += w[k];
    if (cum >= target) break;
  }
  return k;
}

/* Weights of one household: exponentials of a spread of logits, with
 * some exact zeros (underflowed weights) and repeated values. */
static void weights(double *w, size_t K, uint64_t h) {
  for (size_t k = 0; k < K; k++) {
    double u[4];
    aiq_rng_uniform4(3, h, k, 0, u);
    w[k] = u[1] < 0.15 ? 0.0 : u[1] < 0.25 ? 0.5 : exp(-30.0 * u[0]);
  }
  if (h % 7 == 0) w[K - 1] = 0.0;
}

START_TEST(test_binary_search_equals_scan) {
  const size_t Ks[] = {1, 2, 5, 800};
  enum { STRIDE = 3, KMAX = 800, HOUSEHOLDS = 300 };
  static double w[KMAX], cum[KMAX * STRIDE];
  size_t checked = 0, last = 0;
  for (size_t ik = 0; ik < sizeof Ks / sizeof Ks[0]; ik++) {
    size_t K = Ks[ik];
    for (uint64_t h = 0; h < HOUSEHOLDS; h++) {
      weights(w, K, h);
      /* cumulative sums laid out with a stride, as in the block's arrays */
      for (size_t k = 0; k < K * STRIDE; k++) cum[k] = -1.0; /* gaps never read */
      cum[0] = w[0];
      for (size_t k = 1; k < K; k++) cum[k * STRIDE] = cum[(k - 1) * STRIDE] + w[k];
      double total = cum[(K - 1) * STRIDE];
      double targets[40];
      size_t nt = 0;
      for (int j = 0; j < 30; j++) {
        double u[4];
        aiq_rng_uniform4(4, h, (uint64_t)j, (uint64_t)K, u);
        targets[nt++] = u[0] * total;
      }
      targets[nt++] = 0.0;
      targets[nt++] = total;
      targets[nt++] = total * (1.0 + 0x1p-52); /* above every cumulative weight */
      targets[nt++] = cum[(K / 2) * STRIDE];   /* exact hits: ties go to the first k */
      targets[nt++] = cum[0];
      targets[nt++] = NAN;
      for (size_t j = 0; j < nt; j++) {
        size_t want = scan_reference(w, K, targets[j]);
        size_t got = aiq_first_reaching(cum, STRIDE, K, targets[j]);
        ck_assert_msg(got == want, "K = %zu, household %llu, target %.17g: %zu, scan %zu", K,
                      (unsigned long long)h, targets[j], got, want);
        checked++;
        if (got == K - 1) last++;
      }
    }
  }
  ck_assert_uint_eq(checked, 4 * HOUSEHOLDS * 36);
  ck_assert_uint_gt(last, 0); /* the cap at K - 1 was exercised */
}
END_TEST

/* Small hand-made cases: plateaus of zero weights and the cap. */
START_TEST(test_first_reaching_cases) {
  const double cum[] = {0.0, 0.0, 1.0, 1.0, 1.0, 3.0};
  ck_assert_uint_eq(aiq_first_reaching(cum, 1, 6, 0.0), 0);
  ck_assert_uint_eq(aiq_first_reaching(cum, 1, 6, 0.5), 2);
  ck_assert_uint_eq(aiq_first_reaching(cum, 1, 6, 1.0), 2);
  ck_assert_uint_eq(aiq_first_reaching(cum, 1, 6, 2.0), 5);
  ck_assert_uint_eq(aiq_first_reaching(cum, 1, 6, 9.0), 5); /* capped at K - 1 */
  ck_assert_uint_eq(aiq_first_reaching(cum, 1, 1, 9.0), 0);
  ck_assert_uint_eq(aiq_first_reaching(cum + 2, 1, 2, 1.0), 0);
  ck_assert_uint_eq(aiq_first_reaching(cum, 2, 3, 0.5), 1); /* stride 2: 0, 1, 1 */
}
END_TEST

Suite *aiq_suite_taskdraw(void) {
  Suite *s = suite_create("taskdraw");
  TCase *tc = tcase_create("search");
  tcase_add_test(tc, test_binary_search_equals_scan);
  tcase_add_test(tc, test_first_reaching_cases);
  suite_add_tcase(s, tc);
  return s;
}
