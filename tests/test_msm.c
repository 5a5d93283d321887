/*
 * test_msm.c -- the MSM estimator on toy problems with closed forms:
 * linear moments m(b) = A b + c, where the estimate, Jacobian, Lambda,
 * sandwich covariance and J statistic are known exactly; the Sobol
 * generator against scipy; the chi-square tail against closed forms and
 * scipy; bad input leaving the handle unchanged.
 */
#include <string.h>

#include "sobol.h"
#include "testutil.h"

/* Linear toy: m = A b + c with A (nm x nb, row major). */
typedef struct lin {
  size_t nm, nb;
  const double *A, *c;
  int calls, fail_after; /* fail_after > 0: fail from that call on */
} lin;

static int lin_moments(const double *b, size_t nb, double *m, size_t nm, void *user) {
  lin *t = user;
  t->calls++;
  if (t->fail_after > 0 && t->calls >= t->fail_after) return 7;
  ck_assert_uint_eq(nb, t->nb);
  ck_assert_uint_eq(nm, t->nm);
  for (size_t i = 0; i < nm; i++) {
    m[i] = t->c[i];
    for (size_t p = 0; p < nb; p++) m[i] += t->A[i * nb + p] * b[p];
  }
  return 0;
}

static const double A3[9] = {2.0, 0.5, 0.0, -1.0, 3.0, 0.25, 0.5, 0.0, 1.5};
static const double c3[3] = {0.1, -0.2, 0.3};
static const double b3[3] = {0.4, -0.3, 1.2};
static const double se3[3] = {0.05, 0.1, 0.02};

/* Estimator on the 3x3 toy with parameters p0, p1, p2 in [-2, 2]. */
static aiineq_msm *exact_toy(lin *t, const double *start) {
  aiineq_msm *e = NULL;
  AIQ_ASSERT_OK(aiineq_msm_new(&e, NULL));
  AIQ_ASSERT_OK(aiineq_msm_set_moment_fn(e, lin_moments, 3, t));
  double tg[3];
  for (int i = 0; i < 3; i++) {
    tg[i] = c3[i];
    for (int p = 0; p < 3; p++) tg[i] += A3[i * 3 + p] * b3[p];
  }
  AIQ_ASSERT_OK(aiineq_msm_set_targets(e, tg, se3, 3));
  const char *names[3] = {"p0", "p1", "p2"};
  for (int p = 0; p < 3; p++) AIQ_ASSERT_OK(aiineq_msm_add_param(e, names[p], -2, 2, start[p]));
  return e;
}

/* 3x3 inverse by cofactors (independent of LAPACK). */
static void inv3(const double *a, double *out) {
  double det = a[0] * (a[4] * a[8] - a[5] * a[7]) - a[1] * (a[3] * a[8] - a[5] * a[6]) +
               a[2] * (a[3] * a[7] - a[4] * a[6]);
  out[0] = (a[4] * a[8] - a[5] * a[7]) / det;
  out[1] = (a[2] * a[7] - a[1] * a[8]) / det;
  out[2] = (a[1] * a[5] - a[2] * a[4]) / det;
  out[3] = (a[5] * a[6] - a[3] * a[8]) / det;
  out[4] = (a[0] * a[8] - a[2] * a[6]) / det;
  out[5] = (a[2] * a[3] - a[0] * a[5]) / det;
  out[6] = (a[3] * a[7] - a[4] * a[6]) / det;
  out[7] = (a[1] * a[6] - a[0] * a[7]) / det;
  out[8] = (a[0] * a[4] - a[1] * a[3]) / det;
}

static const int algs[3] = {AIINEQ_MSM_LM, AIINEQ_MSM_BOBYQA, AIINEQ_MSM_SBPLX};

