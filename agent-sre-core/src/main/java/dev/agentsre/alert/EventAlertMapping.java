package dev.agentsre.alert;

import dev.agentsre.breaker.CircuitState;
import dev.agentsre.cost.BudgetAction;
import dev.agentsre.cost.BudgetScope;
import dev.agentsre.cost.BudgetState;
import dev.agentsre.event.AgentQuarantined;
import dev.agentsre.event.AgentReleased;
import dev.agentsre.event.BudgetStateChanged;
import dev.agentsre.event.BurnRateAlertFired;
import dev.agentsre.event.BurnRateAlertResolved;
import dev.agentsre.event.CascadeDetected;
import dev.agentsre.event.CircuitStateChanged;
import dev.agentsre.event.CostAlertRaised;
import dev.agentsre.event.ExperimentStateChanged;
import dev.agentsre.event.IncidentOpened;
import dev.agentsre.event.IncidentSeverityChanged;
import dev.agentsre.event.IncidentStateChanged;
import dev.agentsre.event.RolloutRolledBack;
import dev.agentsre.event.SloStatusChanged;
import dev.agentsre.event.SreEvent;
import dev.agentsre.chaos.ExperimentState;
import dev.agentsre.incident.IncidentSeverity;
import dev.agentsre.incident.IncidentState;
import dev.agentsre.internal.Check;
import dev.agentsre.internal.Decimals;
import dev.agentsre.internal.EventRules;
import dev.agentsre.slo.AlertSeverity;
import dev.agentsre.time.Durations;
import java.time.Duration;
import java.util.List;
import java.util.Locale;

/**
 * Which {@link SreEvent}s fire and resolve which alerts. {@link #defaults()} is the documented
 * table below; replace a row with {@link #on}, drop one with {@link #without}, or start from
 * {@link #empty()}. Rules are keyed by event type (a class or a sealed sub-interface) and run on
 * the publishing thread, so they must be quick; events no rule handles cost one lookup and
 * allocate nothing. Immutable.
 *
 * <table>
 *   <caption>Default mapping</caption>
 *   <tr><th>event</th><th>alert (labels)</th><th>severity</th><th>resolved by</th></tr>
 *   <tr><td>{@link BurnRateAlertFired}, page rule</td><td>{@code SloBurnRate} (agent_id, slo, rule)</td><td>critical</td><td>{@link BurnRateAlertResolved} of the rule</td></tr>
 *   <tr><td>{@link BurnRateAlertFired}, ticket rule</td><td>{@code SloBurnRate} (agent_id, slo, rule)</td><td>warning</td><td>{@link BurnRateAlertResolved} of the rule</td></tr>
 *   <tr><td>{@link SloStatusChanged} to EXHAUSTED</td><td>{@code SloBudgetExhausted} (agent_id, slo)</td><td>critical</td><td>{@link SloStatusChanged} leaving EXHAUSTED</td></tr>
 *   <tr><td>{@link CircuitStateChanged} to OPEN or FORCED_OPEN</td><td>{@code CircuitOpen} (breaker)</td><td>warning</td><td>{@link CircuitStateChanged} to CLOSED or DISABLED</td></tr>
 *   <tr><td>{@link CascadeDetected}</td><td>{@code BreakerCascade} (no other label)</td><td>critical</td><td>ends by itself {@value #POINT_ALERT_LIFETIME_TEXT} after the last cascade</td></tr>
 *   <tr><td>{@link BudgetStateChanged} to THROTTLED</td><td>{@code CostThrottled} (scope, owner)</td><td>warning</td><td>to ACTIVE or KILLED</td></tr>
 *   <tr><td>{@link BudgetStateChanged} to KILLED</td><td>{@code CostKillSwitch} (scope, owner)</td><td>critical</td><td>to ACTIVE</td></tr>
 *   <tr><td>{@link CostAlertRaised} ANOMALY</td><td>{@code CostAnomaly} (agent_id)</td><td>warning</td><td>ends by itself after {@value #POINT_ALERT_LIFETIME_TEXT}</td></tr>
 *   <tr><td>{@link AgentQuarantined}</td><td>{@code AgentQuarantined} (agent_id)</td><td>critical</td><td>{@link AgentReleased}</td></tr>
 *   <tr><td>{@link ExperimentStateChanged} to ABORTED</td><td>{@code ChaosExperimentAborted} (experiment)</td><td>warning</td><td>ends by itself after {@value #POINT_ALERT_LIFETIME_TEXT}</td></tr>
 *   <tr><td>{@link IncidentOpened}, {@link IncidentSeverityChanged} of a SEV1 or SEV2 incident (page-worthy; see {@link #defaults(IncidentSeverity)})</td><td>{@code AgentSreIncident} (incident_id)</td><td>critical (SEV3 warning, SEV4 info when included)</td><td>{@link IncidentStateChanged} to RESOLVED, CLOSED, MERGED or DECLINED (a reopen fires it again)</td></tr>
 *   <tr><td>{@link RolloutRolledBack}</td><td>{@code RolloutRolledBack} (agent_id, rollout)</td><td>warning</td><td>ends by itself after {@value #POINT_ALERT_LIFETIME_TEXT} (the rollback is done; the alert tells people)</td></tr>
 * </table>
 *
 * <p>Where an event is about a breaker, {@code breaker} holds the breaker's name (an agent id, or a
 * dependency such as a model for dependency breakers). Every alert carries the event's numbers as
 * annotations ({@code summary}, {@code description}).
 */
