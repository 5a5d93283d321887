/*
 * quickstart.c -- solve the model of MODEL.md before and after AI and print a
 * report: equilibrium, the six moments beside their targets, inequality, and
 * which regime the economy is in.
 *
 *   quickstart [--json] [--set name=value]...
 *
 * --set changes a parameter (repeatable; names as in aiineq_param_info, e.g.
 * --set eta=0.25 --set n_workers=50000).  --json prints one JSON object.
 */
#include <aiineq.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const moment_desc[AIINEQ_N_MOMENTS] = {
    "AI gain, bottom quintile of human capital", "AI gain, top quintile of human capital",
    "college wage premium (log points)",         "college share",
    "rent-sharing elasticity (firm OLS)",        "Delta Gini (post - pre)"};

static void usage(FILE *f) {
  fprintf(f,
          "usage: quickstart [--json] [--set name=value]...\n"
          "  --json            print the report as one JSON object\n"
          "  --set name=value  change a model parameter (repeatable)\n"
          "  --help            this text and the list of parameters\n");
}

static void list_params(FILE *f) {
  fprintf(f, "parameters:\n");
  for (size_t i = 0; i < aiineq_param_count(); i++) {
    const char *name, *desc;
    double def, lo, hi;
    aiineq_param_info(i, &name, &desc, &def, &lo, &hi, NULL);
    fprintf(f, "  %-12s default %-10.6g %s\n", name, def, desc);
  }
}

/* Apply "name=value" to the model; print a clear message and return nonzero
 * on failure. */
static int apply_set(aiineq_model *m, const char *arg) {
  const char *eq = strchr(arg, '=');
  if (!eq || eq == arg || eq[1] == '\0') {
    fprintf(stderr, "quickstart: --set expects name=value, got '%s'\n", arg);
    return 1;
  }
  char name[64];
  size_t len = (size_t)(eq - arg);
  if (len >= sizeof name) {
    fprintf(stderr, "quickstart: parameter name too long in '%s'\n", arg);
    return 1;
  }
  memcpy(name, arg, len);
  name[len] = '\0';
  size_t idx;
  if (aiineq_param_index(name, &idx) != AIINEQ_OK) {
    fprintf(stderr, "quickstart: unknown parameter '%s' (see --help for the list)\n", name);
    return 1;
  }
  unsigned flags = 0;
  aiineq_param_info(idx, NULL, NULL, NULL, NULL, NULL, &flags);
  const char *text = eq + 1;
  char *end = NULL;
  int rc;
  errno = 0;
  if (flags & AIINEQ_PARAM_INTEGER) {
    long long v = strtoll(text, &end, 10);
    if (*end != '\0' || errno) {
      fprintf(stderr, "quickstart: parameter '%s' takes an integer, got '%s'\n", name, text);
      return 1;
    }
    rc = aiineq_model_set_int(m, name, (int64_t)v);
  } else {
    double v = strtod(text, &end);
    if (*end != '\0' || end == text || errno) {
      fprintf(stderr, "quickstart: parameter '%s' takes a number, got '%s'\n", name, text);
      return 1;
    }
    rc = aiineq_model_set_double(m, name, v);
  }
  if (rc != AIINEQ_OK) {
    fprintf(stderr, "quickstart: --set %s: %s\n", arg, aiineq_model_errmsg(m));
    return 1;
  }
  return 0;
}

static double stat(const aiineq_result *r, const char *name) {
  double v = NAN;
  aiineq_result_stat(r, name, &v);
  return v;
}

static void print_array(const double *x, size_t n, const char *fmt, const char *sep) {
  for (size_t i = 0; i < n; i++) {
    if (i) fputs(sep, stdout);
    printf(fmt, x[i]);
  }
}

/* JSON numbers: non-finite values become null. */
static void json_num(double v) {
  if (isfinite(v))
    printf("%.10g", v);
  else
    printf("null");
}

static void json_array(const double *x, size_t n) {
  putchar('[');
  for (size_t i = 0; i < n; i++) {
    if (i) putchar(',');
    json_num(x[i]);
  }
  putchar(']');
}

static const char *regime(double dg) {
  return dg < 0 ? "compression" : dg > 0 ? "concentration" : "neutral";
}

