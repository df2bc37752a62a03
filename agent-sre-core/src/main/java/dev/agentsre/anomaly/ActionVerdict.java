package dev.agentsre.anomaly;

/** What the detector says about one recorded tool call of a task ({@link RogueAgentDetector.TaskActions#record}). */
public enum ActionVerdict {
    /** Nothing against it. */
    ALLOWED,
    /** The tool is outside the agent's capability profile or on the denied list, and profiles are enforced. */
    UNAUTHORISED,
    /** The agent is quarantined (possibly by this very call). */
    QUARANTINED
}
