package dev.agentsre.otel;

import dev.agentsre.event.AgentQuarantined;
import dev.agentsre.event.BurnRateAlertFired;
import dev.agentsre.event.BurnRateAlertResolved;
import dev.agentsre.event.CircuitStateChanged;
import dev.agentsre.event.CostAlertRaised;
import dev.agentsre.event.CostCharged;
import dev.agentsre.event.FaultInjected;
import dev.agentsre.event.IncidentOpened;
import dev.agentsre.event.IncidentStateChanged;
import dev.agentsre.event.RolloutRolledBack;
import dev.agentsre.event.SreEvent;
import dev.agentsre.event.TaskRefused;
import dev.agentsre.incident.IncidentState;
import dev.agentsre.slo.BurnRateAlert;

/**
 * Which counter each event increments, by how much and with which attributes, independent of the
 * metrics library; agent ids pass through the {@link AgentLabels} policy.
 */
final class EventCounts {

    /** Receives one increment. */
    @FunctionalInterface
    interface Sink {
        void add(InstrumentSpec counter, double amount, String... keyValues);
    }

    private EventCounts() {
    }

    static void count(SreEvent event, AgentLabels labels, Sink sink) {
        if (event instanceof BurnRateAlertFired f) {
            alert(sink, f.sloName(), labels.label(f.agentId()), f.alert(), "fired");
        } else if (event instanceof BurnRateAlertResolved r) {
            alert(sink, r.sloName(), labels.label(r.agentId()), r.alert(), "resolved");
        } else if (event instanceof CircuitStateChanged c) {
            sink.add(TelemetryNames.BREAKER_TRANSITIONS, 1, TelemetryNames.AGENT_ID, labels.label(c.agentId()), "from", Readings.lower(c.from()),
                    "to", Readings.lower(c.to()));
        } else if (event instanceof CostCharged c) {
            sink.add(TelemetryNames.COST_SPEND, c.usd().doubleValue(), TelemetryNames.AGENT_ID, labels.label(c.agentId()), TelemetryNames.MODEL,
                    c.model(), TelemetryNames.TENANT, c.tenant());
        } else if (event instanceof CostAlertRaised a) {
            sink.add(TelemetryNames.COST_ALERTS, 1, TelemetryNames.AGENT_ID, labels.label(a.agentId()), TelemetryNames.SCOPE_ATTRIBUTE,
                    Readings.lower(a.alert().scope()), TelemetryNames.ACTION, Readings.lower(a.alert().action()));
        } else if (event instanceof AgentQuarantined q) {
            sink.add(TelemetryNames.ROGUE_QUARANTINES, 1, TelemetryNames.AGENT_ID, labels.label(q.agentId()));
        } else if (event instanceof FaultInjected f) {
            sink.add(TelemetryNames.CHAOS_FAULTS, 1, TelemetryNames.EXPERIMENT, f.experiment(), TelemetryNames.FAULT_TYPE,
                    Readings.lower(f.faultType()), TelemetryNames.TARGET, f.target());
        } else if (event instanceof TaskRefused r) {
            sink.add(TelemetryNames.TASK_REFUSALS, 1, TelemetryNames.AGENT_ID, labels.label(r.agentId()), TelemetryNames.REASON, r.reason());
        } else if (event instanceof RolloutRolledBack b) {
            sink.add(TelemetryNames.ROLLOUT_ROLLBACKS, 1, TelemetryNames.ROLLOUT, b.rollout());
        } else if (event instanceof IncidentOpened o) {
            sink.add(TelemetryNames.INCIDENTS, 1, TelemetryNames.INCIDENT_SEVERITY, Readings.lower(o.severity()), TelemetryNames.TRANSITION,
                    "opened");
        } else if (event instanceof IncidentStateChanged c && c.to() == IncidentState.RESOLVED) {
            sink.add(TelemetryNames.INCIDENTS, 1, TelemetryNames.INCIDENT_SEVERITY, Readings.lower(c.severity()), TelemetryNames.TRANSITION,
                    "resolved");
        }
    }

    private static void alert(Sink sink, String slo, String agent, BurnRateAlert alert, String transition) {
        sink.add(TelemetryNames.SLO_ALERTS, 1, TelemetryNames.SLO_NAME, slo, TelemetryNames.AGENT_ID, agent, TelemetryNames.ALERT_NAME,
                alert.name(), TelemetryNames.ALERT_SEVERITY, Readings.lower(alert.severity()), TelemetryNames.TRANSITION, transition);
    }
}
