/*
 * bench_scale.c -- scaling of one solve (both economies) with the number of
 * households N and tasks K, and with the thread count; the exact Gini of
 * 10^7 values.  Each case runs in its own child process, so the peak
 * resident memory it reports (growth over the idle process, per household)
 * belongs to that case alone.  Prints a table (docs/performance.md);
 * never fails on speed.
 *
 * Environment: AIQ_BENCH_MAX_N caps N (default 10^7), AIQ_BENCH_THREADS
 * lists the thread counts (default "1 2").
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "aiineq.h"
#include "ineq_internal.h"
#include "rng.h"

static double now(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

static long rss_kib(void) { /* current resident set, from /proc */
  long pages = 0, rss = 0;
  FILE *f = fopen("/proc/self/statm", "r");
  if (f) {
    if (fscanf(f, "%ld %ld", &pages, &rss) != 2) rss = 0;
    fclose(f);
  }
  return rss * (sysconf(_SC_PAGESIZE) / 1024);
}

static double cpu_s(void) { /* user + system time of this process */
  struct rusage ru;
  getrusage(RUSAGE_SELF, &ru);
  return (double)ru.ru_utime.tv_sec + 1e-6 * (double)ru.ru_utime.tv_usec +
         (double)ru.ru_stime.tv_sec + 1e-6 * (double)ru.ru_stime.tv_usec;
}

static long peak_kib(void) {
  struct rusage ru;
  getrusage(RUSAGE_SELF, &ru);
  return ru.ru_maxrss;
}

/* One solve at (N, K, threads) in this process: prints one table row. */
static int solve_case(long n, size_t k, int nt) {
  long base = rss_kib();
  aiineq_model *m = NULL;
  aiineq_result *r = NULL;
  if (aiineq_model_new(&m)) return 1;
  if (k != 5) {
    double *x = malloc(k * sizeof *x), *nu = malloc(k * sizeof *nu);
    if (!x || !nu) return 1;
    for (size_t i = 0; i < k; i++) {
      x[i] = (double)i / (double)(k - 1);
      nu[i] = 1.0;
    }
    if (aiineq_model_set_tasks(m, x, nu, k)) return 1;
    free(x);
    free(nu);
  }
  if (aiineq_model_set_int(m, "n_workers", n) || aiineq_model_set_threads(m, nt)) return 1;
  double t0 = now(), c0 = cpu_s();
  int rc = aiineq_solve(m, &r);
  double t = now() - t0, c = cpu_s() - c0, dg = NAN;
  if (rc < 0) {
    fprintf(stderr, "solve N=%ld K=%zu failed: %s\n", n, k, aiineq_model_errmsg(m));
    return 1;
  }
  aiineq_result_stat(r, "delta_gini", &dg);
  long peak = peak_kib();
  printf("| solve | %8ld | %4zu | %d | %9.3f | %9.3f | %7.1f | %6.1f | %+.5f |\n", n, k, nt, t,
         c, 1e9 * t / (double)n, (double)(peak - base) * 1024.0 / (double)n, dg);
  aiineq_result_free(r);
  aiineq_model_free(m);
  return 0;
}

/* Exact Gini of n log-normal values (aiq_gini_plain_nt: radix sort and
 * compensated sums), with nt threads. */
static int gini_case(size_t n, int nt) {
  long base = rss_kib();
  double *x = malloc(n * sizeof *x), g = NAN;
  if (!x) return 1;
  for (size_t i = 0; i < n; i++) {
    double u[4];
    aiq_rng_uniform4(7, 0, i, 0, u);
    x[i] = exp(0.8 * sqrt(-2.0 * log(u[0])) * cos(6.283185307179586 * u[1]));
  }
  double t0 = now(), c0 = cpu_s();
  int rc = aiq_gini_plain_nt(x, n, &g, nt);
  double t = now() - t0, c = cpu_s() - c0;
  if (rc) return 1;
  printf("| gini  | %8zu |    - | %d | %9.3f | %9.3f | %7.1f | %6.1f | G = %.5f |\n", n, nt, t,
         c, 1e9 * t / (double)n, (double)(peak_kib() - base) * 1024.0 / (double)n, g);
  free(x);
  return 0;
}

/* Run fn in a child so its peak memory is its own. */
static int in_child(int kind, long n, size_t k, int nt) {
  fflush(stdout);
  pid_t pid = fork();
  if (pid < 0) return 1;
  if (pid == 0) {
    int rc = kind == 0 ? solve_case(n, k, nt) : gini_case((size_t)n, nt);
    fflush(stdout);
    _exit(rc);
  }
  int st = 0;
  waitpid(pid, &st, 0);
  return !(WIFEXITED(st) && WEXITSTATUS(st) == 0);
}

int main(void) {
  const char *cap = getenv("AIQ_BENCH_MAX_N"), *ths = getenv("AIQ_BENCH_THREADS");
  long max_n = cap && *cap ? atol(cap) : 10000000L;
  int threads[8], n_threads = 0;
  char buf[64];
  snprintf(buf, sizeof buf, "%s", ths && *ths ? ths : "1 2");
  for (char *tok = strtok(buf, " ,"); tok && n_threads < 8; tok = strtok(NULL, " ,"))
    if (atoi(tok) > 0) threads[n_threads++] = atoi(tok);
  static const long ns[] = {200000, 1000000, 10000000};
  static const size_t ks[] = {5, 800};
  int bad = 0;
  printf("| case | N | K | threads | wall s | CPU s | wall ns per household | peak bytes per household | result |\n");
  printf("|---|---:|---:|---:|---:|---:|---:|---:|---|\n");
  for (size_t ik = 0; ik < 2; ik++)
    for (size_t in = 0; in < 3; in++)
      for (int it = 0; it < n_threads; it++)
        if (ns[in] <= max_n) bad |= in_child(0, ns[in], ks[ik], threads[it]);
  for (int it = 0; it < n_threads; it++)
    if (10000000L <= max_n) bad |= in_child(1, 10000000L, 0, threads[it]);
  return bad;
}
