/*
 * msm_internal.h -- the estimator's access to the model solver.
 */
#ifndef AIQ_MSM_INTERNAL_H
#define AIQ_MSM_INTERNAL_H

#include "aiineq.h"

/* Solve m and write its AIINEQ_N_MOMENTS moments into mom.  On failure
 * copy the model's message into err (AIQ_ERRLEN bytes) and return the
 * solver's status. */
int aiq_msm_model_moments(aiineq_model *m, double *mom, char *err);

/* Solve m and read the named result statistic (aiineq_result_stat). */
int aiq_msm_model_stat(aiineq_model *m, const char *stat, double *value, char *err);

#endif /* AIQ_MSM_INTERNAL_H */
