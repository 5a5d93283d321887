/*
 * sim_internal.h -- the result handle and the household/firm simulation
 * (MODEL.md section 3).
 */
#ifndef AIQ_SIM_INTERNAL_H
#define AIQ_SIM_INTERNAL_H

#include "solve_internal.h"

/* Random streams (key = (seed, stream), counter = (index, block)): see
 * simulate.c and docs/model.md for which lane feeds which draw. */
#define AIQ_STREAM_HOUSEHOLDS 0u
#define AIQ_STREAM_FIRMS 1u

/* Simulated economy: household arrays (N each) and statistics. */
typedef struct aiq_sim {
  double *base_wage, *wage, *capital_income, *income; /* one block of 4N */
  int32_t *education, *task, *firm;                   /* one block of 3N */
  double gini, wage_gini, labour_share, college_premium;
  double profits;     /* per household */
  double pi_total;    /* total profits Pi */
} aiq_sim;

struct aiineq_result {
  size_t K, N, J;
  unsigned flags;
  aiq_eq eq[2];
  aiq_sim sim[2];
  double *ability; /* N, common to both economies */
  double vbar0;
  double moment[AIINEQ_N_MOMENTS];
  char err[AIQ_ERRLEN];
};

/* Simulate both economies of r (whose equilibria are solved) under the
 * technologies tech[0], tech[1].  Errors go to m->err. */
int aiq_simulate(aiineq_model *m, const aiq_tech tech[2], aiineq_result *r);

/* Release the simulation arrays of r. */
void aiq_sim_free(aiineq_result *r);

#endif /* AIQ_SIM_INTERNAL_H */
