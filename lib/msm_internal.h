/*
 * msm_internal.h -- what the estimator's files share: the handle layout,
 * the result record, the work space of one run, and the routines that one
 * file implements and another calls.
 *
 *   msm.c        handle, configuration (moments, targets, weighting, free
 *                parameters, options) and result accessors
 *   msm_eval.c   moment vector, objective, readiness checks, work space and
 *                the finite-difference Jacobian
 *   msm_run.c    optimisation: NLopt and MINPACK LM, multistart, estimate
 *   msm_infer.c  sandwich covariance, Lambda, J test, sensitivities
 *   msm_model.c  model moments and statistics through the public solver
 *   msm_targets.c  targets file reader (CSV through lib/csv.c)
 */
#ifndef AIQ_MSM_INTERNAL_H
#define AIQ_MSM_INTERNAL_H

#include "aiineq.h"
#include "internal.h"

#define AIQ_MSM_NAME_LEN 32

typedef struct msm_param {
  char name[AIQ_MSM_NAME_LEN];
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

/* Work space for one run. */
typedef struct msm_work {
  double *w, *mfull, *r, *om;
} msm_work;

/* --- msm.c ------------------------------------------------------------ */

/* Result record for nb parameters, nm selected moments and ns starts, or
 * NULL when out of memory; free(NULL) is a no-op. */
msm_result *aiq_msm_result_new(size_t nb, size_t nm, size_t ns);
void aiq_msm_result_free(msm_result *r);

/* Omega (n_sel^2) for inference: the caller's, or diag(se^2). */
void aiq_msm_build_omega(const aiineq_msm *e, double *om);

/* W (n_sel^2) of the current scheme; AIINEQ_ERR_SINGULAR if the efficient
 * W's Omega cannot be inverted. */
int aiq_msm_build_w(const aiineq_msm *e, double *w);

/* --- msm_eval.c ------------------------------------------------------- */

/* Write the free parameters b into model m's parameter values. */
void aiq_msm_put_params(const aiineq_msm *e, aiineq_model *m, const double *b);

/* Selected moments at b and the objective (n_sel residual into r). */
int aiq_msm_eval_obj(aiineq_msm *e, const double *b, const double *w, double *mfull, double *r,
                     double *f);

/* Common checks before any evaluation, and of a caller's point b. */
int aiq_msm_check_ready(aiineq_msm *e);
int aiq_msm_check_point(aiineq_msm *e, const double *b, size_t nb);

int aiq_msm_work_new(aiineq_msm *e, msm_work *k);
void aiq_msm_work_free(msm_work *k);

/* The 2 np central-difference points at b: point 2p is (p, up), point
 * 2p + 1 is (p, down); x gets np values. */
void aiq_msm_fd_point(const aiineq_msm *e, const double *b, size_t q, double *x);

/* dm/db (n_sel x np, row major) at b; counts evaluations. */
int aiq_msm_jacobian(aiineq_msm *e, const double *b, double *G, double *mfull, size_t *evals);

/* --- msm_infer.c ------------------------------------------------------ */

/* Everything at b into r (b, start and starts already filled). */
int aiq_msm_inference(aiineq_msm *e, msm_work *k, const double *b, msm_result *r);

/* --- msm_model.c ------------------------------------------------------ */

/* Solve m and write its AIINEQ_N_MOMENTS moments into mom.  On failure
 * copy the model's message into err (AIQ_ERRLEN bytes) and return the
 * solver's status. */
int aiq_msm_model_moments(aiineq_model *m, double *mom, char *err);

/* Solve m and read the named result statistic (aiineq_result_stat). */
int aiq_msm_model_stat(aiineq_model *m, const char *stat, double *value, char *err);

#endif /* AIQ_MSM_INTERNAL_H */
