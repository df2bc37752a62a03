package dev.agentsre.store;

import dev.agentsre.internal.Check;
import dev.agentsre.store.internal.FileSnapshots;
import dev.agentsre.store.internal.SnapshottingStateStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;

/**
 * Budgets, flags and SLO windows kept in this JVM's memory and written to JSON files in one
 * directory, so that a restart carries on where the last run stopped. For a single JVM: two JVMs
 * over the same directory overwrite each other.
 *
 * <pre>{@code
 * try (FileStateStore store = FileStateStore.builder(Path.of("/var/lib/agent-sre")).build()) {
 *     CostGuard guard = CostGuard.builder().perAgentDailyLimit(50).budgetStore(store.budgets()).build();
 *     ...
 * }   // close() writes the state a last time
 * }</pre>
 *
 * <p><b>Files.</b> {@code budgets.json}, {@code flags.json}, {@code windows.json}, each with the
 * copy before it as {@code .json.prev}. Every {@link Builder#snapshotInterval snapshotInterval}
 * (default {@value #DEFAULT_INTERVAL_SECONDS} s) the sections that changed are written to a
 * temporary file, forced to disk and renamed over the current one; close writes once more. A crash
 * loses at most one interval of changes. A current file that cannot be read is replaced by its
 * previous copy with a warning; when neither can be read, {@link Builder#build()} fails rather than
 * start with budgets that forgot their spend.
 *
 * <p><b>Memory</b> is that of the in-memory stores (see {@link BudgetStore#inMemory()}).
 */
public final class FileStateStore extends PersistentStateStore {

    /** Default snapshot interval, seconds. */
    public static final int DEFAULT_INTERVAL_SECONDS = 10;

    private final Path directory;

    private FileStateStore(Builder b, Path directory) {
        super(open(b, directory));
        this.directory = directory;
    }

    private static SnapshottingStateStore open(Builder b, Path directory) {
        try {
            return new SnapshottingStateStore(new FileSnapshots(directory), b.clock, b.interval, b.scheduler, "agent-sre-file-store");
        } catch (IOException e) {
            throw new UncheckedIOException("could not open " + directory + ": " + e.getMessage(), e);
        }
    }

    /** Starts a builder for a store in {@code directory} (created if missing). */
    public static Builder builder(Path directory) {
        return new Builder(directory);
    }

    /** The directory the files are in. */
    public Path directory() {
        return directory;
    }

    /**
     * Builder. Defaults: {@link Clock#systemUTC()}, a snapshot every
     * {@value FileStateStore#DEFAULT_INTERVAL_SECONDS} s on a daemon thread of the store's own.
     */
    public static final class Builder extends PersistentStateStore.Settings<Builder> {
        private final Path directory;

        private Builder(Path directory) {
            super(Duration.ofSeconds(DEFAULT_INTERVAL_SECONDS));
            this.directory = directory;
        }

        @Override
        Builder self() {
            return this;
        }

        /**
         * Loads the state and starts the periodic writes.
         *
         * @throws UncheckedIOException if a file exists but neither it nor its previous copy can be read
         * @throws IllegalArgumentException if a setting is invalid
         */
        public FileStateStore build() {
            return new FileStateStore(this, Check.notNull("directory", directory));
        }
    }
}
