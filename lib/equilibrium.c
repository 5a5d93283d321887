/*
 * equilibrium.c -- the workers' equilibrium on the quadrature grid
 * (MODEL.md section 2): education, screening beliefs and task choice, task
 * supplies and CES task prices.
 *
 * Unknowns x = (p_k if prices are free, mu_ke, V_ke).  One evaluation of the
 * map F computes the choices implied by x at every node, the cell moments and
 * supplies they imply, and the prices the supplies imply.  The solution is a
 * fixed point of F, found by damped iteration with Anderson mixing (memory 5,
 * LAPACK dgels for the small least-squares problem), restarted from a plain
 * damped step whenever it would leave the domain (V < 0, p <= 0) or the
 * residual grows.  Convergence: sup-norm of F(x) - x below eq_tol; the
 * accepted point is the x whose residual was measured.
 *
 * Cell moments are computed from log masses normalised by the cell's
 * largest one, so a cell whose total mass underflows to zero still has the
 * conditional mean and variance the formulas define in the limit.
 */
#include <math.h>
#include <string.h>

#include "lapack.h"
#include "ineq_internal.h"
#include "numerics.h"
#include "vmath.h"
#include "solve_internal.h"

#define AA_MEMORY 5
#define AA_DAMPING 0.5

int aiq_eq_alloc(aiq_eq *eq, size_t K) {
  memset(eq, 0, sizeof *eq);
  eq->K = K;
  double *blk = aiq_malloc_array(K, 12 * sizeof *blk);
  if (!blk) return AIINEQ_ERR_NOMEM;
  eq->p = blk;
  eq->S = blk + K;
  eq->n = blk + 2 * K;
  eq->log_s = blk + 3 * K;
  eq->mu = blk + 4 * K;
  eq->V = blk + 6 * K;
  eq->r = blk + 8 * K;
  /* blk + 10K .. 12K: spare (unused) */
  return AIINEQ_OK;
}

void aiq_eq_free(aiq_eq *eq) {
  if (eq) aiq_free(eq->p);
  if (eq) eq->p = NULL;
}

int aiq_eq_copy(aiq_eq *dst, const aiq_eq *src) {
  int rc = aiq_eq_alloc(dst, src->K);
  if (rc) return rc;
  double *blk = dst->p;
  memcpy(blk, src->p, src->K * 12 * sizeof *blk);
  *dst = *src;
  dst->p = blk;
  dst->S = blk + src->K;
  dst->n = blk + 2 * src->K;
  dst->log_s = blk + 3 * src->K;
  dst->mu = blk + 4 * src->K;
  dst->V = blk + 6 * src->K;
  dst->r = blk + 8 * src->K;
  return AIINEQ_OK;
}

int aiq_tech_init(aiq_tech *tech, const aiineq_model *m, double A, double theta) {
  size_t K = m->n_tasks;
  tech->A = A;
  tech->theta = theta;
  tech->c = aiq_malloc_array(K, 2 * sizeof *tech->c);
  if (!tech->c) return AIINEQ_ERR_NOMEM;
  tech->d = tech->c + K;
  double h_ai = aiq_par(m, H_AI);
  for (size_t k = 0; k < K; k++) {
    double s = theta * A * m->x[k];
    tech->c[k] = 1.0 - s;
    tech->d[k] = s * h_ai;
  }
  return AIINEQ_OK;
}

void aiq_tech_free(aiq_tech *tech) {
  if (tech) aiq_free(tech->c);
  if (tech) tech->c = tech->d = NULL;
}

/* Choice coefficients from prices, beliefs and technology:
 * log nu_k + omega_ke(a)/tau with omega = log p + (1-r) mu + r (c (a + beta_e e) + d). */
