package cn.libscore;

import java.nio.charset.StandardCharsets;

/**
 * A libscore call failed. {@link #code()} is the library's status (a negative
 * {@code SCORE_E*} value, see score.h); the message is the library's own, naming the
 * file, line, key or argument at fault.
 */
public class ScoreException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public static final int EINVAL = -1;
    public static final int ENOMEM = -2;
    public static final int EIO = -3;
    public static final int EFORMAT = -4;
    public static final int EREJECTED = -5;
    public static final int EVERSION = -6;
    public static final int ECORRUPT = -7;
    public static final int EDEPENDENCY = -8;
    public static final int EBUSY = -9;
    public static final int ENOTFOUND = -10;
    public static final int ECANCELED = -11;
    public static final int EUNSUPPORTED = -12;
    public static final int ELIMIT = -13;
    /** Not a library status: the object was used after {@code close()}. */
    public static final int ECLOSED = -1000;

    private final int code;

    public ScoreException(int code, String message) {
        super(message);
        this.code = code;
    }

    /* Called from the JNI glue with the library's UTF-8 message. */
    ScoreException(int code, byte[] message) {
        this(code, new String(message, StandardCharsets.UTF_8));
    }

    /** The library's status code (negative). */
    public int code() {
        return code;
    }
}
