/*
 * ols_fit.c -- least squares by column-pivoted QR and the covariance
 * estimators (classical, HC0-HC3, CR1, CR2).
 *
 * Steps: select complete rows; scale rows by sqrt(weight) and columns to
 * unit length; A P = Q R (dgeqp3); numerical rank from the diagonal of R
 * (relative tolerance AIQ_RANK_TOL); b = P R^-1 Q'y; the bread
 * B = (X'WX)^-1 = P R^-1 R^-T P' (dtrtri), unscaled; sandwich covariances
 * from the weighted scores u_i = sqrt(w_i) x_i * sqrt(w_i) e_i, following
 * statsmodels' formulas (docs/api.md).  Everything is computed into a fresh
 * estimate and committed only on success.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "lapack.h"
#include "ols_internal.h"
#include "special.h"
#include "spd.h"

/* A diagonal element of R below AIQ_RANK_TOL * |R_11| (columns scaled to
 * unit length) counts as zero: the design is rank-deficient. */
#define AIQ_RANK_TOL 1e-10
/* Eigenvalues of I - H_gg below this are treated as zero in CR2's inverse
 * square root (Moore-Penrose), as happens with cluster fixed effects. */
#define AIQ_CR2_EIG_TOL 1e-12
/* CR2 keeps an n_g x n_g matrix per cluster: at most this many doubles in
 * all (400 MB). */
#define AIQ_CR2_MAX_ELEMS ((size_t)50000000)

/* Working storage of one fit. */
typedef struct {
  size_t nu, k;  /* rows used, columns */
  size_t *rows;  /* nu indices into the design */
  double *sw;    /* nu: sqrt(weight) (1 without weights) */
  double *xw;    /* nu*k row-major: sqrt(w) x */
  double *ew;    /* nu: sqrt(w) * residual */
  double *B;     /* k*k row-major bread (X'WX)^-1 */
  size_t *order; /* nu: rows sorted by cluster (cluster fits) */
  size_t *start; /* G+1 cluster boundaries into order */
  size_t G;
  double *a2;    /* CR2: the matrices A_g, concatenated */
  size_t *a2off; /* G+1 offsets into a2 */
} fitwork;

static void work_free(fitwork *f) {
  aiq_free(f->rows);
  aiq_free(f->sw);
  aiq_free(f->xw);
  aiq_free(f->ew);
  aiq_free(f->B);
  aiq_free(f->order);
  aiq_free(f->start);
  aiq_free(f->a2);
  aiq_free(f->a2off);
}

static aiq_ols_est *est_new(size_t k) {
  aiq_ols_est *e = aiq_calloc(1, sizeof *e);
  if (!e) return NULL;
  e->coef = aiq_malloc_array(k, sizeof(double));
  e->se = aiq_malloc_array(k, sizeof(double));
  e->t = aiq_malloc_array(k, sizeof(double));
  e->p = aiq_malloc_array(k, sizeof(double));
  e->V = aiq_malloc_array(k * k, sizeof(double));
  e->df = aiq_malloc_array(k, sizeof(double));
  if (!e->coef || !e->se || !e->t || !e->p || !e->V || !e->df) {
    aiq_ols_est_free(e);
    return NULL;
  }
  return e;
}

static int is_cluster_cov(int c) { return c == AIINEQ_COV_CR1 || c == AIINEQ_COV_CR2; }

