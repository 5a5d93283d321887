/*
 * solve_internal.h -- the solver's internal pieces: quadrature equilibrium
 * (equilibrium.c), household and firm simulation (simulate.c) and the result
 * handle (solve.c).
 */
#ifndef AIQ_SOLVE_INTERNAL_H
#define AIQ_SOLVE_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "model_internal.h"

/* Technology of one economy: q_k(h) = c[k] h + d[k] with
 * c[k] = 1 - theta*A*x_k and d[k] = theta*A*x_k*h_ai (MODEL.md section 2). */
typedef struct aiq_tech {
  double A;     /* adoption */
  double theta; /* compression rate in force (0 when compression is held) */
  double *c, *d; /* K each */
} aiq_tech;

/* Equilibrium of one economy on the quadrature grid. */
typedef struct aiq_eq {
  size_t K;
  double *p;     /* task prices, K */
  double *mu;    /* cell means of q, 2K, index k*2 + e */
  double *V;     /* cell variances of q, 2K */
  double *r;     /* reliabilities V/(V + sigma_z^2), 2K */
  double *S;     /* efficiency-unit supplies, K */
  double *n;     /* employment shares, K */
  double *log_s; /* log S, K (exact even when S underflows) */
  double college_share;
  long iterations;
  double residual;
} aiq_eq;

/* Price rule: fixed at one (baseline), or the CES/Cobb-Douglas demand with
 * the baseline's log supply shares. */
typedef struct aiq_prices {
  int fixed;               /* 1: p = 1 */
  double sigma;            /* sigma_ces */
  const double *log_share; /* K: log(S0_k / sum_j S0_j) */
} aiq_prices;

/* Gauss-Hermite grid for ability: a_i = sigma_a t_i, weights summing to 1. */
typedef struct aiq_grid {
  size_t q;
  double *a, *w;
} aiq_grid;

int aiq_eq_alloc(aiq_eq *eq, size_t K);
void aiq_eq_free(aiq_eq *eq);
int aiq_eq_copy(aiq_eq *dst, const aiq_eq *src);
int aiq_tech_init(aiq_tech *tech, const aiineq_model *m, double A, double theta);
void aiq_tech_free(aiq_tech *tech);

/* Logit coefficients of the choices: the task-choice index of task k for
 * education e at ability a is alpha[k*2+e] + beta[k*2+e] * a
 * (= log nu_k + omega_ke(a)/tau). */
typedef struct aiq_choice {
  size_t K;
  double *alpha, *beta; /* 2K each */
} aiq_choice;

int aiq_choice_init(aiq_choice *ch, const aiineq_model *m, const aiq_tech *tech,
                    const aiq_eq *eq);
void aiq_choice_free(aiq_choice *ch);

/* Solve an equilibrium.  `eq` holds the starting point on entry (p, mu, V)
 * and the solution on success.  On failure a message naming the economy
 * (`label`, e.g. "baseline") is written to err.
 * Returns AIINEQ_OK, AIINEQ_ERR_NOCONV, AIINEQ_ERR_NOMEM. */
int aiq_eq_solve(const aiineq_model *m, const aiq_grid *g, const aiq_tech *tech,
                 const aiq_prices *pr, aiq_eq *eq, const char *label, char *err);

/* Equilibrium with choices and beliefs held at `base` (solved under
 * `base_tech`): masses from the baseline choices, supplies from the new
 * technology, prices from pr.  Beliefs (mu, V, r) are copied from base. */
int aiq_eq_held(const aiineq_model *m, const aiq_grid *g, const aiq_tech *base_tech,
                const aiq_eq *base, const aiq_tech *tech, const aiq_prices *pr, aiq_eq *eq,
                char *err);

/* Moments m1 and m2 (MODEL.md section 4) from the baseline equilibrium. */
int aiq_moments_quadrature(const aiineq_model *m, const aiq_grid *g, const aiq_tech *base_tech,
                           const aiq_eq *base, double *m1, double *m2);

#endif /* AIQ_SOLVE_INTERNAL_H */
