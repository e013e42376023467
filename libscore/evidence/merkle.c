/* The Merkle tree of RFC 9162, section 2.1, kept so that no proof scans:
 * tree.K holds, in order, the hash of every complete subtree of 2^K
 * leaves (aligned on 2^K). Any MTH(D[lo:lo+n]) that the RFC's PATH and
 * PROOF ask for is aligned, so it is one stored node, or a split into a
 * stored node and a smaller right part: O(log n) reads. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sodium.h>
#include <sys/mman.h>
#include <sys/stat.h>

#include "evidence.h"

static int tree_fd(sc_evid_tree *t, int k)
{
    if (t->fd[k] >= 0)
        return t->fd[k];
    char name[16];
    snprintf(name, sizeof name, "tree.%d", k);
    char *path = sc_evid_path(t->dir, name);
    if (!path)
        return sc_error(SCORE_ENOMEM, "evidence tree: out of memory");
    int fd = open(path, t->writable ? O_RDWR | O_CREAT | O_CLOEXEC : O_RDONLY | O_CLOEXEC, 0644);
    if (fd < 0) {
        int rc = sc_error(SCORE_EIO, "%s: %s", path, strerror(errno));
        sc_free(path);
        return rc;
    }
    sc_free(path);
    t->fd[k] = fd;
    return fd;
}

int sc_evid_tree_open(sc_evid_tree *t, const char *dir, uint64_t size, int writable)
{
    memset(t, 0, sizeof *t);
    for (int k = 0; k < SC_EVID_LEVELS; k++)
        t->fd[k] = -1;
    if (!(t->dir = sc_strdup(dir)))
        return sc_error(SCORE_ENOMEM, "evidence tree: out of memory");
    t->size = size;
    t->writable = writable;
    return SCORE_OK;
}

void sc_evid_tree_close(sc_evid_tree *t)
{
    for (int k = 0; k < SC_EVID_LEVELS; k++) {
        if (t->fd[k] >= 0)
            close(t->fd[k]);
        if (t->map[k])
            munmap(t->map[k], t->mapped[k]);
        t->map[k] = NULL;
    }
    sc_free(t->dir);
    t->dir = NULL;
}

uint64_t sc_evid_tree_stored(sc_evid_tree *t, int k)
{
    int fd = tree_fd(t, k);
    if (fd < 0)
        return 0;
    off_t end = lseek(fd, 0, SEEK_END);
    return end < 0 ? 0 : (uint64_t)end / SC_EVID_HASH;
}

/* Map level k again when node i lies beyond what is mapped (it grew). */
static void remap(sc_evid_tree *t, int k, int fd)
{
    struct stat st;
    if (fstat(fd, &st) != 0 || (size_t)st.st_size <= t->mapped[k])
        return;
    if (t->map[k])
        munmap(t->map[k], t->mapped[k]);
    t->map[k] = NULL;
    t->mapped[k] = 0;
    void *p = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_SHARED, fd, 0);
    if (p != MAP_FAILED) {
        t->map[k] = p;
        t->mapped[k] = (size_t)st.st_size;
    }
}

int sc_evid_tree_node(sc_evid_tree *t, int k, uint64_t i, uint8_t out[SC_EVID_HASH])
{
    int fd = tree_fd(t, k);
    if (fd < 0)
        return fd;
    size_t end = (size_t)(i + 1) * SC_EVID_HASH;
    if (end > t->mapped[k])
        remap(t, k, fd);
    if (end <= t->mapped[k]) {
        memcpy(out, t->map[k] + end - SC_EVID_HASH, SC_EVID_HASH);
        return SCORE_OK;
    }
    ssize_t got = pread(fd, out, SC_EVID_HASH, (off_t)(i * SC_EVID_HASH));
    if (got != SC_EVID_HASH)
        return sc_error(SCORE_ECORRUPT, "%s/tree.%d: node %llu is missing (the tree is shorter "
                        "than the log)", t->dir, k, (unsigned long long)i);
    return SCORE_OK;
}

static uint64_t split_of(uint64_t n)
{
    uint64_t k = 1;
    while (k << 1 < n)
        k <<= 1;
    return k;
}

