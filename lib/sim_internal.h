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

/* The task draw of MODEL.md section 3, step 3: the first k < K - 1 with
 * cum[k * stride] >= target, or K - 1 when there is none (cum
 * non-decreasing: the cumulative choice weights; target = u_k times their
 * total).  A binary search, O(log K), with the same answer as the scan from
 * k = 0 for the same cumulative values (the predicate is monotone in k); a
 * NaN target gives K - 1, as the scan does.  The number of steps depends on
 * K only and each step is a conditional move, so there are no mispredicted
 * branches.  K >= 1. */
static inline size_t aiq_first_reaching(const double *cum, size_t stride, size_t K,
                                        double target) {
  /* the answer lies in [base, base + n] */
  size_t base = 0, n = K - 1;
  if (n == 0) return 0;
  while (n > 1) {
    size_t half = n / 2;
    base = cum[(base + half - 1) * stride] >= target ? base : base + half;
    n -= half;
  }
  return base + !(cum[base * stride] >= target);
}

/* Simulate both economies of r (whose equilibria are solved) under the
 * technologies tech[0], tech[1].  Errors go to m->err. */
int aiq_simulate(aiineq_model *m, const aiq_tech tech[2], aiineq_result *r);

/* Release the simulation arrays of r. */
void aiq_sim_free(aiineq_result *r);

#endif /* AIQ_SIM_INTERNAL_H */
