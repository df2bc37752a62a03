package dev.agentsre.alert;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.http.HttpRequest;
import java.util.List;
import java.util.Map;

/**
 * Microsoft Teams through a Workflows webhook (Power Automate's "When a Teams webhook request is
 * received"; Office 365 connectors are retired): a {@code message} whose one attachment is an
 * Adaptive Card {@value #CARD_VERSION} — a heading coloured by status (Attention for critical,
 * Warning for warning, Good when resolved), the alert list, a FactSet of the labels the alerts
 * share, full width. Workflows accept Adaptive Cards only and cannot post to private channels as
 * the flow bot. Teams rejects messages over {@value #MAX_BYTES} bytes, so alert lines are dropped
 * ("+N more") until the card fits. Accepted: 2xx (Workflows answer 202 before posting). Immutable.
 */
public final class TeamsReceiver extends Receiver {

    /** The Adaptive Card version used. */
    public static final String CARD_VERSION = "1.4";
    /** Teams' message size limit. */
    public static final int MAX_BYTES = 28_000;

    private final Secret workflowUrl;

    TeamsReceiver(String name, boolean sendResolved, Secret workflowUrl) {
        super(name, sendResolved);
        this.workflowUrl = workflowUrl;
    }

    @Override
    public TeamsReceiver sendResolved(boolean sendResolved) {
        return new TeamsReceiver(name(), sendResolved, workflowUrl);
    }

    @Override
    public String kind() {
        return "teams";
    }

    @Override
    public String target() {
        return workflowUrl.redacted();
    }

    @Override
    Secret[] secrets() {
        return new Secret[] {workflowUrl};
    }

    @Override
    HttpRequest request(Notification n, Attempt attempt) {
        return postJson(workflowUrl.revealUri(), payload(n), attempt).build();
    }

    static String payload(Notification n) {
        List<Alert> alerts = n.alerts();
        for (int shown = alerts.size(); ; shown = shown / 2) {
            String json = card(n, shown);
            if (Payloads.utf8Length(json) <= MAX_BYTES || shown == 0) {
                return json;
            }
        }
    }

    private static String card(Notification n, int shown) {
        ObjectNode root = Payloads.object();
        root.put("type", "message");
        ObjectNode attachment = root.putArray("attachments").addObject();
        attachment.put("contentType", "application/vnd.microsoft.card.adaptive");
        attachment.putNull("contentUrl");
        ObjectNode content = attachment.putObject("content");
        content.put("$schema", "http://adaptivecards.io/schemas/adaptive-card.json");
        content.put("type", "AdaptiveCard");
        content.put("version", CARD_VERSION);
        ArrayNode body = content.putArray("body");
        body.addObject().put("type", "TextBlock").put("text", Payloads.truncate(n.title(), 1000)).put("weight", "Bolder")
                .put("size", "Medium").put("wrap", true).put("style", "heading").put("color", color(n));
        StringBuilder text = new StringBuilder();
        List<Alert> alerts = n.alerts();
        for (int i = 0; i < shown; i++) {
            Alert a = alerts.get(i);
            text.append("- ").append(n.isResolved(a) ? "(resolved) " : "").append(Payloads.truncate(Payloads.line(a), 2000)).append("\n\n");
        }
        if (shown < alerts.size()) {
            text.append("+").append(alerts.size() - shown).append(" more");
        }
        body.addObject().put("type", "TextBlock").put("text", text.toString().stripTrailing()).put("wrap", true);
        Map<String, String> common = Payloads.commonFacts(n);
        ArrayNode facts = body.addObject().put("type", "FactSet").putArray("facts");
        common.forEach((k, v) -> facts.addObject().put("title", k).put("value", Payloads.truncate(v, 1000)));
        facts.addObject().put("title", "status").put("value", n.status().label());
        content.putObject("msteams").put("width", "Full");
        return Payloads.write(root);
    }

    private static String color(Notification n) {
        if (n.status() == Notification.Status.RESOLVED) {
            return "Good";
        }
        return n.severity() == Severity.CRITICAL ? "Attention" : "Warning";
    }
}
