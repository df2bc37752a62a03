package dev.agentsre.delivery;

import dev.agentsre.cost.CostGuard;
import dev.agentsre.cost.CostReservation;
import dev.agentsre.cost.PriceTable;
import dev.agentsre.internal.Money;
import dev.agentsre.redact.Redactor;
import dev.agentsre.replay.ReplayEngine;
import dev.agentsre.replay.ReplayOptions;
import dev.agentsre.replay.Span;
import dev.agentsre.replay.SpanKind;
import dev.agentsre.replay.Trace;
import dev.agentsre.replay.TraceCapture;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.UnaryOperator;

/**
 * The shadow side of a rollout (see {@link AgentRollout}, "Shadow"): records the baseline's run of a
 * sampled request, hands the candidate (and, for the noise floor, a second baseline run) to the
 * executor with its tool calls served from that recording, charges the shadow's model spend to the
 * shadow budget scope, compares the outputs, records the pair, and expires shadows that outlive the
 * timeout. Memory: at most {@code maxConcurrency} flights, each one recorded request.
 */
final class Shadows<Req, Res> {

    /** What a shadow needs from its rollout. */
    interface Host<Req> {
        /** Serves the baseline without a shadow (no slot, no budget, no recording). */
        VersionRunner.Observation serveBaseline(StepRun run, Req request);

        /** Counts one call served by the baseline. */
        void countBaseline();

        /** The scorers' values for an outcome, or null without scorers. */
        double[] scores(Req request, VersionRunner.Observation outcome);

        /** Records a served call into the step. */
        void record(StepRun run, Variant variant, VersionRunner.Observation outcome, double[] scores);

        /** Records scores into a cohort. */
        void recordScores(Cohort cohort, double[] scores);

        /** The moments slot of scorer {@code i}. */
        int scoreSlot(int scorer);

        /** A shadow finished: check the triggers. */
        void shadowFinished();

        /** Logs a failure that never reaches the caller. */
        void logFailure(String what, Throwable e);
    }

    private final Host<Req> host;
    private final String agentId;
    private final VersionRunner<Req, Res> baseline;
    private final VersionRunner<Req, Res> candidate;
    private final UnaryOperator<Req> copier;
    private final OutputComparator<Res> comparator;
    private final double noiseFloorRate;
    private final MetricLayout layout;
    private final Executor shadowExecutor;
    private final Semaphore shadowSlots;
    private final long shadowTimeoutMillis;
    private final int maxShadowSteps;
    private final CostGuard shadowGuard;
    private final String shadowScope;
    private final double shadowEstimate;
    private final PriceTable prices;
    private final Clock clock;
    private final ReplayOptions shadowReplay;
    private final AtomicLong shadowIds = new AtomicLong();
    private final AtomicLong shadowsSeen = new AtomicLong();
    private final Map<Long, Flight> flights = new ConcurrentHashMap<>();
    private volatile boolean closed;

    Shadows(Host<Req> host, String agentId, VersionRunner<Req, Res> baseline, VersionRunner<Req, Res> candidate, UnaryOperator<Req> copier,
            OutputComparator<Res> comparator, double noiseFloorRate, MetricLayout layout, Executor executor, int maxConcurrency,
            long timeoutMillis, int maxSteps, CostGuard guard, String scope, double estimate, PriceTable prices, Clock clock) {
        this.host = host;
        this.agentId = agentId;
        this.baseline = baseline;
        this.candidate = candidate;
        this.copier = copier;
        this.comparator = comparator;
        this.noiseFloorRate = noiseFloorRate;
        this.layout = layout;
        this.shadowExecutor = executor;
        this.shadowSlots = new Semaphore(maxConcurrency);
        this.shadowTimeoutMillis = timeoutMillis;
        this.maxShadowSteps = maxSteps;
        this.shadowGuard = guard;
        this.shadowScope = scope;
        this.shadowEstimate = estimate;
        this.prices = prices;
        this.clock = clock;
        // the baseline's trace was recorded by this process, so the candidate may get back any result type it recorded
        this.shadowReplay = ReplayOptions.keyed().withClock(clock).allowAnyType();
    }

    /** No new shadows after this; running ones finish. */
    void close() {
        closed = true;
    }

