package dev.agentsre.breaker;

import dev.agentsre.internal.Check;
import dev.agentsre.time.Durations;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.function.Predicate;

/**
 * Immutable configuration of a {@link CircuitBreaker}; build with {@link #builder()}.
 *
 * <table>
 *   <caption>Settings and defaults</caption>
 *   <tr><th>setting</th><th>default</th><th>meaning</th></tr>
 *   <tr><td>{@code failureThreshold}</td><td>{@value #DEFAULT_FAILURE_THRESHOLD}</td><td>consecutive failures that open the circuit; 0 turns this trip off</td></tr>
 *   <tr><td>{@code failureRateThreshold}</td><td>0 (off)</td><td>failure rate in percent over the sliding window that opens the circuit</td></tr>
 *   <tr><td>{@code slowCallDuration}</td><td>none (off)</td><td>calls at least this long are slow</td></tr>
 *   <tr><td>{@code slowCallRateThreshold}</td><td>{@value #DEFAULT_SLOW_CALL_RATE_THRESHOLD}</td><td>slow-call rate in percent that opens the circuit; 0 turns this trip off (slow calls are still counted)</td></tr>
 *   <tr><td>{@code slidingWindow}</td><td>count-based, {@value #DEFAULT_SLIDING_WINDOW_SIZE} calls</td><td>calls (count-based) or seconds (time-based) the rates are measured over</td></tr>
 *   <tr><td>{@code minimumCalls}</td><td>{@value #DEFAULT_MINIMUM_CALLS}</td><td>calls in the window before a rate can trip</td></tr>
 *   <tr><td>{@code recoveryTimeout}</td><td>30 s</td><td>how long OPEN lasts, from the moment it opened</td></tr>
 *   <tr><td>{@code backoffMultiplier}</td><td>1.0 (off)</td><td>each failed probe multiplies the next open time, up to {@code maxRecoveryTimeout}</td></tr>
 *   <tr><td>{@code maxRecoveryTimeout}</td><td>10 min</td><td>cap of the backed-off open time</td></tr>
 *   <tr><td>{@code halfOpenMaxCalls}</td><td>{@value #DEFAULT_HALF_OPEN_MAX_CALLS}</td><td>probe calls admitted at once in HALF_OPEN</td></tr>
 *   <tr><td>{@code successThreshold}</td><td>{@value #DEFAULT_SUCCESS_THRESHOLD}</td><td>successful probes that close the circuit</td></tr>
 *   <tr><td>{@code halfOpenTimeout}</td><td>60 s</td><td>HALF_OPEN with no probe finished this long goes back to OPEN</td></tr>
 *   <tr><td>{@code honorRetryAfterHints}</td><td>true</td><td>a failure carrying a {@link RetryAfterHint} opens at once for at least the hint</td></tr>
 *   <tr><td>{@code maxRetryAfterHint}</td><td>1 h</td><td>hints longer than this are capped</td></tr>
 *   <tr><td>{@code recordExceptions}</td><td>every exception</td><td>which exceptions count as failures</td></tr>
 *   <tr><td>{@code ignoreExceptions}</td><td>none</td><td>exceptions that count as neither success nor failure</td></tr>
 *   <tr><td>{@code failureResult}</td><td>none</td><td>results that count as failures (still returned to the caller)</td></tr>
 *   <tr><td>{@code clock}</td><td>{@link Clock#systemUTC()}</td><td>time source for open periods, windows and call durations</td></tr>
 * </table>
 *
 * <p>Durations are kept in milliseconds: each must be between 1 ms and 100 years (a finer one would
 * become 0 ms). Every setter's argument is validated by {@link Builder#build()}, which throws an
 * {@link IllegalArgumentException} naming the setting and the rejected value. Immutable and
 * thread-safe.
 */
public final class CircuitBreakerConfig {

