package dev.agentsre.anomaly;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.agentsre.event.MetricAnomalyDetected;
import dev.agentsre.event.SreEventBus;
import dev.agentsre.testing.ManualClock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class AnomalyDetectorTest {

    private final ManualClock clock = ManualClock.at(Instant.parse("2026-06-01T10:00:00Z"));

    @ParameterizedTest
    @EnumSource(AnomalyDetector.Method.class)
    void aLatencySpikeIsFlaggedWithSeverityAndPublished(AnomalyDetector.Method method) {
        SreEventBus bus = new SreEventBus();
        List<MetricAnomalyDetected> events = new ArrayList<>();
        bus.subscribe(MetricAnomalyDetected.class, events::add);
        AnomalyDetector detector = AnomalyDetector.builder().method(method).clock(clock).eventBus(bus).build();
        SplittableRandom random = new SplittableRandom(5);
        for (int i = 0; i < 200; i++) {
            assertThat(detector.record("bot", "latency_ms", 800 + random.nextDouble() * 100)).isEmpty();
        }
        Optional<MetricAnomaly> warning = detector.record("bot", "latency_ms", 1_050);
        Optional<MetricAnomaly> critical = detector.record("bot", "latency_ms", 5_000);
        assertThat(critical).get().satisfies(a -> {
            assertThat(a.severity()).isEqualTo(AnomalySeverity.CRITICAL);
            assertThat(a.zScore()).isGreaterThan(6);
            assertThat(a.describe()).startsWith("latency_ms of bot is 5000");
        });
        assertThat(warning).isPresent();
        assertThat(events).hasSize(2);
        assertThat(detector.record("bot", "latency_ms", 10)).get().satisfies(a -> assertThat(a.zScore()).isNegative());
    }

    @Test
    void nothingIsScoredDuringWarmupAndSeriesAreIndependent() {
        AnomalyDetector detector = AnomalyDetector.builder().warmup(10).clock(clock).build();
        for (int i = 0; i < 9; i++) {
            detector.record("a", "tokens", 100);
        }
        assertThat(detector.record("a", "tokens", 1_000_000)).isEmpty(); // the 10th value: still warming up
        assertThat(detector.record("b", "tokens", 1_000_000)).isEmpty();
        assertThat(detector.seriesCount()).isEqualTo(2);
    }

    @Test
    void theSeriesCapHoldsAndBadInputIsRejected() {
        AnomalyDetector detector = AnomalyDetector.builder().maxSeries(3).clock(clock).build();
        for (int i = 0; i < 10; i++) {
            detector.record("agent-" + i, "m", 1);
        }
        assertThat(detector.seriesCount()).isEqualTo(3);
        assertThatThrownBy(() -> detector.record("a", "m", Double.NaN)).hasMessageContaining("value");
        assertThatThrownBy(() -> detector.record("a", " ", 1)).hasMessageContaining("metric");
        assertThatThrownBy(() -> AnomalyDetector.builder().zThreshold(5).criticalZThreshold(4).build()).hasMessageContaining("criticalZThreshold");
    }

    // Hardening I #15/#16: the series cap was kept by a full scan for the oldest series on every new one.
    @Test
    void theSeriesCapEvictsTheLeastRecentlyRecordedSeriesAndKeepsBaselinesThatAreInUse() {
        AnomalyDetector detector = AnomalyDetector.builder().maxSeries(10).warmup(3).build();
        for (int i = 0; i < 5; i++) {
            detector.record("steady", "latency_ms", 100);
        }
        for (int i = 0; i < 10_000; i++) {
            detector.record("agent-" + i, "latency_ms", 100);
            detector.record("steady", "latency_ms", 100); // in use: keeps its baseline
        }
        assertThat(detector.seriesCount()).isEqualTo(10);
        assertThat(detector.record("steady", "latency_ms", 10_000)).isPresent(); // judged against the kept baseline
    }
}
