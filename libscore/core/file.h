/*
 * Output files that are either wholly written or not touched at all.
 *
 * Every file the library writes (model bundles, reports, pool journals,
 * synthetic data, evidence) goes through here so that the rules are kept in
 * one place:
 *  - a regular file is replaced atomically: the data go to a fresh temporary
 *    file beside the target (created with O_EXCL and O_NOFOLLOW under a name
 *    no other writer uses), are synced, and renamed over the target; the
 *    directory is synced after the rename. Concurrent writers never mix
 *    their bytes; the last rename wins whole.
 *  - a symbolic link is followed: its final target is replaced, the link
 *    stays a link. A dangling link is refused.
 *  - a FIFO, a terminal or a character device (/dev/stdout) is written in
 *    place, since it cannot be renamed over; nothing is synced.
 *  - a new file gets 0666 less the umask; a replaced regular file keeps its
 *    permission bits.
 */
#ifndef SCORE_CORE_FILE_H
#define SCORE_CORE_FILE_H

#include <stddef.h>

#include "core.h"

typedef struct sc_outfile {
    char *target;  /* the file finally written (symlinks resolved) */
    char *temp;    /* the temporary file, NULL when writing in place */
    int fd;
    int failed;    /* a write failed: commit will refuse */
    int saved_errno;
} sc_outfile;

/* Start writing `path`. `what` names the caller in messages ("model
 * bundle"). SCORE_EINVAL (NULL, empty path, a directory, a dangling link),
 * SCORE_EIO (cannot create), SCORE_ENOMEM. On failure nothing is created. */
int sc_outfile_open(sc_outfile *f, const char *path, const char *what);
/* Append bytes; a failure is remembered and reported by commit. */
void sc_outfile_write(sc_outfile *f, const void *data, size_t len);
/* Sync, close and rename into place. On any failure the temporary file is
 * removed, the target is untouched, and SCORE_EIO names the path and the
 * system's reason. The sc_outfile is released either way. */
int sc_outfile_commit(sc_outfile *f);
/* Give up: close and remove the temporary file. Safe after a failed open. */
void sc_outfile_abort(sc_outfile *f);

/* Write `len` bytes to `path` through the above. */
int sc_write_file(const char *path, const void *data, size_t len, const char *what);

/* Sync the directory that holds `path`, so that a rename or a creation in it
 * survives a crash. 0 or -1 with errno. */
int sc_sync_parent_dir(const char *path);

#endif
