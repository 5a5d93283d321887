/*
 * test_draws.c -- the household draws: Philox4x32-10 against Random123's
 * known-answer vectors, every kernel of aiq_rng_uniform6_n against the
 * definition in rng.h (bit for bit, including tails and counter carries),
 * and aiq_household_uniforms' layout, split invariance and moments.
 */
#include <stdint.h>
#include <string.h>

#include "draws.h"
#include "rng.h"
#include "sim_internal.h"
#include "testutil.h"

/* Random123's kat_vectors, "philox4x32 10": counter, key -> output. */
static const struct {
  uint32_t ctr[4], key[2], out[4];
} kat[3] = {
    {{0, 0, 0, 0}, {0, 0}, {0x6627e8d5, 0xe169c58d, 0xbc57ac4c, 0x9b00dbd8}},
    {{0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff},
     {0xffffffff, 0xffffffff},
     {0x408f276d, 0x41c83b0e, 0xa20bc7c6, 0x6d5451fd}},
    {{0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344},
     {0xa4093822, 0x299f31d0},
     {0xd16cfe09, 0x94fdcceb, 0x5001e420, 0x24126ea1}},
};

START_TEST(test_philox4x32_kat) {
  for (int t = 0; t < 3; t++) {
    uint32_t out[4];
    aiq_rng_philox4x32(kat[t].ctr, kat[t].key, out);
    for (int w = 0; w < 4; w++) ck_assert_uint_eq(out[w], kat[t].out[w]);
  }
}
END_TEST

/* Row r of index x as rng.h defines it, from aiq_rng_philox4x32. */
static double defined_draw(uint64_t seed, uint32_t stream, uint64_t x, int r) {
  uint32_t ctr[4] = {(uint32_t)x, (uint32_t)(x >> 32), (uint32_t)(r / 2), stream};
  uint32_t key[2] = {(uint32_t)seed, (uint32_t)(seed >> 32)}, v[4];
  aiq_rng_philox4x32(ctr, key, v);
  int h = r % 2;
  return aiq_rng_to_open01((uint64_t)v[2 * h] | (uint64_t)v[2 * h + 1] << 32);
}

static const aiq_rng_isa isas[] = {AIQ_RNG_AUTO, AIQ_RNG_SCALAR, AIQ_RNG_AVX2, AIQ_RNG_AVX512};
static const char *isa_name[] = {"auto", "scalar", "avx2", "avx512"};

/* Every kernel the CPU runs gives the defined bits: counts around the
 * vector widths (tails), a start at which the counter's high word changes
 * inside a batch, one at which the 64-bit index wraps, a seed with both key
 * words non-zero, two streams.  The guard after out[6 n] stays untouched. */
START_TEST(test_uniform6_kernels) {
  static const size_t sizes[] = {0, 1, 3, 4, 5, 7, 8, 9, 15, 16, 17, 100, 257};
  static const uint64_t starts[] = {0, 1, UINT64_C(0xfffffffd), UINT64_MAX - 5};
  static const uint64_t seeds[] = {1, UINT64_C(0x0123456789abcdef)};
  enum { MAXN = 257 };
  static double out[6 * MAXN + 1];
  int ran = 0;
  for (size_t k = 0; k < sizeof isas / sizeof isas[0]; k++) {
    if (!aiq_rng_isa_supported(isas[k])) continue;
    ran++;
    for (size_t a = 0; a < sizeof sizes / sizeof sizes[0]; a++)
      for (size_t b = 0; b < sizeof starts / sizeof starts[0]; b++)
        for (size_t s = 0; s < 4; s++) {
          size_t n = sizes[a];
          uint64_t seed = seeds[s % 2];
          uint32_t stream = s < 2 ? 0 : 7;
          out[6 * n] = -1.0;
          aiq_rng_uniform6_n(isas[k], seed, stream, starts[b], n, out);
          ck_assert(out[6 * n] == -1.0);
          for (int r = 0; r < 6; r++)
            for (size_t i = 0; i < n; i++) {
              double want = defined_draw(seed, stream, starts[b] + i, r);
              ck_assert_msg(memcmp(&want, out + r * n + i, sizeof want) == 0,
                            "%s: n %zu start %llu row %d: index %zu differs", isa_name[k], n,
                            (unsigned long long)starts[b], r, i);
            }
        }
  }
  ck_assert_int_ge(ran, 2); /* auto and scalar everywhere */
}
END_TEST

