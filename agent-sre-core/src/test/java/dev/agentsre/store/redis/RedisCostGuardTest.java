package dev.agentsre.store.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.agentsre.BudgetExceededException;
import dev.agentsre.cost.BudgetAction;
import dev.agentsre.cost.BudgetScope;
import dev.agentsre.cost.BudgetState;
import dev.agentsre.cost.CostGuard;
import dev.agentsre.cost.CostReservation;
import dev.agentsre.store.BudgetFailurePolicy;
import dev.agentsre.store.ScopeBalance;
import dev.agentsre.testing.ManualClock;
import dev.agentsre.testing.Race;
import dev.agentsre.testing.RedisServerExtension;
import io.lettuce.core.RedisClient;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Cost guards sharing budgets and kill switches through a real redis-server: the component-level acceptance. */
class RedisCostGuardTest {

    private static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");
    private static final long USD = 1_000_000_000L;
    @RegisterExtension
    static final RedisServerExtension REDIS = new RedisServerExtension();
    /** A second connection, as a second JVM would have. */
    private final RedisClient second = REDIS.newClient();
    private RedisStateStore storeA;
    private RedisStateStore storeB;
    private static int namespaces;

    @AfterEach
    void closeStores() {
        if (storeA != null) {
            storeA.close();
        }
        if (storeB != null) {
            storeB.close();
        }
        if (!REDIS.server().isRunning()) {
            REDIS.server().restart();
        }
    }

    /** Two stores over one namespace on separate connections, as two JVMs would have. */
    private void open(ManualClock clock, BudgetFailurePolicy policy) {
        String ns = "guards-" + namespaces++;
        storeA = RedisStateStore.builder(REDIS.client()).namespace(ns).clock(clock).budgetFailurePolicy(policy)
                .commandTimeout(Duration.ofMillis(300)).build();
        storeB = RedisStateStore.builder(second).namespace(ns).clock(clock).budgetFailurePolicy(policy)
                .commandTimeout(Duration.ofMillis(300)).build();
    }

    private static CostGuard.Builder guard(ManualClock clock, RedisStateStore store) {
        return CostGuard.builder().clock(clock).zone(BERLIN).budgetStore(store.budgets()).flagStore(store.flags())
                .reservationTimeout(Duration.ofMinutes(1));
    }

    private static ManualClock clock() {
        return ManualClock.at(ZonedDateTime.of(2026, 11, 25, 10, 0, 0, 0, BERLIN).toInstant());
    }

    @Test
    void twoGuardsOnSeparateConnectionsGrantExactlyTenOfThreeHundredTwentyAndCommitExactlyTenDollars() throws Exception {
        ManualClock clock = clock();
        open(clock, BudgetFailurePolicy.failClosed());
        CostGuard a = guard(clock, storeA).perAgentDailyLimit(10.00).build();
        CostGuard b = guard(clock, storeB).perAgentDailyLimit(10.00).build();
        AtomicInteger granted = new AtomicInteger();
        Race.run(16, thread -> {
            CostGuard guard = thread < 8 ? a : b;
            for (int i = 0; i < 20; i++) {
                CostReservation r = guard.reserve("research", "t-" + thread + "-" + i, 1.00);
                if (r.isGranted()) {
                    granted.incrementAndGet();
                    r.commit(1.00);
                }
            }
        });
        assertThat(granted.get()).isEqualTo(10);
        String key = "agent:research:d:2026-11-25";
        assertThat(storeA.budgets().balance(key)).isEqualTo(new ScopeBalance(key, 10 * USD, 0));
        // each guard follows the fleet's spend, not only its own
        assertThat(a.snapshot("research").spentUsd()).isEqualByComparingTo("10.00");
        assertThat(b.snapshot("research").spentUsd()).isEqualByComparingTo("10.00");
    }

