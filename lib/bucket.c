/*
 * bucket.c -- a two-level bucket sort (MSD on the order key), with the
 * same output as the radix sort of sort.c, and the Gini's sums by the
 * same passes without writing the sorted copy.
 *
 * The order key of a double is sort.c's: the IEEE-754 bits, flipped so
 * that unsigned order is numeric order.  For positive values it is a
 * piecewise-linear logarithm, so cutting the key range into equal parts
 * spreads log-normal incomes fairly evenly.
 *
 *  Range: one vectorised min/max pass (which also flags NaN: the checked
 *    sort's test).
 *  Level 1: the key range [min, max] is cut into at most 2048 buckets (512
 *    under 2^20 values)
 *    ((key - min) >> shift: 2048 counters stay in L1 like a radix pass's)
 *    and the keys (not the values: each later pass would convert again)
 *    are distributed into them in one counting pass.
 *  Level 2: each bucket, now contiguous and in cache, is cut the same way
 *    (its key range is known from level 1: no pass) into two sub-buckets
 *    per value (sub-bucket numbers computed once, in a vectorised loop;
 *    the prefix sum sixteen counts at a time in AVX-512), distributed
 *    through a scratch buffer, finished by one insertion sweep that is
 *    branch-free for neighbour swaps, and written back as values (the
 *    sort) or added to the Gini's sums (Gini mode, below: nothing written
 *    back).  If a sub-bucket gets more than AIQ_BUCKET_SMALL
 *    values, the bucket is cut again by its values' own range; if one is
 *    still crowded with unequal values (ties or spreads the key cannot
 *    resolve: rare), the radix sort sorts the bucket whole.
 *
 * The output is the sorted array of keys, unique whatever the buckets
 * were (equal keys are equal bit patterns), so it is the radix sort's for
 * every input and every thread count.  Threads: level 1 counts and
 * distributes over T fixed parts (offsets: smaller buckets, then the same
 * bucket in earlier parts); level-2 buckets are independent.
 *
 * Gini mode (aiq_bucket_gini_sums_nt): the Gini needs only sum y and
 * sum (2i - n - 1) y_(i), not the sorted array.  Bucket b's keys, once
 * sorted in level 2's scratch, have the ranks R_b + 1 .. R_b + m_b (R_b:
 * the values in earlier buckets), so the bucket adds its compensated sums
 * there (rank_sums) while in L1, and the buckets' sums are combined in
 * bucket order: no values written back, no later pass over a sorted copy.
 * A bucket's sums depend on its keys only, so any thread count and any
 * lane build give the same bits.
 */
#include <math.h>
#include <string.h>
#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>
#endif

#include "cpu.h"
#include "ineq_internal.h"
#include "internal.h"
#include "orderkey.h"
#include "par.h"

#define AIQ_BUCKET_L1 2048   /* level-1 buckets at most */
#define AIQ_BUCKET_L1_SMALL 512 /* ... under 2^20 values: fewer store streams */
#define AIQ_BUCKET_SMALL 32  /* insertion sort up to this many values */
#define AIQ_BUCKET_SUB 2     /* level-2 sub-buckets per value (1, 4, 8: slower) */
#define AIQ_BUCKET_PAR_MIN 65536

/* The buffers hold order keys between the passes (one conversion per value
 * each way instead of one per pass and comparison); memcpy is the
 * aliasing-safe way to keep uint64_t bits in the caller's doubles. */
static inline uint64_t key_at(const double *a, size_t i) {
  uint64_t k;
  memcpy(&k, a + i, sizeof k);
  return k;
}
static inline void key_put(double *a, size_t i, uint64_t k) { memcpy(a + i, &k, sizeof k); }

/* aiq_order_value without a branch. */
static inline double value_of(uint64_t k) {
  uint64_t u = k ^ ((uint64_t)((int64_t)(k ^ AIQ_KEY_SIGN) >> 63) | AIQ_KEY_SIGN);
  double v;
  memcpy(&v, &u, sizeof v);
  return v;
}

/* Smallest shift with (range >> shift) < nb (nb >= 1; at most 63).  No
 * shift below bitlen(range) - bitlen(nb) can do (range >> s keeps more
 * bits than nb has), so the search starts there: one or two steps instead
 * of up to 63 (level 2 asks once per bucket). */
static int shift_for(uint64_t range, uint64_t nb) {
  int s = 0;
  if (range >= nb) s = __builtin_clzll(nb) - __builtin_clzll(range);
  while (s < 63 && (range >> s) >= nb) s++;
  return s;
}

