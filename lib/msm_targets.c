/*
 * msm_targets.c -- the estimator's targets file: a CSV with a header naming
 * the columns moment, target and se (any order, case-insensitive, other
 * columns ignored) and one row per moment given ("m1".."mN", N the total
 * number of moments).  Moments without a row keep their targets, so a file
 * can override only some of them.  Records whose first field starts with
 * '#' (comments) and lines of blanks only are skipped, before the header
 * too.
 *
 * The text is tokenised by lib/csv.c (the OEWS reader's tokenizer), every
 * row is checked into scratch copies of the target arrays, and the handle's
 * arrays are overwritten only when the whole file was accepted.  Every
 * complaint about the content is AIINEQ_ERR_FORMAT with the line and column
 * of the offending field, so a caller has one code for "the file is bad".
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "csv.h"
#include "msm_internal.h"

static const char *const col_names[3] = {"moment", "target", "se"};

typedef struct targets_ctx {
  aiineq_msm *e;
  const aiq_csv *c;
  long col[3];       /* header index of moment, target, se */
  double *t, *se;    /* scratch copies, n_total each */
  size_t *row_line;  /* line that set each moment, 0 if none */
} targets_ctx;

static int is_blank(char ch) { return ch == ' ' || ch == '\t'; }

/* Field j of record r with its position, for messages. */
static size_t field_line(const aiq_csv *c, size_t r, size_t j) { return c->fline[c->rec[r] + j]; }
static size_t field_col(const aiq_csv *c, size_t r, size_t j) { return c->fcol[c->rec[r] + j]; }

/* 1 if s (blanks around it ignored) is "m" or "M" followed by a decimal
 * index without leading zeros; the 1-based index goes to *k. */
static int moment_index(const char *s, size_t *k) {
  while (is_blank(*s)) s++;
  if (*s != 'm' && *s != 'M') return 0;
  s++;
  if (*s < '1' || *s > '9') return 0;
  size_t v = 0;
  for (; *s >= '0' && *s <= '9'; s++) {
    if (v > 1000000) return 0; /* far beyond any moment count; avoids overflow */
    v = 10 * v + (size_t)(*s - '0');
  }
  while (is_blank(*s)) s++;
  if (*s != '\0') return 0;
  *k = v;
  return 1;
}

