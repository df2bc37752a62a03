package dev.agentsre.delivery;

import com.fasterxml.jackson.databind.JsonNode;
import dev.agentsre.internal.CanonicalJson;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/** The machinery of the built-in {@link OutputComparator}s. */
final class Comparators {
    private Comparators() {
    }

    static Map<String, JsonNode> flatten(JsonNode node, Set<String> ignored) {
        Map<String, JsonNode> leaves = new LinkedHashMap<>();
        flatten("", node, ignored, leaves);
        return leaves;
    }

    private static void flatten(String path, JsonNode node, Set<String> ignored, Map<String, JsonNode> out) {
        if (node.isObject()) {
            for (Map.Entry<String, JsonNode> field : node.properties()) {
                String child = path + "/" + field.getKey().replace("~", "~0").replace("/", "~1");
                if (!ignored.contains(field.getKey()) && !ignored.contains(child)) {
                    flatten(child, field.getValue(), ignored, out);
                }
            }
            if (node.isEmpty()) {
                out.put(path, node);
            }
        } else if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                String child = path + "/" + i;
                if (!ignored.contains(child)) {
                    flatten(child, node.get(i), ignored, out);
                }
            }
            if (node.isEmpty()) {
                out.put(path, node);
            }
        } else {
            out.put(path, node);
        }
    }

    static OutputComparison compareLeaves(Map<String, JsonNode> a, Map<String, JsonNode> b) {
        int union = 0;
        int equal = 0;
        List<String> differing = new ArrayList<>();
        for (Map.Entry<String, JsonNode> leaf : a.entrySet()) {
            union++;
            JsonNode other = b.get(leaf.getKey());
            if (other != null && leavesEqual(leaf.getValue(), other)) {
                equal++;
            } else if (differing.size() < 5) {
                differing.add(leaf.getKey().isEmpty() ? "/" : leaf.getKey());
            }
        }
        for (String path : b.keySet()) {
            if (!a.containsKey(path)) {
                union++;
                if (differing.size() < 5) {
                    differing.add(path);
                }
            }
        }
        if (equal == union) {
            return OutputComparison.SAME;
        }
        return new OutputComparison((double) equal / union, false, "differing fields: " + String.join(", ", differing)
                + (union - equal > differing.size() ? " and " + (union - equal - differing.size()) + " more" : ""));
    }

    private static boolean leavesEqual(JsonNode x, JsonNode y) {
        if (x.isNumber() && y.isNumber()) {
            double p = x.asDouble();
            double q = y.asDouble();
            return p == q || Math.abs(p - q) <= 1e-9 * Math.max(Math.abs(p), Math.abs(q));
        }
        return x.equals(y);
    }

    static OutputComparison trajectory(TrajectoryMatch mode, List<ToolCall> baseline, List<ToolCall> candidate) {
        List<String> a = keys(baseline);
        List<String> b = keys(candidate);
        Map<String, Integer> countA = counts(a);
        Map<String, Integer> countB = counts(b);
        boolean match;
        switch (mode) {
            case STRICT:
                match = a.equals(b);
                break;
            case UNORDERED:
                match = countA.equals(countB);
                break;
            case SUBSET:
                match = contains(countA, countB);
                break;
            default:
                match = contains(countB, countA);
                break;
        }
        double similarity = jaccard(countA, countB);
        if (match) {
            return new OutputComparison(mode == TrajectoryMatch.STRICT || mode == TrajectoryMatch.UNORDERED ? 1.0 : similarity, true, "");
        }
        return new OutputComparison(similarity == 1.0 ? 0.99 : similarity, false, "tool calls differ (" + mode.name().toLowerCase(Locale.ROOT)
                + "): baseline " + names(baseline) + ", candidate " + names(candidate));
    }

    private static List<String> keys(List<ToolCall> calls) {
        List<String> keys = new ArrayList<>(calls.size());
        for (ToolCall call : calls) {
            keys.add(call.name() + '\u0000' + CanonicalJson.write(call.arguments()));
        }
        return keys;
    }

    private static List<String> names(List<ToolCall> calls) {
        List<String> names = new ArrayList<>(calls.size());
        calls.forEach(c -> names.add(c.name()));
        return names;
    }

    private static Map<String, Integer> counts(List<String> keys) {
        Map<String, Integer> counts = new HashMap<>();
        keys.forEach(k -> counts.merge(k, 1, Integer::sum));
        return counts;
    }

    /** Whether multiset {@code outer} contains multiset {@code inner}. */
    private static boolean contains(Map<String, Integer> outer, Map<String, Integer> inner) {
        for (Map.Entry<String, Integer> e : inner.entrySet()) {
            if (outer.getOrDefault(e.getKey(), 0) < e.getValue()) {
                return false;
            }
        }
        return true;
    }

    private static double jaccard(Map<String, Integer> a, Map<String, Integer> b) {
        int intersection = 0;
        int union = 0;
        for (Map.Entry<String, Integer> e : a.entrySet()) {
            int other = b.getOrDefault(e.getKey(), 0);
            intersection += Math.min(e.getValue(), other);
            union += Math.max(e.getValue(), other);
        }
        for (Map.Entry<String, Integer> e : b.entrySet()) {
            if (!a.containsKey(e.getKey())) {
                union += e.getValue();
            }
        }
        return union == 0 ? 1.0 : (double) intersection / union;
    }
}
