package dev.agentsre;

import java.time.Duration;

/**
 * A call or task refused by a user's own {@link dev.agentsre.guard.CallGuard} (a policy check, say);
 * build it with {@link dev.agentsre.guard.GuardedCall#refuse} or
 * {@link dev.agentsre.guard.GuardedTask#refuse}. {@link #reason()} is the guard's.
 */
public final class GuardRefusedException extends TaskRefusedException {

    private static final long serialVersionUID = 1L;

    private final String reason;

    /** A refusal with the guard's {@code reason} (short, machine-readable, e.g. {@code policy}). */
    public GuardRefusedException(String agentId, String taskId, String reason, String message, Duration retryAfter) {
        super(Kind.GUARD, agentId, taskId, message, retryAfter, null);
        this.reason = reason;
    }

    @Override
    public String reason() {
        return reason;
    }
}
