/* The reason catalogue of feature spec v1: stable, unique codes and texts in
 * Chinese and English that quote the enterprise's own numbers. */
#include <criterion/criterion.h>
#include <math.h>
#include <string.h>

#include "scorecard/scorecard.h"

static void texts(const char *feature, double value, char *zh, char *en)
{
    size_t index;
    cr_assert_eq(score_feature_index(feature, &index), SCORE_OK);
    sc_str a, b;
    sc_str_init(&a);
    sc_str_init(&b);
    sc_reason_text(index, value, &a, &b);
    snprintf(zh, 256, "%s", a.data);
    snprintf(en, 256, "%s", b.data);
    sc_str_free(&a);
    sc_str_free(&b);
}

#define EXPECT(feature, value, want_zh, want_en) do { char zh_[256], en_[256]; \
    texts(feature, value, zh_, en_); cr_assert_str_eq(zh_, want_zh); cr_assert_str_eq(en_, want_en); } while (0)

Test(reasons, every_feature_has_a_unique_code)
{
    for (size_t i = 0; i < SC_N_FEATURES; i++) {
        cr_assert(sc_reasons[i].code && strlen(sc_reasons[i].code) >= 3);
        for (const char *c = sc_reasons[i].code; *c; c++)
            cr_assert((*c >= 'A' && *c <= 'Z') || *c == '_' || (*c >= '0' && *c <= '9'));
        for (size_t j = 0; j < i; j++)
            cr_assert_str_neq(sc_reasons[i].code, sc_reasons[j].code);
    }
    cr_assert_str_eq(sc_reasons[FT_POWER_QOQ].code, "PWR_DROP");
}

Test(reasons, texts_quote_the_numbers)
{
    EXPECT("power_qoq", -0.38, "用电量较上季度下降 38%", "power use down 38% on the previous quarter");
    EXPECT("sales_yoy", 0.126, "开票销售额较去年同期仅增长 13%", "invoiced sales up only 13% on the same quarter last year");
    EXPECT("sales_yoy", -0.38, "开票销售额较去年同期下降 38%", "invoiced sales down 38% on the same quarter last year");
    EXPECT("tax_arrears", 56000, "欠缴税款 5.6万元", "overdue tax of 56,000 yuan");
    EXPECT("sales_12m", 12345678, "近12个月开票销售额 1234.6万元", "invoiced sales of 12.35 million yuan in the last 12 months");
    EXPECT("sales_12m", 250000000, "近12个月开票销售额 2.50亿元", "invoiced sales of 250.00 million yuan in the last 12 months");
    EXPECT("lawsuits_12m", 3, "近12个月新增被诉案件 3 起", "3 new lawsuits as defendant in the last 12 months");
    EXPECT("dishonest_listed", 1, "被列入失信被执行人名单", "on the list of dishonest judgment debtors");
    EXPECT("hitech", 0, "非高新技术企业", "not a certified high-tech enterprise");
    EXPECT("sales_power_gap", 0.45, "销售额增速高于用电量增速 45 个百分点", "sales growth 45 points above power growth");
    EXPECT("top_buyer_share", 0.72, "第一大客户订单占比 72%", "largest buyer 72% of orders");
    EXPECT("top_buyer_share_change", 0.2, "第一大客户占比较前9个月上升 20 个百分点", "largest buyer's share up 20 points on the 9 months before");
    EXPECT("tax_rating", 4, "纳税信用等级 C", "tax credit rating C");
    EXPECT("power_12m", 8500, "近12个月用电量 8500千瓦时", "power use of 8,500 kWh in the last 12 months");
    EXPECT("receivables_to_sales", 4.25, "应收账款相当于 4.2 个月销售额", "receivables equal to 4.2 months of sales");
    EXPECT("industry_C", 1, "所属行业门类 C（制造业）", "industry section C (manufacturing)");
    EXPECT("power_qoq", NAN, "无用电环比数据", "no data on quarter-on-quarter power use");
}

Test(reasons, every_template_renders_for_every_kind_of_value)
{
    const double values[] = {0, 1, -0.5, 3.75, 1e9, -1e9, NAN};
    for (size_t i = 0; i < SC_N_FEATURES; i++)
        for (size_t k = 0; k < sizeof values / sizeof values[0]; k++) {
            sc_str zh, en;
            sc_str_init(&zh);
            sc_str_init(&en);
            sc_reason_text(i, values[k], &zh, &en);
            cr_assert(zh.len > 0 && en.len > 0, "feature %zu value %g", i, values[k]);
            cr_assert_null(strchr(zh.data, '%') ? strstr(zh.data, "%s") : NULL);
            cr_assert_null(strstr(en.data, "%s"));
            sc_str_free(&zh);
            sc_str_free(&en);
        }
}

Test(reasons, every_code_is_documented)
{
    FILE *doc = fopen(TEST_SOURCE_DIR "/docs/reasons.md", "r");
    cr_assert_not_null(doc);
    static char body[1 << 16];
    body[fread(body, 1, sizeof body - 1, doc)] = '\0';
    fclose(doc);
    for (size_t i = 0; i < FT_INDUSTRY_A; i++) {
        char needle[96];
        snprintf(needle, sizeof needle, "| `%s` | `%s` |", sc_reasons[i].code, sc_feature_spec[i].name);
        cr_assert(strstr(body, needle), "docs/reasons.md lacks %s", needle);
    }
}
