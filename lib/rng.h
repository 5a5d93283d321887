/*
 * rng.h -- counter-based random numbers (Philox4x64-10 and, for the
 * household draws, Philox4x32-10; both Random123's).
 *
 * A draw is a pure function of (seed, stream, index, lane): no generator
 * state exists, so draws can be taken in any order, by any thread, and the
 * pre- and post-AI economies see the same numbers (common random numbers).
 * Key = (seed, stream); counter = (index, block, 0, 0); each block yields four
 * 64-bit words.
 */
#ifndef AIQ_RNG_H
#define AIQ_RNG_H

#include <stddef.h>
#include <stdint.h>

/* Four raw 64-bit words for (seed, stream, index, block). */
void aiq_rng_words(uint64_t seed, uint64_t stream, uint64_t index, uint64_t block,
                   uint64_t out[4]);

/* Map a 64-bit word to a double in the open interval (0, 1): the top 52 bits
 * plus one half step, so neither 0 nor 1 is ever produced (with 53 bits the
 * largest value would round up to exactly 1). */
static inline double aiq_rng_to_open01(uint64_t w) {
  return ((double)(w >> 12) + 0.5) * 0x1.0p-52;
}

/* Four uniforms in (0, 1) for (seed, stream, index, block). */
void aiq_rng_uniform4(uint64_t seed, uint64_t stream, uint64_t index, uint64_t block,
                      double out[4]);

/* out[4 i + lane] = lane of aiq_rng_uniform4(seed, stream, index0 + i, block)
 * for i < n, bit for bit (out holds 4 n doubles), about twice as fast per
 * block (docs/performance.md).  The index wraps modulo 2^64 as the scalar
 * counter would. */
void aiq_rng_uniform4_n(uint64_t seed, uint64_t stream, uint64_t index0, uint64_t block,
                        size_t n, double *out);

/* Uniform integer in [0, n) from one word, without modulo bias worth noting
 * (Lemire's multiply-shift; bias below n / 2^64).  n must be > 0. */
__extension__ typedef unsigned __int128 aiq_u128;
static inline uint64_t aiq_rng_below(uint64_t w, uint64_t n) {
  return (uint64_t)(((aiq_u128)w * n) >> 64);
}

/* Philox4x32-10 (Random123's philox4x32 at its default ten rounds): the
 * household draws' generator (draws.c).  Its 32x32->64 multiplies map onto
 * vpmuludq, eight (AVX-512) or four (AVX2) counters per instruction, which
 * makes a block several times cheaper than a Philox4x64 block, whose
 * 64x64->128 multiplies have no vector form. */
void aiq_rng_philox4x32(const uint32_t ctr[4], const uint32_t key[2], uint32_t out[4]);

/* Implementations of aiq_rng_uniform6_n, for tests and the benchmark: all
 * give the same bits; AIQ_RNG_AUTO picks the fastest the CPU reports
 * (CPUID, as vmath.c; under valgrind, which hides AVX-512, that is AVX2). */
typedef enum aiq_rng_isa {
  AIQ_RNG_AUTO = 0,
  AIQ_RNG_SCALAR = 1, /* Random123's philox4x32, any architecture */
  AIQ_RNG_AVX2 = 2,
  AIQ_RNG_AVX512 = 3
} aiq_rng_isa;
int aiq_rng_isa_supported(aiq_rng_isa isa);

/* Six uniforms per index from three Philox4x32-10 blocks, row-major:
 * out[r n + i] (r < 6, i < n) = aiq_rng_to_open01(w) with w the 64-bit word
 * v[2h] | v[2h+1] << 32 (h = r % 2) of block b = r / 2, where v =
 * aiq_rng_philox4x32(ctr, key), ctr = (lo32(x), hi32(x), b, stream),
 * x = index0 + i (mod 2^64), key = (lo32(seed), hi32(seed)).  The isa must
 * be supported. */
void aiq_rng_uniform6_n(aiq_rng_isa isa, uint64_t seed, uint32_t stream, uint64_t index0,
                        size_t n, double *out);

#endif /* AIQ_RNG_H */