static void choice_coefs(const aiineq_model *m, const aiq_tech *tech, const double *p,
                         const double *mu, const double *r, double *alpha, double *beta) {
  double tau = aiq_par(m, TAU), be = aiq_par(m, BETA_E);
  for (size_t k = 0; k < m->n_tasks; k++) {
    double lp = log(p[k]), lnu = log(m->nu[k]);
    for (int e = 0; e < 2; e++) {
      size_t c = 2 * k + (size_t)e;
      double qoff = tech->c[k] * be * e + tech->d[k];
      alpha[c] = lnu + (lp + (1.0 - r[c]) * mu[c] + r[c] * qoff) / tau;
      beta[c] = r[c] * tech->c[k] / tau;
    }
  }
}

int aiq_choice_init(aiq_choice *ch, const aiineq_model *m, const aiq_tech *tech,
                    const aiq_eq *eq) {
  ch->K = m->n_tasks;
  ch->alpha = aiq_malloc_array(ch->K, 4 * sizeof *ch->alpha);
  if (!ch->alpha) return AIINEQ_ERR_NOMEM;
  ch->beta = ch->alpha + 2 * ch->K;
  choice_coefs(m, tech, eq->p, eq->mu, eq->r, ch->alpha, ch->beta);
  return AIINEQ_OK;
}

void aiq_choice_free(aiq_choice *ch) {
  if (ch) aiq_free(ch->alpha);
  if (ch) ch->alpha = ch->beta = NULL;
}

static void reliabilities(const aiineq_model *m, const double *V, double *r) {
  double sz2 = aiq_par(m, SIGMA_Z) * aiq_par(m, SIGMA_Z);
  for (size_t c = 0; c < 2 * m->n_tasks; c++) r[c] = V[c] / (V[c] + sz2);
}

/* Workspace of the map F. */
typedef struct work {
  const aiineq_model *m;
  const aiq_grid *g;
  double *alpha, *beta; /* 2K */
  double *lm;           /* Q x 2K log masses */
  double *pk;           /* 2K scratch */
  double *r;            /* 2K */
  double *wt;           /* Q: one cell's weights exp(lm - max) */
  double *ws;           /* Q: one cell's terms of the supply's sum */
  double *lw;           /* Q: log of the node weights */
} work;

/* Log masses of every (node, cell) under the choice coefficients in w, and
 * the college share. */
static double log_masses(work *w, double *p1) {
  const aiineq_model *m = w->m;
  size_t K = m->n_tasks, C = 2 * K;
  double tau = aiq_par(m, TAU), tau_e = aiq_par(m, TAU_E);
  double c0 = aiq_par(m, C0), kappa = aiq_par(m, KAPPA);
  double college = 0.0;
  for (size_t i = 0; i < w->g->q; i++) {
    double a = w->g->a[i], lse[2];
    double *lm = w->lm + i * C;
    for (int e = 0; e < 2; e++) {
      double mx = -INFINITY;
      for (size_t k = 0; k < K; k++) {
        size_t c = 2 * k + (size_t)e;
        lm[c] = w->alpha[c] + w->beta[c] * a;
        if (lm[c] > mx) mx = lm[c];
      }
      double s = 0.0;
      for (size_t k = 0; k < K; k++) s += exp(lm[2 * k + (size_t)e] - mx);
      lse[e] = mx + log(s);
    }
    double xe = (tau * (lse[1] - lse[0]) - c0 + kappa * a) / tau_e;
    double lw = w->lw[i];
    double lpe[2] = {lw - aiq_log1pexp(xe), lw - aiq_log1pexp(-xe)};
    double pe1 = exp(lpe[1] - lw);
    college += w->g->w[i] * pe1;
    if (p1) p1[i] = pe1;
    for (size_t k = 0; k < K; k++)
      for (int e = 0; e < 2; e++) lm[2 * k + (size_t)e] += lpe[e] - lse[e];
  }
  return college;
}

/* Cell moments, supplies and employment from the log masses, with q under
 * technology `tech`. */
