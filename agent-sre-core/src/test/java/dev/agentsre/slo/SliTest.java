package dev.agentsre.slo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.agentsre.testing.ManualClock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SliTest {

    private final ManualClock clock = ManualClock.at(Instant.parse("2026-03-01T00:00:00Z"));

    /** The contract's custom indicator, with a clock for the test. */
    static final class TaskSuccessRateSli extends Sli {
        TaskSuccessRateSli(ManualClock clock, int maxSamples) {
            super(spec("task_success_rate").target(0.995).window("24h").clock(clock).maxSamples(maxSamples));
        }

        @Override
        public SliValue collect() {
            List<SliValue> values = valuesInWindow();
            if (values.isEmpty()) {
                return value(1.0);
            }
            long good = values.stream().filter(SliValue::isGood).count();
            return value((double) good / values.size());
        }

        List<SliValue> samples() {
            return valuesInWindow();
        }
    }

    static final class P95LatencySli extends Sli {
        P95LatencySli(ManualClock clock) {
            super(spec("latency").target(5_000).window(Duration.ofHours(1)).comparison(Comparison.AT_MOST).clock(clock));
        }

        @Override
        public SliValue collect() {
            double[] sorted = valuesInWindow().stream().mapToDouble(SliValue::value).sorted().toArray();
            return value(sorted.length == 0 ? 0 : sorted[(int) Math.ceil(0.95 * sorted.length) - 1]);
        }
    }

    @Test
    void customSubclassCollectsOverRawSamplesInTheWindow() {
        TaskSuccessRateSli sli = new TaskSuccessRateSli(clock, 10_000);
        assertThat(sli.hasData()).isFalse();
        assertThat(sli.collect().value()).isEqualTo(1.0);

        for (int i = 0; i < 199; i++) {
            sli.record(1.0);
        }
        sli.record(0.0);
        assertThat(sli.currentValue()).isEqualTo(199.0 / 200);
        assertThat(sli.collect().isGood()).isTrue(); // 0.995 meets ">= 0.995"
        assertThat(sli.compliance()).isEqualTo(199.0 / 200);

        sli.record(0.0);
        assertThat(sli.currentValue()).isEqualTo(199.0 / 201);
        assertThat(sli.collect().isGood()).isFalse();
        assertThat(sli.hasData()).isTrue();
    }

    @Test
    void samplesAreStampedWithTheClockAndReturnedOldestFirst() {
        TaskSuccessRateSli sli = new TaskSuccessRateSli(clock, 10_000);
        sli.record(1.0, Map.of("task", "t-1"));
        clock.advance(Duration.ofMinutes(1));
        sli.record(0.0);

        List<SliValue> values = sli.samples();
        assertThat(values).extracting(SliValue::value).containsExactly(1.0, 0.0);
        assertThat(values.get(0).timestamp()).isEqualTo(Instant.parse("2026-03-01T00:00:00Z"));
        assertThat(values.get(0).metadata()).containsEntry("task", "t-1");
        assertThat(values.get(0).isGood()).isTrue();
        assertThat(values.get(1).isGood()).isFalse();
    }

    @Test
    void samplesArePrunedAsTheyLeaveTheWindow() {
        TaskSuccessRateSli sli = new TaskSuccessRateSli(clock, 10_000);
        sli.record(0.0);
        clock.advance(Duration.ofHours(23));
        sli.record(1.0);
        assertThat(sli.samples()).hasSize(2);
        clock.advance(Duration.ofHours(1));
        assertThat(sli.samples()).extracting(SliValue::value).containsExactly(1.0);
        clock.advance(Duration.ofDays(2));
        assertThat(sli.hasData()).isFalse();
    }

    @Test
    void theSampleCapDropsTheOldestFirst() {
        TaskSuccessRateSli sli = new TaskSuccessRateSli(clock, 3);
        for (int i = 1; i <= 5; i++) {
            sli.record(i);
        }
        assertThat(sli.samples()).extracting(SliValue::value).containsExactly(3.0, 4.0, 5.0);
        assertThat(sli.maxSamples()).isEqualTo(3);
    }

    @Test
    void atMostIndicatorsJudgeLowValuesGood() {
        P95LatencySli sli = new P95LatencySli(clock);
        for (int i = 0; i < 100; i++) {
            sli.record(i < 96 ? 1_000 : 9_000);
        }
        assertThat(sli.collect().value()).isEqualTo(1_000);
        assertThat(sli.collect().isGood()).isTrue();
        assertThat(sli.compliance()).isEqualTo(0.96);
        sli.record(9_000);
        sli.record(9_000);
        assertThat(sli.collect().value()).isEqualTo(9_000);
        assertThat(sli.isMet()).isFalse();
    }

    @Test
    void badSamplesAreRejectedAndNothingIsRecorded() {
        TaskSuccessRateSli sli = new TaskSuccessRateSli(clock, 10);
        assertThatThrownBy(() -> sli.record(Double.NaN)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("value").hasMessageContaining("NaN");
        assertThatThrownBy(() -> sli.record(Double.POSITIVE_INFINITY)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("Infinity");
        assertThat(sli.hasData()).isFalse();
    }

    @Test
    void invalidDefinitionsNameTheField() {
        assertThatThrownBy(() -> new TaskSuccessRateSli(clock, 0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("maxSamples").hasMessageContaining("0");
        assertThatThrownBy(() -> new Sli("x", Double.NaN, "1h") {
            @Override
            public SliValue collect() {
                return value(0);
            }
        }).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("target").hasMessageContaining("NaN");
        assertThatThrownBy(() -> new Sli("x", 1, "an hour") {
            @Override
            public SliValue collect() {
                return value(0);
            }
        }).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("window").hasMessageContaining("an hour");
        assertThatThrownBy(() -> new Sli(" ", 1, "1h") {
            @Override
            public SliValue collect() {
                return value(0);
            }
        }).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("name");
    }
}