/* One step of the sweep over a[0..): key i joins the sorted a[0..i). */
#define AIQ_SWEEP_STEP(a, i, cur, prev)      \
  do {                                       \
    uint64_t x_ = (a)[i];                    \
    uint64_t lo_ = x_ < (cur) ? x_ : (cur);  \
    (cur) = x_ < (cur) ? (cur) : x_;         \
    if ((prev) > lo_) {                      \
      size_t j_ = (i) - 1;                   \
      do {                                   \
        (a)[j_] = (a)[j_ - 1];               \
        j_--;                                \
      } while (j_ > 0 && (a)[j_ - 1] > lo_); \
      (a)[j_] = lo_;                         \
    } else {                                 \
      (a)[(i) - 1] = lo_;                    \
      (prev) = lo_;                          \
    }                                        \
  } while (0)

/* Insertion sort of the keys a[0..m), nearly sorted after the sub-buckets:
 * a sweep that keeps the largest key so far (cur) in a register and writes
 * the smaller of it and the next key one place behind, without a branch
 * (an inverted neighbour pair, the usual disorder, costs nothing); only a
 * key that must go two or more places back (prev, the last key written,
 * is larger) takes the branch into the shifting loop, which is rare. */
static void insertion_keys(uint64_t *a, size_t m) {
  if (m < 2) return;
  uint64_t cur = a[0], prev = 0; /* no key is below 0: no place before a[0] */
  for (size_t i = 1; i < m; i++) AIQ_SWEEP_STEP(a, i, cur, prev);
  a[m - 1] = cur;
}

/* insertion_keys of a[0..m) when no key of a[0..h) is above one of
 * a[h..m) (h a sub-bucket boundary): the two halves' sweeps interleaved,
 * so that their compare-and-move chains overlap. */
static void insertion_keys2(uint64_t *a, size_t h, size_t m) {
  uint64_t *b = a + h;
  size_t mb = m - h, both = h < mb ? h : mb;
  if (both < 2) {
    insertion_keys(a, h);
    insertion_keys(b, mb);
    return;
  }
  uint64_t cur = a[0], prev = 0, curb = b[0], prevb = 0;
  size_t i = 1;
  for (; i < both; i++) {
    AIQ_SWEEP_STEP(a, i, cur, prev);
    AIQ_SWEEP_STEP(b, i, curb, prevb);
  }
  for (size_t k = i; k < h; k++) AIQ_SWEEP_STEP(a, k, cur, prev);
  for (size_t k = i; k < mb; k++) AIQ_SWEEP_STEP(b, k, curb, prevb);
  a[h - 1] = cur;
  b[mb - 1] = curb;
}

/* a[i] = value_of(k[i]) for i < m (a and k may be the same memory); lo
 * is a lower bound of the keys.  Keys of non-negative values (from +0.0
 * up) only need their sign bit cleared, which vectorises on any target. */
static void to_values(double *a, const uint64_t *k, size_t m, uint64_t lo) {
  if (lo >= AIQ_KEY_SIGN) {
#pragma omp simd
    for (size_t i = 0; i < m; i++) {
      uint64_t u = k[i] ^ AIQ_KEY_SIGN;
      double v;
      memcpy(&v, &u, sizeof v);
      a[i] = v;
    }
  } else {
#pragma omp simd
    for (size_t i = 0; i < m; i++) a[i] = value_of(k[i]);
  }
}

/* Key range of a[0..m) (keys). */
static void key_minmax(const uint64_t *a, size_t m, uint64_t *lo, uint64_t *hi) {
  uint64_t l = UINT64_MAX, h = 0;
  for (size_t i = 0; i < m; i++) {
    uint64_t k = a[i];
    l = k < l ? k : l;
    h = k > h ? k : h;
  }
  *lo = l;
  *hi = h;
}

/* The Gini's sums of one bucket (gini mode): the ascending keys k[0..m)
 * have the ranks R + 1 .. R + m in the whole sample, so the bucket adds
 * sum v and sum (2 rank - n - 1) v; nothing else of the sorted order is
 * needed, so level 2 never writes the values back and no later pass reads
 * them again.  Eight lanes in every build (value i in lane i % 8; a last
 * partial vector is padded with +0.0, which adds nothing to a sum and
 * leaves its correction as it is), Neumaier-compensated by branch-free
 * TwoSum, the lanes combined in lane order: the same IEEE operations in
 * the SSE2, AVX2 and AVX-512 builds (W lanes per vector; contraction is
 * off), so the same bits.  out: s, its correction, t, its correction. */
#define AIQ_BUCKET_LANES 8
#define AIQ_BUCKET_TWOSUM(s, c, v)          \
  do {                                      \
    __typeof__(s) t_ = (s) + (v);           \
    __typeof__(s) z_ = t_ - (s);            \
    (c) += ((s) - (t_ - z_)) + ((v) - z_);  \
    (s) = t_;                               \
  } while (0)
