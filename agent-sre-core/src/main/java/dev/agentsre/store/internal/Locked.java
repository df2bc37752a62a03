package dev.agentsre.store.internal;

import java.util.concurrent.locks.Lock;
import java.util.function.LongSupplier;

/** Reads a value under a lock. Not API. */
public final class Locked {

    private Locked() {
    }

    /** {@code value} read while holding {@code lock}. */
    public static long read(Lock lock, LongSupplier value) {
        lock.lock();
        try {
            return value.getAsLong();
        } finally {
            lock.unlock();
        }
    }
}
