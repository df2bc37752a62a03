package dev.agentsre.otel;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.agentsre.slo.Slo;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.List;

/**
 * Generates a Grafana dashboard (JSON, Prometheus data source) over the exported metrics and the
 * {@link PrometheusRules} recording rules: SLO status, error budget left, burn rate per SLO, breaker
 * states and spend per agent. Import it, pick your Prometheus data source, done.
 */
public final class GrafanaDashboard {

    private GrafanaDashboard() {
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
        ArrayNode panels = dashboard.putArray("panels");
        int[] y = {0};
        panel(panels, y, "SLO status (0 unknown, 1 healthy, 2 warning, 3 critical, 4 exhausted)", "stat",
                PrometheusNames.of(TelemetryNames.SLO_STATUS), "{{slo_name}}");
        panel(panels, y, "Error budget left (%)", "timeseries", PrometheusNames.of(TelemetryNames.SLO_BUDGET_REMAINING), "{{slo_name}}");
        for (Slo slo : slos) {
            Duration hour = Duration.ofHours(1);
            String burn = PrometheusRules.errorRatio(slo.errorBudget().alerts().stream()
                    .map(a -> a.longWindow()).filter(w -> w.compareTo(hour) <= 0).max(Duration::compareTo).orElse(hour));
            panel(panels, y, "Burn rate: " + slo.name(), "timeseries",
                    burn + "{slo_name=\"" + slo.name() + "\"} / " + PrometheusRules.number(slo.errorBudget().total()), "{{agent_id}}");
        }
        panel(panels, y, "Open circuit breakers", "timeseries",
                PrometheusNames.of(TelemetryNames.BREAKER_STATE) + "{state=~\"open|forced_open\"} == 1", "{{agent_id}}");
        panel(panels, y, "Spend per agent (USD per hour)", "timeseries",
                "sum by (agent_id) (rate(" + PrometheusNames.of(TelemetryNames.COST_SPEND) + "[1h])) * 3600", "{{agent_id}}");
        try {
            return json.writeValueAsString(dashboard);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void panel(ArrayNode panels, int[] y, String title, String type, String expr, String legend) {
        ObjectNode panel = panels.addObject();
        panel.put("id", panels.size());
        panel.put("title", title);
        panel.put("type", type);
        panel.putObject("datasource").put("type", "prometheus").put("uid", "${datasource}");
        panel.putObject("gridPos").put("h", 8).put("w", 24).put("x", 0).put("y", y[0]);
        y[0] += 8;
        ObjectNode target = panel.putArray("targets").addObject();
        target.put("expr", expr);
        target.put("legendFormat", legend);
        target.put("refId", "A");
    }
}
