/*
 * rank.c -- equal blocks of ranks without sorting (the matching of
 * households to firms, MODEL.md section 3).
 *
 * The matching needs only block(i) = floor(r_i J / n), where r_i is the
 * rank of household i in the stable ascending order of its sorting index
 * (ties in index order): a partition into J quantile blocks, not an order.
 * So households are counted into buckets by a weakly monotone map of their
 * value (linear in the value: sorting indices are roughly normal, so the
 * buckets fill evenly), which gives every bucket its range of ranks.  A
 * bucket whose ranks all fall into one block hands that block to all its
 * members; only the members of the buckets that straddle one of the J - 1
 * block boundaries (a few per boundary) are ranked exactly, by (value,
 * index): insertion sort, or the stable radix argsort of sort.c for a
 * crowded bucket (ties, clusters, outliers).  Two passes over the values
 * instead of a six-pass argsort, and no index array.
 *
 * Threads.  Counting runs over T fixed parts of the input, each with its
 * own row of counts summed in part order (integers: exact); the result is
 * a function of the exact ranks, so it never depends on T or on the number
 * of buckets.
 */
#include <math.h>

#include "ineq_internal.h"
#include "internal.h"
#include "orderkey.h"
#include "par.h"

/* Straddling buckets with at most this many members are ranked by
 * insertion sort, larger ones by the radix argsort. */
#define AIQ_RANK_SMALL 48
/* Buckets per value (1 / mean fill); counts cost 4 / FILL bytes a value. */
#define AIQ_RANK_FILL 2
/* Below this many values threads cost more than they save. */
#define AIQ_RANK_PAR_MIN 65536

/* Counts, tags (< J + J) and member-list cursors (< n) of the buckets:
 * 32 bits while n <= UINT32_MAX (half the cache footprint of size_t; the
 * counts are random increments), the argsort route beyond. */
typedef uint32_t rank_count;

/* Weakly monotone bucket map of folded values: linear in the value when
 * the range allows it (t = (v half - lo) scale: subtraction, product and
 * truncation all round monotonically), else the key shifted (any range,
 * e.g. subnormal spreads whose scale would overflow). */
typedef struct rank_map {
  int linear;
  double half, lo, scale; /* half: 1, or 0.5 when max - min overflows */
  uint64_t klo;
  int shift;
  size_t nb;
} rank_map;

static inline size_t rank_bucket(const rank_map *m, double v) {
  if (m->linear) {
    double t = (v * m->half - m->lo) * m->scale; /* >= 0: v >= min */
    return t < (double)(m->nb - 1) ? (size_t)t : m->nb - 1;
  }
  return (size_t)((aiq_order_key(v) - m->klo) >> m->shift);
}

static rank_map rank_map_for(uint64_t kmin, uint64_t kmax, size_t nb) {
  rank_map m = {0, 1.0, 0.0, 0.0, kmin, 0, nb};
  double vmin = aiq_order_value(kmin), vmax = aiq_order_value(kmax);
  double half = isfinite(vmax - vmin) ? 1.0 : 0.5; /* the halves cannot overflow */
  double d = vmax * half - vmin * half, scale = (double)nb / d;
  /* The key map instead when a value is infinite or the spread so small
   * (subnormal) that the scale overflows. */
  if (nb > 1 && d > 0 && isfinite(d) && scale > 0 && isfinite(scale)) {
    m.linear = 1;
    m.half = half;
    m.lo = vmin * half;
    m.scale = scale;
    return m;
  }
  while (m.shift < 63 && ((kmax - kmin) >> m.shift) >= (uint64_t)nb) m.shift++;
  m.nb = (size_t)((kmax - kmin) >> m.shift) + 1;
  return m;
}

/* Buckets of s[lo..hi) into block[] and their counts into c.  The map's
 * fields in locals (through a pointer they were reloaded after every
 * count, which might have changed them).  The linear map runs in slices:
 * the buckets first (elementwise, vectorised: the top bucket by taking
 * the smaller of t and nb - 1, so no branch; t < nb - 1 <= INT32_MAX
 * truncates to the same integer as through size_t, and a NaN t (never:
 * NaN is excluded) would give the top bucket either way), then the
 * counts from the slice's buckets, still in L1. */