static int level_of(uint64_t n)
{
    int k = 0;
    while ((1ull << k) < n)
        k++;
    return k;
}

/* The right edge of the tree of n leaves, bottom up: popcount(n) reads. */
static int edge_of(sc_evid_tree *t, uint64_t n)
{
    if (t->edge_n == n)
        return SCORE_OK;
    int have = 0;
    for (int j = 0; j < SC_EVID_LEVELS; j++) {
        if (n >> j & 1) {
            uint8_t left[SC_EVID_HASH];
            int rc = sc_evid_tree_node(t, j, (n >> j) - 1, left);
            if (rc != SCORE_OK) {
                t->edge_n = 0;
                return rc;
            }
            if (have)
                sc_evid_node_hash(left, t->edge[j], t->edge[j + 1]);
            else
                memcpy(t->edge[j + 1], left, SC_EVID_HASH);
            have = 1;
        } else {
            memcpy(t->edge[j + 1], t->edge[j], SC_EVID_HASH);
        }
    }
    t->edge_n = n;
    return SCORE_OK;
}

int sc_evid_tree_mth(sc_evid_tree *t, uint64_t lo, uint64_t n, uint8_t out[SC_EVID_HASH])
{
    if (n == 0) {
        crypto_hash_sha256(out, (const unsigned char *)"", 0);
        return SCORE_OK;
    }
    if ((n & (n - 1)) == 0 && lo % n == 0)
        return sc_evid_tree_node(t, level_of(n), lo / n, out);
    /* The right edge of the tree of lo + n leaves, as PATH and PROOF ask
     * for it (aligned): one pass computes every level of it. */
    {
        uint64_t size = lo + n;
        int j = level_of(n);
        if (((size >> j) << j) == lo) {
            int rc = edge_of(t, size);
            if (rc == SCORE_OK)
                memcpy(out, t->edge[j], SC_EVID_HASH);
            return rc;
        }
    }
    uint64_t k = split_of(n);
    uint8_t l[SC_EVID_HASH], r[SC_EVID_HASH];
    int rc = sc_evid_tree_mth(t, lo, k, l);
    if (rc == SCORE_OK)
        rc = sc_evid_tree_mth(t, lo + k, n - k, r);
    if (rc == SCORE_OK)
        sc_evid_node_hash(l, r, out);
    return rc;
}

int sc_evid_tree_append(sc_evid_tree *t, const uint8_t *leaves, uint64_t n)
{
    if (n == 0)
        return SCORE_OK;
    uint64_t first = t->size, last = t->size + n;       /* leaves [first, last) */
    uint8_t *cur = NULL;
    size_t cap = 0;
    const uint8_t *level = leaves;
    uint64_t lo = first, hi = last;                     /* nodes of this level written */
    int rc = SCORE_OK;
    for (int k = 0; k < SC_EVID_LEVELS && hi > lo; k++) {
        int fd = tree_fd(t, k);
        if (fd < 0) {
            rc = fd;
            break;
        }
        size_t bytes = (size_t)(hi - lo) * SC_EVID_HASH;
        if (pwrite(fd, level, bytes, (off_t)(lo * SC_EVID_HASH)) != (ssize_t)bytes) {
            rc = sc_error(SCORE_EIO, "%s/tree.%d: %s", t->dir, k, strerror(errno));
            break;
        }
        /* The parents completed: node j of level k+1 for every j with
         * 2j+1 in [lo, hi). The left child may be stored, not in `level`. */
        uint64_t plo = lo / 2, phi = hi / 2;
        if (phi <= plo)
            break;
        uint8_t *next = sc_malloc_array((size_t)(phi - plo), SC_EVID_HASH);
        if (!next) {
            rc = sc_error(SCORE_ENOMEM, "evidence tree: out of memory");
            break;
        }
        for (uint64_t j = plo; j < phi && rc == SCORE_OK; j++) {
            uint8_t left[SC_EVID_HASH];
            const uint8_t *lp;
            if (2 * j >= lo)
                lp = level + (2 * j - lo) * SC_EVID_HASH;
            else if ((rc = sc_evid_tree_node(t, k, 2 * j, left)) == SCORE_OK)
                lp = left;
            else
                break;
            sc_evid_node_hash(lp, level + (2 * j + 1 - lo) * SC_EVID_HASH,
                              next + (j - plo) * SC_EVID_HASH);
        }
        sc_free(cur);
        cur = next;
        cap = (size_t)(phi - plo);
        (void)cap;
        level = cur;
        lo = plo;
        hi = phi;
        if (rc != SCORE_OK)
            break;
    }
    sc_free(cur);
    if (rc == SCORE_OK)
        t->size = last;
    return rc;
}

