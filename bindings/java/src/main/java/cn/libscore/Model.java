package cn.libscore;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * A scoring model loaded from a bundle (docs/model-bundle.md). A model is immutable: any
 * number of threads may score with one model at once. {@link #close()} waits for the calls in
 * flight; calls after it throw.
 */
public final class Model extends NativeHandle {
    /** What a model eats: signals through feature spec v1, or a bank's own table by column. */
    public enum Input { SIGNALS, TABLE }

    private final List<String> featureNames;

    private Model(long handle) {
        super(handle, "model");
        int n = Native.modelFeatureCount(handle);
        List<String> names = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            names.add(text(Native.modelFeatureName(handle, i)));
        }
        featureNames = Collections.unmodifiableList(names);
    }

    /** Load and check a bundle; throws {@link ScoreException} naming what is wrong with it. */
    public static Model load(String path) {
        return new Model(Native.modelLoad(utf8("path", path)));
    }

    @Override
    void free(long handle) {
        Native.modelFree(handle);
    }

    /** The columns of a row, in order. */
    public List<String> featureNames() {
        return featureNames;
    }

    public int featureCount() {
        return featureNames.size();
    }

    public Input input() {
        int kind = read(Native::modelInputKind);
        return kind == 1 ? Input.SIGNALS : Input.TABLE;
    }

    /** The bundle's metadata as JSON text. */
    public String metadata() {
        return text(read(Native::modelMetadata));
    }

    /** Calibrated PDs of rows (each of featureCount() values, NaN = missing). */
    public double[] predict(float[][] rows) {
        float[] flat = flatten(rows);
        double[] pd = new double[rows.length];
        read(h -> {
            Native.modelScore(h, flat, rows.length, null, pd, null, null, null);
            return null;
        });
        return pd;
    }

    /** As {@link #predict(float[][])}; values are rounded to float as the trees split on floats. */
    public double[] predict(double[][] rows) {
        return predict(toFloat(rows));
    }

    /** PD, score, grade and reasons of each row. */
    public List<Scored> score(float[][] rows) {
        float[] flat = flatten(rows);
        int n = rows.length;
        double[] margin = new double[n], pd = new double[n];
        int[] score = new int[n], grade = new int[n];
        return read(h -> {
            int k = Native.modelReasonCount(h);
            int[] reasons = new int[n * k];
            Native.modelScore(h, flat, n, margin, pd, score, grade, reasons);
            List<Scored> out = new ArrayList<>(n);
            for (int r = 0; r < n; r++) {
                List<Reason> why = new ArrayList<>();
                for (int j = 0; j < k && reasons[r * k + j] >= 0; j++) {
                    int f = reasons[r * k + j];
                    Object[] t = Native.modelReason(h, f, rows[r][f]);
                    why.add(new Reason(f, text((byte[]) t[0]), text((byte[]) t[1]), text((byte[]) t[2])));
                }
                String name = text(Native.modelGradeName(h, grade[r]));
                out.add(new Scored(margin[r], pd[r], score[r], grade[r], name,
                        Collections.unmodifiableList(why)));
            }
            return out;
        });
    }

    public List<Scored> score(double[][] rows) {
        return score(toFloat(rows));
    }

    /** One enterprise of a panel, scored on its features as of asof (YYYY-MM). */
    public Scored scoreEnterprise(Panel panel, String uscc, String asof) {
        if (input() != Input.SIGNALS) {
            throw new ScoreException(ScoreException.EINVAL,
                    "this model scores a bank's own table, not signals");
        }
        float[] row = panel.features(uscc, asof);
        return score(new float[][] {row}).get(0);
    }

    private float[] flatten(float[][] rows) {
        if (rows == null) {
            throw new IllegalArgumentException("rows is null");
        }
        int nf = featureCount();
        float[] flat = new float[Math.multiplyExact(rows.length, nf)];
        for (int r = 0; r < rows.length; r++) {
            if (rows[r] == null || rows[r].length != nf) {
                throw new IllegalArgumentException("row " + r + " has "
                        + (rows[r] == null ? "no" : String.valueOf(rows[r].length))
                        + " values; the model takes " + nf + " (" + featureNames.get(0) + ", ...)");
            }
            for (int j = 0; j < nf; j++) {
                if (Float.isInfinite(rows[r][j])) {
                    throw new IllegalArgumentException("row " + r + " column " + featureNames.get(j)
                            + ": " + rows[r][j] + " is not finite (NaN means missing)");
                }
            }
            System.arraycopy(rows[r], 0, flat, r * nf, nf);
        }
        return flat;
    }

    private static float[][] toFloat(double[][] rows) {
        if (rows == null) {
            throw new IllegalArgumentException("rows is null");
        }
        float[][] out = new float[rows.length][];
        for (int r = 0; r < rows.length; r++) {
            if (rows[r] == null) {
                throw new IllegalArgumentException("row " + r + " is null");
            }
            out[r] = new float[rows[r].length];
            for (int j = 0; j < rows[r].length; j++) {
                double v = rows[r][j];
                if (Double.isInfinite(v) || (!Double.isNaN(v) && Math.abs(v) > Float.MAX_VALUE)) {
                    throw new IllegalArgumentException("row " + r + " column " + j + ": " + v
                            + " is not a finite float (NaN means missing)");
                }
                out[r][j] = (float) v;
            }
        }
        return out;
    }

    @Override
    public String toString() {
        return isClosed() ? "Model(closed)"
                : "Model(" + input().name().toLowerCase() + ", " + featureCount() + " features)";
    }
}
