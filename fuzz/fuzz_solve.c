/*
 * fuzz_solve.c -- aiineq_solve_ex on arbitrary valid parameter combinations
 * of a tiny economy.
 *
 * Input: a flags byte (channel switches), a task-count byte, then pairs
 * (parameter index byte, 16-bit position) placing a parameter anywhere in
 * its published range (integer sizes are kept small: n_workers <= 400,
 * n_quad <= 16, eq_max_iter <= 3000), and finally task exposures.
 * Invariants:
 *  - the status is a library code; a failure leaves a message and a NULL
 *    result, and never changes the model;
 *  - a solved result has Ginis in [0, 1], finite non-negative wages and
 *    finite incomes, labour shares that are finite, employment shares
 *    summing to one, and moments m1..m4 and m6 finite.
 */
#include <math.h>

#include "fuzzutil.h"

#define MAX_K 12

/* Place position u in [0, 1] inside [lo, hi], off an open end. */
static double place(double lo, double hi, unsigned flags, double u) {
  double v = lo + (hi - lo) * u;
  if ((flags & AIINEQ_PARAM_LO_OPEN) && !(v > lo)) v = lo + 1e-6 * (hi - lo);
  if ((flags & AIINEQ_PARAM_HI_OPEN) && !(v < hi)) v = hi - 1e-6 * (hi - lo);
  return v;
}

static void set_param(aiineq_model *m, size_t idx, double u) {
  const char *name;
  double lo, hi;
  unsigned flags;
  AIQ_FZ_CHECK(aiineq_param_info(idx, &name, NULL, NULL, &lo, &hi, &flags) == AIINEQ_OK);
  if (!(flags & AIINEQ_PARAM_INTEGER)) {
    AIQ_FZ_CHECK(aiineq_model_set_double(m, name, place(lo, hi, flags, u)) == AIINEQ_OK);
    return;
  }
  int64_t v;
  if (strcmp(name, "n_workers") == 0) v = 2 + (int64_t)(u * 398);
  else if (strcmp(name, "n_firms") == 0) v = 1 + (int64_t)(u * 60);
  else if (strcmp(name, "n_quad") == 0) v = 2 + (int64_t)(u * 14);
  else if (strcmp(name, "eq_max_iter") == 0) v = 1 + (int64_t)(u * 2999);
  else v = (int64_t)(u * 65535.0); /* seed */
  AIQ_FZ_CHECK(aiineq_model_set_int(m, name, v) == AIINEQ_OK);
}

