/* Where the score program writes: "-" for stdout and stdin, the umask, links
 * and FIFOs kept, no fixed temporary name, an output that is an input
 * refused before anything is read, and every write error on stdout caught. */
#include "cli_test.h"

static char *path_in(const char *dir, const char *name)
{
    char *p = malloc(4400);
    snprintf(p, 4400, "%s/%s", dir, name);
    return p;
}

static int count_entries(const char *dir)
{
    DIR *d = opendir(dir);
    int n = 0;
    for (struct dirent *e; (e = readdir(d));)
        n += strcmp(e->d_name, ".") && strcmp(e->d_name, "..");
    closedir(d);
    return n;
}

/* No file whose name holds ".tmp" is left in dir. */
static void expect_no_temp(const char *dir)
{
    DIR *d = opendir(dir);
    for (struct dirent *e; (e = readdir(d));)
        cr_expect(strstr(e->d_name, ".tmp") == NULL, "left behind: %s", e->d_name);
    closedir(d);
}

Test(cli_output, dash_writes_stdout_and_reads_stdin)
{
    char *dir = cli_fixture("dash");
    cli_run file = CLI(dir, "features", "--signals", "signals.csv.gz", "--asof", "2024-12",
                       "--out", "f.csv");
    cr_assert_eq(file.status, 0, "%s", file.err);
    char *f = path_in(dir, "f.csv"), *s = path_in(dir, "signals.csv.gz");
    char *expected = cli_slurp(f, NULL);
    cli_run out = cli_exec(dir, s, NULL,
                           (const char *const[]){"features", "--signals", "-", "--asof", "2024-12",
                                                 "--out", "-", NULL});
    cr_expect_eq(out.status, 0, "%s", out.err);
    cr_expect_str_eq(out.out, expected);
    struct stat st;
    char *dash = path_in(dir, "-");
    cr_expect_eq(stat(dash, &st), -1, "a file named '-' was created");
    cli_run twice = cli_exec(dir, s, NULL,
                             (const char *const[]){"features", "--signals", "-", "--signals", "-",
                                                   "--asof", "2024-12", "--out", "x.csv", NULL});
    cr_expect_eq(twice.status, 1);
    cr_expect(strstr(twice.err, "standard input given twice") != NULL, "%s", twice.err);
    cli_done(&file);
    cli_done(&out);
    cli_done(&twice);
    free(expected);
    free(dash);
    free(f);
    free(s);
    cli_rm_tree(dir);
    free(dir);
}

Test(cli_output, new_files_honour_the_umask_replaced_files_keep_their_mode)
{
    char *dir = cli_fixture("umask");
    mode_t old = umask(027);
    cli_run r = CLI(dir, "features", "--signals", "signals.csv.gz", "--asof", "2024-12", "--out",
                    "f.csv");
    umask(old);
    cr_assert_eq(r.status, 0, "%s", r.err);
    char *f = path_in(dir, "f.csv");
    struct stat st;
    cr_assert_eq(stat(f, &st), 0);
    cr_expect_eq(st.st_mode & 0777, 0640, "mode %o", st.st_mode & 0777);
    chmod(f, 0600);
    cli_done(&r);
    r = CLI(dir, "features", "--signals", "signals.csv.gz", "--asof", "2024-11", "--out", "f.csv");
    cr_assert_eq(r.status, 0, "%s", r.err);
    cr_assert_eq(stat(f, &st), 0);
    cr_expect_eq(st.st_mode & 0777, 0600, "mode %o", st.st_mode & 0777);
    expect_no_temp(dir);
    cli_done(&r);
    free(f);
    cli_rm_tree(dir);
    free(dir);
}

Test(cli_output, a_symlink_is_followed_and_stays_a_link)
{
    char *dir = cli_fixture("link");
    cli_put(dir, "target.csv", "old\n");
    char *link = path_in(dir, "link.csv"), *target = path_in(dir, "target.csv");
    cr_assert_eq(symlink("target.csv", link), 0);
    cli_run r = CLI(dir, "predict", "--model", "model.json.gz", "--signals", "signals.csv.gz",
                    "--asof", "2024-12", "--out", "link.csv");
    cr_assert_eq(r.status, 0, "%s", r.err);
    struct stat st;
    cr_assert_eq(lstat(link, &st), 0);
    cr_expect(S_ISLNK(st.st_mode), "the link was replaced by a file");
    char *text = cli_slurp(target, NULL);
    cr_expect(!strncmp(text, "uscc,pd,score,grade,margin", 26), "%.60s", text);
    expect_no_temp(dir);
    free(text);
    cli_done(&r);
    free(link);
    free(target);
    cli_rm_tree(dir);
    free(dir);
}

