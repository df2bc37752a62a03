package dev.agentsre.incident;

import static org.assertj.core.api.Assertions.assertThat;

import dev.agentsre.AgentSre;
import dev.agentsre.alert.Alert;
import dev.agentsre.alert.AlertSink;
import dev.agentsre.alert.EventAlertMapping;
import dev.agentsre.breaker.CircuitBreakerConfig;
import dev.agentsre.breaker.CircuitBreakerRegistry;
import dev.agentsre.delivery.AgentRollout;
import dev.agentsre.delivery.AgentVersion;
import dev.agentsre.delivery.Evidence;
import dev.agentsre.delivery.RolloutState;
import dev.agentsre.delivery.RolloutStep;
import dev.agentsre.event.RolloutRolledBack;
import dev.agentsre.event.RolloutStateChanged;
import dev.agentsre.event.SreEventBus;
import dev.agentsre.testing.ManualClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The topology fed by the real pipeline's call guard; rollouts as changes, rollbacks as alerts and incidents, and as a control. */
class PipelineAndDeliveryIntegrationTest {

    private static final Instant T0 = Instant.parse("2026-11-25T10:00:00Z");

    private final ManualClock clock = ManualClock.at(T0);
    private final SreEventBus bus = new SreEventBus();
    private final List<IncidentManager> managers = new ArrayList<>();

    @Test
    void thePipelinesCallGuardTeachesTheTopologyWhoCallsWhatAndWhatFails() throws Exception {
        DependencyTopology topology = DependencyTopology.builder().clock(clock).build();
        CircuitBreakerRegistry providerBreakers = CircuitBreakerRegistry.of(CircuitBreakerConfig.builder().failureThreshold(3)
                .recoveryTimeout(Duration.ofSeconds(30)).clock(clock).build(), bus);
        AgentSre sre = AgentSre.builder().eventBus(bus).dependencyBreakers(providerBreakers).guard(topology.guard()).clock(clock).build();
        for (String agent : List.of("a", "b")) {
            sre.agent(agent).task("ok-" + agent).call(ctx -> {
                ctx.tool("search", Map.of("q", "x"), () -> "docs");
                return ctx.llm("gpt-4o", "q", () -> "answer");
            });
        }
        assertThat(topology.dependenciesOf("a")).containsExactly("gpt-4o", "search");
        assertThat(topology.kindOf("gpt-4o")).isEqualTo(DependencyKind.MODEL);
        assertThat(topology.dependents("gpt-4o")).containsExactly("a", "b");

        for (int i = 0; i < 6; i++) { // the provider fails; after 3 failures its breaker refuses calls without running them
            try {
                sre.agent(i % 2 == 0 ? "a" : "b").task("t" + i).call(ctx -> ctx.llm("gpt-4o", "q", () -> {
                    throw new IllegalStateException("503 from the provider");
                }));
            } catch (Exception expected) {
                // the task fails
            }
        }
        DependencyTopology.Health health = topology.health("gpt-4o", clock.instant());
        assertThat(health.calls()).isEqualTo(8);
        assertThat(health.failures()).isEqualTo(6); // 3 that ran and failed, 3 refused by the open breaker
        assertThat(health.failing()).isTrue();
        assertThat(topology.isFailing("search", clock.instant())).isFalse();
    }

    /** A manager on the bus that sees bot-v4 start a 5% canary and, 3 minutes later, roll back on its burn rate; returns the rollback. */
    private RolloutRolledBack canaryRolledBackAfterThreeMinutes() {
        IncidentManager incidents = IncidentManager.builder().clock(clock).eventBus(bus).responseExecutor(Runnable::run).build();
        bus.subscribe(incidents);
        managers.add(incidents);
        bus.publish(new RolloutStateChanged(T0, "bot", "bot-v4", RolloutState.PENDING, RolloutState.CANARY, 0, 0.05, null, "started"));
        clock.advance(Duration.ofMinutes(3));
        Evidence evidence = new Evidence(Evidence.BURN_RATE, "error_rate", "candidate burn rate 22x over 1h and 5m", Map.of("burn_rate", 22.0));
        RolloutRolledBack rolledBack = new RolloutRolledBack(clock.instant(), "bot", "bot-v4", RolloutState.CANARY, 0, 0.05, evidence);
        bus.publish(rolledBack);
        return rolledBack;
    }

    @Test
    void rolloutStepsAreChangesAndARollbackIsAnAlertAndAnIncidentAlreadyMitigated() {
        RolloutRolledBack rolledBack = canaryRolledBackAfterThreeMinutes();
        IncidentManager incidents = managers.get(0);

        Incident incident = incidents.all().get(0);
        assertThat(incident.state()).isEqualTo(IncidentState.MITIGATED);
        assertThat(incident.severity()).isEqualTo(IncidentSeverity.SEV3);
        assertThat(incident.signals()).extracting(IncidentSignal::type).containsExactly(SignalType.ROLLOUT_ROLLED_BACK);
        assertThat(incident.changes()).extracting(Change::id).containsExactly("bot-v4@step-0");
        RootCauseHint change = incident.hints().stream().filter(h -> h.type() == RootCauseHint.Type.CHANGE).findFirst().orElseThrow();
        assertThat(change.evidence().get(0).text()).contains("rollout bot-v4 canary step 0 at 5.0%");

        List<String> fired = new ArrayList<>();
        EventAlertMapping.defaults().apply(rolledBack, new AlertSink() {
            @Override
            public void fire(Alert alert) {
                fired.add(alert.name() + alert.labels() + " " + alert.severity().label() + ": " + alert.annotation(Alert.SUMMARY));
            }

            @Override
            public void resolve(Alert alert) {
                fired.add("resolve");
            }
        });
        assertThat(fired).containsExactly("RolloutRolledBack{agent_id=bot, alertname=RolloutRolledBack, rollout=bot-v4} warning: "
                + "rollout bot-v4 rolled back at 5.00% traffic: candidate burn rate 22x over 1h and 5m");
    }

