/*
 * oews_internal.h -- layouts of the OEWS table, the exposure measure and
 * the occupation panel, shared by oews.c, exposure.c, panel.c and
 * panel_regress.c.
 */
#ifndef AIQ_OEWS_INTERNAL_H
#define AIQ_OEWS_INTERNAL_H

#include "csv.h"
#include "internal.h"

#define AIQ_OEWS_NNUM 19

struct aiineq_oews {
  aiq_csv csv;                   /* record 0 is the header; row i is record i+1 */
  size_t n;                      /* data rows */
  long col_code, col_title, col_group;
  double *val[AIQ_OEWS_NNUM];    /* NULL when the column is absent */
  int32_t *st[AIQ_OEWS_NNUM];
  char err[AIQ_ERRLEN];          /* last member (parse copies what precedes it) */
};

/* Index of a known numeric OEWS column (case-insensitive), or -1. */
int aiq_oews_num_index(const char *name);
/* Text of row i: which = 0 code, 1 title, 2 group. */
const char *aiq_oews_text(const aiineq_oews *t, size_t i, int which);

/* Six-digit SOC code "XX-XXXX" from a SOC or O*NET-SOC code ("XX-XXXX",
 * "XX-XXXX.YY", "XXXXXX", blanks around allowed) into out[8]; -1 if the
 * text is no such code. */
int aiq_soc6(const char *code, char out[8]);

struct aiineq_exposure {
  size_t n;          /* six-digit codes, sorted */
  char (*code)[8];
  double *value;     /* mean over the O*NET-SOC codes sharing six digits */
  size_t n_rows, n_skipped;
  char err[AIQ_ERRLEN];
};

/* Exposure of a six-digit code (binary search); 0 found, -1 not. */
int aiq_exposure_find(const aiineq_exposure *x, const char *soc6, double *value);

/* Per-year panel fields. */
enum { AIQ_PF_EMP, AIQ_PF_MEAN, AIQ_PF_P10, AIQ_PF_P50, AIQ_PF_P90, AIQ_PF_N };

struct aiineq_panel {
  size_t n;
  char (*code)[8];
  char **title;                  /* owned copies */
  double *exposure;              /* raw */
  double *major;                 /* SOC major group as a number */
  double *val[2][AIQ_PF_N];      /* [from/to][field] */
  int32_t *st[2][AIQ_PF_N];
  size_t count[7];               /* see panel.c */
  char err[AIQ_ERRLEN];
};

/* Panel storage: allocate every array for up to cap occupations (titles
 * NULL); free everything (keeping the message); move fresh into p (which is
 * cleared first).  aiq_panel_alloc returns 0 or -1 (out of memory). */
int aiq_panel_alloc(aiineq_panel *p, size_t cap);
void aiq_panel_clear(aiineq_panel *p);
void aiq_panel_commit(aiineq_panel *p, aiineq_panel *fresh);
/* Copy of a string through aiq_malloc (NULL when out of memory). */
char *aiq_strdup(const char *s);

/* Outcome `outcome` (AIINEQ_Y_*) of every panel occupation into y[0..n):
 * change of the log statistic, NaN when either year lacks it. */
int aiq_panel_outcome(const aiineq_panel *p, int outcome, double *y);

#endif /* AIQ_OEWS_INTERNAL_H */
