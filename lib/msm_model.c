/*
 * msm_model.c -- model moments and statistics for the estimator, through
 * the public solver (aiineq_solve).
 */
#include "msm_internal.h"

#include "internal.h"

int aiq_msm_model_moments(aiineq_model *m, double *mom, char *err) {
  aiineq_result *r = NULL;
  int rc = aiineq_solve(m, &r);
  if (rc < 0) return aiq_fail(err, rc, "model solve failed: %s", aiineq_model_errmsg(m));
  rc = aiineq_result_moments(r, mom, AIINEQ_N_MOMENTS);
  if (rc < 0) aiq_fail(err, rc, "model moments: %s", aiineq_result_errmsg(r));
  else if (!aiq_all_finite(mom, AIINEQ_N_MOMENTS))
    rc = aiq_fail(err, AIINEQ_ERR_NONFINITE, "the model produced a non-finite moment");
  else
    rc = AIINEQ_OK;
  aiineq_result_free(r);
  return rc;
}

int aiq_msm_model_stat(aiineq_model *m, const char *stat, double *value, char *err) {
  aiineq_result *r = NULL;
  int rc = aiineq_solve(m, &r);
  if (rc < 0) return aiq_fail(err, rc, "model solve failed: %s", aiineq_model_errmsg(m));
  rc = aiineq_result_stat(r, stat, value);
  if (rc < 0) aiq_fail(err, rc, "unknown result statistic '%s'", stat);
  else rc = AIINEQ_OK;
  aiineq_result_free(r);
  return rc;
}
