package dev.agentsre.otel;

import dev.agentsre.alert.AlertManager;
import dev.agentsre.anomaly.RogueAgentDetector;
import dev.agentsre.anomaly.Signal;
import dev.agentsre.breaker.BreakerSnapshot;
import dev.agentsre.breaker.CircuitBreaker;
import dev.agentsre.breaker.CircuitBreakerRegistry;
import dev.agentsre.breaker.CircuitState;
import dev.agentsre.chaos.ChaosExperiment;
import dev.agentsre.chaos.ExperimentState;
import dev.agentsre.chaos.ResilienceScore;
import dev.agentsre.cost.BudgetSnapshot;
import dev.agentsre.cost.BudgetState;
import dev.agentsre.cost.CostGuard;
import dev.agentsre.delivery.RolloutState;
import dev.agentsre.event.RolloutStateChanged;
import dev.agentsre.event.SreEvent;
import dev.agentsre.redact.Redactor;
import dev.agentsre.slo.BurnRateAlert;
import dev.agentsre.slo.ErrorBudget;
import dev.agentsre.slo.Sli;
import dev.agentsre.slo.Slo;
import dev.agentsre.slo.SloTemplate;
import dev.agentsre.time.Durations;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.Locale;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The declared components ({@link SreComponents}) and how each observed instrument reads them,
 * independent of the metrics library: OpenTelemetry and Micrometer exporters both turn these readings
 * into their own measurements. Every read is pure (a component's {@code state()} or
 * {@code snapshot()}: nothing transitions, is created or kept alive) and guarded: a failing component
 * is logged and skipped.
 */
final class Readings {

    private static final Logger LOG = LoggerFactory.getLogger(Readings.class);
    /** A failure's message may carry a component's secrets (a receiver URL, a key): logged only redacted. */
    private static final Redactor REDACTOR = Redactor.defaults();

    /** Receives one measurement: a value and its attributes as key/value pairs (null values are left out). */
    @FunctionalInterface
    interface Sink {
        void record(double value, String... keyValues);
    }

    private final List<Slo> slos;
    /** Templates: every agent's SLO is read like a fixed one; an agent whose SLO expired has no series any more. */
    private final List<SloTemplate> templates;
    private final List<CircuitBreakerRegistry> registries;
    private final List<CircuitBreaker> breakers;
    private final List<CostGuard> guards;
    private final List<RogueAgentDetector> detectors;
    private final List<ChaosExperiment> experiments;
    private final List<AlertManager> alertManagers;
    private final AgentLabels labels;
    /** The last state and weight of every rollout, from its events (at most {@value #MAX_ROLLOUTS}). */
    private final Map<String, RolloutStateChanged> rollouts = new ConcurrentHashMap<>();
    static final int MAX_ROLLOUTS = 1_000;
    private volatile boolean warned;

    /** Readings of the components {@code components} declares. */
    Readings(SreComponents components) {
        this.slos = components.slos();
        this.templates = components.sloTemplates();
        this.registries = components.registries();
        this.breakers = components.breakers();
        this.guards = components.costGuards();
        this.detectors = components.rogueDetectors();
        this.experiments = components.experiments();
        this.alertManagers = components.alertManagers();
        this.labels = components.agentLabels();
    }

    /** The agent label policy. */
    AgentLabels labels() {
        return labels;
    }

    /** Keeps what observed instruments read from events (a rollout's state and weight). */
    void onEvent(SreEvent event) {
        if (event instanceof RolloutStateChanged change && (rollouts.size() < MAX_ROLLOUTS || rollouts.containsKey(change.rollout()))) {
            rollouts.put(change.rollout(), change);
        }
    }

