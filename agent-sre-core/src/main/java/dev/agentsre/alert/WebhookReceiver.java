package dev.agentsre.alert;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.agentsre.internal.Check;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * A generic webhook receiving Alertmanager's webhook JSON, version 4 — {@code version},
 * {@code groupKey}, {@code truncatedAlerts}, {@code status}, {@code receiver}, {@code groupLabels},
 * {@code commonLabels}, {@code commonAnnotations}, {@code externalURL}, {@code alerts[]} with
 * {@code status}, {@code labels}, {@code annotations}, {@code startsAt}, {@code endsAt} (Go's zero
 * time {@value #ZERO_TIME} while firing), {@code generatorURL} and {@code fingerprint} — so anything
 * written for Alertmanager's webhook accepts it.
 *
 * <p><b>Signing</b> (optional) follows Standard Webhooks 1.0: headers {@code webhook-id} (the
 * notification id, the same on every retry), {@code webhook-timestamp} (Unix seconds of the
 * attempt) and {@code webhook-signature}: {@code v1,<base64 HMAC-SHA256>} of
 * {@code id.timestamp.body} with the secret (base64 after its {@code whsec_} prefix, or raw bytes
 * without it); several secrets during a rotation give space-separated signatures. Accepted: 2xx.
 * Immutable.
 */
public final class WebhookReceiver extends Receiver {

    /** How Alertmanager writes "no end time". */
    public static final String ZERO_TIME = "0001-01-01T00:00:00Z";

    private final Secret url;
    private final List<Secret> signingSecrets;
    private final int maxAlerts;
    private final String externalUrl;

    WebhookReceiver(String name, boolean sendResolved, Secret url, List<Secret> signingSecrets, int maxAlerts, String externalUrl) {
        super(name, sendResolved);
        this.url = url;
        this.signingSecrets = List.copyOf(signingSecrets);
        if (maxAlerts < 0) {
            throw new IllegalArgumentException("maxAlerts must be >= 0 (0 = all), got " + maxAlerts);
        }
        this.maxAlerts = maxAlerts;
        this.externalUrl = externalUrl;
        for (Secret secret : this.signingSecrets) {
            key(secret); // fail at configuration time on a malformed whsec_ secret
        }
    }

    @Override
    public WebhookReceiver sendResolved(boolean sendResolved) {
        return new WebhookReceiver(name(), sendResolved, url, signingSecrets, maxAlerts, externalUrl);
    }

    /** Signs every request per Standard Webhooks with these secrets (several during a key rotation). */
    public WebhookReceiver signingSecret(Secret... secrets) {
        List<Secret> list = new ArrayList<>();
        for (Secret s : secrets) {
            list.add(Secret.checked("signingSecret", s));
        }
        return new WebhookReceiver(name(), sendResolved(), url, list, maxAlerts, externalUrl);
    }

    /** At most this many alerts per payload, the rest counted in {@code truncatedAlerts} (0 = all, the default). */
    public WebhookReceiver maxAlerts(int maxAlerts) {
        return new WebhookReceiver(name(), sendResolved(), url, signingSecrets, maxAlerts, externalUrl);
    }

    /** The {@code externalURL} field: a link back to your application (default empty). */
    public WebhookReceiver externalUrl(String externalUrl) {
        return new WebhookReceiver(name(), sendResolved(), url, signingSecrets, maxAlerts, externalUrl);
    }

    @Override
    public String kind() {
        return "webhook";
    }

    @Override
    public String target() {
        return url.redacted() + (signingSecrets.isEmpty() ? "" : " (signed)");
    }

    @Override
    Secret[] secrets() {
        List<Secret> all = new ArrayList<>(signingSecrets);
        all.add(url);
        return all.toArray(new Secret[0]);
    }

    @Override
    HttpRequest request(Notification n, Attempt attempt) {
        String body = payload(n);
        HttpRequest.Builder request = postJson(url.revealUri(), body, attempt);
        if (!signingSecrets.isEmpty()) {
            long timestamp = attempt.clock().millis() / 1000;
            String id = "msg_" + n.id();
            request.header("webhook-id", id).header("webhook-timestamp", Long.toString(timestamp))
                    .header("webhook-signature", sign(id, timestamp, body));
        }
        return request.build();
    }

    /** The {@code webhook-signature} value for a message. */
    String sign(String id, long timestamp, String body) {
        StringBuilder header = new StringBuilder();
        for (Secret secret : signingSecrets) {
            header.append(header.length() == 0 ? "" : " ").append("v1,").append(signature(key(secret), id, timestamp, body));
        }
        return header.toString();
    }

    /** Base64 HMAC-SHA256 of {@code id.timestamp.body}. */
    static String signature(byte[] key, String id, long timestamp, String body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            byte[] digest = mac.doFinal((id + "." + timestamp + "." + body).getBytes(StandardCharsets.UTF_8));
            return Base64.getEncoder().encodeToString(digest);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is required by every JVM", e);
        }
    }

    /** The key bytes of a secret: base64 after {@code whsec_}, else the raw UTF-8 bytes. */
    static byte[] key(Secret secret) {
        String value = secret.reveal();
        if (value.startsWith("whsec_")) {
            try {
                return Base64.getDecoder().decode(value.substring("whsec_".length()));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("signing secret starts with whsec_ but the rest is not base64");
            }
        }
        return value.getBytes(StandardCharsets.UTF_8);
    }

    String payload(Notification n) {
        ObjectNode root = Payloads.object();
        root.put("version", "4");
        root.put("groupKey", n.groupKey());
        int shown = maxAlerts == 0 ? n.alerts().size() : Math.min(maxAlerts, n.alerts().size());
        root.put("truncatedAlerts", n.alerts().size() - shown);
        root.put("status", n.status().label());
        root.put("receiver", n.receiver());
        putSorted(root.putObject("groupLabels"), n.groupLabels());
        putSorted(root.putObject("commonLabels"), n.commonLabels());
        putSorted(root.putObject("commonAnnotations"), n.commonAnnotations());
        root.put("externalURL", externalUrl == null ? "" : externalUrl);
        ArrayNode alerts = root.putArray("alerts");
        for (int i = 0; i < shown; i++) {
            Alert a = n.alerts().get(i);
            ObjectNode alert = alerts.addObject();
            boolean resolved = n.isResolved(a);
            alert.put("status", resolved ? "resolved" : "firing");
            putSorted(alert.putObject("labels"), a.labelsWithSeverity());
            putSorted(alert.putObject("annotations"), a.annotations());
            alert.put("startsAt", Payloads.time(a.startsAt() == null ? n.timestamp() : a.startsAt()));
            alert.put("endsAt", resolved ? Payloads.time(a.endsAt()) : ZERO_TIME);
            alert.put("generatorURL", a.generatorUrl() == null ? "" : a.generatorUrl());
            alert.put("fingerprint", a.fingerprintHex());
        }
        return Payloads.write(root);
    }

    private static void putSorted(ObjectNode node, Map<String, String> values) {
        values.entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(e -> node.put(e.getKey(), e.getValue()));
    }

}
