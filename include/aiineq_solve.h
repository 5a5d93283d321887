/*
 * aiineq_solve.h -- solving the model (MODEL.md sections 2-4): the
 * equilibrium before and after AI, the simulated households, statistics and
 * the six moments.  Included by aiineq.h.
 *
 * A solve reads a configured aiineq_model and produces an immutable result
 * handle holding both economies: index AIINEQ_PRE (adoption adopt_pre) and
 * AIINEQ_POST (adoption adopt_post).  Failures are reported on the model
 * handle (aiineq_model_errmsg), which stays usable.
 */
#ifndef AIINEQ_SOLVE_H
#define AIINEQ_SOLVE_H

#include "aiineq.h"

#if defined(__cplusplus)
extern "C" {
#endif

/** Opaque, immutable result of one solve. */
typedef struct aiineq_result aiineq_result;

/* Economy selectors. */
#define AIINEQ_PRE 0
#define AIINEQ_POST 1

/* Channel switches for aiineq_solve_ex (MODEL.md section 6, Shapley
 * decomposition).  Each one holds a channel of the post-AI economy at its
 * baseline value; 0 solves the model as specified. */
#define AIINEQ_HOLD_COMPRESSION 1u /* theta treated as 0 in the post economy */
#define AIINEQ_HOLD_BEHAVIOUR 2u   /* education, task choice and beliefs at baseline */
#define AIINEQ_HOLD_PRICES 4u      /* task prices held at 1 after AI */
#define AIINEQ_HOLD_ASSET_RENTS 8u /* eta*chi treated as 0 in the post economy */

/* Number of model moments (MODEL.md section 4). */
#define AIINEQ_N_MOMENTS 6

/** Solve both economies and simulate the households.  *out receives a new
 *  result (free with aiineq_result_free), NULL on failure.
 *  Errors (message on m): AIINEQ_ERR_ARG, AIINEQ_ERR_NOMEM,
 *  AIINEQ_ERR_RANGE (an invalid parameter combination, e.g. more firms than
 *  households), AIINEQ_ERR_NOCONV (equilibrium not reached within
 *  eq_max_iter; the message gives the iteration count and residual). */
AIINEQ_API int aiineq_solve(aiineq_model *m, aiineq_result **out);

/** aiineq_solve with channel switches (AIINEQ_HOLD_* bits). */
AIINEQ_API int aiineq_solve_ex(aiineq_model *m, unsigned flags, aiineq_result **out);

/** Release a result; NULL is a no-op. */
AIINEQ_API void aiineq_result_free(aiineq_result *r);

/** Message of the last failed call on r ("" if none). */
AIINEQ_API const char *aiineq_result_errmsg(const aiineq_result *r);

/** Named scalar statistic.  Names (suffix _pre/_post selects the economy):
 *  gini_pre, gini_post, delta_gini, wage_gini_pre, wage_gini_post,
 *  labour_share_pre/_post, profits_pre/_post, college_premium_pre/_post,
 *  college_share_pre/_post, iterations_pre/_post, residual_pre/_post,
 *  vbar0 (baseline mean value added per worker), m1 .. m6.
 *  Errors: AIINEQ_ERR_ARG, AIINEQ_ERR_NAME. */
AIINEQ_API int aiineq_result_stat(const aiineq_result *r, const char *name, double *value);

/** The six moments m1..m6 into m[0..len), len == AIINEQ_N_MOMENTS.
 *  Errors: AIINEQ_ERR_ARG, AIINEQ_ERR_SIZE. */
AIINEQ_API int aiineq_result_moments(const aiineq_result *r, double *m, size_t len);

/** Default targets and standard errors of the six moments (MODEL.md
 *  section 4); either pointer may be NULL.  len == AIINEQ_N_MOMENTS. */
AIINEQ_API int aiineq_moment_targets(double *target, double *se, size_t len);

/** Number of tasks K and households N of the solved model. */
AIINEQ_API int aiineq_result_dims(const aiineq_result *r, size_t *n_tasks, size_t *n_workers);

/** Equilibrium array of one economy, copied into out[0..len).  Names and
 *  lengths: "p", "S", "n" (K each); "mu", "V", "r" (2K, index k*2 + e).
 *  Errors: AIINEQ_ERR_ARG, AIINEQ_ERR_NAME, AIINEQ_ERR_SIZE (len wrong),
 *  AIINEQ_ERR_RANGE (bad economy). */
AIINEQ_API int aiineq_result_equilibrium(const aiineq_result *r, int economy, const char *name,
                                         double *out, size_t len);

/** Read-only view of a simulated household array (valid until the result is
 *  freed; not to be modified).  Real fields: "ability", "base_wage", "wage",
 *  "capital_income", "income".  Integer fields (aiineq_result_households_int):
 *  "education" (0/1), "task" (0..K-1), "firm" (0..J-1).  *len receives N.
 *  Errors: AIINEQ_ERR_ARG, AIINEQ_ERR_NAME, AIINEQ_ERR_RANGE (economy). */
AIINEQ_API int aiineq_result_households(const aiineq_result *r, int economy, const char *field,
                                        const double **data, size_t *len);
AIINEQ_API int aiineq_result_households_int(const aiineq_result *r, int economy,
                                            const char *field, const int32_t **data,
                                            size_t *len);

#if defined(__cplusplus)
}
#endif

#endif /* AIINEQ_SOLVE_H */
