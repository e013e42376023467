#include <math.h>
#include <stdio.h>
#include <string.h>

#include "scorecard.h"

#define REASON(code, fmt, zh, en, zt, et) {code, fmt, zh, en, zt, et, NULL, NULL}
#define FLAG(code, zh, en, zt, et, zh0, en0) {code, R_FLAG, zh, en, zt, et, zh0, en0}
#define SECTION(letter) {"INDUSTRY_" letter, R_SECTION, "所属行业门类 %s", "industry section %s", \
                         "行业", "the industry", NULL, NULL}

/* One entry per column of feature spec v1, in its order. Codes are stable:
 * never change one, only add. */
const sc_reason_info sc_reasons[SC_N_FEATURES] = {
    REASON("SALES_LOW", R_YUAN, "近12个月开票销售额 %s", "invoiced sales of %s in the last 12 months", "开票销售", "invoiced sales"),
    REASON("TAX_PAID_LOW", R_YUAN, "近12个月纳税额 %s", "tax paid of %s in the last 12 months", "纳税", "tax paid"),
    REASON("PWR_LOW", R_KWH, "近12个月用电量 %s", "power use of %s in the last 12 months", "用电", "power use"),
    REASON("WATER_USE", R_M3, "近12个月用水量 %s", "water use of %s in the last 12 months", "用水", "water use"),
    REASON("STAFF_FEW", R_COUNT, "参保职工 %s 人", "%s insured employees", "社保参保", "insured employees"),
    REASON("REG_CAPITAL", R_YUAN, "注册资本 %s", "registered capital of %s", "注册资本", "registered capital"),
    REASON("SALES_DROP_YOY", R_CHANGE, "开票销售额较去年同期%s", "invoiced sales %s on the same quarter last year", "开票销售同比", "year-on-year sales"),
    REASON("SALES_DROP_QOQ", R_CHANGE, "开票销售额较上季度%s", "invoiced sales %s on the previous quarter", "开票销售环比", "quarter-on-quarter sales"),
    REASON("SALES_DROP_12M", R_CHANGE, "近12个月开票销售额较前12个月%s", "invoiced sales of the last 12 months %s on the 12 before", "开票销售年度", "12-month sales"),
    REASON("PWR_DROP_YOY", R_CHANGE, "用电量较去年同期%s", "power use %s on the same quarter last year", "用电同比", "year-on-year power use"),
    REASON("PWR_DROP", R_CHANGE, "用电量较上季度%s", "power use %s on the previous quarter", "用电环比", "quarter-on-quarter power use"),
    REASON("STAFF_DROP_YOY", R_CHANGE, "参保人数较一年前%s", "insured headcount %s on a year before", "参保人数同比", "year-on-year headcount"),
    REASON("STAFF_DROP_QOQ", R_CHANGE, "参保人数较上季度%s", "insured headcount %s on the previous quarter", "参保人数环比", "quarter-on-quarter headcount"),
    REASON("ORDERS_DROP_YOY", R_CHANGE, "新签订单较去年同期%s", "new orders %s on the same quarter last year", "订单同比", "year-on-year orders"),
    REASON("SALES_BELOW_AVG", R_CHANGE, "近一季度开票销售额较近12个月月均%s", "invoiced sales of the last quarter %s on the 12-month average", "开票销售较年均", "sales against the 12-month average"),
    REASON("PWR_BELOW_AVG", R_CHANGE, "近一季度用电量较近12个月月均%s", "power use of the last quarter %s on the 12-month average", "用电较年均", "power use against the 12-month average"),
    REASON("STAFF_BELOW_AVG", R_CHANGE, "参保人数较近12个月平均%s", "insured headcount %s on its 12-month average", "参保人数较年均", "headcount against the 12-month average"),
    REASON("SALES_VOLATILE", R_CV, "月度开票销售额波动大（变异系数 %s）", "volatile monthly sales (coefficient of variation %s)", "销售波动", "sales volatility"),
    REASON("PWR_VOLATILE", R_CV, "月度用电量波动大（变异系数 %s）", "volatile monthly power use (coefficient of variation %s)", "用电波动", "power volatility"),
    REASON("TAX_ARREARS", R_YUAN, "欠缴税款 %s", "overdue tax of %s", "欠税", "tax arrears"),
    REASON("PWR_ARREARS", R_YUAN, "拖欠电费 %s", "overdue electricity bills of %s", "电费欠缴", "power arrears"),
    REASON("SOCIAL_ARREARS", R_YUAN, "欠缴社保费 %s", "overdue social insurance of %s", "社保欠缴", "social insurance arrears"),
    REASON("ARREARS_HIGH", R_TIMES, "欠缴款项合计相当于 %s 个月销售额", "arrears equal to %s months of sales", "欠缴与销售", "arrears against sales"),
    REASON("ARREARS_REPEAT", R_COUNT, "近12个月中有 %s 个月存在欠缴", "arrears in %s of the last 12 months", "欠缴记录", "arrears"),
    REASON("NO_INVOICES", R_COUNT, "近12个月中有 %s 个月无开票", "%s of the last 12 months without invoiced sales", "开票", "invoices"),
    REASON("SALES_DECLINING", R_COUNT, "开票销售额连续 %s 个月下降", "invoiced sales down %s months in a row", "月度销售", "monthly sales"),
    REASON("PWR_DECLINING", R_COUNT, "用电量连续 %s 个月下降", "power use down %s months in a row", "月度用电", "monthly power use"),
    REASON("LAWSUIT_NEW", R_COUNT, "近3个月新增被诉案件 %s 起", "%s new lawsuits as defendant in the last 3 months", "涉诉", "lawsuits"),
    REASON("LAWSUITS", R_COUNT, "近12个月新增被诉案件 %s 起", "%s new lawsuits as defendant in the last 12 months", "涉诉", "lawsuits"),
    REASON("ENFORCEMENT", R_YUAN, "近12个月新增被执行金额 %s", "%s newly under court enforcement in the last 12 months", "被执行", "court enforcement"),
    FLAG("DISHONEST", "被列入失信被执行人名单", "on the list of dishonest judgment debtors", "失信记录", "the dishonest-debtor list", "未列入失信被执行人名单", "not on the list of dishonest judgment debtors"),
    REASON("INFLATED_SALES", R_POINTS, "销售额增速%s用电量增速 %s", "sales growth %s power growth", "销售与用电", "sales against power use"),
    REASON("SALES_STAFF_GAP", R_POINTS, "销售额增速%s参保人数增速 %s", "sales growth %s headcount growth", "销售与用工", "sales against headcount"),
    REASON("TAX_RATE", R_SHARE, "纳税额占销售额 %s", "tax paid %s of sales", "税负", "tax paid against sales"),
    REASON("SALES_PER_STAFF", R_YUAN, "人均销售额 %s", "sales of %s per employee", "人均销售", "sales per employee"),
    REASON("RECEIVABLES_HIGH", R_TIMES, "应收账款相当于 %s 个月销售额", "receivables equal to %s months of sales", "应收账款", "receivables"),
    REASON("BUYER_CONCENTRATION", R_SHARE, "第一大客户订单占比 %s", "largest buyer %s of orders", "客户集中度", "buyer concentration"),
    REASON("BUYER_CONC_RISING", R_POINTS, "第一大客户占比较前9个月%s %s", "largest buyer's share %s on the 9 months before", "客户集中度变化", "the change in buyer concentration"),
    REASON("CHAIN_SHARE_LOW", R_SHARE, "链主企业订单占比 %s", "chain-leader buyers %s of orders", "链主订单", "chain-leader orders"),
    REASON("ORDER_COVER_LOW", R_SHARE, "新签订单为销售额的 %s", "new orders %s of sales", "订单与销售", "orders against sales"),
    REASON("ORDERS_LOW", R_YUAN, "近12个月新签订单 %s", "new orders of %s in the last 12 months", "订单", "orders"),
    REASON("PATENTS_FEW", R_COUNT, "发明专利 %s 件", "%s invention patents", "专利", "patents"),
    REASON("UTILITY_FEW", R_COUNT, "实用新型专利 %s 件", "%s utility-model patents", "专利", "patents"),
    REASON("DESIGN_FEW", R_COUNT, "外观设计专利 %s 件", "%s design patents", "专利", "patents"),
    REASON("SOFTWARE_FEW", R_COUNT, "软件著作权 %s 件", "%s software copyrights", "软件著作权", "software copyrights"),
    REASON("PATENTS_RECENT_FEW", R_COUNT, "近12个月新获专利 %s 件", "%s patents granted in the last 12 months", "专利", "patents"),
    REASON("PATENTS_PLEDGED", R_COUNT, "已质押专利 %s 件", "%s patents pledged as collateral", "专利质押", "patent pledges"),
    FLAG("NOT_HITECH", "高新技术企业", "a certified high-tech enterprise", "高新技术企业认定", "high-tech certification", "非高新技术企业", "not a certified high-tech enterprise"),
    FLAG("NOT_SRDI", "专精特新中小企业", "a recognised SRDI SME", "专精特新认定", "SRDI recognition", "未获专精特新认定", "not a recognised SRDI SME"),
    FLAG("NOT_LITTLE_GIANT", "专精特新“小巨人”企业", "a national little-giant enterprise", "小巨人认定", "little-giant recognition", "非专精特新“小巨人”企业", "not a national little-giant enterprise"),
    REASON("EQUITY_LOW", R_YUAN, "近24个月股权融资 %s", "equity financing of %s in the last 24 months", "股权融资", "equity financing"),
    FLAG("NO_GOV_FUND", "获政府引导基金投资", "backed by a government guidance fund", "政府基金投资", "government fund backing", "无政府引导基金或国家创投基金投资", "no government or national venture fund among investors"),
    REASON("EQUITY_STALE", R_MONTHS, "距上次股权融资 %s 个月", "%s months since the last equity round", "股权融资", "equity rounds"),
    REASON("YOUNG_FIRM", R_MONTHS, "成立 %s 个月", "registered %s months ago", "成立日期", "the registration date"),
    REASON("TAX_RATING", R_RATING, "纳税信用等级 %s", "tax credit rating %s", "纳税信用等级", "the tax credit rating"),
    REASON("TAX_DATA_THIN", R_COUNT, "近24个月仅 %s 个月有开票数据", "invoice data for %s of the last 24 months", "开票", "invoices"),
    REASON("PWR_DATA_THIN", R_COUNT, "近24个月仅 %s 个月有用电数据", "power data for %s of the last 24 months", "用电", "power use"),
    REASON("WATER_DATA_THIN", R_COUNT, "近24个月仅 %s 个月有用水数据", "water data for %s of the last 24 months", "用水", "water use"),
    REASON("SOCIAL_DATA_THIN", R_COUNT, "近24个月仅 %s 个月有社保数据", "social insurance data for %s of the last 24 months", "社保", "social insurance"),
    REASON("ORDERS_DATA_THIN", R_COUNT, "近24个月仅 %s 个月有订单数据", "orders data for %s of the last 24 months", "订单", "orders"),
    REASON("HISTORY_SHORT", R_MONTHS, "数据记录仅 %s 个月", "records go back %s months", "历史记录", "history"),
    SECTION("A"), SECTION("B"), SECTION("C"), SECTION("D"), SECTION("E"), SECTION("F"),
    SECTION("G"), SECTION("H"), SECTION("I"), SECTION("J"), SECTION("K"), SECTION("L"),
    SECTION("M"), SECTION("N"), SECTION("O"), SECTION("P"), SECTION("Q"), SECTION("R"),
    SECTION("S"), SECTION("T"),
};

