/* gzip input: detected by magic bytes; members, truncation, corruption and
 * trailing garbage are never silent. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "helpers.h"

#define H "uscc,source,field,period,value\n"
#define U1 "914403001922038216"

static char *sample(size_t lines, size_t *len)
{
    char *text = malloc(64 + lines * 64);
    size_t n = (size_t)sprintf(text, H);
    for (size_t i = 0; i < lines; i++)
        n += (size_t)sprintf(text + n, U1 ",power,kwh,%04zu-%02zu,%zu\n", 2000 + i / 12, i % 12 + 1, i * 7);
    *len = n;
    return text;
}

Test(gzip, compressed_and_plain_give_the_same_panel)
{
    size_t len, zlen;
    char *text = sample(500, &len);
    unsigned char *z = gzip_bytes(text, len, &zlen);
    score_read_counts a, b;
    cr_assert_eq(read_bytes(text, len, 0, &a, NULL, NULL), SCORE_OK);
    cr_assert_eq(read_bytes(z, zlen, 0, &b, NULL, NULL), SCORE_OK);
    cr_assert_eq(a.accepted, 500);
    cr_assert_eq(b.accepted, 500);
    free(text);
    free(z);
}

Test(gzip, concatenated_members_are_one_file)
{
    size_t len1, len2, z1, z2;
    char *first = sample(100, &len1);
    const char *second = U1 ",tax,paid,2024-01,5\n" H U1 ",tax,paid,2024-02,6\n";
    len2 = strlen(second);
    unsigned char *g1 = gzip_bytes(first, len1, &z1);
    unsigned char *g2 = gzip_bytes(second, len2, &z2);
    unsigned char *empty_member;
    size_t z3;
    empty_member = gzip_bytes("", 0, &z3);
    unsigned char *both = malloc(z1 + z2 + z3);
    memcpy(both, g1, z1);
    memcpy(both + z1, empty_member, z3);
    memcpy(both + z1 + z3, g2, z2);
    score_read_counts c;
    cr_assert_eq(read_bytes(both, z1 + z2 + z3, 0, &c, NULL, NULL), SCORE_OK, "%s", score_last_error());
    cr_assert_eq(c.accepted, 102);
    free(first);
    free(g1);
    free(g2);
    free(empty_member);
    free(both);
}

Test(gzip, a_truncated_stream_fails_at_every_cut)
{
    size_t len, zlen;
    char *text = sample(300, &len);
    unsigned char *z = gzip_bytes(text, len, &zlen);
    for (size_t cut = 2; cut < zlen; cut += (cut < 40 || zlen - cut < 40) ? 1 : 37) {
        score_panel *p;
        int rc = read_bytes(z, cut, 0, NULL, NULL, &p);
        cr_assert_eq(rc, SCORE_EFORMAT, "cut at %zu of %zu gave %d", cut, zlen, rc);
        cr_assert(strstr(score_last_error(), "t.csv"), "%s", score_last_error());
        cr_assert_eq(score_panel_n_observations(p), 0, "nothing of a failed file is kept");
        score_panel_free(p);
    }
    free(text);
    free(z);
}

Test(gzip, a_corrupt_stream_fails)
{
    size_t len, zlen;
    char *text = sample(300, &len);
    unsigned char *z = gzip_bytes(text, len, &zlen);
    int detected = 0, tried = 0;
    for (size_t at = 10; at < zlen; at += 13) {
        unsigned char saved = z[at];
        z[at] ^= 0x55;
        int rc = read_bytes(z, zlen, 0, NULL, NULL, NULL);
        tried++;
        detected += rc == SCORE_EFORMAT;
        cr_assert(rc == SCORE_EFORMAT || rc == SCORE_OK, "rc %d", rc);
        z[at] = saved;
    }
    /* the CRC-32 and length in the trailer catch what the deflate format does not */
    cr_assert_eq(detected, tried, "%d of %d corruptions detected", detected, tried);
    z[zlen - 6] ^= 1; /* the CRC */
    cr_assert_eq(read_bytes(z, zlen, 0, NULL, NULL, NULL), SCORE_EFORMAT);
    cr_assert(strstr(score_last_error(), "corrupt"), "%s", score_last_error());
    free(text);
    free(z);
}

static int errors_in(const diag_log *log)
{
    int n = 0;
    for (int i = 0; i < log->n; i++)
        n += log->severity[i] == SCORE_DIAG_ERROR;
    return n;
}

/* A bit flipped in the middle inflates to garbage lines long before the
 * checksum at the end fails: the cause is reported, not the garbage. */
