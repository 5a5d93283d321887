/*
 * test_targets.c -- the estimator's targets file (lib/msm_targets.c):
 * aiineq_msm_parse_targets and aiineq_msm_read_targets set exact values,
 * leave moments without a row alone, and reject every malformed input with
 * AIINEQ_ERR_FORMAT, a message giving the line and column, and the targets
 * bit-identical to before.
 */
#include <string.h>
#include <unistd.h>

#include "testutil.h"

#define NM AIINEQ_N_MOMENTS

static aiineq_msm *new_estimator(void) {
  aiineq_model *m = NULL;
  aiineq_msm *e = NULL;
  AIQ_ASSERT_OK(aiineq_model_new(&m));
  AIQ_ASSERT_OK(aiineq_msm_new(&e, m));
  aiineq_model_free(m);
  return e;
}

static int parse(aiineq_msm *e, const char *text) {
  return aiineq_msm_parse_targets(e, text, strlen(text));
}

/* A full file: columns in another order and case, an extra column, a BOM,
 * CRLF line ends, a comment, a blank line, a quoted field. */
START_TEST(test_full_file) {
  aiineq_msm *e = new_estimator();
  const char *text = "\xEF\xBB\xBF# targets from the 2019-2023 OEWS panel\r\n"
                     "SE, Moment ,source,TARGET\r\n"
                     "0.0125,m1,oews,0.034\r\n"
                     "0.02,M2,oews,-0.117\r\n"
                     "\r\n"
                     "1e-3,m3,\"panel, firms\",0.25\r\n"
                     "# m4 is from the survey\r\n"
                     "0.5,m4,survey,12.5\r\n"
                     "0.004, m5 ,x,0\r\n"
                     "\"0.005\",m6,x,\"0.0123\"\r\n";
  AIQ_ASSERT_OK(parse(e, text));
  double t[NM], se[NM];
  AIQ_ASSERT_OK(aiineq_msm_get_targets(e, t, se, NM));
  const double want_t[NM] = {0.034, -0.117, 0.25, 12.5, 0.0, 0.0123};
  const double want_se[NM] = {0.0125, 0.02, 1e-3, 0.5, 0.004, 0.005};
  for (int j = 0; j < NM; j++) {
    ck_assert_msg(t[j] == want_t[j], "target m%d = %.17g, expected %.17g", j + 1, t[j],
                  want_t[j]);
    ck_assert_msg(se[j] == want_se[j], "se m%d = %.17g, expected %.17g", j + 1, se[j],
                  want_se[j]);
  }
  aiineq_msm_free(e);
}
END_TEST

/* Moments without a row keep their targets (here the defaults). */
START_TEST(test_partial_file) {
  aiineq_msm *e = new_estimator();
  double t0[NM], se0[NM], t[NM], se[NM];
  AIQ_ASSERT_OK(aiineq_moment_targets(t0, se0, NM));
  AIQ_ASSERT_OK(parse(e, "moment,target,se\nm6,0,0.01\nm2,0.3,0.04"));
  AIQ_ASSERT_OK(aiineq_msm_get_targets(e, t, se, NM));
  for (int j = 0; j < NM; j++) {
    double wt = j == 5 ? 0.0 : j == 1 ? 0.3 : t0[j];
    double ws = j == 5 ? 0.01 : j == 1 ? 0.04 : se0[j];
    ck_assert_msg(t[j] == wt && se[j] == ws, "m%d: %.17g (%.17g), expected %.17g (%.17g)",
                  j + 1, t[j], se[j], wt, ws);
  }
  /* a second file changes only its own rows */
  AIQ_ASSERT_OK(parse(e, "moment,target,se\nm1,-1.5,2\n"));
  AIQ_ASSERT_OK(aiineq_msm_get_targets(e, t, se, NM));
  ck_assert(t[0] == -1.5 && se[0] == 2.0);
  ck_assert(t[5] == 0.0 && se[5] == 0.01);
  aiineq_msm_free(e);
}
END_TEST

static int three(const double *b, size_t nb, double *m, size_t nm, void *user) {
  (void)user;
  for (size_t i = 0; i < nm; i++) m[i] = b[0] * (double)(i + 1) + (nb > 1 ? b[1] : 0);
  return 0;
}