    /** The instruments this class can read (every observed gauge and counter of the table). */
    static final List<InstrumentSpec> OBSERVED = List.of(TelemetryNames.SLO_STATUS, TelemetryNames.SLO_BUDGET_REMAINING,
            TelemetryNames.SLO_BURN_RATE, TelemetryNames.SLI_VALUE, TelemetryNames.SLI_COMPLIANCE, TelemetryNames.SLO_EVENTS,
            TelemetryNames.BREAKER_STATE, TelemetryNames.BREAKER_CALLS, TelemetryNames.BREAKER_FAILURE_RATE,
            TelemetryNames.COST_UTILISATION, TelemetryNames.COST_BUDGET_STATE, TelemetryNames.ROGUE_RISK_LEVEL,
            TelemetryNames.ROGUE_SIGNAL_SCORE, TelemetryNames.ROGUE_QUARANTINED, TelemetryNames.CHAOS_STATE,
            TelemetryNames.CHAOS_RESILIENCE, TelemetryNames.ROLLOUT_STATE, TelemetryNames.ROLLOUT_WEIGHT, TelemetryNames.ALERT_GROUPS, TelemetryNames.ALERT_ALERTS, TelemetryNames.ALERT_QUEUE_DEPTH,
            TelemetryNames.ALERT_NOTIFICATIONS, TelemetryNames.ALERT_LAST_DELIVERY);

    /**
     * Emits every current value of {@code spec}, agent ids through the {@link AgentLabels} policy:
     * agents that share a value (the {@code other} bucket, or every agent with no label) are
     * aggregated into one series (see {@link AgentLabels}).
     */
    void read(InstrumentSpec spec, Sink sink) {
        Labelled labelled = new Labelled(spec, sink);
        safely(() -> readUnguarded(spec, labelled));
        labelled.flush();
    }

    /** How agents that share a label are combined. */
    private static int aggregation(InstrumentSpec spec) {
        if (spec.kind() == InstrumentSpec.Kind.COUNTER || spec == TelemetryNames.BREAKER_STATE || spec == TelemetryNames.COST_BUDGET_STATE
                || spec == TelemetryNames.ROGUE_QUARANTINED) {
            return SUM;
        }
        return spec == TelemetryNames.SLO_BUDGET_REMAINING || spec == TelemetryNames.SLI_COMPLIANCE ? MIN : MAX;
    }

    private static final int SUM = 0;
    private static final int MIN = 1;
    private static final int MAX = 2;

    /** A sink that relabels agents and aggregates the series that end up sharing attributes. */
    private final class Labelled implements Sink {
        private final InstrumentSpec spec;
        private final Sink sink;
        private Map<List<String>, double[]> shared;

        Labelled(InstrumentSpec spec, Sink sink) {
            this.spec = spec;
            this.sink = sink;
        }

        @Override
        public void record(double value, String... keyValues) {
            String[] relabelled = null;
            boolean agentBudget = false;
            for (int i = 0; i < keyValues.length; i += 2) {
                if (TelemetryNames.SCOPE_ATTRIBUTE.equals(keyValues[i]) && "agent".equals(keyValues[i + 1])) {
                    agentBudget = true;
                }
            }
            for (int i = 0; i < keyValues.length; i += 2) {
                String key = keyValues[i];
                if (keyValues[i + 1] != null && (TelemetryNames.AGENT_ID.equals(key) || (agentBudget && TelemetryNames.OWNER.equals(key)))) {
                    String label = labels.label(keyValues[i + 1]);
                    if (!keyValues[i + 1].equals(label)) {
                        if (relabelled == null) {
                            relabelled = keyValues.clone();
                        }
                        relabelled[i + 1] = label;
                    }
                }
            }
            if (relabelled == null) {
                sink.record(value, keyValues);
                return;
            }
            if (shared == null) {
                shared = new LinkedHashMap<>();
            }
            double[] total = shared.get(Arrays.asList(relabelled));
            if (total == null) {
                shared.put(Arrays.asList(relabelled), new double[] {value});
            } else {
                switch (aggregation(spec)) {
                    case SUM -> total[0] += value;
                    case MIN -> total[0] = Math.min(total[0], value);
                    default -> total[0] = Math.max(total[0], value);
                }
            }
        }

        void flush() {
            if (shared != null) {
                shared.forEach((keyValues, total) -> safely(() -> sink.record(total[0], keyValues.toArray(new String[0]))));
            }
        }
    }

