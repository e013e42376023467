/* What all synthetic firms share: tables, calendar, cluster shocks. */
#include <string.h>

#include "synth.h"

/* ---- industries (GB/T 4754-2017 classes of sci-tech firms) ------------- */

const syn_industry syn_industries[] = {
    /* code     kind                 sales power patents */
    {"C2761", KIND_MANUFACTURING, 0.6, 0.7, 1.6},   /* 0  biological medicines */
    {"C2762", KIND_MANUFACTURING, 0.5, 0.6, 1.8},   /* 1  genetic drugs and vaccines */
    {"C3491", KIND_MANUFACTURING, 1.1, 1.0, 1.2},   /* 2  industrial robots */
    {"C3562", KIND_MANUFACTURING, 1.0, 1.1, 1.4},   /* 3  semiconductor equipment */
    {"C3581", KIND_MANUFACTURING, 0.9, 0.6, 1.3},   /* 4  medical diagnosis equipment */
    {"C3584", KIND_MANUFACTURING, 0.8, 0.7, 1.0},   /* 5  medical and surgical instruments */
    {"C3841", KIND_MANUFACTURING, 1.6, 1.6, 1.0},   /* 6  lithium-ion batteries */
    {"C3849", KIND_MANUFACTURING, 1.0, 1.3, 0.8},   /* 7  other batteries */
    {"C3913", KIND_MANUFACTURING, 1.0, 0.9, 0.9},   /* 8  computer peripherals */
    {"C3914", KIND_MANUFACTURING, 0.9, 0.8, 1.1},   /* 9  industrial control computers */
    {"C3921", KIND_MANUFACTURING, 1.2, 0.9, 1.3},   /* 10 communication system equipment */
    {"C3922", KIND_MANUFACTURING, 1.3, 0.9, 1.0},   /* 11 communication terminals */
    {"C3973", KIND_MANUFACTURING, 1.4, 2.0, 1.5},   /* 12 integrated circuits */
    {"C3974", KIND_MANUFACTURING, 1.3, 1.8, 1.2},   /* 13 display devices */
    {"C3976", KIND_MANUFACTURING, 1.0, 1.2, 1.2},   /* 14 optoelectronic devices */
    {"C3979", KIND_MANUFACTURING, 0.9, 1.1, 1.0},   /* 15 other electronic devices */
    {"C3982", KIND_MANUFACTURING, 1.1, 1.3, 0.8},   /* 16 electronic circuits */
    {"C3983", KIND_MANUFACTURING, 0.9, 1.0, 1.1},   /* 17 sensors */
    {"C3984", KIND_MANUFACTURING, 0.9, 1.0, 0.8},   /* 18 electroacoustic parts */
    {"C3985", KIND_MANUFACTURING, 1.0, 1.5, 1.1},   /* 19 electronic materials */
    {"C4011", KIND_MANUFACTURING, 0.9, 0.8, 1.1},   /* 20 industrial automation */
    {"C4014", KIND_MANUFACTURING, 0.8, 0.7, 1.2},   /* 21 laboratory instruments */
    {"I6511", KIND_SOFTWARE, 0.9, 1.0, 1.2},        /* 22 basic software */
    {"I6513", KIND_SOFTWARE, 1.0, 1.0, 1.0},        /* 23 application software */
    {"I6520", KIND_SOFTWARE, 1.3, 1.2, 1.5},        /* 24 integrated circuit design */
    {"I6531", KIND_SOFTWARE, 1.2, 1.0, 0.8},        /* 25 systems integration */
    {"I6532", KIND_SOFTWARE, 1.0, 1.1, 1.0},        /* 26 internet of things services */
    {"I6550", KIND_SOFTWARE, 0.9, 1.8, 0.7},        /* 27 data processing and storage */
    {"I6560", KIND_SOFTWARE, 0.7, 0.9, 0.6},        /* 28 IT consulting */
    {"I6572", KIND_SOFTWARE, 0.8, 1.0, 1.1},        /* 29 animation and game content */
    {"M7310", KIND_RESEARCH, 0.8, 1.0, 1.3},        /* 30 natural science R&D */
    {"M7320", KIND_RESEARCH, 1.0, 1.0, 1.2},        /* 31 engineering R&D */
    {"M7340", KIND_RESEARCH, 0.9, 1.1, 1.3},        /* 32 medical R&D */
    {"M7513", KIND_RESEARCH, 1.0, 1.0, 1.0},        /* 33 new materials technology services */
};
const int syn_n_industries = (int)SC_ARRAY_LEN(syn_industries);

