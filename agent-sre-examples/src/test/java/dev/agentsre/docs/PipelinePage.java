package dev.agentsre.docs;

import dev.agentsre.AgentSre;
import dev.agentsre.TaskContext;
import dev.agentsre.TaskLimits;
import dev.agentsre.TaskRefusedException;
import dev.agentsre.ThrottledException;
import dev.agentsre.anomaly.RogueAgentDetector;
import dev.agentsre.anomaly.RogueDetectorConfig;
import dev.agentsre.breaker.CircuitBreakerConfig;
import dev.agentsre.breaker.CircuitBreakerRegistry;
import dev.agentsre.cost.CostGuard;
import dev.agentsre.cost.PriceTable;
import dev.agentsre.cost.TokenUsage;
import dev.agentsre.event.SreEventBus;
import dev.agentsre.guard.CallGuard;
import dev.agentsre.guard.CallKind;
import dev.agentsre.guard.GuardedCall;
import dev.agentsre.guard.Outcome;
import dev.agentsre.replay.TraceStore;
import dev.agentsre.slo.ErrorBudget;
import dev.agentsre.slo.ExhaustionAction;
import dev.agentsre.slo.Slis;
import dev.agentsre.slo.Slo;
import dev.agentsre.slo.SloTemplate;
import dev.agentsre.testing.ManualClock;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

/** What docs/pipeline.md's Java fragments take as given. */
abstract class PipelinePage {

    /** A model's reply, with the usage its provider reported. */
    interface Reply {
        TokenUsage usage();
    }

    /** The analyst's report, with the usage its provider reported. */
    interface Report {
        TokenUsage usage();
    }

    interface Search {
        String run(String query);
    }

    interface Llm {
        Reply complete(String prompt);
    }

    interface Model {
        Report summarise(String data);
    }

    interface Database {
        String run(String sql);
    }

    /** The user's own record of who calls what. */
    interface Edges {
        void record(String agent, String dependency, Outcome outcome, Duration duration, BigDecimal costUsd);
    }

    String question;
    String sql;
    Search search;
    Llm llm;
    Model model;
    Database db;
    Edges edges;
    TaskContext ctx;
    ManualClock clock;
    SreEventBus bus;
    Slo researchReliability;
    Slo fleetAvailability;
    SloTemplate everyAgent;
    CircuitBreakerRegistry agentBreakers;

    boolean outsideOfficeHours() {
        return false;
    }
}
