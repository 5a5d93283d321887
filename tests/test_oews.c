/*
 * test_oews.c -- readers on small hand-made files: OEWS national CSV
 * (special values, quoting, CRLF, BOM, lower/upper-case headers, malformed
 * input), exposure files (six and eight-digit codes), and the panel join
 * and regressions against closed forms.
 */
#include <string.h>

#include "testutil.h"

/* 2019 style: lower case, LF. */
static const char LOWER[] =
    "area,occ_code,occ_title,o_group,tot_emp,a_mean,a_pct10,a_median,a_pct90,annual\n"
    "99,00-0000,All Occupations,total,146875480,53490,21530,39810,101020,\n"
    "99,11-1011,Chief Executives,detailed,205890,193850,68160,#,#,\n"
    "99,27-2011,Actors,detailed,**,*,*,*,*,TRUE\n"
    "99,15-1252,\"Software Developers, Applications\",detailed,\"1,234,567\",~,,100,200,\n";

/* Later years: upper case, extra columns, CRLF, BOM, quoted header. */
static const char UPPER[] =
    "\xEF\xBB\xBF"
    "AREA,PRIM_STATE,\"OCC_CODE\",OCC_TITLE,O_GROUP,TOT_EMP,PCT_RPT,A_MEAN,A_PCT10,A_MEDIAN,"
    "A_PCT90\r\n"
    "99,US,11-1011,Chief Executives,detailed,211230,,213020,80000,189520,#\r\n"
    "99,US,13-0000,\"Business and Financial Operations Occupations, \"\"all\"\"\",major,"
    "9000000,~,85000,45000,70000,130000\r\n";

static aiineq_oews *parse_ok(const char *text) {
  aiineq_oews *t = NULL;
  AIQ_ASSERT_OK(aiineq_oews_new(&t));
  int rc = aiineq_oews_parse(t, text, strlen(text));
  ck_assert_msg(rc == AIINEQ_OK, "%s", aiineq_oews_errmsg(t));
  return t;
}

static void parse_fails(const char *text, int status, const char *needle) {
  aiineq_oews *t = NULL;
  AIQ_ASSERT_OK(aiineq_oews_new(&t));
  AIQ_ASSERT_STATUS(aiineq_oews_parse(t, text, strlen(text)), status);
  ck_assert_msg(strstr(aiineq_oews_errmsg(t), needle) != NULL, "message '%s' lacks '%s'",
                aiineq_oews_errmsg(t), needle);
  size_t n = 99;
  AIQ_ASSERT_OK(aiineq_oews_n_rows(t, &n));
  ck_assert_uint_eq(n, 0);
  aiineq_oews_free(t);
}

START_TEST(test_lower_case_and_specials) {
  aiineq_oews *t = parse_ok(LOWER);
  size_t n = 0;
  AIQ_ASSERT_OK(aiineq_oews_n_rows(t, &n));
  ck_assert_uint_eq(n, 4);
  const char *s;
  AIQ_ASSERT_OK(aiineq_oews_get_text(t, 3, "occ_title", &s));
  ck_assert_str_eq(s, "Software Developers, Applications");
  AIQ_ASSERT_OK(aiineq_oews_get_text(t, 1, "O_GROUP", &s));
  ck_assert_str_eq(s, "detailed");
  double v[4];
  int32_t st[4];
  AIQ_ASSERT_OK(aiineq_oews_get_column(t, "tot_emp", v, st, 4));
  AIQ_ASSERT_NEAR(v[0], 146875480, 0);
  ck_assert_int_eq(st[2], AIINEQ_CELL_NA_EMP);
  ck_assert(isnan(v[2]));
  AIQ_ASSERT_NEAR(v[3], 1234567, 0); /* thousands separators */
  ck_assert_int_eq(st[3], AIINEQ_CELL_VALUE);
  AIQ_ASSERT_OK(aiineq_oews_get_column(t, "A_MEAN", v, st, 4));
  ck_assert_int_eq(st[2], AIINEQ_CELL_NA);
  ck_assert_int_eq(st[3], AIINEQ_CELL_TILDE);
  ck_assert(isnan(v[2]) && isnan(v[3]));
  AIQ_ASSERT_OK(aiineq_oews_get_column(t, "a_pct90", v, st, 4));
  ck_assert_int_eq(st[1], AIINEQ_CELL_TOPCODED);
  ck_assert(isnan(v[1]));
  AIQ_ASSERT_NEAR(v[3], 200, 0);
  AIQ_ASSERT_OK(aiineq_oews_get_column(t, "a_pct10", v, st, 4));
  ck_assert_int_eq(st[3], AIINEQ_CELL_EMPTY);
  /* errors of the getters */
  AIQ_ASSERT_STATUS(aiineq_oews_get_column(t, "h_mean", v, st, 4), AIINEQ_ERR_NAME); /* absent */
  AIQ_ASSERT_STATUS(aiineq_oews_get_column(t, "occ_title", v, st, 4), AIINEQ_ERR_NAME);
  AIQ_ASSERT_STATUS(aiineq_oews_get_column(t, "a_mean", v, st, 3), AIINEQ_ERR_SIZE);
  AIQ_ASSERT_STATUS(aiineq_oews_get_text(t, 4, "occ_code", &s), AIINEQ_ERR_RANGE);
  AIQ_ASSERT_STATUS(aiineq_oews_get_text(t, 0, "area", &s), AIINEQ_ERR_NAME);
  aiineq_oews_free(t);
}
END_TEST