public final class EventAlertMapping {

    /** Text of the lifetime of alerts that no event resolves. */
    public static final String POINT_ALERT_LIFETIME_TEXT = "15m";
    /** Lifetime of alerts that no event resolves (cascade, cost anomaly, chaos abort). */
    public static final Duration POINT_ALERT_LIFETIME = Duration.ofMinutes(15);
    /** Alert name for an incident. */
    public static final String INCIDENT = "AgentSreIncident";
    /** Alert name for a rolled-back rollout. */
    public static final String ROLLOUT_ROLLED_BACK = "RolloutRolledBack";

    /** Turns one event into alert changes. */
    @FunctionalInterface
    public interface Rule<E extends SreEvent> {
        /** Fires or resolves alerts for {@code event}. */
        void apply(E event, AlertSink sink);
    }

    private final EventRules<Rule<?>> rules;

    private EventAlertMapping(EventRules<Rule<?>> rules) {
        this.rules = rules;
    }

    /** No rules: only alerts fired by hand. */
    public static EventAlertMapping empty() {
        return new EventAlertMapping(EventRules.empty());
    }

    /** The documented default table: incidents are alerted from SEV2 up (SEV3 and SEV4 incidents are recorded, not paged). */
    public static EventAlertMapping defaults() {
        return defaults(IncidentSeverity.SEV2);
    }

    /**
     * The documented default table, alerting incidents of {@code incidentsFrom} or worse. An incident
     * that escalates into that range fires its alert then, so a receiver hears of it once, at the
     * severity that matters.
     */
    public static EventAlertMapping defaults(IncidentSeverity incidentsFrom) {
        Check.notNull("incidentsFrom", incidentsFrom);
        return empty()
                .on(BurnRateAlertFired.class, EventAlertMapping::burnFired)
                .on(BurnRateAlertResolved.class, (e, sink) -> sink.resolve(burn(e.agentId(), e.sloName(), e.alert().name()).build()))
                .on(SloStatusChanged.class, EventAlertMapping::sloStatus)
                .on(CircuitStateChanged.class, EventAlertMapping::breaker)
                .on(CascadeDetected.class, EventAlertMapping::cascade)
                .on(BudgetStateChanged.class, EventAlertMapping::budget)
                .on(CostAlertRaised.class, EventAlertMapping::costAnomaly)
                .on(AgentQuarantined.class, (e, sink) -> sink.fire(quarantine(e.agentId()).severity(Severity.CRITICAL)
                        .annotation(Alert.SUMMARY, "agent " + e.agentId() + " quarantined (" + e.riskLevel() + ")")
                        .annotation(Alert.DESCRIPTION, String.join("; ", e.reasons())).startsAt(e.timestamp()).build()))
                .on(AgentReleased.class, (e, sink) -> sink.resolve(quarantine(e.agentId()).build()))
                .on(ExperimentStateChanged.class, EventAlertMapping::chaos)
                .on(RolloutRolledBack.class, (e, sink) -> sink.fire(Alert.builder(ROLLOUT_ROLLED_BACK).label("agent_id", e.agentId())
                        .label("rollout", e.rollout()).severity(Severity.WARNING).startsAt(e.timestamp())
                        .endsAt(e.timestamp().plus(POINT_ALERT_LIFETIME))
                        .annotation(Alert.SUMMARY, "rollout " + e.rollout() + " rolled back at " + Decimals.two(e.weight() * 100) + "% traffic: "
                                + (e.evidence() == null ? "" : e.evidence().summary()))
                        .annotation("trigger", e.evidence() == null ? null : e.evidence().trigger()).build()))
                .on(IncidentOpened.class, (e, sink) -> {
                    if (!incidentsFrom.isWorseThan(e.severity())) {
                        sink.fire(incident(e.incidentId(), e.severity(), e.title(), e.agents(), e.timestamp()));
                    }
                })
                .on(IncidentSeverityChanged.class, (e, sink) -> {
                    if (!incidentsFrom.isWorseThan(e.to())) {
                        sink.fire(incident(e.incidentId(), e.to(), e.title(), e.agents(), e.timestamp()));
                    }
                })
                .on(IncidentStateChanged.class, (e, sink) -> incidentState(e, sink, incidentsFrom));
    }

