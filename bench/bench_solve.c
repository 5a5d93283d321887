/*
 * bench_solve.c -- time of one full solve (both economies: equilibria,
 * moments, simulation) at the default size N = 200000, J = 2000, K = 5 and
 * at N = 10^6, with one thread and then one thread per core, plus the peak
 * resident memory.  Goals: under 20 ms single-threaded at the default size
 * (issue 3), under 10 ms with all cores (issue 7); under 120 bytes per
 * household.  Prints figures only; never fails on speed.
 */
#include <aiineq.h>
#include <stdio.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double now_ms(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (double)t.tv_sec * 1e3 + (double)t.tv_nsec * 1e-6;
}

static double cpu_ms(void) {
  struct timespec t;
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
  return (double)t.tv_sec * 1e3 + (double)t.tv_nsec * 1e-6;
}

static long peak_kib(void) {
  struct rusage ru;
  getrusage(RUSAGE_SELF, &ru);
  return ru.ru_maxrss;
}

/* Best of `reps` solves at n households with nt threads; returns 0 on
 * success. */
static int run(int64_t n, int reps, int nt) {
  aiineq_model *m = NULL;
  if (aiineq_model_new(&m) != AIINEQ_OK) return 1;
  aiineq_model_set_int(m, "n_workers", n);
  aiineq_model_set_threads(m, nt);
  double best = 1e300, best_cpu = 1e300, dg = 0.0;
  for (int i = 0; i < reps; i++) {
    aiineq_result *r = NULL;
    double t0 = now_ms(), c0 = cpu_ms();
    int rc = aiineq_solve(m, &r);
    double t = now_ms() - t0, c = cpu_ms() - c0;
    if (rc != AIINEQ_OK) {
      fprintf(stderr, "solve failed: %s\n", aiineq_model_errmsg(m));
      aiineq_model_free(m);
      return 1;
    }
    aiineq_result_stat(r, "delta_gini", &dg);
    aiineq_result_free(r);
    if (t < best) best = t;
    if (c < best_cpu) best_cpu = c;
  }
  printf("solve N = %-8lld J = 2000 K = 5, %d thread%s: %8.2f ms wall, %8.2f ms CPU (best of "
         "%d; delta_gini %+.5f)\n",
         (long long)n, nt, nt == 1 ? " " : "s", best, best_cpu, reps, dg);
  aiineq_model_free(m);
  return 0;
}

/* Peak memory of the N = 10^6 one-thread solves, in a child process of
 * its own: memory that glibc keeps on its heap after earlier solves in the
 * same process (docs/design.md, "Memory") would otherwise count. */
static int peak_child(void) {
  fflush(stdout);
  pid_t pid = fork();
  if (pid < 0) return 1;
  if (pid == 0) {
    long before = peak_kib();
    if (run(1000000, 3, 1)) _exit(1);
    long after = peak_kib();
    printf("peak RSS growth of a fresh process's N = 10^6 solves: %ld KiB, %.1f bytes per "
           "household (goal < 120)\n",
           after - before, (double)(after - before) * 1024.0 / 1e6);
    fflush(stdout);
    _exit(0);
  }
  int status = 0;
  if (waitpid(pid, &status, 0) != pid) return 1;
  return !WIFEXITED(status) || WEXITSTATUS(status) != 0;
}

int main(void) {
  if (run(200000, 7, 1)) return 1;
  if (peak_child()) return 1;
  long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
  int nt = ncpu > 1 ? (int)ncpu : 1;
  if (nt > 1 && (run(200000, 7, nt) || run(1000000, 3, nt))) return 1;
  return 0;
}
