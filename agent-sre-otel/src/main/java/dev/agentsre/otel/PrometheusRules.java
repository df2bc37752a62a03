package dev.agentsre.otel;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import dev.agentsre.slo.AlertSeverity;
import dev.agentsre.slo.BurnRateAlert;
import dev.agentsre.slo.Slo;
import dev.agentsre.slo.SloTemplate;
import dev.agentsre.time.Durations;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.math.MathContext;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * Generates Prometheus recording and alerting rules from {@link Slo} definitions, the way Sloth
 * does, so that SLOs are evaluated across every JVM by the metrics backend, over
 * {@code agentsre_slo_events_total}.
 *
 * <p><b>Groups.</b>
 * <ul>
 *   <li>{@code agentsre-slo-error-ratios}: one recording rule per window any SLO needs —
 *       {@code agentsre:slo_error_ratio:rate<window>}, the share of bad events by {@code slo_name}
 *       and {@code agent_id} — for every alert window and every SLO period. One rule serves every
 *       SLO and agent.</li>
 *   <li>{@code agentsre-slo-meta}: per SLO, Sloth's metadata: {@code agentsre:slo_objective:ratio},
 *       {@code agentsre:slo_error_budget:ratio}, {@code agentsre:slo_period:days},
 *       {@code agentsre:slo_period_burn_rate:ratio} (the error ratio over the SLO period divided by
 *       the budget) and {@code agentsre:slo_period_error_budget_remaining:ratio} (1 − that: the share
 *       of the period's budget left, negative when over-spent).</li>
 *   <li>{@code agentsre-slo-burn-rate-alerts}: one alert per SLO and alert rule, named after the rule
 *       ({@code AgentSreFastBurn}, {@code AgentSreSlowBurn}, {@code AgentSreSteadyBurn},
 *       {@code AgentSreBudgetDrain} for the default tiers): it fires when the error ratio reaches
 *       {@code rate × (1 − target)} over the long window and, for multi-window rules, over the short
 *       window too; once firing it holds while both stay at the rule's resolve rate (the same
 *       hysteresis as in process, through the {@code ALERTS} series), with the rule's
 *       {@code pendingFor} as {@code for} and {@code keepFiringFor} as {@code keep_firing_for}
 *       (Prometheus 2.42 or later). Labels: {@code severity} ({@code page} or {@code ticket}),
 *       {@code agentsre_alert}, {@code slo_name} and {@code agent_id}.</li>
 * </ul>
 *
 * <p><b>Unique across many SLOs and agents.</b> Every rule that exists once per SLO carries the SLO's
 * {@code slo_name} (and {@code agent_id}) as labels, so a file for any number of SLOs passes
 * {@code promtool check rules --lint-fatal}. An SLO without an agent id — a fleet-wide SLO, or the
 * {@linkplain SloTemplate#definition() definition} of a template — selects by {@code slo_name}
 * alone, so its rules cover every agent that reports under that name, including agents that appear
 * after the rules were generated. Two SLOs with the same name and agent, or a template and an SLO of
 * the same name, are rejected.
 *
 * <p>The in-process minimum-events guard holds here too: an alert of an event-counting budget also
 * needs {@code minimumEvents} events (by {@code increase}, so approximately) in its long window, so a
 * quiet SLO's first failures after a start do not fire; windows without traffic never fire (0/0 is
 * not a number). A calendar-aligned SLO period is approximated by its nominal rolling
 * length. Test the output with {@code promtool test rules}.
 */
public final class PrometheusRules {

    /** Name of the event counter the rules read. */
    public static final String EVENTS = PrometheusNames.of(TelemetryNames.SLO_EVENTS);
    /** Recording rule: the SLO's target, {@code vector(target)}. */
    public static final String OBJECTIVE = "agentsre:slo_objective:ratio";
    /** Recording rule: the SLO's budget, {@code vector(1 - target)}. */
    public static final String ERROR_BUDGET = "agentsre:slo_error_budget:ratio";
    /** Recording rule: the SLO's period in days. */
    public static final String PERIOD_DAYS = "agentsre:slo_period:days";
    /** Recording rule: the error ratio over the SLO's period divided by its budget. */
    public static final String PERIOD_BURN_RATE = "agentsre:slo_period_burn_rate:ratio";
    /** Recording rule: the share of the period's error budget left, {@code 1 - period burn rate}. */
    public static final String PERIOD_BUDGET_REMAINING = "agentsre:slo_period_error_budget_remaining:ratio";

