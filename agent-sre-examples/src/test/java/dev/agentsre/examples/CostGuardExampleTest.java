package dev.agentsre.examples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.agentsre.testing.ManualClock;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class CostGuardExampleTest {

    @Test
    void theLoopIsAlertedThrottledFlaggedAndKilledThenRevivedAndForgottenNextDay() {
        CostGuardExample.Outcome outcome = CostGuardExample.run(ManualClock.at(Instant.parse("2026-11-02T08:00:00Z")));
        assertThat(outcome.log()).anyMatch(l -> l.contains("ALERT: 50% of the daily limit"));
        assertThat(outcome.log()).anyMatch(l -> l.contains("ACTIVE -> THROTTLED"));
        assertThat(outcome.log()).anyMatch(l -> l.contains("ANOMALY") && l.contains("runaway loop"));
        assertThat(outcome.log()).anyMatch(l -> l.contains("THROTTLED -> KILLED"));
        assertThat(outcome.log()).anyMatch(l -> l.contains("KILLED -> ACTIVE (revived)"));
        assertThat(outcome.log()).contains("after revive: ALLOW");
        assertThat(outcome.log().get(outcome.log().size() - 1)).isEqualTo("next day: spent 0.00, state ACTIVE");
        assertThat(outcome.refusedThrottled()).isPositive();
        assertThat(outcome.refusedKilled()).isPositive();
    }
}
