/*
 * normal.c -- normal CDF and quantile.
 *
 * The quantile is Wichura's algorithm AS241 (PPND16, Applied Statistics 37,
 * 1988): rational approximations of degree 7 in three regions, relative
 * accuracy about 1e-16.  Coefficients are those of the published paper.
 */
#include <math.h>

#include "numerics.h"

/* Evaluate the degree-7 polynomial c[0] + c[1] r + ... + c[7] r^7 (Horner). */
static double poly7(const double c[8], double r) {
  double s = c[7];
  for (int i = 6; i >= 0; i--) s = s * r + c[i];
  return s;
}

static const double A[8] = {3.3871328727963666080e0,     1.3314166789178437745e+2,
                            1.9715909503065514427e+3,    1.3731693765509461125e+4,
                            4.5921953931549871457e+4,    6.7265770927008700853e+4,
                            3.3430575583588128105e+4,    2.5090809287301226727e+3};
static const double B[8] = {1.0,
                            4.2313330701600911252e+1,    6.8718700749205790830e+2,
                            5.3941960214247511077e+3,    2.1213794301586595867e+4,
                            3.9307895800092710610e+4,    2.8729085735721942674e+4,
                            5.2264952788528545610e+3};
static const double C[8] = {1.42343711074968357734e0,    4.63033784615654529590e0,
                            5.76949722146069140550e0,    3.64784832476320460504e0,
                            1.27045825245236838258e0,    2.41780725177450611770e-1,
                            2.27238449892691845833e-2,   7.74545014278341407640e-4};
static const double D[8] = {1.0,
                            2.05319162663775882187e0,    1.67638483018380384940e0,
                            6.89767334985100004550e-1,   1.48103976427480074590e-1,
                            1.51986665636164571966e-2,   5.47593808499534494600e-4,
                            1.05075007164441684324e-9};
static const double E[8] = {6.65790464350110377720e0,    5.46378491116411436990e0,
                            1.78482653991729133580e0,    2.96560571828504891230e-1,
                            2.65321895265761230930e-2,   1.24266094738807843860e-3,
                            2.71155556874348757815e-5,   2.01033439929228813265e-7};
static const double F[8] = {1.0,
                            5.99832206555887937690e-1,   1.36929880922735805310e-1,
                            1.48753612908506148525e-2,   7.86869131145613259100e-4,
                            1.84631831751005468180e-5,   1.42151175831644588870e-7,
                            2.04426310338993978564e-15};

double aiq_norm_ppf(double p) {
  if (!(p >= 0.0 && p <= 1.0)) return NAN;
  double q = p - 0.5;
  if (fabs(q) <= 0.425) {
    double r = 0.180625 - q * q;
    return q * poly7(A, r) / poly7(B, r);
  }
  double r = q < 0.0 ? p : 1.0 - p; /* exact for p in [0.5, 1] (Sterbenz) */
  if (r == 0.0) return q < 0.0 ? -INFINITY : INFINITY;
  r = sqrt(-log(r));
  double v;
  if (r <= 5.0) {
    r -= 1.6;
    v = poly7(C, r) / poly7(D, r);
  } else {
    r -= 5.0;
    v = poly7(E, r) / poly7(F, r);
  }
  return q < 0.0 ? -v : v;
}

/* Batch quantile, bit-identical to aiq_norm_ppf element by element.
 *
 * The central region (|p - 0.5| <= 0.425, about 85% of uniform draws) needs
 * no branch and no libm call, so its rational is evaluated for every element
 * in a loop the compiler vectorises; the operations are those of the scalar
 * code in the same order (Horner from c[7] down, then q * num / den), and
 * with -ffp-contract=off each SIMD lane rounds exactly as the scalar
 * instructions do.  The other elements (tails, 0, 1, NaN, out of range) are
 * first listed without branching (a data-dependent branch at 15% would be
 * mispredicted often) and afterwards recomputed by the scalar function.
 * Chunks keep the list on the stack and p in L1 between the passes. */
enum { PPF_CHUNK = 256 };

void aiq_norm_ppf_n(const double *p, double *x, size_t n) {
  double tail_p[PPF_CHUNK];
  unsigned tail_i[PPF_CHUNK];
  for (size_t i0 = 0; i0 < n; i0 += PPF_CHUNK) {
    size_t m = n - i0 < PPF_CHUNK ? n - i0 : PPF_CHUNK, k = 0;
    const double *pc = p + i0;
    double *xc = x + i0;
    /* Before the central pass, which may overwrite p when x == p. */
    for (size_t j = 0; j < m; j++) {
      double pj = pc[j];
      tail_p[k] = pj;
      tail_i[k] = (unsigned)j;
      k += !(fabs(pj - 0.5) <= 0.425);
    }
#pragma omp simd
    for (size_t j = 0; j < m; j++) {
      double q = pc[j] - 0.5;
      double r = 0.180625 - q * q;
      double a = A[7], b = B[7];
      a = a * r + A[6];
      b = b * r + B[6];
      a = a * r + A[5];
      b = b * r + B[5];
      a = a * r + A[4];
      b = b * r + B[4];
      a = a * r + A[3];
      b = b * r + B[3];
      a = a * r + A[2];
      b = b * r + B[2];
      a = a * r + A[1];
      b = b * r + B[1];
      a = a * r + A[0];
      b = b * r + B[0];
      xc[j] = q * a / b;
    }
    for (size_t t = 0; t < k; t++) xc[tail_i[t]] = aiq_norm_ppf(tail_p[t]);
  }
}

double aiq_norm_cdf(double x) { return 0.5 * erfc(-x * 0.70710678118654752440); }

double aiq_log1pexp(double x) {
  if (x > 36.0) return x + exp(-x); /* exp(-x) below half an ulp of x beyond here */
  if (x > -36.0) return log1p(exp(x));
  return exp(x);
}
