/*
 * fault_dist.c -- allocation failures in the public inequality module
 * (aiineq_dist_*, aiineq_gini): every failed call reports AIINEQ_ERR_NOMEM,
 * leaves the distribution as it was, and leaks nothing.
 */
#include "faultutil.h"

#define N 300

static void fill(double *x, double *w, double *src, size_t n) {
  for (size_t i = 0; i < n; i++) {
    x[i] = (double)((i * 7919) % 101) * 0.5; /* ties and a few zeros */
    w[i] = (double)(i % 4);                  /* some zero weights */
    src[i] = 0.25 * x[i];
    src[n + i] = x[i] - src[i];
  }
}

static size_t scenario_dist(double *out, size_t cap) {
  static double x[N], w[N], src[2 * N];
  size_t n = 0;
  fill(x, w, src, N);
  aiineq_dist *d = NULL;
  double g = -1, g0 = -1, v = -1, lo = -1, hi = -1;
  AIQ_FI_CALL(aiineq_dist_new(&d), ck_assert_ptr_null(d));
  AIQ_FI_CALL(aiineq_dist_set(d, x, w, N, 0), {
    ck_assert_int_eq(aiineq_dist_gini(d, 0, &g), AIINEQ_ERR_STATE); /* still empty */
  });
  AIQ_FI_CALL(aiineq_dist_gini(d, 0, &g0), (void)0);
  aiq_fi_put(out, cap, &n, g0);
  /* replacing the data: on failure the old data stay */
  AIQ_FI_CALL(aiineq_dist_set(d, x, NULL, N / 2, 0), {
    AIQ_ASSERT_OK(aiineq_dist_gini(d, 0, &g));
    ck_assert(g == g0);
  });
  AIQ_FI_CALL(aiineq_dist_gini(d, 0, &g), (void)0);
  aiq_fi_put(out, cap, &n, g);
  AIQ_FI_CALL(aiineq_dist_set(d, x, w, N, 0), (void)0);
  const double p[3] = {0.1, 0.5, 0.9};
  double L[3] = {-1, -1, -1};
  AIQ_FI_CALL(aiineq_dist_lorenz(d, p, 3, L), ck_assert(L[0] == -1 && L[2] == -1));
  for (int i = 0; i < 3; i++) aiq_fi_put(out, cap, &n, L[i]);
  AIQ_FI_CALL(aiineq_dist_top_share(d, 0.1, &v), ck_assert(v == -1));
  aiq_fi_put(out, cap, &n, v);
  AIQ_FI_CALL(aiineq_dist_gini_se(d, &v), (void)0);
  aiq_fi_put(out, cap, &n, v);
  AIQ_FI_CALL(aiineq_dist_gini_bootstrap(d, 5, 9, &v), (void)0);
  aiq_fi_put(out, cap, &n, v);
  AIQ_FI_CALL(aiineq_dist_gini_ci(d, 0.9, AIINEQ_CI_BOOT_PERCENTILE, 5, 9, &lo, &hi), (void)0);
  aiq_fi_put(out, cap, &n, lo);
  aiq_fi_put(out, cap, &n, hi);
  double S[2], G[2], R[2], C[2];
  AIQ_FI_CALL(aiineq_dist_gini_sources(d, src, N, 2, S, G, R, C), (void)0);
  for (int s = 0; s < 2; s++) {
    aiq_fi_put(out, cap, &n, S[s]);
    aiq_fi_put(out, cap, &n, G[s]);
    aiq_fi_put(out, cap, &n, R[s]);
    aiq_fi_put(out, cap, &n, C[s]);
  }
  AIQ_ASSERT_OK(aiineq_dist_gini(d, 0, &g)); /* the handle survived every failure */
  ck_assert(g == g0);
  aiineq_dist_free(d);
  g = -1;
  AIQ_FI_CALL(aiineq_gini(x, w, N, &g), ck_assert(g == -1));
  aiq_fi_put(out, cap, &n, g);
  AIQ_FI_CALL(aiineq_gini(x, NULL, N, &g), (void)0);
  aiq_fi_put(out, cap, &n, g);
  return n;
}

START_TEST(test_fault_dist) { ck_assert_int_ge(aiq_fi_sweep("aiineq_dist", scenario_dist), 20); }
END_TEST

Suite *aiq_suite_fault_dist(void) {
  Suite *s = suite_create("fault_dist");
  TCase *tc = tcase_create("nomem");
  tcase_set_timeout(tc, 60);
  tcase_add_test(tc, test_fault_dist);
  suite_add_tcase(s, tc);
  return s;
}
