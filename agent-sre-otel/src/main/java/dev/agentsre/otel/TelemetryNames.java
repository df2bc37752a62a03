package dev.agentsre.otel;

import java.util.List;

/**
 * Every instrument Agent SRE exports, with its name, unit and attributes: the one table the exporter
 * creates its instruments from and {@code docs/telemetry.md} is generated from
 * ({@link TelemetryDocs}). Names follow OpenTelemetry conventions (dotted, lower case, UCUM units).
 *
 * <p><b>Units make honest Prometheus names.</b> {@code 1} is for real ratios only (a burn rate, a
 * share 0..1: {@code _ratio}), {@code %} for percentages 0..100 ({@code _percent}), {@code s} for
 * seconds; codes, 0/1 state series, levels and scores carry an annotation ({@code {state}},
 * {@code {score}}), which adds no suffix — a 0..100 score or a latency is never {@code _ratio}.
 */
public final class TelemetryNames {

    /** Instrumentation scope name. */
    public static final String SCOPE = "dev.agentsre";

    /** Attribute: the agent. */
    public static final String AGENT_ID = "agent.id";
    /** Attribute: the SLO. */
    public static final String SLO_NAME = "slo.name";
    /** Attribute: the indicator. */
    public static final String SLI_NAME = "sli.name";
    /** Attribute: the burn-rate alert rule. */
    public static final String ALERT_NAME = "alert.name";
    /** Attribute: the alert's severity. */
    public static final String ALERT_SEVERITY = "alert.severity";
    /** Attribute: the window a burn rate is measured over. */
    public static final String WINDOW = "window";
    /** Attribute: fired or resolved. */
    public static final String TRANSITION = "transition";
    /** Attribute: a state name. */
    public static final String STATE = "state";
    /** Attribute: a call outcome. */
    public static final String OUTCOME = "outcome";
    /** Attribute: a budget scope. */
    public static final String SCOPE_ATTRIBUTE = "budget.scope";
    /** Attribute: a budget owner. */
    public static final String OWNER = "budget.owner";
    /** Attribute: a budget action. */
    public static final String ACTION = "budget.action";
    /** Attribute: the model (GenAI convention). */
    public static final String MODEL = "gen_ai.request.model";
    /** Attribute: the tenant. */
    public static final String TENANT = "tenant";
    /** Attribute: a rogue-detector signal. */
    public static final String SIGNAL = "signal";
    /** Attribute: a chaos experiment. */
    public static final String EXPERIMENT = "chaos.experiment";
    /** Attribute: a fault type. */
    public static final String FAULT_TYPE = "chaos.fault.type";
    /** Attribute: a fault's target. */
    public static final String TARGET = "chaos.target";
    /** Attribute: the reason of a refusal. */
    public static final String REASON = "reason";
    /** Attribute: a rollout. */
    public static final String ROLLOUT = "rollout";
    /** Attribute: an incident's severity. */
    public static final String INCIDENT_SEVERITY = "incident.severity";
    /** Attribute: an alert receiver. */
    public static final String RECEIVER = "alert.receiver";

    /** SLO status code: 0 unknown, 1 healthy, 2 warning, 3 critical, 4 exhausted. */
    public static final InstrumentSpec SLO_STATUS = gauge("agentsre.slo.status", "{status}",
            "SLO status code: 0 unknown, 1 healthy, 2 warning, 3 critical, 4 exhausted", "Slo", SLO_NAME, AGENT_ID);
    /** Error budget left. */
    public static final InstrumentSpec SLO_BUDGET_REMAINING = gauge("agentsre.slo.error_budget.remaining", "%",
            "Share of the error budget left, 0..100", "Slo", SLO_NAME, AGENT_ID);
    /** Burn rate per alert window. */
    public static final InstrumentSpec SLO_BURN_RATE = gauge("agentsre.slo.burn_rate", "1",
            "Error budget burn rate over each alert rule's long and short window (1 = sustainable)", "Slo",
            SLO_NAME, AGENT_ID, ALERT_NAME, WINDOW);
    /** Indicator value. */
    public static final InstrumentSpec SLI_VALUE = gauge("agentsre.sli.value", "{value}",
            "Current value of an indicator, in the indicator's own unit (a ratio, milliseconds, USD, tokens...: no unit suffix)", "Slo", SLO_NAME, SLI_NAME, AGENT_ID);
    /** Indicator compliance. */
    public static final InstrumentSpec SLI_COMPLIANCE = gauge("agentsre.sli.compliance", "1",
            "Share of an indicator's samples in its window that met the target, 0..1", "Slo", SLO_NAME, SLI_NAME, AGENT_ID);
    /** Good and bad events counted by an SLO's error budget: what a metrics backend computes burn rates from. */
    public static final InstrumentSpec SLO_EVENTS = counter("agentsre.slo.events", "{event}",
            "Events recorded by an SLO's error budget, by outcome (good, bad); burn rates across JVMs are computed from it",
            "Slo", SLO_NAME, AGENT_ID, OUTCOME);
    /** Burn-rate alerts that fired or resolved. */
    public static final InstrumentSpec SLO_ALERTS = counter("agentsre.slo.alerts", "{alert}",
            "Burn-rate alert transitions", "SreEventBus", SLO_NAME, AGENT_ID, ALERT_NAME, ALERT_SEVERITY, TRANSITION);