    private void readUnguarded(InstrumentSpec spec, Sink m) {
        switch (spec.name()) {
            case "agentsre.slo.status":
                eachSlo(slo -> m.record(slo.status().code(), sloKeys(slo)));
                break;
            case "agentsre.slo.error_budget.remaining":
                eachSlo(slo -> m.record(slo.errorBudget().remainingPercent(), sloKeys(slo)));
                break;
            case "agentsre.slo.burn_rate":
                eachSlo(slo -> {
                    ErrorBudget budget = slo.errorBudget();
                    for (BurnRateAlert alert : budget.alerts()) {
                        m.record(budget.burnRate(alert.longWindow()), burnKeys(slo, alert, alert.longWindow()));
                        if (alert.shortWindow() != null) {
                            m.record(budget.burnRate(alert.shortWindow()), burnKeys(slo, alert, alert.shortWindow()));
                        }
                    }
                });
                break;
            case "agentsre.sli.value":
                eachSlo(slo -> eachIndicator(slo, sli -> m.record(sli.currentValue(), sliKeys(slo, sli))));
                break;
            case "agentsre.sli.compliance":
                eachSlo(slo -> eachIndicator(slo, sli -> m.record(sli.compliance(), sliKeys(slo, sli))));
                break;
            case "agentsre.slo.events":
                eachSlo(slo -> {
                    ErrorBudget budget = slo.errorBudget();
                    long bad = budget.lifetimeBadEvents();
                    m.record(budget.lifetimeEvents() - bad, TelemetryNames.SLO_NAME, slo.name(), TelemetryNames.AGENT_ID, slo.agentId(),
                            TelemetryNames.OUTCOME, "good");
                    m.record(bad, TelemetryNames.SLO_NAME, slo.name(), TelemetryNames.AGENT_ID, slo.agentId(), TelemetryNames.OUTCOME, "bad");
                });
                break;
            case "agentsre.breaker.state":
                eachBreaker(b -> {
                    CircuitState current = b.state();
                    for (CircuitState s : CircuitState.values()) {
                        m.record(s == current ? 1 : 0, TelemetryNames.AGENT_ID, b.agentId(), TelemetryNames.STATE, lower(s));
                    }
                });
                break;
            case "agentsre.breaker.calls":
                eachBreaker(b -> {
                    BreakerSnapshot s = b.snapshot();
                    m.record(s.successfulCalls(), TelemetryNames.AGENT_ID, b.agentId(), TelemetryNames.OUTCOME, "success");
                    m.record(s.failedCalls(), TelemetryNames.AGENT_ID, b.agentId(), TelemetryNames.OUTCOME, "failure");
                    m.record(s.slowCalls(), TelemetryNames.AGENT_ID, b.agentId(), TelemetryNames.OUTCOME, "slow");
                    m.record(s.ignoredCalls(), TelemetryNames.AGENT_ID, b.agentId(), TelemetryNames.OUTCOME, "ignored");
                    m.record(s.rejectedCalls(), TelemetryNames.AGENT_ID, b.agentId(), TelemetryNames.OUTCOME, "rejected");
                });
                break;
            case "agentsre.breaker.failure_rate":
                eachBreaker(b -> {
                    double rate = b.snapshot().failureRate();
                    if (!Double.isNaN(rate)) {
                        m.record(rate, TelemetryNames.AGENT_ID, b.agentId());
                    }
                });
                break;
            case "agentsre.cost.budget.utilisation":
                eachBudget(s -> {
                    if (!Double.isNaN(s.utilisation())) {
                        m.record(s.utilisation(), TelemetryNames.SCOPE_ATTRIBUTE, lower(s.scope()), TelemetryNames.OWNER, s.owner());
                    }
                });
                break;
            case "agentsre.cost.budget.state":
                eachBudget(s -> {
                    for (BudgetState state : BudgetState.values()) {
                        m.record(state == s.state() ? 1 : 0, TelemetryNames.SCOPE_ATTRIBUTE, lower(s.scope()), TelemetryNames.OWNER, s.owner(),
                                TelemetryNames.STATE, lower(state));
                    }
                });
                break;
            case "agentsre.rogue.risk_level":
                eachRisk(r -> m.record(r.riskLevel().ordinal(), TelemetryNames.AGENT_ID, r.agentId()));
                break;
            case "agentsre.rogue.signal_score":
                eachRisk(r -> {
                    for (Signal signal : Signal.values()) {
                        m.record(r.signals().getOrDefault(signal, 0.0), TelemetryNames.AGENT_ID, r.agentId(), TelemetryNames.SIGNAL, lower(signal));
                    }
                });
                break;
            case "agentsre.rogue.quarantined":
                eachRisk(r -> m.record(r.quarantined() ? 1 : 0, TelemetryNames.AGENT_ID, r.agentId()));
                break;
            case "agentsre.chaos.experiment.state":
                each(experiments, e -> {
                    ExperimentState current = e.state();
                    for (ExperimentState s : ExperimentState.values()) {
                        m.record(s == current ? 1 : 0, TelemetryNames.EXPERIMENT, e.name(), TelemetryNames.STATE, lower(s));
                    }
                });
                break;
            case "agentsre.chaos.resilience_score":
                each(experiments, e -> {
                    ResilienceScore score = e.resilience();
                    if (score != null) {
                        m.record(score.overall(), TelemetryNames.EXPERIMENT, e.name());
                    }
                });
                break;
            case "agentsre.rollout.state":
                rollouts.values().forEach(r -> {
                    for (RolloutState state : RolloutState.values()) {
                        m.record(state == r.to() ? 1 : 0, TelemetryNames.ROLLOUT, r.rollout(), TelemetryNames.STATE, lower(state));
                    }
                });
                break;
            case "agentsre.rollout.weight":
                rollouts.values().forEach(r -> m.record(r.weight() * 100, TelemetryNames.ROLLOUT, r.rollout()));
                break;
            case "agentsre.alert.groups":
            case "agentsre.alert.alerts":
            case "agentsre.alert.queue.depth":
            case "agentsre.alert.notifications":
            case "agentsre.alert.last_delivery":
                each(alertManagers, alerts -> AlertReadings.read(spec, alerts.status(), m));
                break;
            default:
                throw new IllegalArgumentException("not an observed instrument: " + spec.name());
        }
    }

