package dev.agentsre.alert;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * A point-in-time view of an {@link AlertManager}: its alerts (with what mutes them), groups,
 * silences and receivers. Reading it changes nothing. Immutable.
 *
 * @param timestamp when it was taken
 * @param alerts every alert held, firing first
 * @param groups every aggregation group
 * @param silences every silence held, with its state
 * @param receivers every receiver's queue and delivery counts
 * @param rejectedAlerts alerts not accepted because {@code maxAlerts} was reached
 */
public record AlertStatus(Instant timestamp, List<AlertState> alerts, List<GroupStatus> groups, List<SilenceStatus> silences,
                          List<ReceiverStatus> receivers, long rejectedAlerts) {

    /** Copies the lists. */
    public AlertStatus {
        alerts = List.copyOf(alerts);
        groups = List.copyOf(groups);
        silences = List.copyOf(silences);
        receivers = List.copyOf(receivers);
    }

    /** Alerts firing and notified (neither silenced nor inhibited). */
    public long firing() {
        return alerts.stream().filter(a -> a.state() == AlertState.State.ACTIVE).count();
    }

    /** Firing alerts muted by a silence. */
    public long silenced() {
        return alerts.stream().filter(a -> a.state() == AlertState.State.SUPPRESSED && !a.silencedBy().isEmpty()).count();
    }

    /** Firing alerts muted by inhibition (and no silence). */
    public long inhibited() {
        return alerts.stream().filter(a -> a.state() == AlertState.State.SUPPRESSED && a.silencedBy().isEmpty()).count();
    }

    /** The state of the alert with this fingerprint, or null. */
    public AlertState alert(long fingerprint) {
        return alerts.stream().filter(a -> a.alert().fingerprint() == fingerprint).findFirst().orElse(null);
    }

    /** The status of a receiver, or null. */
    public ReceiverStatus receiver(String name) {
        return receivers.stream().filter(r -> r.name().equals(name)).findFirst().orElse(null);
    }

    /**
     * One alert and whether it is notified.
     *
     * @param alert the alert
     * @param state ACTIVE (firing, notified), SUPPRESSED (firing, muted) or RESOLVED (waiting for its resolved notification)
     * @param silencedBy ids of the silences muting it
     * @param inhibitedBy fingerprints (hex) of the alerts inhibiting it
     * @param groups keys of the groups it is in
     */
    public record AlertState(Alert alert, State state, List<String> silencedBy, List<String> inhibitedBy, List<String> groups) {

        /** Alertmanager's alert states. */
        public enum State {
            /** Firing and notified. */
            ACTIVE,
            /** Firing, muted by a silence or an inhibition. */
            SUPPRESSED,
            /** Resolved; kept until its group has notified that. */
            RESOLVED
        }

        /** Copies the lists. */
        public AlertState {
            silencedBy = List.copyOf(silencedBy);
            inhibitedBy = List.copyOf(inhibitedBy);
            groups = List.copyOf(groups);
        }
    }

    /**
     * One aggregation group.
     *
     * @param key the group key
     * @param receiver its receiver
     * @param labels its group-by labels
     * @param alerts fingerprints (hex) of its alerts
     * @param lastNotified when it was last notified, or null
     * @param nextFlush when it will next be evaluated, or null
     */
    public record GroupStatus(String key, String receiver, Map<String, String> labels, List<String> alerts, Instant lastNotified,
                              Instant nextFlush) {
        /** Copies the collections. */
        public GroupStatus {
            labels = Map.copyOf(labels);
            alerts = List.copyOf(alerts);
        }
    }

    /**
     * One silence.
     *
     * @param silence the silence
     * @param state its state at {@link AlertStatus#timestamp()}
     */
    public record SilenceStatus(Silence silence, Silence.State state) {
    }

    /**
     * One receiver's delivery.
     *
     * @param name the receiver
     * @param kind slack, pagerduty, teams, opsgenie, webhook or callback
     * @param target where it sends, secrets redacted
     * @param queueDepth notifications waiting (the one in flight included)
     * @param queueCapacity the queue's capacity
     * @param delivered notifications delivered
     * @param failed notifications given up
     * @param dropped notifications dropped from a full queue (or for a disabled receiver)
     * @param retries attempts beyond the first
     * @param disabled whether it answered 410 Gone and is off
     * @param lastDelivery the last delivery attempt's outcome, or null
     */
    public record ReceiverStatus(String name, String kind, String target, int queueDepth, int queueCapacity, long delivered, long failed,
                                 long dropped, long retries, boolean disabled, Delivery lastDelivery) {
    }

    /**
     * The outcome of a delivery.
     *
     * @param timestamp when it ended
     * @param delivered whether it was accepted
     * @param httpStatus the HTTP status, -1 after a network error, 0 for a callback
     * @param attempts attempts made
     * @param error why it failed (secrets redacted), or null
     */
    public record Delivery(Instant timestamp, boolean delivered, int httpStatus, int attempts, String error) {
    }
}
