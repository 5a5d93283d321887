/*
 * rng.c -- Philox4x64-10 and Philox4x32-10 from Random123 (Debian
 * librandom123-dev), generators with published known-answer vectors
 * (tests/test_rng.c, tests/test_draws.c); the household draws' vector
 * kernels of Philox4x32-10 (AVX2, AVX-512 in target-attributed functions,
 * chosen by CPUID at run time).
 */
#include <Random123/philox.h>

#include "cpu.h"
#include "rng.h"

void aiq_rng_words(uint64_t seed, uint64_t stream, uint64_t index, uint64_t block,
                   uint64_t out[4]) {
  philox4x64_ctr_t ctr = {{index, block, 0, 0}};
  philox4x64_key_t key = {{seed, stream}};
  philox4x64_ctr_t r = philox4x64(ctr, key);
  for (int i = 0; i < 4; i++) out[i] = r.v[i];
}

void aiq_rng_uniform4(uint64_t seed, uint64_t stream, uint64_t index, uint64_t block,
                      double out[4]) {
  uint64_t w[4];
  aiq_rng_words(seed, stream, index, block, w);
  for (int i = 0; i < 4; i++) out[i] = aiq_rng_to_open01(w[i]);
}

/* The batch form: the same philox4x64 blocks, with the ten rounds unrolled
 * into straight-line code inside the loop over counters.  Successive counters
 * are independent, so the out-of-order core overlaps one block's chain of ten
 * dependent 64x64->128 multiplies with the next block's.  Interleaving two or
 * four counters by hand was measured slower (it runs out of registers and
 * spills), and so was the default code generation, which keeps the round loop
 * rolled when the call of philox4x64 is inlined into a loop.  The rounds and
 * key schedule are Random123's own (_philox4x64round, _philox4x64bumpkey, as
 * in philox4x64_R). */
void aiq_rng_uniform4_n(uint64_t seed, uint64_t stream, uint64_t index0, uint64_t block,
                        size_t n, double *out) {
  for (size_t i = 0; i < n; i++) {
    philox4x64_key_t key = {{seed, stream}};
    philox4x64_ctr_t c = {{index0 + i, block, 0, 0}};
    c = _philox4x64round(c, key);
#pragma GCC unroll 16
    for (int round = 1; round < (int)philox4x64_rounds; round++) {
      key = _philox4x64bumpkey(key);
      c = _philox4x64round(c, key);
    }
    double *o = out + 4 * i;
    o[0] = aiq_rng_to_open01(c.v[0]);
    o[1] = aiq_rng_to_open01(c.v[1]);
    o[2] = aiq_rng_to_open01(c.v[2]);
    o[3] = aiq_rng_to_open01(c.v[3]);
  }
}

/* ---- Philox4x32-10: the household draws ---- */

void aiq_rng_philox4x32(const uint32_t ctr[4], const uint32_t key[2], uint32_t out[4]) {
  philox4x32_ctr_t c = {{ctr[0], ctr[1], ctr[2], ctr[3]}};
  philox4x32_key_t k = {{key[0], key[1]}};
  philox4x32_ctr_t r = philox4x32(c, k);
  for (int i = 0; i < 4; i++) out[i] = r.v[i];
}

/* The double of two 32-bit words (lo, hi), as aiq_rng_to_open01 of
 * lo | hi << 32. */
static double open01_2x32(uint32_t lo, uint32_t hi) {
  return aiq_rng_to_open01((uint64_t)lo | (uint64_t)hi << 32);
}

/* Indices [i0, n) of aiq_rng_uniform6_n through Random123 itself: the
 * reference the vector kernels reproduce, and their tails. */
