package dev.agentsre.slo;

import dev.agentsre.internal.window.PeriodCounter;
import dev.agentsre.internal.window.StripedRollingCounter;
import dev.agentsre.store.StoreUnavailableException;
import dev.agentsre.store.WindowSnapshot;
import dev.agentsre.store.WindowStore;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An error budget's windows kept in a {@link WindowStore}: every sync sends what this JVM recorded
 * since the last one (its rings' buckets minus what it sent before) and gets back the stored window
 * (every JVM's events, for a shared store); the difference between the two becomes an overlay that
 * the rings add to every read. So a budget reads the store's window plus its own events since the
 * last sync, and the hot path ({@code recordEvent}) is unchanged.
 *
 * <p>Keys: {@code <key>:coarse} (with the lifetime totals and the first event), {@code <key>:fine},
 * and for a calendar window {@code <key>:period} (one bucket: the current period's counts, indexed
 * by its start). A sync whose reply is lost is sent again: its events are counted twice in the
 * store (SLO counts, unlike money, are not deduplicated).
 */
final class SharedWindow {

    private static final Logger LOG = LoggerFactory.getLogger(SharedWindow.class);

    private final WindowStore store;
    private final String key;
    private final Clock clock;
    private final StripedRollingCounter coarse;
    private final StripedRollingCounter fine;
    private final PeriodCounter period;
    private final LongSupplier localLifetimeTotal;
    private final LongSupplier localLifetimeBad;
    private final LongSupplier localFirstEvent;
    private final Duration interval;
    private final ScheduledExecutorService scheduler;

    // what this JVM sent so far (guarded by this)
    private StripedRollingCounter.Buckets sentCoarse = empty();
    private StripedRollingCounter.Buckets sentFine = empty();
    private long sentLifetimeTotal;
    private long sentLifetimeBad;
    private long sentPeriodStart = Long.MIN_VALUE;
    private long sentPeriodTotal;
    private long sentPeriodBad;
    private boolean sentFirst;
    private boolean failing;
    private ScheduledFuture<?> next;
    private boolean closed;

    // what reads add (replaced as a whole)
    private volatile long[] lifetimeOverlay = {0, 0};
    private volatile long storedFirstEvent = WindowSnapshot.NO_EVENT;
    private volatile long[] periodOverlay; // {start, total, bad}

    SharedWindow(WindowStore store, String key, Clock clock, StripedRollingCounter coarse, StripedRollingCounter fine, PeriodCounter period,
                 LongSupplier localLifetimeTotal, LongSupplier localLifetimeBad, LongSupplier localFirstEvent,
                 Duration interval, ScheduledExecutorService scheduler) {
        this.store = store;
        this.key = key;
        this.clock = clock;
        this.coarse = coarse;
        this.fine = fine;
        this.period = period;
        this.localLifetimeTotal = localLifetimeTotal;
        this.localLifetimeBad = localLifetimeBad;
        this.localFirstEvent = localFirstEvent;
        this.interval = interval;
        this.scheduler = scheduler != null ? scheduler : DefaultScheduler.INSTANCE;
    }

    /** Loads the stored window (best effort: a store that is away is retried by the periodic syncs) and starts them. */
    void start() {
        try {
            sync();
        } catch (StoreUnavailableException e) {
            LOG.warn("Window store unreachable for '{}' ({}); the budget starts from its own events and syncs when it can", key,
                    e.getMessage());
        }
        schedule();
    }

    /** Lifetime events in the store not counted by this JVM's adders: {@code {total, bad}}. */
    long[] lifetimeOverlay() {
        return lifetimeOverlay;
    }

    /** The first event the store knows of, or {@link WindowSnapshot#NO_EVENT}. */
    long storedFirstEvent() {
        return storedFirstEvent;
    }

    /** Counts of period {@code startMillis} in the store not counted by this JVM's period counter: {@code {total, bad}}. */
    long[] periodOverlay(long startMillis) {
        long[] p = periodOverlay;
        return p != null && p[0] == startMillis ? new long[] {p[1], p[2]} : null;
    }

    /**
     * Sends this JVM's new events and reads the stored window back.
     *
     * @throws StoreUnavailableException if the store cannot be reached (nothing changes; the next sync sends it all)
     */
    synchronized void sync() {
        long now = clock.millis();
        long lifetimeTotal = localLifetimeTotal.getAsLong();
        long lifetimeBad = localLifetimeBad.getAsLong();
        long first = localFirstEvent.getAsLong();

        StripedRollingCounter.Buckets localCoarse = coarse.export(now);
        WindowSnapshot coarseDelta = WindowSnapshot.of(coarse.bucketMillis(), coarse.size(), minus(localCoarse, sentCoarse),
                lifetimeTotal - sentLifetimeTotal, lifetimeBad - sentLifetimeBad,
                first == Long.MIN_VALUE || sentFirst ? WindowSnapshot.NO_EVENT : first);
        WindowSnapshot coarseStored = store.add(key + ":coarse", coarseDelta);
        coarse.overlay(overlay(coarseStored, localCoarse));
        sentCoarse = localCoarse;
        sentLifetimeTotal = lifetimeTotal;
        sentLifetimeBad = lifetimeBad;
        sentFirst |= first != Long.MIN_VALUE;
        lifetimeOverlay = new long[] {coarseStored.lifetimeTotal() - lifetimeTotal, coarseStored.lifetimeBad() - lifetimeBad};
        storedFirstEvent = coarseStored.firstEventMillis();

        StripedRollingCounter.Buckets localFine = fine.export(now);
        WindowSnapshot fineDelta = WindowSnapshot.of(fine.bucketMillis(), fine.size(), minus(localFine, sentFine), 0, 0,
                WindowSnapshot.NO_EVENT);
        WindowSnapshot fineStored = store.add(key + ":fine", fineDelta);
        fine.overlay(overlay(fineStored, localFine));
        sentFine = localFine;

        if (period != null) {
            PeriodCounter.Reading reading = period.read(now);
            long start = reading.startMillis();
            long dt = start == sentPeriodStart ? reading.total() - sentPeriodTotal : reading.total();
            long db = start == sentPeriodStart ? reading.bad() - sentPeriodBad : reading.bad();
            // one bucket indexed by the period's start; its width (the window's span) only sets how long an idle store keeps it
            WindowSnapshot periodDelta = WindowSnapshot.of(coarse.spanMillis(), 1,
                    dt == 0 ? List.of() : List.of(new WindowSnapshot.Bucket(start, dt, db)), 0, 0, WindowSnapshot.NO_EVENT);
            WindowSnapshot stored = store.add(key + ":period", periodDelta);
            long storedTotal = 0;
            long storedBad = 0;
            for (WindowSnapshot.Bucket b : stored.buckets()) {
                if (b.index() == start) {
                    storedTotal = b.total();
                    storedBad = b.bad();
                }
            }
            periodOverlay = new long[] {start, storedTotal - reading.total(), storedBad - reading.bad()};
            sentPeriodStart = start;
            sentPeriodTotal = reading.total();
            sentPeriodBad = reading.bad();
        }
        if (failing) {
            LOG.info("Window store reachable again for '{}'", key);
            failing = false;
        }
    }

    /** Stops the periodic syncs and syncs a last time (logging, not throwing, if the store is away). */
    void close() {
        synchronized (this) {
            closed = true;
            if (next != null) {
                next.cancel(false);
            }
        }
        try {
            sync();
        } catch (StoreUnavailableException e) {
            LOG.error("Window store unreachable while closing '{}' ({}): the events since the last sync are lost to it", key,
                    e.getMessage());
        }
    }

    private synchronized void schedule() {
        if (closed) {
            return;
        }
        next = scheduler.schedule(() -> {
            try {
                sync();
            } catch (StoreUnavailableException e) {
                synchronized (this) {
                    if (!failing) {
                        LOG.warn("Window store unreachable for '{}' ({}); events are kept here and sent later", key, e.getMessage());
                    }
                    failing = true;
                }
            } catch (RuntimeException e) {
                LOG.warn("Window sync of '{}' failed", key, e);
            }
            schedule();
        }, interval.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** {@code local − sent}, bucket by bucket (buckets of {@code sent} no longer in the ring are gone). */
    private static List<WindowSnapshot.Bucket> minus(StripedRollingCounter.Buckets local, StripedRollingCounter.Buckets sent) {
        TreeMap<Long, long[]> before = index(sent);
        List<WindowSnapshot.Bucket> delta = new ArrayList<>();
        for (int i = 0; i < local.indexes().length; i++) {
            long[] s = before.get(local.indexes()[i]);
            long t = local.totals()[i] - (s == null ? 0 : s[0]);
            long b = local.bads()[i] - (s == null ? 0 : s[1]);
            if (t > 0) {
                delta.add(new WindowSnapshot.Bucket(local.indexes()[i], t, Math.max(0, Math.min(b, t))));
            }
        }
        return delta;
    }

    /** {@code stored − local}, bucket by bucket: what reads add to this ring's own counts. */
    private static StripedRollingCounter.Overlay overlay(WindowSnapshot stored, StripedRollingCounter.Buckets local) {
        TreeMap<Long, long[]> diff = new TreeMap<>();
        for (WindowSnapshot.Bucket b : stored.buckets()) {
            diff.put(b.index(), new long[] {b.total(), b.bad()});
        }
        for (int i = 0; i < local.indexes().length; i++) {
            long[] d = diff.computeIfAbsent(local.indexes()[i], k -> new long[2]);
            d[0] -= local.totals()[i];
            d[1] -= local.bads()[i];
        }
        long[] indexes = new long[diff.size()];
        long[] totals = new long[diff.size()];
        long[] bads = new long[diff.size()];
        int i = 0;
        for (var e : diff.entrySet()) {
            indexes[i] = e.getKey();
            totals[i] = e.getValue()[0];
            bads[i] = e.getValue()[1];
            i++;
        }
        return new StripedRollingCounter.Overlay(indexes, totals, bads);
    }

    private static TreeMap<Long, long[]> index(StripedRollingCounter.Buckets buckets) {
        TreeMap<Long, long[]> map = new TreeMap<>();
        for (int i = 0; i < buckets.indexes().length; i++) {
            map.put(buckets.indexes()[i], new long[] {buckets.totals()[i], buckets.bads()[i]});
        }
        return map;
    }

    private static StripedRollingCounter.Buckets empty() {
        return new StripedRollingCounter.Buckets(new long[0], new long[0], new long[0]);
    }

    /** One daemon thread for every budget in the JVM that has no scheduler of its own. */
    private static final class DefaultScheduler {
        static final ScheduledExecutorService INSTANCE = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "agent-sre-window-sync");
            t.setDaemon(true);
            return t;
        });
    }
}
