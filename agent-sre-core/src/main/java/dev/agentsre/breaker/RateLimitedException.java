package dev.agentsre.breaker;

import dev.agentsre.internal.Check;
import java.time.Duration;

/**
 * A ready-made exception for a rate-limited call (HTTP 429) with the delay the callee asked for.
 * Throw it from the code a {@link CircuitBreaker} guards and the breaker opens for at least
 * {@link #retryAfter()}.
 */
public class RateLimitedException extends RuntimeException implements RetryAfterHint {

    private static final long serialVersionUID = 1L;

    private final Duration retryAfter;

    /** A rate-limit failure asking to wait {@code retryAfter}. */
    public RateLimitedException(String message, Duration retryAfter) {
        super(message);
        this.retryAfter = Check.positive("retryAfter", retryAfter);
    }

    @Override
    public Duration retryAfter() {
        return retryAfter;
    }
}