static const char *const section_zh[20] = {
    "农、林、牧、渔业", "采矿业", "制造业", "电力、热力、燃气及水生产和供应业", "建筑业",
    "批发和零售业", "交通运输、仓储和邮政业", "住宿和餐饮业", "信息传输、软件和信息技术服务业",
    "金融业", "房地产业", "租赁和商务服务业", "科学研究和技术服务业", "水利、环境和公共设施管理业",
    "居民服务、修理和其他服务业", "教育", "卫生和社会工作", "文化、体育和娱乐业",
    "公共管理、社会保障和社会组织", "国际组织",
};

static const char *const section_en[20] = {
    "agriculture, forestry, animal husbandry and fishery", "mining", "manufacturing",
    "electricity, heat, gas and water supply", "construction", "wholesale and retail trade",
    "transport, storage and post", "accommodation and catering",
    "information transmission, software and IT services", "finance", "real estate",
    "leasing and business services", "scientific research and technical services",
    "water, environment and public facilities", "resident services and repair", "education",
    "health and social work", "culture, sports and entertainment",
    "public administration and social organisations", "international organisations",
};

/* 12,345,678 */
static void grouped(char *out, size_t cap, double v)
{
    char digits[64];
    sc_snprintf(digits, sizeof digits, "%.0f", fabs(v));
    size_t n = strlen(digits), o = 0;
    if (v < 0 && o + 1 < cap)
        out[o++] = '-';
    for (size_t i = 0; i < n && o + 2 < cap; i++) {
        out[o++] = digits[i];
        if ((n - i - 1) % 3 == 0 && i + 1 < n)
            out[o++] = ',';
    }
    out[o] = '\0';
}

