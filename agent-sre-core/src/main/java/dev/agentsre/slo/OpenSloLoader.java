package dev.agentsre.slo;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.agentsre.event.SreEventBus;
import dev.agentsre.internal.Check;
import dev.agentsre.time.Durations;
import java.io.IOException;
import java.io.Reader;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Supplier;

/**
 * Loads {@link Slo}s from YAML in the <a href="https://github.com/OpenSLO/OpenSLO">OpenSLO v1</a>
 * shape. One file may hold several documents ({@code ---}); documents of other kinds are skipped.
 *
 * <pre>{@code
 * apiVersion: openslo/v1
 * kind: SLO
 * metadata:
 *   name: code-reviewer-reliability
 *   annotations:
 *     agentsre.dev/exhaustion-action: THROTTLE   # ALERT, THROTTLE, CIRCUIT_BREAK, FREEZE_DEPLOYMENTS
 *     agentsre.dev/burn-rate-alert: "2.0"        # optional, single-window thresholds
 *     agentsre.dev/burn-rate-critical: "10.0"
 *     agentsre.dev/minimum-events: "10"
 * spec:
 *   service: code-reviewer                      # becomes the agent id
 *   indicatorRef: task_success_rate             # a built-in indicator, see below
 *   budgetingMethod: Occurrences
 *   timeWindow:
 *     - duration: 30d
 *       isRolling: true
 *   objectives:
 *     - target: 0.995
 * }</pre>
 *
 * <p><b>Mapping.</b> {@code objectives[0].target} is OpenSLO's share of good events, so the error
 * budget is {@code 1 - target} over {@code timeWindow[0].duration}. The indicator is a built-in
 * named by {@code spec.indicatorRef} or {@code spec.indicator.metadata.name}:
 * {@code task_success_rate}, {@code tool_call_accuracy}, {@code tool_success_rate},
 * {@code policy_compliance} (target = the objective's target); {@code error_rate},
 * {@code hallucination_rate} (target = {@code 1 - objective target}); {@code response_latency}
 * (percentile = the objective's target, threshold = {@code objectives[0].value} in ms);
 * {@code cost_per_task}, {@code token_usage}, {@code human_feedback}, {@code delegation_depth}
 * (threshold = {@code objectives[0].value}). The indicator's window is the SLO's window, except for
 * {@code response_latency}, whose percentile is read over 1h unless the annotation
 * {@code agentsre.dev/indicator-window} says otherwise.
 *
 * <p><b>Errors.</b> A missing or malformed field is an {@link IllegalArgumentException} whose message
 * starts with the document number and the field's path, e.g.
 * {@code document 1: spec.objectives[0].target: must be a number in (0, 1), got "high"}.
 * Calendar-aligned windows ({@code isRolling: false}) and budgeting methods other than
 * {@code Occurrences} are rejected.
 */
public final class OpenSloLoader {

    private static final String ANNOTATION_PREFIX = "agentsre.dev/";
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    private final Clock clock;
    private final SreEventBus eventBus;

    private OpenSloLoader(Clock clock, SreEventBus eventBus) {
        this.clock = clock;
        this.eventBus = eventBus;
    }

    /** A loader whose SLOs use the system clock and a private bus each. */
    public static OpenSloLoader create() {
        return new OpenSloLoader(Clock.systemUTC(), null);
    }

    /** A loader whose SLOs use {@code clock} and publish on {@code eventBus} (may be null). */
    public static OpenSloLoader create(Clock clock, SreEventBus eventBus) {
        return new OpenSloLoader(Check.notNull("clock", clock), eventBus);
    }

