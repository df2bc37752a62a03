package dev.agentsre.replay;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.agentsre.cost.PriceTable;
import dev.agentsre.cost.TokenUsage;
import dev.agentsre.internal.CanonicalJson;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeoutException;

/**
 * Builds the spans of one run: step numbers in start order, nesting per thread, redaction before
 * hashing, exact cost. Bounded by {@code maxSteps}. Thread-safe.
 */
final class SpanRecorder {

    private final String traceId;
    private final String agentId;
    private final String parentTraceId;
    private final Clock clock;
    private final Redactor redactor;
    private final PriceTable prices;
    private final int maxSteps;
    private final Instant start;
    private final List<Open> spans = new ArrayList<>();
    private final ThreadLocal<Deque<Integer>> stack = ThreadLocal.withInitial(ArrayDeque::new);

    SpanRecorder(String traceId, String agentId, String parentTraceId, Clock clock, Redactor redactor, PriceTable prices, int maxSteps) {
        this.traceId = traceId;
        this.agentId = agentId;
        this.parentTraceId = parentTraceId;
        this.clock = clock;
        this.redactor = redactor;
        this.prices = prices;
        this.maxSteps = maxSteps;
        this.start = clock.instant();
    }

    /** The redacted JSON of a request or result. */
    JsonNode json(Object value) {
        return redactor.redact(value instanceof JsonNode ? (JsonNode) value : CanonicalJson.toTree(value));
    }

    static String key(JsonNode redactedRequest) {
        return CanonicalJson.sha256(redactedRequest);
    }

    int begin(SpanKind kind, String name, JsonNode request) {
        Deque<Integer> open = stack.get();
        int parent = open.isEmpty() ? 0 : open.peek();
        int step;
        synchronized (spans) {
            if (spans.size() >= maxSteps) {
                throw new IllegalStateException("trace " + traceId + " reached its limit of " + maxSteps + " steps");
            }
            step = spans.size() + 1;
            spans.add(new Open(step, parent, kind, name, request, key(request), clock.instant()));
        }
        open.push(step);
        return step;
    }

    void endOk(int step, Object result, JsonNode response, TokenUsage usage, BigDecimal cost) {
        Open span = finish(step);
        span.response = response;
        span.responseType = result == null ? null : result.getClass().getName();
        span.status = SpanStatus.OK;
        applyUsage(span, usage, cost);
    }

    void endError(int step, Throwable error) {
        Open span = finish(step);
        span.status = error instanceof TimeoutException || error.getClass().getSimpleName().contains("Timeout")
                ? SpanStatus.TIMEOUT : SpanStatus.ERROR;
        span.errorType = error.getClass().getName();
        span.errorMessage = error.getMessage() == null ? null : redactor.redact(error.getMessage());
    }

    /** Records a served span as it was recorded (replay). */
    void endServed(int step, Span recorded, JsonNode response) {
        Open span = finish(step);
        span.response = response;
        span.responseType = recorded.responseType();
        span.status = recorded.status();
        span.errorType = recorded.errorType();
        span.errorMessage = recorded.errorMessage();
        span.inputTokens = recorded.inputTokens();
        span.outputTokens = recorded.outputTokens();
        span.cost = recorded.costUsd();
        span.end = span.startTime.plus(recorded.latency());
    }

    private void applyUsage(Open span, TokenUsage usage, BigDecimal cost) {
        if (usage != null) {
            span.inputTokens = usage.inputTokens();
            span.outputTokens = usage.outputTokens();
            if (cost == null && prices != null && span.kind == SpanKind.LLM) {
                cost = prices.cost(span.name, usage);
            }
        }
        span.cost = cost == null ? BigDecimal.ZERO : cost;
    }

    private Open finish(int step) {
        Deque<Integer> open = stack.get();
        open.remove(step);
        Open span;
        synchronized (spans) {
            span = spans.get(step - 1);
        }
        span.end = clock.instant();
        return span;
    }

    Trace toTrace() {
        List<Span> done = new ArrayList<>();
        Instant end = clock.instant();
        synchronized (spans) {
            for (Open o : spans) {
                done.add(o.toSpan(end));
            }
        }
        return new Trace(traceId, agentId, parentTraceId, start, end, done, true, List.of());
    }

    String traceId() {
        return traceId;
    }

    /** A span being recorded. */
    private static final class Open {
        final int step;
        final int parent;
        final SpanKind kind;
        final String name;
        final JsonNode request;
        final String key;
        final Instant startTime;
        Instant end;
        JsonNode response = JsonNodeFactory.instance.nullNode();
        String responseType;
        SpanStatus status = SpanStatus.ERROR;
        String errorType;
        String errorMessage = "the call never finished";
        long inputTokens;
        long outputTokens;
        BigDecimal cost = BigDecimal.ZERO;

        Open(int step, int parent, SpanKind kind, String name, JsonNode request, String key, Instant startTime) {
            this.step = step;
            this.parent = parent;
            this.kind = kind;
            this.name = name;
            this.request = request;
            this.key = key;
            this.startTime = startTime;
        }

        Span toSpan(Instant traceEnd) {
            Map<String, String> attributes = new LinkedHashMap<>();
            attributes.put("gen_ai.operation.name", kind.operation());
            // A step still open when the trace ends is recorded as an unfinished error up to the trace's end.
            return new Span(step, parent, kind, name, request, response, responseType, status, errorType, errorMessage, startTime,
                    end == null ? traceEnd : end, inputTokens, outputTokens, cost, key, attributes);
        }
    }
}
