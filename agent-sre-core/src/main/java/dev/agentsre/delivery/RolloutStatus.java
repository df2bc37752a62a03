package dev.agentsre.delivery;

import dev.agentsre.delivery.stats.SequentialResult;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * A rollout as it stands: state, step, traffic split, both cohorts of the current step, the gates
 * and sequential tests as they would be judged now, the shadows, and lifetime call counts. Taking it
 * changes nothing.
 *
 * @param name the rollout
 * @param agentId the agent
 * @param baselineVersion the baseline's version name
 * @param candidateVersion the candidate's version name
 * @param state the state
 * @param pauseReason why it is paused, or {@code null}
 * @param step the current step's index (0-based), or -1 before the first and after the end
 * @param steps the number of steps
 * @param weight the share of traffic the candidate serves (1 when promoted)
 * @param shadowRate the share of calls shadowed (0 outside shadow steps)
 * @param stepStartedAt when the current step started, or {@code null}
 * @param stepElapsed how long it has been running ({@link Duration#ZERO} outside a step)
 * @param baseline the baseline cohort of the current step
 * @param candidate the candidate cohort of the current step (its shadow runs, in a shadow step)
 * @param shadow the current step's shadows, or {@code null} outside shadow steps
 * @param gates the current step's gates as they stand now
 * @param sequentialTests each sequential trigger's test in the current step, by metric (absent where it does not apply)
 * @param baselineCalls calls the baseline served since the rollout was built
 * @param candidateCalls calls the candidate served since the rollout was built
 * @param unkeyedCalls calls that had no routing key (routed by a random draw)
 * @param rollbackEvidence why it was rolled back (or paused by a trigger), or {@code null}
 */
public record RolloutStatus(String name, String agentId, String baselineVersion, String candidateVersion, RolloutState state,
                            PauseReason pauseReason, int step, int steps, double weight, double shadowRate, Instant stepStartedAt,
                            Duration stepElapsed, CohortSnapshot baseline, CohortSnapshot candidate, ShadowSnapshot shadow,
                            List<GateResult> gates, Map<String, SequentialResult> sequentialTests, long baselineCalls, long candidateCalls,
                            long unkeyedCalls, Evidence rollbackEvidence) {

    /** Copies the lists and maps. */
    public RolloutStatus {
        gates = List.copyOf(gates);
        sequentialTests = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(sequentialTests));
    }
}
