/*
 * test_ineq.c -- the public inequality module (aiineq_dist_*, aiineq_gini):
 * exact small cases, invariances, weights against replication, closed forms
 * at n = 10^6, numpy reference values (tests/ref/ineq_ref.py), the source
 * decomposition, standard errors and every bad input.
 */
#include <stdint.h>
#include <string.h>

#include "rng.h"
#include "testutil.h"

/* Output of /usr/bin/python3 tests/ref/ineq_ref.py (independent numpy code). */
#define REF_GINI_W 0.45904031055581268
#define REF_GINI_U 0.49743326488706358
#define REF_LORENZ_W_0 0
#define REF_LORENZ_W_1 0.02869042110134197
#define REF_LORENZ_W_2 0.18278574733919487
#define REF_LORENZ_W_3 0.68671911152244336
#define REF_TOP10_W 0.31328088847755664
#define REF_TOP1_W 0.039981490050902568
#define REF_THEIL_W 0.38247513994876292
#define REF_THEIL_XP_W 0.26482748314750426
#define REF_MLD_XP_W 0.3081844151373524
#define REF_MLD_XP_U 0.39747021447242847
#define REF_SE_XP_U 0.071345546868188434
#define REF_SE_XP_W 0.09964930895064307
#define REF_LY_S0 0.63905599259602031
#define REF_LY_G0 0.40040429640357234
#define REF_LY_R0 0.92565242508728285
#define REF_LY_S1 0.21749190189726977
#define REF_LY_G1 0.87204491725768329
#define REF_LY_R1 0.93087089122331412
#define REF_LY_S2 0.14345210550670986
#define REF_LY_G2 0.58279569892473115
#define REF_LY_R2 0.5458179581795819

/* The reference data set (same as tests/ref/ineq_ref.py). */
enum { NR = 12 };
static const double rx[NR] = {3.2, 0.0, 7.5, 1.1, 3.2, 12.0, 0.4, 5.5, 3.2, 9.9, 2.0, 0.7};
static const double rw[NR] = {1.5, 2.0, 0.5, 1.0, 3.0, 0.25, 1.0, 2.0, 0.5, 1.0, 4.0, 1.25};
static const double rs1[NR] = {2.0, 0.0, 5.0, 1.0, 1.5, 4.0, 0.4, 3.0, 3.0, 6.0, 2.0, 0.5};
static const double rs2[NR] = {1.0, -0.5, 2.0, 0.0, 1.0, 9.0, 0.0, 1.5, -1.0, 2.5, 0.0, 0.0};

static aiineq_dist *new_dist(const double *x, const double *w, size_t n, unsigned flags) {
  aiineq_dist *d = NULL;
  AIQ_ASSERT_OK(aiineq_dist_new(&d));
  ck_assert_ptr_nonnull(d);
  int rc = aiineq_dist_set(d, x, w, n, flags);
  ck_assert_msg(rc == AIINEQ_OK, "aiineq_dist_set: %s", aiineq_dist_errmsg(d));
  return d;
}

static double gini_of(aiineq_dist *d, unsigned flags) {
  double g = NAN;
  AIQ_ASSERT_OK(aiineq_dist_gini(d, flags, &g));
  return g;
}

