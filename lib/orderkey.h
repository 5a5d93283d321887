/*
 * orderkey.h -- the order key of a double: its IEEE-754 bits with negative
 * values flipped whole and the others given the sign bit, so that unsigned
 * integer order is numeric order (NaN excluded).  -0.0 and +0.0 get
 * different keys (-0.0 first); callers that want them tied add 0.0 first.
 * The radix sort (sort.c), the Gini's bucket sort (bucket.c) and the
 * matching's block ranks (rank.c) all order by this key.
 */
#ifndef AIQ_ORDERKEY_H
#define AIQ_ORDERKEY_H

#include <stdint.h>
#include <string.h>

#define AIQ_KEY_SIGN UINT64_C(0x8000000000000000)

/* Without a branch: the signs of the data are often random. */
static inline uint64_t aiq_order_key(double v) {
  uint64_t u;
  memcpy(&u, &v, sizeof u);
  return u ^ ((uint64_t)((int64_t)u >> 63) | AIQ_KEY_SIGN);
}

/* The double whose key is k. */
static inline double aiq_order_value(uint64_t k) {
  uint64_t u = (k & AIQ_KEY_SIGN) ? (k & ~AIQ_KEY_SIGN) : ~k;
  double v;
  memcpy(&v, &u, sizeof v);
  return v;
}

#endif /* AIQ_ORDERKEY_H */
