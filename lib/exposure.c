/*
 * exposure.c -- occupation-level exposure files: six-digit SOC codes, or
 * eight-digit O*NET-SOC codes averaged to six digits; the value column is
 * chosen by name.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "oews_internal.h"

static const char null_msg[] = "exposure handle is NULL";

static int digit(char c) { return c >= '0' && c <= '9'; }

int aiq_soc6(const char *s, char out[8]) {
  while (*s == ' ' || *s == '\t') s++;
  char d[6];
  int nd = 0, dash = 0;
  for (; nd < 6; s++) {
    if (digit(*s))
      d[nd++] = *s;
    else if (!(*s == '-' && nd == 2 && !dash++))
      return -1;
  }
  if (*s == '.') { /* O*NET-SOC suffix: two digits */
    if (!digit(s[1]) || !digit(s[2])) return -1;
    s += 3;
  }
  while (*s == ' ' || *s == '\t') s++;
  if (*s) return -1;
  memcpy(out, d, 2);
  out[2] = '-';
  memcpy(out + 3, d + 2, 4);
  out[7] = '\0';
  return 0;
}

AIINEQ_API int aiineq_exposure_new(aiineq_exposure **out) {
  if (!out) return AIINEQ_ERR_ARG;
  *out = aiq_calloc(1, sizeof **out);
  return *out ? AIINEQ_OK : AIINEQ_ERR_NOMEM;
}

static void exposure_clear(aiineq_exposure *x) {
  aiq_free(x->code);
  aiq_free(x->value);
  x->code = NULL;
  x->value = NULL;
  x->n = x->n_rows = x->n_skipped = 0;
}

AIINEQ_API void aiineq_exposure_free(aiineq_exposure *x) {
  if (!x) return;
  exposure_clear(x);
  aiq_free(x);
}

AIINEQ_API const char *aiineq_exposure_errmsg(const aiineq_exposure *x) {
  return x ? x->err : null_msg;
}

typedef struct {
  char code[8];
  double v;
} pair;

static int cmp_pair(const void *a, const void *b) {
  return strcmp(((const pair *)a)->code, ((const pair *)b)->code);
}

static int is_na(const char *s) {
  while (*s == ' ') s++;
  return *s == '\0' || aiq_ieq(s, "NA") || aiq_ieq(s, "N/A") || aiq_ieq(s, "NaN");
}

/* Find the code column: by name, or the first header containing "soc". */
static long code_column(const aiq_csv *c, const char *name) {
  if (name) return aiq_csv_find_column(c, name);
  for (size_t j = 0; j < aiq_csv_nfields(c, 0); j++) {
    const char *h = aiq_csv_field(c, 0, j);
    for (; h[0] && h[1] && h[2]; h++)
      if ((h[0] | 32) == 's' && (h[1] | 32) == 'o' && (h[2] | 32) == 'c') return (long)j;
  }
  return -1;
}

