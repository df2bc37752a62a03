package dev.agentsre.delivery;

import dev.agentsre.internal.Check;

/**
 * How close a candidate's output is to the baseline's on one request.
 *
 * @param similarity 0 (nothing alike, or worse) .. 1 (the same, or at least as good)
 * @param match whether the comparator counts it as a match
 * @param detail what differed, for people (empty when nothing did)
 */
public record OutputComparison(double similarity, boolean match, String detail) {

    /** The same. */
    public static final OutputComparison SAME = new OutputComparison(1.0, true, "");

    /**
     * Validates.
     *
     * @throws IllegalArgumentException unless {@code 0 <= similarity <= 1}
     */
    public OutputComparison {
        Check.closedRange("similarity", similarity, 0, 1);
        Check.notNull("detail", detail);
    }

    /** A non-match with similarity 0. */
    public static OutputComparison different(String detail) {
        return new OutputComparison(0.0, false, detail);
    }
}
