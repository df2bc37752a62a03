package dev.agentsre.otel;

import dev.agentsre.alert.AlertStatus;
import java.util.HashMap;
import java.util.Map;

/** How the alerting instruments read an {@link dev.agentsre.alert.AlertManager}'s status. */
final class AlertReadings {

    private AlertReadings() {
    }

    static void read(InstrumentSpec spec, AlertStatus status, Readings.Sink m) {
        switch (spec.name()) {
            case "agentsre.alert.groups":
                Map<String, Integer> groups = new HashMap<>();
                status.receivers().forEach(r -> groups.put(r.name(), 0));
                status.groups().forEach(g -> groups.merge(g.receiver(), 1, Integer::sum));
                groups.forEach((receiver, count) -> m.record(count, TelemetryNames.RECEIVER, receiver));
                break;
            case "agentsre.alert.alerts":
                long resolved = status.alerts().stream().filter(a -> a.state() == AlertStatus.AlertState.State.RESOLVED).count();
                m.record(status.firing(), TelemetryNames.STATE, "firing");
                m.record(status.silenced(), TelemetryNames.STATE, "silenced");
                m.record(status.inhibited(), TelemetryNames.STATE, "inhibited");
                m.record(resolved, TelemetryNames.STATE, "resolved");
                break;
            case "agentsre.alert.queue.depth":
                status.receivers().forEach(r -> m.record(r.queueDepth(), TelemetryNames.RECEIVER, r.name()));
                break;
            case "agentsre.alert.notifications":
                for (AlertStatus.ReceiverStatus r : status.receivers()) {
                    m.record(r.delivered(), TelemetryNames.RECEIVER, r.name(), TelemetryNames.OUTCOME, "delivered");
                    m.record(r.failed(), TelemetryNames.RECEIVER, r.name(), TelemetryNames.OUTCOME, "failed");
                    m.record(r.dropped(), TelemetryNames.RECEIVER, r.name(), TelemetryNames.OUTCOME, "dropped");
                }
                break;
            default: // last_delivery
                for (AlertStatus.ReceiverStatus r : status.receivers()) {
                    AlertStatus.Delivery last = r.lastDelivery();
                    if (last != null) {
                        m.record(last.timestamp().toEpochMilli() / 1000.0, TelemetryNames.RECEIVER, r.name(), TelemetryNames.OUTCOME,
                                last.delivered() ? "delivered" : "failed");
                    }
                }
        }
    }
}