START_TEST(test_exact_recovery) {
  lin t = {3, 3, A3, c3, 0, 0};
  const double start[3] = {0.0, 0.0, 0.0};
  aiineq_msm *e = exact_toy(&t, start);
  AIQ_ASSERT_OK(aiineq_msm_set_algorithm(e, algs[_i]));
  AIQ_ASSERT_OK(aiineq_msm_set_sim_ratio(e, 4.0));
  AIQ_ASSERT_OK(aiineq_msm_estimate(e));
  double b[3], G[9], lam[9], lams[9], cov[9], se[3], ai[9], v;
  AIQ_ASSERT_OK(aiineq_msm_result(e, "estimate", b, 3));
  for (int p = 0; p < 3; p++) AIQ_ASSERT_NEAR(b[p], b3[p], 1e-6);
  AIQ_ASSERT_OK(aiineq_msm_stat(e, "objective", &v));
  ck_assert(v < 1e-10);
  /* Jacobian of a linear map: exact up to rounding */
  AIQ_ASSERT_OK(aiineq_msm_result(e, "jacobian", G, 9));
  for (int i = 0; i < 9; i++) AIQ_ASSERT_NEAR(G[i], A3[i], 1e-9);
  /* Exactly identified: Lambda = db/dmhat = A^-1 = -Ghat^-1 for the moment
   * condition ghat(b) = mhat - m(b) (Ghat = -A), whatever W is. */
  inv3(A3, ai);
  AIQ_ASSERT_OK(aiineq_msm_result(e, "lambda", lam, 9));
  for (int i = 0; i < 9; i++) AIQ_ASSERT_NEAR(lam[i], ai[i], 1e-8);
  AIQ_ASSERT_OK(aiineq_msm_result(e, "lambda_scaled", lams, 9));
  for (int p = 0; p < 3; p++)
    for (int j = 0; j < 3; j++) AIQ_ASSERT_NEAR(lams[p * 3 + j], ai[p * 3 + j] * se3[j], 1e-9);
  /* Sandwich: (1 + 1/S) A^-1 diag(se^2) A^-T with S = 4 */
  AIQ_ASSERT_OK(aiineq_msm_result(e, "cov", cov, 9));
  AIQ_ASSERT_OK(aiineq_msm_result(e, "se", se, 3));
  for (int p = 0; p < 3; p++)
    for (int q = 0; q < 3; q++) {
      double s = 0;
      for (int j = 0; j < 3; j++) s += ai[p * 3 + j] * se3[j] * se3[j] * ai[q * 3 + j];
      AIQ_ASSERT_NEAR(cov[p * 3 + q], 1.25 * s, 1e-9 * (1 + fabs(s)));
    }
  for (int p = 0; p < 3; p++) AIQ_ASSERT_NEAR(se[p], sqrt(cov[p * 3 + p]), 1e-15);
  AIQ_ASSERT_OK(aiineq_msm_stat(e, "sim_correction", &v));
  AIQ_ASSERT_NEAR(v, 1.25, 0);
  AIQ_ASSERT_OK(aiineq_msm_stat(e, "j_stat", &v));
  ck_assert(v < 1e-8);
  AIQ_ASSERT_OK(aiineq_msm_stat(e, "j_df", &v));
  AIQ_ASSERT_NEAR(v, 0, 0);
  AIQ_ASSERT_OK(aiineq_msm_stat(e, "j_pvalue", &v));
  ck_assert(isnan(v));
  AIQ_ASSERT_OK(aiineq_msm_stat(e, "jacobian_evaluations", &v));
  AIQ_ASSERT_NEAR(v, 6, 0);
  AIQ_ASSERT_OK(aiineq_msm_set_sim_ratio(e, INFINITY));
  AIQ_ASSERT_OK(aiineq_msm_estimate(e));
  AIQ_ASSERT_OK(aiineq_msm_stat(e, "sim_correction", &v));
  AIQ_ASSERT_NEAR(v, 1, 0);
  /* the start record */
  double x0[3], x1[3], obj;
  size_t ev;
  int reason;
  AIQ_ASSERT_OK(aiineq_msm_start_info(e, 0, x0, x1, 3, &obj, &ev, &reason));
  for (int p = 0; p < 3; p++) AIQ_ASSERT_NEAR(x0[p], 0, 0);
  for (int p = 0; p < 3; p++) AIQ_ASSERT_NEAR(x1[p], b[p], 0);
  ck_assert(reason > 0);
  ck_assert(ev > 3);
  AIQ_ASSERT_OK(aiineq_msm_stat(e, "evaluations", &v));
  AIQ_ASSERT_NEAR(v, (double)ev, 0);
  AIQ_ASSERT_STATUS(aiineq_msm_start_info(e, 1, NULL, NULL, 0, NULL, NULL, NULL),
                    AIINEQ_ERR_RANGE);
  aiineq_msm_free(e);
}
END_TEST

/* Over-identified: 4 moments, 2 parameters; closed-form GLS estimate. */
static const double A42[8] = {1.0, 0.0, 0.0, 1.0, 1.0, 1.0, 2.0, -1.0};
static const double c4[4] = {0.0, 0.5, -0.5, 1.0};
static const double t4[4] = {0.52, 0.31, 0.05, 1.71};
static const double se4[4] = {0.1, 0.05, 0.2, 0.1};

/* GLS b = (A'WA)^-1 A'W (t - c), W = diag(w). */
static void gls2(const double *w, double *b, double *ainv) {
  double a00 = 0, a01 = 0, a11 = 0, r0 = 0, r1 = 0;
  for (int i = 0; i < 4; i++) {
    double x = A42[2 * i], y = A42[2 * i + 1], d = t4[i] - c4[i];
    a00 += w[i] * x * x, a01 += w[i] * x * y, a11 += w[i] * y * y;
    r0 += w[i] * x * d, r1 += w[i] * y * d;
  }
  double det = a00 * a11 - a01 * a01;
  ainv[0] = a11 / det, ainv[1] = -a01 / det, ainv[2] = -a01 / det, ainv[3] = a00 / det;
  b[0] = ainv[0] * r0 + ainv[1] * r1;
  b[1] = ainv[2] * r0 + ainv[3] * r1;
}

