/*
 * msm.c -- method of simulated moments (MODEL.md section 5): estimator
 * handle, objective, NLopt multistart, sandwich inference, J test and the
 * Andrews-Gentzkow-Shapiro sensitivity matrix.  See docs/estimation.md.
 *
 * Every setter validates first and writes last; aiineq_msm_estimate()
 * builds a complete new result and swaps it in only on success.
 */
#define _DEFAULT_SOURCE /* lgamma_r: lgamma() writes the global signgam */
#include <math.h>
#include <cminpack.h>
#include <nlopt.h>
#include <stdio.h>
#include <string.h>

#include "model_internal.h"
#include "msm_internal.h"
#include "par.h"
#include "sobol.h"
#include "spd.h"

#define NAME_LEN 32
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

typedef struct msm_param {
  char name[NAME_LEN];
  int pidx; /* index in the model's parameter table, -1 without a model */
  double lo, hi, start;
} msm_param;

/* Result of one successful run (all arrays owned). */
typedef struct msm_result {
  size_t nb, nm, n_starts, best, evals, jac_evals;
  double obj, jstat, jdf, jp, corr;
  double *b, *se, *start, *mom, *tgt, *tse, *res, *G, *elas, *cov, *W, *lam, *lams, *midx;
  double *st_x0, *st_x1, *st_obj; /* per start: nb, nb, 1 */
  size_t *st_evals;
  int *st_reason;
} msm_result;

struct aiineq_msm {
  aiineq_model *model; /* own copy, or NULL */
  aiineq_msm_moment_fn mfn;
  void *muser;
  size_t n_user, n_total;
  double *target, *tse; /* n_total */
  size_t n_sel, *sel;
  int wkind;
  double *wuser; /* n_sel^2 when wkind == USER */
  double *omega; /* n_sel^2 or NULL */
  size_t np;
  int defaults_active;
  msm_param par[AIINEQ_MSM_MAX_PARAMS];
  int alg;
  size_t n_starts, maxeval;
  double xtol, ftol, stopval, sim_ratio, step;
  aiineq_msm_progress_fn pfn;
  void *puser;
  msm_result *res;
  char err[AIQ_ERRLEN];
};

static const char null_msg[] = "estimator handle is NULL";

/* ------------------------------------------------------------------ */
/* Result storage                                                       */

static void result_free(msm_result *r) {
  if (!r) return;
  double *arrs[] = {r->b,   r->se,  r->start, r->mom, r->tgt, r->tse,   r->res,  r->G,
                    r->elas, r->cov, r->W,     r->lam, r->lams, r->midx, r->st_x0, r->st_x1,
                    r->st_obj};
  for (size_t i = 0; i < sizeof arrs / sizeof arrs[0]; i++) aiq_free(arrs[i]);
  aiq_free(r->st_evals);
  aiq_free(r->st_reason);
  aiq_free(r);
}

