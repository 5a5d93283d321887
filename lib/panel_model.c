/*
 * panel_model.c -- the model side of MODEL.md section 7: occupations as
 * tasks (exposure and baseline employment from the data), solve and
 * simulate before and after AI, and aggregate the simulated households to
 * occupation panels that aiineq_panel_regress treats exactly like the data.
 *
 * Two panels come out:
 *  - "wages": each economy's own households in each task (task choice and
 *    education re-optimised), their simulated wages (screening, task prices,
 *    firm rents), top-coded like BLS's data if asked;
 *  - "truth": the baseline households held in their baseline task and
 *    education, valued at their productivity exp(q) before and after: the
 *    within-task compression the model builds in and nothing else.
 * Percentiles are nearest-rank order statistics (P_q = x_(ceil(q n))), so
 * that for the truth panel log(P90/P10) changes by exactly
 * -theta (A1 - A0) x_k (h_(90) - h_(10)) (the affine map of q preserves ranks).
 */
#include <math.h>
#include <string.h>

#include "ineq_internal.h"
#include "model_internal.h"
#include "oews_internal.h"

/* Occupation statistics of one economy from per-household values grouped by
 * task: employment (count), mean, P10, P50, P90 into panel year `y`.
 * task[i] indexes 0..K-1; cells of tasks with fewer than min_n households
 * are AIINEQ_CELL_NA; values >= topcode (if > 0) are AIINEQ_CELL_TOPCODED. */
static int aggregate(aiineq_panel *p, int y, const int32_t *task, const double *v, size_t N,
                     size_t K, size_t min_n, double topcode) {
  size_t *start = aiq_calloc(K + 1, sizeof *start);
  double *sorted = aiq_malloc_array(N, sizeof *sorted);
  size_t *fill = aiq_malloc_array(K, sizeof *fill);
  if (!start || !sorted || !fill) {
    aiq_free(start);
    aiq_free(sorted);
    aiq_free(fill);
    return AIINEQ_ERR_NOMEM;
  }
  for (size_t i = 0; i < N; i++) start[(size_t)task[i] + 1]++;
  for (size_t k = 0; k < K; k++) start[k + 1] += start[k];
  memcpy(fill, start, K * sizeof *fill);
  for (size_t i = 0; i < N; i++) sorted[fill[task[i]]++] = v[i];
  int rc = AIINEQ_OK;
  for (size_t k = 0; k < K && rc == AIINEQ_OK; k++) {
    size_t n = start[k + 1] - start[k];
    double *x = sorted + start[k];
    p->val[y][AIQ_PF_EMP][k] = (double)n;
    p->st[y][AIQ_PF_EMP][k] = n ? AIINEQ_CELL_VALUE : AIINEQ_CELL_NA_EMP;
    double stat[4] = {NAN, NAN, NAN, NAN};
    if (n >= min_n && n > 0) {
      rc = aiq_sort_double(x, n);
      double s = 0;
      for (size_t i = 0; i < n; i++) s += x[i];
      stat[0] = s / (double)n;
      static const double q[3] = {0.10, 0.50, 0.90};
      for (int j = 0; j < 3; j++) {
        size_t r = (size_t)ceil(q[j] * (double)n); /* nearest rank, 1-based */
        stat[j + 1] = x[(r < 1 ? 1 : r) - 1];
      }
    }
    static const int fields[4] = {AIQ_PF_MEAN, AIQ_PF_P10, AIQ_PF_P50, AIQ_PF_P90};
    for (int j = 0; j < 4; j++) {
      int32_t st = isnan(stat[j]) ? AIINEQ_CELL_NA : AIINEQ_CELL_VALUE;
      if (st == AIINEQ_CELL_VALUE && topcode > 0 && stat[j] >= topcode) st = AIINEQ_CELL_TOPCODED;
      p->val[y][fields[j]][k] = st == AIINEQ_CELL_VALUE ? stat[j] : NAN;
      p->st[y][fields[j]][k] = st;
    }
  }
  aiq_free(start);
  aiq_free(sorted);
  aiq_free(fill);
  return rc;
}

/* Copy the identity of the included occupations into a fresh panel. */
static int copy_identity(const aiineq_panel *data, const size_t *inc, size_t K, aiineq_panel *p) {
  if (aiq_panel_alloc(p, K)) return AIINEQ_ERR_NOMEM;
  for (size_t k = 0; k < K; k++) {
    size_t i = inc[k];
    memcpy(p->code[k], data->code[i], sizeof p->code[k]);
    p->title[k] = aiq_strdup(data->title[i]);
    if (!p->title[k]) return AIINEQ_ERR_NOMEM;
    p->exposure[k] = data->exposure[i];
    p->major[k] = data->major[i];
    p->n = k + 1;
  }
  memcpy(p->count, data->count, sizeof p->count);
  return AIINEQ_OK;
}

