package dev.agentsre.alert;

import dev.agentsre.internal.Check;
import java.net.http.HttpRequest;
import java.time.Clock;
import java.time.Duration;
import java.util.function.Consumer;

/**
 * Where notifications go: Slack, PagerDuty, Microsoft Teams, Opsgenie, a generic webhook, or a
 * callback in this JVM. Build them with the static factories; each receiver is immutable and its
 * credential is a {@link Secret} that never appears in logs, {@code toString()} or events.
 *
 * <pre>{@code
 * Receiver.slack("chat", Secret.url(slackWebhookUrl))
 * Receiver.pagerDuty("pager", Secret.of(routingKey))
 * Receiver.teams("teams", Secret.url(workflowUrl))
 * Receiver.opsgenie("og", Secret.of(apiKey)).baseUrl(OpsgenieReceiver.EU)
 * Receiver.webhook("hook", Secret.url(url)).signingSecret(Secret.of("whsec_...")))
 * Receiver.callback("log", notification -> System.out.println(notification.title()))
 * }</pre>
 *
 * <p>Every receiver sends resolved notifications by default ({@link #sendResolved()}), Slack
 * included — a difference from Alertmanager, whose Slack default is false, made because a channel
 * that saw "firing" should see "resolved" too.
 */
public abstract sealed class Receiver permits SlackReceiver, PagerDutyReceiver, TeamsReceiver, OpsgenieReceiver, WebhookReceiver,
        CallbackReceiver {

    private final String name;
    private final boolean sendResolved;

    Receiver(String name, boolean sendResolved) {
        this.name = Check.notBlank("receiver name", name);
        this.sendResolved = sendResolved;
    }

    /** A Slack incoming webhook (Block Kit message with a {@code text} fallback). */
    public static SlackReceiver slack(String name, Secret webhookUrl) {
        return new SlackReceiver(name, true, urlSecret("webhookUrl", webhookUrl));
    }

    /** PagerDuty Events API v2 with the integration's routing key. */
    public static PagerDutyReceiver pagerDuty(String name, Secret routingKey) {
        return new PagerDutyReceiver(name, true, Secret.checked("routingKey", routingKey), PagerDutyReceiver.EVENTS_URL,
                PagerDutyReceiver.DEFAULT_SOURCE, PagerDutyReceiver.DEFAULT_CLIENT, null);
    }

    /** A Microsoft Teams Workflows ("When a Teams webhook request is received") URL; posts an Adaptive Card. */
    public static TeamsReceiver teams(String name, Secret workflowUrl) {
        return new TeamsReceiver(name, true, urlSecret("workflowUrl", workflowUrl));
    }

    /** Opsgenie's Alert API with a GenieKey (US region by default). */
    public static OpsgenieReceiver opsgenie(String name, Secret apiKey) {
        return new OpsgenieReceiver(name, true, Secret.checked("apiKey", apiKey), OpsgenieReceiver.US, OpsgenieReceiver.DEFAULT_SOURCE);
    }

    /** A generic webhook receiving Alertmanager's webhook JSON (version 4). */
    public static WebhookReceiver webhook(String name, Secret url) {
        return new WebhookReceiver(name, true, urlSecret("url", url), java.util.List.of(), 0, null);
    }

    /** A callback in this JVM, run on the sender thread; an exception is retried like a network error. */
    public static CallbackReceiver callback(String name, Consumer<Notification> callback) {
        return new CallbackReceiver(name, true, Check.notNull("callback", callback));
    }

    private static Secret urlSecret(String field, Secret secret) {
        Secret.checked(field, secret);
        if (!secret.isUrl()) {
            throw new IllegalArgumentException(field + " must be a Secret.url(...)");
        }
        return secret;
    }

    /** The receiver's name, used by routes. */
    public String name() {
        return name;
    }

    /** Whether resolved notifications are sent (default true). */
    public boolean sendResolved() {
        return sendResolved;
    }

    /** This receiver with resolved notifications on or off. */
    public abstract Receiver sendResolved(boolean sendResolved);

    /** The kind of receiver: {@code slack}, {@code pagerduty}, {@code teams}, {@code opsgenie}, {@code webhook}, {@code callback}. */
    public abstract String kind();

    /** Where it sends, with secrets redacted. */
    public abstract String target();

    /** The HTTP request delivering {@code n}; null for a callback. */
    abstract HttpRequest request(Notification n, Attempt attempt);

    /** Whether a response means the notification was accepted. */
    boolean accepted(int status, String body) {
        return status >= 200 && status < 300;
    }

    /** The secrets to scrub from error texts. */
    abstract Secret[] secrets();

    /** A JSON POST to {@code uri} with the attempt's timeout. */
    static HttpRequest.Builder postJson(java.net.URI uri, String json, Attempt attempt) {
        return HttpRequest.newBuilder(uri).timeout(attempt.timeout()).header("Content-Type", "application/json")
                .header("User-Agent", "agent-sre-java").POST(HttpRequest.BodyPublishers.ofString(json, java.nio.charset.StandardCharsets.UTF_8));
    }

    /** Context of one delivery attempt. */
    record Attempt(int number, Clock clock, Duration timeout) {
    }

    @Override
    public String toString() {
        return getClass().getSimpleName() + "{" + name + " -> " + target() + ", sendResolved=" + sendResolved + '}';
    }
}