START_TEST(test_upper_case_crlf_bom) {
  aiineq_oews *t = parse_ok(UPPER);
  size_t n = 0;
  AIQ_ASSERT_OK(aiineq_oews_n_rows(t, &n));
  ck_assert_uint_eq(n, 2);
  const char *s;
  AIQ_ASSERT_OK(aiineq_oews_get_text(t, 1, "occ_title", &s));
  ck_assert_str_eq(s, "Business and Financial Operations Occupations, \"all\"");
  AIQ_ASSERT_OK(aiineq_oews_get_text(t, 0, "occ_code", &s));
  ck_assert_str_eq(s, "11-1011"); /* no stray CR, no BOM in the first field */
  double v[2];
  int32_t st[2];
  AIQ_ASSERT_OK(aiineq_oews_get_column(t, "pct_rpt", v, st, 2));
  ck_assert_int_eq(st[0], AIINEQ_CELL_EMPTY);
  ck_assert_int_eq(st[1], AIINEQ_CELL_TILDE);
  AIQ_ASSERT_OK(aiineq_oews_get_column(t, "a_pct90", v, st, 2));
  ck_assert_int_eq(st[0], AIINEQ_CELL_TOPCODED);
  AIQ_ASSERT_NEAR(v[1], 130000, 0);
  /* a re-read replaces the contents */
  AIQ_ASSERT_OK(aiineq_oews_parse(t, LOWER, strlen(LOWER)));
  AIQ_ASSERT_OK(aiineq_oews_n_rows(t, &n));
  ck_assert_uint_eq(n, 4);
  aiineq_oews_free(t);
}
END_TEST

