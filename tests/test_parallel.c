/*
 * test_parallel.c -- results do not depend on the thread count: the
 * parallel sorts and Gini (lib/sort.c, lib/gini.c, par.h) and a full solve
 * give the same bytes for 1, 2, 3 and 7 threads; the thread setting itself.
 */
#include <stdint.h>
#include <math.h>
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

START_TEST(test_par_minmax) {
  /* exact bounds wherever they sit (first, last, inside a chunk and in each
   * of the four accumulators' lanes), for 1, 2 and 3 threads; a NaN anywhere
   * makes the maximum NaN */
  size_t n = 3 * AIQ_PAR_GRAIN + 17;
  double *x = malloc(n * sizeof *x);
  ck_assert_ptr_nonnull(x);
  const size_t where[] = {0, 1, 2, 3, 5, AIQ_PAR_GRAIN, 2 * AIQ_PAR_GRAIN + 7, n - 2, n - 1};
  for (size_t a = 0; a < sizeof where / sizeof *where; a++) {
    for (size_t i = 0; i < n; i++) x[i] = sin((double)i);
    size_t lo_at = where[a], hi_at = where[(a + 4) % (sizeof where / sizeof *where)];
    x[lo_at] = -2.5;
    x[hi_at] = 7.25;
    for (int nt = 1; nt <= 3; nt++) {
      double lo = 0, hi = 0;
      aiq_par_minmax(x, n, nt, &lo, &hi);
      ck_assert(lo == -2.5 && hi == 7.25);
    }
    x[where[(a + 2) % (sizeof where / sizeof *where)]] = NAN;
    for (int nt = 1; nt <= 3; nt++) {
      double lo = 0, hi = 0;
      aiq_par_minmax(x, n, nt, &lo, &hi);
      ck_assert(isnan(hi));
    }
  }
  double one = -0.5, lo = 0, hi = 0;
  aiq_par_minmax(&one, 1, 1, &lo, &hi);
  ck_assert(lo == -0.5 && hi == -0.5);
  free(x);
}
END_TEST