const syn_kind_params syn_kinds[SYN_N_KINDS] = {
    [KIND_MANUFACTURING] = {
        .name = "manufacturing", .sales_median = 1.5e6, .sales_per_head = 55e3,
        .kwh_per_yuan = 0.035, .kwh_per_head = 80, .m3_per_head = 3.0, .m3_per_kwh = 0.004,
        .p_no_power = 0.08, .p_chain = 0.50, .dso_days = 60, .power_response = 1.0,
        .rate_invention = 0.020, .rate_utility = 0.060, .rate_design = 0.015,
        .rate_software = 0.015},
    [KIND_SOFTWARE] = {
        .name = "software", .sales_median = 0.7e6, .sales_per_head = 50e3,
        .kwh_per_yuan = 0.0, .kwh_per_head = 220, .m3_per_head = 2.0, .m3_per_kwh = 0.0,
        .p_no_power = 0.40, .p_chain = 0.25, .dso_days = 75, .power_response = 0.5,
        .rate_invention = 0.010, .rate_utility = 0.010, .rate_design = 0.005,
        .rate_software = 0.120},
    [KIND_RESEARCH] = {
        .name = "research", .sales_median = 0.5e6, .sales_per_head = 40e3,
        .kwh_per_yuan = 0.010, .kwh_per_head = 250, .m3_per_head = 2.5, .m3_per_kwh = 0.002,
        .p_no_power = 0.25, .p_chain = 0.20, .dso_days = 70, .power_response = 0.7,
        .rate_invention = 0.030, .rate_utility = 0.030, .rate_design = 0.005,
        .rate_software = 0.040},
};

/* ---- industrial clusters (real district codes) --------------------------- */

const syn_cluster syn_clusters[] = {
    {"Shenzhen Nanshan/Bao'an/Longhua electronics", 9, 3, {440305, 440306, 440309},
     6, {10, 11, 14, 16, 17, 24}},
    {"Shenzhen Longgang/Pingshan batteries", 4, 2, {440307, 440310}, 4, {6, 7, 3, 20}},
    {"Dongguan electronics manufacturing", 5, 1, {441900}, 4, {16, 18, 8, 2}},
    {"Hangzhou Binjiang/Xihu/Yuhang software", 8, 3, {330108, 330106, 330110},
     5, {23, 22, 25, 26, 27}},
    {"Hangzhou Yuhang medical devices", 3, 1, {330110}, 3, {4, 5, 32}},
    {"Beijing Haidian/Changping/Chaoyang software and R&D", 9, 3, {110108, 110114, 110105},
     5, {22, 23, 28, 31, 30}},
    {"Shanghai Pudong integrated circuits", 6, 1, {310115}, 4, {24, 12, 3, 19}},
    {"Shanghai Minhang/Xuhui biomedicine", 4, 2, {310112, 310104}, 3, {0, 1, 32}},
    {"Suzhou Huqiu/Wuzhong nanotech and instruments", 5, 2, {320505, 320506},
     4, {19, 14, 21, 33}},
    {"Wuxi Binhu/Xinwu internet of things", 3, 2, {320211, 320214}, 3, {26, 17, 20}},
    {"Nanjing Jiangning/Pukou intelligent manufacturing", 4, 2, {320115, 320111}, 3, {2, 20, 9}},
    {"Hefei Shushan displays", 3, 1, {340104}, 3, {13, 14, 23}},
    {"Wuhan Hongshan optics valley", 4, 1, {420111}, 3, {14, 10, 23}},
    {"Chengdu Wuhou/Shuangliu software and chips", 4, 2, {510107, 510116}, 3, {23, 29, 12}},
    {"Xi'an Yanta electronics and R&D", 3, 1, {610113}, 3, {15, 31, 25}},
    {"Changsha Yuelu automation", 2, 1, {430104}, 3, {20, 23, 3}},
    {"Guangzhou Tianhe/Panyu software and devices", 4, 2, {440106, 440113}, 3, {23, 29, 4}},
    {"Xiamen Siming/Huli displays and software", 2, 2, {350203, 350206}, 2, {13, 23}},
    {"Ningbo Yinzhou materials and robots", 2, 1, {330212}, 3, {6, 19, 2}},
    {"Jinan Lixia software services", 2, 1, {370102}, 2, {25, 23}},
    {"Tianjin Binhai batteries and biomedicine", 2, 1, {120116}, 2, {6, 0}},
    {"Chongqing Yubei terminals and software", 2, 1, {500112}, 2, {11, 23}},
};
const int syn_n_clusters = (int)SC_ARRAY_LEN(syn_clusters);

/* ---- calendar ------------------------------------------------------------ */