/* Choose the complete rows; count the reasons for dropping the others. */
static int select_rows(aiineq_ols *o, aiq_ols_est *e, fitwork *f) {
  const size_t n = o->n, k = o->k;
  int need_g = is_cluster_cov(o->cov_type);
  f->rows = aiq_malloc_array(n, sizeof *f->rows);
  if (!f->rows) return aiq_fail(o->err, AIINEQ_ERR_NOMEM, "fit: out of memory");
  size_t nu = 0;
  for (size_t i = 0; i < n; i++) {
    int miss[AIQ_DROP_NREASONS] = {isnan(o->y[i]), 0, o->w && isnan(o->w[i]),
                                   need_g && isnan(o->g[i])};
    for (size_t j = 0; j < k && !miss[AIQ_DROP_X]; j++) miss[AIQ_DROP_X] = isnan(o->X[i * k + j]);
    int any = 0;
    for (int r = 0; r < AIQ_DROP_NREASONS; r++) {
      e->dropped[r] += (size_t)miss[r];
      any |= miss[r];
    }
    if (any)
      e->n_dropped++;
    else
      f->rows[nu++] = i;
  }
  f->nu = nu;
  f->k = k;
  if (nu == 0) {
    if (e->dropped[AIQ_DROP_Y] == n)
      return aiq_fail(o->err, AIINEQ_ERR_SIZE, "fit: the outcome is missing (NaN) in all %zu rows",
                      n);
    return aiq_fail(o->err, AIINEQ_ERR_SIZE,
                    "fit: no complete row among %zu: missing outcome %zu, regressor %zu, "
                    "weight %zu, cluster id %zu",
                    n, e->dropped[AIQ_DROP_Y], e->dropped[AIQ_DROP_X], e->dropped[AIQ_DROP_W],
                    e->dropped[AIQ_DROP_G]);
  }
  if (nu <= k)
    return aiq_fail(o->err, AIINEQ_ERR_SIZE,
                    "fit: %zu complete rows for %zu regressors; need more rows than regressors", nu,
                    k);
  if (nu > (size_t)INT32_MAX || k > (size_t)INT32_MAX / nu)
    return aiq_fail(o->err, AIINEQ_ERR_SIZE, "fit: design of %zu x %zu too large for LAPACK", nu,
                    k);
  return AIINEQ_OK;
}

/* Group the used rows by cluster id: f->order, f->start, f->G. */
typedef struct {
  double g;
  size_t i;
} gkey;

static int cmp_gkey(const void *pa, const void *pb) {
  const gkey *a = pa, *b = pb;
  if (a->g < b->g) return -1;
  if (a->g > b->g) return 1;
  return (a->i > b->i) - (a->i < b->i);
}

static int group_clusters(aiineq_ols *o, fitwork *f) {
  gkey *keys = aiq_malloc_array(f->nu, sizeof *keys);
  f->order = aiq_malloc_array(f->nu, sizeof *f->order);
  f->start = aiq_malloc_array(f->nu + 1, sizeof *f->start);
  if (!keys || !f->order || !f->start) {
    aiq_free(keys);
    return aiq_fail(o->err, AIINEQ_ERR_NOMEM, "fit: out of memory");
  }
  for (size_t r = 0; r < f->nu; r++) {
    keys[r].g = o->g[f->rows[r]];
    keys[r].i = r;
  }
  qsort(keys, f->nu, sizeof *keys, cmp_gkey);
  size_t G = 0;
  for (size_t r = 0; r < f->nu; r++) {
    if (r == 0 || keys[r].g != keys[r - 1].g) f->start[G++] = r;
    f->order[r] = keys[r].i;
  }
  f->start[G] = f->nu;
  f->G = G;
  aiq_free(keys);
  if (G < 2)
    return aiq_fail(o->err, AIINEQ_ERR_DEGENERATE,
                    "fit: cluster-robust covariance needs at least 2 clusters; all %zu used rows "
                    "are in one cluster",
                    f->nu);
  return AIINEQ_OK;
}

