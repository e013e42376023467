/* score evidence: keys, signed heads, verification, proofs, replay and the
 * registry of financed documents (docs/evidence.md). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <jansson.h>

#include "cli.h"

static const char help[] =
    "usage: score evidence keygen --out DIR\n"
    "       score evidence head --log DIR --key FILE [--out FILE]\n"
    "       score evidence verify --log DIR [--pubkey FILE] [--head FILE]\n"
    "       score evidence show --log DIR --record N\n"
    "       score evidence prove --log DIR --record N [--head FILE | --size N]\n"
    "       score evidence prove --log DIR --old-size M [--head FILE | --size N]\n"
    "       score evidence check-proof --proof FILE --head FILE --pubkey FILE\n"
    "                                  [--old-head FILE]\n"
    "       score evidence replay --log DIR --model MODEL\n"
    "       score evidence register --log DIR --kind order|invoice|receivable|patent\n"
    "                               --doc-hash HEX --amount YUAN --lender NAME --uscc CODE\n"
    "                               [--face-amount YUAN]\n"
    "\n"
    "The signed, tamper-evident log of decisions. keygen writes DIR/evidence.key\n"
    "(private, mode 0600) and DIR/evidence.pub. head signs the log's tree head and\n"
    "prints it (JSON); publish it. verify checks every record, the chain, the tree\n"
    "and the heads (signatures with --pubkey; --head: a head published earlier)\n"
    "and names the first bad record. prove prints an inclusion proof of a record\n"
    "(with the record), or a consistency proof from M records, against the tree of\n"
    "--head's size (default: the whole log); check-proof checks one with only the\n"
    "head and the public key. replay recomputes every score record with MODEL and\n"
    "names those that differ and why. register records a financed document's\n"
    "salted hash; a second registration by another lender, or one above the\n"
    "document's face amount, is refused with the first registration's number.\n"
    "Other commands take --evidence DIR [--actor NAME] to log what they decide.\n"
    "\n"
    "Exit status: 0 done (verify: intact; replay: all equal); 1 usage; 2 the log\n"
    "or a proof fails its check, or cannot be read; 3 register refused, replay\n"
    "found records that differ.\n";

typedef struct opts {
    const char *log, *out, *key, *pubkey, *head, *proof, *old_head, *model, *kind, *doc_hash,
        *amount, *lender, *uscc, *face;
    unsigned long long record, size, old_size;
    int has_record, has_size, has_old_size;
} opts;

static int parse(const char *name, const char *allowed, int argc, char **argv, opts *o)
{
    memset(o, 0, sizeof *o);
    cli_args a;
    cli_args_init(&a, name, argc, argv);
    const char *opt;
    while ((opt = cli_next(&a))) {
        char key[40];
        snprintf(key, sizeof key, "%s ", opt);
        if (strncmp(opt, "--", 2) || !strstr(allowed, key))
            return cli_usage_error(name, "unknown option '%s'", opt);
        const char *v = cli_value(&a, opt);
        if (!v)
            return EXIT_USAGE;
        const char **text = !strcmp(opt, "--log") ? &o->log : !strcmp(opt, "--out") ? &o->out
            : !strcmp(opt, "--key") ? &o->key : !strcmp(opt, "--pubkey") ? &o->pubkey
            : !strcmp(opt, "--head") ? &o->head : !strcmp(opt, "--proof") ? &o->proof
            : !strcmp(opt, "--old-head") ? &o->old_head : !strcmp(opt, "--model") ? &o->model
            : !strcmp(opt, "--kind") ? &o->kind : !strcmp(opt, "--doc-hash") ? &o->doc_hash
            : !strcmp(opt, "--amount") ? &o->amount : !strcmp(opt, "--lender") ? &o->lender
            : !strcmp(opt, "--uscc") ? &o->uscc : !strcmp(opt, "--face-amount") ? &o->face : NULL;
        if (text) {
            *text = v;
            continue;
        }
        unsigned long long *n = !strcmp(opt, "--record") ? &o->record
                              : !strcmp(opt, "--size") ? &o->size : &o->old_size;
        int *has = !strcmp(opt, "--record") ? &o->has_record
                 : !strcmp(opt, "--size") ? &o->has_size : &o->has_old_size;
        if (cli_parse_uint64(v, n) != 0)
            return cli_usage_error(name, "%s takes a count, got '%s'", opt, v);
        *has = 1;
    }
    return EXIT_DONE;
}

static void print_hex(FILE *f, const uint8_t *b, size_t n)
{
    for (size_t i = 0; i < n; i++)
        fprintf(f, "%02x", b[i]);
}

static int unhex(const char *text, uint8_t *out, size_t n)
{
    if (!text || strlen(text) != 2 * n)
        return -1;
    for (size_t i = 0; i < n; i++) {
        unsigned v;
        char two[3] = {text[2 * i], text[2 * i + 1], 0};
        char *end;
        v = (unsigned)strtoul(two, &end, 16);
        if (*end || !((two[0] >= '0' && two[0] <= '9') || (two[0] | 32) >= 'a'))
            return -1;
        out[i] = (uint8_t)v;
    }
    return 0;
}

static char *read_text(const char *name, const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        fprintf(stderr, "score %s: %s: %s\n", name, path, strerror(errno));
        return NULL;
    }
    char *buf = NULL;
    size_t cap = 0, n = 0;
    for (;;) {
        if (n + 4096 > cap) {
            char *b = realloc(buf, cap = cap * 2 + 8192);
            if (!b) {
                free(buf);
                fclose(f);
                return NULL;
            }
            buf = b;
        }
        size_t got = fread(buf + n, 1, cap - n - 1, f);
        n += got;
        if (got == 0)
            break;
    }
    fclose(f);
    buf[n] = 0;
    *len = n;
    return buf;
}

static int read_head(const char *name, const char *path, score_evidence_head *h)
{
    size_t len;
    char *text = read_text(name, path, &len);
    if (!text)
        return EXIT_UNUSABLE;
    h->size = sizeof *h;
    int rc = score_evidence_head_parse(text, len, h);
    free(text);
    if (rc != SCORE_OK)
        return cli_fail(name, path, rc);
    return EXIT_DONE;
}

static int open_log(const char *name, const char *dir, int read_only, const char *key,
                    score_evidence_log **log)
{
    score_evidence_open_options o;
    score_evidence_open_options_init(&o);
    o.read_only = read_only;
    o.private_key = key;
    o.diagnostic = cli_print_diagnostic;
    int rc = score_evidence_open(dir, &o, log);
    return rc == SCORE_OK ? EXIT_DONE : cli_fail(name, dir, rc);
}

int cli_evidence_open(const char *command, const char *dir, score_evidence_log **log)
{
    score_evidence_open_options o;
    score_evidence_open_options_init(&o);
    o.create = 1;
    o.diagnostic = cli_print_diagnostic;
    int rc = score_evidence_open(dir, &o, log);
    return rc == SCORE_OK ? EXIT_DONE : cli_fail(command, dir, rc);
}

const char *cli_evidence_actor(const char *given)
{
    const char *env = getenv("LOGNAME");
    return given ? given : env && *env ? env : "score";
}

/* ---- the subcommands ------------------------------------------------------------ */

