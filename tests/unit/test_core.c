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
