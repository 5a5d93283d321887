/*
 * ineq_dist.c -- the distribution handle: validation, sorting and merging
 * of ties, and the point measures (Gini, Lorenz curve, top shares, Theil,
 * mean log deviation).  Standard errors are in ineq_se.c, the source
 * decomposition in ineq_sources.c.
 */
#include <math.h>
#include <string.h>

#include "ineq_dist.h"
#include "ineq_internal.h"

static const char null_handle_msg[] = "distribution handle is NULL";

AIINEQ_API int aiineq_dist_new(aiineq_dist **out) {
  if (!out) return AIINEQ_ERR_ARG;
  *out = aiq_calloc(1, sizeof **out);
  return *out ? AIINEQ_OK : AIINEQ_ERR_NOMEM;
}

void aiq_dist_clear(aiineq_dist *d) {
  aiq_free(d->v);
  aiq_free(d->t);
  aiq_free(d->t2);
  aiq_free(d->t3);
  aiq_free(d->t4);
  aiq_free(d->grp);
  aiq_free(d->w);
  d->v = d->t = d->t2 = d->t3 = d->t4 = d->w = NULL;
  d->grp = NULL;
  d->ready = 0;
  d->n = d->nr = d->m = 0;
}

AIINEQ_API void aiineq_dist_free(aiineq_dist *d) {
  if (!d) return;
  aiq_dist_clear(d);
  aiq_free(d);
}

AIINEQ_API const char *aiineq_dist_errmsg(const aiineq_dist *d) {
  return d ? d->err : null_handle_msg;
}

int aiq_dist_query(aiineq_dist *d, const void *out, const char *what) {
  if (!d) return AIINEQ_ERR_ARG;
  if (!d->ready)
    return aiq_fail(d->err, AIINEQ_ERR_STATE, "no data: call aiineq_dist_set first");
  if (!out) return aiq_fail(d->err, AIINEQ_ERR_ARG, "output pointer %s is NULL", what);
  return AIINEQ_OK;
}

double aiq_gini_groups(const double *v, const double *t, size_t m, double W, double S) {
  aiq_ksum num = {0, 0};
  double before = 0; /* weight of the groups before k */
  for (size_t k = 0; k < m; k++) {
    aiq_ksum_add(&num, t[k] * v[k] * (2.0 * before + t[k] - W));
    before += t[k];
  }
  return aiq_ksum_value(&num) / (W * S);
}

/* Validate the caller's arrays; err may be NULL (stateless use). */
static int validate(char *err, const double *x, const double *w, size_t n, unsigned flags) {
  if (!x) return aiq_fail(err, AIINEQ_ERR_ARG, "value array x is NULL");
  if (flags & ~AIINEQ_DIST_ALLOW_NEGATIVE)
    return aiq_fail(err, AIINEQ_ERR_ARG, "flags = %#x: unknown bits (only AIINEQ_DIST_ALLOW_NEGATIVE)",
                    flags);
  if (n == 0) return aiq_fail(err, AIINEQ_ERR_SIZE, "n = 0: no observations");
  for (size_t i = 0; i < n; i++) {
    if (!isfinite(x[i]))
      return aiq_fail(err, AIINEQ_ERR_NONFINITE, "x[%zu] = %g is not finite", i, x[i]);
    if (x[i] < 0 && !(flags & AIINEQ_DIST_ALLOW_NEGATIVE))
      return aiq_fail(err, AIINEQ_ERR_RANGE,
                      "x[%zu] = %.17g is negative (pass AIINEQ_DIST_ALLOW_NEGATIVE for the "
                      "generalised Gini)",
                      i, x[i]);
    if (w) {
      if (!isfinite(w[i]))
        return aiq_fail(err, AIINEQ_ERR_NONFINITE, "w[%zu] = %g is not finite", i, w[i]);
      if (w[i] < 0)
        return aiq_fail(err, AIINEQ_ERR_RANGE, "w[%zu] = %.17g: weights must be >= 0", i, w[i]);
    }
  }
  return AIINEQ_OK;
}

