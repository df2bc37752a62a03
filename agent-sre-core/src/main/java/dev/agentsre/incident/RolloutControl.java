package dev.agentsre.incident;

import dev.agentsre.delivery.AgentRollout;
import dev.agentsre.internal.Check;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Acts on an agent's rollout: what the {@code rollback_rollout}, {@code pause_rollout} and
 * {@code resume_rollout} responses and runbook actions call. {@link #of(Collection)} adapts
 * {@link AgentRollout}s.
 */
public interface RolloutControl {

    /** Rolls back the agent's active rollout; returns false when it has none. */
    boolean rollBack(String agentId, String reason);

    /** Pauses the agent's active rollout; returns false when it has none. */
    boolean pause(String agentId, String reason);

    /** Resumes the agent's paused rollout; returns false when it has none. */
    boolean resume(String agentId);

    /**
     * The control of these rollouts, by their agent (the last one given wins for an agent with
     * several): roll back is {@link AgentRollout#rollback(String)}, pause and resume are
     * {@link AgentRollout#pause()} and {@link AgentRollout#resume()} (false when the rollout is not in
     * a state that allows it).
     */
    static RolloutControl of(Collection<? extends AgentRollout<?, ?>> rollouts) {
        Map<String, AgentRollout<?, ?>> byAgent = new LinkedHashMap<>();
        for (AgentRollout<?, ?> rollout : Check.notNull("rollouts", rollouts)) {
            byAgent.put(rollout.agentId(), rollout);
        }
        return new RolloutControl() {
            @Override
            public boolean rollBack(String agentId, String reason) {
                AgentRollout<?, ?> rollout = byAgent.get(agentId);
                return rollout != null && rollout.rollback(reason);
            }

            @Override
            public boolean pause(String agentId, String reason) {
                AgentRollout<?, ?> rollout = byAgent.get(agentId);
                if (rollout == null || rollout.state().isTerminal()) {
                    return false;
                }
                try {
                    rollout.pause();
                    return true;
                } catch (IllegalStateException notInAStep) {
                    return false;
                }
            }

            @Override
            public boolean resume(String agentId) {
                AgentRollout<?, ?> rollout = byAgent.get(agentId);
                if (rollout == null) {
                    return false;
                }
                try {
                    rollout.resume();
                    return true;
                } catch (IllegalStateException notPaused) {
                    return false;
                }
            }
        };
    }
}
