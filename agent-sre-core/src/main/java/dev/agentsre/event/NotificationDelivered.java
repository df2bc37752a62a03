package dev.agentsre.event;

import dev.agentsre.alert.Severity;
import java.time.Instant;
import java.util.Map;

/**
 * A notification reached its receiver.
 *
 * @param timestamp when it was accepted
 * @param agentId the {@code agent_id} label the notified alerts share, or null
 * @param receiver the receiver
 * @param groupKey the aggregation group
 * @param status {@code firing} or {@code resolved}
 * @param severity the highest severity notified
 * @param alerts how many alerts it carried
 * @param commonLabels labels every notified alert shares (e.g. {@code incident_id})
 * @param attempts attempts it took (1 when the first succeeded)
 * @param httpStatus the accepting HTTP status (0 for a callback)
 */
public record NotificationDelivered(Instant timestamp, String agentId, String receiver, String groupKey, String status, Severity severity,
                                    int alerts, Map<String, String> commonLabels, int attempts, int httpStatus) implements AlertEvent {
    /** Copies the labels. */
    public NotificationDelivered {
        commonLabels = Map.copyOf(commonLabels);
    }
}
