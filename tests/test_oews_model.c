/*
 * test_oews_model.c -- the model side of the occupation illustration
 * (aiineq_panel_simulate) on a synthetic 16-occupation panel: the "truth"
 * panel reproduces the within-task compression factor exactly, employment
 * adds up to the households, top-coding and the minimum cell size act as
 * documented, the caller's model is untouched, results are deterministic,
 * and bad input is rejected.
 */
#include <string.h>

#include "testutil.h"

#define NOCC 16
#define NHH 16000

static void make_files(char *oews, size_t no, char *expo, size_t ne) {
  size_t a = (size_t)snprintf(oews, no, "OCC_CODE,OCC_TITLE,O_GROUP,TOT_EMP,A_MEAN,A_PCT10,"
                                        "A_MEDIAN,A_PCT90\n");
  size_t b = (size_t)snprintf(expo, ne, "SOC,x\n");
  for (int i = 0; i < NOCC; i++) {
    int major = 11 + 2 * (i % 4);
    a += (size_t)snprintf(oews + a, no - a, "%02d-10%02d,Occ %d,detailed,%d,50000,20000,45000,90000\n",
                          major, i, i, 1000 * (1 + i % 3));
    b += (size_t)snprintf(expo + b, ne - b, "%02d-10%02d,%.17g\n", major, i, (i + 0.5) / NOCC);
  }
}

static aiineq_panel *synthetic_panel(void) {
  static char oews[4096], expo[2048];
  make_files(oews, sizeof oews, expo, sizeof expo);
  aiineq_oews *t = NULL;
  aiineq_exposure *x = NULL;
  aiineq_panel *p = NULL;
  AIQ_ASSERT_OK(aiineq_oews_new(&t));
  AIQ_ASSERT_OK(aiineq_exposure_new(&x));
  AIQ_ASSERT_OK(aiineq_panel_new(&p));
  AIQ_ASSERT_OK(aiineq_oews_parse(t, oews, strlen(oews)));
  AIQ_ASSERT_OK(aiineq_exposure_parse(x, expo, strlen(expo), NULL, "x"));
  AIQ_ASSERT_OK(aiineq_panel_build(p, t, t, x));
  aiineq_oews_free(t);
  aiineq_exposure_free(x);
  return p;
}

static aiineq_model *small_model(void) {
  aiineq_model *m = NULL;
  AIQ_ASSERT_OK(aiineq_model_new(&m));
  AIQ_ASSERT_OK(aiineq_model_set_int(m, "n_workers", NHH));
  AIQ_ASSERT_OK(aiineq_model_set_int(m, "n_firms", 160));
  return m;
}

static void column(const aiineq_panel *p, const char *name, double *v, int32_t *st) {
  AIQ_ASSERT_OK(aiineq_panel_get_column(p, name, v, st, NOCC));
}

