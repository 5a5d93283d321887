/*
 * ineq_dist.h -- layout of the distribution handle, shared by the files of
 * the inequality module (ineq_dist.c, ineq_se.c, ineq_sources.c).
 */
#ifndef AIQ_INEQ_DIST_H
#define AIQ_INEQ_DIST_H

#include <math.h>

#include "internal.h"

/* Group index of an observation with weight zero (not in any group). */
#define AIQ_NO_GROUP ((size_t)-1)

/* The observations with positive weight, sorted and merged by value into m
 * groups of distinct values (ascending).  Weight powers per group feed
 * Davidson's variance; for unweighted data w, t2, t3 and t4 are NULL (every
 * weight is one, so the powers equal the counts t). */
struct aiineq_dist {
  int ready;     /* 1 once aiineq_dist_set succeeded */
  size_t n;      /* observations as passed */
  size_t nr;     /* observations with positive weight */
  size_t m;      /* distinct values among them */
  double *v;     /* distinct values, ascending, length m */
  double *t;     /* total weight of each value, length m */
  double *t2;    /* sum of w^2 per value (NULL when unweighted) */
  double *t3;    /* sum of w^3 per value (NULL when unweighted) */
  double *t4;    /* sum of w^4 per value (NULL when unweighted) */
  size_t *grp;   /* group of observation i, AIQ_NO_GROUP for weight 0; length n */
  double *w;     /* weight of observation i (NULL when unweighted); length n */
  double W;      /* total weight */
  double S;      /* total income sum w_i x_i */
  double sw2;    /* sum of w_i^2 (Kish's effective n = W^2 / sw2) */
  int has_neg;   /* a value < 0 with positive weight */
  int has_zero;  /* a value == 0 with positive weight */
  char err[AIQ_ERRLEN];
};

/* Neumaier-compensated running sum. */
typedef struct {
  double s, c;
} aiq_ksum;

static inline void aiq_ksum_add(aiq_ksum *k, double v) {
  double t = k->s + v;
  k->c += fabs(k->s) >= fabs(v) ? (k->s - t) + v : (v - t) + k->s;
  k->s = t;
}

static inline double aiq_ksum_value(const aiq_ksum *k) { return k->s + k->c; }

/* Gini of m sorted distinct values v with positive group weights t (zero
 * entries allowed: they contribute nothing), total weight W and total income
 * S > 0: sum_k t_k v_k (2 B_k + t_k - W) / (W S). */
double aiq_gini_groups(const double *v, const double *t, size_t m, double W, double S);

/* Free the arrays of d and mark it empty (d itself is not freed). */
void aiq_dist_clear(aiineq_dist *d);

/* Common checks of a query: d not NULL, data loaded, out not NULL. */
int aiq_dist_query(aiineq_dist *d, const void *out, const char *what);

#endif /* AIQ_INEQ_DIST_H */