    /** Default consecutive failures that open the circuit. */
    public static final int DEFAULT_FAILURE_THRESHOLD = 5;
    /** Default open time. */
    public static final Duration DEFAULT_RECOVERY_TIMEOUT = Duration.ofSeconds(30);
    /** Default cap of the backed-off open time. */
    public static final Duration DEFAULT_MAX_RECOVERY_TIMEOUT = Duration.ofMinutes(10);
    /** Default concurrent probes in HALF_OPEN. */
    public static final int DEFAULT_HALF_OPEN_MAX_CALLS = 1;
    /** Default successful probes that close the circuit. */
    public static final int DEFAULT_SUCCESS_THRESHOLD = 1;
    /** Default time HALF_OPEN waits for a probe to finish. */
    public static final Duration DEFAULT_HALF_OPEN_TIMEOUT = Duration.ofSeconds(60);
    /** Default sliding-window size (calls, or seconds when time-based). */
    public static final int DEFAULT_SLIDING_WINDOW_SIZE = 100;
    /** Default calls needed in the window before a rate can trip. */
    public static final int DEFAULT_MINIMUM_CALLS = 10;
    /** Default slow-call rate (percent) that trips, once slow calls are defined. */
    public static final double DEFAULT_SLOW_CALL_RATE_THRESHOLD = 100.0;
    /** Default cap on retry-after hints. */
    public static final Duration DEFAULT_MAX_RETRY_AFTER_HINT = Duration.ofHours(1);

    /** How the sliding window is measured. */
    public enum SlidingWindowType {
        /** The last N calls. */
        COUNT_BASED,
        /** The calls of the last N seconds. */
        TIME_BASED
    }

    private static final CircuitBreakerConfig DEFAULTS = builder().build();

    private final int failureThreshold;
    private final double failureRateThreshold;
    private final Duration slowCallDuration;
    private final double slowCallRateThreshold;
    private final SlidingWindowType slidingWindowType;
    private final int slidingWindowSize;
    private final int minimumCalls;
    private final Duration recoveryTimeout;
    private final double backoffMultiplier;
    private final Duration maxRecoveryTimeout;
    private final int halfOpenMaxCalls;
    private final int successThreshold;
    private final Duration halfOpenTimeout;
    private final boolean honorRetryAfterHints;
    private final Duration maxRetryAfterHint;
    private final Predicate<Throwable> recordException;
    private final Predicate<Throwable> ignoreException;
    private final Predicate<Object> failureResult;
    private final Clock clock;

    private CircuitBreakerConfig(Builder b) {
        this.failureThreshold = (int) Check.nonNegative("failureThreshold", b.failureThreshold);
        this.failureRateThreshold = rateOrOff("failureRateThreshold", b.failureRateThreshold);
        this.slowCallDuration = b.slowCallDuration == null ? null : Check.millis("slowCallDuration", b.slowCallDuration);
        this.slowCallRateThreshold = rateOrOff("slowCallRateThreshold", b.slowCallRateThreshold);
        this.slidingWindowType = Check.notNull("slidingWindowType", b.slidingWindowType);
        this.slidingWindowSize = Check.positive("slidingWindowSize", b.slidingWindowSize);
        this.minimumCalls = Check.positive("minimumCalls", b.minimumCalls);
        if (slidingWindowType == SlidingWindowType.COUNT_BASED && minimumCalls > slidingWindowSize) {
            throw new IllegalArgumentException("minimumCalls must be <= slidingWindowSize (" + slidingWindowSize
                    + ") for a count-based window, got " + minimumCalls);
        }
        this.recoveryTimeout = Check.millis("recoveryTimeout", b.recoveryTimeout);
        if (!(b.backoffMultiplier >= 1.0) || Double.isInfinite(b.backoffMultiplier)) {
            throw new IllegalArgumentException("backoffMultiplier must be a finite number >= 1, got " + b.backoffMultiplier);
        }
        this.backoffMultiplier = b.backoffMultiplier;
        this.maxRecoveryTimeout = Check.millis("maxRecoveryTimeout", b.maxRecoveryTimeout);
        if (maxRecoveryTimeout.compareTo(recoveryTimeout) < 0) {
            throw new IllegalArgumentException("maxRecoveryTimeout must be >= recoveryTimeout (" + Durations.format(recoveryTimeout)
                    + "), got " + Durations.format(maxRecoveryTimeout));
        }
        this.halfOpenMaxCalls = Check.positive("halfOpenMaxCalls", b.halfOpenMaxCalls);
        this.successThreshold = Check.positive("successThreshold", b.successThreshold);
        this.halfOpenTimeout = Check.millis("halfOpenTimeout", b.halfOpenTimeout);
        this.honorRetryAfterHints = b.honorRetryAfterHints;
        this.maxRetryAfterHint = Check.millis("maxRetryAfterHint", b.maxRetryAfterHint);
        this.recordException = Check.notNull("recordExceptions", b.recordException);
        this.ignoreException = Check.notNull("ignoreExceptions", b.ignoreException);
        this.failureResult = Check.notNull("failureResult", b.failureResult);
        this.clock = Check.notNull("clock", b.clock);
        if (failureThreshold == 0 && failureRateThreshold == 0 && (slowCallDuration == null || slowCallRateThreshold == 0)) {
            throw new IllegalArgumentException("at least one way to trip is needed: failureThreshold > 0, "
                    + "failureRateThreshold > 0, or slowCallDuration set with slowCallRateThreshold > 0");
        }
    }