Test(gzip, a_flipped_bit_is_reported_by_its_cause_not_by_garbage_lines)
{
    /* the bundled sample: varied enough that garbage breaks its lines */
    size_t zlen;
    unsigned char *z = NULL;
    {
        FILE *f = fopen(TEST_SOURCE_DIR "/examples/data/sample-signals.csv.gz", "rb");
        cr_assert_not_null(f);
        z = malloc(1 << 22);
        zlen = fread(z, 1, 1 << 22, f);
        fclose(f);
    }
    size_t len;
    char *text = sample(100, &len);
    char path[] = "/tmp/score-flip-XXXXXX";
    int fd = mkstemp(path);
    cr_assert_geq(fd, 0);
    close(fd);
    int checked = 0;
    for (size_t at = zlen / 5; at < zlen - 8; at += zlen / 61) {
        z[at] ^= 0x10;
        for (int strict = 0; strict < 2; strict++) {
            diag_log log = {0};
            int rc = read_bytes(z, zlen, strict, NULL, &log, NULL);
            if (rc == SCORE_OK)
                continue; /* the flip happened to inflate to the same text */
            cr_assert_eq(rc, SCORE_EFORMAT, "flip at %zu: %d %s", at, rc, score_last_error());
            cr_assert(strstr(score_last_error(), "gzip"), "%s", score_last_error());
            cr_assert_eq(errors_in(&log), 0, "flip at %zu: %d garbage lines reported first: %s",
                         at, errors_in(&log), log.text[0]);
            checked++;
        }
        /* the same from a file, read twice by the check */
        FILE *f = fopen(path, "wb");
        fwrite(z, 1, zlen, f);
        fclose(f);
        score_panel *panel;
        cr_assert_eq(score_panel_new(&panel), SCORE_OK);
        diag_log log = {0};
        score_read_options o;
        score_read_options_init(&o);
        o.diagnostic = collect_diagnostic;
        o.diagnostic_user = &log;
        int rc = score_panel_read_file(panel, path, &o, NULL);
        if (rc != SCORE_OK) {
            cr_assert_eq(rc, SCORE_EFORMAT, "%s", score_last_error());
            cr_assert_eq(errors_in(&log), 0, "%s", log.text[0]);
            cr_assert_eq(score_panel_n_observations(panel), 0, "nothing of a damaged file is kept");
        }
        score_panel_free(panel);
        z[at] ^= 0x10;
    }
    cr_assert_gt(checked, 4);
    /* an intact file with bad lines still reports every one of them */
    static const char wrong[] = U1 ",power,kwh,2024-13,5\n";
    char *bad = malloc(len + sizeof wrong);
    memcpy(bad, text, len);
    memcpy(bad + len, wrong, sizeof wrong);
    size_t blen = len + strlen(wrong);
    size_t bzlen;
    unsigned char *bz = gzip_bytes(bad, blen, &bzlen);
    diag_log log = {0};
    cr_assert_eq(read_bytes(bz, bzlen, 0, NULL, &log, NULL), SCORE_OK, "%s", score_last_error());
    cr_assert_eq(errors_in(&log), 1, "%d: %s", log.n, log.text[0]);
    unlink(path);
    free(bad);
    free(bz);
    free(text);
    free(z);
}

Test(gzip, bytes_after_the_last_member_fail)
{
    size_t len, zlen;
    char *text = sample(50, &len);
    unsigned char *z = gzip_bytes(text, len, &zlen);
    const char *tails[] = {"x", "\x1f", "\0\0\0\0", "garbage after the stream\n", "\x1f\x8c"};
    size_t tail_len[] = {1, 1, 4, 25, 2};
    for (size_t i = 0; i < 5; i++) {
        unsigned char *buf = malloc(zlen + tail_len[i]);
        memcpy(buf, z, zlen);
        memcpy(buf + zlen, tails[i], tail_len[i]);
        cr_assert_eq(read_bytes(buf, zlen + tail_len[i], 0, NULL, NULL, NULL), SCORE_EFORMAT, "tail %zu", i);
        cr_assert(strstr(score_last_error(), "not another gzip member"), "%s", score_last_error());
        free(buf);
    }
    /* the start of another member that is cut short is truncation */
    unsigned char *buf = malloc(zlen + 10);
    memcpy(buf, z, zlen);
    memcpy(buf + zlen, z, 10);
    cr_assert_eq(read_bytes(buf, zlen + 10, 0, NULL, NULL, NULL), SCORE_EFORMAT);
    free(buf);
    free(text);
    free(z);
}

Test(gzip, detection_is_by_magic_bytes_not_by_name)
{
    size_t len, zlen;
    char *text = sample(20, &len);
    unsigned char *z = gzip_bytes(text, len, &zlen);
    char dir[] = "/tmp/score-gz-XXXXXX";
    cr_assert_not_null(mkdtemp(dir));
    char plain_gz[256], zipped_csv[256];
    snprintf(plain_gz, sizeof plain_gz, "%s/plain.csv.gz", dir);
    snprintf(zipped_csv, sizeof zipped_csv, "%s/zipped.csv", dir);
    FILE *f = fopen(plain_gz, "wb");
    fwrite(text, 1, len, f);
    fclose(f);
    f = fopen(zipped_csv, "wb");
    fwrite(z, 1, zlen, f);
    fclose(f);
    score_panel *p;
    score_panel_new(&p);
    score_read_counts c = {.size = sizeof c};
    cr_assert_eq(score_panel_read_file(p, plain_gz, NULL, &c), SCORE_OK);
    cr_assert_eq(score_panel_read_file(p, zipped_csv, NULL, &c), SCORE_OK);
    cr_assert_eq(c.accepted, 40);
    cr_assert_eq(c.replaced, 20);
    /* a truncated file on disk */
    f = fopen(zipped_csv, "wb");
    fwrite(z, 1, zlen / 2, f);
    fclose(f);
    cr_assert_eq(score_panel_read_file(p, zipped_csv, NULL, &c), SCORE_EFORMAT);
    cr_assert(strstr(score_last_error(), zipped_csv), "%s", score_last_error());
    cr_assert(strstr(score_last_error(), "truncated"), "%s", score_last_error());
    score_panel_free(p);
    unlink(plain_gz);
    unlink(zipped_csv);
    rmdir(dir);
    free(text);
    free(z);
}
