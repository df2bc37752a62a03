package dev.agentsre.alert;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.http.HttpRequest;
import java.util.List;
import java.util.Map;

/**
 * A Slack incoming webhook: one Block Kit message per notification — a header (emoji, status,
 * alert name, severity), a section listing the alerts, a section of fields with the labels they
 * share, and a context line with the group and the start time — plus the top-level {@code text}
 * that Slack shows in notifications and where blocks cannot be rendered.
 *
 * <p>Slack's limits are respected by truncating (never by being rejected): header text
 * {@value #HEADER_MAX} characters, section text {@value #SECTION_MAX}, at most {@value #FIELDS_MAX}
 * fields of {@value #FIELD_MAX} characters, well under 50 blocks. Accepted: HTTP 200 with body
 * {@code ok}. Immutable.
 */
public final class SlackReceiver extends Receiver {

    /** Header block text limit. */
    public static final int HEADER_MAX = 150;
    /** Section text limit. */
    public static final int SECTION_MAX = 3000;
    /** Fields per section. */
    public static final int FIELDS_MAX = 10;
    /** Field text limit. */
    public static final int FIELD_MAX = 2000;

    private final Secret webhookUrl;

    SlackReceiver(String name, boolean sendResolved, Secret webhookUrl) {
        super(name, sendResolved);
        this.webhookUrl = webhookUrl;
    }

    @Override
    public SlackReceiver sendResolved(boolean sendResolved) {
        return new SlackReceiver(name(), sendResolved, webhookUrl);
    }

    @Override
    public String kind() {
        return "slack";
    }

    @Override
    public String target() {
        return webhookUrl.redacted();
    }

    @Override
    Secret[] secrets() {
        return new Secret[] {webhookUrl};
    }

    @Override
    HttpRequest request(Notification n, Attempt attempt) {
        return postJson(webhookUrl.revealUri(), payload(n), attempt).build();
    }

    @Override
    boolean accepted(int status, String body) {
        return status == 200 && body != null && body.trim().equals("ok");
    }

    /** The message JSON. */
    static String payload(Notification n) {
        ObjectNode root = Payloads.object();
        root.put("text", Payloads.truncate(n.title(), SECTION_MAX));
        ArrayNode blocks = root.putArray("blocks");

        ObjectNode header = blocks.addObject().put("type", "header");
        header.putObject("text").put("type", "plain_text").put("text", Payloads.truncate(emoji(n) + " " + n.title(), HEADER_MAX))
                .put("emoji", true);

        blocks.addObject().put("type", "section").putObject("text").put("type", "mrkdwn").put("text", alertList(n));

        Map<String, String> facts = Payloads.commonFacts(n);
        if (!facts.isEmpty()) {
            ArrayNode fields = blocks.addObject().put("type", "section").putArray("fields");
            int count = 0;
            for (Map.Entry<String, String> fact : facts.entrySet()) {
                if (count++ == FIELDS_MAX) {
                    break;
                }
                fields.addObject().put("type", "mrkdwn").put("text",
                        Payloads.truncate("*" + Payloads.slackEscape(fact.getKey()) + ":*\n" + Payloads.slackEscape(fact.getValue()), FIELD_MAX));
            }
        }

        String since = n.alerts().stream().map(Alert::startsAt).filter(java.util.Objects::nonNull).min(java.util.Comparator.naturalOrder())
                .map(Payloads::time).orElse(Payloads.time(n.timestamp()));
        blocks.addObject().put("type", "context").putArray("elements").addObject().put("type", "mrkdwn")
                .put("text", Payloads.truncate(Payloads.slackEscape("group " + n.groupKey() + " · since " + since), SECTION_MAX));
        return Payloads.write(root);
    }

    private static String emoji(Notification n) {
        if (n.status() == Notification.Status.RESOLVED) {
            return "✅";
        }
        switch (n.severity()) {
            case CRITICAL:
                return "🚨";
            case WARNING:
                return "⚠️";
            default:
                return "ℹ️";
        }
    }

    /** One bullet per alert, firing first; cut with "+N more" to fit a section. */
    private static String alertList(Notification n) {
        List<Alert> alerts = n.alerts();
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < alerts.size(); i++) {
            Alert a = alerts.get(i);
            String bullet = Payloads.truncate((n.isResolved(a) ? "• ✅ " : "• ") + Payloads.slackEscape(Payloads.line(a)), 1000) + "\n";
            String more = "… +" + (alerts.size() - i) + " more";
            if (text.length() + bullet.length() > SECTION_MAX - 24) {
                text.append(more);
                return text.toString();
            }
            text.append(bullet);
        }
        return Payloads.truncate(text.toString().stripTrailing(), SECTION_MAX);
    }
}
