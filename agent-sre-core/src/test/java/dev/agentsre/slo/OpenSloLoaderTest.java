package dev.agentsre.slo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.agentsre.event.SreEventBus;
import dev.agentsre.testing.ManualClock;
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
            "  budgetingMethod: Occurrences",
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
        assertThat(budget.alerts().get(0).rate()).isEqualTo(3.0); // the single-window alert, on by annotation
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
                .hasMessageContaining("spec.timeWindow[0].calendar").hasMessageContaining("required");
        assertThatThrownBy(() -> loader.loadString(firstWith("indicatorRef: task_success_rate", "indicatorRef: vibes")))
                .hasMessageContaining("document 1: spec.indicatorRef").hasMessageContaining("vibes");
        assertThatThrownBy(() -> loader.loadString(firstWith("exhaustion-action: throttle", "exhaustion-action: panic")))
                .hasMessageContaining("agentsre.dev/exhaustion-action").hasMessageContaining("panic");
        assertThatThrownBy(() -> loader.loadString(firstWith("burn-rate-alert: \"3\"", "burn-rate-alert: \"-3\"")))
                .hasMessageContaining("agentsre.dev/burn-rate-alert").hasMessageContaining("-3");
        assertThatThrownBy(() -> loader.loadString(firstWith("budgetingMethod: Occurrences", "budgetingMethod: Timeslices")))
                .hasMessageContaining("spec.objectives[0].timeSliceWindow").hasMessageContaining("Timeslices");
        assertThatThrownBy(() -> loader.loadString(firstWith("budgetingMethod: Occurrences", "budgetingMethod: Sometimes")))
                .hasMessageContaining("spec.budgetingMethod").hasMessageContaining("Sometimes");
        assertThatThrownBy(() -> loader.loadString(firstWith("apiVersion: openslo/v1", "apiVersion: openslo/v2")))
                .hasMessageContaining("apiVersion").hasMessageContaining("openslo/v2");
        assertThatThrownBy(() -> loader.loadString(firstWith("  name: code-reviewer-reliability\n", "")))
                .hasMessageContaining("metadata.name").hasMessageContaining("required");
        assertThatThrownBy(() -> loader.loadString(TWO_SLOS.replace("      value: 3000\n", "")))
                .hasMessageContaining("document 3: spec.objectives[0].value").hasMessageContaining("required");
        assertThatThrownBy(() -> loader.loadString("apiVersion: [unclosed"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("invalid YAML");
    }

    private static String slo(String timeWindow, String objectives, String extra) {
        return String.join("\n",
                "apiVersion: openslo/v1",
                "kind: SLO",
                "metadata:",
                "  name: checkout",
                "spec:",
                "  service: checkout-agent",
                "  indicator:",
                "    metadata:",
                "      name: checkout-requests",
                "    spec:",
                "      ratioMetric:",
                "        good: {metricSource: {type: Any}}",
                "        total: {metricSource: {type: Any}}",
                "  budgetingMethod: Occurrences",
                timeWindow,
                "  objectives:",
                objectives,
                extra,
                "");
    }

    private static final String ROLLING_MONTH = "  timeWindow:\n    - duration: 1M\n      isRolling: true";
    private static final String TARGET_99 = "    - target: 0.99";

    @Test
    void durationShorthandsFollowOpenSloCaseSensitively() {
        assertThat(loader.loadString(slo(ROLLING_MONTH, TARGET_99, "")).get(0).errorBudget().window()).isEqualTo(Duration.ofDays(30));
        assertThat(loader.loadString(slo(ROLLING_MONTH.replace("1M", "1m"), TARGET_99, "")).get(0).errorBudget().window())
                .isEqualTo(Duration.ofMinutes(1));
        assertThat(loader.loadString(slo(ROLLING_MONTH.replace("1M", "1Q"), TARGET_99, "")).get(0).errorBudget().window())
                .isEqualTo(Duration.ofDays(90));
        assertThat(loader.loadString(slo(ROLLING_MONTH.replace("1M", "28d"), TARGET_99, "")).get(0).errorBudget().window())
                .isEqualTo(Duration.ofDays(28));
        assertThat(loader.loadString(slo("", TARGET_99, "")).get(0).errorBudget().window()).isEqualTo(Duration.ofDays(30)); // absent: 30d
        assertThatThrownBy(() -> loader.loadString(slo(ROLLING_MONTH.replace("1M", "1 month"), TARGET_99, "")))
                .hasMessageContaining("spec.timeWindow[0].duration").hasMessageContaining("1 month");
        assertThatThrownBy(() -> loader.loadString(slo(ROLLING_MONTH.replace("1M", "0d"), TARGET_99, "")))
                .hasMessageContaining("spec.timeWindow[0].duration");
    }

    @Test
    void calendarWindowsLoadAsCalendarWindows() {
        String calendar = String.join("\n", "  timeWindow:", "    - duration: 1M", "      calendar:",
                "        startTime: 2024-01-01 00:00:00", "        timeZone: Europe/Berlin");
        ErrorBudget budget = loader.loadString(slo(calendar, TARGET_99, "")).get(0).errorBudget();
        CalendarWindow window = budget.calendarWindow().orElseThrow();
        assertThat(window.unit()).isEqualTo(java.time.temporal.ChronoUnit.MONTHS);
        assertThat(window.amount()).isEqualTo(1);
        assertThat(window.zone()).isEqualTo(java.time.ZoneId.of("Europe/Berlin"));
        assertThat(window.periodAt(Instant.parse("2026-03-15T00:00:00Z")).start()).isEqualTo(Instant.parse("2026-02-28T23:00:00Z"));
        assertThat(loader.loadString(slo(calendar.replace("1M", "1Q"), TARGET_99, "")).get(0).errorBudget().calendarWindow()
                .orElseThrow().amount()).isEqualTo(3);
        assertThatThrownBy(() -> loader.loadString(slo(calendar.replace("Europe/Berlin", "Mars/Olympus"), TARGET_99, "")))
                .hasMessageContaining("spec.timeWindow[0].calendar.timeZone").hasMessageContaining("Mars/Olympus");
        assertThatThrownBy(() -> loader.loadString(slo(calendar.replace("2024-01-01 00:00:00", "yesterday"), TARGET_99, "")))
                .hasMessageContaining("spec.timeWindow[0].calendar.startTime");
        assertThatThrownBy(() -> loader.loadString(slo(calendar + "\n      isRolling: true", TARGET_99, "")))
                .hasMessageContaining("spec.timeWindow[0].calendar");
    }

    @Test
    void targetOrTargetPercentButNotBoth() {
        assertThat(loader.loadString(slo(ROLLING_MONTH, "    - targetPercent: 99.95", "")).get(0).errorBudget().target())
                .isCloseTo(0.9995, org.assertj.core.api.Assertions.within(1e-12));
        assertThatThrownBy(() -> loader.loadString(slo(ROLLING_MONTH, "    - target: 0.99\n      targetPercent: 99", "")))
                .hasMessageContaining("spec.objectives[0].targetPercent").hasMessageContaining("exclusive");
        assertThatThrownBy(() -> loader.loadString(slo(ROLLING_MONTH, "    - displayName: nothing", "")))
                .hasMessageContaining("spec.objectives[0].target").hasMessageContaining("required");
        assertThatThrownBy(() -> loader.loadString(slo(ROLLING_MONTH, "    - targetPercent: 100", "")))
                .hasMessageContaining("spec.objectives[0].targetPercent");
    }

    @Test
    void aRatioSliLoadsAsAViewOfTheBudgetsEvents() {
        Slo slo = loader.loadString(slo(ROLLING_MONTH, TARGET_99, "")).get(0);
        EventRatioSli ratio = (EventRatioSli) slo.indicator("checkout-requests");
        slo.recordEvent(true);
        slo.recordEvent(false);
        assertThat(ratio.compliance()).isEqualTo(0.5);
        assertThat(ratio.budget()).isSameAs(slo.errorBudget());
        assertThat(slo.errorBudget().totalEvents()).isEqualTo(2);
    }

    @Test
    void thresholdSlisTakeTheOperatorOfTheObjective() {
        String threshold = String.join("\n",
                "apiVersion: openslo/v1", "kind: SLI", "metadata:", "  name: throughput", "spec:",
                "  thresholdMetric: {metricSource: {metricSourceRef: prometheus}}",
                "---",
                "apiVersion: openslo/v1", "kind: SLO", "metadata:", "  name: throughput-slo", "spec:",
                "  indicatorRef: throughput", "  budgetingMethod: Occurrences", "  objectives:",
                "    - displayName: Fast enough", "      op: gte", "      value: 100", "      target: 0.99",
                "    - displayName: Never stalled", "      op: gt", "      value: 0", "      target: 0.999", "");
        List<Slo> slos = loader.loadString(threshold);
        assertThat(slos).extracting(Slo::name).containsExactly("throughput-slo/fast-enough", "throughput-slo/never-stalled");
        PercentileSli fast = (PercentileSli) slos.get(0).budgetIndicator().orElseThrow();
        assertThat(fast.comparison()).isEqualTo(Comparison.AT_LEAST);
        assertThat(fast.percentile()).isCloseTo(0.01, org.assertj.core.api.Assertions.within(1e-12));
        assertThat(((PercentileSli) slos.get(1).budgetIndicator().orElseThrow()).comparison()).isEqualTo(Comparison.ABOVE);
        slos.get(0).record(150);
        slos.get(0).record(50);
        assertThat(slos.get(0).errorBudget().badEvents()).isEqualTo(1);
        assertThatThrownBy(() -> loader.loadString(threshold.replace("op: gte", "op: ge")))
                .hasMessageContaining("document 2: spec.objectives[0].op").hasMessageContaining("ge");
        assertThatThrownBy(() -> loader.loadString(threshold.replace("      value: 100\n", "")))
                .hasMessageContaining("document 2: spec.objectives[0].value").hasMessageContaining("required");
        assertThatThrownBy(() -> loader.loadString(threshold.replace("    - displayName: Fast enough",
                "    - displayName: Fast enough\n      compositeWeight: 2"))).hasMessageContaining("spec.objectives[0].compositeWeight");
    }

    @Test
    void alertPoliciesAndConditionsBecomeTheSlosBurnRateRules(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("conditions.yaml"), String.join("\n",
                "apiVersion: openslo/v1", "kind: AlertCondition", "metadata:", "  name: fast", "spec:", "  severity: page",
                "  condition: {kind: burnrate, op: gte, threshold: 14.4, lookbackWindow: 1h, alertAfter: 5m}", ""));
        Files.writeString(dir.resolve("slo.yaml"), String.join("\n",
                "apiVersion: openslo/v1", "kind: AlertPolicy", "metadata:", "  name: paging", "spec:", "  alertWhenBreaching: true",
                "  conditions: [{conditionRef: fast}]", "  notificationTargets: [{targetRef: pager}]",
                "---",
                slo(ROLLING_MONTH, TARGET_99, "  alertPolicies:\n    - alertPolicyRef: paging\n    - kind: AlertPolicy\n"
                        + "      metadata: {name: ticketing}\n      spec:\n        conditions:\n          - kind: AlertCondition\n"
                        + "            metadata: {name: slow}\n            spec:\n              severity: ticket\n"
                        + "              condition: {op: gt, threshold: 1, lookbackWindow: 3d}\n"
                        + "        notificationTargets: [{targetRef: mail}]")));
        OpenSloLoader.Result result = loader.loadAll(List.of(dir.resolve("conditions.yaml"), dir.resolve("slo.yaml")));
        List<BurnRateAlert> rules = result.slos().get(0).errorBudget().alerts();
        assertThat(rules).extracting(BurnRateAlert::name).containsExactly("fast", "slow"); // the default tiers are replaced
        assertThat(rules.get(0)).satisfies(r -> {
            assertThat(r.rate()).isEqualTo(14.4);
            assertThat(r.severity()).isEqualTo(AlertSeverity.CRITICAL);
            assertThat(r.longWindow()).isEqualTo(Duration.ofHours(1));
            assertThat(r.pendingFor()).isEqualTo(Duration.ofMinutes(5));
        });
        assertThat(rules.get(1).severity()).isEqualTo(AlertSeverity.WARNING);
        assertThat(result.alertPolicies()).containsOnlyKeys("paging");
        assertThat(result.alertConditions()).containsOnlyKeys("fast");

        assertThatThrownBy(() -> loader.load(dir.resolve("slo.yaml")))
                .hasMessageStartingWith("file slo.yaml, document 1: spec.conditions[0].conditionRef").hasMessageContaining("fast");
        String noData = Files.readString(dir.resolve("slo.yaml")).replace("alertWhenBreaching: true", "alertWhenNoData: true");
        Files.writeString(dir.resolve("slo.yaml"), noData);
        assertThatThrownBy(() -> loader.loadAll(List.of(dir.resolve("conditions.yaml"), dir.resolve("slo.yaml"))))
                .hasMessageContaining("spec.alertWhenNoData");
        String sev = Files.readString(dir.resolve("conditions.yaml")).replace("severity: page", "severity: purple");
        assertThatThrownBy(() -> loader.loadString(sev)).hasMessageContaining("document 1: spec.severity").hasMessageContaining("purple");
    }

    @Test
    void unknownKindsAndBadStructureAreRejected() {
        assertThatThrownBy(() -> loader.loadString("apiVersion: openslo/v1\nkind: Dashboard\nmetadata: {name: x}\n"))
                .hasMessageContaining("document 1: kind").hasMessageContaining("Dashboard");
        assertThatThrownBy(() -> loader.loadString(slo(ROLLING_MONTH, TARGET_99, "") + "---\n" + slo(ROLLING_MONTH, TARGET_99, "")
                .replace("kind: SLO", "kind: SLI").replace("  name: checkout\n", "  name: twice\n") + "---\n"
                + "apiVersion: openslo/v1\nkind: SLI\nmetadata: {name: twice}\n"))
                .hasMessageContaining("document 3: metadata.name").hasMessageContaining("twice");
        assertThatThrownBy(() -> loader.loadString(slo(ROLLING_MONTH, TARGET_99, "").replace("        good: {metricSource: {type: Any}}\n", "")))
                .hasMessageContaining("spec.indicator.spec.ratioMetric").hasMessageContaining("good or bad is required");
    }
}
