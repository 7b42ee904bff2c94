/*
** gc_report.h — report.html: one self-contained page that explains a run.
**
** Design.  The page is written from results.db alone (never from a live
** run), so `glasscage report RESULTS.db` and `glasscage run` produce the
** same file for the same database.  C writes everything that must read
** without JavaScript: the headline figures, every table, the scenario text
** and the explained people; each displayed number is an element carrying
** data-key (what it is, e.g. "rule.drug_history_hotel.precision"),
** data-value (the exact value from the database, empty for NULL) and
** data-fmt (how the text rounds it), so a test can compare page and
** database.  assets/report.js draws the charts from JSON data blocks.
** Strings that came from a scenario pass through gc_html_text or
** gc_json_string (gc_html.h).  The page goes to PATH.tmp-PID, renamed over
** PATH only when complete.
*/
#ifndef GC_REPORT_H
#define GC_REPORT_H

#include <stddef.h>

enum { GC_REPORT_OK = 0, GC_REPORT_IO = -1, GC_REPORT_BAD_INPUT = -2 };

/* Writes the report of the results database `results_db` to `html_path`.
** Returns GC_REPORT_OK; GC_REPORT_BAD_INPUT when results_db is missing,
** not an SQLite file or not a glasscage results database; GC_REPORT_IO when
** the page cannot be written (nothing is left at html_path either way; an
** existing file there is replaced only by a complete one).  A message is
** in err on failure. */
int gc_report_write(const char *results_db, const char *html_path, char *err, size_t errlen);

#endif
