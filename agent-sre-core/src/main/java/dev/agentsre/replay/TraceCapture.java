package dev.agentsre.replay;

import dev.agentsre.cost.TokenUsage;
import java.util.function.Function;

/**
 * Records an agent run: route the agent's model calls, tool calls, delegations, decisions and side
 * effects through it, and close it when the run ends.
 *
 * <pre>{@code
 * try (TraceCapture capture = ReplayEngine.capture("support-bot-v3", store)) {
 *     String answer = capture.llm("gpt-4o", prompt, () -> model.chat(prompt));
 *     Order order = capture.tool("lookup_order", args, () -> orders.lookup(args));
 * }   // the trace_end line is written on close
 * }</pre>
 *
 * <p>Each call's request and result are converted to JSON and redacted before anything is hashed or
 * stored; a failing call is recorded with its (redacted) error and rethrown unchanged. Calls made
 * inside a {@link #delegate} nest under it (per thread). Several captures never mix: each is its own
 * object.
 *
 * <p><b>Recording never breaks a call.</b> A result Jackson cannot write (an {@code Instant} without
 * the JSR-310 module, say) is recorded with its type and {@code toString()}, and replay says so; a
 * disk that fails is logged once and leaves the trace incomplete; calls beyond {@code maxSteps} or
 * after {@link #close()} run unrecorded (and the trace says how many). {@link #close()} never throws.
 *
 * <p><b>Memory.</b> With a {@link TraceStore}, each span is appended to the trace's file as it
 * finishes and only the calls in flight are held, so a run of any length needs little memory and a
 * run that crashes leaves every step that finished. Without a store, the trace is kept in memory up
 * to {@code maxBytesInMemory} (default {@value ReplayEngine#DEFAULT_MAX_BYTES_IN_MEMORY} bytes); later
 * steps are counted and left out.
 *
 * <p><b>Cost.</b> Per call: one walk over the request and one over the result, each building the
 * redacted JSON tree the span keeps while redacting (and, for the request, streaming its normalised
 * form into a per-thread SHA-256), and with a store one file write of a line streamed field by field
 * (about 1 µs in memory and a few µs with a store for small payloads; see the performance page).
 * Per thread it keeps one digest and one text scanner for reuse (about 2 KB). Thread-safe.
 */
public final class TraceCapture extends RecordedCalls implements AutoCloseable {

    TraceCapture(SpanRecorder recorder) {
        super(recorder);
    }

    /** The trace's id. */
    public String traceId() {
        return recorder.traceId();
    }

    @Override
    public <T> T decision(String name, T value) {
        SpanRecorder.Json recorded = recorder.json(value);
        int step = recorder.begin(SpanKind.DECISION, name, recorder.request(null));
        recorder.endValue(step, value, recorded);
        return value;
    }

    @Override
    <T, E extends Exception> T invoke(SpanKind kind, String name, Object request, Call<T, E> call,
                                      Function<? super T, TokenUsage> usage) throws E {
        int step = recorder.begin(kind, name, recorder.request(request));
        return callAndRecord(step, call, usage);
    }

    /**
     * The trace so far (calls in flight shown as unfinished errors), or the final one once closed.
     * With a store this reads the trace's file.
     */
    public Trace trace() {
        return recorder.trace();
    }

    /** Ends the run: calls still in flight are recorded as unfinished, and the trace is finished (once). Never throws. */
    @Override
    public void close() {
        recorder.close();
    }
}