static int run_keygen(const opts *o)
{
    if (!o->out)
        return cli_usage_error("evidence keygen", "--out DIR is required");
    if (mkdir(o->out, 0700) != 0 && errno != EEXIST) {
        fprintf(stderr, "score evidence keygen: %s: %s\n", o->out, strerror(errno));
        return EXIT_UNUSABLE;
    }
    int rc = score_evidence_keygen(o->out);
    if (rc != SCORE_OK)
        return cli_fail("evidence keygen", o->out, rc);
    printf("wrote %s/evidence.key (private, mode 0600) and %s/evidence.pub\n", o->out, o->out);
    return EXIT_DONE;
}

static int print_head(FILE *f, const score_evidence_head *h)
{
    char text[700];
    size_t len;
    if (score_evidence_head_json(h, text, sizeof text, &len) != SCORE_OK)
        return -1;
    fprintf(f, "%s\n", text);
    return 0;
}

static int run_head(const opts *o)
{
    static const char name[] = "evidence head";
    if (!o->log || !o->key)
        return cli_usage_error(name, "--log DIR and --key FILE are required");
    score_evidence_log *log;
    int status = open_log(name, o->log, 0, o->key, &log);
    if (status != EXIT_DONE)
        return status;
    score_evidence_head h;
    h.size = sizeof h;
    int rc = score_evidence_sign_head(log, &h);
    score_evidence_close(log);
    if (rc != SCORE_OK)
        return cli_fail(name, o->log, rc);
    if (o->out) {
        cli_output out;
        if (cli_output_open(&out, o->out) != 0)
            return EXIT_UNUSABLE;
        print_head(out.file, &h);
        return cli_output_commit(&out) == 0 ? EXIT_DONE : EXIT_UNUSABLE;
    }
    print_head(stdout, &h);
    return EXIT_DONE;
}

