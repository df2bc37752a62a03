package dev.agentsre.store.internal;

import dev.agentsre.internal.Check;
import dev.agentsre.store.StateStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * In-memory stores whose state is loaded from a {@link SnapshotMedium} when built and written back
 * to it every {@code interval} (only the sections that changed) and on close. Not API: the public
 * faces are {@link dev.agentsre.store.FileStateStore} and {@link dev.agentsre.store.JdbcStateStore}.
 *
 * <p>What a crash loses is what changed since the last write: at most one interval.
 */
public final class SnapshottingStateStore implements StateStore {

    private static final Logger LOG = LoggerFactory.getLogger(SnapshottingStateStore.class);

    private final InMemoryStateStore state;
    private final SnapshotMedium medium;
    private final Duration interval;
    private final ScheduledExecutorService scheduler;
    private final boolean ownsScheduler;
    private long budgetsWritten = Long.MIN_VALUE;
    private long flagsWritten = Long.MIN_VALUE;
    private long windowsWritten = Long.MIN_VALUE;
    private ScheduledFuture<?> next;
    private boolean closed;

    /**
     * Loads the state from {@code medium} and schedules its writes.
     *
     * @param scheduler where the periodic writes run; null to start a daemon thread of its own
     * @throws UncheckedIOException if a section exists but cannot be read (damaged, with no good previous copy)
     */
    public SnapshottingStateStore(SnapshotMedium medium, Clock clock, Duration interval, ScheduledExecutorService scheduler,
                                  String threadName) {
        this.medium = Check.notNull("medium", medium);
        this.interval = Check.positive("snapshotInterval", interval);
        this.state = InMemoryStateStore.create(Check.notNull("clock", clock));
        try {
            medium.read(StateCodec.BUDGETS, StateCodec::decodeBudgets).ifPresent(state.budgets()::importState);
            medium.read(StateCodec.FLAGS, StateCodec::decodeFlags).ifPresent(state.flags()::importState);
            medium.read(StateCodec.WINDOWS, StateCodec::decodeWindows).ifPresent(state.windows()::importState);
        } catch (IOException e) {
            throw new UncheckedIOException("could not load the state from " + medium.describe() + ": " + e.getMessage(), e);
        }
        // what was just loaded needs no writing
        budgetsWritten = state.budgets().version();
        flagsWritten = state.flags().version();
        windowsWritten = state.windows().version();
        this.ownsScheduler = scheduler == null;
        this.scheduler = scheduler != null ? scheduler : Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, threadName);
            t.setDaemon(true);
            return t;
        });
        schedule();
    }

    @Override
    public InMemoryBudgetStore budgets() {
        return state.budgets();
    }

    @Override
    public InMemoryFlagStore flags() {
        return state.flags();
    }

    @Override
    public InMemoryWindowStore windows() {
        return state.windows();
    }

    /**
     * Writes every section that changed since the last write.
     *
     * @throws UncheckedIOException if the medium fails (the next write retries)
     */
    public synchronized void snapshotNow() {
        try {
            Map<String, byte[]> sections = new LinkedHashMap<>();
            long budgets = state.budgets().version();
            long flags = state.flags().version();
            long windows = state.windows().version();
            if (budgets != budgetsWritten) {
                sections.put(StateCodec.BUDGETS, StateCodec.encodeBudgets(state.budgets().exportState()));
            }
            if (flags != flagsWritten) {
                sections.put(StateCodec.FLAGS, StateCodec.encodeFlags(state.flags().exportState()));
            }
            if (windows != windowsWritten) {
                sections.put(StateCodec.WINDOWS, StateCodec.encodeWindows(state.windows().exportState()));
            }
            if (!sections.isEmpty()) {
                medium.write(sections);
            }
            // versions read before exporting: a change during the export is written next time
            budgetsWritten = budgets;
            flagsWritten = flags;
            windowsWritten = windows;
        } catch (IOException e) {
            throw new UncheckedIOException("could not write the state to " + medium.describe() + ": " + e.getMessage(), e);
        }
    }

    private synchronized void schedule() {
        if (!closed) {
            next = scheduler.schedule(this::periodic, interval.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    private void periodic() {
        try {
            snapshotNow();
        } catch (RuntimeException e) {
            LOG.warn("Snapshot failed; retrying in {}", interval, e);
        }
        schedule();
    }

    /** Stops the periodic writes and writes the state a last time. */
    @Override
    public void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            if (next != null) {
                next.cancel(false);
            }
        }
        try {
            snapshotNow();
        } finally {
            if (ownsScheduler) {
                scheduler.shutdown();
            }
            state.close();
        }
    }
}
