/*
** bench_util.h — what the benchmark programs share: a clock and loading a
** scenario (builtin:default or a file) at a given size and number of days.
*/
#ifndef BENCH_UTIL_H
#define BENCH_UTIL_H

#include "gc_config.h"

/* Seconds on the monotonic clock. */
double bench_now(void);

/* Loads `file` (NULL: builtin:default) with population.size=pop and
** days=days into *cfg.  Returns 0, or 2 with the loader's errors printed. */
int bench_load(const char *file, long long pop, int days, gc_config *cfg);

#endif
