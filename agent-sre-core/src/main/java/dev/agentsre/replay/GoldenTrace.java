package dev.agentsre.replay;

import dev.agentsre.internal.Check;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * A reference run new runs are held to. Every field must match exactly unless a tolerance for its
 * path says otherwise; paths are those of {@link FieldDifference} ({@code response.answer},
 * {@code request.items[0].qty}), with {@code *} matching anything ({@code response.*.score}). An
 * inserted or deleted step always fails.
 *
 * <pre>{@code
 * GoldenTrace golden = GoldenTrace.of("refund-happy-path", store.load("golden-refund"))
 *         .tolerate("response", FieldTolerance.textSimilarity(0.6))       // LLM wording may vary
 *         .tolerate("response.confidence", FieldTolerance.numeric(0.05, 0));
 * golden.check(newTrace).passed();
 * golden.assertMatches(newTrace);   // AssertionError with the diff, for JUnit
 * }</pre>
 */
public final class GoldenTrace {

    private final String name;
    private final Trace trace;
    private final Map<Pattern, FieldTolerance> tolerances;

    private GoldenTrace(String name, Trace trace, Map<Pattern, FieldTolerance> tolerances) {
        this.name = name;
        this.trace = trace;
        this.tolerances = tolerances;
    }

    /** A golden trace with exact matching everywhere. */
    public static GoldenTrace of(String name, Trace trace) {
        return new GoldenTrace(Check.notBlank("name", name), Check.notNull("trace", trace), new LinkedHashMap<>());
    }

    /** This golden trace with a tolerance for fields whose path matches {@code pathGlob} (later ones win). */
    public GoldenTrace tolerate(String pathGlob, FieldTolerance tolerance) {
        Map<Pattern, FieldTolerance> copy = new LinkedHashMap<>(tolerances);
        copy.put(glob(Check.notBlank("pathGlob", pathGlob)), Check.notNull("tolerance", tolerance));
        return new GoldenTrace(name, trace, copy);
    }

    /** Compares {@code actual} with this golden trace. */
    public Result check(Trace actual) {
        TraceDiff diff = ReplayEngine.diff(trace, actual);
        List<String> violations = new ArrayList<>();
        for (TraceDiff.StepDiff step : diff.changes()) {
            if (step.change() != TraceDiff.Change.CHANGED) {
                violations.add(step.toString());
                continue;
            }
            for (FieldDifference d : step.differences()) {
                if (!tolerated(d)) {
                    violations.add("step " + step.expected().step() + " " + step.expected().kind() + " " + step.expected().name()
                            + ": " + d);
                }
            }
        }
        return new Result(name, violations.isEmpty(), violations, diff);
    }

    /** Throws an {@link AssertionError} listing the violations unless {@code actual} passes. */
    public void assertMatches(Trace actual) {
        Result result = check(actual);
        if (!result.passed()) {
            throw new AssertionError("trace " + actual.traceId() + " does not match golden trace '" + name + "':"
                    + System.lineSeparator() + String.join(System.lineSeparator(), result.violations()));
        }
    }

    /** The golden trace's name. */
    public String name() {
        return name;
    }

    /** The reference run. */
    public Trace trace() {
        return trace;
    }

    private boolean tolerated(FieldDifference difference) {
        FieldTolerance chosen = null;
        for (Map.Entry<Pattern, FieldTolerance> e : tolerances.entrySet()) {
            if (e.getKey().matcher(difference.path()).matches()) {
                chosen = e.getValue();
            }
        }
        return chosen != null && chosen.accepts(difference.expected(), difference.actual());
    }

    private static Pattern glob(String glob) {
        StringBuilder regex = new StringBuilder();
        for (char c : glob.toCharArray()) {
            regex.append(c == '*' ? ".*" : Pattern.quote(String.valueOf(c)));
        }
        return Pattern.compile(regex.toString());
    }

    /**
     * The outcome of a check.
     *
     * @param golden the golden trace's name
     * @param passed whether every difference was within tolerance
     * @param violations the differences that were not, in words
     * @param diff the full diff
     */
    public record Result(String golden, boolean passed, List<String> violations, TraceDiff diff) {

        /** Copies the list. */
        public Result {
            violations = List.copyOf(violations);
        }
    }
}
