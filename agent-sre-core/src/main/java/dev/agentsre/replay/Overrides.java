package dev.agentsre.replay;

import com.fasterxml.jackson.databind.JsonNode;
import dev.agentsre.internal.CanonicalJson;
import dev.agentsre.internal.Check;
import java.util.HashMap;
import java.util.Map;

/**
 * Responses to replace in a what-if replay: by step number, or for every recording of a tool or
 * model. Immutable.
 *
 * <pre>{@code
 * Overrides.none().tool("lookup_order", Map.of("status", "cancelled")).step(4, "I can't help with that.")
 * }</pre>
 */
public final class Overrides {

    private final Map<Integer, Replacement> steps;
    private final Map<String, Replacement> named;

    /**
     * A replacement response: its JSON (recorded in the new trace) and the value given, whose class
     * (known from code, not from a trace) it is rebuilt as on every call.
     */
    record Replacement(JsonNode json, Object value) {

        /** A fresh copy of the value (its class rebuilt from the JSON), or the value itself when that fails. */
        Object fresh() {
            if (value == null) {
                return null;
            }
            try {
                return CanonicalJson.mapper().treeToValue(json, value.getClass());
            } catch (com.fasterxml.jackson.core.JsonProcessingException | IllegalArgumentException e) {
                return value;
            }
        }
    }

    private Overrides(Map<Integer, Replacement> steps, Map<String, Replacement> named) {
        this.steps = Map.copyOf(steps);
        this.named = Map.copyOf(named);
    }

    /** No overrides. */
    public static Overrides none() {
        return new Overrides(Map.of(), Map.of());
    }

    /** Replaces the response of step {@code step}. */
    public Overrides step(int step, Object response) {
        Check.positive("step", step);
        Map<Integer, Replacement> copy = new HashMap<>(steps);
        copy.put(step, new Replacement(CanonicalJson.toTree(response), response));
        return new Overrides(copy, named);
    }

    /** Replaces the response of every recorded call of tool {@code name}. */
    public Overrides tool(String name, Object response) {
        return named(SpanKind.TOOL, name, response);
    }

    /** Replaces the response of every recorded call of model {@code model}. */
    public Overrides llm(String model, Object response) {
        return named(SpanKind.LLM, model, response);
    }

    /** Replaces the response of every recorded delegation to {@code agent}. */
    public Overrides delegate(String agent, Object response) {
        return named(SpanKind.DELEGATE, agent, response);
    }

    private Overrides named(SpanKind kind, String name, Object response) {
        Map<String, Replacement> copy = new HashMap<>(named);
        copy.put(kind + ":" + Check.notBlank("name", name), new Replacement(CanonicalJson.toTree(response), response));
        return new Overrides(steps, copy);
    }

    /** The replacement for a recorded span, or null. */
    Replacement replacementFor(Span span) {
        Replacement byStep = steps.get(span.step());
        return byStep != null ? byStep : named.get(span.kind() + ":" + span.name());
    }

    boolean isEmpty() {
        return steps.isEmpty() && named.isEmpty();
    }
}