static void cell_stats(work *w, const aiq_tech *tech, double *mu, double *V, double *log_s,
                       double *n) {
  const aiineq_model *m = w->m;
  size_t K = m->n_tasks, C = 2 * K, Q = w->g->q;
  double be = aiq_par(m, BETA_E);
  for (size_t k = 0; k < K; k++) {
    double ls_max = -INFINITY, ls_sum = 0.0, n_k = 0.0;
    /* log S_k = logsumexp over (i, e) of lm + q; first find the maximum. */
    for (int e = 0; e < 2; e++)
      for (size_t i = 0; i < Q; i++) {
        double q = tech->c[k] * (w->g->a[i] + be * e) + tech->d[k];
        double v = w->lm[i * C + 2 * k + (size_t)e] + q;
        if (v > ls_max) ls_max = v;
      }
    for (int e = 0; e < 2; e++) {
      size_t c = 2 * k + (size_t)e;
      double mx = -INFINITY;
      for (size_t i = 0; i < Q; i++)
        if (w->lm[i * C + c] > mx) mx = w->lm[i * C + c];
      double sw = 0.0, swq = 0.0, *wt = w->wt, *ws = w->ws;
      /* The exponentials of a cell as two batches (vmath.h: SLEEF's vector
       * kernels, the same bits at every width), then the sums in node order. */
      for (size_t i = 0; i < Q; i++) {
        double q = tech->c[k] * (w->g->a[i] + be * e) + tech->d[k];
        wt[i] = w->lm[i * C + c] - mx;
        ws[i] = w->lm[i * C + c] + q - ls_max;
      }
      aiq_vexp(wt, wt, Q); /* wt kept for the variance */
      aiq_vexp(ws, ws, Q);
      for (size_t i = 0; i < Q; i++) {
        double q = tech->c[k] * (w->g->a[i] + be * e) + tech->d[k];
        sw += wt[i];
        swq += wt[i] * q;
        ls_sum += ws[i];
      }
      double mean = swq / sw, ssd = 0.0;
      for (size_t i = 0; i < Q; i++) {
        double dq = tech->c[k] * (w->g->a[i] + be * e) + tech->d[k] - mean;
        ssd += wt[i] * dq * dq;
      }
      mu[c] = mean;
      V[c] = ssd / sw;
      n_k += exp(mx) * sw;
    }
    log_s[k] = ls_max + log(ls_sum);
    n[k] = n_k;
  }
}

/* Log prices from log supplies: p_k = g_k (Y/S_k)^(1/s) with g_k = share_k^(1/s),
 * written as log p_k = (log share_k + log Y - log S_k)/s where
 * log Y = log1p(sum_k share_k expm1(eps L_k))/eps, L_k = log S_k - log share_k,
 * eps = (s-1)/s; at s = 1 the Cobb-Douglas limit log Y = sum_k share_k L_k. */
static void ces_log_prices(const aiq_prices *pr, size_t K, const double *log_s, double *lp) {
  if (pr->fixed) {
    for (size_t k = 0; k < K; k++) lp[k] = 0.0;
    return;
  }
  double s = pr->sigma, eps = (s - 1.0) / s, log_y = 0.0;
  if (eps == 0.0) {
    for (size_t k = 0; k < K; k++)
      log_y += exp(pr->log_share[k]) * (log_s[k] - pr->log_share[k]);
  } else {
    /* D = sum share_k expm1(eps L_k) can be large: use log-sum-exp when it is. */
    double D = 0.0, mx = -INFINITY;
    for (size_t k = 0; k < K; k++) {
      double t = eps * (log_s[k] - pr->log_share[k]);
      D += exp(pr->log_share[k]) * expm1(t);
      if (t + pr->log_share[k] > mx) mx = t + pr->log_share[k];
    }
    if (D > -0.5 && D < 1.0) {
      log_y = log1p(D) / eps;
    } else {
      double sum = 0.0;
      for (size_t k = 0; k < K; k++)
        sum += exp(eps * (log_s[k] - pr->log_share[k]) + pr->log_share[k] - mx);
      log_y = (mx + log(sum)) / eps;
    }
  }
  for (size_t k = 0; k < K; k++) lp[k] = (pr->log_share[k] + log_y - log_s[k]) / s;
}

