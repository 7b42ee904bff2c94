/*
** gc_test.h — helpers shared by the unit tests: load a scenario from text
** or a file in tests/data, failing the test with every diagnostic if it
** does not validate.
*/
#ifndef GC_TEST_H
#define GC_TEST_H

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "gc_scenario.h"

#ifndef GC_TEST_DATA
#define GC_TEST_DATA "tests/data"
#endif

static inline void gc_test_load(const char *file, const char *const *sets, int nsets, gc_config *cfg) {
  char path[1024];
  snprintf(path, sizeof path, "%s/%s", GC_TEST_DATA, file);
  gc_diag *d = gc_diag_new();
  assert_non_null(d);
  int n = gcs_load_file(path, sets, nsets, cfg, d);
  if (n) gc_diag_print(d, stderr);
  gc_diag_free(d);
  assert_int_equal(n, 0);
}

#endif