/* QR solve: coefficients into e->coef, bread into f->B, has_const. */
static int qr_solve(aiineq_ols *o, aiq_ols_est *e, fitwork *f, int *has_const) {
  const size_t nu = f->nu, k = f->k;
  const int m = (int)nu, nk = (int)k, one = 1;
  int rc = AIINEQ_OK, info = 0;
  double *A = aiq_malloc_array(nu * k, sizeof *A);
  double *b = aiq_malloc_array(nu, sizeof *b);
  double *v = aiq_malloc_array(nu, sizeof *v);
  double *d = aiq_malloc_array(k, sizeof *d);
  double *tau = aiq_malloc_array(k, sizeof *tau);
  double *Ri = aiq_calloc(k * k, sizeof *Ri);
  int *jpvt = aiq_calloc(k, sizeof *jpvt);
  double *work = NULL;
  f->B = aiq_malloc_array(k * k, sizeof *f->B);
  if (!A || !b || !v || !d || !tau || !Ri || !jpvt || !f->B) {
    rc = aiq_fail(o->err, AIINEQ_ERR_NOMEM, "fit: out of memory");
    goto done;
  }
  /* A column-major, rows scaled by sqrt(w); b = sqrt(w) y; v = sqrt(w). */
  for (size_t r = 0; r < nu; r++) {
    size_t i = f->rows[r];
    double s = f->sw[r];
    b[r] = s * o->y[i];
    v[r] = s;
    for (size_t j = 0; j < k; j++) A[j * nu + r] = s * o->X[i * k + j];
  }
  for (size_t j = 0; j < k; j++) {
    double ss = 0;
    for (size_t r = 0; r < nu; r++) ss += A[j * nu + r] * A[j * nu + r];
    d[j] = sqrt(ss);
    if (d[j] == 0) {
      rc = aiq_fail(o->err, AIINEQ_ERR_SINGULAR,
                    "fit: rank-deficient design: regressor '%s' (column %zu) is zero in every "
                    "used row",
                    o->names[j], j);
      goto done;
    }
    for (size_t r = 0; r < nu; r++) A[j * nu + r] /= d[j];
  }
  /* Workspace: the larger of dgeqp3's and dormqr's optimum. */
  double q1 = 0, q2 = 0;
  int lwork = -1;
  dgeqp3_(&m, &nk, A, &m, jpvt, tau, &q1, &lwork, &info);
  dormqr_("L", "T", &m, &one, &nk, A, &m, tau, b, &m, &q2, &lwork, &info, 1, 1);
  lwork = (int)fmax(fmax(q1, q2), 3.0 * k + 1);
  work = aiq_malloc_array((size_t)lwork, sizeof *work);
  if (!work) {
    rc = aiq_fail(o->err, AIINEQ_ERR_NOMEM, "fit: out of memory");
    goto done;
  }
  dgeqp3_(&m, &nk, A, &m, jpvt, tau, work, &lwork, &info);
  if (info != 0) {
    rc = aiq_fail(o->err, AIINEQ_ERR_SINGULAR, "fit: dgeqp3 failed (info %d)", info);
    goto done;
  }
  double r11 = fabs(A[0]);
  size_t rank = 0;
  while (rank < k && fabs(A[rank * nu + rank]) > AIQ_RANK_TOL * r11) rank++;
  if (rank < k) {
    size_t j = (size_t)jpvt[rank] - 1;
    rc = aiq_fail(o->err, AIINEQ_ERR_SINGULAR,
                  "fit: rank-deficient design (rank %zu of %zu columns): regressor '%s' (column "
                  "%zu) is a linear combination of the others%s",
                  rank, k, o->names[j], j, k - rank > 1 ? " (and more columns are)" : "");
    goto done;
  }
  /* Q'b and Q'v */
  dormqr_("L", "T", &m, &one, &nk, A, &m, tau, b, &m, work, &lwork, &info, 1, 1);
  dormqr_("L", "T", &m, &one, &nk, A, &m, tau, v, &m, work, &lwork, &info, 1, 1);
  /* A constant lies in the column space iff sqrt(w) is orthogonal to the
   * residual space: compare the tail of Q'v with |v|. */
  double tail = 0, all = 0;
  for (size_t r = 0; r < nu; r++) {
    all += v[r] * v[r];
    if (r >= k) tail += v[r] * v[r];
  }
  *has_const = sqrt(tail) <= 1e-8 * sqrt(all);
  /* R c = (Q'b)[0..k) */
  dtrtrs_("U", "N", "N", &nk, &one, A, &m, b, &nk, &info, 1, 1, 1);
  if (info != 0) {
    rc = aiq_fail(o->err, AIINEQ_ERR_SINGULAR, "fit: triangular solve failed (info %d)", info);
    goto done;
  }
  for (size_t j = 0; j < k; j++) {
    size_t pj = (size_t)jpvt[j] - 1;
    e->coef[pj] = b[j] / d[pj];
  }
  /* Bread: R^-1 R^-T in pivoted, scaled coordinates. */
  for (size_t c = 0; c < k; c++)
    for (size_t r = 0; r <= c; r++) Ri[c * k + r] = A[c * nu + r];
  dtrtri_("U", "N", &nk, Ri, &nk, &info, 1, 1);
  if (info != 0) {
    rc = aiq_fail(o->err, AIINEQ_ERR_SINGULAR, "fit: triangular inverse failed (info %d)", info);
    goto done;
  }
  for (size_t a = 0; a < k; a++)
    for (size_t c = 0; c < k; c++) {
      /* (Ri Ri')[a][c] = sum_l Ri[a][l] Ri[c][l], Ri upper: l >= max(a,c) */
      double s = 0;
      for (size_t l = (a > c ? a : c); l < k; l++) s += Ri[l * k + a] * Ri[l * k + c];
      size_t pa = (size_t)jpvt[a] - 1, pc = (size_t)jpvt[c] - 1;
      f->B[pa * k + pc] = s / (d[pa] * d[pc]);
    }
done:
  aiq_free(A);
  aiq_free(b);
  aiq_free(v);
  aiq_free(d);
  aiq_free(tau);
  aiq_free(Ri);
  aiq_free(jpvt);
  aiq_free(work);
  return rc;
}

