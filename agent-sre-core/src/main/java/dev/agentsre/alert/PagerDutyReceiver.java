package dev.agentsre.alert;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.agentsre.internal.Check;
import java.net.URI;
import java.net.http.HttpRequest;
import java.util.Map;

/**
 * PagerDuty Events API v2: a firing notification is a {@code trigger}, an all-resolved one a
 * {@code resolve}, both with the same {@code dedup_key} — the hex SHA-256 of receiver and group key
 * (64 characters; PagerDuty allows 255) — so one group is one PagerDuty alert from trigger to
 * resolve, and later changes of the group update it instead of opening another.
 *
 * <p>Trigger payload: {@code summary} (the notification title and first alert, at most
 * {@value #SUMMARY_MAX} characters), {@code source} (default {@value #DEFAULT_SOURCE}),
 * {@code severity} (critical, warning or info — PagerDuty's values), {@code timestamp},
 * {@code component} (the common {@code agent_id}), {@code group} (the common {@code slo}),
 * {@code class} (the common alert name), {@code custom_details} (counts, group labels, alerts);
 * {@code client}; {@code links} to the alerts' generator URLs (https only). A payload over
 * PagerDuty's {@value #MAX_PAYLOAD_BYTES}-byte limit drops the per-alert details. Resolve: exactly
 * {@code routing_key}, {@code event_action} and {@code dedup_key}. Accepted: 2xx (PagerDuty
 * answers 202). Immutable.
 */
public final class PagerDutyReceiver extends Receiver {

    /** PagerDuty's Events API v2 endpoint. */
    public static final URI EVENTS_URL = URI.create("https://events.pagerduty.com/v2/enqueue");
    /** Default {@code payload.source}. */
    public static final String DEFAULT_SOURCE = "agent-sre";
    /** Default {@code client}. */
    public static final String DEFAULT_CLIENT = "agent-sre-java";
    /** {@code payload.summary} limit. */
    public static final int SUMMARY_MAX = 1024;
    /** {@code dedup_key} limit. */
    public static final int DEDUP_KEY_MAX = 255;
    /** Payload size limit. */
    public static final int MAX_PAYLOAD_BYTES = 512_000;

    private final Secret routingKey;
    private final URI eventsUrl;
    private final String source;
    private final String client;
    private final String clientUrl;

    PagerDutyReceiver(String name, boolean sendResolved, Secret routingKey, URI eventsUrl, String source, String client, String clientUrl) {
        super(name, sendResolved);
        this.routingKey = routingKey;
        this.eventsUrl = Check.notNull("eventsUrl", eventsUrl);
        this.source = Check.notBlank("source", source);
        this.client = Check.notBlank("client", client);
        this.clientUrl = clientUrl;
    }

    @Override
    public PagerDutyReceiver sendResolved(boolean sendResolved) {
        return new PagerDutyReceiver(name(), sendResolved, routingKey, eventsUrl, source, client, clientUrl);
    }

    /** Another endpoint (a proxy, or a local server in tests). */
    public PagerDutyReceiver eventsUrl(URI url) {
        return new PagerDutyReceiver(name(), sendResolved(), routingKey, url, source, client, clientUrl);
    }

    /** {@code payload.source}: the affected system, e.g. the service or host name. */
    public PagerDutyReceiver source(String source) {
        return new PagerDutyReceiver(name(), sendResolved(), routingKey, eventsUrl, source, client, clientUrl);
    }

    /** {@code client} and {@code client_url}: who sends, and a link shown with the alert. */
    public PagerDutyReceiver client(String client, String clientUrl) {
        return new PagerDutyReceiver(name(), sendResolved(), routingKey, eventsUrl, source, client, clientUrl);
    }

    @Override
    public String kind() {
        return "pagerduty";
    }

    @Override
    public String target() {
        return eventsUrl.getScheme() + "://" + eventsUrl.getAuthority() + eventsUrl.getPath() + " (routing key ***)";
    }

    @Override
    Secret[] secrets() {
        return new Secret[] {routingKey};
    }

    @Override
    HttpRequest request(Notification n, Attempt attempt) {
        return postJson(eventsUrl, payload(n), attempt).build();
    }

    /** PagerDuty's severity for ours. */
    static String severity(Severity severity) {
        switch (severity) {
            case CRITICAL:
                return "critical";
            case WARNING:
                return "warning";
            default:
                return "info";
        }
    }

    String payload(Notification n) {
        ObjectNode root = Payloads.object();
        root.put("routing_key", routingKey.reveal());
        String dedupKey = Payloads.dedupKey(n);
        if (n.status() == Notification.Status.RESOLVED) {
            root.put("event_action", "resolve");
            root.put("dedup_key", dedupKey);
            return Payloads.write(root);
        }
        root.put("event_action", "trigger");
        root.put("dedup_key", dedupKey);
        ObjectNode payload = root.putObject("payload");
        String first = n.alerts().isEmpty() ? "" : ": " + Payloads.line(n.alerts().get(0));
        payload.put("summary", Payloads.truncate(n.title() + first, SUMMARY_MAX));
        payload.put("source", source);
        payload.put("severity", severity(n.severity()));
        payload.put("timestamp", Payloads.time(n.timestamp()));
        putIfPresent(payload, "component", n.commonLabels().get("agent_id"));
        putIfPresent(payload, "group", n.commonLabels().get("slo"));
        putIfPresent(payload, "class", n.commonAlertname());
        ObjectNode details = payload.putObject("custom_details");
        details.put("firing", n.firing());
        details.put("resolved", n.resolved());
        details.put("group_key", n.groupKey());
        ObjectNode groupLabels = details.putObject("group_labels");
        n.groupLabels().entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(e -> groupLabels.put(e.getKey(), e.getValue()));
        ArrayNode alerts = details.putArray("alerts");
        for (Alert a : n.alerts()) {
            ObjectNode alert = alerts.addObject();
            alert.put("status", n.isResolved(a) ? "resolved" : "firing");
            alert.put("fingerprint", a.fingerprintHex());
            a.labelsWithSeverity().forEach(alert.putObject("labels")::put);
            a.annotations().forEach(alert.putObject("annotations")::put);
        }
        root.put("client", client);
        if (clientUrl != null) {
            root.put("client_url", clientUrl);
        }
        ArrayNode links = null;
        for (Alert a : n.alerts()) {
            if (a.generatorUrl() != null && a.generatorUrl().startsWith("https://")) {
                if (links == null) {
                    links = root.putArray("links");
                }
                if (links.size() < 10) {
                    links.addObject().put("href", a.generatorUrl()).put("text", Payloads.truncate(a.name(), 100));
                }
            }
        }
        String json = Payloads.write(root);
        if (Payloads.utf8Length(json) > MAX_PAYLOAD_BYTES) {
            details.remove("alerts");
            details.put("alerts_dropped", "the alerts did not fit PagerDuty's 512 KB limit");
            json = Payloads.write(root);
        }
        return json;
    }

    private static void putIfPresent(ObjectNode node, String field, String value) {
        if (value != null && !value.isBlank()) {
            node.put(field, value);
        }
    }
}
