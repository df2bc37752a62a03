package dev.agentsre.examples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.agentsre.chaos.ExperimentState;
import dev.agentsre.testing.ManualClock;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class ChaosDrillExampleTest {

    @Test
    void retriesKeepTheAgentResilientToLatencyButNotToAnOutage() {
        ChaosDrillExample.Outcome outcome = ChaosDrillExample.run(ManualClock.at(Instant.parse("2026-11-02T11:00:00Z")));
        assertThat(outcome.firstScore().overall()).isGreaterThan(95);
        assertThat(outcome.secondState()).isEqualTo(ExperimentState.ABORTED);
        // measured per wrapped call: the searches still succeed, every model call fails
        assertThat(outcome.abortReason()).startsWith("success_rate ").endsWith(" <= 0.5000");
        assertThat(outcome.log()).anyMatch(l -> l.contains("llm-latency-resilience: RUNNING -> COMPLETED (completed)"));
    }
}
