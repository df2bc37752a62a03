package dev.agentsre.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Canonical JSON (object keys sorted at every level, no insignificant whitespace) and stable hashes
 * of it, so that two requests that differ only in key order hash the same. Not API.
 */
public final class CanonicalJson {

    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .enable(MapperFeature.SORT_PROPERTIES_ALPHABETICALLY)
            .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
            .build();

    private CanonicalJson() {
    }

    /** The shared mapper configured for canonical output. */
    public static ObjectMapper mapper() {
        return MAPPER;
    }

    /** {@code value} as a JSON tree (null becomes JSON null). */
    public static JsonNode toTree(Object value) {
        return MAPPER.valueToTree(value);
    }

    /** The canonical JSON text of {@code value}. */
    public static String write(Object value) {
        JsonNode tree;
        try {
            tree = value instanceof JsonNode ? (JsonNode) value : MAPPER.valueToTree(value);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("value cannot be written as JSON: " + e.getMessage(), e);
        }
        StringBuilder out = new StringBuilder(64);
        writeSorted(tree, out);
        return out.toString();
    }

    // Object keys sorted at every level; scalars written by Jackson (escaping, number formats).
    private static void writeSorted(JsonNode node, StringBuilder out) {
        if (node.isObject()) {
            java.util.List<String> names = new java.util.ArrayList<>(node.size());
            node.fieldNames().forEachRemaining(names::add);
            java.util.Collections.sort(names);
            out.append('{');
            for (int i = 0; i < names.size(); i++) {
                if (i > 0) {
                    out.append(',');
                }
                appendString(names.get(i), out).append(':');
                writeSorted(node.get(names.get(i)), out);
            }
            out.append('}');
        } else if (node.isArray()) {
            out.append('[');
            for (int i = 0; i < node.size(); i++) {
                if (i > 0) {
                    out.append(',');
                }
                writeSorted(node.get(i), out);
            }
            out.append(']');
        } else if (node.isTextual()) {
            appendString(node.textValue(), out);
        } else if (node.isBoolean() || node.isNull() || node.isInt() || node.isLong()) {
            out.append(node.asText());
        } else {
            out.append(node.toString()); // other numbers and binary: exactly as Jackson writes them
        }
    }

    /**
     * Appends {@code text} as a JSON string escaped exactly as Jackson's default generator does
     * (quote and backslash escaped, short escapes for backspace, tab, newline, form feed and carriage
     * return, a four-digit unicode escape for other control characters, everything else as is), but
     * without the generator that Jackson's {@code JsonNode.toString()} creates on every call.
     */
    static StringBuilder appendString(String text, StringBuilder out) {
        out.append('"');
        for (int i = 0, n = text.length(); i < n; i++) {
            char c = text.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\b' -> out.append("\\b");
                case '\t' -> out.append("\\t");
                case '\n' -> out.append("\\n");
                case '\f' -> out.append("\\f");
                case '\r' -> out.append("\\r");
                default -> {
                    if (c < 0x20) {
                        out.append("\\u00").append(HEX[c >> 4]).append(HEX[c & 0xF]);
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.append('"');
    }

    private static final char[] HEX = "0123456789ABCDEF".toCharArray();

    /** SHA-256 of the canonical JSON of {@code value}, hex-encoded. */
    public static String sha256(Object value) {
        return sha256Hex(write(value));
    }

    /**
     * A fast, non-cryptographic 64-bit hash of {@code value}: equal values (equal canonical JSON) hash
     * equally. Strings are hashed directly; anything else through its canonical JSON. Used to tell
     * repeated tool arguments apart on the hot path, where a SHA-256 and a digest lookup per call cost
     * several hundred nanoseconds; never for integrity (the assessment chain uses {@link #sha256}).
     */
    public static long hash64(Object value) {
        if (value instanceof CharSequence) {
            return hash64(STRING_SEED, (CharSequence) value);
        }
        return hash64(JSON_SEED, write(value));
    }

    private static final long STRING_SEED = 0x9E3779B97F4A7C15L;
    private static final long JSON_SEED = 0xC2B2AE3D27D4EB4FL;

    // FNV-1a over the UTF-16 code units, then the MurmurHash3 finaliser for avalanche.
    private static long hash64(long seed, CharSequence text) {
        long h = seed ^ 0xcbf29ce484222325L;
        for (int i = 0, n = text.length(); i < n; i++) {
            h = (h ^ text.charAt(i)) * 0x100000001b3L;
        }
        h ^= h >>> 33;
        h *= 0xff51afd7ed558ccdL;
        h ^= h >>> 33;
        h *= 0xc4ceb9fe1a85ec53L;
        return h ^ (h >>> 33);
    }

    /** SHA-256 of a string's UTF-8 bytes, hex-encoded. */
    public static String sha256Hex(String text) {
        return HexFormat.of().formatHex(sha256Bytes(text));
    }

    private static byte[] sha256Bytes(String text) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by every Java platform", e);
        }
    }
}
