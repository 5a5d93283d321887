/*
 * fuzz_params.c -- the model handle's setters, getters, copy and task table
 * driven by arbitrary bytes.
 *
 * Input: a sequence of operations, each an opcode byte followed by its
 * arguments (see the switch).  Invariants checked after every operation:
 *  - the status is a known code, and only the codes the function documents;
 *  - a rejected call leaves every parameter and the task table bit-identical
 *    and sets a non-empty message;
 *  - an accepted value lies within the bounds aiineq_param_info reports
 *    (open ends honoured) and reads back bit for bit;
 *  - an accepted task table reads back (x exactly, weights normalised);
 *  - a copy is identical to its source.
 */
#include <math.h>

#include "fuzzutil.h"

#define MAX_OPS 64
#define MAX_TASKS_TRY 100003 /* just above the library's limit of 100000 */

typedef struct snapshot {
  double *v;
  size_t n;
} snapshot;

/* Every parameter value and the task table, for bitwise comparison. */
static snapshot take(const aiineq_model *m) {
  size_t np = aiineq_param_count(), k = 0;
  AIQ_FZ_CHECK(aiineq_model_get_n_tasks(m, &k) == AIINEQ_OK);
  snapshot s = {malloc((np + 1 + 2 * k) * sizeof(double)), np + 1 + 2 * k};
  AIQ_FZ_CHECK(s.v != NULL);
  for (size_t i = 0; i < np; i++) {
    const char *name;
    unsigned flags;
    int64_t iv;
    AIQ_FZ_CHECK(aiineq_param_info(i, &name, NULL, NULL, NULL, NULL, &flags) == AIINEQ_OK);
    if (flags & AIINEQ_PARAM_INTEGER) {
      AIQ_FZ_CHECK(aiineq_model_get_int(m, name, &iv) == AIINEQ_OK);
      memcpy(&s.v[i], &iv, sizeof iv);
    } else {
      AIQ_FZ_CHECK(aiineq_model_get_double(m, name, &s.v[i]) == AIINEQ_OK);
    }
  }
  s.v[np] = (double)k;
  AIQ_FZ_CHECK(aiineq_model_get_tasks(m, s.v + np + 1, s.v + np + 1 + k, k) == AIINEQ_OK);
  return s;
}

static int same(snapshot a, snapshot b) {
  return a.n == b.n && memcmp(a.v, b.v, a.n * sizeof *a.v) == 0;
}

/* A parameter name: mostly a real one (by index), sometimes arbitrary bytes,
 * sometimes NULL. */
static const char *pick_name(aiq_fz *r, char *buf, size_t cap) {
  uint8_t b = aiq_fz_u8(r);
  size_t np = aiineq_param_count();
  if (b == 255) return NULL;
  if (b >= 2 * np) return aiq_fz_str(r, buf, cap);
  const char *name = NULL;
  AIQ_FZ_CHECK(aiineq_param_info(b % np, &name, NULL, NULL, NULL, NULL, NULL) == AIINEQ_OK);
  return name;
}

/* Independent check of a value against the published bounds. */
static int in_bounds(const char *name, double v) {
  size_t idx;
  double lo, hi;
  unsigned flags;
  AIQ_FZ_CHECK(aiineq_param_index(name, &idx) == AIINEQ_OK);
  AIQ_FZ_CHECK(aiineq_param_info(idx, NULL, NULL, NULL, &lo, &hi, &flags) == AIINEQ_OK);
  if (strcmp(name, "seed") == 0) return 1;
  int lo_ok = (flags & AIINEQ_PARAM_LO_OPEN) ? v > lo : v >= lo;
  int hi_ok = (flags & AIINEQ_PARAM_HI_OPEN) ? v < hi : v <= hi;
  return isfinite(v) && lo_ok && hi_ok;
}

/* Check the outcome of a call that may change m: rejected -> unchanged with
 * a message; returns 1 if it was accepted. */
static int outcome(const aiineq_model *m, int rc, snapshot before) {
  AIQ_FZ_CHECK(aiq_fz_known_status(rc));
  snapshot after = take(m);
  int ok = rc == AIINEQ_OK;
  if (!ok) {
    AIQ_FZ_CHECK(same(before, after));
    AIQ_FZ_CHECK(aiineq_model_errmsg(m)[0] != '\0');
  }
  free(after.v);
  return ok;
}

static void op_set_double(aiineq_model *m, aiq_fz *r) {
  char buf[40];
  const char *name = pick_name(r, buf, sizeof buf);
  double v = aiq_fz_double(r), got;
  snapshot before = take(m);
  int rc = aiineq_model_set_double(m, name, v);
  AIQ_FZ_CHECK(rc == AIINEQ_OK || rc == AIINEQ_ERR_ARG || rc == AIINEQ_ERR_NAME ||
               rc == AIINEQ_ERR_TYPE || rc == AIINEQ_ERR_NONFINITE || rc == AIINEQ_ERR_RANGE);
  if (outcome(m, rc, before)) {
    AIQ_FZ_CHECK(in_bounds(name, v));
    AIQ_FZ_CHECK(aiineq_model_get_double(m, name, &got) == AIINEQ_OK);
    AIQ_FZ_CHECK(memcmp(&got, &v, sizeof v) == 0);
  } else if (rc == AIINEQ_ERR_RANGE) {
    AIQ_FZ_CHECK(!in_bounds(name, v));
  }
  free(before.v);
}

