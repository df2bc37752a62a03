package dev.agentsre.delivery;

/**
 * One step as it runs: when it started, the traffic split it routes with, and the cohorts it
 * records into. A pause step keeps the split and the cohorts of the step before it (the traffic has
 * not changed, so neither has the evidence). Immutable but for the cohorts' contents and the
 * inconclusive clock.
 */
final class StepRun {

    final int index;
    final RolloutStep step;
    final long startedMillis;
    /** SHADOW, CANARY, or PAUSE when nothing routes to the candidate (a pause before any step). */
    final RolloutStep.Kind mode;
    /** The canary weight or the shadow sample rate; 0 when the mode is PAUSE. */
    final double weight;
    final long candidateThreshold;
    final long shadowThreshold;
    final Cohort baseline;
    final Cohort candidate;
    /** Null unless the mode is SHADOW. */
    final ShadowStats shadow;
    /** The step before, or null. */
    final StepRun previous;
    /** Where the maximum duration is counted from: the start, or when an inconclusive step was resumed. */
    volatile long overdueFrom;

    private StepRun(int index, RolloutStep step, long startedMillis, RolloutStep.Kind mode, double weight, Cohort baseline, Cohort candidate,
                    ShadowStats shadow, StepRun previous) {
        this.index = index;
        this.step = step;
        this.startedMillis = startedMillis;
        this.mode = mode;
        this.weight = weight;
        this.candidateThreshold = mode == RolloutStep.Kind.CANARY ? Routing.threshold(weight) : Routing.NONE;
        this.shadowThreshold = mode == RolloutStep.Kind.SHADOW ? Routing.threshold(weight) : Routing.NONE;
        this.baseline = baseline;
        this.candidate = candidate;
        this.shadow = shadow;
        this.previous = previous;
        this.overdueFrom = startedMillis;
    }

    /** Step {@code index} starting now, after {@code previous} (null for the first). */
    static StepRun start(int index, RolloutStep step, long now, StepRun previous, MetricLayout layout) {
        if (step.kind() == RolloutStep.Kind.PAUSE) {
            if (previous == null) {
                return new StepRun(index, step, now, RolloutStep.Kind.PAUSE, 0, new Cohort(layout), new Cohort(layout), null, null);
            }
            return new StepRun(index, step, now, previous.mode, previous.weight, previous.baseline, previous.candidate, previous.shadow,
                    previous);
        }
        ShadowStats shadow = step.kind() == RolloutStep.Kind.SHADOW ? new ShadowStats(layout) : null;
        return new StepRun(index, step, now, step.kind(), step.weight(), new Cohort(layout), new Cohort(layout), shadow, previous);
    }

    /** The rollout state a running step is in. */
    RolloutState state() {
        switch (step.kind()) {
            case SHADOW:
                return RolloutState.SHADOW;
            case CANARY:
                return RolloutState.CANARY;
            default:
                return RolloutState.PAUSED;
        }
    }

    /** The candidate's share of traffic while this step runs. */
    double servedWeight() {
        return mode == RolloutStep.Kind.CANARY ? weight : 0.0;
    }

    /** The baseline cohort that relative gates compare with: this step's, or the last step's with baseline traffic. */
    Cohort referenceBaseline() {
        StepRun run = this;
        while (run != null) {
            if (run.baseline.calls() > 0) {
                return run.baseline;
            }
            run = run.previous;
        }
        return baseline;
    }

    /** Candidate samples: shadow comparisons in a shadow step, candidate calls otherwise. */
    long candidateSamples() {
        return mode == RolloutStep.Kind.SHADOW ? shadow.compared() : candidate.calls();
    }

    /** Whether every cohort that receives traffic has {@code min} samples. */
    boolean hasSamples(long min) {
        if (min == 0) {
            return true;
        }
        if (candidateSamples() < min) {
            return false;
        }
        return weight >= 1 && mode == RolloutStep.Kind.CANARY || baseline.calls() >= min;
    }
}