/* out = B M B (all k x k row-major). */
static void sandwich(const double *B, const double *M, size_t k, double *out) {
  for (size_t a = 0; a < k; a++)
    for (size_t c = 0; c < k; c++) {
      double s = 0;
      for (size_t l = 0; l < k; l++) {
        double bm = 0;
        for (size_t q = 0; q < k; q++) bm += M[l * k + q] * B[q * k + c];
        s += B[a * k + l] * bm;
      }
      out[a * k + c] = s;
    }
}

static void add_outer(double *M, const double *u, double scale, size_t k) {
  for (size_t a = 0; a < k; a++)
    for (size_t c = 0; c < k; c++) M[a * k + c] += scale * u[a] * u[c];
}

/* Heteroskedasticity-robust meat sum_i omega_i xw_i xw_i'. */
static int meat_hc(aiineq_ols *o, const fitwork *f, double *M) {
  const size_t k = f->k;
  double n = (double)f->nu, df = n - (double)k;
  for (size_t r = 0; r < f->nu; r++) {
    const double *x = f->xw + r * k;
    double e2 = f->ew[r] * f->ew[r], om = e2;
    if (o->cov_type == AIINEQ_COV_HC1) om = e2 * n / df;
    if (o->cov_type == AIINEQ_COV_HC2 || o->cov_type == AIINEQ_COV_HC3) {
      double h = aiq_quad_form(f->B, x, k);
      if (!(1.0 - h > 1e-12))
        return aiq_fail(o->err, AIINEQ_ERR_DEGENERATE,
                        "fit: HC2/HC3 undefined: observation %zu has leverage 1", f->rows[r]);
      om = o->cov_type == AIINEQ_COV_HC2 ? e2 / (1 - h) : e2 / ((1 - h) * (1 - h));
    }
    add_outer(M, x, om, k);
  }
  return AIINEQ_OK;
}

/* CR2 adjustment matrix of cluster c into A (ng x ng, row-major):
 * A_g = (I - H_gg)^(-1/2), H_gg = Xw_g B Xw_g', the symmetric Moore-Penrose
 * inverse square root (eigenvalues below AIQ_CR2_EIG_TOL dropped). */
