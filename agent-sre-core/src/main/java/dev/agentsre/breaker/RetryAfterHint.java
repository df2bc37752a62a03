package dev.agentsre.breaker;

import java.time.Duration;

/**
 * Implemented by exceptions that carry the callee's "retry after" (an LLM provider's HTTP 429 with
 * {@code Retry-After: 20}). When such a failure reaches a {@link CircuitBreaker} (directly or as a
 * cause), the breaker opens at once for at least that long: every call before then would fail
 * the same way and only prolong the throttling.
 */
public interface RetryAfterHint {

    /** How long the callee asked us to wait; {@code null} or non-positive means no hint. */
    Duration retryAfter();
}
