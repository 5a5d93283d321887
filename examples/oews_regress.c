/*
 * oews_regress.c -- occupation-level regressions of MODEL.md section 7 on
 * BLS OEWS national files (any year from 2019 on, exported to CSV).
 *
 *   oews_regress --from oews_2019.csv --to oews_2023.csv \
 *                --exposure gpts_are_gpts_occ_level.csv --column dv_rating_beta \
 *                [--code-column NAME] [--control-wage] [--fe] [--weights]
 *                [--errors hc1|cluster|cr2|cr2-bm|classical|hc0|hc2|hc3]
 *                [--model [--workers N] [--seed S] [--topcode R] [--min-households M]]
 *
 * Prints the join counts (matched and dropped occupations, and why) and one
 * row per outcome: the coefficient on standardised exposure with its
 * standard error, t, p-value, n and the occupations dropped from it.
 *
 * With --model, the occupations become the tasks of the model (exposure and
 * baseline employment from the data); the simulated economy before and after
 * AI is aggregated to occupations and the same regressions are run on it,
 * printed beside the true within-task compression and the data.
 */
#include <aiineq.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
  const char *from, *to, *exposure, *column, *code_column;
  unsigned flags;
  int cov, dist, model;
  long long workers, seed;
  double topcode;
  long min_households;
} options;

static void usage(FILE *f) {
  fprintf(f,
          "usage: oews_regress --from Y1.csv --to Y2.csv --exposure FILE --column NAME\n"
          "                    [--code-column NAME] [--control-wage] [--fe] [--weights]\n"
          "                    [--errors hc1|cluster|cr2|cr2-bm|classical|hc0|hc2|hc3]\n"
          "                    [--model [--workers N] [--seed S] [--topcode RATIO]\n"
          "                             [--min-households M]]\n");
}

static int parse_errors(const char *s, int *cov) {
  static const struct {
    const char *name;
    int cov;
  } tab[] = {{"classical", AIINEQ_COV_CLASSICAL}, {"hc0", AIINEQ_COV_HC0},
             {"hc1", AIINEQ_COV_HC1},             {"hc2", AIINEQ_COV_HC2},
             {"hc3", AIINEQ_COV_HC3},             {"cluster", AIINEQ_COV_CR1},
             {"cr1", AIINEQ_COV_CR1},             {"cr2", AIINEQ_COV_CR2},
             {"cr2-bm", AIINEQ_COV_CR2 + 100}};
  for (size_t i = 0; i < sizeof tab / sizeof tab[0]; i++)
    if (strcmp(s, tab[i].name) == 0) {
      *cov = tab[i].cov;
      return 0;
    }
  return -1;
}

static int parse_args(int argc, char **argv, options *o) {
  memset(o, 0, sizeof *o);
  o->cov = AIINEQ_COV_HC1;
  o->workers = 200000;
  o->seed = 1;
  o->topcode = 208000.0 / 53490.0; /* BLS May 2019: top-coding threshold / mean wage */
  o->min_households = 20;
  for (int i = 1; i < argc; i++) {
    const char *a = argv[i];
    const char **slot = strcmp(a, "--from") == 0          ? &o->from
                        : strcmp(a, "--to") == 0          ? &o->to
                        : strcmp(a, "--exposure") == 0    ? &o->exposure
                        : strcmp(a, "--column") == 0      ? &o->column
                        : strcmp(a, "--code-column") == 0 ? &o->code_column
                                                          : NULL;
    if (slot || strcmp(a, "--errors") == 0) {
      if (i + 1 >= argc) {
        fprintf(stderr, "oews_regress: %s needs a value\n", a);
        return -1;
      }
      if (slot)
        *slot = argv[++i];
      else if (parse_errors(argv[++i], &o->cov)) {
        fprintf(stderr, "oews_regress: unknown --errors '%s'\n", argv[i]);
        return -1;
      }
      if (o->cov >= 100) { /* cr2-bm: CR2 with Bell-McCaffrey degrees of freedom */
        o->cov -= 100;
        o->dist = AIINEQ_DIST_BM;
      }
    } else if (strcmp(a, "--control-wage") == 0) {
      o->flags |= AIINEQ_REG_CONTROL_WAGE;
    } else if (strcmp(a, "--fe") == 0) {
      o->flags |= AIINEQ_REG_MAJOR_FE;
    } else if (strcmp(a, "--weights") == 0) {
      o->flags |= AIINEQ_REG_WEIGHTS;
    } else if (strcmp(a, "--model") == 0) {
      o->model = 1;
    } else if (strcmp(a, "--workers") == 0 || strcmp(a, "--seed") == 0 ||
               strcmp(a, "--topcode") == 0 || strcmp(a, "--min-households") == 0) {
      char *end = NULL;
      if (i + 1 >= argc) {
        fprintf(stderr, "oews_regress: %s needs a value\n", a);
        return -1;
      }
      const char *v = argv[++i];
      if (strcmp(a, "--topcode") == 0)
        o->topcode = strtod(v, &end);
      else if (strcmp(a, "--workers") == 0)
        o->workers = strtoll(v, &end, 10);
      else if (strcmp(a, "--seed") == 0)
        o->seed = strtoll(v, &end, 10);
      else
        o->min_households = strtol(v, &end, 10);
      if (!end || *end || end == v) {
        fprintf(stderr, "oews_regress: bad value '%s' for %s\n", v, a);
        return -1;
      }
    } else if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
      usage(stdout);
      exit(0);
    } else {
      fprintf(stderr, "oews_regress: unknown argument '%s'\n", a);
      return -1;
    }
  }
  if (!o->from || !o->to || !o->exposure || !o->column) {
    fprintf(stderr, "oews_regress: --from, --to, --exposure and --column are required\n");
    return -1;
  }
  return 0;
}

