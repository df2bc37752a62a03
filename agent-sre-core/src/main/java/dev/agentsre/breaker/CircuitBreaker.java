package dev.agentsre.breaker;

import dev.agentsre.breaker.internal.BreakerStateMachine;
import dev.agentsre.breaker.internal.OutcomeWindow;
import dev.agentsre.event.CallRejected;
import dev.agentsre.event.CircuitStateChanged;
import dev.agentsre.event.SreEventBus;
import dev.agentsre.internal.Check;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
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
 * once; the others are rejected with a positive {@code retryAfter}. If a probe was admitted and none
 * finishes within {@code halfOpenTimeout} the circuit goes back to OPEN (a hanging dependency), so it
 * is never stuck half-open; an idle HALF_OPEN (no probe admitted) simply waits for its next call and
 * is no failed probe. These time-driven transitions happen when the next call asks to be admitted;
 * no thread is needed.
 *
 * <p><b>Reads are pure.</b> {@link #state()}, {@link #snapshot()} and {@link #failureCount()} never
 * transition, publish or count anything (as Resilience4j's {@code getState()}): an OPEN circuit whose
 * open period is over still reads OPEN, with a {@code retryAfter} of zero in its snapshot, until a
 * call arrives and probes.
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
 * Transitions reach listeners in the order they happened, even when threads race.
 *
 * <p><b>Your predicates</b> ({@code recordExceptions}, {@code ignoreExceptions}, {@code failureResult},
 * a {@link RetryAfterHint}) never change what the call returned or threw: one that throws makes the
 * call count as a failure, and its exception is added to the call's exception as suppressed (or
 * logged once, for a result).
 *
 * <p><b>Cost.</b> Lock-free; no lock is ever held while user code runs. In CLOSED a successful call
 * costs one volatile read and a few uncontended atomic updates, allocates nothing, and reads the
 * clock only when slow calls or a time-based window are configured. <b>Memory:</b> fixed, a few
 * hundred bytes plus the sliding window (4 bytes per call of a count-based window, 24-48 bytes per
 * second of a time-based one), allocated only when rate tripping is configured.
 */
public final class CircuitBreaker {

    private final String agentId;
    private final CircuitBreakerConfig config;
    private final SreEventBus eventBus;
    private final BreakerStateMachine machine;

    private CircuitBreaker(String agentId, CircuitBreakerConfig config, SreEventBus eventBus) {
        this.agentId = Check.notBlank("agentId", agentId);
        this.config = Check.notNull("config", config);
        this.eventBus = eventBus == null ? new SreEventBus() : eventBus;
        this.machine = new BreakerStateMachine(agentId, config, this.eventBus);
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
     * Runs {@code supplier} if the circuit admits it and records the outcome; returns what it returned
     * and rethrows what it threw, unchanged.
     *
     * @throws CircuitOpenException if the call is rejected (the supplier is not run)
     * @throws IllegalArgumentException if {@code supplier} is null (nothing is admitted)
     */
    public <T> T execute(Supplier<T> supplier) {
        Check.notNull("supplier", supplier);
        BreakerStateMachine.State admitted = machine.acquire();
        long start = machine.startTime();
        T result;
        try {
            result = supplier.get();
        } catch (Throwable error) {
            machine.onError(admitted, start, error);
            throw error;
        }
        machine.onResult(admitted, start, result);
        return result;
    }

    /**
     * Runs {@code callable} if the circuit admits it and records the outcome.
     *
     * @throws CircuitOpenException if the call is rejected (the callable is not run)
     * @throws IllegalArgumentException if {@code callable} is null (nothing is admitted)
     * @throws Exception whatever the callable throws
     */
    public <T> T call(Callable<T> callable) throws Exception {
        Check.notNull("callable", callable);
        BreakerStateMachine.State admitted = machine.acquire();
        long start = machine.startTime();
        T result;
        try {
            result = callable.call();
        } catch (Throwable error) {
            machine.onError(admitted, start, error);
            throw error;
        }
        machine.onResult(admitted, start, result);
        return result;
    }

    /**
     * Runs {@code runnable} if the circuit admits it and records the outcome.
     *
     * @throws CircuitOpenException if the call is rejected
     * @throws IllegalArgumentException if {@code runnable} is null
     */
    public void run(Runnable runnable) {
        Check.notNull("runnable", runnable);
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
        Check.notNull("supplier", supplier);
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
     * completes. A rejection, or a supplier that throws (or returns no stage), is returned as a failed
     * stage, never thrown. The returned stage completes after the outcome has been recorded.
     *
     * @throws IllegalArgumentException if {@code supplier} is null (nothing is admitted)
     */
    public <T> CompletionStage<T> executeAsync(Supplier<? extends CompletionStage<T>> supplier) {
        Check.notNull("supplier", supplier);
        BreakerStateMachine.State admitted;
        try {
            admitted = machine.acquire();
        } catch (CircuitOpenException rejected) {
            return CompletableFuture.failedFuture(rejected);
        }
        long start = machine.startTime();
        CompletionStage<T> stage;
        try {
            stage = supplier.get();
            if (stage == null) {
                throw new NullPointerException("the asynchronous call returned no stage");
            }
        } catch (Throwable error) {
            machine.onError(admitted, start, error);
            return CompletableFuture.failedFuture(error);
        }
        return stage.whenComplete((result, error) -> {
            if (error == null) {
                machine.onResult(admitted, start, result);
            } else {
                machine.onError(admitted, start, unwrap(error));
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
            return machine.permit(machine.acquire());
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
        return machine.permit(machine.acquire());
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
         *
         * @throws IllegalArgumentException if {@code error} is null
         */
        void onError(long duration, TimeUnit unit, Throwable error);

        /** The call was not made: frees a half-open probe slot and counts nothing. */
        void release();
    }

    // ---------------------------------------------------------------- manual mode

    /**
     * Asks for permission to make a call. On {@code true} make the call and report it with
     * {@code recordSuccess}/{@code recordFailure} (or {@link #releasePermission()} if you did not
     * make it). On {@code false} the rejection has been counted and published.
     */
    public boolean tryAcquirePermission() {
        try {
            machine.acquire();
            return true;
        } catch (CircuitOpenException rejected) {
            return false;
        }
    }

    /** Like {@link #tryAcquirePermission()} but throws the {@link CircuitOpenException}. */
    public void acquirePermission() {
        machine.acquire();
    }

    /** Gives back a permission obtained but not used (frees a half-open probe slot, never more than there are). */
    public void releasePermission() {
        machine.releaseNow();
    }

    /** Reports a successful call of unknown duration. */
    public void recordSuccess() {
        machine.recordSuccessNow(0);
    }

    /** Reports a successful call that took {@code duration} (it may be slow). */
    public void recordSuccess(Duration duration) {
        machine.recordSuccessNow(millis("duration", duration));
    }

    /** Reports a failed call. */
    public void recordFailure() {
        machine.recordFailureNow(null);
    }

    /**
     * Reports a call that threw {@code error}; the configured predicates decide whether it counts as
     * a failure, a success or neither, and a {@link RetryAfterHint} in it (or its causes) is honoured.
     */
    public void recordFailure(Throwable error) {
        Check.notNull("error", error);
        machine.recordErrorNow(0, error);
    }

    /**
     * Reports a failed call whose callee asked to wait {@code retryAfterHint} (for example an HTTP
     * 429's {@code Retry-After}): the circuit opens at once for at least that long (capped at
     * {@code maxRetryAfterHint}).
     */
    public void recordFailure(Throwable error, Duration retryAfterHint) {
        Check.notNull("error", error);
        Check.positive("retryAfterHint", retryAfterHint);
        machine.recordFailureNow(retryAfterHint);
    }

    /** Reports a call that threw {@code error} after {@code duration} (Resilience4j's {@code onError}). */
    public void onError(Duration duration, Throwable error) {
        long millis = millis("duration", duration);
        Check.notNull("error", error);
        machine.recordErrorNow(millis, error);
    }

    /** Reports a call that returned {@code result} after {@code duration}; the result predicate applies. */
    public void onResult(Duration duration, Object result) {
        machine.recordResultNow(millis("duration", duration), result);
    }

    /** A reported duration in milliseconds; one too long for a {@code long} counts as the longest. */
    private static long millis(String name, Duration duration) {
        Check.notNull(name, duration);
        if (duration.isNegative()) {
            throw new IllegalArgumentException(name + " must not be negative, got " + duration);
        }
        return duration.compareTo(Check.MAX_DURATION) > 0 ? Check.MAX_DURATION.toMillis() : duration.toMillis();
    }

    // ---------------------------------------------------------------- control and reads

    /**
     * The state as it is: a read never transitions (an OPEN circuit whose open period is over reads
     * OPEN until the next call probes; see {@link #snapshot()}'s {@code retryAfter}).
     */
    public CircuitState state() {
        return machine.kind();
    }

    /** Consecutive failures counted in CLOSED (the number that tripped it, while OPEN). */
    public int failureCount() {
        return machine.failureCount();
    }

    /** Closes the circuit and forgets every count (after deploying a fix). */
    public void reset() {
        machine.reset();
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
        return machine.trip(Check.notBlank("reason", reason));
    }

    /** Opens the circuit until {@link #reset()}: every call is rejected. */
    public void forceOpen() {
        machine.forceOpen();
    }

    /** Switches the breaker off until {@link #reset()}: every call passes and nothing is counted. */
    public void disable() {
        machine.disable();
    }

    /**
     * A point-in-time view for dashboards and exporters; a pure read. Its {@code retryAfter} is zero
     * while calls are admitted, and also when an OPEN circuit's open period is over (the next call probes).
     */
    public BreakerSnapshot snapshot() {
        long now = machine.clock().millis();
        BreakerStateMachine.State current = machine.current();
        double failureRate = Double.NaN;
        double slowRate = Double.NaN;
        long buffered = 0;
        OutcomeWindow.Rates rates = machine.windowRates(current, now);
        if (rates != null) {
            buffered = rates.calls();
            failureRate = rates.failureRate();
            slowRate = rates.slowRate();
        }
        return new BreakerSnapshot(agentId, current.kind(), machine.failureCount(), failureRate, slowRate, buffered,
                machine.successfulCalls(), machine.failedCalls(), machine.slowCalls(), machine.ignoredCalls(), machine.rejectedCalls(),
                machine.retryAfter(current, now));
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
        return "CircuitBreaker{" + agentId + ", " + machine.kind() + '}';
    }

    private static Throwable unwrap(Throwable error) {
        if ((error instanceof CompletionException || error instanceof ExecutionException) && error.getCause() != null) {
            return error.getCause();
        }
        return error;
    }
}
