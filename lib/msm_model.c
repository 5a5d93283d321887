/*
 * msm_model.c -- model moments and statistics for the estimator.
 *
 * Interim: the model solver (aiineq_solve.h) is not in the library yet, so
 * model-backed evaluations fail with AIINEQ_ERR_STATE and a message saying
 * so; estimation with caller moment callbacks is complete.  This file
 * switches to aiineq_solve() as soon as the solver lands.
 */
#include "msm_internal.h"

#include "internal.h"

int aiq_msm_default_targets(double *target, double *se, size_t len) {
  static const double t[AIINEQ_N_MOMENTS] = {0.34, 0.00, 0.65, 0.38, 0.10, 0.01};
  static const double s[AIINEQ_N_MOMENTS] = {0.05, 0.03, 0.05, 0.02, 0.03, 0.005};
  if (len != AIINEQ_N_MOMENTS) return AIINEQ_ERR_SIZE;
  for (size_t i = 0; i < len; i++) {
    if (target) target[i] = t[i];
    if (se) se[i] = s[i];
  }
  return AIINEQ_OK;
}

int aiq_msm_model_moments(aiineq_model *m, double *mom, char *err) {
  (void)m, (void)mom;
  return aiq_fail(err, AIINEQ_ERR_STATE, "model moments need the solver, not in this build yet");
}

int aiq_msm_model_stat(aiineq_model *m, const char *stat, double *value, char *err) {
  (void)m, (void)stat, (void)value;
  return aiq_fail(err, AIINEQ_ERR_STATE, "model statistics need the solver, not in this build yet");
}
