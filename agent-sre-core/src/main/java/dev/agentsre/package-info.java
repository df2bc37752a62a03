/**
 * Agent SRE for Java: site-reliability engineering for AI-agent applications.
 *
 * <p>This package holds the guarded-call pipeline: {@link dev.agentsre.AgentSre} runs each agent
 * task, and every model call, tool call and delegation the task makes through its
 * {@link dev.agentsre.TaskContext}, past a chain of call guards ({@link dev.agentsre.guard}) — task
 * limits ({@link dev.agentsre.TaskLimits}), quarantine and capability, budget in flight, breakers,
 * your own — and reports every refusal as a {@link dev.agentsre.TaskRefusedException} subtype.
 *
 * <p>Each capability lives in its own package ({@code slo}, {@code breaker}, {@code cost},
 * {@code anomaly}, {@code chaos}, {@code replay}); components never call each other's internals
 * but publish typed {@link dev.agentsre.event.SreEvent}s to an {@link dev.agentsre.event.SreEventBus}.
 */
package dev.agentsre;
