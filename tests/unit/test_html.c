/*
** test_html.c — the page writer's escaping and JSON output (gc_html.c).
** Strings from scenarios reach report.html and sweep.html only through these
** functions, so a rule named "<script>" must come out inert.
*/
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "gc_html.h"

/* Runs fn(f, arg) into a memory buffer and returns the text (caller frees). */
static char *capture(void (*fn)(FILE *, const void *), const void *arg) {
  char *buf = NULL;
  size_t len = 0;
  FILE *f = open_memstream(&buf, &len);
  assert_non_null(f);
  fn(f, arg);
  assert_int_equal(fclose(f), 0);
  return buf;
}

static void w_text(FILE *f, const void *s) { gc_html_text(f, s); }
static void w_json(FILE *f, const void *s) { gc_json_string(f, s); }
static void w_num(FILE *f, const void *v) { gc_json_number(f, *(const double *)v); }

static void html_text_escapes_markup(void **state) {
  (void)state;
  char *s = capture(w_text, "<script>alert('x') & \"y\"</script>");
  assert_string_equal(s, "&lt;script&gt;alert(&#39;x&#39;) &amp; &quot;y&quot;&lt;/script&gt;");
  free(s);
}

static void json_string_cannot_close_a_script(void **state) {
  (void)state;
  char *s = capture(w_json, "a</script><!--\"\\\n\t\x01 \xE2\x80\xA8 \xE4\xB8\xAD");
  assert_null(strchr(s, '<'));
  assert_null(strchr(s, '>'));
  assert_string_equal(s, "\"a\\u003c/script\\u003e\\u003c!--\\\"\\\\\\n\\t\\u0001 \\u2028 \xE4\xB8\xAD\"");
  free(s);
}

static void json_numbers_round_trip(void **state) {
  (void)state;
  const double vals[] = {0.0, 12345678901234.0, -3.0, 0.1, 2.0 / 3.0, 1e-300, 6.02214076e23};
  for (size_t i = 0; i < sizeof vals / sizeof *vals; i++) {
    char *s = capture(w_num, &vals[i]);
    assert_true(strtod(s, NULL) == vals[i]);
    free(s);
  }
  double nan = 0.0 / 0.0, inf = 1.0 / 0.0;
  char *s = capture(w_num, &nan);
  assert_string_equal(s, "null");
  free(s);
  s = capture(w_num, &inf);
  assert_string_equal(s, "null");
  free(s);
  const double whole = 42.0;
  s = capture(w_num, &whole);
  assert_string_equal(s, "42");
  free(s);
}

static void w_query(FILE *f, const void *db) {
  char err[256];
  assert_int_equal(gc_json_query(f, (sqlite3 *)db, "SELECT * FROM t ORDER BY i", err, sizeof err), 0);
}

static void json_query_types(void **state) {
  (void)state;
  sqlite3 *db;
  assert_int_equal(sqlite3_open(":memory:", &db), SQLITE_OK);
  assert_int_equal(sqlite3_exec(db, "CREATE TABLE t(i INTEGER, r REAL, s TEXT, n);"
                                    "INSERT INTO t VALUES(9007199254740993, 0.5, '<b>', NULL);"
                                    "INSERT INTO t VALUES(1, 2.0, 'x', x'00');", NULL, NULL, NULL), SQLITE_OK);
  char *s = capture(w_query, db);
  assert_string_equal(s, "[\n{\"i\":1,\"r\":2,\"s\":\"x\",\"n\":null},\n"
                         "{\"i\":9007199254740993,\"r\":0.5,\"s\":\"\\u003cb\\u003e\",\"n\":null}]");
  free(s);
  char err[256] = "";
  FILE *f = fopen("/dev/null", "w");
  assert_int_equal(gc_json_query(f, db, "SELECT * FROM missing", err, sizeof err), -1);
  assert_non_null(strstr(err, "missing"));
  fclose(f);
  sqlite3_close(db);
}

static void assets_are_embedded(void **state) {
  (void)state;
  const char *need[] = {"vega.min.js", "vega-lite.min.js", "vega-embed.min.js", "charts.js", "page.css",
                        "report.js", "sweep.js", "vega.LICENSE"};
  for (size_t i = 0; i < sizeof need / sizeof *need; i++) {
    const gc_asset *a = gc_asset_find(need[i]);
    assert_non_null(a);
    assert_true(a->len > 0 && strlen(a->text) == a->len);
  }
  assert_null(gc_asset_find("nope.js"));
  char v[32];
  gc_asset_version("vega.package.json", v, sizeof v);
  assert_true(v[0] >= '1' && v[0] <= '9' && strchr(v, '.'));
}

int main(void) {
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(html_text_escapes_markup),
    cmocka_unit_test(json_string_cannot_close_a_script),
    cmocka_unit_test(json_numbers_round_trip),
    cmocka_unit_test(json_query_types),
    cmocka_unit_test(assets_are_embedded),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
