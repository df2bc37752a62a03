package dev.agentsre.incident;

import static org.assertj.core.api.Assertions.assertThat;

import dev.agentsre.anomaly.RiskLevel;
import dev.agentsre.breaker.CircuitState;
import dev.agentsre.chaos.ExperimentState;
import dev.agentsre.event.AgentQuarantined;
import dev.agentsre.event.AgentReleased;
import dev.agentsre.event.BurnRateAlertFired;
import dev.agentsre.event.BurnRateAlertResolved;
import dev.agentsre.event.CascadeDetected;
import dev.agentsre.event.CircuitStateChanged;
import dev.agentsre.event.ExperimentStateChanged;
import dev.agentsre.event.SreEventBus;
import dev.agentsre.slo.AlertSeverity;
import dev.agentsre.slo.BurnRateAlert;
import dev.agentsre.testing.ManualClock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Dedup, correlation by agent, dependency, change and cascade, merge, reopen, chaos attribution and hints. */
class CorrelationTest {

    private static final Instant T0 = Instant.parse("2026-11-25T10:00:00Z");
    private static final BurnRateAlert FAST = BurnRateAlert.multiWindow("fast_burn", 14.4, AlertSeverity.CRITICAL, Duration.ofHours(1),
            Duration.ofMinutes(5));
    private static final BurnRateAlert SLOW = BurnRateAlert.multiWindow("budget_drain", 1, AlertSeverity.WARNING, Duration.ofDays(3),
            Duration.ofHours(6));

    private final ManualClock clock = ManualClock.at(T0);
    private final SreEventBus bus = new SreEventBus();
    private final DependencyTopology topology = DependencyTopology.builder().clock(clock).build();
    private final IncidentManager incidents = IncidentManager.builder().clock(clock).eventBus(bus).topology(topology)
            .responseExecutor(Runnable::run).build();

    CorrelationTest() {
        bus.subscribe(incidents);
    }

    private void burn(String agent) {
        bus.publish(new BurnRateAlertFired(clock.instant(), agent, agent + "-slo", FAST, 20, 30));
    }

    private void burnResolved(String agent) {
        bus.publish(new BurnRateAlertResolved(clock.instant(), agent, agent + "-slo", FAST, 1, 1));
    }

    private void failCalls(String agent, String dependency, int failures, int successes) {
        for (int i = 0; i < failures; i++) {
            topology.observe(agent, DependencyKind.MODEL, dependency, false, clock.instant());
        }
        for (int i = 0; i < successes; i++) {
            topology.observe(agent, DependencyKind.MODEL, dependency, true, clock.instant());
        }
    }

    @Test
    void theSameConditionAgainIsDeduplicatedOntoItsIncident() {
        burn("a");
        clock.advance(Duration.ofMinutes(1));
        burn("a");
        assertThat(incidents.all()).hasSize(1);
        assertThat(incidents.open().get(0).signals()).singleElement().satisfies(s -> {
            assertThat(s.occurrences()).isEqualTo(2);
            assertThat(s.lastSeen()).isEqualTo(T0.plusSeconds(60));
        });
    }

    @Test
    void signalsOfTheSameAgentJoinOneIncidentAndRaiseItsSeverity() {
        bus.publish(new BurnRateAlertFired(clock.instant(), "a", "a-slo", SLOW, 2, 2));
        Incident incident = incidents.open().get(0);
        assertThat(incident.severity()).isEqualTo(IncidentSeverity.SEV3);
        clock.advance(Duration.ofMinutes(10)); // outside the window, but the ticket alert still fires
        bus.publish(new AgentQuarantined(clock.instant(), "a", RiskLevel.HIGH, List.of("loop")));
        assertThat(incidents.all()).hasSize(1);
        assertThat(incident.severity()).isEqualTo(IncidentSeverity.SEV1);
        assertThat(incident.signals()).extracting(IncidentSignal::type).containsExactly(SignalType.SLO_BURN_TICKET, SignalType.QUARANTINE);
    }

    @Test
    void unrelatedAgentsGetSeparateIncidents() {
        failCalls("a", "gpt-4o", 0, 10);
        failCalls("b", "claude", 0, 10);
        burn("a");
        burn("b");
        assertThat(incidents.all()).hasSize(2);
    }

    @Test
    void agentsSharingAFailingDependencyShareOneIncidentWithTheDependencyAsTopHint() {
        failCalls("a", "gpt-4o", 10, 0);
        failCalls("b", "gpt-4o", 10, 0);
        failCalls("c", "gpt-4o", 10, 0);
        topology.observe("a", DependencyKind.TOOL, "search", true, clock.instant());
        burn("a");
        burn("b");
        burn("c");
        assertThat(incidents.all()).hasSize(1);
        Incident incident = incidents.open().get(0);
        assertThat(incident.agents()).containsExactly("a", "b", "c");
        assertThat(incident.title()).isEqualTo("3 agents: slo breach");
        RootCauseHint top = incident.hints().get(0);
        assertThat(top.type()).isEqualTo(RootCauseHint.Type.DEPENDENCY);
        assertThat(top.subject()).isEqualTo("gpt-4o");
        assertThat(top.score()).isEqualTo(1.0);
        assertThat(top.evidence()).extracting(RootCauseHint.Evidence::text).contains("3 of 3 affected agents call model gpt-4o",
                "30 of 30 calls failed in the window");
        assertThat(incident.hints()).extracting(RootCauseHint::subject).doesNotContain("search"); // healthy and used by 1 of 3
    }

