/*
 * fault_msm.c -- allocation failures in the MSM estimator (lib/msm.c) on an
 * over-identified linear toy problem (caller moments, no model): set-up,
 * a two-start estimation with inference, evaluation at a point and the
 * objective.  A failed call leaves the previous result (or its absence).
 * NLopt's own allocations are outside the library's allocator and are not
 * injected.
 */
#include "faultutil.h"

#define NM 4
#define NB 2

static const double A[NM * NB] = {1.0, 0.5, -0.5, 2.0, 0.25, 0.25, 1.5, -1.0};
static const double C[NM] = {0.1, 0.0, -0.2, 0.3};

static int toy_moments(const double *b, size_t nb, double *m, size_t nm, void *user) {
  (void)user;
  for (size_t i = 0; i < nm; i++) {
    m[i] = C[i];
    for (size_t p = 0; p < nb; p++) m[i] += A[i * nb + p] * b[p];
  }
  return 0;
}

/* Status and value of the "objective" statistic of the last run. */
static int last_objective(const aiineq_msm *e, double *v) {
  *v = 0;
  return aiineq_msm_stat(e, "objective", v);
}

#define ON_NOMEM(e, rc0, v0)                            \
  {                                                     \
    double v1_;                                         \
    ck_assert_int_eq(last_objective(e, &v1_), rc0);     \
    ck_assert(memcmp(&v1_, &v0, sizeof v0) == 0);       \
    ck_assert_str_ne(aiineq_msm_errmsg(e), "");         \
  }

static size_t scenario_msm(double *out, size_t cap) {
  /* targets from b = (0.3, -0.2) plus a misfit, so J > 0 */
  double tg[NM], se[NM] = {0.05, 0.1, 0.02, 0.08}, b[NB], v0, v;
  const double bt[NB] = {0.3, -0.2}, misfit[NM] = {0.01, -0.02, 0.005, 0.0};
  size_t n = 0;
  for (int i = 0; i < NM; i++) {
    tg[i] = C[i] + misfit[i];
    for (int p = 0; p < NB; p++) tg[i] += A[i * NB + p] * bt[p];
  }
  aiineq_msm *e = NULL;
  AIQ_FI_CALL(aiineq_msm_new(&e, NULL), ck_assert_ptr_null(e));
  int rc0 = last_objective(e, &v0);
  AIQ_FI_CALL(aiineq_msm_set_moment_fn(e, toy_moments, NM, NULL), ON_NOMEM(e, rc0, v0));
  AIQ_FI_CALL(aiineq_msm_set_targets(e, tg, se, NM), ON_NOMEM(e, rc0, v0));
  AIQ_FI_CALL(aiineq_msm_add_param(e, "b0", -1, 1, 0.0), ON_NOMEM(e, rc0, v0));
  AIQ_FI_CALL(aiineq_msm_add_param(e, "b1", -1, 1, 0.5), ON_NOMEM(e, rc0, v0));
  AIQ_ASSERT_OK(aiineq_msm_set_starts(e, 2));
  AIQ_ASSERT_OK(aiineq_msm_set_maxeval(e, 300));
  AIQ_FI_CALL(aiineq_msm_estimate(e), ON_NOMEM(e, rc0, v0));
  rc0 = last_objective(e, &v0);
  AIQ_ASSERT_OK(rc0);
  aiq_fi_put(out, cap, &n, v0);
  AIQ_ASSERT_OK(aiineq_msm_result(e, "estimate", b, NB));
  aiq_fi_put(out, cap, &n, b[0]);
  aiq_fi_put(out, cap, &n, b[1]);
  AIQ_ASSERT_OK(aiineq_msm_result(e, "se", b, NB));
  aiq_fi_put(out, cap, &n, b[0]);
  aiq_fi_put(out, cap, &n, b[1]);
  AIQ_ASSERT_OK(aiineq_msm_stat(e, "j_stat", &v));
  aiq_fi_put(out, cap, &n, v);

  const double at[NB] = {0.25, -0.1};
  AIQ_FI_CALL(aiineq_msm_objective_at(e, at, NB, &v), ON_NOMEM(e, rc0, v0));
  aiq_fi_put(out, cap, &n, v);
  AIQ_FI_CALL(aiineq_msm_evaluate(e, at, NB), ON_NOMEM(e, rc0, v0));
  AIQ_ASSERT_OK(aiineq_msm_result(e, "se", b, NB));
  aiq_fi_put(out, cap, &n, b[0]);
  aiq_fi_put(out, cap, &n, b[1]);
  aiineq_msm_free(e);
  return n;
}

START_TEST(test_fault_msm) { ck_assert_int_ge(aiq_fi_sweep("msm (toy moments)", scenario_msm), 5); }
END_TEST

Suite *aiq_suite_fault_msm(void) {
  Suite *s = suite_create("fault_msm");
  TCase *tc = tcase_create("nomem");
  tcase_set_timeout(tc, 120);
  tcase_add_test(tc, test_fault_msm);
  suite_add_tcase(s, tc);
  return s;
}