#define AIQ_BUCKET_RANK_SUMS(NAME, ATTR, V, VI, W)                                           \
  ATTR static void NAME(const uint64_t *k, size_t m, size_t R, double nn, double out[4]) {  \
    enum { G = AIQ_BUCKET_LANES / (W) };                                                    \
    V s[G], sc[G], t[G], tc[G], w[G];                                                       \
    for (int g = 0; g < G; g++)                                                             \
      for (int j = 0; j < (W); j++) {                                                       \
        s[g][j] = sc[g][j] = t[g][j] = tc[g][j] = 0.0;                                      \
        w[g][j] = 2.0 * (double)(R + (size_t)(g * (W) + j) + 1) - nn - 1.0;                \
      }                                                                                     \
    const VI sign = (VI){0} + (long long)AIQ_KEY_SIGN;                                      \
    uint64_t pad[AIQ_BUCKET_LANES];                                                         \
    for (size_t i = 0; i < m; i += AIQ_BUCKET_LANES) {                                      \
      const uint64_t *src = k + i;                                                          \
      if (m - i < AIQ_BUCKET_LANES) { /* +0.0's key past the end */                         \
        for (size_t j = 0; j < AIQ_BUCKET_LANES; j++) pad[j] = j < m - i ? k[i + j] : AIQ_KEY_SIGN; \
        src = pad;                                                                          \
      }                                                                                     \
      _Pragma("GCC unroll 8") for (int g = 0; g < G; g++) {                                 \
        VI kk, u;                                                                           \
        V v, p, x, z;                                                                       \
        memcpy(&kk, src + g * (W), sizeof kk);                                              \
        u = kk ^ (((kk ^ sign) >> 63) | sign); /* value_of */                               \
        memcpy(&v, &u, sizeof v);                                                           \
        p = w[g] * v;                                                                       \
        x = s[g] + v;                                                                       \
        z = x - s[g];                                                                       \
        sc[g] += (s[g] - (x - z)) + (v - z);                                                \
        s[g] = x;                                                                           \
        x = t[g] + p;                                                                       \
        z = x - t[g];                                                                       \
        tc[g] += (t[g] - (x - z)) + (p - z);                                                \
        t[g] = x;                                                                           \
        w[g] += 2.0 * AIQ_BUCKET_LANES;                                                     \
      }                                                                                     \
    }                                                                                       \
    double S = s[0][0], SC = sc[0][0], T = t[0][0], TC = tc[0][0];                          \
    for (int j = 1; j < AIQ_BUCKET_LANES; j++) {                                            \
      AIQ_BUCKET_TWOSUM(S, SC, s[j / (W)][j % (W)]);                                        \
      SC += sc[j / (W)][j % (W)];                                                           \
      AIQ_BUCKET_TWOSUM(T, TC, t[j / (W)][j % (W)]);                                        \
      TC += tc[j / (W)][j % (W)];                                                           \
    }                                                                                       \
    out[0] = S;                                                                             \
    out[1] = SC;                                                                            \
    out[2] = T;                                                                             \
    out[3] = TC;                                                                            \
  }

typedef double aiq_bucket_s2 __attribute__((vector_size(16)));
typedef long long aiq_bucket_i2 __attribute__((vector_size(16)));
AIQ_BUCKET_RANK_SUMS(rank_sums_base, , aiq_bucket_s2, aiq_bucket_i2, 2)
#if defined(__x86_64__) && defined(__GNUC__)
typedef double aiq_bucket_s4 __attribute__((vector_size(32)));
typedef long long aiq_bucket_i4 __attribute__((vector_size(32)));
typedef double aiq_bucket_s8 __attribute__((vector_size(64)));
typedef long long aiq_bucket_i8 __attribute__((vector_size(64)));
AIQ_BUCKET_RANK_SUMS(rank_sums_avx2, __attribute__((target("avx2"))), aiq_bucket_s4,
                     aiq_bucket_i4, 4)
AIQ_BUCKET_RANK_SUMS(rank_sums_avx512, __attribute__((target("avx512f"))), aiq_bucket_s8,
                     aiq_bucket_i8, 8)
#endif

/* Gini mode of level 2: where the bucket's sums go, its first rank, n. */
typedef struct {
  double *out; /* 4 doubles; NULL: sort mode (values written back) */
  size_t R;
  double nn;
  int isa; /* the sums' lane build */
  int cpu; /* the widest build the CPU runs (for the sub-bucket numbers) */
} aiq_bucket_gm;

static void rank_sums(const uint64_t *k, size_t m, const aiq_bucket_gm *gm) {
#if defined(__x86_64__) && defined(__GNUC__)
  if (gm->isa == 2) {
    rank_sums_avx512(k, m, gm->R, gm->nn, gm->out);
    return;
  }
  if (gm->isa == 1) {
    rank_sums_avx2(k, m, gm->R, gm->nn, gm->out);
    return;
  }
#endif
  rank_sums_base(k, m, gm->R, gm->nn, gm->out);
}

