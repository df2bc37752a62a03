/**
 * The circuit breaker's machinery behind {@link dev.agentsre.breaker.CircuitBreaker}: its state
 * machine ({@link dev.agentsre.breaker.internal.BreakerStateMachine}: states, admission, outcomes,
 * ordered transitions) and its sliding window ({@link dev.agentsre.breaker.internal.OutcomeWindow}).
 * Not API: anything here may change without notice.
 */
package dev.agentsre.breaker.internal;
