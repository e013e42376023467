#define _DEFAULT_SOURCE /* madvise(MADV_HUGEPAGE) */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "core.h"

/* Failure injection is per thread so that a test's countdown is not spent by
 * worker threads it did not mean to count. */
static _Thread_local long fail_countdown;
static _Thread_local long allocation_count;
static _Thread_local int fail_persistently;

void sc_test_fail_allocation(long nth)
{
    fail_countdown = nth;
    fail_persistently = 0;
    allocation_count = 0;
}

void sc_test_fail_allocations_from(long nth)
{
    sc_test_fail_allocation(nth);
    fail_persistently = nth > 0;
}

long sc_test_allocation_count(void)
{
    return allocation_count;
}

static int injected_failure(void)
{
    allocation_count++;
    if (fail_countdown > 0 && --fail_countdown == 0) {
        if (fail_persistently)
            fail_countdown = 1;
        return 1;
    }
    return 0;
}

void *sc_malloc(size_t size)
{
    if (injected_failure())
        return NULL;
    return malloc(size ? size : 1);
}

void *sc_calloc(size_t count, size_t size)
{
    if (injected_failure())
        return NULL;
    if (count == 0 || size == 0)
        return calloc(1, 1);
    return calloc(count, size);
}

void *sc_realloc(void *ptr, size_t size)
{
    if (injected_failure())
        return NULL;
    return realloc(ptr, size ? size : 1);
}

void *sc_malloc_array(size_t count, size_t size)
{
    if (size && count > SIZE_MAX / size)
        return NULL;
    return sc_malloc(count * size);
}

void *sc_realloc_array(void *ptr, size_t count, size_t size)
{
    if (size && count > SIZE_MAX / size)
        return NULL;
    return sc_realloc(ptr, count * size);
}

void sc_free(void *ptr)
{
    free(ptr);
}

char *sc_strdup(const char *s)
{
    size_t len = strlen(s) + 1;
    char *copy = sc_malloc(len);
    if (copy)
        memcpy(copy, s, len);
    return copy;
}

void *sc_zlib_alloc(void *opaque, unsigned items, unsigned size)
{
    (void)opaque;
    return sc_malloc_array(items, size);
}

void sc_zlib_free(void *opaque, void *ptr)
{
    (void)opaque;
    sc_free(ptr);
}

/* A panel's arrays are tens of megabytes written once in order: with 4 KiB
 * pages every first touch is a page fault, which cost a third of the time of
 * reading a file in a virtual machine. Transparent huge pages make that one
 * fault per 2 MiB. Only advice: ignored where the kernel does not offer them. */
void sc_advise_huge(void *ptr, size_t bytes)
{
#ifdef MADV_HUGEPAGE
    const uintptr_t huge = (uintptr_t)2 << 20;
    if (!ptr || bytes < 2 * huge)
        return;
    uintptr_t start = ((uintptr_t)ptr + huge - 1) & ~(huge - 1);
    uintptr_t end = ((uintptr_t)ptr + bytes) & ~(huge - 1);
    if (end > start)
        (void)madvise((void *)start, end - start, MADV_HUGEPAGE);
#else
    (void)ptr;
    (void)bytes;
#endif
}

int sc_grow(void **array, size_t *capacity, size_t needed, size_t elem)
{
    if (needed <= *capacity)
        return SCORE_OK;
    size_t cap = *capacity ? *capacity : 16;
    while (cap < needed) {
        if (cap > SIZE_MAX / 3)
            return SCORE_ENOMEM;
        cap += cap / 2;
    }
    void *grown = sc_realloc_array(*array, cap, elem);
    if (!grown)
        return SCORE_ENOMEM;
    sc_advise_huge(grown, cap * elem);
    *array = grown;
    *capacity = cap;
    return SCORE_OK;
}
