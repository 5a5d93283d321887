/*
 * msm.c -- method of simulated moments (MODEL.md section 5): the estimator
 * handle and its configuration (moments, targets, weighting, free
 * parameters, options) and the result accessors.  Evaluation and the
 * Jacobian are in msm_eval.c, optimisation in msm_run.c, inference in
 * msm_infer.c (see msm_internal.h).  See docs/estimation.md.
 *
 * Every setter validates first and writes last; aiineq_msm_estimate()
 * builds a complete new result and swaps it in only on success.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "model_internal.h"
#include "msm_internal.h"
#include "spd.h"

#define MAX_USER_MOMENTS 10000
#define MAX_STARTS 100000
#define N_MODEL_MOMENTS AIINEQ_N_MOMENTS

/* Default free parameters and their bounds (docs/estimation.md). */
static const struct {
  const char *name;
  double lo, hi;
} default_params[] = {
    {"theta", 0.0, 0.6}, {"h_ai", 0.2, 2.0}, {"beta_e", 0.05, 0.8},
    {"c0", 0.1, 1.5},    {"xi", 0.0, 0.5},   {"chi", 0.0, 1.5},
};
#define N_DEFAULT_PARAMS (sizeof default_params / sizeof default_params[0])

static const char null_msg[] = "estimator handle is NULL";

/* ------------------------------------------------------------------ */
/* Result storage                                                       */

void aiq_msm_result_free(msm_result *r) {
  if (!r) return;
  double *arrs[] = {r->b,   r->se,  r->start, r->mom, r->tgt, r->tse,   r->res,  r->G,
                    r->elas, r->cov, r->W,     r->lam, r->lams, r->midx, r->st_x0, r->st_x1,
                    r->st_obj};
  for (size_t i = 0; i < sizeof arrs / sizeof arrs[0]; i++) aiq_free(arrs[i]);
  aiq_free(r->st_evals);
  aiq_free(r->st_reason);
  aiq_free(r);
}

msm_result *aiq_msm_result_new(size_t nb, size_t nm, size_t ns) {
  msm_result *r = aiq_calloc(1, sizeof *r);
  if (!r) return NULL;
  r->nb = nb;
  r->nm = nm;
  r->n_starts = ns;
  r->b = aiq_malloc_array(nb, sizeof(double));
  r->se = aiq_malloc_array(nb, sizeof(double));
  r->start = aiq_malloc_array(nb, sizeof(double));
  r->mom = aiq_malloc_array(nm, sizeof(double));
  r->tgt = aiq_malloc_array(nm, sizeof(double));
  r->tse = aiq_malloc_array(nm, sizeof(double));
  r->res = aiq_malloc_array(nm, sizeof(double));
  r->midx = aiq_malloc_array(nm, sizeof(double));
  r->G = aiq_malloc_array(nm * nb, sizeof(double));
  r->elas = aiq_malloc_array(nm * nb, sizeof(double));
  r->cov = aiq_malloc_array(nb * nb, sizeof(double));
  r->W = aiq_malloc_array(nm * nm, sizeof(double));
  r->lam = aiq_malloc_array(nb * nm, sizeof(double));
  r->lams = aiq_malloc_array(nb * nm, sizeof(double));
  r->st_x0 = aiq_malloc_array(ns * nb, sizeof(double));
  r->st_x1 = aiq_malloc_array(ns * nb, sizeof(double));
  r->st_obj = aiq_malloc_array(ns, sizeof(double));
  r->st_evals = aiq_calloc(ns, sizeof(size_t));
  r->st_reason = aiq_calloc(ns, sizeof(int));
  if (!r->b || !r->se || !r->start || !r->mom || !r->tgt || !r->tse || !r->res || !r->midx ||
      !r->G || !r->elas || !r->cov || !r->W || !r->lam || !r->lams || !r->st_x0 || !r->st_x1 ||
      !r->st_obj || !r->st_evals || !r->st_reason) {
    aiq_msm_result_free(r);
    return NULL;
  }
  return r;
}

/* Drop results, user W and Omega (sizes no longer valid). */
static void reset_weighting(aiineq_msm *e) {
  aiq_free(e->wuser);
  aiq_free(e->omega);
  e->wuser = NULL;
  e->omega = NULL;
  e->wkind = AIINEQ_MSM_W_DIAG;
}

