/*
 * sobol.h -- unscrambled Sobol points (Joe and Kuo 2008 direction numbers,
 * file new-joe-kuo-6.21201, first AIQ_SOBOL_MAX_DIM dimensions), used for
 * the quasi-random multistart of the estimator.  Point 0 is the origin;
 * the values match scipy.stats.qmc.Sobol(d, scramble=False).
 */
#ifndef AIQ_SOBOL_H
#define AIQ_SOBOL_H

#include <stddef.h>
#include <stdint.h>

#define AIQ_SOBOL_MAX_DIM 21
#define AIQ_SOBOL_BITS 32

/* Point `index` (0-based, index < 2^32) of the d-dimensional sequence into
 * x[0..d); d <= AIQ_SOBOL_MAX_DIM.  Returns 0, or -1 for a bad d. */
int aiq_sobol_point(size_t d, uint32_t index, double *x);

#endif /* AIQ_SOBOL_H */
