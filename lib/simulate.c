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
 * Both economies are simulated side by side, so every draw is generated
 * and transformed once.
 *
 * Threads (par.h).  Household loops run in parallel with aiq_par_threads(m)
 * threads; every sum over households is cut into chunks that depend on N
 * only, and every scatter into firms (value added, firm means) runs serially
 * in household order, so results are bit-identical for any thread count.
 *
 * Memory.  Per household the result keeps ability (8 bytes, shared), and per
 * economy four doubles and three int32 (44 bytes): 96 bytes.  Besides those,
 * only the block ranks' counts (4 bytes) and the Gini buffers are
 * allocated; intermediate values live in result arrays that are not yet
 * final:
 *   post capital_income: eps_o, then the ownership share o_i, then o_i Pi
 *   pre income:          eps_s, then the pre sorting index, then income
 *   post income:         the post sorting index, then income
 *   wage (each economy): log b_i, then the wage
 * The firm arrays are allocated by the matching (whose block ranks need no
 * sort, rank.c) and the pre economy's capital income only after the Ginis
 * (a sorted copy, 8 bytes per household, and a bucket's scratch) have
 * returned their buffers, so the peak allocation is about 96 bytes per
 * household (80 + 8 + 8, during a Gini).
 */
#include <math.h>
#include <string.h>

#include "ineq_internal.h"
#include "lapack.h"
#include "numerics.h"
#include "par.h"
#include "rng.h"
#include "sim_internal.h"

void aiq_sim_free(aiineq_result *r) {
  for (int s = 0; s < 2; s++) {
    aiq_sim *sm = &r->sim[s];
    aiq_free(sm->base_wage);
    aiq_free(sm->capital_income);
    aiq_free(sm->education);
    aiq_free(sm->firm);
    sm->base_wage = sm->wage = sm->income = sm->capital_income = NULL;
    sm->education = sm->task = sm->firm = NULL;
  }
  aiq_free(r->ability);
  r->ability = NULL;
}

/* Arrays needed from the first pass on: ability; per economy base wage,
 * wage and income (one block) and education and task (one block); the post
 * economy's capital income (it holds eps_o and the ownership shares).  The
 * firm arrays and the pre economy's capital income are allocated when they
 * are first written, after the large temporary buffers are gone. */
static int sim_alloc(aiineq_result *r) {
  size_t N = r->N;
  r->ability = aiq_malloc_array(N, sizeof *r->ability);
  r->sim[AIINEQ_POST].capital_income = aiq_malloc_array(N, sizeof(double));
  if (!r->ability || !r->sim[AIINEQ_POST].capital_income) return AIINEQ_ERR_NOMEM;
  for (int s = 0; s < 2; s++) {
    aiq_sim *sm = &r->sim[s];
    sm->base_wage = aiq_malloc_array(N, 3 * sizeof(double));
    sm->education = aiq_malloc_array(N, 2 * sizeof(int32_t));
    if (!sm->base_wage || !sm->education) return AIINEQ_ERR_NOMEM;
    sm->wage = sm->base_wage + N;
    sm->income = sm->base_wage + 2 * N;
    sm->task = sm->education + N;
  }
  return AIINEQ_OK;
}

/* Thread number inside a parallel region (0 outside or in a serial build). */
static inline int thread_id(void) {
#ifdef _OPENMP
  return omp_get_thread_num();
#else
  return 0;
#endif
}

/* Mean and population standard deviation of x[0..n) (two passes), with the
 * fixed chunking of par.h so the bits do not depend on nt. */
static void mean_sd(const double *x, size_t n, int nt, double *mean, double *sd) {
  double mu = aiq_par_sum(x, n, nt) / (double)n;
  size_t nc = aiq_par_nchunks(n);
  double part[AIQ_PAR_MAXCHUNKS];
#pragma omp parallel for num_threads(nt) schedule(static) if (nc > 1 && nt > 1)
  for (size_t c = 0; c < nc; c++) {
    double ss = 0.0;
    for (size_t i = aiq_par_lo(n, nc, c), hi = aiq_par_lo(n, nc, c + 1); i < hi; i++)
      ss += (x[i] - mu) * (x[i] - mu);
    part[c] = ss;
  }
  double ss = 0.0;
  for (size_t c = 0; c < nc; c++) ss += part[c];
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

/* Slope on column 1 of the OLS of y on the n x 3 design X (column-major),
 * by LAPACK's QR least squares, into *slope; NaN when n < 3 or X is rank
 * deficient.  Returns AIINEQ_OK or AIINEQ_ERR_NOMEM. */
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
  double *log_p;            /* K: log p_k */
  double tau, c0, kappa, inv_tau_e; /* choice parameters */
} econ_in;

/* Education and task of a household of ability a in one economy, from the
 * uniforms u_e, u_k (MODEL.md section 3, steps 2-3).  t (2K) is scratch.
 * The task is the first k whose cumulative probability reaches u_k
 * (compared unnormalised: cumulative weight >= u_k times the total). */
static void choose(const econ_in *in, size_t K, double *restrict t, double a, double u_e,
                   double u_k, int *e_out, size_t *k_out) {
  const double *restrict al = in->choice->alpha, *restrict bt = in->choice->beta;
  double mx0 = -INFINITY, mx1 = -INFINITY, s0 = 0.0, s1 = 0.0;
  for (size_t k = 0; k < K; k++) {
    double z0 = al[2 * k] + bt[2 * k] * a, z1 = al[2 * k + 1] + bt[2 * k + 1] * a;
    t[2 * k] = z0;
    t[2 * k + 1] = z1;
    mx0 = z0 > mx0 ? z0 : mx0;
    mx1 = z1 > mx1 ? z1 : mx1;
  }
  for (size_t k = 0; k < K; k++) {
    double w0 = exp(t[2 * k] - mx0), w1 = exp(t[2 * k + 1] - mx1);
    t[2 * k] = w0;
    t[2 * k + 1] = w1;
    s0 += w0;
    s1 += w1;
  }
  /* I_1 - I_0 = tau (mx_1 - mx_0 + log(s_1 / s_0)) */
  double xe = (in->tau * (mx1 - mx0 + log(s1 / s0)) - in->c0 + in->kappa * a) * in->inv_tau_e;
  int e = u_e < 1.0 / (1.0 + exp(-xe));
  double target = u_k * (e ? s1 : s0), cum = 0.0;
  size_t k = 0;
  for (; k + 1 < K; k++) {
    cum += t[2 * k + (size_t)e];
    if (cum >= target) break;
  }
  *e_out = e;
  *k_out = k;
}

/* Doubles between two threads' choice scratch: 2K rounded up to whole
 * 64-byte cache lines plus one line of padding, so that no two threads ever
 * write the same cache line (false sharing made two threads slower than
 * one). */
static inline size_t scratch_stride(size_t K) { return ((2 * K + 7) / 8 + 1) * 8; }

/* Pass over households: draws, ability, raw ownership normal, and both
 * economies' choices and log base wages.  scratch holds 2K doubles per
 * thread. */
static void draw_households(const aiineq_model *m, aiineq_result *r, const econ_in in[2],
                            double *scratch, int nt) {
  (void)nt; /* only read by OpenMP */
  size_t N = r->N, K = r->K;
  uint64_t seed = (uint64_t)aiq_ipar(m, SEED);
  double sa = aiq_par(m, SIGMA_A), be = aiq_par(m, BETA_E), sz = aiq_par(m, SIGMA_Z);
  double *eps_o = r->sim[AIINEQ_POST].capital_income, *eps_s = r->sim[AIINEQ_PRE].income;
#pragma omp parallel num_threads(nt) if (nt > 1 && N > AIQ_PAR_GRAIN)
  {
    double *t = scratch + (size_t)thread_id() * scratch_stride(K);
#pragma omp for schedule(static)
    for (size_t i = 0; i < N; i++) {
      double u0[4], u1[4];
      aiq_rng_uniform4(seed, AIQ_STREAM_HOUSEHOLDS, i, 0, u0);
      aiq_rng_uniform4(seed, AIQ_STREAM_HOUSEHOLDS, i, 1, u1);
      double a = sa * aiq_norm_ppf(u0[0]), ez = aiq_norm_ppf(u0[3]);
      r->ability[i] = a;
      eps_s[i] = aiq_norm_ppf(u1[0]);
      eps_o[i] = aiq_norm_ppf(u1[1]);
      for (int s = 0; s < 2; s++) {
        const econ_in *ei = &in[s];
        aiq_sim *sm = &r->sim[s];
        int e;
        size_t k;
        choose(ei, K, t, a, u0[1], u0[2], &e, &k);
        size_t c = 2 * k + (size_t)e;
        double q = ei->tech->c[k] * (a + be * e) + ei->tech->d[k];
        double z = q + sz * ez;
        double lb = ei->log_p[k] + ei->eq->mu[c] + ei->eq->r[c] * (z - ei->eq->mu[c]);
        sm->wage[i] = lb; /* log b until wages are known */
        sm->base_wage[i] = exp(lb);
        sm->education[i] = e;
        sm->task[i] = (int32_t)k;
      }
    }
  }
}

/* Ownership shares o_i (normalised) in place of eps_o. */
static void ownership(const aiineq_model *m, aiineq_result *r, double *own, int nt) {
  size_t N = r->N;
  double ma, sda;
  mean_sd(r->ability, N, nt, &ma, &sda);
  double top10 = aiq_par(m, TOP10), rho = aiq_par(m, RHO_OWN);
  double sigma_o = aiq_norm_ppf(0.9) - aiq_norm_ppf(1.0 - top10);
  double rc = sqrt(1.0 - rho * rho);
#pragma omp parallel for num_threads(nt) schedule(static) if (nt > 1 && N > AIQ_PAR_GRAIN)
  for (size_t i = 0; i < N; i++) {
    double za = sda > 0.0 ? (r->ability[i] - ma) / sda : 0.0;
    own[i] = exp(sigma_o * (rho * za + rc * own[i]));
  }
  double total = aiq_par_sum(own, N, nt);
#pragma omp parallel for num_threads(nt) schedule(static) if (nt > 1 && N > AIQ_PAR_GRAIN)
  for (size_t i = 0; i < N; i++) own[i] /= total;
}

/* Sorting indices of both economies, then ranks -> firms (equal blocks in
 * productivity order): firm = floor(rank J / N), from aiq_rank_blocks
 * (rank.c), the blocks of the stable argsort without sorting. */
static int matching(const aiineq_model *m, aiineq_result *r, int nt) {
  size_t N = r->N, J = r->J;
  double rho = aiq_par(m, RHO_SORT), rc = sqrt(1.0 - rho * rho);
  double *eps_s = r->sim[AIINEQ_PRE].income;
  for (int s = 1; s >= 0; s--) { /* post first: the pre index overwrites eps_s */
    aiq_sim *sm = &r->sim[s];
    double mb, sdb;
    mean_sd(sm->wage, N, nt, &mb, &sdb);
#pragma omp parallel for num_threads(nt) schedule(static) if (nt > 1 && N > AIQ_PAR_GRAIN)
    for (size_t i = 0; i < N; i++) {
      double std_b = sdb > 0.0 ? (sm->wage[i] - mb) / sdb : 0.0;
      sm->income[i] = rho * std_b + rc * eps_s[i];
    }
  }
  for (int s = 0; s < 2; s++) {
    aiq_sim *sm = &r->sim[s];
    sm->firm = aiq_malloc_array(N, sizeof *sm->firm);
    if (!sm->firm) return AIINEQ_ERR_NOMEM;
    int rcode = aiq_rank_blocks(sm->income, N, J, sm->firm, nt);
    if (rcode) return rcode;
  }
  return AIINEQ_OK;
}

/* Firm scratch arrays, J each. */
typedef struct firm_work {
  double *phi, *assets, *va, *cnt, *mlogb, *mlogw, *X, *factor;
} firm_work;

/* Output, value added, rent-shared wages, incomes and the statistics of
 * economy s (capital income is written later, see aiq_simulate). */
static int wages_and_incomes(aiineq_model *m, aiineq_result *r, int s, const econ_in *in,
                             firm_work *f, const double *own, double *gtask, int nt) {
  size_t N = r->N, K = r->K, J = r->J;
  double be = aiq_par(m, BETA_E), xi = aiq_par(m, XI);
  const aiq_eq *eq = in->eq;
  const aiq_tech *tech = in->tech;
  aiq_sim *sm = &r->sim[s];
  double *logb = sm->wage, *vadd = sm->income; /* income: scratch for y_i + g_i */
  const double *phi = f->phi, *assets = f->assets;
  const int32_t *firm = sm->firm, *task = sm->task, *edu = sm->education;
  /* AI value per unit of assets in task k: A eta chi x_k p_k S_k / n_k. */
  for (size_t k = 0; k < K; k++)
    gtask[k] = eq->n[k] > 0.0 ? tech->A * in->rents * m->x[k] * eq->p[k] * eq->S[k] / eq->n[k]
                              : 0.0;
#pragma omp parallel for num_threads(nt) schedule(static) if (nt > 1 && N > AIQ_PAR_GRAIN)
  for (size_t i = 0; i < N; i++) {
    size_t j = (size_t)firm[i], k = (size_t)task[i];
    double q = tech->c[k] * (r->ability[i] + be * edu[i]) + tech->d[k];
    vadd[i] = eq->p[k] * phi[j] * exp(q) + assets[j] * gtask[k];
  }
  /* Scatter into firms serially, in household order. */
  for (size_t j = 0; j < J; j++) f->va[j] = f->cnt[j] = f->mlogb[j] = f->mlogw[j] = 0.0;
  for (size_t i = 0; i < N; i++) {
    size_t j = (size_t)firm[i];
    f->va[j] += vadd[i];
    f->cnt[j] += 1.0;
    f->mlogb[j] += logb[i];
  }
  double va_total = 0.0;
  for (size_t j = 0; j < J; j++) va_total += f->va[j];
  if (s == AIINEQ_PRE) r->vbar0 = va_total / (double)N;
  double lvbar0 = log(r->vbar0);
  /* Column 1 of the m5 design holds log v_j; the rent factor is
   * (v_j / vbar0)^xi, its log xi (log v_j - log vbar0). */
  double *lv = f->X + J;
  for (size_t j = 0; j < J; j++) {
    lv[j] = log(f->va[j] / f->cnt[j]);
    f->factor[j] = exp(xi * (lv[j] - lvbar0));
  }
  double lw_e[2] = {0.0, 0.0}, n_e[2] = {0.0, 0.0};
  for (size_t i = 0; i < N; i++) { /* log wages: by education and by firm */
    size_t j = (size_t)firm[i];
    double lw = logb[i] + xi * (lv[j] - lvbar0);
    lw_e[edu[i]] += lw;
    n_e[edu[i]] += 1.0;
    f->mlogw[j] += lw;
  }
  const double *factor = f->factor;
  double *wage = sm->wage, *income = sm->income;
  const double *base = sm->base_wage;
#pragma omp parallel for num_threads(nt) schedule(static) if (nt > 1 && N > AIQ_PAR_GRAIN)
  for (size_t i = 0; i < N; i++) wage[i] = base[i] * factor[firm[i]]; /* overwrites log b */
  double wsum = aiq_par_sum(wage, N, nt);
  double profits = va_total - wsum;
#pragma omp parallel for num_threads(nt) schedule(static) if (nt > 1 && N > AIQ_PAR_GRAIN)
  for (size_t i = 0; i < N; i++) income[i] = wage[i] + own[i] * profits;
  sm->labour_share = wsum / va_total;
  sm->pi_total = profits;
  sm->profits = profits / (double)N;
  sm->college_premium =
      n_e[0] > 0.0 && n_e[1] > 0.0 ? lw_e[1] / n_e[1] - lw_e[0] / n_e[0] : NAN;
  if (s == AIINEQ_PRE) { /* m5: firm mean log w on (1, log v_j, firm mean log b) */
    for (size_t j = 0; j < J; j++) {
      f->X[j] = 1.0;
      f->X[2 * J + j] = f->mlogb[j] / f->cnt[j];
      f->mlogw[j] /= f->cnt[j];
    }
    if (ols_slope(f->X, f->mlogw, J, &r->moment[4]))
      return aiq_fail(m->err, AIINEQ_ERR_NOMEM, "out of memory in the firm regression (m5)");
  }
  int rc = aiq_gini_plain_nt(sm->wage, N, &sm->wage_gini, nt);
  if (rc == AIINEQ_OK) rc = aiq_gini_plain_nt(sm->income, N, &sm->gini, nt);
  const char *name = s == AIINEQ_PRE ? "pre-AI" : "post-AI";
  if (rc == AIINEQ_ERR_RANGE)
    return aiq_fail(m->err, rc,
                    "%s economy: a household income is negative (profits per household %g); "
                    "the Gini is defined for non-negative incomes",
                    name, sm->profits);
  if (rc == AIINEQ_ERR_NOMEM)
    return aiq_fail(m->err, rc, "out of memory computing the Gini of %zu incomes", N);
  if (rc)
    return aiq_fail(m->err, rc, "%s economy: Gini failed (%s)", name, aiineq_strerror(rc));
  return AIINEQ_OK;
}

int aiq_simulate(aiineq_model *m, const aiq_tech tech[2], aiineq_result *r) {
  size_t N = r->N, J = r->J, K = r->K;
  int nt = aiq_par_threads(m);
  int rc = sim_alloc(r);
  double *fbuf = aiq_malloc_array(J, 10 * sizeof *fbuf);
  double *kbuf = aiq_malloc_array(K, 3 * sizeof *kbuf);
  double *scratch = aiq_malloc_array((size_t)nt * scratch_stride(K), sizeof *scratch);
  aiq_choice ch[2] = {{0, NULL, NULL}, {0, NULL, NULL}};
  int held = (r->flags & AIINEQ_HOLD_BEHAVIOUR) != 0;
  if (rc == AIINEQ_OK && (!fbuf || !kbuf || !scratch)) rc = AIINEQ_ERR_NOMEM;
  if (rc == AIINEQ_OK) rc = aiq_choice_init(&ch[0], m, &tech[0], &r->eq[0]);
  if (rc == AIINEQ_OK && !held) rc = aiq_choice_init(&ch[1], m, &tech[1], &r->eq[1]);
  if (rc) {
    rc = aiq_fail(m->err, AIINEQ_ERR_NOMEM, "out of memory simulating %zu households", N);
    goto done;
  }
  double eta_chi = aiq_par(m, ETA) * aiq_par(m, CHI);
  econ_in in[2];
  for (int s = 0; s < 2; s++) {
    in[s].choice = &ch[s == AIINEQ_POST && held ? 0 : s];
    in[s].tech = &tech[s];
    in[s].eq = &r->eq[s];
    in[s].rents = s == AIINEQ_POST && (r->flags & AIINEQ_HOLD_ASSET_RENTS) ? 0.0 : eta_chi;
    in[s].log_p = kbuf + (size_t)s * K;
    in[s].tau = aiq_par(m, TAU);
    in[s].c0 = aiq_par(m, C0);
    in[s].kappa = aiq_par(m, KAPPA);
    in[s].inv_tau_e = 1.0 / aiq_par(m, TAU_E);
    for (size_t k = 0; k < K; k++) in[s].log_p[k] = log(r->eq[s].p[k]);
  }
  double *gtask = kbuf + 2 * K;
  double *own = r->sim[AIINEQ_POST].capital_income;
  draw_households(m, r, in, scratch, nt);
  ownership(m, r, own, nt);
  rc = matching(m, r, nt);
  if (rc) {
    rc = aiq_fail(m->err, rc, "out of memory ranking %zu households", N);
    goto done;
  }
  firm_work f = {fbuf,         fbuf + J,     fbuf + 2 * J, fbuf + 3 * J,
                 fbuf + 4 * J, fbuf + 5 * J, fbuf + 6 * J, fbuf + 9 * J};
  firms(m, J, f.phi, f.assets);
  for (int s = 0; s < 2 && rc == AIINEQ_OK; s++)
    rc = wages_and_incomes(m, r, s, &in[s], &f, own, gtask, nt);
  if (rc) goto done;
  /* Capital income o_i Pi: the pre economy first, then the post economy in
   * place of o_i.  The products are those added into the incomes. */
  r->sim[AIINEQ_PRE].capital_income = aiq_malloc_array(N, sizeof(double));
  if (!r->sim[AIINEQ_PRE].capital_income) {
    rc = aiq_fail(m->err, AIINEQ_ERR_NOMEM, "out of memory simulating %zu households", N);
    goto done;
  }
  double *cap0 = r->sim[AIINEQ_PRE].capital_income;
  double pi0 = r->sim[AIINEQ_PRE].pi_total, pi1 = r->sim[AIINEQ_POST].pi_total;
#pragma omp parallel for num_threads(nt) schedule(static) if (nt > 1 && N > AIQ_PAR_GRAIN)
  for (size_t i = 0; i < N; i++) {
    cap0[i] = own[i] * pi0;
    own[i] *= pi1;
  }
  r->moment[2] = r->sim[AIINEQ_PRE].college_premium;
  r->moment[5] = r->sim[AIINEQ_POST].gini - r->sim[AIINEQ_PRE].gini;
done:
  aiq_choice_free(&ch[0]);
  aiq_choice_free(&ch[1]);
  aiq_free(fbuf);
  aiq_free(kbuf);
  aiq_free(scratch);
  return rc;
}
