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
#include <stdint.h>
#include <string.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

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
 * which it keeps, and is faulted in twice per process instead of at every
 * solve (docs/design.md, "Memory"; 4330 page faults per default solve
 * before, none from the third solve on).  The peak grows by at most the
 * block ranks' counts (4 bytes per household): the firms and the pre
 * capital income, formerly allocated after the matching, are live during
 * it now. */
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

/* Sums (pass 0) or sums of squared deviations from mu (pass 1) of three
 * arrays over chunk c of par.h's chunking of n values, into part[c], each
 * added in index order.  Two chunks c, c + 1 at a time (both of length q
 * or q + 1: their first q values side by side, then the tails): six
 * independent chains of additions instead of three, whose latency bound
 * the loop. */
static void chunk_sums(const double *const x[3], size_t n, size_t nc, size_t c, size_t nchunk,
                       int pass, const double mu[3], double part[][3]) {
  const double *restrict x0 = x[0], *restrict x1 = x[1], *restrict x2 = x[2];
  double m0 = mu[0], m1 = mu[1], m2 = mu[2];
  size_t lo[2], hi[2];
  double s[2][3] = {{0.0, 0.0, 0.0}, {0.0, 0.0, 0.0}};
  for (size_t k = 0; k < nchunk; k++) {
    lo[k] = aiq_par_lo(n, nc, c + k);
    hi[k] = aiq_par_lo(n, nc, c + k + 1);
  }
  size_t common = 0;
  if (nchunk == 2) {
    common = hi[0] - lo[0] < hi[1] - lo[1] ? hi[0] - lo[0] : hi[1] - lo[1];
    const double *a0 = x0 + lo[0], *a1 = x1 + lo[0], *a2 = x2 + lo[0];
    const double *b0 = x0 + lo[1], *b1 = x1 + lo[1], *b2 = x2 + lo[1];
    double p0 = 0.0, p1 = 0.0, p2 = 0.0, q0 = 0.0, q1 = 0.0, q2 = 0.0;
    if (pass == 0)
      for (size_t i = 0; i < common; i++) {
        p0 += a0[i];
        p1 += a1[i];
        p2 += a2[i];
        q0 += b0[i];
        q1 += b1[i];
        q2 += b2[i];
      }
    else
      for (size_t i = 0; i < common; i++) {
        p0 += (a0[i] - m0) * (a0[i] - m0);
        p1 += (a1[i] - m1) * (a1[i] - m1);
        p2 += (a2[i] - m2) * (a2[i] - m2);
        q0 += (b0[i] - m0) * (b0[i] - m0);
        q1 += (b1[i] - m1) * (b1[i] - m1);
        q2 += (b2[i] - m2) * (b2[i] - m2);
      }
    s[0][0] = p0;
    s[0][1] = p1;
    s[0][2] = p2;
    s[1][0] = q0;
    s[1][1] = q1;
    s[1][2] = q2;
  }
  for (size_t k = 0; k < nchunk; k++) { /* the tails (or a lone chunk) */
    double t0 = s[k][0], t1 = s[k][1], t2 = s[k][2];
    if (pass == 0)
      for (size_t i = lo[k] + common; i < hi[k]; i++) {
        t0 += x0[i];
        t1 += x1[i];
        t2 += x2[i];
      }
    else
      for (size_t i = lo[k] + common; i < hi[k]; i++) {
        t0 += (x0[i] - m0) * (x0[i] - m0);
        t1 += (x1[i] - m1) * (x1[i] - m1);
        t2 += (x2[i] - m2) * (x2[i] - m2);
      }
    part[c + k][0] = t0;
    part[c + k][1] = t1;
    part[c + k][2] = t2;
  }
}

#if defined(__GNUC__)
typedef double aiq_v2d __attribute__((vector_size(16), aligned(8)));

/* chunk_sums over four chunks c..c+3: per array the chunks' sums as the
 * lanes of two pairs of doubles (lane-wise additions, subtractions and
 * products: each chunk still adds its values one by one in index order,
 * the same bits), so twelve chains in six registers, and pass 1's
 * arithmetic on two values per instruction. */
static void quad_sums(const double *const x[3], size_t n, size_t nc, size_t c, int pass,
                      const double mu[3], double part[][3]) {
  size_t lo[4], hi[4], common = n;
  for (size_t k = 0; k < 4; k++) {
    lo[k] = aiq_par_lo(n, nc, c + k);
    hi[k] = aiq_par_lo(n, nc, c + k + 1);
    common = hi[k] - lo[k] < common ? hi[k] - lo[k] : common;
  }
  const double *restrict a0 = x[0] + lo[0], *restrict a1 = x[0] + lo[1];
  const double *restrict a2 = x[0] + lo[2], *restrict a3 = x[0] + lo[3];
  const double *restrict b0 = x[1] + lo[0], *restrict b1 = x[1] + lo[1];
  const double *restrict b2 = x[1] + lo[2], *restrict b3 = x[1] + lo[3];
  const double *restrict c0 = x[2] + lo[0], *restrict c1 = x[2] + lo[1];
  const double *restrict c2 = x[2] + lo[2], *restrict c3 = x[2] + lo[3];
  aiq_v2d z = {0.0, 0.0}, sa01 = z, sa23 = z, sb01 = z, sb23 = z, sc01 = z, sc23 = z;
  if (pass == 0) {
    for (size_t i = 0; i < common; i++) {
      sa01 += (aiq_v2d){a0[i], a1[i]};
      sa23 += (aiq_v2d){a2[i], a3[i]};
      sb01 += (aiq_v2d){b0[i], b1[i]};
      sb23 += (aiq_v2d){b2[i], b3[i]};
      sc01 += (aiq_v2d){c0[i], c1[i]};
      sc23 += (aiq_v2d){c2[i], c3[i]};
    }
  } else {
    aiq_v2d ma = {mu[0], mu[0]}, mb = {mu[1], mu[1]}, mc = {mu[2], mu[2]};
    for (size_t i = 0; i < common; i++) {
      aiq_v2d d;
      d = (aiq_v2d){a0[i], a1[i]} - ma;
      sa01 += d * d;
      d = (aiq_v2d){a2[i], a3[i]} - ma;
      sa23 += d * d;
      d = (aiq_v2d){b0[i], b1[i]} - mb;
      sb01 += d * d;
      d = (aiq_v2d){b2[i], b3[i]} - mb;
      sb23 += d * d;
      d = (aiq_v2d){c0[i], c1[i]} - mc;
      sc01 += d * d;
      d = (aiq_v2d){c2[i], c3[i]} - mc;
      sc23 += d * d;
    }
  }
  double s[4][3] = {{sa01[0], sb01[0], sc01[0]},
                    {sa01[1], sb01[1], sc01[1]},
                    {sa23[0], sb23[0], sc23[0]},
                    {sa23[1], sb23[1], sc23[1]}};
  for (size_t k = 0; k < 4; k++) /* the tails (a value at most) */
    for (size_t a = 0; a < 3; a++) {
      double t = s[k][a], m = mu[a];
      for (size_t i = lo[k] + common; i < hi[k]; i++)
        t += pass == 0 ? x[a][i] : (x[a][i] - m) * (x[a][i] - m);
      part[c + k][a] = t;
    }
}
#define AIQ_QUAD 4
#else
#define AIQ_QUAD 1 /* no quads: chunk_sums' pairs */
static void quad_sums(const double *const x[3], size_t n, size_t nc, size_t c, int pass,
                      const double mu[3], double part[][3]) {
  (void)x, (void)n, (void)nc, (void)c, (void)pass, (void)mu, (void)part;
}
#endif

