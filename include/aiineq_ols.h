/*
 * aiineq_ols.h -- least squares with classical, heteroskedasticity-robust
 * and cluster-robust standard errors.  Included by aiineq.h.
 *
 * One handle holds a design (outcome y, regressors X, optional weights and
 * cluster ids), the chosen covariance and inference convention, and, after
 * aiineq_ols_fit(), the estimates.  Conventions match Python statsmodels
 * (OLS/WLS `fit(cov_type=...)`) exactly; docs/api.md lists them.
 *
 *  - The fit is a column-pivoted QR factorisation (LAPACK dgeqp3) of the
 *    column-equilibrated, weight-scaled design; normal equations are never
 *    formed.  A design whose numerical rank is below k is rejected
 *    (AIINEQ_ERR_SINGULAR) and the message names a dependent column.
 *  - Missing data: a row whose outcome, any regressor, its weight or its
 *    cluster id is NaN is dropped and counted (aiineq_ols_get_stat names
 *    "n_dropped", "dropped_outcome", ...).  Infinite values are rejected.
 *  - Weights (WLS) minimise sum w_i (y_i - x_i'b)^2; they must be positive
 *    (zero and negative weights are rejected: statsmodels keeps zero-weight
 *    rows in n and in the degrees of freedom, which silently changes the
 *    small-sample corrections; drop such rows instead).
 */
#ifndef AIINEQ_OLS_H
#define AIINEQ_OLS_H

#include "aiineq.h"

