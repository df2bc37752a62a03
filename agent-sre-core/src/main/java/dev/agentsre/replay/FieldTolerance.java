package dev.agentsre.replay;

import com.fasterxml.jackson.databind.JsonNode;
import dev.agentsre.internal.Check;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;

/**
 * How much a field may differ from its golden value: {@link #exact()}, {@link #ignore()},
 * {@link #numeric} (absolute or relative) or {@link #textSimilarity} (Jaccard similarity of the
 * lower-cased word sets, for model answers phrased differently).
 */
@FunctionalInterface
public interface FieldTolerance {

    /** Whether {@code actual} is close enough to {@code expected}. */
    boolean accepts(JsonNode expected, JsonNode actual);

    /** Any difference fails (the default for every field). */
    static FieldTolerance exact() {
        return (expected, actual) -> false;
    }

    /** Differences never fail. */
    static FieldTolerance ignore() {
        return (expected, actual) -> true;
    }

    /** Numbers within {@code absolute} or within {@code relative} × |expected| pass. */
    static FieldTolerance numeric(double absolute, double relative) {
        Check.nonNegative("absolute", absolute);
        Check.nonNegative("relative", relative);
        return (expected, actual) -> expected.isNumber() && actual.isNumber()
                && Math.abs(actual.doubleValue() - expected.doubleValue())
                <= Math.max(absolute, relative * Math.abs(expected.doubleValue()));
    }

    /** Texts whose word sets overlap at least {@code minimum} (Jaccard, 0..1) pass. */
    static FieldTolerance textSimilarity(double minimum) {
        Check.closedRange("minimum", minimum, 0.0, 1.0);
        return (expected, actual) -> expected.isTextual() && actual.isTextual()
                && jaccard(expected.asText(), actual.asText()) >= minimum;
    }

    /** Jaccard similarity of the word sets of two texts. */
    static double jaccard(String a, String b) {
        Set<String> x = words(a);
        Set<String> y = words(b);
        if (x.isEmpty() && y.isEmpty()) {
            return 1.0;
        }
        Set<String> union = new HashSet<>(x);
        union.addAll(y);
        x.retainAll(y);
        return (double) x.size() / union.size();
    }

    private static Set<String> words(String text) {
        Set<String> words = new HashSet<>(Arrays.asList(text.toLowerCase(Locale.ROOT).split("[^\\p{L}\\p{N}]+")));
        words.remove("");
        return words;
    }
}