/* Sort, merge ties and total: fills every field of *nd except err.  On
 * failure nd holds nothing (its arrays are freed). */
static int build(char *err, aiineq_dist *nd, const double *x, const double *w, size_t n) {
  memset(nd, 0, offsetof(aiineq_dist, err));
  size_t *idx = aiq_malloc_array(n, sizeof *idx);
  nd->v = aiq_malloc_array(n, sizeof *nd->v);
  nd->t = aiq_malloc_array(n, sizeof *nd->t);
  nd->grp = aiq_malloc_array(n, sizeof *nd->grp);
  if (w) {
    nd->t2 = aiq_malloc_array(n, sizeof *nd->t2);
    nd->t3 = aiq_malloc_array(n, sizeof *nd->t3);
    nd->t4 = aiq_malloc_array(n, sizeof *nd->t4);
    nd->w = aiq_malloc_array(n, sizeof *nd->w);
  }
  int rc = AIINEQ_ERR_NOMEM;
  if (!idx || !nd->v || !nd->t || !nd->grp || (w && (!nd->t2 || !nd->t3 || !nd->t4 || !nd->w)))
    goto fail;
  if ((rc = aiq_argsort_double(x, n, idx)) != AIINEQ_OK) goto fail;
  if (w) memcpy(nd->w, w, n * sizeof *w);
  size_t m = 0, nr = 0;
  aiq_ksum W = {0, 0}, S = {0, 0}, sw2 = {0, 0};
  for (size_t k = 0; k < n; k++) {
    size_t i = idx[k];
    double wi = w ? w[i] : 1.0, xi = x[i] + 0.0; /* -0.0 becomes +0.0 */
    if (wi == 0) {
      nd->grp[i] = AIQ_NO_GROUP;
      continue;
    }
    if (m == 0 || xi != nd->v[m - 1]) {
      nd->v[m] = xi;
      nd->t[m] = 0;
      if (w) nd->t2[m] = nd->t3[m] = nd->t4[m] = 0;
      m++;
    }
    nd->t[m - 1] += wi;
    if (w) {
      double w2 = wi * wi;
      nd->t2[m - 1] += w2;
      nd->t3[m - 1] += w2 * wi;
      nd->t4[m - 1] += w2 * w2;
    }
    nd->grp[i] = m - 1;
    nr++;
  }
  aiq_free(idx);
  idx = NULL;
  if (m == 0) {
    rc = aiq_fail(err, AIINEQ_ERR_DEGENERATE, "w: all %zu weights are zero", n);
    goto fail;
  }
  for (size_t k = 0; k < m; k++) {
    aiq_ksum_add(&W, nd->t[k]);
    aiq_ksum_add(&S, nd->t[k] * nd->v[k]);
    aiq_ksum_add(&sw2, w ? nd->t2[k] : nd->t[k]);
    if (nd->v[k] < 0) nd->has_neg = 1;
    if (nd->v[k] == 0) nd->has_zero = 1;
  }
  nd->W = aiq_ksum_value(&W);
  nd->S = aiq_ksum_value(&S);
  nd->sw2 = aiq_ksum_value(&sw2);
  if (!isfinite(nd->W) || !isfinite(nd->S) || !isfinite(nd->sw2)) {
    rc = aiq_fail(err, AIINEQ_ERR_RANGE, "weighted totals overflow (sum w = %g, sum w*x = %g)",
                  nd->W, nd->S);
    goto fail;
  }
  if (!(nd->S > 0)) {
    rc = aiq_fail(err, AIINEQ_ERR_DEGENERATE,
                  nd->S == 0 ? "x: total income sum w*x is zero (%g): the measures are undefined"
                             : "x: total income sum w*x = %g is negative: the measures are undefined",
                  nd->S);
    goto fail;
  }
  nd->n = n;
  nd->nr = nr;
  nd->m = m;
  nd->ready = 1;
  return AIINEQ_OK;
fail:
  aiq_free(idx);
  aiq_dist_clear(nd);
  return rc;
}