#if defined(__cplusplus)
extern "C" {
#endif

/** Opaque regression handle. */
typedef struct aiineq_ols aiineq_ols;

/* Covariance estimators (aiineq_ols_set_cov).  n = rows used, k = columns,
 * G = clusters, B = (X'WX)^-1, u_i = sqrt(w_i) x_i * sqrt(w_i) e_i. */
#define AIINEQ_COV_CLASSICAL 0 /* s^2 B, s^2 = sum w e^2 / (n - k) */
#define AIINEQ_COV_HC0 1       /* White: B (sum u_i u_i') B */
#define AIINEQ_COV_HC1 2       /* HC0 * n / (n - k) */
#define AIINEQ_COV_HC2 3       /* squared residuals divided by 1 - h_ii */
#define AIINEQ_COV_HC3 4       /* squared residuals divided by (1 - h_ii)^2 */
#define AIINEQ_COV_CR1 5       /* cluster sums, times G/(G-1) * (n-1)/(n-k) */
#define AIINEQ_COV_CR2 6       /* Bell-McCaffrey bias-reduced cluster-robust */

/* Reference distribution of t statistics (aiineq_ols_set_dist). */
#define AIINEQ_DIST_AUTO 0   /* statsmodels' default: t(n-k) for CLASSICAL,
                                normal for HC0-HC3 and CR1, t(G-1) for CR2 */
#define AIINEQ_DIST_T 1      /* t(n-k) for CLASSICAL and HC0-HC3, t(G-1) for
                                CR1 and CR2 (statsmodels' use_t=True) */
#define AIINEQ_DIST_NORMAL 2 /* standard normal */
#define AIINEQ_DIST_BM 3     /* CR2 only: t with Bell-McCaffrey (Satterthwaite)
                                degrees of freedom, one per coefficient
                                (Imbens and Kolesar 2016) */

/** Create an empty regression handle (covariance CLASSICAL, distribution
 *  AUTO).  Errors: AIINEQ_ERR_ARG (out NULL), AIINEQ_ERR_NOMEM. */
AIINEQ_API int aiineq_ols_new(aiineq_ols **out);

/** Release a handle; NULL is a no-op. */
AIINEQ_API void aiineq_ols_free(aiineq_ols *o);

/** Message of the last failure on this handle ("" if none).  A NULL handle
 *  gives a static message. */
AIINEQ_API const char *aiineq_ols_errmsg(const aiineq_ols *o);

/** Set the design: y[0..n) and X row-major, X[i*k + j] = regressor j of
 *  observation i (add a column of ones for an intercept).  Both are copied.
 *  NaN marks a missing value (the row is dropped at fit time).  Replaces any
 *  previous design, removes weights, clusters and column names, and discards
 *  the previous estimates.
 *  Errors: AIINEQ_ERR_ARG (NULL), AIINEQ_ERR_SIZE (n == 0, k == 0, or n*k
 *  overflows), AIINEQ_ERR_NONFINITE (an infinite value; message gives row
 *  and column), AIINEQ_ERR_NOMEM. */
AIINEQ_API int aiineq_ols_set_data(aiineq_ols *o, const double *y, const double *X, size_t n,
                                   size_t k);

/** Name regressor j (copied; used in messages and by aiineq_ols_find).
 *  Unnamed columns are called "x0", "x1", ...  Names longer than 63 bytes
 *  are truncated.  Errors: AIINEQ_ERR_ARG, AIINEQ_ERR_STATE (no design),
 *  AIINEQ_ERR_RANGE (j >= k). */
AIINEQ_API int aiineq_ols_set_name(aiineq_ols *o, size_t j, const char *name);

/** Set analytic weights w[0..n) (n must equal the design's n), or remove
 *  them with w == NULL.  NaN marks a missing weight (row dropped).
 *  Errors: AIINEQ_ERR_STATE (no design), AIINEQ_ERR_SIZE,
 *  AIINEQ_ERR_NONFINITE (infinite), AIINEQ_ERR_RANGE (w <= 0; the message
 *  gives the row). */
AIINEQ_API int aiineq_ols_set_weights(aiineq_ols *o, const double *w, size_t n);

/** Set cluster ids g[0..n) (any finite values; equal values form one
 *  cluster), or remove them with g == NULL.  NaN marks a missing id (the row
 *  is dropped only when a cluster covariance is fitted).
 *  Errors: AIINEQ_ERR_STATE, AIINEQ_ERR_SIZE, AIINEQ_ERR_NONFINITE. */
AIINEQ_API int aiineq_ols_set_clusters(aiineq_ols *o, const double *g, size_t n);

/** Choose the covariance estimator (AIINEQ_COV_*).  CR1 and CR2 need
 *  clusters at fit time.  Errors: AIINEQ_ERR_RANGE (unknown value). */
AIINEQ_API int aiineq_ols_set_cov(aiineq_ols *o, int cov_type);

/** Choose the reference distribution for p-values (AIINEQ_DIST_*).
 *  Errors: AIINEQ_ERR_RANGE. */
AIINEQ_API int aiineq_ols_set_dist(aiineq_ols *o, int dist);

/** Fit.  On failure the previous estimates (if any) are kept.
 *  Errors: AIINEQ_ERR_STATE (no design; CR1/CR2 without clusters),
 *  AIINEQ_ERR_SIZE (no complete row; not more complete rows than
 *  regressors), AIINEQ_ERR_SINGULAR (rank-deficient design: the message
 *  names a column that is a linear combination of the others),
 *  AIINEQ_ERR_DEGENERATE (fewer than two clusters; an observation with
 *  leverage 1 under HC2/HC3), AIINEQ_ERR_STATE (AIINEQ_DIST_BM without CR2),
 *  AIINEQ_ERR_SIZE (CR2 with clusters whose squared sizes sum above 5e7),
 *  AIINEQ_ERR_NOMEM. */
AIINEQ_API int aiineq_ols_fit(aiineq_ols *o);

/** Copy the estimates into caller arrays of length k (any may be NULL):
 *  coefficients, standard errors, t statistics and two-sided p-values.
 *  Errors: AIINEQ_ERR_ARG, AIINEQ_ERR_STATE (not fitted), AIINEQ_ERR_SIZE
 *  (k differs from the design's). */
AIINEQ_API int aiineq_ols_get_coef(const aiineq_ols *o, double *coef, double *se, double *t,
                                   double *p, size_t k);

/** Degrees of freedom of each coefficient's reference t distribution into
 *  df[0..k) (Inf for the normal; they differ across coefficients only
 *  under AIINEQ_DIST_BM).  Errors as aiineq_ols_get_coef. */
AIINEQ_API int aiineq_ols_get_df(const aiineq_ols *o, double *df, size_t k);

/** Copy the k x k covariance matrix of the coefficients (row-major) into
 *  V[0..len), len == k*k.  Errors as aiineq_ols_get_coef. */
AIINEQ_API int aiineq_ols_get_vcov(const aiineq_ols *o, double *V, size_t len);

/** Named scalar of the fit:
 *  "n" rows used, "k" regressors, "n_clusters" G (0 without clusters),
 *  "df_resid" n - k, "df_inference" degrees of freedom of the t reference
 *  distribution (Inf when normal, NaN under AIINEQ_DIST_BM: see
 *  aiineq_ols_get_df), "r2", "r2_adj" (centred when a constant
 *  lies in the column space of X, as statsmodels; NaN if the outcome is
 *  constant), "ssr" (weighted residual sum of squares), "sigma"
 *  (sqrt(ssr / (n-k))), "n_dropped" rows dropped, and the rows with a
 *  missing "dropped_outcome", "dropped_regressor", "dropped_weight",
 *  "dropped_cluster" (a row may count under several reasons), "cov_type",
 *  "dist" (the resolved AIINEQ_DIST_T or AIINEQ_DIST_NORMAL).
 *  Errors: AIINEQ_ERR_ARG, AIINEQ_ERR_STATE (not fitted), AIINEQ_ERR_NAME. */
AIINEQ_API int aiineq_ols_get_stat(const aiineq_ols *o, const char *name, double *value);

/** Name of regressor j (valid until the design changes).
 *  Errors: AIINEQ_ERR_ARG, AIINEQ_ERR_STATE, AIINEQ_ERR_RANGE. */
AIINEQ_API int aiineq_ols_get_name(const aiineq_ols *o, size_t j, const char **name);

/** Two-sided p-value of statistic t under t(df) (df > 0; df = Inf gives
 *  the normal): P(|T| >= |t|).  Computed through the regularised incomplete
 *  beta function (relative error below 1e-13 for df <= 1000, about
 *  1e-11 at df = 1e6).  Errors: AIINEQ_ERR_ARG
 *  (p NULL), AIINEQ_ERR_NONFINITE (t NaN), AIINEQ_ERR_RANGE (df <= 0 or
 *  NaN). */
AIINEQ_API int aiineq_t_pvalue(double t, double df, double *p);

#if defined(__cplusplus)
}
#endif

#endif /* AIINEQ_OLS_H */
