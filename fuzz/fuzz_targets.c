/*
 * fuzz_targets.c -- the estimator's targets reader (aiineq_msm_parse_targets
 * over the CSV tokenizer) on arbitrary bytes.
 *
 * The input is the whole file, read into an estimator with a model (m1..m6)
 * and two caller moments (m7, m8, whose targets start as NaN).  Invariants:
 *  - the status is OK, FORMAT or NOMEM;
 *  - a failure sets a message (FORMAT: one that gives a line, or says the
 *    input is empty) and leaves every target and s.e. bit-identical;
 *  - after a success every moment either kept its bits or has a finite
 *    target and an s.e. > 0;
 *  - an accepted file round-trips: the changed moments written back as
 *    "moment,target,se" rows with %.17g and parsed into a fresh estimator
 *    give the same bits;
 *  - parsing is deterministic: the same input again gives the same status
 *    and the same targets.
 */
#include <math.h>

#include "fuzzutil.h"

#define NT (AIINEQ_N_MOMENTS + 2)

static int two(const double *b, size_t nb, double *m, size_t nm, void *user) {
  (void)nb;
  (void)user;
  for (size_t i = 0; i < nm; i++) m[i] = b[0] + (double)i;
  return 0;
}

static aiineq_msm *estimator(void) {
  aiineq_model *m = NULL;
  aiineq_msm *e = NULL;
  AIQ_FZ_CHECK(aiineq_model_new(&m) == AIINEQ_OK);
  AIQ_FZ_CHECK(aiineq_msm_new(&e, m) == AIINEQ_OK);
  AIQ_FZ_CHECK(aiineq_msm_set_moment_fn(e, two, 2, NULL) == AIINEQ_OK);
  aiineq_model_free(m);
  return e;
}

static void targets(const aiineq_msm *e, double *t, double *se) {
  AIQ_FZ_CHECK(aiineq_msm_get_targets(e, t, se, NT) == AIINEQ_OK);
}

static int same_bits(double a, double b) { return memcmp(&a, &b, sizeof a) == 0; }

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  const char *text = (const char *)data;
  aiineq_msm *e = estimator();
  double t0[NT], se0[NT], t1[NT], se1[NT], t2[NT], se2[NT];
  targets(e, t0, se0);

  int rc = aiineq_msm_parse_targets(e, text, size);
  AIQ_FZ_CHECK(rc == AIINEQ_OK || rc == AIINEQ_ERR_FORMAT || rc == AIINEQ_ERR_NOMEM);
  targets(e, t1, se1);
  if (rc != AIINEQ_OK) {
    const char *msg = aiineq_msm_errmsg(e);
    AIQ_FZ_CHECK(msg[0] != '\0');
    if (rc == AIINEQ_ERR_FORMAT)
      AIQ_FZ_CHECK(strstr(msg, "line ") != NULL || strstr(msg, "empty input") != NULL);
    AIQ_FZ_CHECK(memcmp(t0, t1, sizeof t0) == 0 && memcmp(se0, se1, sizeof se0) == 0);
  } else {
    /* round trip of the changed moments through canonical rows */
    char buf[64 * NT + 32];
    size_t w = (size_t)snprintf(buf, sizeof buf, "moment,target,se\n"), changed = 0;
    for (int j = 0; j < NT; j++) {
      if (same_bits(t0[j], t1[j]) && same_bits(se0[j], se1[j])) continue;
      AIQ_FZ_CHECK(isfinite(t1[j]) && isfinite(se1[j]) && se1[j] > 0);
      w += (size_t)snprintf(buf + w, sizeof buf - w, "m%d,%.17g,%.17g\n", j + 1, t1[j], se1[j]);
      changed++;
    }
    /* a file may also restate a moment's current values: then nothing changed */
    if (changed > 0) {
      aiineq_msm *f = estimator();
      AIQ_FZ_CHECK(aiineq_msm_parse_targets(f, buf, w) == AIINEQ_OK);
      targets(f, t2, se2);
      AIQ_FZ_CHECK(memcmp(t1, t2, sizeof t1) == 0 && memcmp(se1, se2, sizeof se1) == 0);
      aiineq_msm_free(f);
    }
  }

  /* the same input on a fresh estimator: same status, same targets */
  aiineq_msm *g = estimator();
  int rc2 = aiineq_msm_parse_targets(g, text, size);
  AIQ_FZ_CHECK(rc2 == rc || rc2 == AIINEQ_ERR_NOMEM || rc == AIINEQ_ERR_NOMEM);
  if (rc2 == rc) {
    targets(g, t2, se2);
    AIQ_FZ_CHECK(memcmp(t1, t2, sizeof t1) == 0 && memcmp(se1, se2, sizeof se1) == 0);
  }
  aiineq_msm_free(g);
  aiineq_msm_free(e);
  return 0;
}
