package dev.agentsre.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.agentsre.testing.ManualScheduledExecutor;
import dev.agentsre.testing.ManualClock;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import javax.sql.DataSource;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.sqlite.SQLiteDataSource;

/** The file and JDBC (SQLite, H2) stores: a restart carries on exactly; writes are periodic and atomic. */
class PersistentStateStoreTest {

    private static final long USD = 1_000_000_000L;
    private static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");

    @TempDir
    Path dir;
    ManualClock clock;
    ManualScheduledExecutor scheduler;

    @BeforeEach
    void setUp() {
        clock = ManualClock.at(Instant.parse("2026-11-25T10:00:00Z"));
        scheduler = new ManualScheduledExecutor(clock);
    }

    /** How to open a store over the same medium again. */
    interface Opener {
        StateStore open(ManualClock clock, ManualScheduledExecutor scheduler);
    }

    private Opener opener(String medium) {
        switch (medium) {
            case "file":
                return (c, s) -> FileStateStore.builder(dir.resolve("state")).clock(c).scheduler(s).build();
            case "sqlite": {
                SQLiteDataSource db = new SQLiteDataSource();
                db.setUrl("jdbc:sqlite:" + dir.resolve("state.db"));
                return (c, s) -> JdbcStateStore.builder(db).clock(c).scheduler(s).build();
            }
            case "h2": {
                JdbcDataSource db = new JdbcDataSource();
                db.setURL("jdbc:h2:" + dir.resolve("state-h2"));
                return (c, s) -> JdbcStateStore.builder(db).clock(c).scheduler(s).build();
            }
            default:
                throw new IllegalArgumentException(medium);
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"file", "sqlite", "h2"})
    void aRestartCarriesOnWithExactlyTheSameState(String medium) {
        Opener opener = opener(medium);
        List<ScopeLimit> scopes = List.of(ScopeLimit.daily("agent:a", 10 * USD, clock.instant(), BERLIN),
                ScopeLimit.monthly("org", 100 * USD, clock.instant(), BERLIN));
        WindowSnapshot window = WindowSnapshot.of(3_600_000, 720, List.of(new WindowSnapshot.Bucket(491_000, 990, 0),
                new WindowSnapshot.Bucket(491_001, 10, 10)), 1000, 10, 1_767_600_000_000L);
        try (StateStore first = opener.open(clock, scheduler)) {
            first.budgets().charge("c1", scopes, 3 * USD);
            assertThat(first.budgets().reserve("open", scopes, 2 * USD, Duration.ofMinutes(10)).granted()).isTrue();
            first.flags().set(FlagKeys.quarantine("rogue"), "loop", Duration.ofHours(1));
            first.flags().set(FlagKeys.kill("spender"), "over budget", null);
            first.windows().add("slo:api", window);
        }
        clock.advance(Duration.ofMinutes(1));
        try (StateStore second = opener.open(clock, scheduler)) {
            for (ScopeLimit scope : scopes) {
                assertThat(second.budgets().balance(scope.key())).isEqualTo(new ScopeBalance(scope.key(), 3 * USD, 2 * USD));
            }
            assertThat(second.budgets().charge("c1", scopes, 3 * USD).settlement()).isEqualTo(Settlement.REPEATED);
            assertThat(second.budgets().commit("open", USD).settlement()).isEqualTo(Settlement.APPLIED);
            assertThat(second.flags().list("")).extracting(Flag::key).containsExactly("kill:spender", "quarantine:rogue");
            assertThat(second.flags().get(FlagKeys.quarantine("rogue")).orElseThrow().expiresAt())
                    .isEqualTo(Instant.parse("2026-11-25T11:00:00Z"));
            assertThat(second.windows().load("slo:api")).contains(window);
        }
        clock.advance(Duration.ofMinutes(11));
        try (StateStore third = opener.open(clock, scheduler)) {
            assertThat(third.budgets().balance(scopes.get(0).key())).isEqualTo(new ScopeBalance(scopes.get(0).key(), 4 * USD, 0));
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"file", "sqlite", "h2"})
    void changesAreWrittenEveryIntervalSoACrashLosesAtMostOne(String medium) {
        Opener opener = opener(medium);
        List<ScopeLimit> scopes = List.of(ScopeLimit.daily("agent:a", 10 * USD, clock.instant(), BERLIN));
        StateStore crashing = opener.open(clock, scheduler); // never closed: it "crashes"
        crashing.budgets().charge("before", scopes, USD);
        scheduler.advanceTo(clock.instant().plusSeconds(10));
        crashing.budgets().charge("after", scopes, USD);

        try (StateStore restarted = opener.open(clock, new ManualScheduledExecutor(clock))) {
            assertThat(restarted.budgets().spent(scopes.get(0).key())).isEqualTo(USD);
        }
    }

