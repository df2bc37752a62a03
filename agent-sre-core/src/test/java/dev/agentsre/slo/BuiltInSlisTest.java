package dev.agentsre.slo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.agentsre.internal.window.RollingHistogram;
import dev.agentsre.testing.ManualClock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class BuiltInSlisTest {

    private final ManualClock clock = ManualClock.at(Instant.parse("2026-03-01T00:00:00Z"));

    @Test
    void defaultsFollowTheReferenceTable() {
        record Expected(Sli sli, String name, double target, Duration window, Comparison comparison) {
        }
        List<Expected> expected = List.of(
                new Expected(Slis.taskSuccessRate().build(), "task_success_rate", 0.995, Duration.ofDays(30), Comparison.AT_LEAST),
                new Expected(Slis.toolCallAccuracy().build(), "tool_call_accuracy", 0.999, Duration.ofDays(7), Comparison.AT_LEAST),
                new Expected(Slis.toolSuccessRate().build(), "tool_success_rate", 0.99, Duration.ofHours(24), Comparison.AT_LEAST),
                new Expected(Slis.responseLatency().build(), "response_latency_p95", 5000, Duration.ofHours(1), Comparison.AT_MOST),
                new Expected(Slis.costPerTask().build(), "cost_per_task", 0.50, Duration.ofHours(24), Comparison.AT_MOST),
                new Expected(Slis.tokenUsage().build(), "token_usage", 4096, Duration.ofHours(24), Comparison.AT_MOST),
                new Expected(Slis.hallucinationRate().build(), "hallucination_rate", 0.01, Duration.ofHours(24), Comparison.AT_MOST),
                new Expected(Slis.humanFeedback().build(), "human_feedback", 4.0, Duration.ofDays(7), Comparison.AT_LEAST),
                new Expected(Slis.policyCompliance().build(), "policy_compliance", 1.0, Duration.ofDays(30), Comparison.AT_LEAST),
                new Expected(Slis.delegationDepth().build(), "delegation_depth", 3, Duration.ofHours(1), Comparison.AT_MOST),
                new Expected(Slis.errorRate().build(), "error_rate", 0.01, Duration.ofHours(1), Comparison.AT_MOST));
        for (Expected e : expected) {
            assertThat(e.sli().name()).isEqualTo(e.name());
            assertThat(e.sli().target()).as(e.name()).isEqualTo(e.target());
            assertThat(e.sli().window()).as(e.name()).isEqualTo(e.window());
            assertThat(e.sli().comparison()).as(e.name()).isEqualTo(e.comparison());
        }
        assertThat(((PercentileSli) expected.get(3).sli()).percentile()).isEqualTo(0.95);
    }

    @Test
    void successRateIsTheShareOfSuccessfulOutcomes() {
        AggregateSli sli = Slis.taskSuccessRate().clock(clock).build();
        assertThat(sli.hasData()).isFalse();
        for (int i = 0; i < 1_000; i++) {
            sli.record(i != 0);
        }
        assertThat(sli.currentValue()).isCloseTo(0.999, within(1e-12));
        assertThat(sli.collect().isGood()).isTrue();
        assertThat(sli.compliance()).isCloseTo(0.999, within(1e-12));
        assertThat(sli.count()).isEqualTo(1_000);
        for (int i = 0; i < 10; i++) {
            sli.record(false);
        }
        assertThat(sli.collect().isGood()).isFalse();
    }

    @Test
    void errorRateIsGoodWhenLow() {
        AggregateSli sli = Slis.errorRate().clock(clock).build();
        for (int i = 0; i < 200; i++) {
            sli.record(i == 0); // one error in 200
        }
        assertThat(sli.currentValue()).isEqualTo(0.005);
        assertThat(sli.isMet()).isTrue();
        assertThat(sli.compliance()).isEqualTo(199.0 / 200); // error-free samples
        sli.record(true);
        sli.record(true);
        assertThat(sli.isMet()).isFalse();
    }

    @Test
    void latencyPercentileIsStreamingAndWithinTheDocumentedError() {
        PercentileSli sli = Slis.responseLatency().clock(clock).build();
        SplittableRandom random = new SplittableRandom(3);
        double[] samples = new double[20_000];
        for (int i = 0; i < samples.length; i++) {
            samples[i] = 200 + random.nextDouble() * 6_000;
            sli.record(samples[i]);
        }
        Arrays.sort(samples);
        double exactP95 = samples[(int) Math.ceil(0.95 * samples.length) - 1];
        assertThat(sli.currentValue()).isCloseTo(exactP95, within(exactP95 * RollingHistogram.RELATIVE_ERROR));
        assertThat(sli.collect().isGood()).isFalse(); // p95 ~ 5900 ms > 5000 ms
        long within = Arrays.stream(samples).filter(s -> s <= 5_000).count();
        assertThat(sli.compliance()).isEqualTo((double) within / samples.length);
    }

    @Test
    void latencyAcceptsDurationsAndExpiresWithItsWindow() {
        PercentileSli sli = Slis.responseLatency().clock(clock).build();
        sli.record(Duration.ofMillis(1_200));
        assertThat(sli.currentValue()).isCloseTo(1_200, within(1_200 * RollingHistogram.RELATIVE_ERROR));
        clock.advance(Duration.ofHours(2));
        assertThat(sli.hasData()).isFalse();
        assertThat(sli.currentValue()).isEqualTo(5_000); // the target when empty
    }

    @Test
    void costPerTaskIsTheMeanAndDelegationDepthTheMaximum() {
        AggregateSli cost = Slis.costPerTask().clock(clock).build();
        cost.record(0.10);
        cost.record(0.20);
        cost.record(0.90);
        assertThat(cost.currentValue()).isCloseTo(0.40, within(1e-12));
        assertThat(cost.isMet()).isTrue();
        assertThat(cost.compliance()).isCloseTo(2.0 / 3, within(1e-12));

        AggregateSli depth = Slis.delegationDepth().clock(clock).build();
        depth.record(1);
        depth.record(4);
        depth.record(2);
        assertThat(depth.currentValue()).isEqualTo(4);
        assertThat(depth.isMet()).isFalse();
    }

    @Test
    void humanFeedbackAndTokenUsageAreMeans() {
        AggregateSli feedback = Slis.humanFeedback().clock(clock).build();
        feedback.record(5);
        feedback.record(3);
        assertThat(feedback.currentValue()).isEqualTo(4.0);
        assertThat(feedback.isMet()).isTrue();

        AggregateSli tokens = Slis.tokenUsage().clock(clock).build();
        tokens.record(1_000);
        tokens.record(9_000);
        assertThat(tokens.currentValue()).isEqualTo(5_000);
        assertThat(tokens.isMet()).isFalse();
    }

    @Test
    void windowSlidesWithBucketResolution() {
        AggregateSli sli = Slis.errorRate().clock(clock).build(); // 1h window, 60 one-minute buckets
        sli.record(true);
        clock.advance(Duration.ofMinutes(30));
        sli.record(false);
        assertThat(sli.currentValue()).isEqualTo(0.5);
        clock.advance(Duration.ofMinutes(30));
        assertThat(sli.currentValue()).isEqualTo(0.0);
        assertThat(sli.count()).isEqualTo(1);
    }

    @Test
    void outOfRangeSamplesAreRejectedWithoutBeingRecorded() {
        AggregateSli rate = Slis.taskSuccessRate().clock(clock).build();
        assertThatThrownBy(() -> rate.record(1.5)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("value").hasMessageContaining("1.5").hasMessageContaining("task_success_rate");
        assertThatThrownBy(() -> rate.record(Double.NaN)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("NaN");
        AggregateSli cost = Slis.costPerTask().clock(clock).build();
        assertThatThrownBy(() -> cost.record(-0.01)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("-0.01");
        PercentileSli latency = Slis.responseLatency().clock(clock).build();
        assertThatThrownBy(() -> latency.record(-1)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("-1");
        assertThat(rate.hasData()).isFalse();
        assertThat(cost.hasData()).isFalse();
        assertThat(latency.hasData()).isFalse();
    }

    @Test
    void invalidBuilderSettingsNameTheField() {
        assertThatThrownBy(() -> Slis.responseLatency().percentile(1.5).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("percentile").hasMessageContaining("1.5");
        assertThatThrownBy(() -> Slis.taskSuccessRate().buckets(0).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("buckets");
        assertThatThrownBy(() -> AggregateSli.builder("x").target(1).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("window");
        assertThatThrownBy(() -> AggregateSli.builder("x").window("1h").valueRange(2, 1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("valueRange");
    }
}