    /**
     * Serves a shadowed call: the baseline answers (recorded), then the candidate is handed to the
     * executor; falls back to a plain baseline call when no slot, budget or recording is available.
     */
    VersionRunner.Observation serve(StepRun run, Req request) {
        ShadowStats stats = run.shadow;
        stats.selected.incrementAndGet();
        if (closed || !shadowSlots.tryAcquire()) {
            stats.skippedBusy.incrementAndGet();
            return host.serveBaseline(run, request);
        }
        boolean handedOff = false;
        CostReservation reservation = null;
        try {
            long id = shadowIds.incrementAndGet();
            if (shadowGuard != null) {
                CostReservation r = shadowGuard.reserve(shadowScope, "shadow-" + id, shadowEstimate);
                if (!r.isGranted()) {
                    stats.skippedBudget.incrementAndGet();
                    return host.serveBaseline(run, request);
                }
                reservation = r;
            }
            Req copy;
            Req noiseCopy;
            try {
                copy = copier.apply(request);
                noiseCopy = noiseSampled() ? copier.apply(request) : null;
            } catch (RuntimeException e) {
                host.logFailure("copying a request for its shadow", e);
                stats.skippedRecording.incrementAndGet();
                return host.serveBaseline(run, request);
            }
            TraceCapture capture = ReplayEngine.captureBuilder(agentId).clock(clock).maxSteps(maxShadowSteps).start();
            RecordingCalls[] recording = new RecordingCalls[1];
            host.countBaseline();
            VersionRunner.Observation base = baseline.serve(request, inner -> recording[0] = new RecordingCalls(capture, inner), prices, clock);
            double[] baseScores = host.scores(request, base);
            host.record(run, Variant.BASELINE, base, baseScores);
            capture.close();
            Trace trace = capture.trace();
            // a call left unrecorded (step cap) or recorded only as text cannot be served to the candidate
            if (recording[0] == null || recording[0].broken() || !trace.complete()
                    || trace.spans().stream().anyMatch(Span::recordedAsText)) {
                stats.skippedRecording.incrementAndGet();
                return base;
            }
            Flight flight = new Flight(id, run, request, copy, noiseCopy, trace, base, baseScores, reservation, clock.millis());
            flights.put(id, flight);
            try {
                shadowExecutor.execute(() -> runShadow(flight));
                handedOff = true;
                stats.started.incrementAndGet();
            } catch (RejectedExecutionException e) {
                flights.remove(id);
                stats.skippedBusy.incrementAndGet();
            }
            return base;
        } finally {
            if (!handedOff) {
                if (reservation != null) {
                    reservation.release();
                }
                shadowSlots.release();
            }
        }
    }

    private boolean noiseSampled() {
        if (noiseFloorRate <= 0) {
            return false;
        }
        // Exactly noiseFloorRate of the shadows, evenly spread: shadow n is sampled when floor((n+1)r) > floor(nr).
        long n = shadowsSeen.getAndIncrement();
        return Math.floor((n + 1) * noiseFloorRate) > Math.floor(n * noiseFloorRate);
    }

    /** Runs on the shadow executor. */
    private void runShadow(Flight flight) {
        long costNanos = 0;
        try {
            ShadowCalls calls = new ShadowCalls(ReplayEngine.replay(flight.trace, shadowReplay), prices, Redactor.defaults());
            VersionRunner.Observation shadow = candidate.shadow(flight.copy, calls, clock);
            costNanos += shadow.costNanos;
            VersionRunner.Observation again = null;
            ShadowCalls againCalls = null;
            if (flight.noiseCopy != null) {
                againCalls = new ShadowCalls(ReplayEngine.replay(flight.trace, shadowReplay), prices, Redactor.defaults());
                again = baseline.shadow(flight.noiseCopy, againCalls, clock);
                costNanos += again.costNanos;
            }
            if (flight.claim()) {
                recordShadow(flight, shadow, calls, again, againCalls);
            }
        } catch (RuntimeException | Error e) {
            host.logFailure("running a shadow", e);
        } finally {
            settle(flight.reservation, costNanos);
            flights.remove(flight.id);
            shadowSlots.release();
        }
        host.shadowFinished();
    }

    private void settle(CostReservation reservation, long costNanos) {
        if (reservation == null) {
            return;
        }
        try {
            reservation.commit(Money.toUsd(costNanos));
        } catch (RuntimeException e) {
            host.logFailure("charging a shadow to its budget", e);
        }
    }

