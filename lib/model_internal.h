/*
 * model_internal.h -- layout of the model handle, shared by the modules
 * that read parameters (solver, estimation, data illustration).
 */
#ifndef AIQ_MODEL_INTERNAL_H
#define AIQ_MODEL_INTERNAL_H

#include "internal.h"
#include "params.h"

/* Largest task table accepted by aiineq_model_set_tasks(). */
#define AIQ_MAX_TASKS 100000

struct aiineq_model {
  double val[AIQ_NPARAM];  /* real parameters (integer ones hold 0 here) */
  int64_t ival[AIQ_NPARAM]; /* integer parameters (real ones hold 0 here) */
  size_t n_tasks;
  double *x;  /* exposure, length n_tasks */
  double *nu; /* normalised weights, length n_tasks */
  int n_threads; /* threads of a solve; 0 = OpenMP's default (par.h) */
  char err[AIQ_ERRLEN];
};

/* Shorthands for the solver: m->val[AIQ_P_THETA] reads as aiq_par(m, THETA). */
#define aiq_par(m, id) ((m)->val[AIQ_P_##id])
#define aiq_ipar(m, id) ((m)->ival[AIQ_P_##id])

#endif /* AIQ_MODEL_INTERNAL_H */