static int cr2_matrix(aiineq_ols *o, const fitwork *f, size_t c, double *A) {
  const size_t k = f->k, s = f->start[c], ng = f->start[c + 1] - s;
  const int n = (int)ng;
  int info = 0, lwork = -1;
  double *H = aiq_malloc_array(ng * ng, sizeof *H);
  double *T = aiq_malloc_array(ng * k, sizeof *T);
  double *lam = aiq_malloc_array(ng, sizeof *lam);
  double *work = NULL, q = 0;
  int rc = AIINEQ_OK;
  if (!H || !T || !lam) goto nomem;
  for (size_t a = 0; a < ng; a++) { /* T = Xw_g B */
    const double *x = f->xw + f->order[s + a] * k;
    for (size_t j = 0; j < k; j++) {
      double t = 0;
      for (size_t l = 0; l < k; l++) t += x[l] * f->B[l * k + j];
      T[a * k + j] = t;
    }
  }
  for (size_t a = 0; a < ng; a++)
    for (size_t b = 0; b < ng; b++) {
      const double *x = f->xw + f->order[s + b] * k;
      double h = 0;
      for (size_t j = 0; j < k; j++) h += T[a * k + j] * x[j];
      H[a * ng + b] = (a == b ? 1.0 : 0.0) - h;
    }
  dsyev_("V", "U", &n, H, &n, lam, &q, &lwork, &info, 1, 1);
  lwork = (int)fmax(q, 3.0 * ng);
  work = aiq_malloc_array((size_t)lwork, sizeof *work);
  if (!work) goto nomem;
  dsyev_("V", "U", &n, H, &n, lam, work, &lwork, &info, 1, 1);
  if (info != 0) {
    rc = aiq_fail(o->err, AIINEQ_ERR_NOCONV, "fit: CR2 eigen-decomposition failed (info %d)",
                  info);
    goto done;
  }
  /* A = V diag(f(lam)) V'; column l of V is H[l*ng .. l*ng+ng) */
  for (size_t l = 0; l < ng; l++) lam[l] = lam[l] > AIQ_CR2_EIG_TOL ? 1.0 / sqrt(lam[l]) : 0.0;
  for (size_t a = 0; a < ng; a++)
    for (size_t b = 0; b <= a; b++) {
      double t = 0;
      for (size_t l = 0; l < ng; l++) t += H[l * ng + a] * lam[l] * H[l * ng + b];
      A[a * ng + b] = A[b * ng + a] = t;
    }
  goto done;
nomem:
  rc = aiq_fail(o->err, AIINEQ_ERR_NOMEM, "fit: out of memory");
done:
  aiq_free(H);
  aiq_free(T);
  aiq_free(lam);
  aiq_free(work);
  return rc;
}

/* All CR2 matrices: f->a2 holds A_g at offset f->a2off[g]. */
static int cr2_prepare(aiineq_ols *o, fitwork *f) {
  size_t total = 0, big = 0;
  for (size_t c = 0; c < f->G; c++) {
    size_t ng = f->start[c + 1] - f->start[c];
    total += ng * ng;
    if (ng > big) big = ng;
  }
  if (total > AIQ_CR2_MAX_ELEMS)
    return aiq_fail(o->err, AIINEQ_ERR_SIZE,
                    "fit: CR2 needs the square of each cluster's size in memory; clusters of up "
                    "to %zu rows (sum of squares %zu) exceed the limit of %zu",
                    big, total, (size_t)AIQ_CR2_MAX_ELEMS);
  f->a2 = aiq_malloc_array(total ? total : 1, sizeof *f->a2);
  f->a2off = aiq_malloc_array(f->G + 1, sizeof *f->a2off);
  if (!f->a2 || !f->a2off) return aiq_fail(o->err, AIINEQ_ERR_NOMEM, "fit: out of memory");
  f->a2off[0] = 0;
  int rc = AIINEQ_OK;
  for (size_t c = 0; c < f->G && rc == AIINEQ_OK; c++) {
    size_t ng = f->start[c + 1] - f->start[c];
    f->a2off[c + 1] = f->a2off[c] + ng * ng;
    rc = cr2_matrix(o, f, c, f->a2 + f->a2off[c]);
  }
  return rc;
}

