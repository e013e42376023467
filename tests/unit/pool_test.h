/* Helpers shared by the pool tests (test_pool_*.c): temporary ledger
 * directories, events, and the money identity; valid USCCs (make_uscc) come
 * from helpers.h, as for every test. */
#ifndef SCORE_POOL_TEST_H
#define SCORE_POOL_TEST_H

#include <criterion/criterion.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "helpers.h"
#include "score.h"

/* A fresh directory under the build tree (removed by rm_tree). */
static inline char *temp_dir(const char *tag)
{
    char *path = malloc(4096);
    snprintf(path, 4096, "%s/pooltest-%s-XXXXXX", TEST_BINARY_DIR, tag);
    cr_assert_not_null(mkdtemp(path), "mkdtemp %s", path);
    return path;
}

static inline void rm_tree(const char *path)
{
    DIR *d = opendir(path);
    if (d) {
        for (struct dirent *e; (e = readdir(d));) {
            if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
                continue;
            char child[4400];
            if (snprintf(child, sizeof child, "%s/%s", path, e->d_name) >= (int)sizeof child)
                continue;
            struct stat st;
            if (lstat(child, &st) == 0 && S_ISDIR(st.st_mode))
                rm_tree(child);
            else
                unlink(child);
        }
        closedir(d);
    }
    rmdir(path);
}


static inline score_pool_event pool_event(int type, const char *uscc, int64_t fen, double pd,
                                          const char *id)
{
    score_pool_event e = {sizeof e, type, uscc, fen, pd, 0, id};
    return e;
}

static inline score_pool_state pool_state(score_pool *pool)
{
    score_pool_state s = {.size = sizeof s};
    cr_assert_eq(score_pool_get_state(pool, &s), SCORE_OK, "%s", score_last_error());
    return s;
}

/* The money identity, and the members' balances adding up to the totals. */
static inline void assert_conserved(score_pool *pool, const char *when)
{
    score_pool_state s = pool_state(pool);
    int64_t losses = 0;
    for (int p = 0; p < SCORE_POOL_N_PARTIES; p++)
        losses += s.losses[p];
    int64_t in = s.injected + s.deposited + s.lent;
    int64_t held = s.loans_outstanding + s.deposits + s.fund_balance + losses + s.repaid +
                   s.refunded + s.compensation + s.recoveries_paid;
    cr_assert_eq(in, held, "%s: %lld in, %lld accounted for", when, (long long)in,
                 (long long)held);
    cr_assert_eq(losses, s.defaulted_unrecovered, "%s: losses vs unrecovered", when);
    int64_t deposits = 0, loans = 0, borne = 0, unrecovered = 0;
    uint64_t active = 0;
    for (size_t i = 0; i < s.member_records; i++) {
        score_pool_member_info m = {.size = sizeof m};
        cr_assert_eq(score_pool_member_at(pool, i, &m), SCORE_OK);
        /* loss_borne may be below 0: a member in the pool when a recovery of
         * an older loss comes gains from it (docs/pools.md, "Deposits as a pool") */
        cr_assert(m.deposit >= 0 && m.loans_outstanding >= 0, "%s", when);
        deposits += m.deposit;
        loans += m.loans_outstanding;
        borne += m.loss_borne;
        unrecovered += m.defaulted_unrecovered;
        active += (uint64_t)m.active;
    }
    cr_assert_eq(deposits, s.deposits, "%s: deposits", when);
    cr_assert_eq(loans, s.loans_outstanding, "%s: loans", when);
    cr_assert_eq(borne, s.losses[SCORE_POOL_PARTY_MEMBERS], "%s: members' losses", when);
    cr_assert_eq(unrecovered, s.defaulted_unrecovered, "%s: unrecovered", when);
    cr_assert_eq(active, s.members, "%s: members", when);
    cr_assert(s.fund_balance >= 0, "%s: fund", when);
}

/* Whether two states agree on everything but the journal's length and torn tail. */
static inline int same_state(const score_pool_state *a, const score_pool_state *b)
{
    score_pool_state x = *a, y = *b;
    x.journal_bytes = y.journal_bytes = 0;
    x.torn_bytes = y.torn_bytes = 0;
    return memcmp(&x, &y, sizeof x) == 0;
}

static inline score_pool *open_pool(const char *dir)
{
    score_pool *pool = NULL;
    cr_assert_eq(score_pool_open(dir, NULL, &pool), SCORE_OK, "%s", score_last_error());
    return pool;
}

#define YUAN(y) ((int64_t)(y) * 100)

#endif
