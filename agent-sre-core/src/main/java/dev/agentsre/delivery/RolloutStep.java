package dev.agentsre.delivery;

import dev.agentsre.internal.Check;
import dev.agentsre.time.Durations;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One step of a rollout: a shadow at a sample rate, a canary at a weight, or a pause until promoted —
 * each with a duration enforced by the clock, a minimum number of samples per cohort and gates.
 * Immutable: every method returns a new step.
 *
 * <pre>{@code
 * RolloutStep.shadow(1.0).duration("1h").gate(Gate.atLeast("task_success_rate", 0.99))
 * RolloutStep.canary(0.05).duration("2h").gate(Gate.maxIncrease("cost_per_task", 0.20))
 * RolloutStep.pause()                      // until AgentRollout.promote()
 * RolloutStep.pause().duration("30m")      // or until 30 minutes have passed
 * }</pre>
 *
 * <p>A step advances when its duration has elapsed (no earlier, however good the numbers), each cohort
 * that receives traffic has {@link #minSamples()} samples, and every gate passes. Defaults:
 * {@link #minSamples()} is {@value #DEFAULT_MIN_SAMPLES} when the step has gates, else 0; the maximum
 * duration — after which an undecidable step is inconclusive — is {@value #DEFAULT_MAX_DURATION_FACTOR}
 * × the duration, or unlimited for a step without one.
 */
public final class RolloutStep {

    /** What a step does with traffic. */
    public enum Kind {
        /** The baseline serves every call; the candidate runs on a copy of a sample of them. */
        SHADOW,
        /** The candidate serves a share of sessions. */
        CANARY,
        /** Traffic stays as the previous step left it until promoted (or the duration passes). */
        PAUSE
    }

    /** Samples per cohort a step with gates needs before it is judged. */
    public static final long DEFAULT_MIN_SAMPLES = 100;
    /** The default maximum duration, as a multiple of the duration. */
    public static final int DEFAULT_MAX_DURATION_FACTOR = 3;

    private final Kind kind;
    private final double weight;
    private final Duration duration;
    private final Long minSamples;
    private final Duration maxDuration;
    private final List<Gate> gates;

    private RolloutStep(Kind kind, double weight, Duration duration, Long minSamples, Duration maxDuration, List<Gate> gates) {
        this.kind = kind;
        this.weight = weight;
        this.duration = duration;
        this.minSamples = minSamples;
        this.maxDuration = maxDuration;
        this.gates = List.copyOf(gates);
    }

    /**
     * A shadow step: the candidate runs on a copy of {@code sampleRate} of the sessions (1.0 = every call).
     *
     * @throws IllegalArgumentException unless {@code 0 < sampleRate <= 1}
     */
    public static RolloutStep shadow(double sampleRate) {
        return new RolloutStep(Kind.SHADOW, checkWeight("shadow", sampleRate), null, null, null, List.of());
    }

    /**
     * A canary step: the candidate serves {@code weight} of the sessions (1.0 = all).
     *
     * @throws IllegalArgumentException unless {@code 0 < weight <= 1}
     */
    public static RolloutStep canary(double weight) {
        return new RolloutStep(Kind.CANARY, checkWeight("canary", weight), null, null, null, List.of());
    }

    /** A pause: traffic stays as it is until {@link AgentRollout#promote()} (or the duration, if one is set). */
    public static RolloutStep pause() {
        return new RolloutStep(Kind.PAUSE, Double.NaN, null, null, null, List.of());
    }

    /**
     * How long the step lasts at least (for a pause: how long it lasts).
     *
     * @throws IllegalArgumentException unless positive
     */
    public RolloutStep duration(Duration duration) {
        return new RolloutStep(kind, weight, Check.positive("duration", duration), minSamples, maxDuration, gates);
    }

    /** {@link #duration(Duration)} from a string such as {@code 2h} or {@code PT30M}. */
    public RolloutStep duration(String duration) {
        return duration(Durations.parsePositive("duration", duration));
    }

    /**
     * Samples each cohort with traffic needs before the step is judged.
     *
     * @throws IllegalArgumentException if negative, or on a pause step
     */
    public RolloutStep minSamples(long samples) {
        requireNotPause("minSamples");
        return new RolloutStep(kind, weight, duration, Check.nonNegative("minSamples", samples), maxDuration, gates);
    }

    /**
     * How long the step may wait for its samples and gates before it is inconclusive.
     *
     * @throws IllegalArgumentException unless positive, or on a pause step
     */
    public RolloutStep maxDuration(Duration maxDuration) {
        requireNotPause("maxDuration");
        return new RolloutStep(kind, weight, duration, minSamples, Check.positive("maxDuration", maxDuration), gates);
    }

    /** {@link #maxDuration(Duration)} from a string. */
    public RolloutStep maxDuration(String maxDuration) {
        return maxDuration(Durations.parsePositive("maxDuration", maxDuration));
    }

    /**
     * Adds a gate.
     *
     * @throws IllegalArgumentException on a pause step
     */
    public RolloutStep gate(Gate gate) {
        requireNotPause("gate");
        List<Gate> more = new ArrayList<>(gates);
        more.add(Check.notNull("gate", gate));
        return new RolloutStep(kind, weight, duration, minSamples, maxDuration, more);
    }

    /** What the step does with traffic. */
    public Kind kind() {
        return kind;
    }

    /** The canary weight or shadow sample rate (0..1]; NaN for a pause. */
    public double weight() {
        return weight;
    }

    /** The duration, if set. */
    public Optional<Duration> duration() {
        return Optional.ofNullable(duration);
    }

    /** The samples per cohort needed before the step is judged (explicit, or the default). */
    public long minSamples() {
        if (minSamples != null) {
            return minSamples;
        }
        return gates.isEmpty() ? 0 : DEFAULT_MIN_SAMPLES;
    }

    /** Whether {@link #minSamples(long)} was set. */
    public boolean minSamplesSet() {
        return minSamples != null;
    }

    /** The maximum duration: explicit, or {@value #DEFAULT_MAX_DURATION_FACTOR} × the duration; empty when unlimited. */
    public Optional<Duration> maxDuration() {
        if (maxDuration != null) {
            return Optional.of(maxDuration);
        }
        return duration == null ? Optional.empty() : Optional.of(duration.multipliedBy(DEFAULT_MAX_DURATION_FACTOR));
    }

    /** Whether {@link #maxDuration(Duration)} was set. */
    public boolean maxDurationSet() {
        return maxDuration != null;
    }

    /** The gates, in the order added. */
    public List<Gate> gates() {
        return gates;
    }

    /** This step with its gates replaced (used when threshold gates are resolved to a direction). */
    RolloutStep withGates(List<Gate> resolved) {
        return new RolloutStep(kind, weight, duration, minSamples, maxDuration, resolved);
    }

    private void requireNotPause(String what) {
        if (kind == Kind.PAUSE) {
            throw new IllegalArgumentException(what + " does not apply to a pause step");
        }
    }

    private static double checkWeight(String name, double weight) {
        if (!(weight > 0 && weight <= 1)) {
            throw new IllegalArgumentException(name + " must be in (0, 1] (a share of traffic, 0.05 = 5 %), got " + weight);
        }
        return weight;
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof RolloutStep)) {
            return false;
        }
        RolloutStep other = (RolloutStep) o;
        return kind == other.kind && Double.compare(weight, other.weight) == 0 && Objects.equals(duration, other.duration)
                && Objects.equals(minSamples, other.minSamples) && Objects.equals(maxDuration, other.maxDuration)
                && gates.equals(other.gates);
    }

    @Override
    public int hashCode() {
        return Objects.hash(kind, weight, duration, minSamples, maxDuration, gates);
    }

    @Override
    public String toString() {
        StringBuilder out = new StringBuilder(kind.name().toLowerCase(java.util.Locale.ROOT));
        if (kind != Kind.PAUSE) {
            out.append(' ').append(AgentRolloutSpec.percent(weight));
        }
        if (duration != null) {
            out.append(" for ").append(Durations.format(duration));
        }
        if (!gates.isEmpty()) {
            out.append(" gates ").append(gates);
        }
        return out.toString();
    }
}
