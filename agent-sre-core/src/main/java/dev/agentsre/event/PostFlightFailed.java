package dev.agentsre.event;

import java.time.Instant;

/**
 * A step after a task or a call failed — a guard's {@code afterTask} or {@code afterCall}, an SLO's
 * recording, the trace write, a call's usage function — and was isolated: the agent got what its
 * body returned or threw, and the other steps ran. The failure is also logged (once per step at
 * WARN, then at DEBUG).
 *
 * @param timestamp when
 * @param agentId the task's agent
 * @param taskId the task
 * @param step what failed, for people: {@code "afterTask of BudgetGuard"}, {@code "trace write"}, ...
 * @param errorType the class of the exception thrown
 */
public record PostFlightFailed(Instant timestamp, String agentId, String taskId, String step, String errorType) implements PipelineEvent {
}