#define RANK_SLICE 512
static void count_part(const double *s, size_t lo, size_t hi, rank_map map, rank_count *restrict c,
                       int32_t *restrict block) {
  if (map.linear) {
    double half = map.half, vlo = map.lo, scale = map.scale, top = (double)(map.nb - 1);
    for (size_t a = lo; a < hi; a += RANK_SLICE) {
      size_t e = hi - a < RANK_SLICE ? hi : a + RANK_SLICE;
#pragma omp simd
      for (size_t i = a; i < e; i++) {
        double t = ((s[i] + 0.0) * half - vlo) * scale;
        block[i] = (int32_t)(t < top ? t : top);
      }
      for (size_t i = a; i < e; i++) c[block[i]]++;
    }
    return;
  }
  for (size_t i = lo; i < hi; i++) {
    size_t b = rank_bucket(&map, s[i] + 0.0);
    block[i] = (int32_t)b;
    c[b]++;
  }
}

/* A bucket that straddles a block boundary: its first rank, its size,
 * where its members start in the member list and part 0's cursor there
 * (the other parts' cursors live in their rows of the counts). */
typedef struct straddle {
  size_t rank0, m, pos, cur;
} straddle;

static inline int32_t block_of(size_t rank, size_t J, size_t n) {
  return (int32_t)((uint64_t)rank * (uint64_t)J / (uint64_t)n);
}

/* First rank of block j + 1: ceil((j + 1) n / J). */
static inline size_t block_end(size_t j, size_t J, size_t n) {
  return (size_t)(((uint64_t)(j + 1) * n + J - 1) / J);
}

/* A member of a straddling bucket: its key (of s[i] + 0.0) and index,
 * listed by the tag pass, which streams through s anyway (the straddlers'
 * values read later, scattered, were a cache miss each). */
typedef struct member {
  uint64_t key;
  size_t i;
} member;

/* Exact blocks of one straddling bucket's members mem[0..m) (listed in
 * index order) by (value, index): the ranks rank0, rank0 + 1, ... in
 * that order, their blocks with one division, then boundary by boundary. */
static int rank_straddle(const double *s, size_t n, size_t J, const straddle *st,
                         const member *mem, int32_t *block) {
  size_t m = st->m, jb = (size_t)block_of(st->rank0, J, n), next = block_end(jb, J, n);
  if (m <= AIQ_RANK_SMALL) {
    uint64_t k[AIQ_RANK_SMALL];
    size_t id[AIQ_RANK_SMALL];
    for (size_t a = 0; a < m; a++) {
      uint64_t kv = mem[a].key;
      size_t j = a;
      while (j > 0 && k[j - 1] > kv) { /* strict: ties keep index order */
        k[j] = k[j - 1];
        id[j] = id[j - 1];
        j--;
      }
      k[j] = kv;
      id[j] = mem[a].i;
    }
    for (size_t a = 0; a < m; a++) {
      while (st->rank0 + a >= next) next = block_end(++jb, J, n);
      block[id[a]] = (int32_t)jb;
    }
    return AIINEQ_OK;
  }
  double *v = aiq_malloc_array(m, sizeof *v);
  size_t *p = aiq_malloc_array(m, sizeof *p);
  int rc = v && p ? AIINEQ_OK : AIINEQ_ERR_NOMEM;
  if (rc == AIINEQ_OK) {
    for (size_t a = 0; a < m; a++) v[a] = s[mem[a].i];
    rc = aiq_argsort_double(v, m, p); /* stable: ties stay in index order */
  }
  if (rc == AIINEQ_OK)
    for (size_t a = 0; a < m; a++) {
      while (st->rank0 + a >= next) next = block_end(++jb, J, n);
      block[mem[p[a]].i] = (int32_t)jb;
    }
  aiq_free(v);
  aiq_free(p);
  return rc;
}

