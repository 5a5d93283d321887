/*
 * draws.c -- the household draws: two Philox4x64-10 blocks per household
 * (rng.h; key = (seed, AIQ_STREAM_HOUSEHOLDS), counter = (index, block)):
 *   block 0: lane 0 u_a, lane 1 u_e, lane 2 u_k, lane 3 eps_z
 *   block 1: lane 0 eps_s, lane 1 eps_o (lanes 2 and 3 unused)
 */
#include "draws.h"
#include "rng.h"
#include "sim_internal.h"

/* Households per batch call: the generator's output for them (8 doubles
 * each) stays on the stack. */
#define DRAW_CHUNK 64

void aiq_household_uniforms(uint64_t seed, uint64_t i0, size_t n, double *u) {
  double b0[4 * DRAW_CHUNK], b1[4 * DRAW_CHUNK];
  for (size_t lo = 0; lo < n; lo += DRAW_CHUNK) {
    size_t m = n - lo < DRAW_CHUNK ? n - lo : DRAW_CHUNK;
    aiq_rng_uniform4_n(seed, AIQ_STREAM_HOUSEHOLDS, i0 + lo, 0, m, b0);
    aiq_rng_uniform4_n(seed, AIQ_STREAM_HOUSEHOLDS, i0 + lo, 1, m, b1);
    for (size_t i = 0; i < m; i++) {
      u[AIQ_DRAW_A * n + lo + i] = b0[4 * i];
      u[AIQ_DRAW_E * n + lo + i] = b0[4 * i + 1];
      u[AIQ_DRAW_K * n + lo + i] = b0[4 * i + 2];
      u[AIQ_DRAW_Z * n + lo + i] = b0[4 * i + 3];
      u[AIQ_DRAW_S * n + lo + i] = b1[4 * i];
      u[AIQ_DRAW_O * n + lo + i] = b1[4 * i + 1];
    }
  }
}
