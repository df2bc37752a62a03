package dev.agentsre.replay;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import dev.agentsre.internal.CanonicalJson;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * The one notion of equality of replay: field-level differences of two JSON trees, key order ignored,
 * and a fingerprint that is equal exactly when there are none. Values that are volatile by nature
 * never count: two UUIDs, two ISO-8601 timestamps, two numbers of equal value ({@code 1} and
 * {@code 1.0}), or any value of a field named like a timestamp, request id or latency. Matching a
 * replayed call to a recording ({@link #fingerprint}) and diffing two runs ({@link #diff}) both use
 * it, so a request that differs only in a timestamp both matches its recording and diffs as identical.
 */
final class JsonDiff {

    private static final Pattern UUID = Pattern.compile("(?i)[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");
    private static final Pattern TIMESTAMP = Pattern.compile("\\d{4}-\\d{2}-\\d{2}[T ]\\d{2}:\\d{2}(:\\d{2}(\\.\\d+)?)?(Z|[+-]\\d{2}:?\\d{2})?");
    private static final Set<String> VOLATILE_FIELDS = Set.of("timestamp", "time", "created", "created_at", "updated_at",
            "request_id", "trace_id", "span_id", "latency_ms", "duration_ms", "elapsed_ms");

    private JsonDiff() {
    }

    static List<FieldDifference> diff(String path, JsonNode expected, JsonNode actual) {
        List<FieldDifference> out = new ArrayList<>();
        walk(path, expected, actual, out);
        return out;
    }

    private static void walk(String path, JsonNode expected, JsonNode actual, List<FieldDifference> out) {
        if (expected.isObject() && actual.isObject()) {
            Set<String> names = new TreeSet<>();
            expected.fieldNames().forEachRemaining(names::add);
            actual.fieldNames().forEachRemaining(names::add);
            for (String name : names) {
                if (VOLATILE_FIELDS.contains(name.toLowerCase(Locale.ROOT))) {
                    continue;
                }
                walk(path + "." + name, node(expected.get(name)), node(actual.get(name)), out);
            }
            return;
        }
        if (expected.isArray() && actual.isArray()) {
            int n = Math.max(expected.size(), actual.size());
            for (int i = 0; i < n; i++) {
                walk(path + "[" + i + "]", node(expected.get(i)), node(actual.get(i)), out);
            }
            return;
        }
        if (equivalent(expected, actual)) {
            return;
        }
        out.add(new FieldDifference(path, expected, actual));
    }

    private static boolean equivalent(JsonNode a, JsonNode b) {
        if (a.equals(b)) {
            return true;
        }
        if (a.isNumber() && b.isNumber()) {
            return finite(a) && finite(b) && a.decimalValue().compareTo(b.decimalValue()) == 0;
        }
        if (a.isTextual() && b.isTextual()) {
            String x = a.asText();
            String y = b.asText();
            return UUID.matcher(x).matches() && UUID.matcher(y).matches()
                    || TIMESTAMP.matcher(x).matches() && TIMESTAMP.matcher(y).matches();
        }
        return false;
    }

    private static boolean finite(JsonNode number) {
        return !(number.isDouble() || number.isFloat()) || Double.isFinite(number.doubleValue());
    }

    /**
     * SHA-256 of the canonical form of {@code node} under this equality: two trees have the same
     * fingerprint exactly when {@link #diff} finds no difference between them (up to hash collisions).
     * Volatile fields are left out; UUIDs, timestamps and numbers are written as their class or value.
     */
    static String fingerprint(JsonNode node) {
        StringBuilder out = new StringBuilder(64);
        canonical(node, out);
        return CanonicalJson.sha256Hex(out.toString());
    }

    private static void canonical(JsonNode node, StringBuilder out) {
        if (node.isObject()) {
            List<String> names = new ArrayList<>(node.size());
            node.fieldNames().forEachRemaining(name -> {
                if (!VOLATILE_FIELDS.contains(name.toLowerCase(Locale.ROOT))) {
                    names.add(name);
                }
            });
            Collections.sort(names);
            out.append('{');
            for (String name : names) {
                text(name, out).append(':');
                canonical(node.get(name), out);
                out.append(',');
            }
            out.append('}');
        } else if (node.isArray()) {
            out.append('[');
            for (JsonNode element : node) {
                canonical(element, out);
                out.append(',');
            }
            out.append(']');
        } else if (node.isTextual()) {
            String text = node.textValue();
            if (UUID.matcher(text).matches()) {
                out.append('u');
            } else if (TIMESTAMP.matcher(text).matches()) {
                out.append('t');
            } else {
                text(text, out.append('s'));
            }
        } else if (node.isNumber()) {
            out.append('n').append(finite(node) ? node.decimalValue().stripTrailingZeros().toPlainString() : node.asText());
        } else if (node.isBoolean()) {
            out.append(node.booleanValue() ? "b1" : "b0");
        } else if (node.isNull() || node.isMissingNode()) {
            out.append(node.isNull() ? 'z' : 'm');
        } else {
            text(node.toString(), out.append('o')); // binary and POJO nodes: as Jackson writes them
        }
    }

    /** A length-prefixed string: no escaping needed, no two strings written alike. */
    private static StringBuilder text(String text, StringBuilder out) {
        return out.append(text.length()).append('"').append(text);
    }

    private static JsonNode node(JsonNode n) {
        return n == null ? MissingNode.getInstance() : n;
    }
}