/* ------------------------------------------------------------------ */
/* Creation                                                             */

static int add_default_params(aiineq_msm *e) {
  for (size_t i = 0; i < N_DEFAULT_PARAMS; i++) {
    msm_param *p = &e->par[i];
    int k = aiq_param_lookup(default_params[i].name);
    if (k < 0) return AIINEQ_ERR_NAME;
    snprintf(p->name, AIQ_MSM_NAME_LEN, "%s", default_params[i].name);
    p->pidx = k;
    p->lo = default_params[i].lo;
    p->hi = default_params[i].hi;
    double v = e->model->val[k];
    p->start = v < p->lo ? p->lo : v > p->hi ? p->hi : v;
  }
  e->np = N_DEFAULT_PARAMS;
  e->defaults_active = 1;
  return AIINEQ_OK;
}

AIINEQ_API int aiineq_msm_new(aiineq_msm **out, const aiineq_model *m) {
  if (!out) return AIINEQ_ERR_ARG;
  *out = NULL;
  aiineq_msm *e = aiq_calloc(1, sizeof *e);
  if (!e) return AIINEQ_ERR_NOMEM;
  int rc = AIINEQ_OK;
  if (m) {
    rc = aiineq_model_copy(m, &e->model);
    size_t n = N_MODEL_MOMENTS;
    e->target = aiq_malloc_array(n, sizeof(double));
    e->tse = aiq_malloc_array(n, sizeof(double));
    e->sel = aiq_malloc_array(n, sizeof(size_t));
    if (rc == AIINEQ_OK && (!e->target || !e->tse || !e->sel)) rc = AIINEQ_ERR_NOMEM;
    if (rc == AIINEQ_OK) rc = aiineq_moment_targets(e->target, e->tse, n);
    if (rc == AIINEQ_OK) rc = add_default_params(e);
    e->n_total = e->n_sel = n;
    for (size_t i = 0; rc == AIINEQ_OK && i < n; i++) e->sel[i] = i;
  }
  if (rc != AIINEQ_OK) {
    aiineq_msm_free(e);
    return rc == AIINEQ_ERR_ARG ? AIINEQ_ERR_NOMEM : rc;
  }
  e->alg = AIINEQ_MSM_LM;
  e->n_starts = 1;
  e->maxeval = 2000;
  e->xtol = 1e-6;
  e->ftol = 1e-14;
  e->stopval = 0.0;
  e->sim_ratio = 10.0;
  e->step = 1e-3;
  *out = e;
  return AIINEQ_OK;
}

AIINEQ_API void aiineq_msm_free(aiineq_msm *e) {
  if (!e) return;
  aiineq_model_free(e->model);
  aiq_free(e->target);
  aiq_free(e->tse);
  aiq_free(e->sel);
  aiq_free(e->wuser);
  aiq_free(e->omega);
  aiq_msm_result_free(e->res);
  aiq_free(e);
}

AIINEQ_API const char *aiineq_msm_errmsg(const aiineq_msm *e) { return e ? e->err : null_msg; }

/* ------------------------------------------------------------------ */
/* Moments and targets                                                  */

AIINEQ_API int aiineq_msm_set_moment_fn(aiineq_msm *e, aiineq_msm_moment_fn f, size_t nm,
                                        void *user) {
  if (!e) return AIINEQ_ERR_ARG;
  if ((f == NULL) != (nm == 0))
    return aiq_fail(e->err, AIINEQ_ERR_ARG,
                    "moment callback: f is %s but nm = %zu (give both or neither)",
                    f ? "set" : "NULL", nm);
  if (nm > MAX_USER_MOMENTS)
    return aiq_fail(e->err, AIINEQ_ERR_SIZE, "moment callback: nm = %zu exceeds %d", nm,
                    MAX_USER_MOMENTS);
  size_t base = e->model ? N_MODEL_MOMENTS : 0, total = base + nm;
  double *t = aiq_malloc_array(total, sizeof(double));
  double *s = aiq_malloc_array(total, sizeof(double));
  size_t *sel = aiq_malloc_array(total, sizeof(size_t));
  if (!t || !s || !sel) {
    aiq_free(t);
    aiq_free(s);
    aiq_free(sel);
    return aiq_fail(e->err, AIINEQ_ERR_NOMEM, "moment callback: out of memory");
  }
  for (size_t i = 0; i < total; i++) {
    t[i] = i < base ? e->target[i] : NAN;
    s[i] = i < base ? e->tse[i] : NAN;
    sel[i] = i;
  }
  aiq_free(e->target);
  aiq_free(e->tse);
  aiq_free(e->sel);
  e->target = t;
  e->tse = s;
  e->sel = sel;
  e->n_total = e->n_sel = total;
  e->mfn = f;
  e->muser = user;
  e->n_user = nm;
  reset_weighting(e);
  aiq_msm_result_free(e->res);
  e->res = NULL;
  return AIINEQ_OK;
}

