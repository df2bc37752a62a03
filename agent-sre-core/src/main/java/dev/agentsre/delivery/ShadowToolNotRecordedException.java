package dev.agentsre.delivery;

/**
 * Thrown to a shadowed candidate that calls a tool (or delegates) with arguments the baseline did
 * not use on the same request: its answer is not in the recording, and a shadow never calls the real
 * tool. The candidate may catch it and go on; the comparison counts a trajectory divergence.
 */
public final class ShadowToolNotRecordedException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final String tool;

    /** For a call of {@code tool}. */
    public ShadowToolNotRecordedException(String tool, String message) {
        super(message, null, false, false);
        this.tool = tool;
    }

    /** The tool (or delegated agent) the candidate called. */
    public String tool() {
        return tool;
    }
}
