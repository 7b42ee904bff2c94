/*
** cli_sweep.h — `glasscage sweep`: one scenario run over a grid of
** parameter values (--vary KEY=V1,V2,...) times replicate seeds, in worker
** processes, tabulated into DIR/sweep.db and charted in DIR/sweep.html.
** main.c only dispatches to it.
*/
#ifndef CLI_SWEEP_H
#define CLI_SWEEP_H

/* Runs the sweep command on its arguments (those after "sweep").  Returns
** the process exit status: 0 ok, 1 runtime failure, 2 usage or scenario
** error (then nothing has been written). */
int gc_cli_sweep(int argc, char **argv);

#endif
