package dev.agentsre.docs;

import dev.agentsre.AgentSre;
import dev.agentsre.BudgetExceededException;
import dev.agentsre.TaskRefusedException;
import dev.agentsre.anomaly.RogueAgentDetector;
import dev.agentsre.breaker.CircuitBreaker;
import dev.agentsre.breaker.CircuitBreakerConfig;
import dev.agentsre.breaker.CircuitBreakerRegistry;
import dev.agentsre.breaker.CircuitOpenException;
import dev.agentsre.cost.CostGuard;
import dev.agentsre.cost.TokenUsage;
import dev.agentsre.event.SloEvent;
import dev.agentsre.event.SreEventBus;
import dev.agentsre.otel.AgentSreTelemetry;
import dev.agentsre.otel.SreComponents;
import dev.agentsre.slo.ErrorBudget;
import dev.agentsre.slo.Slis;
import dev.agentsre.slo.Slo;
import dev.agentsre.testing.ManualClock;
import io.opentelemetry.api.OpenTelemetry;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/** What docs/getting-started.md's Java fragments take as given. */
abstract class GettingStartedPage {

    interface Task {
    }

    interface Agent {
        boolean run(Task task);
    }

    /** The model's reply, with the usage its provider reported. */
    interface Reply {
        TokenUsage usage();
    }

    interface Llm {
        Reply complete(String prompt);
    }

    List<Task> tasks;
    Agent agent;
    Llm llm;
    String prompt;
    String taskId;

    // made by the snippets above the one that uses them
    SreEventBus bus;
    Slo slo;
    CircuitBreakerRegistry registry;
    CostGuard guard;
    RogueAgentDetector detector;
    OpenTelemetry openTelemetry;
}
