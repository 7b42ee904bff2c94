/*
** gc_export.h — results.db as CSV files, for pandas and R users.
**
** Design.  Every table and view of a results database becomes DIR/NAME.csv
** with a header row (RFC 4180: fields with a comma, quote or line break are
** quoted, quotes doubled; NULL is an empty field; reals keep SQLite's
** shortest round-trip text).  Every file is written to NAME.csv.tmp first and
** all are renamed only when every table has been written, so a failed export
** (a damaged results file, a full disk) leaves no CSV of its own behind.
*/
#ifndef GC_EXPORT_H
#define GC_EXPORT_H

#include <stddef.h>

/* Writes every table and view of the SQLite database `db_path` into the
** existing folder `dir`.  On success returns the number of files written;
** -2 when db_path is not a readable, complete results database, -1 when a
** file cannot be written; a message is in err either way. */
int gc_export_csv(const char *db_path, const char *dir, char *err, size_t errlen);

#endif
