package dev.agentsre.delivery;

/**
 * What the shadows of the current step did.
 *
 * @param selected calls chosen for a shadow by the sample rate
 * @param started shadows handed to the shadow executor
 * @param compared shadows whose output was compared with the baseline's
 * @param skippedBusy shadows skipped because {@code maxShadowConcurrency} shadows were running (or the executor refused)
 * @param skippedBudget shadows skipped because the shadow budget had no room
 * @param skippedRecording shadows skipped because the baseline's run could not be recorded
 * @param timeouts shadows that did not finish within the shadow timeout (counted as candidate failures)
 * @param toolsNotRecorded candidate tool calls the baseline's recording could not serve
 * @param comparatorErrors comparisons that threw (not counted against either version)
 * @param matchRate comparisons that matched / comparisons (NaN when none)
 * @param similarity mean similarity of the candidate's output to the baseline's (NaN when none)
 * @param noiseFloorSimilarity mean similarity of the baseline to a second baseline run (NaN without a noise floor)
 * @param noiseFloorSamples how many A/A comparisons that mean is over
 * @param adjustedSimilarity the {@code similarity} metric: similarity over the noise floor, capped at 1 (the raw
 *     similarity without a noise floor; NaN while the noise floor has fewer than its minimum samples)
 */
public record ShadowSnapshot(long selected, long started, long compared, long skippedBusy, long skippedBudget, long skippedRecording,
                             long timeouts, long toolsNotRecorded, long comparatorErrors, double matchRate, double similarity,
                             double noiseFloorSimilarity, long noiseFloorSamples, double adjustedSimilarity) {
}