static int work_init(work *w, const aiineq_model *m, const aiq_grid *g) {
  size_t K = m->n_tasks;
  w->m = m;
  w->g = g;
  /* (2K + 3)(4 + Q) >= 8K + 2KQ + 3Q doubles, the product checked */
  w->alpha = aiq_malloc_array(2 * K + 3, (4 + g->q) * sizeof(double));
  if (!w->alpha) return AIINEQ_ERR_NOMEM;
  w->beta = w->alpha + 2 * K;
  w->pk = w->alpha + 4 * K;
  w->r = w->alpha + 6 * K;
  w->lm = w->alpha + 8 * K;
  w->wt = w->lm + 2 * K * g->q;
  w->ws = w->wt + g->q;
  w->lw = w->ws + g->q;
  for (size_t i = 0; i < g->q; i++) w->lw[i] = log(g->w[i]);
  return AIINEQ_OK;
}

static void finish(const aiineq_model *m, aiq_eq *eq) {
  reliabilities(m, eq->V, eq->r);
  for (size_t k = 0; k < eq->K; k++) eq->S[k] = exp(eq->log_s[k]);
}

/* One evaluation: x = (p, mu, V) in eq -> F(x) into flp (log prices), fmu, fV; supplies,
 * employment and college share of x into eq. */
static void eval_map(work *w, const aiq_tech *tech, const aiq_prices *pr, aiq_eq *eq,
                     double *flp, double *fmu, double *fV) {
  reliabilities(w->m, eq->V, w->r);
  choice_coefs(w->m, tech, eq->p, eq->mu, w->r, w->alpha, w->beta);
  eq->college_share = log_masses(w, NULL);
  cell_stats(w, tech, fmu, fV, eq->log_s, eq->n);
  if (!pr->fixed) ces_log_prices(pr, eq->K, eq->log_s, flp);
}

/* x vector <-> equilibrium.  Layout: [log p if free][mu][V].  Prices are
 * iterated in logs: they are positive and scale-free, and the price map is
 * far closer to linear in logs. */
static void pack(const aiq_eq *eq, int fixed, double *x) {
  size_t K = eq->K, o = 0;
  if (!fixed) {
    for (size_t k = 0; k < K; k++) x[k] = log(eq->p[k]);
    o = K;
  }
  memcpy(x + o, eq->mu, 2 * K * sizeof *x);
  memcpy(x + o + 2 * K, eq->V, 2 * K * sizeof *x);
}

static void unpack(const double *x, int fixed, aiq_eq *eq) {
  size_t K = eq->K, o = 0;
  if (!fixed) {
    for (size_t k = 0; k < K; k++) eq->p[k] = exp(x[k]);
    o = K;
  } else {
    for (size_t k = 0; k < K; k++) eq->p[k] = 1.0;
  }
  memcpy(eq->mu, x + o, 2 * K * sizeof *x);
  memcpy(eq->V, x + o + 2 * K, 2 * K * sizeof *x);
}

/* x inside the domain: finite, V >= 0, prices representable. */
static int in_domain(const double *x, size_t K, int fixed) {
  size_t np = fixed ? 0 : K, n = np + 4 * K;
  for (size_t i = 0; i < n; i++) {
    if (!isfinite(x[i])) return 0;
    if (i < np && !(fabs(x[i]) < 700.0)) return 0;
    if (i >= np + 2 * K && x[i] < 0.0) return 0;
  }
  return 1;
}

/* Variances are clipped at zero (a projection, not a failure). */
static void project(double *x, size_t K, int fixed) {
  size_t v0 = (fixed ? 0 : K) + 2 * K;
  for (size_t i = v0; i < v0 + 2 * K; i++)
    if (x[i] < 0.0) x[i] = 0.0;
}

