package dev.agentsre.slo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.agentsre.testing.ManualClock;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** Percentile indicators named after their percentile, judged exactly at the target. */
class PercentileSliTest {

    private final ManualClock clock = ManualClock.at(Instant.parse("2026-03-01T00:00:00Z"));

    @Test
    void p99AndP95OfOneMeasurementLiveInOneSlo() {
        PercentileSli p95 = Slis.responseLatency().clock(clock).build();
        PercentileSli p99 = Slis.responseLatency().percentile(0.99).target(10_000).clock(clock).build();
        Slo slo = Slo.builder("latency").indicator(p95).indicator(p99)
                .errorBudget(ErrorBudget.builder().target(0.99).clock(clock).build()).build();
        assertThat(slo.indicators()).extracting(Sli::name).containsExactly("response_latency_p95", "response_latency_p99");
        assertThat(PercentileSli.builder("lat").percentile(0.999).target(1).window("1h").build().name()).isEqualTo("lat_p99_9");
        assertThat(PercentileSli.builder("lat").percentile(0.5).target(1).window("1h").build().name()).isEqualTo("lat_p50");
        assertThat(PercentileSli.builder("lat_p90").percentile(0.9).target(1).window("1h").build().name()).isEqualTo("lat_p90");
        assertThat(PercentileSli.builder("lat").name("search-latency").percentile(0.9).target(1).window("1h").build().name())
                .isEqualTo("search-latency");
    }

    @Test
    void a100SamplesAllEqualToTheTargetAreCompliantAndGood() {
        // 1000 ms lies in the histogram bin [992, 1024), whose midpoint 1008 is above it: a p95
        // reported as the bin midpoint would call 100 samples of exactly 1000 ms "bad".
        PercentileSli p95 = Slis.responseLatency().target(1000).clock(clock).build();
        PercentileSli p99 = Slis.responseLatency().percentile(0.99).target(1000).clock(clock).build();
        for (int i = 0; i < 100; i++) {
            p95.record(1000);
            p99.record(1000);
        }
        for (PercentileSli sli : new PercentileSli[] {p95, p99}) {
            assertThat(sli.compliance()).isEqualTo(1.0);
            assertThat(sli.collect().isGood()).as(sli.name()).isTrue();
            assertThat(sli.collect().value()).isLessThanOrEqualTo(1000).isGreaterThan(1000 * (1 - 2 * 0.03125));
        }
    }

    @Test
    void theVerdictFollowsTheSamplesExactlyJustAboveAndBelowTheTarget() {
        // Target 1000 sits inside a histogram bin [992, 1024): without the split at the target a
        // p95 of 1001 would be reported as the bin's midpoint 1008 either way, or 999 as 1008 (bad).
        PercentileSli sli = PercentileSli.builder("lat").percentile(0.95).target(1000).window("1h").clock(clock).build();
        for (int i = 0; i < 95; i++) {
            sli.record(999.9);
        }
        for (int i = 0; i < 5; i++) {
            sli.record(1000.1);
        }
        assertThat(sli.collect().isGood()).isTrue();   // the 95th smallest is 999.9
        assertThat(sli.compliance()).isEqualTo(0.95);
        sli.record(1000.1);                              // now the 96th of 101 is needed: 1000.1
        assertThat(sli.collect().isGood()).isFalse();
        assertThat(sli.collect().value()).isGreaterThan(1000);
    }

    @Test
    void strictAndLowerTailDirectionsFollowOpenSlosOperators() {
        PercentileSli below = PercentileSli.builder("lat").percentile(0.99).target(500).comparison(Comparison.BELOW)
                .window("1h").clock(clock).build();
        for (int i = 0; i < 100; i++) {
            below.record(500); // lt 500: equal is bad
        }
        assertThat(below.compliance()).isZero();
        assertThat(below.collect().isGood()).isFalse();
        assertThat(below.collect().value()).isGreaterThanOrEqualTo(500);

        // "at least 99% of samples >= 100": the lower tail. 1 of 100 below is allowed, 2 are not.
        PercentileSli atLeast = PercentileSli.builder("throughput").name("throughput").percentile(0.01).target(100)
                .comparison(Comparison.AT_LEAST).window("1h").clock(clock).build();
        atLeast.record(50);
        for (int i = 0; i < 99; i++) {
            atLeast.record(100);
        }
        assertThat(atLeast.compliance()).isEqualTo(0.99);
        assertThat(atLeast.collect().isGood()).isTrue();
        atLeast.record(50);
        assertThat(atLeast.collect().isGood()).isFalse();
    }

    @Test
    void invalidSettingsNameTheField() {
        assertThatThrownBy(() -> Slis.responseLatency().percentile(0).build()).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("percentile");
        assertThatThrownBy(() -> Slis.responseLatency().target(-1).build()).hasMessageContaining("target");
        assertThatThrownBy(() -> PercentileSli.builder(" ").percentile(0.9).target(1).window("1h").build()).hasMessageContaining("name");
        assertThatThrownBy(() -> PercentileSli.label(1.5)).hasMessageContaining("percentile");
    }
}
