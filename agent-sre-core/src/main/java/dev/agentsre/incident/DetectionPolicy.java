package dev.agentsre.incident;

import dev.agentsre.breaker.CircuitState;
import dev.agentsre.chaos.ExperimentState;
import dev.agentsre.cost.BudgetAction;
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
import dev.agentsre.event.RolloutRolledBack;
import dev.agentsre.event.SloStatusChanged;
import dev.agentsre.event.SreEvent;
import dev.agentsre.event.TaskRefused;
import dev.agentsre.internal.Check;
import dev.agentsre.internal.EventRules;
import dev.agentsre.slo.AlertSeverity;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;

/**
 * Which events are signals of trouble, how severe, and which events end them. {@link #defaults()}
 * is the table below; replace a rule with {@link #on}, re-rate a type with {@link #severity}, and
 * choose the least severity that opens an incident with {@link #openAt} (default SEV3: SEV4 signals
 * only join incidents that are open anyway). Rules run on the publishing thread; events without a
 * rule cost one lookup and allocate nothing. Immutable.
 *
 * <table>
 *   <caption>Default detection</caption>
 *   <tr><th>event</th><th>signal</th><th>severity</th><th>ended by</th></tr>
 *   <tr><td>{@link SloStatusChanged} to EXHAUSTED</td><td>ERROR_BUDGET_EXHAUSTED (subject: the SLO)</td><td>SEV1</td><td>leaving EXHAUSTED</td></tr>
 *   <tr><td>{@link BudgetStateChanged} to KILLED</td><td>COST_KILL (subject: the budget owner)</td><td>SEV1</td><td>to ACTIVE</td></tr>
 *   <tr><td>{@link AgentQuarantined}</td><td>QUARANTINE</td><td>SEV1</td><td>{@link AgentReleased}</td></tr>
 *   <tr><td>{@link CascadeDetected}</td><td>CASCADE (naming every agent)</td><td>SEV1</td><td>point in time</td></tr>
 *   <tr><td>{@link TaskRefused} with reason {@code capability}</td><td>POLICY_VIOLATION</td><td>SEV1</td><td>point in time</td></tr>
 *   <tr><td>{@link BurnRateAlertFired}, page rule</td><td>SLO_BREACH (subject: SLO/rule)</td><td>SEV2</td><td>{@link BurnRateAlertResolved}</td></tr>
 *   <tr><td>{@link CostAlertRaised} ANOMALY</td><td>COST_ANOMALY</td><td>SEV2</td><td>point in time</td></tr>
 *   <tr><td>{@link BurnRateAlertFired}, ticket rule</td><td>SLO_BURN_TICKET</td><td>SEV3</td><td>{@link BurnRateAlertResolved}</td></tr>
 *   <tr><td>{@link CircuitStateChanged} to OPEN / FORCED_OPEN of an agent</td><td>BREAKER_OPEN</td><td>SEV3</td><td>to CLOSED / DISABLED</td></tr>
 *   <tr><td>{@link CircuitStateChanged} to OPEN / FORCED_OPEN of a dependency (a name the topology knows as a model or tool)</td><td>DEPENDENCY_FAILING (no agent; subject: the dependency)</td><td>SEV3</td><td>to CLOSED / DISABLED</td></tr>
 *   <tr><td>{@link BudgetStateChanged} to THROTTLED</td><td>COST_THROTTLE</td><td>SEV3</td><td>to ACTIVE or KILLED</td></tr>
 *   <tr><td>{@link ExperimentStateChanged} to ABORTED</td><td>CHAOS_ABORTED</td><td>SEV3</td><td>point in time; the incident is marked expected</td></tr>
 *   <tr><td>{@link RolloutRolledBack}</td><td>ROLLOUT_ROLLED_BACK (subject: the rollout)</td><td>SEV3, opened already MITIGATED</td><td>point in time</td></tr>
 * </table>
 *
 * <p>While a chaos experiment targeting an agent runs, that agent's signals are attributed to the
 * experiment instead of opening incidents; if the experiment aborts, one incident marked
 * <em>expected</em> is opened with them (see {@link IncidentManager}).
 */
public final class DetectionPolicy {

