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

#include <stdint.h>
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

/* ---- options: one table per subcommand ---------------------------------
 *
 * A subcommand lists its options in a table (git's parse-options style): the
 * name, the kind of value, where it goes, and the help. cli_parse() reads
 * argv against it and prints --help from it, so what is advertised is what
 * is checked. Each option may be given once unless it is CLI_REPEAT (its
 * values then go to a cli_list). "--name value" and "--name=value" both work.
 *
 * After parsing, and before anything is read, an output (CLI_OUT) that is the
 * same file as an input (CLI_IN), links followed, is refused; "-" as an input
 * is standard input (the option gets "/dev/stdin" unless CLI_OWN_STDIN) and
 * "-" as an output is standard output. */

typedef enum cli_kind {
    CLI_FLAG,   /* no value; int = 1 */
    CLI_TEXT,   /* a word; const char * */
    CLI_IN,     /* an input file; const char *, or a cli_list with CLI_REPEAT */
    CLI_OUT,    /* an output file; const char * */
    CLI_DIR,    /* an output directory; const char * */
    CLI_MONTH,  /* YYYY-MM, years CLI_YEAR_MIN..CLI_YEAR_MAX; const char * */
    CLI_INT,    /* a whole number in [min, max]; int */
    CLI_U64,    /* a whole number in [min, max] (max 0: any); uint64_t */
    CLI_REAL,   /* a number in [min, max]; double */
} cli_kind;

#define CLI_REPEAT 1u    /* may be given many times (CLI_IN only: a cli_list) */
#define CLI_REQUIRED 2u  /* must be given */
#define CLI_OWN_STDIN 4u /* CLI_IN: the command reads "-" itself */

#define CLI_MAX_FILES 256

typedef struct cli_list {
    const char *items[CLI_MAX_FILES];
    int n;
} cli_list;

typedef struct cli_option {
    const char *name;   /* without the dashes: "asof"; NULL ends a table */
    cli_kind kind;
    unsigned flags;
    void *value;        /* where the value goes (type by kind, above) */
    const char *meta;   /* the value's name in the help: "FILE", "N" */
    double min, max;    /* CLI_INT, CLI_U64, CLI_REAL */
    const char *help;   /* lines after the first start with '\n' */
    int given;          /* set by cli_parse: times given */
} cli_option;

#define CLI_OPT_FLAG(n, p, h) {n, CLI_FLAG, 0, p, NULL, 0, 0, h, 0}
#define CLI_OPT_TEXT(n, p, meta, f, h) {n, CLI_TEXT, f, p, meta, 0, 0, h, 0}
#define CLI_OPT_IN(n, p, meta, f, h) {n, CLI_IN, f, p, meta, 0, 0, h, 0}
#define CLI_OPT_OUT(n, p, meta, f, h) {n, CLI_OUT, f, p, meta, 0, 0, h, 0}
#define CLI_OPT_DIR(n, p, f, h) {n, CLI_DIR, f, p, "DIR", 0, 0, h, 0}
#define CLI_OPT_MONTH(n, p, f, h) {n, CLI_MONTH, f, p, "YYYY-MM", 0, 0, h, 0}
#define CLI_OPT_INT(n, p, lo, hi, f, h) {n, CLI_INT, f, p, "N", lo, hi, h, 0}
#define CLI_OPT_U64(n, p, lo, hi, f, h) {n, CLI_U64, f, p, "N", lo, hi, h, 0}
#define CLI_OPT_REAL(n, p, lo, hi, f, h) {n, CLI_REAL, f, p, "X", lo, hi, h, 0}
#define CLI_OPT_END {NULL, CLI_FLAG, 0, NULL, NULL, 0, 0, NULL, 0}

typedef struct cli_spec {
    const char *command;     /* "features", or "pool init" */
    const char *synopsis;    /* usage lines after "usage: "; NULL: made from the table */
    const char *about;       /* what the command does (paragraphs) */
    const char *exit_status; /* NULL: the common text */
    cli_option *options;
} cli_spec;

/* cli_parse's result when the command should go on. */
#define CLI_GO_ON (-1)

/* Parse argv (the arguments after the subcommand's name). Returns CLI_GO_ON,
 * EXIT_DONE after printing --help, or EXIT_USAGE after a message. */
int cli_parse(const cli_spec *spec, int argc, char **argv);
/* The help of a command, generated from its table. */
void cli_print_help(const cli_spec *spec, FILE *out);
/* The option `name` of the table, to ask whether it was given. */
const cli_option *cli_find(const cli_spec *spec, const char *name);
int cli_given(const cli_spec *spec, const char *name);

/* ---- legacy hand parsing (cmd_pool.c until it moves to tables) ---------- */

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
int cli_parse_uint64(const char *text, unsigned long long *out);
int cli_wants_help(int argc, char **argv);