    /** The fixed SLOs, then every agent's SLO of every template (a pure read of each template). */
    private void eachSlo(Consumer<Slo> action) {
        each(slos, action);
        each(templates, template -> each(template.instances(), action));
    }

    private void eachIndicator(Slo slo, Consumer<Sli> action) {
        for (Sli sli : slo.indicators()) {
            safely(() -> {
                if (sli.hasData()) {
                    action.accept(sli);
                }
            });
        }
    }

    private void eachBreaker(Consumer<CircuitBreaker> action) {
        each(breakers, action);
        each(registries, registry -> registry.all().forEach(b -> safely(() -> action.accept(b))));
    }

    private void eachBudget(Consumer<BudgetSnapshot> action) {
        each(guards, guard -> {
            safely(() -> action.accept(guard.organizationSnapshot()));
            for (String agent : guard.agents()) {
                safely(() -> action.accept(guard.snapshot(agent)));
            }
        });
    }

    private void eachRisk(Consumer<RogueAgentDetector.RiskSnapshot> action) {
        each(detectors, detector -> {
            for (String agent : detector.agents()) {
                RogueAgentDetector.RiskSnapshot snapshot = detector.riskSnapshot(agent);
                if (snapshot != null) {
                    safely(() -> action.accept(snapshot));
                }
            }
        });
    }

    private <T> void each(List<T> items, Consumer<T> action) {
        for (T item : items) {
            safely(() -> action.accept(item));
        }
    }

    void safely(Runnable action) {
        try {
            action.run();
        } catch (RuntimeException | LinkageError e) {
            if (!warned) {
                warned = true;
                LOG.warn("Agent SRE telemetry export failed; the agent is unaffected (further failures at DEBUG)", REDACTOR.redact(e));
            } else {
                LOG.debug("Agent SRE telemetry export failed", REDACTOR.redact(e));
            }
        }
    }

    private static String[] sloKeys(Slo slo) {
        return new String[] {TelemetryNames.SLO_NAME, slo.name(), TelemetryNames.AGENT_ID, slo.agentId()};
    }

    private static String[] sliKeys(Slo slo, Sli sli) {
        return new String[] {TelemetryNames.SLO_NAME, slo.name(), TelemetryNames.SLI_NAME, sli.name(), TelemetryNames.AGENT_ID, slo.agentId()};
    }

    private static String[] burnKeys(Slo slo, BurnRateAlert alert, Duration window) {
        return new String[] {TelemetryNames.SLO_NAME, slo.name(), TelemetryNames.AGENT_ID, slo.agentId(), TelemetryNames.ALERT_NAME,
                alert.name(), TelemetryNames.WINDOW, Durations.format(window)};
    }

    static String lower(Enum<?> value) {
        return value.name().toLowerCase(Locale.ROOT);
    }
}
