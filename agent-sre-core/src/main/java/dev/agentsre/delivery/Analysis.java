package dev.agentsre.delivery;

import dev.agentsre.delivery.stats.ErrorCountTest;
import dev.agentsre.delivery.stats.Moments;
import dev.agentsre.delivery.stats.MixtureSprt;
import dev.agentsre.delivery.stats.SequentialResult;
import dev.agentsre.internal.window.RollingCounter;
import dev.agentsre.slo.Comparison;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Reads a step's metrics and judges its gates, triggers and sequential tests. Pure: it reads the
 * cohorts and counters, changes nothing and publishes nothing (the rollout acts on what it returns).
 */
final class Analysis {

    static final long BURN_LONG_WINDOW = Duration.ofHours(1).toMillis();
    static final long BURN_SHORT_WINDOW = Duration.ofMinutes(5).toMillis();

    final MetricLayout layout;
    final boolean noiseFloor;
    final long noiseFloorMinSamples;
    final double effectSize;
    final long burnIn;
    final double concentration;
    final double sloTarget;
    final int trafficSteps;
    final int consecutiveErrorLimit;
    final RollingCounter candidateBurn;
    final RollingCounter baselineBurn;

    Analysis(MetricLayout layout, boolean noiseFloor, long noiseFloorMinSamples, double effectSize, long burnIn, double concentration,
             double sloTarget, int trafficSteps, int consecutiveErrorLimit) {
        this.layout = layout;
        this.noiseFloor = noiseFloor;
        this.noiseFloorMinSamples = noiseFloorMinSamples;
        this.effectSize = effectSize;
        this.burnIn = burnIn;
        this.concentration = concentration;
        this.sloTarget = sloTarget;
        this.trafficSteps = Math.max(1, trafficSteps);
        this.consecutiveErrorLimit = consecutiveErrorLimit;
        // One-minute buckets: the 5-minute window reads 5 of them, the hour 60.
        this.candidateBurn = new RollingCounter(60_000, 61);
        this.baselineBurn = new RollingCounter(60_000, 61);
    }

    // ---------------------------------------------------------------- metric values

    /** A metric of a variant in a step, NaN when not measured. */
    double value(StepRun run, Variant variant, String metric, long now) {
        if (metric.equals(RolloutMetrics.ERROR_BUDGET_BURN_RATE)) {
            RollingCounter counter = variant == Variant.CANDIDATE ? candidateBurn : baselineBurn;
            RollingCounter.WindowCounts hour = counter.read(BURN_LONG_WINDOW, now);
            return hour.total() == 0 ? Double.NaN : hour.badRatio() / (1 - sloTarget);
        }
        if (MetricLayout.isShadowMetric(metric)) {
            if (run.shadow == null) {
                return Double.NaN;
            }
            if (variant == Variant.BASELINE) {
                return noiseFloor ? run.shadow.noiseFloor().mean() : Double.NaN;
            }
            return metric.equals(RolloutMetrics.MATCH_RATE) ? run.shadow.matchRate() : adjustedSimilarity(run.shadow);
        }
        Cohort cohort = variant == Variant.CANDIDATE ? run.candidate : run.referenceBaseline();
        return cohort.value(metric);
    }

    /** Mean similarity over the A/A noise floor, capped at 1; raw without a noise floor. */
    double adjustedSimilarity(ShadowStats shadow) {
        Moments ab = shadow.similarity();
        if (!noiseFloor) {
            return ab.mean();
        }
        Moments aa = shadow.noiseFloor();
        if (aa.count() < noiseFloorMinSamples || ab.count() == 0) {
            return Double.NaN;
        }
        if (aa.mean() <= 0) {
            return 1.0;
        }
        return Math.min(1.0, ab.mean() / aa.mean());
    }

    // ---------------------------------------------------------------- gates

    GateResult judge(StepRun run, Gate gate, long now) {
        int scoreSlot = layout.scoreSlot(gate.metric());
        if (scoreSlot >= 0 && run.candidate.consecutiveScoreErrors(scoreSlot) >= consecutiveErrorLimit) {
            return new GateResult(gate, GateResult.Outcome.FAIL, Double.NaN, Double.NaN, gate.metric() + ": the last "
                    + run.candidate.consecutiveScoreErrors(scoreSlot) + " measurements failed (limit " + consecutiveErrorLimit + ")");
        }
        double c = value(run, Variant.CANDIDATE, gate.metric(), now);
        double b = gate.relative() ? value(run, Variant.BASELINE, gate.metric(), now) : Double.NaN;
        if (Double.isNaN(c) || gate.relative() && Double.isNaN(b)) {
            return new GateResult(gate, GateResult.Outcome.PENDING, c, b, gate.metric() + " has not been measured"
                    + (Double.isNaN(c) ? " for the candidate" : " for the baseline"));
        }
        boolean pass;
        String bound;
        switch (gate.kind()) {
            case AT_LEAST:
                pass = c >= gate.value();
                bound = ">= " + fmt(gate.value());
                break;
            case AT_MOST:
                pass = c <= gate.value();
                bound = "<= " + fmt(gate.value());
                break;
            case MAX_INCREASE:
                pass = c <= b * (1 + gate.value());
                bound = "<= baseline " + fmt(b) + " x " + fmt(1 + gate.value());
                break;
            case MAX_DECREASE:
                pass = c >= b * (1 - gate.value());
                bound = ">= baseline " + fmt(b) + " x " + fmt(1 - gate.value());
                break;
            default:
                throw new IllegalStateException("unresolved threshold gate " + gate);
        }
        return new GateResult(gate, pass ? GateResult.Outcome.PASS : GateResult.Outcome.FAIL, c, b,
                gate.metric() + " " + fmt(c) + (pass ? " meets " : " fails ") + bound);
    }

