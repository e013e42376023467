/* The evidence log's speed: records appended a second (batches of 1000
 * score-sized records, and single records, one fsync per call), verify of
 * the whole log, and inclusion proofs (prove + check) on it.
 *
 *   bench_evidence DIR [RECORDS]     (default 1,000,000; DIR must not exist)
 *   bench_evidence DIR 0             (proofs and verify of the log in DIR)
 *
 * DIR is left behind for `score evidence verify` and proofs by hand. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "score.h"

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

#define BATCH 1000
#define BODY 184   /* a score record of the default model: 41 features, 3 reasons */

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: bench_evidence DIR [RECORDS]\n");
        return 1;
    }
    const char *dir = argv[1];
    unsigned long long total = argc > 2 ? strtoull(argv[2], NULL, 10) : 1000000ull;
    score_evidence_open_options o;
    score_evidence_open_options_init(&o);
    o.create = 1;
    score_evidence_log *log;
    if (score_evidence_open(dir, &o, &log) != SCORE_OK) {
        fprintf(stderr, "%s\n", score_last_error());
        return 1;
    }
    static score_evidence_entry e[BATCH];
    static unsigned char bodies[BATCH][BODY];
    for (int i = 0; i < BATCH; i++) {
        score_evidence_entry_init(&e[i]);
        e[i].kind = SCORE_EVIDENCE_SCORE;
        e[i].actor = "bench";
        e[i].body = bodies[i];
        e[i].body_length = BODY;
    }
    /* single records: one fsync each */
    double t = now();
    int singles = total ? 200 : 0;
    for (int i = 0; i < singles; i++)
        if (score_evidence_append(log, e, 1, NULL) != SCORE_OK)
            return fprintf(stderr, "%s\n", score_last_error()), 1;
    double single = now() - t;
    t = now();
    unsigned long long done = singles;
    unsigned long long x = 1;
    while (done < total) {
        size_t n = total - done < BATCH ? (size_t)(total - done) : BATCH;
        for (size_t i = 0; i < n; i++) {
            x = x * 6364136223846793005ull + 1442695040888963407ull;
            memcpy(bodies[i], &x, sizeof x);
            score_evidence_sha256(bodies[i], BODY, e[i].input_sha256);
        }
        if (score_evidence_append(log, e, n, NULL) != SCORE_OK)
            return fprintf(stderr, "%s\n", score_last_error()), 1;
        done += n;
    }
    double batched = now() - t;
    if (total) {
        printf("append, one record a call (one fsync each): %.0f records/s\n", singles / single);
        printf("append, batches of %d (one fsync a batch): %.0f records/s (%llu records, "
               "%.1f s)\n", BATCH, (double)(done - singles) / batched, done - singles, batched);
    }
    uint64_t size = score_evidence_size(log);
    uint8_t root[32], leaf[32], path[64 * 32];
    score_evidence_root(log, size, root);
    int proofs = 100000;
    size_t hashes = 0;
    t = now();
    for (int i = 0; i < proofs; i++) {
        x = x * 6364136223846793005ull + 1442695040888963407ull;
        uint64_t index = (x >> 11) % size;
        size_t n;
        if (score_evidence_prove_inclusion(log, index, size, path, 64, &n) != SCORE_OK ||
            score_evidence_leaf_hash(log, index, leaf) != SCORE_OK ||
            score_evidence_check_inclusion(leaf, index, size, path, n, root) != SCORE_OK)
            return fprintf(stderr, "proof %llu: %s\n", (unsigned long long)index,
                           score_last_error()), 1;
        hashes += n;
    }
    double proving = now() - t;
    printf("inclusion proof (prove + check) in a log of %llu records: %.1f us each, %.1f "
           "hashes\n", (unsigned long long)size, proving / proofs * 1e6,
           (double)hashes / proofs);
    score_evidence_close(log);
    score_evidence_verify_options v;
    score_evidence_verify_options_init(&v);
    score_evidence_verify_result r = {.size = sizeof r};
    t = now();
    if (score_evidence_verify(dir, &v, &r) != SCORE_OK)
        return fprintf(stderr, "verify: %s\n", score_last_error()), 1;
    double verify = now() - t;
    printf("verify of %llu records: %.1f s (%.0f records/s)\n", (unsigned long long)r.records,
           verify, (double)r.records / verify);
    return 0;
}
