package dev.agentsre.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.agentsre.AgentSre;
import dev.agentsre.BudgetExceededException;
import dev.agentsre.QuarantinedException;
import dev.agentsre.anomaly.RogueAgentDetector;
import dev.agentsre.anomaly.RogueDetectorConfig;
import dev.agentsre.breaker.CircuitBreakerConfig;
import dev.agentsre.breaker.CircuitBreakerRegistry;
import dev.agentsre.breaker.CircuitState;
import dev.agentsre.cost.CostGuard;
import dev.agentsre.cost.CostReservation;
import dev.agentsre.cost.PriceTable;
import dev.agentsre.cost.TokenUsage;
import dev.agentsre.event.SreEventBus;
import dev.agentsre.testing.ManualClock;
import dev.agentsre.testing.ManualScheduledExecutor;
import dev.agentsre.testing.Race;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.sqlite.SQLiteDataSource;

/**
 * The components over stores, without Redis: guards, detectors and registries of several "JVMs"
 * sharing in-memory stores, the pipeline charging a shared store in flight, and guards restarting
 * over file, SQLite and H2 stores. (The same on a real redis-server: dev.agentsre.store.redis.)
 */
class SharedComponentsTest {

    private static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");
    private static final long USD = 1_000_000_000L;
    private static final TokenUsage CALL = TokenUsage.of(20_000, 1_000); // gpt-4o: $0.05 + $0.01

    private final ManualClock clock = ManualClock.at(Instant.parse("2026-11-25T09:00:00Z"));

    @TempDir
    Path dir;

    private CostGuard.Builder guard(BudgetStore store) {
        return CostGuard.builder().clock(clock).zone(BERLIN).budgetStore(store);
    }

    @Test
    void guardsSharingAStoreGrantExactlyTheLimitBetweenThem() throws Exception {
        BudgetStore store = BudgetStore.inMemory(clock);
        CostGuard a = guard(store).perAgentDailyLimit(10.00).build();
        CostGuard b = guard(store).perAgentDailyLimit(10.00).build();
        AtomicInteger granted = new AtomicInteger();
        Race.run(16, thread -> {
            CostGuard g = thread % 2 == 0 ? a : b;
            for (int i = 0; i < 20; i++) {
                CostReservation r = g.reserve("research", "t" + thread + "-" + i, 1.00);
                if (r.isGranted()) {
                    granted.incrementAndGet();
                    r.commit(1.00);
                }
            }
        });
        assertThat(granted.get()).isEqualTo(10);
        assertThat(store.balance("agent:research:d:2026-11-25")).isEqualTo(new ScopeBalance("agent:research:d:2026-11-25", 10 * USD, 0));
    }

    @Test
    void aChargeIdIsChargedOnceWhicheverGuardRetriesIt() {
        BudgetStore store = BudgetStore.inMemory(clock);
        guard(store).build().recordCost("research", "t-1", "invoice-1", 2.00, Map.of());
        guard(store).build().recordCost("research", "t-1", "invoice-1", 2.00, Map.of());
        assertThat(store.spent("org:m:2026-11")).isEqualTo(2 * USD);
    }

    @Test
    void agentIdsThatLookLikeKeysNeverShareABudget() {
        BudgetStore store = BudgetStore.inMemory(clock);
        CostGuard g = guard(store).perAgentDailyLimit(10.00).build();
        g.recordCost("a:d:2026-11-25", "t", 10.00);
        assertThat(g.reserve("a", "t", 10.00).isGranted()).isTrue();
        assertThat(g.reserve("a\u0000b", "t", 10.00).isGranted()).isTrue();
    }

    @Test
    void thePipelineChargesEveryCallToTheSharedStoreAndGivesTheHoldBack() throws Exception {
        BudgetStore store = BudgetStore.inMemory(clock);
        CostGuard guard = guard(store).perTaskLimit(1.00).perAgentDailyLimit(50.00).priceTable(PriceTable.defaults()).build();
        AgentSre sre = AgentSre.builder().clock(clock).costGuard(guard).build();
        String answer = sre.agent("research").task("t-1").estimatedCost(0.50).call(ctx -> {
            ctx.llm("gpt-4o", "q1", () -> "a", r -> CALL);
            ctx.llm("gpt-4o", "q2", () -> "b", r -> CALL);
            return ctx.llm("gpt-4o", "q3", () -> "c", r -> CALL);
        });
        assertThat(answer).isEqualTo("c");
        assertThat(store.balance("agent:research:d:2026-11-25")).isEqualTo(new ScopeBalance("agent:research:d:2026-11-25", 180_000_000L, 0));
        assertThat(store.balance("task:research:t-1")).isEqualTo(new ScopeBalance("task:research:t-1", 180_000_000L, 0));
        assertThat(guard.snapshot("research").spentUsd()).isEqualByComparingTo("0.18");
    }

