package dev.agentsre.event;

import java.time.Duration;
import java.time.Instant;

/**
 * The pipeline refused to start a task.
 *
 * @param timestamp when
 * @param agentId the agent
 * @param taskId the task
 * @param reason which guard refused: {@code quarantine}, {@code throttled}, {@code budget}, {@code circuit_open}
 * @param message the guard's explanation
 * @param retryAfter when to try again, or {@link Duration#ZERO}
 */
public record TaskRefused(Instant timestamp, String agentId, String taskId, String reason, String message, Duration retryAfter)
        implements PipelineEvent {
}
