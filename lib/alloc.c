/*
 * alloc.c -- the library's single allocation point.
 *
 * Every allocation in lib/ goes through these functions, so that a test
 * build can inject allocation failures and count live blocks in one place.
 */
#include <stdlib.h>

#include "internal.h"

void *aiq_malloc(size_t size) { return malloc(size ? size : 1); }

void *aiq_calloc(size_t count, size_t size) { return calloc(count ? count : 1, size ? size : 1); }

void *aiq_malloc_array(size_t count, size_t size) {
  if (size && count > SIZE_MAX / size) return NULL;
  return aiq_malloc(count * size);
}

void *aiq_realloc_array(void *p, size_t count, size_t size) {
  if (size && count > SIZE_MAX / size) return NULL;
  size_t bytes = count * size;
  return realloc(p, bytes ? bytes : 1);
}

void aiq_free(void *p) { free(p); }