/* Means and population standard deviations of three arrays of n values
 * (two passes over all three), each with the fixed chunking of par.h: per
 * array the same sums in the same order as one array at a time (the mean
 * is aiq_par_sum's, then the squared deviations' sum in the same chunks),
 * so the bits do not depend on nt, and the independent chains of
 * additions overlap their latencies. */
static void mean_sd3(const double *const x[3], size_t n, int nt, double mean[3], double sd[3]) {
  (void)nt; /* only read by OpenMP */
  /* Work items: quads of chunks (quad_sums), then pairs (chunk_sums). */
  size_t nc = aiq_par_nchunks(n), nquad = AIQ_QUAD == 4 ? nc / 4 : 0, c0 = 4 * nquad;
  size_t nitem = nquad + (nc - c0 + 1) / 2;
  double part[AIQ_PAR_MAXCHUNKS][3];
  double mu[3] = {0.0, 0.0, 0.0}, ss[3] = {0.0, 0.0, 0.0};
  for (int pass = 0; pass < 2; pass++) {
#pragma omp parallel for num_threads(nt) schedule(static) if (nc > 1 && nt > 1)
    for (size_t p = 0; p < nitem; p++) {
      if (p < nquad) {
        quad_sums(x, n, nc, 4 * p, pass, mu, part);
      } else {
        size_t c = c0 + 2 * (p - nquad);
        chunk_sums(x, n, nc, c, c + 1 < nc ? 2 : 1, pass, mu, part);
      }
    }
    double *out = pass == 0 ? mu : ss;
    for (int a = 0; a < 3; a++) {
      double t = 0.0;
      for (size_t c = 0; c < nc; c++) t += part[c][a];
      out[a] = pass == 0 ? t / (double)n : t;
    }
  }
  for (int a = 0; a < 3; a++) {
    mean[a] = mu[a];
    sd[a] = sqrt(ss[a] / (double)n);
  }
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
/* Eight doubles (and their comparison masks) as one GCC vector, at any
 * 8-byte alignment: lowered to whatever registers the build's ISA has. */
typedef double aiq_v8d __attribute__((vector_size(64), aligned(8)));
typedef long long aiq_v8l __attribute__((vector_size(64), aligned(8)));
typedef int32_t aiq_v8i __attribute__((vector_size(32), aligned(4)));
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
 * six uniforms (AIQ_NDRAWS B, two of them turned into normals in place)
 * and three more arrays of B,
 * rounded up to whole 64-byte cache lines plus one line of padding, so
 * that no two threads ever write the same cache line (false sharing made
 * two threads slower than one).  The padding also lets each thread start
 * its scratch at the first 64-byte boundary (scratch_at). */
static size_t scratch_stride(size_t K) {
  size_t n = (2 * K + AIQ_NDRAWS + 3) * block_size(K);
  return ((n + 7) / 8 + 1) * 8;
}

/* Thread tid's scratch: the first 64-byte boundary at or after its
 * stride's start (malloc aligns to 16 bytes; the block loops' stores of
 * whole AVX-512 vectors that straddle two cache lines cost about a quarter
 * of the choice's time).  It ends before the next thread's stride starts,
 * so threads still never share a line. */
static double *scratch_at(double *scratch, size_t K, int tid) {
  uintptr_t p = (uintptr_t)(scratch + (size_t)tid * scratch_stride(K));
  return (double *)((p + 63) & ~(uintptr_t)63);
}

/* Education and task of households i < nb of a block in one economy
 * (MODEL.md section 3, steps 2-3), every probability evaluated at the
 * household's own ability a[i], then their log base wages lb (step 4, with
 * the screening noise ez; be = beta_e, sz = sigma_z) and base wages
 * bw = exp(lb).  w holds 2K * nb doubles laid out
 * option-major, w[c * nb + i] for option c = 2k + e, so that every step is
 * a loop over households (vectorised) and the exponentials go through a
 * vmath.h kernel nb at a time.  mx0, mx1, t: nb doubles of scratch.  The
 * weights become cumulative sums over k in place (w[(2k + e) nb + i] = the
 * sum of household i's weights of tasks 0..k with education e, added in the
 * order k = 0, 1, ...) and the task is the first k whose cumulative weight
 * reaches u_k times the total (aiq_first_reaching_block: a count or a
 * binary search). */
#define CHOOSE_PARAMS                                                                      \
  const econ_in *in, size_t K, size_t nb, const double *restrict a,                        \
      const double *restrict u_e, const double *restrict u_k, const double *restrict ez,   \
      double be, double sz, double *restrict w, double *restrict mx0, double *restrict mx1, \
      double *restrict t, int32_t *restrict e_out, int32_t *restrict k_out,                \
      double *restrict lb, double *restrict bw
#define CHOOSE_ARGS in, K, nb, a, u_e, u_k, ez, be, sz, w, mx0, mx1, t, e_out, k_out, lb, bw
AIQ_ALWAYS_INLINE static inline void choose_block_body(
    void (*vexp)(const double *, double *, size_t), void (*vlog)(const double *, double *, size_t),
    CHOOSE_PARAMS) {
  const double *restrict al = in->choice->alpha, *restrict bt = in->choice->beta;
  /* The logits' maxima first, without storing the logits (a block's are
   * up to 512 KiB, in L2); then option by option, while its nb values are
   * in L1, the logit again (the same operations, the same bits) minus the
   * maximum, the exponential and the cumulative sum: w is written once. */
  size_t i0 = 0;
#if defined(__GNUC__)
  /* Up to AIQ_TASK_COUNT_MAX tasks, eight households at a time with the
   * running maxima in registers (the compiler does not vectorise the loop
   * over households around the loop over tasks): the same comparisons in
   * the same order, k = 0, 1, ...  With more tasks each vector's chain of
   * K dependent comparisons is too long to overlap with the next vector's,
   * and the loops over households below (maxima in L1) are faster. */
  if (K <= AIQ_TASK_COUNT_MAX)
    for (; i0 + 8 <= nb; i0 += 8) {
      aiq_v8d ai = *(const aiq_v8d *)(a + i0), m0 = (aiq_v8d){0} - INFINITY, m1 = m0;
      for (size_t k = 0; k < K; k++) {
        aiq_v8d z0 = al[2 * k] + bt[2 * k] * ai, z1 = al[2 * k + 1] + bt[2 * k + 1] * ai;
        aiq_v8l g0 = z0 > m0, g1 = z1 > m1; /* z > m ? z : m, lane by lane */
        m0 = (aiq_v8d)(((aiq_v8l)z0 & g0) | ((aiq_v8l)m0 & ~g0));
        m1 = (aiq_v8d)(((aiq_v8l)z1 & g1) | ((aiq_v8l)m1 & ~g1));
      }
      *(aiq_v8d *)(mx0 + i0) = m0;
      *(aiq_v8d *)(mx1 + i0) = m1;
    }
#endif
  AIQ_SIMD
  for (size_t i = i0; i < nb; i++) mx0[i] = mx1[i] = -INFINITY;
  for (size_t k = 0; k < K; k++) {
    double al0 = al[2 * k], bt0 = bt[2 * k], al1 = al[2 * k + 1], bt1 = bt[2 * k + 1];
    AIQ_SIMD
    for (size_t i = i0; i < nb; i++) {
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
  vlog(t, t, nb);
  /* I_1 - I_0 = tau (mx_1 - mx_0 + log(s_1 / s_0)); t becomes exp(-x_e) */
  AIQ_SIMD
  for (size_t i = 0; i < nb; i++)
    t[i] = -((in->tau * (mx1[i] - mx0[i] + t[i]) - in->c0 + in->kappa * a[i]) * in->inv_tau_e);
  vexp(t, t, nb);
  AIQ_SIMD
  for (size_t i = 0; i < nb; i++) { /* education, then t becomes the task's target */
    int e = u_e[i] < 1.0 / (1.0 + t[i]);
    e_out[i] = e;
    t[i] = u_k[i] * (e ? s1[i] : s0[i]);
  }
  aiq_first_reaching_block(w, nb, K, e_out, t, k_out);
  /* log b = log p_k + mu_c + r_c (z - mu_c), z = q_k(a, e) + sigma_z eps_z */
  const double *restrict tc = in->tech->c, *restrict td = in->tech->d, *restrict lp = in->log_p;
  const double *restrict mu = in->eq->mu, *restrict rc = in->eq->r;
  i0 = 0;
#if defined(__GNUC__) && !defined(__clang__)
  if (K <= 8) {
    /* Up to eight tasks: the per-task and per-cell tables in registers,
     * looked up by lane-wise shuffles (vpermpd, vpermt2pd) instead of five
     * gathers; the same values, the same operations. */
    aiq_v8d TC = {0}, TD = {0}, LP = {0}, MU[2] = {{0}, {0}}, RC[2] = {{0}, {0}};
    for (size_t k = 0; k < K; k++) {
      TC[k] = tc[k];
      TD[k] = td[k];
      LP[k] = lp[k];
      for (size_t e = 0; e < 2; e++) {
        MU[(2 * k + e) / 8][(2 * k + e) % 8] = mu[2 * k + e];
        RC[(2 * k + e) / 8][(2 * k + e) % 8] = rc[2 * k + e];
      }
    }
    for (; i0 + 8 <= nb; i0 += 8) {
      aiq_v8i ei = *(const aiq_v8i *)(e_out + i0);
      aiq_v8l kk = __builtin_convertvector(*(const aiq_v8i *)(k_out + i0), aiq_v8l);
      aiq_v8l cc = 2 * kk + __builtin_convertvector(ei, aiq_v8l);
      aiq_v8d ed = __builtin_convertvector(ei, aiq_v8d);
      aiq_v8d muc = __builtin_shuffle(MU[0], MU[1], cc), rcc = __builtin_shuffle(RC[0], RC[1], cc);
      aiq_v8d q = __builtin_shuffle(TC, kk) * (*(const aiq_v8d *)(a + i0) + be * ed) +
                  __builtin_shuffle(TD, kk);
      aiq_v8d z = q + sz * *(const aiq_v8d *)(ez + i0);
      *(aiq_v8d *)(lb + i0) = __builtin_shuffle(LP, kk) + muc + rcc * (z - muc);
    }
  }
#endif
  AIQ_SIMD
  for (size_t i = i0; i < nb; i++) {
    size_t k = (size_t)k_out[i], c = 2 * k + (size_t)e_out[i];
    double q = tc[k] * (a[i] + be * e_out[i]) + td[k];
    double z = q + sz * ez[i];
    lb[i] = lp[k] + mu[c] + rc[c] * (z - mu[c]);
  }
  vexp(lb, bw, nb);
}

/* choose_block_body compiled for the baseline and, on x86-64, for AVX2 and
 * AVX-512 (wider vectors for its loops over households), picked at run
 * time with vmath.h's choice, each build calling that choice's exp kernel
 * directly.  Its own arithmetic is additions, multiplications, divisions
 * and comparisons of doubles (contraction is off), so every build gives the
 * same bits. */
static void choose_block_base(CHOOSE_PARAMS) {
  choose_block_body(aiq_vexp, aiq_vlog, CHOOSE_ARGS);
}
#if defined(__x86_64__) && defined(__GNUC__)
__attribute__((target("avx2"))) static void choose_block_avx2(CHOOSE_PARAMS) {
  choose_block_body(aiq_vexp_avx2, aiq_vlog_avx2, CHOOSE_ARGS);
}
__attribute__((target("avx512f"))) static void choose_block_avx512(CHOOSE_PARAMS) {
  choose_block_body(aiq_vexp_avx512, aiq_vlog_avx512, CHOOSE_ARGS);
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
    double *w = scratch_at(scratch, K, thread_id());
    double *u = w + 2 * K * B, *mx0 = u + AIQ_NDRAWS * B, *mx1 = mx0 + B, *t = mx1 + B;
#pragma omp for schedule(static)
    for (size_t b = 0; b < nblk; b++) {
      size_t i0 = b * B, nb = N - i0 < B ? N - i0 : B;
      double *a = r->ability + i0, *nrm = u, *ez = u + AIQ_DRAW_Z * nb;
      const double *u_e = u + AIQ_DRAW_E * nb, *u_k = u + AIQ_DRAW_K * nb;
      aiq_household_uniforms(seed, i0, nb, u);
      /* rows A and Z become normals in place, S and O straight into eps_s
       * and eps_o (no copies) */
      aiq_norm_ppf_n(nrm, nrm, 2 * nb);
      aiq_norm_ppf_n(u + AIQ_DRAW_S * nb, eps_s + i0, nb);
      aiq_norm_ppf_n(u + AIQ_DRAW_O * nb, eps_o + i0, nb);
      for (size_t i = 0; i < nb; i++) a[i] = sa * nrm[i];
      for (int s = 0; s < 2; s++) {
        aiq_sim *sm = &r->sim[s];
        /* the wage array holds log b until wages are known */
        choose_block(isa, &in[s], K, nb, a, u_e, u_k, ez, be, sz, w, mx0, mx1, t,
                     sm->education + i0, sm->task + i0, sm->wage + i0, sm->base_wage + i0);
      }
    }
  }
}

/* Elementwise loops over the households of the ownership and firm
 * stages compiled for the baseline and, on x86-64, for AVX2 and AVX-512
 * (wider vectors, gathers of the firm and task tables), picked at run time
 * with vmath.h's choice like choose_block.  Their arithmetic is one
 * sequence of additions, multiplications and divisions of doubles per
 * household (contraction is off; int -> double conversions are exact), so
 * every build gives the same bits. */
#if defined(__x86_64__) && defined(__GNUC__)
#define AIQ_ISA_VARIANTS(name, params, args)                                          \
  static void name##_base params { name##_body(aiq_vexp, args); }                    \
  __attribute__((target("avx2"))) static void name##_avx2 params {                   \
    name##_body(aiq_vexp_avx2, args);                                                 \
  }                                                                                   \
  __attribute__((target("avx512f"))) static void name##_avx512 params {              \
    name##_body(aiq_vexp_avx512, args);                                               \
  }                                                                                   \
  static void name(aiq_vmath_isa isa, AIQ_UNPAREN params) {                          \
    if (isa == AIQ_VMATH_AVX512)                                                      \
      name##_avx512(args);                                                            \
    else if (isa == AIQ_VMATH_AVX2)                                                   \
      name##_avx2(args);                                                              \
    else                                                                              \
      name##_base(args);                                                              \
  }
