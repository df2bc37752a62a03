package dev.agentsre.docs;

import dev.agentsre.AgentSre;
import dev.agentsre.TaskLimits;
import dev.agentsre.TaskRefusedException;
import dev.agentsre.anomaly.RogueAgentDetector;
import dev.agentsre.anomaly.RogueDetectorConfig;
import dev.agentsre.breaker.CircuitBreakerConfig;
import dev.agentsre.breaker.CircuitBreakerRegistry;
import dev.agentsre.cost.CostGuard;
import dev.agentsre.cost.PriceTable;
import dev.agentsre.cost.TokenUsage;
import dev.agentsre.event.SreEventBus;
import dev.agentsre.slo.ErrorBudget;
import dev.agentsre.slo.ExhaustionAction;
import dev.agentsre.slo.Slis;
import dev.agentsre.slo.Slo;
import java.time.Duration;
import java.util.Map;

/** What README.md's Java fragments take as given: the agent's own types and collaborators. */
abstract class ReadmePage {

    /** The search results the agent feeds the model. */
    record Docs(String text) {
    }

    /** The model's answer, with the usage its provider reported. */
    interface Answer {
        boolean isFinal();

        TokenUsage usage();
    }

    interface Search {
        Docs run(String query);
    }

    interface Llm {
        Answer answer(String question, Docs docs);
    }

    String question;
    Search search;
    Llm llm;

    void respondLater(String reason, String refusedCall, Duration retryAfter) {
    }

    void fail(Exception cause) {
    }
}
