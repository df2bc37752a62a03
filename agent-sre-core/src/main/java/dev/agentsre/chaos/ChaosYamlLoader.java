package dev.agentsre.chaos;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.agentsre.internal.Check;
import dev.agentsre.time.Durations;
import java.io.IOException;
import java.io.Reader;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Supplier;

/**
 * Reads chaos experiments from YAML, one per document ({@code ---}), into builders (so the caller
 * can add a clock, sleeper and event bus before building).
 *
 * <pre>{@code
 * name: llm-latency-resilience
 * targetAgent: code-reviewer
 * description: LLM latency must not break reviews
 * duration: 30m
 * blastRadius: 0.3
 * seed: 7
 * faults:
 *   - type: latency            # latency, error, timeout, rate_limit, cost_spike, delegation_reject,
 *     target: openai-api       # prompt_injection, privilege_escalation, tool_abuse, data_exfiltration
 *     delay: 5s
 *     jitter: 1s
 *     rate: 0.3
 *   - type: error
 *     target: search_tool
 *     error: timeout
 *     everyNth: 10             # instead of rate
 * abortConditions:
 *   - metric: success_rate
 *     atMost: 0.5
 * }</pre>
 *
 * A missing or malformed field is an {@link IllegalArgumentException} naming the document and the
 * field's path ({@code document 1: faults[0].rate: must be a number in (0, 1], got 1.5}).
 */
public final class ChaosYamlLoader {

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    private ChaosYamlLoader() {
    }

