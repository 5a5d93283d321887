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
