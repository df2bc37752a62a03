package dev.agentsre.breaker;

import dev.agentsre.event.CallRejected;
import dev.agentsre.event.CircuitStateChanged;
import dev.agentsre.event.SreEventBus;
import dev.agentsre.internal.Check;
import dev.agentsre.time.Durations;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Isolates a failing agent: after too many failures it rejects calls for a while, then lets a few
 * probes through, and closes again when they succeed.
 *
 * <pre>
 * CLOSED ──(failures trip)──► OPEN ──(recoveryTimeout elapsed)──► HALF_OPEN ──(successThreshold probes ok)──► CLOSED
 *                               ▲                                     │
 *                               └────────(a probe fails or times out)─┘
 * </pre>
 *
 * <pre>{@code
 * CircuitBreaker breaker = CircuitBreaker.of("data-analyst", CircuitBreakerConfig.builder()
 *         .failureThreshold(3).recoveryTimeout(Duration.ofSeconds(30)).build());
 * String result = breaker.execute(() -> runAgentTask(task));   // CircuitOpenException when rejected
 * }</pre>
 *
 * <p><b>Tripping.</b> Consecutive failures ({@code failureThreshold}), a failure rate over a
 * sliding window, a slow-call rate, or a failure carrying a {@link RetryAfterHint} (an LLM's 429),
 * which opens the circuit at once for at least the hinted time. See {@link CircuitBreakerConfig}.
 *
 * <p><b>Timing.</b> OPEN lasts exactly its open time from the moment it opened; failures reported
 * while open do not extend it. Each failed probe multiplies the next open time by
 * {@code backoffMultiplier} (capped). HALF_OPEN admits at most {@code halfOpenMaxCalls} probes at
 * once; the others are rejected with a positive {@code retryAfter}. If no probe finishes within
 * {@code halfOpenTimeout} the circuit goes back to OPEN, so it is never stuck half-open. These
 * time-driven transitions happen on the next call or {@link #state()} read; no thread is needed.
 *
 * <p><b>Which call counts where.</b> The {@code execute} family and {@link #tryAcquire()} remember
 * the state each call was admitted under: an outcome only counts if that state is still current, so
 * a slow call admitted before the circuit opened cannot close it later by succeeding, and a success
 * reported in HALF_OPEN only frees the probe slot its own permit took. Manual mode
 * ({@link #tryAcquirePermission()} with {@code recordSuccess}/{@code recordFailure}) applies
 * outcomes to the current state; prefer {@link Permit}s when calls are made by hand.
 *
 * <p><b>Events.</b> Every transition publishes a {@link CircuitStateChanged} and every rejected call
 * a {@link CallRejected} on the breaker's {@link SreEventBus}; listeners cannot affect the breaker.
 *
 * <p><b>Cost.</b> Lock-free; no lock is ever held while user code runs. In CLOSED a successful call
 * costs one volatile read and a few uncontended atomic updates, allocates nothing, and reads the
 * clock only when slow calls or a time-based window are configured. <b>Memory:</b> fixed, a few
 * hundred bytes plus the sliding window (4 bytes per call of a count-based window, 24-48 bytes per
 * second of a time-based one), allocated only when rate tripping is configured.
 */
public final class CircuitBreaker {

    private static final long NOT_READ = Long.MIN_VALUE;

    private final String agentId;
    private final CircuitBreakerConfig config;
    private final SreEventBus eventBus;
    private final Clock clock;
    private final AtomicReference<State> state;
    private final boolean needsClockOnRecord;

    private final LongAdder successfulCalls = new LongAdder();
    private final LongAdder failedCalls = new LongAdder();
    private final LongAdder slowCalls = new LongAdder();
    private final LongAdder ignoredCalls = new LongAdder();
    private final LongAdder rejectedCalls = new LongAdder();

    private CircuitBreaker(String agentId, CircuitBreakerConfig config, SreEventBus eventBus) {
        this.agentId = Check.notBlank("agentId", agentId);
        this.config = Check.notNull("config", config);
        this.eventBus = eventBus == null ? new SreEventBus() : eventBus;
        this.clock = config.clock;
        this.needsClockOnRecord = config.timesCalls()
                || config.tracksWindow() && config.slidingWindowType == CircuitBreakerConfig.SlidingWindowType.TIME_BASED;
        this.state = new AtomicReference<>(newClosed());
    }

    /** A breaker for {@code agentId} publishing on a private bus. */
    public static CircuitBreaker of(String agentId, CircuitBreakerConfig config) {
        return new CircuitBreaker(agentId, config, null);
    }

    /** A breaker for {@code agentId} publishing on {@code eventBus}. */
    public static CircuitBreaker of(String agentId, CircuitBreakerConfig config, SreEventBus eventBus) {
        return new CircuitBreaker(agentId, config, Check.notNull("eventBus", eventBus));
    }

    /** A breaker with {@link CircuitBreakerConfig#ofDefaults()}. */
    public static CircuitBreaker ofDefaults(String agentId) {
        return new CircuitBreaker(agentId, CircuitBreakerConfig.ofDefaults(), null);
    }

    // ---------------------------------------------------------------- guarded execution

    /**
     * Runs {@code supplier} if the circuit admits it and records the outcome.
     *
     * @throws CircuitOpenException if the call is rejected (the supplier is not run)
     */
    public <T> T execute(Supplier<T> supplier) {
        State admitted = acquireState();
        long start = startTime();
        T result;
        try {
            result = supplier.get();
        } catch (Throwable error) {
            onError(admitted, start, error);
            throw error;
        }
        onResult(admitted, start, result);
        return result;
    }

    /**
     * Runs {@code callable} if the circuit admits it and records the outcome.
     *
     * @throws CircuitOpenException if the call is rejected (the callable is not run)
     * @throws Exception whatever the callable throws
     */
    public <T> T call(Callable<T> callable) throws Exception {
        State admitted = acquireState();
        long start = startTime();
        T result;
        try {
            result = callable.call();
        } catch (Throwable error) {
            onError(admitted, start, error);
            throw error;
        }
        onResult(admitted, start, result);
        return result;
    }

    /**
     * Runs {@code runnable} if the circuit admits it and records the outcome.
     *
     * @throws CircuitOpenException if the call is rejected
     */
    public void run(Runnable runnable) {
        execute(() -> {
            runnable.run();
            return null;
        });
    }

    /**
     * Runs {@code supplier}; if the circuit rejects the call or the call fails, returns
     * {@code fallback}'s answer to the exception (a {@link CircuitOpenException} for a rejection).
     */
    public <T> T executeWithFallback(Supplier<T> supplier, Function<? super Throwable, ? extends T> fallback) {
        Check.notNull("fallback", fallback);
        try {
            return execute(supplier);
        } catch (RuntimeException | Error failure) {
            if (failure instanceof VirtualMachineError) {
                throw failure;
            }
            return fallback.apply(failure);
        }
    }

    /**
     * Starts an asynchronous call if the circuit admits it and records its outcome when the stage
     * completes. A rejection, or a supplier that throws, is returned as a failed stage, never thrown.
     * The returned stage completes after the outcome has been recorded.
     */
    public <T> CompletionStage<T> executeAsync(Supplier<? extends CompletionStage<T>> supplier) {
        State admitted;
        try {
            admitted = acquireState();
        } catch (CircuitOpenException rejected) {
            return CompletableFuture.failedFuture(rejected);
        }
        long start = startTime();
        CompletionStage<T> stage;
        try {
            stage = supplier.get();
            if (stage == null) {
                throw new NullPointerException("the asynchronous call returned no stage");
            }
        } catch (Throwable error) {
            onError(admitted, start, error);
            return CompletableFuture.failedFuture(error);
        }
        return stage.whenComplete((result, error) -> {
            if (error == null) {
                onResult(admitted, start, result);
            } else {
                onError(admitted, start, unwrap(error));
            }
        });
    }

    /** {@code supplier} guarded by this breaker. */
    public <T> Supplier<T> decorateSupplier(Supplier<T> supplier) {
        Check.notNull("supplier", supplier);
        return () -> execute(supplier);
    }

    /** {@code callable} guarded by this breaker. */
    public <T> Callable<T> decorateCallable(Callable<T> callable) {
        Check.notNull("callable", callable);
        return () -> call(callable);
    }

    /** {@code runnable} guarded by this breaker. */
    public Runnable decorateRunnable(Runnable runnable) {
        Check.notNull("runnable", runnable);
        return () -> run(runnable);
    }

    /** {@code function} guarded by this breaker. */
    public <A, R> Function<A, R> decorateFunction(Function<A, R> function) {
        Check.notNull("function", function);
        return argument -> execute(() -> function.apply(argument));
    }

    // ---------------------------------------------------------------- permits

    /**
     * Asks for permission to make one call and returns the permit it was admitted with, or
     * {@code null} when the circuit rejects it (the rejection has been counted and published). Report
     * the call's outcome on the permit — {@link Permit#onSuccess}, {@link Permit#onError},
     * {@link Permit#onResult} — or {@link Permit#release()} it if the call was not made. The outcome
     * counts against the state the call was admitted under, never a later one.
     *
     * <pre>{@code
     * CircuitBreaker.Permit permit = breaker.tryAcquire();
     * if (permit == null) return fallback();
     * long start = System.nanoTime();
     * try {
     *     Reply r = client.call();
     *     permit.onSuccess(System.nanoTime() - start, TimeUnit.NANOSECONDS);
     *     return r;
     * } catch (RuntimeException e) {
     *     permit.onError(System.nanoTime() - start, TimeUnit.NANOSECONDS, e);
     *     throw e;
     * }
     * }</pre>
     *
     * <p>In CLOSED (and DISABLED) the permit is shared by every call admitted under that state, so
     * acquiring allocates nothing; a HALF_OPEN permit is one probe slot, given back exactly once.
     */
    public Permit tryAcquire() {
        try {
            return permitFor(acquireState());
        } catch (CircuitOpenException rejected) {
            return null;
        }
    }

    /**
     * Like {@link #tryAcquire()} but throws the rejection.
     *
     * @throws CircuitOpenException if the circuit rejects the call
     */
    public Permit acquire() {
        return permitFor(acquireState());
    }

    private Permit permitFor(State admitted) {
        if (admitted instanceof HalfOpen) {
            return new ProbePermit((HalfOpen) admitted);
        }
        Permit shared = admitted.permit;
        if (shared == null) {
            shared = new SharedPermit(admitted);
            admitted.permit = shared; // benign race: two equal permits for one state
        }
        return shared;
    }

    /**
     * The admission of one call, bound to the state it was admitted under. Report exactly one
     * outcome per call. Thread-safe.
     */
    public interface Permit {

        /** The state the call was admitted under: CLOSED, HALF_OPEN or DISABLED. */
        CircuitState admittedIn();

        /** The call returned normally after {@code duration} (it may be slow). */
        void onSuccess(long duration, TimeUnit unit);

        /** The call returned {@code result} after {@code duration}; the breaker's result predicate decides whether it failed. */
        void onResult(long duration, TimeUnit unit, Object result);

        /**
         * The call threw {@code error} after {@code duration}; the configured predicates decide whether
         * it counts as a failure, a success or neither, and a {@link RetryAfterHint} is honoured.
         */
        void onError(long duration, TimeUnit unit, Throwable error);

        /** The call was not made: frees a half-open probe slot and counts nothing. */
        void release();
    }

    /** The permit of every call admitted under one CLOSED or DISABLED state. */
    private class SharedPermit implements Permit {
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
            if (admitted.kind != CircuitState.DISABLED && once()) {
                record(admitted, unit.toMillis(duration), endTime(), Outcome.SUCCESS, null);
            }
        }

        @Override
        public void onResult(long duration, TimeUnit unit, Object result) {
            if (admitted.kind != CircuitState.DISABLED && once()) {
                record(admitted, unit.toMillis(duration), endTime(), config.failureResult.test(result) ? Outcome.FAILURE : Outcome.SUCCESS,
                        null);
            }
        }

        @Override
        public void onError(long duration, TimeUnit unit, Throwable error) {
            Check.notNull("error", error);
            if (admitted.kind != CircuitState.DISABLED && once()) {
                classifyAndRecord(admitted, unit.toMillis(duration), endTime(), error);
            }
        }

        @Override
        public void release() {
            // nothing was taken
        }

        /** Whether this is the permit's first report (a shared permit serves many calls: always). */
        boolean once() {
            return true;
        }
    }

    /** One half-open probe slot: its outcome (or release) is applied once. */
    private final class ProbePermit extends SharedPermit {
        private final java.util.concurrent.atomic.AtomicBoolean done = new java.util.concurrent.atomic.AtomicBoolean();

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

    // ---------------------------------------------------------------- manual mode

    /**
     * Asks for permission to make a call. On {@code true} make the call and report it with
     * {@code recordSuccess}/{@code recordFailure} (or {@link #releasePermission()} if you did not
     * make it). On {@code false} the rejection has been counted and published.
     */
    public boolean tryAcquirePermission() {
        try {
            acquireState();
            return true;
        } catch (CircuitOpenException rejected) {
            return false;
        }
    }

    /** Like {@link #tryAcquirePermission()} but throws the {@link CircuitOpenException}. */
    public void acquirePermission() {
        acquireState();
    }

    /** Gives back a permission obtained but not used (frees a half-open probe slot). */
    public void releasePermission() {
        State current = state.get();
        if (current instanceof HalfOpen) {
            ((HalfOpen) current).release();
        }
    }

    /** Reports a successful call of unknown duration. */
    public void recordSuccess() {
        record(state.get(), 0, endTime(), Outcome.SUCCESS, null);
    }

    /** Reports a successful call that took {@code duration} (it may be slow). */
    public void recordSuccess(Duration duration) {
        Check.notNull("duration", duration);
        record(state.get(), duration.toMillis(), endTime(), Outcome.SUCCESS, null);
    }

    /** Reports a failed call. */
    public void recordFailure() {
        record(state.get(), 0, endTime(), Outcome.FAILURE, null);
    }

    /**
     * Reports a call that threw {@code error}; the configured predicates decide whether it counts as
     * a failure, a success or neither, and a {@link RetryAfterHint} in it (or its causes) is honoured.
     */
    public void recordFailure(Throwable error) {
        Check.notNull("error", error);
        classifyAndRecord(state.get(), 0, endTime(), error);
    }

    /**
     * Reports a failed call whose callee asked to wait {@code retryAfterHint} (for example an HTTP
     * 429's {@code Retry-After}): the circuit opens at once for at least that long.
     */
    public void recordFailure(Throwable error, Duration retryAfterHint) {
        Check.notNull("error", error);
        Check.positive("retryAfterHint", retryAfterHint);
        record(state.get(), 0, endTime(), Outcome.FAILURE, retryAfterHint);
    }

    /** Reports a call that threw {@code error} after {@code duration} (Resilience4j's {@code onError}). */
    public void onError(Duration duration, Throwable error) {
        Check.notNull("duration", duration);
        Check.notNull("error", error);
        classifyAndRecord(state.get(), duration.toMillis(), endTime(), error);
    }

    /** Reports a call that returned {@code result} after {@code duration}; the result predicate applies. */
    public void onResult(Duration duration, Object result) {
        Check.notNull("duration", duration);
        record(state.get(), duration.toMillis(), endTime(), config.failureResult.test(result) ? Outcome.FAILURE : Outcome.SUCCESS, null);
    }

    // ---------------------------------------------------------------- control

    /** The current state, after any transition that is due (OPEN → HALF_OPEN, a half-open timeout). */
    public CircuitState state() {
        return settle(state.get(), clock.millis()).kind;
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

    /** Closes the circuit and forgets every count (after deploying a fix). */
    public void reset() {
        transitionTo(newClosed(), "reset", Double.NaN);
    }

    /**
     * Opens a CLOSED circuit as if its failures had tripped it: OPEN for the recovery timeout, then
     * the usual half-open probing, which closes it again when the probes succeed. For a decision
     * taken outside the breaker that should heal by itself, such as an exhausted SLO's
     * {@code CIRCUIT_BREAK} action (the pipeline trips the agent's breaker; no reset is needed). In
     * any other state it does nothing: an open or half-open circuit is already testing the agent, and
     * a forced-open or disabled one is the operator's.
     *
     * @param reason why, carried by the {@link CircuitStateChanged} event
     * @return whether the circuit was CLOSED and is now OPEN
     */
    public boolean trip(String reason) {
        Check.notBlank("reason", reason);
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

    /** Opens the circuit until {@link #reset()}: every call is rejected. */
    public void forceOpen() {
        transitionTo(new Simple(CircuitState.FORCED_OPEN), "forced open", Double.NaN);
    }

    /** Switches the breaker off until {@link #reset()}: every call passes and nothing is counted. */
    public void disable() {
        transitionTo(new Simple(CircuitState.DISABLED), "disabled", Double.NaN);
    }

    /** A point-in-time view for dashboards and exporters. */
    public BreakerSnapshot snapshot() {
        long now = clock.millis();
        State current = settle(state.get(), now);
        double failureRate = Double.NaN;
        double slowRate = Double.NaN;
        long buffered = 0;
        if (current instanceof Closed && ((Closed) current).window != null) {
            OutcomeWindow.Rates rates = ((Closed) current).window.read(now);
            buffered = rates.calls();
            failureRate = rates.failureRate();
            slowRate = rates.slowRate();
        }
        return new BreakerSnapshot(agentId, current.kind, failureCount(), failureRate, slowRate, buffered,
                successfulCalls.sum(), failedCalls.sum(), slowCalls.sum(), ignoredCalls.sum(), rejectedCalls.sum(),
                retryAfter(current, now));
    }

    /** The agent this breaker protects. */
    public String agentId() {
        return agentId;
    }

    /** The configuration. */
    public CircuitBreakerConfig config() {
        return config;
    }

    /** The bus transitions and rejections are published on. */
    public SreEventBus eventBus() {
        return eventBus;
    }

    @Override
    public String toString() {
        return "CircuitBreaker{" + agentId + ", " + state.get().kind + '}';
    }

    // ---------------------------------------------------------------- state machine

    private State acquireState() {
        while (true) {
            State current = state.get();
            switch (current.kind) {
                case CLOSED:
                case DISABLED:
                    return current;
                case HALF_OPEN: {
                    long now = clock.millis();
                    State settled = settle(current, now);
                    if (settled != current) {
                        continue;
                    }
                    if (((HalfOpen) current).tryTake()) {
                        return current;
                    }
                    throw reject(current, now);
                }
                default: {
                    long now = clock.millis();
                    State settled = settle(current, now);
                    if (settled != current) {
                        continue;
                    }
                    throw reject(current, now);
                }
            }
        }
    }

    /** Carries out the time-driven transitions that are due at {@code now}; returns the state after them. */
    private State settle(State current, long now) {
        while (true) {
            if (current instanceof Open) {
                Open open = (Open) current;
                if (now < open.openUntil) {
                    return current;
                }
                transition(open, new HalfOpen(now, open.failedProbes, config.halfOpenMaxCalls), "open period elapsed", Double.NaN);
            } else if (current instanceof HalfOpen) {
                HalfOpen halfOpen = (HalfOpen) current;
                if (now - halfOpen.lastProgress.get() < config.halfOpenTimeout.toMillis()) {
                    return current;
                }
                transition(halfOpen, open(now, halfOpen.failedProbes + 1, 0, null), "no probe finished within "
                        + Durations.format(config.halfOpenTimeout), Double.NaN);
            } else {
                return current;
            }
            current = state.get();
        }
    }

    // The clock is read at most twice per call (start and end), and only when the configuration
    // needs it: for slow-call detection or a time-based window.
    private long startTime() {
        return config.timesCalls() ? clock.millis() : NOT_READ;
    }

    private long endTime() {
        return needsClockOnRecord ? clock.millis() : NOT_READ;
    }

    private static long elapsed(long start, long end) {
        return start == NOT_READ ? 0 : Math.max(0, end - start);
    }

    private void onResult(State admitted, long start, Object result) {
        if (admitted.kind == CircuitState.DISABLED) {
            return;
        }
        long end = endTime();
        boolean failed = config.failureResult.test(result);
        record(admitted, elapsed(start, end), end, failed ? Outcome.FAILURE : Outcome.SUCCESS, null);
    }

    private void onError(State admitted, long start, Throwable error) {
        if (admitted.kind == CircuitState.DISABLED) {
            return;
        }
        long end = endTime();
        classifyAndRecord(admitted, elapsed(start, end), end, error);
    }

    private void classifyAndRecord(State admitted, long durationMillis, long now, Throwable error) {
        if (config.ignoreException.test(error)) {
            ignoredCalls.increment();
            if (admitted instanceof HalfOpen) {
                ((HalfOpen) admitted).release();
            }
            return;
        }
        if (!config.recordException.test(error)) {
            record(admitted, durationMillis, now, Outcome.SUCCESS, null);
            return;
        }
        record(admitted, durationMillis, now, Outcome.FAILURE, config.honorRetryAfterHints ? hintOf(error) : null);
    }

    private void record(State admitted, long durationMillis, long now, Outcome outcome, Duration hint) {
        boolean slow = durationMillis >= config.slowCallMillis;
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
            if (failure || slow || now == NOT_READ && config.slidingWindowType == CircuitBreakerConfig.SlidingWindowType.TIME_BASED) {
                now = now == NOT_READ ? clock.millis() : now;
            }
            closed.window.record(now, failure, slow);
            // Only a failure or a slow call can raise a rate: a fast success never needs the read.
            if (failure || slow) {
                rates = closed.window.read(now);
            }
        }
        if (hint != null) {
            trip(closed, now == NOT_READ ? clock.millis() : now, consecutive, hint, "retry-after hint of " + Durations.format(hint), rates);
        } else if (failure && config.failureThreshold > 0 && consecutive >= config.failureThreshold) {
            trip(closed, now == NOT_READ ? clock.millis() : now, consecutive, null, consecutive + " consecutive failures", rates);
        } else if (rates != null && rates.calls() >= config.minimumCalls) {
            if (config.failureRateThreshold > 0 && rates.failureRate() >= config.failureRateThreshold) {
                trip(closed, now, consecutive, null, String.format("failure rate %.1f%% >= %.1f%% over %d calls",
                        rates.failureRate(), config.failureRateThreshold, rates.calls()), rates);
            } else if (config.slowCallDuration != null && rates.slowRate() >= config.slowCallRateThreshold) {
                trip(closed, now, consecutive, null, String.format("slow-call rate %.1f%% >= %.1f%% over %d calls (slow: >= %s)",
                        rates.slowRate(), config.slowCallRateThreshold, rates.calls(), Durations.format(config.slowCallDuration)),
                        rates);
            }
        }
    }

    private void trip(Closed closed, long now, int consecutive, Duration hint, String reason, OutcomeWindow.Rates rates) {
        double failureRate = rates == null || rates.calls() < config.minimumCalls ? Double.NaN : rates.failureRate();
        transition(closed, open(now, 0, consecutive, hint), reason, failureRate);
    }

    private void recordHalfOpen(HalfOpen halfOpen, boolean failed, Duration hint, boolean slowSuccess) {
        long now = clock.millis();
        halfOpen.lastProgress.set(now);
        if (failed) {
            String reason = hint != null ? "probe failed with a retry-after hint of " + Durations.format(hint)
                    : slowSuccess ? "probe was slow (>= " + Durations.format(config.slowCallDuration) + ")" : "probe failed";
            transition(halfOpen, open(now, halfOpen.failedProbes + 1, 0, hint), reason, Double.NaN);
            return;
        }
        halfOpen.release();
        if (halfOpen.successes.incrementAndGet() >= config.successThreshold) {
            transition(halfOpen, newClosed(), config.successThreshold == 1 ? "probe succeeded"
                    : config.successThreshold + " probes succeeded", Double.NaN);
        }
    }

    private Open open(long now, int failedProbes, int failuresAtTrip, Duration hint) {
        long millis = config.openMillis(failedProbes);
        if (hint != null) {
            millis = Math.max(millis, Math.min(hint.toMillis(), config.maxRetryAfterHint.toMillis()));
        }
        return new Open(now, now + millis, failedProbes, failuresAtTrip);
    }

    private Closed newClosed() {
        return new Closed(config.tracksWindow() ? OutcomeWindow.of(config) : null);
    }

    private void transitionTo(State next, String reason, double failureRate) {
        while (true) {
            State current = state.get();
            if (transition(current, next, reason, failureRate)) {
                return;
            }
        }
    }

    private boolean transition(State from, State to, String reason, double failureRate) {
        if (!state.compareAndSet(from, to)) {
            return false;
        }
        Duration openFor = to instanceof Open ? Duration.ofMillis(((Open) to).openUntil - ((Open) to).openedAt) : Duration.ZERO;
        eventBus.publish(new CircuitStateChanged(clock.instant(), agentId, from.kind, to.kind, reason, failureRate, openFor));
        return true;
    }

    private CircuitOpenException reject(State current, long now) {
        rejectedCalls.increment();
        Duration retryAfter = retryAfter(current, now);
        if (eventBus.listenerCount() > 0) {
            eventBus.publish(new CallRejected(clock.instant(), agentId, current.kind, retryAfter));
        }
        return new CircuitOpenException(agentId, current.kind, retryAfter);
    }

    /** When a call may next be admitted: positive for every rejecting state, zero otherwise. */
    private Duration retryAfter(State current, long now) {
        if (current instanceof Open) {
            return Duration.ofMillis(Math.max(1, ((Open) current).openUntil - now));
        }
        if (current instanceof HalfOpen) {
            // The latest moment the probes' fate is decided: the half-open timeout.
            HalfOpen halfOpen = (HalfOpen) current;
            return Duration.ofMillis(Math.max(1, halfOpen.lastProgress.get() + config.halfOpenTimeout.toMillis() - now));
        }
        if (current.kind == CircuitState.FORCED_OPEN) {
            return config.recoveryTimeout;
        }
        return Duration.ZERO;
    }

    private static Duration hintOf(Throwable error) {
        Throwable t = error;
        for (int depth = 0; t != null && depth < 8; depth++, t = t.getCause()) {
            if (t instanceof RetryAfterHint) {
                Duration hint = ((RetryAfterHint) t).retryAfter();
                if (hint != null && !hint.isNegative() && !hint.isZero()) {
                    return hint;
                }
            }
        }
        return null;
    }

    private static Throwable unwrap(Throwable error) {
        if ((error instanceof CompletionException || error instanceof ExecutionException) && error.getCause() != null) {
            return error.getCause();
        }
        return error;
    }

    private enum Outcome { SUCCESS, FAILURE }

    /** A state; transitions replace the object, so counters that belong to a state die with it. */
    private abstract static class State {
        final CircuitState kind;
        /** The shared permit of a CLOSED or DISABLED state, made on first use. */
        Permit permit;

        State(CircuitState kind) {
            this.kind = kind;
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
        final AtomicInteger permits;
        final AtomicInteger successes = new AtomicInteger();
        final AtomicLong lastProgress;

        HalfOpen(long enteredAt, int failedProbes, int maxCalls) {
            super(CircuitState.HALF_OPEN);
            this.failedProbes = failedProbes;
            this.permits = new AtomicInteger(maxCalls);
            this.lastProgress = new AtomicLong(enteredAt);
        }

        boolean tryTake() {
            int available;
            do {
                available = permits.get();
                if (available <= 0) {
                    return false;
                }
            } while (!permits.compareAndSet(available, available - 1));
            return true;
        }

        void release() {
            permits.incrementAndGet();
        }
    }
}