/* idx[i] = (a[i] - lo) >> shift, i < m: level 2's sub-bucket numbers,
 * computed once in a loop that vectorises (the counting and distributing
 * passes then only load them: no shift by a variable count per key in
 * each pass).  Compiled once per instruction set. */
#define AIQ_BUCKET_SUB_INDEX(NAME, ATTR)                                                    \
  ATTR static void NAME(const uint64_t *a, size_t m, uint64_t lo, int shift, uint32_t *idx) { \
    _Pragma("omp simd") for (size_t i = 0; i < m; i++) idx[i] = (uint32_t)((a[i] - lo) >> shift); \
  }
AIQ_BUCKET_SUB_INDEX(sub_index_base, )
#if defined(__x86_64__) && defined(__GNUC__)
AIQ_BUCKET_SUB_INDEX(sub_index_avx2, __attribute__((target("avx2"))))
AIQ_BUCKET_SUB_INDEX(sub_index_avx512, __attribute__((target("avx512f"))))
#endif

static void sub_index(const uint64_t *a, size_t m, uint64_t lo, int shift, uint32_t *idx,
                      int cpu) {
#if defined(__x86_64__) && defined(__GNUC__)
  if (cpu == 2) {
    sub_index_avx512(a, m, lo, shift, idx);
    return;
  }
  if (cpu == 1) {
    sub_index_avx2(a, m, lo, shift, idx);
    return;
  }
#endif
  (void)cpu;
  sub_index_base(a, m, lo, shift, idx);
}

/* cnt[0..nb): counts to exclusive prefix sums (each sub-bucket's start);
 * returns nonzero if some count was over AIQ_BUCKET_SMALL (crowded).
 * The running total is the only chain: the baseline takes two counts per
 * step (and tests crowding in a separate vectorised OR); AVX-512 sixteen,
 * by log-step shifts inside a register. */
static uint32_t counts_to_starts_base(uint32_t *cnt, size_t nb) {
  uint32_t over = 0;
#pragma omp simd reduction(| : over)
  for (size_t b = 0; b < nb; b++) over |= cnt[b] > AIQ_BUCKET_SMALL;
  uint32_t run = 0;
  size_t b = 0;
  for (; b + 2 <= nb; b += 2) {
    uint32_t c0 = cnt[b], c1 = cnt[b + 1];
    cnt[b] = run;
    cnt[b + 1] = run + c0;
    run += c0 + c1;
  }
  if (b < nb) cnt[b] = run;
  return over;
}

#if defined(__x86_64__) && defined(__GNUC__)
__attribute__((target("avx512f"))) static uint32_t counts_to_starts_avx512(uint32_t *cnt,
                                                                            size_t nb) {
  const __m512i zero = _mm512_setzero_si512(), small = _mm512_set1_epi32(AIQ_BUCKET_SMALL);
  const __m512i last = _mm512_set1_epi32(15);
  __m512i run = zero;
  __mmask16 over = 0;
  for (size_t b = 0; b < nb; b += 16) {
    __mmask16 k = nb - b >= 16 ? (__mmask16)0xFFFF : (__mmask16)((1u << (nb - b)) - 1);
    __m512i v = _mm512_maskz_loadu_epi32(k, cnt + b), x = v;
    over |= _mm512_cmpgt_epu32_mask(v, small);
    x = _mm512_add_epi32(x, _mm512_alignr_epi32(x, zero, 15)); /* lane i += lane i - 1 */
    x = _mm512_add_epi32(x, _mm512_alignr_epi32(x, zero, 14));
    x = _mm512_add_epi32(x, _mm512_alignr_epi32(x, zero, 12));
    x = _mm512_add_epi32(x, _mm512_alignr_epi32(x, zero, 8)); /* inclusive sums */
    _mm512_mask_storeu_epi32(cnt + b, k, _mm512_add_epi32(run, _mm512_sub_epi32(x, v)));
    run = _mm512_add_epi32(run, _mm512_permutexvar_epi32(last, x));
  }
  return over;
}
#endif

static uint32_t counts_to_starts(uint32_t *cnt, size_t nb, int cpu) {
#if defined(__x86_64__) && defined(__GNUC__)
  if (cpu == 2) return counts_to_starts_avx512(cnt, nb);
#endif
  (void)cpu;
  return counts_to_starts_base(cnt, nb);
}

/* Level 2: sort the keys a[0..m), which lie in [lo, hi], through tmp (m
 * keys) and cnt (SUB m + 1 counts), leaving the values (doubles) in
 * a[0..m).  [lo, hi] is first the level-1 bucket's key range (no pass
 * needed); if that leaves a crowded sub-bucket, the keys' own range is
 * tried (exact = 1).  Returns 0, or 1 when a crowded sub-bucket of unequal
 * keys is left unsorted (the caller then radix-sorts the values a[0..m)). */
