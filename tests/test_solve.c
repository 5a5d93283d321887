/*
 * test_solve.c -- aiineq_solve: MODEL.md reference numbers, an independent
 * NumPy implementation of the equilibrium (tests/ref/make_equilibrium_ref.py), the
 * model's properties, determinism, channel switches and bad input.
 * Only the reference-number test runs at the default N = 200000.
 */
#include <stdint.h>
#include <string.h>

#include "ref/sim_ref.h"
#include "testutil.h"

/* Households of the small model: 20000 (10000 under AIQ_TEST_SMALL), above
 * the parallel grain of par.h so that threaded loops are exercised. */
static size_t small_n(void) { return aiq_test_size(20000, 10000); }

/* A small model: small_n() households, J = 200 firms (properties that do not
 * need the default size), one thread (test_thread_independent checks that
 * the thread count changes no bit; one thread keeps the suite quick on a
 * shared machine). */
static aiineq_model *small_model(void) {
  aiineq_model *m = NULL;
  AIQ_ASSERT_OK(aiineq_model_new(&m));
  AIQ_ASSERT_OK(aiineq_model_set_threads(m, 1));
  AIQ_ASSERT_OK(aiineq_model_set_int(m, "n_workers", (int64_t)small_n()));
  AIQ_ASSERT_OK(aiineq_model_set_int(m, "n_firms", 200));
  return m;
}

static aiineq_result *solve_ok(aiineq_model *m, unsigned flags) {
  aiineq_result *r = NULL;
  int rc = aiineq_solve_ex(m, flags, &r);
  ck_assert_msg(rc == AIINEQ_OK, "solve failed: %s", aiineq_model_errmsg(m));
  ck_assert_ptr_nonnull(r);
  return r;
}

static double stat(const aiineq_result *r, const char *name) {
  double v = NAN;
  AIQ_ASSERT_OK(aiineq_result_stat(r, name, &v));
  return v;
}

static void eq_array(const aiineq_result *r, int s, const char *name, double *out, size_t len) {
  AIQ_ASSERT_OK(aiineq_result_equilibrium(r, s, name, out, len));
}

static const double *hh(const aiineq_result *r, int s, const char *field) {
  const double *d = NULL;
  size_t n = 0;
  AIQ_ASSERT_OK(aiineq_result_households(r, s, field, &d, &n));
  return d;
}

static const int32_t *hh_int(const aiineq_result *r, int s, const char *field) {
  const int32_t *d = NULL;
  size_t n = 0;
  AIQ_ASSERT_OK(aiineq_result_households_int(r, s, field, &d, &n));
  return d;
}

/* ---- reference numbers ---- */

/* MODEL.md / issue reference numbers at the defaults (Q = 64, N = 200000;
 * under AIQ_TEST_SMALL N = 20000 with Monte-Carlo tolerances widened by
 * sqrt(200000 / N), quadrature tolerances unchanged). */
START_TEST(test_reference_numbers) {
  aiineq_model *m = NULL;
  AIQ_ASSERT_OK(aiineq_model_new(&m));
  size_t n = aiq_test_size(200000, 20000);
  double f = sqrt(200000.0 / (double)n);
  AIQ_ASSERT_OK(aiineq_model_set_int(m, "n_workers", (int64_t)n));
  AIQ_ASSERT_OK(aiineq_model_set_int(m, "n_firms", (int64_t)(n / 100)));
  aiineq_result *r = solve_ok(m, 0);
  double mom[AIINEQ_N_MOMENTS], p[5];
  AIQ_ASSERT_OK(aiineq_result_moments(r, mom, AIINEQ_N_MOMENTS));
  AIQ_ASSERT_NEAR(mom[0], 0.3474, 1e-4);
  AIQ_ASSERT_NEAR(mom[1], 0.0007, 1e-4);
  AIQ_ASSERT_NEAR(mom[3], 0.3812, 1e-4);
  AIQ_ASSERT_NEAR(stat(r, "college_share_post"), 0.3609, 1e-4);
  eq_array(r, AIINEQ_POST, "p", p, 5);
  static const double p_ref[5] = {1.0192, 1.0129, 1.0034, 0.9906, 0.9749};
  for (int k = 0; k < 5; k++) AIQ_ASSERT_NEAR(p[k], p_ref[k], 1e-4);
  /* simulated: within Monte-Carlo noise at N = 200000 */
  AIQ_ASSERT_NEAR(mom[2], 0.65, 0.005 * f);
  AIQ_ASSERT_NEAR(mom[4], 0.100, 1e-9); /* the firm regression is exact: slope = xi */
  AIQ_ASSERT_NEAR(mom[5], 0.009, 0.0015 * f); /* "about 0.008 to 0.010" */
  AIQ_ASSERT_NEAR(stat(r, "delta_gini"), mom[5], 0.0);
  AIQ_ASSERT_NEAR(stat(r, "gini_pre"), 0.49, 0.005 * f);
  AIQ_ASSERT_NEAR(stat(r, "wage_gini_pre"), 0.260, 0.003 * f);
  AIQ_ASSERT_NEAR(stat(r, "wage_gini_post"), 0.230, 0.003 * f);
  AIQ_ASSERT_NEAR(stat(r, "labour_share_pre"), 0.593, 0.002 * f);
  AIQ_ASSERT_NEAR(stat(r, "labour_share_post"), 0.557, 0.002 * f);
  ck_assert(stat(r, "residual_pre") < 1e-10 && stat(r, "residual_post") < 1e-10);
  ck_assert(stat(r, "iterations_pre") >= 1 && stat(r, "iterations_post") >= 1);
  aiineq_result_free(r);
  aiineq_model_free(m);
}
END_TEST

