/*
 * rng.c -- Philox4x64-10 from Random123 (Debian librandom123-dev), the
 * generator with published known-answer vectors (tests/test_rng.c).
 */
#include <Random123/philox.h>

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
