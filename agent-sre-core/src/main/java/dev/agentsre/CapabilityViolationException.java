package dev.agentsre;

import java.time.Duration;

/**
 * A tool call refused before the tool ran because the tool is outside the agent's registered
 * capability profile (or on the detector's denied list) and the rogue-agent detector enforces
 * profiles ({@code Enforcement.ENFORCE}). The attempt is recorded as a violation.
 */
public final class CapabilityViolationException extends TaskRefusedException {

    private static final long serialVersionUID = 1L;

    private final String tool;

    /** A refusal of {@code tool} for {@code taskId} of {@code agentId}. */
    public CapabilityViolationException(String agentId, String taskId, String tool, String message) {
        super(Kind.CAPABILITY, agentId, taskId, message, Duration.ZERO, null);
        this.tool = tool;
    }

    /** The tool that was refused. */
    public String tool() {
        return tool;
    }
}
