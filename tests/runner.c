/*
 * runner.c -- runs every Check suite of the project in one SRunner, so that
 * `make check` ends with one summary line covering all of them.
 */
#include <check.h>
#include <stdlib.h>

#define AIQ_SUITE(name) Suite *aiq_suite_##name(void);
#include "suites.inc"
#undef AIQ_SUITE

int main(void) {
  SRunner *sr = srunner_create(NULL);
#define AIQ_SUITE(name) srunner_add_suite(sr, aiq_suite_##name());
#include "suites.inc"
#undef AIQ_SUITE
  srunner_run_all(sr, CK_NORMAL);
  int failed = srunner_ntests_failed(sr);
  int run = srunner_ntests_run(sr);
  srunner_free(sr);
  if (run == 0) return EXIT_FAILURE; /* a suite list that runs nothing is a failure */
  return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