    // ---------------------------------------------------------------- sequential tests

    /** The α a sequential trigger uses in one step: its α split evenly over the steps with candidate traffic. */
    double stepAlpha(RollbackTrigger trigger) {
        return trigger.value() / trafficSteps;
    }

    /** The sequential test of {@code metric} in {@code run}, or null when the step's mode has none for it. */
    SequentialResult sequential(StepRun run, String metric, double alpha) {
        if (run.mode == RolloutStep.Kind.CANARY) {
            if (MetricLayout.isShadowMetric(metric)) {
                return null;
            }
            Cohort base = run.baseline;
            if (MetricLayout.isErrorMetric(metric)) {
                long[] c = run.candidate.callsAndErrors();
                long[] b = base.callsAndErrors();
                return ErrorCountTest.test(c[1], c[0], b[1], b[0], alpha, concentration, burnIn);
            }
            int slot = layout.momentsSlot(metric);
            return MixtureSprt.twoSample(run.candidate.moments(slot), base.moments(slot), alpha, effectSize, burnIn);
        }
        if (run.mode == RolloutStep.Kind.SHADOW) {
            if (MetricLayout.isShadowMetric(metric)) {
                return noiseFloor ? MixtureSprt.twoSample(run.shadow.similarity(), run.shadow.noiseFloor(), alpha, effectSize, burnIn) : null;
            }
            return MixtureSprt.paired(run.shadow.paired(layout.momentsSlot(metric)), alpha, effectSize, burnIn);
        }
        return null;
    }

    /** Whether a rejection means the candidate is worse on {@code metric}. */
    boolean isRegression(String metric, SequentialResult result) {
        if (result == null || !result.rejected()) {
            return false;
        }
        // Error metrics are tested on the error indicator, where higher is worse, whatever the metric's own direction.
        Comparison direction = MetricLayout.isErrorMetric(metric) ? Comparison.AT_MOST : layout.direction(metric);
        return direction == Comparison.AT_MOST
                ? result.verdict() == dev.agentsre.delivery.stats.SequentialVerdict.CANDIDATE_HIGHER
                : result.verdict() == dev.agentsre.delivery.stats.SequentialVerdict.CANDIDATE_LOWER;
    }

    // ---------------------------------------------------------------- triggers

    /** The evidence when {@code trigger} fires in {@code run} now, else null. */
    Evidence check(StepRun run, RollbackTrigger trigger, long now) {
        switch (trigger.kind()) {
            case BURN_RATE:
                return burnRate(trigger, now);
            case SIGNAL: {
                int slot = layout.signalSlot(trigger.metric());
                long count = run.candidate.signalCount(slot);
                if (count == 0) {
                    return null;
                }
                return new Evidence(Evidence.SIGNAL, trigger.metric(), count + " '" + trigger.metric() + "' signal"
                        + (count == 1 ? "" : "s") + " attributed to the candidate in step " + run.index,
                        Map.of("count", (double) count));
            }
            case THRESHOLD:
                return threshold(run, trigger, now);
            default:
                return sequentialRegression(run, trigger);
        }
    }

    private Evidence burnRate(RollbackTrigger trigger, long now) {
        RollingCounter.WindowCounts hour = candidateBurn.read(BURN_LONG_WINDOW, now);
        RollingCounter.WindowCounts five = candidateBurn.read(BURN_SHORT_WINDOW, now);
        if (five.total() < RollbackTrigger.BURN_RATE_MIN_EVENTS) {
            return null;
        }
        double allowed = 1 - sloTarget;
        double longBurn = hour.badRatio() / allowed;
        double shortBurn = five.badRatio() / allowed;
        if (!trigger.operator().test(longBurn, trigger.value()) || !trigger.operator().test(shortBurn, trigger.value())) {
            return null;
        }
        Map<String, Double> values = new LinkedHashMap<>();
        values.put("burn_rate_1h", longBurn);
        values.put("burn_rate_5m", shortBurn);
        values.put("factor", trigger.value());
        values.put("slo_target", sloTarget);
        values.put("errors_1h", (double) hour.bad());
        values.put("calls_1h", (double) hour.total());
        values.put("errors_5m", (double) five.bad());
        values.put("calls_5m", (double) five.total());
        return new Evidence(Evidence.BURN_RATE, RolloutMetrics.ERROR_BUDGET_BURN_RATE, String.format(Locale.ROOT,
                "the candidate burns its error budget at %.1fx over 1 h (%d/%d failed) and %.1fx over 5 min (%d/%d), above %s against a %s target",
                longBurn, hour.bad(), hour.total(), shortBurn, five.bad(), five.total(), fmt(trigger.value()), fmt(sloTarget)), values);
    }

