/*
 * cpu.h -- the widest vector instruction set this CPU runs, for the
 * modules that pick a kernel build at run time (vmath.c, normal.c, rng.c,
 * bucket.c, simulate.c).  One place reads CPUID, so every module agrees.
 */
#ifndef AIQ_CPU_H
#define AIQ_CPU_H

/* Vector levels, in increasing width. */
enum { AIQ_CPU_BASE = 0, AIQ_CPU_AVX2 = 1, AIQ_CPU_AVX512 = 2 };

/* AIQ_CPU_AVX512 if the CPU reports AVX-512F, AIQ_CPU_AVX2 if AVX2, else
 * AIQ_CPU_BASE (always on other architectures).  CPUID as libgcc reads it
 * once at load time: under valgrind, which hides AVX-512, it says AVX2. */
int aiq_cpu_level(void);

/* 1 if the CPU has FMA (the SLEEF "finz" kernels of vmath.h need it). */
int aiq_cpu_has_fma(void);

#endif /* AIQ_CPU_H */
