package dev.agentsre.docs;

import dev.agentsre.AgentSre;
import dev.agentsre.TaskContext;
import dev.agentsre.TaskRefusedException;
import dev.agentsre.anomaly.RogueAgentDetector;
import dev.agentsre.breaker.CircuitBreaker;
import dev.agentsre.breaker.CircuitBreakerRegistry;
import dev.agentsre.cost.BudgetSnapshot;
import dev.agentsre.cost.CostGuard;
import dev.agentsre.event.SreEventBus;
import dev.agentsre.event.TaskRefused;
import dev.agentsre.slo.Slo;
import dev.agentsre.slo.SloStatus;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** What docs/troubleshooting.md's Java fragments take as given: the pipeline, its components, the user's own handling. */
abstract class TroubleshootingPage {

    Logger log = LoggerFactory.getLogger("agents");
    AgentSre sre;
    SreEventBus bus;
    CostGuard guard;
    CircuitBreakerRegistry breakers;
    RogueAgentDetector detector;
    Slo slo;
    String taskId;

    /** The agent's own work, making its calls through the context. */
    String work(TaskContext ctx) throws Exception {
        return "";
    }

    void retryLater(Duration after) {
    }

    void giveUp(TaskRefusedException refused) {
    }
}
