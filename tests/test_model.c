/*
 * test_model.c -- the model handle: defaults, typed setters, validation,
 * copies, the task table and parameter introspection.
 */
#include <stdint.h>
#include <string.h>

#include "testutil.h"

static aiineq_model *new_model(void) {
  aiineq_model *m = NULL;
  AIQ_ASSERT_OK(aiineq_model_new(&m));
  ck_assert_ptr_nonnull(m);
  return m;
}

START_TEST(test_version) {
  ck_assert_uint_eq(aiineq_version_number(), AIINEQ_VERSION_NUMBER);
  ck_assert_str_eq(aiineq_version_string(), AIINEQ_VERSION_STRING);
  ck_assert_str_eq(AIINEQ_VERSION_STRING, "0.3.0");
  ck_assert_uint_eq(AIINEQ_VERSION_NUMBER, 300);
}
END_TEST

START_TEST(test_strerror) {
  ck_assert_str_eq(aiineq_strerror(AIINEQ_OK), "success");
  ck_assert_str_eq(aiineq_strerror(AIINEQ_ERR_NOMEM), "out of memory");
  ck_assert_str_eq(aiineq_strerror(-999), "unknown status");
  /* every code from -1 to -14 has its own name */
  for (int a = -14; a <= -1; a++)
    for (int b = a + 1; b <= -1; b++) ck_assert_str_ne(aiineq_strerror(a), aiineq_strerror(b));
}
END_TEST

/* Every parameter of MODEL.md section 1 with its default. */
START_TEST(test_defaults) {
  static const struct { const char *name; double v; } reals[] = {
      {"sigma_a", 0.5},   {"beta_e", 0.27},   {"c0", 0.63},       {"kappa", 0.5},
      {"sigma_z", 0.5},   {"tau", 0.3},       {"tau_e", 0.3},     {"theta", 0.19},
      {"h_ai", 0.89},     {"sigma_ces", 1.5}, {"alpha_phi", 3.0}, {"sigma_k", 1.0},
      {"rho_phik", 0.5},  {"rho_sort", 0.3},  {"xi", 0.10},       {"eta", 0.75},
      {"chi", 0.37},      {"top10", 0.89},    {"rho_own", 0.3},   {"adopt_pre", 0.0},
      {"adopt_post", 1.0}, {"eq_tol", 1e-10}};
  static const struct { const char *name; int64_t v; } ints[] = {
      {"n_quad", 64}, {"n_workers", 200000}, {"n_firms", 2000}, {"seed", 1}, {"eq_max_iter", 10000}};
  aiineq_model *m = new_model();
  for (size_t i = 0; i < sizeof reals / sizeof reals[0]; i++) {
    double v = -1;
    AIQ_ASSERT_OK(aiineq_model_get_double(m, reals[i].name, &v));
    ck_assert_msg(v == reals[i].v, "%s = %g", reals[i].name, v);
  }
  for (size_t i = 0; i < sizeof ints / sizeof ints[0]; i++) {
    int64_t v = -1;
    AIQ_ASSERT_OK(aiineq_model_get_int(m, ints[i].name, &v));
    ck_assert_int_eq(v, ints[i].v);
  }
  ck_assert_uint_eq(aiineq_param_count(), 27);
  size_t k = 0;
  double x[5], nu[5];
  AIQ_ASSERT_OK(aiineq_model_get_n_tasks(m, &k));
  ck_assert_uint_eq(k, 5);
  AIQ_ASSERT_OK(aiineq_model_get_tasks(m, x, nu, 5));
  for (int i = 0; i < 5; i++) {
    ck_assert(x[i] == 0.25 * i);
    ck_assert(nu[i] == 0.2);
  }
  aiineq_model_free(m);
}
END_TEST

START_TEST(test_set_get) {
  aiineq_model *m = new_model();
  double v;
  int64_t iv;
  AIQ_ASSERT_OK(aiineq_model_set_double(m, "theta", 0.5));
  AIQ_ASSERT_OK(aiineq_model_get_double(m, "theta", &v));
  ck_assert(v == 0.5);
  AIQ_ASSERT_OK(aiineq_model_set_double(m, "sigma_ces", 1.0)); /* Cobb-Douglas allowed */
  AIQ_ASSERT_OK(aiineq_model_set_int(m, "n_workers", 1000));
  AIQ_ASSERT_OK(aiineq_model_get_int(m, "n_workers", &iv));
  ck_assert_int_eq(iv, 1000);
  AIQ_ASSERT_OK(aiineq_model_set_int(m, "seed", INT64_MIN));
  AIQ_ASSERT_OK(aiineq_model_get_int(m, "seed", &iv));
  ck_assert(iv == INT64_MIN);
  aiineq_model_free(m);
}
END_TEST