    @Test
    void aGuardRefusesATaskTheFleetHasNoRoomFor() {
        BudgetStore store = BudgetStore.inMemory(clock);
        guard(store).perAgentDailyLimit(1.00).build().recordCost("research", "elsewhere", 0.95);
        CostGuard here = guard(store).perAgentDailyLimit(1.00).priceTable(PriceTable.defaults()).build();
        AgentSre sre = AgentSre.builder().clock(clock).costGuard(here).build();
        assertThatThrownBy(() -> sre.agent("research").task("t").estimatedCost(0.10).call(ctx -> "never"))
                .isInstanceOf(BudgetExceededException.class).hasMessageContaining("across the fleet");
    }

    @Test
    void aQuarantineByOneDetectorIsEnforcedByTheOthersAndTheirPipelines() throws Exception {
        FlagStore flags = FlagStore.inMemory(clock);
        RogueDetectorConfig config = RogueDetectorConfig.builder().clock(clock).build();
        RogueAgentDetector a = new RogueAgentDetector(config, new SreEventBus(), flags);
        RogueAgentDetector b = new RogueAgentDetector(config, new SreEventBus(), flags);
        AgentSre sre = AgentSre.builder().clock(clock).rogueDetector(b).build();
        a.quarantine("scraper", "tool loop");
        assertThat(b.admit("scraper")).isFalse();
        assertThatThrownBy(() -> sre.agent("scraper").task("t").call(ctx -> "never")).isInstanceOf(QuarantinedException.class);
        b.release("scraper");
        assertThat(a.admit("scraper")).isTrue();
        String ok = sre.agent("scraper").task("t2").call(ctx -> "ok");
        assertThat(ok).isEqualTo("ok");
    }

    @Test
    void aForcedOpenBreakerIsOpenInEveryRegistrySharingTheFlags() {
        FlagStore flags = FlagStore.inMemory(clock);
        CircuitBreakerConfig config = CircuitBreakerConfig.builder().clock(clock).build();
        CircuitBreakerRegistry a = CircuitBreakerRegistry.builder().defaultConfig(config).flagStore(flags).build();
        CircuitBreakerRegistry b = CircuitBreakerRegistry.builder().defaultConfig(config).flagStore(flags).build();
        a.get("openai").forceOpen();
        assertThat(b.get("openai").state()).isEqualTo(CircuitState.FORCED_OPEN);
        b.get("openai").reset();
        assertThat(a.get("openai").state()).isEqualTo(CircuitState.CLOSED);
    }

    private Supplier<StateStore> opener(String medium) {
        return switch (medium) {
            case "file" -> () -> FileStateStore.builder(dir.resolve("state")).clock(clock).scheduler(new ManualScheduledExecutor(clock)).build();
            case "sqlite" -> {
                SQLiteDataSource db = new SQLiteDataSource();
                db.setUrl("jdbc:sqlite:" + dir.resolve("state.db"));
                yield () -> JdbcStateStore.builder(db).clock(clock).scheduler(new ManualScheduledExecutor(clock)).build();
            }
            case "h2" -> {
                JdbcDataSource db = new JdbcDataSource();
                db.setURL("jdbc:h2:" + dir.resolve("state-h2"));
                yield () -> JdbcStateStore.builder(db).clock(clock).scheduler(new ManualScheduledExecutor(clock)).build();
            }
            default -> throw new IllegalArgumentException(medium);
        };
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"file", "sqlite", "h2"})
    void aGuardRestartedOverTheSameStoreHasTheSameRemainingBudgetExactly(String medium) {
        Supplier<StateStore> open = opener(medium);
        try (StateStore store = open.get()) {
            CostGuard first = guard(store.budgets()).perAgentDailyLimit(10.00).build();
            first.reserve("research", "t-1", 4.00).commit(new BigDecimal("3.333333333"));
            first.recordCost("research", "t-2", 1.25);
            assertThat(first.reserve("research", "t-open", 1.00).isGranted()).isTrue(); // still open at the "crash"
        }
        try (StateStore store = open.get()) {
            CostGuard second = guard(store.budgets()).perAgentDailyLimit(10.00).reservationTimeout(Duration.ofMinutes(10)).build();
            // $10 − $4.583333333 spent − $1.00 still held by the open reservation
            assertThat(second.reserve("research", "t-3", new BigDecimal("4.416666668")).isGranted()).isFalse();
            assertThat(second.snapshot("research").spentUsd()).isEqualByComparingTo("4.583333333"); // learnt from the refusal
            assertThat(second.reserve("research", "t-4", new BigDecimal("4.416666667")).isGranted()).isTrue();
            assertThat(second.snapshot("research").spentUsd()).isEqualByComparingTo("4.583333333");
        }
    }
}
