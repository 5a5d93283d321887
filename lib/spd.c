/*
 * spd.c -- LAPACK wrappers for symmetric positive-definite systems
 * (prototypes in lapack.h).
 */
#include <limits.h>

#include "lapack.h"
#include "spd.h"

int aiq_cholesky(double *a, size_t n) {
  if (n == 0 || n > INT_MAX) return -1;
  int nn = (int)n, info = 0;
  dpotrf_("L", &nn, a, &nn, &info, 1);
  return info;
}

int aiq_spd_inverse(double *a, size_t n) {
  int info = aiq_cholesky(a, n);
  if (info) return info;
  int nn = (int)n;
  dpotri_("L", &nn, a, &nn, &info, 1);
  if (info) return info;
  for (size_t j = 0; j < n; j++) /* mirror the lower triangle */
    for (size_t i = j + 1; i < n; i++) a[j + i * n] = a[i + j * n];
  return 0;
}

int aiq_spd_solve(double *a, size_t n, double *b, size_t nrhs) {
  if (n == 0 || n > INT_MAX || nrhs == 0 || nrhs > INT_MAX) return -1;
  int nn = (int)n, nr = (int)nrhs, info = 0;
  dposv_("L", &nn, &nr, a, &nn, b, &nn, &info, 1);
  return info;
}

double aiq_quad_form(const double *a, const double *x, size_t n) {
  double q = 0;
  for (size_t i = 0; i < n; i++) {
    double row = 0;
    for (size_t j = 0; j < n; j++) row += a[i * n + j] * x[j];
    q += x[i] * row;
  }
  return q;
}