    private PrometheusRules() {
    }

    /** The recording rule name of the error ratio over {@code window} (in whole milliseconds, at least 1). */
    public static String errorRatio(Duration window) {
        return "agentsre:slo_error_ratio:rate" + Durations.format(millis(window));
    }

    private static Duration millis(Duration window) {
        return Duration.ofMillis(Math.max(1, window.toMillis()));
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

    /** The rules file for {@code slos} and {@code templates} (each as its {@link SloTemplate#definition()}), as YAML. */
    public static String generate(List<Slo> slos, List<SloTemplate> templates) {
        Objects.requireNonNull(slos, "slos");
        Objects.requireNonNull(templates, "templates");
        Set<String> templateNames = new HashSet<>();
        List<Slo> all = new ArrayList<>(slos);
        for (SloTemplate template : templates) {
            templateNames.add(template.name());
            all.add(template.definition());
        }
        for (Slo slo : slos) {
            if (templateNames.contains(slo.name())) {
                throw new IllegalArgumentException("SLO '" + slo.name() + "' has the name of a template; its rules would also "
                        + "match the template's agents: rename one of them");
            }
        }
        return generate(all);
    }

    /** The rules file for {@code slos}, as YAML. */
    public static String generate(List<Slo> slos) {
        Objects.requireNonNull(slos, "slos");
        Set<String> seen = new HashSet<>();
        for (Slo slo : slos) {
            if (!seen.add(slo.name() + "\u0000" + slo.agentId())) {
                throw new IllegalArgumentException("two SLOs named '" + slo.name() + "'"
                        + (slo.agentId() == null ? " without an agent" : " for agent '" + slo.agentId() + "'") + "; their series would mix");
            }
        }
        ObjectMapper yaml = new ObjectMapper(new YAMLFactory().disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
                .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES));
        ObjectNode root = yaml.createObjectNode();
        ArrayNode groups = root.putArray("groups");

        // Keyed by whole milliseconds, the resolution of the rule names and of the in-process rings.
        TreeSet<Duration> windows = new TreeSet<>();
        for (Slo slo : slos) {
            windows.add(millis(slo.errorBudget().window()));
            for (BurnRateAlert alert : slo.errorBudget().alerts()) {
                windows.add(millis(alert.longWindow()));
                if (alert.shortWindow() != null) {
                    windows.add(millis(alert.shortWindow()));
                }
            }
        }
        ArrayNode ratios = group(groups, "agentsre-slo-error-ratios");
        for (Duration window : windows) {
            String w = Durations.format(window);
            ObjectNode rule = ratios.addObject();
            rule.put("record", errorRatio(window));
            rule.put("expr", "sum by (slo_name, agent_id) (rate(" + EVENTS + "{outcome=\"bad\"}[" + w + "]))\n/\n"
                    + "sum by (slo_name, agent_id) (rate(" + EVENTS + "[" + w + "]))");
        }

        ArrayNode meta = group(groups, "agentsre-slo-meta");
        for (Slo slo : slos) {
            metaRules(meta, slo);
        }

        ArrayNode alerts = group(groups, "agentsre-slo-burn-rate-alerts");
        for (Slo slo : slos) {
            for (BurnRateAlert alert : slo.errorBudget().alerts()) {
                alertRule(alerts, slo, alert);
            }
        }
        try {
            return yaml.writeValueAsString(root);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static ArrayNode group(ArrayNode groups, String name) {
        ObjectNode group = groups.addObject();
        group.put("name", name);
        return group.putArray("rules");
    }

    private static void metaRules(ArrayNode rules, Slo slo) {
        double budget = slo.errorBudget().total();
        String selector = selector(slo);
        String on = slo.agentId() == null ? "on (slo_name)" : "on (slo_name, agent_id)";
        record(rules, slo, OBJECTIVE, "vector(" + number(1 - budget) + ")");
        record(rules, slo, ERROR_BUDGET, "vector(" + number(budget) + ")");
        record(rules, slo, PERIOD_DAYS, "vector(" + number(slo.errorBudget().window().toMillis() / 86_400_000.0) + ")");
        record(rules, slo, PERIOD_BURN_RATE, errorRatio(slo.errorBudget().window()) + selector + "\n/ " + on + " group_left\n"
                + ERROR_BUDGET + selector);
        record(rules, slo, PERIOD_BUDGET_REMAINING, "1 - " + PERIOD_BURN_RATE + selector);
    }

    private static void record(ArrayNode rules, Slo slo, String name, String expr) {
        ObjectNode rule = rules.addObject();
        rule.put("record", name);
        rule.put("expr", expr);
        labels(rule.putObject("labels"), slo);
    }

    private static void alertRule(ArrayNode rules, Slo slo, BurnRateAlert alert) {
        double budget = slo.errorBudget().total();
        String selector = selector(slo);
        String raise = threshold(alert, selector, alert.rate() * budget) + minimumEvents(slo, alert, selector);
        StringBuilder expr = new StringBuilder(raise);
        if (alert.resolveRate() < alert.rate()) {
            // Hysteresis: a firing alert holds while its windows stay at the resolve rate.
            String firing = "ALERTS{alertname=\"" + alertName(alert) + "\", alertstate=\"firing\", agentsre_alert=\"" + alert.name()
                    + "\", " + selector.substring(1);
            expr.setLength(0);
            expr.append("(\n").append(raise).append("\n)\nor\n(\n").append(threshold(alert, selector, alert.resolveRate() * budget))
                    .append("\nand on (slo_name, agent_id) ").append(firing).append("\n)");
        }
        ObjectNode rule = rules.addObject();
        rule.put("alert", alertName(alert));
        rule.put("expr", expr.toString());
        if (!alert.pendingFor().isZero()) {
            rule.put("for", Durations.format(alert.pendingFor()));
        }
        if (!alert.keepFiringFor().isZero()) {
            rule.put("keep_firing_for", Durations.format(alert.keepFiringFor()));
        }
        ObjectNode labels = rule.putObject("labels");
        labels.put("severity", alert.severity() == AlertSeverity.CRITICAL ? "page" : "ticket");
        labels.put("agentsre_alert", alert.name());
        labels(labels, slo);
        ObjectNode annotations = rule.putObject("annotations");
        annotations.put("summary", "SLO " + slo.name() + " burns its error budget at " + number(alert.rate()) + "x or faster");
        annotations.put("description", "Error ratio above " + number(alert.rate() * budget) + " over " + Durations.format(alert.longWindow())
                + (alert.shortWindow() == null ? "" : " and " + Durations.format(alert.shortWindow()))
                + " (target " + number(1 - budget) + ", budget window " + Durations.format(slo.errorBudget().window()) + ").");
    }

    /**
     * As in process, an alert needs {@code minimumEvents} in its long window, so a quiet SLO's first
     * failure (or a scrape that has just started) does not page. Time-slice budgets count slices the
     * event counter cannot see: their rules carry no such guard.
     */
    private static String minimumEvents(Slo slo, BurnRateAlert alert, String selector) {
        long minimum = slo.errorBudget().minimumEvents();
        if (minimum <= 0 || slo.errorBudget().budgetingMethod() != dev.agentsre.slo.BudgetingMethod.OCCURRENCES) {
            return "";
        }
        return "\nand on (slo_name, agent_id)\nsum by (slo_name, agent_id) (increase(" + EVENTS + selector + "[" + Durations.format(alert.longWindow())
                + "])) >= " + minimum;
    }

    private static String threshold(BurnRateAlert alert, String selector, double ratio) {
        String t = number(ratio);
        String expr = errorRatio(alert.longWindow()) + selector + " >= " + t;
        if (alert.shortWindow() != null) {
            expr += "\nand\n" + errorRatio(alert.shortWindow()) + selector + " >= " + t;
        }
        return expr;
    }

    private static String selector(Slo slo) {
        return "{slo_name=\"" + escape(slo.name()) + "\"" + (slo.agentId() == null ? "" : ", agent_id=\"" + escape(slo.agentId()) + "\"") + "}";
    }

    private static void labels(ObjectNode labels, Slo slo) {
        labels.put("slo_name", slo.name());
        if (slo.agentId() != null) {
            labels.put("agent_id", slo.agentId());
        }
    }

    private static String escape(String value) {
        return value.replace("\\", "\\\\").replace("\"", "\\\"");
    }

    static String number(double value) {
        return BigDecimal.valueOf(value).round(new MathContext(12)).stripTrailingZeros().toPlainString();
    }
}
