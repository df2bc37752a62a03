package dev.agentsre.examples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.agentsre.slo.SloStatus;
import dev.agentsre.testing.ManualClock;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class CustomSliExampleTest {

    @Test
    void seventyFivePercentAcceptanceExhaustsAnEightyPercentBudget() {
        ManualClock clock = ManualClock.at(Instant.parse("2026-11-02T09:00:00Z"));
        assertThat(CustomSliExample.run(clock)).isEqualTo(SloStatus.EXHAUSTED);
    }
}
