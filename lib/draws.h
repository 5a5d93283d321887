/*
 * draws.h -- the household draws of MODEL.md section 3: six uniforms per
 * household, a pure function of (seed, household index).
 *
 * Which generator words feed which draw is this module's business alone
 * (docs/model.md, "Random numbers"); the simulation only sees the uniforms,
 * laid out draw-major so that its loops over households are vector loops.
 */
#ifndef AIQ_DRAWS_H
#define AIQ_DRAWS_H

#include <stddef.h>
#include <stdint.h>

/* Draw rows of aiq_household_uniforms.  The four rows that become normals
 * (eps = PhiInv(u)) come first, so one batch of PhiInv covers them. */
enum {
  AIQ_DRAW_A = 0, /* u_a: ability a = sigma_a PhiInv(u_a) */
  AIQ_DRAW_Z = 1, /* eps_z: screening-signal noise */
  AIQ_DRAW_S = 2, /* eps_s: sorting noise */
  AIQ_DRAW_O = 3, /* eps_o: ownership noise */
  AIQ_DRAW_E = 4, /* u_e: education */
  AIQ_DRAW_K = 5, /* u_k: task */
  AIQ_NDRAWS = 6
};

/* u[d n + i] = uniform in (0, 1) of draw d for household i0 + i, i < n
 * (u holds AIQ_NDRAWS n doubles).  The same bits for any split of the
 * households into calls. */
void aiq_household_uniforms(uint64_t seed, uint64_t i0, size_t n, double *u);

#endif /* AIQ_DRAWS_H */