/* Bucket counts (T rows) into tags (row 0): the block of a bucket whose
 * ranks lie in one block, J + its straddle number otherwise; fills st
 * (with each straddler's place in the member list, *total members in
 * all) and turns the counts of a straddler in rows t > 0 into part t's
 * cursor in the member list (parts in order: the list is in index order)
 * and part_members[t] to part t's members.
 * Returns the number of straddlers.  The block of the running rank
 * advances boundary by boundary (no division per bucket); an empty bucket
 * gets a tag too (never read: no value maps there), which saves a branch
 * that the empty buckets make unpredictable. */
static size_t tag_buckets(rank_count *cnt, size_t nb, size_t T, size_t n, size_t J, straddle *st,
                          size_t *total, size_t *part_members) {
  for (size_t t = 0; t < T; t++) part_members[t] = 0;
  size_t run = 0, jb = 0, ns = 0, pos = 0;
  size_t next = block_end(0, J, n); /* first rank of block 1 */
  for (size_t b = 0; b < nb; b++) {
    size_t m = cnt[b];
    for (size_t t = 1; t < T; t++) m += cnt[t * nb + b];
    while (run >= next && jb < J) next = block_end(++jb, J, n);
    if (run + m <= next) {
      cnt[b] = (rank_count)jb;
    } else {
      st[ns].rank0 = run;
      st[ns].m = m;
      st[ns].pos = st[ns].cur = pos;
      size_t off = pos + cnt[b];
      part_members[0] += cnt[b];
      for (size_t t = 1; t < T; t++) {
        size_t c = cnt[t * nb + b];
        cnt[t * nb + b] = (rank_count)off;
        part_members[t] += c;
        off += c;
      }
      pos += m;
      cnt[b] = (rank_count)(J + ns++);
    }
    run += m;
  }
  *total = pos;
  return ns;
}

/* The blocks through the stable argsort (n > UINT32_MAX: the counts'
 * 32 bits would not do). */
static int rank_by_argsort(const double *s, size_t n, size_t J, int32_t *block, int nt) {
  size_t *idx = aiq_malloc_array(n, sizeof *idx);
  if (!idx) return AIINEQ_ERR_NOMEM;
  int rc = aiq_argsort_double_nt(s, n, idx, nt);
  if (rc == AIINEQ_OK) {
    size_t jb = 0, next = block_end(0, J, n);
    for (size_t r = 0; r < n; r++) {
      while (r >= next) next = block_end(++jb, J, n);
      block[idx[r]] = (int32_t)jb;
    }
  }
  aiq_free(idx);
  return rc;
}

/* Threads for n values. */
static size_t rank_threads(size_t n, int nt) {
#ifdef _OPENMP
  if (nt > 1 && n >= AIQ_RANK_PAR_MIN) return (size_t)nt;
#else
  (void)n;
  (void)nt;
#endif
  return 1;
}

int aiq_rank_blocks(const double *s, size_t n, size_t J, int32_t *block, int nt) {
  if (n == 0) return AIINEQ_OK;
  if (!s || !block || J == 0 || J > n || J > (size_t)INT32_MAX) return AIINEQ_ERR_ARG;
  double vmin, vmax;
  aiq_par_minmax(s, n, (int)rank_threads(n, nt), &vmin, &vmax);
  return aiq_rank_blocks_range(s, n, J, block, nt, vmin, vmax);
}

