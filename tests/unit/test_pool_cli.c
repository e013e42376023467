/* The score pool program: init, apply, state, simulate, size; its JSON,
 * its messages and its exit statuses. */
#include <fcntl.h>
#include <jansson.h>
#include <sys/wait.h>

#include "pool_test.h"
#include "core/core.h"

typedef struct run_result {
    int status;
    char *out, *err;
} run_result;

static char *slurp(const char *path)
{
    FILE *f = fopen(path, "rb");
    cr_assert_not_null(f);
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *text = malloc((size_t)n + 1);
    cr_assert_eq(fread(text, 1, (size_t)n, f), (size_t)n);
    text[n] = '\0';
    fclose(f);
    return text;
}

/* Run `score pool ARGS...` in `dir`, its standard output to `to` (NULL:
 * a file read back). */
static run_result run_to(const char *dir, const char *to, const char *const *args)
{
    char out[4400], err[4400];
    snprintf(out, sizeof out, "%s/stdout", dir);
    snprintf(err, sizeof err, "%s/stderr", dir);
    const char *argv[32] = {TEST_BINARY_DIR "/score", "pool"};
    int n = 2;
    for (int i = 0; args[i]; i++)
        argv[n++] = args[i];
    argv[n] = NULL;
    pid_t pid = fork();
    cr_assert_neq(pid, -1);
    if (pid == 0) {
        if (chdir(dir) != 0)
            _exit(120);
        int o = open(to ? to : out, O_WRONLY | O_CREAT | O_TRUNC, 0644);
        int e = open(err, O_WRONLY | O_CREAT | O_TRUNC, 0644);
        dup2(o, 1);
        dup2(e, 2);
        execv(argv[0], (char *const *)argv);
        _exit(121);
    }
    int status;
    cr_assert_eq(waitpid(pid, &status, 0), pid);
    cr_assert(WIFEXITED(status));
    run_result r = {WEXITSTATUS(status), to ? strdup("") : slurp(out), slurp(err)};
    return r;
}

static run_result run(const char *dir, const char *const *args)
{
    return run_to(dir, NULL, args);
}

static void done(run_result *r)
{
    free(r->out);
    free(r->err);
}

static void put(const char *dir, const char *name, const char *text)
{
    char path[4400];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "w");
    cr_assert_not_null(f);
    fputs(text, f);
    fclose(f);
}

static json_t *parse(const run_result *r)
{
    json_error_t e;
    json_t *j = json_loads(r->out, 0, &e);
    cr_assert_not_null(j, "not JSON (%s): %s", e.text, r->out);
    return j;
}

static const char config_text[] =
    "{\"deposit_rate\": 0.04, \"leverage\": 10, \"single_member_cap\": 0.5,\n"
    " \"admission\": {\"max_pd\": 0.05}, \"compensation_fund\": 50000000,\n"
    " \"waterfall\": {\"bank\": 0.5, \"fund\": 0.5, \"guarantor\": 0.0, \"reguarantor\": 0.0},\n"
    " \"npl_warning\": 0.012, \"npl_suspend\": 0.03, \"fund_floor\": 0.10}\n";