START_TEST(test_thread_setting) {
  aiineq_model *m = NULL, *c = NULL;
  int nt = -1;
  AIQ_ASSERT_OK(aiineq_model_new(&m));
  AIQ_ASSERT_OK(aiineq_model_get_threads(m, &nt));
  ck_assert_int_eq(nt, 0);
  /* the default is one thread unless OMP_NUM_THREADS asks for more */
  if (!getenv("OMP_NUM_THREADS")) ck_assert_int_eq(aiq_par_threads(m), 1);
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

/* Every number a result exposes, appended to buf (grown with realloc). */
typedef struct dump {
  unsigned char *p;
  size_t n, cap;
} dump;

static void dump_put(dump *d, const void *src, size_t len) {
  if (d->n + len > d->cap) {
    d->cap = 2 * (d->n + len);
    d->p = realloc(d->p, d->cap);
    ck_assert_ptr_nonnull(d->p);
  }
  memcpy(d->p + d->n, src, len);
  d->n += len;
}

static void dump_result(const aiineq_result *r, dump *d) {
  static const char *const reals[] = {"ability", "base_wage", "wage", "capital_income", "income"};
  static const char *const ints[] = {"education", "task", "firm"};
  static const char *const stats[] = {
      "gini_pre",          "gini_post",         "delta_gini",   "wage_gini_pre",
      "wage_gini_post",    "labour_share_pre",  "labour_share_post", "profits_pre",
      "profits_post",      "college_premium_pre", "college_premium_post", "vbar0"};
  size_t K, N, len;
  AIQ_ASSERT_OK(aiineq_result_dims(r, &K, &N));
  for (int s = AIINEQ_PRE; s <= AIINEQ_POST; s++) {
    for (size_t f = 0; f < sizeof reals / sizeof *reals; f++) {
      const double *x;
      AIQ_ASSERT_OK(aiineq_result_households(r, s, reals[f], &x, &len));
      ck_assert_uint_eq(len, N);
      dump_put(d, x, N * sizeof *x);
    }
    for (size_t f = 0; f < sizeof ints / sizeof *ints; f++) {
      const int32_t *x;
      AIQ_ASSERT_OK(aiineq_result_households_int(r, s, ints[f], &x, &len));
      dump_put(d, x, N * sizeof *x);
    }
  }
  for (size_t i = 0; i < sizeof stats / sizeof *stats; i++) {
    double v;
    AIQ_ASSERT_OK(aiineq_result_stat(r, stats[i], &v));
    dump_put(d, &v, sizeof v);
  }
  double mom[AIINEQ_N_MOMENTS];
  AIQ_ASSERT_OK(aiineq_result_moments(r, mom, AIINEQ_N_MOMENTS));
  dump_put(d, mom, sizeof mom);
}

/* Solve m with 1, 2, 3 and 7 threads: every household array, statistic and
 * moment must be byte-identical. */
static void check_solve_threads(aiineq_model *m) {
  dump ref = {NULL, 0, 0};
  for (size_t c = 0; c < N_COUNTS; c++) {
    dump d = {NULL, 0, 0};
    aiineq_result *r = NULL;
    AIQ_ASSERT_OK(aiineq_model_set_threads(m, thread_counts[c]));
    AIQ_ASSERT_OK(aiineq_solve(m, &r));
    dump_result(r, c == 0 ? &ref : &d);
    aiineq_result_free(r);
    if (c > 0) {
      ck_assert_uint_eq(d.n, ref.n);
      size_t at = 0;
      while (at < d.n && d.p[at] == ref.p[at]) at++;
      ck_assert_msg(at == d.n, "solve with %d threads differs from 1 thread at byte %zu of %zu",
                    thread_counts[c], at, d.n);
      free(d.p);
    }
  }
  free(ref.p);
}

START_TEST(test_solve_thread_independent) {
  /* default model at its default size: several reduction and firm chunks */
  aiineq_model *m = NULL;
  AIQ_ASSERT_OK(aiineq_model_new(&m));
  AIQ_ASSERT_OK(aiineq_model_set_int(m, "n_workers", (int64_t)aiq_test_size(200000, 40000)));
  check_solve_threads(m);
  aiineq_model_free(m);
}
END_TEST

START_TEST(test_solve_tasks_thread_independent) {
  /* 140 tasks: household blocks of 128 (not 256) with a partial last block,
   * per-thread choice scratch; Cobb-Douglas, unequal firm sizes.  Under
   * AIQ_TEST_SMALL (valgrind) 9001 households: still above AIQ_PAR_GRAIN
   * (8192), so the household loops run in parallel, and 9001 = 70 * 128 + 41
   * keeps a partial last block. */
  enum { K = 140 };
  double x[K], nu[K];
  for (int k = 0; k < K; k++) {
    x[k] = (double)((k * 7) % K) / (K - 1);
    nu[k] = 1.0 + k % 3;
  }
  aiineq_model *m = NULL;
  AIQ_ASSERT_OK(aiineq_model_new(&m));
  AIQ_ASSERT_OK(aiineq_model_set_tasks(m, x, nu, K));
  AIQ_ASSERT_OK(aiineq_model_set_double(m, "sigma_ces", 1.0));
  AIQ_ASSERT_OK(aiineq_model_set_int(m, "n_workers", (int64_t)aiq_test_size(50001, 9001)));
  AIQ_ASSERT_OK(aiineq_model_set_int(m, "n_firms", 97));
  check_solve_threads(m);
  aiineq_model_free(m);
}
END_TEST

Suite *aiq_suite_parallel(void) {
  Suite *s = suite_create("parallel");
  TCase *tc = tcase_create("thread_independent");
  tcase_set_timeout(tc, 60);
  tcase_add_test(tc, test_thread_setting);
  tcase_add_test(tc, test_par_sum_chunks);
  tcase_add_test(tc, test_par_minmax);
  tcase_add_test(tc, test_sorts_thread_independent);
  tcase_add_test(tc, test_gini_thread_independent);
  tcase_add_test(tc, test_solve_thread_independent);
  tcase_add_test(tc, test_solve_tasks_thread_independent);
  suite_add_tcase(s, tc);
  return s;
}
