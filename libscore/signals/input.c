#include <errno.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "input.h"

#define RAW_CHUNK (256 * 1024)

/* Make at least `want` unread raw bytes available if the source has them. */
static int fill_raw(sc_input *in, size_t want)
{
    if (in->raw_len - in->raw_pos >= want || in->source_eof)
        return SCORE_OK;
    if (!in->file) {
        in->source_eof = 1;
        return SCORE_OK;
    }
    memmove(in->raw, in->raw + in->raw_pos, in->raw_len - in->raw_pos);
    in->raw_len -= in->raw_pos;
    in->raw_pos = 0;
    while (in->raw_len < want && !in->source_eof) {
        size_t n = fread(in->raw + in->raw_len, 1, in->raw_cap - in->raw_len, in->file);
        in->raw_len += n;
        if (n == 0) {
            if (ferror(in->file))
                return sc_error(SCORE_EIO, "%s: read error: %s", in->name, strerror(errno));
            in->source_eof = 1;
        }
    }
    return SCORE_OK;
}

static int detect(sc_input *in)
{
    int rc = fill_raw(in, 2);
    if (rc != SCORE_OK)
        return rc;
    in->gzip = in->raw_len - in->raw_pos >= 2 && in->raw[in->raw_pos] == 0x1f &&
               in->raw[in->raw_pos + 1] == 0x8b;
    if (!in->gzip)
        return SCORE_OK;
    in->zs.zalloc = sc_zlib_alloc;
    in->zs.zfree = sc_zlib_free;
    in->zs.opaque = NULL;
    rc = inflateInit2(&in->zs, 15 + 16);
    if (rc != Z_OK)
        return rc == Z_MEM_ERROR ? sc_error(SCORE_ENOMEM, "%s: out of memory starting gzip", in->name)
                                 : sc_error(SCORE_EDEPENDENCY, "%s: zlib inflateInit2 failed (%d)",
                                            in->name, rc);
    in->zs_ready = 1;
    in->member_open = 1;
    in->members = 1;
    return SCORE_OK;
}

int sc_input_open_file(sc_input *in, const char *path)
{
    memset(in, 0, sizeof *in);
    in->name = path;
    in->file = fopen(path, "rb");
    if (!in->file)
        return sc_error(SCORE_EIO, "%s: cannot open: %s", path, strerror(errno));
    struct stat st;
    if (fstat(fileno(in->file), &st) == 0) {
        if (S_ISDIR(st.st_mode)) {
            fclose(in->file);
            in->file = NULL;
            return sc_error(SCORE_EIO, "%s: is a directory, not a file", path);
        }
        if (S_ISREG(st.st_mode))
            in->raw_total = (uint64_t)st.st_size;
    }
    in->raw = sc_malloc(RAW_CHUNK);
    if (!in->raw) {
        sc_input_close(in);
        return sc_error(SCORE_ENOMEM, "%s: out of memory", path);
    }
    in->raw_cap = RAW_CHUNK;
    int rc = detect(in);
    if (rc != SCORE_OK)
        sc_input_close(in);
    return rc;
}

int sc_input_open_memory(sc_input *in, const char *name, const void *data, size_t size)
{
    memset(in, 0, sizeof *in);
    in->name = name;
    in->memory = data;
    in->memory_size = size;
    in->raw = (unsigned char *)data; /* read only: never written for memory input */
    in->raw_len = size;
    in->raw_total = size;
    in->source_eof = 1;
    int rc = detect(in);
    if (rc != SCORE_OK)
        sc_input_close(in);
    return rc;
}

static int read_plain(sc_input *in, unsigned char *dst, size_t cap, size_t *got)
{
    if (in->raw_pos == in->raw_len) {
        int rc = fill_raw(in, 1);
        if (rc != SCORE_OK)
            return rc;
    }
    size_t n = in->raw_len - in->raw_pos;
    if (n > cap)
        n = cap;
    memcpy(dst, in->raw + in->raw_pos, n);
    in->raw_pos += n;
    in->raw_consumed += n;
    *got = n;
    return SCORE_OK;
}

/* At the end of a member: another member, the end, or garbage. */
static int next_member(sc_input *in)
{
    int rc = fill_raw(in, 2);
    if (rc != SCORE_OK)
        return rc;
    size_t left = in->raw_len - in->raw_pos;
    if (left == 0)
        return SCORE_OK;
    if (left >= 2 && in->raw[in->raw_pos] == 0x1f && in->raw[in->raw_pos + 1] == 0x8b) {
        inflateReset(&in->zs);
        in->member_open = 1;
        in->members++;
        return SCORE_OK;
    }
    return sc_error(SCORE_EFORMAT,
                    "%s: %zu bytes after gzip member %u (at byte offset %llu) are not another "
                    "gzip member; the file is damaged",
                    in->name, left, in->members, (unsigned long long)in->raw_consumed);
}

