/*
 * regime_map.c -- the two regimes of MODEL.md section 6 over (eta, xi):
 * Delta Gini on a grid, the boundary xi*(eta) where Delta Gini = 0, an SVG
 * picture (regimes shaded, boundary drawn, the calibrated point and the
 * eta0/eta1 scenarios marked), and the scenario table: for an m6 target in
 * {-0.01, 0, 0.01, 0.02}, chi re-estimated from m6 (it is identified by m6
 * alone) and Delta Gini under eta1 = 0.75 and eta0 = 0.25.
 *
 *   regime_map [--quiet] [--out PREFIX] [--n N] [--workers N] [--no-calibrate]
 *
 * Writes PREFIX.csv (eta, xi, delta_gini, regime), PREFIX_boundary.csv,
 * PREFIX_scenarios.csv and PREFIX.svg (PREFIX defaults to "regime_map").
 * The calibration (six parameters, default targets) comes first unless
 * --no-calibrate keeps the model's defaults.  Progress goes to stderr only
 * when it is a terminal and --quiet is not given.
 */
#include <aiineq.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define XI_MAX 0.6

static double t0;
static double now(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec + 1e-9 * t.tv_nsec;
}

static int map_progress(size_t done, size_t total, void *user) {
  fprintf(stderr, "\r  %s: %zu / %zu, %.1f s   ", (const char *)user, done, total, now() - t0);
  return 0;
}

static int calib_progress(size_t evals, double obj, double best, void *user) {
  (void)obj, (void)user;
  fprintf(stderr, "\r  calibration: %zu evaluations, best objective %.3e, %.1f s   ", evals,
          best, now() - t0);
  return 0;
}

static int fail(const char *what, const char *msg) {
  fprintf(stderr, "regime_map: %s: %s\n", what, msg);
  return 1;
}

static FILE *open_out(const char *prefix, const char *suffix) {
  char path[4096];
  snprintf(path, sizeof path, "%s%s", prefix, suffix);
  FILE *f = fopen(path, "w");
  if (!f) fprintf(stderr, "regime_map: cannot write %s\n", path);
  return f;
}

/* Calibrate the six default parameters to the default targets; *fit gets the
 * model at the estimate. */
static int calibrate(aiineq_model *m, int progress, aiineq_model **fit) {
  static const char *pn[6] = {"theta", "h_ai", "beta_e", "c0", "xi", "chi"};
  const double start[6] = {0.2, 0.8, 0.3, 0.6, 0.1, 0.5};
  const double lo[6] = {0.0, 0.2, 0.05, 0.1, 0.0, 0.0}, hi[6] = {0.6, 2.0, 0.8, 1.5, 0.5, 1.5};
  aiineq_msm *e = NULL;
  if (aiineq_msm_new(&e, m) != AIINEQ_OK) return 1;
  int rc = 0;
  for (int p = 0; p < 6 && !rc; p++) rc = aiineq_msm_add_param(e, pn[p], lo[p], hi[p], start[p]);
  aiineq_msm_set_stopval(e, 1e-12);
  if (progress) aiineq_msm_set_progress(e, calib_progress, NULL);
  if (!rc) rc = aiineq_msm_estimate(e);
  if (progress) fprintf(stderr, "\n");
  if (!rc) rc = aiineq_msm_model(e, fit);
  if (rc) fail("calibration", aiineq_msm_errmsg(e));
  aiineq_msm_free(e);
  return rc;
}