static int run_verify(const opts *o)
{
    static const char name[] = "evidence verify";
    if (!o->log)
        return cli_usage_error(name, "--log DIR is required");
    uint8_t key[32];
    score_evidence_head head;
    score_evidence_verify_options v;
    score_evidence_verify_options_init(&v);
    v.diagnostic = cli_print_diagnostic;
    if (o->pubkey) {
        int rc = score_evidence_public_key_read(o->pubkey, key);
        if (rc != SCORE_OK)
            return cli_fail(name, o->pubkey, rc);
        v.public_key = key;
    }
    if (o->head) {
        int status = read_head(name, o->head, &head);
        if (status != EXIT_DONE)
            return status;
        v.head = &head;
    }
    score_evidence_verify_result r;
    r.size = sizeof r;
    int rc = score_evidence_verify(o->log, &v, &r);
    if (rc != SCORE_OK) {
        fprintf(stderr, "score %s: %s\n", name, score_last_error());
        if (r.bad_record != UINT64_MAX)
            fprintf(stderr, "score %s: first bad record: %llu\n", name,
                    (unsigned long long)r.bad_record);
        return EXIT_UNUSABLE;
    }
    printf("intact: %llu records, %llu heads%s%s\n", (unsigned long long)r.records,
           (unsigned long long)r.heads, o->pubkey ? ", signatures checked" : " (signatures not "
           "checked: give --pubkey)", o->head ? ", the published head holds" : "");
    return EXIT_DONE;
}

static int run_show(const opts *o)
{
    static const char name[] = "evidence show";
    if (!o->log || !o->has_record)
        return cli_usage_error(name, "--log DIR and --record N are required");
    score_evidence_log *log;
    int status = open_log(name, o->log, 1, NULL, &log);
    if (status != EXIT_DONE)
        return status;
    size_t len;
    int rc = score_evidence_record_json(log, o->record, NULL, 0, &len);
    char *text = rc == SCORE_OK ? malloc(len + 1) : NULL;
    if (rc == SCORE_OK && text)
        rc = score_evidence_record_json(log, o->record, text, len + 1, &len);
    score_evidence_close(log);
    if (rc != SCORE_OK || !text) {
        free(text);
        return cli_fail(name, o->log, rc ? rc : SCORE_ENOMEM);
    }
    printf("%s\n", text);
    free(text);
    return EXIT_DONE;
}