static int level2(uint64_t *a, size_t m, uint64_t *tmp, uint32_t *cnt, uint64_t lo, uint64_t hi,
                  int exact, const aiq_bucket_gm *gm) {
  if (m <= AIQ_BUCKET_SMALL || lo == hi) {
    insertion_keys(a, m);
    if (gm->out)
      rank_sums(a, m, gm);
    else
      to_values((double *)(void *)a, a, m, lo);
    return 0;
  }
  int shift = shift_for(hi - lo, AIQ_BUCKET_SUB * m);
  size_t nb = (size_t)((hi - lo) >> shift) + 1; /* <= SUB m */
  memset(cnt, 0, nb * sizeof *cnt);
  uint32_t *idx = cnt + AIQ_BUCKET_SUB * m; /* past the counts (see bucket_sort) */
  sub_index(a, m, lo, shift, idx, gm->cpu);
  for (size_t i = 0; i < m; i++) cnt[idx[i]]++;
  uint32_t over = counts_to_starts(cnt, nb, gm->cpu);
  size_t b;
  if (over && !exact) {
    uint64_t l2, h2;
    key_minmax(a, m, &l2, &h2);
    if (h2 - l2 < hi - lo) return level2(a, m, tmp, cnt, l2, h2, 1, gm);
  }
  for (size_t i = 0; i < m; i++) tmp[cnt[idx[i]]++] = a[i];
  int crowded = 0;
  if (!over) {
    /* Out of order only inside sub-buckets: when all are small, one
     * insertion pass over the bucket finishes it (about one comparison per
     * value, no loop over sub-buckets). */
    insertion_keys2(tmp, nb > 1 ? cnt[nb / 2 - 1] : m, m); /* cnt[b]: sub-bucket b's end */
  } else {
    for (b = 0; b < nb; b++) { /* sub-bucket b is [cnt[b-1], cnt[b]) */
      size_t s = b ? cnt[b - 1] : 0, e = cnt[b];
      if (e - s <= AIQ_BUCKET_SMALL) {
        insertion_keys(tmp + s, e - s);
      } else {
        uint64_t l2, h2;
        key_minmax(tmp + s, e - s, &l2, &h2);
        crowded |= l2 != h2;
      }
    }
  }
  if (gm->out && !crowded)
    rank_sums(tmp, m, gm);
  else /* the radix sort finishes a crowded bucket from its values */
    to_values((double *)(void *)a, tmp, m, lo);
  return crowded;
}

/* Value range of x[0..n) for the sort: *lo, *hi the smallest and largest
 * value that is not a NaN; returns 1 if some value is a NaN.  Several
 * lanes of vectors of the instruction set's width (compiled once per set
 * below; a comparison is exact in any of them). */
#define AIQ_BUCKET_RANGE(NAME, ATTR, V, M, W)                                              \
  ATTR static int NAME(const double *x, size_t n, double *lo, double *hi) {               \
    enum { G = 16 / (W) };                                                                \
    V l[G], h[G];                                                                         \
    M nan[G];                                                                             \
    for (int g = 0; g < G; g++)                                                           \
      for (int j = 0; j < (W); j++) {                                                     \
        l[g][j] = h[g][j] = x[0];                                                         \
        nan[g][j] = 0;                                                                    \
      }                                                                                   \
    size_t i = 0;                                                                         \
    for (; i + 16 <= n; i += 16) {                                                        \
      _Pragma("GCC unroll 16") for (int g = 0; g < G; g++) {                              \
        V v;                                                                              \
        memcpy(&v, x + i + (size_t)g * (W), sizeof v);                                    \
        M a = v < l[g], b = v > h[g];                                                     \
        l[g] = (V)(((M)v & a) | ((M)l[g] & ~a));                                          \
        h[g] = (V)(((M)v & b) | ((M)h[g] & ~b));                                          \
        nan[g] |= v != v;                                                                 \
      }                                                                                   \
    }                                                                                     \
    double L = x[0], H = x[0];                                                            \
    int bad = 0;                                                                          \
    for (int g = 0; g < G; g++)                                                           \
      for (int j = 0; j < (W); j++) {                                                     \
        L = l[g][j] < L ? l[g][j] : L;                                                    \
        H = h[g][j] > H ? h[g][j] : H;                                                    \
        bad |= nan[g][j] != 0;                                                            \
      }                                                                                   \
    for (; i < n; i++) {                                                                  \
      L = x[i] < L ? x[i] : L;                                                            \
      H = x[i] > H ? x[i] : H;                                                            \
      bad |= x[i] != x[i];                                                                \
    }                                                                                     \
    *lo = L;                                                                              \
    *hi = H;                                                                              \
    return bad || L != L;                                                                 \
  }

