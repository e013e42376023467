/*
 * LoanDecision: libscore embedded in a Java loan system, one applicant at a time, through
 * the cn.libscore binding. The Java twin of examples/bank/loan_decision.c: the same applicant
 * (24 months of history added observation by observation from the bank's memory), scored as
 * of a month and priced with and without a 50% guarantee. It prints the same figures as the
 * C example, which a test checks line by line.
 *
 *   java -cp libscore.jar:java-loan.jar LoanDecision MODEL [--asof YYYY-MM]
 *
 * Exit status: 0 done; 1 usage; 2 a libscore call failed.
 */
import cn.libscore.EnhanceConfig;
import cn.libscore.EnhanceRequest;
import cn.libscore.EnhanceResult;
import cn.libscore.LibScore;
import cn.libscore.Model;
import cn.libscore.Panel;
import cn.libscore.Reason;
import cn.libscore.ScoreException;
import cn.libscore.Scored;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Locale;

public final class LoanDecision {
    static final String APPLICANT_USCC = "91330106MA2H7K4E13";
    static final int HISTORY_FIRST_YEAR = 2023;
    static final int HISTORY_MONTHS = 24;
    static final double[] SEASON = {0.92, 0.70, 1.02, 1.00, 1.03, 1.06, 0.98, 1.00, 1.04, 1.02, 1.05, 1.18};

    static final String[][] APPLICANT_FACTS = {
        {"profile", "industry", "", "C3971"}, {"profile", "established", "", "2016-05-18"},
        {"profile", "registered_capital", "", "10000000"}, {"profile", "region", "", "330106"},
        {"profile", "hitech", "", "1"}, {"profile", "srdi", "", "1"},
        {"profile", "little_giant", "", "0"}, {"tax", "rating", "2023", "A"},
        {"tax", "rating", "2024", "A"}, {"ip", "utility", "2023-04", "3"},
        {"ip", "invention", "2023-09", "1"}, {"ip", "utility", "2024-02", "2"},
        {"ip", "invention", "2024-05", "2"}, {"ip", "software", "2024-07", "1"},
        {"equity", "raised", "2024-04", "8000000"}, {"equity", "gov_fund", "2024-04", "1"},
    };
    static final String[][] LATE_FEED = {
        {"power", "kwh", "2024-12", "9O412"}, {"tax", "sales", "2024-11", "3045210.50"},
        {"esg", "score", "2024", "72"},
    };

    private LoanDecision() {}

    /** C's printf("%.*f"): the exact binary value rounded half-even, never the JVM's locale. */
    static String fixed(double v, int decimals) {
        return new BigDecimal(v).setScale(decimals, RoundingMode.HALF_EVEN).toPlainString();
    }

    static String yuan(long fen) {
        long mag = Math.abs(fen);
        String grouped = String.format(Locale.ROOT, "%,d", mag / 100);
        return (fen < 0 ? "-" : "") + grouped + "." + String.format(Locale.ROOT, "%02d", mag % 100);
    }

    static final int[] tally = new int[4];

    static void add(Panel panel, String source, String field, String period, String value) {
        try {
            tally[panel.add(APPLICANT_USCC, source, field, period, value).ordinal()]++;
        } catch (ScoreException e) {
            if (e.code() != ScoreException.EREJECTED) {
                throw e;
            }
            System.err.printf("rejected, going on: %s:%s %s \"%s\": %s%n", source, field, period,
                    value, e.getMessage());
            tally[3]++;
        }
    }

    static void addMonth(Panel panel, int i) {
        double level = (1.0 + 0.012 * i) * SEASON[i % 12];
        String p = String.format(Locale.ROOT, "%04d-%02d", HISTORY_FIRST_YEAR + i / 12, i % 12 + 1);
        double sales = 2350000.0 * level;
        double orders = 1.08 * sales;
        Object[][] fields = {
            {"tax", "sales", sales, 2}, {"tax", "paid", 0.031 * sales, 2}, {"tax", "arrears", 0.0, 0},
            {"power", "kwh", (double) Math.round(86000.0 * level), 0}, {"power", "arrears", 0.0, 0},
            {"water", "m3", (double) Math.round(310.0 * SEASON[i % 12]), 0},
            {"social", "insured", (double) (38 + i / 3), 0}, {"social", "arrears", 0.0, 0},
            {"orders", "amount", orders, 2}, {"orders", "chain_master", 0.40 * orders, 2},
            {"orders", "receivables", 1.6 * sales, 2}, {"orders", "top_buyer_share", 0.27, 2},
        };
        for (Object[] f : fields) {
            add(panel, (String) f[0], (String) f[1], p, fixed((Double) f[2], (Integer) f[3]));
        }
    }