static int run_prove(const opts *o)
{
    static const char name[] = "evidence prove";
    if (!o->log || o->has_record == o->has_old_size)
        return cli_usage_error(name, "--log DIR and one of --record N, --old-size M are required");
    score_evidence_head head;
    uint64_t size = 0;
    int have_size = 0;
    if (o->head) {
        int status = read_head(name, o->head, &head);
        if (status != EXIT_DONE)
            return status;
        size = head.tree_size;
        have_size = 1;
    } else if (o->has_size) {
        size = o->size;
        have_size = 1;
    }
    score_evidence_log *log;
    int status = open_log(name, o->log, 1, NULL, &log);
    if (status != EXIT_DONE)
        return status;
    if (!have_size)
        size = score_evidence_size(log);
    uint8_t path[64 * 32], root[32], leaf[32];
    size_t n = 0;
    int rc = o->has_record
             ? score_evidence_prove_inclusion(log, o->record, size, path, 64, &n)
             : score_evidence_prove_consistency(log, o->old_size, size, path, 64, &n);
    if (rc == SCORE_OK)
        rc = score_evidence_root(log, size, root);
    if (rc == SCORE_OK && o->has_record)
        rc = score_evidence_leaf_hash(log, o->record, leaf);
    char *record = NULL;
    size_t len;
    if (rc == SCORE_OK && o->has_record &&
        (rc = score_evidence_record_json(log, o->record, NULL, 0, &len)) == SCORE_OK) {
        if (!(record = malloc(len + 1)))
            rc = SCORE_ENOMEM;
        else
            rc = score_evidence_record_json(log, o->record, record, len + 1, &len);
    }
    if (rc == SCORE_OK && o->head && memcmp(root, head.root, 32))
        rc = SCORE_ECORRUPT, fprintf(stderr, "score %s: the log's tree of %llu records is not "
                                     "the one the head signed: the log was rewritten\n", name,
                                     (unsigned long long)size);
    score_evidence_close(log);
    if (rc != SCORE_OK) {
        free(record);
        return rc == SCORE_ECORRUPT && o->head ? EXIT_UNUSABLE : cli_fail(name, o->log, rc);
    }
    printf("{\n  \"type\": \"%s\",\n", o->has_record ? "inclusion" : "consistency");
    if (o->has_record)
        printf("  \"leaf_index\": %llu,\n  \"leaf_hash\": \"", o->record), print_hex(stdout, leaf, 32),
            printf("\",\n");
    else
        printf("  \"old_size\": %llu,\n", o->old_size);
    printf("  \"tree_size\": %llu,\n  \"root\": \"", (unsigned long long)size);
    print_hex(stdout, root, 32);
    printf("\",\n  \"path\": [");
    for (size_t i = 0; i < n; i++) {
        printf("%s\"", i ? ", " : "");
        print_hex(stdout, path + 32 * i, 32);
        printf("\"");
    }
    printf("]");
    if (record) {
        /* indent the record one level */
        printf(",\n  \"record\": ");
        for (const char *c = record; *c; c++) {
            putchar(*c);
            if (*c == '\n')
                printf("  ");
        }
    }
    printf("\n}\n");
    free(record);
    return EXIT_DONE;
}

static int proof_hashes(json_t *arr, uint8_t *out, size_t *n)
{
    if (!json_is_array(arr) || json_array_size(arr) > 64)
        return -1;
    *n = json_array_size(arr);
    for (size_t i = 0; i < *n; i++)
        if (unhex(json_string_value(json_array_get(arr, i)), out + 32 * i, 32) != 0)
            return -1;
    return 0;
}

