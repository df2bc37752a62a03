package dev.agentsre.examples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.agentsre.testing.ManualClock;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class PipelineExampleTest {

    @Test
    void aBadHourExhaustsTheBudgetAndTheAgentIsThrottledUntilItRecovers() {
        PipelineExample.Outcome o = PipelineExample.run(ManualClock.at(Instant.parse("2026-11-02T09:00:00Z")));

        assertThat(o.actions()).containsExactly("THROTTLE applied", "THROTTLE undone");
        assertThat(o.refused()).containsOnlyKeys("throttled");
        assertThat(o.failed()).isPositive().isLessThan(80); // throttling held back some of the bad hour's tasks
        assertThat(o.succeeded() + o.failed() + o.refused().get("throttled")).isEqualTo(360);
    }
}
