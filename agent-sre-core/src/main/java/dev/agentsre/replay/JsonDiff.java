package dev.agentsre.replay;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * The one notion of equality of replay: field-level differences of two JSON trees, key order ignored,
 * and a fingerprint that is equal exactly when there are none. Values that are volatile by nature
 * never count: two UUIDs, two ISO-8601 timestamps, two numbers of equal value ({@code 1} and
 * {@code 1.0}), or any value of a field named like a timestamp, request id or latency. Matching a
 * replayed call to a recording ({@link #fingerprint}) and diffing two runs ({@link #diff}) both use
 * it, so a request that differs only in a timestamp both matches its recording and diffs as identical.
 */
final class JsonDiff {

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
                if (Fingerprint.isVolatile(name)) {
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
            return Fingerprint.isUuid(x) && Fingerprint.isUuid(y) || Fingerprint.isTimestamp(x) && Fingerprint.isTimestamp(y);
        }
        return false;
    }

    static boolean finite(JsonNode number) {
        return !(number.isDouble() || number.isFloat()) || Double.isFinite(number.doubleValue());
    }

    /**
     * SHA-256 of the canonical form of {@code node} under this equality: two trees have the same
     * fingerprint exactly when {@link #diff} finds no difference between them (up to hash collisions).
     * Volatile fields are left out; UUIDs, timestamps and numbers are written as their class or value
     * (see {@link Fingerprint}).
     */
    static String fingerprint(JsonNode node) {
        return Fingerprint.of(node);
    }

    private static JsonNode node(JsonNode n) {
        return n == null ? MissingNode.getInstance() : n;
    }
}
