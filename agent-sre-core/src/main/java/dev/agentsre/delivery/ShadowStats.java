package dev.agentsre.delivery;

import dev.agentsre.delivery.stats.Moments;
import dev.agentsre.internal.stats.RunningMoments;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The shadow side of a shadow step: paired differences (candidate − baseline on the same request) per
 * metric slot, the similarity of candidate to baseline and of baseline to baseline (the A/A noise
 * floor), and what happened to each shadow. Memory fixed at construction.
 */
final class ShadowStats {

    final AtomicLong selected = new AtomicLong();
    final AtomicLong started = new AtomicLong();
    final AtomicLong skippedBusy = new AtomicLong();
    final AtomicLong skippedBudget = new AtomicLong();
    final AtomicLong skippedRecording = new AtomicLong();
    final AtomicLong timeouts = new AtomicLong();
    final AtomicLong toolsNotRecorded = new AtomicLong();
    final AtomicLong comparatorErrors = new AtomicLong();

    private final RunningMoments[] paired;
    private final RunningMoments similarity = new RunningMoments();
    private final RunningMoments noiseFloor = new RunningMoments();
    private long compared;
    private long matched;

    ShadowStats(MetricLayout layout) {
        paired = new RunningMoments[layout.slots()];
        for (int i = 0; i < paired.length; i++) {
            paired[i] = new RunningMoments();
        }
    }

    /** Records one pair: {@code differences[slot]} (NaN where a slot has no pair), the comparison and, when sampled, the A/A similarity. */
    synchronized void record(double[] differences, OutputComparison comparison, OutputComparison aa) {
        for (int i = 0; i < differences.length; i++) {
            if (!Double.isNaN(differences[i])) {
                paired[i].add(differences[i]);
            }
        }
        if (comparison != null) {
            compared++;
            if (comparison.match()) {
                matched++;
            }
            similarity.add(comparison.similarity());
        }
        if (aa != null) {
            noiseFloor.add(aa.similarity());
        }
    }

    synchronized Moments paired(int slot) {
        return Moments.of(paired[slot]);
    }

    synchronized Moments similarity() {
        return Moments.of(similarity);
    }

    synchronized Moments noiseFloor() {
        return Moments.of(noiseFloor);
    }

    synchronized long compared() {
        return compared;
    }

    synchronized double matchRate() {
        return compared == 0 ? Double.NaN : (double) matched / compared;
    }
}
