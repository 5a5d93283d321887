/*
 * fault_targets.c -- allocation failures in the estimator's targets reader
 * (lib/msm_targets.c over lib/csv.c): from memory and from a file, with and
 * without caller moments, and a malformed file.  A failed read leaves the
 * targets bit-identical; a malformed one fails with AIINEQ_ERR_FORMAT once
 * memory is available again.
 */
#include <unistd.h>

#include "faultutil.h"

#define NT (AIINEQ_N_MOMENTS + 2)

static char file_path[4096];

static const char GOOD[] =
    "\xEF\xBB\xBF# calibration targets\r\n"
    "moment,target,se,note\r\n"
    "m1,0.03,0.01,a\r\n"
    "m6,0.0125,0.005,\"quoted, with a comma\"\r\n";
static const char CALLBACK_ROWS[] = "se,moment,target\n0.5,m8,2.5\n0.25,m7,-1\n";
static const char BAD[] = "moment,target,se\nm2,0.1,0.02\nm3,0.1,-1\n";
static const char FILE_TEXT[] = "moment,target,se\nm4,1.25,0.125\n";

static int two(const double *b, size_t nb, double *m, size_t nm, void *user) {
  (void)user;
  (void)nb;
  for (size_t i = 0; i < nm; i++) m[i] = b[0] + (double)i;
  return 0;
}

/* 1 if the targets of e equal t, se (n each), bit for bit. */
static int same_targets(const aiineq_msm *e, const double *t, const double *se, size_t n) {
  double a[NT], b[NT];
  ck_assert_int_eq(aiineq_msm_get_targets(e, a, b, n), AIINEQ_OK);
  return memcmp(a, t, n * sizeof *a) == 0 && memcmp(b, se, n * sizeof *b) == 0;
}

#define UNCHANGED(e, t, se, n)                                    \
  {                                                               \
    ck_assert_msg(same_targets(e, t, se, n), "targets changed");  \
    ck_assert_str_ne(aiineq_msm_errmsg(e), "");                   \
  }

static void put_targets(const aiineq_msm *e, size_t n, double *out, size_t cap, size_t *k) {
  double t[NT], se[NT];
  AIQ_ASSERT_OK(aiineq_msm_get_targets(e, t, se, n));
  for (size_t i = 0; i < n; i++) {
    aiq_fi_put(out, cap, k, t[i]);
    aiq_fi_put(out, cap, k, se[i]);
  }
}

static size_t scenario_targets(double *out, size_t cap) {
  size_t k = 0, n = AIINEQ_N_MOMENTS;
  double t[NT], se[NT];
  aiineq_model *m = NULL;
  aiineq_msm *e = NULL;
  AIQ_FI_CALL(aiineq_model_new(&m), ck_assert_ptr_null(m));
  AIQ_FI_CALL(aiineq_msm_new(&e, m), ck_assert_ptr_null(e));
  aiineq_model_free(m);

  AIQ_ASSERT_OK(aiineq_msm_get_targets(e, t, se, n));
  AIQ_FI_CALL(aiineq_msm_parse_targets(e, GOOD, sizeof GOOD - 1), UNCHANGED(e, t, se, n));
  put_targets(e, n, out, cap, &k);

  AIQ_ASSERT_OK(aiineq_msm_get_targets(e, t, se, n));
  AIQ_FI_CALL(aiineq_msm_read_targets(e, file_path), UNCHANGED(e, t, se, n));
  put_targets(e, n, out, cap, &k);

  /* malformed: NOMEM while memory fails, FORMAT once it is back */
  AIQ_ASSERT_OK(aiineq_msm_get_targets(e, t, se, n));
  int rc = aiineq_msm_parse_targets(e, BAD, sizeof BAD - 1);
  if (rc == AIINEQ_ERR_NOMEM) {
    ck_assert_int_gt(aiq_fault_failures(), 0);
    UNCHANGED(e, t, se, n);
    aiq_fault_disarm();
    rc = aiineq_msm_parse_targets(e, BAD, sizeof BAD - 1);
  }
  ck_assert_int_eq(rc, AIINEQ_ERR_FORMAT);
  UNCHANGED(e, t, se, n);

  AIQ_FI_CALL(aiineq_msm_set_moment_fn(e, two, 2, NULL), (void)0);
  n = NT;
  AIQ_ASSERT_OK(aiineq_msm_get_targets(e, t, se, n));
  AIQ_FI_CALL(aiineq_msm_parse_targets(e, CALLBACK_ROWS, sizeof CALLBACK_ROWS - 1),
              UNCHANGED(e, t, se, n));
  put_targets(e, n, out, cap, &k);
  aiineq_msm_free(e);
  return k;
}

START_TEST(test_fault_targets) {
  const char *dir = getenv("TMPDIR");
  snprintf(file_path, sizeof file_path, "%s/aiq_fault_targets_XXXXXX",
           dir && *dir ? dir : "/tmp");
  int fd = mkstemp(file_path);
  ck_assert_int_ge(fd, 0);
  ck_assert_int_eq(write(fd, FILE_TEXT, sizeof FILE_TEXT - 1), (ssize_t)(sizeof FILE_TEXT - 1));
  close(fd);
  long total = aiq_fi_sweep("targets reader", scenario_targets);
  unlink(file_path);
  ck_assert_int_ge(total, 10);
}
END_TEST

Suite *aiq_suite_fault_targets(void) {
  Suite *s = suite_create("fault_targets");
  TCase *tc = tcase_create("nomem");
  tcase_set_timeout(tc, 120);
  tcase_add_test(tc, test_fault_targets);
  suite_add_tcase(s, tc);
  return s;
}
