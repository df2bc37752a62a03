package dev.agentsre.store;

import dev.agentsre.internal.Check;
import dev.agentsre.store.internal.JdbcSnapshots;
import dev.agentsre.store.internal.SnapshottingStateStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Duration;
import javax.sql.DataSource;

/**
 * Budgets, flags and SLO windows kept in this JVM's memory and written to one table of a database
 * (JDBC is in the JDK: no dependency), so that a restart carries on where the last run stopped.
 * For a single JVM per table: two JVMs over the same table overwrite each other's snapshots (use
 * the Redis store to share state).
 *
 * <pre>{@code
 * SQLiteDataSource db = new SQLiteDataSource();
 * db.setUrl("jdbc:sqlite:/var/lib/agent-sre/state.db");
 * try (JdbcStateStore store = JdbcStateStore.builder(db).build()) { ... }
 * }</pre>
 *
 * <p><b>Table.</b> One table (default {@value #DEFAULT_TABLE}), created if missing:
 * {@code (name VARCHAR(200) PRIMARY KEY, body BLOB NOT NULL, previous BLOB, updated_at BIGINT NOT NULL)}
 * ({@code BYTEA} on PostgreSQL, {@code LONGBLOB} on MySQL). One row per section ({@code budgets},
 * {@code flags}, {@code windows}) holding its JSON; a write is an upsert in one transaction that
 * keeps the row's previous body, which is loaded (with a warning) when the current one cannot be
 * read. Tested on SQLite and H2. Writes happen every {@link Builder#snapshotInterval snapshotInterval}
 * (default {@value #DEFAULT_INTERVAL_SECONDS} s, only for sections that changed) and on close: a
 * crash loses at most one interval.
 */
public final class JdbcStateStore extends PersistentStateStore {

    /** Default table name. */
    public static final String DEFAULT_TABLE = "agent_sre_state";
    /** Default snapshot interval, seconds. */
    public static final int DEFAULT_INTERVAL_SECONDS = 10;

    private JdbcStateStore(Builder b) {
        super(open(b));
    }

    private static SnapshottingStateStore open(Builder b) {
        Check.notNull("dataSource", b.dataSource);
        try {
            return new SnapshottingStateStore(new JdbcSnapshots(b.dataSource, b.table, b.createTable, b.clock), b.clock, b.interval,
                    b.scheduler, "agent-sre-jdbc-store");
        } catch (IOException e) {
            throw new UncheckedIOException(e.getMessage(), e);
        }
    }

    /** Starts a builder over {@code dataSource}. */
    public static Builder builder(DataSource dataSource) {
        return new Builder(dataSource);
    }

    /**
     * Builder. Defaults: table {@value JdbcStateStore#DEFAULT_TABLE} (created if missing),
     * {@link Clock#systemUTC()}, a snapshot every {@value JdbcStateStore#DEFAULT_INTERVAL_SECONDS} s on
     * a daemon thread of the store's own.
     */
    public static final class Builder extends PersistentStateStore.Settings<Builder> {
        private final DataSource dataSource;
        private String table = DEFAULT_TABLE;
        private boolean createTable = true;

        private Builder(DataSource dataSource) {
            super(Duration.ofSeconds(DEFAULT_INTERVAL_SECONDS));
            this.dataSource = dataSource;
        }

        @Override
        Builder self() {
            return this;
        }

        /** The table (a plain SQL identifier). */
        public Builder table(String table) {
            this.table = table;
            return this;
        }

        /** Whether to create the table when missing (default true). */
        public Builder createTable(boolean createTable) {
            this.createTable = createTable;
            return this;
        }

        /**
         * Loads the state and starts the periodic writes.
         *
         * @throws UncheckedIOException if the table cannot be created or read, or a row and its previous body are both damaged
         * @throws IllegalArgumentException if a setting is invalid
         */
        public JdbcStateStore build() {
            return new JdbcStateStore(this);
        }
    }
}
