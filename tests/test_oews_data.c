/*
 * test_oews_data.c -- the 2019 -> 2023 occupation regressions on the shared
 * BLS OEWS files and the Eloundou et al. exposure file, against statsmodels
 * (tests/ref/oews_ref.h, made by tests/ref/make_oews_ref.py with an
 * independent pandas data preparation).  Needs ../shared/data (the Makefile
 * sets AIQ_SHARED_DIR); fails with a clear message when it is missing.
 */
#include <string.h>

#include "ref/oews_ref.h"
#include "testutil.h"

static void need_file(const char *path) {
  FILE *f = fopen(path, "rb");
  if (!f)
    ck_abort_msg("shared data missing: cannot open %s (set AIQ_SHARED_DIR to the shared/ "
                 "directory that holds data/oews and data/exposure)",
                 path);
  fclose(f);
}

static aiineq_oews *read_year(int year) {
  char rel[64];
  snprintf(rel, sizeof rel, "data/oews/oews_national_%d.csv", year);
  const char *path = aiq_shared_path(rel);
  need_file(path);
  aiineq_oews *t = NULL;
  AIQ_ASSERT_OK(aiineq_oews_new(&t));
  int rc = aiineq_oews_read(t, path);
  ck_assert_msg(rc == AIINEQ_OK, "%s", aiineq_oews_errmsg(t));
  return t;
}

static aiineq_exposure *read_exposure(void) {
  const char *path = aiq_shared_path("data/exposure/gpts_are_gpts_occ_level.csv");
  need_file(path);
  aiineq_exposure *x = NULL;
  AIQ_ASSERT_OK(aiineq_exposure_new(&x));
  int rc = aiineq_exposure_read(x, path, NULL, "dv_rating_beta");
  ck_assert_msg(rc == AIINEQ_OK, "%s", aiineq_exposure_errmsg(x));
  return x;
}

static aiineq_panel *build_panel(int y0, int y1) {
  aiineq_oews *a = read_year(y0), *b = read_year(y1);
  aiineq_exposure *x = read_exposure();
  aiineq_panel *p = NULL;
  AIQ_ASSERT_OK(aiineq_panel_new(&p));
  int rc = aiineq_panel_build(p, a, b, x);
  ck_assert_msg(rc == AIINEQ_OK, "%s", aiineq_panel_errmsg(p));
  aiineq_oews_free(a); /* the panel keeps copies */
  aiineq_oews_free(b);
  aiineq_exposure_free(x);
  return p;
}

static size_t count(const aiineq_panel *p, const char *name) {
  size_t v = 0;
  AIQ_ASSERT_OK(aiineq_panel_count(p, name, &v));
  return v;
}

START_TEST(test_every_year_reads) {
  static const int years[] = {2019, 2020, 2021, 2023};
  static const size_t rows[] = {1329, 1329, 1403, 1403};
  for (int i = 0; i < 4; i++) {
    aiineq_oews *t = read_year(years[i]);
    size_t n = 0;
    AIQ_ASSERT_OK(aiineq_oews_n_rows(t, &n));
    ck_assert_uint_eq(n, rows[i]);
    /* the first row is all occupations, 00-0000 */
    const char *code;
    AIQ_ASSERT_OK(aiineq_oews_get_text(t, 0, "OCC_CODE", &code));
    ck_assert_str_eq(code, "00-0000");
    aiineq_oews_free(t);
  }
  /* 2019: 57 top-coded P90 cells and 6 '*' annual means (counted in Python) */
  aiineq_oews *t = read_year(2019);
  double v[1329];
  int32_t st[1329];
  AIQ_ASSERT_OK(aiineq_oews_get_column(t, "a_pct90", v, st, 1329));
  int top = 0, na = 0;
  for (int i = 0; i < 1329; i++) top += st[i] == AIINEQ_CELL_TOPCODED;
  AIQ_ASSERT_OK(aiineq_oews_get_column(t, "A_MEAN", v, st, 1329));
  for (int i = 0; i < 1329; i++) na += st[i] == AIINEQ_CELL_NA && isnan(v[i]);
  ck_assert_int_eq(top, 57);
  ck_assert_int_eq(na, 6);
  AIQ_ASSERT_NEAR(v[0], 53490, 0); /* all occupations, 2019 mean annual wage */
  aiineq_oews_free(t);
}
END_TEST