static void amount(double v, const char *unit_zh, const char *unit_en, char *zh, char *en,
                   size_t cap)
{
    double a = fabs(v);
    if (!isfinite(v)) {
        /* features are never infinite; a caller's own value may be */
        sc_snprintf(zh, cap, "无法计算");
        sc_snprintf(en, cap, "not computable");
        return;
    }
    if (a >= 1e8)
        sc_snprintf(zh, cap, "%.2f亿%s", v / 1e8, unit_zh);
    else if (a >= 1e4)
        sc_snprintf(zh, cap, "%.1f万%s", v / 1e4, unit_zh);
    else
        sc_snprintf(zh, cap, "%.0f%s", v, unit_zh);
    if (a >= 1e6)
        sc_snprintf(en, cap, "%.2f million %s", v / 1e6, unit_en);
    else {
        char g[48];
        grouped(g, sizeof g, v);
        sc_snprintf(en, cap, "%s %s", g, unit_en);
    }
}

/* The number of a reason, written for each language. */
static void number_text(const sc_reason_info *r, size_t feature, double v, char *zh, char *en,
                        size_t cap)
{
    static const char ratings[] = "?ABMCD";
    switch (r->format) {
    case R_YUAN: amount(v, "元", "yuan", zh, en, cap); break;
    case R_KWH: amount(v, "千瓦时", "kWh", zh, en, cap); break;
    case R_M3: amount(v, "立方米", "m3", zh, en, cap); break;
    case R_COUNT:
    case R_MONTHS:
        sc_snprintf(zh, cap, "%.0f", v);
        sc_snprintf(en, cap, "%.0f", v);
        break;
    case R_CHANGE: {
        /* a reason is what pushes the risk up: growth that does so is too
           little growth, and must not read like good news */
        int too_little = v >= 0 && sc_feature_spec[feature].direction < 0;
        sc_snprintf(zh, cap, "%s %.0f%%", v < 0 ? "下降" : too_little ? "仅增长" : "增长", fabs(v) * 100);
        sc_snprintf(en, cap, "%s %.0f%%", v < 0 ? "down" : too_little ? "up only" : "up", fabs(v) * 100);
        break;
    }
    case R_SHARE:
        sc_snprintf(zh, cap, "%.0f%%", v * 100);
        sc_snprintf(en, cap, "%.0f%%", v * 100);
        break;
    case R_POINTS: /* zh: the direction word here, the points in sc_reason_text */
        if (strstr(r->code, "BUYER")) {
            sc_snprintf(zh, cap, "%s", v < 0 ? "下降" : "上升");
            sc_snprintf(en, cap, "%s %.0f points", v < 0 ? "down" : "up", fabs(v) * 100);
        } else {
            sc_snprintf(zh, cap, "%s", v < 0 ? "低于" : "高于");
            sc_snprintf(en, cap, "%.0f points %s", fabs(v) * 100, v < 0 ? "below" : "above");
        }
        break;
    case R_TIMES:
    case R_CV:
        sc_snprintf(zh, cap, "%.1f", v);
        sc_snprintf(en, cap, "%.1f", v);
        break;
    case R_RATING: {
        int k = (int)v;
        sc_snprintf(zh, cap, "%c", k >= 1 && k <= 5 ? ratings[k] : '?');
        sc_snprintf(en, cap, "%c", k >= 1 && k <= 5 ? ratings[k] : '?');
        break;
    }
    case R_SECTION: {
        size_t s = feature - FT_INDUSTRY_A;
        sc_snprintf(zh, cap, "%c（%s）%s", (char)('A' + s), section_zh[s], v == 1 ? "" : "以外");
        sc_snprintf(en, cap, "%s%c (%s)", v == 1 ? "" : "other than ", (char)('A' + s), section_en[s]);
        break;
    }
    case R_FLAG:
        zh[0] = en[0] = '\0';
        break;
    }
}

