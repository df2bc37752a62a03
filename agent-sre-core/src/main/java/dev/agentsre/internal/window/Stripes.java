package dev.agentsre.internal.window;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * Which stripe of a striped counter a thread writes to, shared by every ring: a per-thread probe
 * seeded sequentially (so that the first threads spread over the first stripes) and moved to a
 * pseudo-random value when the thread collides with another on a stripe (as {@link
 * java.util.concurrent.atomic.LongAdder} does). One {@code int[1]} per thread that writes to a
 * striped ring, whatever the number of rings. Also the stripe of the cost guard's striped budget
 * periods and open reservations: a thread's id would do too, but two threads whose ids collide
 * modulo the stripes would then share a stripe for their lifetime. Not API.
 */
public final class Stripes {

    /** Upper bound of a ring's stripes. */
    static final int MAX = 8;
    /**
     * The default cap: twice the next power of two &ge; the number of processors, at most {@link #MAX}.
     * Twice, because threads outnumber cores (four threads on two cores on one stripe per core kept
     * colliding and moving as they were descheduled: a loss of 16% against two threads).
     */
    static final int DEFAULT_MAX = Math.min(MAX, 2 * nextPowerOfTwo(Runtime.getRuntime().availableProcessors()));

    /**
     * Stripes of a structure striped once for good (a contended budget period, the open
     * reservations): a power of two, at least twice the processors, at most 64.
     */
    public static final int FIXED = Math.min(64, Integer.highestOneBit(Math.max(1, Runtime.getRuntime().availableProcessors()) * 4 - 1));

    private static final AtomicInteger SEEDS = new AtomicInteger();
    private static final ThreadLocal<int[]> PROBE = ThreadLocal.withInitial(() -> new int[] {SEEDS.getAndIncrement()});

    private Stripes() {
    }

    /** This thread's probe; a stripe index is {@code probe() & (stripes - 1)}. */
    public static int probe() {
        return PROBE.get()[0];
    }

    /** Moves this thread's probe after a collision (xorshift) and returns the new one. */
    static int advanceProbe() {
        int[] p = PROBE.get();
        int x = p[0] == 0 ? 0x9e3779b9 : p[0];
        x ^= x << 13;
        x ^= x >>> 17;
        x ^= x << 5;
        p[0] = x;
        return x;
    }

    /** Checks a stripe cap: a power of two in [1, {@link #MAX}]. */
    static int checkMax(int maxStripes) {
        if (maxStripes < 1 || maxStripes > MAX || Integer.bitCount(maxStripes) != 1) {
            throw new IllegalArgumentException("maxStripes must be a power of two in [1, " + MAX + "], got " + maxStripes);
        }
        return maxStripes;
    }

    static int nextPowerOfTwo(int n) {
        return n <= 1 ? 1 : Integer.highestOneBit(n - 1) << 1;
    }
}
