/*
 * msm_run.c -- the estimator's optimisation: local runs with MINPACK's
 * Levenberg-Marquardt (lmder) or NLopt (BOBYQA, Sbplx) inside the bounds,
 * Sobol multistart, progress and stop, aiineq_msm_estimate() and
 * aiineq_msm_evaluate().  See docs/estimation.md.
 */
#include <math.h>
#include <cminpack.h>
#include <nlopt.h>
#include <stdint.h>
#include <string.h>

#include "msm_internal.h"
#include "sobol.h"
#include "spd.h"

/* ------------------------------------------------------------------ */
/* Optimisation                                                         */

typedef struct run_ctx {
  aiineq_msm *e;
  msm_work *k;
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
  int rc = aiq_msm_eval_obj(c->e, x, c->k->w, c->k->mfull, c->k->r, &f);
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
    int rc = aiq_msm_jacobian(e, xc, l->g, c->k->mfull, &before);
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
  int rc = aiq_msm_eval_obj(e, xc, c->k->w, c->k->mfull, c->k->r, &f);
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
  aiq_msm_result_free(e->res);
  e->res = r;
  e->err[0] = '\0';
}

AIINEQ_API int aiineq_msm_estimate(aiineq_msm *e) {
  if (!e) return AIINEQ_ERR_ARG;
  int rc = aiq_msm_check_ready(e);
  if (rc) return rc;
  msm_result *r = aiq_msm_result_new(e->np, e->n_sel, e->n_starts);
  if (!r) return aiq_fail(e->err, AIINEQ_ERR_NOMEM, "out of memory");
  msm_work k;
  if ((rc = aiq_msm_work_new(e, &k))) return aiq_msm_result_free(r), rc;
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
    rc = aiq_msm_inference(e, &k, r->st_x1 + best * e->np, r);
  }
  aiq_msm_work_free(&k);
  if (rc) return aiq_msm_result_free(r), rc;
  commit(e, r);
  return AIINEQ_OK;
}

AIINEQ_API int aiineq_msm_evaluate(aiineq_msm *e, const double *b, size_t nb) {
  if (!e) return AIINEQ_ERR_ARG;
  int rc = aiq_msm_check_ready(e);
  if (!rc) rc = aiq_msm_check_point(e, b, nb);
  if (rc) return rc;
  msm_result *r = aiq_msm_result_new(e->np, e->n_sel, 0);
  if (!r) return aiq_fail(e->err, AIINEQ_ERR_NOMEM, "out of memory");
  msm_work k;
  if ((rc = aiq_msm_work_new(e, &k))) return aiq_msm_result_free(r), rc;
  memcpy(r->start, b, nb * sizeof *b);
  rc = aiq_msm_inference(e, &k, b, r);
  aiq_msm_work_free(&k);
  if (rc) return aiq_msm_result_free(r), rc;
  r->evals = 1;
  commit(e, r);
  return AIINEQ_OK;
}