#else
#define AIQ_ISA_VARIANTS(name, params, args)                                          \
  static void name(aiq_vmath_isa isa, AIQ_UNPAREN params) {                          \
    (void)isa;                                                                        \
    name##_body(aiq_vexp, args);                                                      \
  }
#endif
#define AIQ_UNPAREN(...) __VA_ARGS__

/* Ownership: own[i] = exp(sigma_o (rho (ab[i] - ma) / sda + rc own[i])). */
AIQ_ALWAYS_INLINE static inline void own_expo_body(void (*vexp)(const double *, double *, size_t),
                                                   double *restrict own,
                                                   const double *restrict ab, size_t n,
                                                   double sigma_o, double rho, double rc,
                                                   double ma, double sda) {
  AIQ_SIMD
  for (size_t i = 0; i < n; i++) own[i] = sigma_o * (rho * ((ab[i] - ma) / sda) + rc * own[i]);
  vexp(own, own, n);
}
#define OWN_PARAMS                                                                      \
  (double *restrict own, const double *restrict ab, size_t n, double sigma_o, double rho, \
   double rc, double ma, double sda)
AIQ_ISA_VARIANTS(own_expo, OWN_PARAMS, AIQ_UNPAREN(own, ab, n, sigma_o, rho, rc, ma, sda))