static void check_result(const aiineq_result *r) {
  size_t K = 0, N = 0, len = 0;
  AIQ_FZ_CHECK(aiineq_result_dims(r, &K, &N) == AIINEQ_OK && K >= 1 && N >= 2);
  double v, mom[AIINEQ_N_MOMENTS], n[MAX_K];
  static const char *const ginis[] = {"gini_pre", "gini_post", "wage_gini_pre", "wage_gini_post"};
  for (int i = 0; i < 4; i++) {
    AIQ_FZ_CHECK(aiineq_result_stat(r, ginis[i], &v) == AIINEQ_OK);
    AIQ_FZ_CHECK(v >= 0.0 && v <= 1.0);
  }
  AIQ_FZ_CHECK(aiineq_result_stat(r, "labour_share_pre", &v) == AIINEQ_OK && isfinite(v));
  AIQ_FZ_CHECK(aiineq_result_stat(r, "labour_share_post", &v) == AIINEQ_OK && isfinite(v));
  AIQ_FZ_CHECK(aiineq_result_moments(r, mom, AIINEQ_N_MOMENTS) == AIINEQ_OK);
  for (int i = 0; i < AIINEQ_N_MOMENTS; i++)
    if (i != 2 && i != 4) AIQ_FZ_CHECK(isfinite(mom[i])); /* m3, m5 may be NaN (documented) */
  for (int s = AIINEQ_PRE; s <= AIINEQ_POST; s++) {
    const double *w, *inc;
    AIQ_FZ_CHECK(aiineq_result_households(r, s, "wage", &w, &len) == AIINEQ_OK && len == N);
    AIQ_FZ_CHECK(aiineq_result_households(r, s, "income", &inc, &len) == AIINEQ_OK);
    for (size_t i = 0; i < N; i++) AIQ_FZ_CHECK(isfinite(w[i]) && w[i] >= 0 && isfinite(inc[i]));
    AIQ_FZ_CHECK(aiineq_result_equilibrium(r, s, "n", n, K) == AIINEQ_OK);
    double tot = 0;
    for (size_t k = 0; k < K; k++) tot += n[k];
    AIQ_FZ_CHECK(fabs(tot - 1.0) < 1e-8);
  }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  aiq_fz r = {data, size};
  aiineq_model *m = NULL;
  AIQ_FZ_CHECK(aiineq_model_new(&m) == AIINEQ_OK);
  AIQ_FZ_CHECK(aiineq_model_set_int(m, "n_workers", 300) == AIINEQ_OK);
  AIQ_FZ_CHECK(aiineq_model_set_int(m, "n_firms", 10) == AIINEQ_OK);
  AIQ_FZ_CHECK(aiineq_model_set_int(m, "n_quad", 12) == AIINEQ_OK);
  AIQ_FZ_CHECK(aiineq_model_set_int(m, "eq_max_iter", 2000) == AIINEQ_OK);
  unsigned flags = aiq_fz_u8(&r) & 15u;
  size_t k = aiq_fz_u8(&r) % (MAX_K + 1);
  size_t np = aiineq_param_count();
  for (int i = 0; i < 8 && r.n >= 3; i++) {
    size_t idx = aiq_fz_u8(&r) % np;
    uint16_t pos;
    aiq_fz_bytes(&r, &pos, sizeof pos);
    set_param(m, idx, pos / 65535.0);
  }
  if (k > 0) {
    double x[MAX_K], nu[MAX_K];
    for (size_t i = 0; i < k; i++) {
      x[i] = aiq_fz_u8(&r) / 255.0;
      nu[i] = 1.0 + aiq_fz_u8(&r) % 8;
    }
    AIQ_FZ_CHECK(aiineq_model_set_tasks(m, x, nu, k) == AIINEQ_OK);
  }
  aiineq_model *before = NULL;
  AIQ_FZ_CHECK(aiineq_model_copy(m, &before) == AIINEQ_OK);
  aiineq_result *res = NULL;
  int rc = aiineq_solve_ex(m, flags, &res);
  AIQ_FZ_CHECK(aiq_fz_known_status(rc) || rc > 0);
  if (rc < 0) {
    AIQ_FZ_CHECK(res == NULL);
    AIQ_FZ_CHECK(aiineq_model_errmsg(m)[0] != '\0');
    AIQ_FZ_CHECK(rc != AIINEQ_ERR_ARG && rc != AIINEQ_ERR_NAME && rc != AIINEQ_ERR_TYPE);
  } else {
    check_result(res);
  }
  /* the solve never changes the model's parameters or tasks */
  for (size_t i = 0; i < np; i++) {
    const char *name;
    unsigned fl;
    AIQ_FZ_CHECK(aiineq_param_info(i, &name, NULL, NULL, NULL, NULL, &fl) == AIINEQ_OK);
    if (fl & AIINEQ_PARAM_INTEGER) {
      int64_t a, b;
      AIQ_FZ_CHECK(aiineq_model_get_int(m, name, &a) == 0 && aiineq_model_get_int(before, name, &b) == 0);
      AIQ_FZ_CHECK(a == b);
    } else {
      double a, b;
      AIQ_FZ_CHECK(aiineq_model_get_double(m, name, &a) == 0 &&
                   aiineq_model_get_double(before, name, &b) == 0);
      AIQ_FZ_CHECK(memcmp(&a, &b, sizeof a) == 0);
    }
  }
  aiineq_result_free(res);
  aiineq_model_free(before);
  aiineq_model_free(m);
  return 0;
}
