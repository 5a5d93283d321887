/*
 * simulate.c -- households and firms (MODEL.md section 3) with common random
 * numbers.
 *
 * Draws.  Every draw is a pure function of (seed, stream, index, block, lane)
 * through the Philox generator of rng.h (key = (seed, stream), counter =
 * (index, block)); normals are PhiInv of uniforms (AS241), so a draw never
 * depends on another one:
 *   households (stream AIQ_STREAM_HOUSEHOLDS, index i = 0..N-1)
 *     block 0: lane 0 u_a, lane 1 u_e, lane 2 u_k, lane 3 eps_z = PhiInv(u)
 *     block 1: lane 0 eps_s = PhiInv(u), lane 1 eps_o = PhiInv(u)
 *   firms (stream AIQ_STREAM_FIRMS, index j = 0..J-1)
 *     block 0: lane 0 zeta_j = PhiInv(u)
 * Both economies read the same draws, so they differ only through the
 * equilibrium.
 *
 * Memory.  Per household the result keeps ability (8 bytes, shared), and per
 * economy four doubles and three int32 (44 bytes).  Scratch while an economy
 * is simulated: log b lives in the wage array until wages are known, the
 * sorting index in the income array, and the argsort needs one size_t per
 * household (plus the sort's own buffers).
 */
#include <math.h>
#include <string.h>

#include "ineq_internal.h"
#include "lapack.h"
#include "numerics.h"
#include "rng.h"
#include "sim_internal.h"

void aiq_sim_free(aiineq_result *r) {
  for (int s = 0; s < 2; s++) {
    aiq_free(r->sim[s].base_wage);
    aiq_free(r->sim[s].education);
    r->sim[s].base_wage = NULL;
    r->sim[s].education = NULL;
  }
  aiq_free(r->ability);
  r->ability = NULL;
}

static int sim_alloc(aiineq_result *r) {
  size_t N = r->N;
  r->ability = aiq_malloc_array(N, sizeof *r->ability);
  if (!r->ability) return AIINEQ_ERR_NOMEM;
  for (int s = 0; s < 2; s++) {
    aiq_sim *sm = &r->sim[s];
    sm->base_wage = aiq_malloc_array(N, 4 * sizeof(double));
    sm->education = aiq_malloc_array(N, 3 * sizeof(int32_t));
    if (!sm->base_wage || !sm->education) return AIINEQ_ERR_NOMEM;
    sm->wage = sm->base_wage + N;
    sm->capital_income = sm->base_wage + 2 * N;
    sm->income = sm->base_wage + 3 * N;
    sm->task = sm->education + N;
    sm->firm = sm->education + 2 * N;
  }
  return AIINEQ_OK;
}

/* Mean and population standard deviation of x[0..n) (two passes). */
static void mean_sd(const double *x, size_t n, double *mean, double *sd) {
  double s = 0.0;
  for (size_t i = 0; i < n; i++) s += x[i];
  double mu = s / (double)n, ss = 0.0;
  for (size_t i = 0; i < n; i++) ss += (x[i] - mu) * (x[i] - mu);
  *mean = mu;
  *sd = sqrt(ss / (double)n);
}

/* Firms: productivity Phi_j and complementary assets K_j (same in both
 * economies). */
static void firms(const aiineq_model *m, size_t J, double *phi, double *assets) {
  uint64_t seed = (uint64_t)aiq_ipar(m, SEED);
  double alpha = aiq_par(m, ALPHA_PHI), sk = aiq_par(m, SIGMA_K), rho = aiq_par(m, RHO_PHIK);
  double rc = sqrt(1.0 - rho * rho);
  for (size_t j = 0; j < J; j++) {
    double u = ((double)j + 0.5) / (double)J, lane[4];
    aiq_rng_uniform4(seed, AIQ_STREAM_FIRMS, j, 0, lane);
    double zeta = aiq_norm_ppf(lane[0]);
    phi[j] = pow(1.0 - u, -1.0 / alpha);
    assets[j] = exp(sk * (rho * aiq_norm_ppf(u) + rc * zeta) - 0.5 * sk * sk);
  }
}

