/*
 * regime.c -- Shapley decomposition of Delta Gini over the four channels,
 * the regime boundary by Brent's method, and regime maps (MODEL.md
 * section 6).  Each function works on a private copy of the caller's model.
 */
#include <math.h>
#include <string.h>

#include "model_internal.h"
#include "par.h"

/* Delta Gini of w solved with channel flags; a failure's message goes to
 * the caller's model m. */
static int delta_gini(char *err, aiineq_model *w, unsigned flags, double *dg) {
  aiineq_result *r = NULL;
  int rc = aiineq_solve_ex(w, flags, &r);
  if (rc < 0) return aiq_fail(err, rc, "%s", aiineq_model_errmsg(w));
  rc = aiineq_result_stat(r, "delta_gini", dg);
  aiineq_result_free(r);
  if (rc < 0) return aiq_fail(err, rc, "cannot read delta_gini from the result");
  if (!isfinite(*dg))
    return aiq_fail(err, AIINEQ_ERR_NONFINITE, "Delta Gini is not finite");
  return AIINEQ_OK;
}

static int copy_model(aiineq_model *m, aiineq_model **w) {
  int rc = aiineq_model_copy(m, w);
  return rc ? aiq_fail(m->err, rc, "out of memory copying the model") : AIINEQ_OK;
}

/* Set a real parameter on the copy, the message going to m. */
static int set_par(char *err, aiineq_model *w, const char *name, double v) {
  int rc = aiineq_model_set_double(w, name, v);
  return rc ? aiq_fail(err, rc, "%s", aiineq_model_errmsg(w)) : AIINEQ_OK;
}

AIINEQ_API int aiineq_shapley_channels(aiineq_model *m, double *contrib, size_t n,
                                       double *delta, double *base) {
  if (!m) return AIINEQ_ERR_ARG;
  if (!contrib || !delta)
    return aiq_fail(m->err, AIINEQ_ERR_ARG, "shapley: contrib or delta_gini is NULL");
  if (n != AIINEQ_N_CHANNELS)
    return aiq_fail(m->err, AIINEQ_ERR_SIZE, "shapley: n = %zu, must be %d", n,
                    AIINEQ_N_CHANNELS);
  static const unsigned bit[AIINEQ_N_CHANNELS] = {AIINEQ_HOLD_COMPRESSION, AIINEQ_HOLD_BEHAVIOUR,
                                                  AIINEQ_HOLD_PRICES, AIINEQ_HOLD_ASSET_RENTS};
  /* weight of a coalition of size k not containing the channel:
   * k! (n - k - 1)! / n! for n = 4 */
  static const double weight[AIINEQ_N_CHANNELS] = {0.25, 1.0 / 12, 1.0 / 12, 0.25};
  aiineq_model *w = NULL;
  int rc = copy_model(m, &w);
  if (rc) return rc;
  double v[16]; /* v[S]: S = set of active channels (bit c = channel c) */
  for (unsigned s = 0; s < 16 && !rc; s++) {
    unsigned flags = 0;
    for (int c = 0; c < AIINEQ_N_CHANNELS; c++)
      if (!(s & (1u << c))) flags |= bit[c];
    rc = delta_gini(m->err, w, flags, &v[s]);
  }
  aiineq_model_free(w);
  if (rc) return rc;
  for (int c = 0; c < AIINEQ_N_CHANNELS; c++) {
    double phi = 0;
    for (unsigned s = 0; s < 16; s++) {
      if (s & (1u << c)) continue;
      int k = __builtin_popcount(s);
      phi += weight[k] * (v[s | (1u << c)] - v[s]);
    }
    contrib[c] = phi;
  }
  *delta = v[15];
  if (base) *base = v[0];
  return AIINEQ_OK;
}

/* Validate a real parameter name for the grid functions. */
static int check_name(aiineq_model *m, const char *name, int *idx) {
  if (!name) return aiq_fail(m->err, AIINEQ_ERR_ARG, "parameter name is NULL");
  int i = aiq_param_lookup(name);
  if (i < 0) return aiq_fail(m->err, AIINEQ_ERR_NAME, "unknown parameter '%s'", name);
  if (aiq_param_table[i].flags & AIINEQ_PARAM_INTEGER)
    return aiq_fail(m->err, AIINEQ_ERR_TYPE, "parameter '%s' is integer-valued", name);
  *idx = i;
  return AIINEQ_OK;
}

/* Check that every value is accepted by the model (range and finiteness),
 * on a scratch copy, before any solve. */
