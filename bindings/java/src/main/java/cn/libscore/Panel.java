package cn.libscore;

/**
 * Enterprises' signals (standard v1, docs/signals.md) held in memory. Reading functions
 * (series, features, scoring) may run on any number of threads at once; adding or reading a
 * file needs the panel to itself, which this class enforces with a lock. Close it (or use
 * try-with-resources) to free its native memory.
 */
public final class Panel extends NativeHandle {
    /** What adding one observation did. */
    public enum Added { ACCEPTED, REPLACED, SKIPPED }

    /** What reading a file did, line by line. */
    public record ReadCounts(long read, long accepted, long replaced, long skipped, long rejected) {}

    /** One enterprise's series of one field, oldest first; months as YYYYMM. */
    public record Series(int[] months, double[] values) {}

    public Panel() {
        super(Native.panelNew(), "panel");
    }

    @Override
    void free(long handle) {
        Native.panelFree(handle);
    }

    /**
     * Read a signals file (CSV, plain or gzip). Rejected lines are counted; with strict, any
     * rejected line fails the read ({@link ScoreException#EREJECTED}) and changes nothing.
     */
    public ReadCounts readFile(String path, boolean strict) {
        byte[] p = utf8("path", path);
        long[] c = write(h -> Native.panelReadFile(h, p, strict));
        return new ReadCounts(c[0], c[1], c[2], c[3], c[4]);
    }

    /**
     * Add one observation as the text a signals file would hold. A value that breaks the
     * standard throws {@link ScoreException} with code {@link ScoreException#EREJECTED} and
     * leaves the panel unchanged.
     */
    public Added add(String uscc, String source, String field, String period, String value) {
        byte[] u = utf8("uscc", uscc), s = utf8("source", source), f = utf8("field", field),
               p = utf8("period", period), v = utf8("value", value);
        int status = write(h -> Native.panelAdd(h, u, s, f, p, v));
        return Added.values()[status];
    }

    /** How many enterprises the panel holds. */
    public long enterpriseCount() {
        return read(Native::panelEnterpriseCount);
    }

    /** The USCC of the index-th enterprise, in ascending order of USCC. */
    public String enterprise(long index) {
        return text(read(h -> Native.panelEnterprise(h, index)));
    }

    /** An enterprise's series of source/field with periods up to asof (YYYY-MM; null: all). */
    public Series series(String uscc, String source, String field, String asof) {
        byte[] u = utf8("uscc", uscc), s = utf8("source", source), f = utf8("field", field);
        byte[] a = asof == null ? null : utf8("asof", asof);
        Object[] r = read(h -> Native.panelSeries(h, u, s, f, a));
        return new Series((int[]) r[0], (double[]) r[1]);
    }

    /** The enterprise's feature row (feature spec v1) as of asof, NaN where missing. */
    public float[] features(String uscc, String asof) {
        byte[] u = utf8("uscc", uscc), a = utf8("asof", asof);
        return read(h -> Native.featuresEnterprise(h, u, a));
    }
}
