package dev.agentsre.event;

import java.time.Instant;

/**
 * A receiver answered 410 Gone (the webhook was deleted): nothing more is sent to it until the
 * alert manager is rebuilt.
 *
 * @param timestamp when
 * @param agentId always null
 * @param receiver the receiver
 * @param httpStatus the status that disabled it
 * @param reason a sentence for people
 */
public record ReceiverDisabled(Instant timestamp, String agentId, String receiver, int httpStatus, String reason) implements AlertEvent {
}