    /** Breaker state, one series per state. */
    public static final InstrumentSpec BREAKER_STATE = gauge("agentsre.breaker.state", "{state}",
            "1 for the circuit breaker's current state, 0 for the others", "CircuitBreakerRegistry", AGENT_ID, STATE);
    /** Calls by outcome. */
    public static final InstrumentSpec BREAKER_CALLS = counter("agentsre.breaker.calls", "{call}",
            "Calls seen by a circuit breaker, by outcome: success, failure, slow, ignored, rejected", "CircuitBreakerRegistry",
            AGENT_ID, OUTCOME);
    /** Failure rate of the sliding window. */
    public static final InstrumentSpec BREAKER_FAILURE_RATE = gauge("agentsre.breaker.failure_rate", "%",
            "Failure rate of the breaker's sliding window (CLOSED breakers with a window only)", "CircuitBreakerRegistry", AGENT_ID);
    /** State transitions. */
    public static final InstrumentSpec BREAKER_TRANSITIONS = counter("agentsre.breaker.transitions", "{transition}",
            "Circuit breaker state transitions", "SreEventBus", AGENT_ID, "from", "to");

    /** Spend. */
    public static final InstrumentSpec COST_SPEND = counter("agentsre.cost.spend", "USD",
            "Money charged, by agent, model and tenant", "SreEventBus", AGENT_ID, MODEL, TENANT);
    /** Budget utilisation. */
    public static final InstrumentSpec COST_UTILISATION = gauge("agentsre.cost.budget.utilisation", "1",
            "Spent share of a budget's limit in its current period (limited budgets only)", "CostGuard", SCOPE_ATTRIBUTE, OWNER);
    /** Budget state, one series per state. */
    public static final InstrumentSpec COST_BUDGET_STATE = gauge("agentsre.cost.budget.state", "{state}",
            "1 for the budget's enforcement state (active, throttled, killed), 0 for the others", "CostGuard", SCOPE_ATTRIBUTE, OWNER, STATE);
    /** Cost alerts. */
    public static final InstrumentSpec COST_ALERTS = counter("agentsre.cost.alerts", "{alert}",
            "Cost alerts: thresholds, throttles, kill switches, anomalies", "SreEventBus", AGENT_ID, SCOPE_ATTRIBUTE, ACTION);

    /** Risk level. */
    public static final InstrumentSpec ROGUE_RISK_LEVEL = gauge("agentsre.rogue.risk_level", "{level}",
            "Rogue-agent risk level: 0 low, 1 medium, 2 high, 3 critical", "RogueAgentDetector", AGENT_ID);
    /** Signal scores. */
    public static final InstrumentSpec ROGUE_SIGNAL_SCORE = gauge("agentsre.rogue.signal_score", "1",
            "Score of each behavioural signal, 0..1", "RogueAgentDetector", AGENT_ID, SIGNAL);
    /** Quarantined now. */
    public static final InstrumentSpec ROGUE_QUARANTINED = gauge("agentsre.rogue.quarantined", "{agent}",
            "1 while the agent is quarantined", "RogueAgentDetector", AGENT_ID);
    /** Quarantines. */
    public static final InstrumentSpec ROGUE_QUARANTINES = counter("agentsre.rogue.quarantines", "{quarantine}",
            "Times an agent was quarantined", "SreEventBus", AGENT_ID);

    /** Faults injected. */
    public static final InstrumentSpec CHAOS_FAULTS = counter("agentsre.chaos.faults_injected", "{fault}",
            "Faults injected by chaos experiments", "SreEventBus", EXPERIMENT, FAULT_TYPE, TARGET);
    /** Experiment state, one series per state. */
    public static final InstrumentSpec CHAOS_STATE = gauge("agentsre.chaos.experiment.state", "{state}",
            "1 for the experiment's state (pending, running, completed, aborted), 0 for the others", "ChaosExperiment",
            EXPERIMENT, STATE);
    /** Resilience score. */
    public static final InstrumentSpec CHAOS_RESILIENCE = gauge("agentsre.chaos.resilience_score", "{score}",
            "Overall resilience score of a completed experiment, 0..100", "ChaosExperiment", EXPERIMENT);

