/*
 * fault_ineq.c -- allocation failures in the internal sort, argsort and
 * Gini (lib/sort.c, lib/gini.c): a failed call reports AIINEQ_ERR_NOMEM and
 * leaves its input and outputs untouched.  The block ranks (lib/rank.c)
 * and the bucket sort (lib/bucket.c) report AIINEQ_ERR_NOMEM too (their
 * output is then undefined), on data that reach both their fast paths and
 * their radix fallbacks (argsort of straddling buckets, radix sort of a
 * crowded bucket).
 */
#include "faultutil.h"
#include "ineq_internal.h"
#include "internal.h"

#define N 1000

static void fill(double *x, size_t n) {
  for (size_t i = 0; i < n; i++) x[i] = (double)((i * 7919) % 1013) + 0.25 * (double)(i % 3);
}

static size_t scenario_ineq(double *out, size_t cap) {
  static double x[N], ref[N];
  static size_t idx[N];
  static int32_t blk[N], blk3[N];
  static double three[N], crowd[N], sorted[N];
  size_t n = 0;
  double g = -1;
  fill(x, N);
  memcpy(ref, x, sizeof x);
  AIQ_FI_CALL(aiq_gini_plain(x, N, &g), {
    ck_assert(g == -1);
    ck_assert(memcmp(x, ref, sizeof x) == 0);
  });
  for (size_t i = 0; i < N; i++) idx[i] = 0;
  AIQ_FI_CALL(aiq_argsort_double(x, N, idx), {
    for (size_t i = 0; i < N; i++) ck_assert(idx[i] == 0);
  });
  for (size_t i = 0; i < N; i++) three[i] = (double)(i % 3); /* crowded buckets */
  AIQ_FI_CALL(aiq_rank_blocks(x, N, 7, blk, 1), ck_assert(memcmp(x, ref, sizeof x) == 0));
  AIQ_FI_CALL(aiq_rank_blocks(three, N, 7, blk3, 1), (void)0);
  for (size_t i = 0; i < N; i++) /* neighbours, one far value, one outlier */
    crowd[i] = i == 0 ? 1.0 + 0x1p-10 : i == 1 ? 0x1p20 : 1.0 + (double)i * 0x1p-52;
  AIQ_FI_CALL(aiq_bucket_sort_nt(crowd, N, sorted, 1), (void)0);
  double gb = -1; /* the Gini on caller scratch: only the sort allocates */
  AIQ_FI_CALL(aiq_gini_plain_buf(crowd, N, &gb, 1, sorted), ck_assert(gb == -1));
  AIQ_FI_CALL(aiq_sort_double(x, N), ck_assert(memcmp(x, ref, sizeof x) == 0));
  aiq_fi_put(out, cap, &n, g);
  aiq_fi_put(out, cap, &n, gb);
  for (size_t i = 0; i < N; i += 97) {
    aiq_fi_put(out, cap, &n, x[i]);
    aiq_fi_put(out, cap, &n, (double)idx[i]);
    aiq_fi_put(out, cap, &n, (double)blk[i]);
    aiq_fi_put(out, cap, &n, (double)blk3[i]);
    aiq_fi_put(out, cap, &n, sorted[i]);
  }
  return n;
}

START_TEST(test_fault_ineq) { ck_assert_int_ge(aiq_fi_sweep("sort/argsort/gini/rank/bucket", scenario_ineq), 20); }
END_TEST

Suite *aiq_suite_fault_ineq(void) {
  Suite *s = suite_create("fault_ineq");
  TCase *tc = tcase_create("nomem");
  tcase_set_timeout(tc, 60);
  tcase_add_test(tc, test_fault_ineq);
  suite_add_tcase(s, tc);
  return s;
}