START_TEST(test_malformed) {
  parse_fails("", AIINEQ_ERR_FORMAT, "empty file");
  parse_fails("\xEF\xBB\xBF\r\n\n", AIINEQ_ERR_FORMAT, "empty file");
  parse_fails("OCC_CODE,OCC_TITLE,O_GROUP,TOT_EMP,A_MEAN,A_PCT10,A_MEDIAN,A_PCT90\n",
              AIINEQ_ERR_FORMAT, "no data rows");
  /* a required column missing */
  parse_fails("OCC_CODE,OCC_TITLE,O_GROUP,TOT_EMP,A_MEAN,A_PCT10,A_MEDIAN\n"
              "11-1011,CEO,detailed,1,2,3,4\n",
              AIINEQ_ERR_FORMAT, "required column 'a_pct90'");
  parse_fails("OCC_CODE,OCC_TITLE,TOT_EMP,A_MEAN,A_PCT10,A_MEDIAN,A_PCT90\n1,2,3,4,5,6,7\n",
              AIINEQ_ERR_FORMAT, "'O_GROUP'");
  /* a truncated line */
  parse_fails("OCC_CODE,OCC_TITLE,O_GROUP,TOT_EMP,A_MEAN,A_PCT10,A_MEDIAN,A_PCT90\n"
              "11-1011,CEO,detailed,1,2,3,4,5\n"
              "11-1021,GM,detailed,1,2\n",
              AIINEQ_ERR_FORMAT, "line 3, column 6: record has 5 fields but the header has 8");
  /* a non-numeric number, and a badly grouped one */
  parse_fails("OCC_CODE,OCC_TITLE,O_GROUP,TOT_EMP,A_MEAN,A_PCT10,A_MEDIAN,A_PCT90\r\n"
              "11-1011,CEO,detailed,1,2,3,4,5\r\n"
              "11-1021,GM,detailed,1,2x,3,4,5\r\n",
              AIINEQ_ERR_FORMAT, "line 3, column 5 (A_MEAN): '2x' is neither a number");
  parse_fails("OCC_CODE,OCC_TITLE,O_GROUP,TOT_EMP,A_MEAN,A_PCT10,A_MEDIAN,A_PCT90\n"
              "11-1011,CEO,detailed,\"12,34\",2,3,4,5\n",
              AIINEQ_ERR_FORMAT, "line 2, column 4 (TOT_EMP)");
  /* quoting errors */
  parse_fails("OCC_CODE,OCC_TITLE,O_GROUP,TOT_EMP,A_MEAN,A_PCT10,A_MEDIAN,A_PCT90\n"
              "11-1011,\"CEO,detailed,1,2,3,4,5\n",
              AIINEQ_ERR_FORMAT, "line 2, column 9: quoted field not closed");
  parse_fails("OCC_CODE,OCC_TITLE,O_GROUP,TOT_EMP,A_MEAN,A_PCT10,A_MEDIAN,A_PCT90\n"
              "11-1011,\"CEO\"x,detailed,1,2,3,4,5\n",
              AIINEQ_ERR_FORMAT, "line 2, column 14: unexpected character 'x'");
  parse_fails("OCC_CODE,OCC_TITLE,O_GROUP,TOT_EMP,A_MEAN,A_PCT10,A_MEDIAN,A_PCT90\n"
              "11-1011,CE\"O,detailed,1,2,3,4,5\n",
              AIINEQ_ERR_FORMAT, "line 2, column 11: quote inside an unquoted field");
  /* extra non-empty fields */
  parse_fails("OCC_CODE,OCC_TITLE,O_GROUP,TOT_EMP,A_MEAN,A_PCT10,A_MEDIAN,A_PCT90\n"
              "11-1011,CEO,detailed,1,2,3,4,5,oops\n",
              AIINEQ_ERR_FORMAT, "line 2, column 9");
  /* binary data */
  aiineq_oews *t = NULL;
  AIQ_ASSERT_OK(aiineq_oews_new(&t));
  static const char bin[] = "OCC_CODE,OCC_TITLE\n1,\0x\n";
  AIQ_ASSERT_STATUS(aiineq_oews_parse(t, bin, sizeof bin - 1), AIINEQ_ERR_FORMAT);
  ck_assert_msg(strstr(aiineq_oews_errmsg(t), "NUL byte") != NULL, "%s", aiineq_oews_errmsg(t));
  /* a failed parse leaves a loaded table as it was */
  AIQ_ASSERT_OK(aiineq_oews_parse(t, LOWER, strlen(LOWER)));
  AIQ_ASSERT_STATUS(aiineq_oews_parse(t, "x\n", 2), AIINEQ_ERR_FORMAT);
  size_t n = 0;
  AIQ_ASSERT_OK(aiineq_oews_n_rows(t, &n));
  ck_assert_uint_eq(n, 4);
  /* files */
  AIQ_ASSERT_STATUS(aiineq_oews_read(t, "/nonexistent/oews.csv"), AIINEQ_ERR_IO);
  ck_assert_msg(strstr(aiineq_oews_errmsg(t), "/nonexistent/oews.csv") != NULL, "%s",
                aiineq_oews_errmsg(t));
  AIQ_ASSERT_STATUS(aiineq_oews_read(t, NULL), AIINEQ_ERR_ARG);
  AIQ_ASSERT_STATUS(aiineq_oews_parse(NULL, "", 0), AIINEQ_ERR_ARG);
  AIQ_ASSERT_STATUS(aiineq_oews_new(NULL), AIINEQ_ERR_ARG);
  aiineq_oews_free(NULL);
  aiineq_oews_free(t);
}
END_TEST

