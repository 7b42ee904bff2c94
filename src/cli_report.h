/*
** cli_report.h — the `glasscage report` command and the report step of `run`.
*/
#ifndef CLI_REPORT_H
#define CLI_REPORT_H

/* glasscage report RESULTS.db [--out FILE]: argv after the command name.
** Returns the exit status (0 ok, 1 cannot write, 2 usage or bad database). */
int cli_report(int argc, char **argv);

/* Writes DIR/report.html next to `results_path` (DIR/results.db) after a
** run; prints an error and returns 1 on failure, else 0.  The path written
** goes to html (len bytes). */
int cli_report_after_run(const char *results_path, char *html, int len);

extern const char *const cli_report_usage;

#endif