START_TEST(test_truth_is_the_compression_factor) {
  aiineq_panel *data = synthetic_panel(), *wages = NULL, *truth = NULL;
  aiineq_model *m = small_model();
  AIQ_ASSERT_OK(aiineq_panel_new(&wages));
  AIQ_ASSERT_OK(aiineq_panel_new(&truth));
  int rc = aiineq_panel_simulate(data, m, 0, 10, wages, truth);
  ck_assert_msg(rc == AIINEQ_OK, "%s", aiineq_panel_errmsg(wages));
  double theta;
  AIQ_ASSERT_OK(aiineq_model_get_double(m, "theta", &theta));
  double x[NOCC], p10[2][NOCC], p50[2][NOCC], p90[2][NOCC], e0[NOCC], e1[NOCC];
  int32_t st[NOCC];
  column(truth, "exposure", x, NULL);
  column(truth, "a_pct10_from", p10[0], st);
  column(truth, "a_pct10_to", p10[1], st);
  column(truth, "a_median_from", p50[0], st);
  column(truth, "a_median_to", p50[1], st);
  column(truth, "a_pct90_from", p90[0], st);
  column(truth, "a_pct90_to", p90[1], st);
  column(truth, "tot_emp_from", e0, NULL);
  column(truth, "tot_emp_to", e1, NULL);
  double tot = 0;
  for (int k = 0; k < NOCC; k++) {
    ck_assert_int_eq(st[k], AIINEQ_CELL_VALUE);
    /* log percentiles are affine in h with slope 1 - theta x (A0 = 0, A1 = 1) */
    double f = 1 - theta * x[k];
    AIQ_ASSERT_NEAR(log(p90[1][k]) - log(p10[1][k]), f * (log(p90[0][k]) - log(p10[0][k])), 1e-12);
    AIQ_ASSERT_NEAR(log(p90[1][k]) - log(p50[1][k]), f * (log(p90[0][k]) - log(p50[0][k])), 1e-12);
    AIQ_ASSERT_NEAR(e0[k], e1[k], 0); /* the same workers */
    tot += e0[k];
  }
  AIQ_ASSERT_NEAR(tot, NHH, 0);
  /* model wages: each economy's households add up too */
  for (int y = 0; y < 2; y++) {
    column(wages, y ? "tot_emp_to" : "tot_emp_from", e0, NULL);
    double s = 0;
    for (int k = 0; k < NOCC; k++) s += e0[k];
    AIQ_ASSERT_NEAR(s, NHH, 0);
  }
  /* the occupation regression on the truth recovers compression: every
   * dispersion outcome falls with exposure; employment does not move */
  aiineq_ols *o = NULL;
  AIQ_ASSERT_OK(aiineq_ols_new(&o));
  double b[2];
  AIQ_ASSERT_OK(aiineq_panel_regress(truth, AIINEQ_Y_LOG_P90_P10, 0, AIINEQ_COV_HC1, o));
  AIQ_ASSERT_OK(aiineq_ols_get_coef(o, b, NULL, NULL, NULL, 2));
  ck_assert_msg(b[1] < 0, "truth P90/P10 slope %g", b[1]);
  AIQ_ASSERT_OK(aiineq_panel_regress(wages, AIINEQ_Y_LOG_P90_P10, 0, AIINEQ_COV_HC1, o));
  /* the caller's model still has its five default tasks */
  size_t kt = 0;
  AIQ_ASSERT_OK(aiineq_model_get_n_tasks(m, &kt));
  ck_assert_uint_eq(kt, 5);
  aiineq_ols_free(o);
  aiineq_panel_free(wages);
  aiineq_panel_free(truth);
  aiineq_panel_free(data);
  aiineq_model_free(m);
}
END_TEST

START_TEST(test_topcode_cells_and_determinism) {
  aiineq_panel *data = synthetic_panel(), *a = NULL, *b = NULL;
  aiineq_model *m = small_model();
  AIQ_ASSERT_OK(aiineq_panel_new(&a));
  AIQ_ASSERT_OK(aiineq_panel_new(&b));
  AIQ_ASSERT_OK(aiineq_panel_simulate(data, m, 0, 10, a, NULL));
  AIQ_ASSERT_OK(aiineq_panel_simulate(data, m, 0, 10, b, NULL));
  double va[NOCC], vb[NOCC];
  column(a, "a_pct90_to", va, NULL);
  column(b, "a_pct90_to", vb, NULL);
  ck_assert(memcmp(va, vb, sizeof va) == 0);
  /* a threshold far below every wage top-codes every statistic */
  int32_t st[NOCC];
  AIQ_ASSERT_OK(aiineq_panel_simulate(data, m, 1e-6, 10, a, NULL));
  column(a, "a_pct10_from", va, st);
  for (int k = 0; k < NOCC; k++) ck_assert_int_eq(st[k], AIINEQ_CELL_TOPCODED);
  aiineq_ols *o = NULL;
  AIQ_ASSERT_OK(aiineq_ols_new(&o));
  AIQ_ASSERT_STATUS(aiineq_panel_regress(a, AIINEQ_Y_LOG_P90_P10, 0, AIINEQ_COV_HC1, o),
                    AIINEQ_ERR_SIZE);
  /* employment is never top-coded */
  AIQ_ASSERT_OK(aiineq_panel_regress(a, AIINEQ_Y_LOG_EMP, 0, AIINEQ_COV_HC1, o));
  /* cells smaller than min_households are missing */
  AIQ_ASSERT_OK(aiineq_panel_simulate(data, m, 0, NHH + 1, a, NULL));
  column(a, "a_mean_from", va, st);
  for (int k = 0; k < NOCC; k++) ck_assert(st[k] == AIINEQ_CELL_NA && isnan(va[k]));
  aiineq_ols_free(o);
  aiineq_panel_free(a);
  aiineq_panel_free(b);
  aiineq_panel_free(data);
  aiineq_model_free(m);
}
END_TEST

