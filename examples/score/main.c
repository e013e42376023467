#include <errno.h>
#include <locale.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"

static const cli_command commands[] = {
    {"check", "validate signals files (standard v1) and show what they hold", cmd_check},
    {"features", "compute feature spec v1 for every enterprise as of a month", cmd_features},
    {"train", "train a model (signals and labels, or a bank's own table)", cmd_train},
    {"predict", "score enterprises or table rows: PD, score, grade, reasons", cmd_predict},
    {"explain", "explain one enterprise's score, feature by feature", cmd_explain},
    {"recalibrate", "calibrate a model's PDs to the bank's own book without retraining", cmd_recalibrate},
    {"rescale", "replace a model's master scale (grades, scores) without retraining", cmd_rescale},
    {"enhance", "limit, capital and price of a loan, with and without its enhancements", cmd_enhance},
    {"pool", "mutual-aid risk pools: ledger, waterfall, loss simulation, sizing", cmd_pool},
    /* monitoring, drift and reports */
    {"monitor", "early-warning alerts between two months of a portfolio's signals", cmd_monitor},
    {"drift", "population stability (PSI) of features and score, grade migration", cmd_drift},
    {"report", "the model validation report (self-contained HTML) for a risk committee", cmd_report},
    {"synth", "generate a synthetic population: signals, labels, true PDs", cmd_synth},
    {"evidence", "the signed decision log: keys, verify, proofs, replay, document registry", cmd_evidence},
};

static void usage(FILE *out)
{
    fprintf(out, "usage: score COMMAND [OPTIONS]\n\n"
                 "libscore %s: a credit engine for sci-tech enterprises.\n\ncommands:\n",
            score_version_string());
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        fprintf(out, "  %-10s %s\n", commands[i].name, commands[i].summary);
    fprintf(out, "\n'score COMMAND --help' describes a command.\n"
                 "exit status: 0 done; 1 usage error; 2 input could not be used (nothing "
                 "written);\n             3 done, but some lines were rejected\n");
}

/* Close standard output and report what could not be written (as
 * coreutils' close_stdout): a full disk or a closed pipe must not pass for
 * success. */
static int close_stdout(int status)
{
    errno = 0;
    int failed = ferror(stdout) != 0;
    failed |= fclose(stdout) != 0;
    if (!failed)
        return status;
    fprintf(stderr, "score: cannot write to standard output: %s\n",
            errno ? strerror(errno) : "write error");
    return status == EXIT_DONE || status == EXIT_REJECTED ? EXIT_UNUSABLE : status;
}

static int run(int argc, char **argv)
{
    if (argc < 2) {
        usage(stderr);
        return EXIT_USAGE;
    }
    if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") || !strcmp(argv[1], "help")) {
        usage(stdout);
        return EXIT_DONE;
    }
    if (!strcmp(argv[1], "--version")) {
        printf("score %s\n", score_version_string());
        return EXIT_DONE;
    }
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        if (!strcmp(argv[1], commands[i].name))
            return commands[i].run(argc - 2, argv + 2);
    fprintf(stderr, "score: unknown command '%s'\n\n", argv[1]);
    usage(stderr);
    return EXIT_USAGE;
}

int main(int argc, char **argv)
{
    /* messages may follow the user's locale; numbers never do */
    setlocale(LC_ALL, "");
    setlocale(LC_NUMERIC, "C");
    return close_stdout(run(argc, argv));
}
