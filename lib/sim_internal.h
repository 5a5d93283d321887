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

/* The task draw of MODEL.md section 3, step 3, for households i < nb of a
 * block: k[i] = the first k < K - 1 with cum_k >= target[i], or K - 1 when
 * there is none, where cum_k = w[(2k + e[i]) nb + i] are household i's
 * cumulative weights of education e[i] (non-decreasing in k; target = u_k
 * times their total).  A binary search, O(log K), with the same answer as
 * the scan from k = 0 for the same cumulative values (the predicate is
 * monotone in k); a NaN target gives K - 1, as the scan does.  The steps
 * (n, half) depend on K only, so every household takes the same steps and
 * the loop over households is vectorised (gathers, no branches).  K >= 1. */
static inline void aiq_first_reaching_block(const double *restrict w, size_t nb, size_t K,
                                            const int32_t *restrict e,
                                            const double *restrict target,
                                            int32_t *restrict k) {
  /* household i's answer lies in [k[i], k[i] + n] */
  for (size_t i = 0; i < nb; i++) k[i] = 0;
  size_t n = K - 1;
  if (n == 0) return;
  while (n > 1) {
    size_t half = n / 2;
#pragma omp simd
    for (size_t i = 0; i < nb; i++) {
      size_t c = 2 * ((size_t)k[i] + half - 1) + (size_t)e[i];
      k[i] = w[c * nb + i] >= target[i] ? k[i] : k[i] + (int32_t)half;
    }
    n -= half;
  }
#pragma omp simd
  for (size_t i = 0; i < nb; i++) {
    size_t c = 2 * (size_t)k[i] + (size_t)e[i];
    k[i] += !(w[c * nb + i] >= target[i]);
  }
}

/* Simulate both economies of r (whose equilibria are solved) under the
 * technologies tech[0], tech[1].  Errors go to m->err. */
int aiq_simulate(aiineq_model *m, const aiq_tech tech[2], aiineq_result *r);

/* Release the simulation arrays of r. */
void aiq_sim_free(aiineq_result *r);

#endif /* AIQ_SIM_INTERNAL_H */
