/*
 * model.c -- the model handle: creation, copy, typed parameter access and
 * the task table.  Every setter validates before it writes, so a rejected
 * call leaves the handle exactly as it was.
 */
#include <math.h>
#include <string.h>

#include "model_internal.h"

/* MODEL.md section 1: five tasks, exposure 0 .. 1, equal weights. */
#define DEFAULT_TASKS 5

static const char null_handle_msg[] = "model handle is NULL";

AIINEQ_API int aiineq_model_new(aiineq_model **out) {
  if (!out) return AIINEQ_ERR_ARG;
  *out = NULL;
  aiineq_model *m = aiq_calloc(1, sizeof *m);
  double *x = aiq_malloc_array(DEFAULT_TASKS, sizeof *x);
  double *nu = aiq_malloc_array(DEFAULT_TASKS, sizeof *nu);
  if (!m || !x || !nu) {
    aiq_free(m);
    aiq_free(x);
    aiq_free(nu);
    return AIINEQ_ERR_NOMEM;
  }
  for (int i = 0; i < AIQ_NPARAM; i++) {
    const aiq_param_def *d = &aiq_param_table[i];
    if (d->flags & AIINEQ_PARAM_INTEGER)
      m->ival[i] = (int64_t)d->def;
    else
      m->val[i] = d->def;
  }
  for (int k = 0; k < DEFAULT_TASKS; k++) {
    x[k] = k / (double)(DEFAULT_TASKS - 1);
    nu[k] = 1.0 / DEFAULT_TASKS;
  }
  m->x = x;
  m->nu = nu;
  m->n_tasks = DEFAULT_TASKS;
  *out = m;
  return AIINEQ_OK;
}

AIINEQ_API void aiineq_model_free(aiineq_model *m) {
  if (!m) return;
  aiq_free(m->x);
  aiq_free(m->nu);
  aiq_free(m);
}

AIINEQ_API int aiineq_model_copy(const aiineq_model *m, aiineq_model **out) {
  if (!out) return AIINEQ_ERR_ARG;
  *out = NULL;
  if (!m) return AIINEQ_ERR_ARG;
  aiineq_model *c = aiq_malloc(sizeof *c);
  double *x = aiq_malloc_array(m->n_tasks, sizeof *x);
  double *nu = aiq_malloc_array(m->n_tasks, sizeof *nu);
  if (!c || !x || !nu) {
    aiq_free(c);
    aiq_free(x);
    aiq_free(nu);
    return AIINEQ_ERR_NOMEM;
  }
  memcpy(c, m, sizeof *c);
  memcpy(x, m->x, m->n_tasks * sizeof *x);
  memcpy(nu, m->nu, m->n_tasks * sizeof *nu);
  c->x = x;
  c->nu = nu;
  c->err[0] = '\0';
  *out = c;
  return AIINEQ_OK;
}

AIINEQ_API const char *aiineq_model_errmsg(const aiineq_model *m) {
  return m ? m->err : null_handle_msg;
}

/* Look up `name` and check it has the wanted integer-ness. */
static int find_param(aiineq_model *m, const char *name, int want_int, int *idx) {
  if (!name) return aiq_fail(m->err, AIINEQ_ERR_ARG, "parameter name is NULL");
  int i = aiq_param_lookup(name);
  if (i < 0) return aiq_fail(m->err, AIINEQ_ERR_NAME, "unknown parameter '%s'", name);
  int is_int = (aiq_param_table[i].flags & AIINEQ_PARAM_INTEGER) != 0;
  if (is_int != want_int)
    return aiq_fail(m->err, AIINEQ_ERR_TYPE, "parameter '%s' is %s; use aiineq_model_%s_%s", name,
                    is_int ? "integer-valued" : "real-valued", "set",
                    is_int ? "int" : "double");
  *idx = i;
  return AIINEQ_OK;
}

/* Range check against the table, honouring open ends. */
static int check_range(char *err, int i, double v) {
  const aiq_param_def *d = &aiq_param_table[i];
  int lo_bad = (d->flags & AIINEQ_PARAM_LO_OPEN) ? !(v > d->lo) : !(v >= d->lo);
  int hi_bad = (d->flags & AIINEQ_PARAM_HI_OPEN) ? !(v < d->hi) : !(v <= d->hi);
  if (lo_bad || hi_bad)
    return aiq_fail(err, AIINEQ_ERR_RANGE, "parameter '%s' = %.17g is outside %c%.17g, %.17g%c",
                    d->name, v, (d->flags & AIINEQ_PARAM_LO_OPEN) ? '(' : '[', d->lo, d->hi,
                    (d->flags & AIINEQ_PARAM_HI_OPEN) ? ')' : ']');
  return AIINEQ_OK;
}

