package dev.agentsre.breaker.internal;

import dev.agentsre.breaker.CircuitBreaker;
import dev.agentsre.breaker.CircuitBreakerConfig;
import dev.agentsre.breaker.CircuitOpenException;
import dev.agentsre.breaker.CircuitState;
import dev.agentsre.breaker.RetryAfterHint;
import dev.agentsre.event.CallRejected;
import dev.agentsre.event.CircuitStateChanged;
import dev.agentsre.event.SreEventBus;
import dev.agentsre.internal.OrderedEvents;
import dev.agentsre.time.Durations;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The state machine behind a {@link CircuitBreaker}: its states, admission, outcome recording and
 * transitions. Not API.
 *
 * <p><b>States</b> are objects replaced on every transition (so counters that belong to a state die
 * with it): CLOSED holds the consecutive failures and the sliding window, OPEN its open period and
 * the failed probes so far, HALF_OPEN its probe slots. An outcome counts only against the state the
 * call was admitted under ({@link State} is handed out with the admission), so a slow call admitted
 * before the circuit opened can never close it.
 *
 * <p><b>Time-driven transitions happen only on admission</b> ({@link #acquire}): OPEN becomes
 * HALF_OPEN when the next call arrives after the open period, and HALF_OPEN goes back to OPEN when a
 * probe was admitted and none finished within the half-open timeout (a hanging dependency). An idle
 * HALF_OPEN — no probe admitted — waits for the next call; it is not a failed probe. Reads
 * ({@link #kind()}, {@link #retryAfter}) never transition, publish or count anything.
 *
 * <p><b>Events in order.</b> Transitions happen under this object's lock and queue their
 * {@link CircuitStateChanged} there; listeners run after the lock is released, in the order of the
 * transitions, whichever thread delivers them. The hot path (admission and recording in CLOSED)
 * takes no lock.
 *
 * <p><b>User predicates</b> (record, ignore, failure result, a retry-after hint) that throw never
 * replace the call's outcome: the call counts as a failure and the predicate's exception is added to
 * the call's exception as suppressed (or logged once, for a result).
 */
public final class BreakerStateMachine {

    private static final Logger LOG = LoggerFactory.getLogger(BreakerStateMachine.class);
    /** A start time that was not read (the configuration needs no call durations). */
    public static final long NOT_READ = Long.MIN_VALUE;

    private final String agentId;
    private final SreEventBus eventBus;
    private final OrderedEvents transitions;
    private final Clock clock;
    private final CircuitBreakerConfig config;
    private final int failureThreshold;
    private final double failureRateThreshold;
    private final long slowCallMillis;
    private final double slowCallRateThreshold;
    private final int minimumCalls;
    private final long recoveryMillis;
    private final long maxRecoveryMillis;
    private final double backoffMultiplier;
    private final int halfOpenMaxCalls;
    private final int successThreshold;
    private final long halfOpenTimeoutMillis;
    private final boolean honorHints;
    private final Duration maxHint;
    private final Predicate<Throwable> recordException;
    private final Predicate<Throwable> ignoreException;
    private final Predicate<Object> failureResult;
    private final boolean timesCalls;
    private final boolean tracksWindow;
    private final boolean timeBasedWindow;
    private final boolean needsClockOnRecord;

    private final AtomicReference<State> state;
    private final LongAdder successfulCalls = new LongAdder();
    private final LongAdder failedCalls = new LongAdder();
    private final LongAdder slowCalls = new LongAdder();
    private final LongAdder ignoredCalls = new LongAdder();
    private final LongAdder rejectedCalls = new LongAdder();
    private final AtomicBoolean predicateFailureLogged = new AtomicBoolean();

    /** The machine of {@code agentId}'s breaker, CLOSED, publishing on {@code eventBus}. */
    public BreakerStateMachine(String agentId, CircuitBreakerConfig config, SreEventBus eventBus) {
        this.agentId = agentId;
        this.config = config;
        this.eventBus = eventBus;
        this.transitions = new OrderedEvents(eventBus);
        this.clock = config.clock();
        this.failureThreshold = config.failureThreshold();
        this.failureRateThreshold = config.failureRateThreshold();
        this.slowCallMillis = config.slowCallDuration() == null ? Long.MAX_VALUE : config.slowCallDuration().toMillis();
        this.slowCallRateThreshold = config.slowCallRateThreshold();
        this.minimumCalls = config.minimumCalls();
        this.recoveryMillis = config.recoveryTimeout().toMillis();
        this.maxRecoveryMillis = config.maxRecoveryTimeout().toMillis();
        this.backoffMultiplier = config.backoffMultiplier();
        this.halfOpenMaxCalls = config.halfOpenMaxCalls();
        this.successThreshold = config.successThreshold();
        this.halfOpenTimeoutMillis = config.halfOpenTimeout().toMillis();
        this.honorHints = config.honorRetryAfterHints();
        this.maxHint = config.maxRetryAfterHint();
        this.recordException = config.recordExceptionPredicate();
        this.ignoreException = config.ignoreExceptionPredicate();
        this.failureResult = config.failureResultPredicate();
        this.timesCalls = config.slowCallDuration() != null;
        this.tracksWindow = failureRateThreshold > 0 || timesCalls;
        this.timeBasedWindow = config.slidingWindowType() == CircuitBreakerConfig.SlidingWindowType.TIME_BASED;
        this.needsClockOnRecord = timesCalls || tracksWindow && timeBasedWindow;
        this.state = new AtomicReference<>(newClosed());
    }

    // ---------------------------------------------------------------- admission

    /**
     * Admits one call: the state it is admitted under, after any time-driven transition that is due.
     *
     * @throws CircuitOpenException if the circuit rejects it (counted and published)
     */
    public State acquire() {
        while (true) {
            State current = state.get();
            switch (current.kind) {
                case CLOSED:
                case DISABLED:
                    return current;
                case HALF_OPEN: {
                    long now = clock.millis();
                    if (settle(current, now) != current) {
                        continue;
                    }
                    if (((HalfOpen) current).tryTake(now)) {
                        return current;
                    }
                    throw reject(current, now);
                }
                default: {
                    long now = clock.millis();
                    if (settle(current, now) != current) {
                        continue;
                    }
                    throw reject(current, now);
                }
            }
        }
    }

    /** The permit of a call admitted under {@code admitted}: shared in CLOSED and DISABLED, one probe slot in HALF_OPEN. */
    public CircuitBreaker.Permit permit(State admitted) {
        if (admitted instanceof HalfOpen) {
            return new ProbePermit((HalfOpen) admitted);
        }
        CircuitBreaker.Permit shared = admitted.permit;
        if (shared == null) {
            shared = new SharedPermit(admitted);
            admitted.permit = shared; // benign race: two equal permits for one state
        }
        return shared;
    }

    /** Carries out the transitions due at {@code now} (on admission only); returns the state after them. */
    private State settle(State current, long now) {
        while (true) {
            if (current instanceof Open) {
                Open open = (Open) current;
                if (now < open.openUntil) {
                    return current;
                }
                transition(open, new HalfOpen(now, open.failedProbes, halfOpenMaxCalls), "open period elapsed", Double.NaN);
            } else if (current instanceof HalfOpen) {
                HalfOpen halfOpen = (HalfOpen) current;
                // Only a probe that was admitted and never finished makes the half-open time out: an
                // idle half-open state simply waits for its first probe.
                if (halfOpen.outstanding() == 0 || now - halfOpen.lastProgress.get() < halfOpenTimeoutMillis) {
                    return current;
                }
                transition(halfOpen, open(now, halfOpen.failedProbes + 1, 0, null), "no probe finished within "
                        + Durations.format(Duration.ofMillis(halfOpenTimeoutMillis)), Double.NaN);
            } else {
                return current;
            }
            current = state.get();
        }
    }

    // ---------------------------------------------------------------- outcomes

    /** The start of a call, read only when the configuration needs call durations. */
    public long startTime() {
        return timesCalls ? clock.millis() : NOT_READ;
    }

    private long endTime() {
        return needsClockOnRecord ? clock.millis() : NOT_READ;
    }

    private static long elapsed(long start, long end) {
        return start == NOT_READ ? 0 : Math.max(0, end - start);
    }

    /** The call admitted under {@code admitted} at {@code start} returned {@code result}. */
    public void onResult(State admitted, long start, Object result) {
        if (admitted.kind == CircuitState.DISABLED) {
            return;
        }
        long end = endTime();
        record(admitted, elapsed(start, end), end, isFailureResult(result) ? Outcome.FAILURE : Outcome.SUCCESS, null);
    }

    /** The call admitted under {@code admitted} at {@code start} threw {@code error}. */
    public void onError(State admitted, long start, Throwable error) {
        if (admitted.kind == CircuitState.DISABLED) {
            return;
        }
        long end = endTime();
        classifyAndRecord(admitted, elapsed(start, end), end, error);
    }

    /** A successful call of {@code durationMillis} reported against the current state (manual mode). */
    public void recordSuccessNow(long durationMillis) {
        record(state.get(), durationMillis, endTime(), Outcome.SUCCESS, null);
    }

    /** A failed call reported against the current state (manual mode), with an optional retry-after hint. */
    public void recordFailureNow(Duration hint) {
        record(state.get(), 0, endTime(), Outcome.FAILURE, hint);
    }

    /** A call that threw {@code error} after {@code durationMillis}, against the current state (manual mode). */
    public void recordErrorNow(long durationMillis, Throwable error) {
        classifyAndRecord(state.get(), durationMillis, endTime(), error);
    }

    /** A call that returned {@code result} after {@code durationMillis}, against the current state (manual mode). */
    public void recordResultNow(long durationMillis, Object result) {
        record(state.get(), durationMillis, endTime(), isFailureResult(result) ? Outcome.FAILURE : Outcome.SUCCESS, null);
    }

    /** Gives back a probe slot of the current half-open state (manual mode); never beyond its capacity. */
    public void releaseNow() {
        State current = state.get();
        if (current instanceof HalfOpen) {
            ((HalfOpen) current).release();
        }
    }

    private boolean isFailureResult(Object result) {
        try {
            return failureResult.test(result);
        } catch (VirtualMachineError fatal) {
            throw fatal;
        } catch (Throwable predicateFailure) {
            if (predicateFailureLogged.compareAndSet(false, true)) {
                LOG.warn("the failureResult predicate of circuit breaker '{}' threw; the call counts as a failure and its result is "
                        + "returned unchanged (further failures are not logged)", agentId, predicateFailure);
            }
            return true;
        }
    }

    private void classifyAndRecord(State admitted, long durationMillis, long now, Throwable error) {
        Outcome outcome;
        try {
            outcome = ignoreException.test(error) ? Outcome.IGNORED : recordException.test(error) ? Outcome.FAILURE : Outcome.SUCCESS;
        } catch (VirtualMachineError fatal) {
            throw fatal;
        } catch (Throwable predicateFailure) {
            // A broken classifier must not replace the caller's exception: it travels with it.
            suppress(error, predicateFailure);
            outcome = Outcome.FAILURE;
        }
        if (outcome == Outcome.IGNORED) {
            ignoredCalls.increment();
            if (admitted instanceof HalfOpen) {
                ((HalfOpen) admitted).release();
            }
            return;
        }
        record(admitted, durationMillis, now, outcome, outcome == Outcome.FAILURE && honorHints ? hintOf(error) : null);
    }

    private static void suppress(Throwable error, Throwable predicateFailure) {
        if (error != null && error != predicateFailure) {
            error.addSuppressed(predicateFailure);
        }
    }

    private void record(State admitted, long durationMillis, long now, Outcome outcome, Duration hint) {
        boolean slow = durationMillis >= slowCallMillis;
        boolean failure = outcome == Outcome.FAILURE;
        if (failure) {
            failedCalls.increment();
        } else {
            successfulCalls.increment();
        }
        if (slow) {
            slowCalls.increment();
        }
        if (admitted != state.get()) {
            return; // admitted under a state that is gone: the outcome no longer says anything
        }
        if (admitted instanceof Closed) {
            recordClosed((Closed) admitted, failure, slow, hint, now);
        } else if (admitted instanceof HalfOpen) {
            recordHalfOpen((HalfOpen) admitted, failure || slow, hint, slow && !failure);
        }
        // OPEN, FORCED_OPEN, DISABLED: outcomes are counted above and change nothing; in
        // particular failures reported while open never extend the open time.
    }

    private void recordClosed(Closed closed, boolean failure, boolean slow, Duration hint, long clockNow) {
        int consecutive;
        if (failure) {
            consecutive = closed.consecutiveFailures.incrementAndGet();
        } else {
            consecutive = 0;
            if (closed.consecutiveFailures.get() != 0) {
                closed.consecutiveFailures.set(0);
            }
        }
        long now = clockNow;
        OutcomeWindow.Rates rates = null;
        if (closed.window != null) {
            if (now == NOT_READ && (failure || slow || timeBasedWindow)) {
                now = clock.millis();
            }
            closed.window.record(now, failure, slow);
            // Only a failure or a slow call can raise a rate: a fast success never needs the read.
            if (failure || slow) {
                rates = closed.window.read(now);
            }
        }
        if (hint != null) {
            trip(closed, now == NOT_READ ? clock.millis() : now, consecutive, hint, "retry-after hint of " + Durations.format(hint), rates);
        } else if (failure && failureThreshold > 0 && consecutive >= failureThreshold) {
            trip(closed, now == NOT_READ ? clock.millis() : now, consecutive, null, consecutive + " consecutive failures", rates);
        } else if (rates != null && rates.calls() >= minimumCalls) {
            if (failureRateThreshold > 0 && rates.failureRate() >= failureRateThreshold) {
                trip(closed, now, consecutive, null, String.format("failure rate %.1f%% >= %.1f%% over %d calls",
                        rates.failureRate(), failureRateThreshold, rates.calls()), rates);
            } else if (timesCalls && slowCallRateThreshold > 0 && rates.slowRate() >= slowCallRateThreshold) {
                trip(closed, now, consecutive, null, String.format("slow-call rate %.1f%% >= %.1f%% over %d calls (slow: >= %s)",
                        rates.slowRate(), slowCallRateThreshold, rates.calls(), Durations.format(config.slowCallDuration())), rates);
            }
        }
    }

    private void trip(Closed closed, long now, int consecutive, Duration hint, String reason, OutcomeWindow.Rates rates) {
        double failureRate = rates == null || rates.calls() < minimumCalls ? Double.NaN : rates.failureRate();
        transition(closed, open(now, 0, consecutive, hint), reason, failureRate);
    }

    private void recordHalfOpen(HalfOpen halfOpen, boolean failed, Duration hint, boolean slowSuccess) {
        long now = clock.millis();
        halfOpen.lastProgress.set(now);
        if (failed) {
            String reason = hint != null ? "probe failed with a retry-after hint of " + Durations.format(hint)
                    : slowSuccess ? "probe was slow (>= " + Durations.format(config.slowCallDuration()) + ")" : "probe failed";
            transition(halfOpen, open(now, halfOpen.failedProbes + 1, 0, hint), reason, Double.NaN);
            return;
        }
        halfOpen.release();
        if (halfOpen.successes.incrementAndGet() >= successThreshold) {
            transition(halfOpen, newClosed(), successThreshold == 1 ? "probe succeeded" : successThreshold + " probes succeeded", Double.NaN);
        }
    }

    private Open open(long now, int failedProbes, int failuresAtTrip, Duration hint) {
        double backedOff = recoveryMillis * Math.pow(backoffMultiplier, failedProbes);
        long millis = (long) Math.min(backedOff, maxRecoveryMillis);
        if (hint != null) {
            Duration capped = hint.compareTo(maxHint) > 0 ? maxHint : hint; // manual hints are capped here
            millis = Math.max(millis, capped.toMillis());
        }
        return new Open(now, now + millis, failedProbes, failuresAtTrip);
    }

    private Closed newClosed() {
        return new Closed(tracksWindow ? OutcomeWindow.of(config) : null);
    }

    // ---------------------------------------------------------------- control

    /** Closes the circuit and forgets every count. */
    public void reset() {
        transitionTo(newClosed(), "reset");
    }

    /** Opens a CLOSED circuit as if its failures had tripped it (see {@code CircuitBreaker.trip}); returns whether it did. */
    public boolean trip(String reason) {
        while (true) {
            State current = state.get();
            if (!(current instanceof Closed)) {
                return false;
            }
            Closed closed = (Closed) current;
            if (transition(closed, open(clock.millis(), 0, closed.consecutiveFailures.get(), null), reason, Double.NaN)) {
                return true;
            }
        }
    }

    /** Opens the circuit until {@link #reset()}. */
    public void forceOpen() {
        transitionTo(new Simple(CircuitState.FORCED_OPEN), "forced open");
    }

    /** Lets every call pass and counts nothing until {@link #reset()}. */
    public void disable() {
        transitionTo(new Simple(CircuitState.DISABLED), "disabled");
    }

    private void transitionTo(State next, String reason) {
        State from;
        synchronized (this) {
            from = state.get();
            state.set(next);
            transitions.enqueue(changed(from, next, reason, Double.NaN));
        }
        transitions.drain();
    }

    private boolean transition(State from, State to, String reason, double failureRate) {
        synchronized (this) {
            if (state.get() != from) {
                return false;
            }
            state.set(to);
            transitions.enqueue(changed(from, to, reason, failureRate));
        }
        transitions.drain();
        return true;
    }

    private CircuitStateChanged changed(State from, State to, String reason, double failureRate) {
        Duration openFor = to instanceof Open ? Duration.ofMillis(((Open) to).openUntil - ((Open) to).openedAt) : Duration.ZERO;
        return new CircuitStateChanged(clock.instant(), agentId, from.kind, to.kind, reason, failureRate, openFor);
    }

    private CircuitOpenException reject(State current, long now) {
        rejectedCalls.increment();
        Duration wait = retryAfter(current, now);
        Duration retryAfter = wait.isZero() ? Duration.ofMillis(1) : wait; // a rejection always says when
        if (eventBus.listenerCount() > 0) {
            eventBus.publish(new CallRejected(clock.instant(), agentId, current.kind, retryAfter));
        }
        return new CircuitOpenException(agentId, current.kind, retryAfter);
    }

    // ---------------------------------------------------------------- reads (pure)

    /** The state's kind as it is stored: a read never transitions (an elapsed OPEN is still OPEN, with a zero wait). */
    public CircuitState kind() {
        return state.get().kind;
    }

    /** The current state object (for snapshots). */
    public State current() {
        return state.get();
    }

    /**
     * How long until a call may be admitted in {@code current} at {@code now}: zero while calls are
     * admitted — and when the open period is over, so the next call will probe.
     */
    public Duration retryAfter(State current, long now) {
        if (current instanceof Open) {
            return Duration.ofMillis(Math.max(0, ((Open) current).openUntil - now));
        }
        if (current instanceof HalfOpen) {
            HalfOpen halfOpen = (HalfOpen) current;
            if (halfOpen.permits.get() > 0) {
                return Duration.ZERO;
            }
            // every slot is taken: the probes' fate is decided at the latest by the half-open timeout
            return Duration.ofMillis(Math.max(0, halfOpen.lastProgress.get() + halfOpenTimeoutMillis - now));
        }
        if (current.kind == CircuitState.FORCED_OPEN) {
            return config.recoveryTimeout();
        }
        return Duration.ZERO;
    }

    /** Consecutive failures counted in CLOSED (the number that tripped it, while OPEN). */
    public int failureCount() {
        State current = state.get();
        if (current instanceof Closed) {
            return ((Closed) current).consecutiveFailures.get();
        }
        if (current instanceof Open) {
            return ((Open) current).failuresAtTrip;
        }
        return 0;
    }

    /** The window's rates of a CLOSED state, or {@code null}. */
    public OutcomeWindow.Rates windowRates(State current, long now) {
        return current instanceof Closed && ((Closed) current).window != null ? ((Closed) current).window.read(now) : null;
    }

    /** Successful calls since creation. */
    public long successfulCalls() {
        return successfulCalls.sum();
    }

    /** Failed calls since creation. */
    public long failedCalls() {
        return failedCalls.sum();
    }

    /** Slow calls since creation. */
    public long slowCalls() {
        return slowCalls.sum();
    }

    /** Ignored calls since creation. */
    public long ignoredCalls() {
        return ignoredCalls.sum();
    }

    /** Rejected calls since creation. */
    public long rejectedCalls() {
        return rejectedCalls.sum();
    }

    /** The clock. */
    public Clock clock() {
        return clock;
    }

    private Duration hintOf(Throwable error) {
        Throwable t = error;
        for (int depth = 0; t != null && depth < 8; depth++, t = t.getCause()) {
            if (t instanceof RetryAfterHint) {
                Duration hint;
                try {
                    hint = ((RetryAfterHint) t).retryAfter();
                } catch (VirtualMachineError fatal) {
                    throw fatal;
                } catch (Throwable hintFailure) {
                    suppress(error, hintFailure);
                    return null;
                }
                if (hint != null && !hint.isNegative() && !hint.isZero()) {
                    // compared as durations: an absurd hint (Long.MAX_VALUE seconds) is capped, never converted first
                    return hint.compareTo(maxHint) > 0 ? maxHint : hint;
                }
            }
        }
        return null;
    }

    private enum Outcome { SUCCESS, FAILURE, IGNORED }

    /** A permit shared by every call admitted under one CLOSED or DISABLED state. */
    private class SharedPermit implements CircuitBreaker.Permit {
        final State admitted;

        SharedPermit(State admitted) {
            this.admitted = admitted;
        }

        @Override
        public CircuitState admittedIn() {
            return admitted.kind;
        }

        @Override
        public void onSuccess(long duration, TimeUnit unit) {
            checkUnit(unit);
            if (admitted.kind != CircuitState.DISABLED && once()) {
                record(admitted, unit.toMillis(duration), endTime(), Outcome.SUCCESS, null);
            }
        }

        @Override
        public void onResult(long duration, TimeUnit unit, Object result) {
            checkUnit(unit);
            if (admitted.kind != CircuitState.DISABLED && once()) {
                record(admitted, unit.toMillis(duration), endTime(), isFailureResult(result) ? Outcome.FAILURE : Outcome.SUCCESS, null);
            }
        }

        @Override
        public void onError(long duration, TimeUnit unit, Throwable error) {
            checkUnit(unit);
            if (error == null) {
                throw new IllegalArgumentException("error must not be null");
            }
            if (admitted.kind != CircuitState.DISABLED && once()) {
                classifyAndRecord(admitted, unit.toMillis(duration), endTime(), error);
            }
        }

        @Override
        public void release() {
            // nothing was taken
        }

        private void checkUnit(TimeUnit unit) {
            if (unit == null) {
                throw new IllegalArgumentException("unit must not be null");
            }
        }

        /** Whether this is the permit's first report (a shared permit serves many calls: always). */
        boolean once() {
            return true;
        }
    }

    /** One half-open probe slot: its outcome (or release) is applied once. */
    private final class ProbePermit extends SharedPermit {
        private final AtomicBoolean done = new AtomicBoolean();

        ProbePermit(HalfOpen admitted) {
            super(admitted);
        }

        @Override
        boolean once() {
            return done.compareAndSet(false, true);
        }

        @Override
        public void release() {
            if (once() && state.get() == admitted) {
                ((HalfOpen) admitted).release();
            }
        }
    }

    /** A state; transitions replace the object, so counters that belong to a state die with it. */
    public abstract static class State {
        final CircuitState kind;
        /** The shared permit of a CLOSED or DISABLED state, made on first use. */
        CircuitBreaker.Permit permit;

        State(CircuitState kind) {
            this.kind = kind;
        }

        /** Which state this is. */
        public CircuitState kind() {
            return kind;
        }
    }

    private static final class Simple extends State {
        Simple(CircuitState kind) {
            super(kind);
        }
    }

    private static final class Closed extends State {
        final AtomicInteger consecutiveFailures = new AtomicInteger();
        final OutcomeWindow window;

        Closed(OutcomeWindow window) {
            super(CircuitState.CLOSED);
            this.window = window;
        }
    }

    private static final class Open extends State {
        final long openedAt;
        final long openUntil;
        final int failedProbes;
        final int failuresAtTrip;

        Open(long openedAt, long openUntil, int failedProbes, int failuresAtTrip) {
            super(CircuitState.OPEN);
            this.openedAt = openedAt;
            this.openUntil = openUntil;
            this.failedProbes = failedProbes;
            this.failuresAtTrip = failuresAtTrip;
        }
    }

    private static final class HalfOpen extends State {
        final int failedProbes;
        final int maxCalls;
        final AtomicInteger permits;
        final AtomicInteger successes = new AtomicInteger();
        /** When a probe was last admitted or finished (or the state was entered). */
        final AtomicLong lastProgress;

        HalfOpen(long enteredAt, int failedProbes, int maxCalls) {
            super(CircuitState.HALF_OPEN);
            this.failedProbes = failedProbes;
            this.maxCalls = maxCalls;
            this.permits = new AtomicInteger(maxCalls);
            this.lastProgress = new AtomicLong(enteredAt);
        }

        boolean tryTake(long now) {
            int available;
            do {
                available = permits.get();
                if (available <= 0) {
                    return false;
                }
            } while (!permits.compareAndSet(available, available - 1));
            lastProgress.set(now);
            return true;
        }

        /** Gives a slot back; never more slots than the state has (a manual report without a permit frees none it did not take). */
        void release() {
            permits.getAndUpdate(p -> Math.min(maxCalls, p + 1));
        }

        int outstanding() {
            return maxCalls - permits.get();
        }
    }
}