    @Test
    void aSharedDependencyThatIsHealthyDoesNotCorrelate() {
        failCalls("a", "gpt-4o", 0, 10);
        failCalls("b", "gpt-4o", 0, 10);
        burn("a");
        burn("b");
        assertThat(incidents.all()).hasSize(2);
    }

    @Test
    void aDependencyBreakerOpeningCorrelatesTheAgentsThatCallIt() {
        failCalls("a", "gpt-4o", 0, 10);
        failCalls("b", "gpt-4o", 0, 10);
        bus.publish(new CircuitStateChanged(clock.instant(), "gpt-4o", CircuitState.CLOSED, CircuitState.OPEN, "5 consecutive failures",
                Double.NaN, Duration.ofSeconds(30)));
        Incident incident = incidents.open().get(0);
        assertThat(incident.dependencies()).containsExactly("gpt-4o");
        assertThat(incident.agents()).isEmpty();
        burn("a");
        burn("b");
        assertThat(incidents.all()).hasSize(1);
        assertThat(incident.title()).isEqualTo("2 agents: dependency gpt-4o failing");
        bus.publish(new CircuitStateChanged(clock.instant(), "gpt-4o", CircuitState.HALF_OPEN, CircuitState.CLOSED, "probe ok", 0,
                Duration.ZERO));
        burnResolved("a");
        assertThat(incident.state()).isEqualTo(IncidentState.DETECTED);
        burnResolved("b");
        assertThat(incident.state()).isEqualTo(IncidentState.RESOLVED); // every condition over
    }

    @Test
    void aRecentChangeCorrelatesTheAgentsItConcernsAndIsRankedByRecency() {
        incidents.recordChange(new Change("config-v42", Change.Kind.CONFIG, null, "prompt templates reloaded", T0.minus(Duration.ofMinutes(6))));
        clock.advance(Duration.ZERO);
        burn("a");
        burn("b"); // no shared dependency: joined through the change
        assertThat(incidents.all()).hasSize(1);
        Incident incident = incidents.open().get(0);
        assertThat(incident.changes()).extracting(Change::id).containsExactly("config-v42");
        RootCauseHint change = incident.hints().stream().filter(h -> h.type() == RootCauseHint.Type.CHANGE).findFirst().orElseThrow();
        assertThat(change.subject()).isEqualTo("config-v42");
        assertThat(change.score()).isEqualTo(0.8); // 1 - 6 min / 30 min
        assertThat(change.evidence().get(0).text()).contains("6m before the impact");
    }

    @Test
    void aChangeOlderThanTheLookbackIsNoCause() {
        incidents.recordChange(new Change("config-v41", Change.Kind.CONFIG, null, "old", T0.minus(Duration.ofHours(2))));
        burn("a");
        burn("b");
        assertThat(incidents.all()).hasSize(2);
        assertThat(incidents.all().get(0).changes()).isEmpty();
    }

    @Test
    void aCascadeMergesTheIncidentsOfItsAgentsIntoTheOldest() {
        burn("a");
        clock.advance(Duration.ofSeconds(10));
        burn("b");
        assertThat(incidents.open()).hasSize(2);
        Incident first = incidents.open().get(0);
        Incident second = incidents.open().get(1);
        clock.advance(Duration.ofSeconds(10));
        bus.publish(new CascadeDetected(clock.instant(), "a", List.of("a", "b", "c"), Duration.ofMinutes(1), 10));
        assertThat(incidents.open()).containsExactly(first);
        assertThat(second.state()).isEqualTo(IncidentState.MERGED);
        assertThat(second.mergedInto()).contains(first.id());
        assertThat(first.agents()).containsExactlyInAnyOrder("a", "b", "c");
        assertThat(first.severity()).isEqualTo(IncidentSeverity.SEV1);
        assertThat(first.timeline()).anyMatch(e -> e.kind() == TimelineEntry.Kind.MERGE && e.text().contains(second.id()));
    }