/* Ability (common) and normalised ownership shares into own[0..N). */
static void households_common(const aiineq_model *m, aiineq_result *r, double *own) {
  uint64_t seed = (uint64_t)aiq_ipar(m, SEED);
  double sa = aiq_par(m, SIGMA_A);
  size_t N = r->N;
  for (size_t i = 0; i < N; i++) {
    double lane[4];
    aiq_rng_uniform4(seed, AIQ_STREAM_HOUSEHOLDS, i, 0, lane);
    r->ability[i] = sa * aiq_norm_ppf(lane[0]);
  }
  double ma, sda;
  mean_sd(r->ability, N, &ma, &sda);
  double top10 = aiq_par(m, TOP10), rho = aiq_par(m, RHO_OWN);
  double sigma_o = aiq_norm_ppf(0.9) - aiq_norm_ppf(1.0 - top10);
  double rc = sqrt(1.0 - rho * rho), total = 0.0;
  for (size_t i = 0; i < N; i++) {
    double lane[4];
    aiq_rng_uniform4(seed, AIQ_STREAM_HOUSEHOLDS, i, 1, lane);
    double za = sda > 0.0 ? (r->ability[i] - ma) / sda : 0.0;
    own[i] = exp(sigma_o * (rho * za + rc * aiq_norm_ppf(lane[1])));
    total += own[i];
  }
  for (size_t i = 0; i < N; i++) own[i] /= total;
}

/* Slope on column 1 of the OLS of y on the n x 3 design X (column-major),
 * by LAPACK's QR least squares, into *slope; NaN when n < 3 or X is rank
 * deficient.  Returns AIINEQ_OK or AIINEQ_ERR_NOMEM (never a silent NaN). */
static int ols_slope(double *X, double *y, size_t n, double *slope) {
  *slope = NAN;
  if (n < 3) return AIINEQ_OK;
  int in = (int)n, three = 3, one = 1, lwork = -1, info = 0;
  double q = 0.0;
  dgels_("N", &in, &three, &one, X, &in, y, &in, &q, &lwork, &info);
  lwork = info == 0 && q >= 1.0 ? (int)q : 3 * 64 + (int)n;
  double *work = aiq_malloc_array((size_t)lwork, sizeof *work);
  if (!work) return AIINEQ_ERR_NOMEM;
  dgels_("N", &in, &three, &one, X, &in, y, &in, work, &lwork, &info);
  aiq_free(work);
  if (info == 0) *slope = y[1];
  return AIINEQ_OK;
}

/* Everything one economy needs besides the household arrays. */
typedef struct econ_in {
  const aiq_choice *choice; /* choice coefficients (baseline ones if behaviour held) */
  const aiq_tech *tech;     /* technology of q */
  const aiq_eq *eq;         /* prices, beliefs, supplies */
  double rents;             /* eta*chi in force */
} econ_in;

/* Draw choices, base wages, and the sorting index for economy s; returns the
 * status of the argsort (firm assignment). */
static int choices_and_matching(const aiineq_model *m, aiineq_result *r, int s,
                                const econ_in *in, size_t *idx) {
  size_t N = r->N, K = r->K, J = r->J;
  uint64_t seed = (uint64_t)aiq_ipar(m, SEED);
  double tau = aiq_par(m, TAU), tau_e = aiq_par(m, TAU_E), c0 = aiq_par(m, C0);
  double kappa = aiq_par(m, KAPPA), be = aiq_par(m, BETA_E), sz = aiq_par(m, SIGMA_Z);
  const double *al = in->choice->alpha, *bt = in->choice->beta;
  const aiq_eq *eq = in->eq;
  aiq_sim *sm = &r->sim[s];
  double *logb = sm->wage; /* scratch until wages are known */
  for (size_t i = 0; i < N; i++) {
    double lane[4], a = r->ability[i], lse[2];
    aiq_rng_uniform4(seed, AIQ_STREAM_HOUSEHOLDS, i, 0, lane);
    for (int e = 0; e < 2; e++) {
      double mx = -INFINITY, sum = 0.0;
      for (size_t k = 0; k < K; k++) {
        double z = al[2 * k + (size_t)e] + bt[2 * k + (size_t)e] * a;
        if (z > mx) mx = z;
      }
      for (size_t k = 0; k < K; k++)
        sum += exp(al[2 * k + (size_t)e] + bt[2 * k + (size_t)e] * a - mx);
      lse[e] = mx + log(sum);
    }
    double xe = (tau * (lse[1] - lse[0]) - c0 + kappa * a) / tau_e;
    double p1 = 1.0 / (1.0 + exp(-xe));
    int e = lane[1] < p1;
    size_t k = 0;
    double cum = 0.0;
    for (; k + 1 < K; k++) {
      cum += exp(al[2 * k + (size_t)e] + bt[2 * k + (size_t)e] * a - lse[e]);
      if (cum >= lane[2]) break;
    }
    size_t c = 2 * k + (size_t)e;
    double q = in->tech->c[k] * (a + be * e) + in->tech->d[k];
    double z = q + sz * aiq_norm_ppf(lane[3]);
    double qhat = eq->mu[c] + eq->r[c] * (z - eq->mu[c]);
    logb[i] = log(eq->p[k]) + qhat;
    sm->base_wage[i] = exp(logb[i]);
    sm->education[i] = e;
    sm->task[i] = (int32_t)k;
  }
  /* Sorting index into the income array (scratch), then ranks -> firms. */
  double mb, sdb;
  mean_sd(logb, N, &mb, &sdb);
  double rho = aiq_par(m, RHO_SORT), rc = sqrt(1.0 - rho * rho);
  double *sidx = sm->income;
  for (size_t i = 0; i < N; i++) {
    double lane[4];
    aiq_rng_uniform4(seed, AIQ_STREAM_HOUSEHOLDS, i, 1, lane);
    double std_b = sdb > 0.0 ? (logb[i] - mb) / sdb : 0.0;
    sidx[i] = rho * std_b + rc * aiq_norm_ppf(lane[0]);
  }
  int rcode = aiq_argsort_double(sidx, N, idx);
  if (rcode) return rcode;
  for (size_t rank = 0; rank < N; rank++)
    sm->firm[idx[rank]] = (int32_t)((uint64_t)rank * (uint64_t)J / (uint64_t)N);
  return AIINEQ_OK;
}

