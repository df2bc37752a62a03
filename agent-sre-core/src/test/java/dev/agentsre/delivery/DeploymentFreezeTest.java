package dev.agentsre.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.agentsre.AgentSre;
import dev.agentsre.event.DeliveryEvent;
import dev.agentsre.event.RolloutStateChanged;
import dev.agentsre.event.SreEventBus;
import dev.agentsre.slo.ErrorBudget;
import dev.agentsre.slo.ExhaustionAction;
import dev.agentsre.slo.Slis;
import dev.agentsre.slo.Slo;
import dev.agentsre.testing.ManualClock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** The error-budget policy made real: an exhausted FREEZE_DEPLOYMENTS SLO stops rollouts from starting or advancing. */
class DeploymentFreezeTest {

    private final ManualClock clock = ManualClock.at(Instant.parse("2026-11-02T08:00:00Z"));
    private final SreEventBus bus = new SreEventBus();

    private Slo slo(String agent) {
        Slo.Builder b = Slo.builder("bot-reliability");
        if (agent != null) {
            b.agentId(agent);
        }
        return b.indicator(Slis.taskSuccessRate().clock(clock).build())
                .errorBudget(ErrorBudget.builder().total(0.01).exhaustionAction(ExhaustionAction.FREEZE_DEPLOYMENTS)
                        .projectAllowance(false).clock(clock).build()) // the 50 failures below stand for a whole window
                .clock(clock).eventBus(bus).build();
    }

    private static void exhaust(Slo slo) {
        for (int i = 0; i < 50; i++) {
            slo.recordEvent(false);
        }
        slo.evaluate();
    }

    private AgentRollout.Builder<String, String> rollout(DeploymentFreeze freeze) {
        return AgentRollout.<String, String>builder("bot-v4").agent("bot").baseline("v3", AgentVersion.of(q -> "a"))
                .candidate("v4", AgentVersion.of(q -> "b")).steps(RolloutStep.canary(0.1).duration("1h"), RolloutStep.canary(0.5))
                .freeze(freeze).clock(clock).eventBus(bus);
    }

    @Test
    void anExhaustedFreezeSloMakesStartThrowWhileAbortStillWorks() {
        Slo slo = slo("bot");
        AgentRollout<String, String> rollout = rollout(DeploymentFreeze.of(slo)).build();
        exhaust(slo);
        assertThatThrownBy(rollout::start).isInstanceOf(DeploymentFrozenException.class)
                .hasMessageContaining("deployments of agent 'bot' are frozen")
                .satisfies(e -> assertThat(((DeploymentFrozenException) e).agentId()).isEqualTo("bot"));
        assertThat(rollout.state()).isEqualTo(RolloutState.PENDING);
        assertThat(rollout.abort("the budget is gone")).isTrue();
        assertThat(rollout.state()).isEqualTo(RolloutState.ABORTED);
    }

    @Test
    void anotherAgentsFreezeDoesNotApplyButAFleetWideSloFreezesEveryAgent() {
        Slo other = slo("other-bot");
        exhaust(other);
        AgentRollout<String, String> rollout = rollout(DeploymentFreeze.of(other)).build();
        rollout.start();
        assertThat(rollout.state()).isEqualTo(RolloutState.CANARY);

        Slo fleet = slo(null);
        exhaust(fleet);
        assertThatThrownBy(() -> rollout(DeploymentFreeze.of(fleet)).build().start()).isInstanceOf(DeploymentFrozenException.class);
    }

    @Test
    void theFreezeOfTheAgentSrePipelineApplies() {
        Slo slo = slo("bot");
        AgentSre sre = AgentSre.builder().slo(slo).eventBus(bus).clock(clock).build();
        AgentRollout<String, String> rollout = rollout(DeploymentFreeze.of(sre)).build();
        exhaust(slo); // publishes SloStatusChanged(EXHAUSTED) which the pipeline turns into its freeze flag
        assertThat(sre.deploymentsFrozen("bot")).isTrue();
        assertThatThrownBy(rollout::start).isInstanceOf(DeploymentFrozenException.class);
    }

    @Test
    void aFreezeFollowedFromEventsPausesAReadyStepUntilItLiftsAndRefusesPromotionButNotRollback() {
        List<DeliveryEvent> events = new CopyOnWriteArrayList<>();
        bus.subscribe(DeliveryEvent.class, events::add);
        Slo slo = slo("bot");
        try (DeploymentFreeze.EventWatch watch = DeploymentFreeze.fromEvents(bus)) {
            AgentRollout<String, String> rollout = rollout(watch).build();
            rollout.start();
            exhaust(slo);
            assertThat(watch.isFrozen("bot")).isTrue();
            assertThat(watch.isFrozen("someone-else")).isFalse();
            assertThatThrownBy(rollout::promote).isInstanceOf(DeploymentFrozenException.class);
            assertThatThrownBy(rollout::promoteFully).isInstanceOf(DeploymentFrozenException.class);
            assertThat(rollout.state()).isEqualTo(RolloutState.CANARY);

            clock.advance(Duration.ofHours(1));
            assertThat(rollout.evaluate()).isEqualTo(RolloutState.PAUSED);
            assertThat(rollout.status().pauseReason()).isEqualTo(PauseReason.FROZEN);
            assertThat(rollout.status().weight()).as("the exposure stays as it was").isEqualTo(0.1);
            assertThat(((RolloutStateChanged) events.get(events.size() - 1)).reason()).contains("frozen, so it waits for the freeze to lift");
            assertThatThrownBy(rollout::resume).isInstanceOf(DeploymentFrozenException.class);

            // The budget recovers: many good events, then the SLO is evaluated again.
            for (int i = 0; i < 10_000; i++) {
                slo.recordEvent(true);
            }
            slo.evaluate();
            assertThat(watch.isFrozen("bot")).isFalse();
            rollout.evaluate();
            assertThat(rollout.state()).isEqualTo(RolloutState.CANARY);
            assertThat(rollout.status().weight()).isEqualTo(0.5);

            exhaust(slo);
            assertThat(rollout.rollback("still bad")).isTrue();
        }
    }
}
