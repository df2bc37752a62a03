package dev.agentsre.replay;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * Field-level differences of two JSON trees, key order ignored. Values that are volatile by nature
 * never count: two UUIDs, two ISO-8601 timestamps, or any value of a field named like a timestamp,
 * request id or latency.
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
                if (VOLATILE_FIELDS.contains(name.toLowerCase(java.util.Locale.ROOT))) {
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
            return a.decimalValue().compareTo(b.decimalValue()) == 0;
        }
        if (a.isTextual() && b.isTextual()) {
            String x = a.asText();
            String y = b.asText();
            return UUID.matcher(x).matches() && UUID.matcher(y).matches()
                    || TIMESTAMP.matcher(x).matches() && TIMESTAMP.matcher(y).matches();
        }
        return false;
    }

    private static JsonNode node(JsonNode n) {
        return n == null ? MissingNode.getInstance() : n;
    }

    static Iterator<FieldDifference> none() {
        return List.<FieldDifference>of().iterator();
    }
}