    /** Reads every experiment in {@code file}. */
    public static List<ChaosExperiment.Builder> load(Path file) {
        Check.notNull("file", file);
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            return load(reader);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read chaos file " + file, e);
        }
    }

    /** Reads every experiment in {@code yaml}. */
    public static List<ChaosExperiment.Builder> loadString(String yaml) {
        return load(new StringReader(Check.notNull("yaml", yaml)));
    }

    /** Reads every experiment from {@code reader}. */
    public static List<ChaosExperiment.Builder> load(Reader reader) {
        List<ChaosExperiment.Builder> builders = new ArrayList<>();
        try (MappingIterator<JsonNode> documents = YAML.readerFor(JsonNode.class).readValues(reader)) {
            int number = 0;
            while (documents.hasNextValue()) {
                JsonNode doc = documents.nextValue();
                number++;
                if (doc != null && !doc.isNull() && !doc.isMissingNode()) {
                    builders.add(new Document(number).parse(doc));
                }
            }
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("invalid YAML: " + e.getOriginalMessage(), e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return builders;
    }

    private static final class Document {
        private final int number;

        Document(int number) {
            this.number = number;
        }

        ChaosExperiment.Builder parse(JsonNode doc) {
            ChaosExperiment.Builder b = ChaosExperiment.builder(text(doc, "name", true));
            String agent = text(doc, "targetAgent", false);
            if (agent != null) {
                b.targetAgent(agent);
            }
            String description = text(doc, "description", false);
            if (description != null) {
                b.description(description);
            }
            if (doc.has("duration")) {
                b.duration(duration(doc, "duration", "duration"));
            }
            if (doc.has("blastRadius")) {
                double radius = number(doc, "blastRadius", "blastRadius");
                if (!(radius > 0 && radius <= 1)) {
                    throw error("blastRadius", "must be a number in (0, 1], got " + radius);
                }
                b.blastRadius(radius);
            }
            if (doc.has("seed")) {
                b.seed((long) number(doc, "seed", "seed"));
            }
            JsonNode faults = doc.get("faults");
            if (faults == null || !faults.isArray() || faults.isEmpty()) {
                throw error("faults", "is required: a non-empty list of faults");
            }
            for (int i = 0; i < faults.size(); i++) {
                b.fault(fault(faults.get(i), "faults[" + i + "]"));
            }
            JsonNode aborts = doc.get("abortConditions");
            if (aborts != null) {
                for (int i = 0; i < aborts.size(); i++) {
                    b.abortCondition(abort(aborts.get(i), "abortConditions[" + i + "]"));
                }
            }
            return b;
        }

        private Fault fault(JsonNode node, String path) {
            String type = text(node, "type", true, path + ".type").toLowerCase(Locale.ROOT);
            String target = text(node, "target", true, path + ".target");
            double rate = node.has("rate") ? number(node, "rate", path + ".rate") : 1.0;
            if (!(rate > 0 && rate <= 1)) {
                throw error(path + ".rate", "must be a number in (0, 1], got " + rate);
            }
            Fault fault;
            switch (type) {
                case "latency":
                    fault = guarded(path, () -> Fault.latencyInjection(target, duration(node, "delay", path + ".delay"),
                            node.has("jitter") ? duration(node, "jitter", path + ".jitter") : Duration.ZERO, rate));
                    break;
                case "error":
                    fault = Fault.errorInjection(target, text(node, "error", true, path + ".error"), rate);
                    break;
                case "timeout":
                    fault = Fault.timeoutInjection(target, duration(node, "delay", path + ".delay"), rate);
                    break;
                case "rate_limit":
                    fault = Fault.rateLimit(target, duration(node, "retryAfter", path + ".retryAfter"), rate);
                    break;
                case "cost_spike":
                    double multiplier = number(node, "multiplier", path + ".multiplier");
                    fault = guarded(path + ".multiplier", () -> Fault.costSpike(target, multiplier, rate));
                    break;
                case "delegation_reject":
                    fault = Fault.delegationReject(target, rate);
                    break;
                case "prompt_injection": {
                    String technique = text(node, "technique", false, path + ".technique");
                    AttackCorpus.Technique t;
                    try {
                        t = technique == null ? AttackCorpus.Technique.INSTRUCTION_IN_TOOL_OUTPUT
                                : AttackCorpus.Technique.valueOf(technique.toUpperCase(Locale.ROOT));
                    } catch (IllegalArgumentException e) {
                        throw error(path + ".technique", "unknown technique \"" + technique + "\"");
                    }
                    fault = Fault.promptInjection(target, t).withRate(rate);
                    break;
                }
                case "privilege_escalation":
                    fault = Fault.privilegeEscalation(target, text(node, "role", true, path + ".role")).withRate(rate);
                    break;
                case "tool_abuse":
                    fault = Fault.toolAbuse(target, text(node, "tool", true, path + ".tool")).withRate(rate);
                    break;
                case "data_exfiltration":
                    fault = Fault.dataExfiltration(target).withRate(rate);
                    break;
                default:
                    throw error(path + ".type", "unknown fault type \"" + type + "\"");
            }
            if (node.has("everyNth")) {
                int n = (int) number(node, "everyNth", path + ".everyNth");
                Fault random = fault;
                fault = guarded(path + ".everyNth", () -> random.everyNth(n));
            }
            return fault;
        }

        private AbortCondition abort(JsonNode node, String path) {
            String metric = text(node, "metric", true, path + ".metric");
            if (node.has("atMost")) {
                return AbortCondition.atMost(metric, number(node, "atMost", path + ".atMost"));
            }
            if (node.has("atLeast")) {
                return AbortCondition.atLeast(metric, number(node, "atLeast", path + ".atLeast"));
            }
            throw error(path, "needs atMost or atLeast");
        }

        private <T> T guarded(String path, Supplier<T> make) {
            try {
                return make.get();
            } catch (IllegalArgumentException e) {
                throw error(path, e.getMessage());
            }
        }

        private String text(JsonNode node, String field, boolean required) {
            return text(node, field, required, field);
        }

        private String text(JsonNode node, String field, boolean required, String path) {
            JsonNode value = node.get(field);
            if (value == null || value.isNull() || value.asText().isBlank()) {
                if (required) {
                    throw error(path, "is required");
                }
                return null;
            }
            return value.asText();
        }

        private double number(JsonNode node, String field, String path) {
            JsonNode value = node.get(field);
            if (value == null || !value.isNumber()) {
                throw error(path, "must be a number, got " + value);
            }
            return value.doubleValue();
        }

        private Duration duration(JsonNode node, String field, String path) {
            String text = text(node, field, true, path);
            try {
                return Durations.parsePositive(field, text);
            } catch (IllegalArgumentException e) {
                throw error(path, e.getMessage());
            }
        }

        private IllegalArgumentException error(String path, String message) {
            return new IllegalArgumentException("document " + number + ": " + path + ": " + message);
        }
    }
}