AIINEQ_API int aiineq_msm_n_moments_total(const aiineq_msm *e, size_t *n) {
  if (!e || !n) return AIINEQ_ERR_ARG;
  *n = e->n_total;
  return AIINEQ_OK;
}

AIINEQ_API int aiineq_msm_n_moments(const aiineq_msm *e, size_t *n) {
  if (!e || !n) return AIINEQ_ERR_ARG;
  *n = e->n_sel;
  return AIINEQ_OK;
}

AIINEQ_API int aiineq_msm_set_targets(aiineq_msm *e, const double *target, const double *se,
                                      size_t n) {
  if (!e) return AIINEQ_ERR_ARG;
  if (!target || !se) return aiq_fail(e->err, AIINEQ_ERR_ARG, "targets: target or se is NULL");
  if (n != e->n_total)
    return aiq_fail(e->err, AIINEQ_ERR_SIZE, "targets: n = %zu, the estimator has %zu moments",
                    n, e->n_total);
  for (size_t i = 0; i < n; i++) {
    if (!isfinite(target[i]) || !isfinite(se[i]))
      return aiq_fail(e->err, AIINEQ_ERR_NONFINITE, "targets: moment %zu has a non-finite %s",
                      i, isfinite(target[i]) ? "se" : "target");
    if (!(se[i] > 0))
      return aiq_fail(e->err, AIINEQ_ERR_RANGE, "targets: se[%zu] = %g must be > 0", i, se[i]);
  }
  memcpy(e->target, target, n * sizeof *target);
  memcpy(e->tse, se, n * sizeof *se);
  return AIINEQ_OK;
}

AIINEQ_API int aiineq_msm_get_targets(const aiineq_msm *e, double *target, double *se,
                                      size_t n) {
  if (!e) return AIINEQ_ERR_ARG;
  if (n != e->n_total) return AIINEQ_ERR_SIZE;
  if (target) memcpy(target, e->target, n * sizeof *target);
  if (se) memcpy(se, e->tse, n * sizeof *se);
  return AIINEQ_OK;
}

AIINEQ_API int aiineq_msm_select_moments(aiineq_msm *e, const size_t *idx, size_t n) {
  if (!e) return AIINEQ_ERR_ARG;
  if (!idx) return aiq_fail(e->err, AIINEQ_ERR_ARG, "select_moments: idx is NULL");
  if (n == 0 || n > e->n_total)
    return aiq_fail(e->err, AIINEQ_ERR_SIZE, "select_moments: n = %zu, must be in 1..%zu", n,
                    e->n_total);
  for (size_t i = 0; i < n; i++) {
    if (idx[i] >= e->n_total)
      return aiq_fail(e->err, AIINEQ_ERR_RANGE, "select_moments: idx[%zu] = %zu >= %zu", i,
                      idx[i], e->n_total);
    if (i > 0 && idx[i] <= idx[i - 1])
      return aiq_fail(e->err, AIINEQ_ERR_RANGE,
                      "select_moments: indices must increase strictly (idx[%zu] = %zu)", i,
                      idx[i]);
  }
  memcpy(e->sel, idx, n * sizeof *idx);
  e->n_sel = n;
  reset_weighting(e);
  return AIINEQ_OK;
}

/* ------------------------------------------------------------------ */
/* Weighting                                                            */

