/*
 * test_taskdraw.c -- the task draw of the household pass (MODEL.md section
 * 3, step 3): aiq_first_reaching_block (a count up to AIQ_TASK_COUNT_MAX
 * tasks, a block binary search beyond) gives the task the linear scan of
 * the original implementation gave, for K = 1, 2, 3, 5, 800 and either side
 * of AIQ_TASK_COUNT_MAX, on the same weights, including ties, zero
 * weights, exact hits and NaN targets.
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

/* Blocks of NB households, each with its own weights for both educations
 * and its own education, at several targets: the block search equals the
 * scan for every household. */
START_TEST(test_binary_search_equals_scan) {
  const size_t Ks[] = {1, 2, 3, 5, AIQ_TASK_COUNT_MAX, AIQ_TASK_COUNT_MAX + 1, 800};
  enum { KMAX = 800, NB = 37, TARGETS = 36 };
  static double wt[NB][2][KMAX], cum[2 * KMAX * NB], target[NB];
  int32_t e[NB], k[NB];
  size_t checked = 0, last = 0, first = 0;
  for (size_t ik = 0; ik < sizeof Ks / sizeof Ks[0]; ik++) {
    size_t K = Ks[ik];
    for (uint64_t blk = 0; blk < 8; blk++) {
      for (size_t i = 0; i < NB; i++)
        for (size_t ed = 0; ed < 2; ed++) {
          weights(wt[i][ed], K, blk * 1000 + 2 * i + ed);
          /* cumulative sums in the block's option-major layout */
          double *c = cum + ed * NB + i;
          c[0] = wt[i][ed][0];
          for (size_t kk = 1; kk < K; kk++)
            c[2 * kk * NB] = c[2 * (kk - 1) * NB] + wt[i][ed][kk];
        }
      for (int j = 0; j < TARGETS; j++) {
        for (size_t i = 0; i < NB; i++) {
          double u[4];
          aiq_rng_uniform4(4, blk * NB + i, (uint64_t)j, (uint64_t)K, u);
          e[i] = u[1] < 0.5;
          const double *c = cum + (size_t)e[i] * NB + i;
          double total = c[2 * (K - 1) * NB];
          switch (j) { /* edge targets, then uniform ones */
            case 0: target[i] = 0.0; break;
            case 1: target[i] = total; break;
            case 2: target[i] = total * (1.0 + 0x1p-52); break; /* above every weight */
            case 3: target[i] = c[2 * (K / 2) * NB]; break;      /* exact hit: first k */
            case 4: target[i] = c[0]; break;
            case 5: target[i] = NAN; break;
            default: target[i] = u[0] * total;
          }
        }
        aiq_first_reaching_block(cum, NB, K, e, target, k);
        for (size_t i = 0; i < NB; i++) {
          size_t want = scan_reference(wt[i][e[i]], K, target[i]);
          ck_assert_msg((size_t)k[i] == want,
                        "K = %zu, block %llu, household %zu, target %.17g: %d, scan %zu", K,
                        (unsigned long long)blk, i, target[i], (int)k[i], want);
          checked++;
          last += want == K - 1;
          first += want == 0;
        }
      }
    }
  }
  ck_assert_uint_eq(checked, sizeof Ks / sizeof Ks[0] * 8 * TARGETS * NB);
  ck_assert_uint_gt(last, 1000); /* the cap at K - 1 and task 0 were both exercised */
  ck_assert_uint_gt(first, 1000);
}
END_TEST

/* Small hand-made cases: plateaus of zero weights and the cap (one
 * household, education 0, so the cumulative weights sit at w[2k]). */
static int32_t one(const double *cum, size_t K, double target) {
  double w[12];
  for (size_t kk = 0; kk < K; kk++) w[2 * kk] = cum[kk], w[2 * kk + 1] = -1.0;
  int32_t e = 0, k = -1;
  aiq_first_reaching_block(w, 1, K, &e, &target, &k);
  return k;
}

START_TEST(test_first_reaching_cases) {
  const double cum[] = {0.0, 0.0, 1.0, 1.0, 1.0, 3.0};
  ck_assert_int_eq(one(cum, 6, 0.0), 0);
  ck_assert_int_eq(one(cum, 6, 0.5), 2);
  ck_assert_int_eq(one(cum, 6, 1.0), 2);
  ck_assert_int_eq(one(cum, 6, 2.0), 5);
  ck_assert_int_eq(one(cum, 6, 9.0), 5); /* capped at K - 1 */
  ck_assert_int_eq(one(cum, 1, 9.0), 0);
  ck_assert_int_eq(one(cum + 2, 2, 1.0), 0);
  ck_assert_int_eq(one(cum + 1, 3, 0.5), 1);
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