START_TEST(test_exact_small) {
  const double a[] = {1, 2, 3, 4};
  aiineq_dist *d = new_dist(a, NULL, 4, 0);
  ck_assert(gini_of(d, 0) == 0.25); /* sum (2i-5) y = 10 over n S = 40 */
  AIQ_ASSERT_NEAR(gini_of(d, AIINEQ_GINI_SAMPLE), 1.0 / 3.0, 1e-16);
  const double p[] = {0.0, 0.125, 0.25, 0.5, 0.75, 1.0}, want[] = {0, 0.05, 0.1, 0.3, 0.6, 1};
  double L[6], s;
  AIQ_ASSERT_OK(aiineq_dist_lorenz(d, p, 6, L));
  for (int i = 0; i < 6; i++) AIQ_ASSERT_NEAR(L[i], want[i], 1e-16);
  AIQ_ASSERT_OK(aiineq_dist_top_share(d, 0.25, &s));
  AIQ_ASSERT_NEAR(s, 0.4, 1e-16);
  AIQ_ASSERT_OK(aiineq_dist_top_share(d, 0.0, &s));
  ck_assert(s == 0.0);
  AIQ_ASSERT_OK(aiineq_dist_top_share(d, 1.0, &s));
  ck_assert(s == 1.0);
  size_t nobs, ndist;
  double W, mu;
  AIQ_ASSERT_OK(aiineq_dist_info(d, &nobs, &ndist, &W, &mu));
  ck_assert_uint_eq(nobs, 4);
  ck_assert_uint_eq(ndist, 4);
  ck_assert(W == 4 && mu == 2.5);
  /* {1, 2} with weights {3, 1} is {1, 1, 1, 2}: (-3 - 1 + 1 + 6) / 20 */
  const double b[] = {1, 2}, bw[] = {3, 1};
  AIQ_ASSERT_OK(aiineq_dist_set(d, b, bw, 2, 0));
  AIQ_ASSERT_NEAR(gini_of(d, 0), 0.15, 1e-16);
  /* Kish: n = 4^2 / 10 = 1.6 */
  AIQ_ASSERT_NEAR(gini_of(d, AIINEQ_GINI_SAMPLE), 0.15 * 1.6 / 0.6, 1e-15);
  /* one person holds everything */
  const double c[] = {0, 0, 5, 0, 0};
  AIQ_ASSERT_OK(aiineq_dist_set(d, c, NULL, 5, 0));
  AIQ_ASSERT_NEAR(gini_of(d, 0), 0.8, 1e-16);
  double t, m;
  AIQ_ASSERT_OK(aiineq_dist_theil(d, &t));
  AIQ_ASSERT_NEAR(t, log(5.0), 1e-15); /* Theil maximum ln n */
  AIQ_ASSERT_STATUS(aiineq_dist_mld(d, &m), AIINEQ_ERR_DEGENERATE);
  /* equality */
  const double e[] = {2, 2, 2};
  AIQ_ASSERT_OK(aiineq_dist_set(d, e, NULL, 3, 0));
  ck_assert(gini_of(d, 0) == 0.0);
  AIQ_ASSERT_OK(aiineq_dist_theil(d, &t));
  AIQ_ASSERT_OK(aiineq_dist_mld(d, &m));
  ck_assert(t == 0.0 && m == 0.0);
  /* MLD of {1, 4}: ln(2.5^2 / 4) / 2 */
  const double f[] = {1, 4};
  AIQ_ASSERT_OK(aiineq_dist_set(d, f, NULL, 2, 0));
  AIQ_ASSERT_OK(aiineq_dist_mld(d, &m));
  AIQ_ASSERT_NEAR(m, 0.5 * log(1.5625), 1e-16);
  /* a single observation */
  AIQ_ASSERT_OK(aiineq_dist_set(d, f, NULL, 1, 0));
  ck_assert(gini_of(d, 0) == 0.0);
  AIQ_ASSERT_STATUS(aiineq_dist_gini(d, AIINEQ_GINI_SAMPLE, &m), AIINEQ_ERR_DEGENERATE);
  aiineq_dist_free(d);
}
END_TEST

START_TEST(test_generalised_gini) {
  /* {-1, 0, 1, 4}: sum (2i-5) y = 16 = n S, so G = 1 exactly */
  const double a[] = {4, -1, 1, 0};
  aiineq_dist *d = NULL;
  AIQ_ASSERT_OK(aiineq_dist_new(&d));
  AIQ_ASSERT_STATUS(aiineq_dist_set(d, a, NULL, 4, 0), AIINEQ_ERR_RANGE);
  ck_assert_msg(strstr(aiineq_dist_errmsg(d), "x[1]") != NULL, "%s", aiineq_dist_errmsg(d));
  AIQ_ASSERT_OK(aiineq_dist_set(d, a, NULL, 4, AIINEQ_DIST_ALLOW_NEGATIVE));
  AIQ_ASSERT_NEAR(gini_of(d, 0), 1.0, 1e-16);
  /* {-2, 1, 5}: (4 + 0 + 10) / 12 = 7/6 > 1 */
  const double b[] = {-2, 1, 5};
  AIQ_ASSERT_OK(aiineq_dist_set(d, b, NULL, 3, AIINEQ_DIST_ALLOW_NEGATIVE));
  AIQ_ASSERT_NEAR(gini_of(d, 0), 7.0 / 6.0, 1e-15);
  double t;
  AIQ_ASSERT_STATUS(aiineq_dist_theil(d, &t), AIINEQ_ERR_DEGENERATE);
  AIQ_ASSERT_STATUS(aiineq_dist_mld(d, &t), AIINEQ_ERR_DEGENERATE);
  /* non-positive total stays an error */
  const double c[] = {-3, 1, 2};
  AIQ_ASSERT_STATUS(aiineq_dist_set(d, c, NULL, 3, AIINEQ_DIST_ALLOW_NEGATIVE),
                    AIINEQ_ERR_DEGENERATE);
  AIQ_ASSERT_NEAR(gini_of(d, 0), 7.0 / 6.0, 1e-15); /* unchanged */
  aiineq_dist_free(d);
}
END_TEST

/* Random incomes with ties: log-normal-ish values rounded to 1/8. */
static void random_data(uint64_t seed, size_t n, double *x, double *w) {
  for (size_t i = 0; i < n; i++) {
    double u[4];
    aiq_rng_uniform4(seed, 0, i, 0, u);
    x[i] = floor(8.0 * exp(2.0 * (u[0] - 0.5) + 1.5 * (u[1] - 0.5))) / 8.0;
    if (w) w[i] = floor(5.0 * u[2]); /* integer weights 0..4, some zero */
  }
}

