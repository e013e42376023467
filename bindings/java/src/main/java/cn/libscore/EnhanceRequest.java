package cn.libscore;

/**
 * One loan application, as score.h's score_enhance_request (docs/enhancement.md). Money is in
 * fen (long), rates and shares are fractions. Build one with the setters or {@link #parse}.
 * Not thread-safe; a request is a plain value.
 */
public final class EnhanceRequest {
    /** How a guarantee counts: the guarantor bears its share of the loss, or substitutes its PD. */
    public enum GuaranteeApproach { LGD_SHARING, SUBSTITUTION }

    String uscc = "";
    // money, fen: amount, annual_sales, orders, receivables, invention, utility, trademark
    final long[] money = {0, -1, 0, 0, 0, 0, 0};
    // fractions: pd, lgd, tenor_years, guarantee_share, guarantee_pd, compensation_share
    final double[] fractions = {-1, -1, 0, 0, -1, 0};
    GuaranteeApproach approach = GuaranteeApproach.LGD_SHARING;

    /** Read a request from the JSON that score enhance takes (money in yuan). */
    public static EnhanceRequest parse(String json) {
        EnhanceRequest r = new EnhanceRequest();
        int[] approach = new int[1];
        byte[] uscc = Native.enhanceRequestParse(NativeHandle.utf8("request", json), r.money,
                r.fractions, approach);
        r.uscc = NativeHandle.text(uscc);
        r.approach = GuaranteeApproach.values()[approach[0]];
        return r;
    }

    public EnhanceRequest uscc(String code) {
        if (code == null || (!code.isEmpty() && !LibScore.usccValid(code))) {
            throw new IllegalArgumentException("uscc " + code + " is not a valid unified social credit code");
        }
        uscc = code;
        return this;
    }

    public EnhanceRequest pd(double v) { fractions[0] = v; return this; }
    public EnhanceRequest lgd(double v) { fractions[1] = v; return this; }
    public EnhanceRequest tenorYears(double v) { fractions[2] = v; return this; }
    public EnhanceRequest amountFen(long v) { money[0] = v; return this; }
    public EnhanceRequest annualSalesFen(long v) { money[1] = v; return this; }
    public EnhanceRequest ordersVerifiedFen(long v) { money[2] = v; return this; }
    public EnhanceRequest receivablesVerifiedFen(long v) { money[3] = v; return this; }
    public EnhanceRequest patentsFen(long invention, long utility, long trademark) {
        money[4] = invention;
        money[5] = utility;
        money[6] = trademark;
        return this;
    }

    public EnhanceRequest guarantee(double share, double guarantorPd, GuaranteeApproach how) {
        fractions[3] = share;
        fractions[4] = guarantorPd;
        approach = how;
        return this;
    }

    public EnhanceRequest compensationShare(double v) { fractions[5] = v; return this; }

    public String uscc() { return uscc; }
    public double pd() { return fractions[0]; }
    public long amountFen() { return money[0]; }
    public double tenorYears() { return fractions[2]; }
    public long annualSalesFen() { return money[1]; }
    public double guaranteeShare() { return fractions[3]; }
    public double guarantorPd() { return fractions[4]; }
}
