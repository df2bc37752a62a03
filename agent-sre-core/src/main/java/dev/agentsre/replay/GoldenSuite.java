package dev.agentsre.replay;

import dev.agentsre.internal.Check;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A set of golden traces checked together, with a pass rate for CI: a model upgrade may change a
 * few answers, but it must not drop the suite below, say, 95%.
 *
 * <pre>{@code
 * GoldenSuite suite = new GoldenSuite().add(refundGolden).add(lookupGolden);
 * GoldenSuite.Report report = suite.check(Map.of("refund-happy-path", newRefundTrace, "order-lookup", newLookupTrace));
 * report.assertPassRate(0.95);
 * }</pre>
 */
public final class GoldenSuite {

    private final Map<String, GoldenTrace> goldens = new LinkedHashMap<>();

    /** Adds a golden trace; names must be unique. */
    public GoldenSuite add(GoldenTrace golden) {
        Check.notNull("golden", golden);
        if (goldens.putIfAbsent(golden.name(), golden) != null) {
            throw new IllegalArgumentException("golden trace names must be unique, got '" + golden.name() + "' twice");
        }
        return this;
    }

    /** Checks each new trace against the golden trace of the same name; a golden without a new trace fails. */
    public Report check(Map<String, Trace> actual) {
        Check.notNull("actual", actual);
        List<GoldenTrace.Result> results = new ArrayList<>();
        for (GoldenTrace golden : goldens.values()) {
            Trace trace = actual.get(golden.name());
            results.add(trace == null
                    ? new GoldenTrace.Result(golden.name(), false, List.of("no new run for golden trace '" + golden.name() + "'"), null)
                    : golden.check(trace));
        }
        return new Report(results);
    }

    /**
     * A suite run.
     *
     * @param results one per golden trace
     */
    public record Report(List<GoldenTrace.Result> results) {

        /** Copies the list. */
        public Report {
            results = List.copyOf(results);
        }

        /** Share of golden traces that passed, 0..1 (1 for an empty suite). */
        public double passRate() {
            return results.isEmpty() ? 1.0 : (double) results.stream().filter(GoldenTrace.Result::passed).count() / results.size();
        }

        /** Throws an {@link AssertionError} naming the failures when the pass rate is below {@code minimum}. */
        public void assertPassRate(double minimum) {
            Check.closedRange("minimum", minimum, 0.0, 1.0);
            if (passRate() < minimum) {
                StringBuilder message = new StringBuilder(String.format("golden suite pass rate %.1f%% is below %.1f%%",
                        100 * passRate(), 100 * minimum));
                for (GoldenTrace.Result r : results) {
                    if (!r.passed()) {
                        message.append(System.lineSeparator()).append("  ").append(r.golden()).append(": ").append(r.violations());
                    }
                }
                throw new AssertionError(message.toString());
            }
        }
    }
}
