package dev.agentsre.replay;

import com.fasterxml.jackson.databind.JsonNode;
import dev.agentsre.cost.TokenUsage;
import dev.agentsre.internal.CanonicalJson;
import java.lang.reflect.Constructor;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
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
 * the first unplayed recording with the same kind, name and request; a miss names the closest
 * recording. With {@link ReplayOptions#liveOnMiss()} a miss calls the real function instead.
 *
 * <p>The replay records what it does as a new trace ({@link #finish()}), whose parent is the
 * replayed one. Not meant to be shared between threads beyond what the agent code itself does.
 */
public final class Replay extends RecordedCalls {

    private final Trace trace;
    private final ReplayOptions options;
    private final Overrides overrides;
    private final boolean[] played;
    private int cursor;
    private final AtomicInteger live = new AtomicInteger();
    private final AtomicInteger served = new AtomicInteger();

    Replay(Trace trace, ReplayOptions options, Overrides overrides, SpanRecorder recorder) {
        super(recorder);
        this.trace = trace;
        this.options = options;
        this.overrides = overrides;
        this.played = new boolean[trace.spans().size()];
    }

    @Override
    public <T> T decision(String name, T value) {
        JsonNode request = recorder.json(null);
        JsonNode now = recorder.json(value);
        Span recorded = match(SpanKind.DECISION, name, request, SpanRecorder.key(request));
        if (recorded != null && !JsonDiff.diff("decision", recorded.response(), now).isEmpty()
                && options.onMiss() == ReplayOptions.OnMiss.FAIL && overrides.isEmpty()) {
            throw new ReplayDivergenceException(recorded.step(), recorded, SpanKind.DECISION.name(), name,
                    JsonDiff.diff("decision", recorded.response(), now),
                    "replay diverged at step " + recorded.step() + ": decision '" + name + "' was " + recorded.response() + ", now " + now);
        }
        int step = recorder.begin(SpanKind.DECISION, name, request);
        recorder.endOk(step, value, now, null, null);
        return value;
    }

    /** Every recorded step, in order, with inputs, outputs, timing and cost. */
    public Iterator<Span> stepThrough() {
        return trace.spans().iterator();
    }

    /** Calls that went to the real function. */
    public int liveCalls() {
        return live.get();
    }

    /** Calls served from the recording. */
    public int servedCalls() {
        return served.get();
    }

    /** Recorded steps never asked for. */
    public List<Integer> unplayedSteps() {
        List<Integer> steps = new ArrayList<>();
        for (int i = 0; i < played.length; i++) {
            if (!played[i] && trace.spans().get(i).kind() != SpanKind.DECISION) {
                steps.add(i + 1);
            }
        }
        return steps;
    }

    /** The recorded run being replayed. */
    public Trace original() {
        return trace;
    }

    /** The trace of this replay (its parent is the original). */
    public Trace finish() {
        return recorder.toTrace();
    }

    @Override
    <T, E extends Exception> T invoke(SpanKind kind, String name, Object request, Call<T, E> call,
                                      Function<? super T, TokenUsage> usage) throws E {
        JsonNode req = recorder.json(request);
        Span recorded = match(kind, name, req, SpanRecorder.key(req));
        int step = recorder.begin(kind, name, req);
        if (recorded == null) {
            live.incrementAndGet();
            return callAndRecord(step, call, usage);
        }
        served.incrementAndGet();
        JsonNode override = overrides.responseFor(recorded);
        if (override != null) {
            Span changed = new Span(recorded.step(), recorded.parentStep(), recorded.kind(), recorded.name(), recorded.request(), override,
                    recorded.responseType(), SpanStatus.OK, null, null, recorded.startTime(), recorded.endTime(), recorded.inputTokens(),
                    recorded.outputTokens(), recorded.costUsd(), recorded.matchKey(), recorded.attributes());
            recorder.endServed(step, changed, override);
            return convert(override, recorded.responseType());
        }
        recorder.endServed(step, recorded, recorded.response());
        if (recorded.status() != SpanStatus.OK) {
            throw Replay.<RuntimeException>sneaky(rebuild(recorded));
        }
        return convert(recorded.response(), recorded.responseType());
    }

    /** The recording to serve for a call, null for a live call, or a divergence. */
    private Span match(SpanKind kind, String name, JsonNode request, String key) {
        List<Span> spans = trace.spans();
        if (options.mode() == ReplayOptions.Mode.STRICT) {
            while (cursor < spans.size() && played[cursor]) {
                cursor++;
            }
            if (cursor >= spans.size()) {
                return miss(null, kind, name, request, "the recording has only " + spans.size() + " steps");
            }
            Span next = spans.get(cursor);
            if (next.kind() == kind && next.name().equals(name) && next.matchKey().equals(key)) {
                played[cursor++] = true;
                return next;
            }
            return miss(next, kind, name, request, "step " + next.step() + " recorded " + next.kind() + " '" + next.name() + "'");
        }
        Span closest = null;
        int closestDistance = Integer.MAX_VALUE;
        for (int i = 0; i < spans.size(); i++) {
            Span s = spans.get(i);
            if (s.kind() != kind || !s.name().equals(name)) {
                continue;
            }
            if (!played[i] && s.matchKey().equals(key)) {
                played[i] = true;
                return s;
            }
            int distance = JsonDiff.diff("request", s.request(), request).size();
            if (distance < closestDistance) {
                closest = s;
                closestDistance = distance;
            }
        }
        return miss(closest, kind, name, request, closest == null ? "no recording of " + kind + " '" + name + "'"
                : "no unplayed recording with this request; the closest is step " + closest.step());
    }

    private Span miss(Span expected, SpanKind kind, String name, JsonNode request, String why) {
        if (options.onMiss() == ReplayOptions.OnMiss.LIVE) {
            return null;
        }
        List<FieldDifference> differences = expected == null ? List.of() : JsonDiff.diff("request", expected.request(), request);
        int step = expected == null ? trace.spans().size() + 1 : expected.step();
        throw new ReplayDivergenceException(step, expected, kind.name(), name, differences,
                "replay diverged at step " + step + ": asked for " + kind + " '" + name + "'; " + why
                        + (differences.isEmpty() ? "" : "; differing fields: " + differences));
    }

    private static <T> T convert(JsonNode response, String type) {
        if (response == null || response.isNull()) {
            return null;
        }
        try {
            Class<?> target = type == null ? Object.class : Class.forName(type, false, classLoader());
            @SuppressWarnings("unchecked")
            T value = (T) CanonicalJson.mapper().treeToValue(response, target);
            return value;
        } catch (ClassNotFoundException | com.fasterxml.jackson.core.JsonProcessingException | IllegalArgumentException e) {
            try {
                @SuppressWarnings("unchecked")
                T value = (T) CanonicalJson.mapper().treeToValue(response, Object.class);
                return value;
            } catch (com.fasterxml.jackson.core.JsonProcessingException inner) {
                throw new IllegalStateException("cannot rebuild the recorded response: " + inner.getMessage(), inner);
            }
        }
    }

    private static Throwable rebuild(Span recorded) {
        String type = recorded.errorType();
        String message = recorded.errorMessage();
        try {
            Class<?> cls = Class.forName(type, false, classLoader());
            if (Throwable.class.isAssignableFrom(cls)) {
                Constructor<?> constructor = cls.getConstructor(String.class);
                return (Throwable) constructor.newInstance(message);
            }
        } catch (ReflectiveOperationException | RuntimeException | LinkageError ignored) {
            // fall through to the generic replayed failure
        }
        return new ReplayedFailureException(type, message);
    }

    private static ClassLoader classLoader() {
        ClassLoader context = Thread.currentThread().getContextClassLoader();
        return context != null ? context : Replay.class.getClassLoader();
    }

    @SuppressWarnings("unchecked")
    private static <X extends Throwable> X sneaky(Throwable t) throws X {
        throw (X) t;
    }
}
