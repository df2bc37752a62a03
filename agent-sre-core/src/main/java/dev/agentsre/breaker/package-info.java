/**
 * Circuit breakers for agents: {@link dev.agentsre.breaker.CircuitBreaker} isolates a failing agent
 * and lets it recover by itself, {@link dev.agentsre.breaker.CircuitBreakerRegistry} keeps one per
 * agent of a fleet, and {@link dev.agentsre.breaker.CascadeDetector} notices when failures spread
 * from agent to agent.
 */
package dev.agentsre.breaker;
