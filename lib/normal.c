/*
 * normal.c -- normal CDF and quantile.
 *
 * The quantile is Wichura's algorithm AS241 (PPND16, Applied Statistics 37,
 * 1988): rational approximations of degree 7 in three regions, relative
 * accuracy about 1e-16.  Coefficients are those of the published paper.
 * The tails' logarithm is vmath's (SLEEF), not libm's: the batch computes
 * it a vector at a time, and both functions must round alike; within
 * 7.5e-16 of a 400-digit reference either way (tests/ref/make_ppf_ref.py).
 */
#include <math.h>

#include "cpu.h"
#include "numerics.h"
#include "vmath.h"

/* Evaluate the degree-7 polynomial c[0] + c[1] r + ... + c[7] r^7 (Horner).
 * Written out so that the batch loops below, which must round exactly as
 * the scalar code, inline and vectorise the very same operations. */
static inline double poly7(const double c[8], double r) {
  double s = c[7];
  s = s * r + c[6];
  s = s * r + c[5];
  s = s * r + c[4];
  s = s * r + c[3];
  s = s * r + c[2];
  s = s * r + c[1];
  return s * r + c[0];
}

static const double A[8] = {3.3871328727963666080e0,     1.3314166789178437745e+2,
                            1.9715909503065514427e+3,    1.3731693765509461125e+4,
                            4.5921953931549871457e+4,    6.7265770927008700853e+4,
                            3.3430575583588128105e+4,    2.5090809287301226727e+3};
static const double B[8] = {1.0,
                            4.2313330701600911252e+1,    6.8718700749205790830e+2,
                            5.3941960214247511077e+3,    2.1213794301586595867e+4,
                            3.9307895800092710610e+4,    2.8729085735721942674e+4,
                            5.2264952788528545610e+3};
static const double C[8] = {1.42343711074968357734e0,    4.63033784615654529590e0,
                            5.76949722146069140550e0,    3.64784832476320460504e0,
                            1.27045825245236838258e0,    2.41780725177450611770e-1,
                            2.27238449892691845833e-2,   7.74545014278341407640e-4};
static const double D[8] = {1.0,
                            2.05319162663775882187e0,    1.67638483018380384940e0,
                            6.89767334985100004550e-1,   1.48103976427480074590e-1,
                            1.51986665636164571966e-2,   5.47593808499534494600e-4,
                            1.05075007164441684324e-9};
static const double E[8] = {6.65790464350110377720e0,    5.46378491116411436990e0,
                            1.78482653991729133580e0,    2.96560571828504891230e-1,
                            2.65321895265761230930e-2,   1.24266094738807843860e-3,
                            2.71155556874348757815e-5,   2.01033439929228813265e-7};
static const double F[8] = {1.0,
                            5.99832206555887937690e-1,   1.36929880922735805310e-1,
                            1.48753612908506148525e-2,   7.86869131145613259100e-4,
                            1.84631831751005468180e-5,   1.42151175831644588870e-7,
                            2.04426310338993978564e-15};

/* sqrt(-log r) for r in (0, 0.5], the tails' variable.  The logarithm is
 * vmath's (aiq_vlog: SLEEF, within 1 ulp, the same bits at every vector
 * width and for a single value), not libm's: the batch below takes it a
 * chunk at a time, and the scalar function must round exactly as the
 * batch does. */
static double tail_var(double r) {
  /* Where aiq_vlog runs SLEEF's FMA kernels, their scalar one (the same
   * bits, vmath.h) without a vector padded for one value. */
  aiq_vmath_isa isa = aiq_vmath_best();
  if (isa == AIQ_VMATH_AVX512 || isa == AIQ_VMATH_AVX2) isa = AIQ_VMATH_SCALAR_FMA;
  aiq_vlog_isa(isa, &r, &r, 1);
  return sqrt(-r);
}

double aiq_norm_ppf(double p) {
  if (!(p >= 0.0 && p <= 1.0)) return NAN;
  double q = p - 0.5;
  if (fabs(q) <= 0.425) {
    double r = 0.180625 - q * q;
    return q * poly7(A, r) / poly7(B, r);
  }
  double r = q < 0.0 ? p : 1.0 - p; /* exact for p in [0.5, 1] (Sterbenz) */
  if (r == 0.0) return q < 0.0 ? -INFINITY : INFINITY;
  r = tail_var(r);
  double v;
  if (r <= 5.0) {
    r -= 1.6;
    v = poly7(C, r) / poly7(D, r);
  } else {
    r -= 5.0;
    v = poly7(E, r) / poly7(F, r);
  }
  return q < 0.0 ? -v : v;
}

