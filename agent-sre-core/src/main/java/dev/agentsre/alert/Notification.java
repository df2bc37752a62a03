package dev.agentsre.alert;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * What a receiver is asked to deliver: the state of one aggregation group at a flush, with
 * Alertmanager's fields. Firing alerts come first, then resolved ones (an alert is resolved when
 * its {@link Alert#endsAt()} is at or before {@link #timestamp()}). Immutable.
 *
 * @param id unique per notification and stable across its retries (the webhook {@code webhook-id})
 * @param receiver the receiver's name
 * @param groupKey the group's key (route path and group labels)
 * @param groupLabels the values of the route's group-by labels
 * @param status FIRING while any alert of the notification fires, RESOLVED when none does
 * @param alerts the group's alerts (silenced and inhibited ones left out)
 * @param commonLabels labels (severity included) with the same value in every alert
 * @param commonAnnotations annotations with the same value in every alert
 * @param severity the highest severity among the firing alerts (among all when resolved)
 * @param firing how many alerts fire
 * @param resolved how many are resolved
 * @param timestamp when the group was flushed
 */
public record Notification(String id, String receiver, String groupKey, Map<String, String> groupLabels, Status status, List<Alert> alerts,
                           Map<String, String> commonLabels, Map<String, String> commonAnnotations, Severity severity, int firing,
                           int resolved, Instant timestamp) {

    /** Whether the group fires. */
    public enum Status {
        /** At least one alert fires. */
        FIRING,
        /** Every alert is resolved. */
        RESOLVED;

        /** {@code firing} or {@code resolved}. */
        public String label() {
            return this == FIRING ? "firing" : "resolved";
        }
    }

    /** Copies the collections. */
    public Notification {
        groupLabels = Map.copyOf(groupLabels);
        alerts = List.copyOf(alerts);
        commonLabels = Map.copyOf(commonLabels);
        commonAnnotations = Map.copyOf(commonAnnotations);
    }

    /** The alertname shared by every alert, or null when they differ. */
    public String commonAlertname() {
        return commonLabels.get(Alert.ALERTNAME);
    }

    /** Whether {@code alert} is resolved in this notification. */
    public boolean isResolved(Alert alert) {
        return alert.isResolvedAt(timestamp);
    }

    /** Alertmanager's title: {@code [FIRING:2] SloBurnRate (critical)} — common labels' values in brackets otherwise. */
    public String title() {
        StringBuilder title = new StringBuilder();
        title.append('[').append(status == Status.FIRING ? "FIRING:" + firing : "RESOLVED").append("] ");
        String name = commonAlertname();
        title.append(name != null ? name : alerts.size() + " alerts");
        StringBuilder rest = new StringBuilder();
        groupLabels.entrySet().stream().sorted(Map.Entry.comparingByKey())
                .filter(e -> !e.getKey().equals(Alert.ALERTNAME))
                .forEach(e -> rest.append(rest.length() == 0 ? "" : " ").append(e.getValue()));
        if (rest.length() > 0) {
            title.append(" ").append(rest);
        }
        title.append(" (").append(severity.label()).append(')');
        return title.toString();
    }
}