/* out[0..ng) = A_g v (v indexed like the cluster's rows). */
static void cr2_apply(const fitwork *f, size_t c, const double *v, double *out) {
  size_t ng = f->start[c + 1] - f->start[c];
  const double *A = f->a2 + f->a2off[c];
  for (size_t a = 0; a < ng; a++) {
    double t = 0;
    for (size_t b = 0; b < ng; b++) t += A[a * ng + b] * v[b];
    out[a] = t;
  }
}

/* Cluster-robust meat sum_g u_g u_g' with u_g = Xw_g' r_g, r_g = ew_g
 * (CR1) or the CR2-adjusted residuals A_g ew_g. */
static int meat_cluster(aiineq_ols *o, const fitwork *f, double *M) {
  const size_t k = f->k;
  double *u = aiq_malloc_array(k, sizeof *u);
  double *r = aiq_malloc_array(f->nu, sizeof *r);
  double *e = aiq_malloc_array(f->nu, sizeof *e);
  if (!u || !r || !e) {
    aiq_free(u);
    aiq_free(r);
    aiq_free(e);
    return aiq_fail(o->err, AIINEQ_ERR_NOMEM, "fit: out of memory");
  }
  for (size_t c = 0; c < f->G; c++) {
    size_t s = f->start[c], ng = f->start[c + 1] - s;
    for (size_t a = 0; a < ng; a++) e[a] = f->ew[f->order[s + a]];
    if (o->cov_type == AIINEQ_COV_CR2)
      cr2_apply(f, c, e, r);
    else
      memcpy(r, e, ng * sizeof *r);
    memset(u, 0, k * sizeof *u);
    for (size_t a = 0; a < ng; a++) {
      const double *x = f->xw + f->order[s + a] * k;
      for (size_t j = 0; j < k; j++) u[j] += x[j] * r[a];
    }
    add_outer(M, u, 1.0, k);
  }
  if (o->cov_type == AIINEQ_COV_CR1) {
    double G = (double)f->G, n = (double)f->nu;
    double c = G / (G - 1.0) * (n - 1.0) / (n - (double)k);
    for (size_t a = 0; a < k * k; a++) M[a] *= c;
  }
  aiq_free(u);
  aiq_free(r);
  aiq_free(e);
  return AIINEQ_OK;
}

/* Bell-McCaffrey degrees of freedom of each coefficient under CR2
 * (Satterthwaite, working model sigma^2 I in the weighted space):
 * df_j = (tr Gam)^2 / ||Gam||_F^2 with Gam = Q'(I - H)Q, q_g = A_g Xw_g B e_j.
 * With u_g = A_g Xw_g b_j, s_g = Xw_g' u_g and W = S'BS,
 * Gam = diag(|u_g|^2) - W, so tr Gam = sum(|u_g|^2 - W_gg) and
 * ||Gam||^2 = sum (|u_g|^2 - W_gg)^2 + tr(BPBP) - sum W_gg^2, P = SS'. */