static const char *cov_label(int cov) {
  static const char *const l[] = {"classical",        "HC0", "HC1", "HC2", "HC3",
                                  "CR1 by SOC major group", "CR2 (Bell-McCaffrey) by SOC major group"};
  return l[cov];
}

static void print_counts(const aiineq_panel *p) {
  size_t c[7];
  const char *names[7] = {"detailed_from", "detailed_to", "only_from", "only_to",
                          "no_exposure",   "duplicate",   "matched"};
  for (int i = 0; i < 7; i++) aiineq_panel_count(p, names[i], &c[i]);
  printf("Detailed occupations: %zu in --from, %zu in --to\n", c[0], c[1]);
  printf("Dropped: %zu only in --from, %zu only in --to, %zu without exposure, %zu duplicate "
         "codes\n",
         c[2], c[3], c[4], c[5]);
  printf("Matched: %zu occupations\n\n", c[6]);
}

/* One regression table: a row per outcome. */
static int print_table(const aiineq_panel *p, unsigned flags, int cov, int dist) {
  aiineq_ols *o = NULL;
  if (aiineq_ols_new(&o) != AIINEQ_OK) return -1;
  aiineq_ols_set_dist(o, dist);
  printf("Change %s, regressed on standardised exposure%s%s%s; errors %s%s\n", "to minus from",
         flags & AIINEQ_REG_CONTROL_WAGE ? ", baseline log mean wage" : "",
         flags & AIINEQ_REG_MAJOR_FE ? ", SOC major-group fixed effects" : "",
         flags & AIINEQ_REG_WEIGHTS ? ", weighted by baseline employment" : "", cov_label(cov),
         dist == AIINEQ_DIST_BM ? ", Bell-McCaffrey degrees of freedom" : "");
  printf("%-14s %10s %10s %8s %9s %5s %8s %7s %7s\n", "outcome", "coef", "s.e.", "t", "p", "n",
         "dropped", "R^2", "df");
  int rc = 0;
  for (int y = 0; y < AIINEQ_N_OUTCOMES; y++) {
    if (aiineq_panel_regress(p, y, flags, cov, o) < 0) {
      printf("%-14s  (not estimable: %s)\n", aiineq_outcome_name(y), aiineq_ols_errmsg(o));
      rc = -1;
      continue;
    }
    double b[2], se[2], t[2], pv[2], n, drop, r2, df;
    size_t k = 0;
    double kk;
    aiineq_ols_get_stat(o, "k", &kk);
    k = (size_t)kk;
    double *all = malloc(5 * k * sizeof *all);
    if (!all) break;
    aiineq_ols_get_coef(o, all, all + k, all + 2 * k, all + 3 * k, k);
    aiineq_ols_get_df(o, all + 4 * k, k);
    for (int j = 0; j < 2; j++) b[j] = all[j], se[j] = all[k + j], t[j] = all[2 * k + j], pv[j] = all[3 * k + j];
    df = all[4 * k + 1];
    free(all);
    aiineq_ols_get_stat(o, "n", &n);
    aiineq_ols_get_stat(o, "n_dropped", &drop);
    aiineq_ols_get_stat(o, "r2", &r2);
    printf("%-14s %10.5f %10.5f %8.3f %9.2e %5.0f %8.0f %7.4f %7.1f\n", aiineq_outcome_name(y),
           b[1], se[1], t[1], pv[1], n, drop, r2, df);
  }
  printf("(df inf = normal p-values, statsmodels' default for robust errors; dropped = "
         "occupations missing the outcome, e.g. top-coded P90 or median, or a control/weight)\n");
  aiineq_ols_free(o);
  return rc;
}

