/* The score program's errors say what is wrong and where: a report without
 * labelled enterprises, configuration files named in their errors, a
 * planted link at a temporary name, and numbers that do not follow the
 * user's locale. */
#include <locale.h>

#include "cli_test.h"

static void expect_status_and(cli_run *r, int status, const char *needle, const char *absent)
{
    cr_expect_eq(r->status, status, "exit %d: %s", r->status, r->err);
    cr_expect(strstr(r->err, needle) != NULL, "stderr lacks '%s': %s", needle, r->err);
    if (absent)
        cr_expect(strstr(r->err, absent) == NULL, "stderr holds '%s': %s", absent, r->err);
    cli_done(r);
}

Test(cli_errors, a_report_without_labelled_enterprises_says_so)
{
    char *dir = cli_fixture("report");
    cli_put(dir, "none.csv", "uscc,default\n");
    cli_put(dir, "strangers.csv", "uscc,default\n91350100M000100Y43,1\n");
    const char *labels[] = {"none.csv", "strangers.csv"};
    for (int i = 0; i < 2; i++) {
        cli_run r = CLI(dir, "report", "--model", "model.json.gz", "--signals", "signals.csv.gz",
                        "--labels", labels[i], "--asof", "2024-12", "--out", "r.html");
        expect_status_and(&r, 2, "no labelled enterprise", "cannot write");
    }
    struct stat st;
    char path[4400];
    snprintf(path, sizeof path, "%s/r.html", dir);
    cr_expect_eq(stat(path, &st), -1, "a report was written");
    cli_rm_tree(dir);
    free(dir);
}

Test(cli_errors, configuration_errors_name_the_configuration_file)
{
    char *dir = cli_fixture("config");
    cli_put(dir, "bad.json", "{\"version\": 1, \"alerts\": {\"NO_SUCH\": {}}}\n");
    cli_put(dir, "broken.json", "{\"version\": 1,\n");
    const char *configs[] = {"bad.json", "broken.json", "labels.csv", "missing.json"};
    for (int i = 0; i < 4; i++) {
        char needle[128];
        snprintf(needle, sizeof needle, "the configuration %s cannot be used: %s", configs[i],
                 configs[i]);
        cli_run r = CLI(dir, "monitor", "--config", configs[i], "--model", "model.json.gz",
                        "--signals", "signals.csv.gz", "--asof", "2024-12", "--out", "a.csv");
        expect_status_and(&r, 2, needle, "model.json.gz");
        r = CLI(dir, "monitor", "--config", configs[i], "--show-config");
        expect_status_and(&r, 2, needle, NULL);
        r = CLI(dir, "enhance", "--config", configs[i], "--show-config");
        expect_status_and(&r, 2, configs[i], "model.json.gz");
    }
    cli_rm_tree(dir);
    free(dir);
}

Test(cli_errors, monitor_show_config_takes_only_config)
{
    char *dir = cli_fixture("show");
    cli_run r = CLI(dir, "monitor", "--show-config", "--asof", "2024-12");
    expect_status_and(&r, 1, "--show-config takes only --config", NULL);
    r = CLI(dir, "monitor", "--model", "model.json.gz", "--asof", "2024-12");
    expect_status_and(&r, 1, "are required", NULL);
    r = CLI(dir, "monitor", "--model", "model.json.gz", "--signals", "signals.csv.gz", "--asof",
            "2024-06", "--previous", "2024-06", "--out", "a.csv");
    expect_status_and(&r, 1, "--previous (2024-06) must be before --asof (2024-06)", NULL);
    cli_rm_tree(dir);
    free(dir);
}

Test(cli_errors, a_link_planted_at_a_temporary_name_is_not_followed)
{
    char *dir = cli_fixture("plant");
    cli_put(dir, "victim.txt", "keep me\n");
    const char *planted[] = {"f.csv.tmp", "model.out.tmp", "alerts.csv.tmp"};
    char path[4400];
    for (int i = 0; i < 3; i++) {
        snprintf(path, sizeof path, "%s/%s", dir, planted[i]);
        cr_assert_eq(symlink("victim.txt", path), 0);
    }
    cli_run r = CLI(dir, "features", "--signals", "signals.csv.gz", "--asof", "2024-12", "--out",
                    "f.csv");
    cr_expect_eq(r.status, 0, "%s", r.err);
    cli_done(&r);
    r = CLI(dir, "train", "--signals", "signals.csv.gz", "--labels", "labels.csv", "--asof",
            "2024-12", "--max-rounds", "5", "--out", "model.out");
    cr_expect_eq(r.status, 0, "%s", r.err);
    cli_done(&r);
    r = CLI(dir, "monitor", "--model", "model.json.gz", "--signals", "signals.csv.gz", "--asof",
            "2024-12", "--out", "alerts.csv");
    cr_expect_eq(r.status, 0, "%s", r.err);
    cli_done(&r);
    snprintf(path, sizeof path, "%s/victim.txt", dir);
    char *text = cli_slurp(path, NULL);
    cr_expect_str_eq(text, "keep me\n");
    free(text);
    cli_rm_tree(dir);
    free(dir);
}

/* Run the same command under C and under a comma-decimal locale: stdout and
 * the file written must be the same bytes. */
