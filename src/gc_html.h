/*
** gc_html.h — writing self-contained HTML pages (report.html, sweep.html).
**
** A page is one file that opens offline and can be mailed: the chart
** libraries (vega, vega-lite, vega-embed, from npm, pinned in
** package-lock.json) and the page's own script and style (assets/) are
** inlined; the page's numbers travel as JSON data blocks that its script
** turns into charts.  Every string that came from a scenario or a results
** file goes through gc_html_text (HTML) or gc_json_string (JSON inside a
** <script> element), so a rule named "<script>" renders as text.
**
** Page layout:
**   gc_html_begin(f, title, "sweep.css")  doctype, head, styles, libraries
**   ... gc_html_text / gc_html_data + gc_json_query ... </script>
**   gc_html_end(f, "report.js")           the page's script, notices, end
** Writers never fail on their own; check ferror/fclose at the end.
*/
#ifndef GC_HTML_H
#define GC_HTML_H

#include <stddef.h>
#include <stdio.h>
#include <sqlite3.h>

/* Front-end files embedded at build time (tools/embed.c -a). */
typedef struct gc_asset {
  const char *name;
  const char *text;
  size_t len;
} gc_asset;

extern const gc_asset gc_assets[];
extern const int gc_nassets;

const gc_asset *gc_asset_find(const char *name);

/* The version in an embedded package.json ("vega.package.json"), or "?". */
void gc_asset_version(const char *package, char *buf, size_t len);

/* Text with & < > " ' escaped: safe in element content and attribute values. */
void gc_html_text(FILE *f, const char *s);

/* A JSON string literal safe inside <script>: < > & and U+2028/9 as \u escapes. */
void gc_json_string(FILE *f, const char *s);

/* A JSON number that reads back as the same double; null for NaN and infinities. */
void gc_json_number(FILE *f, double v);

/* The rows of `sql` as a JSON array of objects keyed by column name
** (integers exact, reals round-trip, text escaped, NULL and blobs as null).
** Returns 0, or -1 with SQLite's message in err. */
int gc_json_query(FILE *f, sqlite3 *db, const char *sql, char *err, size_t errlen);

/* Opens a JSON data block: <script type="application/json" id="ID">.
** The page script reads it with gcData("ID"); close it with "</script>\n". */
void gc_html_data(FILE *f, const char *id);

/* Doctype, head (title escaped), page.css and an optional extra style
** asset, the chart libraries and charts.js; opens <body>. */
void gc_html_begin(FILE *f, const char *title, const char *extra_css);

/* The page's script asset, the third-party notices, </body></html>. */
void gc_html_end(FILE *f, const char *page_js);

#endif