static int check_values(aiineq_model *m, aiineq_model *w, const char *name, const double *v,
                        size_t n) {
  if (!v) return aiq_fail(m->err, AIINEQ_ERR_ARG, "grid of '%s' is NULL", name);
  for (size_t i = 0; i < n; i++) {
    int rc = set_par(m->err, w, name, v[i]);
    if (rc) return rc;
  }
  return AIINEQ_OK;
}

/* Delta Gini at root_param = x (grid parameter already set on w). */
static int dg_at(char *err, aiineq_model *w, const char *name, double x, double *f) {
  int rc = set_par(err, w, name, x);
  return rc ? rc : delta_gini(err, w, 0, f);
}

/* Brent's zero finder (Brent 1973, "zeroin") on [a, b] with f(a) f(b) < 0.
 * Stops when |f| <= ftol or the bracket is below 1e-12 (1 + |x|). */
static int brent(char *err, aiineq_model *w, const char *name, double a, double b,
                 double fa, double fb, double ftol, double *root, double *froot) {
  double c = a, fc = fa, d = b - a, e = d;
  for (int it = 0; it < 200; it++) {
    if ((fb > 0) == (fc > 0)) {
      c = a, fc = fa;
      d = e = b - a;
    }
    if (fabs(fc) < fabs(fb)) {
      a = b, b = c, c = a;
      fa = fb, fb = fc, fc = fa;
    }
    double tol = 2 * 2.220446049250313e-16 * fabs(b) + 0.5e-12 * (1 + fabs(b));
    double mid = 0.5 * (c - b);
    if (fabs(fb) <= ftol || fabs(mid) <= tol) {
      *root = b;
      *froot = fb;
      return AIINEQ_OK;
    }
    if (fabs(e) >= tol && fabs(fa) > fabs(fb)) {
      double s = fb / fa, p, q;
      if (a == c) { /* secant */
        p = 2 * mid * s;
        q = 1 - s;
      } else { /* inverse quadratic interpolation */
        double qq = fa / fc, r = fb / fc;
        p = s * (2 * mid * qq * (qq - r) - (b - a) * (r - 1));
        q = (qq - 1) * (r - 1) * (s - 1);
      }
      if (p > 0)
        q = -q;
      else
        p = -p;
      if (2 * p < fmin(3 * mid * q - fabs(tol * q), fabs(e * q))) {
        e = d;
        d = p / q;
      } else {
        d = mid;
        e = d;
      }
    } else {
      d = mid;
      e = d;
    }
    a = b, fa = fb;
    b += fabs(d) > tol ? d : (mid > 0 ? tol : -tol);
    int rc = dg_at(err, w, name, b, &fb);
    if (rc) return rc;
  }
  return aiq_fail(err, AIINEQ_ERR_NOCONV, "boundary: Brent did not converge in 200 steps");
}

/* One point of a grid function, solved on the model copy w; a failure's
 * message goes to err. */
typedef int (*grid_point_fn)(void *ctx, aiineq_model *w, char *err, size_t k);

/* Evaluate points 0..npts of a grid function on the threads of m
 * (aiq_par_threads): each thread has its own model copy, solving with one
 * thread.  Points are taken in blocks of a few per thread; after each block
 * the points are checked and reported to progress in their order, so the
 * first failure (its message into m->err), the progress calls and the stop
 * are those of a serial run.  A point's value depends only on its
 * parameters, never on which copy or thread solved it: the outputs are the
 * same bits for every thread count. */
static int grid_run(aiineq_model *m, size_t npts, grid_point_fn f, void *ctx,
                    aiineq_regime_progress_fn progress, void *user, const char *what,
                    int with_count) {
  int nt = aiq_par_threads(m);
  size_t ntz = (size_t)nt < npts ? (size_t)nt : npts;
  size_t block = ntz > 1 ? 4 * ntz : 1;
  aiineq_model **w = aiq_calloc(ntz, sizeof *w);
  int *prc = aiq_malloc_array(block, sizeof *prc);
  char(*perr)[AIQ_ERRLEN] = aiq_malloc_array(block, AIQ_ERRLEN);
  int rc = (w && prc && perr) ? AIINEQ_OK : aiq_fail(m->err, AIINEQ_ERR_NOMEM, "%s: out of memory", what);
  for (size_t t = 0; t < ntz && !rc; t++) {
    rc = copy_model(m, &w[t]);
    if (!rc && ntz > 1) w[t]->n_threads = 1; /* no nested parallelism */
  }
  for (size_t k0 = 0; k0 < npts && !rc; k0 += block) {
    size_t nb = npts - k0 < block ? npts - k0 : block;
#pragma omp parallel for num_threads((int)ntz) schedule(dynamic, 1) if (ntz > 1)
    for (size_t b = 0; b < nb; b++) {
      size_t t = aiq_par_thread_id();
      perr[b][0] = '\0';
      prc[b] = f(ctx, w[t], perr[b], k0 + b);
    }
    for (size_t b = 0; b < nb && !rc; b++) {
      if (prc[b]) {
        rc = aiq_fail(m->err, prc[b], "%s", perr[b]);
        break;
      }
      if (progress && progress(k0 + b + 1, npts, user) != 0)
        rc = with_count ? aiq_fail(m->err, AIINEQ_ERR_STOPPED,
                                   "%s: stopped by the caller after %zu of %zu", what, k0 + b + 1,
                                   npts)
                        : aiq_fail(m->err, AIINEQ_ERR_STOPPED, "%s: stopped by the caller", what);
    }
  }
  if (w)
    for (size_t t = 0; t < ntz; t++) aiineq_model_free(w[t]);
  aiq_free(w), aiq_free(prc), aiq_free(perr);
  return rc;
}