/* Firm scratch arrays, J each. */
typedef struct firm_work {
  double *phi, *assets, *va, *cnt, *mlogb, *mlogw, *X;
} firm_work;

/* Output, value added, rent-shared wages and the statistics of economy s.
 * own holds the normalised ownership shares. */
static int wages_and_incomes(aiineq_model *m, aiineq_result *r, int s, const econ_in *in,
                             firm_work *f, const double *own, double *gtask) {
  size_t N = r->N, K = r->K, J = r->J;
  double be = aiq_par(m, BETA_E), xi = aiq_par(m, XI);
  const aiq_eq *eq = in->eq;
  const aiq_tech *tech = in->tech;
  aiq_sim *sm = &r->sim[s];
  const double *logb = sm->wage;
  /* AI value per unit of assets in task k: A eta chi x_k p_k S_k / n_k. */
  for (size_t k = 0; k < K; k++)
    gtask[k] = eq->n[k] > 0.0 ? tech->A * in->rents * m->x[k] * eq->p[k] * eq->S[k] / eq->n[k]
                              : 0.0;
  for (size_t j = 0; j < J; j++) f->va[j] = f->cnt[j] = f->mlogb[j] = f->mlogw[j] = 0.0;
  for (size_t i = 0; i < N; i++) {
    size_t j = (size_t)sm->firm[i], k = (size_t)sm->task[i];
    double q = tech->c[k] * (r->ability[i] + be * sm->education[i]) + tech->d[k];
    f->va[j] += eq->p[k] * f->phi[j] * exp(q) + f->assets[j] * gtask[k];
    f->cnt[j] += 1.0;
    f->mlogb[j] += logb[i];
  }
  double va_total = 0.0;
  for (size_t j = 0; j < J; j++) va_total += f->va[j];
  if (s == AIINEQ_PRE) r->vbar0 = va_total / (double)N;
  double lvbar0 = log(r->vbar0);
  /* f->X column 1 holds log v_j, and rent factor (v_j/vbar0)^xi is applied in logs. */
  double *lv = f->X + J;
  for (size_t j = 0; j < J; j++) lv[j] = log(f->va[j] / f->cnt[j]);
  double wsum = 0.0, lw_e[2] = {0.0, 0.0}, n_e[2] = {0.0, 0.0};
  for (size_t i = 0; i < N; i++) {
    size_t j = (size_t)sm->firm[i];
    double lw = logb[i] + xi * (lv[j] - lvbar0);
    int e = sm->education[i];
    lw_e[e] += lw;
    n_e[e] += 1.0;
    f->mlogw[j] += lw;
    sm->wage[i] = exp(lw); /* overwrites log b_i, read above */
    wsum += sm->wage[i];
  }
  double profits = va_total - wsum;
  for (size_t i = 0; i < N; i++) {
    sm->capital_income[i] = own[i] * profits;
    sm->income[i] = sm->wage[i] + sm->capital_income[i];
  }
  sm->labour_share = wsum / va_total;
  sm->profits = profits / (double)N;
  sm->college_premium = lw_e[1] / n_e[1] - lw_e[0] / n_e[0];
  if (s == AIINEQ_PRE) { /* m5: firm mean log w on (1, log v_j, firm mean log b) */
    for (size_t j = 0; j < J; j++) {
      f->X[j] = 1.0;
      f->X[2 * J + j] = f->mlogb[j] / f->cnt[j];
      f->mlogw[j] /= f->cnt[j];
    }
    if (ols_slope(f->X, f->mlogw, J, &r->moment[4]))
      return aiq_fail(m->err, AIINEQ_ERR_NOMEM, "out of memory (moment m5, %zu firms)", J);
  }
  int rc = aiq_gini_plain(sm->wage, N, &sm->wage_gini);
  if (rc == AIINEQ_OK) rc = aiq_gini_plain(sm->income, N, &sm->gini);
  if (rc == AIINEQ_ERR_RANGE)
    return aiq_fail(m->err, rc,
                    "%s economy: a household income is negative (profits per household %g); "
                    "the Gini is defined for non-negative incomes",
                    s == AIINEQ_PRE ? "pre-AI" : "post-AI", sm->profits);
  if (rc)
    return aiq_fail(m->err, rc, "%s economy: Gini failed (%s)",
                    s == AIINEQ_PRE ? "pre-AI" : "post-AI", aiineq_strerror(rc));
  return AIINEQ_OK;
}