/* Fixed-point problem: G(x) = F(x) - x. */
typedef struct fp {
  work w;
  const aiq_tech *tech;
  const aiq_prices *pr;
  aiq_eq *eq;
  size_t K, n, np;
  long evals;
  double *fx; /* n scratch */
} fp;

/* g = F(x) - x; returns max |g| (NaN if any entry is not finite). The
 * supplies, employment and college share of x are left in fp->eq. */
static double eval_g(fp *f, const double *x, double *g) {
  unpack(x, f->pr->fixed, f->eq);
  eval_map(&f->w, f->tech, f->pr, f->eq, f->fx, f->fx + f->np, f->fx + f->np + 2 * f->K);
  f->evals++;
  double res = 0.0;
  for (size_t i = 0; i < f->n; i++) {
    g[i] = f->fx[i] - x[i];
    double ag = fabs(g[i]);
    if (!(ag <= res)) res = ag; /* NaN propagates */
  }
  return res;
}

/* Sum of squares of g[0..n). */
static double sumsq(const double *g, size_t n) {
  double s = 0.0;
  for (size_t i = 0; i < n; i++) s += g[i] * g[i];
  return s;
}

/* Newton steps on G with a forward-difference Jacobian (n + 1 evaluations
 * per step) and LAPACK dgesv, with backtracking on the merit ||G||_2^2 (the
 * Newton direction is a descent direction for it).  Starts from x (whose
 * residual vector is g, max norm *res) and updates x, g, *res.  Returns 1
 * when converged, 0 when it stalled or the budget ran out, -1 on allocation
 * failure. */
static int newton(fp *f, double *x, double *g, double *res, double tol, long max_evals) {
  size_t n = f->n;
  int in = (int)n, one = 1, info = 0;
  double *jac = aiq_malloc_array(n, (n + 3) * sizeof *jac);
  int *ipiv = aiq_malloc_array(n, sizeof *ipiv);
  if (!jac || !ipiv) {
    aiq_free(jac);
    aiq_free(ipiv);
    return -1;
  }
  double *xt = jac + n * n, *gt = xt + n, *d = gt + n;
  int status = 0;
  while (f->evals < max_evals) {
    if (*res < tol) {
      status = 1;
      break;
    }
    if (f->evals + (long)n + 1 > max_evals) break;
    for (size_t j = 0; j < n; j++) {
      memcpy(xt, x, n * sizeof *xt);
      double h = 1e-7 * (fabs(x[j]) > 1.0 ? fabs(x[j]) : 1.0);
      xt[j] += h;
      h = xt[j] - x[j]; /* the step actually taken */
      eval_g(f, xt, gt);
      for (size_t i = 0; i < n; i++) jac[j * n + i] = (gt[i] - g[i]) / h;
    }
    for (size_t i = 0; i < n; i++) d[i] = -g[i];
    dgesv_(&in, &one, jac, &in, ipiv, d, &in, &info);
    if (info != 0) break;
    double merit = sumsq(g, n), t = 1.0, rt = INFINITY;
    int accepted = 0;
    for (; t >= 1.0 / 64 && f->evals < max_evals; t *= 0.5) {
      for (size_t i = 0; i < n; i++) xt[i] = x[i] + t * d[i];
      project(xt, f->K, f->pr->fixed);
      if (!in_domain(xt, f->K, f->pr->fixed)) continue;
      rt = eval_g(f, xt, gt);
      if (rt < tol || (isfinite(rt) && sumsq(gt, n) <= (1.0 - 1e-4 * t) * merit)) {
        accepted = 1;
        break;
      }
    }
    if (!accepted) break; /* no descent: the linearisation is poor here */
    memcpy(x, xt, n * sizeof *x);
    memcpy(g, gt, n * sizeof *g);
    *res = rt;
  }
  if (status == 0 && *res < tol) status = 1;
  aiq_free(jac);
  aiq_free(ipiv);
  return status;
}