int syn_days_in_month(int month)
{
    static const int days[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    int year = SC_MONTH_YEAR(month), m = SC_MONTH_OF_YEAR(month);
    if (m == 2 && ((year % 4 == 0 && year % 100 != 0) || year % 400 == 0))
        return 29;
    return days[m - 1];
}

/* The Spring Festival (lunar new year's day) of 2000..2040 as MMDD. Outside
 * these years February 5 is assumed. */
static const short spring_festival[] = {
    205, 124, 212, 201, 122, 209, 129, 218, 207, 126,   /* 2000 */
    214, 203, 123, 210, 131, 219, 208, 128, 216, 205,   /* 2010 */
    125, 212, 201, 122, 210, 129, 217, 206, 126, 213,   /* 2020 */
    203, 123, 211, 131, 219, 208, 128, 215, 204, 124,   /* 2030 */
    212,                                                /* 2040 */
};

/* Share of the days of `month` inside the Spring Festival shutdown of its
 * year: from 10 days before the festival to 20 days after. */
static double shutdown_share(int month)
{
    int year = SC_MONTH_YEAR(month), m = SC_MONTH_OF_YEAR(month);
    if (m > 3)
        return 0;
    int mmdd = year >= 2000 && year <= 2040 ? spring_festival[year - 2000] : 205;
    /* day of year (0-based) of the festival, and of this month's first day */
    int jan = 31, feb = syn_days_in_month(SC_MONTH(year, 2));
    int festival = (mmdd / 100 == 1 ? 0 : jan) + mmdd % 100 - 1;
    int first = m == 1 ? 0 : m == 2 ? jan : jan + feb;
    int last = first + syn_days_in_month(month);            /* exclusive */
    int lo = festival - 10, hi = festival + 20;              /* [lo, hi) */
    int overlap = (hi < last ? hi : last) - (lo > first ? lo : first);
    return overlap > 0 ? (double)overlap / syn_days_in_month(month) : 0;
}

/* ---- clusters' shock paths ---------------------------------------------- */

/* An AR(1) around 0 (sd about 0.11) with occasional downturns: a chain
 * leader cutting orders, a policy change, a local shutdown. The path is
 * simulated from 48 months before the first firm month so that a downturn
 * may already be under way. */
static void cluster_path(const syn_world *w, int k, double *out)
{
    syn_rng r;
    syn_rng_seed(&r, w->seed, SYN_STREAM_CLUSTER, (uint64_t)k);
    const double phi = 0.85, sigma = 0.06;
    double ar = sigma / sqrt(1 - phi * phi) * syn_normal(&r);
    int down_start = 0, down_hold = 0, in_down = 0;
    double depth = 0;
    for (int t = w->start - 48; t <= w->asof; t++) {
        ar = phi * ar + sigma * syn_normal(&r);
        if (!in_down && syn_chance(&r, 1.0 / 60)) {
            in_down = 1;
            down_start = t;
            down_hold = syn_int(&r, 2, 6);
            depth = syn_range(&r, 0.3, 0.7);
        }
        double down = 0;
        if (in_down) {
            int d = t - down_start;
            if (d < 3)
                down = depth * (d + 1) / 3.0;
            else if (d < 3 + down_hold)
                down = depth;
            else if (d < 3 + down_hold + 6)
                down = depth * (1.0 - (d - 3 - down_hold + 1) / 6.0);
            else
                in_down = 0;
        }
        if (t >= w->start)
            out[t - w->start] = ar - down;
    }
}

int syn_world_init(syn_world *w, uint64_t seed, int asof, int months, double default_rate)
{
    memset(w, 0, sizeof *w);
    w->seed = seed;
    w->asof = asof;
    w->months = months;
    w->first = asof - months + 1;
    w->start = w->first - SYN_BURN_IN;
    w->n = asof - w->start + 1;
    w->default_rate = default_rate;
    size_t n = (size_t)w->n;
    w->cluster = sc_malloc_array((size_t)syn_n_clusters * n + 3 * n, sizeof(double));
    w->period = sc_malloc_array(n, sizeof *w->period);
    if (!w->cluster || !w->period) {
        syn_world_free(w);
        return sc_error(SCORE_ENOMEM, "synth: out of memory");
    }
    w->season_sales = w->cluster + (size_t)syn_n_clusters * n;
    w->season_kwh = w->season_sales + n;
    w->season_water = w->season_kwh + n;
    for (int k = 0; k < syn_n_clusters; k++)
        cluster_path(w, k, w->cluster + (size_t)k * n);
    for (int i = 0; i < w->n; i++) {
        int t = w->start + i, m = SC_MONTH_OF_YEAR(t);
        double shut = shutdown_share(t);
        /* year-end invoicing push, quarter ends, the Spring Festival dip */
        w->season_sales[i] = (m == 12 ? 1.15 : m % 3 == 0 ? 1.05 : 1.0) * (1.0 - 0.25 * shut);
        /* summer cooling, the festival shutdown of production */
        w->season_kwh[i] = (m == 7 || m == 8 ? 1.12 : 1.0) * (1.0 - 0.30 * shut);
        w->season_water[i] = (m >= 6 && m <= 9 ? 1.10 : 1.0) * (1.0 - 0.20 * shut);
        sc_month_format(t, w->period[i]);
    }
    return SCORE_OK;
}

void syn_world_free(syn_world *w)
{
    sc_free(w->cluster);
    sc_free(w->period);
    w->cluster = NULL;
    w->period = NULL;
}
