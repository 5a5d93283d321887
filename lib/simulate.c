/*
 * simulate.c -- households and firms (MODEL.md section 3) with common random
 * numbers.
 *
 * Draws.  Every draw is a pure function of (seed, stream, index, block, lane)
 * through the Philox generator of rng.h (key = (seed, stream), counter =
 * (index, block)); normals are PhiInv of uniforms (AS241), so a draw never
 * depends on another one.  The households' six uniforms come from draws.h
 * (which words feed which draw is documented there); the firms' zeta_j is
 * lane 0 of block 0 of index j in stream AIQ_STREAM_FIRMS.
 * Both economies read the same draws, so they differ only through the
 * equilibrium.
 *
 * Both economies are simulated side by side, so every draw is generated
 * and transformed once.
 *
 * Blocks.  The household pass works on blocks of block_size(K) households
 * (256 at small K), fixed by the household index: the draws of a block go
 * into small arrays, then per economy the 2K logits of every household of
 * the block are laid out option-major so that the maxima, exponentials
 * (SLEEF through vmath.h), cumulative sums and inclusive values are loops
 * over households, and the task is a binary search on the cumulative
 * weights (O(log K) per household; the same task as a scan from k = 0).
 * Every exponential and logarithm of a per-household value goes through
 * vmath.h, whose result for a value does not depend on the values around it.
 *
 * Threads (par.h).  Household loops run in parallel with aiq_par_threads(m)
 * threads; every sum over households is cut into chunks that depend on N
 * only, and every scatter into firms (value added, firm means) runs serially
 * in household order, so results are bit-identical for any thread count.
 *
 * Memory.  Per household the result keeps ability (8 bytes, shared), and per
 * economy four doubles and three int32 (44 bytes): 96 bytes.  Besides those,
 * only the block ranks' counts (4 bytes) and a bucket sort's scratch are
 * allocated; intermediate values live in result arrays that are not yet
 * final:
 *   post capital_income: eps_o, then exp(.) (the unnormalised ownership
 *                        share), then o_i (in the pre income pass), then
 *                        o_i Pi
 *   pre capital_income:  the four Ginis' sorted copy, then o_i Pi
 *   pre income:          eps_s, then the pre sorting index, then income
 *   post income:         the post sorting index, then income
 *   wage (each economy): log b_i, then the wage
 * All of them are one block, allocated up front (sim_alloc); the Ginis use
 * the pre economy's capital income as their sorted copy, and the block
 * ranks need no sort (rank.c), so the peak allocation is about 100 bytes
 * per household (96, plus the block ranks' counts or a bucket's scratch).
 * Each thread has a block scratch of (2K + 9) * block_size(K) doubles
 * (38 KiB at K = 5, at most about 0.5 MiB at any K).
 */
#include <math.h>
#include <string.h>

#include "draws.h"
#include "ineq_internal.h"
#include "lapack.h"
#include "numerics.h"
#include "par.h"
#include "rng.h"
#include "sim_internal.h"
#include "vmath.h"

void aiq_sim_free(aiineq_result *r) {
  aiq_free(r->ability); /* the household block (sim_alloc) */
  r->ability = NULL;
  for (int s = 0; s < 2; s++) {
    aiq_sim *sm = &r->sim[s];
    sm->base_wage = sm->wage = sm->income = sm->capital_income = NULL;
    sm->education = sm->task = sm->firm = NULL;
  }
}

/* Every household array of the result in one block of 96 bytes per
 * household, allocated up front: ability, both capital incomes, per
 * economy base wage, wage and income (9 doubles), then per economy
 * education, task and firm (6 int32).  One block instead of ten: glibc
 * raises its mmap threshold to the size of a freed mmap'ed block (up to
 * 32 MiB), so from the second solve on the block comes from its heap,
 * which it keeps, and is not faulted in afresh each time (docs/design.md,
 * "Memory"; 4330 -> 21 page faults per default solve).  The peak grows by
 * at most the block ranks' counts (4 bytes per household): the firms and
 * the pre capital income, formerly allocated after the matching, are
 * live during it now. */