START_TEST(test_invariance) {
  enum { N = 2000 };
  static double x[N], w[N], xp[N], wp[N];
  random_data(7, N, x, w);
  aiineq_dist *d = new_dist(x, w, N, 0);
  double g = gini_of(d, 0), t0, m0, L0, se0;
  ck_assert(g > 0.2 && g < 0.6);
  AIQ_ASSERT_OK(aiineq_dist_theil(d, &t0));
  AIQ_ASSERT_OK(aiineq_dist_mld(d, &m0));
  AIQ_ASSERT_OK(aiineq_dist_top_share(d, 0.1, &L0));
  AIQ_ASSERT_OK(aiineq_dist_gini_se(d, &se0));
  /* permutation: reverse plus a stride shuffle */
  for (size_t i = 0; i < N; i++) {
    size_t j = (i * 7919) % N;
    xp[i] = x[j];
    wp[i] = w[j];
  }
  AIQ_ASSERT_OK(aiineq_dist_set(d, xp, wp, N, 0));
  double v;
  AIQ_ASSERT_NEAR(gini_of(d, 0), g, 1e-15);
  AIQ_ASSERT_OK(aiineq_dist_gini_se(d, &v));
  AIQ_ASSERT_NEAR(v, se0, 1e-15);
  /* income scale */
  for (size_t i = 0; i < N; i++) xp[i] = 3.7 * x[i];
  AIQ_ASSERT_OK(aiineq_dist_set(d, xp, w, N, 0));
  AIQ_ASSERT_NEAR(gini_of(d, 0), g, 1e-14);
  AIQ_ASSERT_OK(aiineq_dist_theil(d, &v));
  AIQ_ASSERT_NEAR(v, t0, 1e-14);
  AIQ_ASSERT_OK(aiineq_dist_mld(d, &v));
  AIQ_ASSERT_NEAR(v, m0, 1e-14);
  AIQ_ASSERT_OK(aiineq_dist_top_share(d, 0.1, &v));
  AIQ_ASSERT_NEAR(v, L0, 1e-14);
  AIQ_ASSERT_OK(aiineq_dist_gini_se(d, &v));
  AIQ_ASSERT_NEAR(v, se0, 1e-14);
  /* weight scale: probability weights give the frequency-weight answer */
  for (size_t i = 0; i < N; i++) wp[i] = w[i] / 1234.5;
  AIQ_ASSERT_OK(aiineq_dist_set(d, x, wp, N, 0));
  AIQ_ASSERT_NEAR(gini_of(d, 0), g, 1e-14);
  AIQ_ASSERT_OK(aiineq_dist_gini_se(d, &v));
  AIQ_ASSERT_NEAR(v, se0, 1e-14);
  aiineq_dist_free(d);
}
END_TEST

START_TEST(test_weights_equal_replication) {
  enum { N = 3000 };
  static double x[N], w[N], rep[5 * N];
  random_data(11, N, x, w);
  size_t nrep = 0;
  for (size_t i = 0; i < N; i++)
    for (int k = 0; k < (int)w[i]; k++) rep[nrep++] = x[i];
  aiineq_dist *dw = new_dist(x, w, N, 0), *dr = new_dist(rep, NULL, nrep, 0);
  /* integer weights: the merged groups are identical, so the bits agree */
  ck_assert(gini_of(dw, 0) == gini_of(dr, 0));
  const double p[] = {0.01, 0.1, 0.3333, 0.5, 0.9, 0.999};
  double Lw[6], Lr[6], a, b;
  AIQ_ASSERT_OK(aiineq_dist_lorenz(dw, p, 6, Lw));
  AIQ_ASSERT_OK(aiineq_dist_lorenz(dr, p, 6, Lr));
  for (int i = 0; i < 6; i++) ck_assert(Lw[i] == Lr[i]);
  AIQ_ASSERT_OK(aiineq_dist_top_share(dw, 0.05, &a));
  AIQ_ASSERT_OK(aiineq_dist_top_share(dr, 0.05, &b));
  ck_assert(a == b);
  AIQ_ASSERT_OK(aiineq_dist_theil(dw, &a));
  AIQ_ASSERT_OK(aiineq_dist_theil(dr, &b));
  ck_assert(a == b);
  size_t nw, nr2;
  AIQ_ASSERT_OK(aiineq_dist_info(dw, &nw, NULL, &a, NULL));
  AIQ_ASSERT_OK(aiineq_dist_info(dr, &nr2, NULL, &b, NULL));
  ck_assert(a == b);
  ck_assert_uint_lt(nw, nr2); /* fewer observations, same weight */
  /* the stateless function agrees */
  AIQ_ASSERT_OK(aiineq_gini(x, w, N, &a));
  ck_assert(a == gini_of(dr, 0));
  AIQ_ASSERT_OK(aiineq_gini(rep, NULL, nrep, &b));
  AIQ_ASSERT_NEAR(b, a, 1e-15);
  /* non-integer weights: equal up to rounding */
  double xs[3] = {1.0, 2.0, 2.0}, ws[3] = {0.1, 0.2, 0.3}, xm[2] = {1.0, 2.0}, wm[2] = {0.1, 0.5};
  AIQ_ASSERT_OK(aiineq_gini(xs, ws, 3, &a));
  AIQ_ASSERT_OK(aiineq_gini(xm, wm, 2, &b));
  AIQ_ASSERT_NEAR(a, b, 1e-16);
  aiineq_dist_free(dw);
  aiineq_dist_free(dr);
}
END_TEST

