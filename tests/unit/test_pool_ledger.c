/* The pool ledger: the waterfall on hand-worked cases for every preset,
 * recoveries, triggers, caps, refused events, idempotent event ids, money
 * conserved after every event, threads, allocation failures. */
#include <math.h>
#include <pthread.h>

#include "core/core.h"
#include "pool_test.h"

static char A[19], B[19], C[19], D[19], E[19], F[19], G[19], H[19];

static void init_usccs(void)
{
    make_uscc(1, A);
    make_uscc(2, B);
    make_uscc(3, C);
    make_uscc(10, D);
    make_uscc(11, E);
    make_uscc(12, F);
    make_uscc(20, G);
    make_uscc(21, H);
}

static score_pool *new_pool(const char *dir, const char *preset, double member_cap)
{
    score_pool_config c;
    score_pool_config_init(&c);
    if (preset)
        cr_assert_eq(score_pool_config_preset(&c, preset), SCORE_OK, "%s", score_last_error());
    c.single_member_cap = member_cap;
    cr_assert_eq(score_pool_create(dir, &c), SCORE_OK, "%s", score_last_error());
    return open_pool(dir);
}

/* Apply an event that must be accepted; check the money afterwards. */
static score_pool_outcome ok(score_pool *pool, int type, const char *uscc, int64_t fen, double pd)
{
    score_pool_event e = pool_event(type, uscc, fen, pd, NULL);
    score_pool_outcome o = {.size = sizeof o};
    cr_assert_eq(score_pool_apply(pool, &e, &o), SCORE_OK, "type %d %s: %s", type,
                 uscc ? uscc : "", score_last_error());
    assert_conserved(pool, "after an accepted event");
    return o;
}

static score_pool_member_info member(score_pool *pool, const char *uscc)
{
    score_pool_member_info m = {.size = sizeof m};
    cr_assert_eq(score_pool_member(pool, uscc, &m), SCORE_OK, "%s", score_last_error());
    return m;
}

static void assert_split(const score_pool_outcome *o, int64_t own, int64_t members,
                         int64_t bank, int64_t fund, int64_t guarantor, int64_t reguarantor)
{
    cr_assert_eq(o->own, own, "own %lld", (long long)o->own);
    cr_assert_eq(o->parties[SCORE_POOL_PARTY_MEMBERS], members, "members %lld",
                 (long long)o->parties[0]);
    cr_assert_eq(o->parties[SCORE_POOL_PARTY_BANK], bank, "bank %lld", (long long)o->parties[1]);
    cr_assert_eq(o->parties[SCORE_POOL_PARTY_FUND], fund, "fund %lld", (long long)o->parties[2]);
    cr_assert_eq(o->parties[SCORE_POOL_PARTY_GUARANTOR], guarantor, "guarantor %lld",
                 (long long)o->parties[3]);
    cr_assert_eq(o->parties[SCORE_POOL_PARTY_REGUARANTOR], reguarantor, "reguarantor %lld",
                 (long long)o->parties[4]);
}

/* Fuqing: deposits first, then fund and bank 50:50. Worked by hand:
 * A defaults on 200,000.00 with 10,000.00 of its own deposit; B and C hold
 * 20,000.00 and 30,000.01, all taken; 139,999.99 is left, halved to
 * 69,999.995 each: the odd fen goes to the bank (equal remainders, the
 * bank comes first). */
Test(pool_waterfall, fuqing_by_hand)
{
    init_usccs();
    char *dir = temp_dir("fuqing");
    score_pool *pool = new_pool(dir, "fuqing", 1.0);
    ok(pool, SCORE_POOL_INJECT, NULL, YUAN(100000), 0);
    ok(pool, SCORE_POOL_JOIN, A, YUAN(10000), 0.02);
    ok(pool, SCORE_POOL_JOIN, B, YUAN(20000), 0.02);
    ok(pool, SCORE_POOL_JOIN, C, YUAN(30000) + 1, 0.02);
    ok(pool, SCORE_POOL_LEND, A, YUAN(200000), 0);
    score_pool_outcome o = ok(pool, SCORE_POOL_DEFAULT, A, YUAN(200000), 0);
    assert_split(&o, YUAN(10000), YUAN(60000) + 1, YUAN(70000), YUAN(69999) + 99, 0, 0);
    cr_assert_eq(member(pool, B).deposit, 0);
    cr_assert_eq(member(pool, B).loss_borne, YUAN(20000));
    cr_assert_eq(member(pool, C).loss_borne, YUAN(30000) + 1);
    score_pool_state s = pool_state(pool);
    cr_assert_eq(s.fund_balance, YUAN(30000) + 1);
    cr_assert_eq(s.losses[SCORE_POOL_PARTY_BANK], YUAN(70000));
    cr_assert_eq(s.defaulted_unrecovered, YUAN(200000));
    cr_assert_eq(s.compensation, YUAN(10000) + YUAN(50000) + 1 + YUAN(69999) + 99);

    /* recoveries go back in reverse order: first the parties' 139,999.99
     * in full, then 10,000.01 to B and C pro rata to what they bore
     * (20,000.00 : 30,000.01 gives 4,000.00 and 6,000.01 after the
     * largest remainder) */
    o = ok(pool, SCORE_POOL_RECOVER, A, YUAN(150000), 0);
    assert_split(&o, 0, YUAN(10000) + 1, YUAN(70000), YUAN(69999) + 99, 0, 0);
    cr_assert_eq(member(pool, B).deposit, YUAN(4000));
    cr_assert_eq(member(pool, C).deposit, YUAN(6000) + 1);
    s = pool_state(pool);
    cr_assert_eq(s.fund_balance, YUAN(100000));
    cr_assert_eq(s.losses[SCORE_POOL_PARTY_BANK], 0);
    cr_assert_eq(s.losses[SCORE_POOL_PARTY_MEMBERS], YUAN(50000));
    cr_assert_eq(s.recoveries_paid, YUAN(70000));

    /* A leaves (its loan is gone, its deposit too); the last recovery
     * restores B and C in full and pays A's own 10,000.00 out to it */
    o = ok(pool, SCORE_POOL_LEAVE, A, 0, 0);
    cr_assert_eq(o.refund, 0);
    o = ok(pool, SCORE_POOL_RECOVER, A, YUAN(50000), 0);
    assert_split(&o, YUAN(10000), YUAN(50000), 0, 0, 0, 0);
    cr_assert_eq(member(pool, B).deposit, YUAN(20000));
    cr_assert_eq(member(pool, C).deposit, YUAN(30000) + 1);
    s = pool_state(pool);
    cr_assert_eq(s.defaulted_unrecovered, 0);
    cr_assert_eq(s.recoveries_paid, YUAN(80000));
    cr_assert_eq(s.members, 2);
    score_pool_free(pool);
    rm_tree(dir);
    free(dir);
}