    /** Loads every SLO document in {@code file}. */
    public List<Slo> load(Path file) {
        Check.notNull("file", file);
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            return load(reader);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read SLO file " + file, e);
        }
    }

    /** Loads every SLO document in {@code yaml}. */
    public List<Slo> loadString(String yaml) {
        return load(new StringReader(Check.notNull("yaml", yaml)));
    }

    /** Loads every SLO document read from {@code reader}. */
    public List<Slo> load(Reader reader) {
        List<Slo> slos = new ArrayList<>();
        try (MappingIterator<JsonNode> documents = YAML.readerFor(JsonNode.class).readValues(reader)) {
            int number = 0;
            while (documents.hasNextValue()) {
                JsonNode document = documents.nextValue();
                number++;
                if (document == null || document.isNull() || document.isMissingNode()) {
                    continue;
                }
                Document doc = new Document(number, document);
                if (!"SLO".equals(doc.optionalText(document, "kind"))) {
                    continue;
                }
                slos.add(doc.toSlo());
            }
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("invalid YAML: " + e.getOriginalMessage()
                    + (e.getLocation() == null ? "" : " at line " + e.getLocation().getLineNr()), e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return slos;
    }

    private final class Document {
        private final int number;
        private final JsonNode root;

        Document(int number, JsonNode root) {
            this.number = number;
            this.root = root;
        }

        Slo toSlo() {
            String apiVersion = requiredText(root, "apiVersion");
            if (!"openslo/v1".equals(apiVersion)) {
                throw error("apiVersion", "must be openslo/v1, got \"" + apiVersion + "\"");
            }
            JsonNode metadata = required(root, "metadata", "metadata");
            String name = requiredText(metadata, "metadata.name", "name");
            JsonNode annotations = metadata.path("annotations");
            JsonNode spec = required(root, "spec", "spec");

            String method = optionalText(spec, "budgetingMethod");
            if (method != null && !"Occurrences".equals(method)) {
                throw error("spec.budgetingMethod", "only Occurrences is supported, got \"" + method + "\"");
            }
            JsonNode windows = required(spec, "spec.timeWindow", "timeWindow");
            if (!windows.isArray() || windows.size() != 1) {
                throw error("spec.timeWindow", "must be a list with exactly one window");
            }
            JsonNode window = windows.get(0);
            Duration budgetWindow = duration(window, "spec.timeWindow[0].duration", "duration");
            JsonNode rolling = window.path("isRolling");
            if (!rolling.isMissingNode() && !rolling.asBoolean(false)) {
                throw error("spec.timeWindow[0].isRolling", "calendar-aligned windows are not supported; use isRolling: true");
            }

            JsonNode objectives = required(spec, "spec.objectives", "objectives");
            if (!objectives.isArray() || objectives.size() != 1) {
                throw error("spec.objectives", "must be a list with exactly one objective, got "
                        + (objectives.isArray() ? objectives.size() : objectives.getNodeType().toString().toLowerCase(Locale.ROOT)));
            }
            JsonNode objective = objectives.get(0);
            double target = number(objective, "spec.objectives[0].target", "target");
            if (!(target > 0 && target < 1)) {
                throw error("spec.objectives[0].target", "must be a number in (0, 1), got " + objective.get("target"));
            }

            String indicatorName = spec.hasNonNull("indicatorRef")
                    ? requiredText(spec, "spec.indicatorRef", "indicatorRef")
                    : requiredText(required(required(spec, "spec.indicator", "indicator"), "spec.indicator.metadata", "metadata"),
                            "spec.indicator.metadata.name", "name");
            Sli indicator = indicator(indicatorName, target, objective, budgetWindow, annotations);

            ErrorBudget.Builder budget = ErrorBudget.builder().total(1.0 - target).window(budgetWindow).clock(clock);
            String action = annotation(annotations, "exhaustion-action");
            if (action != null) {
                try {
                    budget.exhaustionAction(ExhaustionAction.valueOf(action.trim().toUpperCase(Locale.ROOT)));
                } catch (IllegalArgumentException e) {
                    throw error("metadata.annotations." + ANNOTATION_PREFIX + "exhaustion-action",
                            "must be one of ALERT, THROTTLE, CIRCUIT_BREAK, FREEZE_DEPLOYMENTS, got \"" + action + "\"");
                }
            }
            budget.burnRateAlert(annotationNumber(annotations, "burn-rate-alert", ErrorBudget.DEFAULT_BURN_RATE_ALERT));
            budget.burnRateCritical(annotationNumber(annotations, "burn-rate-critical", ErrorBudget.DEFAULT_BURN_RATE_CRITICAL));
            double minimumEvents = annotationNumber(annotations, "minimum-events", ErrorBudget.DEFAULT_MINIMUM_EVENTS);
            if (minimumEvents != Math.rint(minimumEvents)) {
                throw error("metadata.annotations." + ANNOTATION_PREFIX + "minimum-events", "must be a whole number, got " + minimumEvents);
            }
            budget.minimumEvents((long) minimumEvents);

            Slo.Builder slo = Slo.builder(name).indicator(indicator)
                    .errorBudget(guarded("spec", budget::build)).clock(clock).eventBus(eventBus);
            String agentId = annotation(annotations, "agent-id");
            if (agentId == null) {
                agentId = optionalText(spec, "service");
            }
            if (agentId != null) {
                slo.agentId(agentId);
            }
            String description = optionalText(spec, "description");
            if (description != null) {
                slo.description(description);
            }
            return slo.build();
        }

        private Sli indicator(String indicatorName, double target, JsonNode objective, Duration budgetWindow, JsonNode annotations) {
            String path = "spec.objectives[0].value";
            switch (indicatorName) {
                case "task_success_rate":
                    return guarded(path, () -> Slis.taskSuccessRate().target(target).window(budgetWindow).clock(clock).build());
                case "tool_call_accuracy":
                    return guarded(path, () -> Slis.toolCallAccuracy().target(target).window(budgetWindow).clock(clock).build());
                case "tool_success_rate":
                    return guarded(path, () -> Slis.toolSuccessRate().target(target).window(budgetWindow).clock(clock).build());
                case "policy_compliance":
                    return guarded(path, () -> Slis.policyCompliance().target(target).window(budgetWindow).clock(clock).build());
                case "error_rate":
                    return guarded(path, () -> Slis.errorRate().target(1 - target).window(budgetWindow).clock(clock).build());
                case "hallucination_rate":
                    return guarded(path, () -> Slis.hallucinationRate().target(1 - target).window(budgetWindow).clock(clock).build());
                case "response_latency": {
                    double threshold = number(objective, path, "value");
                    String w = annotation(annotations, "indicator-window");
                    Duration indicatorWindow = w == null ? Duration.ofHours(1) : guarded(
                            "metadata.annotations." + ANNOTATION_PREFIX + "indicator-window", () -> Durations.parsePositive("window", w));
                    return guarded(path, () -> Slis.responseLatency().percentile(target).target(threshold)
                            .window(indicatorWindow).clock(clock).build());
                }
                case "cost_per_task":
                    return threshold(Slis.costPerTask(), objective, budgetWindow);
                case "token_usage":
                    return threshold(Slis.tokenUsage(), objective, budgetWindow);
                case "human_feedback":
                    return threshold(Slis.humanFeedback(), objective, budgetWindow);
                case "delegation_depth":
                    return threshold(Slis.delegationDepth(), objective, budgetWindow);
                default:
                    throw error(root.path("spec").has("indicatorRef") ? "spec.indicatorRef" : "spec.indicator.metadata.name",
                            "unknown indicator \"" + indicatorName + "\"; expected one of task_success_rate, tool_call_accuracy, "
                                    + "tool_success_rate, policy_compliance, error_rate, hallucination_rate, response_latency, "
                                    + "cost_per_task, token_usage, human_feedback, delegation_depth");
            }
        }

        private Sli threshold(AggregateSli.Builder builder, JsonNode objective, Duration window) {
            double value = number(objective, "spec.objectives[0].value", "value");
            return guarded("spec.objectives[0].value", () -> builder.target(value).window(window).clock(clock).build());
        }

        private <T> T guarded(String path, Supplier<T> build) {
            try {
                return build.get();
            } catch (IllegalArgumentException e) {
                throw error(path, e.getMessage());
            }
        }

        private String annotation(JsonNode annotations, String key) {
            JsonNode value = annotations.get(ANNOTATION_PREFIX + key);
            return value == null || value.isNull() ? null : value.asText();
        }

        // Annotation values are strings in OpenSLO; ours must be numbers >= 0.
        private double annotationNumber(JsonNode annotations, String key, double defaultValue) {
            String text = annotation(annotations, key);
            if (text == null) {
                return defaultValue;
            }
            double value;
            try {
                value = Double.parseDouble(text.trim());
            } catch (NumberFormatException e) {
                value = Double.NaN;
            }
            if (!(value >= 0) || Double.isInfinite(value)) {
                throw error("metadata.annotations." + ANNOTATION_PREFIX + key, "must be a number >= 0, got \"" + text + "\"");
            }
            return value;
        }

        JsonNode required(JsonNode parent, String path, String field) {
            JsonNode node = parent.get(field);
            if (node == null || node.isNull()) {
                throw error(path, "is required");
            }
            return node;
        }

        String requiredText(JsonNode parent, String field) {
            return requiredText(parent, field, field);
        }

        String requiredText(JsonNode parent, String path, String field) {
            JsonNode node = required(parent, path, field);
            if (!node.isValueNode() || node.asText().isBlank()) {
                throw error(path, "must be a non-blank string, got " + node);
            }
            return node.asText();
        }

        String optionalText(JsonNode parent, String field) {
            JsonNode node = parent.get(field);
            return node == null || node.isNull() ? null : node.asText();
        }

        double number(JsonNode parent, String path, String field) {
            JsonNode node = required(parent, path, field);
            if (node.isNumber()) {
                return node.doubleValue();
            }
            if (node.isTextual()) {
                try {
                    return Double.parseDouble(node.asText().trim());
                } catch (NumberFormatException ignored) {
                    // fall through to the error below
                }
            }
            throw error(path, "must be a number, got " + node);
        }

        Duration duration(JsonNode parent, String path, String field) {
            String text = requiredText(parent, path, field);
            try {
                return Durations.parsePositive("duration", text);
            } catch (IllegalArgumentException e) {
                throw error(path, e.getMessage());
            }
        }

        IllegalArgumentException error(String path, String message) {
            return new IllegalArgumentException("document " + number + ": " + path + ": " + message);
        }
    }

}
