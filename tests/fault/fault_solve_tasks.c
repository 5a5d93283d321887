/*
 * fault_solve_tasks.c -- allocation failures in a solve with a 60-task
 * table, the Cobb-Douglas price branch, firms of unequal size and every
 * channel switch of aiineq_solve_ex (fault_solve.c covers the default
 * model).  A failed solve returns AIINEQ_ERR_NOMEM with *out NULL and leaves
 * the model bit-identical (with a message); the retried solve gives the same
 * numbers as the fault-free run.
 */
#include "faultutil.h"

#define K_TASKS 60

/* Solve m with `flags`, digesting statistics, moments, an equilibrium array
 * and a few households. */
static void solve_digest(aiineq_model *m, unsigned flags, double *out, size_t cap, size_t *n) {
  static double before[AIQ_FI_DIGEST_MAX];
  size_t nbefore = 0;
  aiq_fi_model_digest(m, before, AIQ_FI_DIGEST_MAX, &nbefore);
  aiineq_result *r = NULL;
  AIQ_FI_CALL(aiineq_solve_ex(m, flags, &r), {
    ck_assert_ptr_null(r);
    ck_assert(aiq_fi_model_same(m, before, nbefore));
    ck_assert_str_ne(aiineq_model_errmsg(m), "");
  });
  static const char *stats[] = {"gini_pre", "gini_post", "delta_gini", "labour_share_post",
                                "college_premium_post", "residual_post"};
  double v, mom[AIINEQ_N_MOMENTS], p[K_TASKS];
  size_t K = 0, N = 0;
  for (size_t i = 0; i < sizeof stats / sizeof *stats; i++) {
    AIQ_ASSERT_OK(aiineq_result_stat(r, stats[i], &v));
    aiq_fi_put(out, cap, n, v);
  }
  AIQ_ASSERT_OK(aiineq_result_moments(r, mom, AIINEQ_N_MOMENTS));
  for (int i = 0; i < AIINEQ_N_MOMENTS; i++) aiq_fi_put(out, cap, n, mom[i]);
  AIQ_ASSERT_OK(aiineq_result_dims(r, &K, &N));
  AIQ_ASSERT_OK(aiineq_result_equilibrium(r, AIINEQ_POST, "p", p, K));
  aiq_fi_put(out, cap, n, p[K - 1]);
  const double *inc;
  const int32_t *firm;
  size_t len;
  AIQ_ASSERT_OK(aiineq_result_households(r, AIINEQ_POST, "income", &inc, &len));
  AIQ_ASSERT_OK(aiineq_result_households_int(r, AIINEQ_PRE, "firm", &firm, &len));
  aiq_fi_put(out, cap, n, inc[N / 3]);
  aiq_fi_put(out, cap, n, (double)firm[N / 2]);
  aiineq_result_free(r);
}

/* Under AIQ_TEST_SMALL (valgrind, where this sweep took 200 s) 20 tasks
 * and 301 households: the same allocations (none depends on the counts),
 * the same household block size (256 for any K <= 128) with a partial last
 * block, firms still of unequal size. */
static size_t scenario_solve_ex(double *out, size_t cap) {
  static double x[K_TASKS], nu[K_TASKS];
  const size_t kt = aiq_test_size(K_TASKS, 20);
  size_t n = 0;
  for (size_t k = 0; k < kt; k++) {
    x[k] = (double)k / (double)(kt - 1);
    nu[k] = 1.0 + (double)(k % 5);
  }
  aiineq_model *m = NULL;
  AIQ_FI_CALL(aiineq_model_new(&m), ck_assert_ptr_null(m));
  AIQ_ASSERT_OK(aiineq_model_set_int(m, "n_workers", (int64_t)aiq_test_size(1001, 301)));
  AIQ_ASSERT_OK(aiineq_model_set_int(m, "n_firms", 10));
  AIQ_ASSERT_OK(aiineq_model_set_int(m, "n_quad", 12));
  AIQ_ASSERT_OK(aiineq_model_set_double(m, "sigma_ces", 1.0)); /* Cobb-Douglas branch */
  AIQ_FI_CALL(aiineq_model_set_tasks(m, x, nu, kt), ck_assert_str_ne(aiineq_model_errmsg(m), ""));
  solve_digest(m, AIINEQ_HOLD_BEHAVIOUR | AIINEQ_HOLD_ASSET_RENTS, out, cap, &n);
  solve_digest(m, AIINEQ_HOLD_PRICES | AIINEQ_HOLD_COMPRESSION, out, cap, &n);
  aiineq_model_free(m);
  return n;
}

START_TEST(test_fault_solve_ex) {
  ck_assert_int_ge(aiq_fi_sweep("solve_ex (K = 60, channels held)", scenario_solve_ex), 20);
}
END_TEST

Suite *aiq_suite_fault_solve_tasks(void) {
  Suite *s = suite_create("fault_solve_tasks");
  TCase *tc = tcase_create("nomem");
  tcase_set_timeout(tc, 120);
  tcase_add_test(tc, test_fault_solve_ex);
  suite_add_tcase(s, tc);
  return s;
}
