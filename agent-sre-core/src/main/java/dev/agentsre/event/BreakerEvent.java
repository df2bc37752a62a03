package dev.agentsre.event;

/**
 * Events published by circuit breakers ({@link dev.agentsre.breaker.CircuitBreaker}), their
 * registry and the {@link dev.agentsre.breaker.CascadeDetector}.
 */
public sealed interface BreakerEvent extends SreEvent
        permits CircuitStateChanged, CallRejected, BreakerAdded, BreakerRemoved, CascadeDetected {
}
