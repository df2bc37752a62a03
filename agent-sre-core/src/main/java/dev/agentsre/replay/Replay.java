package dev.agentsre.replay;

import com.fasterxml.jackson.databind.JsonNode;
import dev.agentsre.cost.TokenUsage;
import dev.agentsre.internal.Throwables;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * Replays a recorded run offline: the same {@link AgentCalls} methods as a capture, but each call is
 * served from the recording without calling the real function — responses come back as the classes
 * they were recorded as, recorded failures are thrown again, side effects return the recorded
 * values. Like a VCR cassette for agents.
 *
 * <pre>{@code
 * Replay replay = ReplayEngine.replay(store.load(traceId));
 * String answer = replay.llm("gpt-4o", prompt, () -> model.chat(prompt));   // model.chat is not called
 * }</pre>
 *
 * <p>In {@link ReplayOptions.Mode#STRICT} mode every call must be the next recorded step: the first
 * call that differs raises {@link ReplayDivergenceException} naming the step, what was recorded,
 * what was asked and the differing JSON paths. In {@link ReplayOptions.Mode#KEYED} mode a call takes
 * the first unplayed recording with the same kind, name and request (an index lookup, O(1) per
 * call); a miss names the closest recording. With {@link ReplayOptions#liveOnMiss()} a miss calls
 * the real function instead. "The same request" is the equality of {@link ReplayEngine#diff}: key
 * order, UUIDs, ISO timestamps, number formatting and fields named like a timestamp or request id
 * never count, so a call matches exactly when a diff would show no difference. Match keys are
 * recomputed from the recorded requests, never taken from the file.
 *
 * <p>Results are rebuilt only as the types {@link ReplayOptions} allows (see there);
 * {@link UnreplayableStepException} names a type that is not allowed, or a value that was recorded
 * only as its {@code toString()}.
 *
 * <p>The replay records what it does as a new trace ({@link #finish()}), whose parent is the
 * replayed one. Matching is synchronised, so agent code may call from several threads.
 */
public final class Replay extends RecordedCalls {

    private final Trace trace;
    private final List<Span> spans;
    private final ReplayOptions options;
    private final Overrides overrides;
    private final ResultTypes types;
    private final String[] keys;
    private final boolean[] played;
    private final Map<String, ArrayDeque<Integer>> byRequest;
    private int cursor;
    private final AtomicInteger live = new AtomicInteger();
    private final AtomicInteger served = new AtomicInteger();

    Replay(Trace trace, ReplayOptions options, Overrides overrides, SpanRecorder recorder) {
        super(recorder);
        this.trace = trace;
        this.spans = trace.spans();
        this.options = options;
        this.overrides = overrides;
        this.types = new ResultTypes(options);
        this.keys = new String[spans.size()];
        this.played = new boolean[spans.size()];
        this.byRequest = options.mode() == ReplayOptions.Mode.KEYED ? new HashMap<>() : Map.of();
        for (int i = 0; i < keys.length; i++) {
            Span span = spans.get(i);
            keys[i] = SpanRecorder.key(span.request());
            if (options.mode() == ReplayOptions.Mode.KEYED) {
                byRequest.computeIfAbsent(indexKey(span.kind(), span.name(), keys[i]), k -> new ArrayDeque<>()).add(i);
            }
        }
    }

    @Override
    public <T> T decision(String name, T value) {
        SpanRecorder.Json request = recorder.request(null);
        SpanRecorder.Json now = recorder.json(value);
        Span recorded = match(SpanKind.DECISION, name, request.node(), request.matchKey());
        if (recorded != null && options.onMiss() == ReplayOptions.OnMiss.FAIL && overrides.isEmpty()) {
            List<FieldDifference> differences = JsonDiff.diff("decision", recorded.response(), now.node());
            if (!differences.isEmpty()) {
                throw new ReplayDivergenceException(recorded.step(), recorded, SpanKind.DECISION.name(), name, differences,
                        "replay diverged at step " + recorded.step() + ": decision '" + name + "' was " + recorded.response() + ", now "
                                + now.node() + "; differing fields: " + differences);
            }
        }
        int step = recorder.begin(SpanKind.DECISION, name, request);
        recorder.endValue(step, value, now);
        return value;
    }

    /** Every recorded step, in order, with inputs, outputs, timing and cost. */
    public Iterator<Span> stepThrough() {
        return spans.iterator();
    }

    /** Calls that went to the real function. */
    public int liveCalls() {
        return live.get();
    }

    /** Calls served from the recording. */
    public int servedCalls() {
        return served.get();
    }

    /** Recorded steps never asked for (decisions aside). */
    public synchronized List<Integer> unplayedSteps() {
        List<Integer> steps = new ArrayList<>();
        for (int i = 0; i < played.length; i++) {
            if (!played[i] && spans.get(i).kind() != SpanKind.DECISION) {
                steps.add(spans.get(i).step());
            }
        }
        return steps;
    }

    /** The recorded run being replayed. */
    public Trace original() {
        return trace;
    }

    /** Ends the replay and returns its trace (its parent is the original); later calls run unrecorded. */
    public Trace finish() {
        recorder.close();
        return recorder.trace();
    }

    @Override
    <T, E extends Exception> T invoke(SpanKind kind, String name, Object request, Call<T, E> call,
                                      Function<? super T, TokenUsage> usage) throws E {
        SpanRecorder.Json req = recorder.request(request);
        Span recorded = match(kind, name, req.node(), req.matchKey());
        int step = recorder.begin(kind, name, req);
        if (recorded == null) {
            live.incrementAndGet();
            return callAndRecord(step, call, usage);
        }
        served.incrementAndGet();
        Overrides.Replacement override = overrides.replacementFor(recorded);
        if (override != null) {
            Span changed = new Span(recorded.step(), recorded.parentStep(), recorded.kind(), recorded.name(), recorded.request(),
                    override.json(), override.value() == null ? null : override.value().getClass().getName(), SpanStatus.OK, null, null,
                    recorded.startTime(), recorded.endTime(), recorded.inputTokens(), recorded.outputTokens(), recorded.costUsd(),
                    recorded.matchKey(), Map.of());
            recorder.endServed(step, changed, override.json());
            @SuppressWarnings("unchecked")
            T value = (T) override.fresh();
            return value;
        }
        recorder.endServed(step, recorded, recorded.response());
        if (recorded.status() != SpanStatus.OK) {
            throw Throwables.<RuntimeException>sneakyThrow(types.failure(recorded));
        }
        @SuppressWarnings("unchecked")
        T value = (T) types.result(recorded, recorded.response());
        return value;
    }

    /** The recording to serve for a call, null for a live call, or a divergence. */
    private synchronized Span match(SpanKind kind, String name, JsonNode request, String key) {
        if (options.mode() == ReplayOptions.Mode.STRICT) {
            while (cursor < spans.size() && played[cursor]) {
                cursor++;
            }
            if (cursor >= spans.size()) {
                return miss(null, kind, name, request, "the recording has only " + spans.size() + " steps");
            }
            Span next = spans.get(cursor);
            if (next.kind() == kind && next.name().equals(name) && keys[cursor].equals(key)) {
                played[cursor++] = true;
                return next;
            }
            return miss(next, kind, name, request, next.kind() == kind && next.name().equals(name)
                    ? "step " + next.step() + " recorded " + next.kind() + " '" + next.name() + "' with another request"
                    : "step " + next.step() + " recorded " + next.kind() + " '" + next.name() + "'");
        }
        ArrayDeque<Integer> candidates = byRequest.get(indexKey(kind, name, key));
        while (candidates != null && !candidates.isEmpty()) {
            int position = candidates.pollFirst();
            if (!played[position]) {
                played[position] = true;
                return spans.get(position);
            }
        }
        if (options.onMiss() == ReplayOptions.OnMiss.LIVE) {
            return null;
        }
        Span closest = null;
        int closestDistance = Integer.MAX_VALUE;
        for (Span s : spans) { // only on a miss, which ends the replay
            if (s.kind() == kind && s.name().equals(name)) {
                int distance = JsonDiff.diff("request", s.request(), request).size();
                if (distance < closestDistance) {
                    closest = s;
                    closestDistance = distance;
                }
            }
        }
        return miss(closest, kind, name, request, closest == null ? "no recording of " + kind + " '" + name + "'"
                : "no unplayed recording with this request; the closest is step " + closest.step());
    }

    private static String indexKey(SpanKind kind, String name, String key) {
        return kind.name() + '\u0000' + name + '\u0000' + key;
    }

    private Span miss(Span expected, SpanKind kind, String name, JsonNode request, String why) {
        if (options.onMiss() == ReplayOptions.OnMiss.LIVE) {
            return null;
        }
        List<FieldDifference> differences = expected == null ? List.of() : JsonDiff.diff("request", expected.request(), request);
        int step = expected == null ? nextStep() : expected.step();
        throw new ReplayDivergenceException(step, expected, kind.name(), name, differences,
                "replay diverged at step " + step + ": asked for " + kind + " '" + name + "'; " + why
                        + (differences.isEmpty() ? "" : "; differing fields: " + differences));
    }

    private int nextStep() {
        return spans.isEmpty() ? 1 : spans.get(spans.size() - 1).step() + 1;
    }

}