/* Every prefix of a valid file either parses or fails cleanly. */
START_TEST(test_every_truncation) {
  aiineq_oews *t = NULL;
  AIQ_ASSERT_OK(aiineq_oews_new(&t));
  size_t len = strlen(UPPER), ok = 0;
  for (size_t cut = 0; cut <= len; cut++) {
    int rc = aiineq_oews_parse(t, UPPER, cut);
    ck_assert_msg(rc == AIINEQ_OK || rc == AIINEQ_ERR_FORMAT, "cut %zu: %d", cut, rc);
    ok += rc == AIINEQ_OK;
  }
  ck_assert_uint_ge(ok, 2); /* the whole file, and without its final CRLF */
  aiineq_oews_free(t);
}
END_TEST

static const char EXPO[] =
    "O*NET-SOC Code,Title,beta,other\n"
    "11-1011.00,Chief Executives,0.4,1\n"
    "11-1011.03,Chief Sustainability Officers,0.6,1\n"
    "15-1252.00,Software Developers,0.9,1\n"
    "27-2011.00,Actors,NA,1\n"
    "13-2011.01,Accountants,\"0.5\",1\n";

START_TEST(test_exposure) {
  aiineq_exposure *x = NULL;
  AIQ_ASSERT_OK(aiineq_exposure_new(&x));
  AIQ_ASSERT_OK(aiineq_exposure_parse(x, EXPO, strlen(EXPO), NULL, "BETA"));
  size_t nc, nr, ns;
  AIQ_ASSERT_OK(aiineq_exposure_counts(x, &nc, &nr, &ns));
  ck_assert_uint_eq(nc, 3);
  ck_assert_uint_eq(nr, 5);
  ck_assert_uint_eq(ns, 1);
  double v;
  AIQ_ASSERT_OK(aiineq_exposure_lookup(x, "11-1011", &v));
  AIQ_ASSERT_NEAR(v, 0.5, 1e-15); /* mean of 0.4 and 0.6 */
  AIQ_ASSERT_OK(aiineq_exposure_lookup(x, "15-1252.00", &v));
  AIQ_ASSERT_NEAR(v, 0.9, 0);
  AIQ_ASSERT_OK(aiineq_exposure_lookup(x, "132011", &v));
  AIQ_ASSERT_NEAR(v, 0.5, 0);
  AIQ_ASSERT_STATUS(aiineq_exposure_lookup(x, "27-2011", &v), AIINEQ_ERR_NAME);
  AIQ_ASSERT_STATUS(aiineq_exposure_lookup(x, "garbage", &v), AIINEQ_ERR_NAME);
  /* six-digit codes, code column by name */
  static const char six[] = "soc,exp\r\n11-1011,0.25\r\n15-1252,0.75\r\n";
  AIQ_ASSERT_OK(aiineq_exposure_parse(x, six, strlen(six), "SOC", "exp"));
  AIQ_ASSERT_OK(aiineq_exposure_lookup(x, "11-1011", &v));
  AIQ_ASSERT_NEAR(v, 0.25, 0);
  AIQ_ASSERT_OK(aiineq_exposure_counts(x, &nc, NULL, NULL));
  ck_assert_uint_eq(nc, 2);
  /* errors leave the measure unchanged */
  AIQ_ASSERT_STATUS(aiineq_exposure_parse(x, EXPO, strlen(EXPO), NULL, "gamma"), AIINEQ_ERR_NAME);
  ck_assert_msg(strstr(aiineq_exposure_errmsg(x), "'gamma' not found") != NULL, "%s",
                aiineq_exposure_errmsg(x));
  AIQ_ASSERT_STATUS(aiineq_exposure_parse(x, EXPO, strlen(EXPO), "code", "beta"), AIINEQ_ERR_NAME);
  static const char badcode[] = "soc,exp\n11-1011,0.2\n11-10x1,0.3\n";
  AIQ_ASSERT_STATUS(aiineq_exposure_parse(x, badcode, strlen(badcode), NULL, "exp"),
                    AIINEQ_ERR_FORMAT);
  ck_assert_msg(strstr(aiineq_exposure_errmsg(x), "line 3, column 1") != NULL, "%s",
                aiineq_exposure_errmsg(x));
  static const char badval[] = "soc,exp\n11-1011,0.2\n11-1021,high\n";
  AIQ_ASSERT_STATUS(aiineq_exposure_parse(x, badval, strlen(badval), NULL, "exp"),
                    AIINEQ_ERR_FORMAT);
  ck_assert_msg(strstr(aiineq_exposure_errmsg(x), "line 3, column 2: 'high'") != NULL, "%s",
                aiineq_exposure_errmsg(x));
  AIQ_ASSERT_STATUS(aiineq_exposure_parse(x, "", 0, NULL, "exp"), AIINEQ_ERR_FORMAT);
  AIQ_ASSERT_STATUS(aiineq_exposure_read(x, "/nonexistent.csv", NULL, "exp"), AIINEQ_ERR_IO);
  AIQ_ASSERT_OK(aiineq_exposure_lookup(x, "15-1252", &v));
  AIQ_ASSERT_NEAR(v, 0.75, 0);
  aiineq_exposure_free(x);
}
END_TEST

