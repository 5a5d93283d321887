/*
 * vmath.h -- exp and log of arrays through SLEEF's vector functions, chosen
 * at run time by what CPUID reports.
 *
 * Bits.  On every x86-64 CPU with FMA (AVX-512F, or AVX2 + FMA) the SLEEF
 * "finz" functions are used, whose results are the same bits for every
 * vector width (SLEEF's deterministic variants); so an AVX-512 machine and
 * valgrind (which hides AVX-512 and runs the AVX2 path) agree bit for bit.
 * Without FMA the "cinz" SSE2 functions (no FMA) are used: still within
 * 1 ulp, but their last bits can differ from the FMA ones.  A value's
 * result never depends on its neighbours, on n, or on the thread that
 * computes it: a tail shorter than a vector is copied into a padded vector.
 * Both functions allow y == x (in place); otherwise x and y must not
 * overlap.  Maximum error 1.0 ulp (SLEEF's u10), special values as C99's
 * exp and log (exp(-inf) = 0, exp(x > 709.78) = inf, log(0) = -inf,
 * log(x < 0) = NaN, NaN in NaN out).
 */
#ifndef AIQ_VMATH_H
#define AIQ_VMATH_H

#include <stddef.h>

/* y[i] = exp(x[i]) for i < n. */
void aiq_vexp(const double *x, double *y, size_t n);

/* y[i] = log(x[i]) for i < n. */
void aiq_vlog(const double *x, double *y, size_t n);

/* Implementations, for tests: AIQ_VMATH_AUTO picks the best one the CPU
 * supports; aiq_vmath_supported says whether a given one can run here. */
typedef enum aiq_vmath_isa {
  AIQ_VMATH_AUTO = 0,
  AIQ_VMATH_AVX512 = 1,  /* AVX-512F, FMA (finz) */
  AIQ_VMATH_AVX2 = 2,    /* AVX2 + FMA (finz) */
  AIQ_VMATH_SCALAR_FMA = 3, /* scalar with FMA (finz), the reference of the FMA bits */
  AIQ_VMATH_SSE2 = 4,    /* x86-64 baseline, no FMA (cinz) */
  AIQ_VMATH_PORTABLE = 5 /* scalar SLEEF (cinz), any architecture */
} aiq_vmath_isa;

int aiq_vmath_supported(aiq_vmath_isa isa);
aiq_vmath_isa aiq_vmath_best(void);
/* As aiq_vexp / aiq_vlog with a given implementation (it must be supported). */
void aiq_vexp_isa(aiq_vmath_isa isa, const double *x, double *y, size_t n);
void aiq_vlog_isa(aiq_vmath_isa isa, const double *x, double *y, size_t n);

/* Defines `void NAME(const double *x, double *y, size_t n)`: F over whole
 * vectors of W doubles (type VT, LOAD/STORE unaligned), a tail copied into a
 * vector padded with ones.  A macro, not a function taking F: SLEEF declares
 * its functions with a const-qualified return type, which clang does not
 * convert to a plain function pointer.  Needs <string.h>. */
#define AIQ_VMATH_KERNEL(NAME, VT, W, LOAD, STORE, F)                                     \
  static void NAME(const double *x, double *y, size_t n) {                                \
    size_t i = 0;                                                                         \
    for (; i + (W) <= n; i += (W)) STORE(y + i, F(LOAD(x + i)));                          \
    if (i < n) {                                                                          \
      double t_[W];                                                                       \
      for (size_t j_ = 0; j_ < (W); j_++) t_[j_] = i + j_ < n ? x[i + j_] : 1.0;           \
      STORE(t_, F(LOAD(t_)));                                                             \
      memcpy(y + i, t_, (n - i) * sizeof *t_);                                            \
    }                                                                                     \
  }

/* Internal kernels of vmath_avx2.c and vmath_avx512.c (x86-64 only). */
void aiq_vexp_avx2(const double *x, double *y, size_t n);
void aiq_vlog_avx2(const double *x, double *y, size_t n);
void aiq_vexp_avx512(const double *x, double *y, size_t n);
void aiq_vlog_avx512(const double *x, double *y, size_t n);
void aiq_vexp_fma1(const double *x, double *y, size_t n);
void aiq_vlog_fma1(const double *x, double *y, size_t n);

#endif /* AIQ_VMATH_H */
