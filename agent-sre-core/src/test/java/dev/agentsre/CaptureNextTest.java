package dev.agentsre;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.agentsre.anomaly.RogueAgentDetector;
import dev.agentsre.anomaly.RogueDetectorConfig;
import dev.agentsre.replay.Trace;
import dev.agentsre.replay.TraceStore;
import dev.agentsre.testing.ManualClock;
import dev.agentsre.testing.Race;
import dev.agentsre.testing.RamDirectory;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** {@link AgentSre#captureNext}: the next n tasks of an agent captured on request, exactly n under concurrency, bounded. */
class CaptureNextTest {

    private final ManualClock clock = ManualClock.at(Instant.parse("2026-11-25T10:00:00Z"));
    private final RamDirectory dir;
    private final TraceStore store;

    CaptureNextTest() throws Exception {
        dir = RamDirectory.create("capture-next");
        store = TraceStore.directory(dir.path());
    }

    @AfterEach
    void deleteTraces() {
        dir.close();
    }

    private AgentSre onDemand() {
        return AgentSre.builder().clock(clock).traceStore(store).captureEveryTask(false).build();
    }

    private static void run(AgentSre sre, String agent, String task) throws Exception {
        sre.agent(agent).task(task).call(ctx -> ctx.tool("search", "q", () -> "docs"));
    }

    private List<String> capturedTasksOf(String agent) {
        List<String> agents = new ArrayList<>();
        for (String id : store.list()) {
            Trace trace = store.load(id);
            if (trace.agentId().equals(agent)) {
                agents.add(id);
            }
        }
        return agents;
    }

    @Test
    void withoutARequestNothingIsCapturedAndARequestCapturesExactlyTheAgentsNextTasks() throws Exception {
        AgentSre sre = onDemand();
        run(sre, "a", "before");
        assertThat(store.list()).isEmpty();

        sre.captureNext("a", 3);
        assertThat(sre.pendingCaptures("a")).isEqualTo(3);
        assertThat(sre.pendingCaptures("a")).isEqualTo(3); // a pure read
        for (int i = 0; i < 5; i++) {
            run(sre, "b", "b-" + i);        // other agents are not captured
            run(sre, "a", "a-" + i);
        }
        assertThat(capturedTasksOf("a")).hasSize(3);
        assertThat(capturedTasksOf("b")).isEmpty();
        assertThat(store.list()).hasSize(3);
        assertThat(sre.pendingCaptures("a")).isZero();
    }

    @Test
    void aTaskRefusedAtTheDoorIsNotCapturedAndDoesNotUseARequest() throws Exception {
        RogueAgentDetector detector = new RogueAgentDetector(RogueDetectorConfig.builder().clock(clock).build());
        AgentSre sre = AgentSre.builder().clock(clock).traceStore(store).captureEveryTask(false).rogueDetector(detector).build();
        sre.captureNext("a", 2);
        detector.quarantine("a", "test");
        assertThatThrownBy(() -> run(sre, "a", "refused")).isInstanceOf(QuarantinedException.class);
        assertThat(sre.pendingCaptures("a")).isEqualTo(2);
        detector.release("a");
        run(sre, "a", "runs");
        assertThat(store.list()).hasSize(1);
        assertThat(sre.pendingCaptures("a")).isEqualTo(1);
    }

    @Test
    void askingAgainWhileCapturesArePendingTakesTheLargerCount() {
        AgentSre sre = onDemand();
        sre.captureNext("a", 20);
        sre.captureNext("a", 5);
        assertThat(sre.pendingCaptures("a")).isEqualTo(20);
        sre.captureNext("a", 30);
        assertThat(sre.pendingCaptures("a")).isEqualTo(30);
    }

    @Test
    void withEveryTaskCapturedARequestIsServedByTheTasksThatRun() throws Exception {
        AgentSre sre = AgentSre.builder().clock(clock).traceStore(store).build();
        sre.captureNext("a", 2);
        run(sre, "a", "t1");
        run(sre, "a", "t2");
        run(sre, "a", "t3");
        assertThat(store.list()).hasSize(3);
        assertThat(sre.pendingCaptures("a")).isZero();
    }

    @Test
    void exactlyTheTasksAskedForAreCapturedWhileEightThreadsRunTheAgentsTasks() throws Exception {
        AgentSre sre = onDemand();
        sre.captureNext("a", 50);
        Race.run(8, thread -> {
            for (int i = 0; i < 40; i++) {
                run(sre, "a", "t-" + thread + "-" + i);
            }
        });
        assertThat(store.list()).hasSize(50);
        assertThat(sre.pendingCaptures("a")).isZero();
    }

    @Test
    void badRequestsAreClearErrorsAndTheRequestsAreBounded() {
        AgentSre sre = onDemand();
        assertThatThrownBy(() -> sre.captureNext("a", 0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("traces must be between 1 and 10000, got 0");
        assertThatThrownBy(() -> sre.captureNext("a", 10_001)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("traces");
        assertThatThrownBy(() -> sre.captureNext(" ", 1)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("agentId");
        assertThatThrownBy(() -> AgentSre.builder().clock(clock).build().captureNext("a", 1)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("no trace store");

        for (int i = 0; i < CaptureRequests.MAX_AGENTS; i++) {
            sre.captureNext("agent-" + i, 1);
        }
        assertThatThrownBy(() -> sre.captureNext("one-too-many", 1)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("1000 agents").hasMessageContaining("'one-too-many'");
        sre.captureNext("agent-7", 3); // an agent already waiting may be asked for again
        assertThat(sre.pendingCaptures("agent-7")).isEqualTo(3);
        assertThat(sre.pendingCaptures("one-too-many")).isZero();
    }
}
