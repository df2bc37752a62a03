package dev.agentsre.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.agentsre.slo.Comparison;
import dev.agentsre.testing.ManualClock;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class AgentRolloutSpecTest {

    /** The reference overview's YAML, byte for byte (src/test/resources/delivery/agent-sre.yaml). */
    static String referenceYaml() {
        try (InputStream in = AgentRolloutSpecTest.class.getResourceAsStream("/delivery/agent-sre.yaml")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void theReferenceYamlLoadsAsFourStepsAndThreeRollbackTriggersWithTheRightValues() {
        AgentRolloutSpec spec = AgentRolloutSpec.parse(referenceYaml());

        assertThat(spec.apiVersion()).isEqualTo("agent-sre/v1");
        assertThat(spec.name()).isEqualTo("support-bot-v4");
        assertThat(spec.steps()).hasSize(4);
        RolloutStep shadow = spec.steps().get(0);
        assertThat(shadow.kind()).isEqualTo(RolloutStep.Kind.SHADOW);
        assertThat(shadow.weight()).isEqualTo(1.0);
        assertThat(shadow.duration()).contains(Duration.ofHours(1));
        assertThat(shadow.gates()).containsExactly(Gate.threshold("task_success_rate", 0.99));
        RolloutStep five = spec.steps().get(1);
        assertThat(five.kind()).isEqualTo(RolloutStep.Kind.CANARY);
        assertThat(five.weight()).isEqualTo(0.05);
        assertThat(five.duration()).contains(Duration.ofHours(2));
        assertThat(five.gates()).containsExactly(Gate.threshold("response_quality_score", 0.95), Gate.maxIncrease("cost_per_task", 0.20));
        assertThat(spec.steps().get(2).weight()).isEqualTo(0.25);
        assertThat(spec.steps().get(2).duration()).contains(Duration.ofHours(4));
        assertThat(spec.steps().get(2).gates()).isEmpty();
        assertThat(spec.steps().get(3).weight()).isEqualTo(1.0);
        assertThat(spec.steps().get(3).duration()).isEmpty();

        assertThat(spec.automaticRollback()).isTrue();
        assertThat(spec.rollbackOn()).containsExactly(
                RollbackTrigger.burnRateAbove(5.0),
                RollbackTrigger.threshold("policy_violations", RollbackTrigger.Operator.GT, 0),
                RollbackTrigger.signal("cost_anomaly"));
    }

    @Test
    void itRoundTrips() {
        AgentRolloutSpec spec = AgentRolloutSpec.parse(referenceYaml());
        String written = spec.toYaml();
        assertThat(AgentRolloutSpec.parse(written)).isEqualTo(spec);
        assertThat(written).contains("shadow: 100%").contains("canary: 5%").contains("max_increase: 20%")
                .contains("- error_budget_burn_rate > 5.0").contains("- policy_violations > 0.0").contains("- cost_anomaly_detected");

        AgentRolloutSpec everything = new AgentRolloutSpec(AgentRolloutSpec.UPSTREAM_API_VERSION, "bot-v5", "bot",
                java.util.List.of(RolloutStep.shadow(0.125).duration("45m").minSamples(50).maxDuration("2h")
                                .gate(Gate.atLeast("similarity", 0.9)).gate(Gate.maxDecrease("response_quality_score", 0.05)),
                        RolloutStep.pause(), RolloutStep.canary(0.07).gate(Gate.atMost("response_latency_p95", 5000)),
                        RolloutStep.pause().duration("30m"), RolloutStep.canary(1.0)),
                false, java.util.List.of(RollbackTrigger.sequentialRegression("error_rate", 0.01),
                        RollbackTrigger.sequentialRegression("response_latency"), RollbackTrigger.quarantine(),
                        RollbackTrigger.threshold("error_rate", RollbackTrigger.Operator.GE, 0.1)));
        assertThat(AgentRolloutSpec.parse(everything.toYaml())).isEqualTo(everything);
    }

    @Test
    void aCanaryOf150PercentIsAnErrorNamingTheField() {
        String yaml = referenceYaml().replace("canary: 5%", "canary: 150%");
        assertThatThrownBy(() -> AgentRolloutSpec.parse(yaml)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("spec.strategy.steps[1].canary: must be between 0% (exclusive) and 100%, got 150%");
    }

    @Test
    void everyOtherMistakeNamesItsPath() {
        String yaml = referenceYaml();
        assertError(yaml.replace("agent-sre/v1", "v2"), "apiVersion: must be agent-sre/v1 or agent-sre.io/v1alpha1, got v2");
        assertError(yaml.replace("kind: AgentRollout", "kind: Rollout"), "kind: must be AgentRollout, got Rollout");
        assertError(yaml.replace("  name: support-bot-v4", "  labels: {}"), "metadata.name: is required");
        assertError(yaml.replace("duration: 2h", "duration: 2 hours"), "spec.strategy.steps[1].duration: ");
        assertError(yaml.replace("duration: 2h", "durration: 2h"), "spec.strategy.steps[1].durration: unknown field");
        assertError(yaml.replace("canary: 25%", "canary: 25"), "spec.strategy.steps[2].canary: a bare number must be a fraction");
        assertError(yaml.replace("canary: 25%", "canary: 4%"), "spec.strategy.steps[2].canary: must not be lower than the previous canary's 5%");
        assertError(yaml.replace("max_increase: 20%", "max_increase: lots"), "spec.strategy.steps[1].analysis[1].max_increase: must be");
        assertError(yaml.replace("            threshold: 0.99", "            minimum: 0.99"),
                "spec.strategy.steps[0].analysis[0].minimum: unknown field");
        assertError(yaml.replace("- policy_violations > 0", "- policy_violations > many"), "spec.strategy.rollback.on[1]: ");
        assertError(yaml.replace("automatic: true", "automatic: yes please"), "spec.strategy.rollback.automatic: must be true or false");
        assertError(yaml.replace("type: canary", "type: blueGreen"), "spec.strategy.type: must be canary");
        assertError(yaml.replace("- canary: 100%      # Full rollout", "- shadow: 50%"),
                "spec.strategy.steps[3].shadow: a shadow step must come before the canary steps");
        assertError("apiVersion: [", "invalid YAML");
    }

    @Test
    void theUpstreamWeightDialectAndPauseForms() {
        AgentRolloutSpec spec = AgentRolloutSpec.parse("apiVersion: agent-sre.io/v1alpha1\nkind: AgentRollout\nmetadata: {name: r}\n"
                + "spec:\n  agent: bot\n  strategy:\n    steps:\n      - weight: 0.05\n        duration: PT30M\n      - pause: {}\n"
                + "      - pause: {duration: 10m}\n      - pause: true\n      - canary: 0.5\n        analysis:\n"
                + "          - {metric: error_rate, max: 0.02}\n          - {metric: task_success_rate, min: 0.98}\n");
        assertThat(spec.agent()).isEqualTo("bot");
        assertThat(spec.steps()).containsExactly(RolloutStep.canary(0.05).duration("30m"), RolloutStep.pause(), RolloutStep.pause().duration("10m"),
                RolloutStep.pause(), RolloutStep.canary(0.5).gate(Gate.atMost("error_rate", 0.02)).gate(Gate.atLeast("task_success_rate", 0.98)));
        assertThat(spec.rollbackOn()).isEmpty();
        assertThat(spec.automaticRollback()).isTrue();
    }

    @Test
    void aRolloutBuiltFromTheReferenceSpecRunsItsStepsWithDeclaredScores() throws Exception {
        ManualClock clock = ManualClock.at(Instant.parse("2026-11-02T08:00:00Z"));
        AgentRolloutSpec spec = AgentRolloutSpec.parse(referenceYaml());
        assertThatThrownBy(() -> AgentRollout.<String, String>builder(spec).agent("support-bot")
                .baseline("v3", AgentVersion.of(q -> "a")).candidate("v4", AgentVersion.of(q -> "a")).build())
                .hasMessageContaining("metric 'response_quality_score' is unknown");
        AgentRollout<String, String> rollout = AgentRollout.<String, String>builder(spec).agent("support-bot")
                .baseline("v3", AgentVersion.of(q -> "a")).candidate("v4", AgentVersion.of(q -> "a"))
                .score("response_quality_score", Comparison.AT_LEAST, (q, a) -> 0.97)
                .shadowExecutor(Runnable::run).clock(clock).build();
        assertThat(rollout.name()).isEqualTo("support-bot-v4");
        assertThat(rollout.steps().get(0).gates().get(0)).isEqualTo(Gate.atLeast("task_success_rate", 0.99));
        assertThat(rollout.triggers()).hasSize(3);
        rollout.start();
        assertThat(rollout.state()).isEqualTo(RolloutState.SHADOW);
        for (int i = 0; i < 300; i++) {
            rollout.call("s" + i, "q");
        }
        clock.advance(Duration.ofHours(1));
        rollout.evaluate();
        assertThat(rollout.state()).isEqualTo(RolloutState.CANARY);
        assertThat(rollout.status().weight()).isEqualTo(0.05);
        for (int i = 0; i < 4_000; i++) {
            rollout.call("s" + i, "q");
        }
        clock.advance(Duration.ofHours(2));
        rollout.evaluate();
        assertThat(rollout.status().weight()).isEqualTo(0.25);
        clock.advance(Duration.ofHours(4));
        rollout.evaluate();
        rollout.evaluate();
        assertThat(rollout.state()).isEqualTo(RolloutState.PROMOTED);
    }

    @Test
    void triggerExpressionsParseAndPrint() {
        assertThat(RollbackTrigger.parse("error_budget_burn_rate >= 2").kind()).isEqualTo(RollbackTrigger.Kind.BURN_RATE);
        assertThat(RollbackTrigger.parse("error_budget_burn_rate < 2").kind()).isEqualTo(RollbackTrigger.Kind.THRESHOLD);
        assertThat(RollbackTrigger.parse("quarantine")).isEqualTo(RollbackTrigger.quarantine());
        assertThat(RollbackTrigger.parse(" error_rate != 0.5 ").operator()).isEqualTo(RollbackTrigger.Operator.NE);
        assertThat(RollbackTrigger.parse("sequential(error_rate, 0.01)")).isEqualTo(RollbackTrigger.sequentialRegression("error_rate", 0.01));
        assertThat(RollbackTrigger.costAnomaly().expression()).isEqualTo("cost_anomaly_detected");
        assertThatThrownBy(() -> RollbackTrigger.parse("a > b > c")).hasMessageContaining("'a > b > c'");
        assertThatThrownBy(() -> RollbackTrigger.parse("burn!!")).hasMessageContaining("is not a rollback condition");
        assertThatThrownBy(() -> RollbackTrigger.sequentialRegression("error_rate", 1.5)).hasMessageContaining("alpha");
        assertThatThrownBy(() -> RollbackTrigger.burnRateAbove(0)).hasMessageContaining("burn rate factor");
    }

    private static void assertError(String yaml, String message) {
        assertThatThrownBy(() -> AgentRolloutSpec.parse(yaml)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining(message);
    }
}
