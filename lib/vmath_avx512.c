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

/* f over whole vectors; a tail is copied into a vector padded with ones. */
static void run(__m512d (*f)(__m512d), const double *x, double *y, size_t n) {
  size_t i = 0;
  for (; i + 8 <= n; i += 8) _mm512_storeu_pd(y + i, f(_mm512_loadu_pd(x + i)));
  if (i < n) {
    double t[8] = {1, 1, 1, 1, 1, 1, 1, 1};
    memcpy(t, x + i, (n - i) * sizeof *t);
    _mm512_storeu_pd(t, f(_mm512_loadu_pd(t)));
    memcpy(y + i, t, (n - i) * sizeof *t);
  }
}

void aiq_vexp_avx512(const double *x, double *y, size_t n) {
  run(Sleef_finz_expd8_u10avx512f, x, y, n);
}

void aiq_vlog_avx512(const double *x, double *y, size_t n) {
  run(Sleef_finz_logd8_u10avx512f, x, y, n);
}
#else
typedef int aiq_vmath_avx512_unused; /* not x86-64: an empty unit is not ISO C */
#endif
