package dev.agentsre.alert;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ScheduledFuture;

/** Alerts of one route with equal group-by labels, and what the route's receiver was last told. Guarded by the manager's lock. */
final class AggregationGroup {

    final String key;
    final RouteNode route;
    final Map<String, String> labels;
    final ReceiverChannel channel;
    final LinkedHashMap<Long, Alert> alerts = new LinkedHashMap<>();
    /** The last notification decided for this group (seeded from the notification log), or null. */
    NotificationLog.Entry notified;
    ScheduledFuture<?> timer;
    Instant nextFlush;
    boolean closed;

    AggregationGroup(String key, RouteNode route, Map<String, String> labels, ReceiverChannel channel, NotificationLog.Entry notified) {
        this.key = key;
        this.route = route;
        this.labels = labels;
        this.channel = channel;
        this.notified = notified;
    }

    /** Whether the last notification had firing alerts and {@code severity} is above its highest. */
    boolean escalatesTo(Severity severity) {
        return notified != null && notified.firingCount() > 0 && severity.isHigherThan(notified.severity());
    }
}