START_TEST(test_panel_counts) {
  aiineq_panel *p = build_panel(2019, 2023);
  ck_assert_uint_eq(count(p, "detailed_from"), REF_OEWS_DETAILED_FROM);
  ck_assert_uint_eq(count(p, "detailed_to"), REF_OEWS_DETAILED_TO);
  ck_assert_uint_eq(count(p, "only_from"), REF_OEWS_ONLY_FROM);
  ck_assert_uint_eq(count(p, "only_to"), REF_OEWS_ONLY_TO);
  ck_assert_uint_eq(count(p, "no_exposure"), REF_OEWS_NO_EXPOSURE);
  ck_assert_uint_eq(count(p, "matched"), REF_OEWS_MATCHED);
  ck_assert_uint_eq(count(p, "duplicate"), 0);
  size_t n = 0;
  AIQ_ASSERT_OK(aiineq_panel_size(p, &n));
  ck_assert_uint_eq(n, REF_OEWS_MATCHED);
  aiineq_panel_free(p);
}
END_TEST

typedef struct {
  unsigned flags;
  int cov, outcome;
  const double *coef, *se, *p;
  size_t k;
  int n;
} ref_case;

static const ref_case cases[] = {
    {0, AIINEQ_COV_HC1, 0, REF_OEWS_PLAIN_HC1_DLOG_WAGE_COEF, REF_OEWS_PLAIN_HC1_DLOG_WAGE_SE, REF_OEWS_PLAIN_HC1_DLOG_WAGE_P, sizeof REF_OEWS_PLAIN_HC1_DLOG_WAGE_COEF / sizeof(double), REF_OEWS_PLAIN_HC1_DLOG_WAGE_N},
    {0, AIINEQ_COV_HC1, 1, REF_OEWS_PLAIN_HC1_DLOG_EMP_COEF, REF_OEWS_PLAIN_HC1_DLOG_EMP_SE, REF_OEWS_PLAIN_HC1_DLOG_EMP_P, sizeof REF_OEWS_PLAIN_HC1_DLOG_EMP_COEF / sizeof(double), REF_OEWS_PLAIN_HC1_DLOG_EMP_N},
    {0, AIINEQ_COV_HC1, 2, REF_OEWS_PLAIN_HC1_DLOG_P90_P10_COEF, REF_OEWS_PLAIN_HC1_DLOG_P90_P10_SE, REF_OEWS_PLAIN_HC1_DLOG_P90_P10_P, sizeof REF_OEWS_PLAIN_HC1_DLOG_P90_P10_COEF / sizeof(double), REF_OEWS_PLAIN_HC1_DLOG_P90_P10_N},
    {0, AIINEQ_COV_HC1, 3, REF_OEWS_PLAIN_HC1_DLOG_P50_P10_COEF, REF_OEWS_PLAIN_HC1_DLOG_P50_P10_SE, REF_OEWS_PLAIN_HC1_DLOG_P50_P10_P, sizeof REF_OEWS_PLAIN_HC1_DLOG_P50_P10_COEF / sizeof(double), REF_OEWS_PLAIN_HC1_DLOG_P50_P10_N},
    {0, AIINEQ_COV_HC1, 4, REF_OEWS_PLAIN_HC1_DLOG_P90_P50_COEF, REF_OEWS_PLAIN_HC1_DLOG_P90_P50_SE, REF_OEWS_PLAIN_HC1_DLOG_P90_P50_P, sizeof REF_OEWS_PLAIN_HC1_DLOG_P90_P50_COEF / sizeof(double), REF_OEWS_PLAIN_HC1_DLOG_P90_P50_N},
    {AIINEQ_REG_CONTROL_WAGE | AIINEQ_REG_MAJOR_FE, AIINEQ_COV_CR1, 0, REF_OEWS_CTRL_FE_CR1_DLOG_WAGE_COEF, REF_OEWS_CTRL_FE_CR1_DLOG_WAGE_SE, REF_OEWS_CTRL_FE_CR1_DLOG_WAGE_P, sizeof REF_OEWS_CTRL_FE_CR1_DLOG_WAGE_COEF / sizeof(double), REF_OEWS_CTRL_FE_CR1_DLOG_WAGE_N},
    {AIINEQ_REG_CONTROL_WAGE | AIINEQ_REG_MAJOR_FE, AIINEQ_COV_CR1, 1, REF_OEWS_CTRL_FE_CR1_DLOG_EMP_COEF, REF_OEWS_CTRL_FE_CR1_DLOG_EMP_SE, REF_OEWS_CTRL_FE_CR1_DLOG_EMP_P, sizeof REF_OEWS_CTRL_FE_CR1_DLOG_EMP_COEF / sizeof(double), REF_OEWS_CTRL_FE_CR1_DLOG_EMP_N},
    {AIINEQ_REG_CONTROL_WAGE | AIINEQ_REG_MAJOR_FE, AIINEQ_COV_CR1, 2, REF_OEWS_CTRL_FE_CR1_DLOG_P90_P10_COEF, REF_OEWS_CTRL_FE_CR1_DLOG_P90_P10_SE, REF_OEWS_CTRL_FE_CR1_DLOG_P90_P10_P, sizeof REF_OEWS_CTRL_FE_CR1_DLOG_P90_P10_COEF / sizeof(double), REF_OEWS_CTRL_FE_CR1_DLOG_P90_P10_N},
    {AIINEQ_REG_CONTROL_WAGE | AIINEQ_REG_MAJOR_FE, AIINEQ_COV_CR1, 3, REF_OEWS_CTRL_FE_CR1_DLOG_P50_P10_COEF, REF_OEWS_CTRL_FE_CR1_DLOG_P50_P10_SE, REF_OEWS_CTRL_FE_CR1_DLOG_P50_P10_P, sizeof REF_OEWS_CTRL_FE_CR1_DLOG_P50_P10_COEF / sizeof(double), REF_OEWS_CTRL_FE_CR1_DLOG_P50_P10_N},
    {AIINEQ_REG_CONTROL_WAGE | AIINEQ_REG_MAJOR_FE, AIINEQ_COV_CR1, 4, REF_OEWS_CTRL_FE_CR1_DLOG_P90_P50_COEF, REF_OEWS_CTRL_FE_CR1_DLOG_P90_P50_SE, REF_OEWS_CTRL_FE_CR1_DLOG_P90_P50_P, sizeof REF_OEWS_CTRL_FE_CR1_DLOG_P90_P50_COEF / sizeof(double), REF_OEWS_CTRL_FE_CR1_DLOG_P90_P50_N},
    {AIINEQ_REG_WEIGHTS, AIINEQ_COV_HC1, 0, REF_OEWS_WLS_HC1_DLOG_WAGE_COEF, REF_OEWS_WLS_HC1_DLOG_WAGE_SE, REF_OEWS_WLS_HC1_DLOG_WAGE_P, sizeof REF_OEWS_WLS_HC1_DLOG_WAGE_COEF / sizeof(double), REF_OEWS_WLS_HC1_DLOG_WAGE_N},
    {AIINEQ_REG_WEIGHTS, AIINEQ_COV_HC1, 1, REF_OEWS_WLS_HC1_DLOG_EMP_COEF, REF_OEWS_WLS_HC1_DLOG_EMP_SE, REF_OEWS_WLS_HC1_DLOG_EMP_P, sizeof REF_OEWS_WLS_HC1_DLOG_EMP_COEF / sizeof(double), REF_OEWS_WLS_HC1_DLOG_EMP_N},
    {AIINEQ_REG_WEIGHTS, AIINEQ_COV_HC1, 2, REF_OEWS_WLS_HC1_DLOG_P90_P10_COEF, REF_OEWS_WLS_HC1_DLOG_P90_P10_SE, REF_OEWS_WLS_HC1_DLOG_P90_P10_P, sizeof REF_OEWS_WLS_HC1_DLOG_P90_P10_COEF / sizeof(double), REF_OEWS_WLS_HC1_DLOG_P90_P10_N},
    {AIINEQ_REG_WEIGHTS, AIINEQ_COV_HC1, 3, REF_OEWS_WLS_HC1_DLOG_P50_P10_COEF, REF_OEWS_WLS_HC1_DLOG_P50_P10_SE, REF_OEWS_WLS_HC1_DLOG_P50_P10_P, sizeof REF_OEWS_WLS_HC1_DLOG_P50_P10_COEF / sizeof(double), REF_OEWS_WLS_HC1_DLOG_P50_P10_N},
    {AIINEQ_REG_WEIGHTS, AIINEQ_COV_HC1, 4, REF_OEWS_WLS_HC1_DLOG_P90_P50_COEF, REF_OEWS_WLS_HC1_DLOG_P90_P50_SE, REF_OEWS_WLS_HC1_DLOG_P90_P50_P, sizeof REF_OEWS_WLS_HC1_DLOG_P90_P50_COEF / sizeof(double), REF_OEWS_WLS_HC1_DLOG_P90_P50_N},
    {AIINEQ_REG_WEIGHTS | AIINEQ_REG_CONTROL_WAGE | AIINEQ_REG_MAJOR_FE, AIINEQ_COV_CR1, 0, REF_OEWS_WLS_CTRL_FE_CR1_DLOG_WAGE_COEF, REF_OEWS_WLS_CTRL_FE_CR1_DLOG_WAGE_SE, REF_OEWS_WLS_CTRL_FE_CR1_DLOG_WAGE_P, sizeof REF_OEWS_WLS_CTRL_FE_CR1_DLOG_WAGE_COEF / sizeof(double), REF_OEWS_WLS_CTRL_FE_CR1_DLOG_WAGE_N},
    {AIINEQ_REG_WEIGHTS | AIINEQ_REG_CONTROL_WAGE | AIINEQ_REG_MAJOR_FE, AIINEQ_COV_CR1, 1, REF_OEWS_WLS_CTRL_FE_CR1_DLOG_EMP_COEF, REF_OEWS_WLS_CTRL_FE_CR1_DLOG_EMP_SE, REF_OEWS_WLS_CTRL_FE_CR1_DLOG_EMP_P, sizeof REF_OEWS_WLS_CTRL_FE_CR1_DLOG_EMP_COEF / sizeof(double), REF_OEWS_WLS_CTRL_FE_CR1_DLOG_EMP_N},
    {AIINEQ_REG_WEIGHTS | AIINEQ_REG_CONTROL_WAGE | AIINEQ_REG_MAJOR_FE, AIINEQ_COV_CR1, 2, REF_OEWS_WLS_CTRL_FE_CR1_DLOG_P90_P10_COEF, REF_OEWS_WLS_CTRL_FE_CR1_DLOG_P90_P10_SE, REF_OEWS_WLS_CTRL_FE_CR1_DLOG_P90_P10_P, sizeof REF_OEWS_WLS_CTRL_FE_CR1_DLOG_P90_P10_COEF / sizeof(double), REF_OEWS_WLS_CTRL_FE_CR1_DLOG_P90_P10_N},
    {AIINEQ_REG_WEIGHTS | AIINEQ_REG_CONTROL_WAGE | AIINEQ_REG_MAJOR_FE, AIINEQ_COV_CR1, 3, REF_OEWS_WLS_CTRL_FE_CR1_DLOG_P50_P10_COEF, REF_OEWS_WLS_CTRL_FE_CR1_DLOG_P50_P10_SE, REF_OEWS_WLS_CTRL_FE_CR1_DLOG_P50_P10_P, sizeof REF_OEWS_WLS_CTRL_FE_CR1_DLOG_P50_P10_COEF / sizeof(double), REF_OEWS_WLS_CTRL_FE_CR1_DLOG_P50_P10_N},
    {AIINEQ_REG_WEIGHTS | AIINEQ_REG_CONTROL_WAGE | AIINEQ_REG_MAJOR_FE, AIINEQ_COV_CR1, 4, REF_OEWS_WLS_CTRL_FE_CR1_DLOG_P90_P50_COEF, REF_OEWS_WLS_CTRL_FE_CR1_DLOG_P90_P50_SE, REF_OEWS_WLS_CTRL_FE_CR1_DLOG_P90_P50_P, sizeof REF_OEWS_WLS_CTRL_FE_CR1_DLOG_P90_P50_COEF / sizeof(double), REF_OEWS_WLS_CTRL_FE_CR1_DLOG_P90_P50_N},
};