    @Test
    void aReserveThatFitsTheAgentButNotTheOrganisationIsRefusedNamingItAndHoldsNothing() {
        ManualClock clock = clock();
        open(clock, BudgetFailurePolicy.failClosed());
        CostGuard a = guard(clock, storeA).perAgentDailyLimit(10.00).orgMonthlyBudget(12.00).build();
        CostGuard b = guard(clock, storeB).perAgentDailyLimit(10.00).orgMonthlyBudget(12.00).build();
        b.recordCost("other-agent", "t-1", 5.00);

        CostReservation r = a.reserve("research", "t-2", 8.00);

        assertThat(r.isGranted()).isFalse();
        assertThat(r.decision().scope()).isEqualTo(BudgetScope.ORGANIZATION);
        assertThat(r.decision().reason()).contains("organisation's monthly budget").contains("across the fleet").contains("org:m:2026-11");
        assertThat(storeA.budgets().balance("agent:research:d:2026-11-25")).isEqualTo(new ScopeBalance("agent:research:d:2026-11-25", 0, 0));
        assertThat(storeA.budgets().balance("org:m:2026-11")).isEqualTo(new ScopeBalance("org:m:2026-11", 5 * USD, 0));
        assertThat(a.snapshot("research").heldUsd()).isEqualByComparingTo("0");
        assertThat(a.organizationSnapshot().heldUsd()).isEqualByComparingTo("0");
    }

    @Test
    void theHoldOfAGuardThatDiedIsUsableAgainAfterItsLease() {
        ManualClock clock = clock();
        open(clock, BudgetFailurePolicy.failClosed());
        CostGuard dying = guard(clock, storeA).perAgentDailyLimit(10.00).build();
        CostGuard survivor = guard(clock, storeB).perAgentDailyLimit(10.00).build();
        assertThat(dying.reserve("research", "t-1", 5.00).isGranted()).isTrue(); // never committed nor released: the JVM died
        assertThat(survivor.reserve("research", "t-2", 10.00).isGranted()).isFalse();

        clock.advance(Duration.ofMinutes(1).plusSeconds(1));
        CostReservation r = survivor.reserve("research", "t-3", 10.00);
        assertThat(r.isGranted()).as(r.decision().reason()).isTrue();
        r.commit(10.00);
        assertThat(storeB.budgets().balance("agent:research:d:2026-11-25").spentNanos()).isEqualTo(10 * USD);
    }

    @Test
    void aCommitIsChargedOnceAndAChargeIdRetriedInAnotherJvmIsChargedOnce() {
        ManualClock clock = clock();
        open(clock, BudgetFailurePolicy.failClosed());
        CostGuard a = guard(clock, storeA).perAgentDailyLimit(10.00).build();
        CostGuard b = guard(clock, storeB).perAgentDailyLimit(10.00).build();
        CostReservation r = a.reserve("research", "t-1", 2.00);
        r.commit(1.50);
        assertThatThrownBy(() -> r.commit(1.50)).isInstanceOf(IllegalStateException.class);
        a.recordCost("research", "t-2", "invoice-7", 2.00, Map.of());
        b.recordCost("research", "t-2", "invoice-7", 2.00, Map.of()); // the same charge, retried by another replica
        assertThat(storeA.budgets().balance("agent:research:d:2026-11-25"))
                .isEqualTo(new ScopeBalance("agent:research:d:2026-11-25", 3_500_000_000L, 0));
    }

    @Test
    void theDayRollsOverAtBerlinMidnightForEveryGuard() {
        ManualClock clock = ManualClock.at(ZonedDateTime.of(2026, 11, 25, 23, 59, 0, 0, BERLIN).toInstant());
        open(clock, BudgetFailurePolicy.failClosed());
        CostGuard a = guard(clock, storeA).perAgentDailyLimit(10.00).build();
        CostGuard b = guard(clock, storeB).perAgentDailyLimit(10.00).build();
        a.reserve("research", "t-1", 10.00).commit(10.00);
        assertThat(b.reserve("research", "t-2", 1.00).isGranted()).isFalse();

        clock.set(ZonedDateTime.of(2026, 11, 26, 0, 0, 0, 0, BERLIN).toInstant()); // 23:00 UTC
        CostReservation r = b.reserve("research", "t-3", 10.00);
        assertThat(r.isGranted()).isTrue();
        assertThat(a.reserve("research", "t-4", 0.01).isGranted()).isFalse();
        r.commit(10.00);
        assertThat(storeA.budgets().spent("agent:research:d:2026-11-26")).isEqualTo(10 * USD);
        assertThat(storeA.budgets().spent("agent:research:d:2026-11-25")).isEqualTo(10 * USD);
    }

