package dev.agentsre.delivery;

import dev.agentsre.slo.Comparison;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The metrics one rollout knows, fixed when it is built: the built-ins, the declared scores (each a
 * slot in a cohort's moments) and the signals (each a counter). Unknown names are refused at build
 * time, so a gate on a misspelt metric cannot pass silently.
 */
final class MetricLayout {

    static final int LATENCY = 0;
    static final int LOG_LATENCY = 1;
    static final int COST = 2;
    static final int TOKENS = 3;
    static final int ERROR = 4;
    static final int FIRST_SCORE = 5;

    private final List<String> scores;
    private final Map<String, Integer> scoreIndex = new HashMap<>();
    private final Map<String, Comparison> scoreDirections;
    private final List<String> signals;
    private final Map<String, Integer> signalIndex = new HashMap<>();

    MetricLayout(Map<String, Comparison> scoreDirections, List<String> extraSignals) {
        this.scoreDirections = new LinkedHashMap<>(scoreDirections);
        this.scores = List.copyOf(scoreDirections.keySet());
        for (int i = 0; i < scores.size(); i++) {
            scoreIndex.put(scores.get(i), i);
        }
        List<String> all = new ArrayList<>();
        RolloutMetrics.builtInSignals().forEach(all::add);
        for (String s : extraSignals) {
            if (!all.contains(s)) {
                all.add(s);
            }
        }
        this.signals = List.copyOf(all);
        for (int i = 0; i < signals.size(); i++) {
            signalIndex.put(signals.get(i), i);
        }
    }

    int slots() {
        return FIRST_SCORE + scores.size();
    }

    List<String> scores() {
        return scores;
    }

    List<String> signals() {
        return signals;
    }

    /** The moments slot of a score, or -1. */
    int scoreSlot(String metric) {
        Integer i = scoreIndex.get(metric);
        return i == null ? -1 : FIRST_SCORE + i;
    }

    /** The counter of a signal (by its name or its built-in count metric), or -1. */
    int signalSlot(String nameOrCountMetric) {
        String signal = RolloutMetrics.signalCounted(nameOrCountMetric);
        Integer i = signalIndex.get(signal != null ? signal : nameOrCountMetric);
        return i == null ? -1 : i;
    }

    /** The direction of any known metric, or null when the name is unknown. */
    Comparison direction(String metric) {
        Comparison builtIn = RolloutMetrics.direction(metric).orElse(null);
        if (builtIn != null) {
            return builtIn;
        }
        Comparison score = scoreDirections.get(metric);
        if (score != null) {
            return score;
        }
        return signalSlot(metric) >= 0 ? Comparison.AT_MOST : null;
    }

    /** The moments slot a metric's mean (and its sequential test) reads, or -1 when it has none. */
    int momentsSlot(String metric) {
        switch (metric) {
            case RolloutMetrics.RESPONSE_LATENCY:
            case RolloutMetrics.RESPONSE_LATENCY_P50:
            case RolloutMetrics.RESPONSE_LATENCY_P90:
            case RolloutMetrics.RESPONSE_LATENCY_P95:
            case RolloutMetrics.RESPONSE_LATENCY_P99:
                return LOG_LATENCY;
            case RolloutMetrics.COST_PER_TASK:
                return COST;
            case RolloutMetrics.TOKEN_USAGE:
                return TOKENS;
            case RolloutMetrics.ERROR_RATE:
            case RolloutMetrics.TASK_SUCCESS_RATE:
                return ERROR;
            default:
                return scoreSlot(metric);
        }
    }

    /** Whether a metric is an error-rate metric (tested by error counts in a canary). */
    static boolean isErrorMetric(String metric) {
        return metric.equals(RolloutMetrics.ERROR_RATE) || metric.equals(RolloutMetrics.TASK_SUCCESS_RATE);
    }

    /** Whether a metric is measured only in shadow steps. */
    static boolean isShadowMetric(String metric) {
        return metric.equals(RolloutMetrics.SIMILARITY) || metric.equals(RolloutMetrics.MATCH_RATE);
    }
}
