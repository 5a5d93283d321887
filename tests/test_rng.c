/*
 * test_rng.c -- the counter-based generator: Random123's known-answer
 * vectors for Philox4x64-10, and the mapping to (0, 1).
 */
#include <stdint.h>
#include <string.h>

#include "rng.h"
#include "testutil.h"

/* Known-answer vectors from Random123's kat_vectors (philox4x64, 10 rounds):
 * counter (c0..c3), key (k0, k1) -> output.  Our counter is (index, block,
 * 0, 0) and our key (seed, stream), so only vectors with c2 = c3 = 0 map
 * directly; the all-zero one does. */
START_TEST(test_philox_kat_zero) {
  uint64_t out[4];
  aiq_rng_words(0, 0, 0, 0, out);
  ck_assert_uint_eq(out[0], UINT64_C(0x16554d9eca36314c));
  ck_assert_uint_eq(out[1], UINT64_C(0xdb20fe9d672d0fdc));
  ck_assert_uint_eq(out[2], UINT64_C(0xd7e772cee186176b));
  ck_assert_uint_eq(out[3], UINT64_C(0x7e68b68aec7ba23b));
}
END_TEST

START_TEST(test_counter_purity) {
  uint64_t a[4], b[4], c[4];
  aiq_rng_words(7, 3, 123456789, 1, a);
  aiq_rng_words(7, 3, 123456789, 1, b);
  aiq_rng_words(7, 4, 123456789, 1, c);
  for (int i = 0; i < 4; i++) ck_assert_uint_eq(a[i], b[i]);
  ck_assert(a[0] != c[0]);
}
END_TEST

/* Uniforms stay strictly inside (0, 1) at the extreme words and have the
 * right first two moments over many counters. */
START_TEST(test_uniform) {
  ck_assert(aiq_rng_to_open01(0) > 0.0);
  ck_assert(aiq_rng_to_open01(UINT64_MAX) < 1.0);
  double s = 0, s2 = 0, u[4];
  const int n = 100000;
  for (int i = 0; i < n; i++) {
    aiq_rng_uniform4(1, 0, (uint64_t)i, 0, u);
    for (int j = 0; j < 4; j++) {
      s += u[j];
      s2 += u[j] * u[j];
    }
  }
  double mean = s / (4.0 * n), var = s2 / (4.0 * n) - mean * mean;
  AIQ_ASSERT_NEAR(mean, 0.5, 5 * sqrt(1.0 / 12 / (4.0 * n)));
  AIQ_ASSERT_NEAR(var, 1.0 / 12, 0.002);
  ck_assert_uint_eq(aiq_rng_below(UINT64_MAX, 10), 9);
  ck_assert_uint_eq(aiq_rng_below(0, 10), 0);
}
END_TEST

/* The batch generator equals the scalar one bit for bit: for every count
 * around the interleaving width (remainder paths), several keys and blocks,
 * and a start index just below 2^64 so that the counter wraps inside a
 * batch.  Doubles are compared as bit patterns.  The guard after out[4 n]
 * must stay untouched. */
START_TEST(test_uniform4_n_matches_scalar) {
  static const size_t sizes[] = {0, 1, 2, 3, 4, 5, 7, 8, 9, 15, 16, 17, 100, 1001};
  static const uint64_t starts[] = {0, 1, 123456789, UINT64_MAX - 5};
  enum { MAXN = 1001 };
  static double out[4 * MAXN + 1];
  for (size_t a = 0; a < sizeof sizes / sizeof sizes[0]; a++)
    for (size_t b = 0; b < sizeof starts / sizeof starts[0]; b++)
      for (uint64_t block = 0; block < 3; block++) {
        size_t n = sizes[a];
        uint64_t seed = 20261204 + a, stream = 7 * b + block;
        out[4 * n] = -1.0;
        aiq_rng_uniform4_n(seed, stream, starts[b], block, n, out);
        ck_assert(out[4 * n] == -1.0);
        for (size_t i = 0; i < n; i++) {
          double want[4];
          aiq_rng_uniform4(seed, stream, starts[b] + i, block, want);
          ck_assert_msg(memcmp(want, out + 4 * i, sizeof want) == 0,
                        "n %zu start %llu block %llu: draw %zu differs", n,
                        (unsigned long long)starts[b], (unsigned long long)block, i);
        }
      }
}
END_TEST

/* The published all-zero known-answer vector, through the batch routine's
 * interleaved path (counter 0 is the first of a full group). */
START_TEST(test_uniform4_n_kat) {
  static const uint64_t kat[4] = {UINT64_C(0x16554d9eca36314c), UINT64_C(0xdb20fe9d672d0fdc),
                                  UINT64_C(0xd7e772cee186176b), UINT64_C(0x7e68b68aec7ba23b)};
  double out[4 * 8];
  aiq_rng_uniform4_n(0, 0, 0, 0, 8, out);
  for (int w = 0; w < 4; w++) ck_assert(out[w] == aiq_rng_to_open01(kat[w]));
  aiq_rng_uniform4_n(0, 0, 0, 0, 1, out); /* remainder path */
  for (int w = 0; w < 4; w++) ck_assert(out[w] == aiq_rng_to_open01(kat[w]));
}
END_TEST

Suite *aiq_suite_rng(void) {
  Suite *s = suite_create("rng");
  TCase *tc = tcase_create("philox");
  tcase_add_test(tc, test_philox_kat_zero);
  tcase_add_test(tc, test_counter_purity);
  tcase_add_test(tc, test_uniform);
  tcase_add_test(tc, test_uniform4_n_matches_scalar);
  tcase_add_test(tc, test_uniform4_n_kat);
  suite_add_tcase(s, tc);
  return s;
}