/* The two-parameter estimate equals want to 1e-6. */
static void check_estimate2(const aiineq_msm *e, const double *want) {
  double b[2];
  AIQ_ASSERT_OK(aiineq_msm_result(e, "estimate", b, 2));
  AIQ_ASSERT_NEAR(b[0], want[0], 1e-6);
  AIQ_ASSERT_NEAR(b[1], want[1], 1e-6);
}

static aiineq_msm *over_toy(lin *t) {
  aiineq_msm *e = NULL;
  AIQ_ASSERT_OK(aiineq_msm_new(&e, NULL));
  AIQ_ASSERT_OK(aiineq_msm_set_moment_fn(e, lin_moments, 4, t));
  AIQ_ASSERT_OK(aiineq_msm_set_targets(e, t4, se4, 4));
  AIQ_ASSERT_OK(aiineq_msm_add_param(e, "a", -5, 5, 0.0));
  AIQ_ASSERT_OK(aiineq_msm_add_param(e, "b", -5, 5, 0.0));
  AIQ_ASSERT_OK(aiineq_msm_set_sim_ratio(e, INFINITY));
  return e;
}

START_TEST(test_overidentified) {
  lin t = {4, 2, A42, c4, 0, 0};
  aiineq_msm *e = over_toy(&t);
  AIQ_ASSERT_OK(aiineq_msm_set_algorithm(e, algs[_i]));
  AIQ_ASSERT_OK(aiineq_msm_estimate(e));
  double w[4], bw[2], ainv[4], lam[8], cov[4], v;
  for (int i = 0; i < 4; i++) w[i] = 1 / (se4[i] * se4[i]);
  gls2(w, bw, ainv);
  check_estimate2(e, bw);
  /* Lambda = (A'WA)^-1 A'W */
  AIQ_ASSERT_OK(aiineq_msm_result(e, "lambda", lam, 8));
  for (int p = 0; p < 2; p++)
    for (int j = 0; j < 4; j++) {
      double s = (ainv[2 * p] * A42[2 * j] + ainv[2 * p + 1] * A42[2 * j + 1]) * w[j];
      AIQ_ASSERT_NEAR(lam[p * 4 + j], s, 1e-8);
    }
  /* W = Omega^-1: the sandwich collapses to (A'WA)^-1 (S = infinity). */
  AIQ_ASSERT_OK(aiineq_msm_result(e, "cov", cov, 4));
  for (int i = 0; i < 4; i++) AIQ_ASSERT_NEAR(cov[i], ainv[i], 1e-8 * fabs(ainv[0]));
  /* J = r' Omega^-1 r at the GLS estimate, chi-square with 2 df:
   * upper tail exp(-J/2). */
  double jw = 0;
  for (int i = 0; i < 4; i++) {
    double r = c4[i] + A42[2 * i] * bw[0] + A42[2 * i + 1] * bw[1] - t4[i];
    jw += w[i] * r * r;
  }
  AIQ_ASSERT_OK(aiineq_msm_stat(e, "j_stat", &v));
  AIQ_ASSERT_NEAR(v, jw, 1e-8 * jw);
  ck_assert(jw > 1); /* the targets really are inconsistent */
  AIQ_ASSERT_OK(aiineq_msm_stat(e, "j_df", &v));
  AIQ_ASSERT_NEAR(v, 2, 0);
  AIQ_ASSERT_OK(aiineq_msm_stat(e, "j_pvalue", &v));
  AIQ_ASSERT_NEAR(v, exp(-jw / 2), 1e-8 * exp(-jw / 2));
  AIQ_ASSERT_OK(aiineq_msm_stat(e, "objective", &v));
  AIQ_ASSERT_NEAR(v, jw, 1e-8 * jw);

  /* Identity weighting: ordinary least squares, same closed form with w = 1;
   * the sandwich is then (A'A)^-1 A' Omega A (A'A)^-1. */
  AIQ_ASSERT_OK(aiineq_msm_set_weighting(e, AIINEQ_MSM_W_IDENTITY));
  AIQ_ASSERT_OK(aiineq_msm_estimate(e));
  double ones[4] = {1, 1, 1, 1}, bo[2], ao[4];
  gls2(ones, bo, ao);
  check_estimate2(e, bo);
  AIQ_ASSERT_OK(aiineq_msm_result(e, "cov", cov, 4));
  for (int p = 0; p < 2; p++)
    for (int q = 0; q < 2; q++) {
      double s = 0;
      for (int j = 0; j < 4; j++) {
        double lp = ao[2 * p] * A42[2 * j] + ao[2 * p + 1] * A42[2 * j + 1];
        double lq = ao[2 * q] * A42[2 * j] + ao[2 * q + 1] * A42[2 * j + 1];
        s += lp * se4[j] * se4[j] * lq;
      }
      AIQ_ASSERT_NEAR(cov[p * 2 + q], s, 1e-8 * fabs(s) + 1e-14);
    }

  /* Caller W equal to diag(1/se^2) reproduces the default. */
  double W[16] = {0};
  for (int i = 0; i < 4; i++) W[i * 5] = w[i];
  AIQ_ASSERT_OK(aiineq_msm_set_weight_matrix(e, W, 4));
  AIQ_ASSERT_OK(aiineq_msm_estimate(e));
  check_estimate2(e, bw);

  /* Efficient W from a caller covariance diag(se^2)*4: same estimate,
   * covariance four times (A'WA)^-1. */
  double Om[16] = {0};
  for (int i = 0; i < 4; i++) Om[i * 5] = 4 * se4[i] * se4[i];
  AIQ_ASSERT_OK(aiineq_msm_set_moment_cov(e, Om, 4));
  AIQ_ASSERT_OK(aiineq_msm_set_weighting(e, AIINEQ_MSM_W_EFFICIENT));
  AIQ_ASSERT_OK(aiineq_msm_estimate(e));
  check_estimate2(e, bw);
  AIQ_ASSERT_OK(aiineq_msm_result(e, "cov", cov, 4));
  for (int i = 0; i < 4; i++) AIQ_ASSERT_NEAR(cov[i], 4 * ainv[i], 1e-8 * fabs(ainv[0]));
  AIQ_ASSERT_OK(aiineq_msm_stat(e, "j_stat", &v));
  AIQ_ASSERT_NEAR(v, jw / 4, 1e-8 * jw);

  /* Dropping moment 3 (index 2) leaves an over-identified 3 x 2 problem. */
  size_t keep[3] = {0, 1, 3};
  AIQ_ASSERT_OK(aiineq_msm_select_moments(e, keep, 3));
  AIQ_ASSERT_OK(aiineq_msm_estimate(e));
  double mi[3];
  AIQ_ASSERT_OK(aiineq_msm_result(e, "moment_index", mi, 3));
  AIQ_ASSERT_NEAR(mi[2], 3, 0);
  AIQ_ASSERT_OK(aiineq_msm_stat(e, "j_df", &v));
  AIQ_ASSERT_NEAR(v, 1, 0);
  aiineq_msm_free(e);
}
END_TEST