/* Sorting indices of both economies (co: rs, rcs, mb0, sdb0, mb1, sdb1;
 * both standard deviations positive); eps_s becomes the pre economy's. */
AIQ_ALWAYS_INLINE static inline void sort_index_body(void (*vexp)(const double *, double *, size_t),
                                                     double *restrict eps_s,
                                                     double *restrict idx1,
                                                     const double *restrict lb0,
                                                     const double *restrict lb1, size_t n,
                                                     const double *co) {
  (void)vexp;
  double rs = co[0], rcs = co[1], mb0 = co[2], sdb0 = co[3], mb1 = co[4], sdb1 = co[5];
  AIQ_SIMD
  for (size_t i = 0; i < n; i++) {
    double e = eps_s[i];
    idx1[i] = rs * ((lb1[i] - mb1) / sdb1) + rcs * e;
    eps_s[i] = rs * ((lb0[i] - mb0) / sdb0) + rcs * e;
  }
}
#define SORT_PARAMS                                                                    \
  (double *restrict eps_s, double *restrict idx1, const double *restrict lb0,             \
   const double *restrict lb1, size_t n, const double *co)
AIQ_ISA_VARIANTS(sort_index, SORT_PARAMS, AIQ_UNPAREN(eps_s, idx1, lb0, lb1, n, co))

/* Households per call of aiq_vexp in the loops that exponentiate one value
 * per household (a value's exponential does not depend on the block; the
 * blocks only keep the arguments in L1 between the two passes). */
#define EXP_BLOCK 1024

/* Smallest and largest value of v[0..n) into *lo and *hi (which hold the
 * range so far), NaN ignored (v < lo ? v : lo): eight lanes, then the
 * lanes (exact in any order; only which of two zeros is kept may differ,
 * and the block ranks fold -0.0 into +0.0). */
