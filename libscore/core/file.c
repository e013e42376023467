#define _DEFAULT_SOURCE /* realpath */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "file.h"

static void outfile_reset(sc_outfile *f)
{
    memset(f, 0, sizeof *f);
    f->fd = -1;
}

/* The file a path finally names: a symlink chain is resolved so that the
 * link survives; a path that does not exist yet names itself. */
static int resolve_target(const char *path, const char *what, char **out)
{
    struct stat link_st;
    if (lstat(path, &link_st) != 0) {
        if (errno != ENOENT)
            return sc_error(SCORE_EIO, "%s %s: %s", what, path, strerror(errno));
        *out = sc_strdup(path);
        return *out ? SCORE_OK : sc_error(SCORE_ENOMEM, "%s %s: out of memory", what, path);
    }
    if (!S_ISLNK(link_st.st_mode)) {
        *out = sc_strdup(path);
        return *out ? SCORE_OK : sc_error(SCORE_ENOMEM, "%s %s: out of memory", what, path);
    }
    char *resolved = realpath(path, NULL);
    if (!resolved)
        return sc_error(SCORE_EINVAL, "%s %s: a symbolic link whose target cannot be reached: %s",
                        what, path, strerror(errno));
    *out = sc_strdup(resolved);
    free(resolved); /* realpath's own allocation */
    return *out ? SCORE_OK : sc_error(SCORE_ENOMEM, "%s %s: out of memory", what, path);
}

static int open_in_place(sc_outfile *f, const char *what)
{
    f->fd = open(f->target, O_WRONLY | O_CLOEXEC | O_NOCTTY);
    if (f->fd < 0)
        return sc_error(SCORE_EIO, "%s %s: cannot open: %s", what, f->target, strerror(errno));
    return SCORE_OK;
}

static int open_temp(sc_outfile *f, const char *what, const struct stat *existing)
{
    static atomic_uint counter;
    size_t len = strlen(f->target) + 64;
    f->temp = sc_malloc(len);
    if (!f->temp)
        return sc_error(SCORE_ENOMEM, "%s %s: out of memory", what, f->target);
    for (int attempt = 0; attempt < 100; attempt++) {
        sc_snprintf(f->temp, len, "%s.tmp-%ld-%u", f->target, (long)getpid(),
                 atomic_fetch_add(&counter, 1));
        f->fd = open(f->temp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0666);
        if (f->fd >= 0 || errno != EEXIST)
            break;
    }
    if (f->fd < 0) {
        int rc = sc_error(SCORE_EIO, "%s %s: cannot create %s: %s", what, f->target, f->temp,
                          strerror(errno));
        sc_free(f->temp);
        f->temp = NULL;
        return rc;
    }
    if (existing && fchmod(f->fd, existing->st_mode & 07777) != 0) {
        int rc = sc_error(SCORE_EIO, "%s %s: cannot set permissions on %s: %s", what, f->target,
                          f->temp, strerror(errno));
        sc_outfile_abort(f);
        return rc;
    }
    return SCORE_OK;
}

int sc_outfile_open(sc_outfile *f, const char *path, const char *what)
{
    outfile_reset(f);
    if (!path || !*path)
        return sc_error(SCORE_EINVAL, "%s: no file name given", what);
    int rc = resolve_target(path, what, &f->target);
    if (rc != SCORE_OK)
        return rc;
    struct stat st;
    if (stat(f->target, &st) != 0) {
        if (errno != ENOENT) {
            rc = sc_error(SCORE_EIO, "%s %s: %s", what, path, strerror(errno));
        } else {
            rc = open_temp(f, what, NULL);
        }
    } else if (S_ISDIR(st.st_mode)) {
        rc = sc_error(SCORE_EINVAL, "%s %s: is a directory", what, path);
    } else if (S_ISREG(st.st_mode)) {
        rc = open_temp(f, what, &st);
    } else {
        rc = open_in_place(f, what);
    }
    if (rc != SCORE_OK) {
        sc_free(f->target);
        outfile_reset(f);
    }
    return rc;
}

void sc_outfile_write(sc_outfile *f, const void *data, size_t len)
{
    const char *p = data;
    while (!f->failed && len > 0) {
        ssize_t n = write(f->fd, p, len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            f->failed = 1;
            f->saved_errno = n < 0 ? errno : EIO;
            break;
        }
        p += n;
        len -= (size_t)n;
    }
}

int sc_sync_parent_dir(const char *path)
{
    const char *slash = strrchr(path, '/');
    char dir[PATH_MAX];
    if (!slash) {
        strcpy(dir, ".");
    } else if (slash == path) {
        strcpy(dir, "/");
    } else {
        size_t n = (size_t)(slash - path);
        if (n >= sizeof dir) {
            errno = ENAMETOOLONG;
            return -1;
        }
        memcpy(dir, path, n);
        dir[n] = '\0';
    }
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0)
        return -1;
    int rc = fsync(fd);
    /* some file systems cannot sync a directory; the rename still stands */
    if (rc != 0 && (errno == EINVAL || errno == EROFS))
        rc = 0;
    close(fd);
    return rc;
}

int sc_outfile_commit(sc_outfile *f)
{
    int rc = SCORE_OK;
    if (f->fd < 0)
        return sc_error(SCORE_EINVAL, "output file was not opened");
    if (f->failed) {
        errno = f->saved_errno;
        rc = sc_error(SCORE_EIO, "%s: cannot write: %s", f->target, strerror(errno));
    } else if (f->temp && fsync(f->fd) != 0) {
        rc = sc_error(SCORE_EIO, "%s: cannot write: %s", f->target, strerror(errno));
    }
    if (close(f->fd) != 0 && rc == SCORE_OK)
        rc = sc_error(SCORE_EIO, "%s: cannot write: %s", f->target, strerror(errno));
    f->fd = -1;
    if (rc == SCORE_OK && f->temp) {
        if (rename(f->temp, f->target) != 0)
            rc = sc_error(SCORE_EIO, "%s: cannot rename %s into place: %s", f->target, f->temp,
                          strerror(errno));
        else if (sc_sync_parent_dir(f->target) != 0)
            rc = sc_error(SCORE_EIO, "%s: written, but its directory cannot be synced: %s",
                          f->target, strerror(errno));
    }
    if (rc != SCORE_OK && f->temp)
        unlink(f->temp);
    sc_free(f->temp);
    sc_free(f->target);
    outfile_reset(f);
    return rc;
}

void sc_outfile_abort(sc_outfile *f)
{
    if (f->fd >= 0)
        close(f->fd);
    if (f->temp)
        unlink(f->temp);
    sc_free(f->temp);
    sc_free(f->target);
    outfile_reset(f);
}

int sc_write_file(const char *path, const void *data, size_t len, const char *what)
{
    sc_outfile f;
    int rc = sc_outfile_open(&f, path, what);
    if (rc != SCORE_OK)
        return rc;
    sc_outfile_write(&f, data, len);
    return sc_outfile_commit(&f);
}
