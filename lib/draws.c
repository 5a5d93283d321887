/*
 * draws.c -- the household draws: three Philox4x32-10 blocks per household
 * (rng.h, aiq_rng_uniform6_n; key = seed, counter = (index, block,
 * AIQ_STREAM_HOUSEHOLDS)).  Draw d is the 64-bit word d % 2 of block d / 2,
 * so the generator's rows are already the draw-major layout.
 *
 * Why Philox4x32 and not the Philox4x64 of the firm draws: its multiplies
 * are 32x32->64 bits, which vector units do (vpmuludq), so eight households
 * go through one AVX-512 instruction stream; the 64x64->128 multiplies of
 * Philox4x64 have no vector form.  Three 4x32 blocks per household take
 * about 5 ns where the two 4x64 blocks used up to 0.2.0 took 22 ns
 * (docs/performance.md, bench/bench_draws.c).
 */
#include "draws.h"
#include "rng.h"
#include "sim_internal.h"

void aiq_household_uniforms(uint64_t seed, uint64_t i0, size_t n, double *u) {
  aiq_rng_uniform6_n(AIQ_RNG_AUTO, seed, AIQ_STREAM_HOUSEHOLDS, i0, n, u);
}