static void uniform6_scalar(uint64_t seed, uint32_t stream, uint64_t index0, size_t i0,
                            size_t n, double *out) {
  const uint32_t key[2] = {(uint32_t)seed, (uint32_t)(seed >> 32)};
  for (size_t i = i0; i < n; i++) {
    uint64_t x = index0 + i;
    for (uint32_t b = 0; b < 3; b++) {
      uint32_t ctr[4] = {(uint32_t)x, (uint32_t)(x >> 32), b, stream}, v[4];
      aiq_rng_philox4x32(ctr, key, v);
      out[2 * b * n + i] = open01_2x32(v[0], v[1]);
      out[(2 * b + 1) * n + i] = open01_2x32(v[2], v[3]);
    }
  }
}

#if defined(__x86_64__)
#include <immintrin.h>

enum { P4X32_ROUNDS = 10 }; /* philox4x32_rounds, Random123's default */

/* Random123's key schedule (_philox4x32bumpkey): the key of round r.  It is
 * the same for every counter, so the kernels broadcast it. */
static void round_keys(uint64_t seed, uint32_t k0[P4X32_ROUNDS], uint32_t k1[P4X32_ROUNDS]) {
  uint32_t a = (uint32_t)seed, b = (uint32_t)(seed >> 32);
  for (int r = 0; r < P4X32_ROUNDS; r++) {
    k0[r] = a;
    k1[r] = b;
    a += PHILOX_W32_0;
    b += PHILOX_W32_1;
  }
}

/* The vector kernels hold one counter per 64-bit lane, its 32-bit words in
 * the low halves of four registers, so a round (_philox4x32round) is
 *   p0 = M0 * c0, p1 = M1 * c2            (vpmuludq: 32x32 -> 64 bits)
 *   c0 = hi(p1) ^ c1 ^ k0, c1 = p1, c2 = hi(p0) ^ c3 ^ k1, c3 = p0.
 * The high halves of c0..c3 carry garbage that never reaches a low half:
 * c0 and c2 only feed vpmuludq, which reads low halves; c1 and c3 only feed
 * XORs into c0 and c2.  The three blocks of an index are computed side by
 * side, three independent chains of dependent multiplies.  A word pair
 * (lo, hi) becomes a double by putting the 52 bits m = (lo | hi << 32) >> 12
 * under the exponent of 1.0, which is 1 + m 2^-52, and subtracting
 * 1 - 2^-53: (m + 0.5) 2^-52 exactly, the value of aiq_rng_to_open01. */
#define P4X32_KERNEL(NAME, TARGET, VI, VD, W, SET1, ADD, SRLI, SLLI, MUL, XOR3, AND, OR,  \
                     CASTPD, SUBPD, SET1PD, LANES)                                         \
  __attribute__((target(TARGET))) static size_t NAME(uint64_t seed, uint32_t stream,       \
                                                     uint64_t index0, size_t n,             \
                                                     double *out) {                         \
    uint32_t k0[P4X32_ROUNDS], k1[P4X32_ROUNDS];                                            \
    round_keys(seed, k0, k1);                                                               \
    const VI m0 = SET1(PHILOX_M4x32_0), m1 = SET1(PHILOX_M4x32_1);                          \
    const VI lo32 = SET1(0xffffffff), one = SET1(0x3ff0000000000000);                       \
    const VD below1 = SET1PD(1.0 - 0x1p-53);                                                \
    const VI lane = LANES;                                                                  \
    size_t i = 0;                                                                           \
    for (; i + (W) <= n; i += (W)) {                                                        \
      VI x = ADD(SET1((long long)(index0 + i)), lane), c0[3], c1[3], c2[3], c3[3];          \
      for (int b = 0; b < 3; b++) {                                                         \
        c0[b] = x;                                                                          \
        c1[b] = SRLI(x, 32);                                                                \
        c2[b] = SET1(b);                                                                    \
        c3[b] = SET1(stream);                                                               \
      }                                                                                     \
      _Pragma("GCC unroll 10") for (int r = 0; r < P4X32_ROUNDS; r++) {                     \
        VI kk0 = SET1(k0[r]), kk1 = SET1(k1[r]);                                            \
        _Pragma("GCC unroll 3") for (int b = 0; b < 3; b++) {                               \
          VI p0 = MUL(c0[b], m0), p1 = MUL(c2[b], m1);                                      \
          c0[b] = XOR3(SRLI(p1, 32), c1[b], kk0);                                           \
          c2[b] = XOR3(SRLI(p0, 32), c3[b], kk1);                                           \
          c1[b] = p1;                                                                       \
          c3[b] = p0;                                                                       \
        }                                                                                   \
      }                                                                                     \
      for (int b = 0; b < 3; b++) {                                                         \
        VI w0 = OR(AND(c0[b], lo32), SLLI(c1[b], 32));                                      \
        VI w1 = OR(AND(c2[b], lo32), SLLI(c3[b], 32));                                      \
        STORE(out + 2 * b * n + i, SUBPD(CASTPD(OR(SRLI(w0, 12), one)), below1));           \
        STORE(out + (2 * b + 1) * n + i, SUBPD(CASTPD(OR(SRLI(w1, 12), one)), below1));     \
      }                                                                                     \
    }                                                                                       \
    return i;                                                                               \
  }

