package dev.agentsre.store;

import dev.agentsre.store.internal.SnapshottingStateStore;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;

/** What the file and JDBC stores share: in-memory stores snapshotted to a medium. */
abstract class PersistentStateStore implements StateStore {

    private final SnapshottingStateStore store;

    PersistentStateStore(SnapshottingStateStore store) {
        this.store = store;
    }

    @Override
    public BudgetStore budgets() {
        return store.budgets();
    }

    @Override
    public FlagStore flags() {
        return store.flags();
    }

    @Override
    public WindowStore windows() {
        return store.windows();
    }

    /**
     * Writes what changed now, without waiting for the interval.
     *
     * @throws UncheckedIOException if the medium cannot be written
     */
    public void snapshotNow() {
        store.snapshotNow();
    }

    /**
     * Writes the state and stops.
     *
     * @throws UncheckedIOException if the last write fails
     */
    @Override
    public void close() {
        store.close();
    }

    /** The settings of a persistent store's builder. */
    abstract static class Settings<B extends Settings<B>> {
        Clock clock = Clock.systemUTC();
        Duration interval;
        ScheduledExecutorService scheduler;

        Settings(Duration interval) {
            this.interval = interval;
        }

        abstract B self();

        /** The clock of leases, TTLs and retention. */
        public B clock(Clock clock) {
            this.clock = clock;
            return self();
        }

        /** How often changes are written. */
        public B snapshotInterval(Duration interval) {
            this.interval = interval;
            return self();
        }

        /** Where the periodic writes run (not shut down by the store); default: a thread of its own. */
        public B scheduler(ScheduledExecutorService scheduler) {
            this.scheduler = scheduler;
            return self();
        }
    }
}