int cli_usage_error(const char *command, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* ---- months ------------------------------------------------------------ */

/* The years the library takes (its months are YYYY-MM, 1900..2999). */
#define CLI_YEAR_MIN 1900
#define CLI_YEAR_MAX 2999
/* Whether text is a month YYYY-MM the library takes. */
int cli_is_month(const char *text);

/* ---- reporting -------------------------------------------------------- */

/* Print "score CMD: what: score_last_error()" and return EXIT_UNUSABLE. */
int cli_fail(const char *command, const char *what, int status);

/* A progress callback that draws one line on stderr when it is a terminal. */
int cli_progress(void *user, const char *stage, uint64_t done, uint64_t total);
void cli_progress_done(void);
/* A diagnostic callback that prints every message on stderr. */
void cli_print_diagnostic(void *user, const score_diagnostic *d);

/* ---- numbers ------------------------------------------------------------- */

/* %.*g of v with '.' as the decimal point whatever the locale; "" for NaN. */
void cli_format_number(char out[32], double v, int digits);

/* ---- JSON ----------------------------------------------------------------- */

/* Print a JSON value (jansson's json_t) with its keys in order, reals with
 * 15 significant digits, `indent` spaces (0: one line), and a newline.
 * 0, or -1 when it could not be written. */
struct json_t;
int cli_json_print(FILE *out, const struct json_t *value, int indent);

/* ---- reading signals ---------------------------------------------------- */

typedef struct cli_signals {
    cli_list files;
    int strict;
} cli_signals;

/* The two table entries every signals-reading command has. */
/* --threads N, into an int the caller starts at cli_default_threads(). */
#define CLI_OPT_THREADS(p) \
    CLI_OPT_INT("threads", p, 1, 256, 0, \
                "threads (default: the CPUs available); the output is the same for any N")
/* The CPUs available to the process (sched_getaffinity), at most 256. */
int cli_default_threads(void);

#define CLI_SIGNALS_OPTIONS(s, required)                                                       \
    CLI_OPT_IN("signals", &(s)->files, "FILE", CLI_REPEAT | (required),                        \
               "a signals file (standard v1, plain or gzip; '-' reads stdin);\n"               \
               "repeat for several: later lines replace earlier ones"),                        \
    CLI_OPT_FLAG("strict", &(s)->strict, "the first rejected line, duplicate or unknown field\n" \
                                         "fails the run")

/* Read every file into a new panel with counts; prints the messages.
 * Returns EXIT_DONE, EXIT_REJECTED (some lines rejected) or EXIT_UNUSABLE. */
int cli_read_signals(const char *command, const cli_signals *s, score_panel **panel,
                     score_read_counts *counts);

/* ---- models --------------------------------------------------------------- */

/* Load the bundle at `path` and check what it eats: `want` is
 * SCORE_INPUT_SIGNALS or SCORE_INPUT_TABLE. EXIT_DONE with *model set;
 * EXIT_USAGE when it eats the other input (said with the options to give
 * instead); EXIT_UNUSABLE when it cannot be loaded. */
int cli_load_model(const char *command, const char *path, int want, score_model **model);

/* ---- output files ----------------------------------------------------------
 *
 * "-" is standard output. A regular file (or a new one) is written under a
 * fresh temporary name beside it (O_EXCL) and renamed over it at commit, so
 * it is whole or untouched; a new file gets 0666 less the umask, a replaced
 * one keeps its permission bits. A symbolic link is followed (its target is
 * replaced, the link stays); a FIFO or device is written in place. Every
 * write error is caught at commit. */

typedef struct cli_output {
    char *target;   /* the file finally written; NULL for stdout */
    char *temp;     /* the temporary name; NULL when written in place */
    FILE *file;
} cli_output;

int cli_output_open(cli_output *o, const char *path);
int cli_output_commit(cli_output *o);   /* 0, or -1 with a message printed */
void cli_output_abort(cli_output *o);
/* Flush standard output and report a write error on it: 0 or -1 (printed). */
int cli_flush_stdout(const char *command);

/* ---- subcommands ------------------------------------------------------- */

int cmd_check(int argc, char **argv);
int cmd_features(int argc, char **argv);
int cmd_train(int argc, char **argv);
int cmd_predict(int argc, char **argv);
int cmd_explain(int argc, char **argv);
int cmd_enhance(int argc, char **argv);
int cmd_rescale(int argc, char **argv);
int cmd_recalibrate(int argc, char **argv);
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
/* Open the log DIR and attach it to the model (score records of every
 * scoring call); EXIT_DONE or EXIT_UNUSABLE (printed; *log NULL). */
int cli_attach_evidence(const char *command, const char *dir, const char *actor,
                        score_model *model, const char *model_path, score_evidence_log **log);
/* --evidence DIR and --actor NAME in an option table. */
#define CLI_EVIDENCE_OPTIONS(dir, actor, what) \
    CLI_OPT_DIR("evidence", dir, 0, "the evidence log (made when missing; docs/evidence.md):\n" what), \
    CLI_OPT_TEXT("actor", actor, "NAME", 0, "(with --evidence) who decides")
/* The actor recorded: --actor, else $LOGNAME, else "score". */
const char *cli_evidence_actor(const char *given);

#endif
