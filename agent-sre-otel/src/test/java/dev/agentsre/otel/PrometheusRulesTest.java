package dev.agentsre.otel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.agentsre.slo.AlertSeverity;
import dev.agentsre.slo.BurnRateAlert;
import dev.agentsre.slo.ErrorBudget;
import dev.agentsre.slo.Slo;
import dev.agentsre.slo.SloTemplate;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PrometheusRulesTest {

    private final Slo slo = Slo.builder("reliability").agentId("researcher")
            .errorBudget(ErrorBudget.builder().target(0.995).build()).build();

    @Test
    void rulesCoverEveryAlertWindowAndThePeriodWithThresholdsFromTheTarget() {
        String rules = PrometheusRules.generate(List.of(slo));
        assertThat(rules).contains("record: agentsre:slo_error_ratio:rate5m", "record: agentsre:slo_error_ratio:rate1h",
                "record: agentsre:slo_error_ratio:rate1d", "record: agentsre:slo_error_ratio:rate2h",
                "record: agentsre:slo_error_ratio:rate3d", "record: agentsre:slo_error_ratio:rate30d",
                "rate(agentsre_slo_events_total{outcome=\"bad\"}[5m])");
        // fast burn: 14.4 x 0.005 = 0.072 over 1h and 5m
        assertThat(rules).contains("alert: AgentSreFastBurn",
                "agentsre:slo_error_ratio:rate1h{slo_name=\"reliability\", agent_id=\"researcher\"} >= 0.072");
        // the four tiers: two pages, two tickets (3x over 1d and 2h: 0.015)
        assertThat(rules).contains("alert: AgentSreSlowBurn", "alert: AgentSreSteadyBurn", "alert: AgentSreBudgetDrain",
                "agentsre:slo_error_ratio:rate2h{slo_name=\"reliability\", agent_id=\"researcher\"} >= 0.015",
                "severity: ticket", "severity: page");
        // Sloth's period rules
        assertThat(rules).contains("record: " + PrometheusRules.OBJECTIVE, "vector(0.995)", "record: " + PrometheusRules.ERROR_BUDGET,
                "record: " + PrometheusRules.PERIOD_DAYS, "vector(30)", "record: " + PrometheusRules.PERIOD_BURN_RATE,
                "record: " + PrometheusRules.PERIOD_BUDGET_REMAINING);
        assertThat(PrometheusRules.EVENTS).isEqualTo(PrometheusScrapeTest.SLO_EVENTS);
    }

    /** promtool, from Debian's prometheus package (.ci/run installs it); a test that needs it fails without it. */
    static String promtool() {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
            Path candidate = Path.of(dir, "promtool");
            if (Files.isExecutable(candidate)) {
                return candidate.toString();
            }
        }
        fail("promtool is required to check the generated Prometheus rules and is not on the PATH: "
                + "install it with 'apt-get install prometheus' (Debian/Ubuntu; .ci/run does this) or put Prometheus' promtool on the PATH");
        return null;
    }

    private static String run(Path dir, String... command) throws Exception {
        Process process = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        assertThat(process.waitFor(120, TimeUnit.SECONDS)).isTrue();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.exitValue()).as(output).isZero();
        return output;
    }

    @Test
    void rulesForFiftyAgentsTimesTwoSlosPassPromtoolLintFatal(@TempDir Path dir) throws Exception {
        String promtool = promtool();
        List<Slo> slos = new ArrayList<>();
        for (int a = 0; a < 50; a++) {
            slos.add(Slo.builder("reliability").agentId("agent-" + a).errorBudget(ErrorBudget.builder().target(0.995).build()).build());
            slos.add(Slo.builder("availability").agentId("agent-" + a).errorBudget(ErrorBudget.builder().target(0.999).window("7d")
                    .burnRateAlert(2).build()).build());
        }
        // and a 5-second budget, whose scaled windows fall below a millisecond: one rule per whole millisecond
        slos.add(Slo.builder("smoke-test").agentId("agent-0").errorBudget(ErrorBudget.builder().target(0.9).window("5s").build()).build());
        Files.writeString(dir.resolve("rules.yml"), PrometheusRules.generate(slos), StandardCharsets.UTF_8);
        String output = run(dir, promtool, "check", "rules", "--lint=all", "--lint-fatal", "rules.yml");
        assertThat(output).contains("SUCCESS").doesNotContain("duplicate");

        // Templates: one set of rules for every agent of the fleet, present and future.
        SloTemplate template = SloTemplate.builder("fleet-reliability").errorBudget(() -> ErrorBudget.builder().target(0.99).build()).build();
        Files.writeString(dir.resolve("fleet.yml"), PrometheusRules.generate(slos, List.of(template)), StandardCharsets.UTF_8);
        assertThat(run(dir, promtool, "check", "rules", "--lint=all", "--lint-fatal", "fleet.yml")).contains("SUCCESS");
        assertThatThrownBy(() -> PrometheusRules.generate(List.of(slos.get(0), slos.get(0))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("reliability").hasMessageContaining("agent-0");
    }

    @Test
    void promtoolPagesOnA100xBurnTicketsOnA4xBurnAndStaysSilentAt0x(@TempDir Path dir) throws Exception {
        String promtool = promtool();
        Files.writeString(dir.resolve("rules.yml"), PrometheusRules.generate(List.of(slo)), StandardCharsets.UTF_8);
        String labels = "slo_name=\"reliability\",agent_id=\"researcher\"";
        String page = "{severity: page, slo_name: reliability, agent_id: researcher, agentsre_alert: ";
        String ticket = "{severity: ticket, slo_name: reliability, agent_id: researcher, agentsre_alert: ";
        List<String> test = new ArrayList<>(List.of("rule_files: [rules.yml]", "evaluation_interval: 1m", "tests:"));
        // 100x: half of all tasks fail (a 99.5% SLO allows 0.5%) for two hours: both pages fire.
        burn(test, labels, 50, 50, 120, "100x", List.of(
                expect("2h", "AgentSreFastBurn", page + "fast_burn}", "14.4", "0.072 over 1h and 5m"),
                expect("2h", "AgentSreSlowBurn", page + "slow_burn}", "6", "0.03 over 6h and 30m")));
        // 4x: 2% fail for a day: the tickets fire, no page does.
        burn(test, labels, 98, 2, 26 * 60, "4x", List.of(
                expect("26h", "AgentSreFastBurn", null),
                expect("26h", "AgentSreSlowBurn", null),
                expect("26h", "AgentSreSteadyBurn", ticket + "steady_burn}", "3", "0.015 over 1d and 2h"),
                expect("26h", "AgentSreBudgetDrain", ticket + "budget_drain}", "1", "0.005 over 3d and 6h")));
        // 0x: nothing fails: nothing fires.
        burn(test, labels, 100, 0, 26 * 60, "0x", List.of(
                expect("26h", "AgentSreFastBurn", null), expect("26h", "AgentSreSlowBurn", null),
                expect("26h", "AgentSreSteadyBurn", null), expect("26h", "AgentSreBudgetDrain", null)));
        Files.writeString(dir.resolve("test.yml"), String.join("\n", test) + "\n", StandardCharsets.UTF_8);
        assertThat(run(dir, promtool, "test", "rules", "test.yml")).contains("SUCCESS");
    }

    @Test
    void promtoolKeepsAQuietSloSilentUntilItsLongWindowHoldsTheMinimumEvents(@TempDir Path dir) throws Exception {
        String promtool = promtool();
        Files.writeString(dir.resolve("rules.yml"), PrometheusRules.generate(List.of(slo)), StandardCharsets.UTF_8);
        String labels = "slo_name=\"reliability\",agent_id=\"researcher\"";
        String page = "{severity: page, slo_name: reliability, agent_id: researcher, agentsre_alert: ";
        // One task every ten minutes, every one failing: an error ratio of 1 in every window, but the
        // fast burn's hour never holds the 10 events the in-process guard needs; the slow burn's
        // six hours do after 100 minutes.
        List<String> test = new ArrayList<>(List.of("rule_files: [rules.yml]", "evaluation_interval: 1m", "tests:",
                "  - interval: 1m",
                "    input_series:",
                "      - series: 'agentsre_slo_events_total{" + labels + ",outcome=\"good\"}'",
                "        values: '0x180'",
                "      - series: 'agentsre_slo_events_total{" + labels + ",outcome=\"bad\"}'",
                "        values: '0+0.1x180'",
                "    alert_rule_test:",
                expect("50m", "AgentSreFastBurn", null),
                expect("50m", "AgentSreSlowBurn", null),
                expect("3h", "AgentSreFastBurn", null),
                expect("3h", "AgentSreSlowBurn", page + "slow_burn}", "6", "0.03 over 6h and 30m")));
        Files.writeString(dir.resolve("test.yml"), String.join("\n", test) + "\n", StandardCharsets.UTF_8);
        assertThat(run(dir, promtool, "test", "rules", "test.yml")).contains("SUCCESS");
    }

    @Test
    void promtoolHoldsAFiringAlertWhileTheBurnStaysAboveItsResolveRate(@TempDir Path dir) throws Exception {
        String promtool = promtool();
        Slo tenX = Slo.builder("hover").agentId("a").errorBudget(ErrorBudget.builder().target(0.99).multiWindowAlerts(false)
                .burnRateAlert(0).burnRateCritical(0)
                .alert(BurnRateAlert.singleWindow("ten_x", 10, AlertSeverity.CRITICAL, Duration.ofMinutes(10))).build()).build();
        Files.writeString(dir.resolve("rules.yml"), PrometheusRules.generate(List.of(tenX)), StandardCharsets.UTF_8);
        String labels = "slo_name=\"hover\",agent_id=\"a\"";
        String firing = "{severity: page, slo_name: hover, agent_id: a, agentsre_alert: ten_x}";
        // 11% errors for 30 minutes (11x), then 9.5% (9.5x: below the rate, above the resolve rate 9x), then 5%.
        String test = String.join("\n", "rule_files: [rules.yml]", "evaluation_interval: 1m", "tests:",
                "  - interval: 1m",
                "    input_series:",
                "      - series: 'agentsre_slo_events_total{" + labels + ",outcome=\"good\"}'",
                "        values: '0+890x30 26700+905x30 53850+950x30'",
                "      - series: 'agentsre_slo_events_total{" + labels + ",outcome=\"bad\"}'",
                "        values: '0+110x30 3300+95x30 6150+50x30'",
                "    alert_rule_test:",
                expect("25m", "AgentSreTenX", firing, "hover", "10", "0.1 over 10m", "0.99"),
                expect("55m", "AgentSreTenX", firing, "hover", "10", "0.1 over 10m", "0.99"),
                expect("85m", "AgentSreTenX", null),
                "");
        Files.writeString(dir.resolve("test.yml"), test, StandardCharsets.UTF_8);
        assertThat(run(dir, promtool, "test", "rules", "test.yml")).contains("SUCCESS");
    }

    private static void burn(List<String> test, String labels, int goodPerMinute, int badPerMinute, int minutes, String name,
                             List<String> expectations) {
        test.add("  # " + name);
        test.add("  - interval: 1m");
        test.add("    input_series:");
        test.add("      - series: 'agentsre_slo_events_total{" + labels + ",outcome=\"good\"}'");
        test.add("        values: '0+" + goodPerMinute + "x" + minutes + "'");
        test.add("      - series: 'agentsre_slo_events_total{" + labels + ",outcome=\"bad\"}'");
        test.add("        values: '0+" + badPerMinute + "x" + minutes + "'");
        test.add("    alert_rule_test:");
        test.addAll(expectations);
    }

    private static String expect(String at, String alertName, String labels) {
        return "      - eval_time: " + at + "\n        alertname: " + alertName + "\n        exp_alerts: []";
    }

    /** An expected alert of the 99.5% SLO "reliability", with its annotations. */
    private static String expect(String at, String alertName, String labels, String rate, String ratioAndWindows) {
        return expect(at, alertName, labels, "reliability", rate, ratioAndWindows, "0.995");
    }

    private static String expect(String at, String alertName, String labels, String slo, String rate, String ratioAndWindows, String target) {
        return "      - eval_time: " + at + "\n        alertname: " + alertName + "\n        exp_alerts:"
                + "\n          - exp_labels: " + labels
                + "\n            exp_annotations:"
                + "\n              summary: SLO " + slo + " burns its error budget at " + rate + "x or faster"
                + "\n              description: Error ratio above " + ratioAndWindows + " (target " + target + ", budget window 30d).";
    }

    @Test
    void fleetArtifactsAreWrittenFromOpenSloDefinitions(@TempDir Path dir) throws Exception {
        Path yaml = dir.resolve("slos.yaml");
        Files.writeString(yaml, String.join("\n", "apiVersion: openslo/v1", "kind: SLO", "metadata:", "  name: reliability",
                "spec:", "  service: researcher", "  indicatorRef: task_success_rate", "  budgetingMethod: Occurrences", "  timeWindow:", "    - duration: 7d",
                "      isRolling: true", "  objectives:", "    - target: 0.99", ""));
        FleetArtifacts.main(new String[] {yaml.toString(), dir.resolve("out").toString()});
        String rules = Files.readString(dir.resolve("out/agentsre-rules.yml"));
        // a 7-day budget scales the fast-burn windows to 14m and 1m10s
        assertThat(rules).contains("agentsre:slo_error_ratio:rate14m", "agentsre:slo_error_ratio:rate1m10s", ">= 0.144");
        assertThat(new ObjectMapper().readTree(dir.resolve("out/agentsre-dashboard.json").toFile()).get("panels")).hasSizeGreaterThan(5);
    }

    @Test
    void theDashboardHasADatasourceVariableEveryPanelUsesAndAggregatesTheFleet() throws IOException {
        JsonNode dashboard = new ObjectMapper().readTree(GrafanaDashboard.generate("Agent SRE", List.of(slo)));
        assertThat(dashboard.get("title").asText()).isEqualTo("Agent SRE");
        JsonNode variables = dashboard.get("templating").get("list");
        assertThat(variables.get(0).get("name").asText()).isEqualTo("datasource");
        assertThat(variables.get(0).get("type").asText()).isEqualTo("datasource");
        assertThat(variables.get(0).get("query").asText()).isEqualTo("prometheus");
        List<String> exprs = new ArrayList<>();
        dashboard.get("panels").forEach(p -> {
            assertThat(p.get("datasource").get("uid").asText()).isEqualTo("${datasource}");
            assertThat(p.get("targets").get(0).get("datasource").get("uid").asText()).isEqualTo("${datasource}");
            exprs.add(p.get("targets").get(0).get("expr").asText());
        });
        assertThat(exprs).isEqualTo(GrafanaDashboard.queries(List.of(slo)));
        assertThat(exprs).anyMatch(e -> e.startsWith("max by (slo_name, agent_id) (agentsre_slo_status{"))
                .anyMatch(e -> e.equals("100 * " + PrometheusRules.PERIOD_BUDGET_REMAINING))
                .anyMatch(e -> e.startsWith("agentsre:slo_error_ratio:rate1h{slo_name=\"reliability\"} / 0.005"))
                .anyMatch(e -> e.startsWith("agentsre:slo_error_ratio:rate5m{slo_name=\"reliability\"} / 0.005"))
                .anyMatch(e -> e.startsWith("sum by (agent_id) (agentsre_breaker_state{state=~\"open|forced_open\""))
                .anyMatch(e -> e.contains("sum by (gen_ai_request_model) (rate(agentsre_cost_spend_USD_total[$__rate_interval]))"));
        // every series is aggregated across JVMs: no bare metric selector
        assertThat(exprs).allMatch(e -> e.startsWith("max by") || e.startsWith("min by") || e.startsWith("sum by") || e.contains("agentsre:"));
        // every recording rule the dashboard reads is one the generated rules define
        String rules = PrometheusRules.generate(List.of(slo));
        java.util.regex.Matcher recorded = java.util.regex.Pattern.compile("agentsre:[a-z_]+:[a-z0-9_]+").matcher(String.join("\n", exprs));
        while (recorded.find()) {
            assertThat(rules).contains("record: " + recorded.group());
        }
    }
}
