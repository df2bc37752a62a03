package dev.agentsre.cost.internal;

import dev.agentsre.internal.Retirable;

/**
 * What a cost guard keeps per agent: its daily {@link Budget}, its tenant, its spend anomaly
 * baselines and its last activity. Retired (evicted) only when that lifts no
 * enforcement: see {@link #pinned}. Not API.
 *
 * <p>Memory: about 1 KiB (the budget and its period, the breakdown map, two baselines).
 */
public final class Ledger extends Retirable {

    /** The agent. */
    public final String agentId;
    /** Its tenant, or {@code null}. */
    public final String tenant;
    /** Its daily budget. */
    public final Budget daily;
    /** Its spend baselines; {@code null} when anomaly detection is off. */
    public final SpendAnomalies anomalies;
    /** When it was last charged. */
    public volatile long lastActivityMillis;

    /** The ledger of {@code agentId}. */
    public Ledger(String agentId, String tenant, Budget daily, SpendAnomalies anomalies, long now) {
        this.agentId = agentId;
        this.tenant = tenant;
        this.daily = daily;
        this.anomalies = anomalies;
        this.lastActivityMillis = now;
    }

    /**
     * Pinned while its day holds enforcement ({@link Budget#holdsEnforcement}): open reservations, or
     * a day not over that is throttled, killed or has spent under a limit — evicting it then would bring
     * the agent back ACTIVE with $0 spent.
     */
    @Override
    protected boolean pinned(long now) {
        return daily.holdsEnforcement(now);
    }
}
