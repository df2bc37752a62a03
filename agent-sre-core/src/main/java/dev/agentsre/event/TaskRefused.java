package dev.agentsre.event;

import java.time.Duration;
import java.time.Instant;

/**
 * The pipeline refused a task at the door, or one of its calls while it ran.
 *
 * @param timestamp when
 * @param agentId the agent
 * @param taskId the task
 * @param reason which guard refused: {@code quarantine}, {@code throttled}, {@code budget}, {@code circuit_open},
 *     {@code capability}, {@code task_limit}, or a user guard's reason
 * @param message the guard's explanation
 * @param retryAfter when to try again, or {@link Duration#ZERO}
 * @param refusedCall the refused call ({@code llm:gpt-4o}, {@code tool:shell_exec}, {@code delegate:agent-b}); empty at the door
 * @param inFlight whether the task was running (a call refused) rather than refused at the door
 */
public record TaskRefused(Instant timestamp, String agentId, String taskId, String reason, String message, Duration retryAfter,
                          String refusedCall, boolean inFlight) implements PipelineEvent {

    /** A refusal at the door. */
    public TaskRefused(Instant timestamp, String agentId, String taskId, String reason, String message, Duration retryAfter) {
        this(timestamp, agentId, taskId, reason, message, retryAfter, "", false);
    }
}