/* The equilibrium agrees with tests/ref/make_equilibrium_ref.py (NumPy, damped
 * iteration to 1e-14) far below the 1e-4 the issue asks. */
START_TEST(test_matches_numpy_reference) {
  aiineq_model *m = small_model();
  aiineq_result *r = solve_ok(m, 0);
  static const double p_ref[5] = {1.0192023902720952, 1.0128932873688574, 1.0033508609911794,
                                  0.9906399488062485, 0.9748675591709276};
  double p[5], mu[10], V[10], rel[10];
  eq_array(r, AIINEQ_POST, "p", p, 5);
  for (int k = 0; k < 5; k++) AIQ_ASSERT_NEAR(p[k], p_ref[k], 1e-10);
  eq_array(r, AIINEQ_PRE, "mu", mu, 10);
  eq_array(r, AIINEQ_PRE, "V", V, 10);
  eq_array(r, AIINEQ_PRE, "r", rel, 10);
  for (int k = 0; k < 5; k++) {
    AIQ_ASSERT_NEAR(mu[2 * k], -0.13791305041189666, 1e-10);
    AIQ_ASSERT_NEAR(mu[2 * k + 1], 0.49388923353790454, 1e-10);
    AIQ_ASSERT_NEAR(V[2 * k], 0.22021612280763045, 1e-10);
    AIQ_ASSERT_NEAR(V[2 * k + 1], 0.2173477666421475, 1e-10);
  }
  /* r_ke = V / (V + sigma_z^2), both economies */
  for (int s = 0; s < 2; s++) {
    eq_array(r, s, "V", V, 10);
    eq_array(r, s, "r", rel, 10);
    for (int c = 0; c < 10; c++) AIQ_ASSERT_NEAR(rel[c], V[c] / (V[c] + 0.25), 1e-15);
  }
  AIQ_ASSERT_NEAR(stat(r, "m1"), 0.3473600758905799, 1e-10);
  AIQ_ASSERT_NEAR(stat(r, "m2"), 0.0006830636197467882, 1e-10);
  AIQ_ASSERT_NEAR(stat(r, "m4"), 0.38118347100053057, 1e-10);
  AIQ_ASSERT_NEAR(stat(r, "college_share_post"), 0.3609200595191195, 1e-10);
  /* baseline: prices one, shares and supplies consistent */
  double n[5], S[5];
  eq_array(r, AIINEQ_PRE, "p", p, 5);
  eq_array(r, AIINEQ_PRE, "n", n, 5);
  eq_array(r, AIINEQ_PRE, "S", S, 5);
  double nsum = 0.0;
  for (int k = 0; k < 5; k++) {
    ck_assert(p[k] == 1.0);
    nsum += n[k];
    ck_assert(S[k] > 0.0);
  }
  AIQ_ASSERT_NEAR(nsum, 1.0, 1e-14);
  aiineq_result_free(r);
  aiineq_model_free(m);
}
END_TEST

/* The simulation agrees with tests/ref/make_sim_ref.py, a NumPy
 * implementation of MODEL.md section 3 fed with the same Philox draws
 * (N = 5000, J = 50): statistics to 1e-9, households' choices and firms
 * exactly, incomes to 1e-9 relative. */
