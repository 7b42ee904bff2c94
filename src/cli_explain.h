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
** category (0: none).  On success (0) *s holds the sample (free with
** gc_sample_free) and *t an empty trace of its agents, or NULL when nothing
** was sampled (free with gc_trace_free).  Otherwise prints a message and
** returns the exit status. */
int cli_explain_choose(gc_run *run, int k, gc_sample *s, gc_trace **t);

/* Replays `run` (finished, its results written) from day 0 with tracing
** for t's agents (sorted at the end): gc_run_rewind frees what the days made
** and keeps the world and population as built, so two runs are never alive
** together and the population is not built twice.  On success (0) run is
** the finished replay, identical to the run, for writing the trace.
** Otherwise prints a message and returns the exit status (then only
** gc_run_free may be called on run). */
int cli_explain_replay(gc_run *run, int quiet, gc_trace *t);

#endif