/* RFC 9162 2.1.3.1 PATH(m, D[lo:lo+n]), the deepest sibling first. */
static int path(sc_evid_tree *t, uint64_t m, uint64_t lo, uint64_t n, uint8_t *out,
                size_t capacity, size_t *count)
{
    if (n <= 1)
        return SCORE_OK;
    uint64_t k = split_of(n);
    int rc = m < k ? path(t, m, lo, k, out, capacity, count)
                   : path(t, m - k, lo + k, n - k, out, capacity, count);
    if (rc != SCORE_OK)
        return rc;
    if (*count >= capacity)
        return sc_error(SCORE_ELIMIT, "evidence proof: more than %zu hashes", capacity);
    rc = m < k ? sc_evid_tree_mth(t, lo + k, n - k, out + *count * SC_EVID_HASH)
               : sc_evid_tree_mth(t, lo, k, out + *count * SC_EVID_HASH);
    ++*count;
    return rc;
}

int sc_evid_inclusion_path(sc_evid_tree *t, uint64_t index, uint64_t size, uint8_t *out,
                           size_t capacity, size_t *n)
{
    if (index >= size || size > t->size)
        return sc_error(SCORE_EINVAL, "evidence proof: record %llu is not in a tree of %llu "
                        "records (the log holds %llu)", (unsigned long long)index,
                        (unsigned long long)size, (unsigned long long)t->size);
    *n = 0;
    return path(t, index, 0, size, out, capacity, n);
}

/* RFC 9162 2.1.4.1 SUBPROOF(m, D[lo:lo+n], b). */
static int subproof(sc_evid_tree *t, uint64_t m, uint64_t lo, uint64_t n, int b, uint8_t *out,
                    size_t capacity, size_t *count)
{
    int rc;
    if (m == n) {
        if (b)
            return SCORE_OK;
        if (*count >= capacity)
            return sc_error(SCORE_ELIMIT, "evidence proof: more than %zu hashes", capacity);
        rc = sc_evid_tree_mth(t, lo, n, out + *count * SC_EVID_HASH);
        ++*count;
        return rc;
    }
    uint64_t k = split_of(n);
    rc = m <= k ? subproof(t, m, lo, k, b, out, capacity, count)
                : subproof(t, m - k, lo + k, n - k, 0, out, capacity, count);
    if (rc != SCORE_OK)
        return rc;
    if (*count >= capacity)
        return sc_error(SCORE_ELIMIT, "evidence proof: more than %zu hashes", capacity);
    rc = m <= k ? sc_evid_tree_mth(t, lo + k, n - k, out + *count * SC_EVID_HASH)
                : sc_evid_tree_mth(t, lo, k, out + *count * SC_EVID_HASH);
    ++*count;
    return rc;
}

int sc_evid_consistency_path(sc_evid_tree *t, uint64_t old_size, uint64_t size, uint8_t *out,
                             size_t capacity, size_t *n)
{
    if (old_size == 0 || old_size > size || size > t->size)
        return sc_error(SCORE_EINVAL, "evidence proof: no consistency proof from %llu to %llu "
                        "records (the log holds %llu; the older tree must not be empty)",
                        (unsigned long long)old_size, (unsigned long long)size,
                        (unsigned long long)t->size);
    *n = 0;
    if (old_size == size)
        return SCORE_OK;
    return subproof(t, old_size, 0, size, 1, out, capacity, n);
}