AIINEQ_API int aiineq_model_set_double(aiineq_model *m, const char *name, double value) {
  if (!m) return AIINEQ_ERR_ARG;
  int i, rc = find_param(m, name, 0, &i);
  if (rc) return rc;
  if (!isfinite(value))
    return aiq_fail(m->err, AIINEQ_ERR_NONFINITE, "parameter '%s' must be finite, got %g", name,
                    value);
  if ((rc = check_range(m->err, i, value))) return rc;
  m->val[i] = value;
  return AIINEQ_OK;
}

AIINEQ_API int aiineq_model_set_int(aiineq_model *m, const char *name, int64_t value) {
  if (!m) return AIINEQ_ERR_ARG;
  int i, rc = find_param(m, name, 1, &i);
  if (rc) return rc;
  if (i != AIQ_P_SEED && (rc = check_range(m->err, i, (double)value))) return rc;
  m->ival[i] = value;
  return AIINEQ_OK;
}

/* Getters cannot change the handle, so their messages are not recorded. */
static int getter_lookup(const aiineq_model *m, const char *name, int want_int, int *idx) {
  if (!m || !name) return AIINEQ_ERR_ARG;
  int i = aiq_param_lookup(name);
  if (i < 0) return AIINEQ_ERR_NAME;
  if (((aiq_param_table[i].flags & AIINEQ_PARAM_INTEGER) != 0) != want_int)
    return AIINEQ_ERR_TYPE;
  *idx = i;
  return AIINEQ_OK;
}

AIINEQ_API int aiineq_model_get_double(const aiineq_model *m, const char *name, double *value) {
  int i, rc = getter_lookup(m, name, 0, &i);
  if (rc) return rc;
  if (!value) return AIINEQ_ERR_ARG;
  *value = m->val[i];
  return AIINEQ_OK;
}

AIINEQ_API int aiineq_model_get_int(const aiineq_model *m, const char *name, int64_t *value) {
  int i, rc = getter_lookup(m, name, 1, &i);
  if (rc) return rc;
  if (!value) return AIINEQ_ERR_ARG;
  *value = m->ival[i];
  return AIINEQ_OK;
}

AIINEQ_API int aiineq_model_set_tasks(aiineq_model *m, const double *x, const double *nu,
                                      size_t k) {
  if (!m) return AIINEQ_ERR_ARG;
  if (!x) return aiq_fail(m->err, AIINEQ_ERR_ARG, "task exposure array x is NULL");
  if (!nu) return aiq_fail(m->err, AIINEQ_ERR_ARG, "task weight array nu is NULL");
  if (k == 0 || k > AIQ_MAX_TASKS)
    return aiq_fail(m->err, AIINEQ_ERR_SIZE, "number of tasks k = %zu must be in [1, %d]", k,
                    AIQ_MAX_TASKS);
  double total = 0.0;
  for (size_t i = 0; i < k; i++) {
    if (!isfinite(x[i]) || !isfinite(nu[i]))
      return aiq_fail(m->err, AIINEQ_ERR_NONFINITE, "task %zu: %s is not finite", i,
                      isfinite(x[i]) ? "nu" : "x");
    if (x[i] < 0.0 || x[i] > 1.0)
      return aiq_fail(m->err, AIINEQ_ERR_RANGE, "task %zu: exposure x = %g is outside [0, 1]", i,
                      x[i]);
    if (!(nu[i] > 0.0))
      return aiq_fail(m->err, AIINEQ_ERR_RANGE, "task %zu: weight nu = %g must be > 0", i, nu[i]);
    total += nu[i];
  }
  if (!isfinite(total))
    return aiq_fail(m->err, AIINEQ_ERR_RANGE, "task weights nu sum to infinity");
  double *nx = aiq_malloc_array(k, sizeof *nx);
  double *nn = aiq_malloc_array(k, sizeof *nn);
  if (!nx || !nn) {
    aiq_free(nx);
    aiq_free(nn);
    return aiq_fail(m->err, AIINEQ_ERR_NOMEM, "out of memory copying %zu tasks", k);
  }
  for (size_t i = 0; i < k; i++) {
    nx[i] = x[i];
    nn[i] = nu[i] / total;
  }
  aiq_free(m->x);
  aiq_free(m->nu);
  m->x = nx;
  m->nu = nn;
  m->n_tasks = k;
  return AIINEQ_OK;
}

AIINEQ_API int aiineq_model_get_n_tasks(const aiineq_model *m, size_t *k) {
  if (!m || !k) return AIINEQ_ERR_ARG;
  *k = m->n_tasks;
  return AIINEQ_OK;
}

AIINEQ_API int aiineq_model_get_tasks(const aiineq_model *m, double *x, double *nu, size_t k) {
  if (!m) return AIINEQ_ERR_ARG;
  if (k != m->n_tasks) return AIINEQ_ERR_SIZE;
  if (x) memcpy(x, m->x, k * sizeof *x);
  if (nu) memcpy(nu, m->nu, k * sizeof *nu);
  return AIINEQ_OK;
}
