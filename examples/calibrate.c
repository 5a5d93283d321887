/*
 * calibrate.c -- calibrate the model to its six moments by the method of
 * simulated moments (MODEL.md sections 5-6) and report what the paper
 * reports: estimates, standard errors, the J test, the sensitivity matrix
 * Lambda, the Shapley decomposition of Delta Gini over the four channels,
 * the wages/capital source decomposition before and after, and a check of
 * the paper's findings in plain words.
 *
 *   calibrate [--quiet] [--json] [--targets FILE] [--workers N] [--starts N]
 *
 * --targets FILE reads a CSV with the header "moment,target,se" and one row
 * per moment m1..m6 (rows may be omitted to keep the default) through
 * aiineq_msm_read_targets.  Progress goes
 * to stderr only when stderr is a terminal and --quiet is not given.
 */
#include <aiineq.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define NB 6
#define NM AIINEQ_N_MOMENTS

static const char *pnames[NB] = {"theta", "h_ai", "beta_e", "c0", "xi", "chi"};
static const char *mnames[NM] = {"m1", "m2", "m3", "m4", "m5", "m6"};
static const char *chnames[AIINEQ_N_CHANNELS] = {"compression", "behaviour", "task prices",
                                                 "asset rents"};

static double now(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec + 1e-9 * t.tv_nsec;
}

typedef struct progress {
  double t0;
} progress;

static int show_progress(size_t evals, double obj, double best, void *user) {
  progress *p = user;
  (void)obj;
  fprintf(stderr, "\r  %4zu evaluations, best objective %.3e, %.1f s   ", evals, best,
          now() - p->t0);
  return 0;
}

static int fail(const char *what, const char *msg) {
  fprintf(stderr, "calibrate: %s: %s\n", what, msg);
  return 1;
}

/* Delta Gini of the model m with eta set. */
static int delta_gini_at(aiineq_model *m, double eta, double *dg) {
  aiineq_model *c = NULL;
  aiineq_result *r = NULL;
  int rc = aiineq_model_copy(m, &c);
  if (!rc) rc = aiineq_model_set_double(c, "eta", eta);
  if (!rc) rc = aiineq_solve(c, &r);
  if (!rc) rc = aiineq_result_stat(r, "delta_gini", dg);
  aiineq_result_free(r);
  aiineq_model_free(c);
  return rc;
}