/* Statistic sensitivity: T(b) = b0 + 2 b1, so dT/dmhat = (1, 2) Lambda. */
static int lin_stat(const double *b, size_t nb, double *t, void *user) {
  (void)user;
  ck_assert_uint_eq(nb, 2);
  *t = b[0] + 2 * b[1];
  return 0;
}

static int failing_stat(const double *b, size_t nb, double *t, void *user) {
  (void)b, (void)nb, (void)t, (void)user;
  return 3;
}

START_TEST(test_stat_sensitivity) {
  lin t = {4, 2, A42, c4, 0, 0};
  aiineq_msm *e = over_toy(&t);
  double dm[4], db[2], lam[8];
  AIQ_ASSERT_STATUS(aiineq_msm_stat_sensitivity(e, lin_stat, NULL, dm, 4, db, 2),
                    AIINEQ_ERR_STATE);
  AIQ_ASSERT_OK(aiineq_msm_estimate(e));
  AIQ_ASSERT_OK(aiineq_msm_stat_sensitivity(e, lin_stat, NULL, dm, 4, db, 2));
  AIQ_ASSERT_OK(aiineq_msm_result(e, "lambda", lam, 8));
  AIQ_ASSERT_NEAR(db[0], 1, 1e-9);
  AIQ_ASSERT_NEAR(db[1], 2, 1e-9);
  for (int j = 0; j < 4; j++) AIQ_ASSERT_NEAR(dm[j], lam[j] + 2 * lam[4 + j], 1e-8);
  AIQ_ASSERT_STATUS(aiineq_msm_stat_sensitivity(e, lin_stat, NULL, dm, 3, db, 2),
                    AIINEQ_ERR_SIZE);
  AIQ_ASSERT_STATUS(aiineq_msm_stat_sensitivity(e, failing_stat, NULL, dm, 4, NULL, 0),
                    AIINEQ_ERR_STOPPED);
  AIQ_ASSERT_STATUS(aiineq_msm_stat_sensitivity_named(e, "delta_gini", NULL, 0, dm, 4, NULL, 0),
                    AIINEQ_ERR_STATE);
  aiineq_msm_free(e);
}
END_TEST

/* Multistart: start s >= 1 is Sobol point s mapped into the bounds; the
 * best start is the estimate.  Moments with two separated minima:
 * m(b) = (b0^2, b1) with target (1, 0.5): minima at b0 = +-1. */
static int two_min(const double *b, size_t nb, double *m, size_t nm, void *user) {
  (void)nb, (void)nm, (void)user;
  m[0] = b[0] * b[0];
  m[1] = b[1];
  return 0;
}

