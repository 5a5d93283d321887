/*
 * special.h -- special functions for p-values: the regularised incomplete
 * beta function and Student t / normal tail probabilities.
 */
#ifndef AIQ_SPECIAL_H
#define AIQ_SPECIAL_H

/* Regularised incomplete beta I_x(a, b) for a, b > 0, given x in [0,1] and
 * y = 1 - x computed by the caller without cancellation.  NaN for invalid
 * arguments. */
double aiq_betainc(double a, double b, double x, double y);

/* Two-sided tail P(|T| >= |t|) of Student's t with df > 0 degrees of
 * freedom; df = +Inf gives the standard normal.  NaN for NaN input or
 * df <= 0. */
double aiq_t_pvalue2(double t, double df);

#endif /* AIQ_SPECIAL_H */
