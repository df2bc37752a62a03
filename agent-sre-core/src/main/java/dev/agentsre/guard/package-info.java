/**
 * The call-guard SPI of the {@link dev.agentsre.AgentSre} pipeline: a {@link dev.agentsre.guard.CallGuard}
 * sees every task at the door and when it ends, and every model call, tool call and delegation a task
 * makes — before it runs (and may refuse it) and after it returns (with its outcome, duration,
 * dependency, token usage and cost). The pipeline's own guards (task limits, quarantine and
 * capability, SLO throttle, budget, breakers) are built on the same hooks; add your own with
 * {@code AgentSre.builder().guard(...)}. See {@code docs/pipeline.md} for the order.
 */
package dev.agentsre.guard;