static int read_gzip(sc_input *in, unsigned char *dst, size_t cap, size_t *got)
{
    in->zs.next_out = dst;
    in->zs.avail_out = (uInt)(cap > UINT32_MAX ? UINT32_MAX : cap);
    while (in->zs.avail_out == cap && in->member_open) {
        if (in->raw_pos == in->raw_len) {
            int rc = fill_raw(in, 1);
            if (rc != SCORE_OK)
                return rc;
            if (in->raw_pos == in->raw_len)
                return sc_error(SCORE_EFORMAT,
                                "%s: gzip stream is truncated (member %u ends early, after %llu "
                                "compressed bytes)",
                                in->name, in->members, (unsigned long long)in->raw_consumed);
        }
        size_t avail = in->raw_len - in->raw_pos;
        in->zs.next_in = in->raw + in->raw_pos;
        in->zs.avail_in = (uInt)(avail > UINT32_MAX ? UINT32_MAX : avail);
        uInt before = in->zs.avail_in;
        int zrc = inflate(&in->zs, Z_NO_FLUSH);
        size_t used = before - in->zs.avail_in;
        in->raw_pos += used;
        in->raw_consumed += used;
        if (zrc == Z_STREAM_END) {
            in->member_open = 0;
            int rc = next_member(in);
            if (rc != SCORE_OK)
                return rc;
        } else if (zrc == Z_MEM_ERROR) {
            return sc_error(SCORE_ENOMEM, "%s: out of memory in gzip", in->name);
        } else if (zrc != Z_OK && zrc != Z_BUF_ERROR) {
            return sc_error(SCORE_EFORMAT, "%s: corrupt gzip stream in member %u near compressed "
                            "byte %llu: %s",
                            in->name, in->members, (unsigned long long)in->raw_consumed,
                            in->zs.msg ? in->zs.msg : "invalid data");
        }
    }
    *got = cap - in->zs.avail_out;
    return SCORE_OK;
}

/* Inflate `avail` bytes through the copy, discarding the output; 1 at the
 * end of the last member, 0 to go on, or an error. */
static int verify_chunk(sc_input *in, z_stream *zs, const unsigned char *data, size_t avail,
                        uint64_t *at, unsigned *member, int *between)
{
    unsigned char sink[1 << 14];
    while (avail > 0) {
        if (*between) {
            if (avail < 2 || data[0] != 0x1f || data[1] != 0x8b)
                return 1; /* the end, or trailing bytes the reading pass reports itself */
            inflateReset(zs);
            *between = 0;
            ++*member;
        }
        zs->next_in = (unsigned char *)data;
        zs->avail_in = (uInt)(avail > UINT32_MAX ? UINT32_MAX : avail);
        zs->next_out = sink;
        zs->avail_out = sizeof sink;
        uInt before = zs->avail_in;
        int zrc = inflate(zs, Z_NO_FLUSH);
        size_t used = before - zs->avail_in;
        data += used;
        avail -= used;
        *at += used;
        if (zrc == Z_STREAM_END)
            *between = 1;
        else if (zrc == Z_MEM_ERROR)
            return sc_error(SCORE_ENOMEM, "%s: out of memory in gzip", in->name);
        else if (zrc != Z_OK && zrc != Z_BUF_ERROR)
            return sc_error(SCORE_EFORMAT, "%s: corrupt gzip stream in member %u near compressed "
                            "byte %llu: %s",
                            in->name, *member, (unsigned long long)*at,
                            zs->msg ? zs->msg : "invalid data");
        else if (used == 0 && zs->avail_out != 0)
            break; /* needs more input */
    }
    return 0;
}