/* A rejected set names the parameter, and leaves the value as it was. */
START_TEST(test_set_rejects) {
  aiineq_model *m = new_model();
  double v;
  int64_t iv;
  AIQ_ASSERT_STATUS(aiineq_model_set_double(m, "theta", 1.5), AIINEQ_ERR_RANGE);
  ck_assert_ptr_nonnull(strstr(aiineq_model_errmsg(m), "theta"));
  ck_assert_ptr_nonnull(strstr(aiineq_model_errmsg(m), "[0, 1]"));
  AIQ_ASSERT_STATUS(aiineq_model_set_double(m, "theta", NAN), AIINEQ_ERR_NONFINITE);
  AIQ_ASSERT_STATUS(aiineq_model_set_double(m, "theta", INFINITY), AIINEQ_ERR_NONFINITE);
  AIQ_ASSERT_STATUS(aiineq_model_set_double(m, "theta", -0.01), AIINEQ_ERR_RANGE);
  AIQ_ASSERT_OK(aiineq_model_get_double(m, "theta", &v));
  ck_assert(v == 0.19);
  /* open bounds */
  AIQ_ASSERT_STATUS(aiineq_model_set_double(m, "rho_sort", 1.0), AIINEQ_ERR_RANGE);
  AIQ_ASSERT_STATUS(aiineq_model_set_double(m, "sigma_a", 0.0), AIINEQ_ERR_RANGE);
  AIQ_ASSERT_STATUS(aiineq_model_set_double(m, "top10", 0.1), AIINEQ_ERR_RANGE);
  AIQ_ASSERT_STATUS(aiineq_model_set_double(m, "alpha_phi", 1.0), AIINEQ_ERR_RANGE);
  AIQ_ASSERT_OK(aiineq_model_get_double(m, "rho_sort", &v));
  ck_assert(v == 0.3);
  /* names and types */
  AIQ_ASSERT_STATUS(aiineq_model_set_double(m, "thetta", 0.1), AIINEQ_ERR_NAME);
  ck_assert_ptr_nonnull(strstr(aiineq_model_errmsg(m), "thetta"));
  AIQ_ASSERT_STATUS(aiineq_model_set_double(m, NULL, 0.1), AIINEQ_ERR_ARG);
  AIQ_ASSERT_STATUS(aiineq_model_set_double(m, "n_quad", 32), AIINEQ_ERR_TYPE);
  ck_assert_ptr_nonnull(strstr(aiineq_model_errmsg(m), "aiineq_model_set_int"));
  AIQ_ASSERT_STATUS(aiineq_model_set_int(m, "theta", 0), AIINEQ_ERR_TYPE);
  AIQ_ASSERT_STATUS(aiineq_model_set_int(m, "n_quad", 201), AIINEQ_ERR_RANGE);
  AIQ_ASSERT_STATUS(aiineq_model_set_int(m, "n_quad", 1), AIINEQ_ERR_RANGE);
  AIQ_ASSERT_OK(aiineq_model_get_int(m, "n_quad", &iv));
  ck_assert_int_eq(iv, 64);
  AIQ_ASSERT_STATUS(aiineq_model_get_double(m, "n_quad", &v), AIINEQ_ERR_TYPE);
  AIQ_ASSERT_STATUS(aiineq_model_get_int(m, "nope", &iv), AIINEQ_ERR_NAME);
  AIQ_ASSERT_STATUS(aiineq_model_get_double(m, "theta", NULL), AIINEQ_ERR_ARG);
  /* NULL handles */
  AIQ_ASSERT_STATUS(aiineq_model_set_double(NULL, "theta", 0.1), AIINEQ_ERR_ARG);
  AIQ_ASSERT_STATUS(aiineq_model_get_double(NULL, "theta", &v), AIINEQ_ERR_ARG);
  AIQ_ASSERT_STATUS(aiineq_model_new(NULL), AIINEQ_ERR_ARG);
  ck_assert_str_eq(aiineq_model_errmsg(NULL), "model handle is NULL");
  aiineq_model_free(NULL);
  aiineq_model_free(m);
}
END_TEST

START_TEST(test_copy) {
  aiineq_model *m = new_model(), *c = NULL;
  double x[3] = {0.1, 0.2, 0.3}, nu[3] = {1, 1, 2}, v;
  AIQ_ASSERT_OK(aiineq_model_set_tasks(m, x, nu, 3));
  AIQ_ASSERT_OK(aiineq_model_set_double(m, "xi", 0.4));
  AIQ_ASSERT_OK(aiineq_model_copy(m, &c));
  AIQ_ASSERT_OK(aiineq_model_set_double(m, "xi", 0.2));
  x[0] = 0.9;
  AIQ_ASSERT_OK(aiineq_model_set_tasks(m, x, nu, 3));
  AIQ_ASSERT_OK(aiineq_model_get_double(c, "xi", &v));
  ck_assert(v == 0.4);
  double cx[3], cnu[3];
  AIQ_ASSERT_OK(aiineq_model_get_tasks(c, cx, cnu, 3));
  ck_assert(cx[0] == 0.1 && cnu[2] == 0.5);
  aiineq_model *d = (aiineq_model *)1;
  AIQ_ASSERT_STATUS(aiineq_model_copy(NULL, &d), AIINEQ_ERR_ARG);
  ck_assert_ptr_null(d);
  AIQ_ASSERT_STATUS(aiineq_model_copy(m, NULL), AIINEQ_ERR_ARG);
  aiineq_model_free(c);
  aiineq_model_free(m);
}
END_TEST

