package dev.agentsre.chaos;

import dev.agentsre.anomaly.RiskLevel;
import dev.agentsre.anomaly.RogueAgentDetector;
import dev.agentsre.internal.Check;

/**
 * Decides whether an agent's defences caught a planted attack, for
 * {@link ChaosExperiment#evaluateDefenses}. Write your own (did the agent refuse, did a guardrail
 * log it?) or use {@link #rogueDetector}.
 */
@FunctionalInterface
public interface DefenseCheck {

    /** Whether {@code attack} was caught. */
    boolean caught(InjectedAttack attack);

    /**
     * Caught when the rogue detector has quarantined {@code agentId} or rates it at least
     * {@code level} now — the agent's behaviour after the attack gave it away.
     */
    static DefenseCheck rogueDetector(RogueAgentDetector detector, String agentId, RiskLevel level) {
        Check.notNull("detector", detector);
        Check.notBlank("agentId", agentId);
        Check.notNull("level", level);
        return attack -> detector.isQuarantined(agentId) || detector.assess(agentId).riskLevel().atLeast(level);
    }
}