/* Build both panels from a solved result. */
static int build_panels(const aiineq_panel *data, const aiineq_model *m, const aiineq_result *r,
                        const size_t *inc, size_t K, double topcode_ratio, size_t min_n,
                        aiineq_panel *wp, aiineq_panel *tp, char *err) {
  const double *wage[2], *ability;
  const int32_t *task[2], *edu;
  size_t N = 0, len;
  int rc = AIINEQ_OK;
  for (int y = 0; y < 2 && rc == AIINEQ_OK; y++) {
    rc = aiineq_result_households(r, y, "wage", &wage[y], &N);
    if (rc == AIINEQ_OK) rc = aiineq_result_households_int(r, y, "task", &task[y], &len);
  }
  if (rc == AIINEQ_OK) rc = aiineq_result_households(r, AIINEQ_PRE, "ability", &ability, &len);
  if (rc == AIINEQ_OK) rc = aiineq_result_households_int(r, AIINEQ_PRE, "education", &edu, &len);
  if (rc) return aiq_fail(err, rc, "simulate: %s", aiineq_result_errmsg(r));
  double mean_pre = 0;
  for (size_t i = 0; i < N; i++) mean_pre += wage[0][i];
  mean_pre /= (double)N;
  double topcode = topcode_ratio > 0 ? topcode_ratio * mean_pre : 0;
  rc = copy_identity(data, inc, K, wp);
  for (int y = 0; y < 2 && rc == AIINEQ_OK; y++)
    rc = aggregate(wp, y, task[y], wage[y], N, K, min_n, topcode);
  if (rc == AIINEQ_OK && tp) {
    /* productivity exp(q_k(h; A)) of the baseline households, fixed tasks */
    double *prod = aiq_malloc_array(N, sizeof *prod);
    rc = prod ? copy_identity(data, inc, K, tp) : AIINEQ_ERR_NOMEM;
    const double A[2] = {aiq_par(m, ADOPT_PRE), aiq_par(m, ADOPT_POST)};
    for (int y = 0; y < 2 && rc == AIINEQ_OK; y++) {
      for (size_t i = 0; i < N; i++) {
        double h = ability[i] + aiq_par(m, BETA_E) * edu[i];
        double c = aiq_par(m, THETA) * A[y] * data->exposure[inc[task[0][i]]];
        prod[i] = exp((1 - c) * h + c * aiq_par(m, H_AI));
      }
      rc = aggregate(tp, y, task[0], prod, N, K, min_n, 0);
    }
    aiq_free(prod);
  }
  return rc == AIINEQ_OK ? rc : aiq_fail(err, rc, "simulate: out of memory");
}

AIINEQ_API int aiineq_panel_simulate(const aiineq_panel *data, const aiineq_model *m,
                                     double topcode_ratio, size_t min_households,
                                     aiineq_panel *wages, aiineq_panel *truth) {
  if (!wages) return AIINEQ_ERR_ARG;
  char *err = wages->err;
  if (!data || !m || truth == wages || truth == data || wages == data)
    return aiq_fail(err, AIINEQ_ERR_ARG, "simulate: %s",
                    !data ? "data panel is NULL" : !m ? "model is NULL" : "panels must differ");
  if (!(topcode_ratio >= 0) || isinf(topcode_ratio))
    return aiq_fail(err, AIINEQ_ERR_RANGE, "simulate: topcode_ratio %g must be >= 0 and finite",
                    topcode_ratio);
  size_t n = data->n, K = 0;
  size_t *inc = aiq_malloc_array(n ? n : 1, sizeof *inc);
  double *x = aiq_malloc_array(n ? n : 1, sizeof *x), *nu = aiq_malloc_array(n ? n : 1, sizeof *nu);
  aiineq_model *mc = NULL;
  aiineq_result *r = NULL;
  aiineq_panel fw, ft;
  memset(&fw, 0, sizeof fw);
  memset(&ft, 0, sizeof ft);
  int rc = AIINEQ_OK;
  if (!inc || !x || !nu) {
    rc = aiq_fail(err, AIINEQ_ERR_NOMEM, "simulate: out of memory");
    goto done;
  }
  /* occupations with baseline employment become tasks */
  for (size_t i = 0; i < n; i++) {
    double emp = data->val[0][AIQ_PF_EMP][i];
    if (data->st[0][AIQ_PF_EMP][i] != AIINEQ_CELL_VALUE || !(emp > 0)) continue;
    if (!(data->exposure[i] >= 0 && data->exposure[i] <= 1)) {
      rc = aiq_fail(err, AIINEQ_ERR_RANGE,
                    "simulate: occupation %s has exposure %g outside [0, 1] (the model's x_k); "
                    "rescale the measure",
                    data->code[i], data->exposure[i]);
      goto done;
    }
    inc[K] = i;
    x[K] = data->exposure[i];
    nu[K++] = emp;
  }
  if (K < 2) {
    rc = aiq_fail(err, AIINEQ_ERR_SIZE,
                  "simulate: %zu occupations with baseline employment; need at least 2", K);
    goto done;
  }
  /* solve a copy, so that the caller's model keeps its task table */
  rc = aiineq_model_copy(m, &mc);
  if (rc == AIINEQ_OK) rc = aiineq_model_set_tasks(mc, x, nu, K);
  if (rc == AIINEQ_OK) rc = aiineq_solve(mc, &r);
  if (rc < 0) {
    aiq_fail(err, rc, "simulate: %s", mc ? aiineq_model_errmsg(mc) : "out of memory");
    goto done;
  }
  rc = build_panels(data, mc, r, inc, K, topcode_ratio, min_households, &fw, truth ? &ft : NULL,
                    err);
  if (rc == AIINEQ_OK) {
    aiq_panel_commit(wages, &fw);
    if (truth) aiq_panel_commit(truth, &ft);
  }
done:
  aiq_panel_clear(&fw);
  aiq_panel_clear(&ft);
  aiineq_result_free(r);
  aiineq_model_free(mc);
  aiq_free(inc);
  aiq_free(x);
  aiq_free(nu);
  return rc;
}