/* Caller moments are m7.. after the model's six, and m1.. without a model;
 * untouched callback targets stay NaN. */
START_TEST(test_callback_moments) {
  aiineq_msm *e = new_estimator();
  AIQ_ASSERT_OK(aiineq_msm_set_moment_fn(e, three, 3, NULL));
  AIQ_ASSERT_OK(parse(e, "moment,target,se\nm7,1.5,0.1\nm9,-2,0.25\n"));
  double t[NM + 3], se[NM + 3];
  AIQ_ASSERT_OK(aiineq_msm_get_targets(e, t, se, NM + 3));
  ck_assert(t[6] == 1.5 && se[6] == 0.1);
  ck_assert(isnan(t[7]) && isnan(se[7]));
  ck_assert(t[8] == -2.0 && se[8] == 0.25);
  AIQ_ASSERT_STATUS(parse(e, "moment,target,se\nm10,1,1\n"), AIINEQ_ERR_FORMAT);
  ck_assert_msg(strstr(aiineq_msm_errmsg(e), "m1..m9") != NULL, "%s", aiineq_msm_errmsg(e));
  aiineq_msm_free(e);

  AIQ_ASSERT_OK(aiineq_msm_new(&e, NULL));
  AIQ_ASSERT_STATUS(parse(e, "moment,target,se\nm1,1,1\n"), AIINEQ_ERR_FORMAT);
  ck_assert_msg(strstr(aiineq_msm_errmsg(e), "no moments") != NULL, "%s",
                aiineq_msm_errmsg(e));
  AIQ_ASSERT_OK(aiineq_msm_set_moment_fn(e, three, 2, NULL));
  AIQ_ASSERT_OK(parse(e, "moment,target,se\nm2,4,0.5\nm1,3,0.5\n"));
  double t2[2], se2[2];
  AIQ_ASSERT_OK(aiineq_msm_get_targets(e, t2, se2, 2));
  ck_assert(t2[0] == 3.0 && t2[1] == 4.0 && se2[0] == 0.5 && se2[1] == 0.5);
  aiineq_msm_free(e);
}
END_TEST

/* Each malformed input: AIINEQ_ERR_FORMAT, the message contains `where`
 * (line and column), nothing changed. */
static const struct bad_case {
  const char *text, *where, *what;
} bad[] = {
    {"", "", "no header"},
    {"\n\n# only a comment\n", "", "no header"},
    {"moment,target,se\n", "line 1", "no target rows"},
    {"moment,target,se\n# nothing\n\n", "line 1", "no target rows"},
    {"moment,target\nm1,0.1\n", "line 1", "no 'se' column"},
    {"name,target,se\nm1,0.1,0.01\n", "line 1", "no 'moment' column"},
    {"moment,target,se,SE\nm1,0.1,0.01,1\n", "line 1, column 18", "'se' twice"},
    {"moment,target,se\nm1,0.1,0.01\nm1,0.2,0.01\n", "line 3, column 1",
     "m1 given twice (first on line 2)"},
    {"moment,target,se\nm0,0.1,0.01\n", "line 2, column 1", "unknown moment 'm0'"},
    {"moment,target,se\nm7,0.1,0.01\n", "line 2, column 1", "unknown moment 'm7'"},
    {"moment,target,se\nm01,0.1,0.01\n", "line 2, column 1", "unknown moment"},
    {"moment,target,se\ngini,0.1,0.01\n", "line 2, column 1", "unknown moment 'gini'"},
    {"moment,target,se\nm99999999999999999999999,0.1,0.01\n", "line 2, column 1",
     "unknown moment"},
    {"moment,target,se\nm1,nan,0.01\n", "line 2, column 4", "not finite"},
    {"moment,target,se\nm1,0.1,-Infinity\n", "line 2, column 8", "not finite"},
    {"moment,target,se\nm2,0.1,INF\n", "line 2, column 8", "not finite"},
    {"moment,target,se\nm1,1e999,0.01\n", "line 2, column 4", "overflows"},
    {"moment,target,se\nm1,0.1,0\n", "line 2, column 8", "must be > 0"},
    {"moment,target,se\nm1,0.1,-0.01\n", "line 2, column 8", "must be > 0"},
    {"moment,target,se\nm1,0.1,-0\n", "line 2, column 8", "must be > 0"},
    {"moment,target,se\nm1,,0.01\n", "line 2, column 4", "target is empty"},
    {"moment,target,se\nm1,0.1,\n", "line 2, column 8", "se is empty"},
    {"moment,target,se\nm1,0.1x,0.01\n", "line 2, column 4", "not a number"},
    {"moment,target,se\nm1,0x10,0.01\n", "line 2, column 4", "not a number"},
    {"moment,target,se\nm1,0.1\n", "line 2, column 4", "2 fields"},
    {"moment,target,se\nm1\n", "line 2, column 1", "1 field,"},
    {"moment,target,se\nm1,0.1,0.01\nm2,\"0.2,0.01\n", "line 3, column 4", "not closed"},
    {"moment,target,se\nm1,0.1,0.01\nm2,0.\"2,0.01\n", "line 3, column 6", "quote inside"},
    {"moment,target,se\nm1,\"0.1\"x,0.01\n", "line 2, column 9", "after a closing quote"},
    {"moment,target,se\nm1,0.1,0.01\nm3,\xff,0.01\n", "line 3, column 4", "not a number"},
    /* a good row first: the bad one later still changes nothing */
    {"moment,target,se\nm1,9,9\nm2,9,9\nm3,9,0\n", "line 4, column 6", "must be > 0"},
};

