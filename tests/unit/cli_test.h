/* Helpers shared by the tests of the score program (test_cli_*.c): run the
 * built binary in a directory with chosen stdin and stdout, and a small
 * synthetic population with the default model beside it. */
#ifndef SCORE_CLI_TEST_H
#define SCORE_CLI_TEST_H

#include <criterion/criterion.h>
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#define SCORE_PROGRAM TEST_BINARY_DIR "/score"
#define DEFAULT_MODEL TEST_SOURCE_DIR "/models/default.json.gz"

typedef struct cli_run {
    int status;
    char *out, *err;
} cli_run;

static inline char *cli_slurp(const char *path, size_t *size)
{
    FILE *f = fopen(path, "rb");
    cr_assert_not_null(f, "cannot read %s", path);
    size_t cap = 4096, len = 0;
    char *text = malloc(cap);
    for (size_t n; (n = fread(text + len, 1, cap - len - 1, f)) > 0;) {
        len += n;
        if (len + 1 == cap)
            text = realloc(text, cap *= 2);
    }
    fclose(f);
    text[len] = '\0';
    if (size)
        *size = len;
    return text;
}

static inline void cli_put(const char *dir, const char *name, const char *text)
{
    char path[4400];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "w");
    cr_assert_not_null(f, "cannot create %s", path);
    fputs(text, f);
    fclose(f);
}

/* Run `score ARGS...` in `dir`. stdin from `in` (NULL: /dev/null); stdout
 * to `out` (NULL: a file read back into r.out); stderr read back into r.err. */
static inline cli_run cli_exec(const char *dir, const char *in, const char *out,
                               const char *const *args)
{
    char out_path[4400], err_path[4400];
    snprintf(out_path, sizeof out_path, "%s/.stdout", dir);
    snprintf(err_path, sizeof err_path, "%s/.stderr", dir);
    const char *argv[64] = {SCORE_PROGRAM};
    int n = 1;
    for (int i = 0; args[i] && n < 63; i++)
        argv[n++] = args[i];
    argv[n] = NULL;
    pid_t pid = fork();
    cr_assert_neq(pid, -1);
    if (pid == 0) {
        if (chdir(dir) != 0)
            _exit(120);
        int i = open(in ? in : "/dev/null", O_RDONLY);
        int o = open(out ? out : out_path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
        int e = open(err_path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
        if (i < 0 || o < 0 || e < 0)
            _exit(122);
        dup2(i, 0);
        dup2(o, 1);
        dup2(e, 2);
        execv(argv[0], (char *const *)argv);
        _exit(121);
    }
    int status;
    cr_assert_eq(waitpid(pid, &status, 0), pid);
    cr_assert(WIFEXITED(status), "score did not exit (signal %d)", WTERMSIG(status));
    cli_run r = {WEXITSTATUS(status), out ? strdup("") : cli_slurp(out_path, NULL),
                 cli_slurp(err_path, NULL)};
    unlink(out_path);
    unlink(err_path);
    return r;
}

#define CLI(dir, ...) cli_exec(dir, NULL, NULL, (const char *const[]){__VA_ARGS__, NULL})

static inline void cli_done(cli_run *r)
{
    free(r->out);
    free(r->err);
}

static inline void cli_rm_tree(const char *path)
{
    DIR *d = opendir(path);
    if (d) {
        for (struct dirent *e; (e = readdir(d));) {
            if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
                continue;
            char sub[4400];
            if (snprintf(sub, sizeof sub, "%s/%s", path, e->d_name) >= (int)sizeof sub)
                continue;
            struct stat st;
            if (lstat(sub, &st) == 0 && S_ISDIR(st.st_mode))
                cli_rm_tree(sub);
            else
                unlink(sub);
        }
        closedir(d);
    }
    rmdir(path);
}

/* A fresh directory holding signals.csv.gz, labels.csv and truth.csv of a
 * small synthetic population (as of 2024-12, enough defaults to train on),
 * and model.json.gz, a copy of
 * the default model. Remove it with cli_rm_tree. */
static inline char *cli_fixture(const char *tag)
{
    char *dir = malloc(4096);
    snprintf(dir, 4096, "%s/clitest-%s-XXXXXX", TEST_BINARY_DIR, tag);
    cr_assert_not_null(mkdtemp(dir));
    cli_run r = CLI(dir, "synth", "--enterprises", "120", "--months", "14", "--seed", "5",
                    "--default-rate", "0.2", "--out", ".");
    cr_assert_eq(r.status, 0, "synth: %s", r.err);
    cli_done(&r);
    size_t size;
    char *model = cli_slurp(DEFAULT_MODEL, &size), path[4400];
    snprintf(path, sizeof path, "%s/model.json.gz", dir);
    FILE *f = fopen(path, "wb");
    cr_assert_eq(fwrite(model, 1, size, f), size);
    fclose(f);
    free(model);
    return dir;
}

/* The first USCC of labels.csv in dir. */
static inline void cli_first_uscc(const char *dir, char out[19])
{
    char path[4400];
    snprintf(path, sizeof path, "%s/labels.csv", dir);
    char *text = cli_slurp(path, NULL);
    const char *line = strchr(text, '\n');
    cr_assert_not_null(line);
    memcpy(out, line + 1, 18);
    out[18] = '\0';
    free(text);
}

#endif
