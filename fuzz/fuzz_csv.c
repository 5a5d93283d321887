/*
 * fuzz_csv.c -- the OEWS and exposure readers (and the CSV tokenizer under
 * them) on arbitrary bytes.
 *
 * The input is the whole file.  Invariants:
 *  - aiineq_oews_parse returns OK, FORMAT or NOMEM; aiineq_exposure_parse
 *    also NAME (column not found); a failure sets a non-empty message and
 *    leaves the previously loaded table or measure exactly as it was;
 *  - an accepted OEWS table has rows whose text fields read back, and
 *    numeric cells whose status is a known AIINEQ_CELL_* with a value that
 *    is NaN exactly when the status is not AIINEQ_CELL_VALUE;
 *  - a panel built from an accepted table against itself matches at most
 *    its detailed rows.
 */
#include <math.h>

#include "fuzzutil.h"

static const char BASE_OEWS[] =
    "occ_code,occ_title,o_group,tot_emp,a_mean,a_pct10,a_median,a_pct90\n"
    "11-1011,Chief Executives,detailed,205890,193850,68160,#,#\n"
    "15-1252,\"Software Developers, Applications\",detailed,\"1,234\",~,,100,200\n";
static const char BASE_EXPO[] = "SOC,x\n11-1011.00,0.5\n15-1252,0.75\n";

static void check_table(const aiineq_oews *t) {
  size_t n = 0;
  AIQ_FZ_CHECK(aiineq_oews_n_rows(t, &n) == AIINEQ_OK && n >= 1);
  static const char *const text[] = {"occ_code", "occ_title", "o_group"};
  for (size_t i = 0; i < n; i++)
    for (int f = 0; f < 3; f++) {
      const char *s = NULL;
      AIQ_FZ_CHECK(aiineq_oews_get_text(t, i, text[f], &s) == AIINEQ_OK && s != NULL);
    }
  double *v = malloc(n * sizeof *v);
  int32_t *st = malloc(n * sizeof *st);
  AIQ_FZ_CHECK(v && st);
  static const char *const num[] = {"tot_emp", "a_mean", "a_pct10", "a_median", "a_pct90"};
  for (int f = 0; f < 5; f++) {
    AIQ_FZ_CHECK(aiineq_oews_get_column(t, num[f], v, st, n) == AIINEQ_OK);
    for (size_t i = 0; i < n; i++) {
      AIQ_FZ_CHECK(st[i] >= AIINEQ_CELL_VALUE && st[i] <= AIINEQ_CELL_EMPTY);
      AIQ_FZ_CHECK((st[i] == AIINEQ_CELL_VALUE) == !isnan(v[i]));
    }
  }
  free(v);
  free(st);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  const char *text = (const char *)data;
  aiineq_oews *t = NULL;
  aiineq_exposure *x = NULL;
  aiineq_panel *p = NULL;
  AIQ_FZ_CHECK(aiineq_oews_new(&t) == AIINEQ_OK && aiineq_exposure_new(&x) == AIINEQ_OK &&
               aiineq_panel_new(&p) == AIINEQ_OK);
  AIQ_FZ_CHECK(aiineq_oews_parse(t, BASE_OEWS, sizeof BASE_OEWS - 1) == AIINEQ_OK);
  AIQ_FZ_CHECK(aiineq_exposure_parse(x, BASE_EXPO, sizeof BASE_EXPO - 1, NULL, "x") == AIINEQ_OK);

  int rc = aiineq_oews_parse(t, text, size);
  AIQ_FZ_CHECK(rc == AIINEQ_OK || rc == AIINEQ_ERR_FORMAT || rc == AIINEQ_ERR_NOMEM);
  if (rc != AIINEQ_OK) {
    size_t n = 0;
    AIQ_FZ_CHECK(aiineq_oews_errmsg(t)[0] != '\0');
    AIQ_FZ_CHECK(aiineq_oews_n_rows(t, &n) == AIINEQ_OK && n == 2); /* unchanged */
  }
  check_table(t);

  int rx = aiineq_exposure_parse(x, text, size, NULL, "x");
  AIQ_FZ_CHECK(rx == AIINEQ_OK || rx == AIINEQ_ERR_FORMAT || rx == AIINEQ_ERR_NAME ||
               rx == AIINEQ_ERR_NOMEM);
  size_t nc = 0;
  AIQ_FZ_CHECK(aiineq_exposure_counts(x, &nc, NULL, NULL) == AIINEQ_OK && nc >= 1);
  if (rx != AIINEQ_OK) {
    double v = 0;
    AIQ_FZ_CHECK(aiineq_exposure_errmsg(x)[0] != '\0');
    AIQ_FZ_CHECK(aiineq_exposure_lookup(x, "15-1252", &v) == AIINEQ_OK && v == 0.75);
  }

  int rp = aiineq_panel_build(p, t, t, x);
  AIQ_FZ_CHECK(rp == AIINEQ_OK || rp == AIINEQ_ERR_SIZE || rp == AIINEQ_ERR_NOMEM);
  if (rp == AIINEQ_OK) {
    size_t n = 0, det = 0;
    AIQ_FZ_CHECK(aiineq_panel_size(p, &n) == AIINEQ_OK);
    AIQ_FZ_CHECK(aiineq_panel_count(p, "detailed_from", &det) == AIINEQ_OK && n <= det);
  }
  aiineq_panel_free(p);
  aiineq_exposure_free(x);
  aiineq_oews_free(t);
  return 0;
}
