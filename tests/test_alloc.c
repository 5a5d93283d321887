/*
 * test_alloc.c -- the library's allocation wrappers (lib/alloc.c): zero
 * sizes, overflow checks of the array variants, realloc semantics; and the
 * other internal helpers of lib/internal.h (aiq_fail, aiq_all_finite).
 */
#include <stdint.h>
#include <string.h>

#include "internal.h"
#include "testutil.h"

START_TEST(test_zero_sizes) {
  /* size 0 still gives distinct, freeable, non-NULL blocks */
  void *a = aiq_malloc(0), *b = aiq_malloc(0), *c = aiq_calloc(0, 8), *d = aiq_calloc(8, 0);
  void *e = aiq_malloc_array(0, 8), *f = aiq_realloc_array(NULL, 0, 8);
  ck_assert_ptr_nonnull(a);
  ck_assert_ptr_nonnull(b);
  ck_assert_ptr_ne(a, b);
  ck_assert_ptr_nonnull(c);
  ck_assert_ptr_nonnull(d);
  ck_assert_ptr_nonnull(e);
  ck_assert_ptr_nonnull(f);
  aiq_free(a);
  aiq_free(b);
  aiq_free(c);
  aiq_free(d);
  aiq_free(e);
  aiq_free(f);
  aiq_free(NULL); /* no-op */
}
END_TEST

START_TEST(test_calloc_zeroes) {
  const size_t n = 1000;
  double *x = aiq_calloc(n, sizeof *x);
  ck_assert_ptr_nonnull(x);
  for (size_t i = 0; i < n; i++) ck_assert(x[i] == 0.0);
  aiq_free(x);
}
END_TEST

START_TEST(test_array_overflow) {
  /* count * size wraps around SIZE_MAX: refused, never a short block */
  ck_assert_ptr_null(aiq_malloc_array(SIZE_MAX / 8 + 1, 8));
  ck_assert_ptr_null(aiq_malloc_array(SIZE_MAX, SIZE_MAX));
  double *x = aiq_malloc_array(4, sizeof *x);
  ck_assert_ptr_nonnull(x);
  for (int i = 0; i < 4; i++) x[i] = i + 0.5;
  /* a refused realloc leaves the old block intact and owned by the caller */
  ck_assert_ptr_null(aiq_realloc_array(x, SIZE_MAX / 4, 8));
  for (int i = 0; i < 4; i++) ck_assert(x[i] == i + 0.5);
  aiq_free(x);
}
END_TEST

START_TEST(test_realloc_keeps_content) {
  double *x = aiq_malloc_array(3, sizeof *x);
  ck_assert_ptr_nonnull(x);
  x[0] = 1;
  x[1] = 2;
  x[2] = 3;
  double *y = aiq_realloc_array(x, 100000, sizeof *y);
  ck_assert_ptr_nonnull(y);
  ck_assert(y[0] == 1 && y[1] == 2 && y[2] == 3);
  y[99999] = 7;
  double *z = aiq_realloc_array(y, 2, sizeof *z);
  ck_assert_ptr_nonnull(z);
  ck_assert(z[0] == 1 && z[1] == 2);
  aiq_free(z);
}
END_TEST

START_TEST(test_fail_message) {
  char buf[AIQ_ERRLEN];
  ck_assert_int_eq(aiq_fail(buf, AIINEQ_ERR_RANGE, "x = %d of %s", 3, "y"), AIINEQ_ERR_RANGE);
  ck_assert_str_eq(buf, "x = 3 of y");
  /* a NULL buffer drops the message but still returns the status */
  ck_assert_int_eq(aiq_fail(NULL, AIINEQ_ERR_IO, "dropped %d", 1), AIINEQ_ERR_IO);
  /* long messages are cut at the buffer size, NUL-terminated */
  char longarg[2 * AIQ_ERRLEN];
  memset(longarg, 'a', sizeof longarg - 1);
  longarg[sizeof longarg - 1] = '\0';
  aiq_fail(buf, AIINEQ_ERR_ARG, "%s", longarg);
  ck_assert_uint_eq(strlen(buf), AIQ_ERRLEN - 1);
}
END_TEST

START_TEST(test_all_finite) {
  double x[4] = {0.0, -1e308, 0x1p-1074, 5.0};
  ck_assert_int_eq(aiq_all_finite(x, 4), 1);
  ck_assert_int_eq(aiq_all_finite(NULL, 0), 1); /* empty: vacuously finite */
  x[3] = NAN;
  ck_assert_int_eq(aiq_all_finite(x, 4), 0);
  ck_assert_int_eq(aiq_all_finite(x, 3), 1); /* only the first n are read */
  x[1] = -INFINITY;
  ck_assert_int_eq(aiq_all_finite(x, 2), 0);
}
END_TEST

START_TEST(test_strerror_all) {
  /* every named code has a name distinct from the fallbacks */
  for (int rc = AIINEQ_ERR_TYPE; rc <= AIINEQ_OK; rc++) {
    ck_assert_str_ne(aiineq_strerror(rc), "unknown status");
    ck_assert_str_ne(aiineq_strerror(rc), "success (solver stop reason)");
  }
  ck_assert_str_eq(aiineq_strerror(1), "success (solver stop reason)");
  ck_assert_str_eq(aiineq_strerror(AIINEQ_ERR_TYPE - 1), "unknown status");
}
END_TEST

Suite *aiq_suite_alloc(void) {
  Suite *s = suite_create("alloc");
  TCase *tc = tcase_create("wrappers");
  tcase_add_test(tc, test_zero_sizes);
  tcase_add_test(tc, test_calloc_zeroes);
  tcase_add_test(tc, test_array_overflow);
  tcase_add_test(tc, test_realloc_keeps_content);
  suite_add_tcase(s, tc);
  TCase *th = tcase_create("helpers");
  tcase_add_test(th, test_fail_message);
  tcase_add_test(th, test_all_finite);
  tcase_add_test(th, test_strerror_all);
  suite_add_tcase(s, th);
  return s;
}
