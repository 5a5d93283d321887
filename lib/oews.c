/*
 * oews.c -- BLS OEWS national files: columns by name (case-insensitive),
 * numeric cells with the BLS special values kept as statuses.
 */
#include <math.h>
#include <string.h>

#include "csv.h"
#include "oews_internal.h"

/* Known numeric columns (canonical lower-case names). */
static const char *const num_names[AIQ_OEWS_NNUM] = {
    "tot_emp", "emp_prse", "jobs_1000", "loc_quotient", "pct_total", "pct_rpt", "h_mean",
    "a_mean",  "mean_prse", "h_pct10",  "h_pct25",      "h_median",  "h_pct75", "h_pct90",
    "a_pct10", "a_pct25",  "a_median",  "a_pct75",      "a_pct90"};
/* Numeric columns every file must have. */
static const char *const required_num[] = {"tot_emp", "a_mean", "a_pct10", "a_median",
                                           "a_pct90"};

static const char null_msg[] = "OEWS handle is NULL";

int aiq_oews_num_index(const char *name) {
  for (int f = 0; f < AIQ_OEWS_NNUM; f++)
    if (aiq_ieq(num_names[f], name)) return f;
  return -1;
}

static void table_clear(aiineq_oews *t) {
  aiq_csv_free(&t->csv);
  for (int f = 0; f < AIQ_OEWS_NNUM; f++) {
    aiq_free(t->val[f]);
    aiq_free(t->st[f]);
    t->val[f] = NULL;
    t->st[f] = NULL;
  }
  t->n = 0;
}

AIINEQ_API int aiineq_oews_new(aiineq_oews **out) {
  if (!out) return AIINEQ_ERR_ARG;
  *out = aiq_calloc(1, sizeof **out);
  return *out ? AIINEQ_OK : AIINEQ_ERR_NOMEM;
}

AIINEQ_API void aiineq_oews_free(aiineq_oews *t) {
  if (!t) return;
  table_clear(t);
  aiq_free(t);
}

AIINEQ_API const char *aiineq_oews_errmsg(const aiineq_oews *t) { return t ? t->err : null_msg; }

/* One cell: a BLS special value or a number. */
static int parse_cell(const char *s, double *v, int32_t *st) {
  while (*s == ' ' || *s == '\t') s++;
  size_t n = strlen(s);
  while (n && (s[n - 1] == ' ' || s[n - 1] == '\t')) n--;
  static const struct {
    const char *text;
    int32_t status;
  } special[] = {{"", AIINEQ_CELL_EMPTY},
                 {"*", AIINEQ_CELL_NA},
                 {"**", AIINEQ_CELL_NA_EMP},
                 {"#", AIINEQ_CELL_TOPCODED},
                 {"~", AIINEQ_CELL_TILDE}};
  *v = NAN;
  for (size_t k = 0; k < sizeof special / sizeof *special; k++)
    if (strlen(special[k].text) == n && strncmp(special[k].text, s, n) == 0) {
      *st = special[k].status;
      return 0;
    }
  *st = AIINEQ_CELL_VALUE;
  return aiq_parse_number(s, v);
}