    @Test
    void aDamagedFileFallsBackToThePreviousSnapshotWithAWarning() throws Exception {
        Path state = dir.resolve("state");
        List<ScopeLimit> scopes = List.of(ScopeLimit.daily("agent:a", 10 * USD, clock.instant(), BERLIN));
        try (FileStateStore store = FileStateStore.builder(state).clock(clock).scheduler(scheduler).build()) {
            store.budgets().charge("c1", scopes, USD);
            store.snapshotNow();
            store.budgets().charge("c2", scopes, USD);
        }
        Files.writeString(state.resolve("budgets.json"), "{\"v\":1,\"scopes\":[{\"key\":"); // torn
        try (FileStateStore store = FileStateStore.builder(state).clock(clock).scheduler(scheduler).build()) {
            assertThat(store.budgets().spent(scopes.get(0).key())).isEqualTo(USD);
        }
        assertThat(Files.list(state).map(p -> p.getFileName().toString())).noneMatch(n -> n.endsWith(".tmp"));
    }

    @Test
    void whenBothCopiesAreDamagedTheStoreRefusesToStartRatherThanForgetSpend() throws Exception {
        Path state = dir.resolve("state");
        try (FileStateStore store = FileStateStore.builder(state).clock(clock).scheduler(scheduler).build()) {
            store.budgets().charge("c1", List.of(ScopeLimit.daily("a", USD, clock.instant(), BERLIN)), USD);
        }
        Files.writeString(state.resolve("budgets.json"), "not json");
        Files.writeString(state.resolve("budgets.json.prev"), "{\"v\":2,\"scopes\":[],\"entries\":[]}");
        assertThatThrownBy(() -> FileStateStore.builder(state).clock(clock).scheduler(scheduler).build())
                .isInstanceOf(UncheckedIOException.class).hasMessageContaining("budgets.json").hasMessageContaining("damaged");
    }

    @Test
    void aDamagedRowFallsBackToItsPreviousBody() throws Exception {
        JdbcDataSource db = new JdbcDataSource();
        db.setURL("jdbc:h2:" + dir.resolve("damaged"));
        List<ScopeLimit> scopes = List.of(ScopeLimit.daily("agent:a", 10 * USD, clock.instant(), BERLIN));
        try (JdbcStateStore store = JdbcStateStore.builder(db).clock(clock).scheduler(scheduler).build()) {
            store.budgets().charge("c1", scopes, USD);
            store.snapshotNow();
            store.budgets().charge("c2", scopes, USD);
        }
        execute(db, "UPDATE agent_sre_state SET body = X'7b7b' WHERE name = 'budgets'");
        try (JdbcStateStore store = JdbcStateStore.builder(db).clock(clock).scheduler(scheduler).build()) {
            assertThat(store.budgets().spent(scopes.get(0).key())).isEqualTo(USD);
        }
    }

    @Test
    void theTableNameMustBeAPlainIdentifier() {
        JdbcDataSource db = new JdbcDataSource();
        db.setURL("jdbc:h2:mem:names");
        assertThatThrownBy(() -> JdbcStateStore.builder(db).table("state; DROP TABLE x").build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("table");
    }

    @Test
    void unchangedSectionsAreNotRewritten() throws Exception {
        Path state = dir.resolve("state");
        try (FileStateStore store = FileStateStore.builder(state).clock(clock).scheduler(scheduler).build()) {
            store.flags().set("kill:x", "", null);
            store.snapshotNow();
            assertThat(Files.exists(state.resolve("flags.json"))).isTrue();
            assertThat(Files.exists(state.resolve("budgets.json"))).isFalse();
            long written = Files.getLastModifiedTime(state.resolve("flags.json")).toMillis();
            Files.setLastModifiedTime(state.resolve("flags.json"), java.nio.file.attribute.FileTime.fromMillis(written - 60_000));
            store.snapshotNow();
            assertThat(Files.getLastModifiedTime(state.resolve("flags.json")).toMillis()).isEqualTo(written - 60_000);
        }
    }

    private static void execute(DataSource db, String sql) throws Exception {
        try (Connection c = db.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.executeUpdate();
        }
    }
}
