/*
 * test_gridpar.c -- independent solves run in parallel (the Jacobian columns
 * of the estimator, the points of the regime map and of the boundary) give
 * the same bits for 1, 2 and 3 threads, and a stop asked by the progress
 * callback is honoured at the same point as in a serial run.
 */
#include <string.h>

#include "testutil.h"

/* 4000 households and 40 firms; 1000 and 10 under AIQ_TEST_SMALL
 * (valgrind): the grid points run in parallel whatever the economy's size,
 * and every comparison below is bit for bit. */
static aiineq_model *tiny_model(int threads) {
  size_t nw = aiq_test_size(4000, 1000);
  aiineq_model *m = NULL;
  AIQ_ASSERT_OK(aiineq_model_new(&m));
  AIQ_ASSERT_OK(aiineq_model_set_int(m, "n_workers", (int64_t)nw));
  AIQ_ASSERT_OK(aiineq_model_set_int(m, "n_firms", (int64_t)nw / 100));
  AIQ_ASSERT_OK(aiineq_model_set_threads(m, threads));
  return m;
}

/* A short calibration (three parameters, LM, capped evaluations) and its
 * inference: every output the same bits for 1, 2 and 3 threads. */
START_TEST(test_calibration_threads) {
  static const char *pn[3] = {"theta", "h_ai", "chi"};
  const double start[3] = {0.2, 0.8, 0.5}, lo[3] = {0.0, 0.2, 0.0}, hi[3] = {0.6, 2.0, 1.5};
  double b[3][3], se[3][3], G[3][18], lam[3][18], obj[3], ev[3], jev[3];
  for (int k = 0; k < 3; k++) {
    aiineq_model *m = tiny_model(k + 1);
    aiineq_msm *e = NULL;
    AIQ_ASSERT_OK(aiineq_msm_new(&e, m));
    for (int p = 0; p < 3; p++) AIQ_ASSERT_OK(aiineq_msm_add_param(e, pn[p], lo[p], hi[p], start[p]));
    AIQ_ASSERT_OK(aiineq_msm_set_algorithm(e, AIINEQ_MSM_LM));
    AIQ_ASSERT_OK(aiineq_msm_set_maxeval(e, 6));
    AIQ_ASSERT_OK(aiineq_msm_estimate(e));
    AIQ_ASSERT_OK(aiineq_msm_result(e, "estimate", b[k], 3));
    AIQ_ASSERT_OK(aiineq_msm_result(e, "se", se[k], 3));
    AIQ_ASSERT_OK(aiineq_msm_result(e, "jacobian", G[k], 18));
    AIQ_ASSERT_OK(aiineq_msm_result(e, "lambda", lam[k], 18));
    AIQ_ASSERT_OK(aiineq_msm_stat(e, "objective", &obj[k]));
    AIQ_ASSERT_OK(aiineq_msm_stat(e, "evaluations", &ev[k]));
    AIQ_ASSERT_OK(aiineq_msm_stat(e, "jacobian_evaluations", &jev[k]));
    aiineq_msm_free(e);
    aiineq_model_free(m);
  }
  ck_assert(ev[0] > 6 && jev[0] == 6); /* Jacobians were taken in the run and the inference */
  for (int k = 1; k < 3; k++) {
    ck_assert(memcmp(b[0], b[k], sizeof b[0]) == 0);
    ck_assert(memcmp(se[0], se[k], sizeof se[0]) == 0);
    ck_assert(memcmp(G[0], G[k], sizeof G[0]) == 0);
    ck_assert(memcmp(lam[0], lam[k], sizeof lam[0]) == 0);
    ck_assert(memcmp(&obj[0], &obj[k], sizeof obj[0]) == 0);
    ck_assert(ev[0] == ev[k] && jev[0] == jev[k]);
  }
}
END_TEST

static int stop_after_five(size_t done, size_t total, void *user) {
  (void)total;
  *(size_t *)user = done;
  return done >= 5;
}

/* Regime map 3 x 3 and boundary on three grid points: same bits for 1, 2
 * and 3 threads; a stop after five points reports five points and writes
 * nothing, whatever the thread count. */
START_TEST(test_map_boundary_threads) {
  const double xi[3] = {0.0, 0.1, 0.5}, eta[3] = {0.25, 0.5, 0.75};
  double d[3][9], root[3][3], dgr[3][3];
  int flag[3][3];
  for (int k = 0; k < 3; k++) {
    aiineq_model *m = tiny_model(k + 1);
    AIQ_ASSERT_OK(aiineq_regime_map(m, "xi", xi, 3, "eta", eta, 3, d[k], 9, NULL, NULL));
    AIQ_ASSERT_OK(aiineq_regime_boundary(m, "eta", eta, 3, "xi", 0.0, 0.6, 1e-6, root[k], flag[k],
                                         dgr[k], NULL, NULL));
    size_t seen = 0;
    double d2[9] = {7, 7, 7, 7, 7, 7, 7, 7, 7};
    AIQ_ASSERT_STATUS(aiineq_regime_map(m, "xi", xi, 3, "eta", eta, 3, d2, 9, stop_after_five, &seen),
                      AIINEQ_ERR_STOPPED);
    ck_assert_uint_eq(seen, 5);
    ck_assert(d2[0] == 7 && d2[8] == 7);
    aiineq_model_free(m);
  }
  for (int k = 1; k < 3; k++) {
    ck_assert(memcmp(d[0], d[k], sizeof d[0]) == 0);
    ck_assert(memcmp(root[0], root[k], sizeof root[0]) == 0);
    ck_assert(memcmp(dgr[0], dgr[k], sizeof dgr[0]) == 0);
    ck_assert(memcmp(flag[0], flag[k], sizeof flag[0]) == 0);
  }
}
END_TEST

Suite *aiq_suite_gridpar(void) {
  Suite *s = suite_create("gridpar");
  TCase *tc = tcase_create("core");
  tcase_set_timeout(tc, 120);
  tcase_add_test(tc, test_calibration_threads);
  tcase_add_test(tc, test_map_boundary_threads);
  suite_add_tcase(s, tc);
  return s;
}