START_TEST(test_regressions_vs_statsmodels) {
  aiineq_panel *p = build_panel(2019, 2023);
  aiineq_ols *o = NULL;
  AIQ_ASSERT_OK(aiineq_ols_new(&o));
  for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
    const ref_case *r = &cases[c];
    int rc = aiineq_panel_regress(p, r->outcome, r->flags, r->cov, o);
    ck_assert_msg(rc == AIINEQ_OK, "case %zu: %s", c, aiineq_ols_errmsg(o));
    double k = 0, n = 0;
    AIQ_ASSERT_OK(aiineq_ols_get_stat(o, "k", &k));
    AIQ_ASSERT_OK(aiineq_ols_get_stat(o, "n", &n));
    ck_assert_msg((size_t)k == r->k && (int)n == r->n, "case %zu: k %g n %g, statsmodels %zu %d",
                  c, k, n, r->k, r->n);
    double b[64], se[64], pv[64];
    AIQ_ASSERT_OK(aiineq_ols_get_coef(o, b, se, NULL, pv, r->k));
    for (size_t j = 0; j < r->k; j++) {
      ck_assert_msg(fabs(b[j] - r->coef[j]) <= 1e-8 * fabs(r->coef[j]),
                    "case %zu coef %zu: %.17g vs statsmodels %.17g", c, j, b[j], r->coef[j]);
      ck_assert_msg(fabs(se[j] - r->se[j]) <= 1e-8 * fabs(r->se[j]),
                    "case %zu se %zu: %.17g vs statsmodels %.17g", c, j, se[j], r->se[j]);
      ck_assert_msg(fabs(pv[j] - r->p[j]) <= 1e-7 * fabs(r->p[j]) + 1e-300,
                    "case %zu p %zu: %.17g vs statsmodels %.17g", c, j, pv[j], r->p[j]);
    }
  }
  aiineq_ols_free(o);
  aiineq_panel_free(p);
}
END_TEST

