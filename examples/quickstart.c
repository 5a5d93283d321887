/*
 * quickstart.c -- the main demo: create a model, list its parameters.
 * (The equilibrium report arrives with the solver.)
 */
#include <aiineq.h>
#include <stdio.h>

int main(void) {
  aiineq_model *m = NULL;
  int rc = aiineq_model_new(&m);
  if (rc != AIINEQ_OK) {
    fprintf(stderr, "aiineq_model_new: %s\n", aiineq_strerror(rc));
    return 1;
  }
  printf("aiineq %s: model parameters (MODEL.md section 1)\n", aiineq_version_string());
  for (size_t i = 0; i < aiineq_param_count(); i++) {
    const char *name, *desc;
    unsigned flags;
    aiineq_param_info(i, &name, &desc, NULL, NULL, NULL, &flags);
    if (flags & AIINEQ_PARAM_INTEGER) {
      int64_t v = 0;
      aiineq_model_get_int(m, name, &v);
      printf("  %-12s %14lld  %s\n", name, (long long)v, desc);
    } else {
      double v = 0;
      aiineq_model_get_double(m, name, &v);
      printf("  %-12s %14.6g  %s\n", name, v, desc);
    }
  }
  aiineq_model_free(m);
  return 0;
}
