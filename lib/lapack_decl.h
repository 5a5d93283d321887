/*
 * lapack_decl.h -- prototypes of the Fortran LAPACK routines the library
 * calls (Debian's liblapack / OpenBLAS ship no C header for them).  Integers
 * are 32-bit (LP64 build); character arguments carry gfortran's hidden
 * length arguments at the end, as LAPACKE passes them.
 */
#ifndef AIQ_LAPACK_DECL_H
#define AIQ_LAPACK_DECL_H

#include <stddef.h>

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

#endif /* AIQ_LAPACK_DECL_H */
