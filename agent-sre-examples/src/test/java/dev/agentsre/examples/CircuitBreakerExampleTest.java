package dev.agentsre.examples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.agentsre.testing.ManualClock;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class CircuitBreakerExampleTest {

    @Test
    void theOutageCascadesTheRateLimitOpensForTheHintAndEverythingRecovers() {
        CircuitBreakerExample.Outcome outcome = CircuitBreakerExample.run(ManualClock.at(Instant.parse("2026-11-02T10:00:00Z")));
        assertThat(outcome.cascade()).containsExactly("retriever", "summarizer", "writer");
        assertThat(outcome.log()).anyMatch(line -> line.contains("planner") && line.contains("retry-after hint of 45s"));
        assertThat(outcome.log()).filteredOn(line -> line.contains("HALF_OPEN -> CLOSED")).hasSize(4);
        assertThat(outcome.openAtTheEnd()).isEmpty();
    }
}
