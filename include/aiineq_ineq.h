/*
 * aiineq_ineq.h -- inequality measures (Gini, Lorenz, top shares, Theil,
 * source decomposition, standard errors).  Included by aiineq.h.
 *
 * A distribution handle holds one income distribution: values x_i with
 * optional non-negative weights w_i.  aiineq_dist_set() validates, copies
 * and sorts the data once; every query then reads the sorted copy.  Equal
 * values are merged (their weights added) before any measure is computed,
 * so an observation with weight k gives exactly the same measures as k
 * copies of it with weight 1, and frequency weights (counts) and probability
 * weights (any positive rescaling) give the same answers.  Observations with
 * weight zero are ignored.  Caller arrays are never modified or retained.
 *
 * Every measure is the population (plug-in) value of the weighted empirical
 * distribution; with W = sum w_i, mu = sum w_i x_i / W and observations in
 * ascending order,
 *   Gini  G = sum_i w_i x_i (2 B_i + w_i - W) / (W * sum_i w_i x_i),
 *         B_i = weight of the observations before i; for w_i = 1 this is
 *         MODEL.md's 2 sum_i i x_(i) / (n sum x) - (n+1)/n;
 *   Theil T = (1/W) sum_i w_i (x_i/mu) ln(x_i/mu)   (0 ln 0 = 0);
 *   MLD     = (1/W) sum_i w_i ln(mu/x_i).
 * A handle is used by one thread at a time; distinct handles are independent.
 */
#ifndef AIINEQ_INEQ_H
#define AIINEQ_INEQ_H

#include "aiineq.h"

