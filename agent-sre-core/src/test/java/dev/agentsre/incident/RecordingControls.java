package dev.agentsre.incident;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Budget and rollout controls that record what they were asked to do, for tests. */
final class RecordingControls implements BudgetControl, RolloutControl {

    final List<String> calls = new CopyOnWriteArrayList<>();

    @Override
    public void throttle(String agentId, String reason) {
        calls.add("throttle " + agentId);
    }

    @Override
    public void kill(String agentId, String reason) {
        calls.add("kill " + agentId);
    }

    @Override
    public void revive(String agentId) {
        calls.add("revive " + agentId);
    }

    @Override
    public boolean rollBack(String agentId, String reason) {
        calls.add("rollback " + agentId + ": " + reason);
        return true;
    }

    @Override
    public boolean pause(String agentId, String reason) {
        calls.add("pause " + agentId);
        return true;
    }

    @Override
    public boolean resume(String agentId) {
        calls.add("resume " + agentId);
        return true;
    }
}
