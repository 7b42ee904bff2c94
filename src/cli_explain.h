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

/* Replays cfg from the start with tracing for t's agents (sorted at the
** end), as `run` does after its own run is written and freed, so that the
** two runs are never alive together.  On success (0) *replayed is the
** finished replay, identical to the run, for writing the trace (free with
** gc_run_free).  Otherwise prints a message and returns the exit status. */
int cli_explain_replay(const gc_config *cfg, int threads, int quiet, gc_trace *t, gc_run **replayed);

#endif