START_TEST(test_multistart) {
  aiineq_msm *e = NULL;
  AIQ_ASSERT_OK(aiineq_msm_new(&e, NULL));
  AIQ_ASSERT_OK(aiineq_msm_set_moment_fn(e, two_min, 2, NULL));
  const double tg[2] = {1, 0.5}, se[2] = {1, 1};
  AIQ_ASSERT_OK(aiineq_msm_set_targets(e, tg, se, 2));
  AIQ_ASSERT_OK(aiineq_msm_add_param(e, "x", -3, 2, -2.5));
  AIQ_ASSERT_OK(aiineq_msm_add_param(e, "y", -1, 1, 0));
  AIQ_ASSERT_OK(aiineq_msm_set_starts(e, 5));
  AIQ_ASSERT_OK(aiineq_msm_set_algorithm(e, AIINEQ_MSM_SBPLX));
  AIQ_ASSERT_OK(aiineq_msm_estimate(e));
  double v, best = INFINITY, b[2];
  AIQ_ASSERT_OK(aiineq_msm_stat(e, "n_starts", &v));
  AIQ_ASSERT_NEAR(v, 5, 0);
  size_t total = 0, ibest = 0;
  for (size_t s = 0; s < 5; s++) {
    double x0[2], x1[2], obj, u[2];
    size_t ev;
    int reason;
    AIQ_ASSERT_OK(aiineq_msm_start_info(e, s, x0, x1, 2, &obj, &ev, &reason));
    if (s == 0) {
      AIQ_ASSERT_NEAR(x0[0], -2.5, 0);
    } else {
      ck_assert_int_eq(aiq_sobol_point(2, (uint32_t)s, u), 0);
      AIQ_ASSERT_NEAR(x0[0], -3 + 5 * u[0], 1e-15);
      AIQ_ASSERT_NEAR(x0[1], -1 + 2 * u[1], 1e-15);
    }
    ck_assert_msg(reason > 0, "start %zu reason %d", s, reason);
    ck_assert(obj < 1e-10);
    AIQ_ASSERT_NEAR(fabs(x1[0]), 1, 1e-4);
    total += ev;
    if (obj < best) best = obj, ibest = s;
  }
  AIQ_ASSERT_OK(aiineq_msm_stat(e, "evaluations", &v));
  AIQ_ASSERT_NEAR(v, (double)total, 0);
  AIQ_ASSERT_OK(aiineq_msm_stat(e, "best_start", &v));
  AIQ_ASSERT_NEAR(v, (double)ibest, 0);
  AIQ_ASSERT_OK(aiineq_msm_stat(e, "objective", &v));
  AIQ_ASSERT_NEAR(v, best, 1e-300);
  AIQ_ASSERT_OK(aiineq_msm_result(e, "estimate", b, 2));
  AIQ_ASSERT_NEAR(b[1], 0.5, 1e-4);
  aiineq_msm_free(e);
}
END_TEST

/* Progress callback: sees increasing counts and a non-increasing best;
 * asking to stop gives AIINEQ_ERR_STOPPED and keeps the earlier result. */
typedef struct prog {
  size_t last, stop_at;
  double best;
} prog;

static int progress(size_t evals, double obj, double best, void *user) {
  prog *p = user;
  ck_assert_uint_eq(evals, p->last + 1);
  ck_assert(best <= obj && best <= p->best);
  p->last = evals;
  p->best = best;
  return p->stop_at && evals >= p->stop_at;
}

START_TEST(test_progress_stop) {
  lin t = {4, 2, A42, c4, 0, 0};
  aiineq_msm *e = over_toy(&t);
  prog p = {0, 0, INFINITY};
  AIQ_ASSERT_OK(aiineq_msm_set_algorithm(e, AIINEQ_MSM_BOBYQA));
  AIQ_ASSERT_OK(aiineq_msm_set_progress(e, progress, &p));
  AIQ_ASSERT_OK(aiineq_msm_estimate(e));
  ck_assert(p.last > 5);
  double b_ok[2], b[2], v;
  AIQ_ASSERT_OK(aiineq_msm_result(e, "estimate", b_ok, 2));
  prog q = {0, 4, INFINITY};
  AIQ_ASSERT_OK(aiineq_msm_set_progress(e, progress, &q));
  AIQ_ASSERT_OK(aiineq_msm_set_starts(e, 3));
  AIQ_ASSERT_STATUS(aiineq_msm_estimate(e), AIINEQ_ERR_STOPPED);
  ck_assert_uint_eq(q.last, 4);
  ck_assert(strstr(aiineq_msm_errmsg(e), "stopped") != NULL);
  /* the earlier result is intact */
  AIQ_ASSERT_OK(aiineq_msm_result(e, "estimate", b, 2));
  AIQ_ASSERT_NEAR(b[0], b_ok[0], 0);
  AIQ_ASSERT_OK(aiineq_msm_stat(e, "n_starts", &v));
  AIQ_ASSERT_NEAR(v, 1, 0);
  /* and the estimator still works */
  AIQ_ASSERT_OK(aiineq_msm_set_progress(e, NULL, NULL));
  AIQ_ASSERT_OK(aiineq_msm_estimate(e));
  AIQ_ASSERT_OK(aiineq_msm_stat(e, "n_starts", &v));
  AIQ_ASSERT_NEAR(v, 3, 0);
  aiineq_msm_free(e);
}
END_TEST

/* A failing moment callback abandons the start; with every start failing
 * the run fails with AIINEQ_ERR_NOCONV and the message names the status. */
