package dev.agentsre.replay;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

/**
 * One recorded step of an agent run. Requests and responses are JSON trees, redacted before they
 * were hashed or stored.
 *
 * @param step the step number, 1-based and gap-free in execution (start) order
 * @param parentStep the enclosing step (a tool call inside a delegation), 0 at top level
 * @param kind what the step was
 * @param name the model, tool, agent, decision or side-effect name
 * @param request the redacted request (JSON null when none)
 * @param response the redacted response (JSON null on failure)
 * @param responseType the Java class of the response, used to rebuild it on replay (may be null)
 * @param status how it ended
 * @param errorType the failure's class name, or null
 * @param errorMessage the failure's message, or null
 * @param startTime when it started
 * @param endTime when it ended
 * @param inputTokens prompt tokens (LLM steps), 0 otherwise
 * @param outputTokens completion tokens (LLM steps), 0 otherwise
 * @param costUsd the step's cost, exact
 * @param matchKey SHA-256 of the normalised redacted request: equal for two requests exactly when replay and
 *     {@link ReplayEngine#diff} see no difference between them (key order, UUIDs, ISO timestamps, number
 *     formatting and timestamp-like fields aside); replay recomputes it and never trusts a file's
 * @param attributes extra attributes ({@code gen_ai.*} names where OpenTelemetry has them;
 *     {@code agentsre.request.encoding} / {@code agentsre.response.encoding} = {@code toString} when a value
 *     Jackson could not write was recorded as its {@code toString()})
 */
public record Span(int step, int parentStep, SpanKind kind, String name, JsonNode request, JsonNode response, String responseType,
                   SpanStatus status, String errorType, String errorMessage, Instant startTime, Instant endTime, long inputTokens,
                   long outputTokens, BigDecimal costUsd, String matchKey, Map<String, String> attributes) {

    /** Copies the attributes. */
    public Span {
        attributes = Map.copyOf(attributes);
    }

    /** How long the step took. */
    public Duration latency() {
        return Duration.between(startTime, endTime);
    }

    /** Input plus output tokens. */
    public long totalTokens() {
        return inputTokens + outputTokens;
    }

    /**
     * Whether the request or the result could not be written as JSON and was recorded as its
     * {@code toString()} (replay cannot hand such a result back, except {@code java.time} values).
     */
    public boolean recordedAsText() {
        return ResultTypes.TO_STRING.equals(attributes.get(ResultTypes.REQUEST_ENCODING))
                || ResultTypes.TO_STRING.equals(attributes.get(ResultTypes.RESPONSE_ENCODING));
    }
}