START_TEST(test_matches_numpy_simulation) {
  aiineq_model *m = small_model();
  AIQ_ASSERT_OK(aiineq_model_set_int(m, "n_workers", SIM_REF_N));
  AIQ_ASSERT_OK(aiineq_model_set_int(m, "n_firms", SIM_REF_J));
  aiineq_result *r = solve_ok(m, 0);
  static const char *const econ[2] = {"pre", "post"};
  for (int s = 0; s < 2; s++) {
    char name[64];
    snprintf(name, sizeof name, "gini_%s", econ[s]);
    AIQ_ASSERT_NEAR(stat(r, name), sim_ref_gini[s], 1e-9);
    snprintf(name, sizeof name, "wage_gini_%s", econ[s]);
    AIQ_ASSERT_NEAR(stat(r, name), sim_ref_wage_gini[s], 1e-9);
    snprintf(name, sizeof name, "labour_share_%s", econ[s]);
    AIQ_ASSERT_NEAR(stat(r, name), sim_ref_labour_share[s], 1e-9);
    snprintf(name, sizeof name, "profits_%s", econ[s]);
    AIQ_ASSERT_NEAR(stat(r, name), sim_ref_profits[s], 1e-9);
    snprintf(name, sizeof name, "college_premium_%s", econ[s]);
    AIQ_ASSERT_NEAR(stat(r, name), sim_ref_college_premium[s], 1e-9);
    const double *y = hh(r, s, "income");
    const int32_t *firm = hh_int(r, s, "firm"), *task = hh_int(r, s, "task"),
                  *edu = hh_int(r, s, "education");
    size_t n_idx = sizeof sim_ref_idx / sizeof sim_ref_idx[0];
    for (size_t t = 0; t < n_idx; t++) {
      size_t i = sim_ref_idx[t];
      AIQ_ASSERT_NEAR(y[i], s ? sim_ref_income_post[t] : sim_ref_income_pre[t], 1e-9 * y[i]);
      ck_assert_int_eq(firm[i], s ? sim_ref_firm_post[t] : sim_ref_firm_pre[t]);
      ck_assert_int_eq(task[i], s ? sim_ref_task_post[t] : sim_ref_task_pre[t]);
      ck_assert_int_eq(edu[i], s ? sim_ref_edu_post[t] : sim_ref_edu_pre[t]);
    }
  }
  AIQ_ASSERT_NEAR(stat(r, "vbar0"), sim_ref_vbar0, 1e-9);
  AIQ_ASSERT_NEAR(stat(r, "m5"), sim_ref_m5, 1e-9);
  AIQ_ASSERT_NEAR(stat(r, "delta_gini"), sim_ref_delta_gini, 1e-9);
  AIQ_ASSERT_NEAR(stat(r, "m3"), sim_ref_college_premium[0], 1e-9);
  aiineq_result_free(r);
  aiineq_model_free(m);
}
END_TEST

/* ---- properties ---- */

static void assert_same_economy(const aiineq_result *a, int sa, const aiineq_result *b, int sb,
                                size_t N) {
  static const char *const real[] = {"base_wage", "wage", "capital_income", "income"};
  static const char *const ints[] = {"education", "task", "firm"};
  for (int f = 0; f < 4; f++)
    ck_assert_msg(memcmp(hh(a, sa, real[f]), hh(b, sb, real[f]), N * sizeof(double)) == 0,
                  "field %s differs", real[f]);
  for (int f = 0; f < 3; f++)
    ck_assert_msg(memcmp(hh_int(a, sa, ints[f]), hh_int(b, sb, ints[f]), N * sizeof(int32_t)) == 0,
                  "field %s differs", ints[f]);
}

START_TEST(test_no_ai_no_change) {
  aiineq_model *m = small_model();
  AIQ_ASSERT_OK(aiineq_model_set_double(m, "theta", 0.0));
  AIQ_ASSERT_OK(aiineq_model_set_double(m, "chi", 0.0));
  aiineq_result *r = solve_ok(m, 0);
  ck_assert(stat(r, "delta_gini") == 0.0);
  ck_assert(stat(r, "gini_pre") == stat(r, "gini_post"));
  assert_same_economy(r, AIINEQ_PRE, r, AIINEQ_POST, small_n());
  aiineq_result_free(r);
  aiineq_model_free(m);
}
END_TEST

START_TEST(test_equal_adoption_identical) {
  aiineq_model *m = small_model();
  AIQ_ASSERT_OK(aiineq_model_set_double(m, "adopt_pre", 0.6));
  AIQ_ASSERT_OK(aiineq_model_set_double(m, "adopt_post", 0.6));
  aiineq_result *r = solve_ok(m, 0);
  static const char *const arrays[] = {"p", "S", "n", "mu", "V", "r"};
  for (int a = 0; a < 6; a++) {
    double x0[10], x1[10];
    size_t len = a < 3 ? 5 : 10;
    eq_array(r, AIINEQ_PRE, arrays[a], x0, len);
    eq_array(r, AIINEQ_POST, arrays[a], x1, len);
    ck_assert_msg(memcmp(x0, x1, len * sizeof *x0) == 0, "%s differs", arrays[a]);
  }
  assert_same_economy(r, AIINEQ_PRE, r, AIINEQ_POST, small_n());
  ck_assert(stat(r, "delta_gini") == 0.0);
  ck_assert(stat(r, "labour_share_pre") == stat(r, "labour_share_post"));
  aiineq_result_free(r);
  aiineq_model_free(m);
}
END_TEST

