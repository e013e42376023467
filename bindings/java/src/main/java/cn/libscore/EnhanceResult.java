package cn.libscore;

/**
 * The figures of one application with or without its enhancements, as score.h's
 * score_enhance_result: money in fen, rates and shares as fractions.
 */
public record EnhanceResult(String grade, double pd, double lgdEffective, double correlation,
                            double firmSize, double maturity, long limitFen,
                            long limitAvailableFen, long limitSalesFen, long limitPatentsFen,
                            long limitOrdersFen, long limitReceivablesFen, double capitalRatio,
                            double riskWeight, long capitalFen, long expectedLossFen, double rate,
                            double rateCredit, double rateCapital) {

    static EnhanceResult from(double[] d, long[] m, Object[] grades, int slot) {
        int f = slot * 10, k = slot * 8;
        return new EnhanceResult(NativeHandle.text((byte[]) grades[slot]), d[f], d[f + 1],
                d[f + 2], d[f + 3], d[f + 4], m[k], m[k + 1], m[k + 2], m[k + 3], m[k + 4],
                m[k + 5], d[f + 5], d[f + 6], m[k + 6], m[k + 7], d[f + 7], d[f + 8], d[f + 9]);
    }
}
