/*
 * faultutil.h -- allocation fault-injection sweeps (tests/fault/).
 *
 * These suites are linked with the fault-injection build of lib/alloc.c
 * (-DAIQ_FAULT_INJECTION, see lib/fault.h) and run by `make check-fault`,
 * which `make check` runs.
 *
 * A scenario is a function that performs a sequence of API calls, each
 * wrapped in AIQ_FI_CALL, releases everything it created and writes a
 * digest of its results (numbers it read back) to out[0..cap).  The sweep
 * runs it once without faults to count its allocation attempts T, then for
 * every N = 1..T twice more, failing the Nth attempt only (transient) and
 * the Nth and every later one (persistent).  It asserts:
 *  - the call that met the failure returned AIINEQ_ERR_NOMEM (checked by
 *    AIQ_FI_CALL; the scenario's `on_nomem` code checks that the handle is
 *    unchanged and its message set);
 *  - the same call on the same handle succeeds once injection stops (the
 *    handle is still usable), so the scenario runs to completion;
 *  - the digest is bit-identical to the fault-free run;
 *  - no block is live afterwards (nothing leaked, nothing half-built).
 */
#ifndef AIQ_FAULTUTIL_H
#define AIQ_FAULTUTIL_H

#include <string.h>

#include "fault.h"
#include "testutil.h"

#define AIQ_FI_DIGEST_MAX 4096

/* Run `call`.  If an injected failure made it fail, it must have failed with
 * AIINEQ_ERR_NOMEM; run `on_nomem` (state checks), stop injecting, and run
 * `call` again, which must now succeed (status >= 0). */
#define AIQ_FI_CALL(call, on_nomem)                                                         \
  do {                                                                                      \
    int aiq_fi_rc_ = (call);                                                                \
    if (aiq_fi_rc_ < 0 && aiq_fault_failures() > 0) {                                       \
      ck_assert_msg(aiq_fi_rc_ == AIINEQ_ERR_NOMEM,                                         \
                    "%s returned %d (%s) after an injected allocation failure", #call,      \
                    aiq_fi_rc_, aiineq_strerror(aiq_fi_rc_));                               \
      on_nomem;                                                                             \
      aiq_fault_disarm();                                                                   \
      aiq_fi_rc_ = (call);                                                                  \
    }                                                                                       \
    ck_assert_msg(aiq_fi_rc_ >= 0, "%s returned %d (%s)", #call, aiq_fi_rc_,                \
                  aiineq_strerror(aiq_fi_rc_));                                             \
  } while (0)

typedef size_t (*aiq_fi_scenario)(double *out, size_t cap);

/* The sweep described above; `what` names the scenario in messages.
 * Returns the number of allocation attempts of the fault-free run. */
static inline long aiq_fi_sweep(const char *what, aiq_fi_scenario scenario) {
  static double ref[AIQ_FI_DIGEST_MAX], got[AIQ_FI_DIGEST_MAX];
  long live0 = aiq_fault_live();
  aiq_fault_arm(0, 0);
  size_t nref = scenario(ref, AIQ_FI_DIGEST_MAX);
  long total = aiq_fault_attempts();
  ck_assert_msg(aiq_fault_live() == live0, "%s: %ld blocks leaked without faults", what,
                aiq_fault_live() - live0);
  ck_assert_msg(total > 0, "%s allocates nothing: the sweep would test nothing", what);
  for (int persistent = 0; persistent <= 1; persistent++) {
    for (long n = 1; n <= total; n++) {
      aiq_fault_arm(n, persistent);
      size_t ngot = scenario(got, AIQ_FI_DIGEST_MAX);
      aiq_fault_disarm();
      ck_assert_msg(aiq_fault_failures() >= 1,
                    "%s: allocation %ld of %ld was never attempted (%s): the allocation "
                    "sequence is not deterministic",
                    what, n, total, persistent ? "persistent" : "transient");
      ck_assert_msg(aiq_fault_live() == live0, "%s: %ld blocks leaked after failing allocation %ld (%s)",
                    what, aiq_fault_live() - live0, n, persistent ? "persistent" : "transient");
      ck_assert_msg(ngot == nref && memcmp(got, ref, nref * sizeof *ref) == 0,
                    "%s: results differ from the fault-free run after failing allocation %ld (%s)",
                    what, n, persistent ? "persistent" : "transient");
    }
  }
  if (getenv("AIQ_FI_VERBOSE")) printf("%s: %ld allocations, each failed in turn\n", what, total);
  return total;
}

/* Append v to a digest, bounds-checked. */
static inline void aiq_fi_put(double *out, size_t cap, size_t *n, double v) {
  ck_assert_msg(*n < cap, "digest larger than %zu values", cap);
  out[(*n)++] = v;
}

/* Append every parameter and the task table of m to a digest. */
static inline void aiq_fi_model_digest(const aiineq_model *m, double *out, size_t cap,
                                       size_t *n) {
  for (size_t i = 0; i < aiineq_param_count(); i++) {
    const char *name;
    unsigned flags;
    double v;
    int64_t iv;
    ck_assert_int_eq(aiineq_param_info(i, &name, NULL, NULL, NULL, NULL, &flags), AIINEQ_OK);
    if (flags & AIINEQ_PARAM_INTEGER) {
      ck_assert_int_eq(aiineq_model_get_int(m, name, &iv), AIINEQ_OK);
      v = (double)iv;
    } else {
      ck_assert_int_eq(aiineq_model_get_double(m, name, &v), AIINEQ_OK);
    }
    aiq_fi_put(out, cap, n, v);
  }
  size_t k = 0;
  ck_assert_int_eq(aiineq_model_get_n_tasks(m, &k), AIINEQ_OK);
  ck_assert_msg(2 * k + 1 + *n <= cap, "task table too large for the digest");
  aiq_fi_put(out, cap, n, (double)k);
  ck_assert_int_eq(aiineq_model_get_tasks(m, out + *n, out + *n + k, k), AIINEQ_OK);
  *n += 2 * k;
}

/* 1 if the model's digest equals the one in ref[0..nref). */
static inline int aiq_fi_model_same(const aiineq_model *m, const double *ref, size_t nref) {
  static double now[AIQ_FI_DIGEST_MAX];
  size_t n = 0;
  aiq_fi_model_digest(m, now, AIQ_FI_DIGEST_MAX, &n);
  return n == nref && memcmp(now, ref, n * sizeof *now) == 0;
}

#endif /* AIQ_FAULTUTIL_H */