START_TEST(test_tasks) {
  aiineq_model *m = new_model();
  double x[4] = {0, 0.5, 1, 0.3}, nu[4] = {10, 20, 30, 40}, gx[4], gnu[4];
  AIQ_ASSERT_OK(aiineq_model_set_tasks(m, x, nu, 4));
  AIQ_ASSERT_OK(aiineq_model_get_tasks(m, gx, gnu, 4));
  AIQ_ASSERT_NEAR(gnu[0] + gnu[1] + gnu[2] + gnu[3], 1.0, 1e-15);
  AIQ_ASSERT_NEAR(gnu[3], 0.4, 1e-15);
  ck_assert(gx[2] == 1.0);
  AIQ_ASSERT_STATUS(aiineq_model_get_tasks(m, gx, gnu, 3), AIINEQ_ERR_SIZE);
  AIQ_ASSERT_OK(aiineq_model_get_tasks(m, NULL, gnu, 4));

  /* every rejection leaves the four-task table in place */
  double bad_x[4] = {0, 0.5, 1.2, 0.3}, bad_nu[4] = {1, 0, 1, 1}, nan_x[4] = {0, NAN, 1, 0};
  AIQ_ASSERT_STATUS(aiineq_model_set_tasks(m, bad_x, nu, 4), AIINEQ_ERR_RANGE);
  ck_assert_ptr_nonnull(strstr(aiineq_model_errmsg(m), "task 2"));
  AIQ_ASSERT_STATUS(aiineq_model_set_tasks(m, x, bad_nu, 4), AIINEQ_ERR_RANGE);
  AIQ_ASSERT_STATUS(aiineq_model_set_tasks(m, nan_x, nu, 4), AIINEQ_ERR_NONFINITE);
  AIQ_ASSERT_STATUS(aiineq_model_set_tasks(m, x, nu, 0), AIINEQ_ERR_SIZE);
  AIQ_ASSERT_STATUS(aiineq_model_set_tasks(m, x, nu, 100001), AIINEQ_ERR_SIZE);
  AIQ_ASSERT_STATUS(aiineq_model_set_tasks(m, NULL, nu, 4), AIINEQ_ERR_ARG);
  AIQ_ASSERT_STATUS(aiineq_model_set_tasks(m, x, NULL, 4), AIINEQ_ERR_ARG);
  size_t k;
  AIQ_ASSERT_OK(aiineq_model_get_n_tasks(m, &k));
  ck_assert_uint_eq(k, 4);
  AIQ_ASSERT_OK(aiineq_model_get_tasks(m, gx, gnu, 4));
  AIQ_ASSERT_NEAR(gnu[1], 0.2, 1e-15);
  aiineq_model_free(m);
}
END_TEST

START_TEST(test_introspection) {
  size_t n = aiineq_param_count(), idx;
  int seen_theta = 0;
  for (size_t i = 0; i < n; i++) {
    const char *name, *desc;
    double def, lo, hi;
    unsigned flags;
    AIQ_ASSERT_OK(aiineq_param_info(i, &name, &desc, &def, &lo, &hi, &flags));
    ck_assert(strlen(desc) > 10);
    ck_assert_msg(lo <= def && def <= hi, "%s default outside bounds", name);
    AIQ_ASSERT_OK(aiineq_param_index(name, &idx));
    ck_assert_uint_eq(idx, i);
    if (strcmp(name, "theta") == 0) {
      seen_theta = 1;
      ck_assert(lo == 0 && hi == 1 && flags == 0 && def == 0.19);
    }
    if (strcmp(name, "n_quad") == 0) ck_assert(flags & AIINEQ_PARAM_INTEGER);
    if (strcmp(name, "rho_sort") == 0) ck_assert(flags == AIINEQ_PARAM_HI_OPEN);
  }
  ck_assert(seen_theta);
  AIQ_ASSERT_STATUS(aiineq_param_info(n, NULL, NULL, NULL, NULL, NULL, NULL), AIINEQ_ERR_RANGE);
  AIQ_ASSERT_STATUS(aiineq_param_index("zzz", &idx), AIINEQ_ERR_NAME);
  AIQ_ASSERT_STATUS(aiineq_param_index(NULL, &idx), AIINEQ_ERR_ARG);
}
END_TEST

Suite *aiq_suite_model(void) {
  Suite *s = suite_create("model");
  TCase *tc = tcase_create("params");
  tcase_add_test(tc, test_version);
  tcase_add_test(tc, test_strerror);
  tcase_add_test(tc, test_defaults);
  tcase_add_test(tc, test_set_get);
  tcase_add_test(tc, test_set_rejects);
  tcase_add_test(tc, test_copy);
  tcase_add_test(tc, test_tasks);
  tcase_add_test(tc, test_introspection);
  suite_add_tcase(s, tc);
  return s;
}