/* Largest system solved by the Newton fallback (its Jacobian costs n
 * evaluations and n^2 doubles). */
#define NEWTON_MAX 400
/* Anderson counts as stalled after this many evaluations without halving
 * the residual; Newton is tried at most NEWTON_TRIES times per solve. */
#define AA_STALL 60
#define NEWTON_TRIES 4

int aiq_eq_solve(const aiineq_model *m, const aiq_grid *g, const aiq_tech *tech,
                 const aiq_prices *pr, aiq_eq *eq, const char *label, char *err) {
  size_t K = m->n_tasks, n = (pr->fixed ? 4 : 5) * K;
  size_t mem = AA_MEMORY < n ? AA_MEMORY : n;
  fp f = {.tech = tech, .pr = pr, .eq = eq, .K = K, .n = n, .np = pr->fixed ? 0 : K};
  if (work_init(&f.w, m, g))
    return aiq_fail(err, AIINEQ_ERR_NOMEM, "out of memory (%s equilibrium)", label);
  /* x, fx, gx, x_prev, g_prev, x_new, ls rhs, x_best, dX (n x mem), dG, A copy */
  double *buf = aiq_malloc_array(n, (8 + 3 * mem) * sizeof *buf);
  double lwork_q = 0.0;
  int ilwork = -1, info = 0, in = (int)n, imem = (int)mem, one = 1;
  dgels_("N", &in, &imem, &one, NULL, &in, NULL, &in, &lwork_q, &ilwork, &info);
  ilwork = info == 0 && lwork_q >= 1.0 ? (int)lwork_q : (int)(n + mem) * 64;
  double *lwork = aiq_malloc_array((size_t)ilwork, sizeof *lwork);
  if (!buf || !lwork) {
    aiq_free(f.w.alpha);
    aiq_free(buf);
    aiq_free(lwork);
    return aiq_fail(err, AIINEQ_ERR_NOMEM, "out of memory (%s equilibrium)", label);
  }
  double *x = buf, *gx = buf + 2 * n, *xp = buf + 3 * n, *gp = buf + 4 * n;
  double *xn = buf + 5 * n, *rhs = buf + 6 * n, *xb = buf + 7 * n, *dX = buf + 8 * n,
         *dG = dX + n * mem, *Ac = dG + n * mem;
  f.fx = buf + n;
  double lambda = AA_DAMPING, best = INFINITY, mark = INFINITY, res = INFINITY, first = 0.0;
  size_t cols = 0, head = 0; /* columns stored in the ring buffer dX/dG */
  int have_prev = 0, have_last = 0, retreats = 0, rc = AIINEQ_ERR_NOCONV, newton_tried = 0;
  long mark_it = 0, max_iter = (long)aiq_ipar(m, EQ_MAX_ITER);
  double tol = aiq_par(m, EQ_TOL);

  pack(eq, pr->fixed, x);
  while (f.evals < max_iter) {
    res = eval_g(&f, x, gx);
    if (res < tol) {
      rc = AIINEQ_OK;
      break;
    }
    /* Newton from the best point so far when Anderson blows up (the
     * map overflows or the residual explodes) or stalls (no halving of the
     * residual in AA_STALL evaluations: an unstable or nearly flat
     * direction).  Only for systems small enough for a dense Jacobian. */
    int blown = have_last && (!isfinite(res) || res > 1e3 * first);
    if (isfinite(res)) {
      if (!have_last) first = res;
      if (res < best) {
        best = res;
        memcpy(xb, x, n * sizeof *x);
      }
      if (res < 0.5 * mark) {
        mark = res;
        mark_it = f.evals;
      }
    }
    if ((blown || f.evals - mark_it > AA_STALL) && n <= NEWTON_MAX &&
        newton_tried < NEWTON_TRIES) {
      newton_tried++;
      memcpy(x, xb, n * sizeof *x);
      res = eval_g(&f, x, gx);
      int nr = newton(&f, x, gx, &res, tol, max_iter);
      if (nr < 0) {
        rc = AIINEQ_ERR_NOMEM;
        break;
      }
      if (nr == 1 || !isfinite(res)) {
        rc = nr == 1 ? AIINEQ_OK : rc;
        break;
      }
      /* Newton stalled too: resume mixing from its point, memory cleared. */
      cols = 0;
      have_prev = 0;
      lambda = AA_DAMPING;
      mark = res;
      mark_it = f.evals;
      continue;
    }
    if (!isfinite(res)) {
      /* The step overshot into a region where the map overflows (a price
       * or supply beyond double range): retreat toward the last point with
       * a finite residual, clearing the mixing memory. */
      if (!have_last || ++retreats > 60) break;
      for (size_t i = 0; i < n; i++) x[i] = xp[i] + 0.25 * (x[i] - xp[i]);
      cols = 0;
      have_prev = 0;
      continue;
    }
    retreats = 0;
    if (res > 4.0 * best && cols > 0) { /* mixing went astray: restart, damp harder */
      cols = 0;
      have_prev = 0;
      if (lambda > 0.05) lambda *= 0.5;
    }
    if (have_prev) {
      for (size_t i = 0; i < n; i++) {
        dX[head * n + i] = x[i] - xp[i];
        dG[head * n + i] = gx[i] - gp[i];
      }
      head = (head + 1) % mem;
      if (cols < mem) cols++;
    }
    memcpy(xp, x, n * sizeof *x);
    memcpy(gp, gx, n * sizeof *x);
    have_prev = 1;
    have_last = 1;
    for (size_t i = 0; i < n; i++) xn[i] = x[i] + lambda * gx[i];
    if (cols > 0) {
      int icols = (int)cols;
      memcpy(Ac, dG, n * cols * sizeof *Ac);
      memcpy(rhs, gx, n * sizeof *rhs);
      dgels_("N", &in, &icols, &one, Ac, &in, rhs, &in, lwork, &ilwork, &info);
      int ok = info == 0;
      for (size_t j = 0; ok && j < cols; j++) ok = isfinite(rhs[j]);
      if (ok) {
        for (size_t j = 0; j < cols; j++)
          for (size_t i = 0; i < n; i++)
            xn[i] -= (dX[j * n + i] + lambda * dG[j * n + i]) * rhs[j];
        project(xn, K, pr->fixed);
      }
      if (!ok || !in_domain(xn, K, pr->fixed)) {
        for (size_t i = 0; i < n; i++) xn[i] = x[i] + lambda * gx[i];
        cols = 0;
        have_prev = 0;
      }
    }
    if (!in_domain(xn, K, pr->fixed)) { /* even the damped step left the domain */
      double step = lambda;
      do {
        step *= 0.5;
        for (size_t i = 0; i < n; i++) xn[i] = x[i] + step * gx[i];
      } while (!in_domain(xn, K, pr->fixed) && step > 1e-12);
    }
    memcpy(x, xn, n * sizeof *x);
  }
  /* eq holds the supplies of the last evaluated point, which is x unless the
   * budget ran out first. */
  unpack(x, pr->fixed, eq);
  finish(m, eq);
  eq->iterations = f.evals;
  eq->residual = res;
  aiq_free(f.w.alpha);
  aiq_free(buf);
  aiq_free(lwork);
  if (rc == AIINEQ_ERR_NOMEM) return aiq_fail(err, rc, "out of memory (equilibrium, Newton)");
  if (rc != AIINEQ_OK)
    return aiq_fail(err, AIINEQ_ERR_NOCONV,
                    "%s equilibrium (adoption A = %g) not reached after %ld iterations: "
                    "sup-norm residual %.3g (eq_tol %.3g)",
                    label, tech->A, f.evals, res, tol);
  return AIINEQ_OK;
}