/* Two tiny years: A and B everywhere, C only in year 0, D only in year 1,
 * E without exposure, F top-coded P90 in year 1, G a broad group. */
static const char Y0[] =
    "occ_code,occ_title,o_group,tot_emp,a_mean,a_pct10,a_median,a_pct90\n"
    "11-1011,A,detailed,100,100000,50000,90000,150000\n"
    "13-1011,B,detailed,200,60000,30000,55000,90000\n"
    "15-1011,C,detailed,300,70000,35000,65000,100000\n"
    "17-1011,E,detailed,400,80000,40000,75000,120000\n"
    "19-1011,F,detailed,500,90000,45000,85000,130000\n"
    "19-1000,G,broad,500,90000,45000,85000,130000\n";
static const char Y1[] =
    "OCC_CODE,OCC_TITLE,O_GROUP,TOT_EMP,A_MEAN,A_PCT10,A_MEDIAN,A_PCT90\n"
    "11-1011,A,detailed,110,110000,52000,99000,160000\n"
    "13-1011,B,detailed,180,66000,33000,57000,92000\n"
    "17-1011,E,detailed,400,80000,40000,75000,120000\n"
    "19-1011,F,detailed,550,95000,47000,88000,#\n"
    "21-1011,D,detailed,10,50000,25000,45000,80000\n";
static const char X6[] =
    "SOC,x\n11-1011,0.8\n13-1011,0.2\n15-1011,0.5\n19-1011,0.5\n21-1011,0.1\n";

static aiineq_panel *tiny_panel(void) {
  aiineq_oews *a = NULL, *b = NULL;
  aiineq_exposure *x = NULL;
  aiineq_panel *p = NULL;
  AIQ_ASSERT_OK(aiineq_oews_new(&a));
  AIQ_ASSERT_OK(aiineq_oews_new(&b));
  AIQ_ASSERT_OK(aiineq_exposure_new(&x));
  AIQ_ASSERT_OK(aiineq_panel_new(&p));
  AIQ_ASSERT_OK(aiineq_oews_parse(a, Y0, strlen(Y0)));
  AIQ_ASSERT_OK(aiineq_oews_parse(b, Y1, strlen(Y1)));
  AIQ_ASSERT_OK(aiineq_exposure_parse(x, X6, strlen(X6), NULL, "x"));
  AIQ_ASSERT_OK(aiineq_panel_build(p, a, b, x));
  aiineq_oews_free(a);
  aiineq_oews_free(b);
  aiineq_exposure_free(x);
  return p;
}

