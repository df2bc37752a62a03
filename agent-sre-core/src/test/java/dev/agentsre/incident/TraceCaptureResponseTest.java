package dev.agentsre.incident;

import static org.assertj.core.api.Assertions.assertThat;

import dev.agentsre.AgentSre;
import dev.agentsre.event.IncidentResponseExecuted;
import dev.agentsre.event.SreEventBus;
import dev.agentsre.replay.TraceStore;
import dev.agentsre.testing.ManualClock;
import dev.agentsre.testing.RamDirectory;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * "Capture the next N traces of the agent", end to end: the incident's response asks the pipeline
 * ({@code Controls.traces(sre::captureNext)}), the pipeline — which does not capture every task —
 * captures exactly the agent's next N tasks, and the incident's impact finds the failing ones.
 */
class TraceCaptureResponseTest {

    private static final Instant T0 = Instant.parse("2026-11-25T10:00:00Z");

    private final ManualClock clock = ManualClock.at(T0);
    private final SreEventBus bus = new SreEventBus();

    @Test
    void theResponseCapturesTheAgentsNextTasksAndTheIncidentsImpactListsTheFailingOnes() throws Exception {
        try (RamDirectory dir = RamDirectory.create("incident-traces")) {
            TraceStore store = TraceStore.directory(dir.path());
            AgentSre sre = AgentSre.builder().clock(clock).eventBus(bus).traceStore(store).captureEveryTask(false).build();
            List<IncidentResponseExecuted> executed = new ArrayList<>();
            bus.subscribe(IncidentResponseExecuted.class, executed::add);
            IncidentManager incidents = IncidentManager.builder().clock(clock).eventBus(bus).responseExecutor(Runnable::run)
                    .controls(Controls.builder().traces(sre::captureNext).build())
                    .failingTraces(FailingTraces.of(store))
                    .respond(SignalType.SLO_BREACH, Responses.captureTraces(4, Responses.Target.AFFECTED_AGENTS))
                    .build();
            bus.subscribe(incidents);

            failingTask(sre, "a", "before-the-incident"); // not captured: nobody asked yet
            clock.advance(Duration.ofMinutes(1));
            incidents.signal(new Signal(SignalType.SLO_BREACH, IncidentSeverity.SEV2, "a", "a-slo/fast_burn", "burning", clock.instant(),
                    "test", List.of()));
            Incident incident = incidents.open().get(0);
            assertThat(executed).singleElement().satisfies(e -> {
                assertThat(e.response()).isEqualTo("capture_traces(4, affected_agents)");
                assertThat(e.status()).isEqualTo(ResponseStatus.SUCCEEDED);
                assertThat(e.target()).isEqualTo("a");
            });
            assertThat(sre.pendingCaptures("a")).isEqualTo(4);

            for (int i = 0; i < 6; i++) {
                clock.advance(Duration.ofSeconds(10));
                if (i == 2) {
                    String ok = sre.agent("a").task("ok-" + i).call(ctx -> ctx.llm("gpt-4o", "q", () -> "fine"));
                    assertThat(ok).isEqualTo("fine");
                } else {
                    failingTask(sre, "a", "failing-" + i);
                }
                sre.agent("b").task("b-" + i).call(ctx -> "b is not captured");
            }
            assertThat(store.list()).hasSize(4); // tasks 0..3 of a: three failed, one succeeded
            assertThat(sre.pendingCaptures("a")).isZero();

            List<String> failing = incident.impact().failingTraceIds();
            assertThat(failing).hasSize(3);
            assertThat(store.list()).containsAll(failing);
            assertThat(failing).allSatisfy(id -> assertThat(store.load(id).agentId()).isEqualTo("a"));
        }
    }

    @Test
    void withoutATraceStoreTheResponseFailsWithTheReason() {
        AgentSre sre = AgentSre.builder().clock(clock).eventBus(bus).build();
        List<IncidentResponseExecuted> executed = new ArrayList<>();
        bus.subscribe(IncidentResponseExecuted.class, executed::add);
        IncidentManager incidents = IncidentManager.builder().clock(clock).eventBus(bus).responseExecutor(Runnable::run)
                .controls(Controls.builder().traces(sre::captureNext).build())
                .respond(IncidentSeverity.SEV2, Responses.captureTraces(20, Responses.Target.PRIMARY_AGENT))
                .build();
        incidents.signal(new Signal(SignalType.SLO_BREACH, IncidentSeverity.SEV2, "a", "a-slo/fast_burn", "burning", T0, "test", List.of()));
        assertThat(executed).singleElement().satisfies(e -> {
            assertThat(e.status()).isEqualTo(ResponseStatus.FAILED);
            assertThat(e.detail()).contains("no trace store").contains("traceStore(store)");
        });
    }

    private static void failingTask(AgentSre sre, String agent, String task) {
        try {
            sre.agent(agent).task(task).call(ctx -> ctx.llm("gpt-4o", "q", () -> {
                throw new IllegalStateException("503 from the provider");
            }));
        } catch (Exception expected) {
            // the task fails
        }
    }
}
