package dev.agentsre.otel;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.agentsre.slo.BurnRateAlert;
import dev.agentsre.slo.Slo;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Generates a Grafana dashboard (JSON) over the exported metrics and the {@link PrometheusRules}
 * recording rules, for a fleet of JVMs: a {@code datasource} template variable (pick your Prometheus
 * when importing; every panel uses it) and an {@code agent} variable; panels aggregate across JVMs —
 * the worst SLO status, the error budget left over each SLO's period and the burn rates from the
 * recording rules (which sum every JVM's events), how many JVMs hold a breaker open, spend summed
 * across JVMs by agent and by model, budget states and utilisation, refusals, quarantines.
 * {@link #queries} lists every query, so a test can check each names a metric a scrape returns.
 */
public final class GrafanaDashboard {

    private GrafanaDashboard() {
    }

    /** One panel: its title, type, query and legend. */
    public record Panel(String title, String type, String expr, String legend) {
    }

    /** The panels of the dashboard for {@code slos}, in order. */
    public static List<Panel> panels(List<Slo> slos) {
        String agent = "agent_id=~\"$agent\"";
        List<Panel> panels = new ArrayList<>();
        panels.add(new Panel("SLO status, worst JVM (0 unknown, 1 healthy, 2 warning, 3 critical, 4 exhausted)", "stat",
                "max by (slo_name, agent_id) (" + PrometheusNames.of(TelemetryNames.SLO_STATUS) + "{" + agent + "})", "{{slo_name}} {{agent_id}}"));
        panels.add(new Panel("Error budget left over the SLO period, fleet (%)", "timeseries",
                "100 * " + PrometheusRules.PERIOD_BUDGET_REMAINING, "{{slo_name}} {{agent_id}}"));
        panels.add(new Panel("Error budget left, worst JVM (%)", "timeseries",
                "min by (slo_name, agent_id) (" + PrometheusNames.of(TelemetryNames.SLO_BUDGET_REMAINING) + "{" + agent + "})",
                "{{slo_name}} {{agent_id}}"));
        panels.add(new Panel("Burn rate over the SLO period, fleet", "timeseries", PrometheusRules.PERIOD_BURN_RATE, "{{slo_name}} {{agent_id}}"));
        for (Slo slo : slos) {
            // both windows of the fastest alert rule, from the recording rules (every JVM's events)
            BurnRateAlert fastest = slo.errorBudget().alerts().stream().min((a, b) -> a.longWindow().compareTo(b.longWindow())).orElse(null);
            Duration longWindow = fastest == null ? Duration.ofHours(1) : fastest.longWindow();
            String budget = PrometheusRules.number(slo.errorBudget().total());
            String selector = "{slo_name=\"" + slo.name().replace("\"", "\\\"") + "\"}";
            panels.add(new Panel("Burn rate: " + slo.name() + " (" + dev.agentsre.time.Durations.format(longWindow) + ")", "timeseries",
                    PrometheusRules.errorRatio(longWindow) + selector + " / " + budget, "{{agent_id}}"));
            if (fastest != null && fastest.shortWindow() != null) {
                panels.add(new Panel("Burn rate: " + slo.name() + " (" + dev.agentsre.time.Durations.format(fastest.shortWindow()) + ")",
                        "timeseries", PrometheusRules.errorRatio(fastest.shortWindow()) + selector + " / " + budget, "{{agent_id}}"));
            }
        }
        panels.add(new Panel("Open circuit breakers (JVMs holding each open)", "timeseries",
                "sum by (agent_id) (" + PrometheusNames.of(TelemetryNames.BREAKER_STATE) + "{state=~\"open|forced_open\", " + agent + "})",
                "{{agent_id}}"));
        String spend = PrometheusNames.of(TelemetryNames.COST_SPEND);
        panels.add(new Panel("Spend per agent, fleet (USD per hour)", "timeseries",
                "sum by (agent_id) (rate(" + spend + "{" + agent + "}[$__rate_interval])) * 3600", "{{agent_id}}"));
        panels.add(new Panel("Spend per model, fleet (USD per hour)", "timeseries",
                "sum by (gen_ai_request_model) (rate(" + spend + "[$__rate_interval])) * 3600", "{{gen_ai_request_model}}"));
        panels.add(new Panel("Budget utilisation, highest JVM", "timeseries",
                "max by (budget_scope, budget_owner) (" + PrometheusNames.of(TelemetryNames.COST_UTILISATION) + ")",
                "{{budget_scope}} {{budget_owner}}"));
        panels.add(new Panel("Budgets throttled or killed (JVMs)", "timeseries",
                "sum by (budget_owner, state) (" + PrometheusNames.of(TelemetryNames.COST_BUDGET_STATE) + "{state!=\"active\"})",
                "{{budget_owner}} {{state}}"));
        panels.add(new Panel("Refused tasks per minute, fleet", "timeseries",
                "sum by (reason) (rate(" + PrometheusNames.of(TelemetryNames.TASK_REFUSALS) + "{" + agent + "}[$__rate_interval])) * 60",
                "{{reason}}"));
        panels.add(new Panel("Quarantined agents (JVMs)", "timeseries",
                "sum by (agent_id) (" + PrometheusNames.of(TelemetryNames.ROGUE_QUARANTINED) + "{" + agent + "})", "{{agent_id}}"));
        return panels;
    }

    /** Every panel's query, in order. */
    public static List<String> queries(List<Slo> slos) {
        return panels(slos).stream().map(Panel::expr).toList();
    }

    /** The dashboard for {@code slos}, as JSON. */
    public static String generate(String title, List<Slo> slos) {
        ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        ObjectNode dashboard = json.createObjectNode();
        dashboard.put("title", title);
        dashboard.put("uid", "agentsre-" + Integer.toHexString(title.hashCode()));
        dashboard.put("schemaVersion", 39);
        dashboard.putArray("tags").add("agent-sre");
        dashboard.putObject("time").put("from", "now-24h").put("to", "now");
        ArrayNode variables = dashboard.putObject("templating").putArray("list");
        ObjectNode datasource = variables.addObject();
        datasource.put("name", "datasource").put("label", "Data source").put("type", "datasource").put("query", "prometheus")
                .put("refresh", 1).put("hide", 0);
        datasource.putObject("current");
        ObjectNode agents = variables.addObject();
        agents.put("name", "agent").put("label", "Agent").put("type", "query").put("refresh", 2).put("hide", 0)
                .put("includeAll", true).put("multi", true).put("allValue", ".*")
                .put("definition", "label_values(" + PrometheusNames.of(TelemetryNames.SLO_STATUS) + ", agent_id)");
        agents.putObject("datasource").put("type", "prometheus").put("uid", "${datasource}");
        agents.putObject("query").put("query", "label_values(" + PrometheusNames.of(TelemetryNames.SLO_STATUS) + ", agent_id)")
                .put("refId", "agents");
        agents.putObject("current").put("text", "All").put("value", "$__all");
        ArrayNode panels = dashboard.putArray("panels");
        int y = 0;
        for (Panel p : panels(slos)) {
            ObjectNode panel = panels.addObject();
            panel.put("id", panels.size());
            panel.put("title", p.title());
            panel.put("type", p.type());
            panel.putObject("datasource").put("type", "prometheus").put("uid", "${datasource}");
            panel.putObject("gridPos").put("h", 8).put("w", 24).put("x", 0).put("y", y);
            y += 8;
            ObjectNode target = panel.putArray("targets").addObject();
            target.putObject("datasource").put("type", "prometheus").put("uid", "${datasource}");
            target.put("expr", p.expr());
            target.put("legendFormat", p.legend());
            target.put("refId", "A");
        }
        try {
            return json.writeValueAsString(dashboard);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }
}
