/*
 * msm_eval.c -- the estimator's evaluations: the moment vector at a point
 * (model and/or user callback), the objective r'Wr, the checks before any
 * evaluation, the work space of one run, and the central-difference
 * Jacobian dm/db (serial, or over the model's threads).
 */
#include <math.h>
#include <string.h>

#include "model_internal.h"
#include "msm_internal.h"
#include "par.h"
#include "spd.h"


void aiq_msm_put_params(const aiineq_msm *e, aiineq_model *m, const double *b) {
  for (size_t p = 0; p < e->np; p++) m->val[e->par[p].pidx] = b[p];
}

/* Moments of the model alone at b on model copy w (no user callback). */
static int eval_model_on(const aiineq_msm *e, aiineq_model *w, const double *b, double *mfull,
                         char *err) {
  aiq_msm_put_params(e, w, b);
  return aiq_msm_model_moments(w, mfull, err);
}

/* Full moment vector (n_total) at free parameters b.  The model copy's free
 * parameters are overwritten (the estimator owns the copy). */
static int eval_full(aiineq_msm *e, const double *b, double *mfull) {
  if (e->model) {
    int rc = eval_model_on(e, e->model, b, mfull, e->err);
    if (rc) return rc;
  }
  if (e->mfn) {
    size_t base = e->model ? AIINEQ_N_MOMENTS : 0;
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

int aiq_msm_eval_obj(aiineq_msm *e, const double *b, const double *w, double *mfull, double *r,
                     double *f) {
  int rc = eval_full(e, b, mfull);
  if (rc) return rc;
  size_t n = e->n_sel;
  for (size_t i = 0; i < n; i++) r[i] = mfull[e->sel[i]] - e->target[e->sel[i]];
  *f = aiq_quad_form(w, r, n);
  return AIINEQ_OK;
}

int aiq_msm_check_ready(aiineq_msm *e) {
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

int aiq_msm_check_point(aiineq_msm *e, const double *b, size_t nb) {
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

void aiq_msm_work_free(msm_work *k) {
  aiq_free(k->w);
  aiq_free(k->mfull);
  aiq_free(k->r);
  aiq_free(k->om);
}

int aiq_msm_work_new(aiineq_msm *e, msm_work *k) {
  size_t n = e->n_sel;
  k->w = aiq_malloc_array(n * n, sizeof(double));
  k->om = aiq_malloc_array(n * n, sizeof(double));
  k->mfull = aiq_malloc_array(e->n_total, sizeof(double));
  k->r = aiq_malloc_array(n, sizeof(double));
  if (!k->w || !k->om || !k->mfull || !k->r) {
    aiq_msm_work_free(k);
    return aiq_fail(e->err, AIINEQ_ERR_NOMEM, "out of memory");
  }
  aiq_msm_build_omega(e, k->om);
  if (aiq_msm_build_w(e, k->w))
    return aiq_msm_work_free(k), aiq_fail(e->err, AIINEQ_ERR_SINGULAR, "moment covariance not invertible");
  return AIINEQ_OK;
}

AIINEQ_API int aiineq_msm_objective_at(aiineq_msm *e, const double *b, size_t nb,
                                       double *value) {
  if (!e) return AIINEQ_ERR_ARG;
  if (!value) return aiq_fail(e->err, AIINEQ_ERR_ARG, "value is NULL");
  int rc = aiq_msm_check_ready(e);
  if (!rc) rc = aiq_msm_check_point(e, b, nb);
  if (rc) return rc;
  msm_work k;
  if ((rc = aiq_msm_work_new(e, &k))) return rc;
  rc = aiq_msm_eval_obj(e, b, k.w, k.mfull, k.r, value);
  aiq_msm_work_free(&k);
  return rc;
}

/* ------------------------------------------------------------------ */
/* Finite-difference Jacobian                                           */

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

void aiq_msm_fd_point(const aiineq_msm *e, const double *b, size_t q, double *x) {
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
    aiq_msm_fd_point(e, b, 2 * p, x);
    double xp = x[p];
    rc = eval_full(e, x, plus);
    if (rc) break;
    aiq_msm_fd_point(e, b, 2 * p + 1, x);
    double xm = x[p];
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
  for (size_t q = 0; q < nq; q++) aiq_msm_fd_point(e, b, q, xs + q * nb);
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
  aiq_msm_put_params(e, e->model, xs + last * nb);
  if (!rc) memcpy(mfull, mom + last * e->n_total, e->n_total * sizeof *mfull);
  for (size_t t = 0; t < nt_; t++) aiineq_model_free(w[t]);
  aiq_free(mom), aiq_free(xs), aiq_free(qrc), aiq_free(qerr), aiq_free(w);
  return rc;
}

int aiq_msm_jacobian(aiineq_msm *e, const double *b, double *G, double *mfull,
                     size_t *evals) {
  int nt = e->model ? aiq_par_threads(e->model) : 1;
  if (nt > 1 && e->model && !e->mfn) return jacobian_par(e, b, G, mfull, evals, nt);
  return jacobian_serial(e, b, G, mfull, evals);
}