/* A one-fen loss beyond the defaulter's deposit, shared by three equal
 * deposits: the fen goes to the lowest USCC, whatever the join order. */
Test(pool_waterfall, ties_go_to_the_lowest_uscc)
{
    init_usccs();
    char *dir = temp_dir("ties");
    score_pool *pool = new_pool(dir, NULL, 1.0);
    ok(pool, SCORE_POOL_JOIN, F, YUAN(1000), 0.01);
    ok(pool, SCORE_POOL_JOIN, E, YUAN(1000), 0.01);
    ok(pool, SCORE_POOL_JOIN, D, YUAN(1000), 0.01);
    ok(pool, SCORE_POOL_JOIN, G, YUAN(5000), 0.01);
    ok(pool, SCORE_POOL_LEND, G, YUAN(5000) + 1, 0);
    score_pool_outcome o = ok(pool, SCORE_POOL_DEFAULT, G, YUAN(5000) + 1, 0);
    assert_split(&o, YUAN(5000), YUAN(5000) + 1, 0, 0, 0, 0);
    cr_assert_eq(member(pool, D).loss_borne, 1);
    cr_assert_eq(member(pool, E).loss_borne, 0);
    cr_assert_eq(member(pool, F).loss_borne, 0);
    score_pool_free(pool);
    rm_tree(dir);
    free(dir);
}

/* When the fund runs dry its share falls to the bank. */
Test(pool_waterfall, fund_exhausted_falls_to_the_bank)
{
    init_usccs();
    char *dir = temp_dir("dry");
    score_pool *pool = new_pool(dir, "fuqing", 1.0);
    ok(pool, SCORE_POOL_INJECT, NULL, YUAN(1000), 0);
    ok(pool, SCORE_POOL_JOIN, H, YUAN(400), 0.01);
    ok(pool, SCORE_POOL_LEND, H, YUAN(10000), 0);
    score_pool_outcome o = ok(pool, SCORE_POOL_DEFAULT, H, YUAN(10000), 0);
    /* 9,600.00 beyond the deposit: 4,800.00 each, but the fund has 1,000.00 */
    assert_split(&o, YUAN(400), YUAN(400), YUAN(8600), YUAN(1000), 0, 0);
    cr_assert_eq(pool_state(pool).fund_balance, 0);
    score_pool_free(pool);
    rm_tree(dir);
    free(dir);
}

/* Anhui's 4321: guarantor 40, re-guarantor 30, bank 20, fund 10, after the
 * deposits. A defaults on 50,000.03: 2,100.00 own, 5,000.00 from B and C,
 * 42,900.03 shared: exact shares 8,580.006 / 4,290.003 / 17,160.012 /
 * 12,870.009 yuan; the two fen left go to the largest remainders (the
 * re-guarantor's .9 and the bank's .6 of a fen). Then C defaults with
 * nothing left in the deposits and the fund's 10% exceeds its 5,710.00. */
Test(pool_waterfall, anhui_4321_by_hand)
{
    init_usccs();
    char *dir = temp_dir("anhui");
    score_pool *pool = new_pool(dir, "anhui-4321", 1.0);
    ok(pool, SCORE_POOL_INJECT, NULL, YUAN(10000), 0);
    ok(pool, SCORE_POOL_JOIN, A, YUAN(2100), 0.03);
    ok(pool, SCORE_POOL_JOIN, B, YUAN(1000), 0.03);
    ok(pool, SCORE_POOL_JOIN, C, YUAN(4000), 0.03);
    ok(pool, SCORE_POOL_LEND, A, YUAN(50000) + 3, 0);
    ok(pool, SCORE_POOL_LEND, C, YUAN(100000), 0);
    score_pool_outcome o = ok(pool, SCORE_POOL_DEFAULT, A, YUAN(50000) + 3, 0);
    assert_split(&o, YUAN(2100), YUAN(7100), 858001, 429000, 1716001, 1287001);
    cr_assert_eq(member(pool, B).loss_borne, YUAN(1000));
    cr_assert_eq(member(pool, C).loss_borne, YUAN(4000));
    cr_assert_eq(pool_state(pool).fund_balance, YUAN(5710));
    o = ok(pool, SCORE_POOL_DEFAULT, C, YUAN(100000), 0);
    assert_split(&o, 0, 0, YUAN(24290), YUAN(5710), YUAN(40000), YUAN(30000));
    score_pool_state s = pool_state(pool);
    cr_assert_eq(s.status, SCORE_POOL_SUSPENDED);
    cr_assert_eq(s.fund_balance, 0);
    /* a recovery on C goes back to the four parties pro rata to what they bore */
    o = ok(pool, SCORE_POOL_RECOVER, C, YUAN(1000), 0);
    assert_split(&o, 0, 0, 24290, 5710, 40000, 30000);
    cr_assert_eq(pool_state(pool).fund_balance, 5710);
    score_pool_free(pool);
    rm_tree(dir);
    free(dir);
}

