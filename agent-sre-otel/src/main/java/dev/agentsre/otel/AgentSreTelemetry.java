package dev.agentsre.otel;

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
import dev.agentsre.event.AgentQuarantined;
import dev.agentsre.event.BurnRateAlertFired;
import dev.agentsre.event.BurnRateAlertResolved;
import dev.agentsre.event.CircuitStateChanged;
import dev.agentsre.event.CostAlertRaised;
import dev.agentsre.event.CostCharged;
import dev.agentsre.event.FaultInjected;
import dev.agentsre.event.SreEvent;
import dev.agentsre.event.SreEventBus;
import dev.agentsre.slo.BurnRateAlert;
import dev.agentsre.slo.ErrorBudget;
import dev.agentsre.slo.Sli;
import dev.agentsre.slo.Slo;
import dev.agentsre.time.Durations;
import io.opentelemetry.api.GlobalOpenTelemetry;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.common.AttributesBuilder;
import io.opentelemetry.api.metrics.DoubleCounter;
import io.opentelemetry.api.metrics.LongCounter;
import io.opentelemetry.api.metrics.Meter;
import io.opentelemetry.api.metrics.ObservableDoubleMeasurement;
import io.opentelemetry.api.metrics.ObservableLongMeasurement;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Properties;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Exports Agent SRE signals through the OpenTelemetry API: counters driven by the events of an
 * {@link SreEventBus}, and gauges observed from the components' snapshots when metrics are
 * collected. Instrument names, units and attributes are those of {@link TelemetryNames}.
 *
 * <pre>{@code
 * AgentSreTelemetry telemetry = AgentSreTelemetry.create(openTelemetrySdk)   // or noop(), or global()
 *         .bind(bus)                      // alerts, transitions, spend, quarantines, faults
 *         .bind(slo).bind(breakers).bind(costGuard).bind(rogueDetector).bind(experiment);
 * }</pre>
 *
 * <p><b>Safety.</b> Exporting never throws into an agent's call: event listeners and gauge callbacks
 * catch everything, log it once at WARN (then at DEBUG) and carry on. <b>Cost.</b> An event listener
 * increments one counter (an attribute set is built per event); gauges cost nothing until the
 * SDK's reader collects. {@link #close()} unsubscribes and stops the callbacks. Thread-safe.
 */
