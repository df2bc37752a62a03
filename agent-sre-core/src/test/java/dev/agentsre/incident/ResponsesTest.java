package dev.agentsre.incident;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.agentsre.anomaly.RiskLevel;
import dev.agentsre.anomaly.RogueAgentDetector;
import dev.agentsre.anomaly.RogueDetectorConfig;
import dev.agentsre.breaker.CircuitBreakerConfig;
import dev.agentsre.breaker.CircuitBreakerRegistry;
import dev.agentsre.breaker.CircuitState;
import dev.agentsre.cost.BudgetState;
import dev.agentsre.cost.CostGuard;
import dev.agentsre.event.AgentQuarantined;
import dev.agentsre.event.IncidentResponseExecuted;
import dev.agentsre.event.SreEventBus;
import dev.agentsre.testing.ManualClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Responses act on the real components and record their outcome; the postmortem follows the Google SRE template. */
class ResponsesTest {

    private static final Instant T0 = Instant.parse("2026-11-25T10:00:00Z");

    private final ManualClock clock = ManualClock.at(T0);
    private final SreEventBus bus = new SreEventBus();
    private final List<IncidentResponseExecuted> executed = new ArrayList<>();
    private final DependencyTopology topology = DependencyTopology.builder().clock(clock).build();

    ResponsesTest() {
        bus.subscribe(IncidentResponseExecuted.class, executed::add);
    }

    @Test
    void responsesReallyOpenBreakersQuarantineThrottleCaptureAndRollBack() {
        CircuitBreakerRegistry agentBreakers = CircuitBreakerRegistry.of(CircuitBreakerConfig.builder().clock(clock).build(), bus);
        CircuitBreakerRegistry dependencyBreakers = CircuitBreakerRegistry.of(CircuitBreakerConfig.builder().clock(clock).build(), bus);
        RogueAgentDetector detector = new RogueAgentDetector(RogueDetectorConfig.builder().clock(clock).build(), bus);
        RecordingControls budgets = new RecordingControls();
        RecordingControls rollouts = new RecordingControls();
        List<String> captures = new ArrayList<>();
        Controls controls = Controls.builder().agentBreakers(agentBreakers).dependencyBreakers(dependencyBreakers).budgets(budgets)
                .rogueDetector(detector).traces((agent, n) -> captures.add(agent + " x" + n)).rollouts(rollouts).build();
        IncidentManager incidents = IncidentManager.builder().clock(clock).eventBus(bus).topology(topology).controls(controls)
                .responseExecutor(Runnable::run)
                .respond(IncidentSeverity.SEV2, Responses.openCircuit(Responses.Target.TOP_DEPENDENCY),
                        Responses.captureTraces(20, Responses.Target.AFFECTED_AGENTS))
                .respond(SignalType.COST_ANOMALY, Responses.throttle(Responses.Target.PRIMARY_AGENT))
                .respond(SignalType.SLO_BREACH, Responses.quarantine(Responses.Target.PRIMARY_AGENT),
                        Responses.rollback(Responses.Target.PRIMARY_AGENT), Responses.postmortemDraft())
                .respondOnResolve(Responses.closeCircuit(Responses.Target.TOP_DEPENDENCY), Responses.release(Responses.Target.AFFECTED_AGENTS))
                .build();
        bus.subscribe(incidents);
        for (int i = 0; i < 10; i++) {
            topology.observe("a", DependencyKind.MODEL, "gpt-4o", false, clock.instant());
        }

        incidents.signal(new Signal(SignalType.SLO_BREACH, IncidentSeverity.SEV2, "a", "a-slo/fast_burn", "burning", T0, "test", List.of()));
        Incident incident = incidents.open().get(0);

        assertThat(dependencyBreakers.get("gpt-4o").state()).isEqualTo(CircuitState.FORCED_OPEN);
        assertThat(captures).containsExactly("a x20");
        assertThat(detector.isQuarantined("a")).isTrue();
        assertThat(rollouts.calls).containsExactly("rollback a: incident " + incident.id());
        assertThat(incident.responses()).contains("open_circuit(top_dependency)", "capture_traces(20, affected_agents)",
                "quarantine(primary_agent)", "rollback(primary_agent)", "postmortem_draft");
        assertThat(executed).extracting(IncidentResponseExecuted::status).containsOnly(ResponseStatus.SUCCEEDED);

        incidents.signal(new Signal(SignalType.COST_ANOMALY, IncidentSeverity.SEV2, "a", null, "spend spike", T0, "test", List.of()));
        assertThat(budgets.calls).containsExactly("throttle a");
        // the quarantine published AgentQuarantined: the same condition as a signal, deduplicated, no second response
        assertThat(incident.signals()).extracting(IncidentSignal::type).contains(SignalType.QUARANTINE);

        clock.advance(Duration.ofMinutes(20));
        incident.resolve("alice", "provider back");
        assertThat(dependencyBreakers.get("gpt-4o").state()).isEqualTo(CircuitState.CLOSED);
        assertThat(detector.isQuarantined("a")).isFalse();
        assertThat(incident.timeline()).filteredOn(e -> e.kind() == TimelineEntry.Kind.RESPONSE).hasSize(8);
    }

