/*
** gc_alloc_wrap.h — the allocator's wrappers of tests linked with
** -Wl,--wrap=malloc,--wrap=calloc,--wrap=realloc (tests/meson.build), which
** make one allocation fail on purpose.  Each such test defines the
** __wrap_ functions; the __real_ ones are the C library's.
*/
#ifndef GC_ALLOC_WRAP_H
#define GC_ALLOC_WRAP_H

#include <stddef.h>

void *__real_malloc(size_t n);
void *__real_calloc(size_t n, size_t size);
void *__real_realloc(void *p, size_t n);
void *__wrap_malloc(size_t n);
void *__wrap_calloc(size_t n, size_t size);
void *__wrap_realloc(void *p, size_t n);

#endif