/* The national financing guarantee fund: bank 20, guarantee system 80.
 * 23,499.01 beyond the deposits: 4,699.802 and 18,799.208; the fen left
 * goes to the guarantor (.8 of a fen against .2). The fund bears nothing. */
Test(pool_waterfall, national_guarantee_fund_by_hand)
{
    init_usccs();
    char *dir = temp_dir("national");
    score_pool *pool = new_pool(dir, "national-guarantee-fund", 1.0);
    ok(pool, SCORE_POOL_INJECT, NULL, YUAN(10000), 0);
    ok(pool, SCORE_POOL_JOIN, A, YUAN(1001), 0.03);
    ok(pool, SCORE_POOL_JOIN, B, YUAN(500), 0.03);
    ok(pool, SCORE_POOL_LEND, A, YUAN(25000) + 1, 0);
    score_pool_outcome o = ok(pool, SCORE_POOL_DEFAULT, A, YUAN(25000) + 1, 0);
    assert_split(&o, YUAN(1001), YUAN(1501), 469980, 0, 1879921, 0);
    cr_assert_eq(pool_state(pool).fund_balance, YUAN(10000));
    score_pool_free(pool);
    rm_tree(dir);
    free(dir);
}

Test(pool_rules, presets_and_defaults)
{
    score_pool_config c;
    score_pool_config_init(&c);
    cr_assert_float_eq(c.deposit_rate, 0.04, 0);
    cr_assert_float_eq(c.leverage, 10, 0);
    cr_assert_float_eq(c.share_bank + c.share_fund, 1, 0);
    cr_assert_eq(score_pool_config_preset(&c, "anhui-4321"), SCORE_OK);
    cr_assert(c.share_guarantor == 0.4 && c.share_reguarantor == 0.3 && c.share_bank == 0.2 &&
              c.share_fund == 0.1);
    cr_assert_eq(score_pool_config_preset(&c, "national-guarantee-fund"), SCORE_OK);
    cr_assert(c.share_bank == 0.2 && c.share_guarantor == 0.8 && c.share_fund == 0);
    cr_assert_eq(score_pool_config_preset(&c, "fuqing"), SCORE_OK);
    cr_assert(c.share_bank == 0.5 && c.share_fund == 0.5 && c.share_guarantor == 0);
    cr_assert_eq(score_pool_config_preset(&c, "zhejiang"), SCORE_ENOTFOUND);
    cr_assert(strstr(score_last_error(), "anhui-4321"));
    /* a bad configuration is refused when a ledger is made */
    char *dir = temp_dir("badconfig");
    c.share_bank = 0.6;
    cr_assert_eq(score_pool_create(dir, &c), SCORE_EINVAL);
    cr_assert(strstr(score_last_error(), "add up to"), "%s", score_last_error());
    score_pool_config_init(&c);
    c.npl_warning = 0.05;
    cr_assert_eq(score_pool_create(dir, &c), SCORE_EINVAL);
    c.size = sizeof c + 8;
    cr_assert_eq(score_pool_create(dir, &c), SCORE_EINVAL);
    rm_tree(dir);
    free(dir);
}

static void write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    cr_assert_not_null(f);
    fputs(text, f);
    fclose(f);
}

static int read_config_text(const char *dir, const char *text, score_pool_config *c)
{
    char path[4200];
    snprintf(path, sizeof path, "%s/pool.json", dir);
    write_file(path, text);
    score_pool_config_init(c);
    return score_pool_config_read_file(path, c);
}

Test(pool_rules, configuration_files)
{
    char *dir = temp_dir("json");
    score_pool_config c;
    cr_assert_eq(read_config_text(dir, "{\"deposit_rate\": 0.05, \"leverage\": 8, "
                                  "\"single_member_cap\": 0.2, \"admission\": {\"max_pd\": 0.04},"
                                  " \"compensation_fund\": 50000000, \"waterfall\": {\"bank\": "
                                  "0.3, \"fund\": 0.7}, \"npl_warning\": 0.01, \"npl_suspend\":"
                                  " 0.02, \"fund_floor\": 0.05, \"correlation\": 0.15}", &c),
                 SCORE_OK, "%s", score_last_error());
    cr_assert(c.deposit_rate == 0.05 && c.leverage == 8 && c.single_member_cap == 0.2 &&
              c.max_pd == 0.04 && c.compensation_fund == INT64_C(5000000000) &&
              c.share_bank == 0.3 && c.share_fund == 0.7 && c.share_guarantor == 0 &&
              c.npl_warning == 0.01 && c.npl_suspend == 0.02 && c.fund_floor == 0.05 &&
              c.correlation == 0.15);
    cr_assert_eq(read_config_text(dir, "{\"preset\": \"anhui-4321\", \"correlation\": \"basel\"}",
                                  &c), SCORE_OK, "%s", score_last_error());
    cr_assert(c.share_guarantor == 0.4 && c.correlation < 0);
    static const struct {
        const char *text, *message;
        int code;
    } bad[] = {
        {"{\"deposit_rte\": 0.04}", "unknown key \"deposit_rte\"", SCORE_EFORMAT},
        {"{\"admission\": {\"max_pd\": 2}}", "admission.max_pd", SCORE_EFORMAT},
        {"{\"waterfall\": {\"bank\": 0.5, \"fund\": 0.4}}", "add up to", SCORE_EFORMAT},
        {"{\"waterfall\": {\"bank\": 1}, \"preset\": \"fuqing\"}", "not both", SCORE_EFORMAT},
        {"{\"preset\": \"nowhere\"}", "unknown preset", SCORE_ENOTFOUND},
        {"{\"compensation_fund\": 10.001}", "at most two decimals", SCORE_EFORMAT},
        {"{\"correlation\": \"vasicek\"}", "basel", SCORE_EFORMAT},
        {"{\"npl_warning\": 0.05}", "above npl_suspend", SCORE_EFORMAT},
        {"[1]", "object", SCORE_EFORMAT},
        {"{\"leverage\": }", "pool.json:1:", SCORE_EFORMAT},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        score_pool_config_init(&c);
        c.deposit_rate = 0.07;
        int rc = read_config_text(dir, bad[i].text, &c);
        cr_assert_eq(rc, bad[i].code, "%s gave %d: %s", bad[i].text, rc, score_last_error());
        cr_assert(strstr(score_last_error(), bad[i].message), "%s: %s", bad[i].text,
                  score_last_error());
        cr_assert(strstr(score_last_error(), "pool.json"), "%s", score_last_error());
    }
    c.deposit_rate = 0.07;
    char missing[4200];
    snprintf(missing, sizeof missing, "%s/none.json", dir);
    cr_assert_eq(score_pool_config_read_file(missing, &c), SCORE_EIO);
    cr_assert_eq(c.deposit_rate, 0.07, "untouched on failure");
    rm_tree(dir);
    free(dir);
}