/* Parse into a fresh table `t` (empty on entry); err receives messages. */
static int parse_into(aiineq_oews *t, const char *text, size_t len, char *err) {
  int rc = aiq_csv_parse(text, len, &t->csv, err);
  if (rc) return rc;
  const aiq_csv *c = &t->csv;
  if (c->nrec == 0) return aiq_fail(err, AIINEQ_ERR_FORMAT, "empty file: no header line");
  if (c->nrec == 1)
    return aiq_fail(err, AIINEQ_ERR_FORMAT, "line %zu: a header but no data rows", c->fline[0]);
  static const char *const alias_group[] = {"o_group", "occ_group"};
  t->col_code = aiq_csv_find_column(c, "occ_code");
  t->col_title = aiq_csv_find_column(c, "occ_title");
  t->col_group = aiq_csv_find_column(c, alias_group[0]);
  if (t->col_group < 0) t->col_group = aiq_csv_find_column(c, alias_group[1]);
  const char *missing = t->col_code < 0    ? "OCC_CODE"
                        : t->col_title < 0 ? "OCC_TITLE"
                        : t->col_group < 0 ? "O_GROUP"
                                           : NULL;
  long cols[AIQ_OEWS_NNUM];
  for (int f = 0; f < AIQ_OEWS_NNUM; f++) cols[f] = aiq_csv_find_column(c, num_names[f]);
  for (size_t r = 0; !missing && r < sizeof required_num / sizeof *required_num; r++)
    if (cols[aiq_oews_num_index(required_num[r])] < 0) missing = required_num[r];
  if (missing)
    return aiq_fail(err, AIINEQ_ERR_FORMAT,
                    "line %zu: required column '%s' not found in the header (names are matched "
                    "case-insensitively)",
                    c->fline[0], missing);
  size_t nh = aiq_csv_nfields(c, 0);
  t->n = c->nrec - 1;
  for (int f = 0; f < AIQ_OEWS_NNUM; f++) {
    if (cols[f] < 0) continue;
    t->val[f] = aiq_malloc_array(t->n, sizeof(double));
    t->st[f] = aiq_malloc_array(t->n, sizeof(int32_t));
    if (!t->val[f] || !t->st[f]) return aiq_fail(err, AIINEQ_ERR_NOMEM, "out of memory");
  }
  for (size_t r = 1; r < c->nrec; r++) {
    size_t nf = aiq_csv_nfields(c, r), base = c->rec[r];
    if (nf < nh)
      return aiq_fail(err, AIINEQ_ERR_FORMAT,
                      "line %zu, column %zu: record has %zu fields but the header has %zu "
                      "(truncated line?)",
                      c->fline[base + nf - 1], nf + 1, nf, nh);
    for (size_t j = nh; j < nf; j++)
      if (aiq_csv_field(c, r, j)[0] != '\0')
        return aiq_fail(err, AIINEQ_ERR_FORMAT,
                        "line %zu, column %zu: record has %zu fields but the header has %zu",
                        c->fline[base + j], j + 1, nf, nh);
    for (int f = 0; f < AIQ_OEWS_NNUM; f++) {
      if (cols[f] < 0) continue;
      size_t j = (size_t)cols[f];
      const char *s = aiq_csv_field(c, r, j);
      if (parse_cell(s, &t->val[f][r - 1], &t->st[f][r - 1]))
        return aiq_fail(err, AIINEQ_ERR_FORMAT,
                        "line %zu, column %zu (%s): '%.40s' is neither a number nor a BLS special "
                        "value (*, **, #, ~)",
                        c->fline[base + j], j + 1, aiq_csv_field(c, 0, j), s);
    }
  }
  return AIINEQ_OK;
}

AIINEQ_API int aiineq_oews_parse(aiineq_oews *t, const char *text, size_t len) {
  if (!t) return AIINEQ_ERR_ARG;
  if (!text) return aiq_fail(t->err, AIINEQ_ERR_ARG, "parse: text is NULL");
  aiineq_oews fresh;
  memset(&fresh, 0, sizeof fresh);
  int rc = parse_into(&fresh, text, len, t->err);
  if (rc) {
    table_clear(&fresh);
    return rc;
  }
  table_clear(t);
  memcpy(t, &fresh, offsetof(aiineq_oews, err));
  t->err[0] = '\0';
  return AIINEQ_OK;
}

static int parse_table(void *t, const char *text, size_t len) {
  return aiineq_oews_parse(t, text, len);
}

AIINEQ_API int aiineq_oews_read(aiineq_oews *t, const char *path) {
  if (!t) return AIINEQ_ERR_ARG;
  return aiq_parse_file(path, t->err, parse_table, t);
}

AIINEQ_API int aiineq_oews_n_rows(const aiineq_oews *t, size_t *n) {
  if (!t || !n) return AIINEQ_ERR_ARG;
  *n = t->n;
  return AIINEQ_OK;
}

const char *aiq_oews_text(const aiineq_oews *t, size_t i, int which) {
  long col = which == 0 ? t->col_code : which == 1 ? t->col_title : t->col_group;
  return aiq_csv_field(&t->csv, i + 1, (size_t)col);
}

AIINEQ_API int aiineq_oews_get_text(const aiineq_oews *t, size_t i, const char *field,
                                    const char **value) {
  if (!t || !field || !value) return AIINEQ_ERR_ARG;
  if (i >= t->n) return AIINEQ_ERR_RANGE;
  static const char *const names[] = {"occ_code", "occ_title", "o_group"};
  for (int w = 0; w < 3; w++)
    if (aiq_ieq(names[w], field)) {
      *value = aiq_oews_text(t, i, w);
      return AIINEQ_OK;
    }
  return AIINEQ_ERR_NAME;
}

AIINEQ_API int aiineq_oews_get_column(const aiineq_oews *t, const char *field, double *values,
                                      int32_t *status, size_t n) {
  if (!t || !field) return AIINEQ_ERR_ARG;
  int f = aiq_oews_num_index(field);
  if (f < 0 || !t->val[f]) return AIINEQ_ERR_NAME;
  if (n != t->n) return AIINEQ_ERR_SIZE;
  if (values) memcpy(values, t->val[f], n * sizeof *values);
  if (status) memcpy(status, t->st[f], n * sizeof *status);
  return AIINEQ_OK;
}