static void index_range(const double *v, size_t n, double *lo, double *hi) {
  double l = *lo, h = *hi;
  size_t i = 0;
#if defined(__SSE2__)
  /* minpd (x, m) is x < m ? x : m and maxpd (x, m) x > m ? x : m, lane by
   * lane: the comparisons below, four chains each */
  __m128d l0 = _mm_set1_pd(l), l1 = l0, l2 = l0, l3 = l0;
  __m128d h0 = _mm_set1_pd(h), h1 = h0, h2 = h0, h3 = h0;
  for (; i + 8 <= n; i += 8) {
    __m128d x0 = _mm_loadu_pd(v + i), x1 = _mm_loadu_pd(v + i + 2);
    __m128d x2 = _mm_loadu_pd(v + i + 4), x3 = _mm_loadu_pd(v + i + 6);
    l0 = _mm_min_pd(x0, l0);
    l1 = _mm_min_pd(x1, l1);
    l2 = _mm_min_pd(x2, l2);
    l3 = _mm_min_pd(x3, l3);
    h0 = _mm_max_pd(x0, h0);
    h1 = _mm_max_pd(x1, h1);
    h2 = _mm_max_pd(x2, h2);
    h3 = _mm_max_pd(x3, h3);
  }
  double lv[8], hv[8];
  _mm_storeu_pd(lv, l0);
  _mm_storeu_pd(lv + 2, l1);
  _mm_storeu_pd(lv + 4, l2);
  _mm_storeu_pd(lv + 6, l3);
  _mm_storeu_pd(hv, h0);
  _mm_storeu_pd(hv + 2, h1);
  _mm_storeu_pd(hv + 4, h2);
  _mm_storeu_pd(hv + 6, h3);
  for (int k = 0; k < 8; k++) {
    l = lv[k] < l ? lv[k] : l;
    h = hv[k] > h ? hv[k] : h;
  }
#endif
  for (; i < n; i++) {
    l = v[i] < l ? v[i] : l;
    h = v[i] > h ? v[i] : h;
  }
  *lo = l;
  *hi = h;
}

/* Sums of own over chunks cg..cg+ncg-1 (par.h's chunking of n) into
 * part[c][0], each in index order from +0.0: four chunks as the lanes of
 * two pairs of doubles (lane-wise additions: the same bits), fewer one by
 * one. */
static void own_sums(const double *own, size_t n, size_t nc, size_t cg, size_t ncg,
                     double part[][5]) {
  size_t k0 = 0;
#if defined(__GNUC__)
  if (ncg == 4) {
    size_t lo[4], hi[4], common = n;
    for (size_t k = 0; k < 4; k++) {
      lo[k] = aiq_par_lo(n, nc, cg + k);
      hi[k] = aiq_par_lo(n, nc, cg + k + 1);
      common = hi[k] - lo[k] < common ? hi[k] - lo[k] : common;
    }
    const double *a0 = own + lo[0], *a1 = own + lo[1], *a2 = own + lo[2], *a3 = own + lo[3];
    aiq_v2d s01 = {0.0, 0.0}, s23 = {0.0, 0.0};
    for (size_t i = 0; i < common; i++) {
      s01 += (aiq_v2d){a0[i], a1[i]};
      s23 += (aiq_v2d){a2[i], a3[i]};
    }
    double t[4] = {s01[0], s01[1], s23[0], s23[1]};
    for (size_t k = 0; k < 4; k++) {
      for (size_t i = lo[k] + common; i < hi[k]; i++) t[k] += own[i];
      part[cg + k][0] = t[k];
    }
    k0 = 4;
  }
#endif
  for (size_t k = k0; k < ncg; k++) {
    double t = 0.0;
    for (size_t i = aiq_par_lo(n, nc, cg + k), e = aiq_par_lo(n, nc, cg + k + 1); i < e; i++)
      t += own[i];
    part[cg + k][0] = t;
  }
}

/* Ownership and the sorting indices of both economies, in one pass over
 * the households after the moments of ability and of both economies' log
 * base wages (mean_sd3):
 *  - the unnormalised ownership shares exp(.) in place of eps_o, and their
 *    total (aiq_par_sum's chunks and order; four chunks at a time, each
 *    summed after its values are written, see own_sums); the income pass
 *    divides by it;
 *  - per economy the sorting index rho std(log b) + rc eps_s into income
 *    (the pre economy's overwrites eps_s) and its smallest and largest
 *    value range[s] (for the block ranks: no range pass). */
