/*
 * solve.c -- aiineq_solve: both economies of MODEL.md sections 2-4 and the
 * result handle.
 *
 * Order of work: validate the model; build the Gauss-Hermite grid; solve the
 * baseline (A = adopt_pre, p = 1 fixed) from mu = 0, V = sigma_a^2; calibrate
 * the CES weights from its supplies; solve the post-AI economy starting from
 * the baseline solution; m1, m2 from the baseline grid; simulate both
 * economies with common random numbers (simulate.c).
 */
#include <math.h>
#include <string.h>

#include "numerics.h"
#include "sim_internal.h"
#include "solve_internal.h"

static const char null_result_msg[] = "result handle is NULL";

/* Default targets and standard errors, MODEL.md section 4. */
static const double moment_target[AIINEQ_N_MOMENTS] = {0.34, 0.00, 0.65, 0.38, 0.10, 0.01};
static const double moment_se[AIINEQ_N_MOMENTS] = {0.05, 0.03, 0.05, 0.02, 0.03, 0.005};

AIINEQ_API int aiineq_moment_targets(double *target, double *se, size_t len) {
  if (len != AIINEQ_N_MOMENTS) return AIINEQ_ERR_SIZE;
  if (target) memcpy(target, moment_target, sizeof moment_target);
  if (se) memcpy(se, moment_se, sizeof moment_se);
  return AIINEQ_OK;
}

/* Checks that need more than one parameter (single ranges are enforced by
 * the setters). */
static int validate(aiineq_model *m) {
  int64_t N = aiq_ipar(m, N_WORKERS), J = aiq_ipar(m, N_FIRMS);
  if (J > N)
    return aiq_fail(m->err, AIINEQ_ERR_RANGE,
                    "n_firms = %lld exceeds n_workers = %lld: every firm needs a worker",
                    (long long)J, (long long)N);
  if ((uint64_t)N > SIZE_MAX / 64)
    return aiq_fail(m->err, AIINEQ_ERR_RANGE, "n_workers = %lld is too large for this machine",
                    (long long)N);
  return AIINEQ_OK;
}

AIINEQ_API void aiineq_result_free(aiineq_result *r) {
  if (!r) return;
  for (int s = 0; s < 2; s++) aiq_eq_free(&r->eq[s]);
  aiq_sim_free(r);
  aiq_free(r);
}

static int grid_init(aiq_grid *g, const aiineq_model *m) {
  g->q = (size_t)aiq_ipar(m, N_QUAD);
  g->a = aiq_malloc_array(g->q, 2 * sizeof *g->a);
  if (!g->a) return AIINEQ_ERR_NOMEM;
  g->w = g->a + g->q;
  int rc = aiq_gauss_hermite(g->q, g->a, g->w);
  if (rc) return rc;
  for (size_t i = 0; i < g->q; i++) g->a[i] *= aiq_par(m, SIGMA_A);
  return AIINEQ_OK;
}

/* Equilibria of both economies into r->eq, plus m1, m2, m4 and the technology
 * the simulation needs. */
static int solve_equilibria(aiineq_model *m, unsigned flags, aiineq_result *r,
                            const aiq_grid *g, aiq_tech tech[2]) {
  size_t K = m->n_tasks;
  double theta = aiq_par(m, THETA);
  int rc;
  if ((rc = aiq_eq_alloc(&r->eq[0], K)) || (rc = aiq_eq_alloc(&r->eq[1], K)))
    return aiq_fail(m->err, rc, "out of memory (equilibrium of %zu tasks)", K);
  if ((rc = aiq_tech_init(&tech[0], m, aiq_par(m, ADOPT_PRE), theta)) ||
      (rc = aiq_tech_init(&tech[1], m, aiq_par(m, ADOPT_POST),
                          (flags & AIINEQ_HOLD_COMPRESSION) ? 0.0 : theta)))
    return aiq_fail(m->err, rc, "out of memory (technology)");

  aiq_eq *e0 = &r->eq[0], *e1 = &r->eq[1];
  double sa2 = aiq_par(m, SIGMA_A) * aiq_par(m, SIGMA_A);
  for (size_t k = 0; k < K; k++) e0->p[k] = 1.0;
  for (size_t c = 0; c < 2 * K; c++) {
    e0->mu[c] = 0.0;
    e0->V[c] = sa2;
  }
  aiq_prices fixed = {1, aiq_par(m, SIGMA_CES), NULL};
  if ((rc = aiq_eq_solve(m, g, &tech[0], &fixed, e0, "baseline", m->err))) return rc;

  /* CES weights from the baseline supplies: log share_k = log S0_k - log sum S0. */
  double *log_share = aiq_malloc_array(K, sizeof *log_share);
  if (!log_share) return aiq_fail(m->err, AIINEQ_ERR_NOMEM, "out of memory (price weights)");
  double mx = -INFINITY, sum = 0.0;
  for (size_t k = 0; k < K; k++)
    if (e0->log_s[k] > mx) mx = e0->log_s[k];
  for (size_t k = 0; k < K; k++) sum += exp(e0->log_s[k] - mx);
  for (size_t k = 0; k < K; k++) log_share[k] = e0->log_s[k] - mx - log(sum);
  aiq_prices ces = {(flags & AIINEQ_HOLD_PRICES) != 0, aiq_par(m, SIGMA_CES), log_share};

  if (flags & AIINEQ_HOLD_BEHAVIOUR) {
    rc = aiq_eq_held(m, g, &tech[0], e0, &tech[1], &ces, e1, m->err);
  } else {
    memcpy(e1->p, e0->p, K * sizeof *e1->p);
    memcpy(e1->mu, e0->mu, 2 * K * sizeof *e1->mu);
    memcpy(e1->V, e0->V, 2 * K * sizeof *e1->V);
    rc = aiq_eq_solve(m, g, &tech[1], &ces, e1, "post-AI", m->err);
  }
  aiq_free(log_share);
  if (rc) return rc;
  rc = aiq_moments_quadrature(m, g, &tech[0], e0, &r->moment[0], &r->moment[1]);
  if (rc) return aiq_fail(m->err, rc, "out of memory (moments m1, m2)");
  r->moment[3] = e0->college_share;
  return AIINEQ_OK;
}

