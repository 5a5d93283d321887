/*
 * ols.c -- the regression handle: creation, the design setters and the
 * getters of the estimates.  The fit itself is in ols_fit.c.  Every setter
 * validates before it writes, so a rejected call changes nothing.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "ols_internal.h"

static const char null_handle_msg[] = "regression handle is NULL";

void aiq_ols_est_free(aiq_ols_est *e) {
  if (!e) return;
  aiq_free(e->coef);
  aiq_free(e->se);
  aiq_free(e->t);
  aiq_free(e->p);
  aiq_free(e->V);
  aiq_free(e->df);
  aiq_free(e);
}

static void clear_design(aiineq_ols *o) {
  aiq_free(o->y);
  aiq_free(o->X);
  aiq_free(o->w);
  aiq_free(o->g);
  aiq_free(o->names);
  aiq_ols_est_free(o->est);
  o->y = o->X = o->w = o->g = NULL;
  o->names = NULL;
  o->est = NULL;
  o->n = o->k = 0;
}

AIINEQ_API int aiineq_ols_new(aiineq_ols **out) {
  if (!out) return AIINEQ_ERR_ARG;
  *out = aiq_calloc(1, sizeof **out);
  if (!*out) return AIINEQ_ERR_NOMEM;
  (*out)->cov_type = AIINEQ_COV_CLASSICAL;
  (*out)->dist = AIINEQ_DIST_AUTO;
  return AIINEQ_OK;
}

AIINEQ_API void aiineq_ols_free(aiineq_ols *o) {
  if (!o) return;
  clear_design(o);
  aiq_free(o);
}

AIINEQ_API const char *aiineq_ols_errmsg(const aiineq_ols *o) {
  return o ? o->err : null_handle_msg;
}

AIINEQ_API int aiineq_ols_set_data(aiineq_ols *o, const double *y, const double *X, size_t n,
                                   size_t k) {
  if (!o) return AIINEQ_ERR_ARG;
  if (!y || !X) return aiq_fail(o->err, AIINEQ_ERR_ARG, "set_data: %s is NULL", y ? "X" : "y");
  if (n == 0 || k == 0)
    return aiq_fail(o->err, AIINEQ_ERR_SIZE, "set_data: n = %zu and k = %zu must be positive",
                    n, k);
  if (n > ((size_t)-1) / sizeof(double) / k)
    return aiq_fail(o->err, AIINEQ_ERR_SIZE, "set_data: n*k = %zu*%zu overflows", n, k);
  for (size_t i = 0; i < n; i++) {
    if (isinf(y[i]))
      return aiq_fail(o->err, AIINEQ_ERR_NONFINITE, "set_data: y[%zu] is infinite", i);
    for (size_t j = 0; j < k; j++)
      if (isinf(X[i * k + j]))
        return aiq_fail(o->err, AIINEQ_ERR_NONFINITE,
                        "set_data: X[%zu][%zu] (row %zu, column %zu) is infinite", i, j, i, j);
  }
  double *ny = aiq_malloc_array(n, sizeof *ny);
  double *nX = aiq_malloc_array(n * k, sizeof *nX);
  char(*names)[AIQ_OLS_NAMELEN] = aiq_malloc_array(k, sizeof *names);
  if (!ny || !nX || !names) {
    aiq_free(ny);
    aiq_free(nX);
    aiq_free(names);
    return aiq_fail(o->err, AIINEQ_ERR_NOMEM, "set_data: out of memory");
  }
  memcpy(ny, y, n * sizeof *ny);
  memcpy(nX, X, n * k * sizeof *nX);
  for (size_t j = 0; j < k; j++) snprintf(names[j], AIQ_OLS_NAMELEN, "x%zu", j);
  clear_design(o);
  o->y = ny;
  o->X = nX;
  o->names = names;
  o->n = n;
  o->k = k;
  o->err[0] = '\0';
  return AIINEQ_OK;
}

AIINEQ_API int aiineq_ols_set_name(aiineq_ols *o, size_t j, const char *name) {
  if (!o) return AIINEQ_ERR_ARG;
  if (!name) return aiq_fail(o->err, AIINEQ_ERR_ARG, "set_name: name is NULL");
  if (!o->y) return aiq_fail(o->err, AIINEQ_ERR_STATE, "set_name: no design set yet");
  if (j >= o->k)
    return aiq_fail(o->err, AIINEQ_ERR_RANGE, "set_name: column %zu out of range (k = %zu)", j,
                    o->k);
  snprintf(o->names[j], AIQ_OLS_NAMELEN, "%s", name);
  return AIINEQ_OK;
}

AIINEQ_API int aiineq_ols_get_name(const aiineq_ols *o, size_t j, const char **name) {
  if (!o || !name) return AIINEQ_ERR_ARG;
  if (!o->y) return AIINEQ_ERR_STATE;
  if (j >= o->k) return AIINEQ_ERR_RANGE;
  *name = o->names[j];
  return AIINEQ_OK;
}

/* Shared checks of the per-row optional vectors (weights, clusters):
 * returns a fresh copy in *copy, or NULL when v is NULL (removal). */
