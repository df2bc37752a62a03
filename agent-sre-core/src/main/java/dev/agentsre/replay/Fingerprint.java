package dev.agentsre.replay;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.security.DigestException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The match key of a request: SHA-256 of its canonical form under replay's one notion of equality
 * (see {@link JsonDiff}), written straight into the digest as the value is walked — no canonical
 * string, no byte array, no digest object per call.
 *
 * <p>The canonical form: an object is {@code {} then {@code name:value,} per field in name order
 * (volatile fields left out) then {@code }}; an array {@code [} then {@code value,} per element then
 * {@code ]}; a string {@code s} and its length-prefixed text ({@code 5"hello}), or {@code u} for a
 * UUID and {@code t} for an ISO-8601 timestamp; a number {@code n} and its value with trailing zeros
 * stripped; {@code b1}/{@code b0}; {@code z} for null; anything else {@code o} and its JSON. The
 * digest is fed the UTF-8 bytes of that text (an unpaired surrogate as {@code ?}, as
 * {@code String.getBytes} writes it).
 *
 * <p><b>Memory.</b> One instance per thread, reused (a digest, a 512-byte buffer and 96 bytes of
 * output; about 1 KB a thread), held by a static {@link ThreadLocal}; a fingerprint taken while the
 * thread's instance is busy (a request whose serialisation records a call of its own) uses a fresh
 * one. Not thread-safe: one walk at a time.
 */
final class Fingerprint {

    static final Pattern UUID = Pattern.compile("(?i)[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");
    static final Pattern TIMESTAMP = Pattern.compile("\\d{4}-\\d{2}-\\d{2}[T ]\\d{2}:\\d{2}(:\\d{2}(\\.\\d+)?)?(Z|[+-]\\d{2}:?\\d{2})?");
    static final Set<String> VOLATILE_FIELDS = Set.of("timestamp", "time", "created", "created_at", "updated_at",
            "request_id", "trace_id", "span_id", "latency_ms", "duration_ms", "elapsed_ms");

    private static final ThreadLocal<Fingerprint> PER_THREAD = ThreadLocal.withInitial(Fingerprint::new);
    private static final byte[] HEX = "0123456789abcdef".getBytes(StandardCharsets.ISO_8859_1);

    private final MessageDigest digest;
    private final byte[] buffer = new byte[512];
    private final byte[] hash = new byte[32];
    private final byte[] hex = new byte[64];
    private int position;
    private boolean busy;
    /** False once a walk finds it cannot stream this fingerprint (a field name changed by redaction). */
    boolean valid;

    private Fingerprint() {
        try {
            digest = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by every Java platform", e);
        }
    }

    /** This thread's instance, reset and marked busy; {@link #finish} releases it. */
    static Fingerprint start() {
        Fingerprint f = PER_THREAD.get();
        if (f.busy) {
            f = new Fingerprint();
        }
        f.busy = true;
        f.valid = true;
        f.position = 0;
        f.digest.reset();
        return f;
    }

    /** The fingerprint of a JSON tree. */
    static String of(JsonNode node) {
        Fingerprint f = start();
        try {
            f.tree(node);
            return f.finish();
        } finally {
            f.busy = false;
        }
    }

    /** Whether a field of this name never counts (timestamps, request ids, latencies). */
    static boolean isVolatile(String name) {
        return VOLATILE_FIELDS.contains(name.toLowerCase(Locale.ROOT));
    }

    /** Whether {@code text} is a UUID or an ISO-8601 timestamp (the regular expressions run only on text of their shape). */
    static boolean isUuid(String text) {
        return text.length() == 36 && text.charAt(8) == '-' && UUID.matcher(text).matches();
    }

    static boolean isTimestamp(String text) {
        return text.length() >= 16 && text.charAt(4) == '-' && text.charAt(7) == '-' && TIMESTAMP.matcher(text).matches();
    }

    /** The hex SHA-256 of what was written; releases this instance. */
    String finish() {
        try {
            digest.update(buffer, 0, position);
            position = 0;
            digest.digest(hash, 0, hash.length);
        } catch (DigestException e) {
            throw new IllegalStateException("a SHA-256 fits in 32 bytes", e);
        } finally {
            busy = false;
        }
        for (int i = 0; i < hash.length; i++) {
            hex[2 * i] = HEX[(hash[i] >> 4) & 0xF];
            hex[2 * i + 1] = HEX[hash[i] & 0xF];
        }
        return new String(hex, StandardCharsets.ISO_8859_1);
    }

    /** Releases this instance without a result (the walk was abandoned). */
    void abandon() {
        busy = false;
    }

    // ---- the canonical form ------------------------------------------------------------------------

    /** Writes a whole tree. */
    void tree(JsonNode node) {
        if (node.isObject()) {
            List<String> names = new ArrayList<>(node.size());
            for (Map.Entry<String, JsonNode> field : node.properties()) {
                if (!isVolatile(field.getKey())) {
                    names.add(field.getKey());
                }
            }
            Collections.sort(names);
            put('{');
            for (String name : names) {
                name(name);
                tree(node.get(name));
                put(',');
            }
            put('}');
        } else if (node.isArray()) {
            put('[');
            for (JsonNode element : node) {
                tree(element);
                put(',');
            }
            put(']');
        } else if (node.isTextual()) {
            string(node.textValue());
        } else if (node.isNumber()) {
            put('n');
            if (node.isInt() || node.isLong()) {
                // what decimalValue().stripTrailingZeros().toPlainString() gives for an integer, without the BigDecimal
                ascii(Long.toString(node.longValue()));
            } else {
                ascii(JsonDiff.finite(node) ? node.decimalValue().stripTrailingZeros().toPlainString() : node.asText());
            }
        } else if (node.isBoolean()) {
            ascii(node.booleanValue() ? "b1" : "b0");
        } else if (node.isNull() || node.isMissingNode()) {
            put(node.isNull() ? 'z' : 'm');
        } else {
            put('o');
            text(node.toString()); // binary and POJO nodes: as Jackson writes them
        }
    }

    /** Opens an object. */
    void beginObject() {
        put('{');
    }

    /** A field's name, before its value. */
    void name(String name) {
        text(name);
        put(':');
    }

    /** Ends a field's value or an array element. */
    void endValue() {
        put(',');
    }

    void endObject() {
        put('}');
    }

    void beginArray() {
        put('[');
    }

    void endArray() {
        put(']');
    }

    private void string(String text) {
        if (isUuid(text)) {
            put('u');
        } else if (isTimestamp(text)) {
            put('t');
        } else {
            put('s');
            text(text);
        }
    }

    /** A length-prefixed string: no escaping needed, no two strings written alike. */
    private void text(String text) {
        digits(text.length());
        put('"');
        utf8(text);
    }

    /** A non-negative int in decimal, as {@code StringBuilder.append(int)} writes it. */
    private void digits(int value) {
        if (value >= 10) {
            digits(value / 10);
        }
        put((char) ('0' + value % 10));
    }

    private void ascii(String text) {
        for (int i = 0, n = text.length(); i < n; i++) {
            put(text.charAt(i));
        }
    }

    private void utf8(String text) {
        for (int i = 0, n = text.length(); i < n; i++) {
            char c = text.charAt(i);
            if (position + 4 > buffer.length) {
                flush();
            }
            if (c < 0x80) {
                buffer[position++] = (byte) c;
            } else if (c < 0x800) {
                buffer[position++] = (byte) (0xC0 | c >> 6);
                buffer[position++] = (byte) (0x80 | c & 0x3F);
            } else if (Character.isSurrogate(c)) {
                if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(text.charAt(i + 1))) {
                    int cp = Character.toCodePoint(c, text.charAt(++i));
                    buffer[position++] = (byte) (0xF0 | cp >> 18);
                    buffer[position++] = (byte) (0x80 | cp >> 12 & 0x3F);
                    buffer[position++] = (byte) (0x80 | cp >> 6 & 0x3F);
                    buffer[position++] = (byte) (0x80 | cp & 0x3F);
                } else {
                    buffer[position++] = '?'; // as String.getBytes(UTF_8) writes an unpaired surrogate
                }
            } else {
                buffer[position++] = (byte) (0xE0 | c >> 12);
                buffer[position++] = (byte) (0x80 | c >> 6 & 0x3F);
                buffer[position++] = (byte) (0x80 | c & 0x3F);
            }
        }
    }

    private void put(char ascii) {
        if (position == buffer.length) {
            flush();
        }
        buffer[position++] = (byte) ascii;
    }

    private void flush() {
        digest.update(buffer, 0, position);
        position = 0;
    }
}
