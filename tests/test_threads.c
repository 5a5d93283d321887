/*
 * test_threads.c -- independent handles used from several threads at once
 * give exactly the results of a serial run (DEVELOPERS.md: no mutable global
 * state).  `make check-tsan` runs this suite under ThreadSanitizer, which
 * turns any shared write into a failure.
 */
#include <pthread.h>
#include <string.h>

#include "testutil.h"

#define N_THREADS 4
#define OUT_MAX 64

typedef struct job {
  int id;
  int rc;         /* first failing status, AIINEQ_OK if none */
  size_t n;       /* numbers written to out */
  double out[OUT_MAX];
} job;

static void put(job *j, double v) {
  if (j->n < OUT_MAX) j->out[j->n++] = v;
}

#define TRY(j, call)                       \
  do {                                     \
    int rc_ = (call);                      \
    if (rc_ < 0 && (j)->rc == AIINEQ_OK) (j)->rc = rc_; \
  } while (0)

/* Model handle: parameters and a task table that depend on the job id. */
static void model_work(job *j) {
  aiineq_model *m = NULL, *c = NULL;
  double x[50], nu[50], v;
  for (int k = 0; k < 50; k++) {
    x[k] = ((k * (j->id + 3)) % 51) / 50.0;
    nu[k] = 1.0 + k % (j->id + 2);
  }
  TRY(j, aiineq_model_new(&m));
  if (!m) return;
  TRY(j, aiineq_model_set_double(m, "theta", 0.1 * (j->id + 1)));
  TRY(j, aiineq_model_set_tasks(m, x, nu, 50));
  /* a rejected call writes this handle's message only */
  if (aiineq_model_set_double(m, "xi", 2.0 + j->id) != AIINEQ_ERR_RANGE) j->rc = -100;
  TRY(j, aiineq_model_copy(m, &c));
  if (c) {
    TRY(j, aiineq_model_get_double(c, "theta", &v));
    put(j, v);
    TRY(j, aiineq_model_get_tasks(c, x, nu, 50));
    put(j, nu[7]);
    put(j, x[13]);
  }
  put(j, (double)strlen(aiineq_model_errmsg(m)));
  aiineq_model_free(c);
  aiineq_model_free(m);
}

/* OLS handle: a regression whose data depend on the job id. */
static void ols_work(job *j) {
  enum { N = 200, K = 2 };
  double y[N], X[N * K], g[N], coef[K], se[K];
  for (int i = 0; i < N; i++) {
    double xi = ((i * 13 + j->id) % 29) / 28.0;
    X[i * K] = 1.0;
    X[i * K + 1] = xi;
    y[i] = j->id + 2.0 * xi + 0.05 * ((i * 31) % 11 - 5);
    g[i] = i % 10;
  }
  aiineq_ols *o = NULL;
  TRY(j, aiineq_ols_new(&o));
  if (!o) return;
  TRY(j, aiineq_ols_set_data(o, y, X, N, K));
  TRY(j, aiineq_ols_set_clusters(o, g, N));
  TRY(j, aiineq_ols_set_cov(o, AIINEQ_COV_CR2));
  TRY(j, aiineq_ols_fit(o));
  TRY(j, aiineq_ols_get_coef(o, coef, se, NULL, NULL, K));
  put(j, coef[0]);
  put(j, coef[1]);
  put(j, se[1]);
  aiineq_ols_free(o);
}

/* A full solve of a model whose seed and compression rate depend on the
 * job id; the digest holds statistics and a few households. */
static void solve_work(job *j) {
  aiineq_model *m = NULL;
  aiineq_result *r = NULL;
  TRY(j, aiineq_model_new(&m));
  if (!m) return;
  TRY(j, aiineq_model_set_int(m, "n_workers", (int64_t)aiq_test_size(20000, 4000)));
  TRY(j, aiineq_model_set_int(m, "n_firms", 40));
  TRY(j, aiineq_model_set_int(m, "seed", 1000 + j->id));
  TRY(j, aiineq_model_set_double(m, "theta", 0.1 + 0.05 * j->id));
  TRY(j, aiineq_solve(m, &r));
  if (r) {
    double v, mom[AIINEQ_N_MOMENTS];
    const double *inc;
    size_t len;
    TRY(j, aiineq_result_stat(r, "delta_gini", &v));
    put(j, v);
    TRY(j, aiineq_result_moments(r, mom, AIINEQ_N_MOMENTS));
    for (int i = 0; i < AIINEQ_N_MOMENTS; i++) put(j, mom[i]);
    TRY(j, aiineq_result_households(r, AIINEQ_POST, "income", &inc, &len));
    put(j, inc[0]);
    put(j, inc[len - 1]);
  }
  aiineq_result_free(r);
  aiineq_model_free(m);
}

static void *run_job(void *arg) {
  job *j = arg;
  for (int rep = 0; rep < 2; rep++) {
    j->n = 0;
    model_work(j);
    ols_work(j);
    solve_work(j);
  }
  return NULL;
}

START_TEST(test_threads_match_serial) {
  static job serial[N_THREADS], par[N_THREADS];
  pthread_t th[N_THREADS];
  for (int i = 0; i < N_THREADS; i++) {
    memset(&serial[i], 0, sizeof serial[i]);
    memset(&par[i], 0, sizeof par[i]);
    serial[i].id = par[i].id = i;
    run_job(&serial[i]);
    AIQ_ASSERT_OK(serial[i].rc);
    ck_assert_uint_eq(serial[i].n, 16);
  }
  for (int i = 0; i < N_THREADS; i++) ck_assert_int_eq(pthread_create(&th[i], NULL, run_job, &par[i]), 0);
  for (int i = 0; i < N_THREADS; i++) ck_assert_int_eq(pthread_join(th[i], NULL), 0);
  for (int i = 0; i < N_THREADS; i++) {
    AIQ_ASSERT_OK(par[i].rc);
    ck_assert_uint_eq(par[i].n, serial[i].n);
    ck_assert_msg(memcmp(par[i].out, serial[i].out, serial[i].n * sizeof(double)) == 0,
                  "thread %d: results differ from the serial run", i);
  }
  /* different jobs really computed different things */
  for (int i = 1; i < N_THREADS; i++) {
    ck_assert(serial[0].out[0] != serial[i].out[0]);    /* theta */
    ck_assert(serial[0].out[10] != serial[i].out[10]); /* delta_gini */
  }
}
END_TEST

Suite *aiq_suite_threads(void) {
  Suite *s = suite_create("threads");
  TCase *tc = tcase_create("independent_handles");
  tcase_set_timeout(tc, 60);
  tcase_add_test(tc, test_threads_match_serial);
  suite_add_tcase(s, tc);
  return s;
}