    /** This mapping with {@code rule} for events of {@code type}, replacing any rule registered for exactly that type. */
    public <E extends SreEvent> EventAlertMapping on(Class<E> type, Rule<? super E> rule) {
        return new EventAlertMapping(rules.with(type, rule));
    }

    /** This mapping without the rule registered for exactly {@code type}. */
    public EventAlertMapping without(Class<? extends SreEvent> type) {
        return new EventAlertMapping(rules.without(type));
    }

    /** The event types with a rule, in registration order. */
    public List<Class<? extends SreEvent>> types() {
        return rules.types();
    }

    /** Applies every rule whose type {@code event} is an instance of. */
    @SuppressWarnings({"unchecked", "rawtypes"})
    public void apply(SreEvent event, AlertSink sink) {
        for (Object rule : rules.rulesFor(event.getClass())) {
            ((Rule) rule).apply(event, sink);
        }
    }

    // ------------------------------------------------------------------ default rules

    private static Alert.Builder burn(String agent, String slo, String rule) {
        return Alert.builder("SloBurnRate").label("agent_id", agent).label("slo", slo).label("rule", rule);
    }

    private static void burnFired(BurnRateAlertFired e, AlertSink sink) {
        Severity severity = e.alert().severity() == AlertSeverity.CRITICAL ? Severity.CRITICAL : Severity.WARNING;
        // A burn-rate alert fires again on every evaluation while it burns. When it fires already at this
        // severity the manager only keeps the event for the newest annotations: no alert is built.
        if (sink instanceof AlertManager && ((AlertManager) sink).refired(Alert.fingerprintOfSorted("agent_id", e.agentId(),
                Alert.ALERTNAME, "SloBurnRate", "rule", e.alert().name(), "slo", e.sloName()), severity, e, EventAlertMapping::burnAlert)) {
            return;
        }
        sink.fire(burnAlert(e));
    }

    /** The burn-rate alert of {@code e}, with its numbers as annotations. */
    private static Alert burnAlert(BurnRateAlertFired e) {
        boolean page = e.alert().severity() == AlertSeverity.CRITICAL;
        String windows = Durations.format(e.alert().longWindow())
                + (e.alert().shortWindow() == null ? "" : " and " + Durations.format(e.alert().shortWindow()));
        String summary = e.sloName() + " burning its error budget at " + Decimals.one(e.longWindowRate()) + "x over " + windows + " ("
                + (page ? "page" : "ticket") + " threshold " + Decimals.one(e.alert().rate()) + "x)";
        Alert.Builder alert = burn(e.agentId(), e.sloName(), e.alert().name()).severity(page ? Severity.CRITICAL : Severity.WARNING)
                .annotation(Alert.SUMMARY, summary).annotation("burn_rate_long", format(e.longWindowRate()))
                .startsAt(e.timestamp());
        if (!Double.isNaN(e.shortWindowRate())) {
            alert.annotation("burn_rate_short", format(e.shortWindowRate()));
        }
        return alert.build();
    }

    private static void sloStatus(SloStatusChanged e, AlertSink sink) {
        Alert.Builder alert = Alert.builder("SloBudgetExhausted").label("agent_id", e.agentId()).label("slo", e.sloName());
        if (e.exhausted()) {
            sink.fire(alert.severity(Severity.CRITICAL).startsAt(e.timestamp())
                    .annotation(Alert.SUMMARY, e.sloName() + ": error budget exhausted (" + format(e.budgetRemainingPercent()) + "% left)")
                    .annotation("exhaustion_action", e.exhaustionAction() == null ? null : e.exhaustionAction().name()).build());
        } else if (e.recovered()) {
            sink.resolve(alert.build());
        }
    }

    private static void breaker(CircuitStateChanged e, AlertSink sink) {
        Alert.Builder alert = Alert.builder("CircuitOpen").label("breaker", e.agentId());
        if (e.to() == CircuitState.OPEN || e.to() == CircuitState.FORCED_OPEN) {
            sink.fire(alert.severity(Severity.WARNING).startsAt(e.timestamp())
                    .annotation(Alert.SUMMARY, "circuit of " + e.agentId() + " " + e.to() + ": " + e.reason())
                    .annotation("failure_rate", Double.isNaN(e.failureRate()) ? null : format(e.failureRate()))
                    .annotation("open_for", e.openFor() == null ? null : Durations.format(e.openFor())).build());
        } else if (e.to() == CircuitState.CLOSED || e.to() == CircuitState.DISABLED) {
            sink.resolve(alert.build());
        }
    }