START_TEST(test_reference_values) {
  aiineq_dist *d = new_dist(rx, rw, NR, 0);
  AIQ_ASSERT_NEAR(gini_of(d, 0), REF_GINI_W, 1e-15);
  const double p[] = {0.1, 0.25, 0.5, 0.9}, want[] = {REF_LORENZ_W_0, REF_LORENZ_W_1,
                                                      REF_LORENZ_W_2, REF_LORENZ_W_3};
  double L[4], v;
  AIQ_ASSERT_OK(aiineq_dist_lorenz(d, p, 4, L));
  for (int i = 0; i < 4; i++) AIQ_ASSERT_NEAR(L[i], want[i], 1e-15);
  AIQ_ASSERT_OK(aiineq_dist_top_share(d, 0.1, &v));
  AIQ_ASSERT_NEAR(v, REF_TOP10_W, 1e-15);
  AIQ_ASSERT_OK(aiineq_dist_top_share(d, 0.01, &v));
  AIQ_ASSERT_NEAR(v, REF_TOP1_W, 1e-15);
  AIQ_ASSERT_OK(aiineq_dist_theil(d, &v));
  AIQ_ASSERT_NEAR(v, REF_THEIL_W, 1e-15);
  AIQ_ASSERT_OK(aiineq_dist_set(d, rx, NULL, NR, 0));
  AIQ_ASSERT_NEAR(gini_of(d, 0), REF_GINI_U, 1e-15);
  double xp[NR];
  for (int i = 0; i < NR; i++) xp[i] = rx[i] + 0.5;
  AIQ_ASSERT_OK(aiineq_dist_set(d, xp, rw, NR, 0));
  AIQ_ASSERT_OK(aiineq_dist_theil(d, &v));
  AIQ_ASSERT_NEAR(v, REF_THEIL_XP_W, 1e-15);
  AIQ_ASSERT_OK(aiineq_dist_mld(d, &v));
  AIQ_ASSERT_NEAR(v, REF_MLD_XP_W, 1e-15);
  AIQ_ASSERT_OK(aiineq_dist_gini_se(d, &v));
  AIQ_ASSERT_NEAR(v, REF_SE_XP_W, 1e-15);
  AIQ_ASSERT_OK(aiineq_dist_set(d, xp, NULL, NR, 0));
  AIQ_ASSERT_OK(aiineq_dist_mld(d, &v));
  AIQ_ASSERT_NEAR(v, REF_MLD_XP_U, 1e-15);
  AIQ_ASSERT_OK(aiineq_dist_gini_se(d, &v)); /* Davidson's formula, with ties (3.7 x3) */
  AIQ_ASSERT_NEAR(v, REF_SE_XP_U, 1e-15);
  /* equal weights of 2 give the unweighted standard error */
  double w2[NR];
  for (int i = 0; i < NR; i++) w2[i] = 2.0;
  AIQ_ASSERT_OK(aiineq_dist_set(d, xp, w2, NR, 0));
  AIQ_ASSERT_OK(aiineq_dist_gini_se(d, &v));
  AIQ_ASSERT_NEAR(v, REF_SE_XP_U, 1e-15);
  aiineq_dist_free(d);
}
END_TEST

