package dev.agentsre.alert;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.Map;
import java.util.TreeMap;

/** Helpers shared by the receivers' payload builders. */
final class Payloads {

    static final ObjectMapper JSON = new ObjectMapper();
    /** The suffix that marks a truncated text. */
    static final String ELLIPSIS = "…";

    private Payloads() {
    }

    /**
     * {@code text} cut to at most {@code max} UTF-16 units (never splitting a surrogate pair), ending
     * in "…" when cut. UTF-16 units are at least as many as code points, so the result also fits a
     * limit counted in characters or runes.
     */
    static String truncate(String text, int max) {
        if (text == null || text.length() <= max) {
            return text;
        }
        int end = max - ELLIPSIS.length();
        if (end > 0 && Character.isHighSurrogate(text.charAt(end - 1))) {
            end--;
        }
        return text.substring(0, Math.max(0, end)) + ELLIPSIS;
    }

    /** Slack mrkdwn escaping of the three control characters. */
    static String slackEscape(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }

    /** Lower-case hex SHA-256 of the UTF-8 text: 64 characters. */
    static String sha256(String text) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            StringBuilder hex = new StringBuilder(64);
            for (byte b : digest) {
                hex.append(Character.forDigit((b >> 4) & 0xF, 16)).append(Character.forDigit(b & 0xF, 16));
            }
            return hex.toString();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by every JVM", e);
        }
    }

    /** The stable key a group is known by at PagerDuty (dedup_key) and Opsgenie (alias). */
    static String dedupKey(Notification n) {
        return sha256(n.receiver() + "|" + n.groupKey());
    }

    /** RFC 3339 in UTC, as Alertmanager writes times. */
    static String time(Instant instant) {
        return DateTimeFormatter.ISO_INSTANT.format(instant);
    }

    /** One line about an alert: its summary annotation, or its labels. */
    static String line(Alert alert) {
        String summary = alert.annotation(Alert.SUMMARY);
        StringBuilder who = new StringBuilder();
        for (Map.Entry<String, String> label : alert.labels().entrySet()) {
            if (!label.getKey().equals(Alert.ALERTNAME)) {
                who.append(who.length() == 0 ? "" : ", ").append(label.getKey()).append('=').append(label.getValue());
            }
        }
        String name = alert.name() + (who.length() == 0 ? "" : " {" + who + "}");
        return summary == null ? name : name + ": " + summary;
    }

    /** Common labels without alertname, sorted. */
    static Map<String, String> commonFacts(Notification n) {
        TreeMap<String, String> facts = new TreeMap<>(n.commonLabels());
        facts.remove(Alert.ALERTNAME);
        return facts;
    }

    static ObjectNode object() {
        return JSON.createObjectNode();
    }

    static String write(ObjectNode node) {
        try {
            return JSON.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("could not serialise a payload", e);
        }
    }

    static int utf8Length(String text) {
        return text.getBytes(StandardCharsets.UTF_8).length;
    }
}
