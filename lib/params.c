/*
 * params.c -- the parameter table and parameter introspection.
 */
#include <string.h>

#include "params.h"
#include "internal.h"

const aiq_param_def aiq_param_table[AIQ_NPARAM] = {
#define AIQ_PARAM_ROW(id, name, def, lo, hi, flags, desc) {name, desc, def, lo, hi, flags},
    AIQ_PARAMS(AIQ_PARAM_ROW)
#undef AIQ_PARAM_ROW
};

int aiq_param_lookup(const char *name) {
  if (!name) return -1;
  for (int i = 0; i < AIQ_NPARAM; i++)
    if (strcmp(aiq_param_table[i].name, name) == 0) return i;
  return -1;
}

AIINEQ_API size_t aiineq_param_count(void) { return AIQ_NPARAM; }

AIINEQ_API int aiineq_param_index(const char *name, size_t *index) {
  if (!name || !index) return AIINEQ_ERR_ARG;
  int i = aiq_param_lookup(name);
  if (i < 0) return AIINEQ_ERR_NAME;
  *index = (size_t)i;
  return AIINEQ_OK;
}

AIINEQ_API int aiineq_param_info(size_t index, const char **name, const char **description,
                                 double *default_value, double *lower, double *upper,
                                 unsigned *flags) {
  if (index >= AIQ_NPARAM) return AIINEQ_ERR_RANGE;
  const aiq_param_def *d = &aiq_param_table[index];
  if (name) *name = d->name;
  if (description) *description = d->description;
  if (default_value) *default_value = d->def;
  if (lower) *lower = d->lo;
  if (upper) *upper = d->hi;
  if (flags) *flags = d->flags;
  return AIINEQ_OK;
}
