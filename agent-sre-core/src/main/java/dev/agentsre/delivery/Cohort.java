package dev.agentsre.delivery;

import dev.agentsre.delivery.stats.Moments;
import dev.agentsre.internal.stats.RunningMoments;
import dev.agentsre.internal.window.RollingHistogram;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * What one version did in one step: calls, errors, the moments of latency, cost, tokens, the error
 * indicator and each score, a latency histogram for percentiles, and signal counts. Recording is
 * O(1) under the cohort's own lock (uncontended: about 20 ns); reads take the lock for a consistent
 * view. Memory: fixed at construction — (5 + scores) moments, the histogram (about 5 KiB) and one
 * counter per signal.
 */
final class Cohort {

    private final MetricLayout layout;
    private final RunningMoments[] moments;
    private final RollingHistogram latency = new RollingHistogram(1, 1); // one bucket for the whole step, read at t = 0
    private final AtomicLongArray signals;
    private final int[] consecutiveScoreErrors;
    private long calls;
    private long errors;

    Cohort(MetricLayout layout) {
        this.layout = layout;
        this.moments = new RunningMoments[layout.slots()];
        for (int i = 0; i < moments.length; i++) {
            moments[i] = new RunningMoments();
        }
        this.signals = new AtomicLongArray(layout.signals().size());
        this.consecutiveScoreErrors = new int[layout.scores().size()];
    }

    void record(boolean ok, double latencyMs, double costUsd, long tokens) {
        double ms = Math.max(0, latencyMs);
        synchronized (this) {
            calls++;
            if (!ok) {
                errors++;
            }
            moments[MetricLayout.LATENCY].add(ms);
            moments[MetricLayout.LOG_LATENCY].add(Math.log1p(ms));
            moments[MetricLayout.COST].add(costUsd);
            moments[MetricLayout.TOKENS].add(tokens);
            moments[MetricLayout.ERROR].add(ok ? 0 : 1);
        }
        latency.record(0, ms, ok);
    }

    synchronized void recordScore(int slot, double value) {
        moments[slot].add(value);
        consecutiveScoreErrors[slot - MetricLayout.FIRST_SCORE] = 0;
    }

    synchronized void recordScoreError(int slot) {
        consecutiveScoreErrors[slot - MetricLayout.FIRST_SCORE]++;
    }

    synchronized int consecutiveScoreErrors(int slot) {
        return consecutiveScoreErrors[slot - MetricLayout.FIRST_SCORE];
    }

    void recordSignal(int slot) {
        signals.incrementAndGet(slot);
    }

    long signalCount(int slot) {
        return signals.get(slot);
    }

    synchronized long calls() {
        return calls;
    }

    synchronized long errors() {
        return errors;
    }

    synchronized Moments moments(int slot) {
        return Moments.of(moments[slot]);
    }

    synchronized double mean(int slot) {
        return moments[slot].mean();
    }

    /** The latency at quantile {@code q} in ms, NaN when nothing was recorded. */
    double latencyQuantile(double q) {
        return latency.read(q, 1, 0).quantile();
    }

    /** A metric's value in this cohort (without the shadow-only and burn-rate metrics), NaN when not measured. */
    double value(String metric) {
        switch (metric) {
            case RolloutMetrics.TASK_SUCCESS_RATE: {
                long[] ce = callsAndErrors();
                return ce[0] == 0 ? Double.NaN : 1.0 - (double) ce[1] / ce[0];
            }
            case RolloutMetrics.ERROR_RATE: {
                long[] ce = callsAndErrors();
                return ce[0] == 0 ? Double.NaN : (double) ce[1] / ce[0];
            }
            case RolloutMetrics.RESPONSE_LATENCY:
                return mean(MetricLayout.LATENCY);
            case RolloutMetrics.RESPONSE_LATENCY_P50:
                return latencyQuantile(0.50);
            case RolloutMetrics.RESPONSE_LATENCY_P90:
                return latencyQuantile(0.90);
            case RolloutMetrics.RESPONSE_LATENCY_P95:
                return latencyQuantile(0.95);
            case RolloutMetrics.RESPONSE_LATENCY_P99:
                return latencyQuantile(0.99);
            case RolloutMetrics.COST_PER_TASK:
                return mean(MetricLayout.COST);
            case RolloutMetrics.TOKEN_USAGE:
                return mean(MetricLayout.TOKENS);
            default:
                break;
        }
        int score = layout.scoreSlot(metric);
        if (score >= 0) {
            return mean(score);
        }
        int signal = layout.signalSlot(metric);
        return signal >= 0 ? signals.get(signal) : Double.NaN;
    }

    /** {calls, errors}, read together. */
    synchronized long[] callsAndErrors() {
        return new long[] {calls, errors};
    }

    /** A snapshot for {@link RolloutStatus}. */
    CohortSnapshot snapshot() {
        long c;
        long e;
        double lat;
        double cost;
        double tokens;
        Map<String, Double> scores = new LinkedHashMap<>();
        synchronized (this) {
            c = calls;
            e = errors;
            lat = moments[MetricLayout.LATENCY].mean();
            cost = moments[MetricLayout.COST].mean();
            tokens = moments[MetricLayout.TOKENS].mean();
            List<String> names = layout.scores();
            for (int i = 0; i < names.size(); i++) {
                scores.put(names.get(i), moments[MetricLayout.FIRST_SCORE + i].mean());
            }
        }
        Map<String, Long> counts = new LinkedHashMap<>();
        List<String> names = layout.signals();
        for (int i = 0; i < names.size(); i++) {
            counts.put(names.get(i), signals.get(i));
        }
        return new CohortSnapshot(c, e, lat, latencyQuantile(0.50), latencyQuantile(0.95), latencyQuantile(0.99), cost, tokens, scores,
                counts);
    }
}
