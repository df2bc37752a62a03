package dev.agentsre.store.internal;

import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sections as rows of one table: {@code (name PRIMARY KEY, body, previous, updated_at)}. A write
 * is an upsert in one transaction — {@code UPDATE … SET previous = body, body = ?} and an
 * {@code INSERT} when no row was there — plain SQL that SQLite, H2, PostgreSQL and MySQL all run.
 * A body that cannot be decoded is skipped for the previous one with a warning. Not API.
 */
public final class JdbcSnapshots implements SnapshotMedium {

    private static final Logger LOG = LoggerFactory.getLogger(JdbcSnapshots.class);
    private static final Pattern IDENTIFIER = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,62}");

    private final DataSource dataSource;
    private final String table;
    private final Clock clock;

    /**
     * Sections in {@code table} of {@code dataSource}, creating the table if asked.
     *
     * @throws IllegalArgumentException if {@code table} is not a plain SQL identifier
     */
    public JdbcSnapshots(DataSource dataSource, String table, boolean createTable, Clock clock) throws IOException {
        if (table == null || !IDENTIFIER.matcher(table).matches()) {
            throw new IllegalArgumentException("table must be a plain SQL identifier (letters, digits, _), got " + table);
        }
        this.dataSource = dataSource;
        this.table = table;
        this.clock = clock;
        if (createTable) {
            createTable();
        }
    }

    private void createTable() throws IOException {
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
            String product = c.getMetaData().getDatabaseProductName().toLowerCase(Locale.ROOT);
            String blob = product.contains("postgres") ? "BYTEA" : product.contains("mysql") || product.contains("mariadb") ? "LONGBLOB" : "BLOB";
            s.execute("CREATE TABLE IF NOT EXISTS " + table + " (name VARCHAR(200) NOT NULL PRIMARY KEY, body " + blob
                    + " NOT NULL, previous " + blob + ", updated_at BIGINT NOT NULL)");
        } catch (SQLException e) {
            throw new IOException("could not create table " + table + ": " + e.getMessage(), e);
        }
    }

    @Override
    public <T> Optional<T> read(String section, StateCodec.Decoder<T> decoder) throws IOException {
        byte[] body;
        byte[] previous;
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT body, previous FROM " + table + " WHERE name = ?")) {
            ps.setString(1, section);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                body = rs.getBytes(1);
                previous = rs.getBytes(2);
            }
        } catch (SQLException e) {
            throw new IOException("could not read '" + section + "' from " + table + ": " + e.getMessage(), e);
        }
        try {
            return Optional.of(decoder.decode(body));
        } catch (IOException e) {
            if (previous == null) {
                throw new IOException("row '" + section + "' of " + table + " is damaged and has no previous snapshot: " + e.getMessage(), e);
            }
            T value;
            try {
                value = decoder.decode(previous);
            } catch (IOException e2) {
                throw new IOException("row '" + section + "' of " + table + " is damaged, and so is its previous snapshot: "
                        + e.getMessage() + "; " + e2.getMessage(), e2);
            }
            LOG.warn("Row '{}' of {} is damaged ({}); loaded its previous snapshot instead: changes after it are lost",
                    section, table, e.getMessage());
            return Optional.of(value);
        }
    }

    @Override
    public void write(Map<String, byte[]> sections) throws IOException {
        try (Connection c = dataSource.getConnection()) {
            boolean autoCommit = c.getAutoCommit();
            c.setAutoCommit(false);
            try {
                long now = clock.millis();
                for (Map.Entry<String, byte[]> e : sections.entrySet()) {
                    upsert(c, e.getKey(), e.getValue(), now);
                }
                c.commit();
            } catch (SQLException e) {
                c.rollback();
                throw e;
            } finally {
                c.setAutoCommit(autoCommit);
            }
        } catch (SQLException e) {
            throw new IOException("could not write to " + table + ": " + e.getMessage(), e);
        }
    }

    private void upsert(Connection c, String section, byte[] body, long now) throws SQLException {
        try (PreparedStatement update = c.prepareStatement("UPDATE " + table + " SET previous = body, body = ?, updated_at = ? WHERE name = ?")) {
            update.setBytes(1, body);
            update.setLong(2, now);
            update.setString(3, section);
            if (update.executeUpdate() > 0) {
                return;
            }
        }
        try (PreparedStatement insert = c.prepareStatement("INSERT INTO " + table + " (name, body, previous, updated_at) VALUES (?, ?, NULL, ?)")) {
            insert.setString(1, section);
            insert.setBytes(2, body);
            insert.setLong(3, now);
            insert.executeUpdate();
        }
    }

    @Override
    public String describe() {
        return "table " + table;
    }
}