/* the vector types of the rank sums above */
AIQ_BUCKET_RANGE(range_base, , aiq_bucket_s2, aiq_bucket_i2, 2)
#if defined(__x86_64__) && defined(__GNUC__)
AIQ_BUCKET_RANGE(range_avx2, __attribute__((target("avx2"))), aiq_bucket_s4, aiq_bucket_i4, 4)
AIQ_BUCKET_RANGE(range_avx512, __attribute__((target("avx512f"))), aiq_bucket_s8,
                 aiq_bucket_i8, 8)
#endif

/* The widest build the CPU runs: 2 AVX-512, 1 AVX2, 0 baseline (cpu.h's
 * levels). */
static int best_isa(void) { return aiq_cpu_level(); }

/* Level 1's counting and distributing passes over x[lo..hi): in blocks,
 * the keys and bucket numbers first (a loop that vectorises: the same
 * integer operations on each value), then the counters' increments or the
 * stores, the only serial part.  Each store prefetches, for writing, the
 * line two lines further along its bucket: inside a solve y is cold and
 * every new line would otherwise stall the stores on its read for
 * ownership (about 18% of a Gini there; nothing in a warm loop).
 * Compiled once per instruction set. */
#define AIQ_BUCKET_BLOCK 256
#define AIQ_BUCKET_L1_PASSES(SUF, ATTR)                                                     \
  ATTR static void l1_count_##SUF(const double *x, size_t lo, size_t hi, uint64_t kmin,     \
                                  int shift, size_t *c) {                                   \
    uint32_t idx[AIQ_BUCKET_BLOCK];                                                         \
    for (size_t i0 = lo; i0 < hi; i0 += AIQ_BUCKET_BLOCK) {                                 \
      size_t m = hi - i0 < AIQ_BUCKET_BLOCK ? hi - i0 : AIQ_BUCKET_BLOCK;                   \
      _Pragma("omp simd") for (size_t j = 0; j < m; j++) idx[j] =                           \
          (uint32_t)((aiq_order_key(x[i0 + j]) - kmin) >> shift);                           \
      for (size_t j = 0; j < m; j++) c[idx[j]]++;                                           \
    }                                                                                       \
  }                                                                                         \
  ATTR static void l1_scatter_##SUF(const double *x, size_t lo, size_t hi, uint64_t kmin,   \
                                    int shift, size_t *off, double *y) {                    \
    uint64_t key[AIQ_BUCKET_BLOCK];                                                         \
    uint32_t idx[AIQ_BUCKET_BLOCK];                                                         \
    for (size_t i0 = lo; i0 < hi; i0 += AIQ_BUCKET_BLOCK) {                                 \
      size_t m = hi - i0 < AIQ_BUCKET_BLOCK ? hi - i0 : AIQ_BUCKET_BLOCK;                   \
      _Pragma("omp simd") for (size_t j = 0; j < m; j++) {                                  \
        key[j] = aiq_order_key(x[i0 + j]);                                                  \
        idx[j] = (uint32_t)((key[j] - kmin) >> shift);                                      \
      }                                                                                     \
      for (size_t j = 0; j < m; j++) {                                                      \
        size_t o_ = off[idx[j]]++;                                                          \
        key_put(y, o_, key[j]);                                                             \
        __builtin_prefetch(y + o_ + 16, 1, 3);                                              \
      }                                                                                     \
    }                                                                                       \
  }

AIQ_BUCKET_L1_PASSES(base, )
#if defined(__x86_64__) && defined(__GNUC__)
AIQ_BUCKET_L1_PASSES(avx2, __attribute__((target("avx2"))))
AIQ_BUCKET_L1_PASSES(avx512, __attribute__((target("avx512f"))))
#endif

/* Range of x[0..n) (n > 0) with up to T threads: chunks fixed by n, each
 * by the widest kernel the CPU has (min and max are exact in any order). */
static int value_range(const double *x, size_t n, size_t T, double *lo, double *hi) {
  (void)T; /* only read by OpenMP */
  int isa = best_isa();
  size_t nc = aiq_par_nchunks(n);
  double part[AIQ_PAR_MAXCHUNKS][2];
  int bad = 0;
#pragma omp parallel for num_threads((int)T) schedule(static) if (T > 1 && nc > 1) \
    reduction(| : bad)
  for (size_t c = 0; c < nc; c++) {
    size_t a = aiq_par_lo(n, nc, c), m = aiq_par_lo(n, nc, c + 1) - a;
#if defined(__x86_64__) && defined(__GNUC__)
    if (isa == 2)
      bad |= range_avx512(x + a, m, &part[c][0], &part[c][1]);
    else if (isa == 1)
      bad |= range_avx2(x + a, m, &part[c][0], &part[c][1]);
    else
#endif
      bad |= range_base(x + a, m, &part[c][0], &part[c][1]);
  }
  (void)isa;
  double l = part[0][0], h = part[0][1];
  for (size_t c = 1; c < nc; c++) {
    l = part[c][0] < l ? part[c][0] : l;
    h = part[c][1] > h ? part[c][1] : h;
  }
  *lo = l;
  *hi = h;
  return bad;
}

