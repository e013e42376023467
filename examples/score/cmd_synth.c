#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static const char about[] =
    "Generates a synthetic population of sci-tech enterprises (docs/synth.md) and\n"
    "writes into DIR (created when missing):\n"
    "  signals.csv.gz  their signals, enterprise signal standard v1, gzip\n"
    "  labels.csv      uscc,default: 1 if the firm defaults within 12 months\n"
    "                  after the as-of month (drawn from its true PD)\n"
    "  truth.csv       uscc,pd: each firm's true 12-month probability of default\n"
    "Firms established after the as-of month have signals (a profile) but no\n"
    "label or truth. The same options always give the same files.\n";

static const char exit_status[] =
    "exit status: 0 written; 1 usage; 2 nothing written (the reason on stderr)\n";

int cmd_synth(int argc, char **argv)
{
    static const char name[] = "synth";
    score_synth_options options;
    score_synth_options_init(&options);
    const char *out = NULL;
    cli_option table[] = {
        CLI_OPT_U64("enterprises", &options.enterprises, 1, 10000000, CLI_REQUIRED,
                    "firms to generate"),
        CLI_OPT_INT("months", &options.months, 1, 240, 0,
                    "months of history up to the as-of month (24)"),
        CLI_OPT_MONTH("asof", &options.asof, 0, "the as-of month (2024-12)"),
        CLI_OPT_U64("seed", &options.seed, 0, 0, 0, "random seed (1)"),
        CLI_OPT_REAL("default-rate", &options.default_rate, 0.001, 0.5, 0, "target mean PD (0.05)"),
        CLI_OPT_DIR("out", &out, CLI_REQUIRED, "the output directory"),
        CLI_OPT_END,
    };
    cli_spec spec = {name, NULL, about, exit_status, table};
    int parsed = cli_parse(&spec, argc, argv);
    if (parsed != CLI_GO_ON)
        return parsed;

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