/* Check a caller n x n matrix: finite, symmetric, positive definite. */
static int check_spd(aiineq_msm *e, const char *what, const double *a, size_t n) {
  if (!a) return aiq_fail(e->err, AIINEQ_ERR_ARG, "%s: matrix is NULL", what);
  if (n != e->n_sel)
    return aiq_fail(e->err, AIINEQ_ERR_SIZE, "%s: n = %zu, but %zu moments are selected", what,
                    n, e->n_sel);
  if (!aiq_all_finite(a, n * n))
    return aiq_fail(e->err, AIINEQ_ERR_NONFINITE, "%s: matrix has a NaN or infinite entry",
                    what);
  for (size_t i = 0; i < n; i++)
    for (size_t j = i + 1; j < n; j++) {
      double x = a[i * n + j], y = a[j * n + i];
      if (fabs(x - y) > 1e-12 * fmax(fabs(x), fabs(y)))
        return aiq_fail(e->err, AIINEQ_ERR_RANGE,
                        "%s: not symmetric at (%zu,%zu): %.17g vs %.17g", what, i, j, x, y);
    }
  double *c = aiq_malloc_array(n * n, sizeof *c);
  if (!c) return aiq_fail(e->err, AIINEQ_ERR_NOMEM, "%s: out of memory", what);
  memcpy(c, a, n * n * sizeof *c);
  int info = aiq_cholesky(c, n);
  aiq_free(c);
  if (info != 0)
    return aiq_fail(e->err, AIINEQ_ERR_SINGULAR,
                    "%s: not positive definite (Cholesky fails at column %d)", what, info);
  return AIINEQ_OK;
}

static int copy_matrix(aiineq_msm *e, const double *a, size_t n, double **dst) {
  double *c = aiq_malloc_array(n * n, sizeof *c);
  if (!c) return aiq_fail(e->err, AIINEQ_ERR_NOMEM, "out of memory");
  memcpy(c, a, n * n * sizeof *c);
  aiq_free(*dst);
  *dst = c;
  return AIINEQ_OK;
}

AIINEQ_API int aiineq_msm_set_weighting(aiineq_msm *e, int kind) {
  if (!e) return AIINEQ_ERR_ARG;
  if (kind != AIINEQ_MSM_W_DIAG && kind != AIINEQ_MSM_W_IDENTITY && kind != AIINEQ_MSM_W_EFFICIENT)
    return aiq_fail(e->err, AIINEQ_ERR_ARG,
                    "weighting: unknown kind %d (use AIINEQ_MSM_W_DIAG, _IDENTITY, _EFFICIENT; "
                    "aiineq_msm_set_weight_matrix for a caller W)",
                    kind);
  if (kind == AIINEQ_MSM_W_EFFICIENT && !e->omega)
    return aiq_fail(e->err, AIINEQ_ERR_STATE,
                    "weighting: the efficient W needs aiineq_msm_set_moment_cov first");
  e->wkind = kind;
  aiq_free(e->wuser);
  e->wuser = NULL;
  return AIINEQ_OK;
}

AIINEQ_API int aiineq_msm_set_weight_matrix(aiineq_msm *e, const double *w, size_t n) {
  if (!e) return AIINEQ_ERR_ARG;
  int rc = check_spd(e, "weight matrix", w, n);
  if (rc) return rc;
  if ((rc = copy_matrix(e, w, n, &e->wuser))) return rc;
  e->wkind = AIINEQ_MSM_W_USER;
  return AIINEQ_OK;
}

AIINEQ_API int aiineq_msm_set_moment_cov(aiineq_msm *e, const double *omega, size_t n) {
  if (!e) return AIINEQ_ERR_ARG;
  int rc = check_spd(e, "moment covariance", omega, n);
  if (rc) return rc;
  return copy_matrix(e, omega, n, &e->omega);
}

/* Omega (n_sel^2) for inference: the caller's, or diag(se^2). */
void aiq_msm_build_omega(const aiineq_msm *e, double *om) {
  size_t n = e->n_sel;
  if (e->omega) {
    memcpy(om, e->omega, n * n * sizeof *om);
    return;
  }
  memset(om, 0, n * n * sizeof *om);
  for (size_t i = 0; i < n; i++) om[i * n + i] = e->tse[e->sel[i]] * e->tse[e->sel[i]];
}

