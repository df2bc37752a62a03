package dev.agentsre.store.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.agentsre.store.FlagKeys;
import dev.agentsre.store.ScopeBalance;
import dev.agentsre.store.ScopeLimit;
import dev.agentsre.store.Settlement;
import dev.agentsre.store.WindowSnapshot;
import dev.agentsre.testing.RedisServerExtension;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.cluster.RedisClusterClient;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The stores on Redis Cluster (a one-node cluster owning every slot): a multi-key script whose keys
 * were in different slots would fail with CROSSSLOT, so this shows that every key of a namespace
 * is in one slot.
 */
class RedisClusterStoreTest {

    private static final long USD = 1_000_000_000L;
    @RegisterExtension
    static final RedisServerExtension REDIS = new RedisServerExtension("--cluster-enabled", "yes", "--cluster-config-file", "nodes.conf");
    static RedisClusterClient cluster;

    @BeforeAll
    static void startCluster() {
        try (StatefulRedisConnection<String, String> c = REDIS.client().connect()) {
            c.sync().clusterAddSlots(java.util.stream.IntStream.range(0, 16384).toArray());
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (!c.sync().clusterInfo().contains("cluster_state:ok")) { // the node takes a moment to see its slots
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("the one-node cluster did not become ready: " + c.sync().clusterInfo());
                }
                Thread.onSpinWait();
            }
        }
        cluster = RedisClusterClient.create(REDIS.server().uri());
    }

    @AfterAll
    static void stopCluster() {
        cluster.shutdown();
    }

    @Test
    void budgetsFlagsAndWindowsWorkOnACluster() {
        try (RedisStateStore store = RedisStateStore.builder(cluster).namespace("fleet").build()) {
            Instant now = Instant.now();
            List<ScopeLimit> scopes = List.of(ScopeLimit.of("task:t1", 2 * USD, now, Duration.ofHours(1)),
                    ScopeLimit.daily("agent:a", 10 * USD, now, ZoneOffset.UTC),
                    ScopeLimit.monthly("tenant:acme", 100 * USD, now, ZoneOffset.UTC),
                    ScopeLimit.monthly("org", 1000 * USD, now, ZoneOffset.UTC));
            assertThat(store.budgets().reserve("r1", scopes, USD, Duration.ofMinutes(1)).granted()).isTrue();
            assertThat(store.budgets().commit("r1", USD).settlement()).isEqualTo(Settlement.APPLIED);
            assertThat(store.budgets().charge("c1", scopes, USD).settlement()).isEqualTo(Settlement.APPLIED);
            assertThat(store.budgets().balance(scopes.get(3).key())).isEqualTo(new ScopeBalance(scopes.get(3).key(), 2 * USD, 0));

            store.flags().set(FlagKeys.quarantine("rogue"), "loop", null);
            store.refreshFlags();
            assertThat(store.flags().isSet(FlagKeys.quarantine("rogue"))).isTrue();

            WindowSnapshot w = WindowSnapshot.of(1000, 10, List.of(new WindowSnapshot.Bucket(3, 4, 1)), 4, 1, 3000);
            assertThat(store.windows().add("slo", w)).isEqualTo(w);
        }
    }
}