static int bm_df(aiineq_ols *o, const fitwork *f, double *df) {
  const size_t k = f->k, G = f->G;
  double *S = aiq_malloc_array(G * k, sizeof *S), *d = aiq_malloc_array(G, sizeof *d);
  double *v = aiq_malloc_array(f->nu, sizeof *v), *u = aiq_malloc_array(f->nu, sizeof *u);
  double *P = aiq_malloc_array(k * k, sizeof *P), *BP = aiq_malloc_array(k * k, sizeof *BP);
  int rc = AIINEQ_OK;
  if (!S || !d || !v || !u || !P || !BP) {
    rc = aiq_fail(o->err, AIINEQ_ERR_NOMEM, "fit: out of memory");
    goto done;
  }
  for (size_t j = 0; j < k; j++) {
    for (size_t c = 0; c < G; c++) {
      size_t s = f->start[c], ng = f->start[c + 1] - s;
      for (size_t a = 0; a < ng; a++) { /* v = Xw_g b_j */
        const double *x = f->xw + f->order[s + a] * k;
        double t = 0;
        for (size_t l = 0; l < k; l++) t += x[l] * f->B[l * k + j];
        v[a] = t;
      }
      cr2_apply(f, c, v, u);
      double *sg = S + c * k;
      memset(sg, 0, k * sizeof *sg);
      d[c] = 0;
      for (size_t a = 0; a < ng; a++) {
        const double *x = f->xw + f->order[s + a] * k;
        for (size_t l = 0; l < k; l++) sg[l] += x[l] * u[a];
        d[c] += u[a] * u[a];
      }
    }
    memset(P, 0, k * k * sizeof *P);
    double tr = 0, fro = 0;
    for (size_t c = 0; c < G; c++) {
      const double *sg = S + c * k;
      add_outer(P, sg, 1.0, k);
      double w = aiq_quad_form(f->B, sg, k); /* s_g' B s_g */
      tr += d[c] - w;
      fro += (d[c] - w) * (d[c] - w) - w * w;
    }
    for (size_t a = 0; a < k; a++) /* BP = B P */
      for (size_t b = 0; b < k; b++) {
        double t = 0;
        for (size_t l = 0; l < k; l++) t += f->B[a * k + l] * P[l * k + b];
        BP[a * k + b] = t;
      }
    for (size_t a = 0; a < k; a++) /* tr(BP BP) */
      for (size_t b = 0; b < k; b++) fro += BP[a * k + b] * BP[b * k + a];
    df[j] = fro > 0 ? tr * tr / fro : NAN;
  }
done:
  aiq_free(S);
  aiq_free(d);
  aiq_free(v);
  aiq_free(u);
  aiq_free(P);
  aiq_free(BP);
  return rc;
}

/* Residuals, fit statistics, covariance and inference. */
static int finish(aiineq_ols *o, aiq_ols_est *e, fitwork *f, int has_const) {
  const size_t nu = f->nu, k = f->k;
  f->xw = aiq_malloc_array(nu * k, sizeof *f->xw);
  f->ew = aiq_malloc_array(nu, sizeof *f->ew);
  double *M = aiq_calloc(k * k, sizeof *M);
  int rc = AIINEQ_OK;
  if (!f->xw || !f->ew || !M) {
    aiq_free(M);
    return aiq_fail(o->err, AIINEQ_ERR_NOMEM, "fit: out of memory");
  }
  double sw2 = 0, swy = 0;
  for (size_t r = 0; r < nu; r++) {
    size_t i = f->rows[r];
    double fitv = 0;
    for (size_t j = 0; j < k; j++) {
      fitv += o->X[i * k + j] * e->coef[j];
      f->xw[r * k + j] = f->sw[r] * o->X[i * k + j];
    }
    f->ew[r] = f->sw[r] * (o->y[i] - fitv);
    e->ssr += f->ew[r] * f->ew[r];
    sw2 += f->sw[r] * f->sw[r];
    swy += f->sw[r] * f->sw[r] * o->y[i];
  }
  double ybar = has_const ? swy / sw2 : 0.0, tss = 0;
  for (size_t r = 0; r < nu; r++) {
    double dy = o->y[f->rows[r]] - ybar;
    tss += f->sw[r] * f->sw[r] * dy * dy;
  }
  e->n_used = nu;
  e->df_resid = (double)nu - (double)k;
  e->sigma = sqrt(e->ssr / e->df_resid);
  e->r2 = tss > 0 ? 1.0 - e->ssr / tss : NAN;
  e->r2_adj = 1.0 - ((double)nu - (has_const ? 1.0 : 0.0)) / e->df_resid * (1.0 - e->r2);
  e->cov_type = o->cov_type;
  e->n_clusters = f->G;

  if (o->cov_type == AIINEQ_COV_CLASSICAL) {
    for (size_t a = 0; a < k * k; a++) e->V[a] = e->sigma * e->sigma * f->B[a];
  } else {
    if (o->cov_type == AIINEQ_COV_CR2) rc = cr2_prepare(o, f);
    if (rc == AIINEQ_OK)
      rc = is_cluster_cov(o->cov_type) ? meat_cluster(o, f, M) : meat_hc(o, f, M);
    if (rc == AIINEQ_OK) sandwich(f->B, M, k, e->V);
    for (size_t a = 0; a < k; a++) /* exact symmetry */
      for (size_t c = 0; c < a; c++)
        e->V[a * k + c] = e->V[c * k + a] = 0.5 * (e->V[a * k + c] + e->V[c * k + a]);
  }
  aiq_free(M);
  if (rc) return rc;

  /* Reference distribution (statsmodels: use_t defaults to True only for
   * the non-robust covariance; cluster inference uses G - 1). */
  int dist = o->dist;
  if (dist == AIINEQ_DIST_AUTO)
    dist = (o->cov_type == AIINEQ_COV_CLASSICAL || o->cov_type == AIINEQ_COV_CR2)
               ? AIINEQ_DIST_T
               : AIINEQ_DIST_NORMAL;
  e->dist = dist;
  if (dist == AIINEQ_DIST_NORMAL)
    e->df_inf = INFINITY;
  else if (dist == AIINEQ_DIST_BM)
    e->df_inf = NAN; /* one per coefficient */
  else
    e->df_inf = is_cluster_cov(o->cov_type) ? (double)f->G - 1.0 : e->df_resid;
  if (dist == AIINEQ_DIST_BM) {
    rc = bm_df(o, f, e->df);
    if (rc) return rc;
  } else {
    for (size_t j = 0; j < k; j++) e->df[j] = e->df_inf;
  }
  for (size_t j = 0; j < k; j++) {
    double v = e->V[j * k + j];
    e->se[j] = v >= 0 ? sqrt(v) : NAN;
    e->t[j] = e->coef[j] / e->se[j];
    e->p[j] = aiq_t_pvalue2(e->t[j], e->df[j]);
  }
  return AIINEQ_OK;
}

