package dev.agentsre.event;

import java.time.Instant;

/**
 * Something a reliability component observed or decided: a state change, an alert, a decision.
 *
 * <p>The hierarchy is sealed: each component has its own sealed sub-interface (for example
 * {@link SloEvent}) whose permitted types are immutable records. Events are published
 * synchronously on an {@link SreEventBus}.
 */
public sealed interface SreEvent permits SloEvent, BreakerEvent, CostEvent, RogueEvent, ChaosEvent, PipelineEvent,
        DeliveryEvent, AlertEvent, IncidentEvent {

    /** When the event happened, read from the emitting component's clock. */
    Instant timestamp();

    /**
     * The agent the event concerns, or {@code null} when it is not about a single agent
     * (an organisation-wide budget, an SLO without an agent id).
     */
    String agentId();
}
