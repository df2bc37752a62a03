package dev.agentsre.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import dev.agentsre.testing.ManualClock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Executor;
import org.junit.jupiter.api.Test;
import org.openjdk.jol.info.GraphLayout;

/**
 * The memory bound of a rollout: fixed by its configuration (steps, metrics, shadow slots), not by
 * traffic or time. Measured as the retained size of its object graph with JOL, without the shared
 * clock and event bus.
 */
class RolloutMemoryTest {

    private static final long LIMIT = 128 * 1024;

    @Test
    void aShadowAndCanaryRolloutStaysUnder128KiBWhateverTheTraffic() throws Exception {
        ManualClock clock = ManualClock.at(Instant.parse("2026-11-02T08:00:00Z"));
        Executor inline = Runnable::run;
        AgentRollout<String, String> rollout = AgentRollout.<String, String>builder("bot-v4").agent("bot")
                .baseline("v3", (q, calls) -> calls.tool("lookup", q, () -> "order " + q))
                .candidate("v4", (q, calls) -> calls.tool("lookup", q, () -> "never") + "!")
                .steps(RolloutStep.shadow(1.0).duration("1h"), RolloutStep.canary(0.05).duration("1h"), RolloutStep.canary(0.5).duration("1h"))
                .rollbackOn(RollbackTrigger.burnRateAbove(50), RollbackTrigger.sequentialRegression(RolloutMetrics.RESPONSE_LATENCY))
                .noiseFloor(0.1).shadowExecutor(inline).clock(clock).build();
        rollout.start();
        serve(rollout, 0, 1_000, clock);
        long afterShadowStart = retainedSize(rollout, clock);
        serve(rollout, 1_000, 6_000, clock); // 5,000 more shadowed calls
        long shadowFull = retainedSize(rollout, clock);
        clock.advance(Duration.ofHours(1));
        rollout.evaluate();
        serve(rollout, 6_000, 26_000, clock);
        clock.advance(Duration.ofHours(1));
        rollout.evaluate();
        serve(rollout, 26_000, 46_000, clock);
        long full = retainedSize(rollout, clock);
        assertThat(rollout.status().step()).isEqualTo(2);

        System.out.printf("AgentRollout (3 steps, 2 triggers, noise floor): %,d bytes in the shadow step, %,d after 5,000 more shadowed "
                + "calls, %,d after 46,000 calls through all steps%n", afterShadowStart, shadowFull, full);
        assertThat(shadowFull).as("nothing grows with shadowed calls").isEqualTo(afterShadowStart);
        assertThat(full).isLessThan(LIMIT);
    }

    private static void serve(AgentRollout<String, String> rollout, int from, int to, ManualClock clock) throws Exception {
        for (int i = from; i < to; i++) {
            rollout.call("s" + (i % 5_000), "o-" + i);
            clock.advanceMillis(10);
        }
    }

    private static long retainedSize(AgentRollout<String, String> rollout, ManualClock clock) {
        GraphLayout graph = GraphLayout.parseInstance(rollout);
        GraphLayout shared = GraphLayout.parseInstance(rollout.eventBus(), clock);
        return graph.subtract(shared).totalSize();
    }
}