START_TEST(test_moment_failure) {
  lin t = {4, 2, A42, c4, 0, 1};
  aiineq_msm *e = over_toy(&t);
  AIQ_ASSERT_STATUS(aiineq_msm_estimate(e), AIINEQ_ERR_NOCONV);
  ck_assert(strstr(aiineq_msm_errmsg(e), "returned 7") != NULL);
  AIQ_ASSERT_STATUS(aiineq_msm_stat(e, "objective", &(double){0}), AIINEQ_ERR_STATE);
  /* failing after a few calls: the start has a finite best point, but the
   * inference at it fails, so the run fails and no result appears */
  t.calls = 0;
  t.fail_after = 10;
  ck_assert(aiineq_msm_estimate(e) < 0);
  AIQ_ASSERT_STATUS(aiineq_msm_stat(e, "objective", &(double){0}), AIINEQ_ERR_STATE);
  aiineq_msm_free(e);
}
END_TEST

START_TEST(test_bad_input) {
  lin t = {4, 2, A42, c4, 0, 0};
  aiineq_msm *e = over_toy(&t);
  const char *name;
  double lo, hi, st;
  size_t n;
  AIQ_ASSERT_STATUS(aiineq_msm_add_param(e, "a", 1, -1, 0), AIINEQ_ERR_RANGE);
  ck_assert(strstr(aiineq_msm_errmsg(e), "lo = 1") != NULL);
  AIQ_ASSERT_STATUS(aiineq_msm_add_param(e, "a", -1, 1, 2), AIINEQ_ERR_RANGE);
  ck_assert(strstr(aiineq_msm_errmsg(e), "start") != NULL);
  AIQ_ASSERT_STATUS(aiineq_msm_add_param(e, "a", -1, NAN, 0), AIINEQ_ERR_NONFINITE);
  AIQ_ASSERT_STATUS(aiineq_msm_add_param(e, "", -1, 1, 0), AIINEQ_ERR_NAME);
  AIQ_ASSERT_STATUS(aiineq_msm_add_param(e, NULL, -1, 1, 0), AIINEQ_ERR_ARG);
  /* unchanged */
  AIQ_ASSERT_OK(aiineq_msm_n_params(e, &n));
  ck_assert_uint_eq(n, 2);
  AIQ_ASSERT_OK(aiineq_msm_param_info(e, 0, &name, &lo, &hi, &st));
  ck_assert_str_eq(name, "a");
  ck_assert(lo == -5 && hi == 5 && st == 0);
  /* weight matrices: asymmetric, not PD, wrong size, NaN */
  double asym[16] = {1, 0.5, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1};
  double notpd[16] = {1, 2, 0, 0, 2, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1};
  double nanw[16] = {1, 0, 0, 0, 0, NAN, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1};
  AIQ_ASSERT_STATUS(aiineq_msm_set_weight_matrix(e, asym, 4), AIINEQ_ERR_RANGE);
  AIQ_ASSERT_STATUS(aiineq_msm_set_weight_matrix(e, notpd, 4), AIINEQ_ERR_SINGULAR);
  ck_assert(strstr(aiineq_msm_errmsg(e), "positive definite") != NULL);
  AIQ_ASSERT_STATUS(aiineq_msm_set_weight_matrix(e, notpd, 3), AIINEQ_ERR_SIZE);
  AIQ_ASSERT_STATUS(aiineq_msm_set_weight_matrix(e, nanw, 4), AIINEQ_ERR_NONFINITE);
  AIQ_ASSERT_STATUS(aiineq_msm_set_moment_cov(e, notpd, 4), AIINEQ_ERR_SINGULAR);
  AIQ_ASSERT_STATUS(aiineq_msm_set_weighting(e, AIINEQ_MSM_W_EFFICIENT), AIINEQ_ERR_STATE);
  AIQ_ASSERT_STATUS(aiineq_msm_set_weighting(e, AIINEQ_MSM_W_USER), AIINEQ_ERR_ARG);
  /* targets */
  double tg[4] = {0, 0, 0, 0}, se[4] = {1, 1, 0, 1}, tgot[4], sgot[4];
  AIQ_ASSERT_STATUS(aiineq_msm_set_targets(e, tg, se, 4), AIINEQ_ERR_RANGE);
  se[2] = 1;
  tg[1] = INFINITY;
  AIQ_ASSERT_STATUS(aiineq_msm_set_targets(e, tg, se, 4), AIINEQ_ERR_NONFINITE);
  AIQ_ASSERT_STATUS(aiineq_msm_set_targets(e, tg, se, 3), AIINEQ_ERR_SIZE);
  AIQ_ASSERT_OK(aiineq_msm_get_targets(e, tgot, sgot, 4));
  for (int i = 0; i < 4; i++) ck_assert(tgot[i] == t4[i] && sgot[i] == se4[i]);
  /* selection */
  size_t bad_idx[2] = {2, 1}, big[1] = {4};
  AIQ_ASSERT_STATUS(aiineq_msm_select_moments(e, bad_idx, 2), AIINEQ_ERR_RANGE);
  AIQ_ASSERT_STATUS(aiineq_msm_select_moments(e, big, 1), AIINEQ_ERR_RANGE);
  AIQ_ASSERT_STATUS(aiineq_msm_select_moments(e, big, 0), AIINEQ_ERR_SIZE);
  AIQ_ASSERT_OK(aiineq_msm_n_moments(e, &n));
  ck_assert_uint_eq(n, 4);
  double bad_b[2] = {9, 0};
  AIQ_ASSERT_STATUS(aiineq_msm_evaluate(e, bad_b, 2), AIINEQ_ERR_RANGE);
  /* one selected moment cannot identify two parameters */
  size_t one[1] = {0};
  AIQ_ASSERT_OK(aiineq_msm_select_moments(e, one, 1));
  AIQ_ASSERT_STATUS(aiineq_msm_estimate(e), AIINEQ_ERR_STATE);
  /* options */
  AIQ_ASSERT_STATUS(aiineq_msm_set_starts(e, 0), AIINEQ_ERR_RANGE);
  AIQ_ASSERT_STATUS(aiineq_msm_set_xtol(e, -1), AIINEQ_ERR_RANGE);
  AIQ_ASSERT_STATUS(aiineq_msm_set_ftol(e, NAN), AIINEQ_ERR_NONFINITE);
  AIQ_ASSERT_STATUS(aiineq_msm_set_sim_ratio(e, 0), AIINEQ_ERR_RANGE);
  AIQ_ASSERT_STATUS(aiineq_msm_set_step(e, 0.5), AIINEQ_ERR_RANGE);
  AIQ_ASSERT_STATUS(aiineq_msm_set_algorithm(e, 9), AIINEQ_ERR_ARG);
  AIQ_ASSERT_STATUS(aiineq_msm_set_maxeval(e, 0), AIINEQ_ERR_RANGE);
  AIQ_ASSERT_STATUS(aiineq_msm_set_moment_fn(e, NULL, 3, NULL), AIINEQ_ERR_ARG);
  AIQ_ASSERT_STATUS(aiineq_msm_evaluate(e, bad_b, 2), AIINEQ_ERR_STATE);
  aiineq_msm_free(e);

  /* a model-backed estimator: unknown names, integer parameters, bounds
   * outside the model's range; the caller's model is never touched */
  aiineq_model *m = NULL;
  AIQ_ASSERT_OK(aiineq_model_new(&m));
  AIQ_ASSERT_OK(aiineq_model_set_double(m, "theta", 0.3));
  AIQ_ASSERT_OK(aiineq_msm_new(&e, m));
  AIQ_ASSERT_OK(aiineq_msm_n_params(e, &n));
  ck_assert_uint_eq(n, 6);
  AIQ_ASSERT_OK(aiineq_msm_param_info(e, 0, &name, &lo, &hi, &st));
  ck_assert_str_eq(name, "theta");
  AIQ_ASSERT_NEAR(st, 0.3, 0);
  AIQ_ASSERT_OK(aiineq_msm_n_moments_total(e, &n));
  ck_assert_uint_eq(n, 6);
  AIQ_ASSERT_STATUS(aiineq_msm_add_param(e, "thetta", 0, 1, 0.5), AIINEQ_ERR_NAME);
  ck_assert(strstr(aiineq_msm_errmsg(e), "thetta") != NULL);
  AIQ_ASSERT_STATUS(aiineq_msm_add_param(e, "n_workers", 0, 1, 0.5), AIINEQ_ERR_TYPE);
  AIQ_ASSERT_STATUS(aiineq_msm_add_param(e, "theta", -0.5, 1, 0.5), AIINEQ_ERR_RANGE);
  AIQ_ASSERT_OK(aiineq_msm_n_params(e, &n));
  ck_assert_uint_eq(n, 6);
  /* the first accepted add replaces the default set */
  AIQ_ASSERT_OK(aiineq_msm_add_param(e, "xi", 0, 0.5, 0.2));
  AIQ_ASSERT_OK(aiineq_msm_n_params(e, &n));
  ck_assert_uint_eq(n, 1);
  double th;
  AIQ_ASSERT_OK(aiineq_model_get_double(m, "theta", &th));
  AIQ_ASSERT_NEAR(th, 0.3, 0);
  aiineq_msm_free(e);
  aiineq_model_free(m);
  aiineq_msm_free(NULL);
  ck_assert_str_eq(aiineq_msm_errmsg(NULL), "estimator handle is NULL");
  AIQ_ASSERT_STATUS(aiineq_msm_new(NULL, NULL), AIINEQ_ERR_ARG);
}
END_TEST

