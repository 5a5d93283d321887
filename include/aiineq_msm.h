/*
 * aiineq_msm.h -- method of simulated moments (MODEL.md section 5) and the
 * Andrews-Gentzkow-Shapiro sensitivity measures (section 6).  Included by
 * aiineq.h.
 *
 * An estimator handle (aiineq_msm) holds its own copy of a model, the
 * targets and their standard errors, the weighting matrix, the free
 * parameters (by name, with bounds and a start) and the optimiser settings.
 * aiineq_msm_estimate() runs a local optimiser (MINPACK's Levenberg-Marquardt
 * on the weighted residuals by default, or NLopt's derivative-free BOBYQA or
 * Sbplx) from the caller's start and from
 * quasi-random Sobol points in the bounds, keeps every start's outcome, and
 * computes the inference at the best point: the Jacobian G = dm/db by central
 * differences (common random numbers: the model's seed is fixed), the
 * sandwich covariance with the (1 + 1/S) simulation-noise correction, the J
 * statistic and the sensitivity matrix Lambda.  See docs/estimation.md.
 *
 * Moments.  The moment vector is the model's six moments m1..m6 (when the
 * handle has a model) followed by the moments of an optional caller
 * callback; aiineq_msm_select_moments() picks the ones that enter the
 * objective (all by default).  Without a model, the callback supplies every
 * moment and parameter names are free labels.
 *
 * Failures leave the handle exactly as it was (results of an earlier run
 * included) and record a message (aiineq_msm_errmsg).
 */
#ifndef AIINEQ_MSM_H
#define AIINEQ_MSM_H

#include "aiineq.h"

