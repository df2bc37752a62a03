package dev.agentsre.docs;

import dev.agentsre.AgentSre;
import dev.agentsre.TaskRefusedException;
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
import dev.agentsre.store.redis.RedisStateStore;
import io.lettuce.core.RedisClient;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneId;
import org.sqlite.SQLiteDataSource;

/** What docs/distributed.md's Java fragments take as given: where the state lives. */
abstract class DistributedPage {

    String redisUri;
    Path stateDir;
    Path stateDb;
    SreEventBus bus;
}
