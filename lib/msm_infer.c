/*
 * msm_infer.c -- inference at an estimate (MODEL.md section 5): Jacobian
 * elasticities, Lambda = (G'WG)^-1 G'W, the sandwich covariance with the
 * simulation correction, the J test, and the Andrews-Gentzkow-Shapiro
 * sensitivity of a statistic (user, named result statistic, regime
 * boundary).  See docs/estimation.md.
 */
#include <math.h>
#include <string.h>

#include "model_internal.h"
#include "msm_internal.h"
#include "spd.h"

/* ------------------------------------------------------------------ */
/* Inference                                                            */

int aiq_msm_inference(aiineq_msm *e, msm_work *k, const double *b, msm_result *r) {
  size_t nb = e->np, nm = e->n_sel;
  memcpy(r->b, b, nb * sizeof *b);
  int rc = aiq_msm_eval_obj(e, b, k->w, k->mfull, k->r, &r->obj);
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
  if ((rc = aiq_msm_jacobian(e, b, r->G, k->mfull, &r->jac_evals))) return rc;
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
    double tp, tm;
    aiq_msm_fd_point(e, r->b, 2 * p, x);
    double xp = x[p];
    int a = t(x, r->nb, &tp, user);
    aiq_msm_fd_point(e, r->b, 2 * p + 1, x);
    double xm = x[p];
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
  (void)nb; /* == e->np: changing the free parameters drops the result */
  aiq_msm_put_params(ns->e, m, b);
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
  (void)nb; /* == e->np: changing the free parameters drops the result */
  aiq_msm_put_params(e, e->model, b);
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