    @Test
    void aKillInOneGuardRefusesTheAgentInTheOtherAndARevivePropagates() {
        ManualClock clock = clock();
        open(clock, BudgetFailurePolicy.failClosed());
        CostGuard a = guard(clock, storeA).perAgentDailyLimit(10.00).killSwitchThreshold(0.90).build();
        CostGuard b = guard(clock, storeB).perAgentDailyLimit(10.00).killSwitchThreshold(0.90).build();
        assertThat(a.recordCost("research", "t-1", 9.50)).anyMatch(alert -> alert.action() == BudgetAction.KILL);
        storeB.refreshFlags();
        assertThat(b.state("research")).isEqualTo(BudgetState.KILLED);
        assertThat(b.checkTask("research", 0.01).action()).isEqualTo(BudgetAction.KILL);

        a.revive("research");
        storeB.refreshFlags();
        assertThat(b.checkTask("research", 0.10).allowed()).isTrue();
        assertThat(b.state("research")).isEqualTo(BudgetState.ACTIVE);
    }

    @Test
    void withRedisStoppedAGuardRefusesWithinTheCommandTimeoutSayingSo() {
        ManualClock clock = ManualClock.at(Instant.now());
        open(clock, BudgetFailurePolicy.failClosed());
        CostGuard a = guard(clock, storeA).perAgentDailyLimit(10.00).build();
        a.reserve("research", "warm-up", 0.01).release();
        REDIS.server().stop();
        long start = System.nanoTime();
        CostReservation r = a.reserve("research", "t-1", 1.00);
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        assertThat(r.isGranted()).isFalse();
        assertThat(r.decision().reason()).contains("budget store unreachable").contains("fail closed");
        assertThat(took).isLessThan(Duration.ofMillis(300).plusSeconds(2));
        assertThatThrownBy(() -> a.execute("research", "t-2", 1.00, () -> "never", x -> 0.0))
                .isInstanceOf(BudgetExceededException.class).hasMessageContaining("unreachable");
    }

    @Test
    void failOpenAdmitsUpToItsCapAndTheQueuedCostsReachRedisExactlyOnce() {
        ManualClock clock = ManualClock.at(Instant.now());
        open(clock, BudgetFailurePolicy.failOpen(3.00));
        CostGuard a = guard(clock, storeA).perAgentDailyLimit(10.00).build();
        a.reserve("research", "warm-up", 0.01).release();
        REDIS.server().stop();
        int granted = 0;
        for (int i = 0; i < 4; i++) {
            CostReservation r = a.reserve("research", "t-" + i, 1.00);
            if (r.isGranted()) {
                granted++;
                r.commit(0.80);
            }
        }
        assertThat(granted).isEqualTo(3);
        REDIS.server().restart(); // empty: persistence is off
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (storeA.budgets().queued() > 0 && System.nanoTime() < deadline) {
            storeA.budgets().replayQueued(); // each attempt waits at most the command timeout
        }
        String key = dev.agentsre.store.BudgetPeriod.DAY.key("agent:research", clock.instant(), BERLIN);
        assertThat(storeA.budgets().balance(key).spentNanos()).isEqualTo(2_400_000_000L);
        storeA.budgets().replayQueued();
        assertThat(storeA.budgets().balance(key).spentNanos()).isEqualTo(2_400_000_000L);
    }

    @Test
    void aGuardOverRedisRestartsWithTheSameRemainingBudgetExactly() {
        ManualClock clock = clock();
        open(clock, BudgetFailurePolicy.failClosed());
        CostGuard first = guard(clock, storeA).perAgentDailyLimit(10.00).orgMonthlyBudget(100.00).build();
        first.reserve("research", "t-1", 4.00).commit(new BigDecimal("3.333333333"));
        first.recordCost("research", "t-2", 1.25);
        // the JVM stops; a new guard over the same Redis
        CostGuard second = guard(clock, storeB).perAgentDailyLimit(10.00).orgMonthlyBudget(100.00).build();
        assertThat(second.reserve("research", "t-3", new BigDecimal("5.416666668")).isGranted()).isFalse();
        CostReservation exact = second.reserve("research", "t-4", new BigDecimal("5.416666667"));
        assertThat(exact.isGranted()).isTrue();
        exact.release();
        assertThat(second.snapshot("research").spentUsd()).isEqualByComparingTo("4.583333333");
        assertThat(second.organizationSnapshot().spentUsd()).isEqualByComparingTo("4.583333333");
    }
}
