/*
 * ineq_se.c -- sampling uncertainty of the Gini: Davidson's (2009)
 * asymptotic standard error, a seeded bootstrap, and confidence intervals.
 * The formulas are in include/aiineq_ineq.h and docs/design.md.
 */
#include <math.h>

#include "ineq_dist.h"
#include "ineq_internal.h"
#include "numerics.h"
#include "rng.h"

AIINEQ_API int aiineq_dist_gini_se(aiineq_dist *d, double *se) {
  int rc = aiq_dist_query(d, se, "se");
  if (rc != AIINEQ_OK) return rc;
  const double W = d->W, mu = d->S / d->W;
  const double G = aiq_gini_groups(d->v, d->t, d->m, d->W, d->S);
  /* Within group k every observation has Z_i = a_k - p_i v_k with
   *   a_k = -(G+1) v_k + 2 (P_k v_k - C_k),
   * P_k, C_k the weight share and p-weighted income below v_k.  Sums over
   * the observations of p_i^j come from the group's weight powers. */
  const double *t2 = d->t2 ? d->t2 : d->t, *t3 = d->t3 ? d->t3 : d->t, *t4 = d->t4 ? d->t4 : d->t;
  double *a = aiq_malloc_array(d->m, sizeof *a);
  if (!a) return aiq_fail(d->err, AIINEQ_ERR_NOMEM, "out of memory for the standard error");
  aiq_ksum below_w = {0, 0}, below_y = {0, 0}, zbar = {0, 0};
  for (size_t k = 0; k < d->m; k++) {
    double v = d->v[k], P = aiq_ksum_value(&below_w) / W, C = aiq_ksum_value(&below_y) / W;
    a[k] = -(G + 1.0) * v + 2.0 * (P * v - C);
    /* sum_i p_i Z_i over the group = (t a - t2 v / W) / W */
    aiq_ksum_add(&zbar, (d->t[k] * a[k] - t2[k] * v / W) / W);
    aiq_ksum_add(&below_w, d->t[k]);
    aiq_ksum_add(&below_y, d->t[k] * v);
  }
  const double zb = aiq_ksum_value(&zbar), W2 = W * W, W3 = W2 * W, W4 = W2 * W2;
  aiq_ksum var = {0, 0};
  for (size_t k = 0; k < d->m; k++) {
    /* sum_i p_i^2 (dk - p_i v)^2 with dk = a_k - Zbar */
    double dk = a[k] - zb, v = d->v[k];
    aiq_ksum_add(&var, dk * dk * t2[k] / W2 - 2.0 * dk * v * t3[k] / W3 + v * v * t4[k] / W4);
  }
  aiq_free(a);
  double V = aiq_ksum_value(&var) / (mu * mu);
  *se = sqrt(V > 0 ? V : 0.0);
  return AIINEQ_OK;
}

/* reps bootstrap replicates of the Gini into out[0..reps).  Replicate b
 * draws nr observations (with positive weight) uniformly with replacement:
 * draw j uses word j % 4 of the generator at (seed, stream b, index j / 4).
 * The replicate is the Gini of the sorted groups reweighted by the draws,
 * so no replicate is sorted again. */
static int boot_replicates(aiineq_dist *d, size_t reps, uint64_t seed, double *out) {
  size_t *pos = NULL;
  double *tb = aiq_malloc_array(d->m, sizeof *tb);
  if (tb && d->nr < d->n) { /* indices of the observations with positive weight */
    pos = aiq_malloc_array(d->nr, sizeof *pos);
    if (pos)
      for (size_t i = 0, j = 0; i < d->n; i++)
        if (d->grp[i] != AIQ_NO_GROUP) pos[j++] = i;
  }
  if (!tb || (d->nr < d->n && !pos)) {
    aiq_free(tb);
    aiq_free(pos);
    return aiq_fail(d->err, AIINEQ_ERR_NOMEM, "out of memory for the bootstrap");
  }
  int rc = AIINEQ_OK;
  for (size_t b = 0; b < reps && rc == AIINEQ_OK; b++) {
    for (size_t k = 0; k < d->m; k++) tb[k] = 0;
    uint64_t word[4];
    for (size_t j = 0; j < d->nr; j++) {
      if (j % 4 == 0) aiq_rng_words(seed, (uint64_t)b, (uint64_t)(j / 4), 0, word);
      size_t r = (size_t)aiq_rng_below(word[j % 4], (uint64_t)d->nr);
      size_t i = pos ? pos[r] : r;
      tb[d->grp[i]] += d->w ? d->w[i] : 1.0;
    }
    aiq_ksum W = {0, 0}, S = {0, 0};
    for (size_t k = 0; k < d->m; k++) {
      aiq_ksum_add(&W, tb[k]);
      aiq_ksum_add(&S, tb[k] * d->v[k]);
    }
    double Wb = aiq_ksum_value(&W), Sb = aiq_ksum_value(&S);
    if (!(Sb > 0))
      rc = aiq_fail(d->err, AIINEQ_ERR_DEGENERATE,
                    "bootstrap replicate %zu has total income %g: its Gini is undefined", b, Sb);
    else
      out[b] = aiq_gini_groups(d->v, tb, d->m, Wb, Sb);
  }
  aiq_free(tb);
  aiq_free(pos);
  return rc;
}

