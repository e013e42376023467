/* The score program's options, read from one table per subcommand: a
 * repeated option, ranges exactly as the help advertises them, months as
 * the library takes them, unknown options and missing values. */
#include "cli_test.h"

/* Every subcommand converted to option tables. */
static const char *const commands[] = {"check", "features", "train", "predict", "explain",
                                       "enhance", "monitor", "drift", "report", "synth"};
#define N_COMMANDS (sizeof commands / sizeof commands[0])

static char *temp(void)
{
    char *dir = malloc(4096);
    snprintf(dir, 4096, "%s/clitest-options-XXXXXX", TEST_BINARY_DIR);
    cr_assert_not_null(mkdtemp(dir));
    return dir;
}

static void expect_usage(const char *dir, const char *const *args, const char *message)
{
    cli_run r = cli_exec(dir, NULL, NULL, args);
    cr_expect_eq(r.status, 1, "score %s ... %s: exit %d, expected 1: %s", args[0], args[1],
                 r.status, r.err);
    cr_expect(strstr(r.err, message) != NULL, "score %s: stderr lacks '%s': %s", args[0],
              message, r.err);
    cli_done(&r);
}

Test(cli_options, an_option_given_twice_is_refused)
{
    char *dir = temp();
    expect_usage(dir, (const char *const[]){"features", "--signals", "s.csv", "--asof", "2024-01",
                                             "--asof", "2024-02", "--out", "f.csv", NULL},
                 "--asof given twice");
    expect_usage(dir, (const char *const[]){"predict", "--out", "a.csv", "--out", "b.csv", NULL},
                 "--out given twice");
    expect_usage(dir, (const char *const[]){"train", "--seed", "1", "--seed=2", NULL},
                 "--seed given twice");
    expect_usage(dir, (const char *const[]){"check", "--strict", "--strict", NULL},
                 "--strict given twice");
    expect_usage(dir, (const char *const[]){"monitor", "--config", "a", "--config", "b", NULL},
                 "--config given twice");
    expect_usage(dir, (const char *const[]){"synth", "--enterprises", "5", "--enterprises", "6",
                                             NULL},
                 "--enterprises given twice");
    cli_rm_tree(dir);
    free(dir);
}

Test(cli_options, signals_may_be_repeated)
{
    char *dir = cli_fixture("repeat");
    cli_run r = CLI(dir, "check", "--signals", "signals.csv.gz", "--signals", "signals.csv.gz");
    cr_expect_eq(r.status, 0, "%s", r.err);
    cr_expect(strstr(r.out, "files:        2") != NULL, "%s", r.out);
    cli_done(&r);
    cli_rm_tree(dir);
    free(dir);
}

/* From each command's help, every "--name N ... (lo..hi)": lo - 1 and hi + 1
 * are refused naming the range, lo and hi are taken. */
static int check_ranges(const char *dir, const char *command)
{
    cli_run help = CLI(dir, command, "--help");
    cr_assert_eq(help.status, 0);
    int checked = 0;
    for (char *line = strtok(help.out, "\n"); line; line = strtok(NULL, "\n")) {
        char name[64], meta[16];
        long long lo, hi;
        const char *open = strrchr(line, '(');
        /* a range up to 2^64 - 1 has no number above it to try */
        if (sscanf(line, " --%63s %15s", name, meta) != 2 || strcmp(meta, "N") != 0 || !open ||
            sscanf(open, "(%lld..%lld)", &lo, &hi) != 2 || hi > 1000000000000LL)
            continue;
        char option[80], below[32], above[32], low[32], high[32], range[200];
        snprintf(option, sizeof option, "--%s", name);
        snprintf(below, sizeof below, "%lld", lo - 1);
        snprintf(above, sizeof above, "%lld", hi + 1);
        snprintf(low, sizeof low, "%lld", lo);
        snprintf(high, sizeof high, "%lld", hi);
        snprintf(range, sizeof range, "%s takes a whole number in %lld..%lld", option, lo, hi);
        expect_usage(dir, (const char *const[]){command, option, above, NULL}, range);
        if (lo > 0)
            expect_usage(dir, (const char *const[]){command, option, below, NULL}, range);
        const char *edges[] = {low, high};
        for (int i = 0; i < 2; i++) {
            cli_run r = cli_exec(dir, NULL, NULL, (const char *const[]){command, option, edges[i],
                                                                         NULL});
            cr_expect(strstr(r.err, option) == NULL, "score %s %s %s refused: %s", command,
                      option, edges[i], r.err);
            cli_done(&r);
        }
        checked++;
    }
    cli_done(&help);
    return checked;
}

/* The last '(' of the line at `at`. */
static const char *last_paren(const char *at)
{
    const char *end = strchr(at, '\n'), *paren = at;
    for (const char *p = at; p < end; p++)
        if (*p == '(')
            paren = p;
    return paren;
}

