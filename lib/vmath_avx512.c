/*
 * vmath_avx512.c -- SLEEF's AVX-512F exp and log over arrays (finz: the FMA
 * results, the same bits as the AVX2 and scalar FMA variants; vmath.h).
 * Compiled with -mavx512f (Makefile) and called by vmath.c only when CPUID
 * reports AVX-512F, so nothing else may live in this file.
 */
#if defined(__x86_64__) && defined(__AVX512F__)
#include <immintrin.h>
#include <string.h>

#include <sleef.h>

#include "vmath.h"

AIQ_VMATH_KERNEL(run_exp, __m512d, 8, _mm512_loadu_pd, _mm512_storeu_pd, Sleef_finz_expd8_u10avx512f)
AIQ_VMATH_KERNEL(run_log, __m512d, 8, _mm512_loadu_pd, _mm512_storeu_pd, Sleef_finz_logd8_u10avx512f)

void aiq_vexp_avx512(const double *x, double *y, size_t n) {
  run_exp(x, y, n);
}

void aiq_vlog_avx512(const double *x, double *y, size_t n) {
  run_log(x, y, n);
}
#else
typedef int aiq_vmath_avx512_unused; /* not x86-64: an empty unit is not ISO C */
#endif
