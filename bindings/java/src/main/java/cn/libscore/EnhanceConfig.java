package cn.libscore;

/**
 * A bank's pricing configuration (docs/enhancement.md). Immutable once made: any number of
 * threads may price with one configuration at once.
 */
public final class EnhanceConfig extends NativeHandle {
    /** The result of pricing one application: with its enhancements and without them. */
    public record Pricing(EnhanceResult with, EnhanceResult without) {}

    private EnhanceConfig(long handle) {
        super(handle, "enhancement configuration");
    }

    /** Every default. */
    public static EnhanceConfig defaults() {
        return new EnhanceConfig(Native.enhanceConfigNew());
    }

    /** Read a configuration file; unknown keys and values out of range are refused by name. */
    public static EnhanceConfig load(String path) {
        return new EnhanceConfig(Native.enhanceConfigLoad(utf8("path", path)));
    }

    /** Parse configuration JSON text; name begins every message. */
    public static EnhanceConfig parse(String json, String name) {
        return new EnhanceConfig(Native.enhanceConfigParse(utf8("configuration", json),
                utf8("name", name == null ? "config" : name)));
    }

    @Override
    void free(long handle) {
        Native.enhanceConfigFree(handle);
    }

    /** Every key with the value in force, as JSON that {@link #parse} reads back. */
    public String toJson() {
        return text(read(Native::enhanceConfigJson));
    }

    /** Limit, capital and price of the request, with and without its enhancements. */
    public Pricing compute(EnhanceRequest request) {
        if (request == null) {
            throw new IllegalArgumentException("request is null");
        }
        double[] d = new double[20];
        long[] m = new long[16];
        Object[] grades = new Object[2];
        byte[] uscc = utf8("uscc", request.uscc);
        read(h -> {
            Native.enhanceCompute(h, uscc, request.money.clone(), request.fractions.clone(),
                    request.approach.ordinal(), d, m, grades);
            return null;
        });
        return new Pricing(EnhanceResult.from(d, m, grades, 0), EnhanceResult.from(d, m, grades, 1));
    }
}