int aiq_rank_blocks_range(const double *s, size_t n, size_t J, int32_t *block, int nt,
                          double vmin, double vmax) {
  if (n == 0) return AIINEQ_OK;
  if (!s || !block || J == 0 || J > n || J > (size_t)INT32_MAX) return AIINEQ_ERR_ARG;
  size_t T = rank_threads(n, nt);
  /* Keys of s[i] + 0.0 (-0.0 folded into +0.0): the key is monotone in the
   * value (NaN excluded) and every zero folds to the key of +0.0, so these
   * are the smallest and largest keys. */
  uint64_t kmin = aiq_order_key(vmin + 0.0), kmax = aiq_order_key(vmax + 0.0);
  if (kmin == kmax) { /* all tie: the rank is the index */
#pragma omp parallel for num_threads((int)T) schedule(static) if (T > 1)
    for (size_t i = 0; i < n; i++) block[i] = block_of(i, J, n);
    return AIINEQ_OK;
  }
  if (n > (size_t)UINT32_MAX) return rank_by_argsort(s, n, J, block, nt);
  /* Fewer buckets per part with more parts: the counts stay ~4/FILL bytes
   * a value, and the result does not depend on the bucket count. */
  size_t nb = n / AIQ_RANK_FILL / T;
  nb = nb < (size_t)INT32_MAX ? nb : (size_t)INT32_MAX; /* a bucket fits block[i] */
  rank_map map = rank_map_for(kmin, kmax, nb > 2 ? nb : 2);
  nb = map.nb;
  size_t cap = J < nb ? J : nb; /* a straddler holds one of the J - 1 boundaries */
  rank_count *cnt = aiq_calloc(T * nb, sizeof *cnt);
  straddle *st = aiq_malloc_array(cap, sizeof *st);
  if (!cnt || !st) {
    aiq_free(cnt);
    aiq_free(st);
    return AIINEQ_ERR_NOMEM;
  }
  /* Count, keeping each value's bucket in block[i] (nb <= INT32_MAX). */
#pragma omp parallel for num_threads((int)T) schedule(static) if (T > 1)
  for (size_t t = 0; t < T; t++)
    count_part(s, aiq_par_lo(n, T, t), aiq_par_lo(n, T, t + 1), map, cnt + t * nb, block);
  size_t *pm = aiq_malloc_array(T + 1, sizeof *pm);
  size_t total = 0, ns = pm ? tag_buckets(cnt, nb, T, n, J, st, &total, pm) : 0;
  member *mem = ns ? aiq_malloc_array(total, sizeof *mem) : NULL;
  /* Each part's members' indices, listed without a branch (one slot of
   * slack per part for the write past its last member). */
  uint32_t *cand = pm ? aiq_malloc_array(total + T, sizeof *cand) : NULL;
  if (!pm || (ns && !mem) || !cand) {
    aiq_free(cand);
    aiq_free(mem);
    aiq_free(pm);
    aiq_free(st);
    aiq_free(cnt);
    return AIINEQ_ERR_NOMEM;
  }
  for (size_t t = 0, off = 0; t < T; t++) { /* part t's slots from pm[t] on */
    size_t c = pm[t];
    pm[t] = off;
    off += c + 1;
  }
  /* Blocks from the tags: a bucket in one block gives it; a straddler's
   * member keeps its bucket and its index goes to the part's list (no
   * branch: the straddlers' members, a few per cent of the values, made
   * it unpredictable).  Then the listed members, in index order, go to
   * the member list, each part at its own cursors (part 0's in st, part
   * t's in row t of the counts), so the member list is in index order. */
  const rank_count *tag = cnt;
#pragma omp parallel for num_threads((int)T) schedule(static) if (T > 1)
  for (size_t t = 0; t < T; t++) {
    rank_count *cur = cnt + t * nb;
    uint32_t *lst = cand + pm[t];
    size_t k = 0;
    for (size_t i = aiq_par_lo(n, T, t), e = aiq_par_lo(n, T, t + 1); i < e; i++) {
      uint32_t b = (uint32_t)block[i], g = tag[b];
      int straddles = g >= J;
      block[i] = (int32_t)(straddles ? b : g);
      lst[k] = (uint32_t)i;
      k += (size_t)straddles;
    }
    for (size_t q = 0; q < k; q++) {
      size_t i = lst[q], b = (size_t)block[i], g = tag[b];
      member *p = &mem[t ? cur[b]++ : st[g - J].cur++];
      p->key = aiq_order_key(s[i] + 0.0);
      p->i = i;
    }
  }
  int rc = AIINEQ_OK;
  for (size_t q = 0; q < ns && rc == AIINEQ_OK; q++)
    rc = rank_straddle(s, n, J, &st[q], mem + st[q].pos, block);
  aiq_free(cand);
  aiq_free(pm);
  aiq_free(mem);
  aiq_free(st);
  aiq_free(cnt);
  return rc;
}
