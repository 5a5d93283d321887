/*
 * fault_oews.c -- allocation failures in the occupation-data modules
 * (lib/csv.c, lib/oews.c, lib/exposure.c, lib/panel.c, lib/panel_regress.c,
 * lib/panel_model.c): every reader, the panel join, a regression and the
 * model-side simulation.  A failed read or build leaves the handle as it was.
 */
#include "faultutil.h"

static const char Y0[] =
    "occ_code,occ_title,o_group,tot_emp,a_mean,a_pct10,a_median,a_pct90\n"
    "11-1011,A,detailed,100,100000,50000,90000,150000\n"
    "13-1011,\"B, b\",detailed,\"1,200\",60000,30000,55000,90000\n"
    "15-1011,C,detailed,300,70000,35000,65000,100000\n"
    "17-1011,E,detailed,400,80000,40000,75000,#\n"
    "17-1000,G,broad,400,80000,40000,75000,120000\n";
static const char Y1[] =
    "\xEF\xBB\xBFOCC_CODE,OCC_TITLE,O_GROUP,TOT_EMP,A_MEAN,A_PCT10,A_MEDIAN,A_PCT90\r\n"
    "11-1011,A,detailed,110,110000,52000,99000,160000\r\n"
    "13-1011,B,detailed,1180,66000,33000,57000,92000\r\n"
    "15-1011,C,detailed,310,72000,36000,66000,101000\r\n"
    "17-1011,E,detailed,420,83000,41000,76000,125000\r\n";
static const char X8[] =
    "O*NET-SOC Code,x\n11-1011.00,0.8\n11-1011.01,0.6\n13-1011.00,0.2\n15-1011.00,0.5\n"
    "17-1011.00,0.35\n";

static size_t scenario_oews(double *out, size_t cap) {
  size_t n = 0, v = 0;
  aiineq_oews *a = NULL, *b = NULL;
  aiineq_exposure *x = NULL;
  aiineq_panel *p = NULL, *w = NULL;
  aiineq_ols *o = NULL;
  aiineq_model *m = NULL;
  AIQ_FI_CALL(aiineq_oews_new(&a), ck_assert_ptr_null(a));
  AIQ_FI_CALL(aiineq_oews_new(&b), ck_assert_ptr_null(b));
  AIQ_FI_CALL(aiineq_exposure_new(&x), ck_assert_ptr_null(x));
  AIQ_FI_CALL(aiineq_panel_new(&p), ck_assert_ptr_null(p));
  AIQ_FI_CALL(aiineq_panel_new(&w), ck_assert_ptr_null(w));
  AIQ_FI_CALL(aiineq_ols_new(&o), ck_assert_ptr_null(o));
  AIQ_FI_CALL(aiineq_model_new(&m), ck_assert_ptr_null(m));
#define EMPTY_TABLE(t) { AIQ_ASSERT_OK(aiineq_oews_n_rows(t, &v)); ck_assert_uint_eq(v, 0); }
  AIQ_FI_CALL(aiineq_oews_parse(a, Y0, sizeof Y0 - 1), EMPTY_TABLE(a));
  AIQ_FI_CALL(aiineq_oews_parse(b, Y1, sizeof Y1 - 1), EMPTY_TABLE(b));
  AIQ_FI_CALL(aiineq_exposure_parse(x, X8, sizeof X8 - 1, NULL, "x"), {
    AIQ_ASSERT_OK(aiineq_exposure_counts(x, &v, NULL, NULL));
    ck_assert_uint_eq(v, 0);
  });
  AIQ_FI_CALL(aiineq_panel_build(p, a, b, x), {
    AIQ_ASSERT_OK(aiineq_panel_size(p, &v));
    ck_assert_uint_eq(v, 0);
  });
  AIQ_ASSERT_OK(aiineq_panel_size(p, &v));
  aiq_fi_put(out, cap, &n, (double)v);
  double coef[2], se[2];
  AIQ_FI_CALL(aiineq_panel_regress(p, AIINEQ_Y_LOG_WAGE, AIINEQ_REG_WEIGHTS, AIINEQ_COV_HC1, o),
              ck_assert_str_ne(aiineq_ols_errmsg(o), ""));
  AIQ_ASSERT_OK(aiineq_ols_get_coef(o, coef, se, NULL, NULL, 2));
  for (int j = 0; j < 2; j++) aiq_fi_put(out, cap, &n, coef[j]), aiq_fi_put(out, cap, &n, se[j]);
  /* a tiny model: four occupations as tasks */
  AIQ_ASSERT_OK(aiineq_model_set_int(m, "n_workers", 400));
  AIQ_ASSERT_OK(aiineq_model_set_int(m, "n_firms", 8));
  AIQ_ASSERT_OK(aiineq_model_set_int(m, "n_quad", 8));
  AIQ_FI_CALL(aiineq_panel_simulate(p, m, 4.0, 5, w, NULL), {
    AIQ_ASSERT_OK(aiineq_panel_size(w, &v));
    ck_assert_uint_eq(v, 0);
  });
  double col[4];
  AIQ_ASSERT_OK(aiineq_panel_get_column(w, "a_pct90_to", col, NULL, 4));
  for (int j = 0; j < 4; j++) aiq_fi_put(out, cap, &n, col[j]);
  aiineq_model_free(m);
  aiineq_ols_free(o);
  aiineq_panel_free(w);
  aiineq_panel_free(p);
  aiineq_exposure_free(x);
  aiineq_oews_free(b);
  aiineq_oews_free(a);
  return n;
}

START_TEST(test_fault_oews) { ck_assert_int_ge(aiq_fi_sweep("oews", scenario_oews), 30); }
END_TEST

Suite *aiq_suite_fault_oews(void) {
  Suite *s = suite_create("fault_oews");
  TCase *tc = tcase_create("nomem");
  tcase_set_timeout(tc, 120);
  tcase_add_test(tc, test_fault_oews);
  suite_add_tcase(s, tc);
  return s;
}
