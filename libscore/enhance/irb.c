/*
 * The Basel IRB risk-weight function for corporate exposures, with the
 * firm-size adjustment for small and medium-sized enterprises (Basel II,
 * paragraphs 272-273; Basel III, CRE31.5-31.9), written exactly as
 * docs/enhancement.md gives it:
 *
 *   w = (1 - e^(-50 PD)) / (1 - e^(-50))
 *   R = 0.12 w + 0.24 (1 - w) - 0.04 (1 - (S - 5) / 45)
 *   b = (0.11852 - 0.05478 ln PD)^2
 *   K = [LGD N((G(PD) + sqrt(R) G(0.999)) / sqrt(1 - R)) - PD LGD]
 *       (1 + (M - 2.5) b) / (1 - 1.5 b)
 *
 * The firm-size term is written here with the fraction (S - floor) /
 * (ceiling - floor), so that the same code serves Basel's 5..50 million
 * euros and a national rule's bounds in its own currency.
 */
#include <math.h>

#include "enhance.h"

/* G(0.999), the 99.9% confidence level of the formula, to 21 digits (a test
 * checks it against sc_normal_quantile) */
#define G_999 3.09023230616781354154


int sc_enhance_grade(const score_enhance_config *config, double pd)
{
    int g = 0;
    while (g < SC_ENHANCE_GRADES - 1 && pd > config->grade_bounds[g])
        g++;
    return g;
}

double sc_enhance_correlation(double pd, double firm_size)
{
    double r = sc_irb_corporate_correlation(pd);
    if (firm_size >= 0.0)
        r -= 0.04 * (1.0 - firm_size);
    return r;
}

double sc_enhance_irb_k(double pd, double lgd, double maturity, double correlation)
{
    /* at PD 0 nothing is lost; at PD 1 the loss is expected, not unexpected,
     * and the formula's limit is 0 (a defaulted exposure follows other rules) */
    if (!(pd > 0.0) || !(pd < 1.0))
        return 0.0;
    double r = correlation;
    double conditional =
        sc_normal_cdf((sc_normal_quantile(pd) + sqrt(r) * G_999) / sqrt(1.0 - r));
    double b = 0.11852 - 0.05478 * log(pd);
    b *= b;
    double k = (lgd * conditional - pd * lgd) * (1.0 + (maturity - 2.5) * b) / (1.0 - 1.5 * b);
    return k > 0.0 ? k : 0.0;
}

double sc_enhance_firm_size(const score_enhance_config *config, int64_t annual_sales,
                            double *s_out)
{
    *s_out = 0.0;
    if (!config->firm_size_enabled || annual_sales < 0)
        return -1.0;
    double yuan_millions = (double)annual_sales / 100.0 / 1e6;
    double s = config->firm_size_currency == SC_FIRM_SIZE_EUR ? yuan_millions / config->eur_rate
                                                               : yuan_millions;
    s = fmin(fmax(s, config->firm_size_floor), config->firm_size_ceiling);
    *s_out = s;
    return (s - config->firm_size_floor) / (config->firm_size_ceiling - config->firm_size_floor);
}

double sc_enhance_retail_correlation(double pd)
{
    double w = (1.0 - exp(-35.0 * pd)) / (1.0 - exp(-35.0));
    return 0.03 * w + 0.16 * (1.0 - w);
}

double sc_enhance_retail_k(double pd, double lgd)
{
    /* other retail: no maturity adjustment (Basel II para 330; CRE31.14) */
    if (!(pd > 0.0) || !(pd < 1.0))
        return 0.0;
    double r = sc_enhance_retail_correlation(pd);
    double conditional =
        sc_normal_cdf((sc_normal_quantile(pd) + sqrt(r) * G_999) / sqrt(1.0 - r));
    double k = lgd * conditional - pd * lgd;
    return k > 0.0 ? k : 0.0;
}
