package dev.agentsre.store.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.agentsre.store.Flag;
import dev.agentsre.store.FlagKeys;
import dev.agentsre.store.ReserveResult;
import dev.agentsre.store.ScopeBalance;
import dev.agentsre.store.ScopeLimit;
import dev.agentsre.store.Settlement;
import dev.agentsre.store.WindowSnapshot;
import dev.agentsre.testing.ManualScheduledExecutor;
import dev.agentsre.testing.Race;
import dev.agentsre.testing.RedisServerExtension;
import dev.agentsre.testing.ManualClock;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The Redis state store on a real redis-server: sharing between stores, flags, windows, restarts, keys. */
class RedisStateStoreTest {

    private static final long USD = 1_000_000_000L;
    @RegisterExtension
    static final RedisServerExtension REDIS = new RedisServerExtension();

    @Test
    void twoStoresOnSeparateConnectionsGrantExactlyTheLimit() throws Exception {
        RedisClient secondClient = REDIS.newClient();
        try (RedisStateStore a = RedisStateStore.builder(REDIS.client()).namespace("race").build();
             RedisStateStore b = RedisStateStore.builder(secondClient).namespace("race").build()) {
            List<ScopeLimit> scopes = List.of(ScopeLimit.daily("agent:hot", 10 * USD, Instant.now(), java.time.ZoneOffset.UTC));
            AtomicInteger granted = new AtomicInteger();
            Race.run(16, thread -> {
                RedisStateStore store = thread < 8 ? a : b;
                for (int i = 0; i < 20; i++) {
                    String id = "t" + thread + "-" + i;
                    if (store.budgets().reserve(id, scopes, USD, Duration.ofMinutes(1)).granted()) {
                        granted.incrementAndGet();
                        assertThat(store.budgets().commit(id, USD).settlement()).isEqualTo(Settlement.APPLIED);
                    }
                }
            });
            assertThat(granted.get()).isEqualTo(10);
            String key = scopes.get(0).key();
            assertThat(b.budgets().balance(key)).isEqualTo(new ScopeBalance(key, 10 * USD, 0));
        }
    }

    @Test
    void aFlagSetInOneJvmIsSeenByAnotherWithinTheCacheTtlWithoutPubSub() {
        ManualClock clock = ManualClock.at(Instant.now());
        ManualScheduledExecutor scheduler = new ManualScheduledExecutor(clock);
        try (RedisStateStore a = RedisStateStore.builder(REDIS.client()).namespace("poll").pubSub(false).build();
             RedisStateStore b = RedisStateStore.builder(REDIS.client()).namespace("poll").pubSub(false).clock(clock)
                     .scheduler(scheduler).flagCacheTtl(Duration.ofSeconds(1)).build()) {
            a.flags().set(FlagKeys.quarantine("rogue"), "loop detected", null);
            assertThat(b.flags().isSet(FlagKeys.quarantine("rogue"))).isFalse();

            scheduler.advanceTo(clock.instant().plusMillis(999));
            assertThat(b.flags().isSet(FlagKeys.quarantine("rogue"))).isFalse();
            scheduler.advanceTo(clock.instant().plusMillis(1));
            assertThat(b.flags().get(FlagKeys.quarantine("rogue"))).map(Flag::value).contains("loop detected");

            a.flags().clear(FlagKeys.quarantine("rogue"));
            scheduler.advanceTo(clock.instant().plusSeconds(1));
            assertThat(b.flags().isSet(FlagKeys.quarantine("rogue"))).isFalse();
        }
    }

    @Test
    void aFlagSetInOneJvmReachesAnotherWithinASecondByPubSub() throws Exception {
        try (RedisStateStore a = RedisStateStore.builder(REDIS.client()).namespace("pubsub").build();
             RedisStateStore b = RedisStateStore.builder(REDIS.client()).namespace("pubsub").flagCacheTtl(Duration.ofMinutes(10)).build()) {
            CountDownLatch seen = new CountDownLatch(1);
            List<Flag> changes = new ArrayList<>();
            b.flags().watch(FlagKeys.QUARANTINE, (key, flag) -> {
                synchronized (changes) {
                    changes.add(flag);
                }
                seen.countDown();
            });
            a.flags().set(FlagKeys.quarantine("rogue"), "loop", Duration.ofHours(1));
            // the cache TTL is 10 minutes here: only the announcement can deliver it this fast
            assertThat(seen.await(1, TimeUnit.SECONDS)).isTrue();
            assertThat(b.flags().isSet(FlagKeys.quarantine("rogue"))).isTrue();
            synchronized (changes) {
                assertThat(changes.get(0).key()).isEqualTo(FlagKeys.quarantine("rogue"));
            }
        }
    }

