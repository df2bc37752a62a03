package dev.agentsre.otel;

import static org.assertj.core.api.Assertions.assertThat;

import dev.agentsre.slo.AggregateSli;
import dev.agentsre.slo.ErrorBudget;
import dev.agentsre.slo.Slis;
import dev.agentsre.slo.Slo;
import dev.agentsre.slo.SloTemplate;
import dev.agentsre.testing.ManualClock;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.testing.exporter.InMemoryMetricReader;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** Templated SLOs are exported like fixed ones, per agent; the series of an agent whose SLO expired go away. */
class SloTemplateTelemetryTest {

    private final ManualClock clock = ManualClock.at(Instant.parse("2026-09-01T10:00:00Z"));
    private final SloTemplate template = SloTemplate.builder("reliability")
            .indicator(() -> Slis.taskSuccessRate().clock(clock).build())
            .errorBudget(() -> ErrorBudget.builder().target(0.99).clock(clock).build())
            .idleExpiry(Duration.ofHours(1)).clock(clock).build();

    private void traffic() {
        served("researcher", true);
        served("writer", false);
    }

    private void served(String agent, boolean ok) {
        Slo slo = template.forAgent(agent);
        slo.recordServed(ok);
        ((AggregateSli) slo.indicator("task_success_rate")).record(ok);
        slo.evaluate();
    }

    /** The researcher keeps working; the writer goes quiet for longer than the idle expiry. */
    private void writerExpires() {
        clock.advance(Duration.ofMinutes(40));
        template.forAgent("researcher");
        clock.advance(Duration.ofMinutes(40));
        assertThat(template.evictIdle()).isEqualTo(1);
        assertThat(template.find("writer")).isEmpty();
    }

    private static Set<String> agents(MetricData metric) {
        return metric.getData().getPoints().stream().map(p -> p.getAttributes().get(AttributeKey.stringKey("agent.id")))
                .collect(Collectors.toSet());
    }

    @Test
    void openTelemetryExportsEveryAgentsSloAndDropsAnExpiredAgent() {
        InMemoryMetricReader reader = InMemoryMetricReader.create();
        try (OpenTelemetrySdk sdk = OpenTelemetrySdk.builder()
                .setMeterProvider(SdkMeterProvider.builder().registerMetricReader(reader).build()).build();
             AgentSreTelemetry telemetry = AgentSreTelemetry.create(sdk, SreComponents.builder().sloTemplate(template).build())) {
            traffic();

            var metrics = reader.collectAllMetrics().stream().collect(Collectors.toMap(MetricData::getName, m -> m));
            for (String name : Set.of("agentsre.slo.status", "agentsre.slo.error_budget.remaining", "agentsre.slo.burn_rate",
                    "agentsre.slo.events", "agentsre.sli.value", "agentsre.sli.compliance")) {
                assertThat(agents(metrics.get(name))).as(name).containsExactlyInAnyOrder("researcher", "writer");
            }
            assertThat(metrics.get("agentsre.slo.status").getData().getPoints())
                    .allSatisfy(p -> assertThat(p.getAttributes().get(AttributeKey.stringKey("slo.name"))).isEqualTo("reliability"));

            writerExpires();
            metrics = reader.collectAllMetrics().stream().collect(Collectors.toMap(MetricData::getName, m -> m));
            assertThat(agents(metrics.get("agentsre.slo.status"))).containsExactly("researcher");
            assertThat(agents(metrics.get("agentsre.slo.events"))).containsExactly("researcher");
        }
    }

    @Test
    void micrometerRegistersEveryAgentsSloAndRemovesTheMetersOfAnExpiredAgent() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        AgentSreMeterBinder binder = new AgentSreMeterBinder(SreComponents.builder().sloTemplate(template).build());
        binder.bindTo(registry);
        traffic();
        binder.refresh();

        assertThat(registry.get("agentsre.slo.status").tags("agent.id", "writer").gauge().value()).isEqualTo(2); // WARNING: 0% success
        assertThat(registry.get("agentsre.slo.events").tags("agent.id", "researcher", "outcome", "good").functionCounter().count())
                .isEqualTo(1);
        assertThat(registry.find("agentsre.slo.status").gauges()).hasSize(2);

        writerExpires();
        binder.refresh();
        assertThat(registry.find("agentsre.slo.status").gauges()).singleElement()
                .satisfies(g -> assertThat(g.getId().getTag("agent.id")).isEqualTo("researcher"));
        assertThat(registry.getMeters()).noneMatch(m -> "writer".equals(m.getId().getTag("agent.id")));

        served("writer", true);                            // it comes back: new meters
        binder.refresh();
        assertThat(registry.find("agentsre.slo.status").gauges()).hasSize(2);
    }
}
