package dev.agentsre.alert;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.agentsre.internal.Check;
import java.net.URI;
import java.net.http.HttpRequest;
import java.util.Map;

/**
 * Opsgenie's Alert API: a firing notification creates an alert ({@code POST /v2/alerts}) whose
 * {@code alias} is the hex SHA-256 of receiver and group key; an all-resolved one closes that
 * alert by alias ({@code POST /v2/alerts/{alias}/close?identifierType=alias}) — it never opens a
 * new one. Authorisation: {@code GenieKey <key>}. Priority: P1 critical, P3 warning, P5 info. Limits
 * respected by truncation: message {@value #MESSAGE_MAX} characters, description
 * {@value #DESCRIPTION_MAX}, at most {@value #TAGS_MAX} tags of {@value #TAG_MAX}, source 100, entity
 * 512. Accepted: 2xx (Opsgenie answers 202).
 *
 * <p><b>End of life.</b> Atlassian stopped selling Opsgenie on 2025-06-04 and ends its support and
 * REST API on <b>2027-04-05</b> (customers move to Jira Service Management or Compass). This
 * receiver exists for parity with the Python original; plan the move. Immutable.
 */
public final class OpsgenieReceiver extends Receiver {

    /** The US API. */
    public static final String US = "https://api.opsgenie.com";
    /** The EU API. */
    public static final String EU = "https://api.eu.opsgenie.com";
    /** Default {@code source}. */
    public static final String DEFAULT_SOURCE = "agent-sre";
    /** Message limit. */
    public static final int MESSAGE_MAX = 130;
    /** Description limit. */
    public static final int DESCRIPTION_MAX = 15_000;
    /** Tags per alert. */
    public static final int TAGS_MAX = 20;
    /** Tag length. */
    public static final int TAG_MAX = 50;

    private final Secret apiKey;
    private final String baseUrl;
    private final String source;

    OpsgenieReceiver(String name, boolean sendResolved, Secret apiKey, String baseUrl, String source) {
        super(name, sendResolved);
        this.apiKey = apiKey;
        String base = Check.notBlank("baseUrl", baseUrl);
        URI uri = URI.create(base);
        if (uri.getScheme() == null || uri.getHost() == null) {
            throw new IllegalArgumentException("baseUrl must be an absolute URL, got '" + baseUrl + "'");
        }
        this.baseUrl = base.endsWith("/") ? base.substring(0, base.length() - 1) : base;
        this.source = Payloads.truncate(Check.notBlank("source", source), 100);
    }

    @Override
    public OpsgenieReceiver sendResolved(boolean sendResolved) {
        return new OpsgenieReceiver(name(), sendResolved, apiKey, baseUrl, source);
    }

    /** The API's base URL: {@link #US} (default), {@link #EU}, or another (a local server in tests). */
    public OpsgenieReceiver baseUrl(String baseUrl) {
        return new OpsgenieReceiver(name(), sendResolved(), apiKey, baseUrl, source);
    }

    /** The {@code source} field. */
    public OpsgenieReceiver source(String source) {
        return new OpsgenieReceiver(name(), sendResolved(), apiKey, baseUrl, source);
    }

    @Override
    public String kind() {
        return "opsgenie";
    }

    @Override
    public String target() {
        return baseUrl + " (GenieKey ***)";
    }

    @Override
    Secret[] secrets() {
        return new Secret[] {apiKey};
    }

    @Override
    HttpRequest request(Notification n, Attempt attempt) {
        String alias = Payloads.dedupKey(n);
        URI uri = n.status() == Notification.Status.RESOLVED
                ? URI.create(baseUrl + "/v2/alerts/" + alias + "/close?identifierType=alias")
                : URI.create(baseUrl + "/v2/alerts");
        return postJson(uri, payload(n), attempt).header("Authorization", "GenieKey " + apiKey.reveal()).build();
    }

    /** Opsgenie's priority for ours. */
    static String priority(Severity severity) {
        switch (severity) {
            case CRITICAL:
                return "P1";
            case WARNING:
                return "P3";
            default:
                return "P5";
        }
    }

    String payload(Notification n) {
        ObjectNode root = Payloads.object();
        if (n.status() == Notification.Status.RESOLVED) {
            root.put("source", source);
            root.put("note", Payloads.truncate("Resolved: " + n.title(), 25_000));
            return Payloads.write(root);
        }
        root.put("message", Payloads.truncate(n.title(), MESSAGE_MAX));
        root.put("alias", Payloads.dedupKey(n));
        StringBuilder description = new StringBuilder();
        for (Alert a : n.alerts()) {
            description.append(n.isResolved(a) ? "(resolved) " : "").append(Payloads.line(a)).append('\n');
        }
        root.put("description", Payloads.truncate(description.toString().stripTrailing(), DESCRIPTION_MAX));
        ArrayNode tags = root.putArray("tags");
        for (Map.Entry<String, String> fact : Payloads.commonFacts(n).entrySet()) {
            if (tags.size() == TAGS_MAX) {
                break;
            }
            tags.add(Payloads.truncate(fact.getKey() + ":" + fact.getValue(), TAG_MAX));
        }
        ObjectNode details = root.putObject("details");
        n.groupLabels().entrySet().stream().sorted(Map.Entry.comparingByKey())
                .forEach(e -> details.put(e.getKey(), Payloads.truncate(e.getValue(), 500)));
        details.put("firing", Integer.toString(n.firing()));
        details.put("group_key", Payloads.truncate(n.groupKey(), 1000));
        String entity = n.commonLabels().get("agent_id");
        if (entity != null) {
            root.put("entity", Payloads.truncate(entity, 512));
        }
        root.put("source", source);
        root.put("priority", priority(n.severity()));
        return Payloads.write(root);
    }
}
