package dev.agentsre.otel;

import static org.assertj.core.api.Assertions.assertThat;

import dev.agentsre.breaker.CircuitBreakerConfig;
import dev.agentsre.breaker.CircuitBreakerRegistry;
import dev.agentsre.event.SreEventBus;
import dev.agentsre.slo.ErrorBudget;
import dev.agentsre.slo.Sli;
import dev.agentsre.slo.SliValue;
import dev.agentsre.slo.Slo;
import dev.agentsre.testing.ManualClock;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.metrics.data.PointData;
import io.opentelemetry.sdk.testing.exporter.InMemoryMetricReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class AgentSreTelemetryTest {

    private final ManualClock clock = ManualClock.at(Instant.parse("2026-09-01T10:00:00Z"));
    private final InMemoryMetricReader reader = InMemoryMetricReader.create();
    private final io.opentelemetry.sdk.testing.exporter.InMemoryLogRecordExporter logs =
            io.opentelemetry.sdk.testing.exporter.InMemoryLogRecordExporter.create();
    private final OpenTelemetrySdk sdk = OpenTelemetrySdk.builder()
            .setMeterProvider(SdkMeterProvider.builder().registerMetricReader(reader).build())
            .setLoggerProvider(io.opentelemetry.sdk.logs.SdkLoggerProvider.builder()
                    .addLogRecordProcessor(io.opentelemetry.sdk.logs.export.SimpleLogRecordProcessor.create(logs)).build())
            .build();
    private final SreEventBus bus = new SreEventBus();
    private AgentSreTelemetry telemetry = AgentSreTelemetry.create(sdk, SreComponents.builder().bus(bus).build());

    /** Exports the bus and the given components (replacing the bus-only exporter). */
    private void export(SreComponents.Builder components) {
        telemetry.close();
        telemetry = AgentSreTelemetry.create(sdk, components.bus(bus).build());
    }

    @AfterEach
    void close() {
        telemetry.close();
        sdk.close();
    }

    private Map<String, MetricData> collect() {
        return reader.collectAllMetrics().stream().collect(Collectors.toMap(MetricData::getName, m -> m));
    }

    private static double value(MetricData metric, String... keyValues) {
        Attributes wanted = AgentSreTelemetry.attributes(keyValues);
        Collection<? extends PointData> points = metric.getData().getPoints();
        for (PointData point : points) {
            if (point.getAttributes().equals(wanted)) {
                if (point instanceof io.opentelemetry.sdk.metrics.data.DoublePointData d) {
                    return d.getValue();
                }
                if (point instanceof io.opentelemetry.sdk.metrics.data.LongPointData l) {
                    return l.getValue();
                }
            }
        }
        throw new AssertionError("no point of " + metric.getName() + " with " + wanted + " in " + points);
    }

    @Test
    void everyInstrumentIsExportedWithItsValueAfterAScriptedScenario() {
        TelemetryScenario scenario = new TelemetryScenario(bus, clock).build();
        export(SreComponents.builder().slo(scenario.slo).breakers(scenario.breakers).costGuard(scenario.guard)
                .rogueDetector(scenario.detector).experiment(scenario.experiment).alertManager(scenario.alerts));
        scenario.run();

        Map<String, MetricData> m = collect();
        assertThat(m.keySet()).containsAll(TelemetryNames.ALL.stream().map(InstrumentSpec::name).collect(Collectors.toList()));
        for (InstrumentSpec spec : TelemetryNames.ALL) {
            MetricData data = m.get(spec.name());
            assertThat(data.getUnit()).as(spec.name()).isEqualTo(spec.unit());
            assertThat(data.getDescription()).as(spec.name()).isEqualTo(spec.description());
            assertThat(data.getInstrumentationScopeInfo().getName()).isEqualTo("dev.agentsre");
        }

        assertThat(value(m.get("agentsre.slo.status"), "slo.name", "reliability", "agent.id", "researcher")).isEqualTo(4);
        assertThat(value(m.get("agentsre.slo.error_budget.remaining"), "slo.name", "reliability", "agent.id", "researcher")).isZero();
        assertThat(value(m.get("agentsre.slo.burn_rate"), "slo.name", "reliability", "agent.id", "researcher", "alert.name", "fast_burn",
                "window", "1h")).isCloseTo(10.0, org.assertj.core.api.Assertions.within(1e-9));
        assertThat(value(m.get("agentsre.slo.burn_rate"), "slo.name", "reliability", "agent.id", "researcher", "alert.name", "fast_burn",
                "window", "5m")).isCloseTo(10.0, org.assertj.core.api.Assertions.within(1e-9));
        assertThat(value(m.get("agentsre.sli.value"), "slo.name", "reliability", "sli.name", "task_success_rate", "agent.id", "researcher"))
                .isCloseTo(0.9, org.assertj.core.api.Assertions.within(1e-12));
        assertThat(value(m.get("agentsre.sli.compliance"), "slo.name", "reliability", "sli.name", "task_success_rate", "agent.id", "researcher"))
                .isCloseTo(0.9, org.assertj.core.api.Assertions.within(1e-12));
        assertThat(value(m.get("agentsre.slo.events"), "slo.name", "reliability", "agent.id", "researcher", "outcome", "good")).isEqualTo(90);
        assertThat(value(m.get("agentsre.slo.events"), "slo.name", "reliability", "agent.id", "researcher", "outcome", "bad")).isEqualTo(10);
        // One open alert per SLO: slow_burn (6x) paged first, fast_burn joining at the same severity adds no event.
        assertThat(value(m.get("agentsre.slo.alerts"), "slo.name", "reliability", "agent.id", "researcher", "alert.name", "slow_burn",
                "alert.severity", "critical", "transition", "fired")).isEqualTo(1);

        assertThat(value(m.get("agentsre.breaker.state"), "agent.id", "writer", "state", "open")).isEqualTo(1);
        assertThat(value(m.get("agentsre.breaker.state"), "agent.id", "writer", "state", "closed")).isZero();
        assertThat(value(m.get("agentsre.breaker.state"), "agent.id", "reader", "state", "closed")).isEqualTo(1);
        assertThat(value(m.get("agentsre.breaker.calls"), "agent.id", "writer", "outcome", "failure")).isEqualTo(2);
        assertThat(value(m.get("agentsre.breaker.calls"), "agent.id", "writer", "outcome", "rejected")).isEqualTo(1);
        assertThat(value(m.get("agentsre.breaker.calls"), "agent.id", "reader", "outcome", "success")).isEqualTo(1);
        assertThat(value(m.get("agentsre.breaker.transitions"), "agent.id", "writer", "from", "closed", "to", "open")).isEqualTo(1);
        assertThat(value(m.get("agentsre.breaker.failure_rate"), "agent.id", "reader")).isZero();

        assertThat(value(m.get("agentsre.cost.spend"), "agent.id", "researcher", "tenant", "acme")).isCloseTo(3.0, org.assertj.core.api.Assertions.within(1e-9));
        assertThat(value(m.get("agentsre.cost.spend"), "agent.id", "researcher", "gen_ai.request.model", "gpt-4o", "tenant", "acme"))
                .isCloseTo(2.0, org.assertj.core.api.Assertions.within(1e-9));
        assertThat(value(m.get("agentsre.cost.budget.utilisation"), "budget.scope", "agent", "budget.owner", "researcher")).isEqualTo(1.0);
        assertThat(value(m.get("agentsre.cost.budget.state"), "budget.scope", "agent", "budget.owner", "researcher", "state", "killed")).isEqualTo(1);
        assertThat(value(m.get("agentsre.cost.budget.state"), "budget.scope", "organization", "budget.owner", "organization", "state", "active"))
                .isEqualTo(1);
        assertThat(value(m.get("agentsre.cost.alerts"), "agent.id", "researcher", "budget.scope", "agent", "budget.action", "kill")).isEqualTo(1);
        assertThat(value(m.get("agentsre.cost.alerts"), "agent.id", "researcher", "budget.scope", "agent", "budget.action", "alert")).isEqualTo(4);

        assertThat(value(m.get("agentsre.rogue.risk_level"), "agent.id", "researcher")).isEqualTo(2); // HIGH
        assertThat(value(m.get("agentsre.rogue.signal_score"), "agent.id", "researcher", "signal", "capability")).isCloseTo(0.7,
                org.assertj.core.api.Assertions.within(1e-9));
        assertThat(value(m.get("agentsre.rogue.quarantined"), "agent.id", "researcher")).isEqualTo(1);
        assertThat(value(m.get("agentsre.rogue.quarantines"), "agent.id", "researcher")).isEqualTo(1);

        assertThat(value(m.get("agentsre.chaos.faults_injected"), "chaos.experiment", "drill", "chaos.fault.type", "error",
                "chaos.target", "search")).isEqualTo(3);
        assertThat(value(m.get("agentsre.chaos.experiment.state"), "chaos.experiment", "drill", "state", "completed")).isEqualTo(1);
        assertThat(value(m.get("agentsre.chaos.resilience_score"), "chaos.experiment", "drill")).isEqualTo(50.0);

        assertThat(value(m.get("agentsre.alert.groups"), "alert.receiver", "ops")).isEqualTo(2);
        assertThat(value(m.get("agentsre.alert.alerts"), "state", "firing")).isEqualTo(1);
        assertThat(value(m.get("agentsre.alert.alerts"), "state", "inhibited")).isEqualTo(1);
        assertThat(value(m.get("agentsre.alert.alerts"), "state", "silenced")).isEqualTo(1);
        assertThat(value(m.get("agentsre.alert.queue.depth"), "alert.receiver", "ops")).isZero();
        assertThat(value(m.get("agentsre.alert.notifications"), "alert.receiver", "ops", "outcome", "delivered")).isEqualTo(1);
        assertThat(value(m.get("agentsre.alert.notifications"), "alert.receiver", "ops", "outcome", "dropped")).isZero();
        assertThat(value(m.get("agentsre.alert.last_delivery"), "alert.receiver", "ops", "outcome", "delivered"))
                .isEqualTo(clock.instant().getEpochSecond());

        List<String> bodies = logs.getFinishedLogRecordItems().stream().map(r -> r.getBodyValue().asString()).collect(Collectors.toList());
        assertThat(bodies).contains("SLO reliability: HEALTHY -> WARNING", "SLO reliability: WARNING -> EXHAUSTED")
                .anyMatch(b -> b.startsWith("SLO reliability: burn-rate alert slow_burn fired ("))
                .anyMatch(b -> b.startsWith("agent researcher quarantined (HIGH): ") && b.contains("shell_exec is on the denied list"));
        assertThat(logs.getFinishedLogRecordItems()).filteredOn(r -> r.getBodyValue().asString().contains("slow_burn fired"))
                .singleElement().satisfies(r -> assertThat(r.getSeverity()).isEqualTo(io.opentelemetry.api.logs.Severity.ERROR));
    }

    @Test
    void aFailingComponentReadNeverBreaksTheAgentNorTheOtherInstruments() {
        Sli broken = new Sli("broken", 0.9, "1h") {
            @Override
            public SliValue collect() {
                throw new IllegalStateException("indicator bug");
            }

            @Override
            public boolean hasData() {
                return true;
            }
        };
        Slo slo = Slo.builder("s").indicator(broken).errorBudget(ErrorBudget.builder().target(0.99).clock(clock).build()).build();
        export(SreComponents.builder().slo(slo));
        slo.recordEvent(true); // the agent's own call is unaffected: evaluate() throws only inside the exporter's callback
        Map<String, MetricData> m = collect();
        assertThat(m).containsKey("agentsre.slo.error_budget.remaining");
        assertThat(value(m.get("agentsre.slo.error_budget.remaining"), "slo.name", "s")).isEqualTo(100);
    }

    @Test
    void closingStopsEveryCallbackAndListener() {
        CircuitBreakerRegistry breakers = CircuitBreakerRegistry.of(CircuitBreakerConfig.ofDefaults(), bus);
        export(SreComponents.builder().breakers(breakers));
        breakers.get("a").recordSuccess();
        assertThat(collect()).containsKey("agentsre.breaker.state");
        telemetry.close();
        assertThat(bus.listenerCount()).isZero();
        assertThat(collect()).doesNotContainKey("agentsre.breaker.state");
    }

    @Test
    void theNoopExporterAcceptsEverything() {
        try (AgentSreTelemetry noop = AgentSreTelemetry.noop()) {
            assertThat(noop.components().buses()).isEmpty();
        }
        SreEventBus other = new SreEventBus();
        try (AgentSreTelemetry global = AgentSreTelemetry.global(SreComponents.builder().bus(other)
                .breakers(CircuitBreakerRegistry.of(CircuitBreakerConfig.ofDefaults(), other)).build())) {
            assertThat(other.listenerCount()).isEqualTo(1);
        }
        assertThat(other.listenerCount()).isZero();
        assertThat(AgentSreTelemetry.instrumentationVersion()).isEqualTo("0.1.0-SNAPSHOT");
    }

    @Test
    void theTelemetryPageIsGeneratedFromTheNamesTable() throws Exception {
        Path page = Path.of("..", "docs", "telemetry.md");
        String content = Files.readString(page, StandardCharsets.UTF_8);
        assertThat(content).contains(TelemetryDocs.table());
        assertThat(TelemetryDocs.regenerate(content)).isEqualTo(content);
        assertThat(AttributeKey.stringKey(TelemetryNames.AGENT_ID).getKey()).isEqualTo("agent.id");
    }
}
