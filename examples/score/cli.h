/*
 * The score program: every capability of libscore on files. It uses only
 * the public API in score.h, as a bank's own program would.
 *
 * Exit status, shared by every subcommand:
 *   0  done, every input line accepted (skipped and replaced lines are fine)
 *   1  usage error
 *   2  the input could not be used; nothing was written
 *   3  done, but some lines were rejected
 */
#ifndef SCORE_CLI_H
#define SCORE_CLI_H

#include <stdio.h>

#include "score.h"

#define EXIT_DONE 0
#define EXIT_USAGE 1
#define EXIT_UNUSABLE 2
#define EXIT_REJECTED 3

typedef struct cli_command {
    const char *name;
    const char *summary;
    int (*run)(int argc, char **argv);
} cli_command;

/* ---- argument parsing ------------------------------------------------- */

typedef struct cli_args {
    int argc;
    char **argv;
    int index;
    const char *command;
} cli_args;

void cli_args_init(cli_args *a, const char *command, int argc, char **argv);
/* The next option name ("--signals"), or NULL at the end. */
const char *cli_next(cli_args *a);
/* The value after the current option; prints a usage error when missing. */
const char *cli_value(cli_args *a, const char *option);
int cli_usage_error(const char *command, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
int cli_parse_uint64(const char *text, unsigned long long *out);
int cli_wants_help(int argc, char **argv);

/* ---- reporting -------------------------------------------------------- */

/* Print "score CMD: what: score_last_error()" and return EXIT_UNUSABLE. */
int cli_fail(const char *command, const char *what, int status);

/* A progress callback that draws one line on stderr when it is a terminal. */
int cli_progress(void *user, const char *stage, uint64_t done, uint64_t total);
void cli_progress_done(void);
/* A diagnostic callback that prints every message on stderr. */
void cli_print_diagnostic(void *user, const score_diagnostic *d);

/* ---- reading signals ---------------------------------------------------- */

#define CLI_MAX_FILES 256

typedef struct cli_signals {
    const char *files[CLI_MAX_FILES];
    int n_files;
    int strict;
} cli_signals;

/* Handle --signals FILE and --strict: 1 taken, 0 not one of them, -1 usage
 * error (printed). */
int cli_signals_option(cli_args *a, const char *opt, cli_signals *s);
/* Whether text is a month YYYY-MM. */
int cli_is_month(const char *text);

/* Read every file into a new panel with counts; prints the messages.
 * Returns EXIT_DONE, EXIT_REJECTED (some lines rejected) or EXIT_UNUSABLE. */
int cli_read_signals(const char *command, const cli_signals *s, score_panel **panel,
                     score_read_counts *counts);

/* ---- output files: written to a temporary name, renamed at the end ------ */

typedef struct cli_output {
    char *path;
    char *temp;
    FILE *file;
} cli_output;

int cli_output_open(cli_output *o, const char *path);
int cli_output_commit(cli_output *o);   /* 0, or -1 with a message printed */
void cli_output_abort(cli_output *o);

/* ---- subcommands ------------------------------------------------------- */

int cmd_check(int argc, char **argv);
int cmd_features(int argc, char **argv);
int cmd_train(int argc, char **argv);
int cmd_predict(int argc, char **argv);
int cmd_explain(int argc, char **argv);
int cmd_enhance(int argc, char **argv);
int cmd_pool(int argc, char **argv);
/* monitoring, drift and reports */
int cmd_monitor(int argc, char **argv);
int cmd_drift(int argc, char **argv);
int cmd_report(int argc, char **argv);
int cmd_synth(int argc, char **argv);
int cmd_evidence(int argc, char **argv);

/* --evidence DIR on predict, explain, enhance, monitor: open (or make) the
 * log; prints the message and returns EXIT_UNUSABLE on failure. */
int cli_evidence_open(const char *command, const char *dir, score_evidence_log **log);
/* The actor recorded: --actor, else $LOGNAME, else "score". */
const char *cli_evidence_actor(const char *given);

#endif