AIINEQ_API int aiineq_ols_fit(aiineq_ols *o) {
  if (!o) return AIINEQ_ERR_ARG;
  if (!o->y) return aiq_fail(o->err, AIINEQ_ERR_STATE, "fit: no design set (call set_data)");
  if (is_cluster_cov(o->cov_type) && !o->g)
    return aiq_fail(o->err, AIINEQ_ERR_STATE,
                    "fit: cluster-robust covariance requested but no cluster ids set");
  if (o->dist == AIINEQ_DIST_BM && o->cov_type != AIINEQ_COV_CR2)
    return aiq_fail(o->err, AIINEQ_ERR_STATE,
                    "fit: Bell-McCaffrey degrees of freedom (AIINEQ_DIST_BM) go with CR2 only");
  fitwork f;
  memset(&f, 0, sizeof f);
  aiq_ols_est *e = est_new(o->k);
  if (!e) return aiq_fail(o->err, AIINEQ_ERR_NOMEM, "fit: out of memory");
  int has_const = 0;
  int rc = select_rows(o, e, &f);
  if (rc == AIINEQ_OK) {
    f.sw = aiq_malloc_array(f.nu, sizeof *f.sw);
    if (!f.sw)
      rc = aiq_fail(o->err, AIINEQ_ERR_NOMEM, "fit: out of memory");
    else
      for (size_t r = 0; r < f.nu; r++) f.sw[r] = o->w ? sqrt(o->w[f.rows[r]]) : 1.0;
  }
  if (rc == AIINEQ_OK && is_cluster_cov(o->cov_type)) rc = group_clusters(o, &f);
  if (rc == AIINEQ_OK) rc = qr_solve(o, e, &f, &has_const);
  if (rc == AIINEQ_OK) rc = finish(o, e, &f, has_const);
  work_free(&f);
  if (rc != AIINEQ_OK) {
    aiq_ols_est_free(e);
    return rc;
  }
  aiq_ols_est_free(o->est);
  o->est = e;
  o->err[0] = '\0';
  return AIINEQ_OK;
}
