/*
 * numerics.h -- special functions and quadrature used by the solver.
 */
#ifndef AIQ_NUMERICS_H
#define AIQ_NUMERICS_H

#include <stddef.h>

/* Largest number of Gauss-Hermite nodes aiq_gauss_hermite accepts. */
#define AIQ_GH_MAX 200

/* Probabilists' Gauss-Hermite rule with q nodes (1 <= q <= AIQ_GH_MAX):
 * nodes t[0..q) ascending for the weight exp(-t^2/2), weights w[0..q)
 * normalised to sum to one, so that sum_i w_i f(t_i) approximates E f(T),
 * T ~ N(0,1).  Nodes are the eigenvalues of the Jacobi matrix (Golub-Welsch,
 * LAPACK dstev); weights are the Christoffel numbers 1/sum_j phi_j(t_i)^2 of
 * the orthonormal Hermite polynomials, which keep full relative accuracy in
 * the tails where the eigenvector form loses it.  Returns AIINEQ_OK,
 * AIINEQ_ERR_RANGE (q out of range) or AIINEQ_ERR_NOMEM / AIINEQ_ERR_SINGULAR
 * (LAPACK failure). */
int aiq_gauss_hermite(size_t q, double *t, double *w);

/* Standard normal quantile PhiInv(p) for p in (0,1) (Wichura 1988, AS241
 * PPND16, within 7.5e-16 relative; the tails' logarithm from vmath.h's
 * aiq_vlog, so that the batch can share it); -inf at 0, +inf at 1, NaN
 * outside [0,1]. */
double aiq_norm_ppf(double p);

/* x[i] = aiq_norm_ppf(p[i]) for i < n, bit for bit, faster: the central
 * region is evaluated in SIMD lanes.  x may be p itself (in place); other
 * overlaps are not allowed. */
void aiq_norm_ppf_n(const double *p, double *x, size_t n);

/* The builds of aiq_norm_ppf_n (x86-64 has all three; elsewhere only the
 * baseline one): aiq_norm_ppf_n runs the widest one CPUID reports.
 * aiq_norm_ppf_n_build runs the given one and returns 1, or returns 0
 * without touching x when this machine cannot run it: lets the tests check
 * every build against the scalar function, and the bench time each. */
typedef enum aiq_ppf_build {
  AIQ_PPF_BASE = 0,   /* the baseline instruction set (SSE2 on x86-64) */
  AIQ_PPF_AVX2 = 1,   /* AVX2 */
  AIQ_PPF_AVX512 = 2, /* AVX-512F */
  AIQ_PPF_NBUILDS = 3
} aiq_ppf_build;
int aiq_norm_ppf_n_build(aiq_ppf_build build, const double *p, double *x, size_t n);

/* Standard normal CDF Phi(x) = erfc(-x/sqrt 2)/2 (full relative accuracy in
 * the lower tail). */
double aiq_norm_cdf(double x);

/* log(1 + exp(x)) without overflow or loss of accuracy. */
double aiq_log1pexp(double x);

#endif /* AIQ_NUMERICS_H */
