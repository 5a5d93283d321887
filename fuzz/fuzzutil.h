/*
 * fuzzutil.h -- helpers for the fuzz harnesses (fuzz/fuzz_NAME.c).
 *
 * Each harness defines LLVMFuzzerTestOneInput().  It is built two ways:
 * with clang and libFuzzer by `make fuzz`, and with the ordinary compiler
 * and fuzz/replay.c by `make check-fuzz`, which feeds it every file of
 * fuzz/corpus/NAME/.  A harness checks the library's contract (valid status
 * codes, rejected input leaves the handle unchanged, accepted input reads
 * back) and calls AIQ_FZ_CHECK, which aborts with a message, on a violation.
 */
#ifndef AIQ_FUZZUTIL_H
#define AIQ_FUZZUTIL_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aiineq.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define AIQ_FZ_CHECK(cond)                                                             \
  do {                                                                                 \
    if (!(cond)) {                                                                     \
      fprintf(stderr, "%s:%d: fuzz invariant failed: %s\n", __FILE__, __LINE__, #cond); \
      abort();                                                                         \
    }                                                                                  \
  } while (0)

/* A cursor over the input; reads past the end give zeros. */
typedef struct aiq_fz {
  const uint8_t *p;
  size_t n;
} aiq_fz;

static inline void aiq_fz_bytes(aiq_fz *r, void *out, size_t len) {
  size_t k = len < r->n ? len : r->n;
  memcpy(out, r->p, k);
  memset((uint8_t *)out + k, 0, len - k);
  r->p += k;
  r->n -= k;
}
static inline uint8_t aiq_fz_u8(aiq_fz *r) {
  uint8_t v;
  aiq_fz_bytes(r, &v, 1);
  return v;
}
static inline uint32_t aiq_fz_u32(aiq_fz *r) {
  uint32_t v;
  aiq_fz_bytes(r, &v, sizeof v);
  return v;
}
static inline uint64_t aiq_fz_u64(aiq_fz *r) {
  uint64_t v;
  aiq_fz_bytes(r, &v, sizeof v);
  return v;
}
static inline double aiq_fz_double(aiq_fz *r) {
  double v;
  aiq_fz_bytes(r, &v, sizeof v);
  return v;
}

/* A NUL-terminated string of at most cap-1 bytes: a length byte, then the
 * bytes (which may contain anything but are cut at an embedded NUL). */
static inline char *aiq_fz_str(aiq_fz *r, char *buf, size_t cap) {
  size_t len = aiq_fz_u8(r) % cap;
  aiq_fz_bytes(r, buf, len);
  buf[len] = '\0';
  return buf;
}

/* 1 if status is one of the library's codes (AIINEQ_OK or a named error). */
static inline int aiq_fz_known_status(int rc) {
  return rc >= AIINEQ_ERR_TYPE && rc <= AIINEQ_OK;
}

#endif /* AIQ_FUZZUTIL_H */