/* Batch quantile, bit-identical to aiq_norm_ppf element by element.
 *
 * Chunks of PPF_CHUNK elements go through four passes:
 * 1. list the elements outside the central region without branching (a
 *    data-dependent branch taken 15% of the time is mispredicted often);
 * 2. evaluate the central rational for every element in a vectorised loop;
 * 3. for the listed ones, sqrt(-log r), the logarithm by aiq_vlog over the
 *    list, then the r <= 5 rational vectorised;
 * 4. scatter those, and recompute with the scalar function the rare ones the
 *    vector tail does not cover (0, 1, NaN, out of range, r > 5 i.e.
 *    p < 1.4e-11).
 * The AVX-512 build fuses 1 with 2 and the rest of 3 with 4 (one loop
 * each); the others run them as plain C loops.
 * Each vectorised pass performs the scalar code's operations in the same
 * order; SSE2/AVX2/AVX-512/NEON lanes round like scalar instructions, and
 * the build has -ffp-contract=off, so no multiply-add is fused in either.
 * Chunks keep the scratch lists on the stack and p in L1 between the
 * passes. */
enum { PPF_CHUNK = 512 };

/* Pass 1 as plain C: appends p[j] and j for every j < m outside the central
 * region (|p - 0.5| <= 0.425 false, NaN included) to tail_p, tail_i, in
 * order; returns how many. */
static inline size_t tail_list(const double *pc, size_t m, double *tail_p, unsigned *tail_i) {
  size_t k = 0;
  for (size_t j = 0; j < m; j++) {
    double pj = pc[j];
    tail_p[k] = pj;
    tail_i[k] = (unsigned)j;
    k += !(fabs(pj - 0.5) <= 0.425);
  }
  return k;
}

/* r[t] = sqrt(-r[t]) for t < k, -r[t] >= 0.  Plain C: with errno semantics
 * the compiler does not vectorise sqrt; the x86-64 builds below have their
 * own with vector instructions (IEEE square roots: the same bits). */
static inline void neg_sqrt_c(double *r, size_t k) {
  for (size_t t = 0; t < k; t++) r[t] = sqrt(-r[t]);
}

/* Passes 1 and 2 as plain C: the tail list, then the central rational for
 * every element (x may be p: the list is made first). */
static inline size_t central_c(const double *pc, double *xc, size_t m, double *tail_p,
                               unsigned *tail_i) {
  size_t k = tail_list(pc, m, tail_p, tail_i);
#pragma omp simd
  for (size_t j = 0; j < m; j++) {
    double q = pc[j] - 0.5;
    double r = 0.180625 - q * q;
    xc[j] = q * poly7(A, r) / poly7(B, r);
  }
  return k;
}

/* Passes 3 (after the logarithm) and 4 as plain C: r = sqrt(-log), the
 * r <= 5 rational for the listed elements, and their scatter; the rare ones
 * the vector tail does not cover (0, 1, NaN, out of range, r > 5 i.e.
 * p < 1.4e-11) are recomputed by the scalar function.  tail_r holds the
 * logarithms, and the scalar code's r's on return. */
static inline void finish_c(double *xc, size_t k, const double *tail_p, double *tail_r,
                            const unsigned *tail_i) {
  double tail_v[PPF_CHUNK];
  neg_sqrt_c(tail_r, k);
#pragma omp simd
  for (size_t t = 0; t < k; t++) {
    double q = tail_p[t] - 0.5, r = tail_r[t] - 1.6;
    double v = poly7(C, r) / poly7(D, r);
    tail_v[t] = q < 0.0 ? -v : v;
  }
  /* r > 5.0 exactly where the scalar code takes its far-tail branch */
  for (size_t t = 0; t < k; t++) {
    double pj = tail_p[t];
    int scalar = !(pj > 0.0 && pj < 1.0) || !(tail_r[t] <= 5.0);
    xc[tail_i[t]] = scalar ? aiq_norm_ppf(pj) : tail_v[t];
  }
}

typedef size_t (*central_fn)(const double *, double *, size_t, double *, unsigned *);
typedef void (*finish_fn)(double *, size_t, const double *, double *, const unsigned *);