/* evaluate(): inference at a given point without optimising. */
START_TEST(test_evaluate) {
  lin t = {3, 3, A3, c3, 0, 0};
  const double start[3] = {0, 0, 0};
  aiineq_msm *e = exact_toy(&t, start);
  AIQ_ASSERT_OK(aiineq_msm_evaluate(e, b3, 3));
  double v, r[3];
  AIQ_ASSERT_OK(aiineq_msm_stat(e, "objective", &v));
  ck_assert(v < 1e-25);
  AIQ_ASSERT_OK(aiineq_msm_result(e, "residuals", r, 3));
  for (int i = 0; i < 3; i++) AIQ_ASSERT_NEAR(r[i], 0, 1e-15);
  const double b1[3] = {0.5, -0.3, 1.2};
  double f;
  AIQ_ASSERT_OK(aiineq_msm_objective_at(e, b1, 3, &f));
  /* residual A[:,0] * 0.1 weighted by 1/se^2 */
  double want = 0;
  for (int i = 0; i < 3; i++) want += pow(A3[i * 3] * 0.1 / se3[i], 2);
  AIQ_ASSERT_NEAR(f, want, 1e-10 * want);
  AIQ_ASSERT_STATUS(aiineq_msm_objective_at(e, b1, 2, &f), AIINEQ_ERR_SIZE);
  aiineq_msm_free(e);
}
END_TEST

