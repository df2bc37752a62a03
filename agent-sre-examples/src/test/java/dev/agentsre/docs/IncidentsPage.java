package dev.agentsre.docs;

import dev.agentsre.AgentSre;
import dev.agentsre.breaker.CircuitBreakerRegistry;
import dev.agentsre.event.SreEventBus;
import dev.agentsre.cost.CostGuard;
import dev.agentsre.delivery.AgentRollout;
import dev.agentsre.incident.ActionRegistry;
import dev.agentsre.incident.BudgetControl;
import dev.agentsre.incident.Controls;
import dev.agentsre.incident.DependencyTopology;
import dev.agentsre.incident.FailingTraces;
import dev.agentsre.incident.Incident;
import dev.agentsre.incident.IncidentManager;
import dev.agentsre.incident.IncidentSeverity;
import dev.agentsre.incident.Responses;
import dev.agentsre.incident.RolloutControl;
import dev.agentsre.incident.RunbookExecution;
import dev.agentsre.incident.RunbookExecutionStore;
import dev.agentsre.incident.Runbooks;
import dev.agentsre.incident.SignalType;
import dev.agentsre.replay.TraceStore;
import dev.agentsre.slo.Slo;
import java.nio.file.Path;
import java.util.List;

/** What docs/incidents.md's Java fragments take as given. */
abstract class IncidentsPage {

    SreEventBus bus;
    CircuitBreakerRegistry providerBreakers;
    CircuitBreakerRegistry agentBreakers;
    Slo researchSlo;
    Controls controls;
    Incident incident;
    CostGuard guard;
    /** The agent's rollout in progress (see delivery.md). */
    AgentRollout<String, String> rollout;
}
