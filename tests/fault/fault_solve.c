/*
 * fault_solve.c -- allocation failures anywhere in aiineq_solve (grid,
 * equilibria, moments, simulation, sorts and Ginis): the solve reports
 * AIINEQ_ERR_NOMEM with a message, returns no result, leaks nothing, and the
 * model solves normally afterwards with bit-identical results.
 */
#include "faultutil.h"

/* Moments, statistics and a few households into out. */
static void digest(const aiineq_result *r, double *out, size_t cap, size_t *n) {
  static const char *const names[] = {"gini_pre", "gini_post", "wage_gini_pre", "wage_gini_post",
                                      "labour_share_post", "profits_post", "vbar0",
                                      "iterations_post", "residual_post"};
  double mom[AIINEQ_N_MOMENTS];
  AIQ_ASSERT_OK(aiineq_result_moments(r, mom, AIINEQ_N_MOMENTS));
  for (int i = 0; i < AIINEQ_N_MOMENTS && *n < cap; i++) out[(*n)++] = mom[i];
  for (size_t i = 0; i < sizeof names / sizeof names[0] && *n < cap; i++)
    AIQ_ASSERT_OK(aiineq_result_stat(r, names[i], &out[(*n)++]));
  const double *y = NULL;
  size_t len = 0;
  AIQ_ASSERT_OK(aiineq_result_households(r, AIINEQ_POST, "income", &y, &len));
  for (size_t i = 0; i < len && *n < cap; i += 37) out[(*n)++] = y[i];
}

static size_t scenario_solve(double *out, size_t cap) {
  aiineq_model *m = NULL;
  aiineq_result *r = NULL;
  size_t n = 0;
  AIQ_FI_CALL(aiineq_model_new(&m), ck_assert_ptr_null(m));
  /* 240 under AIQ_TEST_SMALL (valgrind): the same allocations, fewer households */
  AIQ_ASSERT_OK(aiineq_model_set_int(m, "n_workers", (int64_t)aiq_test_size(600, 240)));
  AIQ_ASSERT_OK(aiineq_model_set_int(m, "n_firms", 12));
  AIQ_ASSERT_OK(aiineq_model_set_int(m, "n_quad", 16));
  AIQ_FI_CALL(aiineq_solve(m, &r), {
    ck_assert_ptr_null(r);
    ck_assert_str_ne(aiineq_model_errmsg(m), "");
  });
  digest(r, out, cap, &n);
  aiineq_result_free(r);
  r = NULL;
  /* the held-behaviour path allocates differently */
  AIQ_FI_CALL(aiineq_solve_ex(m, AIINEQ_HOLD_BEHAVIOUR | AIINEQ_HOLD_ASSET_RENTS, &r), {
    ck_assert_ptr_null(r);
    ck_assert_str_ne(aiineq_model_errmsg(m), "");
  });
  digest(r, out, cap, &n);
  aiineq_result_free(r);
  aiineq_model_free(m);
  return n;
}

START_TEST(test_fault_solve) {
  long total = aiq_fi_sweep("solve", scenario_solve);
  ck_assert_int_ge(total, 20);
}
END_TEST

Suite *aiq_suite_fault_solve(void) {
  Suite *s = suite_create("fault_solve");
  TCase *tc = tcase_create("nomem");
  tcase_set_timeout(tc, 120);
  tcase_add_test(tc, test_fault_solve);
  suite_add_tcase(s, tc);
  return s;
}
