package dev.agentsre.otel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.agentsre.anomaly.RogueAgentDetector;
import dev.agentsre.anomaly.RogueDetectorConfig;
import dev.agentsre.breaker.CircuitBreakerConfig;
import dev.agentsre.breaker.CircuitBreakerRegistry;
import dev.agentsre.cost.CostGuard;
import dev.agentsre.event.SreEventBus;
import dev.agentsre.testing.ManualClock;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.metrics.data.PointData;
import io.opentelemetry.sdk.testing.exporter.InMemoryMetricReader;
import java.time.Instant;
import java.util.Collection;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** Per-agent labels under control: on, off, or capped with an "other" bucket, in both exporters. */
class CardinalityTest {

    private static final int AGENTS = 10_000;
    private static final AttributeKey<String> AGENT = AttributeKey.stringKey(TelemetryNames.AGENT_ID);
    private static final AttributeKey<String> OWNER = AttributeKey.stringKey(TelemetryNames.OWNER);

    private final ManualClock clock = ManualClock.at(Instant.parse("2026-09-01T10:00:00Z"));
    private final SreEventBus bus = new SreEventBus();
    private final CircuitBreakerRegistry breakers = CircuitBreakerRegistry.of(CircuitBreakerConfig.builder().failureThreshold(1)
            .clock(clock).build(), bus);
    private final CostGuard guard = CostGuard.builder().clock(clock).eventBus(bus).perAgentDailyLimit(10).build();
    private final RogueAgentDetector detector = new RogueAgentDetector(RogueDetectorConfig.builder().clock(clock).build(), bus);

    private SreComponents components(AgentLabels labels) {
        return SreComponents.builder().bus(bus).breakers(breakers).costGuard(guard).rogueDetector(detector).agentLabels(labels).build();
    }

    /** 10,000 agents: each has a breaker (every 10th trips), a budget with spend, and rogue-detector actions. */
    private void fleet() {
        for (int i = 0; i < AGENTS; i++) {
            String agent = "agent-" + i;
            if (i % 10 == 0) {
                breakers.get(agent).recordFailure();
            } else {
                breakers.get(agent).recordSuccess();
            }
            guard.recordCost(agent, "t" + i, 0.01);
            detector.recordAction(agent, "search", "search_kb", clock.instant());
        }
    }

    @Test
    void tenThousandAgentsCappedAtAHundredMakeAtMostOneHundredAndOneAgentValuesPerMetric() {
        InMemoryMetricReader reader = InMemoryMetricReader.create();
        try (OpenTelemetrySdk sdk = OpenTelemetrySdk.builder().setMeterProvider(SdkMeterProvider.builder().registerMetricReader(reader).build())
                .build()) {
            AgentSreTelemetry.create(sdk, components(AgentLabels.capped(100)));
            fleet();
            Collection<MetricData> metrics = reader.collectAllMetrics();
            Map<String, Set<String>> agentsPerMetric = new TreeMap<>();
            for (MetricData metric : metrics) {
                for (PointData point : metric.getData().getPoints()) {
                    String agent = agentOf(point.getAttributes());
                    if (agent != null) {
                        agentsPerMetric.computeIfAbsent(metric.getName(), k -> new HashSet<>()).add(agent);
                    }
                }
            }
            assertThat(agentsPerMetric).containsKeys("agentsre.breaker.state", "agentsre.breaker.calls", "agentsre.breaker.transitions",
                    "agentsre.cost.spend", "agentsre.cost.budget.utilisation", "agentsre.rogue.risk_level");
            assertThat(agentsPerMetric).allSatisfy((metric, agents) -> assertThat(agents).as(metric).hasSizeLessThanOrEqualTo(101));
            assertThat(agentsPerMetric.get("agentsre.breaker.state")).hasSize(101).contains(AgentLabels.OTHER);

            // the "other" bucket aggregates: 0/1 state series sum to the number of agents in each state, counters add up
            double openInOther = sum(metrics, "agentsre.breaker.state", AgentLabels.OTHER, "open");
            assertThat(openInOther).isGreaterThan(0);
            assertThat(openInOther + countOpenWithOwnLabel(metrics)).isEqualTo(AGENTS / 10.0);
            double spend = metrics.stream().filter(m -> m.getName().equals("agentsre.cost.spend"))
                    .flatMap(m -> m.getDoubleSumData().getPoints().stream()).mapToDouble(p -> p.getValue()).sum();
            assertThat(spend).isCloseTo(AGENTS * 0.01, org.assertj.core.data.Offset.offset(1e-6));
        }
    }

