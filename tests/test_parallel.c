/*
 * test_parallel.c -- results do not depend on the thread count: the
 * parallel sorts and Gini (lib/sort.c, lib/gini.c, par.h) and a full solve
 * give the same bytes for 1, 2, 3 and 7 threads; the thread setting itself.
 */
#include <stdint.h>
#include <string.h>

#include "ineq_internal.h"
#include "par.h"
#include "rng.h"
#include "testutil.h"

static const int thread_counts[] = {1, 2, 3, 7};
#define N_COUNTS (sizeof thread_counts / sizeof thread_counts[0])

/* Values with many ties, both signs, zeros of both signs and a wide
 * exponent range: everything the radix passes must keep stable. */
static void fill(double *x, size_t n, uint64_t stream) {
  for (size_t i = 0; i < n; i++) {
    uint64_t w[4];
    aiq_rng_words(99, stream, i, 0, w);
    switch (w[0] % 4) {
      case 0: x[i] = (double)(w[1] % 100); break;              /* ties */
      case 1: x[i] = (w[1] & 1) ? -0.0 : 0.0; break;             /* signed zeros */
      case 2: x[i] = ldexp(aiq_rng_to_open01(w[2]), (int)(w[3] % 200) - 100); break;
      default: x[i] = -aiq_rng_to_open01(w[2]) * 1e6; break;
    }
  }
}

START_TEST(test_sorts_thread_independent) {
  size_t n = aiq_test_size(300000, 100000); /* above the parallel threshold */
  double *x = malloc(n * sizeof *x), *ref = malloc(n * sizeof *ref), *y = malloc(n * sizeof *y);
  size_t *iref = malloc(n * sizeof *iref), *idx = malloc(n * sizeof *idx);
  ck_assert(x && ref && y && iref && idx);
  fill(x, n, 1);
  memcpy(ref, x, n * sizeof *x);
  AIQ_ASSERT_OK(aiq_sort_double_nt(ref, n, 1));
  AIQ_ASSERT_OK(aiq_argsort_double_nt(x, n, iref, 1));
  for (size_t i = 1; i < n; i++) ck_assert(ref[i - 1] <= ref[i]);
  for (size_t i = 1; i < n; i++) /* stable: ties in index order */
    ck_assert(x[iref[i - 1]] < x[iref[i]] || (x[iref[i - 1]] == x[iref[i]] && iref[i - 1] < iref[i]));
  for (size_t c = 1; c < N_COUNTS; c++) {
    int nt = thread_counts[c];
    memcpy(y, x, n * sizeof *x);
    AIQ_ASSERT_OK(aiq_sort_double_nt(y, n, nt));
    ck_assert_msg(memcmp(y, ref, n * sizeof *y) == 0, "sort differs with %d threads", nt);
    AIQ_ASSERT_OK(aiq_argsort_double_nt(x, n, idx, nt));
    ck_assert_msg(memcmp(idx, iref, n * sizeof *idx) == 0, "argsort differs with %d threads", nt);
  }
  free(x);
  free(ref);
  free(y);
  free(iref);
  free(idx);
}
END_TEST

START_TEST(test_gini_thread_independent) {
  size_t n = aiq_test_size(1000003, 100003); /* several reduction chunks */
  double *x = malloc(n * sizeof *x);
  ck_assert_ptr_nonnull(x);
  for (size_t i = 0; i < n; i++) {
    double u[4];
    aiq_rng_uniform4(5, 2, i, 0, u);
    x[i] = exp(3.0 * (u[0] - 0.5)) * (u[1] < 0.1 ? 10.0 : 1.0);
  }
  double g1, g;
  AIQ_ASSERT_OK(aiq_gini_plain_nt(x, n, &g1, 1));
  ck_assert(g1 > 0.3 && g1 < 0.7);
  for (size_t c = 1; c < N_COUNTS; c++) {
    AIQ_ASSERT_OK(aiq_gini_plain_nt(x, n, &g, thread_counts[c]));
    ck_assert_msg(memcmp(&g, &g1, sizeof g) == 0, "Gini %.17g with %d threads, %.17g with 1", g,
                  thread_counts[c], g1);
  }
  /* the chunked sum agrees with the pairwise definition's value closely:
   * compare with the plain serial formula on the sorted data */
  AIQ_ASSERT_OK(aiq_sort_double(x, n));
  long double s = 0, t = 0;
  for (size_t i = 0; i < n; i++) {
    s += x[i];
    t += (2.0L * (long double)(i + 1) - (long double)n - 1.0L) * x[i];
  }
  AIQ_ASSERT_NEAR(g1, (double)(t / ((long double)n * s)), 1e-13);
  free(x);
}
END_TEST