/* Every pair of shipped years builds a panel and fits all five outcomes. */
START_TEST(test_other_years) {
  static const int pairs[][2] = {{2019, 2020}, {2020, 2021}, {2021, 2023}};
  aiineq_ols *o = NULL;
  AIQ_ASSERT_OK(aiineq_ols_new(&o));
  for (int i = 0; i < 3; i++) {
    aiineq_panel *p = build_panel(pairs[i][0], pairs[i][1]);
    ck_assert_uint_gt(count(p, "matched"), 650);
    for (int y = 0; y < AIINEQ_N_OUTCOMES; y++) {
      int rc = aiineq_panel_regress(p, y, AIINEQ_REG_MAJOR_FE, AIINEQ_COV_CR2, o);
      ck_assert_msg(rc == AIINEQ_OK, "%d-%d %s: %s", pairs[i][0], pairs[i][1],
                    aiineq_outcome_name(y), aiineq_ols_errmsg(o));
    }
    aiineq_panel_free(p);
  }
  aiineq_ols_free(o);
}
END_TEST

Suite *aiq_suite_oews_data(void) {
  Suite *s = suite_create("oews_data");
  TCase *tc = tcase_create("shared");
  tcase_add_test(tc, test_every_year_reads);
  tcase_add_test(tc, test_panel_counts);
  tcase_add_test(tc, test_regressions_vs_statsmodels);
  tcase_add_test(tc, test_other_years);
  suite_add_tcase(s, tc);
  return s;
}
