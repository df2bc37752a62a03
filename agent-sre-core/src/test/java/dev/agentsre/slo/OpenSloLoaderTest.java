package dev.agentsre.slo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.agentsre.event.SreEventBus;
import dev.agentsre.time.ManualClock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OpenSloLoaderTest {

    private final ManualClock clock = ManualClock.at(Instant.parse("2026-03-01T00:00:00Z"));
    private final SreEventBus bus = new SreEventBus();
    private final OpenSloLoader loader = OpenSloLoader.create(clock, bus);

    private static final String TWO_SLOS = String.join("\n",
            "apiVersion: openslo/v1",
            "kind: SLO",
            "metadata:",
            "  name: code-reviewer-reliability",
            "  annotations:",
            "    agentsre.dev/exhaustion-action: throttle",
            "    agentsre.dev/burn-rate-alert: \"3\"",
            "    agentsre.dev/minimum-events: \"50\"",
            "spec:",
            "  description: Code reviews complete",
            "  service: code-reviewer",
            "  indicatorRef: task_success_rate",
            "  budgetingMethod: Occurrences",
            "  timeWindow:",
            "    - duration: 30d",
            "      isRolling: true",
            "  objectives:",
            "    - target: 0.995",
            "---",
            "apiVersion: openslo/v1",
            "kind: Service",
            "metadata:",
            "  name: ignored",
            "---",
            "apiVersion: openslo/v1",
            "kind: SLO",
            "metadata:",
            "  name: support-latency",
            "spec:",
            "  service: support-bot",
            "  indicator:",
            "    metadata:",
            "      name: response_latency",
            "  timeWindow:",
            "    - duration: 7d",
            "      isRolling: true",
            "  objectives:",
            "    - op: lte",
            "      value: 3000",
            "      target: 0.99",
            "");

    @Test
    void loadsOpenSloDocumentsIntoSlos() {
        List<Slo> slos = loader.loadString(TWO_SLOS);
        assertThat(slos).hasSize(2);

        Slo reliability = slos.get(0);
        assertThat(reliability.name()).isEqualTo("code-reviewer-reliability");
        assertThat(reliability.agentId()).isEqualTo("code-reviewer");
        assertThat(reliability.description()).isEqualTo("Code reviews complete");
        assertThat(reliability.eventBus()).isSameAs(bus);
        ErrorBudget budget = reliability.errorBudget();
        assertThat(budget.total()).isCloseTo(0.005, org.assertj.core.api.Assertions.within(1e-12));
        assertThat(budget.window()).isEqualTo(Duration.ofDays(30));
        assertThat(budget.exhaustionAction()).isEqualTo(ExhaustionAction.THROTTLE);
        assertThat(budget.minimumEvents()).isEqualTo(50);
        assertThat(budget.alerts().get(0).rate()).isEqualTo(3.0);
        Sli indicator = reliability.indicator("task_success_rate");
        assertThat(indicator.target()).isEqualTo(0.995);
        assertThat(indicator.clock()).isSameAs(clock);

        PercentileSli latency = (PercentileSli) slos.get(1).indicator("response_latency_p99");
        assertThat(latency.percentile()).isEqualTo(0.99);
        assertThat(latency.target()).isEqualTo(3000);
        assertThat(slos.get(1).errorBudget().window()).isEqualTo(Duration.ofDays(7));
    }

    @Test
    void loadsFromAFile(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("slos.yaml");
        Files.writeString(file, TWO_SLOS);
        assertThat(loader.load(file)).extracting(Slo::name).containsExactly("code-reviewer-reliability", "support-latency");
    }

    @Test
    void ratioIndicatorsMeasuredAsErrorsInvertTheTarget() {
        String yaml = TWO_SLOS.split("---")[0].replace("task_success_rate", "error_rate");
        Sli errorRate = loader.loadString(yaml).get(0).indicator("error_rate");
        assertThat(errorRate.target()).isCloseTo(0.005, org.assertj.core.api.Assertions.within(1e-12));
        assertThat(errorRate.comparison()).isEqualTo(Comparison.AT_MOST);
    }

    private static String firstWith(String from, String to) {
        return TWO_SLOS.split("---")[0].replace(from, to);
    }

    @Test
    void errorsNameTheDocumentAndTheField() {
        assertThatThrownBy(() -> loader.loadString(firstWith("target: 0.995", "target: high")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("document 1: spec.objectives[0].target").hasMessageContaining("high");
        assertThatThrownBy(() -> loader.loadString(firstWith("target: 0.995", "target: 1.5")))
                .hasMessageContaining("spec.objectives[0].target").hasMessageContaining("1.5");
        assertThatThrownBy(() -> loader.loadString(firstWith("duration: 30d", "duration: a month")))
                .hasMessageContaining("spec.timeWindow[0].duration").hasMessageContaining("a month");
        assertThatThrownBy(() -> loader.loadString(firstWith("isRolling: true", "isRolling: false")))
                .hasMessageContaining("spec.timeWindow[0].isRolling");
        assertThatThrownBy(() -> loader.loadString(firstWith("indicatorRef: task_success_rate", "indicatorRef: vibes")))
                .hasMessageContaining("spec.indicatorRef").hasMessageContaining("vibes");
        assertThatThrownBy(() -> loader.loadString(firstWith("exhaustion-action: throttle", "exhaustion-action: panic")))
                .hasMessageContaining("agentsre.dev/exhaustion-action").hasMessageContaining("panic");
        assertThatThrownBy(() -> loader.loadString(firstWith("burn-rate-alert: \"3\"", "burn-rate-alert: \"-3\"")))
                .hasMessageContaining("agentsre.dev/burn-rate-alert").hasMessageContaining("-3");
        assertThatThrownBy(() -> loader.loadString(firstWith("budgetingMethod: Occurrences", "budgetingMethod: Timeslices")))
                .hasMessageContaining("spec.budgetingMethod").hasMessageContaining("Timeslices");
        assertThatThrownBy(() -> loader.loadString(firstWith("apiVersion: openslo/v1", "apiVersion: openslo/v2")))
                .hasMessageContaining("apiVersion").hasMessageContaining("openslo/v2");
        assertThatThrownBy(() -> loader.loadString(firstWith("  name: code-reviewer-reliability\n", "")))
                .hasMessageContaining("metadata.name").hasMessageContaining("required");
        assertThatThrownBy(() -> loader.loadString(TWO_SLOS.replace("      value: 3000\n", "")))
                .hasMessageContaining("document 3: spec.objectives[0].value").hasMessageContaining("required");
        assertThatThrownBy(() -> loader.loadString("apiVersion: [unclosed"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("invalid YAML");
    }
}