/* Mean and standard deviation (denominator reps - 1) of x[0..reps). */
static double sample_sd(const double *x, size_t reps) {
  aiq_ksum s = {0, 0}, q = {0, 0};
  for (size_t b = 0; b < reps; b++) aiq_ksum_add(&s, x[b]);
  double mean = aiq_ksum_value(&s) / (double)reps;
  for (size_t b = 0; b < reps; b++) aiq_ksum_add(&q, (x[b] - mean) * (x[b] - mean));
  return sqrt(aiq_ksum_value(&q) / (double)(reps - 1));
}

static int check_reps(aiineq_dist *d, size_t reps) {
  if (reps < 2)
    return aiq_fail(d->err, AIINEQ_ERR_RANGE, "reps = %zu: the bootstrap needs at least 2", reps);
  return AIINEQ_OK;
}

AIINEQ_API int aiineq_dist_gini_bootstrap(aiineq_dist *d, size_t reps, uint64_t seed,
                                          double *se) {
  int rc = aiq_dist_query(d, se, "se");
  if (rc != AIINEQ_OK || (rc = check_reps(d, reps)) != AIINEQ_OK) return rc;
  double *g = aiq_malloc_array(reps, sizeof *g);
  if (!g) return aiq_fail(d->err, AIINEQ_ERR_NOMEM, "out of memory for %zu replicates", reps);
  rc = boot_replicates(d, reps, seed, g);
  if (rc == AIINEQ_OK) *se = sample_sd(g, reps);
  aiq_free(g);
  return rc;
}

/* Quantile q of sorted x[0..n) with linear interpolation (numpy's default). */
static double sorted_quantile(const double *x, size_t n, double q) {
  double h = (double)(n - 1) * q;
  size_t lo = (size_t)floor(h);
  if (lo >= n - 1) return x[n - 1];
  return x[lo] + (h - (double)lo) * (x[lo + 1] - x[lo]);
}

AIINEQ_API int aiineq_dist_gini_ci(aiineq_dist *d, double level, int method, size_t reps,
                                   uint64_t seed, double *lo, double *hi) {
  int rc = aiq_dist_query(d, lo, "lo");
  if (rc != AIINEQ_OK || (rc = aiq_dist_query(d, hi, "hi")) != AIINEQ_OK) return rc;
  if (!isfinite(level)) return aiq_fail(d->err, AIINEQ_ERR_NONFINITE, "level = %g is not finite", level);
  if (!(level > 0 && level < 1))
    return aiq_fail(d->err, AIINEQ_ERR_RANGE, "level = %.17g is outside (0, 1)", level);
  if (method != AIINEQ_CI_ANALYTIC && method != AIINEQ_CI_BOOT_NORMAL &&
      method != AIINEQ_CI_BOOT_PERCENTILE)
    return aiq_fail(d->err, AIINEQ_ERR_ARG, "method = %d: unknown (use AIINEQ_CI_*)", method);
  double G = aiq_gini_groups(d->v, d->t, d->m, d->W, d->S), se, z = aiq_norm_ppf(0.5 + level / 2);
  if (method == AIINEQ_CI_ANALYTIC) {
    if ((rc = aiineq_dist_gini_se(d, &se)) != AIINEQ_OK) return rc;
    *lo = G - z * se;
    *hi = G + z * se;
    return AIINEQ_OK;
  }
  if ((rc = check_reps(d, reps)) != AIINEQ_OK) return rc;
  double *g = aiq_malloc_array(reps, sizeof *g);
  if (!g) return aiq_fail(d->err, AIINEQ_ERR_NOMEM, "out of memory for %zu replicates", reps);
  rc = boot_replicates(d, reps, seed, g);
  if (rc == AIINEQ_OK && method == AIINEQ_CI_BOOT_NORMAL) {
    se = sample_sd(g, reps);
    *lo = G - z * se;
    *hi = G + z * se;
  } else if (rc == AIINEQ_OK && (rc = aiq_sort_double(g, reps)) == AIINEQ_OK) {
    *lo = sorted_quantile(g, reps, 0.5 - level / 2);
    *hi = sorted_quantile(g, reps, 0.5 + level / 2);
  }
  if (rc == AIINEQ_ERR_NOMEM) aiq_fail(d->err, rc, "out of memory sorting %zu replicates", reps);
  aiq_free(g);
  return rc;
}