START_TEST(test_panel_join) {
  aiineq_panel *p = tiny_panel();
  static const struct {
    const char *name;
    size_t v;
  } want[] = {{"detailed_from", 5}, {"detailed_to", 5}, {"only_from", 1}, {"only_to", 1},
              {"no_exposure", 1},   {"duplicate", 0},   {"matched", 3}};
  for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
    size_t v = 99;
    AIQ_ASSERT_OK(aiineq_panel_count(p, want[i].name, &v));
    ck_assert_msg(v == want[i].v, "%s = %zu, want %zu", want[i].name, v, want[i].v);
  }
  size_t v;
  AIQ_ASSERT_STATUS(aiineq_panel_count(p, "nope", &v), AIINEQ_ERR_NAME);
  const char *code, *title;
  AIQ_ASSERT_OK(aiineq_panel_occupation(p, 2, &code, &title));
  ck_assert_str_eq(code, "19-1011");
  ck_assert_str_eq(title, "F");
  double col[3];
  int32_t st[3];
  AIQ_ASSERT_OK(aiineq_panel_get_column(p, "a_pct90_to", col, st, 3));
  ck_assert_int_eq(st[2], AIINEQ_CELL_TOPCODED);
  AIQ_ASSERT_OK(aiineq_panel_get_column(p, "major", col, NULL, 3));
  AIQ_ASSERT_NEAR(col[0], 11, 0);
  AIQ_ASSERT_NEAR(col[2], 19, 0);
  AIQ_ASSERT_STATUS(aiineq_panel_get_column(p, "a_mean_then", col, st, 3), AIINEQ_ERR_NAME);
  AIQ_ASSERT_STATUS(aiineq_panel_get_column(p, "exposure", col, st, 2), AIINEQ_ERR_SIZE);
  aiineq_panel_free(p);
}
END_TEST

/* Closed forms: with three occupations and z = standardised exposure, the
 * OLS slope is sum z y / sum z^2 (z has mean zero); the top-coded P90 of F
 * removes it from the P90 outcomes. */
START_TEST(test_panel_regress_closed_form) {
  aiineq_panel *p = tiny_panel();
  const double x[3] = {0.8, 0.2, 0.5};
  const double yw[3] = {log(110000.0 / 100000), log(66000.0 / 60000), log(95000.0 / 90000)};
  double m = (x[0] + x[1] + x[2]) / 3, ss = 0;
  for (int i = 0; i < 3; i++) ss += (x[i] - m) * (x[i] - m);
  double sd = sqrt(ss / 2), z[3], szy = 0, szz = 0, ybar = (yw[0] + yw[1] + yw[2]) / 3;
  for (int i = 0; i < 3; i++) z[i] = (x[i] - m) / sd, szy += z[i] * yw[i], szz += z[i] * z[i];
  aiineq_ols *o = NULL;
  AIQ_ASSERT_OK(aiineq_ols_new(&o));
  AIQ_ASSERT_OK(aiineq_panel_regress(p, AIINEQ_Y_LOG_WAGE, 0, AIINEQ_COV_CLASSICAL, o));
  double b[2];
  AIQ_ASSERT_OK(aiineq_ols_get_coef(o, b, NULL, NULL, NULL, 2));
  AIQ_ASSERT_NEAR(b[1], szy / szz, 1e-14);
  AIQ_ASSERT_NEAR(b[0], ybar, 1e-15);
  const char *name;
  AIQ_ASSERT_OK(aiineq_ols_get_name(o, 1, &name));
  ck_assert_str_eq(name, "exposure_sd");
  /* P90/P50: F drops (top-coded P90 in year 1), leaving two rows for two
   * regressors: the fit refuses, and the message counts the rows */
  AIQ_ASSERT_STATUS(aiineq_panel_regress(p, AIINEQ_Y_LOG_P90_P50, 0, AIINEQ_COV_CLASSICAL, o),
                    AIINEQ_ERR_SIZE);
  ck_assert_msg(strstr(aiineq_ols_errmsg(o), "2 complete rows for 2 regressors") != NULL, "%s",
                aiineq_ols_errmsg(o));
  /* P50/P10 keeps all three */
  AIQ_ASSERT_OK(aiineq_panel_regress(p, AIINEQ_Y_LOG_P50_P10, 0, AIINEQ_COV_CLASSICAL, o));
  double n;
  AIQ_ASSERT_OK(aiineq_ols_get_stat(o, "n", &n));
  AIQ_ASSERT_NEAR(n, 3, 0);
  /* weights: baseline employment enters as WLS weights */
  AIQ_ASSERT_OK(aiineq_panel_regress(p, AIINEQ_Y_LOG_EMP, AIINEQ_REG_WEIGHTS,
                                     AIINEQ_COV_HC1, o));
  double w[3] = {100, 200, 500}, ye[3] = {log(1.1), log(0.9), log(1.1)}, sw = 0, zb = 0, yb = 0;
  for (int i = 0; i < 3; i++) sw += w[i], zb += w[i] * z[i], yb += w[i] * ye[i];
  zb /= sw, yb /= sw;
  double sxy = 0, sxx = 0;
  for (int i = 0; i < 3; i++) sxy += w[i] * (z[i] - zb) * (ye[i] - yb), sxx += w[i] * (z[i] - zb) * (z[i] - zb);
  AIQ_ASSERT_OK(aiineq_ols_get_coef(o, b, NULL, NULL, NULL, 2));
  AIQ_ASSERT_NEAR(b[1], sxy / sxx, 1e-14);
  /* argument errors are reported on the regression handle */
  AIQ_ASSERT_STATUS(aiineq_panel_regress(p, 7, 0, AIINEQ_COV_HC1, o), AIINEQ_ERR_RANGE);
  AIQ_ASSERT_STATUS(aiineq_panel_regress(p, 0, 64, AIINEQ_COV_HC1, o), AIINEQ_ERR_RANGE);
  AIQ_ASSERT_STATUS(aiineq_panel_regress(NULL, 0, 0, AIINEQ_COV_HC1, o), AIINEQ_ERR_ARG);
  AIQ_ASSERT_STATUS(aiineq_panel_regress(p, 0, 0, AIINEQ_COV_HC1, NULL), AIINEQ_ERR_ARG);
  /* fixed effects with one occupation per group leave no residual freedom */
  AIQ_ASSERT_STATUS(aiineq_panel_regress(p, 0, AIINEQ_REG_MAJOR_FE, AIINEQ_COV_HC1, o),
                    AIINEQ_ERR_SIZE);
  ck_assert_str_eq(aiineq_outcome_name(AIINEQ_Y_LOG_P50_P10), "dlog_p50_p10");
  ck_assert_ptr_null(aiineq_outcome_name(5));
  aiineq_ols_free(o);
  aiineq_panel_free(p);
}
END_TEST