int aiq_simulate(aiineq_model *m, const aiq_tech tech[2], aiineq_result *r) {
  size_t N = r->N, J = r->J, K = r->K;
  int rc = sim_alloc(r);
  double *fbuf = aiq_malloc_array(J, 9 * sizeof *fbuf);
  double *gtask = aiq_malloc_array(K, sizeof *gtask);
  size_t *idx = aiq_malloc_array(N, sizeof *idx);
  aiq_choice ch[2] = {{0, NULL, NULL}, {0, NULL, NULL}};
  int held = (r->flags & AIINEQ_HOLD_BEHAVIOUR) != 0;
  if (rc == AIINEQ_OK && (!fbuf || !gtask || !idx)) rc = AIINEQ_ERR_NOMEM;
  if (rc == AIINEQ_OK) rc = aiq_choice_init(&ch[0], m, &tech[0], &r->eq[0]);
  if (rc == AIINEQ_OK && !held) rc = aiq_choice_init(&ch[1], m, &tech[1], &r->eq[1]);
  if (rc) {
    rc = aiq_fail(m->err, AIINEQ_ERR_NOMEM, "out of memory simulating %zu households", N);
  } else {
    firm_work f = {fbuf, fbuf + J, fbuf + 2 * J, fbuf + 3 * J, fbuf + 4 * J, fbuf + 5 * J,
                   fbuf + 6 * J};
    firms(m, J, f.phi, f.assets);
    /* Ownership shares live in the post economy's capital-income array until
     * that economy overwrites them with o_i * Pi (in place, same index). */
    double *own = r->sim[AIINEQ_POST].capital_income;
    households_common(m, r, own);
    double eta_chi = aiq_par(m, ETA) * aiq_par(m, CHI);
    for (int s = 0; s < 2 && rc == AIINEQ_OK; s++) {
      econ_in in = {&ch[s == AIINEQ_POST && held ? 0 : s], &tech[s], &r->eq[s],
                    s == AIINEQ_POST && (r->flags & AIINEQ_HOLD_ASSET_RENTS) ? 0.0 : eta_chi};
      rc = choices_and_matching(m, r, s, &in, idx);
      if (rc) {
        rc = aiq_fail(m->err, rc, "out of memory ranking %zu households", N);
        break;
      }
      rc = wages_and_incomes(m, r, s, &in, &f, own, gtask);
    }
    if (rc == AIINEQ_OK) r->moment[2] = r->sim[AIINEQ_PRE].college_premium;
    if (rc == AIINEQ_OK) r->moment[5] = r->sim[AIINEQ_POST].gini - r->sim[AIINEQ_PRE].gini;
  }
  aiq_choice_free(&ch[0]);
  aiq_choice_free(&ch[1]);
  aiq_free(fbuf);
  aiq_free(gtask);
  aiq_free(idx);
  return rc;
}