/* x_k = 0 for every task: AI changes nothing in q, hence nothing at all
 * except through asset rents (which scale with x_k too). */
START_TEST(test_zero_exposure) {
  aiineq_model *m = small_model();
  double x[5] = {0, 0, 0, 0, 0}, nu[5] = {.1, .2, .3, .2, .2};
  AIQ_ASSERT_OK(aiineq_model_set_tasks(m, x, nu, 5));
  aiineq_result *r = solve_ok(m, 0);
  double mu0[10], mu1[10], V0[10], V1[10];
  eq_array(r, AIINEQ_PRE, "mu", mu0, 10);
  eq_array(r, AIINEQ_POST, "mu", mu1, 10);
  eq_array(r, AIINEQ_PRE, "V", V0, 10);
  eq_array(r, AIINEQ_POST, "V", V1, 10);
  ck_assert(memcmp(mu0, mu1, sizeof mu0) == 0 && memcmp(V0, V1, sizeof V0) == 0);
  assert_same_economy(r, AIINEQ_PRE, r, AIINEQ_POST, small_n());
  aiineq_result_free(r);
  aiineq_model_free(m);
}
END_TEST

/* theta = 1 and x_k = 1: q = h_ai for everybody in the task, so the cell
 * variance is zero (V is an unknown of the fixed point, so "zero" means
 * within the solver tolerance eq_tol, which is set tight here). */
START_TEST(test_full_compression) {
  aiineq_model *m = small_model();
  AIQ_ASSERT_OK(aiineq_model_set_double(m, "eq_tol", 1e-14));
  double x[3] = {1.0, 0.0, 1.0}, nu[3] = {1, 1, 1};
  AIQ_ASSERT_OK(aiineq_model_set_tasks(m, x, nu, 3));
  AIQ_ASSERT_OK(aiineq_model_set_double(m, "theta", 1.0));
  aiineq_result *r = solve_ok(m, 0);
  double V[6], rel[6], mu[6];
  eq_array(r, AIINEQ_POST, "V", V, 6);
  eq_array(r, AIINEQ_POST, "r", rel, 6);
  eq_array(r, AIINEQ_POST, "mu", mu, 6);
  for (int k = 0; k < 3; k += 2)
    for (int e = 0; e < 2; e++) {
      ck_assert_msg(V[2 * k + e] >= 0.0 && V[2 * k + e] < 1e-14, "V[%d,%d] = %g", k, e,
                    V[2 * k + e]);
      ck_assert(rel[2 * k + e] < 4e-14);
      AIQ_ASSERT_NEAR(mu[2 * k + e], 0.89, 1e-14);
    }
  ck_assert(V[2] > 0.1 && V[3] > 0.1); /* the unexposed task keeps its spread */
  aiineq_result_free(r);
  aiineq_model_free(m);
}
END_TEST

/* With A0 = 0 the baseline does not see theta, h_ai, eta or chi. */
START_TEST(test_baseline_invariance) {
  static const char *const pre[] = {"gini_pre",        "wage_gini_pre", "labour_share_pre",
                                    "profits_pre",     "college_premium_pre",
                                    "college_share_pre", "vbar0", "m3", "m4", "m5"};
  static const struct { const char *name; double v; } change[] = {
      {"theta", 0.6}, {"h_ai", -0.3}, {"eta", 0.25}, {"chi", 2.0}};
  aiineq_model *m = small_model();
  aiineq_result *r0 = solve_ok(m, 0);
  for (size_t c = 0; c < 4; c++) {
    aiineq_model *m2 = NULL;
    AIQ_ASSERT_OK(aiineq_model_copy(m, &m2));
    AIQ_ASSERT_OK(aiineq_model_set_double(m2, change[c].name, change[c].v));
    aiineq_result *r1 = solve_ok(m2, 0);
    for (size_t s = 0; s < sizeof pre / sizeof pre[0]; s++)
      ck_assert_msg(stat(r0, pre[s]) == stat(r1, pre[s]), "%s changed with %s", pre[s],
                    change[c].name);
    assert_same_economy(r0, AIINEQ_PRE, r1, AIINEQ_PRE, small_n());
    ck_assert(stat(r0, "gini_post") != stat(r1, "gini_post"));
    aiineq_result_free(r1);
    aiineq_model_free(m2);
  }
  aiineq_result_free(r0);
  aiineq_model_free(m);
}
END_TEST

