/*
 * aiineq_regime.h -- decompositions of Delta Gini and the two regimes
 * (MODEL.md section 6): Shapley values over the four channels, the regime
 * boundary Delta Gini = 0 along a parameter grid, and 2-D regime maps.
 * Included by aiineq.h.
 *
 * Every function reads the caller's model and solves copies of it; the
 * caller's model changes only in its error message (aiineq_model_errmsg),
 * which explains a failure.
 */
#ifndef AIINEQ_REGIME_H
#define AIINEQ_REGIME_H

#include "aiineq.h"

#if defined(__cplusplus)
extern "C" {
#endif

/* Channels of the Shapley decomposition, in output order. */
#define AIINEQ_N_CHANNELS 4
#define AIINEQ_CHANNEL_COMPRESSION 0 /* theta (AIINEQ_HOLD_COMPRESSION) */
#define AIINEQ_CHANNEL_BEHAVIOUR 1   /* education, tasks, beliefs (AIINEQ_HOLD_BEHAVIOUR) */
#define AIINEQ_CHANNEL_PRICES 2      /* task prices (AIINEQ_HOLD_PRICES) */
#define AIINEQ_CHANNEL_ASSET_RENTS 3 /* eta*chi (AIINEQ_HOLD_ASSET_RENTS) */

/* Boundary flags (aiineq_regime_boundary). */
#define AIINEQ_BOUNDARY_FOUND 0          /* root found to the tolerance */
#define AIINEQ_BOUNDARY_NO_SIGN_CHANGE 1 /* same sign at both ends: root is NaN */

/** Progress of a long computation: `done` of `total` solves or grid points.
 *  Return 0 to continue, non-zero to stop (the function then returns
 *  AIINEQ_ERR_STOPPED and writes no output). */
typedef int (*aiineq_regime_progress_fn)(size_t done, size_t total, void *user);

/** Shapley decomposition of Delta Gini over the four channels (16 solves
 *  with aiineq_solve_ex).  v(S) is Delta Gini with the channels in S active
 *  and the others held at baseline; contrib[c] is channel c's Shapley value,
 *  so sum_c contrib[c] = v(all) - v(none) exactly up to rounding.
 *  *delta_gini receives v(all) (the model's Delta Gini) and *base (may be
 *  NULL) receives v(none), the change with every channel held (zero up to
 *  the solver's treatment of rent-sharing; see docs/estimation.md).  A
 *  channel that the parameters switch off (theta = 0, eta*chi = 0) gets
 *  exactly 0.  n must be AIINEQ_N_CHANNELS.
 *  Errors (message on m): AIINEQ_ERR_ARG, AIINEQ_ERR_SIZE, solver errors. */
AIINEQ_API int aiineq_shapley_channels(aiineq_model *m, double *contrib, size_t n,
                                       double *delta_gini, double *base);

/** Regime boundary: for each grid value g[i] of parameter `grid_param`, the
 *  value of `root_param` in [lo, hi] at which Delta Gini = 0, by Brent's
 *  bracketing method.  A root is accepted when |Delta Gini| <= tol (tol = 0
 *  selects 1e-9) or the bracket is narrower than 1e-12 (1 + |x|).
 *  root[i] is NaN and flag[i] = AIINEQ_BOUNDARY_NO_SIGN_CHANGE when Delta Gini
 *  has the same sign at lo and hi; otherwise flag[i] = AIINEQ_BOUNDARY_FOUND.
 *  dgini_root (may be NULL) receives Delta Gini at each root (NaN without
 *  one).  progress may be NULL.
 *  Errors (message on m): AIINEQ_ERR_ARG, AIINEQ_ERR_SIZE (n == 0),
 *  AIINEQ_ERR_NAME, AIINEQ_ERR_TYPE, AIINEQ_ERR_RANGE (a grid value or
 *  bound outside the parameter's range, lo >= hi, the same parameter
 *  twice), AIINEQ_ERR_NONFINITE, AIINEQ_ERR_NOCONV (more than 200
 *  iterations), AIINEQ_ERR_STOPPED, solver errors. */
AIINEQ_API int aiineq_regime_boundary(aiineq_model *m, const char *grid_param,
                                      const double *grid, size_t n, const char *root_param,
                                      double lo, double hi, double tol, double *root,
                                      int *flag, double *dgini_root,
                                      aiineq_regime_progress_fn progress, void *user);

/** Regime map: Delta Gini on the grid (x[ix], y[iy]) of parameters px and
 *  py, into dgini[iy * nx + ix] (len = nx * ny).  Positive values are the
 *  concentration regime, negative the compression regime.  progress may be
 *  NULL.  Errors (message on m): AIINEQ_ERR_ARG, AIINEQ_ERR_SIZE,
 *  AIINEQ_ERR_NAME, AIINEQ_ERR_TYPE, AIINEQ_ERR_RANGE,
 *  AIINEQ_ERR_NONFINITE, AIINEQ_ERR_STOPPED, solver errors. */
AIINEQ_API int aiineq_regime_map(aiineq_model *m, const char *px, const double *x, size_t nx,
                                 const char *py, const double *y, size_t ny, double *dgini,
                                 size_t len, aiineq_regime_progress_fn progress, void *user);

/* Income sources of aiineq_source_decomposition, in output order. */
#define AIINEQ_N_SOURCES 2
#define AIINEQ_SOURCE_WAGES 0   /* wages w_i */
#define AIINEQ_SOURCE_CAPITAL 1 /* capital income o_i * Pi */

/** Lerman-Yitzhaki (1985) decomposition of the income Gini of one economy
 *  (AIINEQ_PRE or AIINEQ_POST) of a solved model into wages and capital
 *  income: G = sum_s S_s G_s R_s, with S_s the source's share of income,
 *  G_s its own Gini and R_s its Gini correlation with income (computed by
 *  aiineq_dist_gini_sources).  Each output array has n = AIINEQ_N_SOURCES
 *  entries in the order of AIINEQ_SOURCE_*; contrib (S G R) may be NULL;
 *  *gini receives G.  Status only (the result is immutable).
 *  Errors: AIINEQ_ERR_ARG (NULL), AIINEQ_ERR_SIZE (n), AIINEQ_ERR_RANGE
 *  (economy), AIINEQ_ERR_NOMEM, and those of aiineq_dist_set. */
struct aiineq_result; /* aiineq_solve.h; named so that this header stands alone */
AIINEQ_API int aiineq_source_decomposition(const struct aiineq_result *r, int economy,
                                           double *share,
                                           double *gini_s, double *corr, double *contrib,
                                           size_t n, double *gini);

#if defined(__cplusplus)
}
#endif

#endif /* AIINEQ_REGIME_H */
