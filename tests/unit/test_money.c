#include <criterion/criterion.h>
#include <string.h>

#include "core/json.h"
#include "core/money.h"

static int64_t parse(const char *s)
{
    int64_t fen = -999;
    cr_assert_eq(sc_money_parse(s, strlen(s), &fen), 0, "%s", s);
    return fen;
}

Test(money, parsing_is_exact)
{
    cr_assert_eq(parse("0"), 0);
    cr_assert_eq(parse("1200"), 120000);
    cr_assert_eq(parse("1200.5"), 120050);
    cr_assert_eq(parse("1200.05"), 120005);
    cr_assert_eq(parse("-0.01"), -1);
    cr_assert_eq(parse("999999999999999.99"), INT64_C(99999999999999999));
    const char *bad[] = {"", "-", "1.", ".5", "1.234", "1e3", "+1", "1,000", " 1", "1 ", "abc",
                         "1000000000000001"};
    int64_t fen;
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        cr_assert_eq(sc_money_parse(bad[i], strlen(bad[i]), &fen), -1, "%s", bad[i]);
}

Test(money, from_yuan_as_double)
{
    int64_t fen;
    cr_assert_eq(sc_money_from_yuan(5000000, &fen), 0);
    cr_assert_eq(fen, 500000000);
    cr_assert_eq(sc_money_from_yuan(0.29, &fen), 0);
    cr_assert_eq(fen, 29);
    cr_assert_eq(sc_money_from_yuan(123456789.99, &fen), 0);
    cr_assert_eq(fen, 12345678999);
    cr_assert_eq(sc_money_from_yuan(0.001, &fen), -1);
    cr_assert_eq(sc_money_from_yuan(1.0 / 0.0, &fen), -1);
}

Test(money, format)
{
    char out[32];
    sc_money_format(-1205, out);
    cr_assert_str_eq(out, "-12.05");
    sc_money_format(7, out);
    cr_assert_str_eq(out, "0.07");
    sc_money_format(INT64_MIN, out);
    cr_assert_str_eq(out, "-92233720368547758.08");
}

Test(money, largest_remainder_split_adds_up)
{
    int64_t parts[4];
    double w[3] = {1, 1, 1};
    uint32_t order[3] = {2, 0, 1};
    cr_assert_eq(sc_money_split(100, w, order, 3, parts), SCORE_OK);
    /* 33.33 each; the one fen left goes to the lowest order key: index 1 */
    cr_assert(parts[0] == 33 && parts[1] == 34 && parts[2] == 33);
    double w2[3] = {0.4, 0.3, 0.3};
    cr_assert_eq(sc_money_split(-1001, w2, NULL, 3, parts), SCORE_OK);
    cr_assert_eq(parts[0] + parts[1] + parts[2], -1001);
    cr_assert_eq(parts[0], -401);
    double zero[2] = {0, 0};
    cr_assert_eq(sc_money_split(5, zero, NULL, 2, parts), SCORE_EINVAL);
    double w3[4] = {0, 5, 0, 5};
    cr_assert_eq(sc_money_split(3, w3, NULL, 4, parts), SCORE_OK);
    cr_assert(parts[0] == 0 && parts[2] == 0 && parts[1] + parts[3] == 3);
}

Test(json, errors_name_where_and_what)
{
    json_t *root;
    cr_assert_eq(sc_json_parse("{\"a\": 1,\n \"b\": }", 17, "c.json", &root), SCORE_EFORMAT);
    cr_assert(strstr(score_last_error(), "c.json:2:"), "%s", score_last_error());
    cr_assert_eq(sc_json_parse("[1]", 3, "c.json", &root), SCORE_EFORMAT);
    cr_assert_eq(sc_json_parse("{\"a\":1,\"a\":2}", 13, "c.json", &root), SCORE_EFORMAT);
    const char *text = "{\"rate\": 0.5, \"amount\": 12.345, \"typo\": 1}";
    cr_assert_eq(sc_json_parse(text, strlen(text), "c.json", &root), SCORE_OK);
    const char *keys[] = {"rate", "amount", NULL};
    cr_assert_eq(sc_json_check_keys(root, "c.json", keys), SCORE_EFORMAT);
    cr_assert(strstr(score_last_error(), "unknown key \"typo\""), "%s", score_last_error());
    double rate = 0;
    cr_assert_eq(sc_json_number(root, "rate", "c.json", 0, 0.4, &rate), SCORE_EFORMAT);
    cr_assert(strstr(score_last_error(), "c.json.rate"), "%s", score_last_error());
    cr_assert_eq(sc_json_number(root, "rate", "c.json", 0, 1, &rate), SCORE_OK);
    cr_assert_float_eq(rate, 0.5, 0);
    int64_t fen = 0;
    cr_assert_eq(sc_json_money(root, "amount", "c.json", 0, SC_MONEY_MAX_FEN, &fen), SCORE_EFORMAT);
    cr_assert_eq(sc_json_money(root, "missing", "c.json", 0, SC_MONEY_MAX_FEN, &fen), SCORE_OK);
    cr_assert_eq(fen, 0);
    json_decref(root);
}
