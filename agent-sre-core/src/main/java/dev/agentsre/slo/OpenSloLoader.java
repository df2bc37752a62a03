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
import java.time.DateTimeException;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Loads {@link Slo}s from <a href="https://github.com/OpenSLO/OpenSLO">OpenSLO v1</a> YAML: every
 * document kind of the specification that this engine can represent is loaded, everything else is
 * rejected with an {@link IllegalArgumentException} naming the document and the field, and nothing
 * is loaded approximately.
 *
 * <pre>{@code
 * apiVersion: openslo/v1
 * kind: SLO
 * metadata:
 *   name: search-latency
 *   annotations:
 *     agentsre.dev/exhaustion-action: THROTTLE   # ALERT, THROTTLE, CIRCUIT_BREAK, FREEZE_DEPLOYMENTS
 * spec:
 *   service: search-agent                       # becomes the agent id
 *   indicator:
 *     metadata:
 *       name: search-latency
 *     spec:
 *       thresholdMetric:
 *         metricSource: {type: Any}
 *   budgetingMethod: Occurrences
 *   timeWindow:
 *     - duration: 1M                            # a month: 30 days rolling, or the calendar month
 *       isRolling: true
 *   objectives:
 *     - op: lt
 *       value: 500
 *       target: 0.99
 * }</pre>
 *
 * <p><b>Documents.</b> A file holds one or more YAML documents ({@code ---}), each one object; a
 * file that is a list of objects (as OpenSLO's Go SDK writes them) counts each item as a document. References ({@code indicatorRef}, {@code alertPolicyRef},
 * {@code conditionRef}) are resolved among all documents loaded together ({@link
 * #load(Collection)} loads several files as one set).
 *
 * <table>
 *   <caption>What is loaded (OpenSLO v1)</caption>
 *   <tr><th>kind / field</th><th>loaded as</th></tr>
 *   <tr><td>SLO</td><td>one {@link Slo} per objective (named after the SLO, or
 *       {@code <slo>/<objective>} when there are several); {@code spec.service} is the agent
 *       id</td></tr>
 *   <tr><td>SLI {@code ratioMetric} (good/total or bad/total)</td><td>an {@link EventRatioSli} named
 *       after the SLI: the budget counts the good and bad events ({@link Slo#recordEvent(boolean)})</td></tr>
 *   <tr><td>SLI {@code thresholdMetric}</td><td>the SLO's {@linkplain Slo#budgetIndicator() budget
 *       indicator}: a {@link PercentileSli} named after the SLI, judging each sample with the
 *       objective's {@code op} and {@code value} ({@link Slo#record(double)}); {@code lt}/{@code
 *       lte} at percentile {@code target}, {@code gt}/{@code gte} at {@code 1 − target}</td></tr>
 *   <tr><td>an indicator named like a built-in, without a metric</td><td>the built-in of {@link
 *       Slis} (see below)</td></tr>
 *   <tr><td>{@code budgetingMethod: Occurrences}</td><td>the error budget, counting every event</td></tr>
 *   <tr><td>{@code budgetingMethod: Timeslices} ({@code timeSliceWindow}, {@code timeSliceTarget})</td>
 *       <td>a budget of time slices ({@link ErrorBudget.Builder#timeslices}): a slice is good when
 *       the share of its good events reaches {@code timeSliceTarget}; {@code target} applies to the
 *       share of good slices</td></tr>
 *   <tr><td>{@code budgetingMethod: RatioTimeslices} ({@code timeSliceWindow})</td><td>a budget of
 *       the slices' average good ratio ({@link ErrorBudget.Builder#ratioTimeslices})</td></tr>
 *   <tr><td>{@code timeWindow} rolling</td><td>a rolling window; {@code m h d w} as usual, {@code M}
 *       = 30 days, {@code Q} = 90 days, {@code Y} = 365 days; absent: 30 days</td></tr>
 *   <tr><td>{@code timeWindow} with {@code calendar}</td><td>a {@link CalendarWindow} from
 *       {@code startTime} in {@code timeZone} ({@code M}: calendar months, {@code Q}: three months,
 *       {@code Y}: years)</td></tr>
 *   <tr><td>{@code target} / {@code targetPercent}</td><td>the budget's target</td></tr>
 *   <tr><td>AlertPolicy, AlertCondition ({@code burnrate}, {@code op} gt/gte)</td><td>the SLO's burn-rate
 *       rules, replacing the default tiers: a single-window {@link BurnRateAlert} over {@code
 *       lookbackWindow} at {@code threshold}, firing after {@code alertAfter}; severity {@code
 *       page}/{@code critical}/{@code high}/{@code sev1}/{@code p1} is a page, {@code ticket}/{@code
 *       warning}/{@code medium}/{@code low}/{@code sev2}..{@code sev4}/{@code p2}..{@code p4} a
 *       ticket</td></tr>
 *   <tr><td>Service, DataSource, AlertNotificationTarget</td><td>validated; nothing to evaluate
 *       (metric sources are not queried: this engine is fed in process; notification routing is
 *       the alerting layer's)</td></tr>
 * </table>
 *
 * <p><b>Rejected</b>, naming the field: other API versions; {@code timeSliceWindow} or {@code
 * timeSliceTarget} where the budgeting method does not use them (a {@code timeSliceTarget} with
 * {@code RatioTimeslices}, either with {@code Occurrences}), and a time slice of months or years;
 * composite objectives ({@code objectives[].indicator},
 * {@code indicatorRef}, {@code compositeWeight}); raw ratio metrics ({@code ratioMetric.raw}, which
 * carry no events to count); burn-rate conditions with {@code op} lt/lte (an alert on a burn rate
 * <em>below</em> a threshold); {@code alertWhenNoData: true} and {@code alertWhenBreaching: false};
 * unresolved references; every violation of the specification (a missing required field, a
 * malformed value, both {@code target} and {@code targetPercent}, both {@code good} and
 * {@code bad}). Errors read {@code [file x.yaml, ]document 2: spec.objectives[0].target: must be a
 * number in (0, 1), got 1.5}.
 *
 * <p><b>Built-in indicators</b> by name ({@code spec.indicatorRef} or an indicator without a metric):
 * {@code task_success_rate}, {@code tool_call_accuracy}, {@code tool_success_rate},
 * {@code policy_compliance} (target = the objective's target); {@code error_rate},
 * {@code hallucination_rate} (target = {@code 1 − objective target}); {@code response_latency}
 * (percentile = the objective's target, threshold = its {@code value} in ms, read over 1h unless
 * the annotation {@code agentsre.dev/indicator-window} says otherwise); {@code cost_per_task},
 * {@code token_usage}, {@code human_feedback}, {@code delegation_depth} (threshold = {@code value}).
 *
 * <p><b>Annotations</b> ({@code metadata.annotations} of the SLO): {@code agentsre.dev/exhaustion-action},
 * {@code agentsre.dev/burn-rate-alert} and {@code burn-rate-critical} (single-window thresholds),
 * {@code agentsre.dev/minimum-events}, {@code agentsre.dev/agent-id} (instead of {@code
 * spec.service}), {@code agentsre.dev/indicator-window}.
 */
public final class OpenSloLoader {

    private static final String ANNOTATION_PREFIX = "agentsre.dev/";
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final Pattern SHORTHAND = Pattern.compile("([0-9]{1,9})([mhdwMQY])");
    private static final DateTimeFormatter START_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");
    private static final Set<String> CRITICAL_SEVERITIES = Set.of("page", "critical", "high", "sev1", "p1");
    private static final Set<String> WARNING_SEVERITIES = Set.of("ticket", "warning", "warn", "medium", "low",
            "sev2", "sev3", "sev4", "p2", "p3", "p4");
    private static final Set<String> INERT_KINDS = Set.of("Service", "DataSource", "AlertNotificationTarget");

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

    /** Loads every SLO of {@code file}. */
    public List<Slo> load(Path file) {
        return loadAll(List.of(Check.notNull("file", file))).slos();
    }

    /** Loads every SLO of {@code files}, resolving references across them. */
    public List<Slo> load(Collection<Path> files) {
        return loadAll(files).slos();
    }

    /** Loads every SLO of {@code yaml}. */
    public List<Slo> loadString(String yaml) {
        return loadAll(Check.notNull("yaml", yaml)).slos();
    }

    /** Loads every SLO read from {@code reader}. */
    public List<Slo> load(Reader reader) {
        Documents documents = new Documents();
        documents.read(null, Check.notNull("reader", reader));
        return documents.build().slos();
    }

    /** Loads every document of {@code yaml}: SLOs and the definitions they were built from. */
    public Result loadAll(String yaml) {
        Documents documents = new Documents();
        documents.read(null, new StringReader(Check.notNull("yaml", yaml)));
        return documents.build();
    }

    /** Loads every document of {@code files} as one set. */
    public Result loadAll(Collection<Path> files) {
        Check.notNull("files", files);
        Documents documents = new Documents();
        for (Path file : files) {
            try (Reader reader = Files.newBufferedReader(Check.notNull("file", file), StandardCharsets.UTF_8)) {
                documents.read(file, reader);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read OpenSLO file " + file, e);
            }
        }
        return documents.build();
    }

    /**
     * Everything loaded from a set of documents.
     *
     * @param slos the SLOs, one per objective, in document order
     * @param indicators the SLI documents by name
     * @param alertConditions the AlertCondition documents by name, as burn-rate rules
     * @param alertPolicies the AlertPolicy documents by name, as the burn-rate rules of their conditions
     * @param inert the names of the documents that carry nothing to evaluate (Service, DataSource,
     *     AlertNotificationTarget), by kind
     */
    public record Result(List<Slo> slos, Map<String, Indicator> indicators, Map<String, BurnRateAlert> alertConditions,
                         Map<String, List<BurnRateAlert>> alertPolicies, Map<String, List<String>> inert) {
    }

    /**
     * An OpenSLO SLI as this engine reads it.
     *
     * @param name {@code metadata.name}
     * @param metric which metric it defines
     * @param description {@code spec.description}, or empty
     */
    public record Indicator(String name, Metric metric, String description) {
    }

    /** The metric an OpenSLO SLI defines. */
    public enum Metric {
        /** {@code ratioMetric} with {@code good} and {@code total}. */
        RATIO_GOOD_TOTAL,
        /** {@code ratioMetric} with {@code bad} and {@code total}. */
        RATIO_BAD_TOTAL,
        /** {@code thresholdMetric}. */
        THRESHOLD,
        /** No metric: a built-in indicator of this engine, by name. */
        BUILT_IN
    }

    // ------------------------------------------------------------------ reading

    /** One document (or one item of a document that is a list), with where it came from. */
    private record Doc(String where, JsonNode root, String kind, String name) {
        IllegalArgumentException error(String path, String message) {
            return new IllegalArgumentException(where + ": " + path + ": " + message);
        }
    }

    private final class Documents {
        private final List<Doc> docs = new ArrayList<>();
        private final Map<String, Doc> slis = new LinkedHashMap<>();
        private final Map<String, Doc> policies = new LinkedHashMap<>();
        private final Map<String, Doc> conditions = new LinkedHashMap<>();

        void read(Path file, Reader reader) {
            String source = file == null ? "" : "file " + file.getFileName() + ", ";
            try (MappingIterator<JsonNode> values = YAML.readerFor(JsonNode.class).readValues(reader)) {
                int number = 0;
                while (values.hasNextValue()) {
                    JsonNode value = values.nextValue();
                    number++;
                    if (value == null || value.isNull() || value.isMissingNode()) {
                        continue;
                    }
                    String where = source + "document " + number;
                    if (value.isArray()) {
                        for (int i = 0; i < value.size(); i++) {
                            add(where + " item " + (i + 1), value.get(i));
                        }
                    } else {
                        add(where, value);
                    }
                }
            } catch (JsonProcessingException e) {
                throw new IllegalArgumentException(source + "invalid YAML: " + e.getOriginalMessage()
                        + (e.getLocation() == null ? "" : " at line " + e.getLocation().getLineNr()), e);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        private void add(String where, JsonNode root) {
            if (!root.isObject()) {
                throw new IllegalArgumentException(where + ": must be an object with apiVersion, kind, metadata and spec, got " + root);
            }
            Doc probe = new Doc(where, root, null, null);
            String apiVersion = text(probe, root, "apiVersion", "apiVersion", true);
            if (!"openslo/v1".equals(apiVersion)) {
                throw probe.error("apiVersion", "only openslo/v1 is supported, got \"" + apiVersion + "\"");
            }
            String kind = text(probe, root, "kind", "kind", true);
            JsonNode metadata = object(probe, root, "metadata", "metadata", true);
            String name = text(probe, metadata, "metadata.name", "name", true);
            Doc doc = new Doc(where, root, kind, name);
            switch (kind) {
                case "SLO":
                    break;
                case "SLI":
                    register(slis, doc);
                    break;
                case "AlertPolicy":
                    register(policies, doc);
                    break;
                case "AlertCondition":
                    register(conditions, doc);
                    break;
                default:
                    if (!INERT_KINDS.contains(kind)) {
                        throw doc.error("kind", "must be one of SLO, SLI, AlertPolicy, AlertCondition, AlertNotificationTarget, "
                                + "DataSource, Service, got \"" + kind + "\"");
                    }
            }
            docs.add(doc);
        }

        private void register(Map<String, Doc> byName, Doc doc) {
            Doc previous = byName.putIfAbsent(doc.name, doc);
            if (previous != null) {
                throw doc.error("metadata.name", doc.kind + " \"" + doc.name + "\" is defined twice (also in " + previous.where + ")");
            }
        }

        Result build() {
            Map<String, Indicator> indicators = new LinkedHashMap<>();
            Map<String, BurnRateAlert> alertConditions = new LinkedHashMap<>();
            Map<String, List<BurnRateAlert>> alertPolicies = new LinkedHashMap<>();
            Map<String, List<String>> inert = new LinkedHashMap<>();
            List<Slo> slos = new ArrayList<>();
            for (Doc doc : docs) {
                switch (doc.kind) {
                    case "SLI":
                        indicators.put(doc.name, indicator(doc, doc.root, ""));
                        break;
                    case "AlertCondition":
                        alertConditions.put(doc.name, condition(doc, doc.root, ""));
                        break;
                    case "AlertPolicy":
                        alertPolicies.put(doc.name, policy(doc, doc.root, ""));
                        break;
                    case "SLO":
                        slos.addAll(slo(doc));
                        break;
                    default:
                        validateInert(doc);
                        inert.computeIfAbsent(doc.kind, k -> new ArrayList<>()).add(doc.name);
                }
            }
            return new Result(List.copyOf(slos), Map.copyOf(indicators), Map.copyOf(alertConditions), Map.copyOf(alertPolicies),
                    Map.copyOf(inert));
        }

        // ------------------------------------------------------------------ inert kinds

        private void validateInert(Doc doc) {
            JsonNode spec = object(doc, doc.root, "spec", "spec", !"Service".equals(doc.kind)); // a Service's spec is optional
            switch (doc.kind) {
                case "AlertNotificationTarget":
                    text(doc, spec, "spec.target", "target", true);
                    break;
                case "DataSource":
                    text(doc, spec, "spec.type", "type", true);
                    required(doc, spec, "spec.connectionDetails", "connectionDetails");
                    break;
                default:
                    break; // Service: metadata and an optional description
            }
        }

        // ------------------------------------------------------------------ SLI

        private Indicator indicator(Doc doc, JsonNode sli, String prefix) {
            String name = text(doc, object(doc, sli, prefix + "metadata", "metadata", true), prefix + "metadata.name", "name", true);
            JsonNode spec = sli.get("spec");
            if (spec == null || spec.isNull()) {
                return new Indicator(name, Metric.BUILT_IN, "");
            }
            String path = prefix + "spec";
            if (!spec.isObject()) {
                throw doc.error(path, "must be an object, got " + spec);
            }
            String description = optionalText(spec, "description");
            boolean ratio = spec.hasNonNull("ratioMetric");
            boolean threshold = spec.hasNonNull("thresholdMetric");
            if (ratio == threshold) {
                throw doc.error(path, "exactly one of ratioMetric and thresholdMetric is required");
            }
            if (threshold) {
                metricSource(doc, object(doc, spec, path + ".thresholdMetric", "thresholdMetric", true), path + ".thresholdMetric");
                return new Indicator(name, Metric.THRESHOLD, description == null ? "" : description);
            }
            JsonNode metric = object(doc, spec, path + ".ratioMetric", "ratioMetric", true);
            String m = path + ".ratioMetric";
            if (metric.has("raw") || metric.has("rawType")) {
                throw doc.error(m + ".raw", "a precomputed ratio carries no events to count; define good or bad and total");
            }
            JsonNode counter = metric.get("counter");
            if (counter != null && !counter.isNull() && !counter.isBoolean()) {
                throw doc.error(m + ".counter", "must be true or false, got " + counter);
            }
            boolean good = metric.has("good");
            boolean bad = metric.has("bad");
            if (good == bad) {
                throw doc.error(m, good ? "good and bad are exclusive: define one of them, with total"
                        : "good or bad is required, with total");
            }
            metricSource(doc, object(doc, metric, m + (good ? ".good" : ".bad"), good ? "good" : "bad", true), m + (good ? ".good" : ".bad"));
            metricSource(doc, object(doc, metric, m + ".total", "total", true), m + ".total");
            return new Indicator(name, good ? Metric.RATIO_GOOD_TOTAL : Metric.RATIO_BAD_TOTAL, description == null ? "" : description);
        }

        private void metricSource(Doc doc, JsonNode parent, String path) {
            JsonNode source = object(doc, parent, path + ".metricSource", "metricSource", true);
            if (!source.hasNonNull("metricSourceRef") && !source.hasNonNull("type")) {
                throw doc.error(path + ".metricSource", "metricSourceRef or type is required");
            }
        }

        // ------------------------------------------------------------------ alerting

        private List<BurnRateAlert> policy(Doc doc, JsonNode policy, String prefix) {
            JsonNode spec = object(doc, policy, prefix + "spec", "spec", true);
            String p = prefix + "spec";
            if (!bool(doc, spec, p + ".alertWhenBreaching", "alertWhenBreaching", true)) {
                throw doc.error(p + ".alertWhenBreaching", "only policies that alert when breaching can be represented");
            }
            if (bool(doc, spec, p + ".alertWhenNoData", "alertWhenNoData", false)) {
                throw doc.error(p + ".alertWhenNoData", "alerting on missing data is not supported (a window without events burns nothing)");
            }
            bool(doc, spec, p + ".alertWhenResolved", "alertWhenResolved", false); // resolutions are always published as events
            JsonNode list = list(doc, spec, p + ".conditions", "conditions");
            if (list.size() != 1) {
                throw doc.error(p + ".conditions", "must hold exactly one condition, got " + list.size());
            }
            JsonNode targets = list(doc, spec, p + ".notificationTargets", "notificationTargets");
            for (int i = 0; i < targets.size(); i++) {
                JsonNode target = targets.get(i);
                String t = p + ".notificationTargets[" + i + "]";
                if (target.hasNonNull("targetRef")) {
                    text(doc, target, t + ".targetRef", "targetRef", true);
                } else if ("AlertNotificationTarget".equals(optionalText(target, "kind"))) {
                    text(doc, object(doc, target, t + ".metadata", "metadata", true), t + ".metadata.name", "name", true);
                    text(doc, object(doc, target, t + ".spec", "spec", true), t + ".spec.target", "target", true);
                } else {
                    throw doc.error(t, "must be {targetRef: name} or an inline AlertNotificationTarget, got " + target);
                }
            }
            JsonNode entry = list.get(0);
            String c = p + ".conditions[0]";
            if (entry.hasNonNull("conditionRef")) {
                String ref = text(doc, entry, c + ".conditionRef", "conditionRef", true);
                Doc referenced = conditions.get(ref);
                if (referenced == null) {
                    throw doc.error(c + ".conditionRef", "no AlertCondition named \"" + ref + "\" was loaded");
                }
                return List.of(condition(referenced, referenced.root, ""));
            }
            if ("AlertCondition".equals(optionalText(entry, "kind"))) {
                return List.of(condition(doc, entry, c + "."));
            }
            throw doc.error(c, "must be {conditionRef: name} or an inline AlertCondition, got " + entry);
        }

        private BurnRateAlert condition(Doc doc, JsonNode node, String prefix) {
            String name = text(doc, object(doc, node, prefix + "metadata", "metadata", true), prefix + "metadata.name", "name", true);
            JsonNode spec = object(doc, node, prefix + "spec", "spec", true);
            String p = prefix + "spec";
            String severityText = text(doc, spec, p + ".severity", "severity", true);
            String severityKey = severityText.trim().toLowerCase(Locale.ROOT).replace("-", "");
            AlertSeverity severity;
            if (CRITICAL_SEVERITIES.contains(severityKey)) {
                severity = AlertSeverity.CRITICAL;
            } else if (WARNING_SEVERITIES.contains(severityKey)) {
                severity = AlertSeverity.WARNING;
            } else {
                throw doc.error(p + ".severity", "must name a page (page, critical, high, sev1, p1) or a ticket (ticket, warning, "
                        + "medium, low, sev2-sev4, p2-p4), got \"" + severityText + "\"");
            }
            JsonNode condition = object(doc, spec, p + ".condition", "condition", true);
            String c = p + ".condition";
            String kind = optionalText(condition, "kind");
            if (kind != null && !"burnrate".equals(kind)) {
                throw doc.error(c + ".kind", "only burnrate conditions are supported, got \"" + kind + "\"");
            }
            String op = text(doc, condition, c + ".op", "op", true);
            if ("lt".equals(op) || "lte".equals(op)) {
                throw doc.error(c + ".op", "an alert on a burn rate below a threshold cannot be represented; use gt or gte, got " + op);
            }
            if (!"gt".equals(op) && !"gte".equals(op)) {
                throw doc.error(c + ".op", "must be one of lt, lte, gt, gte, got \"" + op + "\"");
            }
            double threshold = number(doc, condition, c + ".threshold", "threshold");
            if (!(threshold > 0) || Double.isInfinite(threshold)) {
                throw doc.error(c + ".threshold", "must be a burn rate > 0, got " + condition.get("threshold"));
            }
            Duration lookback = rollingDuration(doc, condition, c + ".lookbackWindow", "lookbackWindow");
            Duration alertAfter = condition.hasNonNull("alertAfter")
                    ? shorthand(doc, condition, c + ".alertAfter", "alertAfter", true, true).rolling() : Duration.ZERO;
            return guarded(doc, c, () -> BurnRateAlert.singleWindow(name, threshold, severity, lookback).withPendingFor(alertAfter));
        }

        // ------------------------------------------------------------------ SLO

        private List<Slo> slo(Doc doc) {
            JsonNode metadata = doc.root.get("metadata");
            JsonNode annotations = metadata.path("annotations");
            JsonNode spec = object(doc, doc.root, "spec", "spec", true);

            String methodText = text(doc, spec, "spec.budgetingMethod", "budgetingMethod", true);
            BudgetingMethod method;
            switch (methodText) {
                case "Occurrences":
                    method = BudgetingMethod.OCCURRENCES;
                    break;
                case "Timeslices":
                    method = BudgetingMethod.TIMESLICES;
                    break;
                case "RatioTimeslices":
                    method = BudgetingMethod.RATIO_TIMESLICES;
                    break;
                default:
                    throw doc.error("spec.budgetingMethod", "must be one of Occurrences, Timeslices, RatioTimeslices, got \""
                            + methodText + "\"");
            }

            boolean inline = spec.hasNonNull("indicator");
            boolean ref = spec.hasNonNull("indicatorRef");
            if (inline == ref) {
                throw doc.error(inline ? "spec.indicatorRef" : "spec.indicator",
                        inline ? "indicator and indicatorRef are exclusive" : "one of indicator and indicatorRef is required");
            }
            Indicator indicator;
            String indicatorPath;
            if (inline) {
                indicatorPath = "spec.indicator";
                indicator = indicator(doc, object(doc, spec, indicatorPath, "indicator", true), indicatorPath + ".");
            } else {
                indicatorPath = "spec.indicatorRef";
                String name = text(doc, spec, indicatorPath, "indicatorRef", true);
                Doc sli = slis.get(name);
                if (sli != null) {
                    indicator = indicator(sli, sli.root, "");
                } else if (isBuiltIn(name)) {
                    indicator = new Indicator(name, Metric.BUILT_IN, "");
                } else {
                    throw doc.error(indicatorPath, "no SLI named \"" + name + "\" was loaded and it is not a built-in indicator ("
                            + String.join(", ", BUILT_INS) + ")");
                }
            }

            Window window = window(doc, spec);
            List<BurnRateAlert> rules = alertRules(doc, spec);

            JsonNode objectives = list(doc, spec, "spec.objectives", "objectives");
            if (objectives.size() == 0) {
                throw doc.error("spec.objectives", "must hold at least one objective");
            }
            List<Slo> result = new ArrayList<>();
            for (int i = 0; i < objectives.size(); i++) {
                String name = objectives.size() == 1 ? doc.name : doc.name + "/" + objectiveName(objectives.get(i), i);
                result.add(objective(doc, name, annotations, spec, indicator, indicatorPath, window, rules, method, objectives.get(i),
                        "spec.objectives[" + i + "]"));
            }
            return result;
        }

        private Slo objective(Doc doc, String name, JsonNode annotations, JsonNode spec, Indicator indicator, String indicatorPath,
                              Window window, List<BurnRateAlert> rules, BudgetingMethod method, JsonNode objective, String o) {
            if (!objective.isObject()) {
                throw doc.error(o, "must be an object, got " + objective);
            }
            for (String composite : List.of("indicator", "indicatorRef", "compositeWeight")) {
                if (objective.has(composite)) {
                    throw doc.error(o + "." + composite, "composite SLOs are not supported: define one SLO per indicator");
                }
            }
            double target = target(doc, objective, o);

            ErrorBudget.Builder budget = ErrorBudget.builder().target(target).clock(clock);
            if (window.calendar != null) {
                budget.calendarWindow(window.calendar);
            } else {
                budget.window(window.rolling);
            }
            timeSlices(doc, budget, method, objective, o, window.calendar != null ? window.calendar.nominalLength() : window.rolling);
            String action = annotation(annotations, "exhaustion-action");
            if (action != null) {
                try {
                    budget.exhaustionAction(ExhaustionAction.valueOf(action.trim().toUpperCase(Locale.ROOT)));
                } catch (IllegalArgumentException e) {
                    throw doc.error("metadata.annotations." + ANNOTATION_PREFIX + "exhaustion-action",
                            "must be one of ALERT, THROTTLE, CIRCUIT_BREAK, FREEZE_DEPLOYMENTS, got \"" + action + "\"");
                }
            }
            if (!rules.isEmpty()) {
                budget.multiWindowAlerts(false).burnRateAlert(0).burnRateCritical(0);
                rules.forEach(budget::alert);
            }
            double single = annotationNumber(doc, annotations, "burn-rate-alert", Double.NaN);
            if (!Double.isNaN(single)) {
                budget.burnRateAlert(single);
            }
            double critical = annotationNumber(doc, annotations, "burn-rate-critical", Double.NaN);
            if (!Double.isNaN(critical)) {
                budget.burnRateCritical(critical);
            }
            double minimumEvents = annotationNumber(doc, annotations, "minimum-events", ErrorBudget.DEFAULT_MINIMUM_EVENTS);
            if (minimumEvents != Math.rint(minimumEvents)) {
                throw doc.error("metadata.annotations." + ANNOTATION_PREFIX + "minimum-events", "must be a whole number, got " + minimumEvents);
            }
            budget.minimumEvents((long) minimumEvents);
            ErrorBudget errorBudget = guarded(doc, rules.isEmpty() ? "spec.timeWindow[0].duration" : "spec.alertPolicies", budget::build);

            Slo.Builder slo = Slo.builder(name).errorBudget(errorBudget).clock(clock).eventBus(eventBus);
            switch (indicator.metric()) {
                case RATIO_GOOD_TOTAL:
                case RATIO_BAD_TOTAL:
                    slo.indicator(EventRatioSli.of(indicator.name(), errorBudget));
                    break;
                case THRESHOLD:
                    slo.budgetIndicator(threshold(doc, indicator.name(), objective, o, target, errorBudget.window()));
                    break;
                default:
                    slo.indicator(builtIn(doc, indicator.name(), indicatorPath, target, objective, o, errorBudget.window(), annotations));
            }
            String agentId = annotation(annotations, "agent-id");
            if (agentId == null) {
                agentId = optionalText(spec, "service");
            }
            if (agentId != null) {
                String id = agentId;
                guarded(doc, "spec.service", () -> slo.agentId(id));
            }
            String description = optionalText(spec, "description");
            if (description != null) {
                slo.description(description);
            }
            return slo.build();
        }

        // Timeslices: timeSliceWindow and timeSliceTarget; RatioTimeslices: timeSliceWindow only; Occurrences: neither.
        private void timeSlices(Doc doc, ErrorBudget.Builder budget, BudgetingMethod method, JsonNode objective, String o,
                                Duration budgetWindow) {
            boolean hasWindow = objective.hasNonNull("timeSliceWindow");
            boolean hasTarget = objective.hasNonNull("timeSliceTarget");
            if (method == BudgetingMethod.OCCURRENCES) {
                if (hasWindow || hasTarget) {
                    throw doc.error(o + (hasWindow ? ".timeSliceWindow" : ".timeSliceTarget"),
                            "applies only to Timeslices and RatioTimeslices budgeting; spec.budgetingMethod is Occurrences");
                }
                return;
            }
            if (!hasWindow) {
                throw doc.error(o + ".timeSliceWindow", "is required with " + (method == BudgetingMethod.TIMESLICES ? "Timeslices"
                        : "RatioTimeslices") + " budgeting");
            }
            Duration slice = sliceWindow(doc, objective, o + ".timeSliceWindow");
            if (slice.compareTo(budgetWindow) > 0) {
                throw doc.error(o + ".timeSliceWindow", "a time slice must not be longer than the time window "
                        + Durations.format(budgetWindow) + ", got " + Durations.format(slice));
            }
            if (method == BudgetingMethod.RATIO_TIMESLICES) {
                if (hasTarget) {
                    throw doc.error(o + ".timeSliceTarget", "applies only to Timeslices budgeting: RatioTimeslices averages the "
                            + "slices' ratios, it does not judge each slice");
                }
                budget.ratioTimeslices(slice);
                return;
            }
            if (!hasTarget) {
                throw doc.error(o + ".timeSliceTarget", "is required with Timeslices budgeting");
            }
            double sliceTarget = number(doc, objective, o + ".timeSliceTarget", "timeSliceTarget");
            if (!(sliceTarget > 0 && sliceTarget <= 1)) {
                throw doc.error(o + ".timeSliceTarget", "must be a number in (0, 1], got " + objective.get("timeSliceTarget"));
            }
            budget.timeslices(slice, sliceTarget);
        }

        // A duration shorthand of m, h, d or w, or a bare number of minutes (the specification's default unit).
        private Duration sliceWindow(Doc doc, JsonNode objective, String path) {
            JsonNode node = objective.get("timeSliceWindow");
            String text = node.asText().trim();
            if (node.isIntegralNumber() || text.matches("[0-9]{1,9}")) {
                long minutes = node.isIntegralNumber() ? node.longValue() : Long.parseLong(text);
                if (minutes <= 0 || minutes > 1_000_000_000L) {
                    throw doc.error(path, "must be a positive number of minutes or a duration shorthand such as 1m or 5m, got " + node);
                }
                return Duration.ofMinutes(minutes);
            }
            Shorthand shorthand = shorthand(doc, objective, path, "timeSliceWindow", true, false);
            if (shorthand.unit() == ChronoUnit.MONTHS || shorthand.unit() == ChronoUnit.YEARS) {
                throw doc.error(path, "a time slice must have a fixed length (m, h, d or w), got \"" + text + "\"");
            }
            return shorthand.rolling();
        }

        private double target(Doc doc, JsonNode objective, String o) {
            boolean hasTarget = objective.has("target");
            boolean hasPercent = objective.has("targetPercent");
            if (hasTarget && hasPercent) {
                throw doc.error(o + ".targetPercent", "target and targetPercent are exclusive");
            }
            if (!hasTarget && !hasPercent) {
                throw doc.error(o + ".target", "target or targetPercent is required");
            }
            if (hasTarget) {
                double target = number(doc, objective, o + ".target", "target");
                if (!(target > 0 && target < 1)) {
                    throw doc.error(o + ".target", "must be a number in (0, 1), got " + objective.get("target"));
                }
                return target;
            }
            double percent = number(doc, objective, o + ".targetPercent", "targetPercent");
            if (!(percent > 0 && percent < 100)) {
                throw doc.error(o + ".targetPercent", "must be a number in (0, 100), got " + objective.get("targetPercent"));
            }
            return percent / 100;
        }

        private Sli threshold(Doc doc, String name, JsonNode objective, String o, double target, Duration window) {
            String op = text(doc, objective, o + ".op", "op", true);
            Comparison comparison;
            switch (op) {
                case "lt":
                    comparison = Comparison.BELOW;
                    break;
                case "lte":
                    comparison = Comparison.AT_MOST;
                    break;
                case "gt":
                    comparison = Comparison.ABOVE;
                    break;
                case "gte":
                    comparison = Comparison.AT_LEAST;
                    break;
                default:
                    throw doc.error(o + ".op", "must be one of lt, lte, gt, gte, got \"" + op + "\"");
            }
            double value = number(doc, objective, o + ".value", "value");
            double percentile = comparison.higherIsBetter() ? 1 - target : target;
            return guarded(doc, o + ".value", () -> PercentileSli.builder(name).name(name).percentile(percentile).target(value)
                    .comparison(comparison).window(window).clock(clock).build());
        }

        private List<BurnRateAlert> alertRules(Doc doc, JsonNode spec) {
            JsonNode policies = spec.get("alertPolicies");
            if (policies == null || policies.isNull()) {
                return List.of();
            }
            if (!policies.isArray()) {
                throw doc.error("spec.alertPolicies", "must be a list, got " + policies);
            }
            List<BurnRateAlert> rules = new ArrayList<>();
            for (int i = 0; i < policies.size(); i++) {
                JsonNode entry = policies.get(i);
                String p = "spec.alertPolicies[" + i + "]";
                String ref = entry.isTextual() ? entry.asText() : entry.hasNonNull("alertPolicyRef")
                        ? text(doc, entry, p + ".alertPolicyRef", "alertPolicyRef", true) : null;
                if (ref != null) {
                    Doc referenced = this.policies.get(ref);
                    if (referenced == null) {
                        throw doc.error(p + (entry.isTextual() ? "" : ".alertPolicyRef"), "no AlertPolicy named \"" + ref + "\" was loaded");
                    }
                    rules.addAll(policy(referenced, referenced.root, ""));
                } else if ("AlertPolicy".equals(optionalText(entry, "kind"))) {
                    rules.addAll(policy(doc, entry, p + "."));
                } else {
                    throw doc.error(p, "must be {alertPolicyRef: name} or an inline AlertPolicy, got " + entry);
                }
            }
            return rules;
        }

        // ------------------------------------------------------------------ windows

        private Window window(Doc doc, JsonNode spec) {
            JsonNode windows = spec.get("timeWindow");
            if (windows == null || windows.isNull()) {
                return new Window(ErrorBudget.DEFAULT_WINDOW, null);
            }
            if (!windows.isArray() || windows.size() != 1) {
                throw doc.error("spec.timeWindow", "must be a list with exactly one window, got " + windows);
            }
            JsonNode window = windows.get(0);
            String w = "spec.timeWindow[0]";
            Shorthand duration = shorthand(doc, window, w + ".duration", "duration", true, false);
            JsonNode calendar = window.get("calendar");
            boolean hasCalendar = calendar != null && !calendar.isNull();
            JsonNode rollingNode = window.get("isRolling");
            boolean rolling;
            if (rollingNode == null || rollingNode.isNull()) {
                rolling = !hasCalendar;
            } else if (rollingNode.isBoolean()) {
                rolling = rollingNode.booleanValue();
            } else {
                throw doc.error(w + ".isRolling", "must be true or false, got " + rollingNode);
            }
            if (rolling) {
                if (hasCalendar) {
                    throw doc.error(w + ".calendar", "a rolling window has no calendar; set isRolling: false for a calendar-aligned one");
                }
                return new Window(duration.rolling(), null);
            }
            if (!hasCalendar) {
                throw doc.error(w + ".calendar", "is required for a calendar-aligned window (isRolling: false)");
            }
            String c = w + ".calendar";
            String startText = text(doc, calendar, c + ".startTime", "startTime", true);
            LocalDateTime start;
            try {
                start = LocalDateTime.parse(startText.trim(), START_TIME);
            } catch (DateTimeParseException e) {
                throw doc.error(c + ".startTime", "must be a date and time like 2020-01-21 12:30:00, got \"" + startText + "\"");
            }
            String zoneText = text(doc, calendar, c + ".timeZone", "timeZone", true);
            ZoneId zone;
            try {
                zone = ZoneId.of(zoneText.trim());
            } catch (DateTimeException e) {
                throw doc.error(c + ".timeZone", "must be an IANA time zone such as America/New_York, got \"" + zoneText + "\"");
            }
            return new Window(null, guarded(doc, w, () -> new CalendarWindow(duration.amount * duration.monthsPer, duration.unit, start, zone)));
        }

        private Duration rollingDuration(Doc doc, JsonNode parent, String path, String field) {
            return shorthand(doc, parent, path, field, true, false).rolling();
        }

        private Shorthand shorthand(Doc doc, JsonNode parent, String path, String field, boolean required, boolean zeroAllowed) {
            String text = text(doc, parent, path, field, required);
            Matcher m = SHORTHAND.matcher(text == null ? "" : text);
            if (!m.matches() || (!zeroAllowed && Integer.parseInt(m.group(1)) == 0)) {
                throw doc.error(path, "must be a duration shorthand: a " + (zeroAllowed ? "" : "positive ") + "whole number and one of "
                        + "m (minutes), h, d, w, M (months), Q (quarters), Y (years), e.g. 5m, 1h, 28d, 1M; got \"" + text + "\"");
            }
            int amount = Integer.parseInt(m.group(1));
            switch (m.group(2)) {
                case "m":
                    return new Shorthand(amount, ChronoUnit.MINUTES, 1);
                case "h":
                    return new Shorthand(amount, ChronoUnit.HOURS, 1);
                case "d":
                    return new Shorthand(amount, ChronoUnit.DAYS, 1);
                case "w":
                    return new Shorthand(amount, ChronoUnit.WEEKS, 1);
                case "M":
                    return new Shorthand(amount, ChronoUnit.MONTHS, 1);
                case "Q":
                    return new Shorthand(amount, ChronoUnit.MONTHS, 3);
                default:
                    return new Shorthand(amount, ChronoUnit.YEARS, 1);
            }
        }

        // ------------------------------------------------------------------ built-in indicators

        private Sli builtIn(Doc doc, String name, String path, double target, JsonNode objective, String o, Duration window,
                            JsonNode annotations) {
            String value = o + ".value";
            switch (name) {
                case "task_success_rate":
                    return guarded(doc, value, () -> Slis.taskSuccessRate().target(target).window(window).clock(clock).build());
                case "tool_call_accuracy":
                    return guarded(doc, value, () -> Slis.toolCallAccuracy().target(target).window(window).clock(clock).build());
                case "tool_success_rate":
                    return guarded(doc, value, () -> Slis.toolSuccessRate().target(target).window(window).clock(clock).build());
                case "policy_compliance":
                    return guarded(doc, value, () -> Slis.policyCompliance().target(target).window(window).clock(clock).build());
                case "error_rate":
                    return guarded(doc, value, () -> Slis.errorRate().target(1 - target).window(window).clock(clock).build());
                case "hallucination_rate":
                    return guarded(doc, value, () -> Slis.hallucinationRate().target(1 - target).window(window).clock(clock).build());
                case "response_latency": {
                    double threshold = number(doc, objective, value, "value");
                    String w = annotation(annotations, "indicator-window");
                    Duration indicatorWindow = w == null ? Duration.ofHours(1) : guarded(doc,
                            "metadata.annotations." + ANNOTATION_PREFIX + "indicator-window", () -> Durations.parsePositive("window", w));
                    return guarded(doc, value, () -> Slis.responseLatency().percentile(target).target(threshold)
                            .window(indicatorWindow).clock(clock).build());
                }
                case "cost_per_task":
                    return guarded(doc, value, () -> Slis.costPerTask().target(number(doc, objective, value, "value")).window(window)
                            .clock(clock).build());
                case "token_usage":
                    return guarded(doc, value, () -> Slis.tokenUsage().target(number(doc, objective, value, "value")).window(window)
                            .clock(clock).build());
                case "human_feedback":
                    return guarded(doc, value, () -> Slis.humanFeedback().target(number(doc, objective, value, "value")).window(window)
                            .clock(clock).build());
                case "delegation_depth":
                    return guarded(doc, value, () -> Slis.delegationDepth().target(number(doc, objective, value, "value")).window(window)
                            .clock(clock).build());
                default:
                    throw doc.error(path.endsWith("indicatorRef") ? path : path + ".spec",
                            "indicator \"" + name + "\" defines no ratioMetric or thresholdMetric and is not a built-in ("
                                    + String.join(", ", BUILT_INS) + ")");
            }
        }

        // ------------------------------------------------------------------ annotations

        private String annotation(JsonNode annotations, String key) {
            JsonNode value = annotations.get(ANNOTATION_PREFIX + key);
            return value == null || value.isNull() ? null : value.asText();
        }

        // Annotation values are strings in OpenSLO; ours must be numbers >= 0.
        private double annotationNumber(Doc doc, JsonNode annotations, String key, double defaultValue) {
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
                throw doc.error("metadata.annotations." + ANNOTATION_PREFIX + key, "must be a number >= 0, got \"" + text + "\"");
            }
            return value;
        }
    }

    private static final List<String> BUILT_INS = List.of("task_success_rate", "tool_call_accuracy", "tool_success_rate",
            "policy_compliance", "error_rate", "hallucination_rate", "response_latency", "cost_per_task", "token_usage",
            "human_feedback", "delegation_depth");

    private static boolean isBuiltIn(String name) {
        return BUILT_INS.contains(name);
    }

    private static String objectiveName(JsonNode objective, int index) {
        String display = objective.isObject() ? optionalText(objective, "displayName") : null;
        if (display == null || display.isBlank()) {
            return String.valueOf(index + 1);
        }
        String slug = display.trim().toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-").replaceAll("^-|-$", "");
        return slug.isEmpty() ? String.valueOf(index + 1) : slug;
    }

    /** A rolling duration or a calendar window. */
    private record Window(Duration rolling, CalendarWindow calendar) {
    }

    /** An OpenSLO duration shorthand: {@code amount} units, a quarter being three months. */
    private record Shorthand(int amount, ChronoUnit unit, int monthsPer) {

        /** As a rolling duration: a month is 30 days, a quarter 90, a year 365. */
        Duration rolling() {
            switch (unit) {
                case MONTHS:
                    return Duration.ofDays(30L * amount * monthsPer);
                case YEARS:
                    return Duration.ofDays(365L * amount);
                default:
                    return unit.getDuration().multipliedBy(amount);
            }
        }
    }

    // ------------------------------------------------------------------ field access with errors naming the path

    private static <T> T guarded(Doc doc, String path, Supplier<T> build) {
        try {
            return build.get();
        } catch (IllegalArgumentException e) {
            if (e.getMessage() != null && e.getMessage().startsWith(doc.where + ": ")) {
                throw e;
            }
            throw doc.error(path, e.getMessage());
        }
    }

    private static JsonNode required(Doc doc, JsonNode parent, String path, String field) {
        JsonNode node = parent == null ? null : parent.get(field);
        if (node == null || node.isNull()) {
            throw doc.error(path, "is required");
        }
        return node;
    }

    private static JsonNode object(Doc doc, JsonNode parent, String path, String field, boolean required) {
        JsonNode node = parent.get(field);
        if (node == null || node.isNull()) {
            if (required) {
                throw doc.error(path, "is required");
            }
            return null;
        }
        if (!node.isObject()) {
            throw doc.error(path, "must be an object, got " + node);
        }
        return node;
    }

    private static JsonNode list(Doc doc, JsonNode parent, String path, String field) {
        JsonNode node = required(doc, parent, path, field);
        if (!node.isArray()) {
            throw doc.error(path, "must be a list, got " + node);
        }
        return node;
    }

    private static String text(Doc doc, JsonNode parent, String path, String field, boolean required) {
        JsonNode node = parent.get(field);
        if (node == null || node.isNull()) {
            if (required) {
                throw doc.error(path, "is required");
            }
            return null;
        }
        if (!node.isValueNode() || node.asText().isBlank()) {
            throw doc.error(path, "must be a non-blank string, got " + node);
        }
        return node.asText();
    }

    private static String optionalText(JsonNode parent, String field) {
        JsonNode node = parent.get(field);
        return node == null || node.isNull() || !node.isValueNode() ? null : node.asText();
    }

    private static boolean bool(Doc doc, JsonNode parent, String path, String field, boolean defaultValue) {
        JsonNode node = parent.get(field);
        if (node == null || node.isNull()) {
            return defaultValue;
        }
        if (!node.isBoolean()) {
            throw doc.error(path, "must be true or false, got " + node);
        }
        return node.booleanValue();
    }

    private static double number(Doc doc, JsonNode parent, String path, String field) {
        JsonNode node = required(doc, parent, path, field);
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
        throw doc.error(path, "must be a number, got " + node);
    }
}
