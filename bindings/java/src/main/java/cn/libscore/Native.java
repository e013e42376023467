package cn.libscore;

/**
 * The JNI entry points, one per call of score.h that the binding uses. Package-private:
 * the public classes own the handles, check arguments and lock against close.
 * Strings cross as UTF-8 byte arrays.
 */
final class Native {
    private Native() {}

    static {
        String explicit = System.getProperty("libscore.jni");
        if (explicit != null && !explicit.isEmpty()) {
            System.load(new java.io.File(explicit).getAbsolutePath());
        } else {
            try {
                System.loadLibrary("score_jni");
            } catch (UnsatisfiedLinkError e) {
                throw new UnsatisfiedLinkError("libscore_jni.so was not found on java.library.path ("
                        + System.getProperty("java.library.path") + "); set -Djava.library.path=DIR or"
                        + " -Dlibscore.jni=/path/to/libscore_jni.so (" + e.getMessage() + ")");
            }
        }
    }

    static native int version();
    static native byte[] versionString();
    static native boolean usccValid(byte[] code);

    static native long panelNew();
    static native void panelFree(long panel);
    static native long[] panelReadFile(long panel, byte[] path, boolean strict);
    static native int panelAdd(long panel, byte[] uscc, byte[] source, byte[] field,
                               byte[] period, byte[] value);
    static native long panelEnterpriseCount(long panel);
    static native byte[] panelEnterprise(long panel, long index);
    static native Object[] panelSeries(long panel, byte[] uscc, byte[] source, byte[] field,
                                       byte[] asof);
    static native float[] featuresEnterprise(long panel, byte[] uscc, byte[] asof);

    static native long modelLoad(byte[] path);
    static native void modelFree(long model);
    static native int modelFeatureCount(long model);
    static native byte[] modelFeatureName(long model, int index);
    static native int modelInputKind(long model);
    static native int modelReasonCount(long model);
    static native byte[] modelGradeName(long model, int grade);
    static native byte[] modelMetadata(long model);
    static native void modelScore(long model, float[] rows, int nRows, double[] margin,
                                  double[] pd, int[] score, int[] grade, int[] reasons);
    static native Object[] modelReason(long model, int feature, double value);

    static native long enhanceConfigNew();
    static native long enhanceConfigLoad(byte[] path);
    static native long enhanceConfigParse(byte[] text, byte[] name);
    static native void enhanceConfigFree(long config);
    static native byte[] enhanceConfigJson(long config);
    static native byte[] enhanceRequestParse(byte[] text, long[] money, double[] fractions,
                                             int[] approach);
    static native void enhanceCompute(long config, byte[] uscc, long[] money, double[] fractions,
                                      int approach, double[] outFractions, long[] outMoney,
                                      Object[] outGrades);
}
