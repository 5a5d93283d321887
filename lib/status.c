/*
 * status.c -- version queries, status names and error-message formatting.
 */
#include <math.h>
#include <stdio.h>

#include "internal.h"

AIINEQ_API unsigned aiineq_version_number(void) { return AIINEQ_VERSION_NUMBER; }

AIINEQ_API const char *aiineq_version_string(void) { return AIINEQ_VERSION_STRING; }

AIINEQ_API const char *aiineq_strerror(int status) {
  switch (status) {
  case AIINEQ_OK: return "success";
  case AIINEQ_ERR_ARG: return "invalid argument";
  case AIINEQ_ERR_NOMEM: return "out of memory";
  case AIINEQ_ERR_RANGE: return "value out of range";
  case AIINEQ_ERR_NONFINITE: return "NaN or infinite value";
  case AIINEQ_ERR_SIZE: return "wrong size or empty input";
  case AIINEQ_ERR_NAME: return "unknown name";
  case AIINEQ_ERR_NOCONV: return "no convergence";
  case AIINEQ_ERR_SINGULAR: return "singular or rank-deficient matrix";
  case AIINEQ_ERR_IO: return "input/output error";
  case AIINEQ_ERR_FORMAT: return "malformed input";
  case AIINEQ_ERR_STATE: return "invalid call in the current state";
  case AIINEQ_ERR_STOPPED: return "stopped by the caller";
  case AIINEQ_ERR_DEGENERATE: return "result undefined for this input";
  case AIINEQ_ERR_TYPE: return "wrong value type";
  default: return status > 0 ? "success (solver stop reason)" : "unknown status";
  }
}

int aiq_fail(char *buf, int status, const char *fmt, ...) {
  if (buf) {
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, AIQ_ERRLEN, fmt, ap);
    va_end(ap);
  }
  return status;
}

int aiq_all_finite(const double *x, size_t n) {
  for (size_t i = 0; i < n; i++)
    if (!isfinite(x[i])) return 0;
  return 1;
}
