/*
 * params.h -- the model's named parameters (MODEL.md section 1), one table.
 *
 * AIQ_PARAMS(X) expands X(id, name, default, lower, upper, flags, description)
 * once per parameter; the enum of indices and the introspection table are
 * both generated from it so they cannot drift apart.  Bounds are the widest
 * values for which the model's equations are defined (open ends flagged).
 */
#ifndef AIQ_PARAMS_H
#define AIQ_PARAMS_H

#include "aiineq.h"

#define AIQ_LO AIINEQ_PARAM_LO_OPEN
#define AIQ_HI AIINEQ_PARAM_HI_OPEN
#define AIQ_INT AIINEQ_PARAM_INTEGER

#define AIQ_PARAMS(X)                                                                      \
  X(SIGMA_A, "sigma_a", 0.5, 0.0, 10.0, AIQ_LO, "s.d. of log ability a ~ N(0, sigma_a^2)") \
  X(BETA_E, "beta_e", 0.27, 0.0, 5.0, 0, "log human-capital gain from education")          \
  X(C0, "c0", 0.63, -10.0, 10.0, 0, "education cost level (log-wage units)")               \
  X(KAPPA, "kappa", 0.5, -10.0, 10.0, 0, "ability gradient of education cost")             \
  X(SIGMA_Z, "sigma_z", 0.5, 0.0, 10.0, AIQ_LO, "s.d. of the employer's signal noise")     \
  X(TAU, "tau", 0.3, 0.0, 10.0, AIQ_LO, "dispersion of task-choice taste shocks (logit)")  \
  X(TAU_E, "tau_e", 0.3, 0.0, 10.0, AIQ_LO, "dispersion of education taste shocks (logit)") \
  X(THETA, "theta", 0.19, 0.0, 1.0, 0, "AI compression (homogenization) rate")             \
  X(H_AI, "h_ai", 0.89, -10.0, 10.0, 0, "AI competence level, log units (mean ability 0)") \
  X(SIGMA_CES, "sigma_ces", 1.5, 0.0, 100.0, AIQ_LO,                                        \
    "elasticity of substitution between tasks (1 = Cobb-Douglas)")                         \
  X(ALPHA_PHI, "alpha_phi", 3.0, 1.0, 100.0, AIQ_LO, "Pareto tail of firm productivity")   \
  X(SIGMA_K, "sigma_k", 1.0, 0.0, 5.0, 0, "s.d. of log complementary-asset intensity")     \
  X(RHO_PHIK, "rho_phik", 0.5, -1.0, 1.0, 0,                                                \
    "correlation of log assets with the firm productivity-rank score")                    \
  X(RHO_SORT, "rho_sort", 0.3, 0.0, 1.0, AIQ_HI, "worker-firm sorting correlation")         \
  X(XI, "xi", 0.10, 0.0, 1.0, 0, "rent-sharing elasticity of wages w.r.t. value added")    \
  X(ETA, "eta", 0.75, 0.0, 1.0, 0, "asset-embodied share of AI value (eta1 .75, eta0 .25)") \
  X(CHI, "chi", 0.37, 0.0, 100.0, 0, "AI value created per unit of complementary assets") \
  X(TOP10, "top10", 0.89, 0.1, 1.0, AIQ_LO | AIQ_HI, "ownership share of the top 10%")       \
  X(RHO_OWN, "rho_own", 0.3, -1.0, 1.0, AIQ_LO | AIQ_HI,                                    \
    "correlation of the ownership latent with standardised ability")                      \
  X(ADOPT_PRE, "adopt_pre", 0.0, 0.0, 1.0, 0, "AI adoption before (A0)")                    \
  X(ADOPT_POST, "adopt_post", 1.0, 0.0, 1.0, 0, "AI adoption after (A1)")                   \
  X(N_QUAD, "n_quad", 64, 2, 200, AIQ_INT, "Gauss-Hermite nodes for the ability integral") \
  X(N_WORKERS, "n_workers", 200000, 2, 1e9, AIQ_INT, "simulated households")                \
  X(N_FIRMS, "n_firms", 2000, 1, 1e8, AIQ_INT, "simulated firms")                           \
  X(SEED, "seed", 1, -9223372036854775808.0, 9223372036854775807.0, AIQ_INT,               \
    "64-bit seed of the simulation")                                                       \
  X(EQ_TOL, "eq_tol", 1e-10, 0.0, 1.0, AIQ_LO, "sup-norm residual of a solved equilibrium") \
  X(EQ_MAX_ITER, "eq_max_iter", 10000, 1, 1e7, AIQ_INT, "iteration cap of the equilibrium solver")

enum aiq_param_id {
#define AIQ_PARAM_ENUM(id, name, def, lo, hi, flags, desc) AIQ_P_##id,
  AIQ_PARAMS(AIQ_PARAM_ENUM)
#undef AIQ_PARAM_ENUM
      AIQ_NPARAM
};

/* Static description of one parameter. */
typedef struct aiq_param_def {
  const char *name;
  const char *description;
  double def, lo, hi;
  unsigned flags;
} aiq_param_def;

extern const aiq_param_def aiq_param_table[AIQ_NPARAM];

/* Index of `name`, or -1. */
int aiq_param_lookup(const char *name);

#endif /* AIQ_PARAMS_H */
