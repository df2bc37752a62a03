package dev.agentsre.alert;

import dev.agentsre.internal.Check;
import dev.agentsre.time.Durations;
import java.time.Duration;

/**
 * How a failed delivery is retried: exponential backoff with full jitter
 * ({@code delay = random(0, min(maxDelay, initialDelay × multiplier^(attempt-1)))}, AWS's
 * "Exponential Backoff and Jitter"), at most {@code maxAttempts} attempts within
 * {@code maxElapsed} of the first one. Retried: network errors and timeouts, HTTP 408, 425, 429
 * and every 5xx. Never retried: any other 4xx. A {@code Retry-After} header (seconds or an HTTP
 * date) replaces the backoff for that attempt, capped at {@code maxRetryAfter}.
 *
 * <p>Defaults: {@value #DEFAULT_INITIAL_DELAY_TEXT} initial delay, multiplier
 * {@value #DEFAULT_MULTIPLIER}, {@value #DEFAULT_MAX_DELAY_TEXT} cap, {@value #DEFAULT_MAX_ATTEMPTS}
 * attempts, {@value #DEFAULT_MAX_ELAPSED_TEXT} in all, {@code Retry-After} capped at
 * {@value #DEFAULT_MAX_RETRY_AFTER_TEXT}. Immutable.
 */
public final class RetryPolicy {

    /** Text of the default first delay. */
    public static final String DEFAULT_INITIAL_DELAY_TEXT = "500ms";
    /** Default multiplier. */
    public static final double DEFAULT_MULTIPLIER = 2.0;
    /** Text of the default delay cap. */
    public static final String DEFAULT_MAX_DELAY_TEXT = "60s";
    /** Default attempts, the first included. */
    public static final int DEFAULT_MAX_ATTEMPTS = 8;
    /** Text of the default time budget. */
    public static final String DEFAULT_MAX_ELAPSED_TEXT = "5m";
    /** Text of the default Retry-After cap. */
    public static final String DEFAULT_MAX_RETRY_AFTER_TEXT = "5m";

    private final Duration initialDelay;
    private final double multiplier;
    private final Duration maxDelay;
    private final int maxAttempts;
    private final Duration maxElapsed;
    private final Duration maxRetryAfter;

    private RetryPolicy(Duration initialDelay, double multiplier, Duration maxDelay, int maxAttempts, Duration maxElapsed,
                        Duration maxRetryAfter) {
        this.initialDelay = Check.positive("initialDelay", initialDelay);
        this.multiplier = Check.closedRange("multiplier", multiplier, 1.0, 100.0);
        this.maxDelay = Check.positive("maxDelay", maxDelay);
        this.maxAttempts = Check.positive("maxAttempts", maxAttempts);
        this.maxElapsed = Check.positive("maxElapsed", maxElapsed);
        this.maxRetryAfter = Check.positive("maxRetryAfter", maxRetryAfter);
        if (maxDelay.compareTo(initialDelay) < 0) {
            throw new IllegalArgumentException("maxDelay must be >= initialDelay (" + Durations.format(initialDelay) + "), got "
                    + Durations.format(maxDelay));
        }
    }

    /** The defaults. */
    public static RetryPolicy defaults() {
        return fullJitter(DEFAULT_INITIAL_DELAY_TEXT, DEFAULT_MULTIPLIER, DEFAULT_MAX_DELAY_TEXT);
    }

    /** Full-jitter backoff from {@code initialDelay}, growing by {@code multiplier}, capped at {@code maxDelay}. */
    public static RetryPolicy fullJitter(String initialDelay, double multiplier, String maxDelay) {
        return fullJitter(Durations.parsePositive("initialDelay", initialDelay), multiplier, Durations.parsePositive("maxDelay", maxDelay));
    }

    /** Full-jitter backoff from {@code initialDelay}, growing by {@code multiplier}, capped at {@code maxDelay}. */
    public static RetryPolicy fullJitter(Duration initialDelay, double multiplier, Duration maxDelay) {
        return new RetryPolicy(initialDelay, multiplier, maxDelay, DEFAULT_MAX_ATTEMPTS, Durations.parse(DEFAULT_MAX_ELAPSED_TEXT),
                Durations.parse(DEFAULT_MAX_RETRY_AFTER_TEXT));
    }

    /** No retries: one attempt. */
    public static RetryPolicy none() {
        return defaults().maxAttempts(1);
    }

    /** Attempts in all, the first included. */
    public RetryPolicy maxAttempts(int attempts) {
        return new RetryPolicy(initialDelay, multiplier, maxDelay, attempts, maxElapsed, maxRetryAfter);
    }

    /** Time after the first attempt beyond which no attempt starts. */
    public RetryPolicy maxElapsed(Duration elapsed) {
        return new RetryPolicy(initialDelay, multiplier, maxDelay, maxAttempts, elapsed, maxRetryAfter);
    }

    /** {@link #maxElapsed(Duration)} from text. */
    public RetryPolicy maxElapsed(String elapsed) {
        return maxElapsed(Durations.parsePositive("maxElapsed", elapsed));
    }

    /** Cap on a server's {@code Retry-After}. */
    public RetryPolicy maxRetryAfter(Duration cap) {
        return new RetryPolicy(initialDelay, multiplier, maxDelay, maxAttempts, maxElapsed, cap);
    }

    /** Whether an HTTP status is worth retrying: 408, 425, 429, 5xx. */
    public static boolean isRetryable(int status) {
        return status == 408 || status == 425 || status == 429 || (status >= 500 && status <= 599);
    }

    /**
     * The delay before attempt {@code attempt + 1} after attempt {@code attempt} (1-based) failed:
     * {@code retryAfter} capped when the server sent one, otherwise full-jitter backoff using
     * {@code random} in [0, 1).
     */
    public Duration delayAfter(int attempt, Duration retryAfter, double random) {
        if (retryAfter != null) {
            return retryAfter.compareTo(maxRetryAfter) > 0 ? maxRetryAfter : retryAfter.isNegative() ? Duration.ZERO : retryAfter;
        }
        double ceiling = initialDelay.toMillis() * Math.pow(multiplier, Math.max(0, attempt - 1));
        double capped = Math.min(maxDelay.toMillis(), ceiling);
        return Duration.ofMillis((long) Math.floor(random * capped));
    }

    /** First delay. */
    public Duration initialDelay() {
        return initialDelay;
    }

    /** Multiplier. */
    public double multiplier() {
        return multiplier;
    }

    /** Cap of one backoff delay. */
    public Duration maxDelay() {
        return maxDelay;
    }

    /** Attempts in all. */
    public int maxAttempts() {
        return maxAttempts;
    }

    /** Time budget after the first attempt. */
    public Duration maxElapsed() {
        return maxElapsed;
    }

    /** Cap on Retry-After. */
    public Duration maxRetryAfter() {
        return maxRetryAfter;
    }

    @Override
    public String toString() {
        return "RetryPolicy{fullJitter " + Durations.format(initialDelay) + " x" + multiplier + " <= " + Durations.format(maxDelay)
                + ", " + maxAttempts + " attempts within " + Durations.format(maxElapsed) + ", Retry-After <= "
                + Durations.format(maxRetryAfter) + '}';
    }
}
