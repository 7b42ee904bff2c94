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

/* Writes table `name` to dir/name.csv.tmp (renamed by the caller once every
** table is written).  Returns 0; -2 when the database cannot answer (a view
** over a missing table: a damaged results file); -1 when the file fails. */
static int export_one(sqlite3 *db, const char *db_path, const char *name, const char *dir, char *err,
                      size_t errlen) {
  char tmp[4200], sql[256];
  if (snprintf(tmp, sizeof tmp, "%s/%s.csv.tmp", dir, name) >= (int)sizeof tmp - 8) {
    snprintf(err, errlen, "%s: path too long", dir);
    return -1;
  }
  snprintf(sql, sizeof sql, "SELECT * FROM \"%s\"", name);
  sqlite3_stmt *st = NULL;
  if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK) {
    snprintf(err, errlen, "%s: damaged or incomplete results database: %s: %s", db_path, name, sqlite3_errmsg(db));
    return -2;
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
  if (fclose(f) || bad) {
    if (rc != SQLITE_DONE) snprintf(err, errlen, "%s: %s: %s", db_path, name, sqlite3_errmsg(db));
    else snprintf(err, errlen, "%s: cannot write", tmp);
    return rc != SQLITE_DONE ? -2 : -1;
  }
  return 0;
}

/* Renames (commit) or removes the first n exported files' .tmp versions. */
static int finish(sqlite3_stmt *names, int n, const char *dir, int commit) {
  int failed = 0, k = 0;
  sqlite3_reset(names);
  while (k < n && sqlite3_step(names) == SQLITE_ROW) {
    char tmp[4200], path[4200];
    const char *name = (const char *)sqlite3_column_text(names, 0);
    snprintf(path, sizeof path, "%s/%s.csv", dir, name);
    snprintf(tmp, sizeof tmp, "%s/%s.csv.tmp", dir, name);
    if (!commit || rename(tmp, path)) {
      remove(tmp);
      failed |= commit;
    }
    k++;
  }
  return failed;
}

int gc_export_csv(const char *db_path, const char *dir, char *err, size_t errlen) {
  sqlite3 *db = NULL;
  if (sqlite3_open_v2(db_path, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK) {
    snprintf(err, errlen, "%s: cannot open: %s", db_path, db ? sqlite3_errmsg(db) : "out of memory");
    sqlite3_close_v2(db);
    return -2;
  }
  sqlite3_stmt *st = NULL;
  int n = 0, written = 0;
  if (sqlite3_prepare_v2(db, "SELECT name FROM sqlite_schema WHERE type IN ('table', 'view') ORDER BY name",
                         -1, &st, NULL) != SQLITE_OK) {
    snprintf(err, errlen, "%s: not a results database: %s", db_path, sqlite3_errmsg(db));
    sqlite3_close_v2(db);
    return -2;
  }
  if (sqlite3_exec(db, "SELECT 1 FROM run_info LIMIT 1", NULL, NULL, NULL) != SQLITE_OK) {
    snprintf(err, errlen, "%s: not a glasscage results database (no run_info table)", db_path);
    sqlite3_finalize(st);
    sqlite3_close_v2(db);
    return -2;
  }
  /* every table to NAME.csv.tmp first; only when all are written are they renamed */
  int rc;
  while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
    int e = export_one(db, db_path, (const char *)sqlite3_column_text(st, 0), dir, err, errlen);
    written++;
    if (e) { n = e; break; }
    n++;
  }
  if (n >= 0 && rc != SQLITE_DONE && rc != SQLITE_ROW) {
    snprintf(err, errlen, "%s: %s", db_path, sqlite3_errmsg(db));
    n = -1;
  }
  if (n > 0 && finish(st, written, dir, 1)) {
    snprintf(err, errlen, "%s: cannot rename the exported files into place", dir);
    n = -1;
  } else if (n <= 0) {
    finish(st, written, dir, 0);
  }
  if (n == 0) {
    snprintf(err, errlen, "%s: no tables: not a glasscage results database", db_path);
    n = -2;
  }
  sqlite3_finalize(st);
  sqlite3_close_v2(db);
  return n;
}
