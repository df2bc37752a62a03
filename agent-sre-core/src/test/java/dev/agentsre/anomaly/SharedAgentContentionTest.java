package dev.agentsre.anomaly;

import static org.assertj.core.api.Assertions.assertThat;

import dev.agentsre.testing.ManualClock;
import dev.agentsre.testing.Race;
import java.time.Instant;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * Issue 21: threads recording actions of one agent do not queue on its lock — an action that finds it
 * busy is recorded by the thread holding it — and nothing is lost, counted twice or mis-delivered.
 */
class SharedAgentContentionTest {

    private static final Set<String> TOOLS = Set.of("search_kb", "create_ticket", "send_email");

    @Test
    void manyThreadsRecordingForOneAgentLoseNothingAndEachGetsItsOwnVerdicts() throws Exception {
        ManualClock clock = ManualClock.at(Instant.parse("2026-06-01T10:00:00Z"));
        RogueAgentDetector detector = new RogueAgentDetector(RogueDetectorConfig.builder().clock(clock).build());
        detector.registerCapabilityProfile("shared", TOOLS);
        String[] tools = TOOLS.toArray(String[]::new);
        int perThread = 10_000;
        AtomicLong allowed = new AtomicLong();
        Race.run(8, thread -> {
            RogueAgentDetector.TaskActions task = detector.taskActions("shared", "task-" + thread);
            for (int i = 0; i < perThread; i++) {
                if (i % 2 == 0) {
                    detector.recordAction("shared", "work", tools[i % tools.length], clock.instant(), (long) thread * perThread + i);
                } else if (task.record(tools[i % tools.length], "args " + i) == ActionVerdict.ALLOWED) {
                    allowed.incrementAndGet();
                }
                if (i % 2_500 == 0) {
                    detector.assess("shared");
                }
            }
        });
        assertThat(detector.recordedActions("shared")).isEqualTo(8L * perThread);
        assertThat(allowed.get()).as("every task call in the profile, on fresh arguments, allowed").isEqualTo(8L * perThread / 2);
        assertThat(detector.isQuarantined("shared")).isFalse();
        assertThat(detector.verifyChain("shared")).isTrue();
        assertThat(detector.peekBehaviour("shared").turn.hasWaiting()).isFalse();
    }

    /**
     * The class javadoc's bound: about 5.8 KiB an agent with the default window (measured 5.2 KiB before the
     * hand-over lock and the cached scores, 5.7 KiB with them, 5.8 KiB with the per-tool access judgements).
     */
    @Test
    void anAgentStaysWithinItsStatedSizeWithItsHandOverLock() {
        ManualClock clock = ManualClock.at(Instant.parse("2026-06-01T10:00:00Z"));
        dev.agentsre.event.SreEventBus bus = new dev.agentsre.event.SreEventBus();
        RogueAgentDetector detector = new RogueAgentDetector(RogueDetectorConfig.builder().clock(clock).build(), bus);
        String[] tools = TOOLS.toArray(String[]::new);
        int agents = 200;
        for (int a = 0; a < agents; a++) {
            RogueAgentDetector.TaskActions task = detector.taskActions("agent-" + a, "task");
            for (int i = 0; i < 50; i++) {
                detector.recordAction("agent-" + a, "work", tools[i % tools.length], clock.instant(), (long) i);
                task.record(tools[i % tools.length], i);
            }
            detector.riskSnapshot("agent-" + a); // its scores map cached
        }
        long bytes = org.openjdk.jol.info.GraphLayout.parseInstance(detector)
                .subtract(org.openjdk.jol.info.GraphLayout.parseInstance(clock, bus)).totalSize();
        System.out.printf("RogueAgentDetector with %d agents: %,d bytes (%,d an agent)%n", agents, bytes, bytes / agents);
        assertThat(bytes / agents).isLessThan(6_144);
    }

    @Test
    void anActionThatFindsTheAgentBusyIsRecordedByTheHolderAndGetsItsVerdictBack() throws Exception {
        ManualClock clock = ManualClock.at(Instant.parse("2026-06-01T10:00:00Z"));
        RogueAgentDetector detector = new RogueAgentDetector(RogueDetectorConfig.builder().clock(clock).build());
        detector.registerCapabilityProfile("agent", TOOLS);
        RogueAgentDetector.TaskActions holderTask = detector.taskActions("agent", "holder");
        RogueAgentDetector.TaskActions waitingTask = detector.taskActions("agent", "waiting");
        holderTask.record("search_kb", "first"); // makes the agent's state
        AgentBehaviour behaviour = detector.peekBehaviour("agent");
        behaviour.turn.lock(); // this thread holds the agent: the next action must wait
        CompletableFuture<ActionVerdict> waiter;
        try {
            waiter = CompletableFuture.supplyAsync(() -> waitingTask.record("shell_exec", "rm -rf /"));
            while (!behaviour.turn.hasWaiting()) {
                Thread.onSpinWait(); // until its request is in (polled, not slept)
            }
            assertThat(holderTask.record("create_ticket", "second")).isEqualTo(ActionVerdict.ALLOWED);
            // Recorded by this thread, which still holds the agent: the waiter could not have recorded it itself.
            assertThat(behaviour.turn.hasWaiting()).isFalse();
            assertThat(detector.recordedActions("agent")).isEqualTo(3);
        } finally {
            behaviour.turn.unlock();
        }
        assertThat(waiter.get(60, TimeUnit.SECONDS)).as("its own verdict: a tool outside the profile").isEqualTo(ActionVerdict.UNAUTHORISED);
    }
}