int aiq_eq_held(const aiineq_model *m, const aiq_grid *g, const aiq_tech *base_tech,
                const aiq_eq *base, const aiq_tech *tech, const aiq_prices *pr, aiq_eq *eq,
                char *err) {
  size_t K = m->n_tasks;
  work w;
  if (work_init(&w, m, g))
    return aiq_fail(err, AIINEQ_ERR_NOMEM, "out of memory (post-AI equilibrium)");
  double *mu = w.pk, *V = w.r; /* scratch: discarded, beliefs stay at baseline */
  choice_coefs(m, base_tech, base->p, base->mu, base->r, w.alpha, w.beta);
  eq->college_share = log_masses(&w, NULL);
  cell_stats(&w, tech, mu, V, eq->log_s, eq->n);
  memcpy(eq->mu, base->mu, 2 * K * sizeof *eq->mu);
  memcpy(eq->V, base->V, 2 * K * sizeof *eq->V);
  ces_log_prices(pr, K, eq->log_s, eq->p);
  for (size_t k = 0; k < K; k++) eq->p[k] = exp(eq->p[k]);
  finish(m, eq);
  eq->iterations = 0;
  eq->residual = 0.0;
  aiq_free(w.alpha);
  (void)err;
  return AIINEQ_OK;
}

/* m1, m2: mean of exp(theta (h_ai - h)) - 1 over the bottom and top quintiles
 * of baseline human capital h = a + beta_e e.  The 2Q mass points (a_i, e)
 * with masses w_i P(e | a_i) are sorted by h; the quintile boundary node
 * contributes the fraction of its mass inside the quintile. */