    /** The default configuration. */
    public static CircuitBreakerConfig ofDefaults() {
        return DEFAULTS;
    }

    /** Starts a builder with every setting at its default. */
    public static Builder builder() {
        return new Builder();
    }

    /** Starts a builder from this configuration's settings. */
    public Builder toBuilder() {
        return new Builder(this);
    }

    /** Consecutive failures that open the circuit; 0 when that trip is off. */
    public int failureThreshold() {
        return failureThreshold;
    }

    /** Failure rate in percent that opens the circuit; 0 when off. */
    public double failureRateThreshold() {
        return failureRateThreshold;
    }

    /** Calls at least this long are slow; {@code null} when slow calls are not tracked. */
    public Duration slowCallDuration() {
        return slowCallDuration;
    }

    /** Slow-call rate in percent that opens the circuit; 0 when that trip is off. */
    public double slowCallRateThreshold() {
        return slowCallRateThreshold;
    }

    /** How the sliding window is measured. */
    public SlidingWindowType slidingWindowType() {
        return slidingWindowType;
    }

    /** Calls (count-based) or seconds (time-based) in the sliding window. */
    public int slidingWindowSize() {
        return slidingWindowSize;
    }

    /** Calls needed in the window before a rate can trip. */
    public int minimumCalls() {
        return minimumCalls;
    }

    /** How long OPEN lasts before the first probe. */
    public Duration recoveryTimeout() {
        return recoveryTimeout;
    }

    /** Multiplier applied to the open time after each failed probe. */
    public double backoffMultiplier() {
        return backoffMultiplier;
    }

    /** Cap of the backed-off open time. */
    public Duration maxRecoveryTimeout() {
        return maxRecoveryTimeout;
    }

    /** Probe calls admitted at once in HALF_OPEN. */
    public int halfOpenMaxCalls() {
        return halfOpenMaxCalls;
    }

    /** Successful probes that close the circuit. */
    public int successThreshold() {
        return successThreshold;
    }

    /** HALF_OPEN with no probe finished within this time goes back to OPEN. */
    public Duration halfOpenTimeout() {
        return halfOpenTimeout;
    }

    /** Whether failures carrying a retry-after hint open the circuit at once. */
    public boolean honorRetryAfterHints() {
        return honorRetryAfterHints;
    }

    /** Cap on honoured retry-after hints. */
    public Duration maxRetryAfterHint() {
        return maxRetryAfterHint;
    }

    /** The clock. */
    public Clock clock() {
        return clock;
    }

    /** Which exceptions count as failures (the others count as successes). */
    public Predicate<Throwable> recordExceptionPredicate() {
        return recordException;
    }

    /** Which exceptions count as neither success nor failure. */
    public Predicate<Throwable> ignoreExceptionPredicate() {
        return ignoreException;
    }

    /** Which results count as failures. */
    public Predicate<Object> failureResultPredicate() {
        return failureResult;
    }