static int copy_row_vector(aiineq_ols *o, const char *what, const double *v, size_t n,
                           int positive, double **copy) {
  *copy = NULL;
  if (!o->y) return aiq_fail(o->err, AIINEQ_ERR_STATE, "set_%s: no design set yet", what);
  if (!v) return AIINEQ_OK;
  if (n != o->n)
    return aiq_fail(o->err, AIINEQ_ERR_SIZE, "set_%s: length %zu differs from the design's n = %zu",
                    what, n, o->n);
  for (size_t i = 0; i < n; i++) {
    if (isinf(v[i]))
      return aiq_fail(o->err, AIINEQ_ERR_NONFINITE, "set_%s: row %zu is infinite", what, i);
    if (positive && !isnan(v[i]) && !(v[i] > 0))
      return aiq_fail(o->err, AIINEQ_ERR_RANGE,
                      "set_%s: row %zu has weight %g; weights must be positive (drop "
                      "zero-weight rows, or pass NaN to mark them missing)",
                      what, i, v[i]);
  }
  *copy = aiq_malloc_array(n, sizeof **copy);
  if (!*copy) return aiq_fail(o->err, AIINEQ_ERR_NOMEM, "set_%s: out of memory", what);
  memcpy(*copy, v, n * sizeof **copy);
  return AIINEQ_OK;
}

/* Replace an optional per-row vector (*slot) after validating the new one;
 * the estimates are discarded. */
static int set_row_vector(aiineq_ols *o, const char *what, const double *v, size_t n,
                          int positive, double **slot) {
  if (!o) return AIINEQ_ERR_ARG;
  double *c;
  int rc = copy_row_vector(o, what, v, n, positive, &c);
  if (rc) return rc;
  aiq_free(*slot);
  *slot = c;
  aiq_ols_est_free(o->est);
  o->est = NULL;
  return AIINEQ_OK;
}

AIINEQ_API int aiineq_ols_set_weights(aiineq_ols *o, const double *w, size_t n) {
  return set_row_vector(o, "weights", w, n, 1, o ? &o->w : NULL);
}

AIINEQ_API int aiineq_ols_set_clusters(aiineq_ols *o, const double *g, size_t n) {
  return set_row_vector(o, "clusters", g, n, 0, o ? &o->g : NULL);
}

AIINEQ_API int aiineq_ols_set_cov(aiineq_ols *o, int cov_type) {
  if (!o) return AIINEQ_ERR_ARG;
  if (cov_type < AIINEQ_COV_CLASSICAL || cov_type > AIINEQ_COV_CR2)
    return aiq_fail(o->err, AIINEQ_ERR_RANGE, "set_cov: unknown covariance type %d (0..%d)",
                    cov_type, AIINEQ_COV_CR2);
  o->cov_type = cov_type;
  return AIINEQ_OK;
}

AIINEQ_API int aiineq_ols_set_dist(aiineq_ols *o, int dist) {
  if (!o) return AIINEQ_ERR_ARG;
  if (dist < AIINEQ_DIST_AUTO || dist > AIINEQ_DIST_BM)
    return aiq_fail(o->err, AIINEQ_ERR_RANGE, "set_dist: unknown distribution %d (0..%d)", dist,
                    AIINEQ_DIST_BM);
  o->dist = dist;
  return AIINEQ_OK;
}

static int fitted(const aiineq_ols *o) { return o->est != NULL; }

AIINEQ_API int aiineq_ols_get_coef(const aiineq_ols *o, double *coef, double *se, double *t,
                                   double *p, size_t k) {
  if (!o) return AIINEQ_ERR_ARG;
  if (!fitted(o)) return AIINEQ_ERR_STATE;
  if (k != o->k) return AIINEQ_ERR_SIZE;
  const aiq_ols_est *e = o->est;
  if (coef) memcpy(coef, e->coef, k * sizeof *coef);
  if (se) memcpy(se, e->se, k * sizeof *se);
  if (t) memcpy(t, e->t, k * sizeof *t);
  if (p) memcpy(p, e->p, k * sizeof *p);
  return AIINEQ_OK;
}

AIINEQ_API int aiineq_ols_get_df(const aiineq_ols *o, double *df, size_t k) {
  if (!o || !df) return AIINEQ_ERR_ARG;
  if (!fitted(o)) return AIINEQ_ERR_STATE;
  if (k != o->k) return AIINEQ_ERR_SIZE;
  memcpy(df, o->est->df, k * sizeof *df);
  return AIINEQ_OK;
}

AIINEQ_API int aiineq_ols_get_vcov(const aiineq_ols *o, double *V, size_t len) {
  if (!o || !V) return AIINEQ_ERR_ARG;
  if (!fitted(o)) return AIINEQ_ERR_STATE;
  if (len != o->k * o->k) return AIINEQ_ERR_SIZE;
  memcpy(V, o->est->V, len * sizeof *V);
  return AIINEQ_OK;
}

AIINEQ_API int aiineq_ols_get_stat(const aiineq_ols *o, const char *name, double *value) {
  if (!o || !name || !value) return AIINEQ_ERR_ARG;
  if (!fitted(o)) return AIINEQ_ERR_STATE;
  const aiq_ols_est *e = o->est;
  const struct {
    const char *name;
    double v;
  } tab[] = {
      {"n", (double)e->n_used},
      {"k", (double)o->k},
      {"n_clusters", (double)e->n_clusters},
      {"df_resid", e->df_resid},
      {"df_inference", e->df_inf},
      {"r2", e->r2},
      {"r2_adj", e->r2_adj},
      {"ssr", e->ssr},
      {"sigma", e->sigma},
      {"n_dropped", (double)e->n_dropped},
      {"dropped_outcome", (double)e->dropped[AIQ_DROP_Y]},
      {"dropped_regressor", (double)e->dropped[AIQ_DROP_X]},
      {"dropped_weight", (double)e->dropped[AIQ_DROP_W]},
      {"dropped_cluster", (double)e->dropped[AIQ_DROP_G]},
      {"cov_type", (double)e->cov_type},
      {"dist", (double)e->dist},
  };
  for (size_t i = 0; i < sizeof tab / sizeof tab[0]; i++)
    if (strcmp(tab[i].name, name) == 0) {
      *value = tab[i].v;
      return AIINEQ_OK;
    }
  return AIINEQ_ERR_NAME;
}
