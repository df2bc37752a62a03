package dev.agentsre.cost;

import static org.assertj.core.api.Assertions.assertThat;

import dev.agentsre.testing.ManualClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class CostAnomalyTest {

    private final ManualClock clock = ManualClock.at(Instant.parse("2026-03-10T09:00:00Z"));
    private final CostGuard guard = CostGuard.builder().clock(clock).anomalyDetection(true).build();

    @Test
    void aSpikeAfterASteadyRunIsAnAnomaly() {
        for (int i = 0; i < 20; i++) {
            assertThat(guard.recordCost("agent", "t" + i, 0.10)).isEmpty();
            clock.advance(Duration.ofSeconds(30));
        }
        List<CostAlert> alerts = guard.recordCost("agent", "spike", 5.00);
        assertThat(alerts).singleElement().satisfies(a -> {
            assertThat(a.action()).isEqualTo(BudgetAction.ANOMALY);
            assertThat(a.taskId()).isEqualTo("spike");
            assertThat(a.message()).startsWith("task 'spike' of agent 'agent' cost $5.0000, 50.0× its baseline of $0.1000");
        });
    }

    @Test
    void repeatsWithinTheCooldownAreDroppedButAnEscalationIsNot() {
        for (int i = 0; i < 20; i++) {
            guard.recordCost("agent", "t" + i, 0.10);
            clock.advance(Duration.ofSeconds(30));
        }
        assertThat(guard.recordCost("agent", "spike-1", 1.00)).hasSize(1);
        clock.advance(Duration.ofSeconds(5));
        assertThat(guard.recordCost("agent", "spike-2", 1.00)).isEmpty();        // the same burst
        clock.advance(Duration.ofSeconds(5));
        assertThat(guard.recordCost("agent", "spike-3", 5.00)).hasSize(1);       // worse: reported
        clock.advance(Duration.ofMinutes(2));
        assertThat(guard.recordCost("agent", "spike-4", 5.00)).hasSize(1);       // a new burst after the cooldown
    }

    @Test
    void aSteadyNoisyAgentRaisesNothingOverTenThousandTasks() {
        SplittableRandom random = new SplittableRandom(11);
        List<CostAlert> alerts = new ArrayList<>();
        for (int i = 0; i < 10_000; i++) {
            double cost = Math.max(0.01, 0.10 + 0.02 * gaussian(random)); // $0.10 +- $0.02
            alerts.addAll(guard.recordCost("steady", "t" + i, cost));
            clock.advance(Duration.ofSeconds(6));
        }
        assertThat(alerts).isEmpty();
    }

    @Test
    void aRunawayLoopShowsAsSpendVelocity() {
        // A steady hour at $0.50 a minute...
        for (int m = 0; m < 60; m++) {
            guard.recordCost("looper", "t" + m, 0.50);
            clock.advance(Duration.ofMinutes(1));
        }
        // ...then the same cheap calls, a hundred a minute.
        List<CostAlert> alerts = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            alerts.addAll(guard.recordCost("looper", "loop-" + i, 0.05));
            clock.advance(Duration.ofMillis(500));
        }
        assertThat(alerts).filteredOn(a -> a.message().contains("/min")).hasSize(1)
                .first().satisfies(a -> assertThat(a.message()).contains("runaway loop"));
    }

    private static double gaussian(SplittableRandom random) {
        return Math.sqrt(-2 * Math.log(1 - random.nextDouble())) * Math.cos(2 * Math.PI * random.nextDouble());
    }
}
