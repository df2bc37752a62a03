package dev.agentsre.replay;

import dev.agentsre.cost.TokenUsage;
import java.util.function.Function;

/**
 * Records an agent run: route the agent's model calls, tool calls, delegations, decisions and side
 * effects through it; when it is closed the trace is written to its {@link TraceStore}.
 *
 * <pre>{@code
 * try (TraceCapture capture = ReplayEngine.capture("support-bot-v3", store)) {
 *     String answer = capture.llm("gpt-4o", prompt, () -> model.chat(prompt));
 *     Order order = capture.tool("lookup_order", args, () -> orders.lookup(args));
 * }   // the trace is written to the store on close
 * }</pre>
 *
 * <p>Each call's request and result are converted to JSON and redacted before anything is hashed or
 * stored; a failing call is recorded with its error and rethrown unchanged. Calls made inside a
 * {@link #delegate} nest under it (per thread). Several captures never mix: each is its own object.
 *
 * <p><b>Cost.</b> Per call: two JSON conversions, redaction and a SHA-256 of the request (a few µs
 * for small payloads; see the performance page). Memory: the run's spans, at most {@code maxSteps}.
 */
public final class TraceCapture extends RecordedCalls implements AutoCloseable {

    private final TraceStore store;
    private volatile Trace closed;

    TraceCapture(SpanRecorder recorder, TraceStore store) {
        super(recorder);
        this.store = store;
    }

    /** The trace's id. */
    public String traceId() {
        return recorder.traceId();
    }

    @Override
    public <T> T decision(String name, T value) {
        requireOpen();
        int step = recorder.begin(SpanKind.DECISION, name, recorder.json(null));
        recorder.endOk(step, value, recorder.json(value), null, null);
        return value;
    }

    @Override
    <T, E extends Exception> T invoke(SpanKind kind, String name, Object request, Call<T, E> call,
                                      Function<? super T, TokenUsage> usage) throws E {
        requireOpen();
        int step = recorder.begin(kind, name, recorder.json(request));
        return callAndRecord(step, call, usage);
    }

    /** The trace so far (or the final one once closed). */
    public Trace trace() {
        Trace done = closed;
        return done != null ? done : recorder.toTrace();
    }

    /** Ends the run and writes the trace to the store (once). */
    @Override
    public void close() {
        if (closed != null) {
            return;
        }
        Trace trace = recorder.toTrace();
        closed = trace;
        if (store != null) {
            store.save(trace);
        }
    }

    private void requireOpen() {
        if (closed != null) {
            throw new IllegalStateException("capture of trace " + traceId() + " is closed");
        }
    }
}
