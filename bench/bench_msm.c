/*
 * bench_msm.c -- time of a full default calibration (six parameters, default
 * targets, MODEL.md section 5's reference start, one start, 200000
 * households, Levenberg-Marquardt) including the inference, and of a
 * 21 x 21 regime map over (eta, xi).  Goals (issue 4): calibration under
 * 5 s, map under 30 s on the 2-core machine (run with one thread, then with
 * one thread per core).  Prints figures; never fails on speed.
 */
#include <stdio.h>
#include <time.h>
#include <unistd.h>

#include "aiineq.h"

static double now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* One calibration and one map with the model's thread count set to nt. */
static int run(int nt) {
  static const char *pn[6] = {"theta", "h_ai", "beta_e", "c0", "xi", "chi"};
  const double start[6] = {0.2, 0.8, 0.3, 0.6, 0.1, 0.5};
  const double lo[6] = {0.0, 0.2, 0.05, 0.1, 0.0, 0.0}, hi[6] = {0.6, 2.0, 0.8, 1.5, 0.5, 1.5};
  aiineq_model *m = NULL;
  aiineq_msm *e = NULL;
  int rc = 1;
  if (aiineq_model_new(&m) || aiineq_model_set_threads(m, nt) || aiineq_msm_new(&e, m)) goto done;
  for (int p = 0; p < 6; p++)
    if (aiineq_msm_add_param(e, pn[p], lo[p], hi[p], start[p])) goto done;
  aiineq_msm_set_stopval(e, 1e-12);
  /* one solve, for the per-solve time */
  aiineq_result *r = NULL;
  double t = now();
  if (aiineq_solve(m, &r)) goto done;
  double t_solve = now() - t;
  aiineq_result_free(r);
  t = now();
  if (aiineq_msm_estimate(e)) {
    fprintf(stderr, "bench_msm: %s\n", aiineq_msm_errmsg(e));
    goto done;
  }
  double t_cal = now() - t, evals, jev, obj, b[6];
  aiineq_msm_stat(e, "evaluations", &evals);
  aiineq_msm_stat(e, "jacobian_evaluations", &jev);
  aiineq_msm_stat(e, "objective", &obj);
  aiineq_msm_result(e, "estimate", b, 6);
  printf("threads = %d\n", nt);
  printf("  one solve (N = 200000): %.3f s\n", t_solve);
  printf("  calibration (LM, one start, incl. inference): %.2f s, %g + %g evaluations, "
         "objective %.2e (goal < 5 s)\n",
         t_cal, evals, jev, obj);
  printf("    estimate theta %.4f h_ai %.4f beta_e %.4f c0 %.4f xi %.4f chi %.4f\n", b[0], b[1],
         b[2], b[3], b[4], b[5]);
  double eta[21], xi[21], dg[441];
  for (int i = 0; i < 21; i++) {
    eta[i] = i / 20.0;
    xi[i] = 0.6 * i / 20.0;
  }
  t = now();
  if (aiineq_regime_map(m, "eta", eta, 21, "xi", xi, 21, dg, 441, NULL, NULL)) goto done;
  double t_map = now() - t;
  int conc = 0;
  for (int i = 0; i < 441; i++) conc += dg[i] > 0;
  printf("  regime map 21 x 21 (441 solves): %.2f s, %.1f ms per point, %d concentration "
         "points (goal < 30 s)\n",
         t_map, 1e3 * t_map / 441, conc);
  rc = 0;
done:
  aiineq_msm_free(e);
  aiineq_model_free(m);
  return rc;
}

/* The goals are for the whole 2-core machine; one thread is shown beside. */
int main(void) {
  long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
  if (run(1)) return 1;
  return ncpu > 1 ? run((int)ncpu) : 0;
}
