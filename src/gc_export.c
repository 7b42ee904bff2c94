/*
** gc_export.c — CSV export of results.db (see gc_export.h).
*/
#include <stdio.h>
#include <string.h>
#include <sqlite3.h>
#include "gc_export.h"

/* Writes one field, quoted when it must be. */
static void field(FILE *f, const char *s) {
  if (!s) return;
  if (!strpbrk(s, ",\"\r\n")) { fputs(s, f); return; }
  fputc('"', f);
  for (; *s; s++) {
    if (*s == '"') fputc('"', f);
    fputc(*s, f);
  }
  fputc('"', f);
}

/* Writes table `name` to dir/name.csv; 0 or -1 with err set. */
static int export_one(sqlite3 *db, const char *name, const char *dir, char *err, size_t errlen) {
  char path[4096], tmp[4200], sql[256];
  if (snprintf(path, sizeof path, "%s/%s.csv", dir, name) >= (int)sizeof path) {
    snprintf(err, errlen, "%s: path too long", dir);
    return -1;
  }
  snprintf(tmp, sizeof tmp, "%s.tmp", path);
  snprintf(sql, sizeof sql, "SELECT * FROM \"%s\"", name);
  sqlite3_stmt *st = NULL;
  if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK) {
    snprintf(err, errlen, "%s: %s", name, sqlite3_errmsg(db));
    return -1;
  }
  FILE *f = fopen(tmp, "w");
  if (!f) {
    snprintf(err, errlen, "%s: cannot create", tmp);
    sqlite3_finalize(st);
    return -1;
  }
  int nc = sqlite3_column_count(st), rc;
  for (int c = 0; c < nc; c++) {
    if (c) fputc(',', f);
    field(f, sqlite3_column_name(st, c));
  }
  fputs("\r\n", f);
  while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
    for (int c = 0; c < nc; c++) {
      if (c) fputc(',', f);
      field(f, (const char *)sqlite3_column_text(st, c));
    }
    fputs("\r\n", f);
  }
  sqlite3_finalize(st);
  int bad = rc != SQLITE_DONE || ferror(f);
  if (fclose(f) || bad || rename(tmp, path)) {
    snprintf(err, errlen, "%s: %s", path, rc != SQLITE_DONE ? sqlite3_errmsg(db) : "cannot write");
    remove(tmp);
    return -1;
  }
  return 0;
}

int gc_export_csv(const char *db_path, const char *dir, char *err, size_t errlen) {
  sqlite3 *db = NULL;
  if (sqlite3_open_v2(db_path, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK) {
    snprintf(err, errlen, "%s: cannot open: %s", db_path, db ? sqlite3_errmsg(db) : "out of memory");
    sqlite3_close_v2(db);
    return -2;
  }
  sqlite3_stmt *st = NULL;
  int n = 0;
  if (sqlite3_prepare_v2(db, "SELECT name FROM sqlite_schema WHERE type IN ('table', 'view') ORDER BY name",
                         -1, &st, NULL) != SQLITE_OK) {
    snprintf(err, errlen, "%s: not a results database: %s", db_path, sqlite3_errmsg(db));
    sqlite3_close_v2(db);
    return -2;
  }
  int rc;
  while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
    if (export_one(db, (const char *)sqlite3_column_text(st, 0), dir, err, errlen)) { n = -1; break; }
    n++;
  }
  if (n >= 0 && rc != SQLITE_DONE) {
    snprintf(err, errlen, "%s: %s", db_path, sqlite3_errmsg(db));
    n = -1;
  }
  if (n == 0) {
    snprintf(err, errlen, "%s: no tables: not a glasscage results database", db_path);
    n = -2;
  }
  sqlite3_finalize(st);
  sqlite3_close_v2(db);
  return n;
}
