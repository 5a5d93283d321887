/*
 * ols_internal.h -- layout of the regression handle, shared by ols.c
 * (handle, setters, getters) and ols_fit.c (the fit).
 */
#ifndef AIQ_OLS_INTERNAL_H
#define AIQ_OLS_INTERNAL_H

#include "internal.h"

#define AIQ_OLS_NAMELEN 64

/* Reasons a row is dropped (index into dropped[]). */
enum { AIQ_DROP_Y, AIQ_DROP_X, AIQ_DROP_W, AIQ_DROP_G, AIQ_DROP_NREASONS };

/* Estimates of one successful fit (all arrays of length k, V k*k). */
typedef struct aiq_ols_est {
  double *coef, *se, *t, *p, *V;
  double *df; /* degrees of freedom of each coefficient's reference t (Inf: normal) */
  double r2, r2_adj, ssr, sigma, df_resid, df_inf;
  size_t n_used, n_clusters, n_dropped, dropped[AIQ_DROP_NREASONS];
  int cov_type, dist; /* dist resolved to AIINEQ_DIST_T or _NORMAL */
} aiq_ols_est;

struct aiineq_ols {
  size_t n, k;
  double *y;                      /* n, NULL until set_data */
  double *X;                      /* n*k row-major */
  double *w;                      /* n or NULL */
  double *g;                      /* n or NULL */
  char (*names)[AIQ_OLS_NAMELEN]; /* k */
  int cov_type, dist;
  aiq_ols_est *est; /* NULL until fitted */
  char err[AIQ_ERRLEN];
};

void aiq_ols_est_free(aiq_ols_est *e);

#endif /* AIQ_OLS_INTERNAL_H */