typedef struct boundary_ctx {
  const char *grid_param;
  const double *grid;
  const char *root_param;
  double lo, hi, ftol;
  size_t n;
  double *out; /* root, Delta Gini at the root, flag: three rows of n */
} boundary_ctx;

static int boundary_point(void *ctx, aiineq_model *w, char *err, size_t i) {
  const boundary_ctx *c = ctx;
  double flo, fhi, x = NAN, fx = NAN, lo = c->lo, hi = c->hi;
  int fl = AIINEQ_BOUNDARY_NO_SIGN_CHANGE;
  int rc = set_par(err, w, c->grid_param, c->grid[i]);
  if (!rc) rc = dg_at(err, w, c->root_param, lo, &flo);
  if (!rc) rc = dg_at(err, w, c->root_param, hi, &fhi);
  if (!rc && flo == 0) x = lo, fx = 0, fl = AIINEQ_BOUNDARY_FOUND;
  else if (!rc && fhi == 0) x = hi, fx = 0, fl = AIINEQ_BOUNDARY_FOUND;
  else if (!rc && (flo > 0) != (fhi > 0)) {
    rc = brent(err, w, c->root_param, lo, hi, flo, fhi, c->ftol, &x, &fx);
    fl = AIINEQ_BOUNDARY_FOUND;
  }
  c->out[i] = x;
  c->out[c->n + i] = fx;
  c->out[2 * c->n + i] = fl;
  return rc;
}

typedef struct map_ctx {
  const char *px;
  const double *x;
  size_t nx;
  const char *py;
  const double *y;
  double *out;
} map_ctx;

static int map_point(void *ctx, aiineq_model *w, char *err, size_t k) {
  const map_ctx *c = ctx;
  int rc = set_par(err, w, c->py, c->y[k / c->nx]);
  return rc ? rc : dg_at(err, w, c->px, c->x[k % c->nx], &c->out[k]);
}

AIINEQ_API int aiineq_regime_boundary(aiineq_model *m, const char *grid_param,
                                      const double *grid, size_t n, const char *root_param,
                                      double lo, double hi, double tol, double *root,
                                      int *flag, double *dgini_root,
                                      aiineq_regime_progress_fn progress, void *user) {
  if (!m) return AIINEQ_ERR_ARG;
  if (!root || !flag) return aiq_fail(m->err, AIINEQ_ERR_ARG, "boundary: root or flag is NULL");
  if (n == 0) return aiq_fail(m->err, AIINEQ_ERR_SIZE, "boundary: empty grid");
  int gi, ri, rc;
  if ((rc = check_name(m, grid_param, &gi)) || (rc = check_name(m, root_param, &ri))) return rc;
  if (gi == ri)
    return aiq_fail(m->err, AIINEQ_ERR_RANGE, "boundary: grid and root parameter are both '%s'",
                    grid_param);
  if (!isfinite(lo) || !isfinite(hi) || !isfinite(tol))
    return aiq_fail(m->err, AIINEQ_ERR_NONFINITE, "boundary: lo, hi and tol must be finite");
  if (!(lo < hi) || tol < 0)
    return aiq_fail(m->err, AIINEQ_ERR_RANGE, "boundary: need lo < hi (got %g, %g) and tol >= 0",
                    lo, hi);
  double ftol = tol > 0 ? tol : 1e-9;
  aiineq_model *w = NULL;
  if ((rc = copy_model(m, &w))) return rc;
  double bounds[2] = {lo, hi};
  rc = check_values(m, w, grid_param, grid, n);
  if (!rc) rc = check_values(m, w, root_param, bounds, 2);
  double *out = rc ? NULL : aiq_malloc_array(3 * n, sizeof *out);
  if (!rc && !out) rc = aiq_fail(m->err, AIINEQ_ERR_NOMEM, "boundary: out of memory");
  if (!rc) {
    boundary_ctx bc = {grid_param, grid, root_param, lo, hi, ftol, n, out};
    rc = grid_run(m, n, boundary_point, &bc, progress, user, "boundary", 1);
  }
  aiineq_model_free(w);
  if (!rc)
    for (size_t i = 0; i < n; i++) {
      root[i] = out[i];
      flag[i] = (int)out[2 * n + i];
      if (dgini_root) dgini_root[i] = out[n + i];
    }
  aiq_free(out);
  return rc;
}

