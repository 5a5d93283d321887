/*
 * fault_ols.c -- allocation failures in the OLS engine (lib/ols.c,
 * lib/ols_fit.c): design, weights, clusters and a fit under every
 * covariance type.  A failed call leaves the previous estimates (or their
 * absence) in place.
 */
#include "faultutil.h"

#define N 60
#define K 3

/* What aiineq_ols_get_coef returns now: its status and the numbers. */
typedef struct coef_state {
  int rc;
  double v[4 * K];
} coef_state;

static coef_state coef_now(const aiineq_ols *o) {
  coef_state s;
  memset(&s, 0, sizeof s);
  s.rc = aiineq_ols_get_coef(o, s.v, s.v + K, s.v + 2 * K, s.v + 3 * K, K);
  return s;
}

static int coef_same(const aiineq_ols *o, coef_state before) {
  coef_state now = coef_now(o);
  return now.rc == before.rc && memcmp(now.v, before.v, sizeof now.v) == 0;
}

#define ON_NOMEM(o, before)                                     \
  {                                                             \
    ck_assert(coef_same(o, before));                            \
    ck_assert_str_ne(aiineq_ols_errmsg(o), "");                 \
  }

static size_t scenario_ols(double *out, size_t cap) {
  static double y[N], X[N * K], w[N], g[N];
  size_t n = 0;
  for (int i = 0; i < N; i++) {
    double x1 = (i % 11) / 10.0, x2 = ((i * 7) % 13) / 6.0;
    X[i * K] = 1.0;
    X[i * K + 1] = x1;
    X[i * K + 2] = x2;
    y[i] = 0.5 + 2.0 * x1 - x2 + 0.1 * ((i * 37) % 17 - 8);
    w[i] = 1.0 + (i % 4);
    g[i] = (double)(i % 6);
  }
  y[5] = NAN; /* one missing outcome: dropped and counted */
  aiineq_ols *o = NULL;
  AIQ_FI_CALL(aiineq_ols_new(&o), ck_assert_ptr_null(o));
  coef_state before = coef_now(o);
  AIQ_FI_CALL(aiineq_ols_set_data(o, y, X, N, K), ON_NOMEM(o, before));
  AIQ_ASSERT_OK(aiineq_ols_set_name(o, 1, "exposure"));
  AIQ_FI_CALL(aiineq_ols_set_weights(o, w, N), ON_NOMEM(o, before));
  AIQ_FI_CALL(aiineq_ols_set_clusters(o, g, N), ON_NOMEM(o, before));
  for (int cov = AIINEQ_COV_CLASSICAL; cov <= AIINEQ_COV_CR2; cov++) {
    AIQ_ASSERT_OK(aiineq_ols_set_cov(o, cov));
    before = coef_now(o);
    AIQ_FI_CALL(aiineq_ols_fit(o), ON_NOMEM(o, before));
    coef_state now = coef_now(o);
    AIQ_ASSERT_OK(now.rc);
    for (int j = 0; j < 4 * K; j++) aiq_fi_put(out, cap, &n, now.v[j]);
    double V[K * K], d;
    AIQ_ASSERT_OK(aiineq_ols_get_vcov(o, V, K * K));
    for (int j = 0; j < K * K; j++) aiq_fi_put(out, cap, &n, V[j]);
    AIQ_ASSERT_OK(aiineq_ols_get_stat(o, "n_dropped", &d));
    aiq_fi_put(out, cap, &n, d);
  }
  aiineq_ols_free(o);
  return n;
}

START_TEST(test_fault_ols) { ck_assert_int_ge(aiq_fi_sweep("ols", scenario_ols), 20); }
END_TEST

Suite *aiq_suite_fault_ols(void) {
  Suite *s = suite_create("fault_ols");
  TCase *tc = tcase_create("nomem");
  tcase_set_timeout(tc, 60);
  tcase_add_test(tc, test_fault_ols);
  suite_add_tcase(s, tc);
  return s;
}