Test(pool_cli, ledger_init_apply_state)
{
    char *dir = temp_dir("cli");
    char a[19], b[19];
    make_uscc(1, a);
    make_uscc(2, b);
    put(dir, "pool.json", config_text);
    run_result r = run(dir, (const char *[]){"init", "--config", "pool.json", "--ledger", "ledger",
                                             NULL});
    cr_assert_eq(r.status, 0, "%s", r.err);
    json_t *j = parse(&r);
    cr_assert_str_eq(json_string_value(json_object_get(json_object_get(j, "config"),
                                                       "correlation")), "basel");
    cr_assert(strstr(r.out, "\"compensation_fund\": 50000000.00"), "%s", r.out);
    json_decref(j);
    done(&r);
    r = run(dir, (const char *[]){"init", "--config", "pool.json", "--ledger", "ledger", NULL});
    cr_assert_eq(r.status, 2);
    cr_assert(strstr(r.err, "already holds"), "%s", r.err);
    done(&r);

    char events[1024];
    snprintf(events, sizeof events,
             "type,uscc,amount,pd,event_id\n"
             "inject,,1000000,,e1\n"
             "join,%s,40000,0.02,e2\n"
             "join,%s,40000,0.03,e3\n"
             "lend,%s,1000000,,e4\n"
             "lend,%s,500000,,e5\n"
             "default,%s,1000000,,e6\n"
             "lend,%s,1,,e7\n"
             "recover,%s,300000,,e8\n"
             "lend,XX,1,,\n"
             "join,%s,40000,0.02,e2\n", a, b, a, b, a, b, a, a);
    put(dir, "events.csv", events);
    r = run(dir, (const char *[]){"apply", "--ledger", "ledger", "--events", "events.csv", NULL});
    cr_assert_eq(r.status, 3, "some events refused: %s", r.err);
    cr_assert(strstr(r.err, "events.csv:8: lend"), "%s", r.err);
    cr_assert(strstr(r.err, "suspended"), "%s", r.err);
    cr_assert(strstr(r.err, "events.csv:10:2: uscc:"), "%s", r.err);
    j = parse(&r);
    cr_assert_eq(json_integer_value(json_object_get(j, "applied")), 7);
    cr_assert_eq(json_integer_value(json_object_get(j, "duplicates")), 1);
    cr_assert_eq(json_integer_value(json_object_get(j, "refused")), 2);
    json_decref(j);
    done(&r);

    r = run(dir, (const char *[]){"state", "--ledger", "ledger", NULL});
    cr_assert_eq(r.status, 0, "%s", r.err);
    j = parse(&r);
    cr_assert_eq(json_integer_value(json_object_get(j, "events")), 7);
    cr_assert_eq(json_integer_value(json_object_get(j, "members")), 2);
    cr_assert_str_eq(json_string_value(json_object_get(j, "status")), "suspended");
    cr_assert(json_is_false(json_object_get(j, "replenish_due")));
    json_t *losses = json_object_get(j, "losses");
    cr_assert_float_eq(json_number_value(json_object_get(losses, "bank")), 310000.0, 1e-6);
    cr_assert_float_eq(json_number_value(json_object_get(losses, "members")), 80000.0, 1e-6);
    cr_assert(strstr(r.out, "\"loans_outstanding\": 500000.00,"), "two decimals: %s", r.out);
    cr_assert(strstr(r.out, "\"fund_balance\": 690000.00,"), "%s", r.out);
    /* what the bank still carries, 310,000 / (500,000 + 310,000) */
    cr_assert(strstr(r.out, "\"npl_ratio\": 0.3827160494"), "%s", r.out);
    json_decref(j);
    done(&r);

    /* --output writes a file; unknown options and missing ones are usage errors */
    r = run(dir, (const char *[]){"state", "--ledger", "ledger", "--output", "state.json", NULL});
    cr_assert_eq(r.status, 0);
    cr_assert_str_eq(r.out, "");
    done(&r);
    char path[4400];
    snprintf(path, sizeof path, "%s/state.json", dir);
    char *written = slurp(path);
    cr_assert(strstr(written, "\"torn_bytes\": 0"));
    free(written);
    r = run(dir, (const char *[]){"state", "--ledger", "ledger", "--events", "x", NULL});
    cr_assert_eq(r.status, 1);
    done(&r);
    r = run(dir, (const char *[]){"apply", "--ledger", "ledger", NULL});
    cr_assert_eq(r.status, 1);
    cr_assert(strstr(r.err, "--events FILE.csv is required"), "%s", r.err);
    done(&r);
    r = run(dir, (const char *[]){"state", "--ledger", "nowhere", NULL});
    cr_assert_eq(r.status, 2);
    done(&r);
    put(dir, "bad.csv", "kind,uscc,amount,pd\n");
    r = run(dir, (const char *[]){"apply", "--ledger", "ledger", "--events", "bad.csv", NULL});
    cr_assert_eq(r.status, 2);
    cr_assert(strstr(r.err, "bad.csv:1:1"), "%s", r.err);
    done(&r);
    r = run(dir, (const char *[]){"--help", NULL});
    cr_assert_eq(r.status, 0);
    cr_assert(strstr(r.out, "score pool simulate"));
    done(&r);
    r = run(dir, (const char *[]){"audit", NULL});
    cr_assert_eq(r.status, 1);
    done(&r);
    rm_tree(dir);
    free(dir);
}

static void members_csv(const char *dir)
{
    char *text = malloc(200 * 64), uscc[19];
    size_t n = (size_t)sprintf(text, "uscc,pd,ead,lgd\n");
    uint64_t x = 5;
    for (int i = 0; i < 150; i++) {
        x = x * 6364136223846793005u + 1442695040888963407u;
        make_uscc(i, uscc);
        /* the PD in ten-thousandths, so the file does not follow the locale */
        n += (size_t)sprintf(text + n, "%s,0.%04d,%d.%02d,0.45\n", uscc,
                             50 + (int)((double)(x >> 40) / 16777216.0 * 400),
                             1000000 + (int)((x >> 20) % 4000000), (int)((x >> 8) % 100));
    }
    put(dir, "members.csv", text);
    free(text);
}