static double ownership(const aiineq_model *m, aiineq_result *r, double *restrict own, int nt,
                        double range[2][2]) {
  size_t N = r->N;
  const double *restrict ab = r->ability;
  double *restrict eps_s = r->sim[AIINEQ_PRE].income; /* becomes the pre index */
  double *restrict idx1 = r->sim[AIINEQ_POST].income;
  const double *restrict lb0 = r->sim[AIINEQ_PRE].wage; /* log b */
  const double *restrict lb1 = r->sim[AIINEQ_POST].wage;
  const double *const x[3] = {ab, lb0, lb1};
  double mean[3], sd[3];
  mean_sd3(x, N, nt, mean, sd);
  double ma = mean[0], sda = sd[0], mb0 = mean[1], sdb0 = sd[1], mb1 = mean[2], sdb1 = sd[2];
  double top10 = aiq_par(m, TOP10), rho = aiq_par(m, RHO_OWN);
  double sigma_o = aiq_norm_ppf(0.9) - aiq_norm_ppf(1.0 - top10);
  double rc = sqrt(1.0 - rho * rho);
  double rs = aiq_par(m, RHO_SORT), rcs = sqrt(1.0 - rs * rs);
  size_t nc = aiq_par_nchunks(N);
  double part[AIQ_PAR_MAXCHUNKS][5];
  aiq_vmath_isa isa = aiq_vmath_best();
  /* Groups of four chunks (the last may hold fewer): each chunk's values
   * and ranges, then the chunks' sums side by side (own_sums: four chains
   * instead of one, whose latency bounded the pass). */
  size_t ngroup = (nc + 3) / 4;
#pragma omp parallel for num_threads(nt) schedule(static) if (nt > 1 && N > AIQ_PAR_GRAIN)
  for (size_t g = 0; g < ngroup; g++) {
    size_t cg = 4 * g, ncg = nc - cg < 4 ? nc - cg : 4;
    for (size_t c = cg; c < cg + ncg; c++) {
      double lo0 = INFINITY, hi0 = -INFINITY, lo1 = INFINITY, hi1 = -INFINITY;
      for (size_t lo = aiq_par_lo(N, nc, c), end = aiq_par_lo(N, nc, c + 1); lo < end;
           lo += EXP_BLOCK) {
        size_t hi = end - lo < EXP_BLOCK ? end : lo + EXP_BLOCK;
        /* (the loops with a division only when the divisor is positive:
         * a division under a condition is not vectorised) */
        if (sda > 0.0) {
          own_expo(isa, own + lo, ab + lo, hi - lo, sigma_o, rho, rc, ma, sda);
        } else {
          for (size_t i = lo; i < hi; i++) own[i] = sigma_o * (rho * 0.0 + rc * own[i]);
          aiq_vexp(own + lo, own + lo, hi - lo);
        }
        if (sdb0 > 0.0 && sdb1 > 0.0) {
          const double co[6] = {rs, rcs, mb0, sdb0, mb1, sdb1};
          sort_index(isa, eps_s + lo, idx1 + lo, lb0 + lo, lb1 + lo, hi - lo, co);
        } else {
          for (size_t i = lo; i < hi; i++) {
            double e = eps_s[i];
            double sb1 = sdb1 > 0.0 ? (lb1[i] - mb1) / sdb1 : 0.0;
            double sb0 = sdb0 > 0.0 ? (lb0[i] - mb0) / sdb0 : 0.0;
            idx1[i] = rs * sb1 + rcs * e;
            eps_s[i] = rs * sb0 + rcs * e;
          }
        }
        index_range(eps_s + lo, hi - lo, &lo0, &hi0);
        index_range(idx1 + lo, hi - lo, &lo1, &hi1);
      }
      part[c][1] = lo0;
      part[c][2] = hi0;
      part[c][3] = lo1;
      part[c][4] = hi1;
    }
    own_sums(own, N, nc, cg, ncg, part);
  }
  double total = 0.0;
  for (size_t c = 0; c < nc; c++) total += part[c][0];
  for (int s = 0; s < 2; s++) {
    double l = part[0][1 + 2 * s], h = part[0][2 + 2 * s];
    for (size_t c = 1; c < nc; c++) {
      l = part[c][1 + 2 * s] < l ? part[c][1 + 2 * s] : l;
      h = part[c][2 + 2 * s] > h ? part[c][2 + 2 * s] : h;
    }
    range[s][0] = l;
    range[s][1] = h;
  }
  return total;
}

/* Ranks -> firms (equal blocks in productivity order): firm = floor(rank
 * J / N) of the sorting indices (in income, from ownership), from
 * aiq_rank_blocks_range (rank.c), the blocks of the stable argsort without
 * sorting. */
static int matching(aiineq_result *r, int nt, double range[2][2]) {
  size_t N = r->N, J = r->J;
  for (int s = 0; s < 2; s++) {
    aiq_sim *sm = &r->sim[s];
    int rcode = aiq_rank_blocks_range(sm->income, N, J, sm->firm, nt, range[s][0], range[s][1]);
    if (rcode) return rcode;
  }
  return AIINEQ_OK;
}

/* Firm scratch arrays, J each (fbuf: 10 J).  Both economies' firm stages
 * run side by side, so the arrays change roles (see firm_stage): */
typedef struct firm_work {
  double *phi, *assets; /* during the value-added pass; then the post economy's
                         * log rent factor and rent factor */
  double *va;           /* the pre economy's value added by firm */
  double *cnt;          /* head counts (the same in both economies) */
  double *mlogb, *mlogw; /* the pre economy's firm sums of log b and log w */
  double *X;            /* m5 design: column 0 the pre log rent factor until
                         * the regression, column 1 log v_j, column 2 the
                         * post economy's value added until the regression */
  double *factor;       /* the pre economy's rent factor */
} firm_work;

/* Value added of households lo..hi-1 into their firms in both economies
 * (va[s]), and the pre economy's log base wage (mlogb), in household order
 * per economy.  (Head counts need no scatter: firm_sizes.) */
static void scatter_va(double *const va[2], double *restrict mlogb, const aiineq_result *r,
                       size_t lo, size_t hi) {
  const int32_t *restrict f0 = r->sim[AIINEQ_PRE].firm, *restrict f1 = r->sim[AIINEQ_POST].firm;
  const double *restrict v0 = r->sim[AIINEQ_PRE].income, *restrict v1 = r->sim[AIINEQ_POST].income;
  const double *restrict logb = r->sim[AIINEQ_PRE].wage;
  double *restrict va0 = va[0], *restrict va1 = va[1];
  for (size_t i = lo; i < hi; i++) {
    size_t j0 = (size_t)f0[i], j1 = (size_t)f1[i];
    va0[j0] += v0[i];
    mlogb[j0] += logb[i];
    va1[j1] += v1[i];
  }
}

/* Head counts of the J firms: firm j holds the ranks r with
 * floor(r J / N) = j, i.e. [ceil(j N / J), ceil((j + 1) N / J)); exact
 * integers, so the same doubles as adding 1.0 per household. */
static void firm_sizes(size_t N, size_t J, double *cnt) {
  uint64_t lo = 0;
  for (size_t j = 0; j < J; j++) {
    uint64_t hi = ((uint64_t)(j + 1) * N + J - 1) / J;
    cnt[j] = (double)(hi - lo);
    lo = hi;
  }
}

/* x when keep is 1, +0.0 when it is 0, without a branch (a household's
 * education is a coin flip to the branch predictor). */
static inline double keep_if(double x, int keep) {
  uint64_t b;
  memcpy(&b, &x, sizeof b);
  b &= (uint64_t)0 - (uint64_t)keep;
  memcpy(&x, &b, sizeof x);
  return x;
}

/* Value added y_i + g_i of households lo..hi-1 of economy s into its
 * income array (scratch until the incomes). */
static void value_added(const aiineq_model *m, aiineq_result *r, int s, const econ_in *in,
                        const firm_work *f, const double *gtask, size_t lo, size_t hi) {
  double be = aiq_par(m, BETA_E);
  const aiq_sim *sm = &r->sim[s];
  double *restrict vadd = sm->income;
  const double *restrict phi = f->phi, *restrict assets = f->assets, *restrict ab = r->ability;
  const double *restrict tc = in->tech->c, *restrict td = in->tech->d, *restrict pk = in->eq->p;
  const int32_t *restrict firm = sm->firm, *restrict task = sm->task, *restrict edu = sm->education;
  AIQ_SIMD
  for (size_t i = lo; i < hi; i++) {
    size_t k = (size_t)task[i];
    vadd[i] = tc[k] * (ab[i] + be * edu[i]) + td[k]; /* q_i */
  }
  aiq_vexp(vadd + lo, vadd + lo, hi - lo);
  AIQ_SIMD
  for (size_t i = lo; i < hi; i++) {
    size_t j = (size_t)firm[i], k = (size_t)task[i];
    vadd[i] = pk[k] * phi[j] * vadd[i] + assets[j] * gtask[k];
  }
}

