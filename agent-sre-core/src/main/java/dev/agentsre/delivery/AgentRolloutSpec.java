package dev.agentsre.delivery;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import dev.agentsre.internal.Check;
import dev.agentsre.time.Durations;
import java.io.IOException;
import java.io.Reader;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;

/**
 * The GitOps {@code AgentRollout} document: loads the reference overview's YAML exactly as written,
 * validates it with errors that name the field's path, and writes it back ({@link #toYaml()}) so that
 * it parses to an equal spec.
 *
 * <pre>{@code
 * apiVersion: agent-sre/v1            # or agent-sre.io/v1alpha1 (the upstream code's)
 * kind: AgentRollout
 * metadata:
 *   name: support-bot-v4
 * spec:
 *   agent: support-bot                # optional
 *   strategy:
 *     type: canary
 *     steps:
 *       - shadow: 100%                # or canary: 5%, weight: 0.05, pause: {} / pause: {duration: 30m}
 *         duration: 1h
 *         minSamples: 200             # optional; maxDuration: 3h optional
 *         analysis:
 *           - metric: task_success_rate
 *             threshold: 0.99           # or min, max, max_increase: 20%, max_decrease: 5%
 *     rollback:
 *       automatic: true
 *       on:
 *         - error_budget_burn_rate > 5.0
 *         - policy_violations > 0
 *         - cost_anomaly_detected
 * }</pre>
 *
 * <p>Shares are written {@code 5%} or as a fraction {@code 0.05}; a bare number above 1 is refused
 * (write {@code 5%}). Canary weights may not decrease and shadow steps come first. Durations use
 * {@link Durations}. Rollback conditions use {@link RollbackTrigger#parse}. Metric names are checked
 * against the rollout's metrics when the rollout is built ({@link AgentRollout#builder(AgentRolloutSpec)}).
 *
 * @param apiVersion {@value #API_VERSION} or {@value #UPSTREAM_API_VERSION}
 * @param name {@code metadata.name}: the rollout's name
 * @param agent {@code spec.agent}, or {@code null}
 * @param steps the steps, in order
 * @param automaticRollback {@code rollback.automatic} (default true)
 * @param rollbackOn the rollback conditions
 */