    @Test
    void flagsLapseAfterTheirTtlAndAreCapped() {
        ManualClock clock = ManualClock.at(Instant.now());
        try (RedisStateStore a = RedisStateStore.builder(REDIS.client()).namespace("ttl").clock(clock).maxFlags(2).build()) {
            a.flags().set(FlagKeys.breakerOpen("openai"), "forced", Duration.ofMinutes(5));
            assertThat(a.flags().isSet(FlagKeys.breakerOpen("openai"))).isTrue();
            clock.advance(Duration.ofMinutes(5));
            assertThat(a.flags().isSet(FlagKeys.breakerOpen("openai"))).isFalse();
            a.flags().set("k1", "", null);
            a.flags().set("k2", "", null); // the lapsed flag is dropped to make room
            assertThatThrownBy(() -> a.flags().set("k3", "", null)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("maxFlags");
            assertThat(a.flags().list("k")).extracting(Flag::key).containsExactly("k1", "k2");
        }
    }

    @Test
    void windowsAddEveryJvmsCountsAndDropBucketsThatLeftTheRing() {
        try (RedisStateStore a = RedisStateStore.builder(REDIS.client()).namespace("windows").build();
             RedisStateStore b = RedisStateStore.builder(REDIS.client()).namespace("windows").build()) {
            WindowSnapshot fromA = WindowSnapshot.of(60_000, 4, List.of(new WindowSnapshot.Bucket(100, 10, 1),
                    new WindowSnapshot.Bucket(101, 5, 0)), 15, 1, 6_000_000);
            WindowSnapshot fromB = WindowSnapshot.of(60_000, 4, List.of(new WindowSnapshot.Bucket(101, 7, 2)), 7, 2, 6_060_000);
            a.windows().add("slo:api", fromA);
            WindowSnapshot sum = b.windows().add("slo:api", fromB);
            assertThat(sum).isEqualTo(fromA.plus(fromB));
            assertThat(sum.buckets()).containsExactly(new WindowSnapshot.Bucket(100, 10, 1), new WindowSnapshot.Bucket(101, 12, 2));
            assertThat(sum.lifetimeTotal()).isEqualTo(22);
            assertThat(sum.firstEventMillis()).isEqualTo(6_000_000);

            WindowSnapshot later = WindowSnapshot.of(60_000, 4, List.of(new WindowSnapshot.Bucket(104, 1, 0)), 1, 0, 6_240_000);
            WindowSnapshot after = a.windows().add("slo:api", later);
            assertThat(after.buckets()).containsExactly(new WindowSnapshot.Bucket(101, 12, 2), new WindowSnapshot.Bucket(104, 1, 0));
            assertThat(after.lifetimeTotal()).isEqualTo(23);
            assertThat(b.windows().load("slo:api")).contains(after);

            WindowSnapshot otherLayout = WindowSnapshot.of(1_000, 10, List.of(new WindowSnapshot.Bucket(5, 1, 1)), 1, 1, 5_000);
            assertThat(a.windows().add("slo:api", otherLayout)).isEqualTo(otherLayout);
            assertThat(a.windows().load("slo:missing")).isEmpty();
        }
    }

    @Test
    void aNewStoreOverTheSameRedisSeesTheSameStateExactly() {
        ManualClock clock = ManualClock.at(Instant.now());
        List<ScopeLimit> scopes = List.of(ScopeLimit.daily("agent:a", 10 * USD, clock.instant(), java.time.ZoneOffset.UTC));
        WindowSnapshot window = WindowSnapshot.of(30_000, 720, List.of(new WindowSnapshot.Bucket(7, 990, 0),
                new WindowSnapshot.Bucket(8, 10, 10)), 1000, 10, 210_000);
        try (RedisStateStore first = RedisStateStore.builder(REDIS.client()).namespace("restart").clock(clock).build()) {
            first.budgets().charge("c1", scopes, 3 * USD);
            first.budgets().reserve("open", scopes, 2 * USD, Duration.ofMinutes(5));
            first.flags().set(FlagKeys.kill("spender"), "over budget", null);
            first.windows().add("slo:x", window);
        }
        try (RedisStateStore second = RedisStateStore.builder(REDIS.client()).namespace("restart").clock(clock).build()) {
            String key = scopes.get(0).key();
            assertThat(second.budgets().balance(key)).isEqualTo(new ScopeBalance(key, 3 * USD, 2 * USD));
            assertThat(second.budgets().commit("open", USD).settlement()).isEqualTo(Settlement.APPLIED);
            assertThat(second.budgets().charge("c1", scopes, 3 * USD).settlement()).isEqualTo(Settlement.REPEATED);
            assertThat(second.flags().get(FlagKeys.kill("spender"))).map(Flag::value).contains("over budget");
            assertThat(second.windows().load("slo:x")).contains(window);
        }
    }

    @Test
    void everyKeyOfANamespaceCarriesItsHashTag() {
        try (RedisStateStore store = RedisStateStore.builder(REDIS.client()).namespace("tagged").build();
             StatefulRedisConnection<String, String> raw = REDIS.client().connect()) {
            List<ScopeLimit> scopes = List.of(ScopeLimit.daily("agent:a", 10 * USD, Instant.now(), java.time.ZoneOffset.UTC),
                    ScopeLimit.monthly("org", 100 * USD, Instant.now(), java.time.ZoneOffset.UTC));
            store.budgets().reserve("r", scopes, USD, Duration.ofMinutes(1));
            store.budgets().charge("c", scopes, USD);
            store.flags().set("kill:x", "", null);
            store.windows().add("w", WindowSnapshot.of(1000, 10, List.of(new WindowSnapshot.Bucket(1, 1, 0)), 1, 0, 1000));
            List<String> keys = raw.sync().keys("*tagged*");
            assertThat(keys).hasSizeGreaterThanOrEqualTo(8).allSatisfy(k -> assertThat(k).startsWith("{tagged}:"));
        }
    }

    @Test
    void aNamespaceWithBracesIsRejected() {
        assertThatThrownBy(() -> RedisStateStore.builder(REDIS.client()).namespace("a}b").build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("namespace");
        assertThatThrownBy(() -> RedisStateStore.builder(REDIS.client()).commandTimeout(Duration.ZERO).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("commandTimeout");
    }

    @Test
    void aRefusalFromRedisNamesTheScope() {
        try (RedisStateStore store = RedisStateStore.builder(REDIS.client()).namespace("refusal").build()) {
            Instant now = Instant.now();
            ScopeLimit agentA = ScopeLimit.daily("agent:a", 10 * USD, now, java.time.ZoneOffset.UTC);
            ScopeLimit agentB = ScopeLimit.daily("agent:b", 10 * USD, now, java.time.ZoneOffset.UTC);
            ScopeLimit org = ScopeLimit.monthly("org", 12 * USD, now, java.time.ZoneOffset.UTC);
            store.budgets().charge("b-spent", List.of(agentB, org), 5 * USD);
            ReserveResult r = store.budgets().reserve("a-8", List.of(agentA, org), 8 * USD, Duration.ofMinutes(1));
            assertThat(r.status()).isEqualTo(ReserveResult.Status.REFUSED);
            assertThat(r.refusedScope()).isEqualTo(1);
            assertThat(r.reason()).contains(org.key());
            assertThat(store.budgets().held(agentA.key())).isZero();
            assertThat(store.budgets().held(org.key())).isZero();
        }
    }

    @Test
    void anSloOverRedisReadsTheSameBudgetAndBurnRatesAfterARestart() {
        java.util.concurrent.atomic.AtomicReference<RedisStateStore> current = new java.util.concurrent.atomic.AtomicReference<>();
        dev.agentsre.store.WindowRestartScenario.Reading[] rolling = dev.agentsre.store.WindowRestartScenario.run(() -> {
            current.set(RedisStateStore.builder(REDIS.client()).namespace("slo-restart").build());
            return current.get().windows();
        }, () -> current.get().close(), false);
        assertThat(rolling[1]).isEqualTo(rolling[0]);
        dev.agentsre.store.WindowRestartScenario.Reading[] calendar = dev.agentsre.store.WindowRestartScenario.run(() -> {
            current.set(RedisStateStore.builder(REDIS.client()).namespace("slo-restart-calendar").build());
            return current.get().windows();
        }, () -> current.get().close(), true);
        assertThat(calendar[1]).isEqualTo(calendar[0]);
    }

    @Test
    void twoJvmsCountingIntoOneSloOverRedisEachSeeTheFleet() {
        ManualClock clock = ManualClock.at(Instant.parse("2026-11-25T08:00:00Z"));
        RedisClient secondClient = REDIS.newClient();
        try (RedisStateStore a = RedisStateStore.builder(REDIS.client()).namespace("fleet-slo").build();
             RedisStateStore b = RedisStateStore.builder(secondClient).namespace("fleet-slo").build()) {
            dev.agentsre.slo.ErrorBudget budgetA = dev.agentsre.store.WindowRestartScenario.budget(a.windows(), clock,
                    new ManualScheduledExecutor(clock), false);
            dev.agentsre.slo.ErrorBudget budgetB = dev.agentsre.store.WindowRestartScenario.budget(b.windows(), clock,
                    new ManualScheduledExecutor(clock), false);
            for (int i = 0; i < 400; i++) {
                budgetA.recordEvent(true);
                budgetB.recordEvent(i % 40 != 0);
                clock.advance(Duration.ofSeconds(2));
            }
            budgetA.sync();
            budgetB.sync();
            budgetA.sync();
            assertThat(budgetA.totalEvents()).isEqualTo(800);
            assertThat(budgetB.totalEvents()).isEqualTo(800);
            assertThat(budgetA.badEvents()).isEqualTo(10);
            assertThat(budgetA.remainingPercent()).isEqualTo(budgetB.remainingPercent());
            assertThat(budgetA.burnRate(Duration.ofMinutes(5))).isEqualTo(budgetB.burnRate(Duration.ofMinutes(5)));
            budgetA.close();
            budgetB.close();
        }
    }
}
