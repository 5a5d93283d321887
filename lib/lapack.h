/*
 * lapack.h -- prototypes of the LAPACK (Fortran) routines the library calls.
 * LAPACK ships no C header for the Fortran interface in every distribution,
 * so the prototypes are declared here once.  All arguments are pointers;
 * character arguments are followed by hidden length arguments that the
 * gfortran ABI lets callers omit for length-one strings.
 */
#ifndef AIQ_LAPACK_H
#define AIQ_LAPACK_H

#include <stddef.h>

/* Eigenvalues (and, for jobz = 'V', eigenvectors) of a symmetric tridiagonal
 * matrix: d (n) diagonal, overwritten by ascending eigenvalues; e (n-1)
 * off-diagonal, destroyed; z (ldz x n) eigenvectors; work (2n-2). */
void dstev_(const char *jobz, const int *n, double *d, double *e, double *z, const int *ldz,
            double *work, int *info);

/* Least squares min ||b - A x|| by QR (trans = 'N'): a (lda x n) overwritten
 * by the factorisation, b (ldb x nrhs) overwritten by the solution in its
 * first n rows.  lwork = -1 is a workspace query. */
void dgels_(const char *trans, const int *m, const int *n, const int *nrhs, double *a,
            const int *lda, double *b, const int *ldb, double *work, const int *lwork,
            int *info);

/* Solve A X = B by LU with partial pivoting: a (lda x n) overwritten by the
 * factors, ipiv (n) pivots, b (ldb x nrhs) overwritten by X; info > 0 when
 * A is singular. */
void dgesv_(const int *n, const int *nrhs, double *a, const int *lda, int *ipiv, double *b,
            const int *ldb, int *info);

/* The routines below pass gfortran's hidden string-length arguments
 * explicitly (size_t, after the other arguments), as LAPACKE does. */
/* QR with column pivoting: A P = Q R. */
void dgeqp3_(const int *m, const int *n, double *a, const int *lda, int *jpvt, double *tau,
             double *work, const int *lwork, int *info);
/* C := Q' C (side "L", trans "T") with Q from dgeqp3/dgeqrf. */
void dormqr_(const char *side, const char *trans, const int *m, const int *n, const int *k,
             const double *a, const int *lda, const double *tau, double *c, const int *ldc,
             double *work, const int *lwork, int *info, size_t side_len, size_t trans_len);
/* Solve a triangular system. */
void dtrtrs_(const char *uplo, const char *trans, const char *diag, const int *n,
             const int *nrhs, const double *a, const int *lda, double *b, const int *ldb,
             int *info, size_t uplo_len, size_t trans_len, size_t diag_len);
/* Inverse of a triangular matrix in place. */
void dtrtri_(const char *uplo, const char *diag, const int *n, double *a, const int *lda,
             int *info, size_t uplo_len, size_t diag_len);
/* Eigenvalues (ascending) and eigenvectors of a symmetric matrix. */
void dsyev_(const char *jobz, const char *uplo, const int *n, double *a, const int *lda,
            double *w, double *work, const int *lwork, int *info, size_t jobz_len,
            size_t uplo_len);

/* Cholesky factor of an SPD matrix (uplo "L": lower triangle), its inverse
 * from the factor, and the SPD solve A X = B (lib/spd.c). */
void dpotrf_(const char *uplo, const int *n, double *a, const int *lda, int *info,
             size_t uplo_len);
void dpotri_(const char *uplo, const int *n, double *a, const int *lda, int *info,
             size_t uplo_len);
void dposv_(const char *uplo, const int *n, const int *nrhs, double *a, const int *lda,
            double *b, const int *ldb, int *info, size_t uplo_len);

#endif /* AIQ_LAPACK_H */