START_TEST(test_simulate_errors) {
  aiineq_panel *data = synthetic_panel(), *w = NULL, *empty = NULL;
  aiineq_model *m = small_model();
  AIQ_ASSERT_OK(aiineq_panel_new(&w));
  AIQ_ASSERT_OK(aiineq_panel_new(&empty));
  AIQ_ASSERT_STATUS(aiineq_panel_simulate(data, m, 0, 10, NULL, NULL), AIINEQ_ERR_ARG);
  AIQ_ASSERT_STATUS(aiineq_panel_simulate(NULL, m, 0, 10, w, NULL), AIINEQ_ERR_ARG);
  AIQ_ASSERT_STATUS(aiineq_panel_simulate(data, NULL, 0, 10, w, NULL), AIINEQ_ERR_ARG);
  AIQ_ASSERT_STATUS(aiineq_panel_simulate(data, m, 0, 10, w, w), AIINEQ_ERR_ARG);
  AIQ_ASSERT_STATUS(aiineq_panel_simulate(data, m, -1, 10, w, NULL), AIINEQ_ERR_RANGE);
  AIQ_ASSERT_STATUS(aiineq_panel_simulate(data, m, NAN, 10, w, NULL), AIINEQ_ERR_RANGE);
  AIQ_ASSERT_STATUS(aiineq_panel_simulate(empty, m, 0, 10, w, NULL), AIINEQ_ERR_SIZE);
  /* exposure outside [0, 1] */
  static const char oews[] = "OCC_CODE,OCC_TITLE,O_GROUP,TOT_EMP,A_MEAN,A_PCT10,A_MEDIAN,A_PCT90\n"
                             "11-1011,A,detailed,10,5,1,4,9\n13-1011,B,detailed,10,5,1,4,9\n";
  static const char expo[] = "SOC,x\n11-1011,0.5\n13-1011,1.5\n";
  aiineq_oews *t = NULL;
  aiineq_exposure *x = NULL;
  aiineq_panel *p = NULL;
  AIQ_ASSERT_OK(aiineq_oews_new(&t));
  AIQ_ASSERT_OK(aiineq_exposure_new(&x));
  AIQ_ASSERT_OK(aiineq_panel_new(&p));
  AIQ_ASSERT_OK(aiineq_oews_parse(t, oews, strlen(oews)));
  AIQ_ASSERT_OK(aiineq_exposure_parse(x, expo, strlen(expo), NULL, "x"));
  AIQ_ASSERT_OK(aiineq_panel_build(p, t, t, x));
  AIQ_ASSERT_STATUS(aiineq_panel_simulate(p, m, 0, 10, w, NULL), AIINEQ_ERR_RANGE);
  ck_assert_msg(strstr(aiineq_panel_errmsg(w), "13-1011 has exposure 1.5") != NULL, "%s",
                aiineq_panel_errmsg(w));
  size_t n = 9;
  AIQ_ASSERT_OK(aiineq_panel_size(w, &n));
  ck_assert_uint_eq(n, 0); /* unchanged */
  aiineq_oews_free(t);
  aiineq_exposure_free(x);
  aiineq_panel_free(p);
  aiineq_panel_free(w);
  aiineq_panel_free(empty);
  aiineq_panel_free(data);
  aiineq_model_free(m);
}
END_TEST

Suite *aiq_suite_oews_model(void) {
  Suite *s = suite_create("oews_model");
  TCase *tc = tcase_create("simulate");
  tcase_set_timeout(tc, 60);
  tcase_add_test(tc, test_truth_is_the_compression_factor);
  tcase_add_test(tc, test_topcode_cells_and_determinism);
  tcase_add_test(tc, test_simulate_errors);
  suite_add_tcase(s, tc);
  return s;
}
