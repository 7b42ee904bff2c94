/*
** cli_util.h — small helpers shared by the command-line front ends (main.c,
** cli_sweep.c, ...): time, integer options, folders, whole files.
*/
#ifndef CLI_UTIL_H
#define CLI_UTIL_H

#include <stddef.h>

/* Seconds on the monotonic clock. */
double cli_now_seconds(void);

/* Parses a whole decimal integer in [lo, hi] into *out; 0, or -1 (s NULL, junk, out of range). */
int cli_parse_int(const char *s, int lo, int hi, int *out);

/* mkdir -p; 0 or -1 with errno set. */
int cli_make_dirs(const char *path);

/* The whole file in a malloc'd buffer (caller frees) and its length, or NULL. */
char *cli_read_file(const char *path, size_t *len);

/* A scenario name made safe as one folder name (out/NAME): characters other
** than letters, digits, '-', '_' and '.' become '_', and so does a leading '.'. */
void cli_folder_name(const char *name, char *buf, size_t len);

/* Calls handler on SIGINT, SIGTERM and SIGHUP (it must be async-signal-safe). */
void cli_catch_signals(void (*handler)(int));

#endif