public record AgentRolloutSpec(String apiVersion, String name, String agent, List<RolloutStep> steps, boolean automaticRollback,
                               List<RollbackTrigger> rollbackOn) {

    /** The API version of the reference overview's document. */
    public static final String API_VERSION = "agent-sre/v1";
    /** The API version the upstream code writes. */
    public static final String UPSTREAM_API_VERSION = "agent-sre.io/v1alpha1";
    /** The document's kind. */
    public static final String KIND = "AgentRollout";

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory()
            .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
            .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES));
    private static final Set<String> STEP_KEYS = Set.of("shadow", "canary", "weight", "pause", "duration", "minSamples", "maxDuration",
            "analysis");
    private static final Set<String> ANALYSIS_BOUNDS = Set.of("threshold", "min", "max", "max_increase", "max_decrease");

    /**
     * Validates.
     *
     * @throws IllegalArgumentException for a wrong API version, a blank name, or no steps
     */
    public AgentRolloutSpec {
        if (!API_VERSION.equals(apiVersion) && !UPSTREAM_API_VERSION.equals(apiVersion)) {
            throw new IllegalArgumentException("apiVersion: must be " + API_VERSION + " or " + UPSTREAM_API_VERSION + ", got " + apiVersion);
        }
        Check.notBlank("metadata.name", name);
        steps = List.copyOf(Check.notNull("spec.strategy.steps", steps));
        if (steps.isEmpty()) {
            throw new IllegalArgumentException("spec.strategy.steps: at least one step is required");
        }
        rollbackOn = List.copyOf(Check.notNull("spec.strategy.rollback.on", rollbackOn));
    }

    /** Reads the document in {@code yaml}. */
    public static AgentRolloutSpec parse(String yaml) {
        return parse(new StringReader(Check.notNull("yaml", yaml)));
    }

    /** Reads the document in {@code file}. */
    public static AgentRolloutSpec load(Path file) {
        Check.notNull("file", file);
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            return parse(reader);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read rollout file " + file, e);
        }
    }

    /**
     * Reads one {@code AgentRollout} document from {@code reader}.
     *
     * @throws IllegalArgumentException naming the field's path ({@code spec.strategy.steps[1].canary: ...})
     *     for anything missing, unknown or out of range
     */
    public static AgentRolloutSpec parse(Reader reader) {
        JsonNode doc;
        try {
            doc = YAML.readTree(reader);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("invalid YAML: " + e.getOriginalMessage(), e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (doc == null || !doc.isObject()) {
            throw new IllegalArgumentException("an AgentRollout document must be a YAML mapping");
        }
        String apiVersion = text(doc, "apiVersion", "apiVersion");
        if (!API_VERSION.equals(apiVersion) && !UPSTREAM_API_VERSION.equals(apiVersion)) {
            throw error("apiVersion", "must be " + API_VERSION + " or " + UPSTREAM_API_VERSION + ", got " + apiVersion);
        }
        String kind = text(doc, "kind", "kind");
        if (!KIND.equals(kind)) {
            throw error("kind", "must be " + KIND + ", got " + kind);
        }
        String name = text(object(doc, "metadata", "metadata"), "name", "metadata.name");
        JsonNode spec = object(doc, "spec", "spec");
        String agent = spec.has("agent") ? text(spec, "agent", "spec.agent") : null;
        JsonNode strategy = object(spec, "strategy", "spec.strategy");
        if (strategy.has("type")) {
            String type = text(strategy, "type", "spec.strategy.type");
            if (!type.equals("canary")) {
                throw error("spec.strategy.type", "must be canary (shadow and pause steps are part of a canary strategy; blue-green "
                        + "deployments are BlueGreen), got " + type);
            }
        }
        JsonNode stepsNode = strategy.get("steps");
        if (stepsNode == null || !stepsNode.isArray() || stepsNode.isEmpty()) {
            throw error("spec.strategy.steps", "is required: a non-empty list of steps");
        }
        List<RolloutStep> steps = new ArrayList<>();
        double lastCanary = 0;
        boolean canarySeen = false;
        for (int i = 0; i < stepsNode.size(); i++) {
            String path = "spec.strategy.steps[" + i + "]";
            RolloutStep step = step(stepsNode.get(i), path);
            if (step.kind() == RolloutStep.Kind.CANARY) {
                if (step.weight() < lastCanary) {
                    throw error(path + ".canary", "must not be lower than the previous canary's " + percent(lastCanary) + ", got "
                            + percent(step.weight()));
                }
                lastCanary = step.weight();
                canarySeen = true;
            } else if (step.kind() == RolloutStep.Kind.SHADOW && canarySeen) {
                throw error(path + ".shadow", "a shadow step must come before the canary steps");
            }
            steps.add(step);
        }
        boolean automatic = true;
        List<RollbackTrigger> triggers = new ArrayList<>();
        JsonNode rollback = strategy.get("rollback");
        if (rollback != null && !rollback.isNull()) {
            if (!rollback.isObject()) {
                throw error("spec.strategy.rollback", "must be a mapping with automatic and on");
            }
            if (rollback.has("automatic")) {
                JsonNode a = rollback.get("automatic");
                if (!a.isBoolean()) {
                    throw error("spec.strategy.rollback.automatic", "must be true or false, got " + a);
                }
                automatic = a.asBoolean();
            }
            JsonNode on = rollback.get("on");
            if (on != null && !on.isNull()) {
                if (!on.isArray()) {
                    throw error("spec.strategy.rollback.on", "must be a list of conditions");
                }
                for (int i = 0; i < on.size(); i++) {
                    String path = "spec.strategy.rollback.on[" + i + "]";
                    JsonNode condition = on.get(i);
                    if (!condition.isTextual()) {
                        throw error(path, "must be a condition such as 'error_budget_burn_rate > 5.0', got " + condition);
                    }
                    try {
                        triggers.add(RollbackTrigger.parse(condition.asText()));
                    } catch (IllegalArgumentException e) {
                        throw error(path, e.getMessage());
                    }
                }
            }
        }
        return new AgentRolloutSpec(apiVersion, name, agent, steps, automatic, triggers);
    }

    private static RolloutStep step(JsonNode node, String path) {
        if (node == null || !node.isObject()) {
            throw error(path, "must be a mapping such as {canary: 5%, duration: 2h}");
        }
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            String key = it.next();
            if (!STEP_KEYS.contains(key)) {
                throw error(path + "." + key, "unknown field; a step has " + new java.util.TreeSet<>(STEP_KEYS));
            }
        }
        int kinds = (node.has("shadow") ? 1 : 0) + (node.has("canary") ? 1 : 0) + (node.has("weight") ? 1 : 0) + (node.has("pause") ? 1 : 0);
        if (kinds != 1) {
            throw error(path, "must have exactly one of shadow, canary, weight or pause, got " + kinds);
        }
        RolloutStep step;
        Duration pauseDuration = null;
        if (node.has("shadow")) {
            step = RolloutStep.shadow(share(node.get("shadow"), path + ".shadow"));
        } else if (node.has("canary")) {
            step = RolloutStep.canary(share(node.get("canary"), path + ".canary"));
        } else if (node.has("weight")) {
            step = RolloutStep.canary(share(node.get("weight"), path + ".weight"));
        } else {
            JsonNode pause = node.get("pause");
            if (pause.isObject()) {
                for (Iterator<String> it = pause.fieldNames(); it.hasNext(); ) {
                    String key = it.next();
                    if (!key.equals("duration")) {
                        throw error(path + ".pause." + key, "unknown field; a pause has only duration");
                    }
                }
                if (pause.has("duration")) {
                    pauseDuration = duration(pause.get("duration"), path + ".pause.duration");
                }
            } else if (!(pause.isBoolean() && pause.asBoolean()) && !pause.isNull()) {
                throw error(path + ".pause", "must be {} , true or {duration: 30m}, got " + pause);
            }
            step = RolloutStep.pause();
            if (pauseDuration != null) {
                step = step.duration(pauseDuration);
            }
        }
        if (node.has("duration")) {
            if (pauseDuration != null) {
                throw error(path + ".duration", "a pause's duration goes in pause: {duration: ...}, not both");
            }
            step = step.duration(duration(node.get("duration"), path + ".duration"));
        }
        if (step.kind() == RolloutStep.Kind.PAUSE) {
            for (String key : List.of("minSamples", "maxDuration", "analysis")) {
                if (node.has(key)) {
                    throw error(path + "." + key, "does not apply to a pause step");
                }
            }
            return step;
        }
        if (node.has("minSamples")) {
            JsonNode n = node.get("minSamples");
            if (!n.canConvertToLong() || !n.isIntegralNumber() || n.asLong() < 0) {
                throw error(path + ".minSamples", "must be a whole number >= 0, got " + n);
            }
            step = step.minSamples(n.asLong());
        }
        if (node.has("maxDuration")) {
            step = step.maxDuration(duration(node.get("maxDuration"), path + ".maxDuration"));
        }
        JsonNode analysis = node.get("analysis");
        if (analysis != null && !analysis.isNull()) {
            if (!analysis.isArray()) {
                throw error(path + ".analysis", "must be a list of {metric, threshold | min | max | max_increase | max_decrease}");
            }
            for (int i = 0; i < analysis.size(); i++) {
                step = step.gate(gate(analysis.get(i), path + ".analysis[" + i + "]"));
            }
        }
        return step;
    }

    private static Gate gate(JsonNode node, String path) {
        if (node == null || !node.isObject()) {
            throw error(path, "must be a mapping {metric, threshold | min | max | max_increase | max_decrease}");
        }
        String metric = text(node, "metric", path + ".metric");
        String bound = null;
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            String key = it.next();
            if (key.equals("metric")) {
                continue;
            }
            if (!ANALYSIS_BOUNDS.contains(key)) {
                throw error(path + "." + key, "unknown field; an analysis has metric and one of " + new java.util.TreeSet<>(ANALYSIS_BOUNDS));
            }
            if (bound != null) {
                throw error(path, "must have exactly one of threshold, min, max, max_increase, max_decrease; got " + bound + " and " + key);
            }
            bound = key;
        }
        if (bound == null) {
            throw error(path, "needs one of threshold, min, max, max_increase, max_decrease");
        }
        String where = path + "." + bound;
        JsonNode value = node.get(bound);
        switch (bound) {
            case "threshold":
                return Gate.threshold(metric, number(value, where));
            case "min":
                return Gate.atLeast(metric, number(value, where));
            case "max":
                return Gate.atMost(metric, number(value, where));
            case "max_increase":
                return Gate.maxIncrease(metric, relative(value, where, false));
            default:
                return Gate.maxDecrease(metric, relative(value, where, true));
        }
    }

    /** A share of traffic: {@code 5%}, or a fraction in (0, 1]. */
    private static double share(JsonNode node, String path) {
        double value = percentOrFraction(node, path);
        if (!(value > 0 && value <= 1)) {
            throw error(path, "must be between 0% (exclusive) and 100%, got " + show(node));
        }
        return value;
    }

    /** A relative change: {@code 20%} or a fraction {@code 0.2}. */
    private static double relative(JsonNode node, String path, boolean capped) {
        double value = percentOrFraction(node, path);
        if (value < 0 || capped && value > 1) {
            throw error(path, "must be between 0% and " + (capped ? "100%" : "any percentage") + ", got " + show(node));
        }
        return value;
    }

    private static double percentOrFraction(JsonNode node, String path) {
        if (node.isNumber()) {
            double v = node.asDouble();
            if (v > 1) {
                throw error(path, "a bare number must be a fraction in [0, 1]; write " + show(node) + "% for a percentage, got " + show(node));
            }
            return v;
        }
        if (node.isTextual()) {
            String text = node.asText().trim();
            try {
                if (text.endsWith("%")) {
                    return new BigDecimal(text.substring(0, text.length() - 1).trim()).movePointLeft(2).doubleValue();
                }
                double v = Double.parseDouble(text);
                if (v > 1) {
                    throw error(path, "a bare number must be a fraction in [0, 1]; write " + text + "% for a percentage, got " + text);
                }
                return v;
            } catch (NumberFormatException e) {
                throw error(path, "must be a percentage such as 5% or a fraction such as 0.05, got " + text);
            }
        }
        throw error(path, "must be a percentage such as 5% or a fraction such as 0.05, got " + show(node));
    }

    private static double number(JsonNode node, String path) {
        if (node.isNumber()) {
            return node.asDouble();
        }
        if (node.isTextual()) {
            try {
                return Double.parseDouble(node.asText().trim());
            } catch (NumberFormatException e) {
                // fall through
            }
        }
        throw error(path, "must be a number, got " + show(node));
    }

    private static Duration duration(JsonNode node, String path) {
        if (!node.isTextual() && !node.isNumber()) {
            throw error(path, "must be a duration such as 2h or 30m, got " + show(node));
        }
        try {
            return Durations.parsePositive(path, node.asText());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(e.getMessage().startsWith(path) ? e.getMessage() : path + ": " + e.getMessage(), e);
        }
    }

    private static JsonNode object(JsonNode parent, String key, String path) {
        JsonNode node = parent.get(key);
        if (node == null || !node.isObject()) {
            throw error(path, "is required: a mapping");
        }
        return node;
    }

    private static String text(JsonNode parent, String key, String path) {
        JsonNode node = parent.get(key);
        if (node == null || node.isNull() || !node.isValueNode() || node.asText().isBlank()) {
            throw error(path, "is required: a non-blank string");
        }
        return node.asText();
    }

    private static String show(JsonNode node) {
        return node.isTextual() ? node.asText() : node.toString();
    }

    private static IllegalArgumentException error(String path, String message) {
        return new IllegalArgumentException(path + ": " + message);
    }

    // ------------------------------------------------------------------ writing

    /** The document as YAML, in the form {@link #parse} reads back to an equal spec. */
    public String toYaml() {
        JsonNodeFactory f = JsonNodeFactory.instance;
        ObjectNode doc = f.objectNode();
        doc.put("apiVersion", apiVersion);
        doc.put("kind", KIND);
        doc.putObject("metadata").put("name", name);
        ObjectNode spec = doc.putObject("spec");
        if (agent != null) {
            spec.put("agent", agent);
        }
        ObjectNode strategy = spec.putObject("strategy");
        strategy.put("type", "canary");
        ArrayNode stepsNode = strategy.putArray("steps");
        for (RolloutStep step : steps) {
            ObjectNode s = stepsNode.addObject();
            switch (step.kind()) {
                case SHADOW:
                    s.put("shadow", percent(step.weight()));
                    break;
                case CANARY:
                    s.put("canary", percent(step.weight()));
                    break;
                default:
                    ObjectNode pause = s.putObject("pause");
                    step.duration().ifPresent(d -> pause.put("duration", Durations.format(d)));
                    continue;
            }
            step.duration().ifPresent(d -> s.put("duration", Durations.format(d)));
            if (step.minSamplesSet()) {
                s.put("minSamples", step.minSamples());
            }
            if (step.maxDurationSet()) {
                s.put("maxDuration", Durations.format(step.maxDuration().orElseThrow()));
            }
            if (!step.gates().isEmpty()) {
                ArrayNode analysis = s.putArray("analysis");
                for (Gate gate : step.gates()) {
                    ObjectNode g = analysis.addObject();
                    g.put("metric", gate.metric());
                    switch (gate.kind()) {
                        case THRESHOLD:
                            g.put("threshold", gate.value());
                            break;
                        case AT_LEAST:
                            g.put("min", gate.value());
                            break;
                        case AT_MOST:
                            g.put("max", gate.value());
                            break;
                        case MAX_INCREASE:
                            g.put("max_increase", percent(gate.value()));
                            break;
                        default:
                            g.put("max_decrease", percent(gate.value()));
                            break;
                    }
                }
            }
        }
        ObjectNode rollback = strategy.putObject("rollback");
        rollback.put("automatic", automaticRollback);
        ArrayNode on = rollback.putArray("on");
        rollbackOn.forEach(t -> on.add(t.expression()));
        try {
            return YAML.writeValueAsString(doc);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write the rollout as YAML", e);
        }
    }

    /** A fraction as an exact percentage: 0.05 → {@code 5%}, 0.125 → {@code 12.5%}. */
    static String percent(double fraction) {
        return new BigDecimal(Double.toString(fraction)).movePointRight(2).stripTrailingZeros().toPlainString() + "%";
    }
}