public final class AgentSreTelemetry implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(AgentSreTelemetry.class);

    private final Meter meter;
    private final List<AutoCloseable> registrations = new CopyOnWriteArrayList<>();
    private final List<Slo> slos = new CopyOnWriteArrayList<>();
    private final List<CircuitBreakerRegistry> registries = new CopyOnWriteArrayList<>();
    private final List<CircuitBreaker> breakers = new CopyOnWriteArrayList<>();
    private final List<CostGuard> guards = new CopyOnWriteArrayList<>();
    private final List<RogueAgentDetector> detectors = new CopyOnWriteArrayList<>();
    private final List<ChaosExperiment> experiments = new CopyOnWriteArrayList<>();
    private final LongCounter sloAlerts;
    private final LongCounter breakerTransitions;
    private final DoubleCounter spend;
    private final LongCounter costAlerts;
    private final LongCounter quarantines;
    private final LongCounter faults;
    private volatile boolean warned;

    private AgentSreTelemetry(OpenTelemetry openTelemetry) {
        this.meter = Objects.requireNonNull(openTelemetry, "openTelemetry").meterBuilder(TelemetryNames.SCOPE)
                .setInstrumentationVersion(version()).build();
        sloAlerts = counter(TelemetryNames.SLO_ALERTS);
        breakerTransitions = counter(TelemetryNames.BREAKER_TRANSITIONS);
        spend = meter.counterBuilder(TelemetryNames.COST_SPEND.name()).ofDoubles().setUnit(TelemetryNames.COST_SPEND.unit())
                .setDescription(TelemetryNames.COST_SPEND.description()).build();
        costAlerts = counter(TelemetryNames.COST_ALERTS);
        quarantines = counter(TelemetryNames.ROGUE_QUARANTINES);
        faults = counter(TelemetryNames.CHAOS_FAULTS);
        registerGauges();
    }

    /** An exporter on {@code openTelemetry} (your SDK). */
    public static AgentSreTelemetry create(OpenTelemetry openTelemetry) {
        return new AgentSreTelemetry(openTelemetry);
    }

    /** An exporter that records nothing (the default when no SDK is configured). */
    public static AgentSreTelemetry noop() {
        return new AgentSreTelemetry(OpenTelemetry.noop());
    }

    /** An exporter on {@link GlobalOpenTelemetry}: only when you ask for it, never implicitly. */
    public static AgentSreTelemetry global() {
        return new AgentSreTelemetry(GlobalOpenTelemetry.get());
    }

    // ------------------------------------------------------------------ binding

    /** Counts the events of {@code bus}: SLO alerts, breaker transitions, spend, cost alerts, quarantines, faults. */
    public AgentSreTelemetry bind(SreEventBus bus) {
        Objects.requireNonNull(bus, "bus");
        registrations.add(bus.subscribe(SreEvent.class, event -> safely(() -> count(event))));
        return this;
    }

    /** Observes an SLO: status, budget left, burn rates per alert window, indicator values and compliance. */
    public AgentSreTelemetry bind(Slo slo) {
        slos.add(Objects.requireNonNull(slo, "slo"));
        return this;
    }

    /** Observes every breaker of a registry, including those it creates later. */
    public AgentSreTelemetry bind(CircuitBreakerRegistry registry) {
        registries.add(Objects.requireNonNull(registry, "registry"));
        return this;
    }

    /** Observes one breaker. */
    public AgentSreTelemetry bind(CircuitBreaker breaker) {
        breakers.add(Objects.requireNonNull(breaker, "breaker"));
        return this;
    }

    /** Observes a cost guard's budgets: every tracked agent's day and the organisation's month. */
    public AgentSreTelemetry bind(CostGuard guard) {
        guards.add(Objects.requireNonNull(guard, "guard"));
        return this;
    }

    /** Observes a rogue detector's agents: risk level, signal scores, quarantine. */
    public AgentSreTelemetry bind(RogueAgentDetector detector) {
        detectors.add(Objects.requireNonNull(detector, "detector"));
        return this;
    }

    /** Observes a chaos experiment: state and resilience score. */
    public AgentSreTelemetry bind(ChaosExperiment experiment) {
        experiments.add(Objects.requireNonNull(experiment, "experiment"));
        return this;
    }

    /** Unsubscribes from every bus and stops every gauge callback. */
    @Override
    public void close() {
        for (AutoCloseable registration : registrations) {
            try {
                registration.close();
            } catch (Exception e) {
                LOG.debug("closing a telemetry registration failed", e);
            }
        }
        registrations.clear();
    }

    // ------------------------------------------------------------------ events

    private void count(SreEvent event) {
        if (event instanceof BurnRateAlertFired f) {
            sloAlerts.add(1, alertAttributes(f.sloName(), f.agentId(), f.alert(), "fired"));
        } else if (event instanceof BurnRateAlertResolved r) {
            sloAlerts.add(1, alertAttributes(r.sloName(), r.agentId(), r.alert(), "resolved"));
        } else if (event instanceof CircuitStateChanged c) {
            breakerTransitions.add(1, attributes(TelemetryNames.AGENT_ID, c.agentId(), "from", lower(c.from()), "to", lower(c.to())));
        } else if (event instanceof CostCharged c) {
            spend.add(c.usd().doubleValue(), attributes(TelemetryNames.AGENT_ID, c.agentId(), TelemetryNames.MODEL, c.model(),
                    TelemetryNames.TENANT, c.tenant()));
        } else if (event instanceof CostAlertRaised a) {
            costAlerts.add(1, attributes(TelemetryNames.AGENT_ID, a.agentId(), TelemetryNames.SCOPE_ATTRIBUTE, lower(a.alert().scope()),
                    TelemetryNames.ACTION, lower(a.alert().action())));
        } else if (event instanceof AgentQuarantined q) {
            quarantines.add(1, attributes(TelemetryNames.AGENT_ID, q.agentId()));
        } else if (event instanceof FaultInjected f) {
            faults.add(1, attributes(TelemetryNames.EXPERIMENT, f.experiment(), TelemetryNames.FAULT_TYPE, lower(f.faultType()),
                    TelemetryNames.TARGET, f.target()));
        }
    }

    private static Attributes alertAttributes(String slo, String agent, BurnRateAlert alert, String transition) {
        return attributes(TelemetryNames.SLO_NAME, slo, TelemetryNames.AGENT_ID, agent, TelemetryNames.ALERT_NAME, alert.name(),
                TelemetryNames.ALERT_SEVERITY, lower(alert.severity()), TelemetryNames.TRANSITION, transition);
    }

    // ------------------------------------------------------------------ gauges

    private void registerGauges() {
        gauge(TelemetryNames.SLO_STATUS, m -> each(slos, slo -> m.record(slo.status().code(), sloAttributes(slo))));
        gauge(TelemetryNames.SLO_BUDGET_REMAINING, m -> each(slos, slo -> m.record(slo.errorBudget().remainingPercent(), sloAttributes(slo))));
        gauge(TelemetryNames.SLO_BURN_RATE, m -> each(slos, slo -> {
            ErrorBudget budget = slo.errorBudget();
            for (BurnRateAlert alert : budget.alerts()) {
                m.record(budget.burnRate(alert.longWindow()), burnAttributes(slo, alert, alert.longWindow()));
                if (alert.shortWindow() != null) {
                    m.record(budget.burnRate(alert.shortWindow()), burnAttributes(slo, alert, alert.shortWindow()));
                }
            }
        }));
        observableCounter(TelemetryNames.SLO_EVENTS, m -> each(slos, slo -> {
            ErrorBudget budget = slo.errorBudget();
            long bad = budget.lifetimeBadEvents();
            m.record(budget.lifetimeEvents() - bad, attributes(TelemetryNames.SLO_NAME, slo.name(), TelemetryNames.AGENT_ID, slo.agentId(),
                    TelemetryNames.OUTCOME, "good"));
            m.record(bad, attributes(TelemetryNames.SLO_NAME, slo.name(), TelemetryNames.AGENT_ID, slo.agentId(), TelemetryNames.OUTCOME, "bad"));
        }));
        gauge(TelemetryNames.SLI_VALUE, m -> each(slos, slo -> {
            for (Sli sli : slo.indicators()) {
                if (sli.hasData()) {
                    m.record(sli.currentValue(), sliAttributes(slo, sli));
                }
            }
        }));
        gauge(TelemetryNames.SLI_COMPLIANCE, m -> each(slos, slo -> {
            for (Sli sli : slo.indicators()) {
                if (sli.hasData()) {
                    m.record(sli.compliance(), sliAttributes(slo, sli));
                }
            }
        }));

        gauge(TelemetryNames.BREAKER_STATE, m -> eachBreaker(b -> {
            CircuitState current = b.state();
            for (CircuitState s : CircuitState.values()) {
                m.record(s == current ? 1 : 0, attributes(TelemetryNames.AGENT_ID, b.agentId(), TelemetryNames.STATE, lower(s)));
            }
        }));
        observableCounter(TelemetryNames.BREAKER_CALLS, m -> eachBreaker(b -> {
            BreakerSnapshot s = b.snapshot();
            m.record(s.successfulCalls(), outcome(b, "success"));
            m.record(s.failedCalls(), outcome(b, "failure"));
            m.record(s.slowCalls(), outcome(b, "slow"));
            m.record(s.ignoredCalls(), outcome(b, "ignored"));
            m.record(s.rejectedCalls(), outcome(b, "rejected"));
        }));
        gauge(TelemetryNames.BREAKER_FAILURE_RATE, m -> eachBreaker(b -> {
            double rate = b.snapshot().failureRate();
            if (!Double.isNaN(rate)) {
                m.record(rate, attributes(TelemetryNames.AGENT_ID, b.agentId()));
            }
        }));

        gauge(TelemetryNames.COST_UTILISATION, m -> eachBudget(s -> {
            if (!Double.isNaN(s.utilisation())) {
                m.record(s.utilisation(), budgetAttributes(s));
            }
        }));
        gauge(TelemetryNames.COST_BUDGET_STATE, m -> eachBudget(s -> {
            for (BudgetState state : BudgetState.values()) {
                m.record(state == s.state() ? 1 : 0, attributes(TelemetryNames.SCOPE_ATTRIBUTE, lower(s.scope()), TelemetryNames.OWNER,
                        s.owner(), TelemetryNames.STATE, lower(state)));
            }
        }));

        gauge(TelemetryNames.ROGUE_RISK_LEVEL, m -> eachRisk(r -> m.record(r.riskLevel().ordinal(), attributes(TelemetryNames.AGENT_ID, r.agentId()))));
        gauge(TelemetryNames.ROGUE_SIGNAL_SCORE, m -> eachRisk(r -> {
            for (Signal signal : Signal.values()) {
                m.record(r.signals().getOrDefault(signal, 0.0), attributes(TelemetryNames.AGENT_ID, r.agentId(), TelemetryNames.SIGNAL,
                        lower(signal)));
            }
        }));
        gauge(TelemetryNames.ROGUE_QUARANTINED, m -> eachRisk(r -> m.record(r.quarantined() ? 1 : 0, attributes(TelemetryNames.AGENT_ID, r.agentId()))));

        gauge(TelemetryNames.CHAOS_STATE, m -> each(experiments, e -> {
            ExperimentState current = e.state();
            for (ExperimentState s : ExperimentState.values()) {
                m.record(s == current ? 1 : 0, attributes(TelemetryNames.EXPERIMENT, e.name(), TelemetryNames.STATE, lower(s)));
            }
        }));
        gauge(TelemetryNames.CHAOS_RESILIENCE, m -> each(experiments, e -> {
            ResilienceScore score = e.resilience();
            if (score != null) {
                m.record(score.overall(), attributes(TelemetryNames.EXPERIMENT, e.name()));
            }
        }));
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

    private void gauge(InstrumentSpec spec, Consumer<ObservableDoubleMeasurement> callback) {
        registrations.add(meter.gaugeBuilder(spec.name()).setUnit(spec.unit()).setDescription(spec.description())
                .buildWithCallback(m -> safely(() -> callback.accept(m))));
    }

    private void observableCounter(InstrumentSpec spec, Consumer<ObservableLongMeasurement> callback) {
        registrations.add(meter.counterBuilder(spec.name()).setUnit(spec.unit()).setDescription(spec.description())
                .buildWithCallback(m -> safely(() -> callback.accept(m))));
    }

    private LongCounter counter(InstrumentSpec spec) {
        return meter.counterBuilder(spec.name()).setUnit(spec.unit()).setDescription(spec.description()).build();
    }

    private void safely(Runnable action) {
        try {
            action.run();
        } catch (RuntimeException | LinkageError e) {
            if (!warned) {
                warned = true;
                LOG.warn("Agent SRE telemetry export failed; the agent is unaffected (further failures at DEBUG)", e);
            } else {
                LOG.debug("Agent SRE telemetry export failed", e);
            }
        }
    }

    private static Attributes sloAttributes(Slo slo) {
        return attributes(TelemetryNames.SLO_NAME, slo.name(), TelemetryNames.AGENT_ID, slo.agentId());
    }

    private static Attributes sliAttributes(Slo slo, Sli sli) {
        return attributes(TelemetryNames.SLO_NAME, slo.name(), TelemetryNames.SLI_NAME, sli.name(), TelemetryNames.AGENT_ID, slo.agentId());
    }

    private static Attributes burnAttributes(Slo slo, BurnRateAlert alert, Duration window) {
        return attributes(TelemetryNames.SLO_NAME, slo.name(), TelemetryNames.AGENT_ID, slo.agentId(), TelemetryNames.ALERT_NAME,
                alert.name(), TelemetryNames.WINDOW, Durations.format(window));
    }

    private static Attributes budgetAttributes(BudgetSnapshot s) {
        return attributes(TelemetryNames.SCOPE_ATTRIBUTE, lower(s.scope()), TelemetryNames.OWNER, s.owner());
    }

    private static Attributes outcome(CircuitBreaker b, String outcome) {
        return attributes(TelemetryNames.AGENT_ID, b.agentId(), TelemetryNames.OUTCOME, outcome);
    }

    /** Attributes from key/value pairs; null values are left out. */
    static Attributes attributes(String... keyValues) {
        AttributesBuilder builder = Attributes.builder();
        for (int i = 0; i < keyValues.length; i += 2) {
            if (keyValues[i + 1] != null) {
                builder.put(AttributeKey.stringKey(keyValues[i]), keyValues[i + 1]);
            }
        }
        return builder.build();
    }

    private static String lower(Enum<?> value) {
        return value.name().toLowerCase(Locale.ROOT);
    }

    private static String version() {
        try (InputStream in = AgentSreTelemetry.class.getResourceAsStream("/dev/agentsre/otel/version.properties")) {
            if (in == null) {
                return "unknown";
            }
            Properties properties = new Properties();
            properties.load(in);
            return properties.getProperty("version", "unknown");
        } catch (IOException e) {
            return "unknown";
        }
    }

    /** The instrumentation version reported with every instrument. */
    public static String instrumentationVersion() {
        return version();
    }
}