    @Test
    void failuresAndMissingComponentsAreRecordedNotHidden() {
        CostGuard guard = CostGuard.builder().perAgentDailyLimit(10).maxAgents(1).clock(clock).build();
        guard.kill("other", "pins the guard's only slot");
        IncidentManager incidents = IncidentManager.builder().clock(clock).eventBus(bus).responseExecutor(Runnable::run)
                .controls(Controls.builder().budgets(BudgetControl.of(guard)).build())
                .respond(IncidentSeverity.SEV1, Responses.kill(Responses.Target.PRIMARY_AGENT),
                        Responses.openCircuit(Responses.Target.AFFECTED_AGENTS), Responses.rollback(Responses.Target.PRIMARY_AGENT),
                        new Response() {
                            @Override
                            public String name() {
                                return "custom";
                            }

                            @Override
                            public Result execute(Context context) {
                                throw new IllegalStateException("boom");
                            }
                        })
                .build();
        incidents.signal(new Signal(SignalType.QUARANTINE, IncidentSeverity.SEV1, "a", null, "q", T0, "test", List.of()));
        assertThat(executed).extracting(IncidentResponseExecuted::response, IncidentResponseExecuted::status).containsExactly(
                org.assertj.core.groups.Tuple.tuple("kill(primary_agent)", ResponseStatus.FAILED),
                org.assertj.core.groups.Tuple.tuple("open_circuit(affected_agents)", ResponseStatus.SKIPPED),
                org.assertj.core.groups.Tuple.tuple("rollback(primary_agent)", ResponseStatus.SKIPPED),
                org.assertj.core.groups.Tuple.tuple("custom", ResponseStatus.FAILED));
        assertThat(executed.get(0).detail()).contains("cannot be killed by hand").contains("raise maxAgents");
        assertThat(executed.get(1).detail()).isEqualTo("no agent breakers configured");
        assertThat(executed.get(3).detail()).isEqualTo("IllegalStateException: boom");
        assertThat(guard.state("a")).isEqualTo(BudgetState.ACTIVE);
    }

    @Test
    void theCostGuardControlRevivesForReal() {
        CostGuard guard = CostGuard.builder().perAgentDailyLimit(1).killSwitchThreshold(0.95).clock(clock).build();
        guard.recordCost("a", "t", 0.99);
        assertThat(guard.state("a")).isEqualTo(BudgetState.KILLED);
        BudgetControl.of(guard).revive("a");
        assertThat(guard.state("a")).isEqualTo(BudgetState.ACTIVE);
    }