AIINEQ_API int aiineq_dist_set(aiineq_dist *d, const double *x, const double *w, size_t n,
                               unsigned flags) {
  if (!d) return AIINEQ_ERR_ARG;
  int rc = validate(d->err, x, w, n, flags);
  if (rc != AIINEQ_OK) return rc;
  aiineq_dist nd;
  rc = build(d->err, &nd, x, w, n);
  if (rc == AIINEQ_ERR_NOMEM) aiq_fail(d->err, rc, "out of memory sorting %zu observations", n);
  if (rc != AIINEQ_OK) return rc;
  aiq_dist_clear(d);
  memcpy(d, &nd, offsetof(aiineq_dist, err));
  d->err[0] = '\0';
  return AIINEQ_OK;
}

AIINEQ_API int aiineq_dist_info(aiineq_dist *d, size_t *n_obs, size_t *n_distinct,
                                double *total_weight, double *mean) {
  int rc = aiq_dist_query(d, d, "");
  if (rc != AIINEQ_OK) return rc;
  if (n_obs) *n_obs = d->nr;
  if (n_distinct) *n_distinct = d->m;
  if (total_weight) *total_weight = d->W;
  if (mean) *mean = d->S / d->W;
  return AIINEQ_OK;
}

AIINEQ_API int aiineq_dist_gini(aiineq_dist *d, unsigned flags, double *g) {
  int rc = aiq_dist_query(d, g, "g");
  if (rc != AIINEQ_OK) return rc;
  if (flags & ~AIINEQ_GINI_SAMPLE)
    return aiq_fail(d->err, AIINEQ_ERR_ARG, "flags = %#x: unknown bits (only AIINEQ_GINI_SAMPLE)",
                    flags);
  double G = aiq_gini_groups(d->v, d->t, d->m, d->W, d->S);
  if (flags & AIINEQ_GINI_SAMPLE) {
    double neff = d->W * d->W / d->sw2;
    if (!(neff > 1))
      return aiq_fail(d->err, AIINEQ_ERR_DEGENERATE,
                      "sample Gini needs an effective sample size above 1 (it is %g)", neff);
    G *= neff / (neff - 1.0);
  }
  *g = G;
  return AIINEQ_OK;
}

/* Check a population share p in [0, 1]; i is its index in the caller's
 * array, or (size_t)-1 for a scalar argument. */
static int check_share(aiineq_dist *d, double p, size_t i) {
  int bad = !isfinite(p) ? AIINEQ_ERR_NONFINITE : (p < 0 || p > 1) ? AIINEQ_ERR_RANGE : AIINEQ_OK;
  if (bad == AIINEQ_OK) return AIINEQ_OK;
  const char *why = bad == AIINEQ_ERR_NONFINITE ? "is not finite" : "is outside [0, 1]";
  if (i == (size_t)-1) return aiq_fail(d->err, bad, "p = %.17g %s", p, why);
  return aiq_fail(d->err, bad, "p[%zu] = %.17g %s", i, p, why);
}

/* L(p): cumulative weight cw[k] and income cy[k] before group k (length m+1). */
static double lorenz_at(const aiineq_dist *d, const double *cw, const double *cy, double p) {
  if (p <= 0) return 0.0;
  double q = p * d->W;
  if (q >= cw[d->m]) return 1.0;
  /* largest k < m with cw[k] <= q */
  size_t lo = 0, hi = d->m; /* cw[lo] <= q < cw[hi] */
  while (hi - lo > 1) {
    size_t mid = lo + (hi - lo) / 2;
    if (cw[mid] <= q)
      lo = mid;
    else
      hi = mid;
  }
  return (cy[lo] + (q - cw[lo]) * d->v[lo]) / d->S;
}