/* W (n_sel^2) of the current scheme. */
int aiq_msm_build_w(const aiineq_msm *e, double *w) {
  size_t n = e->n_sel;
  switch (e->wkind) {
  case AIINEQ_MSM_W_USER: memcpy(w, e->wuser, n * n * sizeof *w); return AIINEQ_OK;
  case AIINEQ_MSM_W_EFFICIENT:
    memcpy(w, e->omega, n * n * sizeof *w);
    return aiq_spd_inverse(w, n) == 0 ? AIINEQ_OK : AIINEQ_ERR_SINGULAR;
  default:
    memset(w, 0, n * n * sizeof *w);
    for (size_t i = 0; i < n; i++) {
      double s = e->tse[e->sel[i]];
      w[i * n + i] = e->wkind == AIINEQ_MSM_W_IDENTITY ? 1.0 : 1.0 / (s * s);
    }
    return AIINEQ_OK;
  }
}

/* ------------------------------------------------------------------ */
/* Free parameters                                                      */

AIINEQ_API int aiineq_msm_clear_params(aiineq_msm *e) {
  if (!e) return AIINEQ_ERR_ARG;
  e->np = 0;
  e->defaults_active = 0;
  aiq_msm_result_free(e->res);
  e->res = NULL;
  return AIINEQ_OK;
}

AIINEQ_API int aiineq_msm_add_param(aiineq_msm *e, const char *name, double lo, double hi,
                                    double start) {
  if (!e) return AIINEQ_ERR_ARG;
  if (!name) return aiq_fail(e->err, AIINEQ_ERR_ARG, "add_param: name is NULL");
  size_t len = strlen(name);
  if (len == 0 || len >= AIQ_MSM_NAME_LEN)
    return aiq_fail(e->err, AIINEQ_ERR_NAME, "add_param: name must have 1..%d characters",
                    AIQ_MSM_NAME_LEN - 1);
  int pidx = -1;
  if (e->model) {
    pidx = aiq_param_lookup(name);
    if (pidx < 0)
      return aiq_fail(e->err, AIINEQ_ERR_NAME, "add_param: unknown model parameter '%s'", name);
    if (aiq_param_table[pidx].flags & AIINEQ_PARAM_INTEGER)
      return aiq_fail(e->err, AIINEQ_ERR_TYPE,
                      "add_param: '%s' is integer-valued and cannot be estimated", name);
  }
  if (!isfinite(lo) || !isfinite(hi) || !isfinite(start))
    return aiq_fail(e->err, AIINEQ_ERR_NONFINITE, "add_param '%s': lo, hi and start must be finite",
                    name);
  if (!(lo < hi))
    return aiq_fail(e->err, AIINEQ_ERR_RANGE, "add_param '%s': lo = %g must be below hi = %g",
                    name, lo, hi);
  if (start < lo || start > hi)
    return aiq_fail(e->err, AIINEQ_ERR_RANGE, "add_param '%s': start %g outside [%g, %g]", name,
                    start, lo, hi);
  if (pidx >= 0) {
    const aiq_param_def *d = &aiq_param_table[pidx];
    int lo_bad = (d->flags & AIINEQ_PARAM_LO_OPEN) ? !(lo > d->lo) : !(lo >= d->lo);
    int hi_bad = (d->flags & AIINEQ_PARAM_HI_OPEN) ? !(hi < d->hi) : !(hi <= d->hi);
    if (lo_bad || hi_bad)
      return aiq_fail(e->err, AIINEQ_ERR_RANGE,
                      "add_param '%s': bounds [%g, %g] leave the parameter's range %c%g, %g%c",
                      name, lo, hi, (d->flags & AIINEQ_PARAM_LO_OPEN) ? '(' : '[', d->lo, d->hi,
                      (d->flags & AIINEQ_PARAM_HI_OPEN) ? ')' : ']');
  }
  size_t np = e->defaults_active ? 0 : e->np, at = np;
  for (size_t i = 0; i < np; i++)
    if (strcmp(e->par[i].name, name) == 0) at = i;
  if (at == np && np >= AIINEQ_MSM_MAX_PARAMS)
    return aiq_fail(e->err, AIINEQ_ERR_SIZE, "add_param '%s': at most %d free parameters", name,
                    AIINEQ_MSM_MAX_PARAMS);
  msm_param *p = &e->par[at];
  snprintf(p->name, AIQ_MSM_NAME_LEN, "%s", name);
  p->pidx = pidx;
  p->lo = lo;
  p->hi = hi;
  p->start = start;
  e->np = at == np ? np + 1 : np;
  e->defaults_active = 0;
  aiq_msm_result_free(e->res);
  e->res = NULL;
  return AIINEQ_OK;
}