/* A refused event changes nothing: not the state, not a member, not the
 * journal. */
typedef struct snapshot {
    score_pool_state state;
    score_pool_member_info members[16];
} snapshot;

static snapshot snap(score_pool *pool)
{
    snapshot s;
    memset(&s, 0, sizeof s);
    s.state = pool_state(pool);
    for (size_t i = 0; i < s.state.member_records && i < 16; i++) {
        s.members[i].size = sizeof s.members[i];
        score_pool_member_at(pool, i, &s.members[i]);
    }
    return s;
}

static void refused(score_pool *pool, score_pool_event e, int code, const char *why)
{
    snapshot before = snap(pool);
    score_pool_outcome o = {.size = sizeof o, .sequence = 777};
    int rc = score_pool_apply(pool, &e, &o);
    cr_assert_eq(rc, code, "expected %d (%s), got %d: %s", code, why, rc, score_last_error());
    cr_assert(strstr(score_last_error(), why), "expected \"%s\" in: %s", why, score_last_error());
    cr_assert_eq(o.sequence, 777, "the outcome is untouched");
    snapshot after = snap(pool);
    cr_assert(!memcmp(&before, &after, sizeof before), "%s changed the pool", why);
}

Test(pool_rules, refused_events_change_nothing)
{
    init_usccs();
    char *dir = temp_dir("refused");
    score_pool *pool = new_pool(dir, NULL, 0.5);
    ok(pool, SCORE_POOL_INJECT, NULL, YUAN(10000), 0);
    ok(pool, SCORE_POOL_JOIN, A, YUAN(2000), 0.02);
    ok(pool, SCORE_POOL_JOIN, B, YUAN(2000), 0.02);
    ok(pool, SCORE_POOL_JOIN, C, YUAN(100), 0.02);
    ok(pool, SCORE_POOL_JOIN, D, YUAN(100), 0.02);
    ok(pool, SCORE_POOL_LEND, A, YUAN(20000), 0);
    ok(pool, SCORE_POOL_LEND, C, YUAN(2500), 0);
    score_pool_event id_event = pool_event(SCORE_POOL_DEPOSIT, B, YUAN(10), 0, "dep-1");
    cr_assert_eq(score_pool_apply(pool, &id_event, NULL), SCORE_OK);
    /* deposits 4,210.00 and fund 10,000.00: capacity 142,100.00, a
     * member's cap 71,050.00; loans 22,500.00 */
    cr_assert_eq(pool_state(pool).lending_capacity, YUAN(142100));
    refused(pool, pool_event(SCORE_POOL_LEND, B, YUAN(200000), 0, NULL), SCORE_EREJECTED,
            "lending capacity");
    refused(pool, pool_event(SCORE_POOL_LEND, B, YUAN(80000), 0, NULL), SCORE_EREJECTED,
            "single-member cap");
    refused(pool, pool_event(SCORE_POOL_LEND, A, YUAN(40000), 0, NULL), SCORE_EREJECTED,
            "below 0.04 of its loans");
    refused(pool, pool_event(SCORE_POOL_LEND, B, 0, 0, NULL), SCORE_EREJECTED, "above 0");
    refused(pool, pool_event(SCORE_POOL_LEND, E, YUAN(1), 0, NULL), SCORE_EREJECTED,
            "not a member");
    refused(pool, pool_event(SCORE_POOL_JOIN, A, 0, 0.02, NULL), SCORE_EREJECTED,
            "already a member");
    refused(pool, pool_event(SCORE_POOL_JOIN, E, 0, 0.06, NULL), SCORE_EREJECTED,
            "admission maximum");
    refused(pool, pool_event(SCORE_POOL_JOIN, E, 0, 1.5, NULL), SCORE_EREJECTED, "outside");
    refused(pool, pool_event(SCORE_POOL_JOIN, E, 0, NAN, NULL), SCORE_EREJECTED, "outside");
    score_pool_event dishonest = pool_event(SCORE_POOL_JOIN, E, 0, 0.01, NULL);
    dishonest.dishonest = 1;
    refused(pool, dishonest, SCORE_EREJECTED, "dishonest");

    /* C defaults (its deposit and the others' cover it), then leaves; D leaves */
    ok(pool, SCORE_POOL_DEFAULT, C, YUAN(2500), 0);
    ok(pool, SCORE_POOL_LEAVE, C, 0, 0);
    ok(pool, SCORE_POOL_LEAVE, D, 0, 0);
    refused(pool, pool_event(SCORE_POOL_JOIN, C, 0, 0.01, NULL), SCORE_EREJECTED,
            "cannot rejoin");
    refused(pool, pool_event(SCORE_POOL_LEND, C, YUAN(1), 0, NULL), SCORE_EREJECTED,
            "left the pool");
    refused(pool, pool_event(SCORE_POOL_REPAY, A, YUAN(20000) + 1, 0, NULL), SCORE_EREJECTED,
            "above the loans outstanding");
    refused(pool, pool_event(SCORE_POOL_DEFAULT, A, YUAN(19999), 0, NULL), SCORE_EREJECTED,
            "not the amount outstanding");
    refused(pool, pool_event(SCORE_POOL_DEFAULT, B, YUAN(1), 0, NULL), SCORE_EREJECTED,
            "no loans outstanding");
    refused(pool, pool_event(SCORE_POOL_RECOVER, C, YUAN(2501), 0, NULL), SCORE_EREJECTED,
            "above the unrecovered loss");
    refused(pool, pool_event(SCORE_POOL_RECOVER, A, YUAN(1), 0, NULL), SCORE_EREJECTED,
            "no default");
    refused(pool, pool_event(SCORE_POOL_LEAVE, A, 0, 0, NULL), SCORE_EREJECTED,
            "loans outstanding");
    refused(pool, pool_event(SCORE_POOL_LEAVE, B, YUAN(5), 0, NULL), SCORE_EREJECTED,
            "not its deposit");
    refused(pool, pool_event(SCORE_POOL_DEPOSIT, D, YUAN(5), 0, NULL), SCORE_EREJECTED,
            "left the pool");
    refused(pool, pool_event(SCORE_POOL_DEPOSIT, NULL, YUAN(5), 0, NULL), SCORE_EREJECTED,
            "uscc is empty");
    refused(pool, pool_event(SCORE_POOL_DEPOSIT, "91330100799655058b", YUAN(5), 0, NULL),
            SCORE_EREJECTED, "not a valid USCC");
    refused(pool, pool_event(SCORE_POOL_DEPOSIT, B, -5, 0, NULL), SCORE_EREJECTED, "negative");
    refused(pool, pool_event(SCORE_POOL_DEPOSIT, B, YUAN(11), 0, "dep-1"), SCORE_EREJECTED,
            "already used by event");
    refused(pool, pool_event(SCORE_POOL_DEPOSIT, B, YUAN(10), 0, "has space"), SCORE_EREJECTED,
            "event_id");
    refused(pool, pool_event(99, B, YUAN(10), 0, NULL), SCORE_EINVAL, "unknown event type");
    score_pool_event sized = pool_event(SCORE_POOL_DEPOSIT, B, YUAN(10), 0, NULL);
    sized.size = sizeof sized + 1;
    refused(pool, sized, SCORE_EINVAL, "size");
    cr_assert_eq(score_pool_apply(NULL, &sized, NULL), SCORE_EINVAL);
    /* C's default was paid by the deposits: not the bank's bad loan, so it
     * does not suspend the pool (pool_rules::triggers shows a suspension) */
    cr_assert_eq(pool_state(pool).status, SCORE_POOL_OPEN);
    score_pool_free(pool);
    rm_tree(dir);
    free(dir);
}

