package dev.agentsre.event;

import dev.agentsre.alert.Severity;
import java.time.Instant;

/**
 * A queued notification was dropped without being sent: the receiver's queue was full (the
 * lowest severity goes first) or the receiver is disabled.
 *
 * @param timestamp when
 * @param agentId the {@code agent_id} label the alerts share, or null
 * @param receiver the receiver
 * @param groupKey the aggregation group
 * @param severity the dropped notification's severity
 * @param reason why
 */
public record NotificationDropped(Instant timestamp, String agentId, String receiver, String groupKey, Severity severity, String reason)
        implements AlertEvent {
}