__attribute__((always_inline)) static inline void ppf_n(central_fn central, finish_fn finish,
                                                        const double *p, double *x, size_t n) {
  double tail_p[PPF_CHUNK], tail_r[PPF_CHUNK];
  unsigned tail_i[PPF_CHUNK];
  for (size_t i0 = 0; i0 < n; i0 += PPF_CHUNK) {
    size_t m = n - i0 < PPF_CHUNK ? n - i0 : PPF_CHUNK;
    const double *pc = p + i0;
    double *xc = x + i0;
    /* 1 and 2 */
    size_t k = central(pc, xc, m, tail_p, tail_i);
    /* 3; special p get a harmless argument and are redone in pass 4.  The
     * logarithm is vmath's over the whole list (as tail_var, the same bits). */
#pragma omp simd
    for (size_t t = 0; t < k; t++) {
      double pj = tail_p[t], r = pj - 0.5 < 0.0 ? pj : 1.0 - pj;
      tail_r[t] = pj > 0.0 && pj < 1.0 ? r : 0.5;
    }
    aiq_vlog(tail_r, tail_r, k);
    finish(xc, k, tail_p, tail_r, tail_i);
  }
}

/* The same code compiled three times on x86-64: for the baseline (SSE2, two
 * lanes), AVX2 (four lanes; AVX2 does not imply FMA, and contraction is off
 * anyway) and AVX-512F (eight lanes, with its own fused loops below),
 * chosen at run time by CPUID (under valgrind, which hides AVX-512, the
 * AVX2 build runs: the same bits).  Elsewhere one build for the target. */
static void ppf_n_base(const double *p, double *x, size_t n) {
  ppf_n(central_c, finish_c, p, x, n);
}

#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>

__attribute__((target("avx2"))) static void ppf_n_avx2(const double *p, double *x, size_t n) {
  ppf_n(central_c, finish_c, p, x, n);
}

/* poly7 in eight lanes, the same operations. */
__attribute__((target("avx512f"))) static inline __m512d poly7_avx512(const double c[8],
                                                                      __m512d r) {
  __m512d s = _mm512_set1_pd(c[7]);
  s = _mm512_add_pd(_mm512_mul_pd(s, r), _mm512_set1_pd(c[6]));
  s = _mm512_add_pd(_mm512_mul_pd(s, r), _mm512_set1_pd(c[5]));
  s = _mm512_add_pd(_mm512_mul_pd(s, r), _mm512_set1_pd(c[4]));
  s = _mm512_add_pd(_mm512_mul_pd(s, r), _mm512_set1_pd(c[3]));
  s = _mm512_add_pd(_mm512_mul_pd(s, r), _mm512_set1_pd(c[2]));
  s = _mm512_add_pd(_mm512_mul_pd(s, r), _mm512_set1_pd(c[1]));
  return _mm512_add_pd(_mm512_mul_pd(s, r), _mm512_set1_pd(c[0]));
}

/* central_c eight elements at a time, both passes in one loop (p is read
 * once, and the list's compressions overlap the divisions): the outside
 * lanes' p and indices are compressed to the front of a vector, and all
 * eight lanes are stored at the list's end (k + 8 <= j + 8 <= m: within
 * the lists); the central rational with the scalar code's operations, in
 * its order, unfused.  The last m % 8 as central_c. */
__attribute__((target("avx512f"))) static inline size_t
central_avx512(const double *pc, double *xc, size_t m, double *tail_p, unsigned *tail_i) {
  const __m512d half = _mm512_set1_pd(0.5), bound = _mm512_set1_pd(0.425);
  const __m512d c0 = _mm512_set1_pd(0.180625);
  const __m512i eight = _mm512_set1_epi32(8);
  __m512i idx = _mm512_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7, 0, 0, 0, 0, 0, 0, 0, 0);
  size_t k = 0, j = 0;
  for (; j + 8 <= m; j += 8) {
    __m512d pj = _mm512_loadu_pd(pc + j);
    __m512d q = _mm512_sub_pd(pj, half);
    /* not (|q| <= 0.425): "not less-equal", true for NaN as in tail_list */
    __mmask8 out = _mm512_cmp_pd_mask(_mm512_abs_pd(q), bound, _CMP_NLE_UQ);
    _mm512_storeu_pd(tail_p + k, _mm512_maskz_compress_pd(out, pj));
    _mm256_storeu_si256((__m256i *)(tail_i + k),
                        _mm512_castsi512_si256(_mm512_maskz_compress_epi32(out, idx)));
    idx = _mm512_add_epi32(idx, eight);
    k += (size_t)__builtin_popcount(out);
    __m512d r = _mm512_sub_pd(c0, _mm512_mul_pd(q, q));
    _mm512_storeu_pd(xc + j, _mm512_div_pd(_mm512_mul_pd(q, poly7_avx512(A, r)),
                                           poly7_avx512(B, r)));
  }
  size_t kr = central_c(pc + j, xc + j, m - j, tail_p + k, tail_i + k);
  for (size_t t = k; t < k + kr; t++) tail_i[t] += (unsigned)j;
  return k + kr;
}

