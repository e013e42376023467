/*
 * evidence: an append-only, hash-chained log of decisions (docs/evidence.md)
 * kept as a Merkle tree in the manner of RFC 9162, with Ed25519-signed tree
 * heads, inclusion and consistency proofs, and a registry of financed
 * documents. Stands on core; the hashing and signing are libsodium's.
 *
 * A log directory holds:
 *   log      the records (the only file that is evidence; the rest derive)
 *   offsets  u64 offset of each record in `log`
 *   tree.K   the hashes of the complete subtrees of 2^K leaves, in order
 *   heads    the signed tree heads, 144 bytes each
 *   salt     32 random bytes for the document registry
 */
#ifndef SCORE_EVIDENCE_H
#define SCORE_EVIDENCE_H

#include <pthread.h>
#include <stdint.h>

#include "../core/core.h"

#define SC_EVID_HASH 32
#define SC_EVID_FILE_HEADER 16
#define SC_EVID_FRAME 16            /* crc32, length, record number */
#define SC_EVID_FIXED 144           /* the payload before actor and body */
#define SC_EVID_PAYLOAD_MAX (1u << 20)
#define SC_EVID_ACTOR_MAX 255
#define SC_EVID_LEVELS 64
#define SC_EVID_HEAD_BYTES 144

/* One record's payload, decoded; pointers into the payload. */
typedef struct sc_evid_record {
    uint64_t number;
    const uint8_t *prev;            /* the leaf hash of the record before (zeros for 0) */
    int kind;                       /* SCORE_EVIDENCE_* */
    int64_t time_us;
    const char *actor;
    size_t actor_len;
    const uint8_t *model, *config, *input;
    const uint8_t *body;
    size_t body_len;
} sc_evid_record;

/* ---- records (record.c) ------------------------------------------------ */

/* The log file's 16 bytes of header. */
void sc_evid_file_header(uint8_t out[SC_EVID_FILE_HEADER]);
/* SCORE_OK, or an error naming `name`. */
int sc_evid_check_file_header(const uint8_t *data, size_t size, const char *name);
/* Append one framed record (number r->number) to `out`; its leaf hash into
 * leaf. SCORE_EINVAL for an actor or body out of range, SCORE_ENOMEM. */
int sc_evid_encode(sc_str *out, const sc_evid_record *r, uint8_t leaf[SC_EVID_HASH]);
/* Decode a payload; SCORE_ECORRUPT with what is malformed. */
int sc_evid_decode(const uint8_t *payload, size_t len, uint64_t number, sc_evid_record *r);
/* RFC 9162 leaf hash of record `number` with this payload:
 * SHA-256(0x00 || u64le number || payload). */
void sc_evid_leaf_hash(uint64_t number, const uint8_t *payload, size_t len,
                       uint8_t out[SC_EVID_HASH]);
/* SHA-256(0x01 || left || right). */
void sc_evid_node_hash(const uint8_t *left, const uint8_t *right, uint8_t out[SC_EVID_HASH]);

/* Framing of the record at pos: 1 and its length and number when whole and
 * intact; 0 and why when not, with *cut set when the record is merely cut
 * short by the end of the data (the only shape a torn write takes). */
int sc_evid_frame_at(const uint8_t *data, size_t size, size_t pos, uint32_t *len,
                     uint64_t *number, int *cut, const char **why);

/* Called for each intact, chained record by sc_evid_scan. */
typedef int (*sc_evid_visit_fn)(void *user, const sc_evid_record *r, const uint8_t *leaf,
                                size_t offset);

typedef struct sc_evid_scan_result {
    uint64_t records;               /* whole, intact, chained records */
    size_t good_end;                /* the offset after the last of them */
    size_t torn_bytes;              /* bytes of a record cut short at the end */
    uint64_t bad_record;            /* the first bad record's number, or UINT64_MAX */
} sc_evid_scan_result;

/* Walk a whole log held in memory: framing, checksums, numbering, the
 * chain, the payloads. A record cut short at the very end is a torn tail
 * (reported, not an error); any other damage is SCORE_ECORRUPT naming the
 * record. */
int sc_evid_scan(const uint8_t *data, size_t size, const char *name, sc_evid_visit_fn visit,
                 void *user, sc_evid_scan_result *out);

/* ---- the Merkle tree (merkle.c) ----------------------------------------- */

/* Where the tree's complete subtrees live: level files opened on demand. */
typedef struct sc_evid_tree {
    char *dir;
    int fd[SC_EVID_LEVELS];
    /* Read through maps: a pread costs ~10 us on a busy virtual machine,
     * against ~0.1 us for a mapped page (bench/README.md, evidence). */
    uint8_t *map[SC_EVID_LEVELS];
    size_t mapped[SC_EVID_LEVELS];
    uint64_t size;                  /* leaves */
    int writable;
    /* MTH(D[(n >> j) << j : n]) for each j, the right edge of the tree of
     * edge_n leaves: what makes PATH and PROOF O(log n) reads, not
     * O(log^2 n). edge_n 0: not computed. */
    uint64_t edge_n;
    uint8_t edge[SC_EVID_LEVELS + 1][SC_EVID_HASH];
} sc_evid_tree;

