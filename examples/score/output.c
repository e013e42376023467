/* Output files of the score program (cli.h): whole or untouched. The same
 * rules as the library's core/file.c, on a FILE, since the program uses only
 * the public API. */
#define _DEFAULT_SOURCE /* realpath */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"

static void reset(cli_output *o)
{
    memset(o, 0, sizeof *o);
}

/* The file a path finally names: links followed, so that the link stays a
 * link; a path that does not exist yet names itself. */
static char *resolve(const char *path)
{
    struct stat st;
    if (lstat(path, &st) != 0 || !S_ISLNK(st.st_mode))
        return strdup(path);
    char *real = realpath(path, NULL);
    if (!real)
        fprintf(stderr, "score: %s: a symbolic link whose target cannot be reached: %s\n", path,
                strerror(errno));
    return real;
}

/* A fresh name beside the target, created with O_EXCL: never a fixed
 * "<path>.tmp" another writer could share or an attacker could plant. */
static int open_temp(cli_output *o, const struct stat *existing)
{
    size_t len = strlen(o->target) + 64;
    static unsigned counter;
    if (!(o->temp = malloc(len)))
        return -1;
    int fd = -1;
    for (int attempt = 0; attempt < 100 && fd < 0; attempt++) {
        snprintf(o->temp, len, "%s.tmp-%ld-%u", o->target, (long)getpid(), counter++);
        fd = open(o->temp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0666);
        if (fd < 0 && errno != EEXIST)
            break;
    }
    if (fd < 0) {
        fprintf(stderr, "score: cannot create %s: %s\n", o->temp, strerror(errno));
        free(o->temp);
        o->temp = NULL;
        return -1;
    }
    /* a new file gets 0666 less the umask (open did that); a replaced one
     * keeps its permission bits */
    if ((existing && fchmod(fd, existing->st_mode & 07777) != 0) || !(o->file = fdopen(fd, "w"))) {
        fprintf(stderr, "score: cannot create %s: %s\n", o->temp, strerror(errno));
        close(fd);
        unlink(o->temp);
        free(o->temp);
        o->temp = NULL;
        return -1;
    }
    return 0;
}

int cli_output_open(cli_output *o, const char *path)
{
    reset(o);
    if (!strcmp(path, "-")) {
        o->file = stdout;
        return 0;
    }
    if (!(o->target = resolve(path))) {
        if (errno == ENOMEM)
            fprintf(stderr, "score: out of memory\n");
        return -1;
    }
    struct stat st;
    int rc = -1;
    if (stat(o->target, &st) != 0) {
        if (errno == ENOENT)
            rc = open_temp(o, NULL);
        else
            fprintf(stderr, "score: cannot write %s: %s\n", path, strerror(errno));
    } else if (S_ISDIR(st.st_mode)) {
        fprintf(stderr, "score: cannot write %s: it is a directory\n", path);
    } else if (S_ISREG(st.st_mode)) {
        rc = open_temp(o, &st);
    } else if ((o->file = fopen(o->target, "w"))) {
        rc = 0; /* a FIFO or a device cannot be renamed over: written in place */
    } else {
        fprintf(stderr, "score: cannot write %s: %s\n", path, strerror(errno));
    }
    if (rc != 0) {
        free(o->target);
        reset(o);
    }
    return rc;
}

int cli_flush_stdout(const char *command)
{
    errno = 0;
    if (fflush(stdout) == 0 && !ferror(stdout))
        return 0;
    fprintf(stderr, "score%s%s: cannot write to standard output: %s\n", command ? " " : "",
            command ? command : "", errno ? strerror(errno) : "write error");
    /* told once: the caller returns EXIT_UNUSABLE, main need not say it again */
    clearerr(stdout);
    return -1;
}

int cli_output_commit(cli_output *o)
{
    if (o->file == stdout) {
        reset(o);
        return cli_flush_stdout(NULL);
    }
    errno = 0;
    int failed = ferror(o->file) != 0;
    failed |= fflush(o->file) != 0;
    if (!failed && o->temp)
        failed |= fsync(fileno(o->file)) != 0;
    int saved = errno;
    failed |= fclose(o->file) != 0;
    if (!saved)
        saved = errno;
    o->file = NULL;
    if (!failed && o->temp && rename(o->temp, o->target) != 0) {
        failed = 1;
        saved = errno;
    }
    if (failed) {
        fprintf(stderr, "score: cannot write %s: %s\n", o->target,
                saved ? strerror(saved) : "write error");
        cli_output_abort(o);
        return -1;
    }
    free(o->temp);
    free(o->target);
    reset(o);
    return 0;
}

void cli_output_abort(cli_output *o)
{
    if (o->file && o->file != stdout)
        fclose(o->file);
    if (o->temp)
        unlink(o->temp);
    free(o->temp);
    free(o->target);
    reset(o);
}