Test(cli_output, a_fifo_is_written_in_place)
{
    char *dir = cli_fixture("fifo");
    char *fifo = path_in(dir, "alerts.fifo");
    cr_assert_eq(mkfifo(fifo, 0600), 0);
    /* opened for reading first, so the writer does not block; the output of
     * 120 enterprises fits in the pipe's buffer */
    int fd = open(fifo, O_RDONLY | O_NONBLOCK);
    cr_assert_geq(fd, 0);
    cli_run r = CLI(dir, "predict", "--model", "model.json.gz", "--signals", "signals.csv.gz",
                    "--asof", "2024-12", "--out", "alerts.fifo");
    cr_expect_eq(r.status, 0, "%s", r.err);
    char buf[64] = {0};
    cr_expect_gt(read(fd, buf, sizeof buf - 1), 0);
    cr_expect(!strncmp(buf, "uscc,pd,", 8), "%s", buf);
    close(fd);
    struct stat st;
    cr_assert_eq(lstat(fifo, &st), 0);
    cr_expect(S_ISFIFO(st.st_mode), "the FIFO was replaced");
    expect_no_temp(dir);
    cli_done(&r);
    free(fifo);
    cli_rm_tree(dir);
    free(dir);
}

/* `args` must be refused with exit 1 naming both options, before anything
 * is read, and `victim` must be unchanged. */
static void expect_refused(const char *dir, const char *victim, const char *const *args,
                           const char *out_option, const char *in_option)
{
    char *path = path_in(dir, victim);
    size_t before_size, after_size;
    char *before = cli_slurp(path, &before_size);
    int entries = count_entries(dir);
    cli_run r = cli_exec(dir, NULL, NULL, args);
    cr_expect_eq(r.status, 1, "%s: exit %d: %s", args[0], r.status, r.err);
    cr_expect(strstr(r.err, out_option) && strstr(r.err, in_option) &&
                  strstr(r.err, "is the same file as"),
              "%s: %s", args[0], r.err);
    cr_expect(strstr(r.err, "rejected") == NULL && strstr(r.err, "->") == NULL, "%s", r.err);
    char *after = cli_slurp(path, &after_size);
    cr_expect(before_size == after_size && !memcmp(before, after, before_size),
              "%s was changed", victim);
    cr_expect_eq(count_entries(dir), entries);
    free(before);
    free(after);
    free(path);
    cli_done(&r);
}

Test(cli_output, an_output_that_is_an_input_is_refused)
{
    char *dir = cli_fixture("same");
    char *s = path_in(dir, "signals.csv.gz"), *hard = path_in(dir, "hard.csv.gz");
    char *soft = path_in(dir, "soft.csv.gz");
    cr_assert_eq(link(s, hard), 0);
    cr_assert_eq(symlink("signals.csv.gz", soft), 0);
    expect_refused(dir, "signals.csv.gz",
                   (const char *const[]){"features", "--signals", "signals.csv.gz", "--asof",
                                         "2024-12", "--out", "signals.csv.gz", NULL},
                   "--out", "--signals");
    expect_refused(dir, "signals.csv.gz",
                   (const char *const[]){"features", "--signals", "labels.csv", "--signals",
                                         "soft.csv.gz", "--asof", "2024-12", "--out", "hard.csv.gz",
                                         NULL},
                   "--out", "--signals");
    expect_refused(dir, "model.json.gz",
                   (const char *const[]){"predict", "--model", "model.json.gz", "--signals",
                                         "signals.csv.gz", "--asof", "2024-12", "--out",
                                         "model.json.gz", NULL},
                   "--out", "--model");
    expect_refused(dir, "labels.csv",
                   (const char *const[]){"train", "--signals", "signals.csv.gz", "--labels",
                                         "labels.csv", "--asof", "2024-12", "--out", "labels.csv",
                                         NULL},
                   "--out", "--labels");
    expect_refused(dir, "labels.csv",
                   (const char *const[]){"report", "--model", "model.json.gz", "--signals",
                                         "signals.csv.gz", "--labels", "labels.csv", "--asof",
                                         "2024-12", "--out", "labels.csv", NULL},
                   "--out", "--labels");
    expect_refused(dir, "model.json.gz",
                   (const char *const[]){"drift", "--model", "model.json.gz", "--signals",
                                         "signals.csv.gz", "--asof", "2024-12", "--out",
                                         "soft.csv.gz", NULL},
                   "--out", "--signals");
    cli_put(dir, "request.json",
            "{\"pd\": 0.01, \"lgd\": 0.45, \"amount\": 1000000, \"tenor_years\": 1}\n");
    expect_refused(dir, "request.json",
                   (const char *const[]){"enhance", "--request", "request.json", "--output",
                                         "request.json", NULL},
                   "--output", "--request");
    free(s);
    free(hard);
    free(soft);
    cli_rm_tree(dir);
    free(dir);
}

