package dev.agentsre.examples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.agentsre.testing.ManualClock;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class RogueDetectionExampleTest {

    @Test
    void theLoopingAndTheInjectedAgentsAreQuarantinedAndTheHelpfulOneIsNot() {
        RogueDetectionExample.Outcome outcome = RogueDetectionExample.run(ManualClock.at(Instant.parse("2026-11-02T14:00:00Z")));
        assertThat(outcome.quarantined()).containsExactly("injected-agent", "looping-agent");
        assertThat(outcome.log()).anyMatch(l -> l.contains("QUARANTINED looping-agent") && l.contains("search_kb called"));
        assertThat(outcome.log()).anyMatch(l -> l.contains("QUARANTINED injected-agent") && l.contains("not in the profile"));
        assertThat(outcome.log()).anyMatch(l -> l.startsWith("helpful-agent: LOW"));
        assertThat(outcome.chainIntact()).isTrue();
    }
}
