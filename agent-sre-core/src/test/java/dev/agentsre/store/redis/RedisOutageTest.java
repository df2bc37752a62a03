package dev.agentsre.store.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.agentsre.store.BudgetFailurePolicy;
import dev.agentsre.store.FailurePolicyBudgetStore;
import dev.agentsre.store.FlagKeys;
import dev.agentsre.store.ReserveResult;
import dev.agentsre.store.ScopeBalance;
import dev.agentsre.store.ScopeLimit;
import dev.agentsre.store.Settlement;
import dev.agentsre.testing.RedisServerExtension;
import io.lettuce.core.RedisClient;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** What budgets and flags do while redis-server is stopped, and when it returns. */
class RedisOutageTest {

    private static final long USD = 1_000_000_000L;
    private static final Duration TIMEOUT = Duration.ofMillis(300);
    @RegisterExtension
    static final RedisServerExtension REDIS = new RedisServerExtension();

    @AfterEach
    void redisRunsAgain() {
        if (!REDIS.server().isRunning()) {
            REDIS.server().restart();
        }
    }

    private static List<ScopeLimit> scopes(String agent) {
        return List.of(ScopeLimit.of("agent:" + agent + ":d:today", 10 * USD, Instant.now(), Duration.ofDays(1)),
                ScopeLimit.of("org:m:this-month", 100 * USD, Instant.now(), Duration.ofDays(1)));
    }

