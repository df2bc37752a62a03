package dev.agentsre.incident;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;

/**
 * What an incident cost, from the components' own ledgers, over its interval (from when each
 * affected agent joined it until it was resolved, or now).
 *
 * @param from the start of the interval (detection)
 * @param to the end (resolution), or the time of the query while open
 * @param failedTasks bad events recorded by the affected agents' SLOs during the interval (per agent the largest of its SLOs, summed)
 * @param slos the error budget consumed per SLO
 * @param spentUsd money charged to the affected agents during the interval (exact)
 * @param failingTraceIds up to 20 replay traces of the affected agents that failed during the interval
 */
public record Impact(Instant from, Instant to, long failedTasks, List<SloImpact> slos, BigDecimal spentUsd, List<String> failingTraceIds) {

    /** Copies the lists. */
    public Impact {
        slos = List.copyOf(slos);
        failingTraceIds = List.copyOf(failingTraceIds);
    }

    /** The largest share of an error budget any affected SLO consumed, in percent (0 when none). */
    public double maxBudgetConsumedPercent() {
        return slos.stream().mapToDouble(SloImpact::budgetConsumedPercent).max().orElse(0);
    }

    /**
     * One SLO's share of the incident.
     *
     * @param slo the SLO's name
     * @param agentId its agent, or null
     * @param badEvents bad events it recorded during the interval
     * @param events events it recorded during the interval
     * @param allowedBadEvents the budget's allowed bad events (its ledger, at the end of the interval)
     * @param budgetConsumedPercent {@code badEvents / allowedBadEvents × 100}
     */
    public record SloImpact(String slo, String agentId, long badEvents, long events, double allowedBadEvents, double budgetConsumedPercent) {
    }
}
