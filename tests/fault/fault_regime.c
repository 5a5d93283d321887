/*
 * fault_regime.c -- allocation failures in the model-based tools: the
 * Shapley decomposition (16 solves), a regime map, a regime boundary
 * (Brent), and MSM inference and objective on the model's own moments.  A
 * failure anywhere in their solves returns AIINEQ_ERR_NOMEM with a message
 * and no partial output; the retried call gives the fault-free numbers.
 * The economy is tiny (200 households, 4 firms, 6 nodes), but 1600
 * allocations swept twice each still take seconds: the test case is tagged
 * "slow" and runs in `make check-fault-all` (.ci/run, check-asan), not in
 * `make check`.
 */
#include "faultutil.h"

static aiineq_model *tiny_model(void) {
  aiineq_model *m = NULL;
  AIQ_FI_CALL(aiineq_model_new(&m), ck_assert_ptr_null(m));
  AIQ_ASSERT_OK(aiineq_model_set_int(m, "n_workers", 200));
  AIQ_ASSERT_OK(aiineq_model_set_int(m, "n_firms", 4));
  AIQ_ASSERT_OK(aiineq_model_set_int(m, "n_quad", 6));
  return m;
}

#define MODEL_ON_NOMEM(m, before, nbefore)                     \
  {                                                            \
    ck_assert(aiq_fi_model_same(m, before, nbefore));          \
    ck_assert_str_ne(aiineq_model_errmsg(m), "");              \
  }

static size_t scenario_shapley(double *out, size_t cap) {
  static double before[AIQ_FI_DIGEST_MAX];
  size_t n = 0, nb = 0;
  aiineq_model *m = tiny_model();
  aiq_fi_model_digest(m, before, AIQ_FI_DIGEST_MAX, &nb);
  double c[AIINEQ_N_CHANNELS], dg, base;
  AIQ_FI_CALL(aiineq_shapley_channels(m, c, AIINEQ_N_CHANNELS, &dg, &base),
              MODEL_ON_NOMEM(m, before, nb));
  for (int i = 0; i < AIINEQ_N_CHANNELS; i++) aiq_fi_put(out, cap, &n, c[i]);
  aiq_fi_put(out, cap, &n, dg);
  aiq_fi_put(out, cap, &n, base);
  aiineq_model_free(m);
  return n;
}

static size_t scenario_map_boundary(double *out, size_t cap) {
  static double before[AIQ_FI_DIGEST_MAX];
  size_t n = 0, nb = 0;
  aiineq_model *m = tiny_model();
  aiq_fi_model_digest(m, before, AIQ_FI_DIGEST_MAX, &nb);
  const double xs[2] = {0.25, 0.75}, ys[1] = {0.05}, grid[1] = {0.75};
  double dg[2], root[1], dgr[1];
  int flag[1];
  AIQ_FI_CALL(aiineq_regime_map(m, "eta", xs, 2, "xi", ys, 1, dg, 2, NULL, NULL),
              MODEL_ON_NOMEM(m, before, nb));
  aiq_fi_put(out, cap, &n, dg[0]);
  aiq_fi_put(out, cap, &n, dg[1]);
  AIQ_FI_CALL(aiineq_regime_boundary(m, "eta", grid, 1, "xi", 0.0, 1.0, 1e-6, root, flag, dgr,
                                     NULL, NULL),
              MODEL_ON_NOMEM(m, before, nb));
  aiq_fi_put(out, cap, &n, root[0]);
  aiq_fi_put(out, cap, &n, (double)flag[0]);
  aiineq_model_free(m);
  return n;
}

/* MSM on the model's moments with two free parameters: objective at a
 * point, then inference (Jacobian by central differences: 5 solves). */
static size_t scenario_msm_model(double *out, size_t cap) {
  size_t n = 0;
  aiineq_model *m = tiny_model();
  aiineq_msm *e = NULL;
  AIQ_FI_CALL(aiineq_msm_new(&e, m), ck_assert_ptr_null(e));
  AIQ_ASSERT_OK(aiineq_msm_clear_params(e));
  AIQ_FI_CALL(aiineq_msm_add_param(e, "theta", 0.0, 0.6, 0.2), ck_assert_str_ne(aiineq_msm_errmsg(e), ""));
  AIQ_FI_CALL(aiineq_msm_add_param(e, "xi", 0.0, 0.5, 0.1), ck_assert_str_ne(aiineq_msm_errmsg(e), ""));
  const double b[2] = {0.25, 0.12};
  double v, se[2];
  AIQ_FI_CALL(aiineq_msm_objective_at(e, b, 2, &v), ck_assert_str_ne(aiineq_msm_errmsg(e), ""));
  aiq_fi_put(out, cap, &n, v);
  AIQ_FI_CALL(aiineq_msm_evaluate(e, b, 2), {
    ck_assert_int_lt(aiineq_msm_stat(e, "objective", &v), 0); /* no result was kept */
    ck_assert_str_ne(aiineq_msm_errmsg(e), "");
  });
  AIQ_ASSERT_OK(aiineq_msm_result(e, "se", se, 2));
  aiq_fi_put(out, cap, &n, se[0]);
  aiq_fi_put(out, cap, &n, se[1]);
  aiineq_msm_free(e);
  aiineq_model_free(m);
  return n;
}

START_TEST(test_fault_shapley) { ck_assert_int_ge(aiq_fi_sweep("shapley", scenario_shapley), 16); }
END_TEST

START_TEST(test_fault_map_boundary) {
  ck_assert_int_ge(aiq_fi_sweep("regime map and boundary", scenario_map_boundary), 10);
}
END_TEST

START_TEST(test_fault_msm_model) {
  ck_assert_int_ge(aiq_fi_sweep("msm on model moments", scenario_msm_model), 10);
}
END_TEST

Suite *aiq_suite_fault_regime(void) {
  Suite *s = suite_create("fault_regime");
  TCase *tc = tcase_create("nomem");
  tcase_set_tags(tc, "slow"); /* about 10 s: run by check-fault-all, not make check */
  tcase_set_timeout(tc, 300);
  tcase_add_test(tc, test_fault_msm_model);
  tcase_add_test(tc, test_fault_map_boundary);
  tcase_add_test(tc, test_fault_shapley);
  suite_add_tcase(s, tc);
  return s;
}