AIINEQ_API int aiineq_solve_ex(aiineq_model *m, unsigned flags, aiineq_result **out) {
  if (!out) return m ? aiq_fail(m->err, AIINEQ_ERR_ARG, "output pointer is NULL") : AIINEQ_ERR_ARG;
  *out = NULL;
  if (!m) return AIINEQ_ERR_ARG;
  const unsigned all = AIINEQ_HOLD_COMPRESSION | AIINEQ_HOLD_BEHAVIOUR | AIINEQ_HOLD_PRICES |
                       AIINEQ_HOLD_ASSET_RENTS;
  if (flags & ~all)
    return aiq_fail(m->err, AIINEQ_ERR_ARG, "flags = %#x holds bits other than AIINEQ_HOLD_*",
                    flags);
  int rc = validate(m);
  if (rc) return rc;
  aiineq_result *r = aiq_calloc(1, sizeof *r);
  aiq_grid g = {0, NULL, NULL};
  aiq_tech tech[2] = {{0, 0, NULL, NULL}, {0, 0, NULL, NULL}};
  if (!r) return aiq_fail(m->err, AIINEQ_ERR_NOMEM, "out of memory (result)");
  r->K = m->n_tasks;
  r->N = (size_t)aiq_ipar(m, N_WORKERS);
  r->J = (size_t)aiq_ipar(m, N_FIRMS);
  r->flags = flags;
  rc = grid_init(&g, m);
  if (rc) {
    rc = aiq_fail(m->err, rc, "Gauss-Hermite rule with n_quad = %zu failed", g.q);
  } else {
    rc = solve_equilibria(m, flags, r, &g, tech);
    if (rc == AIINEQ_OK) rc = aiq_simulate(m, tech, r);
  }
  aiq_free(g.a);
  aiq_tech_free(&tech[0]);
  aiq_tech_free(&tech[1]);
  if (rc) {
    aiineq_result_free(r);
    return rc;
  }
  *out = r;
  return AIINEQ_OK;
}

AIINEQ_API int aiineq_solve(aiineq_model *m, aiineq_result **out) {
  return aiineq_solve_ex(m, 0u, out);
}

/* ---- accessors ---- */

AIINEQ_API const char *aiineq_result_errmsg(const aiineq_result *r) {
  return r ? r->err : null_result_msg;
}

/* Named statistics: a table of (name, offset into the result) for the
 * per-economy ones, selected by the _pre/_post suffix. */
AIINEQ_API int aiineq_result_stat(const aiineq_result *r, const char *name, double *value) {
  if (!r) return AIINEQ_ERR_ARG;
  aiineq_result *w = (aiineq_result *)r; /* only the message buffer is written */
  if (!name || !value) return aiq_fail(w->err, AIINEQ_ERR_ARG, "name or value pointer is NULL");
  if (name[0] == 'm' && name[1] >= '1' && name[1] <= '6' && name[2] == '\0') {
    *value = r->moment[name[1] - '1'];
    return AIINEQ_OK;
  }
  if (strcmp(name, "delta_gini") == 0) {
    *value = r->moment[5];
    return AIINEQ_OK;
  }
  if (strcmp(name, "vbar0") == 0) {
    *value = r->vbar0;
    return AIINEQ_OK;
  }
  static const char *const base[] = {"gini",         "wage_gini",      "labour_share",
                                     "profits",      "college_premium", "college_share",
                                     "iterations",   "residual"};
  size_t len = strlen(name);
  int s = -1;
  size_t stem = 0;
  if (len > 4 && strcmp(name + len - 4, "_pre") == 0) {
    s = AIINEQ_PRE;
    stem = len - 4;
  } else if (len > 5 && strcmp(name + len - 5, "_post") == 0) {
    s = AIINEQ_POST;
    stem = len - 5;
  }
  for (size_t b = 0; s >= 0 && b < sizeof base / sizeof base[0]; b++) {
    if (strlen(base[b]) != stem || strncmp(name, base[b], stem) != 0) continue;
    switch (b) {
      case 0: *value = r->sim[s].gini; break;
      case 1: *value = r->sim[s].wage_gini; break;
      case 2: *value = r->sim[s].labour_share; break;
      case 3: *value = r->sim[s].profits; break;
      case 4: *value = r->sim[s].college_premium; break;
      case 5: *value = r->eq[s].college_share; break;
      case 6: *value = (double)r->eq[s].iterations; break;
      default: *value = r->eq[s].residual; break;
    }
    return AIINEQ_OK;
  }
  return aiq_fail(w->err, AIINEQ_ERR_NAME, "unknown statistic '%s'", name);
}