    @Override
    public String toString() {
        return "CircuitBreakerConfig{failureThreshold=" + failureThreshold + ", failureRateThreshold=" + failureRateThreshold
                + ", slowCallDuration=" + slowCallDuration + ", slowCallRateThreshold=" + slowCallRateThreshold + ", window="
                + slidingWindowType + "/" + slidingWindowSize + ", minimumCalls=" + minimumCalls + ", recoveryTimeout=" + recoveryTimeout
                + ", backoff=" + backoffMultiplier + "/" + maxRecoveryTimeout + ", halfOpenMaxCalls=" + halfOpenMaxCalls
                + ", successThreshold=" + successThreshold + ", halfOpenTimeout=" + halfOpenTimeout + ", honorRetryAfterHints="
                + honorRetryAfterHints + "/" + maxRetryAfterHint + '}';
    }

    private static double rateOrOff(String name, double value) {
        if (value == 0) {
            return 0;
        }
        return Check.closedRange(name, value, Double.MIN_VALUE, 100.0);
    }

    /** Builder for {@link CircuitBreakerConfig}; every setting starts at its default. */
    public static final class Builder {
        private long failureThreshold = DEFAULT_FAILURE_THRESHOLD;
        private double failureRateThreshold;
        private Duration slowCallDuration;
        private double slowCallRateThreshold = DEFAULT_SLOW_CALL_RATE_THRESHOLD;
        private SlidingWindowType slidingWindowType = SlidingWindowType.COUNT_BASED;
        private int slidingWindowSize = DEFAULT_SLIDING_WINDOW_SIZE;
        private int minimumCalls = DEFAULT_MINIMUM_CALLS;
        private Duration recoveryTimeout = DEFAULT_RECOVERY_TIMEOUT;
        private double backoffMultiplier = 1.0;
        private Duration maxRecoveryTimeout = DEFAULT_MAX_RECOVERY_TIMEOUT;
        private int halfOpenMaxCalls = DEFAULT_HALF_OPEN_MAX_CALLS;
        private int successThreshold = DEFAULT_SUCCESS_THRESHOLD;
        private Duration halfOpenTimeout = DEFAULT_HALF_OPEN_TIMEOUT;
        private boolean honorRetryAfterHints = true;
        private Duration maxRetryAfterHint = DEFAULT_MAX_RETRY_AFTER_HINT;
        private Predicate<Throwable> recordException = t -> true;
        private Predicate<Throwable> ignoreException = t -> false;
        private Predicate<Object> failureResult = r -> false;
        private Clock clock = Clock.systemUTC();

        private Builder() {
        }

        private Builder(CircuitBreakerConfig c) {
            failureThreshold = c.failureThreshold;
            failureRateThreshold = c.failureRateThreshold;
            slowCallDuration = c.slowCallDuration;
            slowCallRateThreshold = c.slowCallRateThreshold;
            slidingWindowType = c.slidingWindowType;
            slidingWindowSize = c.slidingWindowSize;
            minimumCalls = c.minimumCalls;
            recoveryTimeout = c.recoveryTimeout;
            backoffMultiplier = c.backoffMultiplier;
            maxRecoveryTimeout = c.maxRecoveryTimeout;
            halfOpenMaxCalls = c.halfOpenMaxCalls;
            successThreshold = c.successThreshold;
            halfOpenTimeout = c.halfOpenTimeout;
            honorRetryAfterHints = c.honorRetryAfterHints;
            maxRetryAfterHint = c.maxRetryAfterHint;
            recordException = c.recordException;
            ignoreException = c.ignoreException;
            failureResult = c.failureResult;
            clock = c.clock;
        }

        /** Consecutive failures that open the circuit; 0 turns this trip off. */
        public Builder failureThreshold(int failureThreshold) {
            this.failureThreshold = failureThreshold;
            return this;
        }

        /** Failure rate in percent (0, 100] over the sliding window that opens the circuit; 0 turns it off. */
        public Builder failureRateThreshold(double percent) {
            this.failureRateThreshold = percent;
            return this;
        }

        /** Calls that take at least this long are slow (and feed the slow-call rate). */
        public Builder slowCallDuration(Duration duration) {
            this.slowCallDuration = duration;
            return this;
        }

        /**
         * Slow-call rate in percent (0, 100] that opens the circuit (default 100); 0 turns this trip off
         * while slow calls are still counted.
         *
         * @throws IllegalArgumentException from {@link #build()} if not in [0, 100]
         */
        public Builder slowCallRateThreshold(double percent) {
            this.slowCallRateThreshold = percent;
            return this;
        }

