package dev.agentsre.event;

import dev.agentsre.anomaly.RiskLevel;
import java.time.Instant;
import java.util.List;

/**
 * An agent's risk reached the quarantine level: its calls should be refused until it is released.
 *
 * @param timestamp when
 * @param agentId the agent
 * @param riskLevel the risk that triggered it
 * @param reasons why, in words
 */
public record AgentQuarantined(Instant timestamp, String agentId, RiskLevel riskLevel, List<String> reasons) implements RogueEvent {

    /** Copies the reasons. */
    public AgentQuarantined {
        reasons = List.copyOf(reasons);
    }
}
