/*
 * panel.c -- the two-year occupation panel: detailed occupations of two
 * OEWS years joined on OCC_CODE, exposure joined on six-digit SOC, with the
 * counts of what matched and what was dropped.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "oews_internal.h"

static const char null_msg[] = "panel handle is NULL";

/* Order of panel.count[] and the names aiineq_panel_count accepts. */
enum { C_DET_FROM, C_DET_TO, C_ONLY_FROM, C_ONLY_TO, C_NO_EXPOSURE, C_DUPLICATE, C_MATCHED, C_N };
static const char *const count_names[C_N] = {"detailed_from", "detailed_to", "only_from",
                                             "only_to",       "no_exposure", "duplicate",
                                             "matched"};
/* OEWS columns copied into the panel, in AIQ_PF_* order. */
static const char *const pf_names[AIQ_PF_N] = {"tot_emp", "a_mean", "a_pct10", "a_median",
                                               "a_pct90"};

AIINEQ_API int aiineq_panel_new(aiineq_panel **out) {
  if (!out) return AIINEQ_ERR_ARG;
  *out = aiq_calloc(1, sizeof **out);
  return *out ? AIINEQ_OK : AIINEQ_ERR_NOMEM;
}

void aiq_panel_clear(aiineq_panel *p) {
  for (size_t i = 0; p->title && i < p->n; i++) aiq_free(p->title[i]);
  aiq_free(p->title);
  aiq_free(p->code);
  aiq_free(p->exposure);
  aiq_free(p->major);
  for (int y = 0; y < 2; y++)
    for (int f = 0; f < AIQ_PF_N; f++) {
      aiq_free(p->val[y][f]);
      aiq_free(p->st[y][f]);
    }
  char err[AIQ_ERRLEN];
  memcpy(err, p->err, sizeof err);
  memset(p, 0, sizeof *p);
  memcpy(p->err, err, sizeof err);
}

AIINEQ_API void aiineq_panel_free(aiineq_panel *p) {
  if (!p) return;
  aiq_panel_clear(p);
  aiq_free(p);
}

AIINEQ_API const char *aiineq_panel_errmsg(const aiineq_panel *p) { return p ? p->err : null_msg; }

/* A detailed row of one year, keyed by its code text. */
typedef struct {
  const char *code;
  size_t row;
} keyed;

static int cmp_keyed(const void *a, const void *b) {
  int c = strcmp(((const keyed *)a)->code, ((const keyed *)b)->code);
  if (c) return c;
  size_t ra = ((const keyed *)a)->row, rb = ((const keyed *)b)->row;
  return (ra > rb) - (ra < rb);
}

/* Detailed rows of t sorted by code; duplicates (after the first) removed
 * and counted.  *n receives the number kept. */
static keyed *detailed_rows(const aiineq_oews *t, size_t *n, size_t *n_det, size_t *dups) {
  keyed *k = aiq_malloc_array(t->n, sizeof *k);
  if (!k) return NULL;
  size_t m = 0;
  for (size_t i = 0; i < t->n; i++)
    if (aiq_ieq(aiq_oews_text(t, i, 2), "detailed")) {
      k[m].code = aiq_oews_text(t, i, 0);
      k[m++].row = i;
    }
  *n_det = m;
  qsort(k, m, sizeof *k, cmp_keyed);
  size_t w = 0;
  for (size_t i = 0; i < m; i++) {
    if (w > 0 && strcmp(k[w - 1].code, k[i].code) == 0) {
      (*dups)++;
      continue;
    }
    k[w++] = k[i];
  }
  *n = w;
  return k;
}

char *aiq_strdup(const char *s) {
  size_t n = strlen(s) + 1;
  char *d = aiq_malloc(n);
  if (d) memcpy(d, s, n);
  return d;
}

int aiq_panel_alloc(aiineq_panel *p, size_t cap) {
  p->code = aiq_malloc_array(cap, sizeof *p->code);
  p->title = aiq_calloc(cap, sizeof *p->title);
  p->exposure = aiq_malloc_array(cap, sizeof *p->exposure);
  p->major = aiq_malloc_array(cap, sizeof *p->major);
  int ok = p->code && p->title && p->exposure && p->major;
  for (int y = 0; y < 2; y++)
    for (int f = 0; f < AIQ_PF_N; f++) {
      p->val[y][f] = aiq_malloc_array(cap, sizeof(double));
      p->st[y][f] = aiq_malloc_array(cap, sizeof(int32_t));
      ok = ok && p->val[y][f] && p->st[y][f];
    }
  return ok ? 0 : -1;
}