AIINEQ_API int aiineq_regime_map(aiineq_model *m, const char *px, const double *x, size_t nx,
                                 const char *py, const double *y, size_t ny, double *dgini,
                                 size_t len, aiineq_regime_progress_fn progress, void *user) {
  if (!m) return AIINEQ_ERR_ARG;
  if (!dgini) return aiq_fail(m->err, AIINEQ_ERR_ARG, "regime map: dgini is NULL");
  if (nx == 0 || ny == 0 || len != nx * ny)
    return aiq_fail(m->err, AIINEQ_ERR_SIZE, "regime map: nx = %zu, ny = %zu, len = %zu", nx, ny,
                    len);
  int ix_, iy_, rc;
  if ((rc = check_name(m, px, &ix_)) || (rc = check_name(m, py, &iy_))) return rc;
  if (ix_ == iy_)
    return aiq_fail(m->err, AIINEQ_ERR_RANGE, "regime map: both axes are '%s'", px);
  aiineq_model *w = NULL;
  if ((rc = copy_model(m, &w))) return rc;
  rc = check_values(m, w, px, x, nx);
  if (!rc) rc = check_values(m, w, py, y, ny);
  double *out = rc ? NULL : aiq_malloc_array(len, sizeof *out);
  if (!rc && !out) rc = aiq_fail(m->err, AIINEQ_ERR_NOMEM, "regime map: out of memory");
  if (!rc) {
    map_ctx mc = {px, x, nx, py, y, out};
    rc = grid_run(m, len, map_point, &mc, progress, user, "regime map", 0);
  }
  aiineq_model_free(w);
  if (!rc) memcpy(dgini, out, len * sizeof *out);
  aiq_free(out);
  return rc;
}

AIINEQ_API int aiineq_source_decomposition(const aiineq_result *r, int economy, double *share,
                                           double *gini_s, double *corr, double *contrib,
                                           size_t n, double *gini) {
  if (!r || !share || !gini_s || !corr || !gini) return AIINEQ_ERR_ARG;
  if (n != AIINEQ_N_SOURCES) return AIINEQ_ERR_SIZE;
  if (economy != AIINEQ_PRE && economy != AIINEQ_POST) return AIINEQ_ERR_RANGE;
  const double *inc, *wage, *cap;
  size_t ni, nw, nc;
  int rc = aiineq_result_households(r, economy, "income", &inc, &ni);
  if (!rc) rc = aiineq_result_households(r, economy, "wage", &wage, &nw);
  if (!rc) rc = aiineq_result_households(r, economy, "capital_income", &cap, &nc);
  if (rc) return rc;
  if (nw != ni || nc != ni) return AIINEQ_ERR_SIZE;
  double *src = aiq_malloc_array(ni, 2 * sizeof *src);
  aiineq_dist *d = NULL;
  if (!src || aiineq_dist_new(&d) != AIINEQ_OK) {
    aiq_free(src);
    return AIINEQ_ERR_NOMEM;
  }
  memcpy(src, wage, ni * sizeof *src);
  memcpy(src + ni, cap, ni * sizeof *src);
  double sh[AIINEQ_N_SOURCES], gs[AIINEQ_N_SOURCES], co[AIINEQ_N_SOURCES], ct[AIINEQ_N_SOURCES], g;
  rc = aiineq_dist_set(d, inc, NULL, ni, 0);
  if (!rc) rc = aiineq_dist_gini(d, 0, &g);
  if (!rc) rc = aiineq_dist_gini_sources(d, src, ni, AIINEQ_N_SOURCES, sh, gs, co, ct);
  aiineq_dist_free(d);
  aiq_free(src);
  if (rc) return rc;
  memcpy(share, sh, sizeof sh);
  memcpy(gini_s, gs, sizeof gs);
  memcpy(corr, co, sizeof co);
  if (contrib) memcpy(contrib, ct, sizeof ct);
  *gini = g;
  return AIINEQ_OK;
}
