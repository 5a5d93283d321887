/*
 * ineq_internal.h -- inequality and sorting routines used inside the
 * library (the solver computes every Gini through these).
 */
#ifndef AIQ_INEQ_INTERNAL_H
#define AIQ_INEQ_INTERNAL_H

#include <stddef.h>

/* Sort x[0..n) ascending in place (radix sort on the IEEE-754 bit pattern;
 * no NaN allowed).  Returns AIINEQ_OK or AIINEQ_ERR_NOMEM. */
int aiq_sort_double(double *x, size_t n);

/* Stable ascending order of x: idx[0..n) receives the permutation, ties in
 * index order.  Returns AIINEQ_OK or AIINEQ_ERR_NOMEM. */
int aiq_argsort_double(const double *x, size_t n, size_t *idx);

/* Exact population Gini (MODEL.md section 3) of n unweighted non-negative
 * values; x is not modified.  Returns AIINEQ_OK, AIINEQ_ERR_NOMEM,
 * AIINEQ_ERR_RANGE (negative value) or AIINEQ_ERR_DEGENERATE (zero total). */
int aiq_gini_plain(const double *x, size_t n, double *gini);

#endif /* AIQ_INEQ_INTERNAL_H */