AIINEQ_API int aiineq_result_moments(const aiineq_result *r, double *m, size_t len) {
  if (!r || !m) return AIINEQ_ERR_ARG;
  if (len != AIINEQ_N_MOMENTS)
    return aiq_fail(((aiineq_result *)r)->err, AIINEQ_ERR_SIZE, "len = %zu must be %d", len,
                    AIINEQ_N_MOMENTS);
  memcpy(m, r->moment, sizeof r->moment);
  return AIINEQ_OK;
}

AIINEQ_API int aiineq_result_dims(const aiineq_result *r, size_t *n_tasks, size_t *n_workers) {
  if (!r) return AIINEQ_ERR_ARG;
  if (n_tasks) *n_tasks = r->K;
  if (n_workers) *n_workers = r->N;
  return AIINEQ_OK;
}

static int check_economy(const aiineq_result *r, int economy) {
  if (economy != AIINEQ_PRE && economy != AIINEQ_POST)
    return aiq_fail(((aiineq_result *)r)->err, AIINEQ_ERR_RANGE,
                    "economy = %d must be AIINEQ_PRE (0) or AIINEQ_POST (1)", economy);
  return AIINEQ_OK;
}

AIINEQ_API int aiineq_result_equilibrium(const aiineq_result *r, int economy, const char *name,
                                         double *out, size_t len) {
  if (!r) return AIINEQ_ERR_ARG;
  char *err = ((aiineq_result *)r)->err;
  if (!name || !out) return aiq_fail(err, AIINEQ_ERR_ARG, "name or out pointer is NULL");
  int rc = check_economy(r, economy);
  if (rc) return rc;
  const aiq_eq *e = &r->eq[economy];
  const double *src = NULL;
  size_t want = r->K;
  if (strcmp(name, "p") == 0) src = e->p;
  else if (strcmp(name, "S") == 0) src = e->S;
  else if (strcmp(name, "n") == 0) src = e->n;
  else {
    want = 2 * r->K;
    if (strcmp(name, "mu") == 0) src = e->mu;
    else if (strcmp(name, "V") == 0) src = e->V;
    else if (strcmp(name, "r") == 0) src = e->r;
  }
  if (!src) return aiq_fail(err, AIINEQ_ERR_NAME, "unknown equilibrium array '%s'", name);
  if (len != want)
    return aiq_fail(err, AIINEQ_ERR_SIZE, "array '%s' has length %zu, not %zu", name, want, len);
  memcpy(out, src, want * sizeof *out);
  return AIINEQ_OK;
}

/* Look up a household field of either type: its array (NULL if the name is
 * not a field of the wanted type) after the common argument checks. */
static int household_field(const aiineq_result *r, int economy, const char *field,
                           const void *data, const size_t *len, int want_int,
                           const void **src) {
  if (!r) return AIINEQ_ERR_ARG;
  char *err = ((aiineq_result *)r)->err;
  if (!field || !data || !len) return aiq_fail(err, AIINEQ_ERR_ARG, "NULL argument");
  int rc = check_economy(r, economy);
  if (rc) return rc;
  const aiq_sim *s = &r->sim[economy];
  const struct { const char *name; const void *p; int is_int; } fields[] = {
      {"ability", r->ability, 0},          {"base_wage", s->base_wage, 0},
      {"wage", s->wage, 0},                {"capital_income", s->capital_income, 0},
      {"income", s->income, 0},            {"education", s->education, 1},
      {"task", s->task, 1},                {"firm", s->firm, 1}};
  for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++)
    if (fields[i].is_int == want_int && strcmp(field, fields[i].name) == 0) {
      *src = fields[i].p;
      return AIINEQ_OK;
    }
  return aiq_fail(err, AIINEQ_ERR_NAME, "unknown %s household field '%s'",
                  want_int ? "integer" : "real", field);
}

AIINEQ_API int aiineq_result_households(const aiineq_result *r, int economy, const char *field,
                                        const double **data, size_t *len) {
  const void *src = NULL;
  int rc = household_field(r, economy, field, data, len, 0, &src);
  if (rc) return rc;
  *data = src;
  *len = r->N;
  return AIINEQ_OK;
}

AIINEQ_API int aiineq_result_households_int(const aiineq_result *r, int economy,
                                            const char *field, const int32_t **data,
                                            size_t *len) {
  const void *src = NULL;
  int rc = household_field(r, economy, field, data, len, 1, &src);
  if (rc) return rc;
  *data = src;
  *len = r->N;
  return AIINEQ_OK;
}
