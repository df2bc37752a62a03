package dev.agentsre.anomaly;

/** The behavioural signals a {@link RogueAgentDetector} scores. */
public enum Signal {
    /** Tool calls per window against the agent's baseline. */
    FREQUENCY,
    /** Shannon entropy of the recent actions: too repetitive or too chaotic. */
    ENTROPY,
    /** The same call repeated, or a short cycle of calls repeated. */
    LOOP,
    /** Tools outside the agent's registered profile. */
    CAPABILITY
}
