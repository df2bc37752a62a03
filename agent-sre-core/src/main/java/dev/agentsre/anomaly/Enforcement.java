package dev.agentsre.anomaly;

/**
 * Whether a registered capability profile is enforced on the tool calls the {@code AgentSre}
 * pipeline makes for an agent.
 */
public enum Enforcement {
    /**
     * A tool outside the agent's profile (or on the denied list) is refused before it runs — a
     * {@code CapabilityViolationException} from the call — and recorded as a violation. The default:
     * an allow-list that only logs is not an allow-list; deny by default is what a security engineer
     * expects from a registered profile.
     */
    ENFORCE,
    /**
     * The tool runs; the violation is only recorded and scored (and can still quarantine the agent
     * once the risk reaches the quarantine level). For trying out a new profile on live traffic.
     */
    OBSERVE
}