START_TEST(test_panel_errors) {
  aiineq_panel *p = NULL;
  aiineq_oews *a = NULL;
  aiineq_exposure *x = NULL;
  AIQ_ASSERT_OK(aiineq_panel_new(&p));
  AIQ_ASSERT_OK(aiineq_oews_new(&a));
  AIQ_ASSERT_OK(aiineq_exposure_new(&x));
  AIQ_ASSERT_STATUS(aiineq_panel_build(p, a, a, x), AIINEQ_ERR_SIZE); /* nothing read */
  AIQ_ASSERT_STATUS(aiineq_panel_build(p, NULL, a, x), AIINEQ_ERR_ARG);
  AIQ_ASSERT_OK(aiineq_oews_parse(a, Y0, strlen(Y0)));
  static const char other[] = "SOC,x\n99-9999,0.5\n";
  AIQ_ASSERT_OK(aiineq_exposure_parse(x, other, strlen(other), NULL, "x"));
  AIQ_ASSERT_STATUS(aiineq_panel_build(p, a, a, x), AIINEQ_ERR_SIZE);
  ck_assert_msg(strstr(aiineq_panel_errmsg(p), "5 without exposure") != NULL, "%s",
                aiineq_panel_errmsg(p));
  size_t n = 9;
  AIQ_ASSERT_OK(aiineq_panel_size(p, &n));
  ck_assert_uint_eq(n, 0);
  aiineq_ols *o = NULL;
  AIQ_ASSERT_OK(aiineq_ols_new(&o));
  AIQ_ASSERT_STATUS(aiineq_panel_regress(p, 0, 0, AIINEQ_COV_HC1, o), AIINEQ_ERR_STATE);
  aiineq_ols_free(o);
  aiineq_panel_free(p);
  aiineq_oews_free(a);
  aiineq_exposure_free(x);
}
END_TEST

Suite *aiq_suite_oews(void) {
  Suite *s = suite_create("oews");
  TCase *tc = tcase_create("readers");
  tcase_add_test(tc, test_lower_case_and_specials);
  tcase_add_test(tc, test_upper_case_crlf_bom);
  tcase_add_test(tc, test_malformed);
  tcase_add_test(tc, test_every_truncation);
  tcase_add_test(tc, test_exposure);
  tcase_add_test(tc, test_panel_join);
  tcase_add_test(tc, test_panel_regress_closed_form);
  tcase_add_test(tc, test_panel_errors);
  suite_add_tcase(s, tc);
  return s;
}
