package dev.agentsre.delivery;

/**
 * A rollout was asked to start or to increase the candidate's exposure while deployments of its
 * agent are frozen (an SLO with {@link dev.agentsre.slo.ExhaustionAction#FREEZE_DEPLOYMENTS} is
 * exhausted). Abort and rollback are always allowed.
 */
public final class DeploymentFrozenException extends IllegalStateException {

    private static final long serialVersionUID = 1L;

    private final String agentId;

    /** For {@code agentId}, with a sentence saying what was refused. */
    public DeploymentFrozenException(String agentId, String message) {
        super(message);
        this.agentId = agentId;
    }

    /** The agent whose deployments are frozen. */
    public String agentId() {
        return agentId;
    }
}
