/*
 * sobol.c -- Sobol points by direction numbers (Bratley and Fox 1988,
 * Joe and Kuo 2008).  Point n is the XOR of the direction numbers V_i for
 * the set bits i of the Gray code of n, so any point is computed directly
 * without a generator state (no mutable state, thread safe).
 */
#include "sobol.h"

/* Joe-Kuo primitive polynomials (as integers, leading and trailing
 * coefficients included: degree = bit length - 1) and initial direction
 * numbers m_1..m_s.  Dimension 0 is the van der Corput sequence. */
static const struct {
  unsigned poly;
  unsigned m[7];
} jk[AIQ_SOBOL_MAX_DIM] = {
    {1, {1}},
    {3, {1}},
    {7, {1, 3}},
    {11, {1, 3, 1}},
    {13, {1, 1, 1}},
    {19, {1, 1, 3, 3}},
    {25, {1, 3, 5, 13}},
    {37, {1, 1, 5, 5, 17}},
    {41, {1, 1, 5, 5, 5}},
    {47, {1, 1, 7, 11, 19}},
    {55, {1, 1, 5, 1, 1}},
    {59, {1, 1, 1, 3, 11}},
    {61, {1, 3, 5, 5, 31}},
    {67, {1, 3, 3, 9, 7, 49}},
    {91, {1, 1, 1, 15, 21, 21}},
    {97, {1, 3, 1, 13, 27, 49}},
    {103, {1, 1, 1, 15, 7, 5}},
    {109, {1, 3, 1, 15, 13, 25}},
    {115, {1, 1, 5, 5, 19, 61}},
    {131, {1, 3, 7, 11, 23, 15, 103}},
    {137, {1, 3, 7, 13, 13, 15, 69}},
};

/* Direction numbers V_1..V_32 (scaled by 2^32) of dimension j. */
static void directions(size_t j, uint32_t v[AIQ_SOBOL_BITS]) {
  if (j == 0) {
    for (int i = 0; i < AIQ_SOBOL_BITS; i++) v[i] = (uint32_t)1u << (31 - i);
    return;
  }
  unsigned poly = jk[j].poly;
  int s = 0;
  while ((poly >> (s + 1)) != 0) s++;
  uint32_t m[AIQ_SOBOL_BITS];
  for (int i = 0; i < AIQ_SOBOL_BITS; i++) {
    if (i < s) {
      m[i] = jk[j].m[i];
    } else {
      /* m_i = 2 a_1 m_{i-1} ^ 4 a_2 m_{i-2} ^ ... ^ 2^s m_{i-s} ^ m_{i-s} */
      uint32_t r = m[i - s] ^ (m[i - s] << s);
      for (int k = 1; k < s; k++)
        if ((poly >> (s - k)) & 1u) r ^= m[i - k] << k;
      m[i] = r;
    }
  }
  for (int i = 0; i < AIQ_SOBOL_BITS; i++) v[i] = m[i] << (31 - i);
}

int aiq_sobol_point(size_t d, uint32_t index, double *x) {
  if (d == 0 || d > AIQ_SOBOL_MAX_DIM || !x) return -1;
  uint32_t gray = index ^ (index >> 1);
  for (size_t j = 0; j < d; j++) {
    uint32_t v[AIQ_SOBOL_BITS], acc = 0;
    directions(j, v);
    for (int i = 0; i < AIQ_SOBOL_BITS; i++)
      if ((gray >> i) & 1u) acc ^= v[i];
    x[j] = acc / 4294967296.0;
  }
  return 0;
}