/* Sobol points against scipy.stats.qmc.Sobol(21, scramble=False). */
START_TEST(test_sobol) {
  static const struct {
    uint32_t i;
    double v[5]; /* dimensions 0, 3, 7, 12, 20 */
  } ref[] = {{5, {0.875, 0.375, 0.375, 0.875, 0.625}},
             {13, {0.8125, 0.0625, 0.5625, 0.0625, 0.5625}},
             {37, {0.921875, 0.921875, 0.796875, 0.578125, 0.953125}},
             {63, {0.015625, 0.453125, 0.140625, 0.546875, 0.234375}}};
  const int dims[5] = {0, 3, 7, 12, 20};
  double x[21];
  for (size_t r = 0; r < sizeof ref / sizeof ref[0]; r++) {
    ck_assert_int_eq(aiq_sobol_point(21, ref[r].i, x), 0);
    for (int k = 0; k < 5; k++) AIQ_ASSERT_NEAR(x[dims[k]], ref[r].v[k], 0);
  }
  /* the first 2^m points of each dimension are a permutation of j/2^m */
  for (int d = 0; d < 21; d++) {
    int seen[64] = {0};
    for (uint32_t i = 0; i < 64; i++) {
      aiq_sobol_point(21, i, x);
      seen[(int)(x[d] * 64)]++;
    }
    for (int j = 0; j < 64; j++) ck_assert_int_eq(seen[j], 1);
  }
  ck_assert_int_eq(aiq_sobol_point(22, 1, x), -1);
}
END_TEST

/* Chi-square tail: closed forms for df = 1, 2, 4 and scipy values. */
START_TEST(test_chi2) {
  double p;
  AIQ_ASSERT_OK(aiineq_chi2_sf(3.5, 2, &p));
  AIQ_ASSERT_NEAR(p, exp(-1.75), 1e-15);
  AIQ_ASSERT_OK(aiineq_chi2_sf(0.7, 1, &p));
  AIQ_ASSERT_NEAR(p, erfc(sqrt(0.35)), 1e-14);
  AIQ_ASSERT_OK(aiineq_chi2_sf(9.0, 4, &p));
  AIQ_ASSERT_NEAR(p, exp(-4.5) * 5.5, 1e-15);
  static const double ref[][3] = {{50, 30, 0.01240206071890054},
                                  {0.3, 7, 0.9998999626177479},
                                  {200, 3, 4.218541107192018e-43},
                                  {12.5, 5.5, 0.038918148870559624},
                                  {1e-3, 1, 0.9747728793699604}};
  for (size_t i = 0; i < sizeof ref / sizeof ref[0]; i++) {
    AIQ_ASSERT_OK(aiineq_chi2_sf(ref[i][0], ref[i][1], &p));
    AIQ_ASSERT_NEAR(p, ref[i][2], 1e-12 * ref[i][2]);
  }
  AIQ_ASSERT_OK(aiineq_chi2_sf(-1, 3, &p));
  AIQ_ASSERT_NEAR(p, 1, 0);
  AIQ_ASSERT_STATUS(aiineq_chi2_sf(1, 0, &p), AIINEQ_ERR_RANGE);
  AIQ_ASSERT_STATUS(aiineq_chi2_sf(NAN, 1, &p), AIINEQ_ERR_NONFINITE);
  AIQ_ASSERT_STATUS(aiineq_chi2_sf(1, 1, NULL), AIINEQ_ERR_ARG);
}
END_TEST

Suite *aiq_suite_msm(void) {
  Suite *s = suite_create("msm");
  TCase *tc = tcase_create("toy");
  tcase_add_loop_test(tc, test_exact_recovery, 0, 3);
  tcase_add_loop_test(tc, test_overidentified, 0, 3);
  tcase_add_test(tc, test_stat_sensitivity);
  tcase_add_test(tc, test_multistart);
  tcase_add_test(tc, test_progress_stop);
  tcase_add_test(tc, test_moment_failure);
  tcase_add_test(tc, test_bad_input);
  tcase_add_test(tc, test_evaluate);
  tcase_add_test(tc, test_sobol);
  tcase_add_test(tc, test_chi2);
  suite_add_tcase(s, tc);
  return s;
}
