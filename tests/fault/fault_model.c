/*
 * fault_model.c -- allocation failures in model creation, copy and the task
 * table (see faultutil.h for what every sweep asserts).
 */
#include "faultutil.h"

#define K_BIG 800

/* Create, configure, copy, replace the task table of both copies. */
static size_t scenario_model(double *out, size_t cap) {
  static double x[K_BIG], nu[K_BIG], before[AIQ_FI_DIGEST_MAX];
  size_t nbefore = 0, n = 0;
  for (int k = 0; k < K_BIG; k++) {
    x[k] = (k % 101) / 100.0;
    nu[k] = 1.0 + (k % 7);
  }
  aiineq_model *m = NULL, *c = NULL;
  AIQ_FI_CALL(aiineq_model_new(&m), ck_assert_ptr_null(m));
  AIQ_ASSERT_OK(aiineq_model_set_double(m, "theta", 0.4));
  AIQ_ASSERT_OK(aiineq_model_set_int(m, "n_workers", 5000));

  aiq_fi_model_digest(m, before, AIQ_FI_DIGEST_MAX, &nbefore);
  AIQ_FI_CALL(aiineq_model_set_tasks(m, x, nu, K_BIG), {
    ck_assert(aiq_fi_model_same(m, before, nbefore));
    ck_assert_str_ne(aiineq_model_errmsg(m), "");
  });

  AIQ_FI_CALL(aiineq_model_copy(m, &c), ck_assert_ptr_null(c));
  nbefore = 0;
  aiq_fi_model_digest(c, before, AIQ_FI_DIGEST_MAX, &nbefore);
  AIQ_FI_CALL(aiineq_model_set_tasks(c, x + 10, nu + 10, 7), {
    ck_assert(aiq_fi_model_same(c, before, nbefore));
    ck_assert_str_ne(aiineq_model_errmsg(c), "");
  });

  aiq_fi_model_digest(m, out, cap, &n);
  aiq_fi_model_digest(c, out, cap, &n);
  aiineq_model_free(c);
  aiineq_model_free(m);
  return n;
}

START_TEST(test_fault_model) {
  long total = aiq_fi_sweep("model new/copy/set_tasks", scenario_model);
  ck_assert_int_ge(total, 9); /* 3 + 2 + 3 + 2 blocks at least */
}
END_TEST

/* The hook itself: counting, transient and persistent failures. */
START_TEST(test_fault_hook) {
  long live0 = aiq_fault_live();
  aiineq_model *m = NULL;
  aiq_fault_arm(1, 0);
  AIQ_ASSERT_STATUS(aiineq_model_new(&m), AIINEQ_ERR_NOMEM);
  ck_assert_ptr_null(m);
  ck_assert_int_eq(aiq_fault_failures(), 1);
  ck_assert_int_eq(aiq_fault_live(), live0);
  aiq_fault_arm(2, 1); /* second and later attempts fail */
  AIQ_ASSERT_STATUS(aiineq_model_new(&m), AIINEQ_ERR_NOMEM);
  ck_assert_int_ge(aiq_fault_failures(), 1);
  aiq_fault_disarm();
  AIQ_ASSERT_OK(aiineq_model_new(&m));
  ck_assert_int_eq(aiq_fault_live(), live0 + 3);
  aiineq_model_free(m);
  ck_assert_int_eq(aiq_fault_live(), live0);
}
END_TEST

Suite *aiq_suite_fault_model(void) {
  Suite *s = suite_create("fault_model");
  TCase *tc = tcase_create("nomem");
  tcase_set_timeout(tc, 60);
  tcase_add_test(tc, test_fault_hook);
  tcase_add_test(tc, test_fault_model);
  suite_add_tcase(s, tc);
  return s;
}