#if defined(__cplusplus)
extern "C" {
#endif

/** Opaque income distribution (sorted copy of values and weights). */
typedef struct aiineq_dist aiineq_dist;

/* Flags of aiineq_dist_set(). */
#define AIINEQ_DIST_ALLOW_NEGATIVE 1u /* accept negative values (generalised Gini) */

/* Flags of aiineq_dist_gini(). */
#define AIINEQ_GINI_SAMPLE 1u /* small-sample variant: G * n/(n-1) */

/* Methods of aiineq_dist_gini_ci(). */
#define AIINEQ_CI_ANALYTIC 0        /* G -/+ z * Davidson (2009) standard error */
#define AIINEQ_CI_BOOT_NORMAL 1     /* G -/+ z * bootstrap standard error */
#define AIINEQ_CI_BOOT_PERCENTILE 2 /* quantiles of the bootstrap replicates */

/** Create an empty distribution (queries fail with AIINEQ_ERR_STATE until
 *  aiineq_dist_set succeeds).  On success *out owns a new handle (free it
 *  with aiineq_dist_free); on failure *out is NULL.
 *  Errors: AIINEQ_ERR_ARG (out NULL), AIINEQ_ERR_NOMEM. */
AIINEQ_API int aiineq_dist_new(aiineq_dist **out);

/** Release a distribution; NULL is a no-op. */
AIINEQ_API void aiineq_dist_free(aiineq_dist *d);

/** Message describing the last failure on this handle ("" if none); valid
 *  until the next call on the handle.  NULL handle gives a static message. */
AIINEQ_API const char *aiineq_dist_errmsg(const aiineq_dist *d);

/** Load n values x[0..n) with weights w[0..n) (w NULL: every weight 1).
 *  Both arrays are copied (sorted, ties merged); the handle replaces any
 *  previous data only on success.  flags: 0 or AIINEQ_DIST_ALLOW_NEGATIVE.
 *  Errors (message names the argument and the first bad index):
 *  AIINEQ_ERR_ARG (d or x NULL, unknown flag), AIINEQ_ERR_SIZE (n == 0),
 *  AIINEQ_ERR_NONFINITE (NaN/Inf in x or w), AIINEQ_ERR_RANGE (negative
 *  weight; negative value without AIINEQ_DIST_ALLOW_NEGATIVE; weighted
 *  totals overflow), AIINEQ_ERR_DEGENERATE (all weights zero; total income
 *  sum w_i x_i zero, or not positive with negative values allowed),
 *  AIINEQ_ERR_NOMEM. */
AIINEQ_API int aiineq_dist_set(aiineq_dist *d, const double *x, const double *w, size_t n,
                               unsigned flags);

/** Number of observations with positive weight (*n_obs), number of distinct
 *  values among them (*n_distinct), total weight W and weighted mean mu.
 *  Any out pointer may be NULL.  Errors: AIINEQ_ERR_ARG, AIINEQ_ERR_STATE. */
AIINEQ_API int aiineq_dist_info(aiineq_dist *d, size_t *n_obs, size_t *n_distinct,
                                double *total_weight, double *mean);

/** Gini coefficient (population formula above).  flags: 0, or
 *  AIINEQ_GINI_SAMPLE for G * n/(n-1), where n is Kish's effective sample
 *  size (sum w)^2 / sum w^2 over the observations as passed (n itself when
 *  unweighted; invariant to rescaling the weights; an observation with
 *  weight k counts as one observation, not k: to treat weights as counts,
 *  replicate).  With negative values (allowed at set time) G may exceed 1.
 *  Errors: AIINEQ_ERR_ARG (NULL, unknown flag), AIINEQ_ERR_STATE,
 *  AIINEQ_ERR_DEGENERATE (sample variant with effective n <= 1). */
AIINEQ_API int aiineq_dist_gini(aiineq_dist *d, unsigned flags, double *g);

/** Lorenz curve L(p) at np caller points p[0..np) in [0, 1] (any order):
 *  the share of total income held by the poorest fraction p of the weight,
 *  linear between observations (so exact at every cumulative weight share
 *  and for ties).  L(0) = 0, L(1) = 1.  Results in L[0..np).
 *  Errors: AIINEQ_ERR_ARG (NULL), AIINEQ_ERR_STATE, AIINEQ_ERR_SIZE
 *  (np == 0), AIINEQ_ERR_NONFINITE, AIINEQ_ERR_RANGE (p outside [0, 1]). */
AIINEQ_API int aiineq_dist_lorenz(aiineq_dist *d, const double *p, size_t np, double *L);

/** Income share of the richest fraction p in [0, 1] of the weight:
 *  1 - L(1 - p) (p = 0.1 gives the top-10% share).
 *  Errors: AIINEQ_ERR_ARG, AIINEQ_ERR_STATE, AIINEQ_ERR_NONFINITE,
 *  AIINEQ_ERR_RANGE (p outside [0, 1]). */
AIINEQ_API int aiineq_dist_top_share(aiineq_dist *d, double p, double *share);

/** Theil T index (generalised entropy GE(1)); zero incomes contribute 0.
 *  Errors: AIINEQ_ERR_ARG, AIINEQ_ERR_STATE, AIINEQ_ERR_DEGENERATE (a
 *  negative value: undefined). */
AIINEQ_API int aiineq_dist_theil(aiineq_dist *d, double *t);

/** Mean log deviation (Theil L, GE(0)).
 *  Errors: AIINEQ_ERR_ARG, AIINEQ_ERR_STATE, AIINEQ_ERR_DEGENERATE (a zero
 *  or negative value with positive weight: undefined). */
AIINEQ_API int aiineq_dist_mld(aiineq_dist *d, double *m);

/** Asymptotic standard error of the Gini of Davidson (2009, J. Econometrics
 *  150, "Reliable inference for the Gini index"), for unweighted data
 *    Var = (1/(n mu)^2) sum_i (Z_i - Zbar)^2,
 *    Z_i = -(G+1) x_(i) + (2i-1)/n x_(i) - (2/n) sum_{j<=i} x_(j);
 *  with weights (p_i = w_i / W, P_i and C_i the weight share and the
 *  p-weighted income strictly below x_i, Zbar = sum_i p_i Z_i)
 *    Var = sum_i p_i^2 (Z_i - Zbar)^2 / mu^2,
 *    Z_i = -(G+1) x_i + 2 (P_i x_i - C_i) - p_i x_i,
 *  which is the same for w_i = 1 and gives tied values equal Z.  Weights
 *  are treated as sampling (probability) weights: each observation is one
 *  independent draw (an observation with weight k is not k draws).
 *  Errors: AIINEQ_ERR_ARG, AIINEQ_ERR_STATE. */
AIINEQ_API int aiineq_dist_gini_se(aiineq_dist *d, double *se);

/** Bootstrap standard error of the Gini: reps resamples of the observations
 *  (with positive weight, each keeping its weight) drawn with replacement
 *  by the counter-based generator keyed by seed; the result is the standard
 *  deviation (denominator reps - 1) of the replicate Ginis.  Deterministic:
 *  the same data, reps and seed give the same bits.  reps must be >= 2.
 *  Errors: AIINEQ_ERR_ARG, AIINEQ_ERR_STATE, AIINEQ_ERR_RANGE (reps < 2),
 *  AIINEQ_ERR_NOMEM. */
AIINEQ_API int aiineq_dist_gini_bootstrap(aiineq_dist *d, size_t reps, uint64_t seed,
                                          double *se);

/** Confidence interval [*lo, *hi] for the Gini at confidence level in
 *  (0, 1) (e.g. 0.95).  method: AIINEQ_CI_ANALYTIC (normal, Davidson
 *  standard error; reps and seed ignored), AIINEQ_CI_BOOT_NORMAL (normal,
 *  bootstrap standard error) or AIINEQ_CI_BOOT_PERCENTILE (the (1-level)/2
 *  and (1+level)/2 quantiles of the replicates, linear interpolation);
 *  bootstrap methods use reps >= 2 and seed as aiineq_dist_gini_bootstrap.
 *  Errors: AIINEQ_ERR_ARG (NULL, unknown method), AIINEQ_ERR_STATE,
 *  AIINEQ_ERR_NONFINITE, AIINEQ_ERR_RANGE (level, reps), AIINEQ_ERR_NOMEM. */
AIINEQ_API int aiineq_dist_gini_ci(aiineq_dist *d, double level, int method, size_t reps,
                                   uint64_t seed, double *lo, double *hi);

/** Lerman-Yitzhaki (1985) decomposition of the Gini by income source.
 *  src is a column-major n x ns array (src[s*n + i] is source s of
 *  observation i, in the order given to aiineq_dist_set; n must equal that
 *  call's n); for every observation with positive weight the sources must
 *  add up to its value (relative tolerance 1e-9).  Sources may be negative.
 *  The weights are the distribution's.  Outputs, each of length ns:
 *  share[s] = S_s (source mean over total mean), gini[s] = G_s (the
 *  source's own Gini, NaN when its mean is zero), corr[s] = R_s (Gini
 *  correlation with total income, NaN when G_s is zero or NaN) and, when
 *  contrib is not NULL, contrib[s] = S_s G_s R_s (always defined), with
 *  sum_s contrib[s] = G up to rounding.
 *  Errors: AIINEQ_ERR_ARG (NULL), AIINEQ_ERR_STATE, AIINEQ_ERR_SIZE (n
 *  differs, ns == 0), AIINEQ_ERR_NONFINITE, AIINEQ_ERR_RANGE (sources do
 *  not add up to the value: message names the observation),
 *  AIINEQ_ERR_NOMEM. */
AIINEQ_API int aiineq_dist_gini_sources(aiineq_dist *d, const double *src, size_t n, size_t ns,
                                        double *share, double *gini, double *corr,
                                        double *contrib);

/** Stateless Gini of n non-negative values x with optional weights w (NULL:
 *  unweighted); the population formula above.  Status only (no message):
 *  the errors of aiineq_dist_set (flags 0) and AIINEQ_ERR_ARG for g NULL. */
AIINEQ_API int aiineq_gini(const double *x, const double *w, size_t n, double *g);

#if defined(__cplusplus)
}
#endif

#endif /* AIINEQ_INEQ_H */
