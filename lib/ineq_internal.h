/*
 * ineq_internal.h -- inequality and sorting routines used inside the
 * library (the solver computes every Gini through these).
 */
#ifndef AIQ_INEQ_INTERNAL_H
#define AIQ_INEQ_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

/* Sort x[0..n) ascending in place (radix sort on the IEEE-754 bit pattern;
 * no NaN allowed; -0.0 is placed before +0.0).  Returns AIINEQ_OK,
 * AIINEQ_ERR_ARG (x NULL with n > 1) or AIINEQ_ERR_NOMEM. */
int aiq_sort_double(double *x, size_t n);

/* Stable ascending order of x: idx[0..n) receives the permutation, ties in
 * index order (-0.0 and +0.0 tie; no NaN allowed).  x is not modified.
 * Returns AIINEQ_OK, AIINEQ_ERR_ARG (NULL with n > 0) or AIINEQ_ERR_NOMEM. */
int aiq_argsort_double(const double *x, size_t n, size_t *idx);

/* Exact population Gini (MODEL.md section 3) of n unweighted non-negative
 * values; x is not modified; O(n) through aiq_bucket_sort_nt into a copy.
 * Returns AIINEQ_OK, AIINEQ_ERR_ARG (NULL), AIINEQ_ERR_NOMEM,
 * AIINEQ_ERR_NONFINITE (NaN/Inf value), AIINEQ_ERR_RANGE (negative value) or
 * AIINEQ_ERR_DEGENERATE (zero total, including n == 0). */
int aiq_gini_plain(const double *x, size_t n, double *gini);

/* The same three with up to nt threads (OpenMP; nt <= 1 is serial).  The
 * results are bit-identical for every nt: the sorts are stable (one possible
 * output) and the Gini's sums are cut into chunks fixed by n (par.h). */
int aiq_sort_double_nt(double *x, size_t n, int nt);
int aiq_argsort_double_nt(const double *x, size_t n, size_t *idx, int nt);
int aiq_gini_plain_nt(const double *x, size_t n, double *gini, int nt);

/* aiq_gini_plain_nt with the caller's scratch y (n doubles, not
 * overlapping x; its contents are left unspecified): the same value and
 * the same status, without an allocation of n doubles (a solve's four
 * Ginis share one buffer). */
int aiq_gini_plain_buf(const double *x, size_t n, double *gini, int nt, double *y);

/* For tests: aiq_gini_plain_buf with its compensated sums in lane build
 * isa (0 baseline, 1 AVX2, 2 AVX-512: the same bits in each).
 * AIINEQ_ERR_ARG if the CPU cannot run isa (see aiq_bucket_isa). */
int aiq_gini_isa(const double *x, size_t n, double *gini, int nt, double *y, int isa);

/* y[0..n) receives x[0..n) sorted as aiq_sort_double sorts (the same
 * array: one output per input), by a two-level bucket sort (bucket.c),
 * faster on spread-out data such as incomes; x and y must not overlap.
 * Bit-identical for every nt.  Returns AIINEQ_OK, AIINEQ_ERR_ARG (NULL with
 * n > 0) or AIINEQ_ERR_NOMEM. */
int aiq_bucket_sort_nt(const double *x, size_t n, double *y, int nt);

/* aiq_bucket_sort_nt for data that must be finite and non-negative: the
 * same y, or AIINEQ_ERR_RANGE (y unspecified, nothing allocated) if some
 * value is negative, infinite or NaN (the check rides on the key-range
 * pass, so it costs no pass of its own). */
int aiq_bucket_sort_checked_nt(const double *x, size_t n, double *y, int nt);

/* The Gini's route through the checked sort (the same data check and
 * statuses, and AIINEQ_ERR_DEGENERATE for n == 0): y (n doubles) is only
 * scratch; sums receives the compensated sums of the values (sums[0] plus
 * its correction sums[1]) and of (2i - n - 1) y_(i) over the ascending
 * order (sums[2] plus sums[3]).  Each level-1 bucket's sums come from its
 * sorted keys in eight fixed lanes (lane build isa: 0 baseline, 1 AVX2,
 * 2 AVX-512, all the same bits) and are combined in bucket order: the same
 * bits for every nt.  AIINEQ_ERR_ARG for an isa the CPU cannot run. */
int aiq_bucket_gini_sums_nt(const double *x, size_t n, double *y, int nt, int isa,
                            double sums[4]);

/* The widest lane build the CPU runs: 2 AVX-512, 1 AVX2, 0 baseline. */
int aiq_bucket_isa(void);

/* block[i] = floor(r_i J / n), where r_i is the rank of s[i] in the stable
 * ascending order of aiq_argsort_double (ties in index order, -0.0 ties
 * +0.0; no NaN): the firm of household i when n households fill J equal
 * blocks.  The same as the argsort route for every nt, without sorting
 * (rank.c).
 * Needs 1 <= J <= n, J <= INT32_MAX.  Returns AIINEQ_OK, AIINEQ_ERR_ARG or
 * AIINEQ_ERR_NOMEM (block is then undefined). */
int aiq_rank_blocks(const double *s, size_t n, size_t J, int32_t *block, int nt);

/* aiq_rank_blocks when the caller already has the smallest and largest
 * value of s[0..n) (vmin, vmax: exactly those, either zero for a zero),
 * e.g. from the pass that wrote s: the same blocks without the range pass. */
int aiq_rank_blocks_range(const double *s, size_t n, size_t J, int32_t *block, int nt,
                          double vmin, double vmax);

#endif /* AIQ_INEQ_INTERNAL_H */