static int parse_into(aiineq_exposure *x, const aiq_csv *c, const char *code_col,
                      const char *value_col, char *err) {
  if (c->nrec < 2) return aiq_fail(err, AIINEQ_ERR_FORMAT, "no data rows (empty file?)");
  long jc = code_column(c, code_col), jv = aiq_csv_find_column(c, value_col);
  if (jc < 0)
    return aiq_fail(err, AIINEQ_ERR_NAME, "code column '%s' not found in the header",
                    code_col ? code_col : "(a name containing SOC)");
  if (jv < 0)
    return aiq_fail(err, AIINEQ_ERR_NAME, "exposure column '%s' not found in the header",
                    value_col);
  size_t need = (size_t)(jc > jv ? jc : jv) + 1;
  pair *pr = aiq_malloc_array(c->nrec, sizeof *pr);
  if (!pr) return aiq_fail(err, AIINEQ_ERR_NOMEM, "out of memory");
  size_t np = 0;
  int rc = AIINEQ_OK;
  for (size_t r = 1; r < c->nrec && rc == AIINEQ_OK; r++) {
    size_t base = c->rec[r], nf = aiq_csv_nfields(c, r);
    x->n_rows++;
    if (nf < need) {
      rc = aiq_fail(err, AIINEQ_ERR_FORMAT,
                    "line %zu, column %zu: record has %zu fields, need %zu (truncated line?)",
                    c->fline[base + nf - 1], nf + 1, nf, need);
      break;
    }
    const char *cs = aiq_csv_field(c, r, (size_t)jc), *vs = aiq_csv_field(c, r, (size_t)jv);
    if (aiq_soc6(cs, pr[np].code)) {
      rc = aiq_fail(err, AIINEQ_ERR_FORMAT,
                    "line %zu, column %ld: '%.20s' is not a SOC (XX-XXXX) or O*NET-SOC "
                    "(XX-XXXX.XX) code",
                    c->fline[base + (size_t)jc], jc + 1, cs);
      break;
    }
    if (is_na(vs)) {
      x->n_skipped++;
      continue;
    }
    if (aiq_parse_number(vs, &pr[np].v)) {
      rc = aiq_fail(err, AIINEQ_ERR_FORMAT, "line %zu, column %ld: '%.20s' is not a number",
                    c->fline[base + (size_t)jv], jv + 1, vs);
      break;
    }
    np++;
  }
  if (rc == AIINEQ_OK && np == 0)
    rc = aiq_fail(err, AIINEQ_ERR_FORMAT, "no row has a value in column '%s'", value_col);
  if (rc == AIINEQ_OK) {
    qsort(pr, np, sizeof *pr, cmp_pair);
    x->code = aiq_malloc_array(np, sizeof *x->code);
    x->value = aiq_malloc_array(np, sizeof *x->value);
    if (!x->code || !x->value) rc = aiq_fail(err, AIINEQ_ERR_NOMEM, "out of memory");
  }
  for (size_t a = 0; rc == AIINEQ_OK && a < np;) { /* average runs of equal codes */
    size_t b = a;
    double s = 0;
    for (; b < np && strcmp(pr[b].code, pr[a].code) == 0; b++) s += pr[b].v;
    memcpy(x->code[x->n], pr[a].code, 8);
    x->value[x->n++] = s / (double)(b - a);
    a = b;
  }
  aiq_free(pr);
  return rc;
}

AIINEQ_API int aiineq_exposure_parse(aiineq_exposure *x, const char *text, size_t len,
                                     const char *code_column_name, const char *value_column) {
  if (!x) return AIINEQ_ERR_ARG;
  if (!text || !value_column)
    return aiq_fail(x->err, AIINEQ_ERR_ARG, "parse: %s is NULL", text ? "value_column" : "text");
  aiq_csv c;
  int rc = aiq_csv_parse(text, len, &c, x->err);
  if (rc) return rc;
  aiineq_exposure fresh;
  memset(&fresh, 0, sizeof fresh);
  rc = parse_into(&fresh, &c, code_column_name, value_column, x->err);
  aiq_csv_free(&c);
  if (rc) {
    exposure_clear(&fresh);
    return rc;
  }
  exposure_clear(x);
  memcpy(x, &fresh, offsetof(aiineq_exposure, err));
  x->err[0] = '\0';
  return AIINEQ_OK;
}

typedef struct {
  aiineq_exposure *x;
  const char *code_column, *value_column;
} read_ctx;

static int parse_measure(void *ctx, const char *text, size_t len) {
  const read_ctx *c = ctx;
  return aiineq_exposure_parse(c->x, text, len, c->code_column, c->value_column);
}

AIINEQ_API int aiineq_exposure_read(aiineq_exposure *x, const char *path,
                                    const char *code_column_name, const char *value_column) {
  if (!x) return AIINEQ_ERR_ARG;
  read_ctx c = {x, code_column_name, value_column};
  return aiq_parse_file(path, x->err, parse_measure, &c);
}

AIINEQ_API int aiineq_exposure_counts(const aiineq_exposure *x, size_t *n_codes, size_t *n_rows,
                                      size_t *n_skipped) {
  if (!x) return AIINEQ_ERR_ARG;
  if (n_codes) *n_codes = x->n;
  if (n_rows) *n_rows = x->n_rows;
  if (n_skipped) *n_skipped = x->n_skipped;
  return AIINEQ_OK;
}

int aiq_exposure_find(const aiineq_exposure *x, const char *soc6, double *value) {
  size_t lo = 0, hi = x->n;
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    int c = strcmp(x->code[mid], soc6);
    if (c == 0) {
      *value = x->value[mid];
      return 0;
    }
    if (c < 0)
      lo = mid + 1;
    else
      hi = mid;
  }
  return -1;
}

AIINEQ_API int aiineq_exposure_lookup(const aiineq_exposure *x, const char *soc, double *value) {
  if (!x || !soc || !value) return AIINEQ_ERR_ARG;
  char code[8];
  if (aiq_soc6(soc, code) || aiq_exposure_find(x, code, value)) return AIINEQ_ERR_NAME;
  return AIINEQ_OK;
}
