package dev.agentsre.anomaly;

import static org.assertj.core.api.Assertions.assertThat;

import dev.agentsre.testing.Race;
import dev.agentsre.testing.ManualClock;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class RogueAgentDetectorConcurrencyTest {

    @Test
    void manyThreadsRecordingForManyAgentsLoseNothing() throws Exception {
        ManualClock clock = ManualClock.at(Instant.parse("2026-06-01T10:00:00Z"));
        RogueAgentDetector detector = new RogueAgentDetector(RogueDetectorConfig.builder().clock(clock).build());
        int agents = 50;
        int perThread = 20_000;
        Race.run(8, thread -> {
            for (int i = 0; i < perThread; i++) {
                detector.recordAction("agent-" + (i % agents), "work", "tool-" + (i % 7), clock.instant(), (long) i);
                if (i % 5_000 == 0) {
                    detector.assess("agent-" + (thread % agents));
                }
            }
        });
        long total = 0;
        for (int a = 0; a < agents; a++) {
            total += detector.recordedActions("agent-" + a);
            assertThat(detector.verifyChain("agent-" + a)).isTrue();
        }
        assertThat(total).isEqualTo(8L * perThread);
    }
}
