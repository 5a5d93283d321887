/*
 * ineq_sources.c -- Lerman and Yitzhaki (1985) decomposition of the Gini by
 * income source: G = sum_s S_s G_s R_s.
 *
 * With r_i = 2 B_i + T_i - W (B_i the weight strictly below observation i
 * in a ranking, T_i the weight of its tie group), the Gini covariance of a
 * variable v with that ranking is D(v) = sum_i w_i v_i r_i.  Then
 *   G = D_y(y) / (W S),  S_s = S_s' / S,  G_s = D_s(s) / (W S_s'),
 *   R_s = D_y(s) / D_s(s),  S_s G_s R_s = D_y(s) / (W S),
 * with S_s' = sum w_i s_i; D_y is linear in v, so the contributions add up
 * to G whenever the sources add up to y.  Ties get the same r (mid-ranks),
 * so the decomposition keeps the replication property of the Gini.
 */
#include <math.h>

#include "ineq_dist.h"
#include "ineq_internal.h"

/* Relative tolerance for sum_s src = x. */
#define AIQ_SOURCE_TOL 1e-9

/* r_i of the observations with positive weight ranked by val[0..nr), with
 * weights wt[0..nr); idx is scratch of length nr. */
static int rank_terms(const double *val, const double *wt, size_t nr, double W, size_t *idx,
                      double *r) {
  int rc = aiq_argsort_double(val, nr, idx);
  if (rc != AIINEQ_OK) return rc;
  double before = 0;
  for (size_t k = 0; k < nr;) {
    size_t e = k;
    double T = 0;
    for (; e < nr && val[idx[e]] == val[idx[k]]; e++) T += wt[idx[e]];
    double rk = 2.0 * before + T - W;
    for (size_t j = k; j < e; j++) r[idx[j]] = rk;
    before += T;
    k = e;
  }
  return AIINEQ_OK;
}

AIINEQ_API int aiineq_dist_gini_sources(aiineq_dist *d, const double *src, size_t n, size_t ns,
                                        double *share, double *gini, double *corr,
                                        double *contrib) {
  int rc = aiq_dist_query(d, share, "share");
  if (rc != AIINEQ_OK || (rc = aiq_dist_query(d, gini, "gini")) != AIINEQ_OK ||
      (rc = aiq_dist_query(d, corr, "corr")) != AIINEQ_OK)
    return rc;
  if (!src) return aiq_fail(d->err, AIINEQ_ERR_ARG, "source array src is NULL");
  if (n != d->n)
    return aiq_fail(d->err, AIINEQ_ERR_SIZE, "n = %zu differs from the %zu observations set", n,
                    d->n);
  if (ns == 0) return aiq_fail(d->err, AIINEQ_ERR_SIZE, "ns = 0: no sources");
  if (ns > SIZE_MAX / n) return aiq_fail(d->err, AIINEQ_ERR_SIZE, "n * ns overflows");
  for (size_t s = 0; s < ns; s++)
    for (size_t i = 0; i < n; i++)
      if (!isfinite(src[s * n + i]))
        return aiq_fail(d->err, AIINEQ_ERR_NONFINITE, "source %zu of observation %zu is %g", s, i,
                        src[s * n + i]);
  for (size_t i = 0; i < n; i++) {
    if (d->grp[i] == AIQ_NO_GROUP) continue;
    double x = d->v[d->grp[i]], sum = 0, mag = fabs(x);
    for (size_t s = 0; s < ns; s++) {
      sum += src[s * n + i];
      mag += fabs(src[s * n + i]);
    }
    if (fabs(sum - x) > AIQ_SOURCE_TOL * mag)
      return aiq_fail(d->err, AIINEQ_ERR_RANGE,
                      "the sources of observation %zu add up to %.17g, its value is %.17g", i, sum,
                      x);
  }
  /* Observations with positive weight, in input order: weight, rank term in
   * total income, one source's values, and its own rank terms. */
  size_t nr = d->nr;
  double *buf = aiq_malloc_array(nr, 4 * sizeof *buf);
  size_t *idx = aiq_malloc_array(nr, sizeof *idx), *row = aiq_malloc_array(nr, sizeof *row);
  if (!buf || !idx || !row) {
    aiq_free(buf);
    aiq_free(idx);
    aiq_free(row);
    return aiq_fail(d->err, AIINEQ_ERR_NOMEM, "out of memory for the source decomposition");
  }
  double *wt = buf, *ry = buf + nr, *val = buf + 2 * nr, *rs = buf + 3 * nr;
  double before = 0;
  double *ranky = rs; /* rank term of each group, reused below as scratch */
  for (size_t k = 0; k < d->m; k++) {
    ranky[k] = 2.0 * before + d->t[k] - d->W;
    before += d->t[k];
  }
  for (size_t i = 0, j = 0; i < n; i++) {
    if (d->grp[i] == AIQ_NO_GROUP) continue;
    row[j] = i;
    wt[j] = d->w ? d->w[i] : 1.0;
    ry[j] = ranky[d->grp[i]];
    j++;
  }
  const double WS = d->W * d->S;
  for (size_t s = 0; s < ns && rc == AIINEQ_OK; s++) {
    for (size_t j = 0; j < nr; j++) val[j] = src[s * n + row[j]];
    if ((rc = rank_terms(val, wt, nr, d->W, idx, rs)) != AIINEQ_OK) break;
    aiq_ksum tot = {0, 0}, dss = {0, 0}, dys = {0, 0};
    for (size_t j = 0; j < nr; j++) {
      double wv = wt[j] * val[j];
      aiq_ksum_add(&tot, wv);
      aiq_ksum_add(&dss, wv * rs[j]);
      aiq_ksum_add(&dys, wv * ry[j]);
    }
    double Ss = aiq_ksum_value(&tot), Dss = aiq_ksum_value(&dss), Dys = aiq_ksum_value(&dys);
    share[s] = Ss / d->S;
    gini[s] = Ss != 0 ? Dss / (d->W * Ss) : NAN;
    corr[s] = (Dss != 0 && Ss != 0) ? Dys / Dss : NAN;
    if (contrib) contrib[s] = Dys / WS;
  }
  if (rc == AIINEQ_ERR_NOMEM) aiq_fail(d->err, rc, "out of memory sorting a source");
  aiq_free(buf);
  aiq_free(idx);
  aiq_free(row);
  return rc;
}
