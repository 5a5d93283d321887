/*
 * testutil.h -- helpers shared by the Check suites.
 *
 * Every tests/test_NAME.c defines `Suite *aiq_suite_NAME(void)`; the Makefile
 * generates the list the runner registers, so adding a suite is adding a file.
 */
#ifndef AIQ_TESTUTIL_H
#define AIQ_TESTUTIL_H

#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "aiineq.h"

/* Assert |a - b| <= tol with a message showing both values. */
#define AIQ_ASSERT_NEAR(a, b, tol)                                                         \
  do {                                                                                     \
    double aiq_a_ = (a), aiq_b_ = (b), aiq_t_ = (tol);                                      \
    ck_assert_msg(fabs(aiq_a_ - aiq_b_) <= aiq_t_, "%s = %.17g, expected %.17g (tol %g)", #a, \
                  aiq_a_, aiq_b_, aiq_t_);                                                 \
  } while (0)

/* Assert a status code, printing its name on failure. */
#define AIQ_ASSERT_STATUS(expr, want)                                                      \
  do {                                                                                     \
    int aiq_rc_ = (expr);                                                                  \
    ck_assert_msg(aiq_rc_ == (want), "%s returned %d (%s), expected %d (%s)", #expr, aiq_rc_, \
                  aiineq_strerror(aiq_rc_), (int)(want), aiineq_strerror(want));            \
  } while (0)

#define AIQ_ASSERT_OK(expr) AIQ_ASSERT_STATUS(expr, AIINEQ_OK)

/* Path of a file under ../shared (AIQ_SHARED_DIR overrides).  Returns a
 * static buffer; tests run one at a time inside a process. */
static inline const char *aiq_shared_path(const char *rel) {
  static char buf[4096];
  const char *dir = getenv("AIQ_SHARED_DIR");
  snprintf(buf, sizeof buf, "%s/%s", dir && *dir ? dir : "../shared", rel);
  return buf;
}

/* Problem size for tests whose cost grows with a size (households, tasks,
 * replications).  `make check-valgrind` sets AIQ_TEST_SMALL=1 because
 * valgrind runs code 20-50 times slower; such tests then use `small`, run
 * the same assertions (with tolerances that follow the size, e.g. Monte-Carlo
 * error bands computed from n) and are never skipped.  Anything else than
 * unset, "" or "0" selects the small size. */
static inline int aiq_test_small(void) {
  const char *s = getenv("AIQ_TEST_SMALL");
  return s && *s && !(s[0] == '0' && s[1] == '\0');
}

static inline size_t aiq_test_size(size_t full, size_t small) {
  return aiq_test_small() ? small : full;
}

#endif /* AIQ_TESTUTIL_H */
