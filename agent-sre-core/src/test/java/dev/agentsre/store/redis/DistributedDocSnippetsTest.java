package dev.agentsre.store.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.agentsre.AgentSre;
import dev.agentsre.anomaly.RogueAgentDetector;
import dev.agentsre.anomaly.RogueDetectorConfig;
import dev.agentsre.breaker.CircuitBreakerRegistry;
import dev.agentsre.cost.CostGuard;
import dev.agentsre.event.SreEventBus;
import dev.agentsre.slo.ErrorBudget;
import dev.agentsre.slo.Slo;
import dev.agentsre.store.BudgetFailurePolicy;
import dev.agentsre.store.FileStateStore;
import dev.agentsre.store.JdbcStateStore;
import dev.agentsre.testing.RedisServer;
import io.lettuce.core.RedisClient;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneId;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sqlite.SQLiteDataSource;

/**
 * The Java snippets of {@code docs/distributed.md}, pasted verbatim between the markers so that the
 * build compiles and runs them (against a real redis-server); the lines around them declare what the
 * page takes as given.
 */
class DistributedDocSnippetsTest {

    @TempDir
    Path dir;

    @Test
    void wiringTheComponents() throws Exception {
        try (RedisServer redis = RedisServer.start()) {
            SreEventBus bus = new SreEventBus();
            String redisUri = redis.uri();
            // --- docs/distributed.md: Wiring the components
            RedisClient client = RedisClient.create(redisUri);   // "redis://127.0.0.1:6379"; yours: shut it down after the store
            RedisStateStore store = RedisStateStore.builder(client)
                    .namespace("acme")                                   // every key is {acme}:…, one cluster slot
                    .commandTimeout(Duration.ofMillis(200))              // slower than this = unreachable
                    .budgetFailurePolicy(BudgetFailurePolicy.failClosed()) // the default
                    .build();

            CostGuard guard = CostGuard.builder()
                    .perTaskLimit(2.00).perAgentDailyLimit(50.00).orgMonthlyBudget(5_000.00)
                    .zone(ZoneId.of("Europe/Berlin"))                    // days and months roll over at Berlin midnight, in every JVM
                    .budgetStore(store.budgets())                        // one budget for the fleet
                    .flagStore(store.flags())                            // one kill switch for the fleet
                    .build();
            RogueAgentDetector detector = new RogueAgentDetector(RogueDetectorConfig.builder().build(), bus,
                    store.flags());                                      // a quarantine anywhere refuses the agent everywhere
            CircuitBreakerRegistry providers = CircuitBreakerRegistry.builder()
                    .flagStore(store.flags())                            // forceOpen() / reset() reach every JVM
                    .build();
            Slo checkout = Slo.builder("checkout")
                    .errorBudget(ErrorBudget.builder().target(0.995).window(Duration.ofDays(30))
                            .windowStore(store.windows(), "slo:checkout") // the fleet's events, kept across restarts
                            .build())
                    .build();

            AgentSre sre = AgentSre.builder().eventBus(bus).costGuard(guard).rogueDetector(detector)
                    .dependencyBreakers(providers).slo(checkout).build();
            String answer = sre.agent("research").task("t-1").estimatedCost(0.10).call(ctx -> "ok");

            // on shutdown: the budget sends its last events, then the store and the client close
            checkout.errorBudget().close();
            store.close();
            client.shutdown();
            // --- end
            assertThat(answer).isEqualTo("ok");
        }
    }

    @Test
    void persistenceWithoutRedis() {
        Path stateDir = dir.resolve("agent-sre");
        String stateDb = dir.resolve("state.db").toString();
        // --- docs/distributed.md: Persistence without Redis
        try (FileStateStore store = FileStateStore.builder(stateDir).build()) {   // e.g. Path.of("/var/lib/agent-sre")
            // budgets.json, flags.json, windows.json — each written to a temporary file, forced to disk and
            // renamed over the current one every 10 s and on close; the copy before is kept as .json.prev
            CostGuard guard = CostGuard.builder().perAgentDailyLimit(50.00).budgetStore(store.budgets()).build();
            guard.recordCost("research", "t-1", 0.25);
        }
        SQLiteDataSource db = new SQLiteDataSource();
        db.setUrl("jdbc:sqlite:" + stateDb);                                    // e.g. /var/lib/agent-sre/state.db
        try (JdbcStateStore store = JdbcStateStore.builder(db).build()) {
            // one table agent_sre_state(name PRIMARY KEY, body, previous, updated_at), one row per kind,
            // written by an upsert in one transaction
            CostGuard guard = CostGuard.builder().perAgentDailyLimit(50.00).budgetStore(store.budgets()).build();
            guard.recordCost("research", "t-1", 0.25);
        }
        // --- end
        assertThat(stateDir.resolve("budgets.json")).exists();
    }
}