/* Coefficient and s.e. of exposure_sd for one outcome on one panel. */
static int exposure_coef(const aiineq_panel *p, int y, unsigned flags, int cov, aiineq_ols *o,
                         double *b, double *se) {
  double kk;
  if (aiineq_panel_regress(p, y, flags, cov, o) < 0 || aiineq_ols_get_stat(o, "k", &kk) < 0)
    return -1;
  size_t k = (size_t)kk;
  double *all = malloc(2 * k * sizeof *all);
  if (!all) return -1;
  int rc = aiineq_ols_get_coef(o, all, all + k, NULL, NULL, k);
  *b = all[1];
  *se = all[k + 1];
  free(all);
  return rc;
}

static void print_cell(const aiineq_panel *p, int y, const options *opt, aiineq_ols *o) {
  double b, se;
  if (exposure_coef(p, y, opt->flags, opt->cov, o, &b, &se) < 0)
    printf("  %21s", "(not estimable)");
  else
    printf("  %9.5f (%9.5f)", b, se);
}

static int print_model_table(const aiineq_panel *data, const options *opt) {
  aiineq_model *m = NULL;
  aiineq_panel *wages = NULL, *truth = NULL;
  aiineq_ols *o = NULL;
  int rc = -1;
  if (aiineq_model_new(&m) || aiineq_panel_new(&wages) || aiineq_panel_new(&truth) ||
      aiineq_ols_new(&o))
    goto out;
  aiineq_ols_set_dist(o, opt->dist);
  if (aiineq_model_set_int(m, "n_workers", opt->workers) < 0 ||
      aiineq_model_set_int(m, "seed", opt->seed) < 0) {
    fprintf(stderr, "oews_regress: %s\n", aiineq_model_errmsg(m));
    goto out;
  }
  if (aiineq_panel_simulate(data, m, opt->topcode, (size_t)opt->min_households, wages, truth) <
      0) {
    fprintf(stderr, "oews_regress: model side: %s\n", aiineq_panel_errmsg(wages));
    goto out;
  }
  size_t K = 0;
  double theta = 0;
  aiineq_panel_size(wages, &K);
  aiineq_model_get_double(m, "theta", &theta);
  printf("\nModel side: %zu occupations as tasks (exposure and baseline employment from the "
         "data), %lld households, theta = %.3f, default parameters; model wages top-coded at "
         "%.2f x the baseline mean wage\n",
         K, opt->workers, theta, opt->topcode);
  printf("%-14s  %21s  %21s  %21s\n", "outcome", "true compression", "model, by occupation",
         "data");
  for (int y = 0; y < AIINEQ_N_OUTCOMES; y++) {
    printf("%-14s", aiineq_outcome_name(y));
    print_cell(truth, y, opt, o);
    print_cell(wages, y, opt, o);
    print_cell(data, y, opt, o);
    printf("\n");
  }
  printf("(coefficient on one s.d. of exposure, s.e. in parentheses; true compression = "
         "baseline workers held in their task, valued at productivity before and after)\n");
  rc = 0;
out:
  aiineq_ols_free(o);
  aiineq_panel_free(truth);
  aiineq_panel_free(wages);
  aiineq_model_free(m);
  return rc;
}

int main(int argc, char **argv) {
  options opt;
  if (parse_args(argc, argv, &opt)) {
    usage(stderr);
    return 2;
  }
  aiineq_oews *t0 = NULL, *t1 = NULL;
  aiineq_exposure *x = NULL;
  aiineq_panel *p = NULL;
  int status = 1;
  if (aiineq_oews_new(&t0) || aiineq_oews_new(&t1) || aiineq_exposure_new(&x) ||
      aiineq_panel_new(&p)) {
    fprintf(stderr, "oews_regress: out of memory\n");
    goto out;
  }
  if (aiineq_oews_read(t0, opt.from) < 0) {
    fprintf(stderr, "oews_regress: %s\n", aiineq_oews_errmsg(t0));
    goto out;
  }
  if (aiineq_oews_read(t1, opt.to) < 0) {
    fprintf(stderr, "oews_regress: %s\n", aiineq_oews_errmsg(t1));
    goto out;
  }
  if (aiineq_exposure_read(x, opt.exposure, opt.code_column, opt.column) < 0) {
    fprintf(stderr, "oews_regress: %s\n", aiineq_exposure_errmsg(x));
    goto out;
  }
  size_t ncodes, nrows, nskip;
  aiineq_exposure_counts(x, &ncodes, &nrows, &nskip);
  printf("Exposure '%s': %zu rows (%zu without a value) -> %zu six-digit SOC codes\n",
         opt.column, nrows, nskip, ncodes);
  if (aiineq_panel_build(p, t0, t1, x) < 0) {
    fprintf(stderr, "oews_regress: %s\n", aiineq_panel_errmsg(p));
    goto out;
  }
  print_counts(p);
  status = print_table(p, opt.flags, opt.cov, opt.dist) ? 1 : 0;
  if (opt.model && print_model_table(p, &opt)) status = 1;
out:
  aiineq_panel_free(p);
  aiineq_exposure_free(x);
  aiineq_oews_free(t0);
  aiineq_oews_free(t1);
  return status;
}