    private void recordShadow(Flight flight, VersionRunner.Observation shadow, ShadowCalls calls, VersionRunner.Observation again,
                              ShadowCalls againCalls) {
        StepRun run = flight.run;
        ShadowStats stats = run.shadow;
        VersionRunner.Observation base = flight.base;
        stats.toolsNotRecorded.addAndGet(calls.notRecorded());
        run.candidate.record(shadow.ok(), shadow.latencyMs, shadow.costUsd(), shadow.tokens);
        double[] shadowScores = host.scores(flight.request, shadow);
        host.recordScores(run.candidate, shadowScores);
        double[] differences = new double[layout.slots()];
        Arrays.fill(differences, Double.NaN);
        differences[MetricLayout.LATENCY] = shadow.latencyMs - base.latencyMs;
        differences[MetricLayout.LOG_LATENCY] = Math.log1p(Math.max(0, shadow.latencyMs)) - Math.log1p(Math.max(0, base.latencyMs));
        differences[MetricLayout.COST] = shadow.costUsd() - base.costUsd();
        differences[MetricLayout.TOKENS] = shadow.tokens - base.tokens;
        differences[MetricLayout.ERROR] = (shadow.ok() ? 0 : 1) - (base.ok() ? 0 : 1);
        if (shadowScores != null && flight.baseScores != null) {
            for (int i = 0; i < shadowScores.length; i++) {
                if (Double.isFinite(shadowScores[i]) && Double.isFinite(flight.baseScores[i])) {
                    differences[host.scoreSlot(i)] = shadowScores[i] - flight.baseScores[i];
                }
            }
        }
        List<ToolCall> baseTools = toolCalls(flight.trace);
        OutputComparison ab = compare(stats, flight.request, base, baseTools, shadow, calls.toolCalls());
        OutputComparison aa = again == null ? null : compare(stats, flight.request, base, baseTools, again, againCalls.toolCalls());
        stats.record(differences, ab, aa);
    }

    private void recordShadowTimeout(Flight flight) {
        StepRun run = flight.run;
        run.shadow.timeouts.incrementAndGet();
        run.candidate.record(false, shadowTimeoutMillis, 0, 0);
        double[] differences = new double[layout.slots()];
        Arrays.fill(differences, Double.NaN);
        differences[MetricLayout.ERROR] = 1 - (flight.base.ok() ? 0 : 1);
        differences[MetricLayout.LATENCY] = shadowTimeoutMillis - flight.base.latencyMs;
        differences[MetricLayout.LOG_LATENCY] = Math.log1p(shadowTimeoutMillis) - Math.log1p(Math.max(0, flight.base.latencyMs));
        run.shadow.record(differences, OutputComparison.different("the candidate did not finish within " + shadowTimeoutMillis + " ms"), null);
    }

    @SuppressWarnings("unchecked")
    private OutputComparison compare(ShadowStats stats, Req request, VersionRunner.Observation base, List<ToolCall> baseTools,
                               VersionRunner.Observation other, List<ToolCall> otherTools) {
        if (!base.ok() && !other.ok()) {
            return new OutputComparison(1.0, true, "both failed");
        }
        if (!base.ok()) {
            return OutputComparison.different("the baseline failed: " + base.failure);
        }
        if (!other.ok()) {
            return OutputComparison.different("the shadow failed: " + other.failure);
        }
        try {
            return comparator.compare(new VersionOutput<>(request, (Res) base.value, null, baseTools),
                    new VersionOutput<>(request, (Res) other.value, null, otherTools));
        } catch (Exception | Error e) {
            stats.comparatorErrors.incrementAndGet();
            host.logFailure("comparing a shadow's output", e);
            return null;
        }
    }

    /** The top-level tool calls and delegations of a recorded run. */
    private static List<ToolCall> toolCalls(Trace trace) {
        List<ToolCall> calls = new ArrayList<>();
        for (Span span : trace.spans()) {
            if (span.parentStep() == 0 && (span.kind() == SpanKind.TOOL || span.kind() == SpanKind.DELEGATE)) {
                calls.add(new ToolCall(span.name(), span.request()));
            }
        }
        return calls;
    }

    /** Records every shadow running longer than the timeout as a candidate failure. */
    void expire(long now) {
        for (Flight flight : flights.values()) {
            if (now - flight.startMillis >= shadowTimeoutMillis && flight.claim()) {
                recordShadowTimeout(flight);
            }
        }
    }

    /** A shadow in flight. */
    private final class Flight {
        final long id;
        final StepRun run;
        final Req request;
        final Req copy;
        final Req noiseCopy;
        final Trace trace;
        final VersionRunner.Observation base;
        final double[] baseScores;
        final CostReservation reservation;
        final long startMillis;
        private final AtomicBoolean done = new AtomicBoolean();

        Flight(long id, StepRun run, Req request, Req copy, Req noiseCopy, Trace trace, VersionRunner.Observation base, double[] baseScores,
               CostReservation reservation, long startMillis) {
            this.id = id;
            this.run = run;
            this.request = request;
            this.copy = copy;
            this.noiseCopy = noiseCopy;
            this.trace = trace;
            this.base = base;
            this.baseScores = baseScores;
            this.reservation = reservation;
            this.startMillis = startMillis;
        }

        /** Whether this thread is the one to record the shadow's outcome (its result, or its timeout). */
        boolean claim() {
            return done.compareAndSet(false, true);
        }
    }
}