static void snapshot(const aiineq_msm *e, double *t, double *se, size_t n) {
  AIQ_ASSERT_OK(aiineq_msm_get_targets(e, t, se, n));
}

START_TEST(test_malformed) {
  aiineq_msm *e = new_estimator();
  /* a non-default state, so "unchanged" is not "reset to the defaults" */
  AIQ_ASSERT_OK(parse(e, "moment,target,se\nm1,0.5,0.5\nm6,0.06,0.006\n"));
  double t0[NM], se0[NM], t[NM], se[NM];
  snapshot(e, t0, se0, NM);
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    const char *text = bad[i].text;
    int rc = aiineq_msm_parse_targets(e, text, strlen(text));
    const char *msg = aiineq_msm_errmsg(e);
    ck_assert_msg(rc == AIINEQ_ERR_FORMAT, "case %zu: status %d (%s), message '%s'", i, rc,
                  aiineq_strerror(rc), msg);
    ck_assert_msg(strstr(msg, bad[i].where) && strstr(msg, bad[i].what),
                  "case %zu: message '%s' lacks '%s' or '%s'", i, msg, bad[i].where,
                  bad[i].what);
    snapshot(e, t, se, NM);
    ck_assert_msg(memcmp(t, t0, sizeof t) == 0 && memcmp(se, se0, sizeof se) == 0,
                  "case %zu changed the targets", i);
  }
  aiineq_msm_free(e);
}
END_TEST

/* A NUL byte inside the buffer is rejected; len bounds the text (no NUL
 * terminator needed); the text pointer and handle are checked. */
START_TEST(test_buffer_and_args) {
  aiineq_msm *e = new_estimator();
  static const char withnul[] = "moment,target,se\nm1,0.1,0.01\nm2,0\0.3,0.01\n";
  AIQ_ASSERT_STATUS(aiineq_msm_parse_targets(e, withnul, sizeof withnul - 1),
                    AIINEQ_ERR_FORMAT);
  ck_assert_msg(strstr(aiineq_msm_errmsg(e), "line 3, column 5"), "%s", aiineq_msm_errmsg(e));
  /* only the first 29 bytes: the header and the m1 row */
  AIQ_ASSERT_OK(aiineq_msm_parse_targets(e, withnul, 29));
  double t[NM], se[NM];
  snapshot(e, t, se, NM);
  ck_assert(t[0] == 0.1 && se[0] == 0.01);
  AIQ_ASSERT_STATUS(aiineq_msm_parse_targets(e, NULL, 3), AIINEQ_ERR_ARG);
  ck_assert_str_ne(aiineq_msm_errmsg(e), "");
  AIQ_ASSERT_STATUS(aiineq_msm_parse_targets(NULL, "moment,target,se\n", 17), AIINEQ_ERR_ARG);
  AIQ_ASSERT_STATUS(aiineq_msm_read_targets(NULL, "x.csv"), AIINEQ_ERR_ARG);
  AIQ_ASSERT_STATUS(aiineq_msm_read_targets(e, NULL), AIINEQ_ERR_ARG);
  aiineq_msm_free(e);
}
END_TEST