/* The false suspension: a 12,000.00 default paid wholly from the members'
 * deposits, so that neither bank nor fund lost anything, used to put the
 * pool at 1.2% (a warning), and an ordinary repayment later at 3.0%
 * (suspended) with no new default. A compensated default is no longer the
 * bank's bad loan: the ratio stays 0 and the pool lends. */
Test(pool_rules, no_false_suspension_after_a_compensated_default)
{
    init_usccs();
    char *dir = temp_dir("falsesusp");
    score_pool *pool = new_pool(dir, NULL, 1.0);
    ok(pool, SCORE_POOL_INJECT, NULL, YUAN(100000), 0);
    ok(pool, SCORE_POOL_JOIN, A, YUAN(480), 0.02);
    ok(pool, SCORE_POOL_JOIN, B, YUAN(720), 0.02);
    ok(pool, SCORE_POOL_JOIN, C, YUAN(38800), 0.02);
    ok(pool, SCORE_POOL_LEND, A, YUAN(12000), 0);
    ok(pool, SCORE_POOL_LEND, B, YUAN(18000), 0);
    ok(pool, SCORE_POOL_LEND, C, YUAN(970000), 0);
    score_pool_outcome o = ok(pool, SCORE_POOL_DEFAULT, A, YUAN(12000), 0);
    cr_assert_eq(o.parties[SCORE_POOL_PARTY_MEMBERS], YUAN(12000), "paid wholly by deposits");
    score_pool_state s = pool_state(pool);
    cr_assert_eq(s.losses[SCORE_POOL_PARTY_BANK], 0);
    cr_assert_eq(s.defaulted_unrecovered, YUAN(12000), "still owed to the members");
    cr_assert(s.status == SCORE_POOL_OPEN && s.npl_ratio == 0, "status %d, NPL %g", s.status,
              s.npl_ratio);
    ok(pool, SCORE_POOL_REPAY, C, YUAN(600000), 0); /* the old ratio: 12,000 / 400,000 = 3.0% */
    s = pool_state(pool);
    cr_assert(s.status == SCORE_POOL_OPEN && s.npl_ratio == 0, "status %d, NPL %g", s.status,
              s.npl_ratio);
    ok(pool, SCORE_POOL_LEND, C, YUAN(1), 0);
    score_pool_free(pool);
    rm_tree(dir);
    free(dir);
}

/* NPL = what the bank still carries of the defaults (neither recovered nor
 * compensated) / (loans + that): warning at 1.2%, suspended at 3%, both
 * inclusive; back to lending when a recovery brings it under. Here the
 * bank bears every loss (no deposits required, bank share 1). */