    @Test
    void theRogueDetectorQuarantinesByDecisionAndPublishesIt() {
        List<AgentQuarantined> quarantines = new ArrayList<>();
        bus.subscribe(AgentQuarantined.class, quarantines::add);
        RogueAgentDetector detector = new RogueAgentDetector(RogueDetectorConfig.builder().clock(clock).build(), bus);
        assertThat(detector.quarantine("a", "incident INC-1")).isTrue();
        assertThat(detector.quarantine("a", "again")).isFalse();
        assertThat(detector.isQuarantined("a")).isTrue();
        assertThat(quarantines).singleElement().satisfies(q -> {
            assertThat(q.reasons()).containsExactly("quarantined by decision: incident INC-1");
            assertThat(q.riskLevel()).isEqualTo(RiskLevel.LOW);
        });
        assertThat(detector.release("a")).isTrue();
    }

    @Test
    void thePostmortemHasTheGoogleSreSectionsInOrderAndInventsNothing() throws Exception {
        IncidentManager incidents = IncidentManager.builder().clock(clock).eventBus(bus).responseExecutor(Runnable::run).build();
        incidents.signal(new Signal(SignalType.QUARANTINE, IncidentSeverity.SEV1, "a", null, "quarantined (HIGH): loop", T0, "test",
                List.of()));
        Incident incident = incidents.open().get(0);
        clock.advance(Duration.ofMinutes(3));
        incident.acknowledge("alice");
        clock.advance(Duration.ofMinutes(9));
        incident.resolve("alice", "loop fixed and agent released");

        String md = incidents.postmortem(incident.id()).toMarkdown();
        List<String> sections = new ArrayList<>();
        for (String line : md.split("\n")) {
            if (line.startsWith("## ")) {
                sections.add(line.substring(3));
            }
        }
        assertThat(sections).containsExactly("Summary", "Impact", "Root Causes", "Trigger", "Resolution", "Detection", "Action Items",
                "Lessons Learned", "Timeline", "Supporting Information");
        assertThat(md).contains("| Authors | _To be completed_ |").contains("## Trigger\n\n_To be completed_")
                .contains("RESOLVED: loop fixed and agent released (alice, 10:12:00)").contains("| Time to acknowledge | 3m |")
                .contains("| Time to resolve | 12m |").contains("Responders: alice");
        assertThat(md.split("## Root Causes")[1].split("\n")[2]).isEqualTo(Postmortem.TO_BE_COMPLETED);

        incident.summary("A prompt change made agent a loop on search.").rootCauses("The v7 prompt asks to search until sure.")
                .trigger("Deploy of prompt v7").authors("alice").lessons("Quarantine within 10 s", null, null)
                .actionItem(new ActionItem("Cap search calls per task", ActionItem.Type.PREVENT, "bob", "P1", "SRE-42"));
        Postmortem pm = incidents.postmortem(incident.id());
        assertThat(pm.toMarkdown()).contains("A prompt change made agent a loop").contains("| Cap search calls per task | prevent | bob | P1 | SRE-42 |")
                .contains("### What went wrong\n\n_To be completed_");
        JsonNode json = new ObjectMapper().readTree(pm.toJson());
        assertThat(json.get("summary").asText()).startsWith("A prompt change");
        assertThat(json.get("lessons").get("wentWrong").isNull()).isTrue();
        assertThat(json.get("toBeCompleted").toString()).isEqualTo("[\"wentWrong\",\"gotLucky\"]");
        assertThat(json.get("detection").get("timeToResolve").asText()).isEqualTo("PT12M");
        assertThat(json.get("impact").get("agents").get(0).asText()).isEqualTo("a");
        assertThat(json.get("timeline").size()).isEqualTo(incident.timeline().size());
        List<String> fields = new ArrayList<>();
        json.fieldNames().forEachRemaining(fields::add);
        assertThat(fields).containsSubsequence("summary", "impact", "rootCauses", "trigger", "resolution", "detection", "actionItems",
                "lessons", "timeline", "supportingInformation");
    }
}
