#include <criterion/criterion.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "score.h"

Test(core, version_matches_header)
{
    cr_assert_eq(score_version(), SCORE_VERSION_NUMBER);
    cr_assert_str_eq(score_version_string(), SCORE_VERSION_STRING);
}

Test(core, every_status_code_has_a_name)
{
    for (int code = 0; code >= SCORE_ELIMIT; code--)
        cr_assert(strncmp(score_strerror(code), "SCORE_", 6) == 0, "code %d", code);
    cr_assert_str_eq(score_strerror(-999), "unknown status code");
    cr_assert_str_eq(score_strerror(1), "unknown status code");
}

static void *fail_in_thread(void *arg)
{
    (void)arg;
    score_panel_new(NULL);
    return (void *)score_last_error();
}

Test(core, last_error_is_per_thread)
{
    score_panel *panel;
    cr_assert_eq(score_panel_new(&panel), SCORE_OK);
    cr_assert_eq(score_panel_series(panel, "914403001922038216", "tax", "sales", "2024-13", NULL,
                                    NULL, 0, NULL),
                 SCORE_EINVAL);
    char mine[256];
    snprintf(mine, sizeof mine, "%s", score_last_error());
    pthread_t t;
    pthread_create(&t, NULL, fail_in_thread, NULL);
    void *theirs;
    pthread_join(t, &theirs);
    cr_assert_str_eq(score_last_error(), mine, "another thread's failure changed this thread's message");
    score_panel_free(panel);
}

Test(core, free_functions_accept_null)
{
    score_panel_free(NULL);
}

Test(core, options_with_a_bad_size_are_refused)
{
    score_panel *panel;
    score_panel_new(&panel);
    score_read_options o;
    score_read_options_init(&o);
    o.size = sizeof o + 8;
    cr_assert_eq(score_panel_read_buffer(panel, "x", "", 0, &o, NULL), SCORE_EINVAL);
    cr_assert(strstr(score_last_error(), "options->size"));
    score_read_counts c = {0};
    cr_assert_eq(score_panel_read_buffer(panel, "x", "", 0, NULL, &c), SCORE_EINVAL);
    cr_assert(strstr(score_last_error(), "counts->size"));
    score_panel_free(panel);
}

Test(core, signal_fields_are_enumerated)
{
    cr_assert_eq(score_signal_n_fields(), 30);
    const char *source, *field;
    cr_assert_eq(score_signal_field(7, &source, &field), SCORE_OK);
    cr_assert_str_eq(source, "tax");
    cr_assert_str_eq(field, "sales");
    cr_assert_eq(score_signal_field(30, &source, &field), SCORE_EINVAL);
    cr_assert_eq(score_signal_n_sources(), 9);
    cr_assert_str_eq(score_signal_source(8), "equity");
    cr_assert_null(score_signal_source(9));
}

/* ---- the seeded generator (core/rng.h) ------------------------------------ */

#include "core/core.h"
#include "core/rng.h"

/* The first outputs of the three generators the library had before they
 * were written once in core (synth/synth.h, pool/simulate.c, model/train.c),
 * computed with that code: the core generator must reproduce them bit for
 * bit, or every seeded result (synthetic data, simulations, splits) moves. */
Test(core, generator_streams_keep_their_sequences)
{
    static const uint64_t starstar[4] = {
        UINT64_C(0x527cd41ffd26035c), UINT64_C(0x3becf992578b3766),
        UINT64_C(0x9312a089e95692bf), UINT64_C(0xd18186378e2fd64e)};
    sc_rng r;
    sc_rng_seed(&r, 42, 3, 7);
    for (int i = 0; i < 4; i++)
        cr_assert_eq(sc_rng_next(&r), starstar[i], "xoshiro256** output %d", i);
    cr_assert_eq(sc_rng_uniform(&r), 0.43036778651330609);

    /* the pool's block stream: splitmix64 of the block, xor the seed */
    static const uint64_t plus[4] = {
        UINT64_C(0xaab1588022852f2a), UINT64_C(0x7d2db7d1993f74f0),
        UINT64_C(0x00db6da094189fe0), UINT64_C(0x2c3c561af5d77b02)};
    uint64_t x = UINT64_C(5) ^ UINT64_C(0x6a09e667f3bcc909);
    sc_rng_seed_state(&r, sc_splitmix64(&x) ^ 42);
    for (int i = 0; i < 4; i++)
        cr_assert_eq(sc_rng_next_plus(&r), plus[i], "xoshiro256+ output %d", i);

    /* the training split's key */
    cr_assert_eq(sc_rng_hash(0), UINT64_C(0xe220a8397b1dcdaf));
    cr_assert_eq(sc_rng_hash(12345 ^ sc_rng_hash(1)), UINT64_C(0x13fc06247e2add28));
}

Test(core, generator_streams_are_independent_of_order)
{
    sc_rng a, b;
    sc_rng_seed(&a, 7, 1, 1000);
    uint64_t first = sc_rng_next(&a);
    for (uint64_t index = 0; index < 1000; index++) {
        sc_rng_seed(&b, 7, 1, index);
        cr_assert_neq(sc_rng_next(&b), first, "stream %llu repeats stream 1000",
                      (unsigned long long)index);
    }
    sc_rng_seed(&b, 7, 1, 1000);
    cr_assert_eq(sc_rng_next(&b), first);
    sc_rng_seed(&b, 7, 2, 1000);
    cr_assert_neq(sc_rng_next(&b), first, "another domain gives another stream");
    sc_rng_seed(&b, 8, 1, 1000);
    cr_assert_neq(sc_rng_next(&b), first, "another seed gives another stream");
}

Test(core, generator_uniform_lies_in_the_unit_interval)
{
    sc_rng r;
    sc_rng_seed(&r, 1, 1, 0);
    double sum = 0;
    for (int i = 0; i < 100000; i++) {
        double u = sc_rng_uniform(&r);
        cr_assert(u >= 0 && u < 1, "draw %d is %.17g", i, u);
        sum += u;
    }
    cr_assert(sum / 100000 > 0.49 && sum / 100000 < 0.51, "mean %g", sum / 100000);
}

/* ---- the USCC check character (core/uscc.c) ------------------------------- */

Test(core, uscc_check_character_of_real_codes)
{
    cr_assert_eq(sc_uscc_check_char("91440300192203821"), '6');
    cr_assert_eq(sc_uscc_check_char("91330100799655058"), 'B');
    cr_assert_eq(sc_uscc_check_char("9133010079965505I"), 0, "I is not a code character");
    cr_assert_eq(sc_uscc_value('0'), 0);
    cr_assert_eq(sc_uscc_value('Y'), 30);
    cr_assert_eq(sc_uscc_value('Z'), -1);
    cr_assert_eq(sc_uscc_value('a'), -1);
    cr_assert_eq(strlen(sc_uscc_alphabet), 31u);
}