    @Test
    void theMicrometerBinderHonoursTheCapToo() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        AgentSreMeterBinder binder = new AgentSreMeterBinder(components(AgentLabels.capped(100)));
        binder.bindTo(registry);
        fleet();
        binder.refresh();
        Map<String, Set<String>> agentsPerMeter = registry.getMeters().stream().filter(m -> m.getId().getTag(TelemetryNames.AGENT_ID) != null)
                .collect(Collectors.groupingBy(m -> m.getId().getName(), Collectors.mapping(m -> m.getId().getTag(TelemetryNames.AGENT_ID),
                        Collectors.toSet())));
        assertThat(agentsPerMeter).containsKeys("agentsre.breaker.state", "agentsre.cost.spend");
        assertThat(agentsPerMeter).allSatisfy((meter, agents) -> assertThat(agents).as(meter).hasSizeLessThanOrEqualTo(101));
        assertThat(registry.get("agentsre.cost.spend").tag(TelemetryNames.AGENT_ID, AgentLabels.OTHER).counter().count())
                .isCloseTo((AGENTS - 100) * 0.01, org.assertj.core.data.Offset.offset(1e-6));
    }

    @Test
    void offMeansOneFleetSeriesAndAllMeansOnePerAgent() {
        InMemoryMetricReader reader = InMemoryMetricReader.create();
        try (OpenTelemetrySdk sdk = OpenTelemetrySdk.builder().setMeterProvider(SdkMeterProvider.builder().registerMetricReader(reader).build())
                .build()) {
            AgentSreTelemetry.create(sdk, components(AgentLabels.none()));
            fleet();
            Collection<MetricData> metrics = reader.collectAllMetrics();
            assertThat(metrics).allSatisfy(m -> assertThat(m.getData().getPoints()).allSatisfy(p -> assertThat(agentOf(p.getAttributes()))
                    .as(m.getName()).isNull()));
            MetricData state = metrics.stream().filter(m -> m.getName().equals("agentsre.breaker.state")).findFirst().orElseThrow();
            assertThat(state.getDoubleGaugeData().getPoints()).filteredOn(p -> "open".equals(p.getAttributes().get(AttributeKey.stringKey("state"))))
                    .singleElement().satisfies(p -> assertThat(p.getValue()).isEqualTo(AGENTS / 10.0)); // how many agents are open
        }
        AgentLabels all = AgentLabels.all();
        assertThat(all.label("a-1")).isEqualTo("a-1");
        assertThat(all.maxValues()).isEqualTo(Integer.MAX_VALUE);
        assertThat(AgentLabels.none().label("a-1")).isNull();
        AgentLabels capped = AgentLabels.capped(2);
        assertThat(capped.label("a")).isEqualTo("a");
        assertThat(capped.label("b")).isEqualTo("b");
        assertThat(capped.label("c")).isEqualTo(AgentLabels.OTHER);
        assertThat(capped.label("a")).isEqualTo("a");      // sticky
        assertThat(capped.maxValues()).isEqualTo(3);
        assertThatThrownBy(() -> AgentLabels.capped(0)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("maxAgents")
                .hasMessageContaining("0");
    }

    @Test
    void theBinderRemovesTheSeriesOfAnEvictedAgentAndRegistersEachCounterOnce() {
        CircuitBreakerRegistry small = CircuitBreakerRegistry.builder().defaultConfig(CircuitBreakerConfig.builder().failureThreshold(1)
                .clock(clock).build()).maxBreakers(2).eventBus(bus).build();
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        AgentSreMeterBinder binder = new AgentSreMeterBinder(SreComponents.builder().bus(bus).breakers(small).agentLabels(AgentLabels.all())
                .build());
        binder.bindTo(registry);
        small.get("a").recordFailure();                 // a trips (a transition counter), then recovers by reset
        small.get("a").reset();
        small.get("b").recordSuccess();
        binder.refresh();
        assertThat(registry.find("agentsre.breaker.transitions").tag(TelemetryNames.AGENT_ID, "a").counters()).hasSize(2);
        java.util.List<String> removed = new java.util.ArrayList<>();
        bus.subscribe(dev.agentsre.event.BreakerRemoved.class, e -> removed.add(e.agentId()));
        for (String agent : java.util.List.of("c", "d", "e")) {
            small.get(agent);                           // each evicts a CLOSED breaker
        }
        assertThat(removed).contains("a");
        binder.refresh();
        assertThat(registry.find("agentsre.breaker.transitions").tag(TelemetryNames.AGENT_ID, "a").counters()).isEmpty();
        assertThat(registry.find("agentsre.breaker.state").tag(TelemetryNames.AGENT_ID, "a").gauges()).isEmpty();
        assertThat(registry.getMeters()).extracting(Meter::getId).doesNotHaveDuplicates();
    }

    private static String agentOf(Attributes attributes) {
        String agent = attributes.get(AGENT);
        if (agent == null && "agent".equals(attributes.get(AttributeKey.stringKey(TelemetryNames.SCOPE_ATTRIBUTE)))) {
            agent = attributes.get(OWNER);
        }
        return agent;
    }

    private static double sum(Collection<MetricData> metrics, String name, String agent, String state) {
        return metrics.stream().filter(m -> m.getName().equals(name)).flatMap(m -> m.getDoubleGaugeData().getPoints().stream())
                .filter(p -> agent.equals(p.getAttributes().get(AGENT)) && state.equals(p.getAttributes().get(AttributeKey.stringKey("state"))))
                .mapToDouble(p -> p.getValue()).sum();
    }

    private static double countOpenWithOwnLabel(Collection<MetricData> metrics) {
        return metrics.stream().filter(m -> m.getName().equals("agentsre.breaker.state")).flatMap(m -> m.getDoubleGaugeData().getPoints().stream())
                .filter(p -> !AgentLabels.OTHER.equals(p.getAttributes().get(AGENT)) && "open".equals(p.getAttributes().get(AttributeKey.stringKey("state"))))
                .mapToDouble(p -> p.getValue()).sum();
    }
}
