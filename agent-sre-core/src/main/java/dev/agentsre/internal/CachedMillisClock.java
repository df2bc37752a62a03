package dev.agentsre.internal;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.locks.LockSupport;

/**
 * The system clock in UTC, read from a millisecond cache: the default clock of the components whose
 * hot paths stamp every event (SLO events, cost checks and charges, rogue-agent actions, pipeline
 * tasks). A read is one volatile load instead of a system call (about 22 ns on the reference machine,
 * more than half of an SLO event's cost).
 *
 * <p><b>How.</b> While the clock is read, one daemon thread ({@code agent-sre-clock}) stores
 * {@link System#currentTimeMillis()} every millisecond; readers return the stored value, so a read
 * lags the system clock by at most a tick plus the ticker's scheduling delay (a few milliseconds on a
 * loaded machine). Nothing the library stamps needs finer time: SLO buckets, budget periods, rogue
 * windows, throttle gates and reservation timeouts are seconds to days, and latencies are measured
 * with {@link System#nanoTime()}. A clock nobody read for {@code idleTicks} ticks (a second by
 * default) stops its thread; the next read reads the system clock directly and starts it again. So
 * an idle application has no thread waking up for it.
 *
 * <p>Where no thread can be started (a restricted container, a JVM shutting down), every read is a
 * system call instead: reading the clock never fails because its cache could not run.
 *
 * <p>Readers never write shared state, except to mark the clock read once per idle period (a
 * plain write of a flag that is already set is skipped), so threads on different cores do not
 * contend on it. Inject {@link Clock#systemUTC()} into a component for the exact system clock, or a
 * test clock. Not API.
 */
public final class CachedMillisClock extends Clock {

    /** The shared instance: one ticker thread for the whole JVM, while it is read. */
    public static final CachedMillisClock UTC = new CachedMillisClock(1_000_000L, 1_000, CachedMillisClock::daemon);

    private final long tickNanos;
    private final int idleTicks;
    private final ThreadFactory threads;
    /** Set when the ticker thread could not be started: every read is a system call from then on. */
    private volatile boolean direct;
    private final Object lock = new Object();
    private volatile long now;
    private volatile boolean ticking;
    private volatile boolean read;
    /** The current ticker thread (for tests); guarded by {@link #lock}. */
    private Thread ticker;

    /**
     * A clock that ticks every {@code tickNanos} and stops after {@code idleTicks} ticks without a
     * read; its ticker threads come from {@code threads}.
     */
    CachedMillisClock(long tickNanos, int idleTicks, ThreadFactory threads) {
        this.tickNanos = tickNanos;
        this.idleTicks = idleTicks;
        this.threads = threads;
    }

    /** A clock that ticks every {@code tickNanos} and stops after {@code idleTicks} ticks without a read. */
    CachedMillisClock(long tickNanos, int idleTicks) {
        this(tickNanos, idleTicks, CachedMillisClock::daemon);
    }

    private static Thread daemon(Runnable tick) {
        Thread thread = new Thread(tick, "agent-sre-clock");
        thread.setDaemon(true);
        return thread;
    }

    @Override
    public long millis() {
        if (ticking) {
            if (!read) {
                read = true;
            }
            return now;
        }
        return wake();
    }

    @Override
    public Instant instant() {
        return Instant.ofEpochMilli(millis());
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    /** The exact system clock in {@code zone} (this clock's cache is for UTC milliseconds only). */
    @Override
    public Clock withZone(ZoneId zone) {
        return ZoneOffset.UTC.equals(zone) ? this : Clock.system(zone);
    }

    /** Whether the ticker thread is running (for tests). */
    boolean isTicking() {
        return ticking;
    }

    /** The ticker thread, or null (for tests). */
    Thread ticker() {
        synchronized (lock) {
            return ticker;
        }
    }

    @Override
    public String toString() {
        return "CachedMillisClock[UTC]";
    }

    /** Not ticking: reads the system clock and starts the ticker (unless no thread can be started). */
    private long wake() {
        long millis = System.currentTimeMillis();
        if (direct) {
            return millis;
        }
        synchronized (lock) {
            if (!ticking && !direct) {
                try {
                    Thread thread = threads.newThread(this::tick);
                    now = millis;
                    read = true;
                    ticking = true;
                    ticker = thread;
                    thread.start();
                } catch (RuntimeException | Error e) { // OutOfMemoryError "unable to create native thread", a SecurityException, ...
                    ticking = false;
                    ticker = null;
                    direct = true;
                }
            }
        }
        return millis;
    }

    /** Whether every read is a system call because the ticker could not be started (for tests). */
    boolean isDirect() {
        return direct;
    }

    private void tick() {
        int ticks = 0;
        while (true) {
            LockSupport.parkNanos(tickNanos);
            now = System.currentTimeMillis();
            if (++ticks >= idleTicks) {
                ticks = 0;
                if (!read) {
                    synchronized (lock) {
                        ticking = false; // the next read starts a new ticker
                        ticker = null;
                    }
                    return;
                }
                read = false;
            }
        }
    }
}