START_TEST(test_sources) {
  double src[3 * NR], share[3], gini[3], corr[3], contrib[3];
  for (int i = 0; i < NR; i++) {
    src[i] = rs1[i];
    src[NR + i] = rs2[i];
    src[2 * NR + i] = rx[i] - rs1[i] - rs2[i]; /* as in ineq_ref.py */
  }
  aiineq_dist *d = new_dist(rx, rw, NR, 0);
  AIQ_ASSERT_OK(aiineq_dist_gini_sources(d, src, NR, 3, share, gini, corr, contrib));
  const double ws[] = {REF_LY_S0, REF_LY_S1, REF_LY_S2}, wg[] = {REF_LY_G0, REF_LY_G1, REF_LY_G2},
               wr[] = {REF_LY_R0, REF_LY_R1, REF_LY_R2};
  double G = gini_of(d, 0), sum = 0, sum2 = 0, shares = 0;
  for (int s = 0; s < 3; s++) {
    AIQ_ASSERT_NEAR(share[s], ws[s], 1e-14);
    AIQ_ASSERT_NEAR(gini[s], wg[s], 1e-14);
    AIQ_ASSERT_NEAR(corr[s], wr[s], 1e-14);
    AIQ_ASSERT_NEAR(contrib[s], share[s] * gini[s] * corr[s], 1e-15);
    sum += contrib[s];
    sum2 += share[s] * gini[s] * corr[s];
    shares += share[s];
  }
  AIQ_ASSERT_NEAR(sum, G, 1e-12);
  AIQ_ASSERT_NEAR(sum2, G, 1e-12);
  AIQ_ASSERT_NEAR(shares, 1.0, 1e-14);
  /* a source equal to the total: S = 1, G_s = G, R = 1 */
  AIQ_ASSERT_OK(aiineq_dist_gini_sources(d, rx, NR, 1, share, gini, corr, NULL));
  AIQ_ASSERT_NEAR(share[0], 1.0, 1e-15);
  AIQ_ASSERT_NEAR(gini[0], G, 1e-15);
  AIQ_ASSERT_NEAR(corr[0], 1.0, 1e-15);
  /* large sample with a zero-mean-free constant source */
  enum { N = 20000 };
  static double x[N], w[N], big[3 * N];
  random_data(3, N, x, w);
  for (size_t i = 0; i < N; i++) {
    big[i] = 0.25;                                          /* constant: G_s = 0 */
    big[N + i] = 0.6 * x[i] - 0.3 * (double)(i % 5);        /* can be negative */
    big[2 * N + i] = x[i] - big[i] - big[N + i];
    x[i] += 0.0;
  }
  for (size_t i = 0; i < N; i++) x[i] = big[i] + big[N + i] + big[2 * N + i];
  AIQ_ASSERT_OK(aiineq_dist_set(d, x, w, N, AIINEQ_DIST_ALLOW_NEGATIVE));
  AIQ_ASSERT_OK(aiineq_dist_gini_sources(d, big, N, 3, share, gini, corr, contrib));
  G = gini_of(d, 0);
  ck_assert(gini[0] == 0.0 && isnan(corr[0]) && contrib[0] == 0.0);
  AIQ_ASSERT_NEAR(contrib[0] + contrib[1] + contrib[2], G, 1e-12);
  AIQ_ASSERT_NEAR(share[1] * gini[1] * corr[1] + share[2] * gini[2] * corr[2], G, 1e-12);
  aiineq_dist_free(d);
}
END_TEST

/* n = 10^6 draws of a distribution with a known Gini (10^5 under
 * AIQ_TEST_SMALL: the same sort and Gini paths, above the 65536 parallel
 * thresholds, with the s.e. band scaled by sqrt(n)). */
enum { NBIG = 1000000 };

static double draw(int kind, size_t i) {
  double u[4];
  aiq_rng_uniform4(20261204, (uint64_t)kind, i, 0, u);
  switch (kind) {
  case 0: return u[0];                         /* uniform(0,1): 1/3 */
  case 1: return -log(u[0]);                   /* exponential: 1/2 */
  case 2: return pow(u[0], -1.0 / 3.0);        /* Pareto(3): 1/5 */
  default:                                     /* log-normal(0.8) via Box-Muller */
    return exp(0.8 * sqrt(-2.0 * log(u[0])) * cos(6.283185307179586 * u[1]));
  }
}

START_TEST(test_closed_forms) {
  static double x[NBIG];
  const double want[] = {1.0 / 3.0, 0.5, 1.0 / 5.0, erf(0.4)}; /* 2 Phi(s/sqrt2) - 1 = erf(s/2) */
  const size_t n = aiq_test_size(NBIG, NBIG / 10);
  aiineq_dist *d = NULL;
  AIQ_ASSERT_OK(aiineq_dist_new(&d));
  for (int kind = 0; kind < 4; kind++) {
    for (size_t i = 0; i < n; i++) x[i] = draw(kind, i);
    AIQ_ASSERT_OK(aiineq_dist_set(d, x, NULL, n, 0));
    double g = gini_of(d, 0), se;
    AIQ_ASSERT_OK(aiineq_dist_gini_se(d, &se));
    /* se * sqrt(n) is the asymptotic s.d.: 0.01 .. 1 (1e-5 .. 1e-3 at 10^6) */
    ck_assert_msg(se * sqrt((double)n) > 0.01 && se * sqrt((double)n) < 1.0, "kind %d: se = %g",
                  kind, se);
    ck_assert_msg(fabs(g - want[kind]) < 4 * se, "kind %d: G = %.6f, closed form %.6f, se %.2g",
                  kind, g, want[kind], se);
  }
  aiineq_dist_free(d);
}
END_TEST

/* 100000 log-normal incomes, 10000 under AIQ_TEST_SMALL (valgrind): the
 * replicate count, which sets the bands below, stays 200; the s.e. of a
 * Gini of 10^4 is still in its asymptotic regime. */
