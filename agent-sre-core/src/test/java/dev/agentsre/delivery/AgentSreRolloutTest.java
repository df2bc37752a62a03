package dev.agentsre.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import dev.agentsre.AgentSre;
import dev.agentsre.TaskRefusedException;
import dev.agentsre.anomaly.RiskLevel;
import dev.agentsre.anomaly.RogueAgentDetector;
import dev.agentsre.anomaly.RogueDetectorConfig;
import dev.agentsre.breaker.CircuitBreakerConfig;
import dev.agentsre.breaker.CircuitBreakerRegistry;
import dev.agentsre.cost.BudgetAction;
import dev.agentsre.cost.BudgetScope;
import dev.agentsre.cost.CostAlert;
import dev.agentsre.cost.CostGuard;
import dev.agentsre.cost.PriceTable;
import dev.agentsre.cost.TokenUsage;
import dev.agentsre.event.AgentQuarantined;
import dev.agentsre.event.CostAlertRaised;
import dev.agentsre.event.SreEventBus;
import dev.agentsre.event.TaskRefused;
import dev.agentsre.testing.ManualClock;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Versions that are agents of their own, run as tasks through the AgentSre pipeline. */
class AgentSreRolloutTest {

    record Reply(String text) {
    }

    private final ManualClock clock = ManualClock.at(Instant.parse("2026-11-02T08:00:00Z"));
    private final SreEventBus bus = new SreEventBus();
    private final CostGuard guard = CostGuard.builder().perAgentDailyLimit(100).priceTable(PriceTable.defaults()).clock(clock).eventBus(bus)
            .build();
    private final RogueAgentDetector detector = new RogueAgentDetector(RogueDetectorConfig.builder().build(), bus);
    private final CircuitBreakerRegistry breakers = CircuitBreakerRegistry.of(CircuitBreakerConfig.builder().build(), bus);
    private final AgentSre sre = AgentSre.builder().costGuard(guard).rogueDetector(detector).breakers(breakers).clock(clock).eventBus(bus)
            .build();

    private static AgentVersion<String, String> chatting(String model) {
        return (q, calls) -> calls.llm(model, q, () -> new Reply("hi"), r -> TokenUsage.of(1_000, 200)).text();
    }

    private AgentRollout<String, String> rollout(RollbackTrigger... triggers) {
        return AgentRollout.<String, String>builder("bot-v4")
                .baseline("v3", sre, "bot", chatting("gpt-4o"))
                .candidate("v4", sre, "bot-v4", chatting("gpt-4o-mini"))
                .steps(RolloutStep.canary(0.5).duration("1h")).rollbackOn(triggers).clock(clock).eventBus(bus).build();
    }

    @Test
    void eachVersionRunsAsATaskOfItsAgentAndIsChargedToIt() throws Exception {
        AgentRollout<String, String> rollout = rollout();
        assertThat(rollout.agentId()).as("the baseline's agent").isEqualTo("bot");
        rollout.start();
        for (int i = 0; i < 200; i++) {
            rollout.call("s" + i, "q");
        }
        long baseline = rollout.calls(Variant.BASELINE);
        long candidate = rollout.calls(Variant.CANDIDATE);
        BigDecimal big = PriceTable.defaults().cost("gpt-4o", TokenUsage.of(1_000, 200));
        BigDecimal mini = PriceTable.defaults().cost("gpt-4o-mini", TokenUsage.of(1_000, 200));
        assertThat(guard.snapshot("bot").spentUsd()).isEqualByComparingTo(big.multiply(BigDecimal.valueOf(baseline)));
        assertThat(guard.snapshot("bot-v4").spentUsd()).isEqualByComparingTo(mini.multiply(BigDecimal.valueOf(candidate)));
        RolloutStatus status = rollout.status();
        assertThat(status.candidate().costMeanUsd()).isCloseTo(mini.doubleValue(), org.assertj.core.data.Offset.offset(1e-12));
        assertThat(status.candidate().tokensMean()).isEqualTo(1_200.0);
        assertThat(status.baseline().costMeanUsd()).isCloseTo(big.doubleValue(), org.assertj.core.data.Offset.offset(1e-12));
    }

    @Test
    void aQuarantineOfTheCandidateAgentRollsBack() {
        AgentRollout<String, String> rollout = rollout(RollbackTrigger.quarantine());
        rollout.start();
        bus.publish(new AgentQuarantined(clock.instant(), "bot", RiskLevel.HIGH, List.of("the baseline, not ours")));
        assertThat(rollout.state()).isEqualTo(RolloutState.CANARY);
        bus.publish(new AgentQuarantined(clock.instant(), "bot-v4", RiskLevel.CRITICAL, List.of("tool loop")));
        assertThat(rollout.state()).isEqualTo(RolloutState.ROLLED_BACK);
        assertThat(rollout.status().rollbackEvidence().summary()).isEqualTo("1 'quarantine' signal attributed to the candidate in step 0");
    }

    @Test
    void aCostAnomalyAndAPolicyRefusalOfTheCandidateAreSignals() {
        AgentRollout<String, String> rollout = rollout(RollbackTrigger.parse("cost_anomaly_detected"));
        rollout.start();
        bus.publish(new CostAlertRaised(clock.instant(), "bot-v4", new CostAlert(clock.instant(), "bot-v4", "t", BudgetScope.AGENT,
                "bot-v4", BudgetAction.ALERT, 0.5, BigDecimal.ONE, BigDecimal.TEN, "50 %")));
        assertThat(rollout.state()).as("a plain threshold alert is not an anomaly").isEqualTo(RolloutState.CANARY);
        bus.publish(new CostAlertRaised(clock.instant(), "bot-v4", new CostAlert(clock.instant(), "bot-v4", "t", BudgetScope.AGENT,
                "bot-v4", BudgetAction.ANOMALY, Double.NaN, BigDecimal.ONE, BigDecimal.TEN, "spend velocity")));
        assertThat(rollout.state()).isEqualTo(RolloutState.ROLLED_BACK);

        AgentRollout<String, String> second = AgentRollout.<String, String>builder("bot-v5").baseline("v3", sre, "bot", chatting("gpt-4o"))
                .candidate("v5", sre, "bot-v5", chatting("gpt-4o")).steps(RolloutStep.canary(0.5))
                .rollbackOn(RollbackTrigger.policyViolation()).clock(clock).eventBus(bus).build();
        second.start();
        bus.publish(new TaskRefused(clock.instant(), "bot-v5", "t1", "capability", "tool 'shell' is not in the profile", Duration.ZERO));
        assertThat(second.state()).isEqualTo(RolloutState.ROLLED_BACK);
        second.close();
        rollout.close();
        assertThat(bus.listenerCount()).as("closing unsubscribes").isLessThanOrEqualTo(2);
    }

    @Test
    void aRefusalOfTheCandidatesTaskIsRethrownAndCountedAsACandidateFailure() {
        breakers.get("bot-v4").forceOpen();
        AgentRollout<String, String> rollout = rollout();
        rollout.start();
        int refused = 0;
        for (int i = 0; i < 100; i++) {
            try {
                rollout.call("s" + i, "q");
            } catch (TaskRefusedException e) {
                refused++;
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        }
        assertThat(refused).isEqualTo(rollout.calls(Variant.CANDIDATE)).isPositive();
        assertThat(rollout.status().candidate().errorRate()).isEqualTo(1.0);
        assertThat(rollout.status().baseline().errorRate()).isEqualTo(0.0);
    }
}
