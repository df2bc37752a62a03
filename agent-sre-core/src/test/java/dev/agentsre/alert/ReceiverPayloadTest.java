package dev.agentsre.alert;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.agentsre.event.NotificationFailed;
import dev.agentsre.event.SreEventBus;
import dev.agentsre.testing.LocalHttpReceiver;
import dev.agentsre.testing.ManualScheduledExecutor;
import dev.agentsre.testing.ManualClock;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Golden payloads of every receiver, sent over real HTTP to a local server and checked field by
 * field against the vendors' documentation: PagerDuty Events API v2 (developer.pagerduty.com,
 * "Send an Alert Event"), Slack Block Kit (header, section, fields, context limits), Microsoft
 * Teams Workflows with an Adaptive Card, Opsgenie's Alert API (create and close by alias),
 * Alertmanager's webhook v4 and Standard Webhooks 1.0 signing.
 */
class ReceiverPayloadTest {

    private static final Instant T0 = Instant.parse("2026-11-25T10:00:00Z");
    private static final String ROUTING_KEY = "R0UT1NGKEYR0UT1NGKEYR0UT1NGKEY12";

    private final ManualClock clock = ManualClock.at(T0);
    private final ManualScheduledExecutor scheduler = new ManualScheduledExecutor(clock);
    private final LocalHttpReceiver server = LocalHttpReceiver.answering(202, "");
    private AlertManager alerts;

    @AfterEach
    void stop() {
        if (alerts != null) {
            alerts.close();
        }
        server.close();
    }

    private void send(Receiver receiver, Alert... fired) {
        alerts = AlertManager.builder().route(Route.root(receiver.name()).groupBy("alertname").groupWait(Duration.ZERO)).receiver(receiver)
                .clock(clock).scheduler(scheduler).build();
        for (Alert a : fired) {
            alerts.fire(a);
        }
        scheduler.advanceTo(clock.instant());
    }

    private void resolveAll(Alert... fired) {
        for (Alert a : fired) {
            alerts.resolve(a);
        }
        scheduler.advanceTo(clock.instant().plus(Duration.ofMinutes(5)));
    }

    private static Alert burn(String agent) {
        return Alert.builder("SloBurnRate").label("agent_id", agent).label("slo", "code-reviewer-reliability").label("rule", "fast_burn")
                .severity(Severity.CRITICAL).annotation("summary", "burn rate 14.6x over 1h and 5m").build();
    }

    @Test
    void fingerprintsArePrometheusLabelSetFingerprints() {
        // prometheus/common model/signature_test.go
        assertThat(Alert.fingerprintOf(Map.of())).isEqualTo(Long.parseUnsignedLong("14695981039346656037"));
        assertThat(Alert.fingerprintOf(Map.of("name", "garland, briggs", "fear", "love is not enough")))
                .isEqualTo(5799056148416392346L);
        Alert a = Alert.builder("X").label("agent_id", "a").severity(Severity.WARNING).build();
        Alert b = Alert.builder("X").label("agent_id", "a").severity(Severity.CRITICAL).annotation("summary", "other").build();
        assertThat(a.fingerprint()).isEqualTo(b.fingerprint()); // severity is not identity
        assertThat(a.fingerprintHex()).hasSize(16).matches("[0-9a-f]{16}");
    }

