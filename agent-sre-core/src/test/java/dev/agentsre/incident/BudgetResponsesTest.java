package dev.agentsre.incident;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.agentsre.AgentSre;
import dev.agentsre.BudgetExceededException;
import dev.agentsre.ThrottledException;
import dev.agentsre.cost.BudgetState;
import dev.agentsre.cost.CostGuard;
import dev.agentsre.event.IncidentResponseExecuted;
import dev.agentsre.event.SreEventBus;
import dev.agentsre.testing.ManualClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.assertj.core.groups.Tuple;
import org.junit.jupiter.api.Test;

/** The throttle, kill and revive responses act on a real {@link CostGuard} through {@link BudgetControl#of}, end to end. */
class BudgetResponsesTest {

    private static final Instant T0 = Instant.parse("2026-11-25T10:00:00Z");

    private final ManualClock clock = ManualClock.at(T0);
    private final SreEventBus bus = new SreEventBus();
    private final List<IncidentResponseExecuted> executed = new ArrayList<>();

    BudgetResponsesTest() {
        bus.subscribe(IncidentResponseExecuted.class, executed::add);
    }

    @Test
    void anIncidentThrottlesThenKillsTheAgentForRealAndRevivesItOnResolve() throws Exception {
        CostGuard guard = CostGuard.builder().throttledTasksPerMinute(6).clock(clock).eventBus(bus).build();
        AgentSre sre = AgentSre.builder().clock(clock).eventBus(bus).costGuard(guard).build();
        IncidentManager incidents = IncidentManager.builder().clock(clock).eventBus(bus).responseExecutor(Runnable::run)
                .controls(Controls.builder().budgets(BudgetControl.of(guard)).build())
                .respond(SignalType.COST_ANOMALY, Responses.throttle(Responses.Target.PRIMARY_AGENT))
                .respond(IncidentSeverity.SEV1, Responses.kill(Responses.Target.AFFECTED_AGENTS))
                .respondOnResolve(Responses.revive(Responses.Target.AFFECTED_AGENTS))
                .build();
        bus.subscribe(incidents);

        incidents.signal(new Signal(SignalType.COST_ANOMALY, IncidentSeverity.SEV2, "a", null, "spend spike", T0, "test", List.of()));
        Incident incident = incidents.open().get(0);
        assertThat(guard.state("a")).isEqualTo(BudgetState.THROTTLED);
        assertThat(guard.manualEnforcement("a")).hasValueSatisfying(m -> assertThat(m.reason()).isEqualTo("incident " + incident.id()));
        String first = sre.agent("a").task("t1").call(ctx -> "admitted at the throttled rate");
        assertThat(first).isEqualTo("admitted at the throttled rate");
        assertThatThrownBy(() -> sre.agent("a").task("t2").call(ctx -> "refused")).isInstanceOf(ThrottledException.class)
                .satisfies(e -> assertThat(((ThrottledException) e).retryAfter()).isEqualTo(Duration.ofSeconds(10)));

        incidents.signal(new Signal(SignalType.QUARANTINE, IncidentSeverity.SEV1, "a", null, "quarantined", T0, "test", List.of()));
        assertThat(guard.state("a")).isEqualTo(BudgetState.KILLED);
        clock.advance(Duration.ofMinutes(1));
        assertThatThrownBy(() -> sre.agent("a").task("t3").call(ctx -> "refused")).isInstanceOf(BudgetExceededException.class)
                .hasMessageContaining("killed by hand until revived: incident " + incident.id());

        // The guard's own events are signals of the same incident, never a second one.
        assertThat(incidents.all()).hasSize(1);
        assertThat(incident.signals()).extracting(IncidentSignal::type).contains(SignalType.COST_THROTTLE, SignalType.COST_KILL);
        assertThat(executed).extracting(IncidentResponseExecuted::response, IncidentResponseExecuted::status, IncidentResponseExecuted::detail)
                .containsExactly(Tuple.tuple("throttle(primary_agent)", ResponseStatus.SUCCEEDED, "throttle done for a"),
                        Tuple.tuple("kill(affected_agents)", ResponseStatus.SUCCEEDED, "kill done for a"));
        assertThat(incident.timeline()).extracting(TimelineEntry::text)
                .contains("throttle(primary_agent) SUCCEEDED on a: throttle done for a", "kill(affected_agents) SUCCEEDED on a: kill done for a");

        incident.resolve("alice", "spend understood");
        assertThat(guard.state("a")).isEqualTo(BudgetState.ACTIVE);
        assertThat(executed.get(2).response()).isEqualTo("revive(affected_agents)");
        assertThat(executed.get(2).status()).isEqualTo(ResponseStatus.SUCCEEDED);
        String after = sre.agent("a").task("t4").call(ctx -> "runs again");
        assertThat(after).isEqualTo("runs again");
    }

    @Test
    void aKillTheGuardCannotCarryOutIsRecordedAsFailedWithTheGuardsReason() {
        CostGuard guard = CostGuard.builder().maxAgents(1).clock(clock).eventBus(bus).build();
        guard.kill("busy", "another incident"); // the one slot is pinned
        IncidentManager incidents = IncidentManager.builder().clock(clock).eventBus(bus).responseExecutor(Runnable::run)
                .controls(Controls.builder().budgets(BudgetControl.of(guard)).build())
                .respond(IncidentSeverity.SEV1, Responses.kill(Responses.Target.PRIMARY_AGENT))
                .build();
        incidents.signal(new Signal(SignalType.QUARANTINE, IncidentSeverity.SEV1, "a", null, "q", T0, "test", List.of()));

        assertThat(executed).singleElement().satisfies(e -> {
            assertThat(e.response()).isEqualTo("kill(primary_agent)");
            assertThat(e.status()).isEqualTo(ResponseStatus.FAILED);
            assertThat(e.detail()).startsWith("failed for a: the cost guard tracks its cap of 1 agents").contains("raise maxAgents");
        });
        Incident incident = incidents.open().get(0);
        assertThat(incident.timeline()).extracting(TimelineEntry::text).anyMatch(t -> t.startsWith("kill(primary_agent) FAILED on a:"));
        assertThat(guard.agents()).containsExactly("busy");
    }
}