START_TEST(test_par_sum_chunks) {
  /* chunk bounds tile [0, n) exactly and the sum matches a long double sum */
  size_t n = 3 * AIQ_PAR_GRAIN + 17, nc = aiq_par_nchunks(n);
  ck_assert_uint_eq(nc, 3);
  ck_assert_uint_eq(aiq_par_lo(n, nc, 0), 0);
  ck_assert_uint_eq(aiq_par_lo(n, nc, nc), n);
  ck_assert_uint_eq(aiq_par_nchunks(0), 1);
  ck_assert_uint_eq(aiq_par_nchunks((size_t)AIQ_PAR_GRAIN * 10000), AIQ_PAR_MAXCHUNKS);
  double *x = malloc(n * sizeof *x);
  ck_assert_ptr_nonnull(x);
  long double ref = 0;
  for (size_t i = 0; i < n; i++) ref += x[i] = 1.0 / (double)(i + 1);
  double s1 = aiq_par_sum(x, n, 1), s3 = aiq_par_sum(x, n, 3);
  ck_assert(memcmp(&s1, &s3, sizeof s1) == 0);
  AIQ_ASSERT_NEAR(s1, (double)ref, 1e-12);
  free(x);
}
END_TEST

START_TEST(test_thread_setting) {
  aiineq_model *m = NULL, *c = NULL;
  int nt = -1;
  AIQ_ASSERT_OK(aiineq_model_new(&m));
  AIQ_ASSERT_OK(aiineq_model_get_threads(m, &nt));
  ck_assert_int_eq(nt, 0);
  ck_assert_int_ge(aiq_par_threads(m), 1);
  AIQ_ASSERT_OK(aiineq_model_set_threads(m, 3));
  AIQ_ASSERT_STATUS(aiineq_model_set_threads(m, -1), AIINEQ_ERR_RANGE);
  ck_assert_ptr_nonnull(strstr(aiineq_model_errmsg(m), "n_threads"));
  AIQ_ASSERT_STATUS(aiineq_model_set_threads(m, AIQ_MAX_THREADS + 1), AIINEQ_ERR_RANGE);
  AIQ_ASSERT_STATUS(aiineq_model_set_threads(NULL, 1), AIINEQ_ERR_ARG);
  AIQ_ASSERT_STATUS(aiineq_model_get_threads(m, NULL), AIINEQ_ERR_ARG);
  AIQ_ASSERT_STATUS(aiineq_model_get_threads(NULL, &nt), AIINEQ_ERR_ARG);
  AIQ_ASSERT_OK(aiineq_model_copy(m, &c));
  AIQ_ASSERT_OK(aiineq_model_get_threads(c, &nt));
  ck_assert_int_eq(nt, 3); /* unchanged by the rejected calls, inherited by the copy */
#ifdef _OPENMP
  ck_assert_int_eq(aiq_par_threads(c), 3);
#else
  ck_assert_int_eq(aiq_par_threads(c), 1);
#endif
  aiineq_model_free(c);
  aiineq_model_free(m);
}
END_TEST

Suite *aiq_suite_parallel(void) {
  Suite *s = suite_create("parallel");
  TCase *tc = tcase_create("thread_independent");
  tcase_set_timeout(tc, 60);
  tcase_add_test(tc, test_thread_setting);
  tcase_add_test(tc, test_par_sum_chunks);
  tcase_add_test(tc, test_sorts_thread_independent);
  tcase_add_test(tc, test_gini_thread_independent);
  suite_add_tcase(s, tc);
  return s;
}