Test(pool_rules, triggers)
{
    init_usccs();
    char *dir = temp_dir("triggers");
    score_pool_config c;
    score_pool_config_init(&c);
    c.deposit_rate = 0;
    c.leverage = 20;
    c.single_member_cap = 1;
    c.share_bank = 1;
    c.share_fund = c.share_guarantor = c.share_reguarantor = 0;
    cr_assert_eq(score_pool_create(dir, &c), SCORE_OK, "%s", score_last_error());
    score_pool *pool = open_pool(dir);
    ok(pool, SCORE_POOL_INJECT, NULL, YUAN(100000), 0);
    ok(pool, SCORE_POOL_JOIN, A, 0, 0.02);
    ok(pool, SCORE_POOL_JOIN, B, 0, 0.02);
    ok(pool, SCORE_POOL_JOIN, C, 0, 0.02);
    ok(pool, SCORE_POOL_LEND, A, YUAN(12000), 0);
    ok(pool, SCORE_POOL_LEND, B, YUAN(18000), 0);
    ok(pool, SCORE_POOL_LEND, C, YUAN(970000), 0);
    score_pool_state s = pool_state(pool);
    cr_assert(s.status == SCORE_POOL_OPEN && s.npl_ratio == 0);
    ok(pool, SCORE_POOL_DEFAULT, A, YUAN(12000), 0);
    s = pool_state(pool);
    cr_assert_eq(s.losses[SCORE_POOL_PARTY_BANK], YUAN(12000));
    cr_assert_eq(s.status, SCORE_POOL_WARNING, "NPL %g", s.npl_ratio);
    cr_assert_float_eq(s.npl_ratio, 0.012, 1e-15);
    ok(pool, SCORE_POOL_DEFAULT, B, YUAN(18000), 0);
    s = pool_state(pool);
    cr_assert_eq(s.status, SCORE_POOL_SUSPENDED, "NPL %g", s.npl_ratio);
    cr_assert_float_eq(s.npl_ratio, 0.03, 1e-15);
    score_pool_event lend = pool_event(SCORE_POOL_LEND, C, YUAN(1), 0, NULL);
    cr_assert_eq(score_pool_apply(pool, &lend, NULL), SCORE_EREJECTED);
    cr_assert(strstr(score_last_error(), "suspended"), "%s", score_last_error());
    ok(pool, SCORE_POOL_RECOVER, A, 1, 0);
    cr_assert_eq(pool_state(pool).status, SCORE_POOL_WARNING);
    cr_assert_eq(score_pool_apply(pool, &lend, NULL), SCORE_OK, "%s", score_last_error());
    score_pool_free(pool);
    rm_tree(dir);
    free(dir);

    /* replenish_due when the fund is below 10% of the loans outstanding */
    dir = temp_dir("replenish");
    pool = new_pool(dir, NULL, 1.0);
    ok(pool, SCORE_POOL_INJECT, NULL, YUAN(9999) + 99, 0);
    ok(pool, SCORE_POOL_JOIN, A, YUAN(4000), 0.02);
    ok(pool, SCORE_POOL_LEND, A, YUAN(100000), 0);
    cr_assert(pool_state(pool).replenish_due);
    ok(pool, SCORE_POOL_INJECT, NULL, 1, 0);
    cr_assert(!pool_state(pool).replenish_due);
    cr_assert_eq(pool_state(pool).lending_capacity, YUAN(140000));
    score_pool_free(pool);
    rm_tree(dir);
    free(dir);
}

Test(pool_rules, idempotent_event_ids)
{
    init_usccs();
    char *dir = temp_dir("ids");
    score_pool *pool = new_pool(dir, NULL, 1.0);
    score_pool_event e = pool_event(SCORE_POOL_JOIN, A, YUAN(100), 0.02, "join-A");
    score_pool_outcome o1 = {.size = sizeof o1}, o2 = {.size = sizeof o2};
    cr_assert_eq(score_pool_apply(pool, &e, &o1), SCORE_OK);
    cr_assert(!o1.duplicate && o1.sequence == 1);
    score_pool_state before = pool_state(pool);
    cr_assert_eq(score_pool_apply(pool, &e, &o2), SCORE_OK);
    cr_assert(o2.duplicate && o2.sequence == 1);
    score_pool_state after = pool_state(pool);
    cr_assert(!memcmp(&before, &after, sizeof before), "a repeat changes nothing");
    /* the ids survive a reopen */
    score_pool_free(pool);
    pool = open_pool(dir);
    cr_assert_eq(score_pool_apply(pool, &e, &o2), SCORE_OK);
    cr_assert(o2.duplicate && o2.sequence == 1);
    cr_assert_eq(pool_state(pool).journal_bytes, before.journal_bytes);
    /* the same id for another event is refused */
    e.amount = YUAN(101);
    cr_assert_eq(score_pool_apply(pool, &e, NULL), SCORE_EREJECTED);
    cr_assert(strstr(score_last_error(), "join-A"));
    e.pd = 0.03;
    e.amount = YUAN(100);
    cr_assert_eq(score_pool_apply(pool, &e, NULL), SCORE_EREJECTED);
    /* events without ids are never deduplicated */
    score_pool_event d = pool_event(SCORE_POOL_DEPOSIT, A, YUAN(1), 0, NULL);
    cr_assert_eq(score_pool_apply(pool, &d, NULL), SCORE_OK);
    cr_assert_eq(score_pool_apply(pool, &d, NULL), SCORE_OK);
    cr_assert_eq(member(pool, A).deposit, YUAN(102));
    score_pool_free(pool);
    rm_tree(dir);
    free(dir);
}

/* A stream of random events, some refused, some repeated: money is
 * conserved after every one, and reopening replays to the same state. */
static uint64_t lcg(uint64_t *x)
{
    *x = *x * UINT64_C(6364136223846793005) + UINT64_C(1442695040888963407);
    return *x >> 33;
}