/* Evaluate the Lorenz curve at np points (already validated). */
static int lorenz_eval(aiineq_dist *d, const double *p, size_t np, double *L, int top) {
  double *cw = aiq_malloc_array(d->m + 1, 2 * sizeof *cw);
  if (!cw) return aiq_fail(d->err, AIINEQ_ERR_NOMEM, "out of memory for the Lorenz curve");
  double *cy = cw + d->m + 1;
  aiq_ksum a = {0, 0}, b = {0, 0};
  for (size_t k = 0; k < d->m; k++) {
    cw[k] = aiq_ksum_value(&a);
    cy[k] = aiq_ksum_value(&b);
    aiq_ksum_add(&a, d->t[k]);
    aiq_ksum_add(&b, d->t[k] * d->v[k]);
  }
  cw[d->m] = d->W;
  cy[d->m] = d->S;
  for (size_t i = 0; i < np; i++)
    L[i] = top ? (p[i] <= 0 ? 0.0 : 1.0 - lorenz_at(d, cw, cy, 1.0 - p[i])) : lorenz_at(d, cw, cy, p[i]);
  aiq_free(cw);
  return AIINEQ_OK;
}

AIINEQ_API int aiineq_dist_lorenz(aiineq_dist *d, const double *p, size_t np, double *L) {
  int rc = aiq_dist_query(d, L, "L");
  if (rc != AIINEQ_OK) return rc;
  if (!p) return aiq_fail(d->err, AIINEQ_ERR_ARG, "point array p is NULL");
  if (np == 0) return aiq_fail(d->err, AIINEQ_ERR_SIZE, "np = 0: no points");
  for (size_t i = 0; i < np; i++)
    if ((rc = check_share(d, p[i], i)) != AIINEQ_OK) return rc;
  return lorenz_eval(d, p, np, L, 0);
}

AIINEQ_API int aiineq_dist_top_share(aiineq_dist *d, double p, double *share) {
  int rc = aiq_dist_query(d, share, "share");
  if (rc != AIINEQ_OK) return rc;
  if ((rc = check_share(d, p, (size_t)-1)) != AIINEQ_OK) return rc;
  return lorenz_eval(d, &p, 1, share, 1);
}

AIINEQ_API int aiineq_dist_theil(aiineq_dist *d, double *t) {
  int rc = aiq_dist_query(d, t, "t");
  if (rc != AIINEQ_OK) return rc;
  if (d->has_neg)
    return aiq_fail(d->err, AIINEQ_ERR_DEGENERATE, "Theil index undefined with negative values");
  double mu = d->S / d->W;
  aiq_ksum s = {0, 0};
  for (size_t k = 0; k < d->m; k++) {
    double r = d->v[k] / mu;
    if (r > 0) aiq_ksum_add(&s, d->t[k] * r * log(r));
  }
  *t = aiq_ksum_value(&s) / d->W;
  return AIINEQ_OK;
}

AIINEQ_API int aiineq_dist_mld(aiineq_dist *d, double *m) {
  int rc = aiq_dist_query(d, m, "m");
  if (rc != AIINEQ_OK) return rc;
  if (d->has_neg || d->has_zero)
    return aiq_fail(d->err, AIINEQ_ERR_DEGENERATE,
                    "mean log deviation undefined with %s values (smallest value %g)",
                    d->has_neg ? "negative" : "zero", d->v[0]);
  double mu = d->S / d->W;
  aiq_ksum s = {0, 0};
  for (size_t k = 0; k < d->m; k++) aiq_ksum_add(&s, d->t[k] * log(mu / d->v[k]));
  *m = aiq_ksum_value(&s) / d->W;
  return AIINEQ_OK;
}

AIINEQ_API int aiineq_gini(const double *x, const double *w, size_t n, double *g) {
  if (!g) return AIINEQ_ERR_ARG;
  int rc = validate(NULL, x, w, n, 0);
  if (rc != AIINEQ_OK) return rc;
  if (!w) return aiq_gini_plain(x, n, g); /* no merging needed without weights */
  aiineq_dist nd;
  rc = build(NULL, &nd, x, w, n);
  if (rc != AIINEQ_OK) return rc;
  *g = aiq_gini_groups(nd.v, nd.t, nd.m, nd.W, nd.S);
  aiq_dist_clear(&nd);
  return AIINEQ_OK;
}
