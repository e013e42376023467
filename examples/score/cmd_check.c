#include <stdlib.h>
#include <string.h>

#include "cli.h"

static const char about[] =
    "Validates signals files (enterprise signal standard v1, plain or gzip) and\n"
    "shows what they hold: line counts, enterprises, sources, period range.\n"
    "Every rejected line is printed on stderr as file:line:column: message.\n";

static const char exit_status[] =
    "exit status: 0 all lines accepted; 1 usage; 2 a file could not be used;\n"
    "             3 some lines were rejected\n";

static void print_counts(const score_read_counts *c, int n_files)
{
    printf("files:        %d\n", n_files);
    printf("lines read:   %llu\n", (unsigned long long)c->read);
    printf("accepted:     %llu\n", (unsigned long long)c->accepted);
    printf("replaced:     %llu\n", (unsigned long long)c->replaced);
    printf("skipped:      %llu\n", (unsigned long long)c->skipped);
    printf("rejected:     %llu\n", (unsigned long long)c->rejected);
}

static void print_sources(const score_panel *panel)
{
    size_t n_sources = score_signal_n_sources(), n_ent = score_panel_n_enterprises(panel);
    size_t per_source[32] = {0}, histogram[33] = {0};
    for (size_t e = 0; e < n_ent; e++) {
        unsigned mask = 0;
        score_panel_enterprise_sources(panel, e, &mask);
        histogram[__builtin_popcount(mask)]++;
        for (size_t s = 0; s < n_sources; s++)
            per_source[s] += (mask >> s) & 1u;
    }
    printf("enterprises with each source:\n");
    for (size_t s = 0; s < n_sources; s++)
        printf("  %-8s %zu\n", score_signal_source(s), per_source[s]);
    printf("sources per enterprise:\n");
    double total = 0;
    for (size_t k = 0; k <= n_sources; k++) {
        total += (double)k * (double)histogram[k];
        if (histogram[k])
            printf("  %zu sources: %zu enterprises\n", k, histogram[k]);
    }
    if (n_ent)
        printf("  mean:      %.2f\n", total / (double)n_ent);
}

int cmd_check(int argc, char **argv)
{
    static const char name[] = "check";
    cli_signals signals = {0};
    cli_option options[] = {CLI_SIGNALS_OPTIONS(&signals, CLI_REQUIRED), CLI_OPT_END};
    cli_spec spec = {name, NULL, about, exit_status, options};
    int parsed = cli_parse(&spec, argc, argv);
    if (parsed != CLI_GO_ON)
        return parsed;

    score_panel *panel;
    score_read_counts counts;
    int status = cli_read_signals(name, &signals, &panel, &counts);
    if (status == EXIT_UNUSABLE)
        return status;
    print_counts(&counts, signals.files.n);
    printf("enterprises:  %zu\n", score_panel_n_enterprises(panel));
    printf("observations: %zu\n", score_panel_n_observations(panel));
    int first, last;
    if (score_panel_period_range(panel, &first, &last) == SCORE_OK)
        printf("periods:      %04d-%02d .. %04d-%02d\n", first / 100, first % 100, last / 100,
               last % 100);
    else
        printf("periods:      none\n");
    print_sources(panel);
    score_panel_free(panel);
    return status;
}