START_TEST(test_bootstrap) {
  enum { N = 100000 };
  static double x[N], w[N];
  const size_t n = aiq_test_size(N, N / 10);
  for (size_t i = 0; i < n; i++) x[i] = draw(3, i);
  aiineq_dist *d = new_dist(x, NULL, n, 0);
  double se, b1, b2, b3, lo, hi, lo2, hi2;
  AIQ_ASSERT_OK(aiineq_dist_gini_se(d, &se));
  AIQ_ASSERT_OK(aiineq_dist_gini_bootstrap(d, 200, 42, &b1));
  AIQ_ASSERT_OK(aiineq_dist_gini_bootstrap(d, 200, 42, &b2));
  AIQ_ASSERT_OK(aiineq_dist_gini_bootstrap(d, 200, 43, &b3));
  ck_assert(memcmp(&b1, &b2, sizeof b1) == 0); /* same seed, same bits */
  ck_assert(b1 != b3);
  /* 200 replicates estimate the s.e. to about 5%: allow 25% */
  ck_assert_msg(b1 / se > 0.75 && b1 / se < 1.25, "bootstrap %g, analytic %g", b1, se);
  double g = gini_of(d, 0);
  AIQ_ASSERT_OK(aiineq_dist_gini_ci(d, 0.95, AIINEQ_CI_ANALYTIC, 0, 0, &lo, &hi));
  AIQ_ASSERT_NEAR(lo, g - 1.959963984540054 * se, 1e-15);
  AIQ_ASSERT_NEAR(hi, g + 1.959963984540054 * se, 1e-15);
  AIQ_ASSERT_OK(aiineq_dist_gini_ci(d, 0.9, AIINEQ_CI_BOOT_NORMAL, 200, 42, &lo, &hi));
  AIQ_ASSERT_NEAR(hi - g, 1.6448536269514722 * b1, 1e-15);
  AIQ_ASSERT_NEAR(g - lo, 1.6448536269514722 * b1, 1e-15);
  AIQ_ASSERT_OK(aiineq_dist_gini_ci(d, 0.95, AIINEQ_CI_BOOT_PERCENTILE, 200, 42, &lo, &hi));
  AIQ_ASSERT_OK(aiineq_dist_gini_ci(d, 0.95, AIINEQ_CI_BOOT_PERCENTILE, 200, 42, &lo2, &hi2));
  ck_assert(lo == lo2 && hi == hi2);
  ck_assert(lo < g && g < hi);
  AIQ_ASSERT_NEAR(hi - lo, 2 * 1.959963984540054 * se, 0.3 * 2 * 1.96 * se);
  /* weighted data with zero weights: resamples only positive weights */
  for (size_t i = 0; i < n; i++) w[i] = (double)(i % 3);
  AIQ_ASSERT_OK(aiineq_dist_set(d, x, w, n, 0));
  AIQ_ASSERT_OK(aiineq_dist_gini_se(d, &se));
  AIQ_ASSERT_OK(aiineq_dist_gini_bootstrap(d, 100, 1, &b1));
  ck_assert_msg(b1 / se > 0.7 && b1 / se < 1.3, "weighted: bootstrap %g, analytic %g", b1, se);
  aiineq_dist_free(d);
}
END_TEST

/* Davidson's standard error against the Monte Carlo spread of the Gini over
 * 400 samples of 250 log-normal incomes, unweighted and with exponential
 * sampling weights (the s.d. of the spread estimate is about 3.5%). */
START_TEST(test_se_monte_carlo) {
  enum { R = 400, N = 250 };
  static double x[N], w[N], g[R];
  aiineq_dist *d = NULL;
  AIQ_ASSERT_OK(aiineq_dist_new(&d));
  for (int weighted = 0; weighted <= 1; weighted++) {
    double mean = 0, ss = 0, mse = 0, se;
    for (int r = 0; r < R; r++) {
      for (int i = 0; i < N; i++) {
        double u[4];
        aiq_rng_uniform4(99, (uint64_t)r, (uint64_t)i, 0, u);
        x[i] = exp(0.8 * sqrt(-2.0 * log(u[0])) * cos(6.283185307179586 * u[1]));
        w[i] = weighted ? -3.0 * log(u[2]) : 1.0;
      }
      AIQ_ASSERT_OK(aiineq_dist_set(d, x, w, N, 0));
      g[r] = gini_of(d, 0);
      AIQ_ASSERT_OK(aiineq_dist_gini_se(d, &se));
      mean += g[r] / R;
      mse += se * se / R;
    }
    for (int r = 0; r < R; r++) ss += (g[r] - mean) * (g[r] - mean);
    double ratio = sqrt(mse) / sqrt(ss / (R - 1));
    ck_assert_msg(ratio > 0.85 && ratio < 1.15, "weighted %d: rms se / MC sd = %g", weighted,
                  ratio);
  }
  aiineq_dist_free(d);
}
END_TEST