START_TEST(test_seed_determinism) {
  aiineq_model *m = small_model();
  aiineq_result *a = solve_ok(m, 0), *b = solve_ok(m, 0);
  for (int s = 0; s < 2; s++) assert_same_economy(a, s, b, s, small_n());
  ck_assert(memcmp(hh(a, 0, "ability"), hh(b, 0, "ability"), small_n() * sizeof(double)) == 0);
  double ma[6], mb[6];
  AIQ_ASSERT_OK(aiineq_result_moments(a, ma, 6));
  AIQ_ASSERT_OK(aiineq_result_moments(b, mb, 6));
  ck_assert(memcmp(ma, mb, sizeof ma) == 0);
  /* another seed: simulated statistics move, quadrature ones do not */
  AIQ_ASSERT_OK(aiineq_model_set_int(m, "seed", 987654321));
  aiineq_result *c = solve_ok(m, 0);
  double mc[6];
  AIQ_ASSERT_OK(aiineq_result_moments(c, mc, 6));
  ck_assert(ma[0] == mc[0] && ma[1] == mc[1] && ma[3] == mc[3]);
  ck_assert(ma[2] != mc[2] && ma[5] != mc[5]);
  ck_assert(stat(a, "gini_pre") != stat(c, "gini_pre"));
  AIQ_ASSERT_NEAR(stat(a, "gini_pre"), stat(c, "gini_pre"), 0.02);
  double pa[5], pc[5];
  eq_array(a, AIINEQ_POST, "p", pa, 5);
  eq_array(c, AIINEQ_POST, "p", pc, 5);
  ck_assert(memcmp(pa, pc, sizeof pa) == 0);
  aiineq_result_free(a);
  aiineq_result_free(b);
  aiineq_result_free(c);
  aiineq_model_free(m);
}
END_TEST

/* Same bits for any thread count (par.h): 1, 2, 3 and 7 threads. */
START_TEST(test_thread_independent) {
  aiineq_model *m = small_model();
  AIQ_ASSERT_OK(aiineq_model_set_threads(m, 1));
  aiineq_result *ref = solve_ok(m, 0);
  static const int nts[] = {2, 3, 7};
  for (int c = 0; c < 3; c++) {
    AIQ_ASSERT_OK(aiineq_model_set_threads(m, nts[c]));
    aiineq_result *r = solve_ok(m, 0);
    for (int s = 0; s < 2; s++) assert_same_economy(ref, s, r, s, small_n());
    double ma[6], mb[6];
    AIQ_ASSERT_OK(aiineq_result_moments(ref, ma, 6));
    AIQ_ASSERT_OK(aiineq_result_moments(r, mb, 6));
    ck_assert_msg(memcmp(ma, mb, sizeof ma) == 0, "moments differ with %d threads", nts[c]);
    ck_assert(stat(ref, "gini_post") == stat(r, "gini_post"));
    ck_assert(stat(ref, "labour_share_pre") == stat(r, "labour_share_pre"));
    aiineq_result_free(r);
  }
  aiineq_result_free(ref);
  aiineq_model_free(m);
}
END_TEST

START_TEST(test_cobb_douglas_continuity) {
  aiineq_model *m = small_model();
  AIQ_ASSERT_OK(aiineq_model_set_int(m, "n_workers", 2000));
  AIQ_ASSERT_OK(aiineq_model_set_int(m, "n_firms", 20));
  double p[3][5];
  static const double s[3] = {1.0, 1.0 - 1e-6, 1.0 + 1e-6};
  for (int i = 0; i < 3; i++) {
    AIQ_ASSERT_OK(aiineq_model_set_double(m, "sigma_ces", s[i]));
    aiineq_result *r = solve_ok(m, 0);
    eq_array(r, AIINEQ_POST, "p", p[i], 5);
    aiineq_result_free(r);
  }
  for (int k = 0; k < 5; k++) {
    AIQ_ASSERT_NEAR(p[1][k], p[0][k], 1e-5);
    AIQ_ASSERT_NEAR(p[2][k], p[0][k], 1e-5);
    ck_assert(fabs(p[0][k] - 1.0) > 1e-3); /* prices did move */
  }
  aiineq_model_free(m);
}
END_TEST