static void same_under_both(const char *dir, const char *file, const char *const *args)
{
    char path[4400];
    snprintf(path, sizeof path, "%s/%s", dir, file ? file : ".none");
    char *outs[2], *files[2];
    const char *locales[] = {"C", "de_DE.UTF-8"};
    for (int i = 0; i < 2; i++) {
        setenv("LC_ALL", locales[i], 1);
        cli_run r = cli_exec(dir, NULL, NULL, args);
        cr_assert_eq(r.status, 0, "%s under %s: %s", args[0], locales[i], r.err);
        outs[i] = r.out;
        files[i] = file ? cli_slurp(path, NULL) : strdup("");
        free(r.err);
    }
    unsetenv("LC_ALL");
    cr_expect_str_eq(outs[1], outs[0], "score %s: stdout differs under de_DE", args[0]);
    cr_expect_str_eq(files[1], files[0], "score %s: %s differs under de_DE", args[0], file);
    for (int i = 0; i < 2; i++) {
        free(outs[i]);
        free(files[i]);
    }
}

Test(cli_errors, numbers_do_not_follow_the_locale)
{
    locale_t de = newlocale(LC_ALL_MASK, "de_DE.UTF-8", (locale_t)0);
    if (!de)
        cr_skip_test("the locale de_DE.UTF-8 is not installed (scripts/install-deps.sh makes it)");
    freelocale(de);
    char *dir = cli_fixture("locale");
    char uscc[19];
    cli_first_uscc(dir, uscc);
    cli_put(dir, "request.json",
            "{\"pd\": 0.0125, \"lgd\": 0.45, \"amount\": 1000000.5, \"tenor_years\": 2.5}\n");
    same_under_both(dir, "f.csv",
                    (const char *const[]){"features", "--signals", "signals.csv.gz", "--asof",
                                          "2024-12", "--out", "f.csv", NULL});
    same_under_both(dir, "p.csv",
                    (const char *const[]){"predict", "--model", "model.json.gz", "--signals",
                                          "signals.csv.gz", "--asof", "2024-12", "--out", "p.csv",
                                          NULL});
    same_under_both(dir, NULL,
                    (const char *const[]){"explain", "--model", "model.json.gz", "--signals",
                                          "signals.csv.gz", "--asof", "2024-12", "--uscc", uscc,
                                          NULL});
    same_under_both(dir, NULL,
                    (const char *const[]){"drift", "--model", "model.json.gz", "--signals",
                                          "signals.csv.gz", "--asof", "2024-12", NULL});
    same_under_both(dir, NULL, (const char *const[]){"enhance", "--request", "request.json", NULL});
    same_under_both(dir, NULL, (const char *const[]){"enhance", "--show-config", NULL});
    same_under_both(dir, NULL, (const char *const[]){"monitor", "--show-config", NULL});
    same_under_both(dir, NULL, (const char *const[]){"check", "--signals", "signals.csv.gz", NULL});
    same_under_both(dir, "syn/truth.csv",
                    (const char *const[]){"synth", "--enterprises", "40", "--default-rate",
                                          "0.07", "--out", "syn", NULL});
    setenv("LC_ALL", "de_DE.UTF-8", 1);
    cli_run r = CLI(dir, "train", "--learning-rate", "0,1");
    expect_status_and(&r, 1, "--learning-rate takes a number in 1e-06..1, got '0,1'", NULL);
    unsetenv("LC_ALL");
    cli_rm_tree(dir);
    free(dir);
}

Test(cli_errors, a_model_of_the_other_input_is_one_usage_error)
{
    char *dir = cli_fixture("kind");
    char uscc[19], path[4400];
    cli_first_uscc(dir, uscc);
    snprintf(path, sizeof path, "%s/t.csv", dir);
    FILE *f = fopen(path, "w");
    fputs("id,x,bad\n", f);
    for (int i = 0; i < 200; i++)
        fprintf(f, "r%d,0.%02d,%d\n", i, (i * 37) % 100, (i * 37) % 100 < 20 && i % 3 != 0);
    fclose(f);
    cli_put(dir, "request.json", "{\"uscc\": \"x\", \"lgd\": 0.45, \"amount\": 1, "
                                 "\"tenor_years\": 1}\n");
    cli_run r = CLI(dir, "predict", "--model", "model.json.gz", "--table", "t.csv", "--out",
                    "p.csv");
    expect_status_and(&r, 1, "model.json.gz is a signals model; this needs a table model", NULL);
    r = CLI(dir, "train", "--table", "t.csv", "--label", "bad", "--id", "id", "--max-rounds", "5",
            "--out", "t.json.gz");
    cr_assert_eq(r.status, 0, "%s", r.err);
    cli_done(&r);
    const char *const runs[][13] = {
        {"predict", "--model", "t.json.gz", "--signals", "signals.csv.gz", "--asof", "2024-12",
         "--out", "p.csv", NULL},
        {"explain", "--model", "t.json.gz", "--signals", "signals.csv.gz", "--asof", "2024-12",
         "--uscc", uscc, NULL},
        {"drift", "--model", "t.json.gz", "--signals", "signals.csv.gz", "--asof", "2024-12",
         NULL},
        {"monitor", "--model", "t.json.gz", "--signals", "signals.csv.gz", "--asof", "2024-12",
         "--out", "a.csv", NULL},
        {"report", "--model", "t.json.gz", "--signals", "signals.csv.gz", "--asof", "2024-12",
         "--labels", "labels.csv", "--out", "r.html", NULL},
        {"enhance", "--model", "t.json.gz", "--signals", "signals.csv.gz", "--asof", "2024-12",
         "--request", "request.json", NULL},
    };
    for (size_t i = 0; i < sizeof runs / sizeof runs[0]; i++) {
        r = cli_exec(dir, NULL, NULL, runs[i]);
        expect_status_and(&r, 1, "t.json.gz is a table model; this needs a signals model", NULL);
    }
    cli_rm_tree(dir);
    free(dir);
}
