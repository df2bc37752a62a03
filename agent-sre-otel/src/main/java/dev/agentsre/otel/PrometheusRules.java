package dev.agentsre.otel;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import dev.agentsre.slo.AlertSeverity;
import dev.agentsre.slo.BurnRateAlert;
import dev.agentsre.slo.Slo;
import dev.agentsre.time.Durations;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.TreeSet;

/**
 * Generates Prometheus recording and alerting rules from {@link Slo} definitions, so that SLOs are
 * evaluated across every JVM by the metrics backend, over {@code agentsre_slo_events_total}.
 *
 * <ul>
 *   <li>Recording rules {@code agentsre:slo_error_ratio:rate<window>}: the share of bad events over
 *       each window any alert rule needs, by {@code slo_name} and {@code agent_id}.</li>
 *   <li>One alert per SLO and alert rule, named after the rule ({@code AgentSreFastBurn},
 *       {@code AgentSreSlowBurn}, ...): it fires when the error ratio exceeds
 *       {@code rate × (1 − target)} over the long window and, for multi-window rules, over the short
 *       window too. Labels: {@code severity} ({@code page} or {@code ticket}), {@code agentsre_alert}.</li>
 * </ul>
 *
 * The in-process minimum-events guard has no equivalent here; windows without traffic never fire
 * (0/0 is not a number). Test the output with {@code promtool test rules}.
 */
public final class PrometheusRules {

    /** Name of the event counter the rules read. */
    public static final String EVENTS = PrometheusNames.of(TelemetryNames.SLO_EVENTS);

    private PrometheusRules() {
    }

    /** The recording rule name of the error ratio over {@code window}. */
    public static String errorRatio(Duration window) {
        return "agentsre:slo_error_ratio:rate" + Durations.format(window);
    }

    /** The alert name of a rule: {@code fast_burn} becomes {@code AgentSreFastBurn}. */
    public static String alertName(BurnRateAlert alert) {
        StringBuilder out = new StringBuilder("AgentSre");
        for (String part : alert.name().split("[^A-Za-z0-9]+")) {
            if (!part.isEmpty()) {
                out.append(Character.toUpperCase(part.charAt(0))).append(part.substring(1).toLowerCase(Locale.ROOT));
            }
        }
        return out.toString();
    }

    /** The rules file for {@code slos}, as YAML. */
    public static String generate(List<Slo> slos) {
        Objects.requireNonNull(slos, "slos");
        ObjectMapper yaml = new ObjectMapper(new YAMLFactory().disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
                .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES));
        ObjectNode root = yaml.createObjectNode();
        ArrayNode groups = root.putArray("groups");

        TreeSet<Duration> windows = new TreeSet<>();
        for (Slo slo : slos) {
            for (BurnRateAlert alert : slo.errorBudget().alerts()) {
                windows.add(alert.longWindow());
                if (alert.shortWindow() != null) {
                    windows.add(alert.shortWindow());
                }
            }
        }
        ObjectNode recording = groups.addObject();
        recording.put("name", "agentsre-slo-error-ratios");
        ArrayNode recordingRules = recording.putArray("rules");
        for (Duration window : windows) {
            String w = Durations.format(window);
            ObjectNode rule = recordingRules.addObject();
            rule.put("record", errorRatio(window));
            rule.put("expr", "sum by (slo_name, agent_id) (rate(" + EVENTS + "{outcome=\"bad\"}[" + w + "]))\n/\n"
                    + "sum by (slo_name, agent_id) (rate(" + EVENTS + "[" + w + "]))");
        }

        ObjectNode alerting = groups.addObject();
        alerting.put("name", "agentsre-slo-burn-rate-alerts");
        ArrayNode alertRules = alerting.putArray("rules");
        for (Slo slo : slos) {
            double budget = slo.errorBudget().total();
            String selector = "{slo_name=\"" + slo.name() + "\"" + (slo.agentId() == null ? "" : ", agent_id=\"" + slo.agentId() + "\"") + "}";
            for (BurnRateAlert alert : slo.errorBudget().alerts()) {
                String threshold = number(alert.rate() * budget);
                StringBuilder expr = new StringBuilder(errorRatio(alert.longWindow()) + selector + " > " + threshold);
                if (alert.shortWindow() != null) {
                    expr.append("\nand\n").append(errorRatio(alert.shortWindow())).append(selector).append(" > ").append(threshold);
                }
                ObjectNode rule = alertRules.addObject();
                rule.put("alert", alertName(alert));
                rule.put("expr", expr.toString());
                ObjectNode labels = rule.putObject("labels");
                labels.put("severity", alert.severity() == AlertSeverity.CRITICAL ? "page" : "ticket");
                labels.put("agentsre_alert", alert.name());
                ObjectNode annotations = rule.putObject("annotations");
                annotations.put("summary", "SLO " + slo.name() + " burns its error budget at " + number(alert.rate()) + "x or faster");
                annotations.put("description", "Error ratio above " + threshold + " over " + Durations.format(alert.longWindow())
                        + (alert.shortWindow() == null ? "" : " and " + Durations.format(alert.shortWindow()))
                        + " (target " + number(1 - budget) + ", budget window " + Durations.format(slo.errorBudget().window()) + ").");
            }
        }
        try {
            return yaml.writeValueAsString(root);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String number(double value) {
        return java.math.BigDecimal.valueOf(value).round(new java.math.MathContext(12)).stripTrailingZeros().toPlainString();
    }
}