/* From a file: the same values; errors name the file; a missing file is
 * AIINEQ_ERR_IO. */
START_TEST(test_read_file) {
  aiineq_msm *e = new_estimator();
  const char *dir = getenv("TMPDIR");
  char path[4096];
  snprintf(path, sizeof path, "%s/aiq_targets_XXXXXX", dir && *dir ? dir : "/tmp");
  int fd = mkstemp(path);
  ck_assert_int_ge(fd, 0);
  const char good[] = "moment,target,se\nm3,0.375,0.0625\n";
  ck_assert_int_eq(write(fd, good, sizeof good - 1), (ssize_t)(sizeof good - 1));
  close(fd);
  AIQ_ASSERT_OK(aiineq_msm_read_targets(e, path));
  double t[NM], se[NM];
  snapshot(e, t, se, NM);
  ck_assert(t[2] == 0.375 && se[2] == 0.0625);

  FILE *f = fopen(path, "w");
  ck_assert_ptr_nonnull(f);
  fputs("moment,target,se\nm3,0.5,0.1\nm4,0.5,nan\n", f);
  fclose(f);
  AIQ_ASSERT_STATUS(aiineq_msm_read_targets(e, path), AIINEQ_ERR_FORMAT);
  const char *msg = aiineq_msm_errmsg(e);
  ck_assert_msg(strncmp(msg, path, strlen(path)) == 0 && strstr(msg, "line 3, column 8"),
                "%s", msg);
  double t1[NM], se1[NM];
  snapshot(e, t1, se1, NM);
  ck_assert(memcmp(t, t1, sizeof t) == 0 && memcmp(se, se1, sizeof se) == 0);
  unlink(path);

  AIQ_ASSERT_STATUS(aiineq_msm_read_targets(e, path), AIINEQ_ERR_IO);
  ck_assert_msg(strstr(aiineq_msm_errmsg(e), path) != NULL, "%s", aiineq_msm_errmsg(e));
  snapshot(e, t1, se1, NM);
  ck_assert(memcmp(t, t1, sizeof t) == 0 && memcmp(se, se1, sizeof se) == 0);
  aiineq_msm_free(e);
}
END_TEST

/* The targets read drive the objective: at a point, J with diag(1/se^2)
 * weighting equals the sum of squared standardised residuals. */
START_TEST(test_targets_reach_objective) {
  aiineq_msm *e = NULL;
  AIQ_ASSERT_OK(aiineq_msm_new(&e, NULL));
  AIQ_ASSERT_OK(aiineq_msm_set_moment_fn(e, three, 3, NULL));
  AIQ_ASSERT_OK(aiineq_msm_add_param(e, "a", -5, 5, 0));
  AIQ_ASSERT_OK(parse(e, "moment,target,se\nm1,1,0.5\nm2,1,0.25\nm3,4,2\n"));
  const double b = 1.0; /* moments (1, 2, 3) */
  double j = 0;
  AIQ_ASSERT_OK(aiineq_msm_objective_at(e, &b, 1, &j));
  /* residuals 0, 1, -1 over se 0.5, 0.25, 2: 0 + 16 + 0.25 */
  AIQ_ASSERT_NEAR(j, 16.25, 1e-12);
  aiineq_msm_free(e);
}
END_TEST

Suite *aiq_suite_targets(void) {
  Suite *s = suite_create("targets");
  TCase *tc = tcase_create("core");
  tcase_add_test(tc, test_full_file);
  tcase_add_test(tc, test_partial_file);
  tcase_add_test(tc, test_callback_moments);
  tcase_add_test(tc, test_malformed);
  tcase_add_test(tc, test_buffer_and_args);
  tcase_add_test(tc, test_read_file);
  tcase_add_test(tc, test_targets_reach_objective);
  suite_add_tcase(s, tc);
  return s;
}