START_TEST(test_bad_inputs) {
  aiineq_dist *d = NULL;
  double g = 42, lo, hi;
  const double x[] = {1, 2, 3}, w[] = {1, 1, 1};
  AIQ_ASSERT_STATUS(aiineq_dist_new(NULL), AIINEQ_ERR_ARG);
  AIQ_ASSERT_OK(aiineq_dist_new(&d));
  /* queries before any data */
  AIQ_ASSERT_STATUS(aiineq_dist_gini(d, 0, &g), AIINEQ_ERR_STATE);
  AIQ_ASSERT_STATUS(aiineq_dist_theil(d, &g), AIINEQ_ERR_STATE);
  AIQ_ASSERT_STATUS(aiineq_dist_gini_se(d, &g), AIINEQ_ERR_STATE);
  /* NULL handle and arrays */
  AIQ_ASSERT_STATUS(aiineq_dist_set(NULL, x, w, 3, 0), AIINEQ_ERR_ARG);
  AIQ_ASSERT_STATUS(aiineq_dist_gini(NULL, 0, &g), AIINEQ_ERR_ARG);
  ck_assert_str_eq(aiineq_dist_errmsg(NULL), "distribution handle is NULL");
  aiineq_dist_free(NULL);
  AIQ_ASSERT_STATUS(aiineq_dist_set(d, NULL, w, 3, 0), AIINEQ_ERR_ARG);
  ck_assert(strstr(aiineq_dist_errmsg(d), "x") != NULL);
  AIQ_ASSERT_STATUS(aiineq_dist_set(d, x, w, 0, 0), AIINEQ_ERR_SIZE);
  AIQ_ASSERT_STATUS(aiineq_dist_set(d, x, w, 3, 8u), AIINEQ_ERR_ARG);
  /* a good data set; every failure below must leave it in place */
  AIQ_ASSERT_OK(aiineq_dist_set(d, x, w, 3, 0));
  const double g0 = gini_of(d, 0);
  struct {
    double x[3], w[3];
    int rc;
    const char *needle;
  } bad[] = {
      {{1, NAN, 3}, {1, 1, 1}, AIINEQ_ERR_NONFINITE, "x[1]"},
      {{1, 2, INFINITY}, {1, 1, 1}, AIINEQ_ERR_NONFINITE, "x[2]"},
      {{1, 2, 3}, {1, -INFINITY, 1}, AIINEQ_ERR_NONFINITE, "w[1]"},
      {{1, 2, 3}, {1, 1, NAN}, AIINEQ_ERR_NONFINITE, "w[2]"},
      {{1, 2, 3}, {1, -0.5, 1}, AIINEQ_ERR_RANGE, "w[1]"},
      {{1, 2, 3}, {0, 0, 0}, AIINEQ_ERR_DEGENERATE, "weights are zero"},
      {{0, 0, 0}, {1, 1, 1}, AIINEQ_ERR_DEGENERATE, "zero"},
      {{0, 5, 0}, {1, 0, 1}, AIINEQ_ERR_DEGENERATE, "zero"},
      {{1, -2, 3}, {1, 1, 1}, AIINEQ_ERR_RANGE, "x[1]"},
      {{1e308, 1e308, 1}, {1e10, 1, 1}, AIINEQ_ERR_RANGE, "overflow"},
  };
  for (size_t k = 0; k < sizeof bad / sizeof bad[0]; k++) {
    AIQ_ASSERT_STATUS(aiineq_dist_set(d, bad[k].x, bad[k].w, 3, 0), bad[k].rc);
    ck_assert_msg(strstr(aiineq_dist_errmsg(d), bad[k].needle) != NULL, "case %zu: '%s'", k,
                  aiineq_dist_errmsg(d));
    ck_assert(gini_of(d, 0) == g0);
    AIQ_ASSERT_STATUS(aiineq_gini(bad[k].x, bad[k].w, 3, &g), bad[k].rc);
  }
  /* query arguments */
  AIQ_ASSERT_STATUS(aiineq_dist_gini(d, 0, NULL), AIINEQ_ERR_ARG);
  AIQ_ASSERT_STATUS(aiineq_dist_gini(d, 2u, &g), AIINEQ_ERR_ARG);
  double p[] = {0.5, 1.5}, L[2];
  AIQ_ASSERT_STATUS(aiineq_dist_lorenz(d, p, 2, L), AIINEQ_ERR_RANGE);
  ck_assert(strstr(aiineq_dist_errmsg(d), "p[1]") != NULL);
  p[1] = NAN;
  AIQ_ASSERT_STATUS(aiineq_dist_lorenz(d, p, 2, L), AIINEQ_ERR_NONFINITE);
  AIQ_ASSERT_STATUS(aiineq_dist_lorenz(d, p, 0, L), AIINEQ_ERR_SIZE);
  AIQ_ASSERT_STATUS(aiineq_dist_lorenz(d, NULL, 2, L), AIINEQ_ERR_ARG);
  AIQ_ASSERT_STATUS(aiineq_dist_lorenz(d, p, 2, NULL), AIINEQ_ERR_ARG);
  AIQ_ASSERT_STATUS(aiineq_dist_top_share(d, -0.1, &g), AIINEQ_ERR_RANGE);
  AIQ_ASSERT_STATUS(aiineq_dist_top_share(d, 0.1, NULL), AIINEQ_ERR_ARG);
  AIQ_ASSERT_STATUS(aiineq_dist_theil(d, NULL), AIINEQ_ERR_ARG);
  AIQ_ASSERT_STATUS(aiineq_dist_mld(d, NULL), AIINEQ_ERR_ARG);
  AIQ_ASSERT_STATUS(aiineq_dist_gini_se(d, NULL), AIINEQ_ERR_ARG);
  AIQ_ASSERT_STATUS(aiineq_dist_gini_bootstrap(d, 1, 0, &g), AIINEQ_ERR_RANGE);
  AIQ_ASSERT_STATUS(aiineq_dist_gini_bootstrap(d, 10, 0, NULL), AIINEQ_ERR_ARG);
  AIQ_ASSERT_STATUS(aiineq_dist_gini_ci(d, 1.0, AIINEQ_CI_ANALYTIC, 0, 0, &lo, &hi), AIINEQ_ERR_RANGE);
  AIQ_ASSERT_STATUS(aiineq_dist_gini_ci(d, 0.0, AIINEQ_CI_ANALYTIC, 0, 0, &lo, &hi), AIINEQ_ERR_RANGE);
  AIQ_ASSERT_STATUS(aiineq_dist_gini_ci(d, NAN, AIINEQ_CI_ANALYTIC, 0, 0, &lo, &hi),
                    AIINEQ_ERR_NONFINITE);
  AIQ_ASSERT_STATUS(aiineq_dist_gini_ci(d, 0.9, 7, 0, 0, &lo, &hi), AIINEQ_ERR_ARG);
  AIQ_ASSERT_STATUS(aiineq_dist_gini_ci(d, 0.9, AIINEQ_CI_BOOT_PERCENTILE, 1, 0, &lo, &hi),
                    AIINEQ_ERR_RANGE);
  AIQ_ASSERT_STATUS(aiineq_dist_gini_ci(d, 0.9, AIINEQ_CI_ANALYTIC, 0, 0, NULL, &hi), AIINEQ_ERR_ARG);
  /* sources */
  double src[6] = {1, 2, 3, 0, 0, 0}, s[2], gs[2], r[2];
  AIQ_ASSERT_STATUS(aiineq_dist_gini_sources(d, NULL, 3, 2, s, gs, r, NULL), AIINEQ_ERR_ARG);
  AIQ_ASSERT_STATUS(aiineq_dist_gini_sources(d, src, 3, 2, NULL, gs, r, NULL), AIINEQ_ERR_ARG);
  AIQ_ASSERT_STATUS(aiineq_dist_gini_sources(d, src, 2, 2, s, gs, r, NULL), AIINEQ_ERR_SIZE);
  AIQ_ASSERT_STATUS(aiineq_dist_gini_sources(d, src, 3, 0, s, gs, r, NULL), AIINEQ_ERR_SIZE);
  src[4] = 0.5; /* observation 1 now adds up to 2.5, not 2 */
  AIQ_ASSERT_STATUS(aiineq_dist_gini_sources(d, src, 3, 2, s, gs, r, NULL), AIINEQ_ERR_RANGE);
  ck_assert_msg(strstr(aiineq_dist_errmsg(d), "observation 1") != NULL, "%s", aiineq_dist_errmsg(d));
  src[4] = NAN;
  AIQ_ASSERT_STATUS(aiineq_dist_gini_sources(d, src, 3, 2, s, gs, r, NULL), AIINEQ_ERR_NONFINITE);
  src[4] = 0;
  AIQ_ASSERT_OK(aiineq_dist_gini_sources(d, src, 3, 2, s, gs, r, NULL));
  ck_assert(s[1] == 0 && isnan(gs[1]) && isnan(r[1])); /* an all-zero source */
  /* stateless function */
  AIQ_ASSERT_STATUS(aiineq_gini(x, w, 3, NULL), AIINEQ_ERR_ARG);
  AIQ_ASSERT_STATUS(aiineq_gini(NULL, w, 3, &g), AIINEQ_ERR_ARG);
  AIQ_ASSERT_STATUS(aiineq_gini(x, NULL, 0, &g), AIINEQ_ERR_SIZE);
  AIQ_ASSERT_STATUS(aiineq_gini((const double[]){0, 0}, NULL, 2, &g), AIINEQ_ERR_DEGENERATE);
  aiineq_dist_free(d);
}
END_TEST