    private Evidence threshold(StepRun run, RollbackTrigger trigger, long now) {
        String metric = trigger.metric();
        boolean count = layout.signalSlot(metric) >= 0 && layout.scoreSlot(metric) < 0;
        if (!count && !metric.equals(RolloutMetrics.ERROR_BUDGET_BURN_RATE) && run.candidateSamples() < RollbackTrigger.THRESHOLD_MIN_SAMPLES) {
            return null;
        }
        double value = value(run, Variant.CANDIDATE, metric, now);
        if (!trigger.operator().test(value, trigger.value())) {
            return null;
        }
        Map<String, Double> values = new LinkedHashMap<>();
        values.put("candidate", value);
        values.put("threshold", trigger.value());
        values.put("candidate_samples", (double) run.candidateSamples());
        return new Evidence(Evidence.THRESHOLD, metric, "candidate " + metric + " " + fmt(value) + " " + trigger.operator().symbol() + " "
                + fmt(trigger.value()) + " in step " + run.index, values);
    }

    private Evidence sequentialRegression(StepRun run, RollbackTrigger trigger) {
        double alpha = stepAlpha(trigger);
        Map<String, Double> values = new LinkedHashMap<>();
        String summary;
        SequentialResult result;
        if (run.mode == RolloutStep.Kind.CANARY && MetricLayout.isErrorMetric(trigger.metric())) {
            // The same counts for the test and for the evidence.
            long[] c = run.candidate.callsAndErrors();
            long[] b = run.baseline.callsAndErrors();
            result = ErrorCountTest.test(c[1], c[0], b[1], b[0], alpha, concentration, burnIn);
            if (!isRegression(trigger.metric(), result)) {
                return null;
            }
            values.put("candidate_errors", (double) c[1]);
            values.put("candidate_calls", (double) c[0]);
            values.put("baseline_errors", (double) b[1]);
            values.put("baseline_calls", (double) b[0]);
            values.put("bayes_factor", result.statistic());
            summary = String.format(Locale.ROOT, "candidate error rate %.2f%% (%d/%d) vs baseline %.2f%% (%d/%d): Bayes factor %s >= 1/alpha = %s "
                    + "(alpha %s = %s split over %d step%s)", 100.0 * c[1] / c[0], c[1], c[0], 100.0 * b[1] / b[0], b[1], b[0],
                    fmt(result.statistic()), fmt(result.threshold()), fmt(alpha), fmt(trigger.value()), trafficSteps, trafficSteps == 1 ? "" : "s");
        } else {
            result = sequential(run, trigger.metric(), alpha);
            if (!isRegression(trigger.metric(), result)) {
                return null;
            }
            values.put("difference", result.estimate());
            values.put("lower", result.lower());
            values.put("upper", result.upper());
            values.put("likelihood_ratio", result.statistic());
            values.put("candidate_samples", (double) result.candidateSamples());
            values.put("baseline_samples", (double) result.baselineSamples());
            summary = String.format(Locale.ROOT, "%s: %s difference %s (always-valid %d%% interval %s .. %s), likelihood ratio %s >= 1/alpha = %s "
                    + "(alpha %s = %s split over %d step%s)", result.test().equals("msprt_paired") ? "paired mSPRT" : "two-sample mSPRT",
                    describe(trigger.metric()), fmt(result.estimate()), Math.round(100 * (1 - alpha)), fmt(result.lower()),
                    fmt(result.upper()), fmt(result.statistic()), fmt(result.threshold()), fmt(alpha), fmt(trigger.value()), trafficSteps,
                    trafficSteps == 1 ? "" : "s");
        }
        values.put("alpha", alpha);
        values.put("threshold", result.threshold());
        return new Evidence(Evidence.SEQUENTIAL_REGRESSION, trigger.metric(), summary, values);
    }

    private String describe(String metric) {
        switch (layout.momentsSlot(metric)) {
            case MetricLayout.LOG_LATENCY:
                return metric + " (ln(1 + ms))";
            case MetricLayout.ERROR:
                return metric + " (error indicator)";
            default:
                return MetricLayout.isShadowMetric(metric) ? metric + " (candidate vs A/A similarity)" : metric;
        }
    }

    static String fmt(double value) {
        if (Double.isNaN(value)) {
            return "NaN";
        }
        if (Double.isInfinite(value)) {
            return value > 0 ? "inf" : "-inf";
        }
        if (value == Math.rint(value) && Math.abs(value) < 1e9) {
            return Long.toString((long) value);
        }
        double abs = Math.abs(value);
        String text = abs >= 100 ? String.format(Locale.ROOT, "%.1f", value)
                : abs >= 0.01 ? String.format(Locale.ROOT, "%.4g", value) : String.format(Locale.ROOT, "%.3g", value);
        if (text.contains("e") || !text.contains(".")) {
            return text;
        }
        return new java.math.BigDecimal(text).stripTrailingZeros().toPlainString();
    }
}