static int run_check_proof(const opts *o)
{
    static const char name[] = "evidence check-proof";
    if (!o->proof || !o->head || !o->pubkey)
        return cli_usage_error(name, "--proof FILE, --head FILE and --pubkey FILE are required");
    uint8_t key[32];
    int rc = score_evidence_public_key_read(o->pubkey, key);
    if (rc != SCORE_OK)
        return cli_fail(name, o->pubkey, rc);
    score_evidence_head head, old;
    int status = read_head(name, o->head, &head);
    if (status != EXIT_DONE)
        return status;
    if ((rc = score_evidence_head_check(&head, key)) != SCORE_OK)
        return cli_fail(name, o->head, rc);
    size_t len;
    char *text = read_text(name, o->proof, &len);
    if (!text)
        return EXIT_UNUSABLE;
    json_error_t err;
    json_t *p = json_loadb(text, len, 0, &err);
    free(text);
    if (!p) {
        fprintf(stderr, "score %s: %s:%d: %s\n", name, o->proof, err.line, err.text);
        return EXIT_UNUSABLE;
    }
    const char *type = json_string_value(json_object_get(p, "type"));
    json_t *size = json_object_get(p, "tree_size");
    uint8_t path[64 * 32];
    size_t n;
    if (!type || !json_is_integer(size) || proof_hashes(json_object_get(p, "path"), path, &n)) {
        json_decref(p);
        fprintf(stderr, "score %s: %s: not a proof printed by score evidence prove\n", name,
                o->proof);
        return EXIT_UNUSABLE;
    }
    if ((uint64_t)json_integer_value(size) != head.tree_size) {
        json_decref(p);
        fprintf(stderr, "score %s: the proof is for a tree of %lld records, the head signs %llu\n",
                name, json_integer_value(size), (unsigned long long)head.tree_size);
        return EXIT_UNUSABLE;
    }
    if (!strcmp(type, "inclusion")) {
        json_t *index = json_object_get(p, "leaf_index"), *rec = json_object_get(p, "record");
        const char *payload_hex = json_string_value(json_object_get(rec, "payload"));
        size_t plen = payload_hex ? strlen(payload_hex) / 2 : 0;
        uint8_t *buf = malloc(9 + plen + 1), leaf[32];
        if (!json_is_integer(index) || !payload_hex || !buf ||
            unhex(payload_hex, buf + 9, plen) != 0) {
            free(buf);
            json_decref(p);
            fprintf(stderr, "score %s: %s: the proof holds no record payload\n", name, o->proof);
            return EXIT_UNUSABLE;
        }
        /* The leaf hash recomputed from the record itself (RFC 9162: 0x00 || leaf). */
        uint64_t number = (uint64_t)json_integer_value(index);
        buf[0] = 0;
        for (int i = 0; i < 8; i++)
            buf[1 + i] = (uint8_t)(number >> (8 * i));
        score_evidence_sha256(buf, 9 + plen, leaf);
        free(buf);
        rc = score_evidence_check_inclusion(leaf, number, head.tree_size, path, n, head.root);
        char signed_at[700];
        size_t n_text;
        if (rc == SCORE_OK &&
            score_evidence_head_json(&head, signed_at, sizeof signed_at, &n_text) == SCORE_OK) {
            json_t *h = json_loads(signed_at, 0, NULL);
            printf("record %llu is in the log of %llu records whose head was signed at %s\n",
                   (unsigned long long)number, (unsigned long long)head.tree_size,
                   json_string_value(json_object_get(h, "time")));
            json_decref(h);
        }
    } else if (!strcmp(type, "consistency")) {
        if (!o->old_head) {
            json_decref(p);
            return cli_usage_error(name, "a consistency proof needs --old-head FILE");
        }
        if ((status = read_head(name, o->old_head, &old)) != EXIT_DONE) {
            json_decref(p);
            return status;
        }
        if ((rc = score_evidence_head_check(&old, key)) != SCORE_OK) {
            json_decref(p);
            return cli_fail(name, o->old_head, rc);
        }
        rc = score_evidence_check_consistency(old.tree_size, old.root, head.tree_size, head.root,
                                              path, n);
        if (rc == SCORE_OK)
            printf("the log of %llu records extends the log of %llu records\n",
                   (unsigned long long)head.tree_size, (unsigned long long)old.tree_size);
    } else {
        rc = SCORE_EFORMAT;
        fprintf(stderr, "score %s: unknown proof type '%s'\n", name, type);
    }
    json_decref(p);
    return rc == SCORE_OK ? EXIT_DONE : cli_fail(name, "the proof fails", rc);
}

static void print_difference(void *user, const score_diagnostic *d)
{
    (void)user;
    printf("%s\n", d->text);
}

static int run_replay(const opts *o)
{
    static const char name[] = "evidence replay";
    if (!o->log || !o->model)
        return cli_usage_error(name, "--log DIR and --model MODEL are required");
    score_model *model;
    int rc = score_model_load(o->model, &model);
    if (rc != SCORE_OK)
        return cli_fail(name, o->model, rc);
    score_evidence_log *log;
    int status = open_log(name, o->log, 1, NULL, &log);
    if (status != EXIT_DONE) {
        score_model_free(model);
        return status;
    }
    uint64_t checked = 0, differ = 0;
    rc = score_evidence_replay(log, model, o->model, print_difference, NULL, &checked, &differ);
    score_evidence_close(log);
    score_model_free(model);
    if (rc != SCORE_OK)
        return cli_fail(name, o->log, rc);
    printf("%llu score records replayed, %llu differ\n", (unsigned long long)checked,
           (unsigned long long)differ);
    return differ ? EXIT_REJECTED : EXIT_DONE;
}

/* Yuan with at most two decimals into fen. */
static int parse_yuan(const char *text, int64_t *fen)
{
    const char *p = text;
    int64_t v = 0;
    int digits = 0, dec = -1;
    for (; *p; p++) {
        if (*p == '.' && dec < 0) {
            dec = 0;
            continue;
        }
        if (*p < '0' || *p > '9' || dec == 2 || v > (INT64_MAX - 9) / 10)
            return -1;
        v = v * 10 + (*p - '0');
        digits++;
        if (dec >= 0)
            dec++;
    }
    for (int i = dec < 0 ? 0 : dec; i < 2; i++) {
        if (v > INT64_MAX / 10)
            return -1;
        v *= 10;
    }
    if (!digits)
        return -1;
    *fen = v;
    return 0;
}