int sc_evid_tree_open(sc_evid_tree *t, const char *dir, uint64_t size, int writable);
void sc_evid_tree_close(sc_evid_tree *t);
/* The stored node of level k, index i. */
int sc_evid_tree_node(sc_evid_tree *t, int k, uint64_t i, uint8_t out[SC_EVID_HASH]);
/* MTH(D[lo:lo+n]) from the stored complete subtrees, O(log n) reads. */
int sc_evid_tree_mth(sc_evid_tree *t, uint64_t lo, uint64_t n, uint8_t out[SC_EVID_HASH]);
/* Append n leaves (after t->size leaves) and the complete subtrees they
 * finish, one write per level. */
int sc_evid_tree_append(sc_evid_tree *t, const uint8_t *leaves, uint64_t n);
/* The number of complete nodes each level file holds, for a check. */
uint64_t sc_evid_tree_stored(sc_evid_tree *t, int k);

int sc_evid_inclusion_path(sc_evid_tree *t, uint64_t index, uint64_t size, uint8_t *path,
                           size_t capacity, size_t *n);
int sc_evid_consistency_path(sc_evid_tree *t, uint64_t old_size, uint64_t size, uint8_t *path,
                             size_t capacity, size_t *n);

/* ---- the log (log.c) ------------------------------------------------------ */

typedef struct sc_evid_registry sc_evid_registry;

struct score_evidence_log {
    char *dir;
    char *log_path;
    int fd;                         /* log */
    int fd_offsets;
    sc_evid_tree tree;
    uint64_t n;                     /* records */
    uint64_t end;                   /* bytes of log */
    uint8_t last_leaf[SC_EVID_HASH];
    int read_only;
    pthread_mutex_t lock;
    sc_str batch;                   /* records of the batch being appended */
    uint8_t *leaves;                /* their leaf hashes */
    size_t leaves_cap;
    uint64_t *offsets;
    size_t offsets_cap;
    int has_key;
    uint8_t secret[64];
    uint8_t public_key[32];
    sc_evid_registry *registry;     /* built on first use */
};

/* Append records under the lock; one fsync. */
int sc_evid_append_locked(score_evidence_log *log, const sc_evid_record *records, size_t n,
                          uint64_t *first);
/* Read record `number`'s payload into *buf (sc_malloc'ed by the callee). */
int sc_evid_read_payload(score_evidence_log *log, uint64_t number, uint8_t **buf, size_t *len);
char *sc_evid_path(const char *dir, const char *file);
int sc_evid_read_file(const char *path, uint8_t **data, size_t *size);
void sc_evid_hex(const uint8_t *bytes, size_t n, char *out);
int sc_evid_unhex(const char *text, uint8_t *out, size_t n);
int64_t sc_evid_now_us(void);
void sc_evid_format_time(int64_t time_us, char out[32]);
void sc_evid_init_sodium(void);

/* proof.c: the 144 bytes of a head in the heads file. */
void sc_evid_head_encode(const score_evidence_head *h, uint8_t out[SC_EVID_HEAD_BYTES]);
void sc_evid_head_decode(const uint8_t in[SC_EVID_HEAD_BYTES], score_evidence_head *h);

/* body.c: score and explain bodies. */
typedef struct sc_evid_score_body {
    double pd;
    int score, grade;
    size_t n_reasons, n_features;
    const uint8_t *reasons;     /* i16 each */
    const uint8_t *features;    /* f32 bits each */
    const uint8_t *contributions; /* explain: f64 each, n_features + 1; else NULL */
} sc_evid_score_body;
int sc_evid_score_body_decode(const sc_evid_record *r, sc_evid_score_body *b);

/* A record as a JSON object (jansson's; the caller decrefs). */
struct json_t;
struct json_t *sc_evid_record_json(const sc_evid_record *r, const uint8_t *leaf);

/* attach.c: what a model or an enhancement configuration with a log
 * attached appends. One allocation (freed with sc_free by its owner). */
struct sc_evid_link {
    score_evidence_log *log;
    uint8_t model[SC_EVID_HASH];    /* the bundle's SHA-256, or zeros */
    uint8_t config[SC_EVID_HASH];   /* the configuration's SHA-256, or zeros */
    char actor[SC_EVID_ACTOR_MAX + 1];
};
typedef struct sc_evid_link sc_evid_link;
int sc_evid_link_new(score_evidence_log *log, const char *actor, sc_evid_link **out);
int sc_evid_append_loaded(const sc_evid_link *l, int kind, const char *what);
size_t sc_evid_score_body_size(size_t n_features, size_t n_reasons);
void sc_evid_score_body_encode(uint8_t *p, const float *row, size_t n_features, double pd,
                               int score, int grade, const int *reasons, size_t n_reasons);
/* One record per row, one sync. */
int sc_evid_append_scores(const sc_evid_link *l, const float *rows, size_t n_rows,
                          size_t n_features, const double *pd, const int *score,
                          const int *grade, const int *reasons, size_t n_reasons);
/* figures: limit, capital, expected loss, limit without, (unused);
 * rates: rate, rate without. */
int sc_evid_append_enhance(const sc_evid_link *l, const char *request, size_t len,
                           const int64_t figures[5], const double rates[2]);

/* registry.c */
void sc_evid_registry_free(sc_evid_registry *r);

#endif
