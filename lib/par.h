/*
 * par.h -- deterministic parallel loops inside a solve (OpenMP when the
 * library is built with -fopenmp, serial otherwise).
 *
 * Rule: the result of a parallel loop never depends on the thread count.
 *  - Work without reductions (one household, one firm) is split freely.
 *  - Reductions are cut into aiq_par_nchunks(n) chunks whose bounds depend
 *    on n only; each chunk is reduced serially and the chunk partials are
 *    combined serially in chunk order, so every thread count adds the same
 *    numbers in the same order.
 *  - Sorts are stable, and a stable sort has exactly one output, so any
 *    split gives the same permutation.
 *  - Random numbers are counter-based (rng.h): a draw depends on its index,
 *    not on which thread takes it.
 */
#ifndef AIQ_PAR_H
#define AIQ_PAR_H

#include <stddef.h>

#include "aiineq.h"

#ifdef _OPENMP
#include <omp.h>
#endif

/* Upper bound of threads aiineq_model_set_threads accepts. */
#define AIQ_MAX_THREADS 1024

/* Chunking of reductions: at least AIQ_PAR_GRAIN items per chunk and at
 * most AIQ_PAR_MAXCHUNKS chunks (partials fit on the stack). */
#define AIQ_PAR_GRAIN 8192
#define AIQ_PAR_MAXCHUNKS 256

static inline size_t aiq_par_nchunks(size_t n) {
  size_t c = n / AIQ_PAR_GRAIN;
  return c < 1 ? 1 : c > AIQ_PAR_MAXCHUNKS ? AIQ_PAR_MAXCHUNKS : c;
}

/* First index of part c when n items are cut into np near-equal parts
 * (part c is [aiq_par_lo(n, np, c), aiq_par_lo(n, np, c + 1))). */
static inline size_t aiq_par_lo(size_t n, size_t np, size_t c) {
  size_t q = n / np, r = n % np;
  return q * c + (c < r ? c : r);
}

/* Number of the calling thread in the enclosing parallel region (0
 * outside one, and always 0 in a serial build). */
static inline size_t aiq_par_thread_id(void) {
#ifdef _OPENMP
  return (size_t)omp_get_thread_num();
#else
  return 0;
#endif
}

/* Threads a solve of m uses: its setting; when that is 0, OpenMP's default
 * if OMP_NUM_THREADS is set and 1 otherwise; always 1 in a serial build. */
int aiq_par_threads(const aiineq_model *m);

/* Sum of x[0..n) in fixed chunks (see above) with up to nt threads. */
double aiq_par_sum(const double *x, size_t n, int nt);

/* Smallest and largest value of x[0..n) (n > 0) in fixed chunks with up to
 * nt threads (exact in any order).  The maximum keeps any NaN it meets, so
 * *hi is NaN when some value is (one pass tells whether all values lie in
 * a range); without NaN both bounds are exact.  The sorts' range pass. */
void aiq_par_minmax(const double *x, size_t n, int nt, double *lo, double *hi);

#endif /* AIQ_PAR_H */
