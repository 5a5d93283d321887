/*
 * test_ols.c -- the regression engine: closed forms, statsmodels reference
 * numbers on a synthetic design (tests/ref/ols_ref.h, made by
 * tests/ref/make_ols_ref.py), Student t tails against scipy, the missing
 * data policy and every error path.
 */
#include <stdint.h>
#include <string.h>

#include "ref/ols_ref.h"
#include "testutil.h"

#define NSYN 40
#define KSYN 3

/* Relative comparison, with an absolute floor for values near zero. */
#define ASSERT_REL(a, b, rel)                                                             \
  do {                                                                                    \
    double ra_ = (a), rb_ = (b);                                                          \
    ck_assert_msg(fabs(ra_ - rb_) <= (rel)*fabs(rb_) + 1e-300, "%s = %.17g, expected %.17g", \
                  #a, ra_, rb_);                                                          \
  } while (0)

static aiineq_ols *new_ols(void) {
  aiineq_ols *o = NULL;
  AIQ_ASSERT_OK(aiineq_ols_new(&o));
  ck_assert_ptr_nonnull(o);
  return o;
}

static double stat(const aiineq_ols *o, const char *name) {
  double v = NAN;
  AIQ_ASSERT_OK(aiineq_ols_get_stat(o, name, &v));
  return v;
}

/* The synthetic design of tests/ref/make_ols_ref.py. */
static void synthetic(double *y, double *X, double *w, double *g) {
  for (int i = 0; i < NSYN; i++) {
    double x1 = sin(1.3 * i) + i / 20.0, x2 = cos(0.7 * i);
    y[i] = 1.0 + 0.5 * x1 - 0.3 * x2 + 0.4 * sin(0.37 * i * i) * (1.0 + fabs(x1));
    X[i * 3] = 1.0;
    X[i * 3 + 1] = x1;
    X[i * 3 + 2] = x2;
    w[i] = 1.0 + (i % 5) / 2.0;
    g[i] = i % 6;
  }
}

/* y = 1.4 + 0.8 x + e on x = 0..4: every number by hand. */
START_TEST(test_closed_form_simple) {
  const double y[] = {1, 3, 2, 5, 4};
  double X[10];
  for (int i = 0; i < 5; i++) X[2 * i] = 1, X[2 * i + 1] = i;
  aiineq_ols *o = new_ols();
  AIQ_ASSERT_OK(aiineq_ols_set_data(o, y, X, 5, 2));
  AIQ_ASSERT_OK(aiineq_ols_fit(o));
  double b[2], se[2], t[2], p[2];
  AIQ_ASSERT_OK(aiineq_ols_get_coef(o, b, se, t, p, 2));
  AIQ_ASSERT_NEAR(b[0], 1.4, 1e-14);
  AIQ_ASSERT_NEAR(b[1], 0.8, 1e-14);
  /* s^2 = 3.6/3; Var(b) = s^2/Sxx = 0.12; Var(a) = s^2 (1/5 + 4/10) = 0.72 */
  AIQ_ASSERT_NEAR(se[1], sqrt(0.12), 1e-14);
  AIQ_ASSERT_NEAR(se[0], sqrt(0.72), 1e-14);
  AIQ_ASSERT_NEAR(t[1], 0.8 / sqrt(0.12), 1e-13);
  AIQ_ASSERT_NEAR(p[1], REF_T_P[1], 1e-14); /* t(3) tail at 2.3094 (scipy) */
  AIQ_ASSERT_NEAR(stat(o, "r2"), 0.64, 1e-14);
  AIQ_ASSERT_NEAR(stat(o, "ssr"), 3.6, 1e-13);
  AIQ_ASSERT_NEAR(stat(o, "df_resid"), 3, 0);
  AIQ_ASSERT_NEAR(stat(o, "df_inference"), 3, 0);
  /* HC0 slope variance: sum (x - xbar)^2 e^2 / Sxx^2 = 4.16 / 100; HC1
   * multiplies by n/(n-k) = 5/3. */
  AIQ_ASSERT_OK(aiineq_ols_set_cov(o, AIINEQ_COV_HC0));
  AIQ_ASSERT_OK(aiineq_ols_fit(o));
  double V[4];
  AIQ_ASSERT_OK(aiineq_ols_get_vcov(o, V, 4));
  AIQ_ASSERT_NEAR(V[3], 0.0416, 1e-15);
  AIQ_ASSERT_NEAR(V[1], V[2], 0);
  AIQ_ASSERT_OK(aiineq_ols_set_cov(o, AIINEQ_COV_HC1));
  AIQ_ASSERT_OK(aiineq_ols_fit(o));
  AIQ_ASSERT_OK(aiineq_ols_get_vcov(o, V, 4));
  AIQ_ASSERT_NEAR(V[3], 0.0416 * 5 / 3, 1e-15);
  AIQ_ASSERT_NEAR(stat(o, "dist"), AIINEQ_DIST_NORMAL, 0);
  aiineq_ols_free(o);
}
END_TEST

/* Weights w = 2 on a duplicated-row design reproduce the coefficients of the
 * design with each row present twice (the defining property of WLS). */
START_TEST(test_weights_as_replication) {
  const double y[] = {1, 3, 2, 5, 4}, w[] = {2, 1, 2, 1, 1};
  double X[10], y2[7], X2[14];
  int r = 0;
  for (int i = 0; i < 5; i++) {
    X[2 * i] = 1, X[2 * i + 1] = i * i - 1.5 * i;
    for (int c = 0; c < (int)w[i]; c++, r++) y2[r] = y[i], X2[2 * r] = 1, X2[2 * r + 1] = X[2 * i + 1];
  }
  aiineq_ols *a = new_ols(), *b = new_ols();
  AIQ_ASSERT_OK(aiineq_ols_set_data(a, y, X, 5, 2));
  AIQ_ASSERT_OK(aiineq_ols_set_weights(a, w, 5));
  AIQ_ASSERT_OK(aiineq_ols_fit(a));
  AIQ_ASSERT_OK(aiineq_ols_set_data(b, y2, X2, 7, 2));
  AIQ_ASSERT_OK(aiineq_ols_fit(b));
  double ba[2], bb[2];
  AIQ_ASSERT_OK(aiineq_ols_get_coef(a, ba, NULL, NULL, NULL, 2));
  AIQ_ASSERT_OK(aiineq_ols_get_coef(b, bb, NULL, NULL, NULL, 2));
  AIQ_ASSERT_NEAR(ba[0], bb[0], 1e-13);
  AIQ_ASSERT_NEAR(ba[1], bb[1], 1e-13);
  AIQ_ASSERT_NEAR(stat(a, "r2"), stat(b, "r2"), 1e-13);
  aiineq_ols_free(a);
  aiineq_ols_free(b);
}
END_TEST

static void check_cov(aiineq_ols *o, int cov, int dist, const double *se_ref, const double *p_ref) {
  double b[KSYN], se[KSYN], t[KSYN], p[KSYN];
  AIQ_ASSERT_OK(aiineq_ols_set_cov(o, cov));
  AIQ_ASSERT_OK(aiineq_ols_set_dist(o, dist));
  AIQ_ASSERT_OK(aiineq_ols_fit(o));
  AIQ_ASSERT_OK(aiineq_ols_get_coef(o, b, se, t, p, KSYN));
  for (int j = 0; j < KSYN; j++) {
    ASSERT_REL(se[j], se_ref[j], 1e-10);
    AIQ_ASSERT_NEAR(t[j], b[j] / se[j], 0);
    if (p_ref) ASSERT_REL(p[j], p_ref[j], 1e-9);
  }
}

static void synthetic_vs_statsmodels(int weighted) {
  double y[NSYN], X[NSYN * KSYN], w[NSYN], g[NSYN];
  synthetic(y, X, w, g);
  aiineq_ols *o = new_ols();
  AIQ_ASSERT_OK(aiineq_ols_set_data(o, y, X, NSYN, KSYN));
  if (weighted) AIQ_ASSERT_OK(aiineq_ols_set_weights(o, w, NSYN));
  AIQ_ASSERT_OK(aiineq_ols_set_clusters(o, g, NSYN));
  AIQ_ASSERT_OK(aiineq_ols_fit(o));
  double b[KSYN];
  AIQ_ASSERT_OK(aiineq_ols_get_coef(o, b, NULL, NULL, NULL, KSYN));
  const double *cref = weighted ? REF_WLS_COEF : REF_OLS_COEF;
  for (int j = 0; j < KSYN; j++) ASSERT_REL(b[j], cref[j], 1e-12);
  ASSERT_REL(stat(o, "r2"), weighted ? REF_WLS_R2 : REF_OLS_R2, 1e-12);
  ASSERT_REL(stat(o, "r2_adj"), weighted ? REF_WLS_R2ADJ : REF_OLS_R2ADJ, 1e-12);
#define CHECK(COV, NAME)                                                                 \
  check_cov(o, AIINEQ_COV_##COV, AIINEQ_DIST_AUTO,                                      \
            weighted ? REF_WLS_SE_##NAME : REF_OLS_SE_##NAME,                           \
            weighted ? REF_WLS_P_##NAME : REF_OLS_P_##NAME);                            \
  check_cov(o, AIINEQ_COV_##COV, AIINEQ_DIST_T, weighted ? REF_WLS_SE_##NAME : REF_OLS_SE_##NAME, \
            weighted ? REF_WLS_PT_##NAME : REF_OLS_PT_##NAME)
  CHECK(CLASSICAL, NONROBUST);
  CHECK(HC0, HC0);
  CHECK(HC1, HC1);
  CHECK(HC2, HC2);
  CHECK(HC3, HC3);
  CHECK(CR1, CR1);
#undef CHECK
  AIQ_ASSERT_NEAR(stat(o, "n_clusters"), 6, 0);
  AIQ_ASSERT_NEAR(stat(o, "df_inference"), 5, 0);
  check_cov(o, AIINEQ_COV_CR2, AIINEQ_DIST_AUTO, weighted ? REF_WLS_SE_CR2 : REF_OLS_SE_CR2,
            weighted ? REF_WLS_PT_CR2 : REF_OLS_PT_CR2);
  AIQ_ASSERT_NEAR(stat(o, "df_inference"), 5, 0);
  AIQ_ASSERT_NEAR(stat(o, "dist"), AIINEQ_DIST_T, 0);
  /* Bell-McCaffrey degrees of freedom, against the definition in numpy */
  check_cov(o, AIINEQ_COV_CR2, AIINEQ_DIST_BM, weighted ? REF_WLS_SE_CR2 : REF_OLS_SE_CR2,
            weighted ? REF_WLS_PBM : REF_OLS_PBM);
  double df[KSYN];
  AIQ_ASSERT_OK(aiineq_ols_get_df(o, df, KSYN));
  for (int j = 0; j < KSYN; j++) ASSERT_REL(df[j], (weighted ? REF_WLS_BMDF : REF_OLS_BMDF)[j], 1e-10);
  ck_assert(isnan(stat(o, "df_inference")));
  /* BM degrees of freedom belong to CR2 */
  AIQ_ASSERT_OK(aiineq_ols_set_cov(o, AIINEQ_COV_CR1));
  AIQ_ASSERT_STATUS(aiineq_ols_fit(o), AIINEQ_ERR_STATE);
  AIQ_ASSERT_OK(aiineq_ols_set_dist(o, AIINEQ_DIST_AUTO));
  AIQ_ASSERT_OK(aiineq_ols_fit(o));
  AIQ_ASSERT_OK(aiineq_ols_get_df(o, df, KSYN));
  ck_assert(isinf(df[0]) && isinf(df[2]));
  AIQ_ASSERT_STATUS(aiineq_ols_get_df(o, df, 2), AIINEQ_ERR_SIZE);
  aiineq_ols_free(o);
}

START_TEST(test_ols_vs_statsmodels) { synthetic_vs_statsmodels(0); }
END_TEST

START_TEST(test_wls_vs_statsmodels) { synthetic_vs_statsmodels(1); }
END_TEST

START_TEST(test_t_pvalue) {
  size_t n = sizeof REF_T_P / sizeof REF_T_P[0];
  for (size_t i = 0; i < n; i++) {
    double p = -1;
    AIQ_ASSERT_OK(aiineq_t_pvalue(REF_T_ARGS[2 * i], REF_T_ARGS[2 * i + 1], &p));
    /* documented accuracy: 1e-13 relative up to df = 1000, 1e-10 beyond */
    double tol = REF_T_ARGS[2 * i + 1] <= 1000 ? 1e-13 : 1e-10;
    ck_assert_msg(fabs(p - REF_T_P[i]) <= tol * REF_T_P[i] + 1e-300,
                  "t = %g df = %g: p = %.17g, scipy %.17g", REF_T_ARGS[2 * i],
                  REF_T_ARGS[2 * i + 1], p, REF_T_P[i]);
  }
  double p;
  AIQ_ASSERT_OK(aiineq_t_pvalue(1.959963984540054, INFINITY, &p));
  AIQ_ASSERT_NEAR(p, 0.05, 1e-15);
  AIQ_ASSERT_OK(aiineq_t_pvalue(INFINITY, 5, &p));
  AIQ_ASSERT_NEAR(p, 0, 0);
  /* t(1) is Cauchy: P(|T| >= t) = 1 - 2 atan(t)/pi */
  AIQ_ASSERT_OK(aiineq_t_pvalue(3.0, 1, &p));
  AIQ_ASSERT_NEAR(p, 1 - 2 * atan(3.0) / 3.14159265358979323846, 1e-15);
  /* t(2): P(|T| >= t) = 1 - t / sqrt(2 + t^2) */
  AIQ_ASSERT_OK(aiineq_t_pvalue(0.7, 2, &p));
  AIQ_ASSERT_NEAR(p, 1 - 0.7 / sqrt(2.49), 1e-15);
  AIQ_ASSERT_STATUS(aiineq_t_pvalue(NAN, 5, &p), AIINEQ_ERR_NONFINITE);
  AIQ_ASSERT_STATUS(aiineq_t_pvalue(1, 0, &p), AIINEQ_ERR_RANGE);
  AIQ_ASSERT_STATUS(aiineq_t_pvalue(1, NAN, &p), AIINEQ_ERR_RANGE);
  AIQ_ASSERT_STATUS(aiineq_t_pvalue(1, 5, NULL), AIINEQ_ERR_ARG);
}
END_TEST

/* Rows with NaN are dropped and counted; the fit equals the fit on the
 * complete rows alone. */
START_TEST(test_missing_rows) {
  double y[NSYN], X[NSYN * KSYN], w[NSYN], g[NSYN];
  synthetic(y, X, w, g);
  double ym[NSYN + 4], Xm[(NSYN + 4) * KSYN], gm[NSYN + 4];
  memcpy(ym, y, sizeof y);
  memcpy(Xm, X, sizeof X);
  memcpy(gm, g, sizeof g);
  for (int r = NSYN; r < NSYN + 4; r++) {
    ym[r] = 1, gm[r] = 1;
    for (int j = 0; j < KSYN; j++) Xm[r * KSYN + j] = 1;
  }
  ym[NSYN] = NAN;             /* outcome */
  Xm[(NSYN + 1) * KSYN + 2] = NAN; /* regressor */
  gm[NSYN + 2] = NAN;         /* cluster id */
  ym[NSYN + 3] = NAN, gm[NSYN + 3] = NAN; /* two reasons */
  aiineq_ols *o = new_ols();
  AIQ_ASSERT_OK(aiineq_ols_set_data(o, ym, Xm, NSYN + 4, KSYN));
  AIQ_ASSERT_OK(aiineq_ols_set_clusters(o, gm, NSYN + 4));
  /* Without a cluster covariance the missing cluster id does not drop. */
  AIQ_ASSERT_OK(aiineq_ols_fit(o));
  AIQ_ASSERT_NEAR(stat(o, "n"), NSYN + 1, 0);
  AIQ_ASSERT_NEAR(stat(o, "n_dropped"), 3, 0);
  AIQ_ASSERT_NEAR(stat(o, "dropped_cluster"), 0, 0);
  AIQ_ASSERT_OK(aiineq_ols_set_cov(o, AIINEQ_COV_CR1));
  AIQ_ASSERT_OK(aiineq_ols_fit(o));
  AIQ_ASSERT_NEAR(stat(o, "n"), NSYN, 0);
  AIQ_ASSERT_NEAR(stat(o, "n_dropped"), 4, 0);
  AIQ_ASSERT_NEAR(stat(o, "dropped_outcome"), 2, 0);
  AIQ_ASSERT_NEAR(stat(o, "dropped_regressor"), 1, 0);
  AIQ_ASSERT_NEAR(stat(o, "dropped_cluster"), 2, 0);
  AIQ_ASSERT_NEAR(stat(o, "dropped_weight"), 0, 0);
  double b[KSYN], se[KSYN];
  AIQ_ASSERT_OK(aiineq_ols_get_coef(o, b, se, NULL, NULL, KSYN));
  for (int j = 0; j < KSYN; j++) {
    ASSERT_REL(b[j], REF_OLS_COEF[j], 1e-12);
    ASSERT_REL(se[j], REF_OLS_SE_CR1[j], 1e-10);
  }
  aiineq_ols_free(o);
}
END_TEST

START_TEST(test_rank_deficient) {
  double y[NSYN], X[NSYN * KSYN], w[NSYN], g[NSYN], X4[NSYN * 4];
  synthetic(y, X, w, g);
  for (int i = 0; i < NSYN; i++) {
    for (int j = 0; j < 3; j++) X4[i * 4 + j] = X[i * 3 + j];
    X4[i * 4 + 3] = 2 * X[i * 3 + 1] - 0.5 * X[i * 3 + 2] + 3; /* combination */
  }
  aiineq_ols *o = new_ols();
  AIQ_ASSERT_OK(aiineq_ols_set_data(o, y, X4, NSYN, 4));
  const char *names[] = {"const", "x1", "x2", "combo"};
  for (size_t j = 0; j < 4; j++) AIQ_ASSERT_OK(aiineq_ols_set_name(o, j, names[j]));
  AIQ_ASSERT_STATUS(aiineq_ols_fit(o), AIINEQ_ERR_SINGULAR);
  const char *msg = aiineq_ols_errmsg(o);
  ck_assert_msg(strstr(msg, "rank 3 of 4") != NULL, "%s", msg);
  int named = 0;
  for (int j = 0; j < 4; j++) {
    char q[32];
    snprintf(q, sizeof q, "'%s'", names[j]);
    named += strstr(msg, q) != NULL;
  }
  ck_assert_msg(named == 1, "%s", msg);
  double b[4];
  AIQ_ASSERT_STATUS(aiineq_ols_get_coef(o, b, NULL, NULL, NULL, 4), AIINEQ_ERR_STATE);
  /* A column of zeros is named directly. */
  for (int i = 0; i < NSYN; i++) X4[i * 4 + 3] = 0;
  AIQ_ASSERT_OK(aiineq_ols_set_data(o, y, X4, NSYN, 4));
  AIQ_ASSERT_OK(aiineq_ols_set_name(o, 3, "empty"));
  AIQ_ASSERT_STATUS(aiineq_ols_fit(o), AIINEQ_ERR_SINGULAR);
  ck_assert_msg(strstr(aiineq_ols_errmsg(o), "'empty' (column 3) is zero") != NULL, "%s",
                aiineq_ols_errmsg(o));
  /* A duplicated dummy set: two complementary dummies plus a constant. */
  for (int i = 0; i < NSYN; i++) X4[i * 4 + 3] = 1.0 - (i % 2), X4[i * 4 + 2] = i % 2;
  AIQ_ASSERT_OK(aiineq_ols_set_data(o, y, X4, NSYN, 4));
  AIQ_ASSERT_STATUS(aiineq_ols_fit(o), AIINEQ_ERR_SINGULAR);
  aiineq_ols_free(o);
}
END_TEST

START_TEST(test_errors) {
  double y[NSYN], X[NSYN * KSYN], w[NSYN], g[NSYN];
  synthetic(y, X, w, g);
  aiineq_ols *o = new_ols();
  AIQ_ASSERT_STATUS(aiineq_ols_new(NULL), AIINEQ_ERR_ARG);
  aiineq_ols_free(NULL);
  ck_assert_str_eq(aiineq_ols_errmsg(NULL), "regression handle is NULL");
  AIQ_ASSERT_STATUS(aiineq_ols_fit(o), AIINEQ_ERR_STATE);
  AIQ_ASSERT_STATUS(aiineq_ols_set_weights(o, w, NSYN), AIINEQ_ERR_STATE);
  AIQ_ASSERT_STATUS(aiineq_ols_set_data(o, NULL, X, NSYN, KSYN), AIINEQ_ERR_ARG);
  AIQ_ASSERT_STATUS(aiineq_ols_set_data(o, y, X, 0, KSYN), AIINEQ_ERR_SIZE);
  AIQ_ASSERT_STATUS(aiineq_ols_set_data(o, y, X, SIZE_MAX / 2, KSYN), AIINEQ_ERR_SIZE);
  X[5] = INFINITY;
  AIQ_ASSERT_STATUS(aiineq_ols_set_data(o, y, X, NSYN, KSYN), AIINEQ_ERR_NONFINITE);
  ck_assert_msg(strstr(aiineq_ols_errmsg(o), "row 1, column 2") != NULL, "%s",
                aiineq_ols_errmsg(o));
  synthetic(y, X, w, g);
  AIQ_ASSERT_OK(aiineq_ols_set_data(o, y, X, NSYN, KSYN));
  AIQ_ASSERT_STATUS(aiineq_ols_set_cov(o, 7), AIINEQ_ERR_RANGE);
  AIQ_ASSERT_STATUS(aiineq_ols_set_dist(o, -1), AIINEQ_ERR_RANGE);
  AIQ_ASSERT_STATUS(aiineq_ols_set_dist(o, 4), AIINEQ_ERR_RANGE);
  AIQ_ASSERT_STATUS(aiineq_ols_set_name(o, 3, "x"), AIINEQ_ERR_RANGE);
  AIQ_ASSERT_STATUS(aiineq_ols_set_weights(o, w, NSYN - 1), AIINEQ_ERR_SIZE);
  /* zero and negative weights are rejected, naming the row */
  w[7] = 0;
  AIQ_ASSERT_STATUS(aiineq_ols_set_weights(o, w, NSYN), AIINEQ_ERR_RANGE);
  ck_assert_msg(strstr(aiineq_ols_errmsg(o), "row 7") != NULL, "%s", aiineq_ols_errmsg(o));
  w[7] = -1;
  AIQ_ASSERT_STATUS(aiineq_ols_set_weights(o, w, NSYN), AIINEQ_ERR_RANGE);
  w[7] = INFINITY;
  AIQ_ASSERT_STATUS(aiineq_ols_set_weights(o, w, NSYN), AIINEQ_ERR_NONFINITE);
  /* cluster covariance without clusters */
  AIQ_ASSERT_OK(aiineq_ols_set_cov(o, AIINEQ_COV_CR1));
  AIQ_ASSERT_STATUS(aiineq_ols_fit(o), AIINEQ_ERR_STATE);
  /* a single cluster */
  double one[NSYN];
  for (int i = 0; i < NSYN; i++) one[i] = 4;
  AIQ_ASSERT_OK(aiineq_ols_set_clusters(o, one, NSYN));
  AIQ_ASSERT_STATUS(aiineq_ols_fit(o), AIINEQ_ERR_DEGENERATE);
  ck_assert_msg(strstr(aiineq_ols_errmsg(o), "at least 2 clusters") != NULL, "%s",
                aiineq_ols_errmsg(o));
  AIQ_ASSERT_OK(aiineq_ols_set_cov(o, AIINEQ_COV_CR2));
  AIQ_ASSERT_STATUS(aiineq_ols_fit(o), AIINEQ_ERR_DEGENERATE);
  /* a failed fit keeps the previous estimates */
  AIQ_ASSERT_OK(aiineq_ols_set_cov(o, AIINEQ_COV_CLASSICAL));
  AIQ_ASSERT_OK(aiineq_ols_fit(o));
  AIQ_ASSERT_OK(aiineq_ols_set_cov(o, AIINEQ_COV_CR1));
  AIQ_ASSERT_STATUS(aiineq_ols_fit(o), AIINEQ_ERR_DEGENERATE);
  double b[KSYN];
  AIQ_ASSERT_OK(aiineq_ols_get_coef(o, b, NULL, NULL, NULL, KSYN));
  ASSERT_REL(b[1], REF_OLS_COEF[1], 1e-12);
  AIQ_ASSERT_NEAR(stat(o, "cov_type"), AIINEQ_COV_CLASSICAL, 0);
  AIQ_ASSERT_STATUS(aiineq_ols_get_coef(o, b, NULL, NULL, NULL, 2), AIINEQ_ERR_SIZE);
  double v;
  AIQ_ASSERT_STATUS(aiineq_ols_get_stat(o, "nope", &v), AIINEQ_ERR_NAME);
  /* all-missing outcome */
  AIQ_ASSERT_OK(aiineq_ols_set_cov(o, AIINEQ_COV_CLASSICAL));
  for (int i = 0; i < NSYN; i++) y[i] = NAN;
  AIQ_ASSERT_OK(aiineq_ols_set_data(o, y, X, NSYN, KSYN));
  AIQ_ASSERT_STATUS(aiineq_ols_fit(o), AIINEQ_ERR_SIZE);
  ck_assert_msg(strstr(aiineq_ols_errmsg(o), "outcome is missing (NaN) in all 40 rows") != NULL,
                "%s", aiineq_ols_errmsg(o));
  /* no more rows than regressors */
  synthetic(y, X, w, g);
  AIQ_ASSERT_OK(aiineq_ols_set_data(o, y, X, 3, KSYN));
  AIQ_ASSERT_STATUS(aiineq_ols_fit(o), AIINEQ_ERR_SIZE);
  /* leverage one under HC2 (a dummy for a single observation) */
  double Xd[NSYN * 2];
  for (int i = 0; i < NSYN; i++) Xd[2 * i] = 1, Xd[2 * i + 1] = i == 3;
  AIQ_ASSERT_OK(aiineq_ols_set_data(o, y, Xd, NSYN, 2));
  AIQ_ASSERT_OK(aiineq_ols_set_cov(o, AIINEQ_COV_HC2));
  AIQ_ASSERT_STATUS(aiineq_ols_fit(o), AIINEQ_ERR_DEGENERATE);
  AIQ_ASSERT_OK(aiineq_ols_set_cov(o, AIINEQ_COV_HC1));
  AIQ_ASSERT_OK(aiineq_ols_fit(o));
  aiineq_ols_free(o);
}
END_TEST

/* CR2 with cluster fixed effects (I - H_gg singular): the pseudo-inverse
 * square root gives finite errors no smaller than zero, and CR2 on
 * singleton clusters equals HC2. */
START_TEST(test_cr2_special_cases) {
  double y[NSYN], X[NSYN * KSYN], w[NSYN], g[NSYN], id[NSYN];
  synthetic(y, X, w, g);
  for (int i = 0; i < NSYN; i++) id[i] = i;
  aiineq_ols *o = new_ols();
  AIQ_ASSERT_OK(aiineq_ols_set_data(o, y, X, NSYN, KSYN));
  AIQ_ASSERT_OK(aiineq_ols_set_weights(o, w, NSYN));
  AIQ_ASSERT_OK(aiineq_ols_set_clusters(o, id, NSYN));
  AIQ_ASSERT_OK(aiineq_ols_set_cov(o, AIINEQ_COV_CR2));
  AIQ_ASSERT_OK(aiineq_ols_fit(o));
  double se2[KSYN];
  AIQ_ASSERT_OK(aiineq_ols_get_coef(o, NULL, se2, NULL, NULL, KSYN));
  for (int j = 0; j < KSYN; j++) ASSERT_REL(se2[j], REF_WLS_SE_HC2[j], 1e-10);
  /* fixed effects for the six clusters plus x1, x2 */
  double Xf[NSYN * 8];
  for (int i = 0; i < NSYN; i++) {
    for (int c = 0; c < 6; c++) Xf[i * 8 + c] = (i % 6) == c;
    Xf[i * 8 + 6] = X[i * 3 + 1], Xf[i * 8 + 7] = X[i * 3 + 2];
  }
  AIQ_ASSERT_OK(aiineq_ols_set_data(o, y, Xf, NSYN, 8));
  AIQ_ASSERT_OK(aiineq_ols_set_clusters(o, g, NSYN));
  AIQ_ASSERT_OK(aiineq_ols_set_cov(o, AIINEQ_COV_CR2));
  AIQ_ASSERT_OK(aiineq_ols_fit(o));
  double se[8];
  AIQ_ASSERT_OK(aiineq_ols_get_coef(o, NULL, se, NULL, NULL, 8));
  ck_assert(isfinite(se[6]) && se[6] > 0 && isfinite(se[7]) && se[7] > 0);
  aiineq_ols_free(o);
}
END_TEST

Suite *aiq_suite_ols(void) {
  Suite *s = suite_create("ols");
  TCase *tc = tcase_create("core");
  tcase_add_test(tc, test_closed_form_simple);
  tcase_add_test(tc, test_weights_as_replication);
  tcase_add_test(tc, test_ols_vs_statsmodels);
  tcase_add_test(tc, test_wls_vs_statsmodels);
  tcase_add_test(tc, test_t_pvalue);
  tcase_add_test(tc, test_missing_rows);
  tcase_add_test(tc, test_rank_deficient);
  tcase_add_test(tc, test_errors);
  tcase_add_test(tc, test_cr2_special_cases);
  suite_add_tcase(s, tc);
  return s;
}