/* Simulated households are internally consistent. */
START_TEST(test_household_accounting) {
  aiineq_model *m = small_model();
  size_t n1 = small_n() + 1; /* not a multiple of J */
  AIQ_ASSERT_OK(aiineq_model_set_int(m, "n_workers", (int64_t)n1));
  aiineq_result *r = solve_ok(m, 0);
  size_t K = 0, N = 0;
  AIQ_ASSERT_OK(aiineq_result_dims(r, &K, &N));
  ck_assert_uint_eq(K, 5);
  ck_assert_uint_eq(N, n1);
  for (int s = 0; s < 2; s++) {
    const double *w = hh(r, s, "wage"), *ci = hh(r, s, "capital_income"), *y = hh(r, s, "income");
    const int32_t *firm = hh_int(r, s, "firm"), *task = hh_int(r, s, "task"),
                  *edu = hh_int(r, s, "education");
    size_t size[200] = {0};
    double cap = 0.0, wsum = 0.0;
    for (size_t i = 0; i < N; i++) {
      ck_assert(y[i] == w[i] + ci[i]);
      ck_assert(firm[i] >= 0 && firm[i] < 200);
      ck_assert(task[i] >= 0 && task[i] < 5);
      ck_assert(edu[i] == 0 || edu[i] == 1);
      size[firm[i]]++;
      cap += ci[i];
      wsum += w[i];
    }
    for (int j = 0; j < 200; j++) ck_assert(size[j] == n1 / 200 || size[j] == n1 / 200 + 1);
    const char *pname = s ? "profits_post" : "profits_pre";
    AIQ_ASSERT_NEAR(cap / (double)N, stat(r, pname), 1e-12);
    double ls = stat(r, s ? "labour_share_post" : "labour_share_pre");
    AIQ_ASSERT_NEAR(wsum / (wsum + cap), ls, 1e-12);
  }
  const double *a0 = hh(r, 0, "ability"), *a1 = hh(r, 1, "ability");
  ck_assert_ptr_eq(a0, a1);
  aiineq_result_free(r);
  aiineq_model_free(m);
}
END_TEST

/* Post-AI prices clear the CES market for the post-AI supplies with the
 * weights calibrated on the baseline: p_k = g_k (Y / S_k)^(1/s),
 * g_k = share_k^(1/s), Y = (sum g_k S_k^((s-1)/s))^(s/(s-1)). */
static void assert_market_clears(aiineq_model *m, double tol) {
  aiineq_result *r = solve_ok(m, 0);
  size_t K = 0;
  AIQ_ASSERT_OK(aiineq_result_dims(r, &K, NULL));
  double S0[64], S1[64], p[64], s = 0.0, sum0 = 0.0, ysum = 0.0;
  ck_assert(K <= 64);
  AIQ_ASSERT_OK(aiineq_model_get_double(m, "sigma_ces", &s));
  eq_array(r, AIINEQ_PRE, "S", S0, K);
  eq_array(r, AIINEQ_POST, "S", S1, K);
  eq_array(r, AIINEQ_POST, "p", p, K);
  for (size_t k = 0; k < K; k++) sum0 += S0[k];
  for (size_t k = 0; k < K; k++) ysum += pow(S0[k] / sum0, 1.0 / s) * pow(S1[k], (s - 1.0) / s);
  double Y = pow(ysum, s / (s - 1.0));
  for (size_t k = 0; k < K; k++) {
    double want = pow(S0[k] / sum0, 1.0 / s) * pow(Y / S1[k], 1.0 / s);
    ck_assert_msg(fabs(p[k] / want - 1.0) < tol, "task %zu: p = %.17g, CES price %.17g", k, p[k],
                  want);
  }
  ck_assert(stat(r, "residual_post") < 1e-10 && stat(r, "residual_pre") < 1e-10);
  aiineq_result_free(r);
}

START_TEST(test_market_clearing) {
  aiineq_model *m = small_model();
  AIQ_ASSERT_OK(aiineq_model_set_int(m, "n_workers", 2000));
  AIQ_ASSERT_OK(aiineq_model_set_int(m, "n_firms", 20));
  assert_market_clears(m, 1e-9);
  /* A hard case: nearly deterministic choices (tau = 0.069, tau_e = 0.081)
   * and strong compression make the mixing iteration blow up; the solver's
   * Newton fallback must still find the equilibrium. */
  static const struct { const char *name; double v; } hard[] = {
      {"sigma_a", 0.254}, {"beta_e", 1.75}, {"c0", 0.492},     {"kappa", -0.59},
      {"sigma_z", 1.89},  {"tau", 0.0689},  {"tau_e", 0.0812}, {"theta", 0.967},
      {"h_ai", -0.536},   {"sigma_ces", 1.04}, {"adopt_pre", 0.162}, {"adopt_post", 0.889}};
  for (size_t i = 0; i < sizeof hard / sizeof hard[0]; i++)
    AIQ_ASSERT_OK(aiineq_model_set_double(m, hard[i].name, hard[i].v));
  assert_market_clears(m, 1e-8);
  aiineq_model_free(m);
}
END_TEST

/* ---- channel switches ---- */

