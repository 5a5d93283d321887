/*
 * vmath_avx2.c -- SLEEF's AVX2 exp and log over arrays (finz: the FMA
 * results, the same bits as the AVX-512 and scalar FMA variants; vmath.h).
 * Compiled with -mavx2 -mfma (Makefile) and called by vmath.c only when CPUID
 * reports AVX2 and FMA (the scalar FMA kernels: FMA), so nothing else may
 * live in this file.
 */
#if defined(__x86_64__) && defined(__AVX2__) && defined(__FMA__)
#include <immintrin.h>
#include <string.h>

#include <sleef.h>

#include "vmath.h"

AIQ_VMATH_KERNEL(run_exp, __m256d, 4, _mm256_loadu_pd, _mm256_storeu_pd, Sleef_finz_expd4_u10avx2)
AIQ_VMATH_KERNEL(run_log, __m256d, 4, _mm256_loadu_pd, _mm256_storeu_pd, Sleef_finz_logd4_u10avx2)

void aiq_vexp_avx2(const double *x, double *y, size_t n) {
  run_exp(x, y, n);
}

void aiq_vlog_avx2(const double *x, double *y, size_t n) {
  run_log(x, y, n);
}

/* Scalar FMA versions (tests: the reference of the FMA bits). */
void aiq_vexp_fma1(const double *x, double *y, size_t n) {
  for (size_t i = 0; i < n; i++) y[i] = Sleef_finz_expd1_u10purecfma(x[i]);
}

void aiq_vlog_fma1(const double *x, double *y, size_t n) {
  for (size_t i = 0; i < n; i++) y[i] = Sleef_finz_logd1_u10purecfma(x[i]);
}
#else
typedef int aiq_vmath_avx2_unused; /* not x86-64: an empty unit is not ISO C */
#endif
