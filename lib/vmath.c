/*
 * vmath.c -- run-time choice of the exp/log kernels of vmath.h.
 *
 * The choice follows what CPUID reports (cpu.h): under valgrind, which hides AVX-512,
 * the AVX2 kernel runs, with the same bits (vmath.h).  The AVX kernels live
 * in vmath_avx2.c and vmath_avx512.c, the only files compiled for those
 * instruction sets; this file is baseline code.
 */
#include <math.h>
#include <string.h>

#if defined(__x86_64__)
#include <emmintrin.h>
#include <sleef.h>
#endif

#include "cpu.h"
#include "vmath.h"

int aiq_vmath_supported(aiq_vmath_isa isa) {
  switch (isa) {
    case AIQ_VMATH_AUTO:
    case AIQ_VMATH_PORTABLE: return 1;
#if defined(__x86_64__)
    case AIQ_VMATH_AVX512: return aiq_cpu_level() >= AIQ_CPU_AVX512;
    case AIQ_VMATH_AVX2: return aiq_cpu_level() >= AIQ_CPU_AVX2 && aiq_cpu_has_fma();
    case AIQ_VMATH_SCALAR_FMA: return aiq_cpu_has_fma();
    case AIQ_VMATH_SSE2: return 1;
#endif
    default: return 0;
  }
}

aiq_vmath_isa aiq_vmath_best(void) {
#if defined(__x86_64__)
  if (aiq_vmath_supported(AIQ_VMATH_AVX512)) return AIQ_VMATH_AVX512;
  if (aiq_vmath_supported(AIQ_VMATH_AVX2)) return AIQ_VMATH_AVX2;
  return AIQ_VMATH_SSE2;
#else
  return AIQ_VMATH_PORTABLE;
#endif
}

#if defined(__x86_64__)
/* SSE2 without FMA: two lanes. */
AIQ_VMATH_KERNEL(sse2_exp, __m128d, 2, _mm_loadu_pd, _mm_storeu_pd, Sleef_cinz_expd2_u10sse2)
AIQ_VMATH_KERNEL(sse2_log, __m128d, 2, _mm_loadu_pd, _mm_storeu_pd, Sleef_cinz_logd2_u10sse2)
#endif

void aiq_vexp_isa(aiq_vmath_isa isa, const double *x, double *y, size_t n) {
  if (isa == AIQ_VMATH_AUTO) isa = aiq_vmath_best();
  switch (isa) {
#if defined(__x86_64__)
    case AIQ_VMATH_AVX512: aiq_vexp_avx512(x, y, n); return;
    case AIQ_VMATH_AVX2: aiq_vexp_avx2(x, y, n); return;
    case AIQ_VMATH_SCALAR_FMA: aiq_vexp_fma1(x, y, n); return;
    case AIQ_VMATH_SSE2: sse2_exp(x, y, n); return;
#endif
    default:
      for (size_t i = 0; i < n; i++) y[i] = exp(x[i]);
      return;
  }
}

void aiq_vlog_isa(aiq_vmath_isa isa, const double *x, double *y, size_t n) {
  if (isa == AIQ_VMATH_AUTO) isa = aiq_vmath_best();
  switch (isa) {
#if defined(__x86_64__)
    case AIQ_VMATH_AVX512: aiq_vlog_avx512(x, y, n); return;
    case AIQ_VMATH_AVX2: aiq_vlog_avx2(x, y, n); return;
    case AIQ_VMATH_SCALAR_FMA: aiq_vlog_fma1(x, y, n); return;
    case AIQ_VMATH_SSE2: sse2_log(x, y, n); return;
#endif
    default:
      for (size_t i = 0; i < n; i++) y[i] = log(x[i]);
      return;
  }
}

void aiq_vexp(const double *x, double *y, size_t n) { aiq_vexp_isa(AIQ_VMATH_AUTO, x, y, n); }

void aiq_vlog(const double *x, double *y, size_t n) { aiq_vlog_isa(AIQ_VMATH_AUTO, x, y, n); }