static int report_json(const aiineq_model *m, const aiineq_result *r, size_t K) {
  double mom[AIINEQ_N_MOMENTS], tgt[AIINEQ_N_MOMENTS], se[AIINEQ_N_MOMENTS];
  double *buf = malloc(2 * K * sizeof *buf);
  if (!buf) return 1;
  aiineq_result_moments(r, mom, AIINEQ_N_MOMENTS);
  aiineq_moment_targets(tgt, se, AIINEQ_N_MOMENTS);
  printf("{\"version\":\"%s\",\"parameters\":{", aiineq_version_string());
  for (size_t i = 0; i < aiineq_param_count(); i++) {
    const char *name;
    unsigned flags;
    aiineq_param_info(i, &name, NULL, NULL, NULL, NULL, &flags);
    printf("%s\"%s\":", i ? "," : "", name);
    if (flags & AIINEQ_PARAM_INTEGER) {
      int64_t v = 0;
      aiineq_model_get_int(m, name, &v);
      printf("%lld", (long long)v);
    } else {
      double v = NAN;
      aiineq_model_get_double(m, name, &v);
      json_num(v);
    }
  }
  printf("},\"tasks\":{\"x\":");
  aiineq_model_get_tasks(m, buf, buf + K, K);
  json_array(buf, K);
  printf(",\"nu\":");
  json_array(buf + K, K);
  printf("},\"economies\":{");
  static const char *const econ[2] = {"pre", "post"};
  static const char *const arrays[6] = {"p", "S", "n", "mu", "V", "r"};
  for (int s = 0; s < 2; s++) {
    printf("%s\"%s\":{", s ? "," : "", econ[s]);
    for (int a = 0; a < 6; a++) {
      size_t len = a < 3 ? K : 2 * K;
      aiineq_result_equilibrium(r, s, arrays[a], buf, len);
      printf("\"%s\":", arrays[a]);
      json_array(buf, len);
      putchar(',');
    }
    static const char *const st[] = {"college_share", "iterations",   "residual",
                                     "gini",          "wage_gini",    "labour_share",
                                     "profits",       "college_premium"};
    for (size_t i = 0; i < sizeof st / sizeof st[0]; i++) {
      char name[64];
      snprintf(name, sizeof name, "%s_%s", st[i], econ[s]);
      printf("%s\"%s\":", i ? "," : "", st[i]);
      json_num(stat(r, name));
    }
    putchar('}');
  }
  printf("},\"moments\":[");
  for (int i = 0; i < AIINEQ_N_MOMENTS; i++) {
    printf("%s{\"name\":\"m%d\",\"description\":\"%s\",\"value\":", i ? "," : "", i + 1,
           moment_desc[i]);
    json_num(mom[i]);
    printf(",\"target\":");
    json_num(tgt[i]);
    printf(",\"se\":");
    json_num(se[i]);
    putchar('}');
  }
  double dg = stat(r, "delta_gini");
  printf("],\"delta_gini\":");
  json_num(dg);
  printf(",\"vbar0\":");
  json_num(stat(r, "vbar0"));
  printf(",\"regime\":\"%s\"}\n", regime(dg));
  free(buf);
  return 0;
}