#if defined(__cplusplus)
extern "C" {
#endif

/** Opaque estimator. */
typedef struct aiineq_msm aiineq_msm;

/** Caller moments: write nm moments at the free parameters b[0..nb) into
 *  m[0..nm).  Return 0 on success; any other value fails the evaluation
 *  (the optimiser's start is abandoned with AIINEQ_ERR_STOPPED). */
typedef int (*aiineq_msm_moment_fn)(const double *b, size_t nb, double *m, size_t nm,
                                    void *user);

/** Progress: called after every objective evaluation with the number of
 *  model evaluations so far (all starts, including the Levenberg-Marquardt
 *  Jacobian's), this evaluation's objective and the best objective so far.  Return 0 to continue, non-zero to stop the run
 *  (aiineq_msm_estimate then returns AIINEQ_ERR_STOPPED). */
typedef int (*aiineq_msm_progress_fn)(size_t evaluations, double objective, double best,
                                      void *user);

/** Scalar statistic T(b) of the free parameters b[0..nb), written to *t.
 *  Return 0 on success, non-zero on failure. */
typedef int (*aiineq_msm_stat_fn)(const double *b, size_t nb, double *t, void *user);

/* Weighting schemes (aiineq_msm_set_weighting). */
#define AIINEQ_MSM_W_DIAG 0      /* diag(1 / se^2) (default) */
#define AIINEQ_MSM_W_IDENTITY 1  /* identity */
#define AIINEQ_MSM_W_EFFICIENT 2 /* inverse of the moment covariance (set_moment_cov) */
#define AIINEQ_MSM_W_USER 3      /* set by aiineq_msm_set_weight_matrix */

/* Local optimisers (aiineq_msm_set_algorithm). */
#define AIINEQ_MSM_BOBYQA 0 /* NLopt LN_BOBYQA */
#define AIINEQ_MSM_SBPLX 1  /* NLopt LN_SBPLX */
#define AIINEQ_MSM_LM 2     /* MINPACK lmder, Levenberg-Marquardt (default) */

/* Largest number of free parameters (the Sobol table has this many
 * dimensions). */
#define AIINEQ_MSM_MAX_PARAMS 21

/** Create an estimator.  The model (may be NULL when every moment comes from
 *  a callback) is copied; later changes to it do not affect the estimator.
 *  With a model the default free parameters are theta, h_ai, beta_e, c0, xi,
 *  chi (bounds in docs/estimation.md, start at the model's values) and the
 *  targets are the defaults of MODEL.md section 4.
 *  Errors: AIINEQ_ERR_ARG (out NULL), AIINEQ_ERR_NOMEM. */
AIINEQ_API int aiineq_msm_new(aiineq_msm **out, const aiineq_model *m);

/** Release an estimator; NULL is a no-op. */
AIINEQ_API void aiineq_msm_free(aiineq_msm *e);

/** Message of the last failure on e ("" if none); NULL gives a static text. */
AIINEQ_API const char *aiineq_msm_errmsg(const aiineq_msm *e);

/** Set the caller moment callback producing nm moments (appended after the
 *  model's six, or all of them without a model).  f NULL with nm 0 removes
 *  it.  Resets the moment selection to all moments, the targets of the new
 *  moments to NaN (set them with aiineq_msm_set_targets), the weighting to
 *  AIINEQ_MSM_W_DIAG and drops the moment covariance and earlier results.
 *  Errors: AIINEQ_ERR_ARG (f NULL with nm > 0 or f set with nm 0),
 *  AIINEQ_ERR_SIZE (nm > 10000), AIINEQ_ERR_NOMEM. */
AIINEQ_API int aiineq_msm_set_moment_fn(aiineq_msm *e, aiineq_msm_moment_fn f, size_t nm,
                                        void *user);

/** Total number of moments (model and callback) before selection. */
AIINEQ_API int aiineq_msm_n_moments_total(const aiineq_msm *e, size_t *n);

/** Set targets and standard errors of all moments (length n = total number
 *  of moments).  se[i] > 0.  Errors: AIINEQ_ERR_ARG, AIINEQ_ERR_SIZE,
 *  AIINEQ_ERR_NONFINITE, AIINEQ_ERR_RANGE (se <= 0). */
AIINEQ_API int aiineq_msm_set_targets(aiineq_msm *e, const double *target, const double *se,
                                      size_t n);

/** Read the targets and standard errors of all moments (either may be
 *  NULL).  Errors: AIINEQ_ERR_ARG, AIINEQ_ERR_SIZE. */
AIINEQ_API int aiineq_msm_get_targets(const aiineq_msm *e, double *target, double *se,
                                      size_t n);

/** Read targets and standard errors from a CSV file: a header naming the
 *  columns moment, target and se (any order, ASCII case ignored, other
 *  columns ignored), then one row per moment given, named m1..mN by its
 *  1-based index in the full moment vector (N = total number of moments).
 *  Moments without a row keep their targets; records whose first field
 *  starts with '#' are comments.  The file is checked whole before anything
 *  is set.  Errors: AIINEQ_ERR_ARG (e or path NULL), AIINEQ_ERR_IO,
 *  AIINEQ_ERR_FORMAT (bad CSV, no header or a header without the three
 *  columns, no rows, unknown or repeated moment, missing field, a value that
 *  is empty, not a number, NaN or infinite, se <= 0; the message gives the
 *  line and column), AIINEQ_ERR_NOMEM.  On failure the targets are
 *  unchanged.  Since 0.2. */
AIINEQ_API int aiineq_msm_read_targets(aiineq_msm *e, const char *path);

/** Same as aiineq_msm_read_targets on text[0..len) in memory (need not be
 *  NUL-terminated).  Errors as aiineq_msm_read_targets (AIINEQ_ERR_ARG for
 *  text NULL, no AIINEQ_ERR_IO).  Since 0.2. */
AIINEQ_API int aiineq_msm_parse_targets(aiineq_msm *e, const char *text, size_t len);

/** Choose the moments that enter the objective by their index in the full
 *  vector (0-based, strictly increasing, n >= 1).  Resets the weighting to
 *  AIINEQ_MSM_W_DIAG and drops a caller weight matrix or moment covariance
 *  (they were sized for the old selection).
 *  Errors: AIINEQ_ERR_ARG, AIINEQ_ERR_SIZE (n == 0 or n > total),
 *  AIINEQ_ERR_RANGE (index out of range or not increasing). */
AIINEQ_API int aiineq_msm_select_moments(aiineq_msm *e, const size_t *idx, size_t n);

/** Number of selected moments. */
AIINEQ_API int aiineq_msm_n_moments(const aiineq_msm *e, size_t *n);

/** Weighting scheme AIINEQ_MSM_W_DIAG, _IDENTITY or _EFFICIENT (the latter
 *  needs aiineq_msm_set_moment_cov first).  Errors: AIINEQ_ERR_ARG (unknown
 *  kind, or AIINEQ_MSM_W_USER: use aiineq_msm_set_weight_matrix),
 *  AIINEQ_ERR_STATE (efficient without a covariance). */
AIINEQ_API int aiineq_msm_set_weighting(aiineq_msm *e, int kind);

/** Caller weighting matrix W (n x n, n = number of selected moments, row
 *  major), symmetric (relative tolerance 1e-12) and positive definite (LAPACK
 *  Cholesky dpotrf).  Errors: AIINEQ_ERR_ARG, AIINEQ_ERR_SIZE,
 *  AIINEQ_ERR_NONFINITE, AIINEQ_ERR_RANGE (not symmetric),
 *  AIINEQ_ERR_SINGULAR (not positive definite). */
AIINEQ_API int aiineq_msm_set_weight_matrix(aiineq_msm *e, const double *w, size_t n);

/** Covariance Omega of the selected target moments (n x n, row major, same
 *  checks as the weight matrix).  Used in the sandwich and the J statistic
 *  instead of diag(se^2), and as the inverse of the efficient weighting.
 *  Errors as aiineq_msm_set_weight_matrix. */
AIINEQ_API int aiineq_msm_set_moment_cov(aiineq_msm *e, const double *omega, size_t n);

/** Remove every free parameter (also the defaults). */
AIINEQ_API int aiineq_msm_clear_params(aiineq_msm *e);

/** Add a free parameter: lo <= start <= hi, lo < hi, all finite.  With a
 *  model, name must be a real-valued model parameter and [lo, hi] inside its
 *  allowed range; the first call after aiineq_msm_new replaces the default
 *  set.  Adding a name already present updates its bounds and start.
 *  Errors: AIINEQ_ERR_ARG, AIINEQ_ERR_NAME (unknown or empty name),
 *  AIINEQ_ERR_TYPE (integer parameter), AIINEQ_ERR_NONFINITE,
 *  AIINEQ_ERR_RANGE (lo >= hi, start outside [lo, hi], bounds outside the
 *  model's range), AIINEQ_ERR_SIZE (more than AIINEQ_MSM_MAX_PARAMS). */
AIINEQ_API int aiineq_msm_add_param(aiineq_msm *e, const char *name, double lo, double hi,
                                    double start);

/** Number of free parameters. */
AIINEQ_API int aiineq_msm_n_params(const aiineq_msm *e, size_t *n);

/** Describe free parameter i: name (static until the parameter set
 *  changes), bounds and start; any out pointer may be NULL.
 *  Errors: AIINEQ_ERR_ARG, AIINEQ_ERR_RANGE (bad index). */
AIINEQ_API int aiineq_msm_param_info(const aiineq_msm *e, size_t i, const char **name,
                                     double *lo, double *hi, double *start);

/** Local optimiser: AIINEQ_MSM_LM (default: MINPACK lmder on the residuals
 *  L'(m(b) - mhat), W = LL', Jacobian by central differences, points
 *  projected into the bounds), AIINEQ_MSM_BOBYQA or AIINEQ_MSM_SBPLX (NLopt,
 *  bounded, derivative-free).  docs/estimation.md compares them.
 *  Errors: AIINEQ_ERR_ARG. */
AIINEQ_API int aiineq_msm_set_algorithm(aiineq_msm *e, int algorithm);

/** Number of starts (default 1): start 0 is the parameters' start values,
 *  start s >= 1 the s-th point of the Sobol sequence (Joe-Kuo direction
 *  numbers) mapped into the bounds.  Errors: AIINEQ_ERR_RANGE (0 or
 *  > 100000). */
AIINEQ_API int aiineq_msm_set_starts(aiineq_msm *e, size_t n_starts);

/** Relative tolerance on the parameters (NLopt xtol_rel, MINPACK xtol;
 *  default 1e-6, far below any standard error;
 *  0 disables).  Errors: AIINEQ_ERR_NONFINITE, AIINEQ_ERR_RANGE (< 0). */
AIINEQ_API int aiineq_msm_set_xtol(aiineq_msm *e, double xtol_rel);

/** Absolute tolerance on the objective (NLopt ftol_abs; default 1e-14;
 *  0 disables; the LM method uses a relative 1e-12 instead).  Errors: AIINEQ_ERR_NONFINITE, AIINEQ_ERR_RANGE (< 0). */
AIINEQ_API int aiineq_msm_set_ftol(aiineq_msm *e, double ftol_abs);

/** Objective value at which a start stops as solved (NLopt stopval; default
 *  0, i.e. off for a non-negative objective).  Errors:
 *  AIINEQ_ERR_NONFINITE. */
AIINEQ_API int aiineq_msm_set_stopval(aiineq_msm *e, double stopval);

/** Evaluation cap per start (default 2000; for LM the cap counts residual
 *  evaluations, each Jacobian adds 2 nb more).  Errors: AIINEQ_ERR_RANGE (0). */
AIINEQ_API int aiineq_msm_set_maxeval(aiineq_msm *e, size_t maxeval);

/** Ratio S of simulated to data sample size for the (1 + 1/S) correction of
 *  the covariance (default 10; +INFINITY gives no correction).
 *  Errors: AIINEQ_ERR_NONFINITE (NaN), AIINEQ_ERR_RANGE (<= 0). */
AIINEQ_API int aiineq_msm_set_sim_ratio(aiineq_msm *e, double s);

/** Relative step of the central-difference Jacobian: parameter p moves by
 *  h_p = step * max(|b_p|, 0.1) (default step 1e-3), one-sided where the
 *  model's range would be left.  Errors: AIINEQ_ERR_NONFINITE,
 *  AIINEQ_ERR_RANGE (outside (0, 0.1]). */
AIINEQ_API int aiineq_msm_set_step(aiineq_msm *e, double step);

/** Progress callback (NULL removes it). */
AIINEQ_API int aiineq_msm_set_progress(aiineq_msm *e, aiineq_msm_progress_fn f, void *user);

/** Run the estimation: every start, then the inference at the best point.
 *  Returns AIINEQ_OK, or: AIINEQ_ERR_STATE (no free parameter, a selected
 *  target is NaN, fewer moments than parameters), AIINEQ_ERR_STOPPED (the
 *  progress callback asked to stop), AIINEQ_ERR_NOCONV (no start produced a
 *  finite objective; the message gives the first failure),
 *  AIINEQ_ERR_SINGULAR (G'WG is singular at the estimate),
 *  AIINEQ_ERR_NOMEM.  Results are replaced only on success. */
AIINEQ_API int aiineq_msm_estimate(aiineq_msm *e);

/** Inference at a given point b[0..nb) without optimising: the estimate is
 *  set to b (which must lie in the bounds) and the moments, objective,
 *  Jacobian, covariance, J statistic and Lambda are computed there.  The
 *  list of starts is emptied.  Errors as aiineq_msm_estimate, plus
 *  AIINEQ_ERR_SIZE, AIINEQ_ERR_NONFINITE, AIINEQ_ERR_RANGE. */
AIINEQ_API int aiineq_msm_evaluate(aiineq_msm *e, const double *b, size_t nb);

/** Objective J(b) = (m(b) - mhat)' W (m(b) - mhat) at any point (no state
 *  change besides the error message).  Errors as aiineq_msm_evaluate. */
AIINEQ_API int aiineq_msm_objective_at(aiineq_msm *e, const double *b, size_t nb,
                                       double *value);

/** Result array of the last successful run, copied into out[0..len) (len
 *  must equal the stated size; nb parameters, nm selected moments):
 *    "estimate" (nb), "se" (nb), "start" (nb: start of the best run),
 *    "moments" (nm: model moments at the estimate), "targets" (nm),
 *    "target_se" (nm), "residuals" (nm: moments - targets),
 *    "jacobian" (nm x nb, row major: dm_i/db_p),
 *    "elasticities" (nm x nb: G_ip * b_p / m_i, NaN where m_i = 0),
 *    "cov" (nb x nb), "weight" (nm x nm),
 *    "lambda" (nb x nm: (G'WG)^-1 G'W = db/dmhat, see docs/estimation.md),
 *    "lambda_scaled" (nb x nm: lambda times the target's s.e.),
 *    "moment_index" (nm: index of each selected moment in the full vector).
 *  Errors: AIINEQ_ERR_ARG, AIINEQ_ERR_NAME, AIINEQ_ERR_SIZE,
 *  AIINEQ_ERR_STATE (no result yet). */
AIINEQ_API int aiineq_msm_result(const aiineq_msm *e, const char *name, double *out,
                                 size_t len);

/** Scalar result of the last successful run: "objective", "j_stat",
 *  "j_df" (nm - nb), "j_pvalue" (chi-square upper tail; NaN when df = 0),
 *  "evaluations" (objective evaluations over all starts), "jacobian_evaluations",
 *  "n_starts", "best_start", "sim_correction" (1 + 1/S).
 *  Errors: AIINEQ_ERR_ARG, AIINEQ_ERR_NAME, AIINEQ_ERR_STATE. */
AIINEQ_API int aiineq_msm_stat(const aiineq_msm *e, const char *name, double *value);

/** Outcome of start i (0 <= i < n_starts): its first and last points
 *  (arrays of nb, either may be NULL), objective at the end, evaluations,
 *  and stop reason: a positive NLopt success code (1 success or no further
 *  progress, 2 stopval reached, 3 ftol, 4 xtol, 5 maxeval; MINPACK's codes
 *  are mapped onto these) or a negative AIINEQ_ERR_* status for a failed
 *  start.  Errors: AIINEQ_ERR_ARG, AIINEQ_ERR_STATE,
 *  AIINEQ_ERR_RANGE (bad i), AIINEQ_ERR_SIZE. */
AIINEQ_API int aiineq_msm_start_info(const aiineq_msm *e, size_t i, double *start,
                                     double *end, size_t nb, double *objective,
                                     size_t *evaluations, int *reason);

/** Sensitivity of a scalar statistic to the targets at the last result:
 *  dT/db by central differences (same steps as the Jacobian) into
 *  dt_db[0..nb) (may be NULL) and dT/dmhat = (dT/db) Lambda into
 *  dt_dm[0..nm).  Errors: AIINEQ_ERR_ARG, AIINEQ_ERR_STATE, AIINEQ_ERR_SIZE,
 *  AIINEQ_ERR_STOPPED (T failed; the message gives the point). */
AIINEQ_API int aiineq_msm_stat_sensitivity(aiineq_msm *e, aiineq_msm_stat_fn t, void *user,
                                           double *dt_dm, size_t nm, double *dt_db,
                                           size_t nb);

/** Built-in statistic for aiineq_msm_stat_sensitivity: the result statistic
 *  `stat` (a name of aiineq_result_stat, e.g. "delta_gini") of the model
 *  solved at b with parameter `param` set to `value` (param NULL: as is).
 *  Needs a model.  Errors: AIINEQ_ERR_STATE (no model), AIINEQ_ERR_NAME,
 *  AIINEQ_ERR_RANGE, others as aiineq_msm_stat_sensitivity. */
AIINEQ_API int aiineq_msm_stat_sensitivity_named(aiineq_msm *e, const char *stat,
                                                 const char *param, double value,
                                                 double *dt_dm, size_t nm, double *dt_db,
                                                 size_t nb);

/** Built-in statistic for aiineq_msm_stat_sensitivity: the regime boundary
 *  T(b) = root_param* at which Delta Gini = 0 with grid_param = value (e.g.
 *  xi* at eta = 0.75), found by aiineq_regime_boundary in [lo, hi] with the
 *  model at b (a free root_param is overridden by the search, so its entry
 *  of dT/db is 0).  Needs a model.  Errors: as
 *  aiineq_msm_stat_sensitivity_named, plus AIINEQ_ERR_DEGENERATE (no sign
 *  change in [lo, hi] near the estimate). */
AIINEQ_API int aiineq_msm_boundary_sensitivity(aiineq_msm *e, const char *grid_param,
                                               double value, const char *root_param,
                                               double lo, double hi, double *dt_dm,
                                               size_t nm, double *dt_db, size_t nb);

/** Copy of the estimator's model with the free parameters set to the last
 *  estimate (or to their starts when there is no result).  The caller owns
 *  *out.  Errors: AIINEQ_ERR_ARG, AIINEQ_ERR_STATE (no model),
 *  AIINEQ_ERR_NOMEM. */
AIINEQ_API int aiineq_msm_model(const aiineq_msm *e, aiineq_model **out);

/** Chi-square upper tail probability P(X > x) for df > 0 degrees of freedom
 *  (regularized upper incomplete gamma Q(df/2, x/2)); x <= 0 gives 1.
 *  Errors: AIINEQ_ERR_ARG (p NULL), AIINEQ_ERR_NONFINITE, AIINEQ_ERR_RANGE
 *  (df <= 0). */
AIINEQ_API int aiineq_chi2_sf(double x, double df, double *p);

#if defined(__cplusplus)
}
#endif

#endif /* AIINEQ_MSM_H */