static int build_into(aiineq_panel *p, const aiineq_oews *t[2], const aiineq_exposure *x,
                      char *err) {
  keyed *k[2] = {NULL, NULL};
  size_t nk[2] = {0, 0};
  int rc = AIINEQ_OK;
  for (int y = 0; y < 2; y++) {
    k[y] = detailed_rows(t[y], &nk[y], &p->count[y == 0 ? C_DET_FROM : C_DET_TO],
                         &p->count[C_DUPLICATE]);
    if (!k[y]) rc = aiq_fail(err, AIINEQ_ERR_NOMEM, "out of memory");
  }
  if (rc == AIINEQ_OK && aiq_panel_alloc(p, nk[0] < nk[1] ? nk[0] : nk[1]))
    rc = aiq_fail(err, AIINEQ_ERR_NOMEM, "out of memory");
  int fidx[AIQ_PF_N];
  for (int f = 0; f < AIQ_PF_N; f++) fidx[f] = aiq_oews_num_index(pf_names[f]);
  size_t a = 0, b = 0;
  while (rc == AIINEQ_OK && (a < nk[0] || b < nk[1])) {
    int c = a >= nk[0] ? 1 : b >= nk[1] ? -1 : strcmp(k[0][a].code, k[1][b].code);
    if (c < 0) {
      p->count[C_ONLY_FROM]++, a++;
      continue;
    }
    if (c > 0) {
      p->count[C_ONLY_TO]++, b++;
      continue;
    }
    size_t row[2] = {k[0][a++].row, k[1][b++].row};
    char soc[8];
    double xv;
    if (aiq_soc6(aiq_oews_text(t[1], row[1], 0), soc) || aiq_exposure_find(x, soc, &xv)) {
      p->count[C_NO_EXPOSURE]++;
      continue;
    }
    size_t i = p->n;
    p->title[i] = aiq_strdup(aiq_oews_text(t[1], row[1], 1));
    if (!p->title[i]) {
      rc = aiq_fail(err, AIINEQ_ERR_NOMEM, "out of memory");
      break;
    }
    memcpy(p->code[i], soc, 8);
    p->exposure[i] = xv;
    p->major[i] = (soc[0] - '0') * 10 + (soc[1] - '0');
    for (int y = 0; y < 2; y++)
      for (int f = 0; f < AIQ_PF_N; f++) {
        p->val[y][f][i] = t[y]->val[fidx[f]][row[y]];
        p->st[y][f][i] = t[y]->st[fidx[f]][row[y]];
      }
    p->n++;
  }
  p->count[C_MATCHED] = p->n;
  if (rc == AIINEQ_OK && p->n == 0)
    rc = aiq_fail(err, AIINEQ_ERR_SIZE,
                  "no occupation matched: %zu and %zu detailed occupations, %zu only in the "
                  "first year, %zu only in the second, %zu without exposure",
                  p->count[C_DET_FROM], p->count[C_DET_TO], p->count[C_ONLY_FROM],
                  p->count[C_ONLY_TO], p->count[C_NO_EXPOSURE]);
  aiq_free(k[0]);
  aiq_free(k[1]);
  return rc;
}

AIINEQ_API int aiineq_panel_build(aiineq_panel *p, const aiineq_oews *from, const aiineq_oews *to,
                                  const aiineq_exposure *x) {
  if (!p) return AIINEQ_ERR_ARG;
  if (!from || !to || !x)
    return aiq_fail(p->err, AIINEQ_ERR_ARG, "build: %s is NULL",
                    !from ? "from" : !to ? "to" : "exposure");
  if (from->n == 0 || to->n == 0 || x->n == 0)
    return aiq_fail(p->err, AIINEQ_ERR_SIZE, "build: %s holds no data (read it first)",
                    from->n == 0 ? "from" : to->n == 0 ? "to" : "exposure");
  aiineq_panel fresh;
  memset(&fresh, 0, sizeof fresh);
  const aiineq_oews *t[2] = {from, to};
  int rc = build_into(&fresh, t, x, p->err);
  if (rc) {
    aiq_panel_clear(&fresh);
    return rc;
  }
  aiq_panel_commit(p, &fresh);
  return AIINEQ_OK;
}

void aiq_panel_commit(aiineq_panel *p, aiineq_panel *fresh) {
  aiq_panel_clear(p);
  memcpy(p, fresh, offsetof(aiineq_panel, err));
  memset(fresh, 0, offsetof(aiineq_panel, err)); /* p owns the arrays now */
  p->err[0] = '\0';
}

AIINEQ_API int aiineq_panel_size(const aiineq_panel *p, size_t *n) {
  if (!p || !n) return AIINEQ_ERR_ARG;
  *n = p->n;
  return AIINEQ_OK;
}

AIINEQ_API int aiineq_panel_count(const aiineq_panel *p, const char *name, size_t *value) {
  if (!p || !name || !value) return AIINEQ_ERR_ARG;
  for (int c = 0; c < C_N; c++)
    if (strcmp(count_names[c], name) == 0) {
      *value = p->count[c];
      return AIINEQ_OK;
    }
  return AIINEQ_ERR_NAME;
}

AIINEQ_API int aiineq_panel_occupation(const aiineq_panel *p, size_t i, const char **code,
                                       const char **title) {
  if (!p) return AIINEQ_ERR_ARG;
  if (i >= p->n) return AIINEQ_ERR_RANGE;
  if (code) *code = p->code[i];
  if (title) *title = p->title[i];
  return AIINEQ_OK;
}

AIINEQ_API int aiineq_panel_get_column(const aiineq_panel *p, const char *name, double *values,
                                       int32_t *status, size_t n) {
  if (!p || !name) return AIINEQ_ERR_ARG;
  const double *v = NULL;
  const int32_t *st = NULL;
  if (strcmp(name, "exposure") == 0)
    v = p->exposure;
  else if (strcmp(name, "major") == 0)
    v = p->major;
  else
    for (int y = 0; y < 2 && !v; y++)
      for (int f = 0; f < AIQ_PF_N; f++) {
        size_t l = strlen(pf_names[f]);
        const char *suffix = y == 0 ? "_from" : "_to";
        if (strncmp(name, pf_names[f], l) == 0 && strcmp(name + l, suffix) == 0) {
          v = p->val[y][f];
          st = p->st[y][f];
          break;
        }
      }
  if (!v) return AIINEQ_ERR_NAME;
  if (n != p->n) return AIINEQ_ERR_SIZE;
  if (values) memcpy(values, v, n * sizeof *values);
  if (status) {
    if (st)
      memcpy(status, st, n * sizeof *status);
    else
      for (size_t i = 0; i < n; i++) status[i] = AIINEQ_CELL_VALUE;
  }
  return AIINEQ_OK;
}