    @Test
    void aRollbackIsAChangeThatLaterIncidentsOfItsAgentAreLinkedToButNeverTheCauseOfItsOwnIncident() {
        canaryRolledBackAfterThreeMinutes();
        IncidentManager incidents = managers.get(0);
        Incident rollbackIncident = incidents.all().get(0);
        assertThat(rollbackIncident.changes()).extracting(Change::id).containsExactly("bot-v4@step-0");

        clock.advance(Duration.ofMinutes(10)); // past the correlation window: a new problem of the same agent
        incidents.signal(new Signal(SignalType.SLO_BREACH, IncidentSeverity.SEV2, "bot", "bot-slo/fast_burn", "burning", clock.instant(),
                "test", List.of()));
        Incident later = incidents.all().get(1);
        assertThat(later.changes()).extracting(Change::id).containsExactly("bot-v4@step-0", "bot-v4@rolled-back");
        assertThat(later.changes().get(1).description())
                .isEqualTo("rollout bot-v4 rolled back from 5.0% to the baseline: candidate burn rate 22x over 1h and 5m");
        RootCauseHint top = later.hints().stream().filter(h -> h.type() == RootCauseHint.Type.CHANGE).findFirst().orElseThrow();
        assertThat(top.subject()).isEqualTo("bot-v4@rolled-back");
        assertThat(top.evidence().get(0).text()).contains("10m before the impact");
    }

    @Test
    void theRollbackResponseRollsBackTheAgentsRealRolloutAndItsRolledBackSignalJoinsTheSameIncident() throws Exception {
        AgentRollout<String, String> rollout = AgentRollout.<String, String>builder("bot-v4").agent("bot")
                .baseline("v3", AgentVersion.of(q -> "v3")).candidate("v4", AgentVersion.of(q -> "v4"))
                .steps(RolloutStep.canary(1.0).duration("1h")).clock(clock).eventBus(bus).build();
        List<dev.agentsre.event.IncidentResponseExecuted> executed = new ArrayList<>();
        bus.subscribe(dev.agentsre.event.IncidentResponseExecuted.class, executed::add);
        IncidentManager incidents = IncidentManager.builder().clock(clock).eventBus(bus).responseExecutor(Runnable::run)
                .controls(Controls.builder().rollouts(RolloutControl.of(List.of(rollout))).build())
                .respond(SignalType.SLO_BREACH, Responses.rollback(Responses.Target.PRIMARY_AGENT))
                .build();
        bus.subscribe(incidents);
        rollout.start();
        assertThat(rollout.call("session-1", "q")).isEqualTo("v4");
        clock.advance(Duration.ofMinutes(5));

        incidents.signal(new Signal(SignalType.SLO_BREACH, IncidentSeverity.SEV2, "bot", "bot-slo/fast_burn", "burning", clock.instant(),
                "test", List.of()));
        Incident incident = incidents.open().get(0);
        assertThat(rollout.state()).isEqualTo(RolloutState.ROLLED_BACK);
        assertThat(rollout.call("session-1", "q")).isEqualTo("v3"); // every session is on the baseline from its next call
        assertThat(rollout.status().toString()).contains("rolled back by hand: incident " + incident.id());
        assertThat(executed).singleElement().satisfies(e -> {
            assertThat(e.response()).isEqualTo("rollback(primary_agent)");
            assertThat(e.status()).isEqualTo(ResponseStatus.SUCCEEDED);
            assertThat(e.target()).isEqualTo("bot");
        });
        assertThat(incidents.all()).hasSize(1);
        assertThat(incident.signals()).extracting(IncidentSignal::type).containsExactly(SignalType.SLO_BREACH, SignalType.ROLLOUT_ROLLED_BACK);
        assertThat(incident.changes()).extracting(Change::id).containsExactly("bot-v4@step-0");

        // A second incident of the agent finds no active rollout: the response fails and says why.
        clock.advance(Duration.ofHours(2));
        incident.resolve("alice", "rolled back");
        incidents.signal(new Signal(SignalType.SLO_BREACH, IncidentSeverity.SEV2, "bot", "bot-slo/slow_burn", "burning", clock.instant(),
                "test", List.of()));
        assertThat(executed).last().satisfies(e -> {
            assertThat(e.status()).isEqualTo(ResponseStatus.FAILED);
            assertThat(e.detail()).isEqualTo("failed for bot: agent 'bot' has no active rollout");
        });
    }

    @Test
    void aRolloutControlRollsBackARealRollout() {
        AgentRollout<String, String> rollout = AgentRollout.<String, String>builder("bot-v4").agent("bot")
                .baseline("v3", AgentVersion.of(q -> "v3")).candidate("v4", AgentVersion.of(q -> "v4"))
                .steps(RolloutStep.canary(0.5).duration("1h")).clock(clock).eventBus(bus).build();
        rollout.start();
        RolloutControl control = RolloutControl.of(List.of(rollout));
        assertThat(control.pause("bot", "incident INC-1")).isTrue();
        assertThat(rollout.state()).isEqualTo(RolloutState.PAUSED);
        assertThat(control.resume("bot")).isTrue();
        assertThat(control.rollBack("bot", "incident INC-1")).isTrue();
        assertThat(rollout.state()).isEqualTo(RolloutState.ROLLED_BACK);
        assertThat(control.rollBack("bot", "again")).isFalse();
        assertThat(control.rollBack("other", "x")).isFalse();
    }
}