Test(cli_options, ranges_are_checked_as_advertised)
{
    char *dir = temp();
    int checked = 0;
    for (size_t i = 0; i < N_COMMANDS; i++)
        checked += check_ranges(dir, commands[i]);
    cr_expect_geq(checked, 5, "only %d ranged options found in the helps", checked);
    cli_run r = CLI(dir, "train", "--help");
    const char *depth = strstr(r.out, "--max-depth N"), *threads = strstr(r.out, "--threads N");
    cr_assert(depth && threads, "%s", r.out);
    cr_expect(!strncmp(last_paren(depth), "(1..16)\n", 8), "%s", depth);
    cr_expect(!strncmp(last_paren(threads), "(1..256)\n", 9), "%s", threads);
    cli_done(&r);
    expect_usage(dir, (const char *const[]){"train", "--learning-rate", "1.5", NULL},
                 "--learning-rate takes a number in 1e-06..1");
    expect_usage(dir, (const char *const[]){"train", "--threads", "4x", NULL},
                 "--threads takes a whole number in 1..256, got '4x'");
    expect_usage(dir, (const char *const[]){"synth", "--default-rate", "0,05", NULL},
                 "--default-rate takes a number");
    cli_rm_tree(dir);
    free(dir);
}

Test(cli_options, months_out_of_range_and_malformed_are_the_same_usage_error)
{
    char *dir = temp();
    const char *bad[] = {"3000-01", "2024-13", "1899-12", "2024-00", "2024-1", "24-01",
                         "2024/01", "2024-01x"};
    const char *cmds[][2] = {{"features", "--asof"}, {"predict", "--asof"},
                             {"explain", "--asof"},  {"monitor", "--previous"},
                             {"drift", "--asof"},    {"report", "--asof"},
                             {"enhance", "--asof"},  {"train", "--asof"},
                             {"synth", "--asof"}};
    for (size_t c = 0; c < sizeof cmds / sizeof cmds[0]; c++)
        for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
            char message[128];
            snprintf(message, sizeof message,
                     "%s takes a month YYYY-MM (years 1900..2999), got '%s'", cmds[c][1], bad[i]);
            expect_usage(dir, (const char *const[]){cmds[c][0], cmds[c][1], bad[i], NULL},
                         message);
        }
    cli_rm_tree(dir);
    free(dir);
}

Test(cli_options, edges_of_the_month_range_reach_the_library)
{
    char *dir = cli_fixture("months");
    const char *good[] = {"1900-01", "2999-12"};
    for (int i = 0; i < 2; i++) {
        cli_run r = CLI(dir, "features", "--signals", "signals.csv.gz", "--asof", good[i],
                        "--out", "f.csv");
        cr_expect_eq(r.status, 0, "%s: %s", good[i], r.err);
        cli_done(&r);
    }
    cli_rm_tree(dir);
    free(dir);
}

Test(cli_options, unknown_options_missing_values_and_stray_words)
{
    char *dir = temp();
    for (size_t i = 0; i < N_COMMANDS; i++) {
        expect_usage(dir, (const char *const[]){commands[i], "--no-such-option", NULL},
                     "unknown option '--no-such-option'");
        expect_usage(dir, (const char *const[]){commands[i], "stray", NULL},
                     "unexpected argument 'stray'");
    }
    expect_usage(dir, (const char *const[]){"features", "--asof", NULL}, "--asof needs a value");
    expect_usage(dir, (const char *const[]){"check", "--strict=1", NULL}, "--strict takes no value");
    expect_usage(dir, (const char *const[]){"features", "--signals=", NULL},
                 "--signals: an empty value");
    expect_usage(dir, (const char *const[]){"features", "--asof", "2024-01", "--out", "x", NULL},
                 "--signals FILE is required");
    cli_rm_tree(dir);
    free(dir);
}

Test(cli_options, every_help_lists_its_options_and_exits_0)
{
    char *dir = temp();
    for (size_t i = 0; i < N_COMMANDS; i++) {
        cli_run r = CLI(dir, commands[i], "--help");
        cr_expect_eq(r.status, 0, "%s --help: %s", commands[i], r.err);
        cr_expect(!strncmp(r.out, "usage: score ", 13), "%s: %s", commands[i], r.out);
        cr_expect(strstr(r.out, "\noptions:\n") && strstr(r.out, "exit status:"), "%s: %s",
                  commands[i], r.out);
        cli_done(&r);
    }
    cli_run r = CLI(dir, "predict", "--help");
    const char *names[] = {"--model MODEL", "--signals FILE", "--strict", "--asof YYYY-MM",
                           "--table FILE", "--id COLUMN", "--out FILE.csv"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        cr_expect(strstr(r.out, names[i]) != NULL, "predict --help lacks %s", names[i]);
    cli_done(&r);
    cli_rm_tree(dir);
    free(dir);
}

Test(cli_options, value_after_equals_sign)
{
    char *dir = cli_fixture("equals");
    cli_run r = CLI(dir, "features", "--signals=signals.csv.gz", "--asof=2024-12", "--out=f.csv");
    cr_expect_eq(r.status, 0, "%s", r.err);
    cli_done(&r);
    struct stat st;
    cr_expect_eq(stat("f.csv", &st), -1); /* written in dir, not the test's cwd */
    cli_rm_tree(dir);
    free(dir);
}
