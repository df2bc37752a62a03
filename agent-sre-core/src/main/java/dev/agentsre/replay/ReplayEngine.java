package dev.agentsre.replay;

import dev.agentsre.redact.Redactor;
import dev.agentsre.cost.PriceTable;
import dev.agentsre.internal.Check;
import java.time.Clock;
import java.util.UUID;

/**
 * Entry point of the replay recorder: capture a run, replay it, diff two runs, ask what-if.
 *
 * <pre>{@code
 * try (TraceCapture capture = ReplayEngine.capture("support-bot-v3", store)) { ... }
 * Replay replay = ReplayEngine.replay(store.load(traceId));
 * TraceDiff diff = ReplayEngine.diff(traceA, traceB);
 * WhatIfResult<String> r = ReplayEngine.whatIf(trace, Overrides.none().tool("lookup_order", cancelled), agent::run);
 * }</pre>
 */
public final class ReplayEngine {

    /** Default cap on the steps of one trace. */
    public static final int DEFAULT_MAX_STEPS = 100_000;
    /** Default bound on the bytes of a trace kept in memory (a capture without a store, a replay's own trace). */
    public static final long DEFAULT_MAX_BYTES_IN_MEMORY = 64L * 1024 * 1024;

    private ReplayEngine() {
    }

    /** Starts capturing a run of {@code agentId} into {@code store}, each step written as it finishes. */
    public static TraceCapture capture(String agentId, TraceStore store) {
        return captureBuilder(agentId).store(store).start();
    }

    /** Starts configuring a capture (clock, redaction, prices, trace id, step cap). */
    public static CaptureBuilder captureBuilder(String agentId) {
        return new CaptureBuilder(Check.notBlank("agentId", agentId));
    }

    /** A strict replay of {@code trace}. */
    public static Replay replay(Trace trace) {
        return replay(trace, ReplayOptions.strict());
    }

    /** A replay of {@code trace} with {@code options}. */
    public static Replay replay(Trace trace, ReplayOptions options) {
        return replay(trace, options, Overrides.none());
    }

    private static Replay replay(Trace trace, ReplayOptions options, Overrides overrides) {
        Check.notNull("trace", trace);
        Check.notNull("options", options);
        SpanRecorder recorder = new SpanRecorder(newId(), trace.agentId(), trace.traceId(), options.clock(), options.redactor(), null,
                Math.max(DEFAULT_MAX_STEPS, trace.spans().size() * 2), memory(DEFAULT_MAX_BYTES_IN_MEMORY));
        return new Replay(trace, options, overrides, recorder);
    }

    /** Diffs two runs: {@code expected} first, {@code actual} second. */
    public static TraceDiff diff(Trace expected, Trace actual) {
        return TraceDiff.of(Check.notNull("expected", expected), Check.notNull("actual", actual));
    }

    /**
     * Re-runs {@code agent} against the recording of {@code trace} with some responses replaced.
     * Calls that still match a recording are served from it; calls that no longer do (the agent took
     * another path after the change) go live. Returns the new run, pointing to its parent, and its
     * diff against the original.
     */
    public static <R> WhatIfResult<R> whatIf(Trace trace, Overrides overrides, AgentRun<R> agent) throws Exception {
        return whatIf(trace, overrides, ReplayOptions.keyed().liveOnMiss(), agent);
    }

    /** {@link #whatIf(Trace, Overrides, AgentRun)} with options (e.g. {@link ReplayOptions#keyed()} to fail instead of going live). */
    public static <R> WhatIfResult<R> whatIf(Trace trace, Overrides overrides, ReplayOptions options, AgentRun<R> agent) throws Exception {
        Check.notNull("overrides", overrides);
        Check.notNull("agent", agent);
        Replay replay = replay(trace, options, overrides);
        R result = agent.run(replay);
        Trace changed = replay.finish();
        return new WhatIfResult<>(result, changed, diff(trace, changed), replay.liveCalls());
    }

    static String newId() {
        return UUID.randomUUID().toString();
    }

    private static SpanSink.Factory memory(long maxBytes) {
        return head -> new SpanSink.Memory(head, maxBytes);
    }

    /** Configures a {@link TraceCapture}. */
    public static final class CaptureBuilder {
        private final String agentId;
        private TraceStore store;
        private Clock clock = Clock.systemUTC();
        private Redactor redactor = Redactor.defaults();
        private PriceTable prices;
        private String traceId;
        private int maxSteps = DEFAULT_MAX_STEPS;
        private long maxBytesInMemory = DEFAULT_MAX_BYTES_IN_MEMORY;

        private CaptureBuilder(String agentId) {
            this.agentId = agentId;
        }

        /** Where the trace is written, span by span as they finish (none: keep it in memory, see {@link TraceCapture#trace()}). */
        public CaptureBuilder store(TraceStore store) {
            this.store = store;
            return this;
        }

        /** The clock spans are stamped with. */
        public CaptureBuilder clock(Clock clock) {
            this.clock = Check.notNull("clock", clock);
            return this;
        }

        /** The redaction rules (default {@link Redactor#defaults()}); a replay of the trace must use the same. */
        public CaptureBuilder redactor(Redactor redactor) {
            this.redactor = Check.notNull("redactor", redactor);
            return this;
        }

        /** Prices model calls whose token usage is reported. */
        public CaptureBuilder priceTable(PriceTable prices) {
            this.prices = prices;
            return this;
        }

        /**
         * The trace id (default: a random UUID).
         *
         * @throws IllegalArgumentException at once for an id that is not a valid trace file name
         *     ({@code [A-Za-z0-9][A-Za-z0-9._-]{0,127}}: no paths, no hidden files)
         */
        public CaptureBuilder traceId(String traceId) {
            this.traceId = TraceStore.checkId(traceId);
            return this;
        }

        /** Cap on steps (default {@value ReplayEngine#DEFAULT_MAX_STEPS}). */
        public CaptureBuilder maxSteps(int maxSteps) {
            this.maxSteps = Check.positive("maxSteps", maxSteps);
            return this;
        }

        /**
         * Bound on the bytes of the trace kept in memory when there is no store (default
         * {@value ReplayEngine#DEFAULT_MAX_BYTES_IN_MEMORY}); steps beyond it are counted and left out.
         */
        public CaptureBuilder maxBytesInMemory(long maxBytesInMemory) {
            this.maxBytesInMemory = Check.positive("maxBytesInMemory", maxBytesInMemory);
            return this;
        }

        /** Starts the capture (with a store, the trace's file is created now). */
        public TraceCapture start() {
            TraceStore target = store;
            SpanSink.Factory sink = target == null ? memory(maxBytesInMemory)
                    : head -> new SpanSink.File(target, head);
            return new TraceCapture(new SpanRecorder(traceId == null ? newId() : traceId, agentId, null, clock, redactor, prices, maxSteps,
                    sink));
        }
    }
}