static int run_register(const opts *o)
{
    static const char name[] = "evidence register";
    if (!o->log || !o->kind || !o->doc_hash || !o->amount || !o->lender || !o->uscc)
        return cli_usage_error(name, "--log, --kind, --doc-hash, --amount, --lender and --uscc "
                               "are required");
    score_evidence_document d;
    score_evidence_document_init(&d);
    static const char *const kinds[] = {"order", "invoice", "receivable", "patent"};
    for (int i = 0; i < 4; i++)
        if (!strcmp(o->kind, kinds[i]))
            d.kind = i + 1;
    if (!d.kind)
        return cli_usage_error(name, "--kind takes order, invoice, receivable or patent, got "
                               "'%s'", o->kind);
    if (unhex(o->doc_hash, d.doc_hash, 32) != 0)
        return cli_usage_error(name, "--doc-hash takes the document's SHA-256, 64 hex digits");
    if (parse_yuan(o->amount, &d.amount) != 0 || d.amount <= 0)
        return cli_usage_error(name, "--amount takes yuan above 0 with at most two decimals, "
                               "got '%s'", o->amount);
    if (o->face && parse_yuan(o->face, &d.face_amount) != 0)
        return cli_usage_error(name, "--face-amount takes yuan with at most two decimals, got "
                               "'%s'", o->face);
    if (strlen(o->uscc) != 18)
        return cli_usage_error(name, "--uscc takes an 18-character USCC, got '%s'", o->uscc);
    memcpy(d.uscc, o->uscc, 19);
    d.lender = o->lender;
    score_evidence_log *log;
    score_evidence_open_options oo;
    score_evidence_open_options_init(&oo);
    oo.create = 1;
    oo.diagnostic = cli_print_diagnostic;
    int rc = score_evidence_open(o->log, &oo, &log);
    if (rc != SCORE_OK)
        return cli_fail(name, o->log, rc);
    uint64_t record = 0, first = 0;
    rc = score_evidence_register(log, &d, &record, &first);
    score_evidence_close(log);
    if (rc == SCORE_EREJECTED) {
        fprintf(stderr, "score %s: refused: %s\n", name, score_last_error());
        printf("{\"registered\": false, \"first_record\": %llu}\n", (unsigned long long)first);
        return EXIT_REJECTED;
    }
    if (rc != SCORE_OK)
        return cli_fail(name, o->log, rc);
    printf("{\"registered\": true, \"record\": %llu, \"first_record\": %llu}\n",
           (unsigned long long)record, (unsigned long long)first);
    return EXIT_DONE;
}

int cmd_evidence(int argc, char **argv)
{
    if (argc < 1 || !strcmp(argv[0], "--help") || !strcmp(argv[0], "-h")) {
        fputs(help, argc < 1 ? stderr : stdout);
        return argc < 1 ? EXIT_USAGE : EXIT_DONE;
    }
    static const struct {
        const char *name, *options;
        int (*run)(const opts *);
    } subs[] = {
        {"keygen", "--out ", run_keygen},
        {"head", "--log --key --out ", run_head},
        {"verify", "--log --pubkey --head ", run_verify},
        {"show", "--log --record ", run_show},
        {"prove", "--log --record --old-size --head --size ", run_prove},
        {"check-proof", "--proof --head --pubkey --old-head ", run_check_proof},
        {"replay", "--log --model ", run_replay},
        {"register", "--log --kind --doc-hash --amount --lender --uscc --face-amount ",
         run_register},
    };
    for (size_t i = 0; i < sizeof subs / sizeof subs[0]; i++) {
        if (strcmp(argv[0], subs[i].name))
            continue;
        if (cli_wants_help(argc, argv)) {
            fputs(help, stdout);
            return EXIT_DONE;
        }
        char name[40];
        snprintf(name, sizeof name, "evidence %s", subs[i].name);
        opts o;
        int status = parse(name, subs[i].options, argc - 1, argv + 1, &o);
        return status == EXIT_DONE ? subs[i].run(&o) : status;
    }
    return cli_usage_error("evidence", "unknown subcommand '%s'; expected keygen, head, verify, "
                           "show, prove, check-proof, replay or register", argv[0]);
}