    /** Turns one event into signals. */
    @FunctionalInterface
    public interface Rule<E extends SreEvent> {
        /** Reports the signals (and recoveries) {@code event} means. */
        void detect(E event, SignalSink sink);
    }

    private final EventRules<Rule<?>> rules;
    private final EnumMap<SignalType, IncidentSeverity> severities;
    private final IncidentSeverity openAt;

    private DetectionPolicy(EventRules<Rule<?>> rules, EnumMap<SignalType, IncidentSeverity> severities, IncidentSeverity openAt) {
        this.rules = rules;
        this.severities = severities;
        this.openAt = openAt;
    }

    /** No rules, default severities. */
    public static DetectionPolicy empty() {
        EnumMap<SignalType, IncidentSeverity> severities = new EnumMap<>(SignalType.class);
        for (SignalType type : SignalType.values()) {
            severities.put(type, type.defaultSeverity());
        }
        return new DetectionPolicy(EventRules.empty(), severities, IncidentSeverity.SEV3);
    }

    /** The documented default table. */
    public static DetectionPolicy defaults() {
        return empty()
                .on(BurnRateAlertFired.class, DetectionPolicy::burnFired)
                .on(BurnRateAlertResolved.class, (e, sink) -> sink.recovered(
                        e.alert().severity() == AlertSeverity.CRITICAL ? SignalType.SLO_BREACH : SignalType.SLO_BURN_TICKET, e.agentId(),
                        e.sloName() + "/" + e.alert().name()))
                .on(SloStatusChanged.class, (e, sink) -> {
                    if (e.exhausted()) {
                        sink.signal(SignalType.ERROR_BUDGET_EXHAUSTED, e.agentId(), e.sloName(), e.sloName() + ": error budget exhausted");
                    } else if (e.recovered()) {
                        sink.recovered(SignalType.ERROR_BUDGET_EXHAUSTED, e.agentId(), e.sloName());
                    }
                })
                .on(CircuitStateChanged.class, DetectionPolicy::breaker)
                .on(CascadeDetected.class, (e, sink) -> sink.signal(SignalType.CASCADE, null, null,
                        e.agents().size() + " of " + e.fleetSize() + " circuits opened together: " + String.join(", ", e.agents()), e.agents()))
                .on(BudgetStateChanged.class, DetectionPolicy::budget)
                .on(CostAlertRaised.class, (e, sink) -> {
                    if (e.alert().action() == BudgetAction.ANOMALY) {
                        sink.signal(SignalType.COST_ANOMALY, e.agentId(), null, e.alert().message());
                    }
                })
                .on(AgentQuarantined.class, (e, sink) -> sink.signal(SignalType.QUARANTINE, e.agentId(), null,
                        "quarantined (" + e.riskLevel() + "): " + String.join("; ", e.reasons())))
                .on(AgentReleased.class, (e, sink) -> sink.recovered(SignalType.QUARANTINE, e.agentId(), null))
                .on(TaskRefused.class, (e, sink) -> {
                    if ("capability".equals(e.reason())) {
                        sink.signal(SignalType.POLICY_VIOLATION, e.agentId(), null, e.message());
                    }
                })
                .on(RolloutRolledBack.class, (e, sink) -> sink.signal(SignalType.ROLLOUT_ROLLED_BACK, e.agentId(), e.rollout(),
                        "rollout " + e.rollout() + " rolled back" + (e.evidence() == null ? "" : ": " + e.evidence().summary())))
                .on(ExperimentStateChanged.class, (e, sink) -> {
                    if (e.to() == ExperimentState.ABORTED) {
                        sink.signal(SignalType.CHAOS_ABORTED, e.agentId(), e.experiment(), "chaos experiment " + e.experiment() + " aborted: "
                                + e.reason());
                    }
                });
    }

    private static void burnFired(BurnRateAlertFired e, SignalSink sink) {
        SignalType type = e.alert().severity() == AlertSeverity.CRITICAL ? SignalType.SLO_BREACH : SignalType.SLO_BURN_TICKET;
        // A burn-rate alert fires again on every evaluation while it burns: an incident that has its
        // condition counts it without the signal being built.
        if (sink instanceof IncidentManager.Detection
                && ((IncidentManager.Detection) sink).repeated(type, e.agentId(), e.sloName(), e.alert().name(), e, DetectionPolicy::burnDetail)) {
            return;
        }
        sink.signal(type, e.agentId(), e.sloName() + "/" + e.alert().name(), burnDetail(e));
    }