int sc_input_verify_rest(sc_input *in)
{
    if (!in->gzip || !in->member_open)
        return SCORE_OK;
    off_t resume = in->file ? ftello(in->file) : 0;
    if (in->file && resume < 0)
        return SCORE_OK; /* a pipe: it cannot be read twice; the reading pass will tell */
    z_stream copy;
    if (inflateCopy(&copy, &in->zs) != Z_OK)
        return sc_error(SCORE_ENOMEM, "%s: out of memory checking the gzip stream", in->name);
    uint64_t at = in->raw_consumed;
    unsigned member = in->members;
    int between = 0;
    int rc = verify_chunk(in, &copy, in->raw + in->raw_pos, in->raw_len - in->raw_pos, &at,
                          &member, &between);
    unsigned char *chunk = rc == 0 && in->file && !in->source_eof ? sc_malloc(RAW_CHUNK) : NULL;
    if (rc == 0 && in->file && !in->source_eof && !chunk)
        rc = sc_error(SCORE_ENOMEM, "%s: out of memory checking the gzip stream", in->name);
    while (rc == 0 && chunk) {
        size_t n = fread(chunk, 1, RAW_CHUNK, in->file);
        if (n == 0) {
            if (ferror(in->file))
                rc = sc_error(SCORE_EIO, "%s: read error: %s", in->name, strerror(errno));
            break;
        }
        rc = verify_chunk(in, &copy, chunk, n, &at, &member, &between);
    }
    if (rc == 0 && !between)
        rc = sc_error(SCORE_EFORMAT, "%s: gzip stream is truncated (member %u ends early, after "
                      "%llu compressed bytes)", in->name, member, (unsigned long long)at);
    sc_free(chunk);
    inflateEnd(&copy);
    if (in->file && fseeko(in->file, resume, SEEK_SET) != 0 && rc >= 0)
        rc = sc_error(SCORE_EIO, "%s: cannot seek back: %s", in->name, strerror(errno));
    return rc > 0 ? SCORE_OK : rc;
}

int sc_input_read(sc_input *in, unsigned char *dst, size_t cap, size_t *got)
{
    *got = 0;
    if (cap == 0)
        return SCORE_OK;
    if (cap > ((size_t)1 << 30))
        cap = (size_t)1 << 30;
    if (!in->gzip)
        return read_plain(in, dst, cap, got);
    return read_gzip(in, dst, cap, got);
}

void sc_input_close(sc_input *in)
{
    if (in->zs_ready)
        inflateEnd(&in->zs);
    if (in->file) {
        fclose(in->file);
        sc_free(in->raw);
    }
    memset(in, 0, sizeof *in);
}

/* The ISIZE field of the last gzip member: its uncompressed size mod 2^32. */
static uint64_t last_member_size(const sc_input *in)
{
    unsigned char tail[4];
    if (in->raw_total < 18)
        return 0;
    if (in->memory) {
        memcpy(tail, in->memory + in->memory_size - 4, 4);
    } else if (pread(fileno(in->file), tail, 4, (off_t)(in->raw_total - 4)) != 4) {
        return 0;
    }
    return (uint64_t)tail[0] | (uint64_t)tail[1] << 8 | (uint64_t)tail[2] << 16 |
           (uint64_t)tail[3] << 24;
}

uint64_t sc_input_size_hint(const sc_input *in)
{
    if (!in->gzip)
        return in->raw_total;
    /* the trailer of a damaged or cut file is any four bytes: keep the
     * guess within what CSV text compresses to (rarely beyond 10:1) */
    uint64_t isize = last_member_size(in), floor = in->raw_total * 3, ceiling = in->raw_total * 20;
    return isize < floor ? floor : isize > ceiling ? ceiling : isize;
}

int sc_read_whole_file(const char *path, char **data, size_t *len)
{
    return sc_read_whole_file_max(path, SIZE_MAX - 1, data, len);
}

int sc_read_whole_file_max(const char *path, size_t max, char **data, size_t *len)
{
    sc_input in;
    int rc = sc_input_open_file(&in, path);
    if (rc != SCORE_OK)
        return rc;
    size_t cap = 1 << 16, used = 0;
    char *buf = sc_malloc(cap);
    for (size_t got = 1; buf && rc == SCORE_OK && got > 0; used += got) {
        /* checked while reading (decompressed bytes): a gzip bomb stops
         * here, not after gigabytes */
        if (used > max) {
            rc = sc_error(SCORE_EFORMAT, "%s: more than %zu bytes (decompressed): refused", path,
                          max);
            break;
        }
        if (cap - used < 2 &&
            sc_grow((void **)&buf, &cap, cap + 1, 1) != SCORE_OK) {
            rc = sc_error(SCORE_ENOMEM, "%s: out of memory reading the file", path);
            break;
        }
        rc = sc_input_read(&in, (unsigned char *)buf + used, cap - used - 1, &got);
    }
    sc_input_close(&in);
    if (!buf)
        rc = sc_error(SCORE_ENOMEM, "%s: out of memory reading the file", path);
    if (rc != SCORE_OK) {
        sc_free(buf);
        return rc;
    }
    buf[used] = '\0';
    *data = buf;
    *len = used;
    return SCORE_OK;
}
