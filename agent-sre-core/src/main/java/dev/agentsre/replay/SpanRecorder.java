package dev.agentsre.replay;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.agentsre.cost.PriceTable;
import dev.agentsre.cost.TokenUsage;
import dev.agentsre.redact.Redactor;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds the spans of one run and hands each to a {@link SpanSink} as it finishes: step numbers in
 * start order, nesting per thread, redaction before hashing, exact cost.
 *
 * <p><b>Never breaks a call.</b> Converting, redacting, pricing and writing are all guarded: a value
 * Jackson cannot write is recorded as its type and {@code toString()}; any other recording failure
 * is logged once (redacted) and the step is left out; the call's own result or exception is never
 * touched. Steps beyond {@code maxSteps}, and calls after {@link #close}, run unrecorded.
 *
 * <p><b>Memory.</b> Only the spans in flight (and whatever the sink keeps). Nesting is tracked in
 * one static {@link ThreadLocal} holding a chain of frames, emptied when a thread's outermost call
 * returns: nothing is left behind on pooled threads but one empty slot. Thread-safe.
 */
final class SpanRecorder {

    private static final Logger LOG = LoggerFactory.getLogger(TraceCapture.class);
    private static final ThreadLocal<Frame> FRAMES = new ThreadLocal<>();

    private final String traceId;
    private final String agentId;
    private final String parentTraceId;
    private final Clock clock;
    private final Redactor redactor;
    private final PriceTable prices;
    private final int maxSteps;
    private final Instant start;
    private final SpanSink sink;
    private final AtomicInteger steps = new AtomicInteger();
    private final AtomicInteger unrecorded = new AtomicInteger();
    private final ConcurrentHashMap<Integer, Open> open = new ConcurrentHashMap<>();
    private final AtomicBoolean warned = new AtomicBoolean();
    private volatile boolean closed;

    SpanRecorder(String traceId, String agentId, String parentTraceId, Clock clock, Redactor redactor, PriceTable prices, int maxSteps,
                 SpanSink.Factory sink) {
        this.traceId = traceId;
        this.agentId = agentId;
        this.parentTraceId = parentTraceId;
        this.clock = clock;
        this.redactor = redactor;
        this.prices = prices;
        this.maxSteps = maxSteps;
        this.start = clock.instant();
        this.sink = sink.open(new SpanSink.Head(traceId, agentId, parentTraceId, start));
    }

    /**
     * A request or result as recorded: redacted JSON, whether it is only its {@code toString()}, and
     * (for a request) its match key when the walk that built it computed it, else null.
     */
    record Json(JsonNode node, boolean viaToString, String key) {

        Json(JsonNode node, boolean viaToString) {
            this(node, viaToString, null);
        }

        /** The match key of this (redacted) request. */
        String matchKey() {
            return key != null ? key : SpanRecorder.key(node);
        }
    }

    /** The redacted JSON of a result; never throws. */
    Json json(Object value) {
        try {
            return new Json(ValueJson.tree(value, redactor), false);
        } catch (RuntimeException | StackOverflowError notJson) {
            return asText(value);
        }
    }

    /** The redacted JSON of a request with its match key, computed in the same walk; never throws. */
    Json request(Object value) {
        try {
            return ValueJson.request(value, redactor);
        } catch (RuntimeException | StackOverflowError notJson) {
            return asText(value);
        }
    }

    /** A value Jackson cannot write: its {@code toString()}, redacted. */
    private Json asText(Object value) {
        String text;
        try {
            text = String.valueOf(value);
        } catch (RuntimeException | StackOverflowError e) {
            text = value.getClass().getName() + "@" + Integer.toHexString(System.identityHashCode(value));
        }
        try {
            return new Json(TextNode.valueOf(redactor.redact(text)), true);
        } catch (RuntimeException e) {
            return new Json(TextNode.valueOf(Redactor.REDACTED), true);
        }
    }

    /** The match key of a redacted request: equal exactly when replay and diff see no difference. */
    static String key(JsonNode redactedRequest) {
        return JsonDiff.fingerprint(redactedRequest);
    }

    /** Starts a step; 0 when it is not recorded (beyond {@code maxSteps}, or after close). Never throws. */
    int begin(SpanKind kind, String name, Json request) {
        int step;
        do {
            step = steps.get();
            if (step >= maxSteps || closed) {
                unrecorded.incrementAndGet();
                warnOnce(closed ? "a call was made after capture of trace " + traceId + " was closed; it ran unrecorded"
                        : "trace " + traceId + " reached its limit of " + maxSteps + " steps; later calls run unrecorded", null);
                return 0;
            }
        } while (!steps.compareAndSet(step, step + 1));
        step++;
        try {
            Open span = new Open(step, parentStep(), kind, name, request, request.matchKey(), clock.instant());
            open.put(step, span);
            FRAMES.set(new Frame(this, step, FRAMES.get()));
        } catch (RuntimeException e) {
            warnOnce("could not start recording step " + step + " of trace " + traceId, e);
        }
        return step;
    }

    /** Ends a step that returned; records its result. Never throws. */
    void endOk(int step, Object result, TokenUsage usage) {
        Open span = finish(step);
        if (span == null) {
            return;
        }
        try {
            Json response = json(result);
            span.response = response.node();
            span.responseViaToString = response.viaToString();
            span.responseType = result == null ? null : result.getClass().getName();
            span.status = SpanStatus.OK;
            span.errorMessage = null;
            applyUsage(span, usage);
            sink.accept(span.toSpan(span.end));
        } catch (RuntimeException | StackOverflowError e) {
            warnOnce("could not record the result of step " + step + " of trace " + traceId + "; the call's result is unaffected", e);
        }
    }

    /** Ends a step with a decision's value. */
    void endValue(int step, Object value, Json recorded) {
        Open span = finish(step);
        if (span == null) {
            return;
        }
        try {
            span.response = recorded.node();
            span.responseViaToString = recorded.viaToString();
            span.responseType = value == null ? null : value.getClass().getName();
            span.status = SpanStatus.OK;
            span.errorMessage = null;
            sink.accept(span.toSpan(span.end));
        } catch (RuntimeException e) {
            warnOnce("could not record step " + step + " of trace " + traceId, e);
        }
    }

    /** Ends a step that threw; records the failure (redacted). Never throws. */
    void endError(int step, Throwable error) {
        Open span = finish(step);
        if (span == null) {
            return;
        }
        try {
            span.status = error instanceof TimeoutException || error.getClass().getSimpleName().contains("Timeout")
                    ? SpanStatus.TIMEOUT : SpanStatus.ERROR;
            span.errorType = error.getClass().getName();
            span.errorMessage = error.getMessage() == null ? null : redactor.redact(error.getMessage());
            sink.accept(span.toSpan(span.end));
        } catch (RuntimeException e) {
            warnOnce("could not record the failure of step " + step + " of trace " + traceId, e);
        }
    }

    /** Records a served span as it was recorded (replay). */
    void endServed(int step, Span recorded, JsonNode response) {
        Open span = finish(step);
        if (span == null) {
            return;
        }
        span.response = response;
        span.responseType = recorded.responseType();
        span.responseViaToString = ResultTypes.TO_STRING.equals(recorded.attributes().get(ResultTypes.RESPONSE_ENCODING));
        span.status = recorded.status();
        span.errorType = recorded.errorType();
        span.errorMessage = recorded.errorMessage();
        span.inputTokens = recorded.inputTokens();
        span.outputTokens = recorded.outputTokens();
        span.cost = recorded.costUsd();
        span.end = span.startTime.plus(recorded.latency());
        try {
            sink.accept(span.toSpan(span.end));
        } catch (RuntimeException e) {
            warnOnce("could not record step " + step + " of trace " + traceId, e);
        }
    }

    private void applyUsage(Open span, TokenUsage usage) {
        if (usage == null) {
            return;
        }
        span.inputTokens = usage.inputTokens();
        span.outputTokens = usage.outputTokens();
        if (prices != null && span.kind == SpanKind.LLM && prices.find(span.name).isPresent()) {
            span.cost = prices.cost(span.name, usage);
        }
    }

    private Open finish(int step) {
        if (step <= 0) {
            return null;
        }
        popFrame(step);
        Open span = open.remove(step);
        if (span != null) {
            span.end = clock.instant();
        }
        return span;
    }

    /** Ends the run: steps still in flight are recorded as unfinished, then the sink is closed. Never throws. */
    void close() {
        if (closed) {
            return;
        }
        closed = true;
        Instant end = clock.instant();
        try {
            List<Integer> inFlight = new ArrayList<>(open.keySet());
            inFlight.sort(null);
            for (Integer step : inFlight) {
                Open span = open.remove(step);
                if (span != null) {
                    span.errorMessage = "the call had not returned when the trace was closed";
                    sink.accept(span.toSpan(end));
                }
            }
            sink.close(end, steps.get(), problems());
        } catch (RuntimeException e) {
            warnOnce("could not finish trace " + traceId, e);
        }
    }

    /** The trace so far (steps in flight shown as unfinished), or the final one once closed. */
    Trace trace() {
        List<Span> inFlight = new ArrayList<>();
        Instant now = clock.instant();
        if (!closed) {
            for (Open span : open.values()) {
                inFlight.add(span.toSpan(now));
            }
        }
        return sink.trace(closed, now, inFlight, problems());
    }

    private List<String> problems() {
        int missed = unrecorded.get();
        return missed == 0 ? List.of()
                : List.of(missed + " calls ran unrecorded (beyond the limit of " + maxSteps + " steps, or after the capture was closed)");
    }

    String traceId() {
        return traceId;
    }

    Instant start() {
        return start;
    }

    String agentId() {
        return agentId;
    }

    String parentTraceId() {
        return parentTraceId;
    }

    private void warnOnce(String message, Throwable cause) {
        if (warned.compareAndSet(false, true)) {
            String detail = cause == null ? "" : ": " + cause.getClass().getName() + ": " + redactor.redact(String.valueOf(cause.getMessage()));
            LOG.warn("{}{} (further recording problems of this trace are not logged)", message, detail);
        }
    }

    // ---- nesting -----------------------------------------------------------------------------------

    /** One open call on a thread: which recorder, which step, and the call it is nested in. */
    private record Frame(SpanRecorder recorder, int step, Frame parent) {
    }

    private int parentStep() {
        for (Frame f = FRAMES.get(); f != null; f = f.parent) {
            if (f.recorder == this) {
                return f.step;
            }
        }
        return 0;
    }

    private void popFrame(int step) {
        Frame top = FRAMES.get();
        if (top == null) {
            return;
        }
        Frame rest;
        if (top.recorder == this && top.step == step) {
            rest = top.parent;
        } else {
            rest = without(top, step); // not the innermost call: rare (a call ended on another thread's behalf)
        }
        // Null, not remove(): the thread keeps one empty slot of this static ThreadLocal (no recorder, no
        // frame), instead of a new ThreadLocalMap entry for every outermost call.
        FRAMES.set(rest);
    }

    private Frame without(Frame frame, int step) {
        if (frame == null) {
            return null;
        }
        if (frame.recorder == this && frame.step == step) {
            return frame.parent;
        }
        Frame parent = without(frame.parent, step);
        return parent == frame.parent ? frame : new Frame(frame.recorder, frame.step, parent);
    }

    /** The number of frames on this thread's stack, for the leak test. */
    static int framesOnThisThread() {
        int n = 0;
        for (Frame f = FRAMES.get(); f != null; f = f.parent) {
            n++;
        }
        return n;
    }

    /** The attributes of a span whose request and response are JSON: its operation name only, one map per kind. */
    private static final Map<?, ?>[] OPERATION_MAPS = java.util.Arrays.stream(SpanKind.values())
            .map(kind -> Map.of("gen_ai.operation.name", kind.operation())).toArray(Map[]::new);

    @SuppressWarnings("unchecked")
    private static final Map<String, String>[] OPERATION = (Map<String, String>[]) OPERATION_MAPS;

    /** A span being recorded. */
    static final class Open {
        final int step;
        final int parent;
        final SpanKind kind;
        final String name;
        final JsonNode request;
        final boolean requestViaToString;
        final String key;
        final Instant startTime;
        volatile Instant end;
        JsonNode response = JsonNodeFactory.instance.nullNode();
        boolean responseViaToString;
        String responseType;
        SpanStatus status = SpanStatus.ERROR;
        String errorType;
        String errorMessage = "the call never finished";
        long inputTokens;
        long outputTokens;
        BigDecimal cost = BigDecimal.ZERO;

        Open(int step, int parent, SpanKind kind, String name, Json request, String key, Instant startTime) {
            this.step = step;
            this.parent = parent;
            this.kind = kind;
            this.name = name;
            this.request = request.node();
            this.requestViaToString = request.viaToString();
            this.key = key;
            this.startTime = startTime;
        }

        Span toSpan(Instant traceEnd) {
            if (!requestViaToString && !responseViaToString) {
                return new Span(step, parent, kind, name, request, response, responseType, status, errorType, errorMessage, startTime,
                        end == null ? traceEnd : end, inputTokens, outputTokens, cost, key, OPERATION[kind.ordinal()]);
            }
            Map<String, String> attributes = new LinkedHashMap<>();
            attributes.put("gen_ai.operation.name", kind.operation());
            if (requestViaToString) {
                attributes.put(ResultTypes.REQUEST_ENCODING, ResultTypes.TO_STRING);
            }
            if (responseViaToString) {
                attributes.put(ResultTypes.RESPONSE_ENCODING, ResultTypes.TO_STRING);
            }
            // A step still open when the trace ends is recorded as an unfinished error up to the trace's end.
            return new Span(step, parent, kind, name, request, response, responseType, status, errorType, errorMessage, startTime,
                    end == null ? traceEnd : end, inputTokens, outputTokens, cost, key, attributes);
        }
    }
}