    @Test
    void pagerDutyTriggerAndResolveFollowEventsApiV2() {
        Receiver pager = Receiver.pagerDuty("pager", Secret.of(ROUTING_KEY)).eventsUrl(server.uri().resolve("/v2/enqueue"));
        Alert alert = burn("code-reviewer");
        send(pager, alert);

        LocalHttpReceiver.Request request = server.last();
        assertThat(request.method()).isEqualTo("POST");
        assertThat(request.path()).isEqualTo("/v2/enqueue");
        assertThat(request.header("content-type")).isEqualTo("application/json");
        JsonNode trigger = request.json();
        assertThat(trigger.get("routing_key").asText()).isEqualTo(ROUTING_KEY);
        assertThat(trigger.get("event_action").asText()).isEqualTo("trigger");
        String dedupKey = trigger.get("dedup_key").asText();
        assertThat(dedupKey).matches("[0-9a-f]{64}").hasSizeLessThanOrEqualTo(PagerDutyReceiver.DEDUP_KEY_MAX);
        assertThat(dedupKey).isEqualTo(Payloads.sha256("pager|{}:{alertname=\"SloBurnRate\"}"));
        JsonNode payload = trigger.get("payload");
        assertThat(payload.get("summary").asText())
                .isEqualTo("[FIRING:1] SloBurnRate (critical): SloBurnRate {agent_id=code-reviewer, rule=fast_burn, slo=code-reviewer-reliability}: "
                        + "burn rate 14.6x over 1h and 5m")
                .hasSizeLessThanOrEqualTo(1024);
        assertThat(payload.get("source").asText()).isEqualTo("agent-sre");
        assertThat(payload.get("severity").asText()).isIn("critical", "error", "warning", "info").isEqualTo("critical");
        assertThat(payload.get("timestamp").asText()).isEqualTo("2026-11-25T10:00:00Z");
        assertThat(payload.get("component").asText()).isEqualTo("code-reviewer");
        assertThat(payload.get("group").asText()).isEqualTo("code-reviewer-reliability");
        assertThat(payload.get("class").asText()).isEqualTo("SloBurnRate");
        JsonNode details = payload.get("custom_details");
        assertThat(details.get("firing").asInt()).isEqualTo(1);
        assertThat(details.get("alerts").get(0).get("fingerprint").asText()).isEqualTo(alert.fingerprintHex());
        assertThat(details.get("alerts").get(0).get("labels").get("severity").asText()).isEqualTo("critical");
        assertThat(trigger.get("client").asText()).isEqualTo("agent-sre-java");
        List<String> fields = new ArrayList<>();
        trigger.fieldNames().forEachRemaining(fields::add);
        assertThat(fields).containsExactly("routing_key", "event_action", "dedup_key", "payload", "client");

        resolveAll(alert);
        JsonNode resolve = server.last().json();
        assertThat(resolve).hasToString("{\"routing_key\":\"" + ROUTING_KEY + "\",\"event_action\":\"resolve\",\"dedup_key\":\"" + dedupKey + "\"}");
    }

    @Test
    void pagerDutySummaryIsTruncatedTo1024AndSeveritiesMapToPagerDutysFour() {
        assertThat(PagerDutyReceiver.severity(Severity.CRITICAL)).isEqualTo("critical");
        assertThat(PagerDutyReceiver.severity(Severity.WARNING)).isEqualTo("warning");
        assertThat(PagerDutyReceiver.severity(Severity.INFO)).isEqualTo("info");
        Receiver pager = Receiver.pagerDuty("pager", Secret.of(ROUTING_KEY)).eventsUrl(server.uri().resolve("/v2/enqueue"));
        send(pager, Alert.builder("X").annotation("summary", "é".repeat(5000)).severity(Severity.INFO).build());
        String summary = server.last().json().get("payload").get("summary").asText();
        assertThat(summary.length()).isEqualTo(1024);
        assertThat(summary).endsWith("…");
        assertThat(server.last().json().get("payload").get("severity").asText()).isEqualTo("info");
    }

