/*
** gc_html.c — see gc_html.h.
*/
#include <math.h>
#include <stdint.h>
#include <string.h>
#include "gc_html.h"

const gc_asset *gc_asset_find(const char *name) {
  for (int i = 0; i < gc_nassets; i++)
    if (!strcmp(gc_assets[i].name, name)) return &gc_assets[i];
  return NULL;
}

void gc_asset_version(const char *package, char *buf, size_t len) {
  snprintf(buf, len, "?");
  const gc_asset *a = gc_asset_find(package);
  const char *v = a ? strstr(a->text, "\"version\"") : NULL;
  if (!v || !(v = strchr(v + 9, '"'))) return;
  const char *e = strchr(v + 1, '"');
  if (e) snprintf(buf, len, "%.*s", (int)(e - v - 1), v + 1);
}

void gc_html_text(FILE *f, const char *s) {
  for (; s && *s; s++) {
    switch (*s) {
    case '&': fputs("&amp;", f); break;
    case '<': fputs("&lt;", f); break;
    case '>': fputs("&gt;", f); break;
    case '"': fputs("&quot;", f); break;
    case '\'': fputs("&#39;", f); break;
    default: fputc(*s, f);
    }
  }
}

void gc_json_string(FILE *f, const char *s) {
  fputc('"', f);
  for (const unsigned char *p = (const unsigned char *)s; p && *p; p++) {
    unsigned c = *p;
    if (c == '"') fputs("\\\"", f);
    else if (c == '\\') fputs("\\\\", f);
    else if (c == '\n') fputs("\\n", f);
    else if (c == '\t') fputs("\\t", f);
    else if (c < 0x20 || c == '<' || c == '>' || c == '&') fprintf(f, "\\u%04x", c);
    else if (c == 0xE2 && p[1] == 0x80 && (p[2] == 0xA8 || p[2] == 0xA9)) {
      fprintf(f, "\\u%04x", p[2] == 0xA8 ? 0x2028u : 0x2029u);
      p += 2;
    } else fputc((int)c, f);
  }
  fputc('"', f);
}

void gc_json_number(FILE *f, double v) {
  if (!isfinite(v)) fputs("null", f);
  else if (v == floor(v) && fabs(v) < 9007199254740992.0) fprintf(f, "%.0f", v);
  else fprintf(f, "%.17g", v);
}

int gc_json_query(FILE *f, sqlite3 *db, const char *sql, char *err, size_t errlen) {
  sqlite3_stmt *st = NULL;
  if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK) {
    snprintf(err, errlen, "%s", sqlite3_errmsg(db));
    return -1;
  }
  int ncol = sqlite3_column_count(st), rc, first = 1;
  fputc('[', f);
  while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
    fputs(first ? "\n{" : ",\n{", f);
    first = 0;
    for (int c = 0; c < ncol; c++) {
      if (c) fputc(',', f);
      gc_json_string(f, sqlite3_column_name(st, c));
      fputc(':', f);
      switch (sqlite3_column_type(st, c)) {
      case SQLITE_INTEGER: fprintf(f, "%lld", (long long)sqlite3_column_int64(st, c)); break;
      case SQLITE_FLOAT: gc_json_number(f, sqlite3_column_double(st, c)); break;
      case SQLITE_TEXT: gc_json_string(f, (const char *)sqlite3_column_text(st, c)); break;
      default: fputs("null", f);
      }
    }
    fputc('}', f);
  }
  fputs("]", f);
  if (rc != SQLITE_DONE) snprintf(err, errlen, "%s", sqlite3_errmsg(db));
  sqlite3_finalize(st);
  return rc == SQLITE_DONE ? 0 : -1;
}

void gc_html_data(FILE *f, const char *id) {
  fputs("<script type=\"application/json\" id=\"", f);
  gc_html_text(f, id);
  fputs("\">", f);
}

static void asset(FILE *f, const char *name) {
  const gc_asset *a = gc_asset_find(name);
  if (a) fwrite(a->text, 1, a->len, f);
}

void gc_html_begin(FILE *f, const char *title, const char *extra_css) {
  fputs("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
        "<meta name=\"generator\" content=\"glasscage\">\n<title>", f);
  gc_html_text(f, title);
  fputs("</title>\n<style>\n", f);
  asset(f, "page.css");
  if (extra_css) asset(f, extra_css);
  fputs("</style>\n", f);
  static const char *const libs[] = {"vega.min.js", "vega-lite.min.js", "vega-embed.min.js", "charts.js"};
  for (size_t i = 0; i < sizeof libs / sizeof *libs; i++) {
    fputs("<script>\n", f);
    asset(f, libs[i]);
    fputs("\n</script>\n", f);
  }
  fputs("</head>\n<body>\n", f);
}

void gc_html_end(FILE *f, const char *page_js) {
  static const char *const pk[] = {"vega", "vega-lite", "vega-embed"};
  fputs("<footer class=\"notices\"><details><summary>Software in this file</summary>\n"
        "<p>Charts are drawn by vega, vega-lite and vega-embed (BSD-3-Clause), inlined so that this file "
        "opens offline. Their licences:</p>\n", f);
  for (size_t i = 0; i < sizeof pk / sizeof *pk; i++) {
    char name[64], ver[32];
    snprintf(name, sizeof name, "%s.package.json", pk[i]);
    gc_asset_version(name, ver, sizeof ver);
    snprintf(name, sizeof name, "%s.LICENSE", pk[i]);
    const gc_asset *lic = gc_asset_find(name);
    fprintf(f, "<h4>%s %s</h4><pre>", pk[i], ver);
    gc_html_text(f, lic ? lic->text : "");
    fputs("</pre>\n", f);
  }
  fputs("</details></footer>\n<script>\n", f);
  if (page_js) asset(f, page_js);
  fputs("\n</script>\n</body>\n</html>\n", f);
}
