package dev.agentsre.replay;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The difference between two runs: their steps aligned like lines in a text diff (a longest common
 * subsequence over kind and name, so one inserted step is one insertion, not a cascade of changes),
 * the first divergence, field-level differences of aligned steps (JSON path, expected, actual), and
 * the deltas of cost, tokens, latency and step count.
 *
 * <p>Only outputs count: step numbers, timestamps and latency never make two steps differ, and
 * within requests and responses neither do key order, UUIDs, ISO timestamps or fields named like a
 * timestamp or request id.
 *
 * <p>Cost: trimming the common prefix and suffix first makes similar traces linear; the differing
 * middle is aligned in O(n·m) time and memory, n·m capped at {@value #MAX_CELLS} (beyond that, the
 * middle is compared position by position).
 */
public final class TraceDiff {

    /** Cap on the alignment table of the differing middle. */
    public static final long MAX_CELLS = 25_000_000L;

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
        int n = a.size();
        int m = b.size();
        List<StepDiff> out = new ArrayList<>();
        if ((long) n * m > MAX_CELLS) {
            for (int i = 0; i < Math.max(n, m); i++) {
                if (i < n && i < m && sameStep(a.get(i), b.get(i))) {
                    out.add(pair(a.get(i), b.get(i)));
                } else {
                    if (i < n) {
                        out.add(new StepDiff(Change.DELETED, a.get(i), null, List.of()));
                    }
                    if (i < m) {
                        out.add(new StepDiff(Change.INSERTED, null, b.get(i), List.of()));
                    }
                }
            }
            return out;
        }
        int[][] lcs = new int[n + 1][m + 1];
        for (int i = n - 1; i >= 0; i--) {
            for (int j = m - 1; j >= 0; j--) {
                lcs[i][j] = sameStep(a.get(i), b.get(j)) ? lcs[i + 1][j + 1] + 1 : Math.max(lcs[i + 1][j], lcs[i][j + 1]);
            }
        }
        int i = 0;
        int j = 0;
        while (i < n || j < m) {
            if (i < n && j < m && sameStep(a.get(i), b.get(j))) {
                out.add(pair(a.get(i++), b.get(j++)));
            } else if (j < m && (i == n || lcs[i][j + 1] >= lcs[i + 1][j])) {
                out.add(new StepDiff(Change.INSERTED, null, b.get(j++), List.of()));
            } else {
                out.add(new StepDiff(Change.DELETED, a.get(i++), null, List.of()));
            }
        }
        return out;
    }

    private static StepDiff pair(Span x, Span y) {
        List<FieldDifference> differences = new ArrayList<>();
        differences.addAll(JsonDiff.diff("request", x.request(), y.request()));
        differences.addAll(JsonDiff.diff("response", x.response(), y.response()));
        if (x.status() != y.status()) {
            differences.add(new FieldDifference("status", com.fasterxml.jackson.databind.node.TextNode.valueOf(x.status().name()),
                    com.fasterxml.jackson.databind.node.TextNode.valueOf(y.status().name())));
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
        out.append(String.format("; cost %+.6f USD, tokens %+d, steps %+d, latency %+d ms%n", costDelta(), tokenDelta(),
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
