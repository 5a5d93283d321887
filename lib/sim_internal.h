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

/* Largest K for which aiq_first_reaching_block counts instead of searching
 * (the count's K - 1 contiguous passes beat the search's gathers up to
 * about here; both give the same tasks). */
#define AIQ_TASK_COUNT_MAX 16

/* The task draw of MODEL.md section 3, step 3, for households i < nb of a
 * block: k[i] = the first k < K - 1 with cum_k >= target[i], or K - 1 when
 * there is none, where cum_k = w[(2k + e[i]) nb + i] are household i's
 * cumulative weights of education e[i] (non-decreasing in k; target = u_k
 * times their total).  The predicate cum_k >= target is monotone in k, so
 * the answer is also the number of k < K - 1 where it fails (a NaN target
 * fails everywhere: K - 1, as the scan from k = 0 gives): for
 * K <= AIQ_TASK_COUNT_MAX that count, K - 1 passes over the block with
 * contiguous loads (the education picks one of two rows); beyond, a binary
 * search, O(log K), whose steps (n, half) depend on K only, so every
 * household takes the same steps and the loop over households is
 * vectorised (gathers, no branches).  Either way the same answer as the
 * scan for the same cumulative values.  K >= 1. */
#if defined(__GNUC__)
__attribute__((always_inline)) /* into each ISA build of the household pass */
#endif
static inline void aiq_first_reaching_block(const double *restrict w, size_t nb, size_t K,
                                            const int32_t *restrict e,
                                            const double *restrict target,
                                            int32_t *restrict k) {
  for (size_t i = 0; i < nb; i++) k[i] = 0;
  if (K <= AIQ_TASK_COUNT_MAX) {
    for (size_t kk = 0; kk + 1 < K; kk++) {
      const double *restrict c0 = w + 2 * kk * nb, *restrict c1 = c0 + nb;
#pragma omp simd
      for (size_t i = 0; i < nb; i++) {
        double x0 = c0[i], x1 = c1[i]; /* both loaded: a select, no branch */
        k[i] += !((e[i] ? x1 : x0) >= target[i]);
      }
    }
    return;
  }
  /* household i's answer lies in [k[i], k[i] + n] */
  size_t n = K - 1;
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