AIINEQ_API int aiineq_msm_n_params(const aiineq_msm *e, size_t *n) {
  if (!e || !n) return AIINEQ_ERR_ARG;
  *n = e->np;
  return AIINEQ_OK;
}

AIINEQ_API int aiineq_msm_param_info(const aiineq_msm *e, size_t i, const char **name,
                                     double *lo, double *hi, double *start) {
  if (!e) return AIINEQ_ERR_ARG;
  if (i >= e->np) return AIINEQ_ERR_RANGE;
  if (name) *name = e->par[i].name;
  if (lo) *lo = e->par[i].lo;
  if (hi) *hi = e->par[i].hi;
  if (start) *start = e->par[i].start;
  return AIINEQ_OK;
}

/* ------------------------------------------------------------------ */
/* Options                                                              */

AIINEQ_API int aiineq_msm_set_algorithm(aiineq_msm *e, int algorithm) {
  if (!e) return AIINEQ_ERR_ARG;
  if (algorithm != AIINEQ_MSM_BOBYQA && algorithm != AIINEQ_MSM_SBPLX &&
      algorithm != AIINEQ_MSM_LM)
    return aiq_fail(e->err, AIINEQ_ERR_ARG, "algorithm: unknown value %d", algorithm);
  e->alg = algorithm;
  return AIINEQ_OK;
}

AIINEQ_API int aiineq_msm_set_starts(aiineq_msm *e, size_t n_starts) {
  if (!e) return AIINEQ_ERR_ARG;
  if (n_starts == 0 || n_starts > MAX_STARTS)
    return aiq_fail(e->err, AIINEQ_ERR_RANGE, "starts: %zu is outside 1..%d", n_starts,
                    MAX_STARTS);
  e->n_starts = n_starts;
  return AIINEQ_OK;
}

static int set_tol(aiineq_msm *e, const char *what, double v, double *dst) {
  if (!e) return AIINEQ_ERR_ARG;
  if (isnan(v) || isinf(v))
    return aiq_fail(e->err, AIINEQ_ERR_NONFINITE, "%s must be finite", what);
  if (v < 0) return aiq_fail(e->err, AIINEQ_ERR_RANGE, "%s = %g must be >= 0", what, v);
  *dst = v;
  return AIINEQ_OK;
}

AIINEQ_API int aiineq_msm_set_xtol(aiineq_msm *e, double v) {
  return e ? set_tol(e, "xtol", v, &e->xtol) : AIINEQ_ERR_ARG;
}

AIINEQ_API int aiineq_msm_set_ftol(aiineq_msm *e, double v) {
  return e ? set_tol(e, "ftol", v, &e->ftol) : AIINEQ_ERR_ARG;
}

AIINEQ_API int aiineq_msm_set_stopval(aiineq_msm *e, double v) {
  if (!e) return AIINEQ_ERR_ARG;
  if (!isfinite(v)) return aiq_fail(e->err, AIINEQ_ERR_NONFINITE, "stopval must be finite");
  e->stopval = v;
  return AIINEQ_OK;
}

AIINEQ_API int aiineq_msm_set_maxeval(aiineq_msm *e, size_t maxeval) {
  if (!e) return AIINEQ_ERR_ARG;
  if (maxeval == 0 || maxeval > 2000000000u)
    return aiq_fail(e->err, AIINEQ_ERR_RANGE, "maxeval = %zu is outside 1..2e9", maxeval);
  e->maxeval = maxeval;
  return AIINEQ_OK;
}

AIINEQ_API int aiineq_msm_set_sim_ratio(aiineq_msm *e, double s) {
  if (!e) return AIINEQ_ERR_ARG;
  if (isnan(s)) return aiq_fail(e->err, AIINEQ_ERR_NONFINITE, "sim_ratio is NaN");
  if (!(s > 0)) return aiq_fail(e->err, AIINEQ_ERR_RANGE, "sim_ratio = %g must be > 0", s);
  e->sim_ratio = s;
  return AIINEQ_OK;
}

AIINEQ_API int aiineq_msm_set_step(aiineq_msm *e, double step) {
  if (!e) return AIINEQ_ERR_ARG;
  if (!isfinite(step)) return aiq_fail(e->err, AIINEQ_ERR_NONFINITE, "step must be finite");
  if (!(step > 0 && step <= 0.1))
    return aiq_fail(e->err, AIINEQ_ERR_RANGE, "step = %g is outside (0, 0.1]", step);
  e->step = step;
  return AIINEQ_OK;
}

