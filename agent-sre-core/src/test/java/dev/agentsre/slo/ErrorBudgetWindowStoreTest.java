package dev.agentsre.slo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.agentsre.store.FileStateStore;
import dev.agentsre.store.JdbcStateStore;
import dev.agentsre.store.StateStore;
import dev.agentsre.store.StoreUnavailableException;
import dev.agentsre.store.WindowRestartScenario;
import dev.agentsre.store.WindowSnapshot;
import dev.agentsre.store.WindowStore;
import dev.agentsre.testing.ManualScheduledExecutor;
import dev.agentsre.testing.ManualClock;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.sqlite.SQLiteDataSource;

/** Error budgets kept in a window store: restarts carry on exactly; JVMs sharing a store count each other's events. */
class ErrorBudgetWindowStoreTest {

    @TempDir
    Path dir;

    private WindowRestartScenario.Reading[] restart(String medium, boolean calendar) {
        AtomicReference<StateStore> current = new AtomicReference<>();
        Supplier<WindowStore> open = () -> {
            StateStore store = switch (medium) {
                case "file" -> FileStateStore.builder(dir.resolve("state")).build();
                case "sqlite" -> {
                    SQLiteDataSource db = new SQLiteDataSource();
                    db.setUrl("jdbc:sqlite:" + dir.resolve("state.db"));
                    yield JdbcStateStore.builder(db).build();
                }
                case "h2" -> {
                    JdbcDataSource db = new JdbcDataSource();
                    db.setURL("jdbc:h2:" + dir.resolve("state-h2"));
                    yield JdbcStateStore.builder(db).build();
                }
                default -> throw new IllegalArgumentException(medium);
            };
            current.set(store);
            return store.windows();
        };
        return WindowRestartScenario.run(open, () -> current.get().close(), calendar);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"file", "sqlite", "h2"})
    void aRestartOverTheSameStoreReadsTheSameBudgetAndBurnRatesExactly(String medium) {
        WindowRestartScenario.Reading[] r = restart(medium, false);
        assertThat(r[1]).isEqualTo(r[0]);
        assertThat(r[0].remaining()).isBetween(0.0, 100.0);
        assertThat(r[0].burn1h()).isPositive();
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"file", "sqlite", "h2"})
    void aCalendarBudgetCarriesItsPeriodAcrossARestartExactly(String medium) {
        WindowRestartScenario.Reading[] r = restart(medium, true);
        assertThat(r[1]).isEqualTo(r[0]);
    }

    @Test
    void withoutARestartNothingIsLostOrCountedTwiceBySyncs() {
        ManualClock clock = ManualClock.at(Instant.parse("2026-11-25T08:00:00Z"));
        ManualScheduledExecutor scheduler = new ManualScheduledExecutor(clock);
        WindowStore store = WindowStore.inMemory();
        ErrorBudget budget = WindowRestartScenario.budget(store, clock, scheduler, false);
        ErrorBudget plain = ErrorBudget.builder().target(0.995).clock(clock).build();
        for (int i = 0; i < 500; i++) {
            budget.recordEvent(i % 50 != 0);
            plain.recordEvent(i % 50 != 0);
            clock.advance(Duration.ofSeconds(3));
            scheduler.advanceTo(clock.instant());
            if (i % 7 == 0) {
                budget.sync();
            }
        }
        assertThat(WindowRestartScenario.Reading.of(budget)).isEqualTo(WindowRestartScenario.Reading.of(plain));
        assertThat(store.load("slo:checkout:coarse").orElseThrow().lifetimeTotal()).isEqualTo(500);
    }

    @Test
    void twoJvmsOnOneStoreEachReadTheWholeFleetAfterASync() {
        ManualClock clock = ManualClock.at(Instant.parse("2026-11-25T08:00:00Z"));
        WindowStore store = WindowStore.inMemory();
        ErrorBudget a = WindowRestartScenario.budget(store, clock, new ManualScheduledExecutor(clock), false);
        ErrorBudget b = WindowRestartScenario.budget(store, clock, new ManualScheduledExecutor(clock), false);
        for (int i = 0; i < 300; i++) {
            a.recordEvent(true);
            b.recordEvent(i % 30 != 0);
            clock.advance(Duration.ofSeconds(1));
        }
        a.sync();
        b.sync();
        a.sync();
        assertThat(a.totalEvents()).isEqualTo(600);
        assertThat(b.totalEvents()).isEqualTo(600);
        assertThat(a.badEvents()).isEqualTo(10);
        assertThat(a.burnRate(Duration.ofHours(1))).isEqualTo(b.burnRate(Duration.ofHours(1)));
        assertThat(a.lifetimeEvents()).isEqualTo(600);
    }

    @Test
    void anUnreachableStoreKeepsTheEventsHereAndSendsThemLater() {
        ManualClock clock = ManualClock.at(Instant.parse("2026-11-25T08:00:00Z"));
        WindowStore real = WindowStore.inMemory();
        boolean[] down = {false};
        WindowStore flaky = new WindowStore() {
            @Override
            public WindowSnapshot add(String key, WindowSnapshot delta) {
                if (down[0]) {
                    throw new StoreUnavailableException("down", null);
                }
                return real.add(key, delta);
            }

            @Override
            public Optional<WindowSnapshot> load(String key) {
                return real.load(key);
            }

            @Override
            public void close() {
            }
        };
        ManualScheduledExecutor scheduler = new ManualScheduledExecutor(clock);
        ErrorBudget budget = WindowRestartScenario.budget(flaky, clock, scheduler, false);
        down[0] = true;
        for (int i = 0; i < 100; i++) {
            budget.recordEvent(i != 0);
        }
        clock.advance(Duration.ofSeconds(5));
        scheduler.advanceTo(clock.instant()); // syncs fail quietly
        assertThat(budget.totalEvents()).isEqualTo(100);
        assertThatThrownBy(budget::sync).isInstanceOf(StoreUnavailableException.class);
        down[0] = false;
        clock.advance(Duration.ofSeconds(1));
        scheduler.advanceTo(clock.instant());
        assertThat(real.load("slo:checkout:coarse").orElseThrow().lifetimeTotal()).isEqualTo(100);
        assertThat(budget.totalEvents()).isEqualTo(100);
    }

    @Test
    void timeSliceBudgetsCannotUseAWindowStore() {
        assertThatThrownBy(() -> ErrorBudget.builder().target(0.99).timeslices(Duration.ofMinutes(1), 0.9)
                .windowStore(WindowStore.inMemory(), "k").build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("windowStore");
    }

    @Test
    void aTemplateGivesEveryAgentsBudgetItsOwnKeyAndAnEvictedBudgetSendsItsLastEvents() {
        ManualClock clock = ManualClock.at(Instant.parse("2026-11-25T08:00:00Z"));
        WindowStore store = WindowStore.inMemory();
        ManualScheduledExecutor scheduler = new ManualScheduledExecutor(clock);
        SloTemplate template = SloTemplate.builder("reliability").clock(clock).idleExpiry(Duration.ofMinutes(10))
                .indicator(() -> Slis.taskSuccessRate().clock(clock).build())
                .errorBudgetPerAgent(agent -> ErrorBudget.builder().target(0.995).clock(clock)
                        .windowStore(store, "slo:reliability:" + agent).windowSyncScheduler(scheduler).build())
                .build();
        template.forAgent("a").errorBudget().recordEvents(3, 1);
        template.forAgent("b").errorBudget().recordEvents(5, 0);
        clock.advance(Duration.ofMinutes(11));
        assertThat(template.evictIdle()).isEqualTo(2);
        assertThat(store.load("slo:reliability:a:coarse").orElseThrow().lifetimeTotal()).isEqualTo(4);
        assertThat(store.load("slo:reliability:b:coarse").orElseThrow().lifetimeTotal()).isEqualTo(5);
        assertThat(template.forAgent("a").errorBudget().lifetimeEvents()).isEqualTo(4); // back, from the store
    }
}