Test(pool_rules, conservation_after_every_event)
{
    char *dir = temp_dir("random");
    score_pool_config c;
    score_pool_config_init(&c);
    cr_assert_eq(score_pool_config_preset(&c, "anhui-4321"), SCORE_OK);
    c.single_member_cap = 0.3;
    c.npl_suspend = 0.2;
    c.npl_warning = 0.1;
    cr_assert_eq(score_pool_create(dir, &c), SCORE_OK);
    score_pool *pool = open_pool(dir);
    char usccs[24][19];
    for (int i = 0; i < 24; i++)
        make_uscc(100 + i, usccs[i]);
    uint64_t x = 42;
    int accepted = 0, refusals = 0;
    for (int k = 0; k < 1500; k++) {
        int type = 1 + (int)(lcg(&x) % 8);
        const char *who = usccs[lcg(&x) % 24];
        int64_t amount = (int64_t)(lcg(&x) % 5000000);
        score_pool_member_info m = {.size = sizeof m};
        int known = score_pool_member(pool, who, &m) == SCORE_OK;
        if (known && (type == SCORE_POOL_DEFAULT || type == SCORE_POOL_LEAVE) && lcg(&x) % 2)
            amount = type == SCORE_POOL_DEFAULT ? m.loans_outstanding : m.deposit;
        if (known && type == SCORE_POOL_RECOVER && m.defaulted_unrecovered && lcg(&x) % 2)
            amount = 1 + (int64_t)(lcg(&x) % (uint64_t)m.defaulted_unrecovered);
        if (type == SCORE_POOL_INJECT && lcg(&x) % 3)
            type = SCORE_POOL_LEND;
        char id[16];
        snprintf(id, sizeof id, "r%d", (int)(lcg(&x) % 400));
        score_pool_event e = pool_event(type, type == SCORE_POOL_INJECT ? NULL : who, amount,
                                        (double)(lcg(&x) % 60) / 1000, lcg(&x) % 3 ? NULL : id);
        int rc = score_pool_apply(pool, &e, NULL);
        cr_assert(rc == SCORE_OK || rc == SCORE_EREJECTED, "%d: %s", rc, score_last_error());
        accepted += rc == SCORE_OK;
        refusals += rc != SCORE_OK;
        char when[64];
        snprintf(when, sizeof when, "after event %d", k);
        assert_conserved(pool, when);
    }
    cr_assert_gt(accepted, 300);
    cr_assert_gt(refusals, 100);
    score_pool_state s = pool_state(pool);
    cr_assert_gt(s.defaulted_unrecovered + s.recoveries_paid, 0, "defaults happened");
    score_pool_free(pool);
    pool = open_pool(dir);
    score_pool_state r = pool_state(pool);
    cr_assert(!memcmp(&s, &r, sizeof s), "the replay gives the same state");
    assert_conserved(pool, "after the replay");
    score_pool_free(pool);
    rm_tree(dir);
    free(dir);
}

/* Several threads change one pool at once: every event is applied once,
 * with its own sequence number, and the journal replays to the same state. */
typedef struct thread_arg {
    score_pool *pool;
    int thread;
    uint64_t sequences[64];
    int n;
} thread_arg;

static void *thread_main(void *p)
{
    thread_arg *t = p;
    char uscc[19];
    make_uscc(500 + t->thread, uscc);
    for (int k = 0; k < 64; k++) {
        int type = k == 0 ? SCORE_POOL_JOIN : k % 3 == 1 ? SCORE_POOL_DEPOSIT
                                           : k % 3 == 2 ? SCORE_POOL_LEND : SCORE_POOL_REPAY;
        score_pool_event e = pool_event(type, uscc, type == SCORE_POOL_JOIN ? YUAN(1000) : YUAN(1),
                                        0.01, NULL);
        score_pool_outcome o = {.size = sizeof o};
        if (score_pool_apply(t->pool, &e, &o) != SCORE_OK)
            return (void *)score_last_error();
        t->sequences[t->n++] = o.sequence;
    }
    return NULL;
}

Test(pool_rules, threads_share_one_pool)
{
    char *dir = temp_dir("threads");
    score_pool *pool = new_pool(dir, NULL, 1.0);
    thread_arg args[4];
    pthread_t threads[4];
    for (int t = 0; t < 4; t++) {
        args[t] = (thread_arg){pool, t, {0}, 0};
        cr_assert_eq(pthread_create(&threads[t], NULL, thread_main, &args[t]), 0);
    }
    for (int t = 0; t < 4; t++) {
        void *err;
        pthread_join(threads[t], &err);
        cr_assert_null(err, "thread %d failed", t);
    }
    int seen[257] = {0};
    for (int t = 0; t < 4; t++)
        for (int k = 0; k < args[t].n; k++) {
            cr_assert(args[t].sequences[k] >= 1 && args[t].sequences[k] <= 256);
            cr_assert_eq(seen[args[t].sequences[k]]++, 0, "sequence %llu twice",
                         (unsigned long long)args[t].sequences[k]);
        }
    score_pool_state s = pool_state(pool);
    cr_assert_eq(s.events, 256);
    cr_assert_eq(s.deposits, 4 * (YUAN(1000) + 21 * YUAN(1)));
    cr_assert_eq(s.loans_outstanding, 0);
    assert_conserved(pool, "after the threads");
    score_pool_free(pool);
    pool = open_pool(dir);
    score_pool_state r = pool_state(pool);
    cr_assert(!memcmp(&s, &r, sizeof s));
    score_pool_free(pool);
    rm_tree(dir);
    free(dir);
}

/* Allocation failure: a default and an open
 * fail the 1st, 2nd, ... allocation in turn; each time SCORE_ENOMEM,
 * nothing changed, nothing leaked, and the pool still works. */