    private static void cascade(CascadeDetected e, AlertSink sink) {
        Duration lifetime = e.window() != null && e.window().compareTo(POINT_ALERT_LIFETIME) > 0 ? e.window() : POINT_ALERT_LIFETIME;
        sink.fire(Alert.builder("BreakerCascade").severity(Severity.CRITICAL).startsAt(e.timestamp()).endsAt(e.timestamp().plus(lifetime))
                .annotation(Alert.SUMMARY, e.agents().size() + " of " + e.fleetSize() + " circuits opened within "
                        + Durations.format(e.window()) + ": " + String.join(", ", e.agents()))
                .build());
    }

    private static Alert.Builder budgetAlert(String name, BudgetStateChanged e) {
        return Alert.builder(name).label("scope", e.scope().name().toLowerCase(Locale.ROOT)).label("owner", e.owner())
                .label("agent_id", e.scope() == BudgetScope.AGENT ? e.owner() : null);
    }

    private static void budget(BudgetStateChanged e, AlertSink sink) {
        Alert throttled = budgetAlert("CostThrottled", e).severity(Severity.WARNING).startsAt(e.timestamp())
                .annotation(Alert.SUMMARY, "budget of " + e.owner() + " (" + e.scope() + ") throttled: " + e.reason()).build();
        Alert killed = budgetAlert("CostKillSwitch", e).severity(Severity.CRITICAL).startsAt(e.timestamp())
                .annotation(Alert.SUMMARY, "kill switch of " + e.owner() + " (" + e.scope() + ") engaged: " + e.reason()).build();
        if (e.to() == BudgetState.THROTTLED) {
            sink.fire(throttled);
        } else if (e.to() == BudgetState.KILLED) {
            sink.resolve(throttled);
            sink.fire(killed);
        } else {
            sink.resolve(throttled);
            sink.resolve(killed);
        }
    }

    private static void costAnomaly(CostAlertRaised e, AlertSink sink) {
        if (e.alert().action() != BudgetAction.ANOMALY) {
            return; // thresholds, throttles and kills are covered by BudgetStateChanged
        }
        sink.fire(Alert.builder("CostAnomaly").label("agent_id", e.agentId()).severity(Severity.WARNING).startsAt(e.timestamp())
                .endsAt(e.timestamp().plus(POINT_ALERT_LIFETIME)).annotation(Alert.SUMMARY, e.alert().message()).build());
    }

    private static Alert.Builder quarantine(String agent) {
        return Alert.builder("AgentQuarantined").label("agent_id", agent);
    }

    private static void chaos(ExperimentStateChanged e, AlertSink sink) {
        if (e.to() == ExperimentState.ABORTED) {
            sink.fire(Alert.builder("ChaosExperimentAborted").label("experiment", e.experiment()).label("agent_id", e.agentId())
                    .severity(Severity.WARNING).startsAt(e.timestamp()).endsAt(e.timestamp().plus(POINT_ALERT_LIFETIME))
                    .annotation(Alert.SUMMARY, "chaos experiment " + e.experiment() + " aborted: " + e.reason()).build());
        }
    }

    private static Alert incident(String id, IncidentSeverity severity, String title, List<String> agents, java.time.Instant start) {
        return Alert.builder(INCIDENT).label("incident_id", id).severity(severity.alertSeverity())
                .annotation(Alert.SUMMARY, "[" + severity + "] " + title)
                .annotation("agents", agents.isEmpty() ? null : String.join(", ", agents.size() > 20 ? agents.subList(0, 20) : agents)
                        + (agents.size() > 20 ? " and " + (agents.size() - 20) + " more" : ""))
                .annotation("incident_severity", severity.name()).startsAt(start).build();
    }

    private static void incidentState(IncidentStateChanged e, AlertSink sink, IncidentSeverity incidentsFrom) {
        IncidentState to = e.to();
        if (to == IncidentState.RESOLVED || to.isTerminal()) {
            sink.resolve(Alert.builder(INCIDENT).label("incident_id", e.incidentId()).build());
        } else if (e.from() == IncidentState.RESOLVED && !incidentsFrom.isWorseThan(e.severity())) { // reopened
            sink.fire(incident(e.incidentId(), e.severity(), e.title(), List.of(), e.timestamp()));
        }
    }

    private static String format(double value) {
        return Decimals.two(value);
    }
}