/* The first known-answer vector through each kernel: key 0, counter
 * (0, 0, 0, 0) is row 0 and 1 of index 0 with seed 0, stream 0 (index 0
 * lies in a full vector for n = 9). */
START_TEST(test_uniform6_kat) {
  double out[6 * 9];
  for (size_t k = 0; k < sizeof isas / sizeof isas[0]; k++) {
    if (!aiq_rng_isa_supported(isas[k])) continue;
    aiq_rng_uniform6_n(isas[k], 0, 0, 0, 9, out);
    ck_assert(out[0] == aiq_rng_to_open01(UINT64_C(0xe169c58d6627e8d5)));
    ck_assert(out[9] == aiq_rng_to_open01(UINT64_C(0x9b00dbd8bc57ac4c)));
  }
}
END_TEST

/* docs/model.md's table: draw d of household i is row d of the household
 * stream; the same bits for any split of the households into calls. */
START_TEST(test_household_layout_and_splits) {
  enum { N = 1000 };
  static double whole[6 * N], part[6 * N];
  const uint64_t seed = 20261204;
  aiq_household_uniforms(seed, 0, N, whole);
  for (int d = 0; d < AIQ_NDRAWS; d++)
    for (size_t i = 0; i < N; i += 37)
      ck_assert(whole[d * N + i] == defined_draw(seed, AIQ_STREAM_HOUSEHOLDS, i, d));
  static const size_t cuts[] = {0, 1, 9, 256, 263, 999, N};
  for (size_t c = 0; c + 1 < sizeof cuts / sizeof cuts[0]; c++) {
    size_t lo = cuts[c], n = cuts[c + 1] - lo;
    aiq_household_uniforms(seed, lo, n, part);
    for (int d = 0; d < AIQ_NDRAWS; d++)
      ck_assert(memcmp(part + d * n, whole + d * N + lo, n * sizeof *part) == 0);
  }
}
END_TEST

/* The six draws are uniform and uncorrelated: means within 5 standard
 * errors of 1/2, variances near 1/12, pairwise correlations within 5
 * standard errors of 0 (a duplicated or shifted word would show). */
START_TEST(test_household_moments) {
  enum { N = 100000 };
  double *u = malloc(6 * (size_t)N * sizeof *u);
  ck_assert_ptr_nonnull(u);
  aiq_household_uniforms(3, 0, N, u);
  for (int d = 0; d < 6; d++) {
    double s = 0, s2 = 0;
    for (size_t i = 0; i < N; i++) {
      ck_assert(u[d * N + i] > 0.0 && u[d * N + i] < 1.0);
      s += u[d * N + i];
      s2 += u[d * N + i] * u[d * N + i];
    }
    double mean = s / N;
    AIQ_ASSERT_NEAR(mean, 0.5, 5 * sqrt(1.0 / 12 / N));
    AIQ_ASSERT_NEAR(s2 / N - mean * mean, 1.0 / 12, 0.002);
    for (int e = 0; e < d; e++) {
      double c = 0;
      for (size_t i = 0; i < N; i++) c += (u[d * N + i] - 0.5) * (u[e * N + i] - 0.5);
      AIQ_ASSERT_NEAR(12 * c / N, 0.0, 5 / sqrt((double)N));
    }
  }
  free(u);
}
END_TEST

Suite *aiq_suite_draws(void) {
  Suite *s = suite_create("draws");
  TCase *tc = tcase_create("philox4x32");
  tcase_add_test(tc, test_philox4x32_kat);
  tcase_add_test(tc, test_uniform6_kernels);
  tcase_add_test(tc, test_uniform6_kat);
  tcase_add_test(tc, test_household_layout_and_splits);
  tcase_add_test(tc, test_household_moments);
  suite_add_tcase(s, tc);
  return s;
}
