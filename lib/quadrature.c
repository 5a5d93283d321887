/*
 * quadrature.c -- probabilists' Gauss-Hermite rules (Golub-Welsch).
 *
 * The monic Hermite polynomials He_n for the weight exp(-t^2/2) satisfy
 * He_{n+1}(t) = t He_n(t) - n He_{n-1}(t), so the Jacobi matrix has a zero
 * diagonal and off-diagonal entries sqrt(1), ..., sqrt(q-1); its eigenvalues
 * are the nodes (LAPACK dstev).  The weight of node t is the Christoffel
 * number 1 / sum_{j<q} phi_j(t)^2 with the orthonormal polynomials
 * phi_{j+1} = (t phi_j - sqrt(j) phi_{j-1}) / sqrt(j+1): the same number as
 * Golub-Welsch's squared first eigenvector component, but accurate relative
 * to itself in the far tails (weights down to 1e-300 at q = 200).
 */
#include <math.h>

#include "internal.h"
#include "lapack.h"
#include "numerics.h"

int aiq_gauss_hermite(size_t q, double *t, double *w) {
  if (q < 1 || q > AIQ_GH_MAX || !t || !w) return AIINEQ_ERR_RANGE;
  if (q == 1) {
    t[0] = 0.0;
    w[0] = 1.0;
    return AIINEQ_OK;
  }
  int n = (int)q, ldz = 1, info = 0;
  double *e = aiq_malloc_array(q, 3 * sizeof *e); /* dstev's, then the weights' scratch */
  if (!e) return AIINEQ_ERR_NOMEM;
  for (size_t i = 0; i < q; i++) t[i] = 0.0;
  for (size_t i = 0; i + 1 < q; i++) e[i] = sqrt((double)(i + 1));
  dstev_("N", &n, t, e, NULL, &ldz, NULL, &info);
  if (info != 0) {
    aiq_free(e);
    return AIINEQ_ERR_SINGULAR;
  }
  /* The rule is symmetric: make the nodes exactly so (and the middle one 0). */
  for (size_t i = 0; i < q / 2; i++) {
    double s = 0.5 * (t[q - 1 - i] - t[i]);
    t[i] = -s;
    t[q - 1 - i] = s;
  }
  if (q % 2) t[q / 2] = 0.0;
  /* The weights' recurrence for all nodes at once: a vector loop over
   * nodes instead of q chains of dependent divisions, with sqrt(j) from a
   * table; the same operations per node, so the same bits. */
  double *sq = e, *prev = e + q, *cur = e + 2 * q;
  for (size_t j = 0; j < q; j++) sq[j] = sqrt((double)j);
  for (size_t i = 0; i < q; i++) {
    prev[i] = 0.0;
    cur[i] = 1.0;
    w[i] = 1.0; /* the sum of squares */
  }
  for (size_t j = 0; j + 1 < q; j++) {
    double sj = sq[j], sj1 = sq[j + 1];
#pragma omp simd
    for (size_t i = 0; i < q; i++) {
      double next = (t[i] * cur[i] - sj * prev[i]) / sj1;
      prev[i] = cur[i];
      cur[i] = next;
      w[i] += next * next;
    }
  }
  aiq_free(e);
  for (size_t i = 0; i < q; i++) w[i] = 1.0 / w[i];
  double total = 0.0;
  for (size_t i = 0; i < q / 2; i++) w[i] = w[q - 1 - i];
  for (size_t i = 0; i < q; i++) total += w[i];
  for (size_t i = 0; i < q; i++) w[i] /= total;
  return AIINEQ_OK;
}
