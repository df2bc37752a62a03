package dev.agentsre.incident;

import static org.assertj.core.api.Assertions.assertThat;

import dev.agentsre.AgentSre;
import dev.agentsre.cost.BudgetState;
import dev.agentsre.cost.CostGuard;
import dev.agentsre.delivery.AgentRollout;
import dev.agentsre.delivery.AgentVersion;
import dev.agentsre.delivery.RolloutState;
import dev.agentsre.delivery.RolloutStep;
import dev.agentsre.event.IncidentResponseExecuted;
import dev.agentsre.event.SreEventBus;
import dev.agentsre.replay.TraceStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The snippets about responses that act on the components — {@code docs/incidents.md} (Responses),
 * {@code docs/cost-guard.md} (By hand) and {@code docs/pipeline.md} (Capturing traces on request) —
 * pasted verbatim between the markers so that the build compiles and runs them, and checked to be
 * what the pages say.
 */
class ResponseDocSnippetsTest {

    private static final Logger log = LoggerFactory.getLogger(ResponseDocSnippetsTest.class);

    @Test
    void theSnippetsAreOnTheirPagesVerbatim() throws Exception {
        String test = Files.readString(Path.of("src/test/java/dev/agentsre/incident/ResponseDocSnippetsTest.java"));
        for (String page : List.of("incidents.md", "cost-guard.md", "pipeline.md")) {
            String doc = Files.readString(Path.of("../docs", page));
            String marker = "// --- docs/" + page + "\n";
            int at = test.indexOf(marker);
            assertThat(at).as(page).isPositive();
            String indent = " ".repeat(at - test.lastIndexOf('\n', at) - 1); // the snippet is indented as its marker
            String body = test.substring(at + marker.length(), test.indexOf(indent + "// ---\n", at));
            StringBuilder unindented = new StringBuilder();
            for (String line : body.split("\n")) {
                unindented.append(line.startsWith(indent) ? line.substring(indent.length()) : line).append('\n');
            }
            assertThat(doc).as("docs/%s holds the snippet", page).contains(unindented.toString());
        }
    }

    @Test
    void wiringTheResponsesToTheRealComponents() throws Exception {
        SreEventBus bus = new SreEventBus();
        CostGuard guard = CostGuard.builder().eventBus(bus).build();
        AgentRollout<String, String> rollout = AgentRollout.<String, String>builder("bot-v4").agent("bot")
                .baseline("v3", AgentVersion.of(q -> "v3")).candidate("v4", AgentVersion.of(q -> "v4"))
                .steps(RolloutStep.canary(0.5).duration("1h")).eventBus(bus).build();
        { // nothing runs a task here, so the store's directory is never written
            // --- docs/incidents.md
            TraceStore traces = TraceStore.directory(Path.of("traces"));
            AgentSre sre = AgentSre.builder().eventBus(bus).costGuard(guard)
                    .traceStore(traces).captureEveryTask(false)          // capture only the tasks asked for
                    .build();
            IncidentManager incidents = IncidentManager.builder()
                    .controls(Controls.builder()
                            .budgets(BudgetControl.of(guard))               // throttle, kill and revive for real
                            .traces(sre::captureNext)                       // "capture the next n traces of the agent"
                            .rollouts(RolloutControl.of(List.of(rollout)))  // roll back the agent's rollout
                            .build())
                    .failingTraces(FailingTraces.of(traces))
                    .respond(SignalType.COST_ANOMALY, Responses.throttle(Responses.Target.PRIMARY_AGENT))
                    .respond(IncidentSeverity.SEV2, Responses.captureTraces(20, Responses.Target.AFFECTED_AGENTS))
                    .respond(SignalType.SLO_BREACH, Responses.rollback(Responses.Target.PRIMARY_AGENT))
                    .respondOnResolve(Responses.revive(Responses.Target.AFFECTED_AGENTS))
                    .eventBus(bus)
                    .build();
            bus.subscribe(incidents);
            // ---
            // The manager's own response thread runs the responses: wait for their outcomes (never for time).
            BlockingQueue<IncidentResponseExecuted> done = new LinkedBlockingQueue<>();
            bus.subscribe(IncidentResponseExecuted.class, done::add);
            rollout.start();
            incidents.signal(new Signal(SignalType.SLO_BREACH, IncidentSeverity.SEV2, "bot", "bot-slo/fast_burn", "burning",
                    Instant.now(), "test", List.of()));
            assertThat(List.of(next(done), next(done))).allMatch(e -> e.status() == ResponseStatus.SUCCEEDED);
            assertThat(sre.pendingCaptures("bot")).isEqualTo(20);
            assertThat(rollout.state()).isEqualTo(RolloutState.ROLLED_BACK);
            incidents.signal(new Signal(SignalType.COST_ANOMALY, IncidentSeverity.SEV2, "bot", null, "spike", Instant.now(),
                    "test", List.of()));
            assertThat(next(done).response()).isEqualTo("throttle(primary_agent)");
            assertThat(guard.state("bot")).isEqualTo(BudgetState.THROTTLED);
            incidents.open().get(0).resolve("alice", "fixed");
            assertThat(next(done).response()).isEqualTo("revive(affected_agents)");
            assertThat(guard.state("bot")).isEqualTo(BudgetState.ACTIVE);
            incidents.close();
        }
    }

    private static IncidentResponseExecuted next(BlockingQueue<IncidentResponseExecuted> done) throws InterruptedException {
        IncidentResponseExecuted e = done.poll(30, TimeUnit.SECONDS);
        assertThat(e).as("a response's outcome within 30 s").isNotNull();
        return e;
    }

    @Test
    void throttleKillAndReviveByHand() {
        CostGuard guard = CostGuard.builder().build();
        // --- docs/cost-guard.md
        guard.throttle("research-agent", Duration.ofMinutes(30), "INC-42: runaway tool loop"); // 30 minutes, then by itself
        guard.kill("research-agent", "INC-42: leaking customer data");                        // until revived
        guard.manualEnforcement("research-agent")                                             // a pure read
                .ifPresent(m -> log.info("{} {} since {}: {}", m.agentId(), m.state(), m.since(), m.reason()));
        guard.revive("research-agent");
        // ---
        assertThat(guard.state("research-agent")).isEqualTo(BudgetState.ACTIVE);
    }

    @Test
    void capturingOnRequest() {
        // --- docs/pipeline.md
        AgentSre sre = AgentSre.builder().traceStore(TraceStore.directory(Path.of("traces"))).captureEveryTask(false).build();
        sre.captureNext("research-agent", 20);     // its next 20 tasks are captured, then nothing again
        int left = sre.pendingCaptures("research-agent");
        // ---
        assertThat(left).isEqualTo(20);
    }
}
