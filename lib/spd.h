/*
 * spd.h -- symmetric positive-definite linear algebra through LAPACK
 * (dpotrf, dpotri, dposv).  Matrices are column-major n x n; a symmetric
 * matrix reads the same in either order.
 */
#ifndef AIQ_SPD_H
#define AIQ_SPD_H

#include <stddef.h>

/* Cholesky factor in place (lower triangle).  Returns 0, or the LAPACK info
 * (> 0: the leading minor of that order is not positive definite). */
int aiq_cholesky(double *a, size_t n);

/* Inverse of an SPD matrix in place (full symmetric result).  Returns 0 or
 * the LAPACK info. */
int aiq_spd_inverse(double *a, size_t n);

/* Solve A X = B for SPD A (n x n, overwritten by its factor) and B (n x
 * nrhs, column-major, overwritten by X).  Returns 0 or the LAPACK info. */
int aiq_spd_solve(double *a, size_t n, double *b, size_t nrhs);

/* Quadratic form x' A x for a symmetric n x n matrix A: the MSM objective
 * r' W r and the OLS leverages share it.  Summed row by row in index order,
 * so the bits are fixed. */
double aiq_quad_form(const double *a, const double *x, size_t n);

#endif /* AIQ_SPD_H */