/* Run with stdout on /dev/full: exit 2 and a message. */
static void expect_full(const char *dir, const char *const *args)
{
    cli_run r = cli_exec(dir, NULL, "/dev/full", args);
    cr_expect_eq(r.status, 2, "score %s > /dev/full: exit %d: %s", args[0], r.status, r.err);
    cr_expect(strstr(r.err, "cannot write to standard output") != NULL, "score %s: %s", args[0],
              r.err);
    cli_done(&r);
}

Test(cli_output, every_write_error_on_stdout_is_an_error)
{
    char *dir = cli_fixture("full");
    char uscc[19];
    cli_first_uscc(dir, uscc);
    cli_put(dir, "request.json",
            "{\"pd\": 0.01, \"lgd\": 0.45, \"amount\": 1000000, \"tenor_years\": 1}\n");
    expect_full(dir, (const char *const[]){"drift", "--model", "model.json.gz", "--signals",
                                           "signals.csv.gz", "--asof", "2024-12", NULL});
    expect_full(dir, (const char *const[]){"check", "--signals", "signals.csv.gz", NULL});
    expect_full(dir, (const char *const[]){"explain", "--model", "model.json.gz", "--signals",
                                           "signals.csv.gz", "--asof", "2024-12", "--uscc", uscc,
                                           NULL});
    expect_full(dir, (const char *const[]){"monitor", "--show-config", NULL});
    expect_full(dir, (const char *const[]){"enhance", "--show-config", NULL});
    expect_full(dir, (const char *const[]){"enhance", "--request", "request.json", NULL});
    expect_full(dir, (const char *const[]){"features", "--signals", "signals.csv.gz", "--asof",
                                           "2024-12", "--out", "-", NULL});
    expect_full(dir, (const char *const[]){"predict", "--model", "model.json.gz", "--signals",
                                           "signals.csv.gz", "--asof", "2024-12", "--out", "-",
                                           NULL});
    expect_full(dir, (const char *const[]){"synth", "--enterprises", "10", "--out", "syn", NULL});
    expect_full(dir, (const char *const[]){"features", "--help", NULL});
    expect_full(dir, (const char *const[]){"--version", NULL});
    cli_rm_tree(dir);
    free(dir);
}

Test(cli_output, a_write_error_on_a_file_is_an_error)
{
    char *dir = cli_fixture("fail");
    char *full = path_in(dir, "full.csv");
    cr_assert_eq(symlink("/dev/full", full), 0);
    const char *outs[] = {"full.csv", "no/such/dir/f.csv"};
    for (int i = 0; i < 2; i++) {
        cli_run r = CLI(dir, "predict", "--model", "model.json.gz", "--signals", "signals.csv.gz",
                        "--asof", "2024-12", "--out", outs[i]);
        cr_expect_eq(r.status, 2, "%s: %s", outs[i], r.err);
        cr_expect(strstr(r.err, "cannot write") || strstr(r.err, "cannot create"), "%s",
                  r.err);
        cr_expect(strstr(r.err, "rows scored") == NULL, "%s", r.err);
        cli_done(&r);
    }
    cli_run r = CLI(dir, "drift", "--model", "model.json.gz", "--signals", "signals.csv.gz",
                    "--asof", "2024-12", "--out", "full.csv");
    cr_expect_eq(r.status, 2, "%s", r.err);
    cli_done(&r);
    struct stat st;
    cr_expect_eq(lstat(full, &st), 0);
    cr_expect(S_ISLNK(st.st_mode));
    expect_no_temp(dir);
    free(full);
    cli_rm_tree(dir);
    free(dir);
}
