package dev.agentsre.event;

import dev.agentsre.alert.Severity;
import java.time.Instant;
import java.util.Map;

/**
 * A notification was given up: a status that is not retried (most 4xx), or retries exhausted.
 *
 * @param timestamp when it was given up
 * @param agentId the {@code agent_id} label the alerts share, or null
 * @param receiver the receiver
 * @param groupKey the aggregation group
 * @param status {@code firing} or {@code resolved}
 * @param severity the highest severity
 * @param commonLabels labels every alert shares
 * @param attempts attempts made
 * @param httpStatus the last HTTP status, or -1 after a network error
 * @param reason why, with secrets redacted
 */
public record NotificationFailed(Instant timestamp, String agentId, String receiver, String groupKey, String status, Severity severity,
                                 Map<String, String> commonLabels, int attempts, int httpStatus, String reason) implements AlertEvent {
    /** Copies the labels. */
    public NotificationFailed {
        commonLabels = Map.copyOf(commonLabels);
    }
}