AIINEQ_API int aiineq_msm_set_progress(aiineq_msm *e, aiineq_msm_progress_fn f, void *user) {
  if (!e) return AIINEQ_ERR_ARG;
  e->pfn = f;
  e->puser = user;
  return AIINEQ_OK;
}

/* ------------------------------------------------------------------ */
/* Results                                                              */

AIINEQ_API int aiineq_msm_result(const aiineq_msm *e, const char *name, double *out,
                                 size_t len) {
  if (!e || !name || !out) return AIINEQ_ERR_ARG;
  const msm_result *r = e->res;
  if (!r) return AIINEQ_ERR_STATE;
  size_t nb = r->nb, nm = r->nm;
  static const char *names[] = {"estimate", "se",       "start",    "moments",      "targets",
                                "target_se", "residuals", "jacobian", "elasticities", "cov",
                                "weight",    "lambda",    "lambda_scaled", "moment_index"};
  const double *src[] = {r->b, r->se, r->start, r->mom, r->tgt, r->tse, r->res,
                         r->G, r->elas, r->cov, r->W, r->lam, r->lams, r->midx};
  size_t sizes[] = {nb, nb, nb, nm, nm, nm, nm, nm * nb, nm * nb, nb * nb, nm * nm,
                    nb * nm, nb * nm, nm};
  for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
    if (strcmp(name, names[i]) != 0) continue;
    if (len != sizes[i]) return AIINEQ_ERR_SIZE;
    memcpy(out, src[i], len * sizeof *out);
    return AIINEQ_OK;
  }
  return AIINEQ_ERR_NAME;
}

AIINEQ_API int aiineq_msm_stat(const aiineq_msm *e, const char *name, double *value) {
  if (!e || !name || !value) return AIINEQ_ERR_ARG;
  const msm_result *r = e->res;
  if (!r) return AIINEQ_ERR_STATE;
  const struct {
    const char *n;
    double v;
  } t[] = {{"objective", r->obj},
           {"j_stat", r->jstat},
           {"j_df", r->jdf},
           {"j_pvalue", r->jp},
           {"evaluations", (double)r->evals},
           {"jacobian_evaluations", (double)r->jac_evals},
           {"n_starts", (double)r->n_starts},
           {"best_start", (double)r->best},
           {"sim_correction", r->corr}};
  for (size_t i = 0; i < sizeof t / sizeof t[0]; i++)
    if (strcmp(name, t[i].n) == 0) {
      *value = t[i].v;
      return AIINEQ_OK;
    }
  return AIINEQ_ERR_NAME;
}

AIINEQ_API int aiineq_msm_start_info(const aiineq_msm *e, size_t i, double *start,
                                     double *end, size_t nb, double *objective,
                                     size_t *evaluations, int *reason) {
  if (!e) return AIINEQ_ERR_ARG;
  const msm_result *r = e->res;
  if (!r) return AIINEQ_ERR_STATE;
  if (i >= r->n_starts) return AIINEQ_ERR_RANGE;
  if ((start || end) && nb != r->nb) return AIINEQ_ERR_SIZE;
  if (start) memcpy(start, r->st_x0 + i * r->nb, r->nb * sizeof *start);
  if (end) memcpy(end, r->st_x1 + i * r->nb, r->nb * sizeof *end);
  if (objective) *objective = r->st_obj[i];
  if (evaluations) *evaluations = r->st_evals[i];
  if (reason) *reason = r->st_reason[i];
  return AIINEQ_OK;
}


AIINEQ_API int aiineq_msm_model(const aiineq_msm *e, aiineq_model **out) {
  if (!out) return AIINEQ_ERR_ARG;
  *out = NULL;
  if (!e) return AIINEQ_ERR_ARG;
  if (!e->model) return AIINEQ_ERR_STATE;
  aiineq_model *m = NULL;
  int rc = aiineq_model_copy(e->model, &m);
  if (rc) return rc;
  for (size_t p = 0; p < e->np; p++)
    m->val[e->par[p].pidx] = e->res ? e->res->b[p] : e->par[p].start;
  *out = m;
  return AIINEQ_OK;
}
