#include <criterion/criterion.h>
#include <string.h>

#include "helpers.h"

Test(uscc, real_codes_from_the_standard_pass)
{
    cr_assert(score_uscc_valid("914403001922038216"));
    cr_assert(score_uscc_valid("91330100799655058B"));
}

Test(uscc, every_wrong_check_character_fails)
{
    const char alphabet[] = "0123456789ABCDEFGHJKLMNPQRTUWXY";
    char code[19] = "914403001922038216";
    int passes = 0;
    for (const char *c = alphabet; *c; c++) {
        code[17] = *c;
        passes += score_uscc_valid(code);
    }
    cr_assert_eq(passes, 1);
}

Test(uscc, malformed_codes_fail)
{
    cr_assert_not(score_uscc_valid(NULL));
    cr_assert_not(score_uscc_valid(""));
    cr_assert_not(score_uscc_valid("91440300192203821"));    /* 17 characters */
    cr_assert_not(score_uscc_valid("9144030019220382160"));  /* 19 */
    cr_assert_not(score_uscc_valid("91330100799655058b"));   /* lower case */
    cr_assert_not(score_uscc_valid("91440300I922038216"));   /* I is not in the alphabet */
    cr_assert_not(score_uscc_valid("91440300O922038216"));   /* nor O */
}

Test(uscc, a_line_with_a_bad_code_is_rejected_naming_column_1)
{
    diag_log log;
    score_read_counts c;
    cr_assert_eq(read_text("uscc,source,field,period,value\n"
                           "914403001922038217,tax,sales,2024-01,1\n"
                           "91330100799655058b,tax,sales,2024-01,1\n"
                           "9144030019220382,tax,sales,2024-01,1\n"
                           "91440300I922038216,tax,sales,2024-01,1\n"
                           "914403001922038216,tax,sales,2024-01,1\n",
                           0, &c, &log, NULL),
                 SCORE_OK);
    cr_assert_eq(c.rejected, 4);
    cr_assert_eq(c.accepted, 1);
    cr_assert(log_has(&log, "t.csv:2:1: uscc: check character is '7', expected '6'"), "%s", log.text[0]);
    cr_assert(log_has(&log, "t.csv:3:1: uscc: character 18 'b' is lower case"), "%s", log.text[1]);
    cr_assert(log_has(&log, "t.csv:4:1: uscc: expected an 18-character"), "%s", log.text[2]);
    cr_assert(log_has(&log, "t.csv:5:1: uscc: character 9 is not one of"), "%s", log.text[3]);
}
