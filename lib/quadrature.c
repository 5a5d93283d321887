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
  double *e = aiq_malloc_array(q, sizeof *e);
  if (!e) return AIINEQ_ERR_NOMEM;
  for (size_t i = 0; i < q; i++) t[i] = 0.0;
  for (size_t i = 0; i + 1 < q; i++) e[i] = sqrt((double)(i + 1));
  dstev_("N", &n, t, e, NULL, &ldz, NULL, &info);
  aiq_free(e);
  if (info != 0) return AIINEQ_ERR_SINGULAR;
  /* The rule is symmetric: make the nodes exactly so (and the middle one 0). */
  for (size_t i = 0; i < q / 2; i++) {
    double s = 0.5 * (t[q - 1 - i] - t[i]);
    t[i] = -s;
    t[q - 1 - i] = s;
  }
  if (q % 2) t[q / 2] = 0.0;
  double total = 0.0;
  for (size_t i = 0; i < q; i++) {
    double prev = 0.0, cur = 1.0, sum = 1.0;
    for (size_t j = 0; j + 1 < q; j++) {
      double next = (t[i] * cur - sqrt((double)j) * prev) / sqrt((double)(j + 1));
      prev = cur;
      cur = next;
      sum += cur * cur;
    }
    w[i] = 1.0 / sum;
  }
  for (size_t i = 0; i < q / 2; i++) w[i] = w[q - 1 - i];
  for (size_t i = 0; i < q; i++) total += w[i];
  for (size_t i = 0; i < q; i++) w[i] /= total;
  return AIINEQ_OK;
}