/* The incomes of both economies and the normalised ownership shares:
 * own[i] /= total, in_s[i] = w_s[i] + own[i] p_s. */
AIQ_ALWAYS_INLINE static inline void incomes_body(void (*vexp)(const double *, double *, size_t),
                                                  double *restrict own, double *restrict in0,
                                                  double *restrict in1,
                                                  const double *restrict w0,
                                                  const double *restrict w1, size_t n,
                                                  const double *co) {
  (void)vexp;
  double total = co[0], p0 = co[1], p1 = co[2];
  AIQ_SIMD
  for (size_t i = 0; i < n; i++) {
    double o = own[i] / total;
    own[i] = o;
    in0[i] = w0[i] + o * p0;
    in1[i] = w1[i] + o * p1;
  }
}
#define INC_PARAMS                                                                          \
  (double *restrict own, double *restrict in0, double *restrict in1, const double *restrict w0, \
   const double *restrict w1, size_t n, const double *co)
AIQ_ISA_VARIANTS(incomes, INC_PARAMS, AIQ_UNPAREN(own, in0, in1, w0, w1, n, co))

/* Log wage sums of households lo..hi-1 by education, per economy (two
 * registers each, adding 0.0 for the households of the other education:
 * x + 0.0 is x, as the sums start at +0.0 and so are never -0.0), the
 * college counts n1 (integers), and the pre economy's firm sums of log w:
 * serial, household order, no chain through memory, both economies in one
 * loop (their chains of additions overlap).  With wages (one thread), also
 * the wages w_i = b_i factor_j (over log b) and their sums ws[s]. */
typedef struct lw_acc {
  double lw0[2], lw1[2];
  size_t n1[2];
} lw_acc;

typedef struct lw_in {
  const int32_t *firm[2], *edu[2];
  double *wage[2]; /* log b until overwritten by the wage */
  const double *base[2], *dlw[2], *factor[2];
  double *mlogw;
} lw_in;

AIQ_ALWAYS_INLINE static inline void log_wages(lw_acc *acc, const lw_in *w, size_t lo,
                                               size_t hi, int wages, double ws[2]) {
  double a00 = acc->lw0[0], a01 = acc->lw1[0], a10 = acc->lw0[1], a11 = acc->lw1[1];
  double ws0 = 0.0, ws1 = 0.0;
  size_t n0 = acc->n1[0], n1 = acc->n1[1];
  const int32_t *restrict f0 = w->firm[0], *restrict f1 = w->firm[1];
  const int32_t *restrict e0 = w->edu[0], *restrict e1 = w->edu[1];
  double *restrict w0 = w->wage[0], *restrict w1 = w->wage[1], *restrict mlogw = w->mlogw;
  const double *restrict d0 = w->dlw[0], *restrict d1 = w->dlw[1];
  const double *restrict b0 = w->base[0], *restrict b1 = w->base[1];
  const double *restrict fa0 = w->factor[0], *restrict fa1 = w->factor[1];
  for (size_t i = lo; i < hi; i++) {
    size_t j0 = (size_t)f0[i], j1 = (size_t)f1[i];
    int c0 = e0[i], c1 = e1[i];
    double l0 = w0[i] + d0[j0], l1 = w1[i] + d1[j1];
    a00 += keep_if(l0, !c0);
    a01 += keep_if(l0, c0);
    a10 += keep_if(l1, !c1);
    a11 += keep_if(l1, c1);
    n0 += (size_t)c0;
    n1 += (size_t)c1;
    mlogw[j0] += l0;
    if (wages) {
      w0[i] = b0[i] * fa0[j0]; /* overwrites log b */
      ws0 += w0[i];
      w1[i] = b1[i] * fa1[j1];
      ws1 += w1[i];
    }
  }
  acc->lw0[0] = a00;
  acc->lw1[0] = a01;
  acc->lw0[1] = a10;
  acc->lw1[1] = a11;
  acc->n1[0] = n0;
  acc->n1[1] = n1;
  ws[0] = ws0;
  ws[1] = ws1;
}

/* Output, value added, rent-shared wages, incomes and the statistics of
 * both economies (capital income is written later, see aiq_simulate), side
 * by side: one pass for both economies' value added, one serial pass for
 * both economies' log wages (two independent chains of additions overlap),
 * one for both incomes.  Every sum adds the same numbers in the same order
 * as one economy at a time.  gtask[s]: K doubles of scratch per economy. */