    @Test
    void aConditionReturningWithinTheReopenWindowReopensItsIncident() {
        burn("a");
        Incident incident = incidents.open().get(0);
        clock.advance(Duration.ofMinutes(5));
        burnResolved("a");
        assertThat(incident.state()).isEqualTo(IncidentState.RESOLVED);
        clock.advance(Duration.ofMinutes(20));
        burn("a");
        assertThat(incidents.all()).hasSize(1);
        assertThat(incident.state()).isEqualTo(IncidentState.INVESTIGATING);
        assertThat(incident.reopenCount()).isEqualTo(1);
        assertThat(incident.resolvedAt()).isEmpty();

        burnResolved("a");
        clock.advance(Duration.ofMinutes(31));
        burn("a");
        assertThat(incidents.all()).hasSize(2); // too late: a new incident
        assertThat(incident.state()).isEqualTo(IncidentState.RESOLVED);
    }

    @Test
    void aRunningChaosExperimentHoldsItsTargetsSignalsAndAnAbortOpensOneExpectedIncident() {
        bus.publish(new ExperimentStateChanged(clock.instant(), "a", "llm-latency", ExperimentState.PENDING, ExperimentState.RUNNING, "started"));
        burn("a");
        bus.publish(new AgentQuarantined(clock.instant(), "a", RiskLevel.HIGH, List.of("loop")));
        assertThat(incidents.all()).isEmpty();
        assertThat(incidents.signalsAttributedToChaos()).isEqualTo(2);
        clock.advance(Duration.ofMinutes(1));
        bus.publish(new ExperimentStateChanged(clock.instant(), "a", "llm-latency", ExperimentState.RUNNING, ExperimentState.ABORTED,
                "success_rate 0.4 < 0.5"));
        assertThat(incidents.all()).hasSize(1);
        Incident incident = incidents.all().get(0);
        assertThat(incident.expected()).isTrue();
        assertThat(incident.signals()).extracting(IncidentSignal::type).contains(SignalType.CHAOS_ABORTED, SignalType.SLO_BREACH,
                SignalType.QUARANTINE);
        assertThat(incident.hints().get(0).type()).isEqualTo(RootCauseHint.Type.CHAOS);
        assertThat(incident.hints().get(0).subject()).isEqualTo("llm-latency");
        assertThat(incident.title()).contains("chaos experiment llm-latency");
    }

    @Test
    void aCompletedExperimentDropsWhatItHeld() {
        bus.publish(new ExperimentStateChanged(clock.instant(), "a", "x", ExperimentState.PENDING, ExperimentState.RUNNING, "started"));
        burn("a");
        bus.publish(new ExperimentStateChanged(clock.instant(), "a", "x", ExperimentState.RUNNING, ExperimentState.COMPLETED, "done"));
        assertThat(incidents.all()).isEmpty();
        bus.publish(new AgentReleased(clock.instant(), "a", "x")); // nothing to recover
        assertThat(incidents.all()).isEmpty();
    }

    @Test
    void signalsBelowTheOpenThresholdOnlyJoin() {
        IncidentManager strict = IncidentManager.builder().clock(clock).detection(DetectionPolicy.defaults().openAt(IncidentSeverity.SEV2))
                .responseExecutor(Runnable::run).build();
        strict.signal(new Signal(SignalType.BREAKER_OPEN, IncidentSeverity.SEV3, "a", null, "open", T0, "test", List.of()));
        assertThat(strict.all()).isEmpty();
        strict.signal(new Signal(SignalType.QUARANTINE, IncidentSeverity.SEV1, "a", null, "q", T0, "test", List.of()));
        strict.signal(new Signal(SignalType.BREAKER_OPEN, IncidentSeverity.SEV3, "a", null, "open", T0, "test", List.of()));
        assertThat(strict.all()).singleElement().satisfies(i -> assertThat(i.signals()).hasSize(2));
    }

    @Test
    void openIncidentsAreCappedAndTheOverflowCounted() {
        IncidentManager capped = IncidentManager.builder().clock(clock).maxOpenIncidents(3).responseExecutor(Runnable::run).build();
        for (int i = 0; i < 5; i++) {
            capped.signal(new Signal(SignalType.QUARANTINE, IncidentSeverity.SEV1, "agent-" + i, null, "q", T0, "test", List.of()));
        }
        assertThat(capped.open()).hasSize(3);
        assertThat(capped.incidentsNotOpened()).isEqualTo(2);
    }

    @Test
    void hintsAreRankedAndNeverFillTheHumanRootCause() {
        failCalls("a", "gpt-4o", 10, 0);
        incidents.recordChange(new Change("rollout-v4", Change.Kind.ROLLOUT, "a", "canary 5%", T0.minus(Duration.ofMinutes(15))));
        burn("a");
        Incident incident = incidents.open().get(0);
        assertThat(incident.hints()).extracting(RootCauseHint::type).containsExactly(RootCauseHint.Type.DEPENDENCY,
                RootCauseHint.Type.CHANGE, RootCauseHint.Type.FIRST_FAILURE);
        assertThat(incident.hints().get(1).score()).isEqualTo(0.5);
        assertThat(incidents.postmortem(incident.id()).rootCauses()).isNull();
    }
}