/* chi re-estimated from the m6 target alone; Delta Gini under eta1, eta0. */
static int scenario(aiineq_model *fit, double m6, double *chi, double *dg1, double *dg0) {
  aiineq_msm *e = NULL;
  double t[AIINEQ_N_MOMENTS], se[AIINEQ_N_MOMENTS], c0;
  size_t sel = 5;
  aiineq_model_get_double(fit, "chi", &c0);
  if (aiineq_msm_new(&e, fit) != AIINEQ_OK) return 1;
  aiineq_msm_get_targets(e, t, se, AIINEQ_N_MOMENTS);
  t[5] = m6;
  int rc = aiineq_msm_set_targets(e, t, se, AIINEQ_N_MOMENTS);
  if (!rc) rc = aiineq_msm_select_moments(e, &sel, 1);
  if (!rc) rc = aiineq_msm_add_param(e, "chi", 0.0, 3.0, c0);
  aiineq_msm_set_stopval(e, 1e-14);
  if (!rc) rc = aiineq_msm_estimate(e);
  if (!rc) rc = aiineq_msm_result(e, "estimate", chi, 1);
  aiineq_model *c = NULL;
  if (!rc) rc = aiineq_msm_model(e, &c);
  if (rc) fail("scenario", aiineq_msm_errmsg(e));
  aiineq_msm_free(e);
  const double eta[2] = {0.75, 0.25};
  double *out[2] = {dg1, dg0};
  for (int k = 0; k < 2 && !rc; k++) {
    aiineq_result *r = NULL;
    rc = aiineq_model_set_double(c, "eta", eta[k]);
    if (!rc) rc = aiineq_solve(c, &r);
    if (!rc) rc = aiineq_result_stat(r, "delta_gini", out[k]);
    aiineq_result_free(r);
  }
  aiineq_model_free(c);
  return rc;
}

/* SVG: cells coloured by regime (intensity by |Delta Gini|), boundary,
 * markers, axes. */
static void write_svg(FILE *f, const double *eta, size_t nx, const double *xi, size_t ny,
                      const double *dg, const double *root, const int *flag, double xi_hat) {
  const double W = 640, H = 520, L = 80, R = 150, T = 40, B = 70;
  const double pw = W - L - R, ph = H - T - B;
  double amax = 1e-12;
  for (size_t i = 0; i < nx * ny; i++) amax = fmax(amax, fabs(dg[i]));
  fprintf(f, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%g\" height=\"%g\" "
             "font-family=\"sans-serif\" font-size=\"12\">\n", W, H);
  fprintf(f, "<rect width=\"%g\" height=\"%g\" fill=\"white\"/>\n", W, H);
  fprintf(f, "<text x=\"%g\" y=\"24\" font-size=\"15\">Delta Gini over (eta, xi): two regimes"
             "</text>\n", L);
  double cw = pw / nx, chh = ph / ny;
  for (size_t j = 0; j < ny; j++)
    for (size_t i = 0; i < nx; i++) {
      double v = dg[j * nx + i], a = 0.15 + 0.85 * fabs(v) / amax;
      const char *col = v > 0 ? "200,60,40" : "40,90,200";
      fprintf(f, "<rect x=\"%.2f\" y=\"%.2f\" width=\"%.2f\" height=\"%.2f\" "
                 "fill=\"rgb(%s)\" fill-opacity=\"%.3f\"/>\n",
              L + i * cw, T + ph - (j + 1) * chh, cw + 0.3, chh + 0.3, col, a);
    }
  /* boundary: xi*(eta), drawn where found */
  double ex0 = eta[0], ex1 = eta[nx - 1], y0 = xi[0], y1 = xi[ny - 1];
#define PX(e) (L + cw / 2 + ((e)-ex0) / (ex1 - ex0) * (pw - cw))
#define PY(x) (T + ph - chh / 2 - ((x)-y0) / (y1 - y0) * (ph - chh))
  fprintf(f, "<polyline fill=\"none\" stroke=\"black\" stroke-width=\"2.5\" points=\"");
  for (size_t i = 0; i < nx; i++)
    if (flag[i] == AIINEQ_BOUNDARY_FOUND && root[i] <= y1)
      fprintf(f, "%.2f,%.2f ", PX(eta[i]), PY(root[i]));
  fprintf(f, "\"/>\n");
  /* calibrated point (eta1) and the eta0 scenario at the calibrated xi */
  fprintf(f, "<circle cx=\"%.2f\" cy=\"%.2f\" r=\"6\" fill=\"yellow\" stroke=\"black\"/>\n",
          PX(0.75), PY(xi_hat));
  fprintf(f, "<rect x=\"%.2f\" y=\"%.2f\" width=\"11\" height=\"11\" fill=\"white\" "
             "stroke=\"black\"/>\n", PX(0.25) - 5.5, PY(xi_hat) - 5.5);
  fprintf(f, "<line x1=\"%.2f\" y1=\"%.2f\" x2=\"%.2f\" y2=\"%.2f\" stroke=\"black\" "
             "stroke-dasharray=\"4,3\"/>\n", PX(0.75) - 7, PY(xi_hat), PX(0.25) + 7, PY(xi_hat));
  /* axes and ticks */
  fprintf(f, "<rect x=\"%g\" y=\"%g\" width=\"%g\" height=\"%g\" fill=\"none\" "
             "stroke=\"black\"/>\n", L, T, pw, ph);
  for (int k = 0; k <= 4; k++) {
    double e = ex0 + k * (ex1 - ex0) / 4, x = y0 + k * (y1 - y0) / 4;
    fprintf(f, "<text x=\"%.2f\" y=\"%g\" text-anchor=\"middle\">%.2f</text>\n", PX(e),
            T + ph + 18, e);
    fprintf(f, "<text x=\"%g\" y=\"%.2f\" text-anchor=\"end\">%.2f</text>\n", L - 6, PY(x) + 4,
            x);
  }
  fprintf(f, "<text x=\"%g\" y=\"%g\" text-anchor=\"middle\">eta: asset-embodied share of AI "
             "value</text>\n", L + pw / 2, H - 25);
  fprintf(f, "<text transform=\"translate(22,%g) rotate(-90)\" text-anchor=\"middle\">xi: "
             "rent-sharing elasticity</text>\n", T + ph / 2);
  /* legend */
  double lx = L + pw + 15;
  fprintf(f, "<rect x=\"%g\" y=\"%g\" width=\"14\" height=\"14\" fill=\"rgb(200,60,40)\"/>"
             "<text x=\"%g\" y=\"%g\">concentration</text>\n", lx, T, lx + 20, T + 11);
  fprintf(f, "<text x=\"%g\" y=\"%g\">(Delta Gini &gt; 0)</text>\n", lx + 20, T + 26);
  fprintf(f, "<rect x=\"%g\" y=\"%g\" width=\"14\" height=\"14\" fill=\"rgb(40,90,200)\"/>"
             "<text x=\"%g\" y=\"%g\">compression</text>\n", lx, T + 45, lx + 20, T + 56);
  fprintf(f, "<text x=\"%g\" y=\"%g\">(Delta Gini &lt; 0)</text>\n", lx + 20, T + 71);
  fprintf(f, "<line x1=\"%g\" y1=\"%g\" x2=\"%g\" y2=\"%g\" stroke=\"black\" "
             "stroke-width=\"2.5\"/><text x=\"%g\" y=\"%g\">boundary</text>\n",
          lx, T + 98, lx + 14, T + 98, lx + 20, T + 102);
  fprintf(f, "<circle cx=\"%g\" cy=\"%g\" r=\"6\" fill=\"yellow\" stroke=\"black\"/>"
             "<text x=\"%g\" y=\"%g\">calibrated (eta1)</text>\n", lx + 7, T + 125, lx + 20,
          T + 129);
  fprintf(f, "<rect x=\"%g\" y=\"%g\" width=\"11\" height=\"11\" fill=\"white\" "
             "stroke=\"black\"/><text x=\"%g\" y=\"%g\">eta0 scenario</text>\n", lx + 1.5,
          T + 146.5, lx + 20, T + 156);
  fprintf(f, "</svg>\n");
#undef PX
#undef PY
}

