package dev.agentsre.otel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.agentsre.slo.ErrorBudget;
import dev.agentsre.slo.Slo;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PrometheusRulesTest {

    private final Slo slo = Slo.builder("reliability").agentId("researcher")
            .errorBudget(ErrorBudget.builder().target(0.995).build()).build();

    @Test
    void rulesCoverEveryAlertWindowWithThresholdsFromTheTarget() {
        String rules = PrometheusRules.generate(List.of(slo));
        assertThat(rules).contains("record: agentsre:slo_error_ratio:rate5m", "record: agentsre:slo_error_ratio:rate1h",
                "record: agentsre:slo_error_ratio:rate3d", "rate(agentsre_slo_events_total{outcome=\"bad\"}[5m])");
        // fast burn: 14.4 x 0.005 = 0.072 over 1h and 5m
        assertThat(rules).contains("alert: AgentSreFastBurn",
                "agentsre:slo_error_ratio:rate1h{slo_name=\"reliability\", agent_id=\"researcher\"} > 0.072");
        assertThat(rules).contains("alert: AgentSreBudgetDrain", "severity: ticket", "alert: AgentSreSlowBurn", "severity: page");
        assertThat(PrometheusRules.EVENTS).isEqualTo(PrometheusScrapeTest.SLO_EVENTS);
    }

    /** promtool, from Debian's prometheus package (.ci/run installs it). */
    private static String promtool() {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
            Path candidate = Path.of(dir, "promtool");
            if (Files.isExecutable(candidate)) {
                return candidate.toString();
            }
        }
        if (System.getenv("CI") != null) {
            fail("promtool is required in CI (Debian package prometheus)");
        }
        Assumptions.abort("promtool is not installed (apt-get install prometheus)");
        return null;
    }

    @Test
    void promtoolConfirmsThePageFiresForAFastBurnAndNotForASlowOne(@TempDir Path dir) throws Exception {
        String promtool = promtool();
        Files.writeString(dir.resolve("rules.yml"), PrometheusRules.generate(List.of(slo)), StandardCharsets.UTF_8);
        String labels = "slo_name=\"reliability\",agent_id=\"researcher\"";
        String test = String.join("\n",
                "rule_files: [rules.yml]",
                "evaluation_interval: 1m",
                "tests:",
                "  # fast: 10% of tasks fail (20x the sustainable rate of a 99.5% SLO) for 90 minutes",
                "  - interval: 1m",
                "    input_series:",
                "      - series: 'agentsre_slo_events_total{" + labels + ",outcome=\"good\"}'",
                "        values: '0+90x90'",
                "      - series: 'agentsre_slo_events_total{" + labels + ",outcome=\"bad\"}'",
                "        values: '0+10x90'",
                "    alert_rule_test:",
                "      - eval_time: 60m",
                "        alertname: AgentSreFastBurn",
                "        exp_alerts:",
                "          - exp_labels: {severity: page, agentsre_alert: fast_burn, slo_name: reliability, agent_id: researcher}",
                "            exp_annotations:",
                "              summary: SLO reliability burns its error budget at 14.4x or faster",
                "              description: Error ratio above 0.072 over 1h and 5m (target 0.995, budget window 30d).",
                "  # slow: 0.7% of tasks fail (1.4x) for 7 hours",
                "  - interval: 1m",
                "    input_series:",
                "      - series: 'agentsre_slo_events_total{" + labels + ",outcome=\"good\"}'",
                "        values: '0+993x420'",
                "      - series: 'agentsre_slo_events_total{" + labels + ",outcome=\"bad\"}'",
                "        values: '0+7x420'",
                "    alert_rule_test:",
                "      - eval_time: 7h",
                "        alertname: AgentSreFastBurn",
                "        exp_alerts: []",
                "      - eval_time: 7h",
                "        alertname: AgentSreSlowBurn",
                "        exp_alerts: []",
                "      - eval_time: 7h",
                "        alertname: AgentSreBudgetDrain",
                "        exp_alerts:",
                "          - exp_labels: {severity: ticket, agentsre_alert: budget_drain, slo_name: reliability, agent_id: researcher}",
                "            exp_annotations:",
                "              summary: SLO reliability burns its error budget at 1x or faster",
                "              description: Error ratio above 0.005 over 3d and 6h (target 0.995, budget window 30d).",
                "");
        Files.writeString(dir.resolve("test.yml"), test, StandardCharsets.UTF_8);

        List<String> command = new ArrayList<>(List.of(promtool, "test", "rules", "test.yml"));
        Process process = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.exitValue()).as(output).isZero();
        assertThat(output).contains("SUCCESS");
    }

    @Test
    void fleetArtifactsAreWrittenFromOpenSloDefinitions(@TempDir Path dir) throws Exception {
        Path yaml = dir.resolve("slos.yaml");
        Files.writeString(yaml, String.join("\n", "apiVersion: openslo/v1", "kind: SLO", "metadata:", "  name: reliability",
                "spec:", "  service: researcher", "  indicatorRef: task_success_rate", "  timeWindow:", "    - duration: 7d",
                "      isRolling: true", "  objectives:", "    - target: 0.99", ""));
        FleetArtifacts.main(new String[] {yaml.toString(), dir.resolve("out").toString()});
        String rules = Files.readString(dir.resolve("out/agentsre-rules.yml"));
        // a 7-day budget scales the fast-burn windows to 14m and 1m10s
        assertThat(rules).contains("agentsre:slo_error_ratio:rate14m", "agentsre:slo_error_ratio:rate1m10s", "> 0.144");
        assertThat(new ObjectMapper().readTree(dir.resolve("out/agentsre-dashboard.json").toFile()).get("panels")).hasSize(5);
    }

    @Test
    void theDashboardQueriesOnlyExportedMetricsAndRecordedRatios() throws IOException {
        JsonNode dashboard = new ObjectMapper().readTree(GrafanaDashboard.generate("Agent SRE", List.of(slo)));
        assertThat(dashboard.get("title").asText()).isEqualTo("Agent SRE");
        List<String> exprs = new ArrayList<>();
        dashboard.get("panels").forEach(p -> exprs.add(p.get("targets").get(0).get("expr").asText()));
        assertThat(exprs).hasSize(5); // status, budget, one burn-rate panel per SLO, breakers, spend
        assertThat(exprs).anyMatch(e -> e.startsWith("agentsre_slo_status_ratio"))
                .anyMatch(e -> e.startsWith("agentsre_slo_error_budget_remaining_percent"))
                .anyMatch(e -> e.startsWith("agentsre:slo_error_ratio:rate1h{slo_name=\"reliability\"} / 0.005"))
                .anyMatch(e -> e.startsWith("agentsre_breaker_state_ratio{state=~\"open|forced_open\"}"))
                .anyMatch(e -> e.contains("rate(agentsre_cost_spend_USD_total[1h])"));
    }
}