START_TEST(test_caller_arrays_untouched) {
  double x[NR], w[NR];
  memcpy(x, rx, sizeof x);
  memcpy(w, rw, sizeof w);
  aiineq_dist *d = new_dist(x, w, NR, 0);
  double se;
  AIQ_ASSERT_OK(aiineq_dist_gini_bootstrap(d, 20, 5, &se));
  AIQ_ASSERT_OK(aiineq_gini(x, w, NR, &se));
  ck_assert(memcmp(x, rx, sizeof x) == 0 && memcmp(w, rw, sizeof w) == 0);
  aiineq_dist_free(d);
}
END_TEST

Suite *aiq_suite_ineq(void) {
  Suite *s = suite_create("ineq");
  TCase *tc = tcase_create("core");
  tcase_set_timeout(tc, 60);
  tcase_add_test(tc, test_exact_small);
  tcase_add_test(tc, test_generalised_gini);
  tcase_add_test(tc, test_invariance);
  tcase_add_test(tc, test_weights_equal_replication);
  tcase_add_test(tc, test_reference_values);
  tcase_add_test(tc, test_sources);
  tcase_add_test(tc, test_closed_forms);
  tcase_add_test(tc, test_bootstrap);
  tcase_add_test(tc, test_se_monte_carlo);
  tcase_add_test(tc, test_bad_inputs);
  tcase_add_test(tc, test_caller_arrays_untouched);
  suite_add_tcase(s, tc);
  return s;
}