static void op_set_int(aiineq_model *m, aiq_fz *r) {
  char buf[40];
  const char *name = pick_name(r, buf, sizeof buf);
  int64_t v = (int64_t)aiq_fz_u64(r), got;
  if (aiq_fz_u8(r) & 1) v %= 1000000; /* small values are the interesting ones */
  snapshot before = take(m);
  int rc = aiineq_model_set_int(m, name, v);
  AIQ_FZ_CHECK(rc == AIINEQ_OK || rc == AIINEQ_ERR_ARG || rc == AIINEQ_ERR_NAME ||
               rc == AIINEQ_ERR_TYPE || rc == AIINEQ_ERR_RANGE);
  if (outcome(m, rc, before)) {
    AIQ_FZ_CHECK(in_bounds(name, (double)v));
    AIQ_FZ_CHECK(aiineq_model_get_int(m, name, &got) == AIINEQ_OK && got == v);
  }
  free(before.v);
}

static void op_set_tasks(aiineq_model *m, aiq_fz *r) {
  uint8_t flags = aiq_fz_u8(r);
  size_t k = aiq_fz_u32(r) % (MAX_TASKS_TRY + 1);
  if (!(flags & 8)) k %= 64; /* mostly small tables */
  double *x = malloc((k ? k : 1) * sizeof *x), *nu = malloc((k ? k : 1) * sizeof *nu);
  AIQ_FZ_CHECK(x && nu);
  for (size_t i = 0; i < k; i++) {
    /* raw doubles, or bytes scaled into the valid range */
    x[i] = (flags & 16) ? aiq_fz_double(r) : aiq_fz_u8(r) / 255.0;
    nu[i] = (flags & 32) ? aiq_fz_double(r) : 1.0 + aiq_fz_u8(r);
  }
  snapshot before = take(m);
  int rc = aiineq_model_set_tasks(m, (flags & 1) ? NULL : x, (flags & 2) ? NULL : nu, k);
  AIQ_FZ_CHECK(rc == AIINEQ_OK || rc == AIINEQ_ERR_ARG || rc == AIINEQ_ERR_SIZE ||
               rc == AIINEQ_ERR_NONFINITE || rc == AIINEQ_ERR_RANGE || rc == AIINEQ_ERR_NOMEM);
  if (outcome(m, rc, before)) {
    size_t kk = 0;
    AIQ_FZ_CHECK(aiineq_model_get_n_tasks(m, &kk) == AIINEQ_OK && kk == k);
    double *gx = malloc(k * sizeof *gx), *gnu = malloc(k * sizeof *gnu), total = 0;
    AIQ_FZ_CHECK(gx && gnu);
    AIQ_FZ_CHECK(aiineq_model_get_tasks(m, gx, gnu, k) == AIINEQ_OK);
    AIQ_FZ_CHECK(aiineq_model_get_tasks(m, gx, gnu, k + 1) == AIINEQ_ERR_SIZE);
    for (size_t i = 0; i < k; i++) {
      AIQ_FZ_CHECK(memcmp(&gx[i], &x[i], sizeof *x) == 0 && x[i] >= 0 && x[i] <= 1);
      AIQ_FZ_CHECK(gnu[i] >= 0 && gnu[i] <= 1);
      total += gnu[i];
    }
    AIQ_FZ_CHECK(fabs(total - 1.0) < 1e-9);
    free(gx);
    free(gnu);
  }
  free(before.v);
  free(x);
  free(nu);
}

static void op_copy(aiineq_model *m) {
  aiineq_model *c = NULL;
  int rc = aiineq_model_copy(m, &c);
  AIQ_FZ_CHECK(rc == AIINEQ_OK || rc == AIINEQ_ERR_NOMEM);
  if (rc == AIINEQ_OK) {
    snapshot a = take(m), b = take(c);
    AIQ_FZ_CHECK(same(a, b));
    AIQ_FZ_CHECK(aiineq_model_errmsg(c)[0] == '\0');
    free(a.v);
    free(b.v);
  }
  aiineq_model_free(c);
}

/* Getters and introspection with arbitrary names and indices: never crash,
 * never change the model. */
static void op_query(aiineq_model *m, aiq_fz *r) {
  char buf[40];
  const char *name = pick_name(r, buf, sizeof buf);
  snapshot before = take(m);
  double v;
  int64_t iv;
  size_t idx;
  int rd = aiineq_model_get_double(m, name, &v), ri = aiineq_model_get_int(m, name, &iv);
  int rx = aiineq_param_index(name, &idx);
  AIQ_FZ_CHECK(aiq_fz_known_status(rd) && aiq_fz_known_status(ri));
  /* a known name answers exactly one of the two typed getters */
  AIQ_FZ_CHECK(rx == AIINEQ_OK ? (rd == AIINEQ_OK) != (ri == AIINEQ_OK)
                               : rd != AIINEQ_OK && ri != AIINEQ_OK);
  uint32_t pi = aiq_fz_u32(r) % 64;
  AIQ_FZ_CHECK(aiineq_param_info(pi, NULL, NULL, NULL, NULL, NULL, NULL) ==
               (pi < aiineq_param_count() ? AIINEQ_OK : AIINEQ_ERR_RANGE));
  snapshot after = take(m);
  AIQ_FZ_CHECK(same(before, after));
  free(before.v);
  free(after.v);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  aiq_fz r = {data, size};
  aiineq_model *m = NULL;
  AIQ_FZ_CHECK(aiineq_model_new(&m) == AIINEQ_OK);
  for (int op = 0; op < MAX_OPS && r.n > 0; op++) {
    switch (aiq_fz_u8(&r) % 5) {
      case 0: op_set_double(m, &r); break;
      case 1: op_set_int(m, &r); break;
      case 2: op_set_tasks(m, &r); break;
      case 3: op_copy(m); break;
      default: op_query(m, &r); break;
    }
  }
  aiineq_model_free(m);
  return 0;
}