int main(int argc, char **argv) {
  int quiet = 0, calib = 1;
  const char *prefix = "regime_map";
  long n = 21, workers = 0;
  for (int i = 1; i < argc; i++) {
    if (strcmp(argv[i], "--quiet") == 0) quiet = 1;
    else if (strcmp(argv[i], "--no-calibrate") == 0) calib = 0;
    else if (strcmp(argv[i], "--out") == 0 && i + 1 < argc) prefix = argv[++i];
    else if (strcmp(argv[i], "--n") == 0 && i + 1 < argc) n = atol(argv[++i]);
    else if (strcmp(argv[i], "--workers") == 0 && i + 1 < argc) workers = atol(argv[++i]);
    else {
      fprintf(stderr, "usage: regime_map [--quiet] [--out PREFIX] [--n N] [--workers N] "
                      "[--no-calibrate]\n");
      return 2;
    }
  }
  if (n < 2 || n > 1000) return fail("--n", "grid size must be in 2..1000");
  int progress = !quiet && isatty(2);
  t0 = now();
  aiineq_model *m = NULL, *fit = NULL;
  if (aiineq_model_new(&m) != AIINEQ_OK) return 1;
  if (workers > 0 && (aiineq_model_set_int(m, "n_workers", workers) != AIINEQ_OK ||
                      aiineq_model_set_int(m, "n_firms", workers >= 200 ? workers / 100 : 1)))
    return fail("--workers", aiineq_model_errmsg(m));
  if (calib) {
    if (calibrate(m, progress, &fit)) return 1;
  } else if (aiineq_model_copy(m, &fit) != AIINEQ_OK) {
    return 1;
  }
  double xi_hat;
  aiineq_model_get_double(fit, "xi", &xi_hat);

  size_t nx = (size_t)n, ny = (size_t)n;
  double *eta = malloc(nx * sizeof *eta), *xi = malloc(ny * sizeof *xi);
  double *dg = malloc(nx * ny * sizeof *dg), *root = malloc(nx * sizeof *root);
  double *droot = malloc(nx * sizeof *droot);
  int *flag = malloc(nx * sizeof *flag);
  if (!eta || !xi || !dg || !root || !droot || !flag) return fail("memory", "out of memory");
  for (size_t i = 0; i < nx; i++) eta[i] = (double)i / (nx - 1);
  for (size_t j = 0; j < ny; j++) xi[j] = XI_MAX * j / (ny - 1);
  if (aiineq_regime_map(fit, "eta", eta, nx, "xi", xi, ny, dg, nx * ny,
                        progress ? map_progress : NULL, "map"))
    return fail("map", aiineq_model_errmsg(fit));
  if (progress) fprintf(stderr, "\n");
  if (aiineq_regime_boundary(fit, "eta", eta, nx, "xi", 0.0, 1.0, 0.0, root, flag, droot,
                             progress ? map_progress : NULL, "boundary"))
    return fail("boundary", aiineq_model_errmsg(fit));
  if (progress) fprintf(stderr, "\n");

  FILE *f = open_out(prefix, ".csv");
  if (!f) return 1;
  fprintf(f, "eta,xi,delta_gini,regime\n");
  for (size_t j = 0; j < ny; j++)
    for (size_t i = 0; i < nx; i++)
      fprintf(f, "%.6g,%.6g,%.10g,%s\n", eta[i], xi[j], dg[j * nx + i],
              dg[j * nx + i] > 0 ? "concentration" : "compression");
  fclose(f);
  if (!(f = open_out(prefix, "_boundary.csv"))) return 1;
  fprintf(f, "eta,xi_star,delta_gini_at_root,found\n");
  for (size_t i = 0; i < nx; i++)
    fprintf(f, "%.6g,%.10g,%.3g,%d\n", eta[i], root[i], droot[i],
            flag[i] == AIINEQ_BOUNDARY_FOUND);
  fclose(f);
  if (!(f = open_out(prefix, ".svg"))) return 1;
  write_svg(f, eta, nx, xi, ny, dg, root, flag, xi_hat);
  fclose(f);

  const double m6[4] = {-0.01, 0.0, 0.01, 0.02};
  if (!(f = open_out(prefix, "_scenarios.csv"))) return 1;
  fprintf(f, "m6_target,chi,delta_gini_eta1,delta_gini_eta0\n");
  printf("Scenario table: chi re-estimated from the m6 target (other parameters %s)\n",
         calib ? "at the calibration" : "at the defaults");
  printf("%10s %8s %12s %12s\n", "m6 target", "chi", "DG (eta1)", "DG (eta0)");
  for (int k = 0; k < 4; k++) {
    double chi, d1, d0;
    if (scenario(fit, m6[k], &chi, &d1, &d0)) return 1;
    fprintf(f, "%g,%.10g,%.10g,%.10g\n", m6[k], chi, d1, d0);
    printf("%10.3f %8.4f %+12.5f %+12.5f\n", m6[k], chi, d1, d0);
  }
  fclose(f);
  printf("\nBoundary xi*(eta) where Delta Gini = 0 (NaN: no sign change for xi in [0, 1])\n");
  for (size_t i = 0; i < nx; i += (nx > 11 ? 2 : 1)) printf("  eta %.2f  xi* %.4f\n", eta[i], root[i]);
  printf("\nWrote %s.csv, %s_boundary.csv, %s_scenarios.csv, %s.svg (%.1f s)\n", prefix, prefix,
         prefix, prefix, now() - t0);
  free(eta), free(xi), free(dg), free(root), free(droot), free(flag);
  aiineq_model_free(fit);
  aiineq_model_free(m);
  return 0;
}