Test(pool_cli, simulate_and_size)
{
    char *dir = temp_dir("clisim");
    put(dir, "pool.json", config_text);
    members_csv(dir);
    run_result r = run(dir, (const char *[]){"simulate", "--config", "pool.json", "--members",
                                             "members.csv", "--scenarios", "3000", "--seed",
                                             "9", "--threads", "1", NULL});
    cr_assert_eq(r.status, 0, "%s", r.err);
    json_t *j = parse(&r);
    static const char *const keys[] = {"expected_loss", "loss_quantiles", "expected_shortfall",
                                       "parties", "p_fund_exhausted", "p_suspended", NULL};
    for (int i = 0; keys[i]; i++)
        cr_assert_not_null(json_object_get(j, keys[i]), "%s", keys[i]);
    json_t *q = json_object_get(j, "loss_quantiles");
    cr_assert(json_number_value(json_object_get(q, "0.95")) <=
              json_number_value(json_object_get(q, "0.99")));
    cr_assert_not_null(json_object_get(q, "0.999"));
    cr_assert_not_null(json_object_get(json_object_get(json_object_get(j, "parties"), "bank"),
                                       "p_loss"));
    json_decref(j);
    /* the same seed on two threads: the same bytes */
    run_result r2 = run(dir, (const char *[]){"simulate", "--config", "pool.json", "--members",
                                              "members.csv", "--scenarios", "3000", "--seed",
                                              "9", "--threads", "2", NULL});
    cr_assert_str_eq(r.out, r2.out);
    done(&r);
    done(&r2);

    r = run(dir, (const char *[]){"size", "--config", "pool.json", "--members", "members.csv",
                                  "--solve", "deposit_rate", "--target", "0.01", "--scenarios",
                                  "3000", NULL});
    cr_assert_eq(r.status, 0, "%s", r.err);
    j = parse(&r);
    double rate = json_number_value(json_object_get(j, "deposit_rate"));
    cr_assert(rate > 0 && rate < 1);
    json_t *sim = json_object_get(j, "simulation");
    cr_assert(json_number_value(json_object_get(json_object_get(json_object_get(sim, "parties"),
                                                                "bank"), "p_loss")) <= 0.01);
    json_decref(j);
    done(&r);
    r = run(dir, (const char *[]){"size", "--config", "pool.json", "--members", "members.csv",
                                  "--solve", "fund", "--target", "0.0001", "--scenarios", "2000",
                                  NULL});
    cr_assert_eq(r.status, 2);
    cr_assert(strstr(r.err, "no fund"), "%s", r.err);
    done(&r);
    r = run(dir, (const char *[]){"size", "--config", "pool.json", "--members", "members.csv",
                                  "--solve", "rate", "--target", "0.01", NULL});
    cr_assert_eq(r.status, 1);
    done(&r);
    put(dir, "bad-members.csv", "uscc,pd,ead,lgd\n91330100799655058B,2,1,0.5\n");
    r = run(dir, (const char *[]){"simulate", "--config", "pool.json", "--members",
                                  "bad-members.csv", NULL});
    cr_assert_eq(r.status, 2);
    cr_assert(strstr(r.err, "bad-members.csv:2:2: pd:"), "%s", r.err);
    done(&r);
    rm_tree(dir);
    free(dir);
}

/* apply whose report cannot be written (standard output on a full device)
 * still committed its events: it says so, with how many, and exits 4, never
 * 2 ("nothing changed"), so that nobody applies the file again blindly. */
Test(pool_cli, apply_with_stdout_full_says_what_was_committed)
{
    if (access("/dev/full", W_OK) != 0)
        cr_skip_test("no /dev/full");
    char *dir = temp_dir("clifull");
    put(dir, "pool.json", config_text);
    run_result r = run(dir, (const char *[]){"init", "--config", "pool.json", "--ledger", "ledger",
                                             NULL});
    cr_assert_eq(r.status, 0, "%s", r.err);
    done(&r);
    put(dir, "events.csv", "type,uscc,amount,pd\ninject,,100,\ninject,,200,\n");
    r = run_to(dir, "/dev/full", (const char *[]){"apply", "--ledger", "ledger", "--events",
                                                  "events.csv", NULL});
    cr_assert_eq(r.status, 4, "%d %s", r.status, r.err);
    cr_assert(strstr(r.err, "the 2 events applied"), "%s", r.err);
    cr_assert(strstr(r.err, "are committed to the ledger"), "%s", r.err);
    done(&r);
    r = run(dir, (const char *[]){"state", "--ledger", "ledger", NULL});
    cr_assert_eq(r.status, 0, "%s", r.err);
    json_t *j = parse(&r);
    cr_assert_eq(json_integer_value(json_object_get(j, "events")), 2);
    json_decref(j);
    done(&r);
    rm_tree(dir);
    free(dir);
}