    private static String burnDetail(BurnRateAlertFired e) {
        return e.sloName() + ": " + e.alert().name() + " burning at " + dev.agentsre.internal.Decimals.one(e.longWindowRate()) + "x (threshold "
                + dev.agentsre.internal.Decimals.one(e.alert().rate()) + "x)";
    }

    private static void breaker(CircuitStateChanged e, SignalSink sink) {
        boolean dependency = sink.isDependency(e.agentId());
        SignalType type = dependency ? SignalType.DEPENDENCY_FAILING : SignalType.BREAKER_OPEN;
        String agent = dependency ? null : e.agentId();
        String subject = dependency ? e.agentId() : null;
        if (e.to() == CircuitState.OPEN || e.to() == CircuitState.FORCED_OPEN) {
            sink.signal(type, agent, subject, "circuit of " + e.agentId() + " " + e.to() + ": " + e.reason());
        } else if (e.to() == CircuitState.CLOSED || e.to() == CircuitState.DISABLED) {
            sink.recovered(type, agent, subject);
        }
    }

    private static void budget(BudgetStateChanged e, SignalSink sink) {
        String agent = e.agentId();
        String subject = e.scope().name().toLowerCase(Locale.ROOT) + ":" + e.owner();
        if (e.to() == BudgetState.KILLED) {
            sink.recovered(SignalType.COST_THROTTLE, agent, subject);
            sink.signal(SignalType.COST_KILL, agent, subject, "kill switch of " + e.owner() + " (" + e.scope() + "): " + e.reason());
        } else if (e.to() == BudgetState.THROTTLED) {
            sink.signal(SignalType.COST_THROTTLE, agent, subject, "budget of " + e.owner() + " (" + e.scope() + ") throttled: " + e.reason());
        } else {
            sink.recovered(SignalType.COST_THROTTLE, agent, subject);
            sink.recovered(SignalType.COST_KILL, agent, subject);
        }
    }

    /** This policy with {@code rule} for events of {@code type}, replacing a rule for exactly that type. */
    public <E extends SreEvent> DetectionPolicy on(Class<E> type, Rule<? super E> rule) {
        return new DetectionPolicy(rules.with(type, rule), severities, openAt);
    }

    /** This policy without the rule for exactly {@code type}. */
    public DetectionPolicy without(Class<? extends SreEvent> type) {
        return new DetectionPolicy(rules.without(type), severities, openAt);
    }

    /** This policy rating signals of {@code type} at {@code severity}. */
    public DetectionPolicy severity(SignalType type, IncidentSeverity severity) {
        EnumMap<SignalType, IncidentSeverity> next = new EnumMap<>(severities);
        next.put(Check.notNull("type", type), Check.notNull("severity", severity));
        return new DetectionPolicy(rules, next, openAt);
    }

    /** This policy opening incidents for signals of {@code severity} or worse (default SEV3). */
    public DetectionPolicy openAt(IncidentSeverity severity) {
        return new DetectionPolicy(rules, severities, Check.notNull("openAt", severity));
    }

    /** The severity of a signal type. */
    public IncidentSeverity severityOf(SignalType type) {
        return severities.get(type);
    }

    /** The least severity that opens an incident. */
    public IncidentSeverity openThreshold() {
        return openAt;
    }

    /** Whether a signal of {@code severity} opens an incident. */
    public boolean opens(IncidentSeverity severity) {
        return !openAt.isWorseThan(severity);
    }

    /** Whether any rule handles events of this class (cheap; no allocation). */
    boolean handles(Class<?> type) {
        return rules.rulesFor(type).length > 0;
    }

    /** Applies every rule whose type {@code event} is an instance of. */
    @SuppressWarnings({"unchecked", "rawtypes"})
    public void apply(SreEvent event, SignalSink sink) {
        for (Object rule : rules.rulesFor(event.getClass())) {
            ((Rule) rule).detect(event, sink);
        }
    }
}
