package dev.agentsre.bench;

import dev.agentsre.breaker.CircuitState;
import dev.agentsre.event.CircuitStateChanged;
import dev.agentsre.event.CostCharged;
import dev.agentsre.event.SreEventBus;
import dev.agentsre.otel.AgentSreTelemetry;
import dev.agentsre.otel.SreComponents;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.testing.exporter.InMemoryMetricReader;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * What exporting an event costs the thread that publishes it: the same event published on a bus
 * nobody listens to, and on one bound to an {@link AgentSreTelemetry} over the real SDK (counters
 * aggregate in memory; nothing is exported during the run).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@State(Scope.Benchmark)
public class TelemetryBenchmark {

    private final CostCharged charge = new CostCharged(Instant.EPOCH, "research-agent", "t-1", "acme", "gpt-4o", new BigDecimal("0.0123"));
    private final CircuitStateChanged transition = new CircuitStateChanged(Instant.EPOCH, "research-agent", CircuitState.CLOSED,
            CircuitState.OPEN, "3 consecutive failures", Double.NaN, Duration.ofSeconds(30));
    private final SreEventBus quiet = new SreEventBus();
    private final SreEventBus exported = new SreEventBus();
    private OpenTelemetrySdk sdk;
    private AgentSreTelemetry telemetry;

    @Setup
    public void setUp() {
        sdk = OpenTelemetrySdk.builder().setMeterProvider(SdkMeterProvider.builder().registerMetricReader(InMemoryMetricReader.create()).build())
                .build();
        telemetry = AgentSreTelemetry.create(sdk, SreComponents.builder().bus(exported).build());
    }

    @TearDown
    public void tearDown() {
        telemetry.close();
        sdk.close();
    }

    @Benchmark
    public void chargeNobodyListens() {
        quiet.publish(charge);
    }

    @Benchmark
    public void chargeExported() {
        exported.publish(charge);
    }

    @Benchmark
    public void breakerTransitionExported() {
        exported.publish(transition);
    }
}