START_TEST(test_hold_channels) {
  aiineq_model *m = small_model();
  aiineq_result *full = solve_ok(m, 0);
  /* prices held: post prices exactly one */
  aiineq_result *r = solve_ok(m, AIINEQ_HOLD_PRICES);
  double p[5], mu0[10], mu1[10];
  eq_array(r, AIINEQ_POST, "p", p, 5);
  for (int k = 0; k < 5; k++) ck_assert(p[k] == 1.0);
  ck_assert(stat(r, "gini_pre") == stat(full, "gini_pre"));
  aiineq_result_free(r);
  /* behaviour held: beliefs, education and tasks as in the baseline */
  r = solve_ok(m, AIINEQ_HOLD_BEHAVIOUR);
  eq_array(r, AIINEQ_PRE, "mu", mu0, 10);
  eq_array(r, AIINEQ_POST, "mu", mu1, 10);
  ck_assert(memcmp(mu0, mu1, sizeof mu0) == 0);
  ck_assert(memcmp(hh_int(r, 0, "education"), hh_int(r, 1, "education"), small_n() * 4) == 0);
  ck_assert(memcmp(hh_int(r, 0, "task"), hh_int(r, 1, "task"), small_n() * 4) == 0);
  ck_assert(stat(r, "college_share_post") == stat(r, "college_share_pre"));
  eq_array(r, AIINEQ_POST, "p", p, 5);
  ck_assert(p[4] < 1.0 && p[0] > 1.0); /* prices still respond to compression */
  aiineq_result_free(r);
  /* compression and asset rents held: AI changes nothing */
  r = solve_ok(m, AIINEQ_HOLD_COMPRESSION | AIINEQ_HOLD_ASSET_RENTS);
  ck_assert(stat(r, "delta_gini") == 0.0);
  aiineq_result_free(r);
  /* every channel held */
  r = solve_ok(m, AIINEQ_HOLD_COMPRESSION | AIINEQ_HOLD_ASSET_RENTS | AIINEQ_HOLD_BEHAVIOUR |
                      AIINEQ_HOLD_PRICES);
  ck_assert(stat(r, "delta_gini") == 0.0);
  assert_same_economy(r, AIINEQ_PRE, r, AIINEQ_POST, small_n());
  aiineq_result_free(r);
  /* asset rents held alone: the post economy earns less value added */
  r = solve_ok(m, AIINEQ_HOLD_ASSET_RENTS);
  ck_assert(stat(r, "profits_post") < stat(full, "profits_post"));
  ck_assert(stat(r, "gini_post") < stat(full, "gini_post"));
  aiineq_result_free(r);
  aiineq_result_free(full);
  aiineq_model_free(m);
}
END_TEST

/* ---- bad input ---- */

/* The solve fails with `want`, returns no result and says `needle`; after the
 * integer parameter `name` is set to `fixed` the same model solves. */
static void assert_fails_then_recovers(aiineq_model *m, int want, const char *needle,
                                       const char *name, int64_t fixed) {
  aiineq_result *r = (aiineq_result *)&r;
  AIQ_ASSERT_STATUS(aiineq_solve(m, &r), want);
  ck_assert_ptr_null(r);
  const char *msg = aiineq_model_errmsg(m);
  ck_assert_msg(strstr(msg, needle) != NULL, "message '%s' lacks '%s'", msg, needle);
  AIQ_ASSERT_OK(aiineq_model_set_int(m, name, fixed));
  r = solve_ok(m, 0);
  aiineq_result_free(r);
}

START_TEST(test_more_firms_than_households) {
  aiineq_model *m = small_model();
  AIQ_ASSERT_OK(aiineq_model_set_int(m, "n_workers", 100));
  AIQ_ASSERT_OK(aiineq_model_set_int(m, "n_firms", 101));
  assert_fails_then_recovers(m, AIINEQ_ERR_RANGE, "n_firms = 101 exceeds n_workers = 100",
                             "n_firms", 100);
  aiineq_model_free(m);
}
END_TEST

START_TEST(test_no_convergence_reported) {
  aiineq_model *m = small_model();
  AIQ_ASSERT_OK(aiineq_model_set_int(m, "eq_max_iter", 1));
  /* the message names the economy, the iteration count and the residual */
  assert_fails_then_recovers(m, AIINEQ_ERR_NOCONV, "baseline equilibrium (adoption A = 0) "
                             "not reached after 1 iterations: sup-norm residual",
                             "eq_max_iter", 10000);
  /* a cap that the baseline meets and the post-AI economy does not */
  aiineq_result *r = solve_ok(m, 0);
  double it0 = stat(r, "iterations_pre"), it1 = stat(r, "iterations_post");
  aiineq_result_free(r);
  ck_assert(it1 > it0);
  AIQ_ASSERT_OK(aiineq_model_set_int(m, "eq_max_iter", (int64_t)it0));
  assert_fails_then_recovers(m, AIINEQ_ERR_NOCONV, "post-AI equilibrium (adoption A = 1)",
                             "eq_max_iter", 10000);
  aiineq_model_free(m);
}
END_TEST

