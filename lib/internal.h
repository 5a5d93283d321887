/*
 * internal.h -- helpers shared by the library's translation units.
 * Nothing here is exported: internal names start with `aiq_`.
 */
#ifndef AIQ_INTERNAL_H
#define AIQ_INTERNAL_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include "aiineq.h"

/* Size of every handle's error-message buffer. */
#define AIQ_ERRLEN 256

/* All allocations go through these, so that fault injection and accounting
 * have one place to hook (see alloc.c).  aiq_malloc(0) returns a unique
 * non-NULL pointer; sizes are checked for overflow in the array variants. */
void *aiq_malloc(size_t size);
void *aiq_calloc(size_t count, size_t size);
void *aiq_malloc_array(size_t count, size_t size);
void *aiq_realloc_array(void *p, size_t count, size_t size);
void aiq_free(void *p);

/* Format an error message into buf (AIQ_ERRLEN bytes) and return status, so
 * that `return aiq_fail(m->err, AIINEQ_ERR_RANGE, "...", ...);` reads well.
 * buf may be NULL (message dropped). */
int aiq_fail(char *buf, int status, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;

/* 1 if every element of x[0..n) is finite. */
int aiq_all_finite(const double *x, size_t n);

#endif /* AIQ_INTERNAL_H */