    static void panelFromMemory(Panel panel) {
        for (String[] o : APPLICANT_FACTS) {
            add(panel, o[0], o[1], o[2], o[3]);
        }
        for (int i = 0; i < HISTORY_MONTHS; i++) {
            addMonth(panel, i);
        }
        for (String[] o : LATE_FEED) {
            add(panel, o[0], o[1], o[2], o[3]);
        }
        System.out.printf("observations from memory: %d accepted, %d replaced, %d skipped, %d rejected%n",
                tally[0], tally[1], tally[2], tally[3]);
    }

    /** Sales of the twelve months ending at asof, in fen; -1 when there are none. */
    static long trailingSales(Panel panel, String asof) {
        Panel.Series s = panel.series(APPLICANT_USCC, "tax", "sales", asof);
        int year = Integer.parseInt(asof.substring(0, 4)), month = Integer.parseInt(asof.substring(5, 7));
        double sum = 0;
        int have = 0;
        for (int i = 0; i < s.months().length; i++) {
            int m = s.months()[i];
            int age = (year - m / 100) * 12 + month - m % 100;
            if (age < 12 && !Double.isNaN(s.values()[i])) {
                sum += s.values()[i];
                have++;
            }
        }
        return have > 0 ? Math.round(sum * 100.0) : -1;
    }

    static void row(String label, String with, String without) {
        System.out.printf(Locale.ROOT, "  %-24s %18s %18s%n", label, with, without);
    }

    static void printFigures(EnhanceResult w, EnhanceResult wo) {
        row("", "with guarantee", "without");
        row("grade", w.grade(), wo.grade());
        row("limit (yuan)", yuan(w.limitFen()), yuan(wo.limitFen()));
        row("limit available (yuan)", yuan(w.limitAvailableFen()), yuan(wo.limitAvailableFen()));
        row("LGD borne by the bank", fixed(w.lgdEffective(), 4), fixed(wo.lgdEffective(), 4));
        row("risk weight", fixed(w.riskWeight(), 4), fixed(wo.riskWeight(), 4));
        row("capital (yuan)", yuan(w.capitalFen()), yuan(wo.capitalFen()));
        row("expected loss (yuan)", yuan(w.expectedLossFen()), yuan(wo.expectedLossFen()));
        System.out.printf(Locale.ROOT, "  %-24s %17s%% %17s%%%n", "minimum rate",
                fixed(100.0 * w.rate(), 2), fixed(100.0 * wo.rate(), 2));
    }

    static void run(String modelPath, String asof) {
        try (Model model = Model.load(modelPath); Panel panel = new Panel();
             EnhanceConfig config = EnhanceConfig.defaults()) {
            if (model.input() != Model.Input.SIGNALS) {
                throw new ScoreException(ScoreException.EUNSUPPORTED, modelPath + " does not score signals");
            }
            panelFromMemory(panel);
            Scored s = model.scoreEnterprise(panel, APPLICANT_USCC, asof);
            System.out.printf("%napplicant %s as of %s%n", APPLICANT_USCC, asof);
            System.out.printf("pd %s%%  score %d%n", fixed(100.0 * s.pd(), 4), s.score());
            System.out.printf("grade %s%n", s.gradeName());
            System.out.println("reasons (what pushes the risk up most):");
            int j = 1;
            for (Reason r : s.reasons()) {
                System.out.printf("  %d. %-18s %s%n     %-18s %s%n", j++, r.code(), r.textZh(), "", r.textEn());
            }
            if (s.reasons().isEmpty()) {
                System.out.println("  none: no feature pushes the risk above the average");
            }
            EnhanceRequest request = new EnhanceRequest().uscc(APPLICANT_USCC).pd(s.pd())
                    .amountFen(Math.round(3000000.00 * 100.0)).tenorYears(2.0)
                    .guarantee(0.5, 0.003, EnhanceRequest.GuaranteeApproach.LGD_SHARING)
                    .annualSalesFen(trailingSales(panel, asof));
            EnhanceConfig.Pricing p = config.compute(request);
            System.out.printf("%nloan request: %s yuan over %s years, 50%% guaranteed (guarantor PD %s%%)%n",
                    yuan(request.amountFen()), fixed(request.tenorYears(), 1), fixed(100.0 * request.guarantorPd(), 2));
            System.out.printf("annual sales: %s yuan%n",
                    request.annualSalesFen() < 0 ? "unknown" : yuan(request.annualSalesFen()));
            printFigures(p.with(), p.without());
        }
    }

    public static void main(String[] args) {
        String model = null, asof = "2024-12";
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--asof") && i + 1 < args.length) {
                asof = args[++i];
            } else if (!args[i].startsWith("-") && model == null) {
                model = args[i];
            } else {
                System.err.println("usage: LoanDecision MODEL [--asof YYYY-MM]");
                System.exit(1);
            }
        }
        if (model == null) {
            System.err.println("usage: LoanDecision MODEL [--asof YYYY-MM]");
            System.exit(1);
        }
        try {
            LibScore.checkVersion();
            System.out.println("libscore " + LibScore.versionString());
            run(model, asof);
        } catch (ScoreException e) {
            System.err.println("LoanDecision: " + e.getMessage());
            System.exit(2);
        }
    }
}