Test(pool_rules, allocation_failures)
{
    init_usccs();
    char *dir = temp_dir("alloc");
    score_pool *pool = new_pool(dir, NULL, 1.0);
    ok(pool, SCORE_POOL_INJECT, NULL, YUAN(1000), 0);
    const char *who[] = {A, B, C, D, E, F};
    for (int i = 0; i < 6; i++)
        ok(pool, SCORE_POOL_JOIN, who[i], YUAN(100) + i, 0.02);
    ok(pool, SCORE_POOL_LEND, A, YUAN(2000), 0);
    snapshot before = snap(pool);
    score_pool_event e = pool_event(SCORE_POOL_DEFAULT, A, YUAN(2000), 0, "the-default");
    long succeeded_at = 0;
    for (long nth = 1; nth < 1000 && !succeeded_at; nth++) {
        sc_test_fail_allocation(nth);
        int rc = score_pool_apply(pool, &e, NULL);
        sc_test_fail_allocation(0);
        if (rc == SCORE_OK) {
            succeeded_at = nth;
            break;
        }
        cr_assert_eq(rc, SCORE_ENOMEM, "allocation %ld: %d %s", nth, rc, score_last_error());
        snapshot after = snap(pool);
        cr_assert(!memcmp(&before, &after, sizeof before), "allocation %ld changed the pool", nth);
    }
    /* its event id and its loss record: the other members are not visited */
    cr_assert_eq(succeeded_at, 3, "a default allocates twice: %ld", succeeded_at);
    assert_conserved(pool, "after the default");
    score_pool_state s = pool_state(pool);
    score_pool_free(pool);
    succeeded_at = 0;
    for (long nth = 1; nth < 1000 && !succeeded_at; nth++) {
        score_pool *p = NULL;
        sc_test_fail_allocation(nth);
        int rc = score_pool_open(dir, NULL, &p);
        sc_test_fail_allocation(0);
        if (rc == SCORE_OK) {
            succeeded_at = nth;
            score_pool_state r = pool_state(p);
            cr_assert(!memcmp(&s, &r, sizeof s));
            score_pool_free(p);
            break;
        }
        cr_assert_eq(rc, SCORE_ENOMEM, "allocation %ld: %d %s", nth, rc, score_last_error());
        cr_assert_null(p);
    }
    cr_assert_gt(succeeded_at, 5);
    rm_tree(dir);
    free(dir);
}

/* The deposits as one pool (docs/pools.md, "Deposits as a pool"), worked
 * by hand with exact fractions. A 1,000.00, B 3,000.00, C 6,000.01; A
 * defaults on 10,000.00: its own 1,000.00, then 9,000.00 of the pool of
 * 9,000.01, leaving 0.01, which C holds (B's exact share 0.33 fen, C's
 * 0.67: the largest remainder). A recovery of 4,500.00 goes back to the
 * pool: B 1,500.00 (1,500.0033), C 3,000.01 (3,000.0067). E joins with
 * 2,000.00 and has exactly that; B leaves with its 1,500.00. The second
 * 4,500.00 goes to the pool held by C and E then, pro rata to their
 * deposits 3,000.01 : 2,000.00: C 5,700.01, E 3,800.00 (E, which joined
 * after the loss, gains 1,800.00; B, which left, gets nothing more). */
Test(pool_waterfall, deposits_as_a_pool_by_hand)
{
    init_usccs();
    char *dir = temp_dir("depool");
    score_pool *pool = new_pool(dir, "fuqing", 1.0);
    ok(pool, SCORE_POOL_INJECT, NULL, YUAN(100000), 0);
    ok(pool, SCORE_POOL_JOIN, A, YUAN(1000), 0.02);
    ok(pool, SCORE_POOL_JOIN, B, YUAN(3000), 0.02);
    ok(pool, SCORE_POOL_JOIN, C, YUAN(6000) + 1, 0.02);
    ok(pool, SCORE_POOL_LEND, A, YUAN(10000), 0);
    score_pool_outcome o = ok(pool, SCORE_POOL_DEFAULT, A, YUAN(10000), 0);
    assert_split(&o, YUAN(1000), YUAN(10000), 0, 0, 0, 0);
    cr_assert_eq(member(pool, A).deposit, 0);
    cr_assert_eq(member(pool, B).deposit, 0);
    cr_assert_eq(member(pool, C).deposit, 1);
    cr_assert_eq(member(pool, B).loss_borne, YUAN(3000));
    cr_assert_eq(member(pool, C).loss_borne, YUAN(6000));
    o = ok(pool, SCORE_POOL_RECOVER, A, YUAN(4500), 0);
    assert_split(&o, 0, YUAN(4500), 0, 0, 0, 0);
    cr_assert_eq(member(pool, B).deposit, YUAN(1500));
    cr_assert_eq(member(pool, C).deposit, YUAN(3000) + 1);
    ok(pool, SCORE_POOL_JOIN, E, YUAN(2000), 0.02);
    cr_assert_eq(member(pool, E).deposit, YUAN(2000));
    cr_assert_eq(member(pool, C).deposit, YUAN(3000) + 1);
    o = ok(pool, SCORE_POOL_LEAVE, B, YUAN(1500), 0);
    cr_assert_eq(o.refund, YUAN(1500));
    cr_assert_eq(member(pool, B).loss_borne, YUAN(1500));
    o = ok(pool, SCORE_POOL_RECOVER, A, YUAN(4500), 0);
    assert_split(&o, 0, YUAN(4500), 0, 0, 0, 0);
    cr_assert_eq(member(pool, C).deposit, YUAN(5700) + 1);
    cr_assert_eq(member(pool, E).deposit, YUAN(3800));
    cr_assert_eq(member(pool, E).loss_borne, -YUAN(1800));
    cr_assert_eq(member(pool, C).loss_borne, YUAN(300));
    cr_assert_eq(member(pool, B).loss_borne, YUAN(1500), "it left: nothing more");
    score_pool_state s = pool_state(pool);
    cr_assert_eq(s.deposits, YUAN(9500) + 1);
    cr_assert_eq(s.defaulted_unrecovered, YUAN(1000), "A's own 1,000.00 is still borne");
    cr_assert_eq(member(pool, A).loss_borne, YUAN(1000));
    assert_conserved(pool, "after the pool's recoveries");
    score_pool_free(pool);
    rm_tree(dir);
    free(dir);
}