static int sim_alloc(aiineq_result *r) {
  size_t N = r->N;
  double *d = aiq_malloc_array(N, 96);
  if (!d) return AIINEQ_ERR_NOMEM;
  int32_t *iv = (int32_t *)(d + 9 * N);
  r->ability = d;
  r->sim[AIINEQ_POST].capital_income = d + N;
  r->sim[AIINEQ_PRE].capital_income = d + 2 * N;
  for (int s = 0; s < 2; s++) {
    aiq_sim *sm = &r->sim[s];
    sm->base_wage = d + (3 + 3 * (size_t)s) * N;
    sm->wage = sm->base_wage + N;
    sm->income = sm->base_wage + 2 * N;
    sm->education = iv + 3 * (size_t)s * N;
    sm->task = sm->education + N;
    sm->firm = sm->education + 2 * N;
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

/* Loops over the households of a block: vectorised (no reductions, so
 * the same operations on each value, the same bits) even where GCC's -O2
 * cost model would not.  OPENMP=0 builds keep them through -fopenmp-simd. */
#define AIQ_SIMD _Pragma("omp simd")

#if defined(__GNUC__)
#define AIQ_ALWAYS_INLINE __attribute__((always_inline))
#else
#define AIQ_ALWAYS_INLINE
#endif

/* Households per block of the household pass: 256, fewer when K is large
 * so that a block's 2K logits per household (2K * B doubles) stay within
 * 512 KiB, in the per-core L2 cache.  Depends on K only, so the blocks (and
 * with them every value) are the same for any thread count. */
static size_t block_size(size_t K) {
  size_t B = 256;
  while (B > 8 && 2 * K * B > 65536) B /= 2;
  return B;
}

/* Doubles of one thread's block scratch: 2K * B logits, the block's
 * six uniforms (AIQ_NDRAWS B, four of them turned into normals in place)
 * and three more arrays of B,
 * rounded up to whole 64-byte cache lines plus one line of padding, so
 * that no two threads ever write the same cache line (false sharing made
 * two threads slower than one). */
static size_t scratch_stride(size_t K) {
  size_t n = (2 * K + AIQ_NDRAWS + 3) * block_size(K);
  return ((n + 7) / 8 + 1) * 8;
}

/* Education and task of households i < nb of a block in one economy
 * (MODEL.md section 3, steps 2-3), every probability evaluated at the
 * household's own ability a[i].  w holds 2K * nb doubles laid out
 * option-major, w[c * nb + i] for option c = 2k + e, so that every step is
 * a loop over households (vectorised) and the exponentials go through a
 * vmath.h kernel nb at a time.  mx0, mx1, t: nb doubles of scratch.  The
 * weights become cumulative sums over k in place (w[(2k + e) nb + i] = the
 * sum of household i's weights of tasks 0..k with education e, added in the
 * order k = 0, 1, ...) and the task is the first k whose cumulative weight
 * reaches u_k times the total (aiq_first_reaching_block: binary search). */
#define CHOOSE_PARAMS                                                                      \
  const econ_in *in, size_t K, size_t nb, const double *restrict a,                        \
      const double *restrict u_e, const double *restrict u_k, double *restrict w,          \
      double *restrict mx0, double *restrict mx1, double *restrict t,                      \
      int32_t *restrict e_out, int32_t *restrict k_out
#define CHOOSE_ARGS in, K, nb, a, u_e, u_k, w, mx0, mx1, t, e_out, k_out
AIQ_ALWAYS_INLINE static inline void choose_block_body(void (*vexp)(const double *, double *,
                                                                     size_t),
                                                        CHOOSE_PARAMS) {
  const double *restrict al = in->choice->alpha, *restrict bt = in->choice->beta;
  /* The logits' maxima first, without storing the logits (a block's are
   * up to 512 KiB, in L2); then option by option, while its nb values are
   * in L1, the logit again (the same operations, the same bits) minus the
   * maximum, the exponential and the cumulative sum: w is written once. */
  AIQ_SIMD
  for (size_t i = 0; i < nb; i++) mx0[i] = mx1[i] = -INFINITY;
  for (size_t k = 0; k < K; k++) {
    double al0 = al[2 * k], bt0 = bt[2 * k], al1 = al[2 * k + 1], bt1 = bt[2 * k + 1];
    AIQ_SIMD
    for (size_t i = 0; i < nb; i++) {
      double z0 = al0 + bt0 * a[i], z1 = al1 + bt1 * a[i];
      mx0[i] = z0 > mx0[i] ? z0 : mx0[i];
      mx1[i] = z1 > mx1[i] ? z1 : mx1[i];
    }
  }
  for (size_t c = 0; c < 2 * K; c++) {
    double *restrict wc = w + c * nb;
    double alc = al[c], btc = bt[c];
    const double *restrict mx = c % 2 ? mx1 : mx0;
    AIQ_SIMD
    for (size_t i = 0; i < nb; i++) wc[i] = (alc + btc * a[i]) - mx[i];
    vexp(wc, wc, nb);
    if (c < 2) continue;
    const double *restrict wp = wc - 2 * nb;
    AIQ_SIMD
    for (size_t i = 0; i < nb; i++) wc[i] += wp[i];
  }
  const double *restrict s0 = w + 2 * (K - 1) * nb, *restrict s1 = s0 + nb;
  AIQ_SIMD
  for (size_t i = 0; i < nb; i++) t[i] = s1[i] / s0[i];
  aiq_vlog(t, t, nb);
  /* I_1 - I_0 = tau (mx_1 - mx_0 + log(s_1 / s_0)); t becomes exp(-x_e) */
  AIQ_SIMD
  for (size_t i = 0; i < nb; i++)
    t[i] = -((in->tau * (mx1[i] - mx0[i] + t[i]) - in->c0 + in->kappa * a[i]) * in->inv_tau_e);
  aiq_vexp(t, t, nb);
  AIQ_SIMD
  for (size_t i = 0; i < nb; i++) { /* education, then t becomes the task's target */
    int e = u_e[i] < 1.0 / (1.0 + t[i]);
    e_out[i] = e;
    t[i] = u_k[i] * (e ? s1[i] : s0[i]);
  }
  aiq_first_reaching_block(w, nb, K, e_out, t, k_out);
}

/* choose_block_body compiled for the baseline and, on x86-64, for AVX2 and
 * AVX-512 (wider vectors for its loops over households), picked at run
 * time with vmath.h's choice, each build calling that choice's exp kernel
 * directly.  Its own arithmetic is additions, multiplications, divisions
 * and comparisons of doubles (contraction is off), so every build gives the
 * same bits. */
static void choose_block_base(CHOOSE_PARAMS) { choose_block_body(aiq_vexp, CHOOSE_ARGS); }
#if defined(__x86_64__) && defined(__GNUC__)
__attribute__((target("avx2"))) static void choose_block_avx2(CHOOSE_PARAMS) {
  choose_block_body(aiq_vexp_avx2, CHOOSE_ARGS);
}
__attribute__((target("avx512f"))) static void choose_block_avx512(CHOOSE_PARAMS) {
  choose_block_body(aiq_vexp_avx512, CHOOSE_ARGS);
}
#endif

static void choose_block(aiq_vmath_isa isa, CHOOSE_PARAMS) {
#if defined(__x86_64__) && defined(__GNUC__)
  if (isa == AIQ_VMATH_AVX512) {
    choose_block_avx512(CHOOSE_ARGS);
    return;
  }
  if (isa == AIQ_VMATH_AVX2) {
    choose_block_avx2(CHOOSE_ARGS);
    return;
  }
#endif
  (void)isa;
  choose_block_base(CHOOSE_ARGS);
}

/* Pass over households: draws, ability, raw ownership normal, and both
 * economies' choices and log base wages, in blocks of block_size(K)
 * households (blocks fixed by the household index).  scratch holds
 * scratch_stride(K) doubles per thread. */
static void draw_households(const aiineq_model *m, aiineq_result *r, const econ_in in[2],
                            double *scratch, int nt) {
  (void)nt; /* only read by OpenMP */
  size_t N = r->N, K = r->K, B = block_size(K), nblk = (N + B - 1) / B;
  uint64_t seed = (uint64_t)aiq_ipar(m, SEED);
  double sa = aiq_par(m, SIGMA_A), be = aiq_par(m, BETA_E), sz = aiq_par(m, SIGMA_Z);
  double *eps_o = r->sim[AIINEQ_POST].capital_income, *eps_s = r->sim[AIINEQ_PRE].income;
  aiq_vmath_isa isa = aiq_vmath_best();
#pragma omp parallel num_threads(nt) if (nt > 1 && N > AIQ_PAR_GRAIN)
  {
    double *w = scratch + (size_t)thread_id() * scratch_stride(K);
    double *u = w + 2 * K * B, *mx0 = u + AIQ_NDRAWS * B, *mx1 = mx0 + B, *t = mx1 + B;
#pragma omp for schedule(static)
    for (size_t b = 0; b < nblk; b++) {
      size_t i0 = b * B, nb = N - i0 < B ? N - i0 : B;
      double *a = r->ability + i0, *nrm = u, *ez = u + AIQ_DRAW_Z * nb;
      const double *u_e = u + AIQ_DRAW_E * nb, *u_k = u + AIQ_DRAW_K * nb;
      aiq_household_uniforms(seed, i0, nb, u);
      aiq_norm_ppf_n(nrm, nrm, 4 * nb); /* rows A, Z, S, O become normals */
      for (size_t i = 0; i < nb; i++) {
        a[i] = sa * nrm[i];
        eps_s[i0 + i] = nrm[AIQ_DRAW_S * nb + i];
        eps_o[i0 + i] = nrm[AIQ_DRAW_O * nb + i];
      }
      for (int s = 0; s < 2; s++) {
        const econ_in *ei = &in[s];
        aiq_sim *sm = &r->sim[s];
        int32_t *edu = sm->education + i0, *task = sm->task + i0;
        double *lb = sm->wage + i0; /* log b until wages are known */
        choose_block(isa, ei, K, nb, a, u_e, u_k, w, mx0, mx1, t, edu, task);
        for (size_t i = 0; i < nb; i++) {
          size_t k = (size_t)task[i], c = 2 * k + (size_t)edu[i];
          double q = ei->tech->c[k] * (a[i] + be * edu[i]) + ei->tech->d[k];
          double z = q + sz * ez[i];
          lb[i] = ei->log_p[k] + ei->eq->mu[c] + ei->eq->r[c] * (z - ei->eq->mu[c]);
        }
        aiq_vexp(lb, sm->base_wage + i0, nb);
      }
    }
  }
}

/* Households per call of aiq_vexp in the loops that exponentiate one value
 * per household (a value's exponential does not depend on the block; the
 * blocks only keep the arguments in L1 between the two passes). */
#define EXP_BLOCK 1024

/* Unnormalised ownership shares exp(.) in place of eps_o; returns their
 * total (aiq_par_sum's chunks and order, summed as each chunk is
 * exponentiated).  The pre economy's income pass divides by it. */
static double ownership(const aiineq_model *m, aiineq_result *r, double *own, int nt) {
  size_t N = r->N;
  double ma, sda;
  mean_sd(r->ability, N, nt, &ma, &sda);
  double top10 = aiq_par(m, TOP10), rho = aiq_par(m, RHO_OWN);
  double sigma_o = aiq_norm_ppf(0.9) - aiq_norm_ppf(1.0 - top10);
  double rc = sqrt(1.0 - rho * rho);
  size_t nc = aiq_par_nchunks(N);
  double part[AIQ_PAR_MAXCHUNKS];
#pragma omp parallel for num_threads(nt) schedule(static) if (nt > 1 && N > AIQ_PAR_GRAIN)
  for (size_t c = 0; c < nc; c++) {
    double sum = 0.0;
    for (size_t lo = aiq_par_lo(N, nc, c), end = aiq_par_lo(N, nc, c + 1); lo < end;
         lo += EXP_BLOCK) {
      size_t hi = end - lo < EXP_BLOCK ? end : lo + EXP_BLOCK;
      for (size_t i = lo; i < hi; i++) {
        double za = sda > 0.0 ? (r->ability[i] - ma) / sda : 0.0;
        own[i] = sigma_o * (rho * za + rc * own[i]);
      }
      aiq_vexp(own + lo, own + lo, hi - lo);
      for (size_t i = lo; i < hi; i++) sum += own[i];
    }
    part[c] = sum;
  }
  double total = 0.0;
  for (size_t c = 0; c < nc; c++) total += part[c];
  return total;
}

/* Sorting indices of both economies, then ranks -> firms (equal blocks in
 * productivity order): firm = floor(rank J / N), from aiq_rank_blocks
 * (rank.c), the blocks of the stable argsort without sorting. */
static int matching(const aiineq_model *m, aiineq_result *r, int nt) {
  size_t N = r->N, J = r->J;
  double rho = aiq_par(m, RHO_SORT), rc = sqrt(1.0 - rho * rho);
  double *eps_s = r->sim[AIINEQ_PRE].income;
  double range[2][2]; /* per economy the index's smallest and largest value */
  size_t nc = aiq_par_nchunks(N);
  double part[AIQ_PAR_MAXCHUNKS][2];
  for (int s = 1; s >= 0; s--) { /* post first: the pre index overwrites eps_s */
    aiq_sim *sm = &r->sim[s];
    double mb, sdb;
    mean_sd(sm->wage, N, nt, &mb, &sdb);
    /* The index and its range (for the block ranks: no range pass). */
#pragma omp parallel for num_threads(nt) schedule(static) if (nt > 1 && N > AIQ_PAR_GRAIN)
    for (size_t c = 0; c < nc; c++) {
      double lo = INFINITY, hi = -INFINITY;
      for (size_t i = aiq_par_lo(N, nc, c), e = aiq_par_lo(N, nc, c + 1); i < e; i++) {
        double std_b = sdb > 0.0 ? (sm->wage[i] - mb) / sdb : 0.0;
        double v = rho * std_b + rc * eps_s[i];
        sm->income[i] = v;
        lo = v < lo ? v : lo;
        hi = v > hi ? v : hi;
      }
      part[c][0] = lo;
      part[c][1] = hi;
    }
    range[s][0] = part[0][0];
    range[s][1] = part[0][1];
    for (size_t c = 1; c < nc; c++) {
      range[s][0] = part[c][0] < range[s][0] ? part[c][0] : range[s][0];
      range[s][1] = part[c][1] > range[s][1] ? part[c][1] : range[s][1];
    }
  }
  for (int s = 0; s < 2; s++) {
    aiq_sim *sm = &r->sim[s];
    int rcode = aiq_rank_blocks_range(sm->income, N, J, sm->firm, nt, range[s][0], range[s][1]);
    if (rcode) return rcode;
  }
  return AIINEQ_OK;
}

/* Firm scratch arrays, J each. */
typedef struct firm_work {
  double *phi, *assets, *va, *cnt, *mlogb, *mlogw, *X, *factor;
} firm_work;

/* Value added, head count and (pre economy only) log base wage of
 * households lo..hi-1 into their firms, in household order. */
static void scatter_va(firm_work *f, const int32_t *firm, const double *vadd,
                       const double *logb, size_t lo, size_t hi, int pre) {
  for (size_t i = lo; i < hi; i++) {
    size_t j = (size_t)firm[i];
    f->va[j] += vadd[i];
    f->cnt[j] += 1.0;
    if (pre) f->mlogb[j] += logb[i];
  }
}

/* Output, value added, rent-shared wages, incomes and the statistics of
 * economy s (capital income is written later, see aiq_simulate). */
static int wages_and_incomes(aiineq_model *m, aiineq_result *r, int s, const econ_in *in,
                             firm_work *f, double *own, double own_total, double *gtask,
                             double *gbuf, int nt) {
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
  /* With one thread the serial firm loops ride on the parallel passes
   * (the same operations in the same order, so the same bits): fewer
   * passes over the households. */
  int fused = nt <= 1 || N <= AIQ_PAR_GRAIN;
  int pre = s == AIINEQ_PRE; /* firm mean log b and log w: only m5 reads them */
  for (size_t j = 0; j < J; j++) f->va[j] = f->cnt[j] = f->mlogb[j] = f->mlogw[j] = 0.0;
  size_t nblk = (N + EXP_BLOCK - 1) / EXP_BLOCK;
#pragma omp parallel for num_threads(nt) schedule(static) if (!fused)
  for (size_t b = 0; b < nblk; b++) {
    size_t lo = b * EXP_BLOCK, hi = N - lo < EXP_BLOCK ? N : lo + EXP_BLOCK;
    for (size_t i = lo; i < hi; i++) {
      size_t k = (size_t)task[i];
      vadd[i] = tech->c[k] * (r->ability[i] + be * edu[i]) + tech->d[k]; /* q_i */
    }
    aiq_vexp(vadd + lo, vadd + lo, hi - lo);
    for (size_t i = lo; i < hi; i++) {
      size_t j = (size_t)firm[i], k = (size_t)task[i];
      vadd[i] = eq->p[k] * phi[j] * vadd[i] + assets[j] * gtask[k];
    }
    if (fused) scatter_va(f, firm, vadd, logb, lo, hi, pre);
  }
  /* Scatter into firms serially, in household order. */
  if (!fused) scatter_va(f, firm, vadd, logb, 0, N, pre);
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
  /* Log wages by education and by firm (serial, household order), and the
   * wages w_i = b_i factor_j (over log b) with their sum in aiq_par_sum's
   * chunks and order: fused with one thread, else two passes. */
  double lw_e[2] = {0.0, 0.0}, n_e[2] = {0.0, 0.0};
  const double *factor = f->factor;
  double *wage = sm->wage, *income = sm->income;
  const double *base = sm->base_wage;
  size_t nc = aiq_par_nchunks(N);
  double part[AIQ_PAR_MAXCHUNKS];
  for (size_t c = 0; c < nc; c++) {
    double ws = 0.0;
    for (size_t i = aiq_par_lo(N, nc, c), hi = aiq_par_lo(N, nc, c + 1); i < hi; i++) {
      size_t j = (size_t)firm[i];
      double lw = logb[i] + xi * (lv[j] - lvbar0);
      lw_e[edu[i]] += lw;
      n_e[edu[i]] += 1.0;
      if (pre) f->mlogw[j] += lw;
      if (fused) {
        wage[i] = base[i] * factor[j]; /* overwrites log b */
        ws += wage[i];
      }
    }
    part[c] = ws;
  }
  if (!fused) {
#pragma omp parallel for num_threads(nt) schedule(static)
    for (size_t c = 0; c < nc; c++) {
      double ws = 0.0;
      for (size_t i = aiq_par_lo(N, nc, c), hi = aiq_par_lo(N, nc, c + 1); i < hi; i++) {
        wage[i] = base[i] * factor[firm[i]];
        ws += wage[i];
      }
      part[c] = ws;
    }
  }
  double wsum = 0.0;
  for (size_t c = 0; c < nc; c++) wsum += part[c];
  double profits = va_total - wsum;
#pragma omp parallel for num_threads(nt) schedule(static) if (nt > 1 && N > AIQ_PAR_GRAIN)
  for (size_t i = 0; i < N; i++) {
    if (pre) own[i] /= own_total; /* the ownership shares o_i, normalised here */
    income[i] = wage[i] + own[i] * profits;
  }
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
  int rc = aiq_gini_plain_buf(sm->wage, N, &sm->wage_gini, nt, gbuf);
  if (rc == AIINEQ_OK) rc = aiq_gini_plain_buf(sm->income, N, &sm->gini, nt, gbuf);
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
  double own_total = ownership(m, r, own, nt);
  rc = matching(m, r, nt);
  if (rc) {
    rc = aiq_fail(m->err, rc, "out of memory ranking %zu households", N);
    goto done;
  }
  firm_work f = {fbuf,         fbuf + J,     fbuf + 2 * J, fbuf + 3 * J,
                 fbuf + 4 * J, fbuf + 5 * J, fbuf + 6 * J, fbuf + 9 * J};
  firms(m, J, f.phi, f.assets);
  /* The pre economy's capital income is first the four Ginis' sorted copy:
   * no sort buffer of their own. */
  double *cap0 = r->sim[AIINEQ_PRE].capital_income;
  for (int s = 0; s < 2 && rc == AIINEQ_OK; s++)
    rc = wages_and_incomes(m, r, s, &in[s], &f, own, own_total, gtask, cap0, nt);
  if (rc) goto done;
  /* Capital income o_i Pi: the pre economy first, then the post economy in
   * place of o_i.  The products are those added into the incomes. */
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
