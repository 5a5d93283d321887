/*
 * normal.c -- normal CDF and quantile.
 *
 * The quantile is Wichura's algorithm AS241 (PPND16, Applied Statistics 37,
 * 1988): rational approximations of degree 7 in three regions, relative
 * accuracy about 1e-16.  Coefficients are those of the published paper.
 */
#include <math.h>

#include "numerics.h"

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

double aiq_norm_ppf(double p) {
  if (!(p >= 0.0 && p <= 1.0)) return NAN;
  double q = p - 0.5;
  if (fabs(q) <= 0.425) {
    double r = 0.180625 - q * q;
    return q * poly7(A, r) / poly7(B, r);
  }
  double r = q < 0.0 ? p : 1.0 - p; /* exact for p in [0.5, 1] (Sterbenz) */
  if (r == 0.0) return q < 0.0 ? -INFINITY : INFINITY;
  r = sqrt(-log(r));
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
 * 3. for the listed ones, sqrt(-log r) with scalar calls (a vector log would
 *    not round like libm's log), then the r <= 5 rational vectorised;
 * 4. scatter those, and recompute with the scalar function the rare ones the
 *    vector tail does not cover (0, 1, NaN, out of range, r > 5 i.e.
 *    p < 1.4e-11).
 * Each vectorised pass performs the scalar code's operations in the same
 * order; SSE2/AVX2/AVX-512/NEON lanes round like scalar instructions, and
 * the build has -ffp-contract=off, so no multiply-add is fused in either.
 * Chunks keep the scratch lists on the stack and p in L1 between the
 * passes. */
enum { PPF_CHUNK = 256 };

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

__attribute__((always_inline)) static inline void ppf_n(size_t (*list)(const double *, size_t,
                                                                      double *, unsigned *),
                                                        const double *p, double *x, size_t n) {
  double tail_p[PPF_CHUNK], tail_v[PPF_CHUNK], tail_r[PPF_CHUNK];
  unsigned tail_i[PPF_CHUNK];
  for (size_t i0 = 0; i0 < n; i0 += PPF_CHUNK) {
    size_t m = n - i0 < PPF_CHUNK ? n - i0 : PPF_CHUNK;
    const double *pc = p + i0;
    double *xc = x + i0;
    /* 1, before pass 2 may overwrite p (x == p) */
    size_t k = list(pc, m, tail_p, tail_i);
    /* 2 */
#pragma omp simd
    for (size_t j = 0; j < m; j++) {
      double q = pc[j] - 0.5;
      double r = 0.180625 - q * q;
      xc[j] = q * poly7(A, r) / poly7(B, r);
    }
    /* 3; special p get a harmless argument and are redone in pass 4.  The
     * square root stays scalar too: with errno semantics the compiler does
     * not vectorise it (and sqrtsd is cheap). */
    for (size_t t = 0; t < k; t++) {
      double pj = tail_p[t], r = pj - 0.5 < 0.0 ? pj : 1.0 - pj;
      tail_r[t] = sqrt(-log(pj > 0.0 && pj < 1.0 ? r : 0.5));
    }
#pragma omp simd
    for (size_t t = 0; t < k; t++) {
      double q = tail_p[t] - 0.5, r = tail_r[t] - 1.6;
      double v = poly7(C, r) / poly7(D, r);
      tail_v[t] = q < 0.0 ? -v : v;
    }
    /* 4: r > 5.0 exactly where the scalar code takes its far-tail branch */
    for (size_t t = 0; t < k; t++) {
      double pj = tail_p[t];
      int scalar = !(pj > 0.0 && pj < 1.0) || !(tail_r[t] <= 5.0);
      xc[tail_i[t]] = scalar ? aiq_norm_ppf(pj) : tail_v[t];
    }
  }
}

/* The same code compiled three times on x86-64: for the baseline (SSE2, two
 * lanes), AVX2 (four lanes; AVX2 does not imply FMA, and contraction is off
 * anyway) and AVX-512F (eight lanes, and pass 1 by compressing stores),
 * chosen at run time by CPUID (under valgrind, which hides AVX-512, the
 * AVX2 build runs: the same bits).  Elsewhere one build for the target. */
static void ppf_n_base(const double *p, double *x, size_t n) { ppf_n(tail_list, p, x, n); }

#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>

__attribute__((target("avx2"))) static void ppf_n_avx2(const double *p, double *x, size_t n) {
  ppf_n(tail_list, p, x, n);
}

/* tail_list eight elements at a time: the outside lanes' p and indices are
 * compressed to the front of a vector, and all eight lanes are stored at
 * the list's end (k + 8 <= j + 8 <= m: within the lists); the same list. */
__attribute__((target("avx512f"))) static inline size_t
tail_list_avx512(const double *pc, size_t m, double *tail_p, unsigned *tail_i) {
  const __m512d half = _mm512_set1_pd(0.5), bound = _mm512_set1_pd(0.425);
  const __m512i eight = _mm512_set1_epi32(8);
  __m512i idx = _mm512_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7, 0, 0, 0, 0, 0, 0, 0, 0);
  size_t k = 0, j = 0;
  for (; j + 8 <= m; j += 8) {
    __m512d pj = _mm512_loadu_pd(pc + j);
    __m512d d = _mm512_abs_pd(_mm512_sub_pd(pj, half));
    /* not (d <= 0.425): "not less-equal", true for NaN as in tail_list */
    __mmask8 out = _mm512_cmp_pd_mask(d, bound, _CMP_NLE_UQ);
    _mm512_storeu_pd(tail_p + k, _mm512_maskz_compress_pd(out, pj));
    _mm256_storeu_si256((__m256i *)(tail_i + k),
                        _mm512_castsi512_si256(_mm512_maskz_compress_epi32(out, idx)));
    idx = _mm512_add_epi32(idx, eight);
    k += (size_t)__builtin_popcount(out);
  }
  for (; j < m; j++) { /* the last m % 8 as tail_list */
    double pj = pc[j];
    tail_p[k] = pj;
    tail_i[k] = (unsigned)j;
    k += !(fabs(pj - 0.5) <= 0.425);
  }
  return k;
}

__attribute__((target("avx512f"))) static void ppf_n_avx512(const double *p, double *x,
                                                             size_t n) {
  ppf_n(tail_list_avx512, p, x, n);
}
#endif

int aiq_norm_ppf_n_build(aiq_ppf_build build, const double *p, double *x, size_t n) {
  switch (build) {
    case AIQ_PPF_BASE: ppf_n_base(p, x, n); return 1;
#if defined(__x86_64__) && defined(__GNUC__)
    case AIQ_PPF_AVX2:
      if (!__builtin_cpu_supports("avx2")) return 0;
      ppf_n_avx2(p, x, n);
      return 1;
    case AIQ_PPF_AVX512:
      if (!__builtin_cpu_supports("avx512f")) return 0;
      ppf_n_avx512(p, x, n);
      return 1;
#endif
    default: return 0;
  }
}

void aiq_norm_ppf_n(const double *p, double *x, size_t n) {
#if defined(__x86_64__) && defined(__GNUC__)
  if (__builtin_cpu_supports("avx512f")) {
    ppf_n_avx512(p, x, n);
    return;
  }
  if (__builtin_cpu_supports("avx2")) {
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
