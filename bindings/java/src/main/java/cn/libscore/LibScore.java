package cn.libscore;

/** The library as a whole: its version and the checks that need no object. */
public final class LibScore {
    private LibScore() {}

    /** The major version this binding was written for; another major is another ABI. */
    public static final int BINDING_MAJOR = 1;

    /** MAJOR * 10000 + MINOR * 100 + PATCH of the library loaded. */
    public static int version() {
        return Native.version();
    }

    /** "1.1.0" of the library loaded. */
    public static String versionString() {
        return NativeHandle.text(Native.versionString());
    }

    /** Fails when the loaded library has another major version than the binding expects. */
    public static void checkVersion() {
        if (version() / 10000 != BINDING_MAJOR) {
            throw new ScoreException(ScoreException.EVERSION, "libscore " + versionString()
                    + " is loaded; this binding is for major version " + BINDING_MAJOR);
        }
    }

    /** Whether code is a well-formed unified social credit code with a correct check character. */
    public static boolean usccValid(String code) {
        return code != null && code.indexOf('\0') < 0 && Native.usccValid(NativeHandle.utf8("uscc", code));
    }
}