    @Test
    void pagerDutyPayloadsOverHalfAMegabyteDropTheirPerAlertDetails() {
        Receiver pager = Receiver.pagerDuty("pager", Secret.of(ROUTING_KEY)).eventsUrl(server.uri().resolve("/v2/enqueue"));
        List<Alert> many = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            many.add(Alert.builder("Big").label("agent_id", "agent-" + i).annotation("description", "x".repeat(3000)).build());
        }
        send(pager, many.toArray(new Alert[0]));
        assertThat(server.last().body().getBytes(StandardCharsets.UTF_8).length).isLessThanOrEqualTo(PagerDutyReceiver.MAX_PAYLOAD_BYTES);
        assertThat(server.last().json().get("payload").get("custom_details").has("alerts")).isFalse();
        assertThat(server.last().json().get("payload").get("custom_details").get("firing").asInt()).isEqualTo(300);
    }

    @Test
    void slackUsesBlockKitWithATextFallbackAndStaysWithinItsLimits() {
        LocalHttpReceiver slack = LocalHttpReceiver.answering(200, "ok");
        try {
            Receiver receiver = Receiver.slack("chat", Secret.url(slack.url("/services/T000/B000/XXXX")));
            Alert alert = burn("code-reviewer");
            alerts = AlertManager.builder().route(Route.root("chat").groupBy("alertname").groupWait(Duration.ZERO)).receiver(receiver)
                    .clock(clock).scheduler(scheduler).build();
            alerts.fire(alert);
            scheduler.advanceTo(clock.instant());

            JsonNode message = slack.last().json();
            assertThat(message.get("text").asText()).isEqualTo("[FIRING:1] SloBurnRate (critical)");
            JsonNode blocks = message.get("blocks");
            assertThat(blocks.size()).isLessThanOrEqualTo(50);
            assertThat(blocks.get(0).get("type").asText()).isEqualTo("header");
            assertThat(blocks.get(0).get("text").get("type").asText()).isEqualTo("plain_text");
            assertThat(blocks.get(0).get("text").get("text").asText()).isEqualTo("🚨 [FIRING:1] SloBurnRate (critical)");
            assertThat(blocks.get(1).get("type").asText()).isEqualTo("section");
            assertThat(blocks.get(1).get("text").get("type").asText()).isEqualTo("mrkdwn");
            assertThat(blocks.get(1).get("text").get("text").asText()).contains("agent_id=code-reviewer").contains("burn rate 14.6x");
            JsonNode fields = blocks.get(2).get("fields");
            List<String> texts = new ArrayList<>();
            fields.forEach(f -> texts.add(f.get("text").asText()));
            assertThat(texts).containsExactly("*agent_id:*\ncode-reviewer", "*rule:*\nfast_burn", "*severity:*\ncritical",
                    "*slo:*\ncode-reviewer-reliability");
            assertThat(blocks.get(3).get("type").asText()).isEqualTo("context");
            assertThat(blocks.get(3).get("elements").get(0).get("text").asText()).contains("since 2026-11-25T10:00:00Z");
            assertThat(alerts.status().receiver("chat").delivered()).isEqualTo(1);

            alerts.resolve(alert);
            scheduler.advanceTo(clock.instant().plus(Duration.ofMinutes(5)));
            JsonNode resolved = slack.last().json();
            assertThat(resolved.get("text").asText()).isEqualTo("[RESOLVED] SloBurnRate (critical)");
            assertThat(resolved.get("blocks").get(0).get("text").get("text").asText()).startsWith("✅");
        } finally {
            slack.close();
        }
    }

    @Test
    void slackTruncatesTheHeaderSectionsAndFieldsInsteadOfBeingRejected() {
        List<Alert> many = new ArrayList<>();
        Alert.Builder wide = Alert.builder("A".repeat(400)).severity(Severity.WARNING);
        for (int i = 0; i < 15; i++) {
            wide.label("label_" + i, "v".repeat(3000));
        }
        many.add(wide.build());
        for (int i = 0; i < 200; i++) {
            many.add(Alert.builder("A".repeat(400)).label("agent_id", "agent-" + i).annotation("summary", "<&> " + "s".repeat(100)).build());
        }
        Notification n = new Notification("id", "chat", "{}:{}", Map.of(), Notification.Status.FIRING, many,
                commonLabels(),
                Map.of(), Severity.WARNING, many.size(), 0, T0);
        JsonNode message = Payloads.JSON.valueToTree(readTree(SlackReceiver.payload(n)));
        assertThat(message.get("blocks").get(0).get("text").get("text").asText()).hasSizeLessThanOrEqualTo(SlackReceiver.HEADER_MAX);
        assertThat(message.get("blocks").get(1).get("text").get("text").asText()).hasSizeLessThanOrEqualTo(SlackReceiver.SECTION_MAX)
                .contains("more").contains("&lt;&amp;&gt;");
        JsonNode fields = message.get("blocks").get(2).get("fields");
        assertThat(fields.size()).isLessThanOrEqualTo(SlackReceiver.FIELDS_MAX);
        fields.forEach(f -> assertThat(f.get("text").asText()).hasSizeLessThanOrEqualTo(SlackReceiver.FIELD_MAX));
    }

    private static Map<String, String> commonLabels() {
        Map<String, String> labels = new java.util.TreeMap<>();
        labels.put("label_0", "v".repeat(3000));
        for (int i = 1; i <= 12; i++) {
            labels.put("a" + i, Integer.toString(i));
        }
        return labels;
    }

    private static JsonNode readTree(String json) {
        try {
            return Payloads.JSON.readTree(json);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void slackAcceptsOnlyOk() {
        LocalHttpReceiver slack = LocalHttpReceiver.answering(200, "invalid_blocks");
        try {
            alerts = AlertManager.builder().route(Route.root("chat").groupWait(Duration.ZERO))
                    .receiver(Receiver.slack("chat", Secret.url(slack.url("/services/x")))).clock(clock).scheduler(scheduler).build();
            alerts.fire(burn("a"));
            scheduler.advanceTo(clock.instant().plus(Duration.ofHours(1)));
            assertThat(slack.requests()).hasSize(1);
            assertThat(alerts.status().receiver("chat").failed()).isEqualTo(1);
        } finally {
            slack.close();
        }
    }

    @Test
    void teamsPostsAnAdaptiveCardMessageAsWorkflowsExpect() {
        send(Receiver.teams("teams", Secret.url(server.url("/workflows/abc/triggers/manual/run"))), burn("code-reviewer"));
        JsonNode message = server.last().json();
        assertThat(message.get("type").asText()).isEqualTo("message");
        JsonNode attachment = message.get("attachments").get(0);
        assertThat(attachment.get("contentType").asText()).isEqualTo("application/vnd.microsoft.card.adaptive");
        assertThat(attachment.get("contentUrl").isNull()).isTrue();
        JsonNode card = attachment.get("content");
        assertThat(card.get("$schema").asText()).isEqualTo("http://adaptivecards.io/schemas/adaptive-card.json");
        assertThat(card.get("type").asText()).isEqualTo("AdaptiveCard");
        assertThat(card.get("version").asText()).isEqualTo("1.4");
        JsonNode title = card.get("body").get(0);
        assertThat(title.get("type").asText()).isEqualTo("TextBlock");
        assertThat(title.get("text").asText()).isEqualTo("[FIRING:1] SloBurnRate (critical)");
        assertThat(title.get("weight").asText()).isEqualTo("Bolder");
        assertThat(title.get("style").asText()).isEqualTo("heading");
        assertThat(title.get("color").asText()).isEqualTo("Attention");
        assertThat(card.get("body").get(1).get("text").asText()).contains("burn rate 14.6x");
        JsonNode facts = card.get("body").get(2);
        assertThat(facts.get("type").asText()).isEqualTo("FactSet");
        assertThat(facts.get("facts").get(0).get("title").asText()).isEqualTo("agent_id");
        assertThat(facts.get("facts").get(0).get("value").asText()).isEqualTo("code-reviewer");
        assertThat(card.get("msteams").get("width").asText()).isEqualTo("Full");
    }

    @Test
    void teamsDropsAlertLinesUntilTheCardFits28Kilobytes() {
        List<Alert> many = new ArrayList<>();
        for (int i = 0; i < 500; i++) {
            many.add(Alert.builder("Many").label("agent_id", "agent-" + i).annotation("summary", "x".repeat(200)).build());
        }
        Notification n = new Notification("id", "teams", "k", Map.of(), Notification.Status.FIRING, many, Map.of(), Map.of(),
                Severity.WARNING, 500, 0, T0);
        String json = TeamsReceiver.payload(n);
        assertThat(json.getBytes(StandardCharsets.UTF_8).length).isLessThanOrEqualTo(TeamsReceiver.MAX_BYTES);
        assertThat(json).contains("more");
    }

    @Test
    void opsgenieCreatesWithAnAliasAndClosesByThatAliasNeverOpeningANewAlert() {
        Receiver og = Receiver.opsgenie("og", Secret.of("0f1e2d3c-key")).baseUrl(server.uri().toString());
        Alert alert = burn("code-reviewer");
        send(og, alert);
        LocalHttpReceiver.Request create = server.last();
        assertThat(create.path()).isEqualTo("/v2/alerts");
        assertThat(create.header("authorization")).isEqualTo("GenieKey 0f1e2d3c-key");
        JsonNode body = create.json();
        assertThat(body.get("message").asText()).isEqualTo("[FIRING:1] SloBurnRate (critical)").hasSizeLessThanOrEqualTo(130);
        String alias = body.get("alias").asText();
        assertThat(alias).hasSize(64).hasSizeLessThanOrEqualTo(512);
        assertThat(body.get("description").asText()).contains("burn rate 14.6x");
        List<String> tags = new ArrayList<>();
        body.get("tags").forEach(t -> tags.add(t.asText()));
        assertThat(tags).contains("agent_id:code-reviewer", "severity:critical").hasSizeLessThanOrEqualTo(20)
                .allSatisfy(t -> assertThat(t).hasSizeLessThanOrEqualTo(50));
        assertThat(body.get("details").get("alertname").asText()).isEqualTo("SloBurnRate");
        assertThat(body.get("entity").asText()).isEqualTo("code-reviewer");
        assertThat(body.get("source").asText()).isEqualTo("agent-sre");
        assertThat(body.get("priority").asText()).isEqualTo("P1");

        resolveAll(alert);
        LocalHttpReceiver.Request close = server.last();
        assertThat(close.path()).isEqualTo("/v2/alerts/" + alias + "/close");
        assertThat(close.query()).isEqualTo("identifierType=alias");
        assertThat(close.header("authorization")).isEqualTo("GenieKey 0f1e2d3c-key");
        assertThat(close.json().get("source").asText()).isEqualTo("agent-sre");
        assertThat(server.requests().stream().filter(r -> r.path().equals("/v2/alerts"))).hasSize(1);
        assertThat(OpsgenieReceiver.priority(Severity.WARNING)).isEqualTo("P3");
        assertThat(OpsgenieReceiver.priority(Severity.INFO)).isEqualTo("P5");
        assertThat(Receiver.opsgenie("og", Secret.of("k")).baseUrl(OpsgenieReceiver.EU).target()).startsWith("https://api.eu.opsgenie.com");
    }

    @Test
    void webhookSendsAlertmanagerV4Json() {
        send(Receiver.webhook("hook", Secret.url(server.url("/hook"))).externalUrl("https://sre.example.com"), burn("code-reviewer"));
        JsonNode body = server.last().json();
        List<String> fields = new ArrayList<>();
        body.fieldNames().forEachRemaining(fields::add);
        assertThat(fields).containsExactly("version", "groupKey", "truncatedAlerts", "status", "receiver", "groupLabels", "commonLabels",
                "commonAnnotations", "externalURL", "alerts");
        assertThat(body.get("version").asText()).isEqualTo("4");
        assertThat(body.get("groupKey").asText()).isEqualTo("{}:{alertname=\"SloBurnRate\"}");
        assertThat(body.get("truncatedAlerts").asInt()).isZero();
        assertThat(body.get("status").asText()).isEqualTo("firing");
        assertThat(body.get("receiver").asText()).isEqualTo("hook");
        assertThat(body.get("externalURL").asText()).isEqualTo("https://sre.example.com");
        JsonNode alert = body.get("alerts").get(0);
        List<String> alertFields = new ArrayList<>();
        alert.fieldNames().forEachRemaining(alertFields::add);
        assertThat(alertFields).containsExactly("status", "labels", "annotations", "startsAt", "endsAt", "generatorURL", "fingerprint");
        assertThat(alert.get("startsAt").asText()).isEqualTo("2026-11-25T10:00:00Z");
        assertThat(alert.get("endsAt").asText()).isEqualTo("0001-01-01T00:00:00Z");
        assertThat(alert.get("fingerprint").asText()).isEqualTo(burn("code-reviewer").fingerprintHex());
        assertThat(server.last().header("webhook-signature")).isNull();
    }

    @Test
    void standardWebhooksSignatureMatchesTheSpecificationsTestVector() {
        // standard-webhooks: secret whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw, id msg_p5jXN8AQM9LWM0D4loKWxJek, ts 1614265330
        byte[] key = WebhookReceiver.key(Secret.of("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"));
        assertThat(WebhookReceiver.signature(key, "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330L, "{\"test\": 2432232314}"))
                .isEqualTo("g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
    }

    @Test
    void signedWebhooksCarryTheThreeStandardHeadersAndVerify() throws Exception {
        Secret current = Secret.of("whsec_" + Base64.getEncoder().encodeToString("0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.UTF_8)));
        Secret previous = Secret.of("whsec_" + Base64.getEncoder().encodeToString("fedcba9876543210fedcba9876543210".getBytes(StandardCharsets.UTF_8)));
        send(Receiver.webhook("hook", Secret.url(server.url("/hook"))).signingSecret(current, previous), burn("a"));
        LocalHttpReceiver.Request request = server.last();
        String id = request.header("webhook-id");
        String timestamp = request.header("webhook-timestamp");
        assertThat(id).startsWith("msg_");
        assertThat(timestamp).isEqualTo(Long.toString(T0.getEpochSecond()));
        String[] signatures = request.header("webhook-signature").split(" ");
        assertThat(signatures).hasSize(2);
        javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA256");
        mac.init(new javax.crypto.spec.SecretKeySpec("0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        String expected = Base64.getEncoder().encodeToString(mac.doFinal((id + "." + timestamp + "." + request.body()).getBytes(StandardCharsets.UTF_8)));
        assertThat(signatures[0]).isEqualTo("v1," + expected);
        assertThat(signatures[1]).startsWith("v1,").isNotEqualTo(signatures[0]);
        assertThatThrownBy(() -> Receiver.webhook("x", Secret.url("https://example.com/h")).signingSecret(Secret.of("whsec_!!notbase64")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageNotContaining("!!notbase64");
    }

    @Test
    void webhookMaxAlertsTruncatesAndCounts() {
        send(Receiver.webhook("hook", Secret.url(server.url("/hook"))).maxAlerts(2), burn("a"), burn("b"), burn("c"));
        JsonNode body = server.last().json();
        assertThat(body.get("alerts").size()).isEqualTo(2);
        assertThat(body.get("truncatedAlerts").asInt()).isEqualTo(1);
    }

    @Test
    void callbacksRunOnTheSenderAndAreRetriedWhenTheyThrow() {
        List<Notification> seen = new CopyOnWriteArrayList<>();
        int[] calls = {0};
        alerts = AlertManager.builder().route(Route.root("cb").groupWait(Duration.ZERO))
                .receiver(Receiver.callback("cb", n -> {
                    if (calls[0]++ == 0) {
                        throw new IllegalStateException("first call fails");
                    }
                    seen.add(n);
                })).clock(clock).scheduler(scheduler).jitter(() -> 0.0).build();
        alerts.fire(burn("a"));
        scheduler.advanceTo(clock.instant().plusSeconds(1));
        assertThat(seen).singleElement().satisfies(n -> assertThat(n.title()).isEqualTo("[FIRING:1] SloBurnRate (critical)"));
        assertThat(alerts.status().receiver("cb").delivered()).isEqualTo(1);
    }

    @Test
    void secretsNeverShowInToStringStatusEventsOrErrors() {
        String slackUrl = "http://127.0.0.1:1/services/T0SECRET/B0SECRET/XXSECRETXX";
        Secret url = Secret.url(slackUrl);
        assertThat(url.toString()).isEqualTo("***");
        assertThat(url.redacted()).isEqualTo("http://127.0.0.1:1/***");
        Receiver slack = Receiver.slack("chat", url);
        Receiver pager = Receiver.pagerDuty("pager", Secret.of(ROUTING_KEY));
        Receiver og = Receiver.opsgenie("og", Secret.of("genie-secret-key"));
        assertThat(slack.toString() + pager + og).doesNotContain("SECRET").doesNotContain(ROUTING_KEY).doesNotContain("genie-secret-key");

        SreEventBus bus = new SreEventBus();
        List<NotificationFailed> failures = new CopyOnWriteArrayList<>();
        bus.subscribe(NotificationFailed.class, failures::add);
        alerts = AlertManager.builder().route(Route.root("chat").groupWait(Duration.ZERO)).receiver(slack).clock(clock).scheduler(scheduler)
                .eventBus(bus).retry(RetryPolicy.none()).build();
        alerts.fire(burn("a")); // port 1: connection refused
        scheduler.advanceTo(clock.instant());
        assertThat(failures).hasSize(1);
        AlertStatus status = alerts.status();
        assertThat(failures.get(0).toString() + status + status.receiver("chat").lastDelivery()).doesNotContain("SECRET");
        assertThat(status.receiver("chat").target()).isEqualTo("http://127.0.0.1:1/***");
        assertThatThrownBy(() -> Secret.url("ftp://user:pw@host/x")).hasMessageNotContaining("pw");
        assertThatThrownBy(() -> Receiver.slack("x", Secret.of("https://hooks.slack.com/x"))).isInstanceOf(IllegalArgumentException.class);
    }
}