static int firm_stage(aiineq_model *m, aiineq_result *r, const econ_in in[2], firm_work *f,
                      double *own, double own_total, double *const gtask[2], int nt) {
  size_t N = r->N, K = r->K, J = r->J;
  double xi = aiq_par(m, XI);
  /* AI value per unit of assets in task k: A eta chi x_k p_k S_k / n_k. */
  for (int s = 0; s < 2; s++) {
    const aiq_eq *eq = in[s].eq;
    for (size_t k = 0; k < K; k++)
      gtask[s][k] = eq->n[k] > 0.0 ? in[s].tech->A * in[s].rents * m->x[k] * eq->p[k] *
                                         eq->S[k] / eq->n[k]
                                   : 0.0;
  }
  /* With one thread the serial firm loops ride on the parallel passes
   * (the same operations in the same order, so the same bits): fewer
   * passes over the households. */
  int fused = nt <= 1 || N <= AIQ_PAR_GRAIN;
  double *va[2] = {f->va, f->X + 2 * J};
  for (size_t j = 0; j < J; j++) va[0][j] = va[1][j] = f->mlogb[j] = f->mlogw[j] = 0.0;
  firm_sizes(N, J, f->cnt);
  size_t nblk = (N + EXP_BLOCK - 1) / EXP_BLOCK;
  aiq_vmath_isa isa = aiq_vmath_best();
#pragma omp parallel for num_threads(nt) schedule(static) if (!fused)
  for (size_t b = 0; b < nblk; b++) {
    size_t lo = b * EXP_BLOCK, hi = N - lo < EXP_BLOCK ? N : lo + EXP_BLOCK;
    for (int s = 0; s < 2; s++) value_added(m, r, s, &in[s], f, gtask[s], lo, hi);
    if (fused) scatter_va(va, f->mlogb, r, lo, hi);
  }
  /* Scatter into firms serially, in household order. */
  if (!fused) scatter_va(va, f->mlogb, r, 0, N);
  double va_total[2] = {0.0, 0.0};
  for (int s = 0; s < 2; s++)
    for (size_t j = 0; j < J; j++) va_total[s] += va[s][j];
  r->vbar0 = va_total[0] / (double)N;
  double lvbar0 = log(r->vbar0);
  /* Column 1 of the m5 design holds log v_j (pre economy); the rent factor
   * is (v_j / vbar0)^xi, its log xi (log v_j - log vbar0): the pre
   * economy's in X's column 0 and factor, the post economy's in phi and
   * assets (free now).  A household's log wage adds it to log b. */
  double *lv = f->X + J, *dlw[2] = {f->X, f->phi}, *factor[2] = {f->factor, f->assets};
  for (size_t j = 0; j < J; j++) {
    lv[j] = log(va[0][j] / f->cnt[j]);
    dlw[0][j] = xi * (lv[j] - lvbar0);
    factor[0][j] = exp(dlw[0][j]);
    double lv1 = log(va[1][j] / f->cnt[j]);
    dlw[1][j] = xi * (lv1 - lvbar0);
    factor[1][j] = exp(dlw[1][j]);
  }
  /* Log wages by education and by firm (serial, household order), and the
   * wages with their sums in aiq_par_sum's chunks and order: fused with
   * one thread, else two passes. */
  lw_acc acc = {{0.0, 0.0}, {0.0, 0.0}, {0, 0}};
  size_t nc = aiq_par_nchunks(N);
  double part[AIQ_PAR_MAXCHUNKS][2];
  aiq_sim *s0 = &r->sim[AIINEQ_PRE], *s1 = &r->sim[AIINEQ_POST];
  lw_in lwi = {{s0->firm, s1->firm},     {s0->education, s1->education},
               {s0->wage, s1->wage},     {s0->base_wage, s1->base_wage},
               {dlw[0], dlw[1]},         {factor[0], factor[1]},
               f->mlogw};
  for (size_t c = 0; c < nc; c++) {
    size_t lo = aiq_par_lo(N, nc, c), hi = aiq_par_lo(N, nc, c + 1);
    if (fused)
      log_wages(&acc, &lwi, lo, hi, 1, part[c]);
    else
      log_wages(&acc, &lwi, lo, hi, 0, part[c]);
  }
  if (!fused) {
#pragma omp parallel for num_threads(nt) schedule(static)
    for (size_t c = 0; c < nc; c++)
      for (int s = 0; s < 2; s++) {
        aiq_sim *sm = &r->sim[s];
        const double *fs = factor[s];
        double ws = 0.0;
        for (size_t i = aiq_par_lo(N, nc, c), hi = aiq_par_lo(N, nc, c + 1); i < hi; i++) {
          sm->wage[i] = sm->base_wage[i] * fs[sm->firm[i]];
          ws += sm->wage[i];
        }
        part[c][s] = ws;
      }
  }
  double profits[2];
  for (int s = 0; s < 2; s++) {
    aiq_sim *sm = &r->sim[s];
    double wsum = 0.0;
    for (size_t c = 0; c < nc; c++) wsum += part[c][s];
    profits[s] = va_total[s] - wsum;
    double lw_e[2] = {acc.lw0[s], acc.lw1[s]};
    double n_e[2] = {(double)(N - acc.n1[s]), (double)acc.n1[s]};
    sm->labour_share = wsum / va_total[s];
    sm->pi_total = profits[s];
    sm->profits = profits[s] / (double)N;
    sm->college_premium =
        n_e[0] > 0.0 && n_e[1] > 0.0 ? lw_e[1] / n_e[1] - lw_e[0] / n_e[0] : NAN;
  }
  /* The ownership shares o_i, normalised here, and both incomes. */
  {
    const double co[3] = {own_total, profits[0], profits[1]};
#pragma omp parallel for num_threads(nt) schedule(static) if (nt > 1 && N > AIQ_PAR_GRAIN)
    for (size_t b = 0; b < nblk; b++) {
      size_t lo = b * EXP_BLOCK, hi = N - lo < EXP_BLOCK ? N : lo + EXP_BLOCK;
      incomes(isa, own + lo, s0->income + lo, s1->income + lo, s0->wage + lo, s1->wage + lo,
              hi - lo, co);
    }
  }
  /* m5: the pre economy's firm mean log w on (1, log v_j, firm mean log b) */
  for (size_t j = 0; j < J; j++) {
    f->X[j] = 1.0;
    f->X[2 * J + j] = f->mlogb[j] / f->cnt[j];
    f->mlogw[j] /= f->cnt[j];
  }
  if (ols_slope(f->X, f->mlogw, J, &r->moment[4]))
    return aiq_fail(m->err, AIINEQ_ERR_NOMEM, "out of memory in the firm regression (m5)");
  return AIINEQ_OK;
}

/* The Ginis of economy s's wages and incomes; with s the pre economy,
 * first both economies' firm stage. */
static int wages_and_incomes(aiineq_model *m, aiineq_result *r, int s, const econ_in *in,
                             firm_work *f, double *own, double own_total,
                             double *const gtask[2], double *gbuf, int nt) {
  size_t N = r->N;
  aiq_sim *sm = &r->sim[s];
  if (s == AIINEQ_PRE) {
    int frc = firm_stage(m, r, in, f, own, own_total, gtask, nt);
    if (frc) return frc;
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
  /* Per economy the AI value per unit of assets by task: the pre economy's
   * in kbuf's last K, the post economy's in place of the pre economy's log
   * prices (only the household pass reads those). */
  double *const gtask[2] = {kbuf + 2 * K, kbuf};
  double *own = r->sim[AIINEQ_POST].capital_income;
  draw_households(m, r, in, scratch, nt);
  double range[2][2]; /* per economy the sorting index's smallest and largest value */
  double own_total = ownership(m, r, own, nt, range);
  rc = matching(r, nt, range);
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
    rc = wages_and_incomes(m, r, s, in, &f, own, own_total, gtask, cap0, nt);
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
