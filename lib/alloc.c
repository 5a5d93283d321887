/*
 * alloc.c -- the library's single allocation point.
 *
 * Every allocation in lib/ goes through these functions, so that a test
 * build can inject allocation failures and count live blocks in one place.
 *
 * Release builds compile only the plain wrappers: no counter, no global
 * state.  A build with -DAIQ_FAULT_INJECTION (the Makefile's build/fault
 * objects, linked only into tests/fault) adds the hook declared in fault.h:
 * atomic counters of attempted allocations and live blocks, and an armed
 * failure point (fail the Nth allocation, once or from then on).
 */
#include <stdlib.h>

#include "internal.h"

#ifdef AIQ_FAULT_INJECTION
#include <stdatomic.h>

#include "fault.h"

static atomic_long fi_attempts; /* allocations attempted since the last arm */
static atomic_long fi_fail_at;  /* 1-based attempt that fails; 0 = disarmed */
static atomic_int fi_persistent;
static atomic_long fi_failures; /* failures injected since the last arm */
static atomic_long fi_live;     /* blocks allocated and not yet freed */

void aiq_fault_arm(long n, int persistent) {
  atomic_store(&fi_fail_at, 0);
  atomic_store(&fi_attempts, 0);
  atomic_store(&fi_failures, 0);
  atomic_store(&fi_persistent, persistent != 0);
  atomic_store(&fi_fail_at, n > 0 ? n : 0);
}

void aiq_fault_disarm(void) { atomic_store(&fi_fail_at, 0); }
long aiq_fault_attempts(void) { return atomic_load(&fi_attempts); }
long aiq_fault_failures(void) { return atomic_load(&fi_failures); }
long aiq_fault_live(void) { return atomic_load(&fi_live); }

/* 1 if this allocation attempt must fail. */
static int fi_fail_now(void) {
  long n = atomic_fetch_add(&fi_attempts, 1) + 1;
  long at = atomic_load(&fi_fail_at);
  if (at <= 0 || n < at || (n > at && !atomic_load(&fi_persistent))) return 0;
  atomic_fetch_add(&fi_failures, 1);
  return 1;
}

static void *fi_count(void *p) {
  if (p) atomic_fetch_add(&fi_live, 1);
  return p;
}
#define FI_FAIL_NOW() fi_fail_now()
#define FI_COUNT(p) fi_count(p)
#define FI_UNCOUNT(p) ((p) ? (void)atomic_fetch_sub(&fi_live, 1) : (void)0)
#else
#define FI_FAIL_NOW() 0
#define FI_COUNT(p) (p)
#define FI_UNCOUNT(p) ((void)0)
#endif

void *aiq_malloc(size_t size) {
  if (FI_FAIL_NOW()) return NULL;
  return FI_COUNT(malloc(size ? size : 1));
}

void *aiq_calloc(size_t count, size_t size) {
  if (FI_FAIL_NOW()) return NULL;
  return FI_COUNT(calloc(count ? count : 1, size ? size : 1));
}

void *aiq_malloc_array(size_t count, size_t size) {
  if (size && count > SIZE_MAX / size) return NULL;
  return aiq_malloc(count * size);
}

void *aiq_realloc_array(void *p, size_t count, size_t size) {
  if (size && count > SIZE_MAX / size) return NULL;
  if (FI_FAIL_NOW()) return NULL;
  size_t bytes = count * size;
  void *q = realloc(p, bytes ? bytes : 1);
  /* realloc(NULL, ...) creates a block; otherwise the count is unchanged. */
  return p ? q : FI_COUNT(q);
}

void aiq_free(void *p) {
  FI_UNCOUNT(p);
  free(p);
}