/* finish_c eight elements at a time in one loop: a partial last vector
 * through masked loads (its idle lanes get p = 0.5, log = -1), the good
 * lanes' values scattered, the rest one by one as in finish_c. */
__attribute__((target("avx512f"))) static inline void finish_avx512(double *xc, size_t k,
                                                                    const double *tail_p,
                                                                    double *tail_r,
                                                                    const unsigned *tail_i) {
  const __m512d half = _mm512_set1_pd(0.5), zero = _mm512_setzero_pd(), one = _mm512_set1_pd(1.0);
  const __m512d c16 = _mm512_set1_pd(1.6), five = _mm512_set1_pd(5.0);
  const __m512i sign = _mm512_set1_epi64((long long)0x8000000000000000ULL);
  for (size_t t = 0; t < k; t += 8) {
    __mmask8 lane = k - t >= 8 ? 0xff : (__mmask8)((1u << (k - t)) - 1);
    __m512d pj = _mm512_mask_loadu_pd(half, lane, tail_p + t);
    __m512d r = _mm512_sqrt_pd(_mm512_sub_pd(zero, _mm512_mask_loadu_pd(_mm512_set1_pd(-1.0), lane,
                                                                         tail_r + t)));
    __m512d rr = _mm512_sub_pd(r, c16);
    __m512d v = _mm512_div_pd(poly7_avx512(C, rr), poly7_avx512(D, rr));
    __mmask8 neg = _mm512_cmp_pd_mask(_mm512_sub_pd(pj, half), zero, _CMP_LT_OQ);
    v = _mm512_castsi512_pd(_mm512_mask_xor_epi64(_mm512_castpd_si512(v), neg,
                                                  _mm512_castpd_si512(v), sign));
    __mmask8 ok = lane & _mm512_cmp_pd_mask(pj, zero, _CMP_GT_OQ) &
                  _mm512_cmp_pd_mask(pj, one, _CMP_LT_OQ) & _mm512_cmp_pd_mask(r, five, _CMP_LE_OQ);
    /* tail_i has PPF_CHUNK entries, a multiple of 8: t + 8 is within */
    __m256i idx = _mm256_loadu_si256((const __m256i *)(tail_i + t));
    _mm512_mask_i32scatter_pd(xc, ok, idx, v, 8);
    for (unsigned bad = lane & ~ok & 0xffu; bad; bad &= bad - 1) {
      unsigned b = (unsigned)__builtin_ctz(bad);
      xc[tail_i[t + b]] = aiq_norm_ppf(tail_p[t + b]);
    }
  }
}

__attribute__((target("avx512f"))) static void ppf_n_avx512(const double *p, double *x,
                                                             size_t n) {
  ppf_n(central_avx512, finish_avx512, p, x, n);
}
#endif

int aiq_norm_ppf_n_build(aiq_ppf_build build, const double *p, double *x, size_t n) {
  switch (build) {
    case AIQ_PPF_BASE: ppf_n_base(p, x, n); return 1;
#if defined(__x86_64__) && defined(__GNUC__)
    case AIQ_PPF_AVX2:
      if (aiq_cpu_level() < AIQ_CPU_AVX2) return 0;
      ppf_n_avx2(p, x, n);
      return 1;
    case AIQ_PPF_AVX512:
      if (aiq_cpu_level() < AIQ_CPU_AVX512) return 0;
      ppf_n_avx512(p, x, n);
      return 1;
#endif
    default: return 0;
  }
}

void aiq_norm_ppf_n(const double *p, double *x, size_t n) {
#if defined(__x86_64__) && defined(__GNUC__)
  int level = aiq_cpu_level();
  if (level >= AIQ_CPU_AVX512) {
    ppf_n_avx512(p, x, n);
    return;
  }
  if (level >= AIQ_CPU_AVX2) {
    ppf_n_avx2(p, x, n);
    return;
  }
#endif
  ppf_n_base(p, x, n);
}

double aiq_norm_cdf(double x) { return 0.5 * erfc(-x * 0.70710678118654752440); }

double aiq_log1pexp(double x) {
  if (x > 36.0) return x + exp(-x); /* exp(-x) below half an ulp of x beyond here */
  if (x > -36.0) return log1p(exp(x));
  return exp(x);
}