        /** A count-based window of the last {@code calls} calls. */
        public Builder countBasedWindow(int calls) {
            this.slidingWindowType = SlidingWindowType.COUNT_BASED;
            this.slidingWindowSize = calls;
            return this;
        }

        /** A time-based window of the last {@code seconds} seconds. */
        public Builder timeBasedWindow(int seconds) {
            this.slidingWindowType = SlidingWindowType.TIME_BASED;
            this.slidingWindowSize = seconds;
            return this;
        }

        /** Calls needed in the window before a rate can trip. */
        public Builder minimumCalls(int minimumCalls) {
            this.minimumCalls = minimumCalls;
            return this;
        }

        /** How long OPEN lasts from the moment it opened. */
        public Builder recoveryTimeout(Duration timeout) {
            this.recoveryTimeout = timeout;
            return this;
        }

        /** Exponential backoff of the open time after failed probes: multiplier &ge; 1, capped at {@code max}. */
        public Builder backoff(double multiplier, Duration max) {
            this.backoffMultiplier = multiplier;
            this.maxRecoveryTimeout = max;
            return this;
        }

        /** Probe calls admitted at once in HALF_OPEN. */
        public Builder halfOpenMaxCalls(int calls) {
            this.halfOpenMaxCalls = calls;
            return this;
        }

        /** Successful probes that close the circuit. */
        public Builder successThreshold(int probes) {
            this.successThreshold = probes;
            return this;
        }

        /** HALF_OPEN with no probe finished within this time goes back to OPEN. */
        public Builder halfOpenTimeout(Duration timeout) {
            this.halfOpenTimeout = timeout;
            return this;
        }

        /** Whether a failure with a {@link RetryAfterHint} opens the circuit at once (default true). */
        public Builder honorRetryAfterHints(boolean honor) {
            this.honorRetryAfterHints = honor;
            return this;
        }

        /** Cap on honoured retry-after hints (default 1 h). */
        public Builder maxRetryAfterHint(Duration max) {
            this.maxRetryAfterHint = max;
            return this;
        }

        /**
         * Only exceptions of these types (and subtypes) count as failures; others count as successes.
         *
         * @throws IllegalArgumentException if {@code types} or one of them is null
         */
        @SafeVarargs
        public final Builder recordExceptions(Class<? extends Throwable>... types) {
            List<Class<? extends Throwable>> list = types("recordExceptions", types);
            this.recordException = t -> list.stream().anyMatch(type -> type.isInstance(t));
            return this;
        }

        /** Exceptions matching {@code predicate} count as failures; others count as successes. */
        public Builder recordExceptions(Predicate<Throwable> predicate) {
            this.recordException = predicate;
            return this;
        }

        /**
         * Exceptions of these types count as neither success nor failure.
         *
         * @throws IllegalArgumentException if {@code types} or one of them is null
         */
        @SafeVarargs
        public final Builder ignoreExceptions(Class<? extends Throwable>... types) {
            List<Class<? extends Throwable>> list = types("ignoreExceptions", types);
            this.ignoreException = t -> list.stream().anyMatch(type -> type.isInstance(t));
            return this;
        }

        /** Exceptions matching {@code predicate} count as neither success nor failure. */
        public Builder ignoreExceptions(Predicate<Throwable> predicate) {
            this.ignoreException = predicate;
            return this;
        }

        /** Results matching {@code predicate} count as failures (e.g. an agent answer with success=false). */
        public Builder failureResult(Predicate<Object> predicate) {
            this.failureResult = predicate;
            return this;
        }

        /** The clock. */
        public Builder clock(Clock clock) {
            this.clock = clock;
            return this;
        }

        /**
         * Validates and builds.
         *
         * @throws IllegalArgumentException naming the first setting that is out of range
         */
        public CircuitBreakerConfig build() {
            return new CircuitBreakerConfig(this);
        }

        @SafeVarargs
        private static List<Class<? extends Throwable>> types(String name, Class<? extends Throwable>... types) {
            Check.notNull(name, types);
            for (int i = 0; i < types.length; i++) {
                Check.notNull(name + "[" + i + "]", types[i]);
            }
            return List.of(types);
        }
    }
}
