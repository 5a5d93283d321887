/*
 * cpu.c -- CPUID through GCC's __builtin_cpu_supports (libgcc fills its
 * table at load time; __builtin_cpu_init makes it safe to ask from any
 * constructor too), so nothing here is mutable state of ours.
 */
#include "cpu.h"

int aiq_cpu_level(void) {
#if defined(__x86_64__) && defined(__GNUC__)
  __builtin_cpu_init();
  if (__builtin_cpu_supports("avx512f")) return AIQ_CPU_AVX512;
  if (__builtin_cpu_supports("avx2")) return AIQ_CPU_AVX2;
#endif
  return AIQ_CPU_BASE;
}

int aiq_cpu_has_fma(void) {
#if defined(__x86_64__) && defined(__GNUC__)
  __builtin_cpu_init();
  return __builtin_cpu_supports("fma") != 0;
#else
  return 0;
#endif
}
