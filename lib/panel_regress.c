/*
 * panel_regress.c -- the occupation-level regressions of MODEL.md section
 * 7: changes between two OEWS years regressed on standardised exposure.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "ols_internal.h"
#include "oews_internal.h"

static const char *const outcome_names[AIINEQ_N_OUTCOMES] = {
    "dlog_wage", "dlog_emp", "dlog_p90_p10", "dlog_p50_p10", "dlog_p90_p50"};

AIINEQ_API const char *aiineq_outcome_name(int outcome) {
  return outcome >= 0 && outcome < AIINEQ_N_OUTCOMES ? outcome_names[outcome] : NULL;
}

/* log of a panel cell; NaN unless it is a positive number (BLS special
 * values, including top-coded "#", give NaN: the occupation drops out of
 * every outcome that uses the cell). */
static double log_cell(const aiineq_panel *p, int year, int field, size_t i) {
  double v = p->val[year][field][i];
  return p->st[year][field][i] == AIINEQ_CELL_VALUE && v > 0 ? log(v) : NAN;
}

/* Log of a level (wage, employment) or of a percentile ratio in one year. */
static double log_stat(const aiineq_panel *p, int outcome, int year, size_t i) {
  switch (outcome) {
  case AIINEQ_Y_LOG_WAGE: return log_cell(p, year, AIQ_PF_MEAN, i);
  case AIINEQ_Y_LOG_EMP: return log_cell(p, year, AIQ_PF_EMP, i);
  case AIINEQ_Y_LOG_P90_P10: return log_cell(p, year, AIQ_PF_P90, i) - log_cell(p, year, AIQ_PF_P10, i);
  case AIINEQ_Y_LOG_P50_P10: return log_cell(p, year, AIQ_PF_P50, i) - log_cell(p, year, AIQ_PF_P10, i);
  default: return log_cell(p, year, AIQ_PF_P90, i) - log_cell(p, year, AIQ_PF_P50, i);
  }
}

int aiq_panel_outcome(const aiineq_panel *p, int outcome, double *y) {
  for (size_t i = 0; i < p->n; i++) y[i] = log_stat(p, outcome, 1, i) - log_stat(p, outcome, 0, i);
  return AIINEQ_OK;
}

AIINEQ_API int aiineq_panel_regress(const aiineq_panel *p, int outcome, unsigned flags,
                                    int cov_type, aiineq_ols *o) {
  if (!o) return AIINEQ_ERR_ARG;
  if (!p) return aiq_fail(o->err, AIINEQ_ERR_ARG, "regress: panel is NULL");
  if (outcome < 0 || outcome >= AIINEQ_N_OUTCOMES)
    return aiq_fail(o->err, AIINEQ_ERR_RANGE, "regress: unknown outcome %d (0..%d)", outcome,
                    AIINEQ_N_OUTCOMES - 1);
  const unsigned all = AIINEQ_REG_CONTROL_WAGE | AIINEQ_REG_MAJOR_FE | AIINEQ_REG_WEIGHTS;
  if (flags & ~all)
    return aiq_fail(o->err, AIINEQ_ERR_RANGE, "regress: unknown flag bits 0x%x", flags & ~all);
  if (cov_type < AIINEQ_COV_CLASSICAL || cov_type > AIINEQ_COV_CR2)
    return aiq_fail(o->err, AIINEQ_ERR_RANGE, "regress: unknown covariance type %d", cov_type);
  const size_t n = p->n;
  if (n < 2) return aiq_fail(o->err, AIINEQ_ERR_STATE, "regress: the panel has %zu occupations", n);

  /* standardised exposure over all panel occupations (n-1 denominator) */
  double mean = 0, ss = 0;
  for (size_t i = 0; i < n; i++) mean += p->exposure[i];
  mean /= (double)n;
  for (size_t i = 0; i < n; i++) ss += (p->exposure[i] - mean) * (p->exposure[i] - mean);
  double sd = sqrt(ss / (double)(n - 1));
  if (!(sd > 0))
    return aiq_fail(o->err, AIINEQ_ERR_DEGENERATE, "regress: exposure is constant across the panel");

  int ctrl = (flags & AIINEQ_REG_CONTROL_WAGE) != 0, fe = (flags & AIINEQ_REG_MAJOR_FE) != 0;
  int wts = (flags & AIINEQ_REG_WEIGHTS) != 0;
  double *y = aiq_malloc_array(n, sizeof *y), *w = aiq_malloc_array(n, sizeof *w);
  double *X = NULL;
  int present[100] = {0}, rc = AIINEQ_OK;
  if (!y || !w) goto nomem;
  aiq_panel_outcome(p, outcome, y);
  /* complete rows decide which major groups get a dummy */
  for (size_t i = 0; i < n; i++) {
    double lw = log_cell(p, 0, AIQ_PF_MEAN, i), emp = p->val[0][AIQ_PF_EMP][i];
    w[i] = p->st[0][AIQ_PF_EMP][i] == AIINEQ_CELL_VALUE && emp > 0 ? emp : NAN;
    int complete = !isnan(y[i]) && !(ctrl && isnan(lw)) && !(wts && isnan(w[i]));
    int g = (int)p->major[i];
    if (complete && g >= 0 && g < 100) present[g] = 1;
  }
  int groups[100], ng = 0;
  for (int g = 0; g < 100; g++)
    if (present[g]) groups[ng++] = g;
  size_t k = 2 + (size_t)ctrl + (fe && ng > 1 ? (size_t)ng - 1 : 0);
  X = aiq_malloc_array(n * k, sizeof *X);
  if (!X) goto nomem;
  for (size_t i = 0; i < n; i++) {
    double *row = X + i * k;
    size_t j = 0;
    row[j++] = 1.0;
    row[j++] = (p->exposure[i] - mean) / sd;
    if (ctrl) row[j++] = log_cell(p, 0, AIQ_PF_MEAN, i);
    for (int g = 1; fe && g < ng; g++) row[j++] = p->major[i] == groups[g] ? 1.0 : 0.0;
  }
  rc = aiineq_ols_set_data(o, y, X, n, k);
  if (rc == AIINEQ_OK) {
    size_t j = 0;
    aiineq_ols_set_name(o, j++, "const");
    aiineq_ols_set_name(o, j++, "exposure_sd");
    if (ctrl) aiineq_ols_set_name(o, j++, "log_wage_from");
    for (int g = 1; fe && g < ng; g++) {
      char name[16];
      snprintf(name, sizeof name, "major_%02d", groups[g]);
      aiineq_ols_set_name(o, j++, name);
    }
    rc = aiineq_ols_set_clusters(o, p->major, n);
  }
  if (rc == AIINEQ_OK && wts) rc = aiineq_ols_set_weights(o, w, n);
  if (rc == AIINEQ_OK) rc = aiineq_ols_set_cov(o, cov_type);
  if (rc == AIINEQ_OK) rc = aiineq_ols_fit(o);
  goto done;
nomem:
  rc = aiq_fail(o->err, AIINEQ_ERR_NOMEM, "regress: out of memory");
done:
  aiq_free(y);
  aiq_free(w);
  aiq_free(X);
  return rc;
}
