package dev.agentsre.otel;

import dev.agentsre.alert.AlertManager;
import dev.agentsre.anomaly.RogueAgentDetector;
import dev.agentsre.breaker.CircuitBreaker;
import dev.agentsre.breaker.CircuitBreakerRegistry;
import dev.agentsre.chaos.ChaosExperiment;
import dev.agentsre.cost.CostGuard;
import dev.agentsre.event.SreEventBus;
import dev.agentsre.slo.Slo;
import dev.agentsre.slo.SloTemplate;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * What to export: the event buses to count and the components to observe, declared once and given to
 * either exporter — {@link AgentSreTelemetry} (OpenTelemetry) or {@link AgentSreMeterBinder}
 * (Micrometer), or both.
 *
 * <pre>{@code
 * SreComponents components = SreComponents.builder()
 *         .bus(bus)                                   // counters: alerts, transitions, spend, quarantines, faults
 *         .slo(slo).sloTemplate(template).breakers(registry).costGuard(guard).rogueDetector(detector)
 *         .experiment(experiment).alertManager(alerts)
 *         .build();
 * AgentSreTelemetry telemetry = AgentSreTelemetry.create(openTelemetry, components);
 * new AgentSreMeterBinder(components).bindTo(meterRegistry);
 * }</pre>
 *
 * <p>{@link Builder#agentLabels} bounds the series a growing fleet makes: every agent its own
 * {@code agent.id} value, none, or the first {@code n} with the rest as {@code other} (the default).
 *
 * <p>Each setter may be called several times (two SLOs, two registries); components are observed in
 * the order given. Immutable and thread-safe once built; reading a component's gauges is a pure read
 * of it (nothing is created, kept alive or transitioned by an export).
 */
public final class SreComponents {

    private final List<SreEventBus> buses;
    private final List<Slo> slos;
    private final List<SloTemplate> sloTemplates;
    private final List<CircuitBreakerRegistry> registries;
    private final List<CircuitBreaker> breakers;
    private final List<CostGuard> costGuards;
    private final List<RogueAgentDetector> rogueDetectors;
    private final List<ChaosExperiment> experiments;
    private final List<AlertManager> alertManagers;
    private final AgentLabels agentLabels;

    private SreComponents(Builder b) {
        this.buses = List.copyOf(b.buses);
        this.slos = List.copyOf(b.slos);
        this.sloTemplates = List.copyOf(b.sloTemplates);
        this.registries = List.copyOf(b.registries);
        this.breakers = List.copyOf(b.breakers);
        this.costGuards = List.copyOf(b.costGuards);
        this.rogueDetectors = List.copyOf(b.rogueDetectors);
        this.experiments = List.copyOf(b.experiments);
        this.alertManagers = List.copyOf(b.alertManagers);
        this.agentLabels = b.agentLabels;
    }

    /** Starts an empty declaration. */
    public static Builder builder() {
        return new Builder();
    }

    /** The buses whose events are counted. */
    public List<SreEventBus> buses() {
        return buses;
    }

    /** The SLOs observed. */
    public List<Slo> slos() {
        return slos;
    }

    /** The SLO templates observed (every agent's SLO of each). */
    public List<SloTemplate> sloTemplates() {
        return sloTemplates;
    }

    /** The breaker registries observed (every breaker they hold, including later ones). */
    public List<CircuitBreakerRegistry> registries() {
        return registries;
    }

    /** The single breakers observed. */
    public List<CircuitBreaker> breakers() {
        return breakers;
    }

    /** The cost guards observed. */
    public List<CostGuard> costGuards() {
        return costGuards;
    }

    /** The rogue-agent detectors observed. */
    public List<RogueAgentDetector> rogueDetectors() {
        return rogueDetectors;
    }

    /** The chaos experiments observed. */
    public List<ChaosExperiment> experiments() {
        return experiments;
    }

    /** The alert managers observed. */
    public List<AlertManager> alertManagers() {
        return alertManagers;
    }

    /** How agents appear in the series (default {@code AgentLabels.capped(}{@value AgentLabels#DEFAULT_MAX_AGENTS}{@code )}). */
    public AgentLabels agentLabels() {
        return agentLabels;
    }

    /** Builder of {@link SreComponents}; each setter adds one (null is rejected naming the parameter). */
    public static final class Builder {
        private final List<SreEventBus> buses = new ArrayList<>();
        private final List<Slo> slos = new ArrayList<>();
        private final List<SloTemplate> sloTemplates = new ArrayList<>();
        private final List<CircuitBreakerRegistry> registries = new ArrayList<>();
        private final List<CircuitBreaker> breakers = new ArrayList<>();
        private final List<CostGuard> costGuards = new ArrayList<>();
        private final List<RogueAgentDetector> rogueDetectors = new ArrayList<>();
        private final List<ChaosExperiment> experiments = new ArrayList<>();
        private final List<AlertManager> alertManagers = new ArrayList<>();
        private AgentLabels agentLabels = AgentLabels.capped(AgentLabels.DEFAULT_MAX_AGENTS);

        private Builder() {
        }

        /**
         * How agents appear in the series: {@link AgentLabels#all()}, {@link AgentLabels#none()} or
         * {@link AgentLabels#capped(int)} with an {@value AgentLabels#OTHER} bucket (the default, capped
         * at {@value AgentLabels#DEFAULT_MAX_AGENTS}). See {@code docs/telemetry.md} for the series count.
         */
        public Builder agentLabels(AgentLabels labels) {
            this.agentLabels = Objects.requireNonNull(labels, "labels");
            return this;
        }

        /** Counts the events of {@code bus}: SLO alerts, breaker transitions, spend, cost alerts, quarantines, faults. */
        public Builder bus(SreEventBus bus) {
            buses.add(Objects.requireNonNull(bus, "bus"));
            return this;
        }

        /** Observes an SLO: status, budget left, burn rates per alert window, event totals, indicator values and compliance. */
        public Builder slo(Slo slo) {
            slos.add(Objects.requireNonNull(slo, "slo"));
            return this;
        }

        /**
         * Observes every agent's SLO of a template like a fixed SLO (series per {@code agent.id}), agents
         * that appear later included; an agent whose SLO has expired from the template has no series at
         * the next collection.
         */
        public Builder sloTemplate(SloTemplate template) {
            sloTemplates.add(Objects.requireNonNull(template, "template"));
            return this;
        }

        /** Observes every breaker of a registry, including those it creates later. */
        public Builder breakers(CircuitBreakerRegistry registry) {
            registries.add(Objects.requireNonNull(registry, "registry"));
            return this;
        }

        /** Observes one breaker. */
        public Builder breaker(CircuitBreaker breaker) {
            breakers.add(Objects.requireNonNull(breaker, "breaker"));
            return this;
        }

        /** Observes a cost guard's budgets: every tracked agent's day and the organisation's month. */
        public Builder costGuard(CostGuard guard) {
            costGuards.add(Objects.requireNonNull(guard, "guard"));
            return this;
        }

        /** Observes a rogue detector's agents: risk level, signal scores, quarantine. */
        public Builder rogueDetector(RogueAgentDetector detector) {
            rogueDetectors.add(Objects.requireNonNull(detector, "detector"));
            return this;
        }

        /** Observes a chaos experiment: state and resilience score. */
        public Builder experiment(ChaosExperiment experiment) {
            experiments.add(Objects.requireNonNull(experiment, "experiment"));
            return this;
        }

        /** Observes an alert manager: groups, alerts by state, queue depths, notifications and last delivery per receiver. */
        public Builder alertManager(AlertManager alerts) {
            alertManagers.add(Objects.requireNonNull(alerts, "alerts"));
            return this;
        }

        /** The declaration. */
        public SreComponents build() {
            return new SreComponents(this);
        }
    }
}