static int report_text(const aiineq_result *r, size_t K, size_t N) {
  double mom[AIINEQ_N_MOMENTS], tgt[AIINEQ_N_MOMENTS], se[AIINEQ_N_MOMENTS];
  double *buf = malloc(2 * K * sizeof *buf);
  if (!buf) return 1;
  aiineq_result_moments(r, mom, AIINEQ_N_MOMENTS);
  aiineq_moment_targets(tgt, se, AIINEQ_N_MOMENTS);
  printf("aiineq %s -- skill homogenization vs asset concentration\n\n",
         aiineq_version_string());
  printf(
      "AI pulls the productivity of workers in exposed tasks toward the AI's own\n"
      "level (compressing wages), while part of the value it creates accrues to\n"
      "firms' complementary assets, whose ownership is concentrated.  The model\n"
      "is solved before and after adoption with %zu tasks and %zu simulated\n"
      "households; both economies use the same random draws.\n\n",
      K, N);
  static const char *const label[2] = {"before AI", "after AI"};
  static const char *const econ[2] = {"pre", "post"};
  for (int s = 0; s < 2; s++) {
    char name[64];
    printf("Equilibrium %s:\n", label[s]);
    aiineq_result_equilibrium(r, s, "p", buf, K);
    printf("  task prices p_k      ");
    print_array(buf, K < 8 ? K : 8, "%.4f", " ");
    printf("%s\n", K > 8 ? " ..." : "");
    aiineq_result_equilibrium(r, s, "n", buf, K);
    printf("  employment shares    ");
    print_array(buf, K < 8 ? K : 8, "%.4f", " ");
    printf("%s\n", K > 8 ? " ..." : "");
    snprintf(name, sizeof name, "college_share_%s", econ[s]);
    printf("  college share        %.4f\n", stat(r, name));
    snprintf(name, sizeof name, "iterations_%s", econ[s]);
    double it = stat(r, name);
    snprintf(name, sizeof name, "residual_%s", econ[s]);
    printf("  solved in %.0f iterations, sup-norm residual %.2g\n\n", it, stat(r, name));
  }
  printf("Moments (MODEL.md section 4):\n");
  printf("  %-4s %-44s %9s %9s %7s\n", "", "", "model", "target", "s.e.");
  for (int i = 0; i < AIINEQ_N_MOMENTS; i++)
    printf("  m%d   %-44s %9.4f %9.4f %7.3f\n", i + 1, moment_desc[i], mom[i], tgt[i], se[i]);
  printf("\nInequality and incomes:       %10s %10s\n", "before", "after");
  printf("  Gini of income              %10.4f %10.4f\n", stat(r, "gini_pre"),
         stat(r, "gini_post"));
  printf("  Gini of wages               %10.4f %10.4f\n", stat(r, "wage_gini_pre"),
         stat(r, "wage_gini_post"));
  printf("  labour share                %10.4f %10.4f\n", stat(r, "labour_share_pre"),
         stat(r, "labour_share_post"));
  printf("  profits per household       %10.4f %10.4f\n", stat(r, "profits_pre"),
         stat(r, "profits_post"));
  printf("  college premium (log)       %10.4f %10.4f\n", stat(r, "college_premium_pre"),
         stat(r, "college_premium_post"));
  double dg = stat(r, "delta_gini");
  printf("\nDelta Gini = %+.4f: %s regime (%s).\n", dg, regime(dg),
         dg < 0   ? "wage compression outweighs asset concentration"
         : dg > 0 ? "asset concentration outweighs wage compression"
                  : "the two forces cancel");
  free(buf);
  return 0;
}

int main(int argc, char **argv) {
  int json = 0;
  aiineq_model *m = NULL;
  int rc = aiineq_model_new(&m);
  if (rc != AIINEQ_OK) {
    fprintf(stderr, "quickstart: aiineq_model_new: %s\n", aiineq_strerror(rc));
    return 1;
  }
  for (int i = 1; i < argc; i++) {
    if (strcmp(argv[i], "--json") == 0) {
      json = 1;
    } else if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
      usage(stdout);
      list_params(stdout);
      aiineq_model_free(m);
      return 0;
    } else if (strcmp(argv[i], "--set") == 0 || strncmp(argv[i], "--set=", 6) == 0) {
      const char *arg = argv[i][5] == '=' ? argv[i] + 6 : (i + 1 < argc ? argv[++i] : NULL);
      if (!arg) {
        fprintf(stderr, "quickstart: --set needs name=value\n");
        aiineq_model_free(m);
        return 2;
      }
      if (apply_set(m, arg)) {
        aiineq_model_free(m);
        return 2;
      }
    } else {
      fprintf(stderr, "quickstart: unknown option '%s'\n", argv[i]);
      usage(stderr);
      aiineq_model_free(m);
      return 2;
    }
  }
  aiineq_result *r = NULL;
  rc = aiineq_solve(m, &r);
  if (rc != AIINEQ_OK) {
    fprintf(stderr, "quickstart: solve failed (%s): %s\n", aiineq_strerror(rc),
            aiineq_model_errmsg(m));
    aiineq_model_free(m);
    return 1;
  }
  size_t K = 0, N = 0;
  aiineq_result_dims(r, &K, &N);
  rc = json ? report_json(m, r, K) : report_text(r, K, N);
  aiineq_result_free(r);
  aiineq_model_free(m);
  return rc;
}