#define XOR3_AVX512(a, b, c) _mm512_ternarylogic_epi64(a, b, c, 0x96)
#define XOR3_AVX2(a, b, c) _mm256_xor_si256(_mm256_xor_si256(a, b), c)
#define STORE _mm512_storeu_pd
P4X32_KERNEL(uniform6_avx512, "avx512f", __m512i, __m512d, 8, _mm512_set1_epi64,
             _mm512_add_epi64, _mm512_srli_epi64, _mm512_slli_epi64, _mm512_mul_epu32,
             XOR3_AVX512, _mm512_and_si512, _mm512_or_si512, _mm512_castsi512_pd,
             _mm512_sub_pd, _mm512_set1_pd, _mm512_set_epi64(7, 6, 5, 4, 3, 2, 1, 0))
#undef STORE
#define STORE _mm256_storeu_pd
P4X32_KERNEL(uniform6_avx2, "avx2", __m256i, __m256d, 4, _mm256_set1_epi64x,
             _mm256_add_epi64, _mm256_srli_epi64, _mm256_slli_epi64, _mm256_mul_epu32,
             XOR3_AVX2, _mm256_and_si256, _mm256_or_si256, _mm256_castsi256_pd,
             _mm256_sub_pd, _mm256_set1_pd, _mm256_set_epi64x(3, 2, 1, 0))
#undef STORE
#endif

int aiq_rng_isa_supported(aiq_rng_isa isa) {
  switch (isa) {
    case AIQ_RNG_AUTO:
    case AIQ_RNG_SCALAR: return 1;
#if defined(__x86_64__)
    case AIQ_RNG_AVX512: return aiq_cpu_level() >= AIQ_CPU_AVX512;
    case AIQ_RNG_AVX2: return aiq_cpu_level() >= AIQ_CPU_AVX2;
#endif
    default: return 0;
  }
}

void aiq_rng_uniform6_n(aiq_rng_isa isa, uint64_t seed, uint32_t stream, uint64_t index0,
                        size_t n, double *out) {
  if (isa == AIQ_RNG_AUTO)
    isa = aiq_rng_isa_supported(AIQ_RNG_AVX512)  ? AIQ_RNG_AVX512
          : aiq_rng_isa_supported(AIQ_RNG_AVX2) ? AIQ_RNG_AVX2
                                                : AIQ_RNG_SCALAR;
  size_t done = 0;
#if defined(__x86_64__)
  if (isa == AIQ_RNG_AVX512) done = uniform6_avx512(seed, stream, index0, n, out);
  if (isa == AIQ_RNG_AVX2) done = uniform6_avx2(seed, stream, index0, n, out);
#endif
  uniform6_scalar(seed, stream, index0, done, n, out);
}