int main(int argc, char **argv) {
  int quiet = 0, json = 0;
  const char *targets = NULL;
  long workers = 0, starts = 1;
  for (int i = 1; i < argc; i++) {
    if (strcmp(argv[i], "--quiet") == 0) quiet = 1;
    else if (strcmp(argv[i], "--json") == 0) json = 1;
    else if (strcmp(argv[i], "--targets") == 0 && i + 1 < argc) targets = argv[++i];
    else if (strcmp(argv[i], "--workers") == 0 && i + 1 < argc) workers = atol(argv[++i]);
    else if (strcmp(argv[i], "--starts") == 0 && i + 1 < argc) starts = atol(argv[++i]);
    else {
      fprintf(stderr,
              "usage: calibrate [--quiet] [--json] [--targets FILE] [--workers N] [--starts N]\n");
      return 2;
    }
  }
  aiineq_model *m = NULL;
  aiineq_msm *e = NULL;
  if (aiineq_model_new(&m) != AIINEQ_OK) return 1;
  if (workers > 0 && (aiineq_model_set_int(m, "n_workers", workers) != AIINEQ_OK ||
                      aiineq_model_set_int(m, "n_firms", workers >= 200 ? workers / 100 : 1)))
    return fail("--workers", aiineq_model_errmsg(m));
  if (aiineq_msm_new(&e, m) != AIINEQ_OK) return 1;
  if (targets && aiineq_msm_read_targets(e, targets) != AIINEQ_OK)
    return fail("--targets", aiineq_msm_errmsg(e));
  double t[NM], se[NM];
  aiineq_msm_get_targets(e, t, se, NM);
  /* MODEL.md section 5's reference start and bounds */
  const double start[NB] = {0.2, 0.8, 0.3, 0.6, 0.1, 0.5};
  const double lo[NB] = {0.0, 0.2, 0.05, 0.1, 0.0, 0.0}, hi[NB] = {0.6, 2.0, 0.8, 1.5, 0.5, 1.5};
  for (int p = 0; p < NB; p++)
    if (aiineq_msm_add_param(e, pnames[p], lo[p], hi[p], start[p]) != AIINEQ_OK)
      return fail("parameters", aiineq_msm_errmsg(e));
  if (aiineq_msm_set_starts(e, starts > 0 ? (size_t)starts : 1) != AIINEQ_OK)
    return fail("--starts", aiineq_msm_errmsg(e));
  aiineq_msm_set_stopval(e, 1e-12);
  progress pr = {now()};
  if (!quiet && isatty(2)) aiineq_msm_set_progress(e, show_progress, &pr);
  int rc = aiineq_msm_estimate(e);
  if (!quiet && isatty(2)) fprintf(stderr, "\n");
  if (rc < 0) return fail("estimation", aiineq_msm_errmsg(e));
  double elapsed = now() - pr.t0;

  double b[NB], bse[NB], mom[NM], lam[NB * NM], lams[NB * NM], obj, jstat, jdf, jp, evals;
  aiineq_msm_result(e, "estimate", b, NB);
  aiineq_msm_result(e, "se", bse, NB);
  aiineq_msm_result(e, "moments", mom, NM);
  aiineq_msm_result(e, "lambda", lam, NB * NM);
  aiineq_msm_result(e, "lambda_scaled", lams, NB * NM);
  aiineq_msm_stat(e, "objective", &obj);
  aiineq_msm_stat(e, "j_stat", &jstat);
  aiineq_msm_stat(e, "j_df", &jdf);
  aiineq_msm_stat(e, "j_pvalue", &jp);
  aiineq_msm_stat(e, "evaluations", &evals);

  /* decompositions and findings at the estimate */
  aiineq_model *fit = NULL;
  aiineq_result *res = NULL;
  double ch[AIINEQ_N_CHANNELS], dg, dg0, dg1, sens[NM], bsens[NM], bnd_xi, bnd_dg;
  double S[2][2], G[2][2], R[2][2], gini[2];
  int flag;
  if (aiineq_msm_model(e, &fit) != AIINEQ_OK) return 1;
  if (aiineq_shapley_channels(fit, ch, AIINEQ_N_CHANNELS, &dg, NULL) != AIINEQ_OK)
    return fail("Shapley", aiineq_model_errmsg(fit));
  if (aiineq_solve(fit, &res) != AIINEQ_OK) return fail("solve", aiineq_model_errmsg(fit));
  for (int ec = 0; ec < 2; ec++)
    if (aiineq_source_decomposition(res, ec, S[ec], G[ec], R[ec], NULL, 2, &gini[ec]))
      return fail("sources", "decomposition failed");
  aiineq_result_free(res);
  if (delta_gini_at(fit, 0.75, &dg1) || delta_gini_at(fit, 0.25, &dg0))
    return fail("scenarios", aiineq_model_errmsg(fit));
  if (aiineq_msm_stat_sensitivity_named(e, "delta_gini", "eta", 0.25, sens, NM, NULL, 0))
    return fail("sensitivity", aiineq_msm_errmsg(e));
  int have_bsens =
      aiineq_msm_boundary_sensitivity(e, "eta", 0.75, "xi", 0.0, 1.0, bsens, NM, NULL, 0) == 0;
  const double eta1 = 0.75;
  if (aiineq_regime_boundary(fit, "eta", &eta1, 1, "xi", 0.0, 1.0, 0.0, &bnd_xi, &flag, &bnd_dg,
                             NULL, NULL))
    return fail("boundary", aiineq_model_errmsg(fit));
  aiineq_model_free(fit);

  /* the paper's findings */
  double max_mech_m6 = 0, max_sens = 0, chi_m6 = lams[5 * NM + 5], chi_other = 0;
  for (int p = 0; p < 5; p++) max_mech_m6 = fmax(max_mech_m6, fabs(lam[p * NM + 5]));
  for (int j = 0; j < 5; j++) chi_other = fmax(chi_other, fabs(lams[5 * NM + j]));
  for (int j = 0; j < NM; j++) max_sens = fmax(max_sens, fabs(sens[j] * se[j]));
  int block = max_mech_m6 < 1e-6 && fabs(chi_m6) > chi_other;
  int crosses = dg1 > 0 && dg0 < 0;

  if (json) {
    printf("{\n  \"estimate\": {");
    for (int p = 0; p < NB; p++) printf("%s\"%s\": %.10g", p ? ", " : "", pnames[p], b[p]);
    printf("},\n  \"se\": {");
    for (int p = 0; p < NB; p++) printf("%s\"%s\": %.10g", p ? ", " : "", pnames[p], bse[p]);
    printf("},\n  \"targets\": [");
    for (int j = 0; j < NM; j++) printf("%s%.10g", j ? ", " : "", t[j]);
    printf("],\n  \"moments\": [");
    for (int j = 0; j < NM; j++) printf("%s%.10g", j ? ", " : "", mom[j]);
    printf("],\n  \"objective\": %.6g, \"j_stat\": %.6g, \"j_df\": %g, \"evaluations\": %g, "
           "\"seconds\": %.3f,\n",
           obj, jstat, jdf, evals, elapsed);
    printf("  \"lambda\": [");
    for (int p = 0; p < NB; p++) {
      printf("%s[", p ? ", " : "");
      for (int j = 0; j < NM; j++) printf("%s%.8g", j ? ", " : "", lam[p * NM + j]);
      printf("]");
    }
    printf("],\n  \"shapley\": {");
    for (int c = 0; c < AIINEQ_N_CHANNELS; c++)
      printf("%s\"%s\": %.10g", c ? ", " : "", chnames[c], ch[c]);
    printf(", \"delta_gini\": %.10g},\n", dg);
    printf("  \"sources\": {\"pre\": {\"gini\": %.8g, \"share\": [%.8g, %.8g], \"gini_s\": [%.8g, "
           "%.8g], \"corr\": [%.8g, %.8g]}, \"post\": {\"gini\": %.8g, \"share\": [%.8g, %.8g], "
           "\"gini_s\": [%.8g, %.8g], \"corr\": [%.8g, %.8g]}},\n",
           gini[0], S[0][0], S[0][1], G[0][0], G[0][1], R[0][0], R[0][1], gini[1], S[1][0],
           S[1][1], G[1][0], G[1][1], R[1][0], R[1][1]);
    printf("  \"delta_gini_eta1\": %.8g, \"delta_gini_eta0\": %.8g, \"boundary_xi_eta1\": %.8g,\n",
           dg1, dg0, bnd_xi);
    printf("  \"d_delta_gini_eta0_d_target\": [");
    for (int j = 0; j < NM; j++) printf("%s%.8g", j ? ", " : "", sens[j]);
    printf("],\n  \"d_boundary_xi_d_target\": [");
    for (int j = 0; j < NM; j++) {
      if (have_bsens) printf("%s%.8g", j ? ", " : "", bsens[j]);
      else printf("%snull", j ? ", " : "");
    }
    printf("],\n");
    printf("  \"findings\": {\"lambda_block_structure\": %s, \"eta_switch_crosses_boundary\": %s}\n}\n",
           block ? "true" : "false", crosses ? "true" : "false");
  } else {
    printf("MSM calibration (%g evaluations, %.1f s)\n\n", evals, elapsed);
    printf("%-8s %10s %10s\n", "param", "estimate", "s.e.");
    for (int p = 0; p < NB; p++) printf("%-8s %10.5f %10.5f\n", pnames[p], b[p], bse[p]);
    printf("\n%-8s %10s %10s\n", "moment", "target", "model");
    for (int j = 0; j < NM; j++) printf("%-8s %10.5f %10.5f\n", mnames[j], t[j], mom[j]);
    printf("\nobjective %.3e, J = %.4g with %g degrees of freedom", obj, jstat, jdf);
    if (jdf > 0) printf(" (p = %.4g)", jp);
    printf("\n\nSensitivity Lambda = d estimate / d target (rows: parameters)\n%-8s", "");
    for (int j = 0; j < NM; j++) printf(" %9s", mnames[j]);
    printf("\n");
    for (int p = 0; p < NB; p++) {
      printf("%-8s", pnames[p]);
      for (int j = 0; j < NM; j++) printf(" %9.4f", lam[p * NM + j]);
      printf("\n");
    }
    printf("\nThe same per one standard error of each target\n");
    for (int p = 0; p < NB; p++) {
      printf("%-8s", pnames[p]);
      for (int j = 0; j < NM; j++) printf(" %9.4f", lams[p * NM + j]);
      printf("\n");
    }
    printf("\nShapley decomposition of Delta Gini = %+.5f\n", dg);
    for (int c = 0; c < AIINEQ_N_CHANNELS; c++) printf("  %-12s %+.5f\n", chnames[c], ch[c]);
    printf("\nSource decomposition (Lerman-Yitzhaki): share, own Gini, Gini correlation\n");
    for (int ec = 0; ec < 2; ec++)
      printf("  %-6s Gini %.4f  wages %.3f %.3f %.3f  capital %.3f %.3f %.3f\n",
             ec ? "after" : "before", gini[ec], S[ec][0], G[ec][0], R[ec][0], S[ec][1],
             G[ec][1], R[ec][1]);
    printf("\nFindings (MODEL.md section 6)\n");
    printf("  %s Lambda is block-structured: the mechanism rates theta..xi put at most %.1e "
           "on m6,\n    and m6 is the largest entry of the chi row per standard error "
           "(%.4f vs %.4f).\n",
           block ? "[yes]" : "[NO] ", max_mech_m6, chi_m6, chi_other);
    printf("  %s Switching eta from 0.75 to 0.25 crosses the boundary: Delta Gini %+.4f "
           "becomes %+.4f.\n",
           crosses ? "[yes]" : "[NO] ", dg1, dg0);
    printf("  Moving any one target by one standard error moves Delta Gini under eta0 by at "
           "most %.4f.\n",
           max_sens);
    if (flag == AIINEQ_BOUNDARY_FOUND) {
      printf("  At eta = 0.75 the boundary is at xi = %.4f (Delta Gini = 0 there).\n", bnd_xi);
      if (have_bsens) {
        printf("  Shift of that boundary per one standard error of each target:\n   ");
        for (int j = 0; j < NM; j++) printf(" %s %+.4f", mnames[j], bsens[j] * se[j]);
        printf("\n");
      }
    } else
      printf("  At eta = 0.75 Delta Gini does not change sign for xi in [0, 1].\n");
  }
  aiineq_msm_free(e);
  aiineq_model_free(m);
  return 0;
}