    /** Tasks and calls refused by the pipeline. */
    public static final InstrumentSpec TASK_REFUSALS = counter("agentsre.task.refusals", "{refusal}",
            "Tasks refused at the door or in flight by the AgentSre pipeline, by reason (budget, quarantine, circuit_open, task_limit...)",
            "SreEventBus", AGENT_ID, REASON);

    /** Rollout state, one series per state. */
    public static final InstrumentSpec ROLLOUT_STATE = gauge("agentsre.rollout.state", "{state}",
            "1 for a rollout's current state (pending, shadow, canary, paused, promoted, rolled_back, aborted), 0 for the others",
            "SreEventBus", ROLLOUT, STATE);
    /** Rollout weight. */
    public static final InstrumentSpec ROLLOUT_WEIGHT = gauge("agentsre.rollout.weight", "%",
            "Share of a rollout's traffic the candidate serves, 0..100", "SreEventBus", ROLLOUT);
    /** Rollbacks. */
    public static final InstrumentSpec ROLLOUT_ROLLBACKS = counter("agentsre.rollout.rollbacks", "{rollback}",
            "Rollouts rolled back (automatically or by an operator)", "SreEventBus", ROLLOUT);
    /** Incidents opened and resolved. */
    public static final InstrumentSpec INCIDENTS = counter("agentsre.incidents", "{incident}",
            "Incidents opened and resolved, by severity", "SreEventBus", INCIDENT_SEVERITY, TRANSITION);

    /** Aggregation groups of an alert manager. */
    public static final InstrumentSpec ALERT_GROUPS = gauge("agentsre.alert.groups", "{group}",
            "Aggregation groups of the alert manager, by receiver", "AlertManager", RECEIVER);
    /** Alerts held, by state. */
    public static final InstrumentSpec ALERT_ALERTS = gauge("agentsre.alert.alerts", "{alert}",
            "Alerts held by the alert manager, by state: firing (notified), silenced, inhibited, resolved (awaiting its notification)",
            "AlertManager", STATE);
    /** Notifications waiting per receiver. */
    public static final InstrumentSpec ALERT_QUEUE_DEPTH = gauge("agentsre.alert.queue.depth", "{notification}",
            "Notifications waiting in a receiver's queue (the one in flight included)", "AlertManager", RECEIVER);
    /** Notification outcomes per receiver. */
    public static final InstrumentSpec ALERT_NOTIFICATIONS = counter("agentsre.alert.notifications", "{notification}",
            "Notifications by receiver and outcome: delivered, failed (given up), dropped (queue full or receiver disabled)",
            "AlertManager", RECEIVER, OUTCOME);
    /** When a receiver last had a delivery attempt end. */
    public static final InstrumentSpec ALERT_LAST_DELIVERY = gauge("agentsre.alert.last_delivery", "s",
            "Unix time of a receiver's last delivery attempt, by its outcome (delivered or failed)", "AlertManager", RECEIVER, OUTCOME);

    /** Every instrument, in documentation order. */
    public static final List<InstrumentSpec> ALL = List.of(SLO_STATUS, SLO_BUDGET_REMAINING, SLO_BURN_RATE, SLI_VALUE, SLI_COMPLIANCE,
            SLO_EVENTS, SLO_ALERTS, BREAKER_STATE, BREAKER_CALLS, BREAKER_FAILURE_RATE, BREAKER_TRANSITIONS, COST_SPEND, COST_UTILISATION,
            COST_BUDGET_STATE, COST_ALERTS, ROGUE_RISK_LEVEL, ROGUE_SIGNAL_SCORE, ROGUE_QUARANTINED, ROGUE_QUARANTINES, CHAOS_FAULTS,
            CHAOS_STATE, CHAOS_RESILIENCE, TASK_REFUSALS, ROLLOUT_STATE, ROLLOUT_WEIGHT, ROLLOUT_ROLLBACKS, INCIDENTS, ALERT_GROUPS, ALERT_ALERTS, ALERT_QUEUE_DEPTH, ALERT_NOTIFICATIONS, ALERT_LAST_DELIVERY);

    private TelemetryNames() {
    }

    private static InstrumentSpec gauge(String name, String unit, String description, String source, String... attributes) {
        return new InstrumentSpec(name, InstrumentSpec.Kind.GAUGE, unit, description, List.of(attributes), source);
    }

    private static InstrumentSpec counter(String name, String unit, String description, String source, String... attributes) {
        return new InstrumentSpec(name, InstrumentSpec.Kind.COUNTER, unit, description, List.of(attributes), source);
    }
}
