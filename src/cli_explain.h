/*
** cli_explain.h — the command line's explanations of synthetic agents:
** `glasscage explain` and the explained sample of `glasscage run`.
** Kept out of main.c, which only dispatches to it.  Exit statuses are the
** CLI's: 0 ok, 1 runtime failure, 2 usage or input error.
*/
#ifndef CLI_EXPLAIN_H
#define CLI_EXPLAIN_H

#include "glasscage.h"

/* glasscage explain RESULTS.db --agent ID [--replay]: prints the agent's
** timeline.  argv excludes "glasscage explain".  Returns the exit status. */
int cli_explain_main(int argc, char **argv);

/* After `run` (finished), chooses the explained sample with k per rule and
** category (0: none) and replays the run with tracing for its agents.  On
** success (0) *s holds the sample (free with gc_sample_free) and *t the
** sorted trace, or NULL when nothing was sampled (free with
** gc_trace_free).  Otherwise prints a message and returns the exit status. */
int cli_explain_sample(gc_run *run, int k, int threads, int quiet, gc_sample *s, gc_trace **t);

#endif
