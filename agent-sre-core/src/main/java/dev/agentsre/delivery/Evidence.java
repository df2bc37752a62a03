package dev.agentsre.delivery;

import dev.agentsre.internal.Check;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Why a rollout was rolled back (or paused by a trigger): which trigger or gate, on which metric, a
 * sentence for people, and the numbers behind it.
 *
 * @param trigger what fired: {@link #GATE}, {@link #BURN_RATE}, {@link #SIGNAL}, {@link #SEQUENTIAL_REGRESSION},
 *     {@link #THRESHOLD}, {@link #INCONCLUSIVE} or {@link #MANUAL}
 * @param metric the metric or signal concerned, or {@code null}
 * @param summary what happened, with the numbers, in one sentence
 * @param values the numbers by name, in a stable order (for example {@code candidate_errors}, {@code bayes_factor}, {@code alpha})
 */
public record Evidence(String trigger, String metric, String summary, Map<String, Double> values) {

    /** A step's gate failed when the step was ready to advance. */
    public static final String GATE = "gate";
    /** The candidate cohort's multi-window burn rate was above the trigger's factor. */
    public static final String BURN_RATE = "burn_rate";
    /** A signal (policy violation, cost anomaly, quarantine, ...) was attributed to the candidate. */
    public static final String SIGNAL = "signal";
    /** A sequential test showed the candidate worse than the baseline. */
    public static final String SEQUENTIAL_REGRESSION = "sequential_regression";
    /** A metric crossed a trigger's threshold. */
    public static final String THRESHOLD = "threshold";
    /** A step could not be decided within its maximum duration and the rollout rolls back on that. */
    public static final String INCONCLUSIVE = "inconclusive";
    /** Rolled back by hand. */
    public static final String MANUAL = "manual";

    /** Copies the values, keeping their order. */
    public Evidence {
        Check.notBlank("trigger", trigger);
        Check.notNull("summary", summary);
        values = Collections.unmodifiableMap(new LinkedHashMap<>(Check.notNull("values", values)));
    }
}