void sc_reason_text(size_t feature, double value, sc_str *zh, sc_str *en)
{
    const sc_reason_info *r = &sc_reasons[feature];
    if (isnan(value)) {
        sc_str_printf(zh, "无%s数据", r->zh_topic);
        sc_str_printf(en, "no data on %s", r->en_topic);
        return;
    }
    if (r->format == R_FLAG) {
        sc_str_puts(zh, value == 1 ? r->zh : r->zh_off);
        sc_str_puts(en, value == 1 ? r->en : r->en_off);
        return;
    }
    char nzh[160], nen[160];
    number_text(r, feature, value, nzh, nen, sizeof nzh);
    if (r->format == R_POINTS) {
        char points[64];
        sc_snprintf(points, sizeof points, "%.0f 个百分点", fabs(value) * 100);
        sc_str_printf(zh, r->zh, nzh, points);
    } else {
        sc_str_printf(zh, r->zh, nzh);
    }
    sc_str_printf(en, r->en, nen);
}

void sc_top_reasons(const double *c, size_t n, size_t k, int *out)
{
    for (size_t i = 0; i < k; i++)
        out[i] = -1;
    for (size_t j = 0; j < n; j++) {
        if (!(c[j] > 0))
            continue;
        /* insert j into the sorted top list; equal contributions keep the lower index */
        size_t pos = k;
        while (pos > 0 && (out[pos - 1] < 0 || c[out[pos - 1]] < c[j]))
            pos--;
        if (pos >= k)
            continue;
        for (size_t i = k - 1; i > pos; i--)
            out[i] = out[i - 1];
        out[pos] = (int)j;
    }
}