/* 1 if s is a spelling of NaN or infinity that strtod would accept. */
static int nonfinite_word(const char *s) {
  while (is_blank(*s)) s++;
  if (*s == '+' || *s == '-') s++;
  char w[9];
  size_t n = 0;
  while (n < sizeof w - 1 && ((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z')))
    w[n++] = *s++;
  w[n] = '\0';
  while (is_blank(*s)) s++;
  if (*s != '\0') return 0;
  return aiq_ieq(w, "nan") || aiq_ieq(w, "inf") || aiq_ieq(w, "infinity");
}

/* Read number field j of record r into *v, or fail with the field's place. */
static int read_number(targets_ctx *x, size_t r, size_t j, const char *what, double *v) {
  const aiq_csv *c = x->c;
  const char *s = aiq_csv_field(c, r, j);
  size_t line = field_line(c, r, j), col = field_col(c, r, j);
  if (aiq_parse_number(s, v) == 0) return AIINEQ_OK;
  const char *p = s;
  while (is_blank(*p)) p++;
  if (*p == '\0')
    return aiq_fail(x->e->err, AIINEQ_ERR_FORMAT, "line %zu, column %zu: %s is empty", line,
                    col, what);
  if (nonfinite_word(s))
    return aiq_fail(x->e->err, AIINEQ_ERR_FORMAT,
                    "line %zu, column %zu: %s '%.40s' is not finite (NaN and infinity are "
                    "not allowed)",
                    line, col, what, p);
  char *end = NULL;
  double big = strtod(p, &end);
  if (end != p && isinf(big)) {
    while (is_blank(*end)) end++;
    if (*end == '\0')
      return aiq_fail(x->e->err, AIINEQ_ERR_FORMAT,
                      "line %zu, column %zu: %s '%.40s' overflows a double", line, col, what, p);
  }
  return aiq_fail(x->e->err, AIINEQ_ERR_FORMAT, "line %zu, column %zu: %s '%.40s' is not a number",
                  line, col, what, p);
}

/* Header record h: each of the three columns present exactly once. */
static int read_header(targets_ctx *x, size_t h) {
  const aiq_csv *c = x->c;
  size_t nf = aiq_csv_nfields(c, h);
  for (int k = 0; k < 3; k++) {
    x->col[k] = -1;
    for (size_t j = 0; j < nf; j++) {
      if (!aiq_csv_field_is(aiq_csv_field(c, h, j), col_names[k])) continue;
      if (x->col[k] >= 0)
        return aiq_fail(x->e->err, AIINEQ_ERR_FORMAT,
                        "line %zu, column %zu: the header names '%s' twice", field_line(c, h, j),
                        field_col(c, h, j), col_names[k]);
      x->col[k] = (long)j;
    }
    if (x->col[k] < 0)
      return aiq_fail(x->e->err, AIINEQ_ERR_FORMAT,
                      "line %zu: the header has no '%s' column (it needs moment, target, se)",
                      field_line(c, h, 0), col_names[k]);
  }
  return AIINEQ_OK;
}

/* 1 if record r is a comment (first field starts with '#') or holds
 * nothing but blanks: both are skipped, as blank lines are. */
static int is_skipped(const aiq_csv *c, size_t r) {
  const char *s = aiq_csv_field(c, r, 0);
  while (is_blank(*s)) s++;
  return *s == '#' || (*s == '\0' && aiq_csv_nfields(c, r) == 1);
}

static int read_row(targets_ctx *x, size_t r) {
  const aiq_csv *c = x->c;
  aiineq_msm *e = x->e;
  size_t nf = aiq_csv_nfields(c, r), need = 0;
  for (int k = 0; k < 3; k++)
    if ((size_t)x->col[k] + 1 > need) need = (size_t)x->col[k] + 1;
  if (nf < need)
    return aiq_fail(e->err, AIINEQ_ERR_FORMAT,
                    "line %zu, column %zu: the row has %zu field%s, the header needs at least %zu",
                    field_line(c, r, nf - 1), field_col(c, r, nf - 1), nf, nf == 1 ? "" : "s",
                    need);
  size_t mj = (size_t)x->col[0], k = 0;
  const char *name = aiq_csv_field(c, r, mj);
  size_t line = field_line(c, r, mj), col = field_col(c, r, mj);
  if (!moment_index(name, &k) || k > e->n_total) {
    if (e->n_total == 0)
      return aiq_fail(e->err, AIINEQ_ERR_FORMAT,
                      "line %zu, column %zu: unknown moment '%.40s' (this estimator has no "
                      "moments yet)",
                      line, col, name);
    return aiq_fail(e->err, AIINEQ_ERR_FORMAT,
                    "line %zu, column %zu: unknown moment '%.40s' (this estimator has m1..m%zu)",
                    line, col, name, e->n_total);
  }
  if (x->row_line[k - 1])
    return aiq_fail(e->err, AIINEQ_ERR_FORMAT,
                    "line %zu, column %zu: moment m%zu given twice (first on line %zu)", line,
                    col, k, x->row_line[k - 1]);
  double t, s;
  int rc = read_number(x, r, (size_t)x->col[1], "target", &t);
  if (!rc) rc = read_number(x, r, (size_t)x->col[2], "se", &s);
  if (rc) return rc;
  if (!(s > 0))
    return aiq_fail(e->err, AIINEQ_ERR_FORMAT,
                    "line %zu, column %zu: se = %g of m%zu must be > 0",
                    field_line(c, r, (size_t)x->col[2]), field_col(c, r, (size_t)x->col[2]), s,
                    k);
  x->t[k - 1] = t;
  x->se[k - 1] = s;
  x->row_line[k - 1] = line;
  return AIINEQ_OK;
}

static int parse_targets(void *ctx, const char *text, size_t len) {
  aiineq_msm *e = ctx;
  aiq_csv c;
  int rc = aiq_csv_parse(text, len, &c, e->err);
  if (rc) return rc;
  targets_ctx x = {e, &c, {0, 0, 0}, NULL, NULL, NULL};
  size_t n = e->n_total, rows = 0;
  size_t h = 0; /* the header is the first record that is not skipped */
  while (h < c.nrec && is_skipped(&c, h)) h++;
  if (h == c.nrec) {
    rc = aiq_fail(e->err, AIINEQ_ERR_FORMAT, "empty input: no header line (moment,target,se)");
    goto done;
  }
  rc = read_header(&x, h);
  if (rc) goto done;
  x.t = aiq_malloc_array(n, sizeof(double));
  x.se = aiq_malloc_array(n, sizeof(double));
  x.row_line = aiq_calloc(n ? n : 1, sizeof(size_t));
  if (!x.t || !x.se || !x.row_line) {
    rc = aiq_fail(e->err, AIINEQ_ERR_NOMEM, "targets: out of memory");
    goto done;
  }
  if (n) {
    memcpy(x.t, e->target, n * sizeof *x.t);
    memcpy(x.se, e->tse, n * sizeof *x.se);
  }
  for (size_t r = h + 1; r < c.nrec && !rc; r++) {
    if (is_skipped(&c, r)) continue;
    rc = read_row(&x, r);
    rows++;
  }
  if (!rc && rows == 0)
    rc = aiq_fail(e->err, AIINEQ_ERR_FORMAT, "line %zu: a header but no target rows",
                  field_line(&c, h, 0));
  if (!rc && n) {
    memcpy(e->target, x.t, n * sizeof *x.t);
    memcpy(e->tse, x.se, n * sizeof *x.se);
  }
done:
  aiq_free(x.t);
  aiq_free(x.se);
  aiq_free(x.row_line);
  aiq_csv_free(&c);
  return rc;
}

AIINEQ_API int aiineq_msm_parse_targets(aiineq_msm *e, const char *text, size_t len) {
  if (!e) return AIINEQ_ERR_ARG;
  if (!text) return aiq_fail(e->err, AIINEQ_ERR_ARG, "parse_targets: text is NULL");
  return parse_targets(e, text, len);
}

AIINEQ_API int aiineq_msm_read_targets(aiineq_msm *e, const char *path) {
  if (!e) return AIINEQ_ERR_ARG;
  return aiq_parse_file(path, e->err, parse_targets, e);
}