static msm_result *result_new(size_t nb, size_t nm, size_t ns) {
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
    result_free(r);
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
    snprintf(p->name, NAME_LEN, "%s", default_params[i].name);
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
  result_free(e->res);
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
  result_free(e->res);
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
static void build_omega(const aiineq_msm *e, double *om) {
  size_t n = e->n_sel;
  if (e->omega) {
    memcpy(om, e->omega, n * n * sizeof *om);
    return;
  }
  memset(om, 0, n * n * sizeof *om);
  for (size_t i = 0; i < n; i++) om[i * n + i] = e->tse[e->sel[i]] * e->tse[e->sel[i]];
}

/* W (n_sel^2) of the current scheme. */
static int build_w(const aiineq_msm *e, double *w) {
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
  result_free(e->res);
  e->res = NULL;
  return AIINEQ_OK;
}

AIINEQ_API int aiineq_msm_add_param(aiineq_msm *e, const char *name, double lo, double hi,
                                    double start) {
  if (!e) return AIINEQ_ERR_ARG;
  if (!name) return aiq_fail(e->err, AIINEQ_ERR_ARG, "add_param: name is NULL");
  size_t len = strlen(name);
  if (len == 0 || len >= NAME_LEN)
    return aiq_fail(e->err, AIINEQ_ERR_NAME, "add_param: name must have 1..%d characters",
                    NAME_LEN - 1);
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
  snprintf(p->name, NAME_LEN, "%s", name);
  p->pidx = pidx;
  p->lo = lo;
  p->hi = hi;
  p->start = start;
  e->np = at == np ? np + 1 : np;
  e->defaults_active = 0;
  result_free(e->res);
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
/* Moment evaluation                                                    */

/* Full moment vector (n_total) at free parameters b.  The model copy's free
 * parameters are overwritten (the estimator owns the copy). */
static int eval_full(aiineq_msm *e, const double *b, double *mfull) {
  if (e->model) {
    for (size_t p = 0; p < e->np; p++) e->model->val[e->par[p].pidx] = b[p];
    int rc = aiq_msm_model_moments(e->model, mfull, e->err);
    if (rc) return rc;
  }
  if (e->mfn) {
    size_t base = e->model ? N_MODEL_MOMENTS : 0;
    int urc = e->mfn(b, e->np, mfull + base, e->n_user, e->muser);
    if (urc != 0)
      return aiq_fail(e->err, AIINEQ_ERR_STOPPED, "moment callback returned %d at b[0] = %.17g",
                      urc, b[0]);
    if (!aiq_all_finite(mfull + base, e->n_user))
      return aiq_fail(e->err, AIINEQ_ERR_NONFINITE,
                      "moment callback returned a NaN or infinite moment at b[0] = %.17g", b[0]);
  }
  return AIINEQ_OK;
}

/* Selected moments at b and the objective (n_sel residual into r). */
static int eval_obj(aiineq_msm *e, const double *b, const double *w, double *mfull, double *r,
                    double *f) {
  int rc = eval_full(e, b, mfull);
  if (rc) return rc;
  size_t n = e->n_sel;
  for (size_t i = 0; i < n; i++) r[i] = mfull[e->sel[i]] - e->target[e->sel[i]];
  double s = 0;
  for (size_t i = 0; i < n; i++) {
    double wi = 0;
    for (size_t j = 0; j < n; j++) wi += w[i * n + j] * r[j];
    s += r[i] * wi;
  }
  *f = s;
  return AIINEQ_OK;
}

/* Common checks before any evaluation. */
static int check_ready(aiineq_msm *e) {
  if (e->np == 0) return aiq_fail(e->err, AIINEQ_ERR_STATE, "no free parameter");
  if (!e->model && !e->mfn)
    return aiq_fail(e->err, AIINEQ_ERR_STATE, "no moments: give a model or a moment callback");
  if (e->n_sel < e->np)
    return aiq_fail(e->err, AIINEQ_ERR_STATE,
                    "%zu selected moments cannot identify %zu parameters", e->n_sel, e->np);
  for (size_t i = 0; i < e->n_sel; i++)
    if (isnan(e->target[e->sel[i]]))
      return aiq_fail(e->err, AIINEQ_ERR_STATE,
                      "moment %zu has no target (aiineq_msm_set_targets)", e->sel[i]);
  return AIINEQ_OK;
}

static int check_point(aiineq_msm *e, const double *b, size_t nb) {
  if (!b) return aiq_fail(e->err, AIINEQ_ERR_ARG, "point b is NULL");
  if (nb != e->np)
    return aiq_fail(e->err, AIINEQ_ERR_SIZE, "point has %zu values, %zu free parameters", nb,
                    e->np);
  for (size_t p = 0; p < nb; p++) {
    if (!isfinite(b[p]))
      return aiq_fail(e->err, AIINEQ_ERR_NONFINITE, "b[%zu] (%s) is not finite", p,
                      e->par[p].name);
    if (b[p] < e->par[p].lo || b[p] > e->par[p].hi)
      return aiq_fail(e->err, AIINEQ_ERR_RANGE, "b[%zu] (%s) = %g outside [%g, %g]", p,
                      e->par[p].name, b[p], e->par[p].lo, e->par[p].hi);
  }
  return AIINEQ_OK;
}

/* Work space for one run. */
typedef struct work {
  double *w, *mfull, *r, *om;
} work;

static void work_free(work *k) {
  aiq_free(k->w);
  aiq_free(k->mfull);
  aiq_free(k->r);
  aiq_free(k->om);
}

static int work_new(aiineq_msm *e, work *k) {
  size_t n = e->n_sel;
  k->w = aiq_malloc_array(n * n, sizeof(double));
  k->om = aiq_malloc_array(n * n, sizeof(double));
  k->mfull = aiq_malloc_array(e->n_total, sizeof(double));
  k->r = aiq_malloc_array(n, sizeof(double));
  if (!k->w || !k->om || !k->mfull || !k->r) {
    work_free(k);
    return aiq_fail(e->err, AIINEQ_ERR_NOMEM, "out of memory");
  }
  build_omega(e, k->om);
  if (build_w(e, k->w))
    return work_free(k), aiq_fail(e->err, AIINEQ_ERR_SINGULAR, "moment covariance not invertible");
  return AIINEQ_OK;
}

AIINEQ_API int aiineq_msm_objective_at(aiineq_msm *e, const double *b, size_t nb,
                                       double *value) {
  if (!e) return AIINEQ_ERR_ARG;
  if (!value) return aiq_fail(e->err, AIINEQ_ERR_ARG, "value is NULL");
  int rc = check_ready(e);
  if (!rc) rc = check_point(e, b, nb);
  if (rc) return rc;
  work k;
  if ((rc = work_new(e, &k))) return rc;
  rc = eval_obj(e, b, k.w, k.mfull, k.r, value);
  work_free(&k);
  return rc;
}

/* ------------------------------------------------------------------ */
/* Inference                                                            */

/* Step and the two points of the central difference for parameter p. */
static void fd_points(const aiineq_msm *e, const double *b, size_t p, double *xp, double *xm) {
  double h = e->step * fmax(fabs(b[p]), 0.1);
  double lo = -INFINITY, hi = INFINITY;
  int lo_open = 0, hi_open = 0;
  if (e->par[p].pidx >= 0) {
    const aiq_param_def *d = &aiq_param_table[e->par[p].pidx];
    lo = d->lo;
    hi = d->hi;
    lo_open = (d->flags & AIINEQ_PARAM_LO_OPEN) != 0;
    hi_open = (d->flags & AIINEQ_PARAM_HI_OPEN) != 0;
  }
  double up = b[p] + h, dn = b[p] - h;
  int up_ok = hi_open ? up < hi : up <= hi;
  int dn_ok = lo_open ? dn > lo : dn >= lo;
  *xp = up_ok ? up : b[p];
  *xm = dn_ok ? dn : b[p];
}

/* Moments of the model alone at b on model copy w (no user callback). */
static int eval_model_on(const aiineq_msm *e, aiineq_model *w, const double *b, double *mfull,
                         char *err) {
  for (size_t p = 0; p < e->np; p++) w->val[e->par[p].pidx] = b[p];
  return aiq_msm_model_moments(w, mfull, err);
}

/* The 2 np central-difference points of the Jacobian at b: point 2p is
 * (p, up), point 2p + 1 is (p, down); x has room for 2 np rows of np. */
static void jac_point(const aiineq_msm *e, const double *b, size_t q, double *x) {
  size_t nb = e->np, p = q / 2;
  double xp, xm;
  fd_points(e, b, p, &xp, &xm);
  memcpy(x, b, nb * sizeof *x);
  x[p] = (q % 2) ? xm : xp;
}

/* Serial Jacobian (any moment source). */
static int jacobian_serial(aiineq_msm *e, const double *b, double *G, double *mfull,
                           size_t *evals) {
  size_t nb = e->np, nm = e->n_sel;
  double x[AIINEQ_MSM_MAX_PARAMS], *plus = aiq_malloc_array(e->n_total, sizeof *plus);
  if (!plus) return aiq_fail(e->err, AIINEQ_ERR_NOMEM, "out of memory");
  int rc = AIINEQ_OK;
  for (size_t p = 0; p < nb && !rc; p++) {
    double xp, xm;
    fd_points(e, b, p, &xp, &xm);
    memcpy(x, b, nb * sizeof *x);
    x[p] = xp;
    rc = eval_full(e, x, plus);
    if (rc) break;
    x[p] = xm;
    rc = eval_full(e, x, mfull);
    if (rc) break;
    *evals += 2;
    for (size_t i = 0; i < nm; i++)
      G[i * nb + p] = (plus[e->sel[i]] - mfull[e->sel[i]]) / (xp - xm);
  }
  aiq_free(plus);
  return rc;
}

/* The same with the 2 np solves spread over nt threads, each on its own
 * model copy solving with one thread (model moments only: a user callback
 * need not be thread-safe).  Every solve's moments are the same bits for
 * any thread count, and the columns are assembled in the serial order, so
 * G, the error of the first failing point (in serial order) and the state
 * left in e->model and mfull are those of jacobian_serial. */
static int jacobian_par(aiineq_msm *e, const double *b, double *G, double *mfull, size_t *evals,
                        int nt) {
  size_t nb = e->np, nm = e->n_sel, nq = 2 * nb, nt_ = (size_t)nt < nq ? (size_t)nt : nq;
  double *mom = aiq_malloc_array(nq * e->n_total, sizeof *mom);
  double *xs = aiq_malloc_array(nq * nb, sizeof *xs);
  int *qrc = aiq_malloc_array(nq, sizeof *qrc);
  char(*qerr)[AIQ_ERRLEN] = aiq_malloc_array(nq, AIQ_ERRLEN);
  aiineq_model **w = aiq_calloc(nt_, sizeof *w);
  int rc = (mom && xs && qrc && qerr && w) ? AIINEQ_OK : AIINEQ_ERR_NOMEM;
  for (size_t t = 0; t < nt_ && !rc; t++) {
    if (aiineq_model_copy(e->model, &w[t])) rc = AIINEQ_ERR_NOMEM;
    else w[t]->n_threads = 1;
  }
  if (rc) {
    if (w)
      for (size_t t = 0; t < nt_; t++) aiineq_model_free(w[t]);
    aiq_free(mom), aiq_free(xs), aiq_free(qrc), aiq_free(qerr), aiq_free(w);
    return aiq_fail(e->err, AIINEQ_ERR_NOMEM, "out of memory");
  }
  for (size_t q = 0; q < nq; q++) jac_point(e, b, q, xs + q * nb);
#pragma omp parallel for num_threads((int)nt_) schedule(dynamic, 1)
  for (size_t q = 0; q < nq; q++) {
    size_t t = aiq_par_thread_id();
    qerr[q][0] = '\0';
    qrc[q] = eval_model_on(e, w[t], xs + q * nb, mom + q * e->n_total, qerr[q]);
  }
  size_t last = nq - 1;
  for (size_t q = 0; q < nq; q++)
    if (qrc[q]) {
      rc = aiq_fail(e->err, qrc[q], "%s", qerr[q]);
      last = q;
      break;
    }
  size_t done = rc ? last / 2 : nb; /* pairs evaluated before the first failure */
  for (size_t p = 0; p < done; p++) {
    const double *xp = xs + 2 * p * nb, *xm = xp + nb;
    const double *mp = mom + 2 * p * e->n_total, *mm = mp + e->n_total;
    *evals += 2;
    for (size_t i = 0; i < nm; i++)
      G[i * nb + p] = (mp[e->sel[i]] - mm[e->sel[i]]) / (xp[p] - xm[p]);
  }
  /* leave the estimator's model as the serial loop does: at the last point tried */
  for (size_t p = 0; p < nb; p++) e->model->val[e->par[p].pidx] = xs[last * nb + p];
  if (!rc) memcpy(mfull, mom + last * e->n_total, e->n_total * sizeof *mfull);
  for (size_t t = 0; t < nt_; t++) aiineq_model_free(w[t]);
  aiq_free(mom), aiq_free(xs), aiq_free(qrc), aiq_free(qerr), aiq_free(w);
  return rc;
}

/* dm/db (n_sel x np, row major) at b; counts evaluations. */
static int jacobian(aiineq_msm *e, const double *b, double *G, double *mfull, size_t *evals) {
  int nt = e->model ? aiq_par_threads(e->model) : 1;
  if (nt > 1 && e->model && !e->mfn) return jacobian_par(e, b, G, mfull, evals, nt);
  return jacobian_serial(e, b, G, mfull, evals);
}

/* Everything at b into r (b, start and starts already filled). */
static int inference(aiineq_msm *e, work *k, const double *b, msm_result *r) {
  size_t nb = e->np, nm = e->n_sel;
  memcpy(r->b, b, nb * sizeof *b);
  int rc = eval_obj(e, b, k->w, k->mfull, k->r, &r->obj);
  if (rc) return rc;
  for (size_t i = 0; i < nm; i++) {
    size_t j = e->sel[i];
    r->mom[i] = k->mfull[j];
    r->tgt[i] = e->target[j];
    r->tse[i] = e->tse[j];
    r->res[i] = k->r[i];
    r->midx[i] = (double)j;
  }
  memcpy(r->W, k->w, nm * nm * sizeof *r->W);
  if ((rc = jacobian(e, b, r->G, k->mfull, &r->jac_evals))) return rc;
  for (size_t i = 0; i < nm; i++)
    for (size_t p = 0; p < nb; p++)
      r->elas[i * nb + p] = r->mom[i] != 0 ? r->G[i * nb + p] * b[p] / r->mom[i] : NAN;

  /* Lambda = (G'WG)^-1 G'W (column-major nb x nm while solving). */
  double *a = aiq_malloc_array(nb * nb, sizeof *a), *gw = aiq_malloc_array(nb * nm, sizeof *gw);
  double *om = aiq_malloc_array(nm * nm, sizeof *om);
  if (!a || !gw || !om) {
    aiq_free(a), aiq_free(gw), aiq_free(om);
    return aiq_fail(e->err, AIINEQ_ERR_NOMEM, "out of memory");
  }
  for (size_t p = 0; p < nb; p++)
    for (size_t j = 0; j < nm; j++) {
      double s = 0;
      for (size_t i = 0; i < nm; i++) s += r->G[i * nb + p] * k->w[i * nm + j];
      gw[p + j * nb] = s;
    }
  for (size_t p = 0; p < nb; p++)
    for (size_t q = 0; q < nb; q++) {
      double s = 0;
      for (size_t j = 0; j < nm; j++) s += gw[p + j * nb] * r->G[j * nb + q];
      a[p + q * nb] = s;
    }
  int info = aiq_spd_solve(a, nb, gw, nm);
  if (info != 0) {
    aiq_free(a), aiq_free(gw), aiq_free(om);
    return aiq_fail(e->err, AIINEQ_ERR_SINGULAR,
                    "G'WG is singular at the estimate (parameter %d is not identified by the "
                    "selected moments)",
                    info);
  }
  for (size_t p = 0; p < nb; p++)
    for (size_t j = 0; j < nm; j++) r->lam[p * nm + j] = gw[p + j * nb];

  /* V = (1 + 1/S) Lambda Omega Lambda'. */
  r->corr = 1.0 + 1.0 / e->sim_ratio;
  for (size_t p = 0; p < nb; p++)
    for (size_t q = 0; q < nb; q++) {
      double s = 0;
      for (size_t i = 0; i < nm; i++) {
        double t = 0;
        for (size_t j = 0; j < nm; j++) t += k->om[i * nm + j] * r->lam[q * nm + j];
        s += r->lam[p * nm + i] * t;
      }
      r->cov[p * nb + q] = r->corr * s;
    }
  for (size_t p = 0; p < nb; p++) r->se[p] = sqrt(r->cov[p * nb + p]);
  for (size_t p = 0; p < nb; p++)
    for (size_t j = 0; j < nm; j++) r->lams[p * nm + j] = r->lam[p * nm + j] * sqrt(k->om[j * nm + j]);

  /* J = r' ((1 + 1/S) Omega)^-1 r with nm - nb degrees of freedom. */
  memcpy(om, k->om, nm * nm * sizeof *om);
  double *z = gw; /* reuse: nm >= nb, gw has nb*nm >= nm entries */
  memcpy(z, r->res, nm * sizeof *z);
  info = aiq_spd_solve(om, nm, z, 1);
  double js = 0;
  for (size_t i = 0; i < nm; i++) js += r->res[i] * z[i];
  aiq_free(a), aiq_free(gw), aiq_free(om);
  if (info != 0) return aiq_fail(e->err, AIINEQ_ERR_SINGULAR, "moment covariance is singular");
  r->jstat = js / r->corr;
  r->jdf = (double)(nm - nb);
  r->jp = NAN;
  if (nm > nb) aiineq_chi2_sf(r->jstat, r->jdf, &r->jp);
  return AIINEQ_OK;
}

/* ------------------------------------------------------------------ */
/* Optimisation                                                         */

typedef struct run_ctx {
  aiineq_msm *e;
  work *k;
  size_t evals;       /* over all starts */
  size_t start_evals; /* this start */
  double best;        /* over all starts */
  double start_best;  /* this start */
  double *start_x;    /* best point of this start */
  int fail;           /* status of a failed evaluation in this start */
  int stopped;        /* the progress callback asked to stop */
  nlopt_opt opt;
} run_ctx;

/* Book-keeping after a successful evaluation; 1 if the caller asked to
 * stop. */
static int record(run_ctx *c, const double *x, size_t n, double f) {
  c->evals++;
  c->start_evals++;
  if (f < c->start_best) {
    c->start_best = f;
    memcpy(c->start_x, x, n * sizeof *x);
  }
  if (f < c->best) c->best = f;
  if (c->e->pfn && c->e->pfn(c->evals, f, c->best, c->e->puser) != 0) c->stopped = 1;
  return c->stopped;
}

static double nlopt_obj(unsigned n, const double *x, double *grad, void *data) {
  (void)grad;
  run_ctx *c = data;
  double f;
  int rc = eval_obj(c->e, x, c->k->w, c->k->mfull, c->k->r, &f);
  if (rc) {
    c->fail = rc;
    nlopt_force_stop(c->opt);
    return HUGE_VAL;
  }
  if (record(c, x, n, f)) nlopt_force_stop(c->opt);
  return f;
}

static void start_point(const aiineq_msm *e, size_t s, double *x) {
  size_t nb = e->np;
  if (s == 0) {
    for (size_t p = 0; p < nb; p++) x[p] = e->par[p].start;
    return;
  }
  double u[AIQ_SOBOL_MAX_DIM];
  aiq_sobol_point(nb, (uint32_t)s, u);
  for (size_t p = 0; p < nb; p++) x[p] = e->par[p].lo + u[p] * (e->par[p].hi - e->par[p].lo);
}

/* Levenberg-Marquardt residuals: fvec = L' r with W = L L' (Cholesky), so
 * that |fvec|^2 is the objective.  Points are projected into the bounds. */
typedef struct lm_ctx {
  run_ctx *c;
  const double *chol; /* lower Cholesky factor of W, column-major */
  double *g;          /* Jacobian work space, nm x nb */
  double stopval;
  int reached; /* stopval reached */
} lm_ctx;

static int lm_fcn(void *p, int m, int n, const double *x, double *fvec, double *fjac,
                  int ldfjac, int iflag) {
  lm_ctx *l = p;
  run_ctx *c = l->c;
  aiineq_msm *e = c->e;
  if (iflag == 0) return 0;
  double xc[AIINEQ_MSM_MAX_PARAMS], f;
  for (int q = 0; q < n; q++) xc[q] = fmin(fmax(x[q], e->par[q].lo), e->par[q].hi);
  if (iflag == 2) { /* Jacobian of L' r: L' G, G by central differences */
    size_t before = 0;
    int rc = jacobian(e, xc, l->g, c->k->mfull, &before);
    c->evals += before;
    c->start_evals += before;
    if (rc) {
      c->fail = rc;
      return -1;
    }
    for (int i = 0; i < m; i++)
      for (int q = 0; q < n; q++) {
        double s = 0;
        for (int j = i; j < m; j++) s += l->chol[j + (size_t)i * m] * l->g[(size_t)j * n + q];
        fjac[i + (size_t)q * ldfjac] = s;
      }
    return 0;
  }
  int rc = eval_obj(e, xc, c->k->w, c->k->mfull, c->k->r, &f);
  if (rc) {
    c->fail = rc;
    return -1;
  }
  for (int i = 0; i < m; i++) {
    double s = 0;
    for (int j = i; j < m; j++) s += l->chol[j + (size_t)i * m] * c->k->r[j];
    fvec[i] = s;
  }
  if (record(c, xc, (size_t)n, f)) return -1;
  if (f <= l->stopval) {
    l->reached = 1;
    return -1;
  }
  return 0;
}

/* MINPACK lmder info -> stop reason in NLopt's numbering (docs). */
static int lm_reason(int info) {
  switch (info) {
  case 1: return 3;          /* relative reduction of the sum of squares below ftol */
  case 2: case 3: return 4;  /* relative change of the parameters below xtol */
  case 5: return 5;          /* evaluation cap */
  default: return 1;         /* gtol, or no further progress possible (6-8) */
  }
}

static int run_lm(aiineq_msm *e, run_ctx *c, double *x) {
  int m = (int)e->n_sel, n = (int)e->np, nfev = 0, ipvt[AIINEQ_MSM_MAX_PARAMS];
  size_t mm = (size_t)m, nn = (size_t)n;
  double *chol = aiq_malloc_array(mm * mm, sizeof *chol);
  double *buf = aiq_malloc_array(2 * mm * nn + 2 * mm + 5 * nn, sizeof *buf);
  if (!chol || !buf) {
    aiq_free(chol), aiq_free(buf);
    return aiq_fail(e->err, AIINEQ_ERR_NOMEM, "out of memory");
  }
  memcpy(chol, c->k->w, mm * mm * sizeof *chol);
  int info = aiq_cholesky(chol, mm);
  if (info) {
    aiq_free(chol), aiq_free(buf);
    return aiq_fail(e->err, AIINEQ_ERR_SINGULAR, "weighting matrix is not positive definite");
  }
  double *fjac = buf, *fvec = fjac + mm * nn, *wa4 = fvec + mm, *diag = wa4 + mm;
  double *qtf = diag + nn, *wa1 = qtf + nn, *wa2 = wa1 + nn, *wa3 = wa2 + nn, *g = wa3 + nn;
  lm_ctx l = {c, chol, g, e->stopval, 0};
  int njev = 0;
  info = lmder(lm_fcn, &l, m, n, x, fvec, fjac, m, 1e-12, e->xtol, 0.0, (int)e->maxeval, diag, 1,
               100.0, 0, &nfev, &njev, ipvt, qtf, wa1, wa2, wa3, wa4);
  aiq_free(chol), aiq_free(buf);
  if (l.reached) return 2;
  if (info < 0 || c->fail || c->stopped) return 0; /* reason set by the caller */
  return lm_reason(info);
}

/* One local run from x0; fills the start record s of r. */
static int run_start(aiineq_msm *e, run_ctx *c, msm_result *r, size_t s) {
  size_t nb = e->np;
  double lb[AIINEQ_MSM_MAX_PARAMS], ub[AIINEQ_MSM_MAX_PARAMS], x[AIINEQ_MSM_MAX_PARAMS];
  start_point(e, s, x);
  memcpy(r->st_x0 + s * nb, x, nb * sizeof *x);
  for (size_t p = 0; p < nb; p++) {
    lb[p] = e->par[p].lo;
    ub[p] = e->par[p].hi;
  }
  c->start_evals = 0;
  c->start_best = HUGE_VAL;
  c->start_x = r->st_x1 + s * nb;
  memcpy(c->start_x, x, nb * sizeof *x);
  c->fail = 0;
  int reason;
  if (e->alg == AIINEQ_MSM_LM) {
    reason = run_lm(e, c, x);
    if (reason < 0) return reason;
  } else {
    /* BOBYQA needs two or more dimensions; one parameter always uses Sbplx. */
    nlopt_algorithm alg =
        (e->alg == AIINEQ_MSM_SBPLX || nb < 2) ? NLOPT_LN_SBPLX : NLOPT_LN_BOBYQA;
    nlopt_opt opt = nlopt_create(alg, (unsigned)nb);
    if (!opt) return aiq_fail(e->err, AIINEQ_ERR_NOMEM, "NLopt: out of memory");
    c->opt = opt;
    nlopt_set_lower_bounds(opt, lb);
    nlopt_set_upper_bounds(opt, ub);
    nlopt_set_min_objective(opt, nlopt_obj, c);
    nlopt_set_xtol_rel(opt, e->xtol);
    nlopt_set_ftol_abs(opt, e->ftol);
    nlopt_set_stopval(opt, e->stopval);
    nlopt_set_maxeval(opt, (int)e->maxeval);
    double f = HUGE_VAL;
    nlopt_result nr = nlopt_optimize(opt, x, &f);
    nlopt_destroy(opt);
    if (nr == NLOPT_OUT_OF_MEMORY)
      return aiq_fail(e->err, AIINEQ_ERR_NOMEM, "NLopt: out of memory");
    /* roundoff-limited or another NLopt failure: not converged */
    reason = nr > 0 ? (int)nr : AIINEQ_ERR_NOCONV;
  }
  r->st_obj[s] = c->start_best;
  r->st_evals[s] = c->start_evals;
  if (c->stopped) return AIINEQ_ERR_STOPPED;
  /* running out of memory aborts the run; other failures only this start */
  if (c->fail == AIINEQ_ERR_NOMEM) return AIINEQ_ERR_NOMEM;
  r->st_reason[s] = c->fail ? c->fail : reason;
  return AIINEQ_OK;
}

static void commit(aiineq_msm *e, msm_result *r) {
  result_free(e->res);
  e->res = r;
  e->err[0] = '\0';
}

AIINEQ_API int aiineq_msm_estimate(aiineq_msm *e) {
  if (!e) return AIINEQ_ERR_ARG;
  int rc = check_ready(e);
  if (rc) return rc;
  msm_result *r = result_new(e->np, e->n_sel, e->n_starts);
  if (!r) return aiq_fail(e->err, AIINEQ_ERR_NOMEM, "out of memory");
  work k;
  if ((rc = work_new(e, &k))) return result_free(r), rc;
  run_ctx c = {.e = e, .k = &k, .best = HUGE_VAL};
  char first_err[AIQ_ERRLEN] = "";
  size_t best = SIZE_MAX;
  for (size_t s = 0; s < e->n_starts; s++) {
    rc = run_start(e, &c, r, s);
    if (rc) break;
    if (c.fail && !first_err[0]) memcpy(first_err, e->err, AIQ_ERRLEN);
    if (isfinite(r->st_obj[s]) && (best == SIZE_MAX || r->st_obj[s] < r->st_obj[best])) best = s;
  }
  if (rc == AIINEQ_ERR_STOPPED)
    aiq_fail(e->err, rc, "stopped by the progress callback after %zu evaluations", c.evals);
  else if (!rc && best == SIZE_MAX)
    rc = aiq_fail(e->err, AIINEQ_ERR_NOCONV, "no start reached a finite objective; first failure: %s",
                  first_err);
  if (!rc) {
    r->best = best;
    r->evals = c.evals;
    memcpy(r->start, r->st_x0 + best * e->np, e->np * sizeof(double));
    rc = inference(e, &k, r->st_x1 + best * e->np, r);
  }
  work_free(&k);
  if (rc) return result_free(r), rc;
  commit(e, r);
  return AIINEQ_OK;
}

AIINEQ_API int aiineq_msm_evaluate(aiineq_msm *e, const double *b, size_t nb) {
  if (!e) return AIINEQ_ERR_ARG;
  int rc = check_ready(e);
  if (!rc) rc = check_point(e, b, nb);
  if (rc) return rc;
  msm_result *r = result_new(e->np, e->n_sel, 0);
  if (!r) return aiq_fail(e->err, AIINEQ_ERR_NOMEM, "out of memory");
  work k;
  if ((rc = work_new(e, &k))) return result_free(r), rc;
  memcpy(r->start, b, nb * sizeof *b);
  rc = inference(e, &k, b, r);
  work_free(&k);
  if (rc) return result_free(r), rc;
  r->evals = 1;
  commit(e, r);
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

/* ------------------------------------------------------------------ */
/* Sensitivity of a statistic                                           */

AIINEQ_API int aiineq_msm_stat_sensitivity(aiineq_msm *e, aiineq_msm_stat_fn t, void *user,
                                           double *dt_dm, size_t nm, double *dt_db,
                                           size_t nb) {
  if (!e) return AIINEQ_ERR_ARG;
  if (!t || !dt_dm) return aiq_fail(e->err, AIINEQ_ERR_ARG, "statistic or dt_dm is NULL");
  const msm_result *r = e->res;
  if (!r) return aiq_fail(e->err, AIINEQ_ERR_STATE, "no estimate yet");
  if (nm != r->nm || (dt_db && nb != r->nb))
    return aiq_fail(e->err, AIINEQ_ERR_SIZE, "sizes: nm = %zu (want %zu), nb = %zu (want %zu)",
                    nm, r->nm, nb, r->nb);
  double g[AIINEQ_MSM_MAX_PARAMS], x[AIINEQ_MSM_MAX_PARAMS];
  for (size_t p = 0; p < r->nb; p++) {
    double xp, xm, tp, tm;
    fd_points(e, r->b, p, &xp, &xm);
    memcpy(x, r->b, r->nb * sizeof *x);
    x[p] = xp;
    int a = t(x, r->nb, &tp, user);
    x[p] = xm;
    int b = a ? a : t(x, r->nb, &tm, user);
    if (a || b || !isfinite(tp) || !isfinite(tm))
      return aiq_fail(e->err, AIINEQ_ERR_STOPPED,
                      "statistic failed (status %d) near the estimate, parameter %s", a ? a : b,
                      e->par[p].name);
    g[p] = (tp - tm) / (xp - xm);
  }
  for (size_t j = 0; j < r->nm; j++) {
    double s = 0;
    for (size_t p = 0; p < r->nb; p++) s += g[p] * r->lam[p * r->nm + j];
    dt_dm[j] = s;
  }
  if (dt_db) memcpy(dt_db, g, r->nb * sizeof *g);
  return AIINEQ_OK;
}

typedef struct named_stat {
  aiineq_msm *e;
  const char *stat;
  int pidx;
  double value;
  int status;
  char msg[AIQ_ERRLEN]; /* the failing evaluation's message */
} named_stat;

static int named_stat_fn(const double *b, size_t nb, double *t, void *user) {
  named_stat *ns = user;
  aiineq_model *m = ns->e->model;
  for (size_t p = 0; p < nb; p++) m->val[ns->e->par[p].pidx] = b[p];
  if (ns->pidx >= 0) m->val[ns->pidx] = ns->value;
  ns->status = aiq_msm_model_stat(m, ns->stat, t, ns->e->err);
  if (ns->status) memcpy(ns->msg, ns->e->err, AIQ_ERRLEN);
  return ns->status;
}

AIINEQ_API int aiineq_msm_stat_sensitivity_named(aiineq_msm *e, const char *stat,
                                                 const char *param, double value,
                                                 double *dt_dm, size_t nm, double *dt_db,
                                                 size_t nb) {
  if (!e) return AIINEQ_ERR_ARG;
  if (!e->model) return aiq_fail(e->err, AIINEQ_ERR_STATE, "built-in statistics need a model");
  if (!stat) return aiq_fail(e->err, AIINEQ_ERR_ARG, "stat is NULL");
  named_stat ns = {e, stat, -1, value, 0, ""};
  double saved = 0;
  if (param) {
    aiineq_model *probe = NULL;
    int rc = aiineq_model_copy(e->model, &probe);
    if (rc) return aiq_fail(e->err, rc, "out of memory");
    rc = aiineq_model_set_double(probe, param, value);
    if (rc) aiq_fail(e->err, rc, "%s", aiineq_model_errmsg(probe));
    aiineq_model_free(probe);
    if (rc) return rc;
    ns.pidx = aiq_param_lookup(param);
    saved = e->model->val[ns.pidx];
  }
  int rc = aiineq_msm_stat_sensitivity(e, named_stat_fn, &ns, dt_dm, nm, dt_db, nb);
  if (ns.pidx >= 0) e->model->val[ns.pidx] = saved;
  if (rc && ns.status) return aiq_fail(e->err, ns.status, "%s", ns.msg);
  return rc;
}

typedef struct boundary_stat {
  aiineq_msm *e;
  const char *grid_param, *root_param;
  double value, lo, hi;
  int status;
  char msg[AIQ_ERRLEN]; /* the failing evaluation's message */
} boundary_stat;

static int boundary_stat_fn(const double *b, size_t nb, double *t, void *user) {
  boundary_stat *bs = user;
  aiineq_msm *e = bs->e;
  for (size_t p = 0; p < nb; p++) e->model->val[e->par[p].pidx] = b[p];
  int flag = 0;
  int rc = aiineq_regime_boundary(e->model, bs->grid_param, &bs->value, 1, bs->root_param, bs->lo,
                                  bs->hi, 0.0, t, &flag, NULL, NULL, NULL);
  if (rc) rc = aiq_fail(e->err, rc, "boundary: %s", aiineq_model_errmsg(e->model));
  else if (flag != AIINEQ_BOUNDARY_FOUND)
    rc = aiq_fail(e->err, AIINEQ_ERR_DEGENERATE,
                  "boundary: Delta Gini has no sign change for %s in [%g, %g] near the estimate",
                  bs->root_param, bs->lo, bs->hi);
  bs->status = rc;
  if (rc) memcpy(bs->msg, e->err, AIQ_ERRLEN);
  return rc;
}

AIINEQ_API int aiineq_msm_boundary_sensitivity(aiineq_msm *e, const char *grid_param,
                                               double value, const char *root_param,
                                               double lo, double hi, double *dt_dm,
                                               size_t nm, double *dt_db, size_t nb) {
  if (!e) return AIINEQ_ERR_ARG;
  if (!e->model) return aiq_fail(e->err, AIINEQ_ERR_STATE, "built-in statistics need a model");
  if (!grid_param || !root_param)
    return aiq_fail(e->err, AIINEQ_ERR_ARG, "grid_param or root_param is NULL");
  boundary_stat bs = {e, grid_param, root_param, value, lo, hi, 0, ""};
  int rc = aiineq_msm_stat_sensitivity(e, boundary_stat_fn, &bs, dt_dm, nm, dt_db, nb);
  if (rc && bs.status) return aiq_fail(e->err, bs.status, "%s", bs.msg);
  return rc;
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

/* ------------------------------------------------------------------ */
/* Chi-square upper tail                                                */

/* Regularized upper incomplete gamma Q(a, x), a > 0, x > 0: power series
 * for P when x < a + 1, Lentz's continued fraction for Q otherwise
 * (Abramowitz and Stegun 6.5.29 and 6.5.31); relative accuracy ~1e-15. */
static double gamma_q(double a, double x) {
  int sg;
  double lg = lgamma_r(a, &sg);
  double front = exp(a * log(x) - x - lg);
  if (x < a + 1) {
    double term = 1.0 / a, sum = term;
    for (int n = 1; n < 10000; n++) {
      term *= x / (a + n);
      sum += term;
      if (fabs(term) < fabs(sum) * 1e-17) break;
    }
    return 1.0 - sum * front;
  }
  const double tiny = 1e-300;
  double b = x + 1 - a, c = 1 / tiny, d = 1 / b, h = d;
  for (int i = 1; i < 10000; i++) {
    double an = -i * (i - a);
    b += 2;
    d = an * d + b;
    if (fabs(d) < tiny) d = tiny;
    c = b + an / c;
    if (fabs(c) < tiny) c = tiny;
    d = 1 / d;
    double del = d * c;
    h *= del;
    if (fabs(del - 1) < 1e-16) break;
  }
  return front * h;
}

AIINEQ_API int aiineq_chi2_sf(double x, double df, double *p) {
  if (!p) return AIINEQ_ERR_ARG;
  if (isnan(x) || !isfinite(df)) return AIINEQ_ERR_NONFINITE;
  if (!(df > 0)) return AIINEQ_ERR_RANGE;
  if (x <= 0) {
    *p = 1.0;
    return AIINEQ_OK;
  }
  if (isinf(x)) {
    *p = 0.0;
    return AIINEQ_OK;
  }
  *p = gamma_q(0.5 * df, 0.5 * x);
  return AIINEQ_OK;
}