/* Keys of the values a[0..m) in place, then their Gini sums (a crowded
 * bucket after the radix sort, or a sample the buckets do not split). */
static void value_rank_sums(double *a, size_t m, const aiq_bucket_gm *gm) {
  for (size_t i = 0; i < m; i++) key_put(a, i, aiq_order_key(a[i]));
  rank_sums((const uint64_t *)(const void *)a, m, gm);
}

/* The sort; with check, AIINEQ_ERR_RANGE (y unspecified) as soon as the
 * key-range pass has seen a value outside [0, inf) or a NaN.  With sums
 * (Gini mode, checked data only), y is only scratch: sums receives the
 * compensated sum of the values and of (2 rank - n - 1) value over the
 * ascending order (s, its correction, t, its correction), each level-1
 * bucket's own sums (rank_sums, lane build isa) combined in bucket order,
 * so the same bits for every thread count. */
static int bucket_sort(const double *x, size_t n, double *y, int nt, int check, int isa_sums,
                       double *sums) {
  if (n == 0) return AIINEQ_OK;
  if (!x || !y) return AIINEQ_ERR_ARG;
  aiq_bucket_gm gm0 = {sums, 0, (double)n, isa_sums, best_isa()};
  if (check)
    for (size_t i = 0; i < n && n <= AIQ_BUCKET_SMALL; i++)
      if (!(x[i] >= 0 && x[i] < INFINITY)) return AIINEQ_ERR_RANGE;
  if (n <= AIQ_BUCKET_SMALL) {
    for (size_t i = 0; i < n; i++) key_put(y, i, aiq_order_key(x[i]));
    level2((uint64_t *)(void *)y, n, NULL, NULL, 0, 0, 1, &gm0);
    return AIINEQ_OK;
  }
  size_t T = 1;
#ifdef _OPENMP
  if (nt > 1 && n >= AIQ_BUCKET_PAR_MIN) T = (size_t)nt;
#endif
  /* The value range, which is also the checked sort's test. */
  double vmin, vmax;
  int has_nan = value_range(x, n, T, &vmin, &vmax);
  if (check && (has_nan || !(vmin >= 0 && vmax < INFINITY))) return AIINEQ_ERR_RANGE;
  if (has_nan) { /* outside the contract (no NaN): the radix sort's order */
    memcpy(y, x, n * sizeof *y);
    return aiq_sort_double_nt(y, n, nt);
  }
  uint64_t kmin = aiq_order_key(vmin == 0 ? -0.0 : vmin), kmax = aiq_order_key(vmax == 0 ? 0.0 : vmax);
  if (kmin == kmax) { /* one bit pattern (all-zero data may miss this) */
    memcpy(y, x, n * sizeof *y);
    if (sums) value_rank_sums(y, n, &gm0);
    return AIINEQ_OK;
  }
  /* Below 2^20 values, 512 buckets (level 2 stays in L1 either way; the
   * distribution writes to fewer places at once: about 5% faster at 2e5). */
  int shift = shift_for(kmax - kmin, n < ((size_t)1 << 20) ? AIQ_BUCKET_L1_SMALL : AIQ_BUCKET_L1);
  int isa = best_isa();
  size_t nb = (size_t)((kmax - kmin) >> shift) + 1;
  size_t *cnt = aiq_calloc(T * nb + 1, sizeof *cnt);
  if (!cnt) return AIINEQ_ERR_NOMEM;
#pragma omp parallel for num_threads((int)T) schedule(static) if (T > 1)
  for (size_t t = 0; t < T; t++) {
    size_t lo = aiq_par_lo(n, T, t), e = aiq_par_lo(n, T, t + 1);
#if defined(__x86_64__) && defined(__GNUC__)
    if (isa == 2)
      l1_count_avx512(x, lo, e, kmin, shift, cnt + t * nb);
    else if (isa == 1)
      l1_count_avx2(x, lo, e, kmin, shift, cnt + t * nb);
    else
#endif
      l1_count_base(x, lo, e, kmin, shift, cnt + t * nb);
  }
  size_t run = 0, maxm = 0;
  for (size_t b = 0; b < nb; b++) {
    size_t m = 0;
    for (size_t t = 0; t < T; t++) {
      size_t c = cnt[t * nb + b];
      cnt[t * nb + b] = run + m;
      m += c;
    }
    run += m;
    maxm = m > maxm ? m : maxm;
  }
  /* y holds the keys until level 2 writes each bucket's values. */
#pragma omp parallel for num_threads((int)T) schedule(static) if (T > 1)
  for (size_t t = 0; t < T; t++) {
    size_t lo = aiq_par_lo(n, T, t), e = aiq_par_lo(n, T, t + 1);
#if defined(__x86_64__) && defined(__GNUC__)
    if (isa == 2)
      l1_scatter_avx512(x, lo, e, kmin, shift, cnt + t * nb, y);
    else if (isa == 1)
      l1_scatter_avx2(x, lo, e, kmin, shift, cnt + t * nb, y);
    else
#endif
      l1_scatter_base(x, lo, e, kmin, shift, cnt + t * nb, y);
  }
  (void)isa;
  /* Bucket b is [end[b-1], end[b]), end = the last part's offsets.  Each
   * thread of level 2 has maxm keys and SUB maxm + 1 counts of scratch; a
   * giant bucket (over n / T values) makes level 2 serial. */
  const size_t *end = cnt + (T - 1) * nb;
  size_t T2 = maxm > UINT32_MAX ? 0 : maxm > n / T ? 1 : T;
  uint64_t *tmp = T2 ? aiq_malloc_array(T2 * maxm, sizeof *tmp) : NULL;
  /* per thread: SUB maxm counts, then maxm sub-bucket numbers */
  size_t ncnt2 = (AIQ_BUCKET_SUB + 1) * maxm + 1;
  uint32_t *cnt2 = T2 ? aiq_malloc_array(T2 * ncnt2, sizeof *cnt2) : NULL;
  unsigned char *crowded = aiq_calloc(nb, 1);
  double *bs = sums ? aiq_malloc_array(nb, 4 * sizeof *bs) : NULL; /* each bucket's sums */
  int rc = (T2 && (!tmp || !cnt2)) || !crowded || (sums && !bs) ? AIINEQ_ERR_NOMEM : AIINEQ_OK;
  if (rc == AIINEQ_OK && T2) {
#pragma omp parallel for num_threads((int)T2) schedule(dynamic, 16) if (T2 > 1)
    for (size_t b = 0; b < nb; b++) {
      size_t t = aiq_par_thread_id(), s = b ? end[b - 1] : 0;
      uint64_t lo = kmin + ((uint64_t)b << shift), w = ((uint64_t)1 << shift) - 1;
      uint64_t hi = kmax - lo < w ? kmax : lo + w; /* bucket b's keys */
      aiq_bucket_gm gm = {bs ? bs + 4 * b : NULL, s, (double)n, isa_sums, isa};
      crowded[b] = (unsigned char)level2((uint64_t *)(void *)(y + s), end[b] - s, tmp + t * maxm,
                                         cnt2 + t * ncnt2, lo, hi, 0, &gm);
    }
  } else if (rc == AIINEQ_OK) { /* no level 2: back to values for the radix sort */
    to_values(y, (uint64_t *)(void *)y, n, kmin);
  }
  aiq_free(tmp); /* before the radix sort's own scratch */
  aiq_free(cnt2);
  for (size_t b = 0; b < nb && rc == AIINEQ_OK; b++) { /* the radix sort: whole buckets */
    size_t s = b ? end[b - 1] : 0;
    if (!T2 || crowded[b]) {
      rc = aiq_sort_double_nt(y + s, end[b] - s, nt);
      aiq_bucket_gm gm = {bs ? bs + 4 * b : NULL, s, (double)n, isa_sums, isa};
      if (rc == AIINEQ_OK && bs) value_rank_sums(y + s, end[b] - s, &gm);
    }
  }
  if (rc == AIINEQ_OK && bs) { /* the buckets' sums in bucket order */
    double S = bs[0], SC = bs[1], U = bs[2], UC = bs[3];
    for (size_t b = 1; b < nb; b++) {
      AIQ_BUCKET_TWOSUM(S, SC, bs[4 * b]);
      SC += bs[4 * b + 1];
      AIQ_BUCKET_TWOSUM(U, UC, bs[4 * b + 2]);
      UC += bs[4 * b + 3];
    }
    sums[0] = S;
    sums[1] = SC;
    sums[2] = U;
    sums[3] = UC;
  }
  aiq_free(bs);
  aiq_free(crowded);
  aiq_free(cnt);
  return rc;
}

int aiq_bucket_sort_nt(const double *x, size_t n, double *y, int nt) {
  return bucket_sort(x, n, y, nt, 0, 0, NULL);
}

int aiq_bucket_sort_checked_nt(const double *x, size_t n, double *y, int nt) {
  return bucket_sort(x, n, y, nt, 1, 0, NULL);
}

int aiq_bucket_gini_sums_nt(const double *x, size_t n, double *y, int nt, int isa,
                            double sums[4]) {
  if (!sums || isa < 0 || isa > best_isa()) return AIINEQ_ERR_ARG;
  if (n == 0) return AIINEQ_ERR_DEGENERATE;
  return bucket_sort(x, n, y, nt, 1, isa, sums);
}

int aiq_bucket_isa(void) { return best_isa(); }
