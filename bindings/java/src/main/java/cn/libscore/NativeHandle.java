package cn.libscore;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * One native object. Calls hold the read lock for their whole duration, so any number of
 * threads may use an object that score.h calls thread-safe while {@link #close()} takes the
 * write lock: a close waits for the calls in flight and every later call throws instead of
 * touching freed memory. Objects that score.h says need the caller's exclusive use (a panel
 * being added to) take the write lock for those calls.
 */
abstract class NativeHandle implements AutoCloseable {
    private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
    private long handle;
    private final String kind;

    NativeHandle(long handle, String kind) {
        if (handle == 0) {
            throw new ScoreException(ScoreException.ENOMEM, kind + ": the library returned no object");
        }
        this.handle = handle;
        this.kind = kind;
    }

    /** Free the native object. */
    abstract void free(long handle);

    /** A call that reads the object; returns its result. */
    final <T> T read(java.util.function.LongFunction<T> call) {
        lock.readLock().lock();
        try {
            return call.apply(live());
        } finally {
            lock.readLock().unlock();
        }
    }

    /** A call that changes the object: no other call runs at the same time. */
    final <T> T write(java.util.function.LongFunction<T> call) {
        lock.writeLock().lock();
        try {
            return call.apply(live());
        } finally {
            lock.writeLock().unlock();
        }
    }

    private long live() {
        if (handle == 0) {
            throw new ScoreException(ScoreException.ECLOSED, kind + " is closed");
        }
        return handle;
    }

    /** Whether {@link #close()} has run. */
    public final boolean isClosed() {
        lock.readLock().lock();
        try {
            return handle == 0;
        } finally {
            lock.readLock().unlock();
        }
    }

    /** Frees the native memory; waits for calls in flight; a second close does nothing. */
    @Override
    public final void close() {
        lock.writeLock().lock();
        try {
            if (handle != 0) {
                free(handle);
                handle = 0;
            }
        } finally {
            lock.writeLock().unlock();
        }
    }

    static byte[] utf8(String what, String s) {
        if (s == null) {
            throw new IllegalArgumentException(what + " is null");
        }
        if (s.indexOf('\0') >= 0) {
            throw new IllegalArgumentException(what + " contains a NUL character: " + s.replace("\0", "\\0"));
        }
        return s.getBytes(StandardCharsets.UTF_8);
    }

    static String text(byte[] b) {
        return b == null ? null : new String(b, StandardCharsets.UTF_8);
    }
}