START_TEST(test_bad_arguments) {
  aiineq_model *m = small_model();
  aiineq_result *r = NULL;
  AIQ_ASSERT_STATUS(aiineq_solve(NULL, &r), AIINEQ_ERR_ARG);
  AIQ_ASSERT_STATUS(aiineq_solve(m, NULL), AIINEQ_ERR_ARG);
  AIQ_ASSERT_STATUS(aiineq_solve_ex(m, 16u, &r), AIINEQ_ERR_ARG);
  ck_assert(strstr(aiineq_model_errmsg(m), "flags") != NULL);
  aiineq_result_free(NULL);
  ck_assert_str_eq(aiineq_result_errmsg(NULL), "result handle is NULL");

  r = solve_ok(m, 0);
  ck_assert_str_eq(aiineq_result_errmsg(r), "");
  double v, buf[10];
  const double *d;
  const int32_t *di;
  size_t n;
  AIQ_ASSERT_STATUS(aiineq_result_stat(r, "gini", &v), AIINEQ_ERR_NAME);
  ck_assert(strstr(aiineq_result_errmsg(r), "gini") != NULL);
  AIQ_ASSERT_STATUS(aiineq_result_stat(r, "m7", &v), AIINEQ_ERR_NAME);
  AIQ_ASSERT_STATUS(aiineq_result_stat(r, "_pre", &v), AIINEQ_ERR_NAME);
  AIQ_ASSERT_STATUS(aiineq_result_stat(r, NULL, &v), AIINEQ_ERR_ARG);
  AIQ_ASSERT_STATUS(aiineq_result_stat(NULL, "m1", &v), AIINEQ_ERR_ARG);
  AIQ_ASSERT_STATUS(aiineq_result_moments(r, buf, 5), AIINEQ_ERR_SIZE);
  AIQ_ASSERT_STATUS(aiineq_result_equilibrium(r, 2, "p", buf, 5), AIINEQ_ERR_RANGE);
  AIQ_ASSERT_STATUS(aiineq_result_equilibrium(r, 0, "q", buf, 5), AIINEQ_ERR_NAME);
  AIQ_ASSERT_STATUS(aiineq_result_equilibrium(r, 0, "mu", buf, 5), AIINEQ_ERR_SIZE);
  AIQ_ASSERT_STATUS(aiineq_result_households(r, -1, "wage", &d, &n), AIINEQ_ERR_RANGE);
  AIQ_ASSERT_STATUS(aiineq_result_households(r, 0, "task", &d, &n), AIINEQ_ERR_NAME);
  AIQ_ASSERT_STATUS(aiineq_result_households_int(r, 0, "wage", &di, &n), AIINEQ_ERR_NAME);
  AIQ_ASSERT_STATUS(aiineq_result_households(r, 0, "wage", NULL, &n), AIINEQ_ERR_ARG);
  AIQ_ASSERT_STATUS(aiineq_moment_targets(buf, buf, 5), AIINEQ_ERR_SIZE);
  /* targets and standard errors of MODEL.md section 4 */
  double t[6], se[6];
  AIQ_ASSERT_OK(aiineq_moment_targets(t, se, 6));
  static const double t_ref[6] = {0.34, 0.0, 0.65, 0.38, 0.10, 0.01};
  static const double se_ref[6] = {0.05, 0.03, 0.05, 0.02, 0.03, 0.005};
  for (int i = 0; i < 6; i++) ck_assert(t[i] == t_ref[i] && se[i] == se_ref[i]);
  AIQ_ASSERT_OK(aiineq_moment_targets(NULL, se, 6));
  aiineq_result_free(r);
  aiineq_model_free(m);
}
END_TEST

Suite *aiq_suite_solve(void) {
  Suite *s = suite_create("solve");
  TCase *tc = tcase_create("core");
  tcase_set_timeout(tc, 60);
  tcase_add_test(tc, test_reference_numbers);
  tcase_add_test(tc, test_matches_numpy_reference);
  tcase_add_test(tc, test_matches_numpy_simulation);
  tcase_add_test(tc, test_no_ai_no_change);
  tcase_add_test(tc, test_equal_adoption_identical);
  tcase_add_test(tc, test_zero_exposure);
  tcase_add_test(tc, test_full_compression);
  tcase_add_test(tc, test_baseline_invariance);
  tcase_add_test(tc, test_seed_determinism);
  tcase_add_test(tc, test_thread_independent);
  tcase_add_test(tc, test_cobb_douglas_continuity);
  tcase_add_test(tc, test_market_clearing);
  tcase_add_test(tc, test_household_accounting);
  tcase_add_test(tc, test_hold_channels);
  tcase_add_test(tc, test_more_firms_than_households);
  tcase_add_test(tc, test_no_convergence_reported);
  tcase_add_test(tc, test_bad_arguments);
  suite_add_tcase(s, tc);
  return s;
}
