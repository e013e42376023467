#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static const char help[] =
    "usage: score synth --enterprises N [--months M] [--asof YYYY-MM] [--seed S]\n"
    "                   [--default-rate R] --out DIR\n"
    "\n"
    "Generates a synthetic population of sci-tech enterprises (docs/synth.md) and\n"
    "writes into DIR (created when missing):\n"
    "  signals.csv.gz  their signals, enterprise signal standard v1, gzip\n"
    "  labels.csv      uscc,default: 1 if the firm defaults within 12 months\n"
    "                  after the as-of month (drawn from its true PD)\n"
    "  truth.csv       uscc,pd: each firm's true 12-month probability of default\n"
    "Firms established after the as-of month have signals (a profile) but no\n"
    "label or truth. The same options always give the same files.\n"
    "\n"
    "  --enterprises N    firms to generate, 1..10000000\n"
    "  --months M         months of history up to the as-of month, 1..240 (24)\n"
    "  --asof YYYY-MM     the as-of month (2024-12)\n"
    "  --seed S           random seed, an unsigned 64-bit integer (1)\n"
    "  --default-rate R   target mean PD, 0.001..0.5 (0.05)\n"
    "  --out DIR          the output directory\n"
    "\n"
    "exit status: 0 written; 1 usage; 2 nothing written (the reason on stderr)\n";

static int parse_rate(const char *text, double *out)
{
    if (!text || !*text)
        return -1;
    char *end;
    errno = 0;
    double v = strtod(text, &end);
    if (errno || *end)
        return -1;
    *out = v;
    return 0;
}

int cmd_synth(int argc, char **argv)
{
    static const char name[] = "synth";
    if (cli_wants_help(argc, argv)) {
        fputs(help, stdout);
        return EXIT_DONE;
    }
    score_synth_options options;
    score_synth_options_init(&options);
    const char *out = NULL;
    int have_enterprises = 0;
    cli_args a;
    cli_args_init(&a, name, argc, argv);
    for (const char *opt; (opt = cli_next(&a));) {
        const char *v;
        unsigned long long n;
        if (!strcmp(opt, "--enterprises")) {
            if (!(v = cli_value(&a, opt)))
                return EXIT_USAGE;
            if (cli_parse_uint64(v, &n) || n == 0)
                return cli_usage_error(name, "--enterprises: expected a positive whole number, "
                                       "got '%s'", v);
            options.enterprises = n;
            have_enterprises = 1;
        } else if (!strcmp(opt, "--months")) {
            if (!(v = cli_value(&a, opt)))
                return EXIT_USAGE;
            if (cli_parse_uint64(v, &n) || n == 0 || n > 100000)
                return cli_usage_error(name, "--months: expected a positive whole number, "
                                       "got '%s'", v);
            options.months = (int)n;
        } else if (!strcmp(opt, "--asof")) {
            if (!(v = cli_value(&a, opt)))
                return EXIT_USAGE;
            options.asof = v;
        } else if (!strcmp(opt, "--seed")) {
            if (!(v = cli_value(&a, opt)))
                return EXIT_USAGE;
            if (cli_parse_uint64(v, &n))
                return cli_usage_error(name, "--seed: expected an unsigned whole number, "
                                       "got '%s'", v);
            options.seed = n;
        } else if (!strcmp(opt, "--default-rate")) {
            if (!(v = cli_value(&a, opt)))
                return EXIT_USAGE;
            if (parse_rate(v, &options.default_rate))
                return cli_usage_error(name, "--default-rate: expected a number, got '%s'", v);
        } else if (!strcmp(opt, "--out")) {
            if (!(out = cli_value(&a, opt)))
                return EXIT_USAGE;
        } else {
            return cli_usage_error(name, "unknown option '%s'", opt);
        }
    }
    if (!have_enterprises)
        return cli_usage_error(name, "--enterprises N is required");
    if (!out)
        return cli_usage_error(name, "--out DIR is required");

    options.progress = cli_progress;
    options.progress_user = (void *)out;
    score_synth_summary summary = {.size = sizeof summary};
    int rc = score_synth_write(out, &options, &summary);
    cli_progress_done();
    if (rc == SCORE_EINVAL || rc == SCORE_ELIMIT) {
        const char *detail = score_last_error();
        if (!strncmp(detail, "synth: ", 7))
            detail += 7;
        return cli_usage_error(name, "%s", *detail ? detail : score_strerror(rc));
    }
    if (rc != SCORE_OK)
        return cli_fail(name, "nothing written", rc);
    printf("enterprises:  %llu\n", (unsigned long long)summary.enterprises);
    printf("scored:       %llu (established by the as-of month)\n",
           (unsigned long long)summary.scored);
    printf("defaults:     %llu (%.2f%%)\n", (unsigned long long)summary.defaults,
           summary.scored ? 100.0 * (double)summary.defaults / (double)summary.scored : 0.0);
    printf("mean true pd: %.4f\n", summary.mean_pd);
    printf("observations: %llu\n", (unsigned long long)summary.observations);
    printf("written:      %s/signals.csv.gz, %s/labels.csv, %s/truth.csv\n", out, out, out);
    return EXIT_DONE;
}