int aiq_moments_quadrature(const aiineq_model *m, const aiq_grid *g, const aiq_tech *base_tech,
                           const aiq_eq *base, double *m1, double *m2) {
  size_t Q = g->q, P = 2 * Q;
  work w;
  if (work_init(&w, m, g)) return AIINEQ_ERR_NOMEM;
  double *h = aiq_malloc_array(P, 3 * sizeof *h);
  if (!h) {
    aiq_free(w.alpha);
    return AIINEQ_ERR_NOMEM;
  }
  double *mass = h + P, *hs = h + 2 * P;
  size_t *idx = aiq_malloc_array(P, sizeof *idx);
  if (!idx) {
    aiq_free(w.alpha);
    aiq_free(h);
    return AIINEQ_ERR_NOMEM;
  }
  choice_coefs(m, base_tech, base->p, base->mu, base->r, w.alpha, w.beta);
  log_masses(&w, hs);
  double be = aiq_par(m, BETA_E), theta = aiq_par(m, THETA), h_ai = aiq_par(m, H_AI);
  for (size_t i = 0; i < Q; i++) {
    h[2 * i] = g->a[i];
    mass[2 * i] = g->w[i] * (1.0 - hs[i]);
    h[2 * i + 1] = g->a[i] + be;
    mass[2 * i + 1] = g->w[i] * hs[i];
  }
  int rc = aiq_argsort_double(h, P, idx);
  if (rc == AIINEQ_OK) {
    double total = 0.0;
    for (size_t j = 0; j < P; j++) total += mass[j];
    double cut = 0.2 * total;
    for (int side = 0; side < 2; side++) {
      double acc = 0.0, sum = 0.0;
      for (size_t r = 0; r < P && acc < cut; r++) {
        size_t j = idx[side == 0 ? r : P - 1 - r];
        double take = mass[j] < cut - acc ? mass[j] : cut - acc;
        acc += take;
        sum += take * expm1(theta * (h_ai - h[j]));
      }
      *(side == 0 ? m1 : m2) = sum / cut;
    }
  }
  aiq_free(idx);
  aiq_free(h);
  aiq_free(w.alpha);
  return rc;
}
