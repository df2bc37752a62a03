package dev.agentsre.store.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.agentsre.anomaly.RogueAgentDetector;
import dev.agentsre.anomaly.RogueDetectorConfig;
import dev.agentsre.breaker.CircuitBreakerConfig;
import dev.agentsre.breaker.CircuitBreakerRegistry;
import dev.agentsre.breaker.CircuitState;
import dev.agentsre.event.SreEventBus;
import dev.agentsre.testing.ManualClock;
import dev.agentsre.testing.ManualScheduledExecutor;
import dev.agentsre.testing.RedisServerExtension;
import io.lettuce.core.RedisClient;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Quarantines and forced-open breakers shared by JVMs through a real redis-server. */
class RedisSharedFlagsTest {

    @RegisterExtension
    static final RedisServerExtension REDIS = new RedisServerExtension();
    /** A second connection, as a second JVM would have. */
    private final RedisClient second = REDIS.newClient();
    private RedisStateStore storeA;
    private RedisStateStore storeB;
    private static int namespaces;

    @AfterEach
    void close() {
        storeA.close();
        storeB.close();
        if (!REDIS.server().isRunning()) {
            REDIS.server().restart();
        }
    }

    private static RogueAgentDetector detector(RedisStateStore store) {
        return new RogueAgentDetector(RogueDetectorConfig.builder().build(), new SreEventBus(), store.flags());
    }

    @Test
    void aQuarantineInJvmAIsRefusedByJvmBWithinOneSecondWithPubSubOff() {
        String ns = "quarantine-poll-" + namespaces++;
        ManualClock clockB = ManualClock.at(Instant.now());
        ManualScheduledExecutor schedulerB = new ManualScheduledExecutor(clockB);
        storeA = RedisStateStore.builder(REDIS.client()).namespace(ns).pubSub(false).build();
        storeB = RedisStateStore.builder(second).namespace(ns).pubSub(false).clock(clockB).scheduler(schedulerB)
                .flagCacheTtl(Duration.ofSeconds(1)).build();
        RogueAgentDetector a = detector(storeA);
        RogueAgentDetector b = detector(storeB);
        assertThat(b.admit("scraper")).isTrue();

        a.quarantine("scraper", "tool loop");
        assertThat(a.admit("scraper")).isFalse();
        schedulerB.advanceTo(clockB.instant().plusMillis(999));
        assertThat(b.admit("scraper")).isTrue(); // B's copy is not a second old yet
        schedulerB.advanceTo(clockB.instant().plusMillis(1));
        assertThat(b.admit("scraper")).isFalse();
        assertThat(b.isQuarantined("scraper")).isTrue();
        assertThat(b.quarantinedAgents()).containsExactly("scraper");

        a.release("scraper");
        schedulerB.advanceTo(clockB.instant().plusSeconds(1));
        assertThat(b.admit("scraper")).isTrue();
        assertThat(b.quarantinedAgents()).isEmpty();
    }

    @Test
    void aQuarantineInJvmAReachesJvmBWithinOneSecondByPubSub() {
        String ns = "quarantine-pubsub-" + namespaces++;
        storeA = RedisStateStore.builder(REDIS.client()).namespace(ns).build();
        storeB = RedisStateStore.builder(second).namespace(ns).flagCacheTtl(Duration.ofMinutes(10)).build();
        RogueAgentDetector a = detector(storeA);
        RogueAgentDetector b = detector(storeB);
        long start = System.nanoTime();
        a.quarantine("scraper", "tool loop");
        // only the announcement can deliver it within the second: B's cache TTL is 10 minutes
        while (b.admit("scraper") && System.nanoTime() - start < Duration.ofSeconds(1).toNanos()) {
            Thread.onSpinWait();
        }
        assertThat(b.admit("scraper")).isFalse();
    }

    @Test
    void aReleaseInJvmBEndsTheQuarantineJvmADetected() {
        String ns = "quarantine-release-" + namespaces++;
        storeA = RedisStateStore.builder(REDIS.client()).namespace(ns).pubSub(false).build();
        storeB = RedisStateStore.builder(second).namespace(ns).pubSub(false).build();
        RogueAgentDetector a = detector(storeA);
        RogueAgentDetector b = detector(storeB);
        a.quarantine("scraper", "tool loop");
        storeB.refreshFlags();
        assertThat(b.release("scraper")).isTrue(); // an operator, in B
        storeA.refreshFlags();
        assertThat(a.admit("scraper")).isTrue();
        assertThat(a.isQuarantined("scraper")).isFalse();
    }

    @Test
    void quarantinesStayAppliedWhileRedisIsUnreachable() {
        String ns = "quarantine-outage-" + namespaces++;
        storeA = RedisStateStore.builder(REDIS.client()).namespace(ns).pubSub(false).commandTimeout(Duration.ofMillis(300)).build();
        storeB = RedisStateStore.builder(second).namespace(ns).pubSub(false).commandTimeout(Duration.ofMillis(300)).build();
        RogueAgentDetector a = detector(storeA);
        RogueAgentDetector b = detector(storeB);
        a.quarantine("scraper", "tool loop");
        storeB.refreshFlags();
        REDIS.server().stop();
        storeB.refreshFlags();
        assertThat(b.admit("scraper")).isFalse();
        b.quarantine("crawler", "decided during the outage");
        assertThat(b.admit("crawler")).isFalse();
    }

    @Test
    void aForcedOpenBreakerInJvmAIsOpenInJvmBAndAResetClosesBoth() {
        String ns = "breakers-" + namespaces++;
        storeA = RedisStateStore.builder(REDIS.client()).namespace(ns).pubSub(false).build();
        storeB = RedisStateStore.builder(second).namespace(ns).pubSub(false).build();
        CircuitBreakerRegistry a = CircuitBreakerRegistry.builder().defaultConfig(CircuitBreakerConfig.ofDefaults())
                .flagStore(storeA.flags()).build();
        CircuitBreakerRegistry b = CircuitBreakerRegistry.builder().defaultConfig(CircuitBreakerConfig.ofDefaults())
                .flagStore(storeB.flags()).build();
        b.get("openai"); // B already knows the dependency
        a.get("openai").forceOpen();
        storeB.refreshFlags();
        assertThat(b.get("openai").state()).isEqualTo(CircuitState.FORCED_OPEN);
        assertThat(b.get("anthropic").state()).isEqualTo(CircuitState.CLOSED);

        a.get("openai").reset();
        storeB.refreshFlags();
        assertThat(b.get("openai").state()).isEqualTo(CircuitState.CLOSED);

        b.get("anthropic").forceOpen();
        storeA.refreshFlags();
        assertThat(a.find("anthropic")).hasValueSatisfying(x -> assertThat(x.state()).isEqualTo(CircuitState.FORCED_OPEN));
    }
}
