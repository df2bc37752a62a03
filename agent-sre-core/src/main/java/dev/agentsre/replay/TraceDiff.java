package dev.agentsre.replay;

import com.fasterxml.jackson.databind.node.TextNode;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The difference between two runs: their steps aligned like lines in a text diff (a shortest edit
 * script over kind and name, so one inserted step is one insertion, not a cascade of changes), the
 * first divergence, field-level differences of aligned steps (JSON path, expected, actual), and the
 * deltas of cost, tokens, latency and step count.
 *
 * <p>Only outputs count: step numbers, timestamps and latency never make two steps differ, and
 * within requests and responses neither do key order, UUIDs, ISO timestamps, number formatting or
 * fields named like a timestamp or request id — the same equality replay matches calls with.
 *
 * <p>Cost: the common prefix and suffix are trimmed first; the differing middle is aligned with
 * Myers' O((n+m)·D) algorithm in its linear-space form (D the number of inserted and deleted steps):
 * memory O(n+m), near-linear time for similar runs. Runs so different that the alignment would take
 * more than {@value #MAX_ALIGNMENT_STEPS} steps are compared position by position in the middle.
 */
public final class TraceDiff {

    /** Cap on the work of aligning the differing middle (about (n+m)·D steps). */
    public static final long MAX_ALIGNMENT_STEPS = 50_000_000L;

    /** How an aligned pair of steps relates. */
    public enum Change {
        /** Same step, same request and response. */
        SAME,
        /** Same kind and name, different fields. */
        CHANGED,
        /** Only in the actual run. */
        INSERTED,
        /** Only in the expected run. */
        DELETED
    }

    /**
     * One aligned position.
     *
     * @param change how the steps relate
     * @param expected the step in the expected (first) run, null when inserted
     * @param actual the step in the actual (second) run, null when deleted
     * @param differences the fields that differ (CHANGED only)
     */
    public record StepDiff(Change change, Span expected, Span actual, List<FieldDifference> differences) {

        /** Copies the list. */
        public StepDiff {
            differences = List.copyOf(differences);
        }

        @Override
        public String toString() {
            switch (change) {
                case INSERTED:
                    return "+ step " + actual.step() + " " + actual.kind() + " " + actual.name();
                case DELETED:
                    return "- step " + expected.step() + " " + expected.kind() + " " + expected.name();
                case CHANGED:
                    return "~ step " + expected.step() + "->" + actual.step() + " " + expected.kind() + " " + expected.name() + " " + differences;
                default:
                    return "  step " + expected.step() + " " + expected.kind() + " " + expected.name();
            }
        }
    }

    private final Trace expected;
    private final Trace actual;
    private final List<StepDiff> steps;

    private TraceDiff(Trace expected, Trace actual, List<StepDiff> steps) {
        this.expected = expected;
        this.actual = actual;
        this.steps = List.copyOf(steps);
    }

    static TraceDiff of(Trace expected, Trace actual) {
        List<Span> a = expected.spans();
        List<Span> b = actual.spans();
        int prefix = 0;
        while (prefix < a.size() && prefix < b.size() && sameStep(a.get(prefix), b.get(prefix))) {
            prefix++;
        }
        int suffix = 0;
        while (suffix < a.size() - prefix && suffix < b.size() - prefix
                && sameStep(a.get(a.size() - 1 - suffix), b.get(b.size() - 1 - suffix))) {
            suffix++;
        }
        List<StepDiff> out = new ArrayList<>();
        for (int i = 0; i < prefix; i++) {
            out.add(pair(a.get(i), b.get(i)));
        }
        out.addAll(alignMiddle(a.subList(prefix, a.size() - suffix), b.subList(prefix, b.size() - suffix)));
        for (int i = suffix; i > 0; i--) {
            out.add(pair(a.get(a.size() - i), b.get(b.size() - i)));
        }
        return new TraceDiff(expected, actual, out);
    }

    private static boolean sameStep(Span x, Span y) {
        return x.kind() == y.kind() && x.name().equals(y.name());
    }

    private static List<StepDiff> alignMiddle(List<Span> a, List<Span> b) {
        List<StepDiff> out = new ArrayList<>();
        int[] script;
        try {
            int[][] symbols = symbols(a, b);
            script = new MyersAlignment(symbols[0], symbols[1], MAX_ALIGNMENT_STEPS).script();
        } catch (MyersAlignment.TooDifferent e) {
            script = null;
        }
        if (script == null) {
            for (int i = 0; i < Math.max(a.size(), b.size()); i++) {
                if (i < a.size() && i < b.size() && sameStep(a.get(i), b.get(i))) {
                    out.add(pair(a.get(i), b.get(i)));
                } else {
                    if (i < a.size()) {
                        out.add(new StepDiff(Change.DELETED, a.get(i), null, List.of()));
                    }
                    if (i < b.size()) {
                        out.add(new StepDiff(Change.INSERTED, null, b.get(i), List.of()));
                    }
                }
            }
            return out;
        }
        int i = 0;
        int j = 0;
        for (int op : script) {
            switch (op) {
                case MyersAlignment.KEEP -> out.add(pair(a.get(i++), b.get(j++)));
                case MyersAlignment.DELETE -> out.add(new StepDiff(Change.DELETED, a.get(i++), null, List.of()));
                default -> out.add(new StepDiff(Change.INSERTED, null, b.get(j++), List.of()));
            }
        }
        return out;
    }

    /** The steps of both runs as small integers, equal exactly when kind and name are. */
    private static int[][] symbols(List<Span> a, List<Span> b) {
        Map<String, Integer> ids = new HashMap<>();
        int[][] out = {new int[a.size()], new int[b.size()]};
        for (int side = 0; side < 2; side++) {
            List<Span> spans = side == 0 ? a : b;
            for (int k = 0; k < spans.size(); k++) {
                Integer id = ids.computeIfAbsent(spans.get(k).kind().name() + ':' + spans.get(k).name(), key -> ids.size());
                out[side][k] = id;
            }
        }
        return out;
    }

    private static StepDiff pair(Span x, Span y) {
        List<FieldDifference> differences = new ArrayList<>();
        differences.addAll(JsonDiff.diff("request", x.request(), y.request()));
        differences.addAll(JsonDiff.diff("response", x.response(), y.response()));
        if (x.status() != y.status()) {
            differences.add(new FieldDifference("status", TextNode.valueOf(x.status().name()), TextNode.valueOf(y.status().name())));
        }
        return new StepDiff(differences.isEmpty() ? Change.SAME : Change.CHANGED, x, y, differences);
    }

    /** Every aligned position, in order. */
    public List<StepDiff> steps() {
        return steps;
    }

    /** Only the positions that are not SAME. */
    public List<StepDiff> changes() {
        List<StepDiff> changes = new ArrayList<>();
        for (StepDiff s : steps) {
            if (s.change() != Change.SAME) {
                changes.add(s);
            }
        }
        return Collections.unmodifiableList(changes);
    }

    /** The first position that is not SAME, or -1 when the runs match. */
    public int firstDivergence() {
        for (int i = 0; i < steps.size(); i++) {
            if (steps.get(i).change() != Change.SAME) {
                return i;
            }
        }
        return -1;
    }

    /** Whether the runs produced the same outputs. */
    public boolean identical() {
        return firstDivergence() < 0;
    }

    /** Actual cost minus expected cost. */
    public BigDecimal costDelta() {
        return actual.totalCostUsd().subtract(expected.totalCostUsd());
    }

    /** Actual tokens minus expected tokens. */
    public long tokenDelta() {
        return actual.totalTokens() - expected.totalTokens();
    }

    /** Actual run duration minus expected run duration. */
    public Duration latencyDelta() {
        return actual.duration().minus(expected.duration());
    }

    /** Actual step count minus expected step count. */
    public int stepCountDelta() {
        return actual.spans().size() - expected.spans().size();
    }

    /** The expected (first) trace. */
    public Trace expected() {
        return expected;
    }

    /** The actual (second) trace. */
    public Trace actual() {
        return actual;
    }

    /** A readable summary: the changes and the deltas. */
    public String summary() {
        StringBuilder out = new StringBuilder();
        out.append(identical() ? "identical outputs" : changes().size() + " differing steps, first at position " + firstDivergence());
        out.append(String.format(java.util.Locale.ROOT, "; cost %+.6f USD, tokens %+d, steps %+d, latency %+d ms%n", costDelta(), tokenDelta(),
                stepCountDelta(), latencyDelta().toMillis()));
        for (StepDiff change : changes()) {
            out.append(change).append(System.lineSeparator());
        }
        return out.toString();
    }

    @Override
    public String toString() {
        return summary();
    }
}