    /** Waits until the client has reconnected: a command succeeds (each attempt waits at most the command timeout). */
    private static void awaitReconnected(RedisStateStore store) {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (true) {
            try {
                store.budgets().balance("probe");
                return;
            } catch (RuntimeException e) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("the client did not reconnect within 20 s", e);
                }
            }
        }
    }

    @Test
    void failClosedRefusesWithinTheCommandTimeoutSayingTheStoreIsUnreachable() {
        try (RedisStateStore store = RedisStateStore.builder(REDIS.client()).namespace("closed").commandTimeout(TIMEOUT).build()) {
            assertThat(store.budgets().reserve("before", scopes("a"), USD, Duration.ofMinutes(1)).granted()).isTrue();
            REDIS.server().stop();

            long start = System.nanoTime();
            ReserveResult r = store.budgets().reserve("during", scopes("a"), USD, Duration.ofMinutes(1));
            Duration took = Duration.ofNanos(System.nanoTime() - start);

            assertThat(r.status()).isEqualTo(ReserveResult.Status.UNAVAILABLE);
            assertThat(r.granted()).isFalse();
            assertThat(r.reason()).contains("budget store unreachable").contains("fail closed");
            // the command timeout, plus scheduling slack on a loaded 2-core machine
            assertThat(took).isLessThan(TIMEOUT.plusSeconds(2));
        }
    }

    @Test
    void failOpenAdmitsUpToItsCapAndTheQueuedChargesAppearExactlyOnceWhenRedisReturns() {
        try (RedisStateStore store = RedisStateStore.builder(REDIS.client()).namespace("open").commandTimeout(TIMEOUT)
                .budgetFailurePolicy(BudgetFailurePolicy.failOpen(3.00)).build()) {
            FailurePolicyBudgetStore budgets = store.budgets();
            assertThat(budgets.reserve("warm-up", scopes("b"), 0, Duration.ofMinutes(1)).granted()).isTrue();
            REDIS.server().stop();

            for (int i = 0; i < 3; i++) {
                ReserveResult r = budgets.reserve("open-" + i, scopes("b"), USD, Duration.ofMinutes(1));
                assertThat(r.status()).isEqualTo(ReserveResult.Status.PROVISIONAL);
                assertThat(r.reason()).contains("fail open");
            }
            ReserveResult fourth = budgets.reserve("open-3", scopes("b"), USD, Duration.ofMinutes(1));
            assertThat(fourth.status()).isEqualTo(ReserveResult.Status.UNAVAILABLE);
            assertThat(fourth.reason()).contains("fail-open cap of $3.00");
            for (int i = 0; i < 3; i++) {
                assertThat(budgets.commit("open-" + i, 800_000_000L).settlement()).isEqualTo(Settlement.QUEUED);
            }
            assertThat(budgets.outstandingNanos()).isEqualTo(2_400_000_000L);

            REDIS.server().restart(); // empty: persistence is off
            awaitReconnected(store);
            budgets.replayQueued();

            String agentKey = scopes("b").get(0).key();
            assertThat(budgets.balance(agentKey)).isEqualTo(new ScopeBalance(agentKey, 2_400_000_000L, 0));
            assertThat(budgets.queued()).isZero();
            assertThat(budgets.outstandingNanos()).isZero();
            // a replay whose reply was lost is sent again: still counted once
            for (int i = 0; i < 3; i++) {
                assertThat(budgets.charge("open-" + i, scopes("b"), 800_000_000L).settlement()).isEqualTo(Settlement.REPEATED);
            }
            assertThat(budgets.replayQueued()).isZero();
            assertThat(budgets.balance(agentKey)).isEqualTo(new ScopeBalance(agentKey, 2_400_000_000L, 0));
        }
    }

    @Test
    void aCommitThatCannotReachRedisIsQueuedAndAppliedOnceOnReturn() {
        try (RedisStateStore store = RedisStateStore.builder(REDIS.client()).namespace("queued-commit").commandTimeout(TIMEOUT).build()) {
            FailurePolicyBudgetStore budgets = store.budgets();
            REDIS.server().restart();
            awaitReconnected(store);
            assertThat(budgets.reserve("t", scopes("c"), 2 * USD, Duration.ofMinutes(5)).granted()).isTrue();
            // stop without losing data: the hold is gone with the restart, so check against a fresh start
            REDIS.server().stop();
            assertThat(budgets.commit("t", USD).settlement()).isEqualTo(Settlement.QUEUED);
            assertThat(budgets.queued()).isEqualTo(1);
            REDIS.server().restart();
            awaitReconnected(store);
            assertThat(budgets.replayQueued()).isEqualTo(1);
            // the restarted Redis forgot the reservation: the queued commit finds it UNKNOWN and charges nothing twice
            assertThat(budgets.commit("t", USD).settlement()).isEqualTo(Settlement.UNKNOWN);
        }
    }

    @Test
    void quarantinesAndKillsStayAppliedWhileRedisIsUnreachable() {
        try (RedisStateStore a = RedisStateStore.builder(REDIS.client()).namespace("flags-outage").commandTimeout(TIMEOUT).build();
             RedisStateStore b = RedisStateStore.builder(REDIS.client()).namespace("flags-outage").commandTimeout(TIMEOUT).build()) {
            a.flags().set(FlagKeys.quarantine("rogue"), "loop", null);
            b.refreshFlags();
            assertThat(b.flags().isSet(FlagKeys.quarantine("rogue"))).isTrue();

            REDIS.server().stop();
            b.refreshFlags(); // fails: the copy stays
            assertThat(b.flags().isSet(FlagKeys.quarantine("rogue"))).isTrue();

            // decided here during the outage: enforced here at once, sent when Redis returns
            b.flags().set(FlagKeys.kill("spender"), "cap", null);
            assertThat(b.flags().isSet(FlagKeys.kill("spender"))).isTrue();
            assertThat(b.pendingFlagWrites()).isEqualTo(1);
            b.refreshFlags();
            assertThat(b.flags().isSet(FlagKeys.kill("spender"))).isTrue();

            REDIS.server().restart(); // empty
            awaitReconnected(b);
            b.refreshFlags();
            assertThat(b.pendingFlagWrites()).isZero();
            a.refreshFlags();
            assertThat(a.flags().isSet(FlagKeys.kill("spender"))).isTrue();
        }
    }

    @Test
    void aStoreBuiltWhileRedisIsDownStartsFailingClosedAndConnectsWhenRedisComesUp() {
        REDIS.server().stop();
        RedisClient late = REDIS.newClient();
        try (RedisStateStore store = RedisStateStore.builder(late).namespace("late").commandTimeout(TIMEOUT)
                .connectTimeout(Duration.ofMillis(500)).build()) {
            assertThat(store.budgets().reserve("early", scopes("d"), USD, Duration.ofMinutes(1)).status())
                    .isEqualTo(ReserveResult.Status.UNAVAILABLE);
            REDIS.server().restart();
            awaitReconnected(store);
            assertThat(store.budgets().reserve("later", scopes("d"), USD, Duration.ofMinutes(1)).status())
                    .isEqualTo(ReserveResult.Status.GRANTED);
        } finally {
            late.shutdown();
        }
    }
}
