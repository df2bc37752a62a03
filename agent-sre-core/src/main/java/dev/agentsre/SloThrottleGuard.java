package dev.agentsre;

import dev.agentsre.guard.CallGuard;
import dev.agentsre.guard.GuardedTask;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/**
 * An exhausted SLO's THROTTLE action at the door: one task of the agent per interval (a GCRA gate
 * with a burst of one, exact under contention); the others get a {@link ThrottledException}.
 */
final class SloThrottleGuard implements CallGuard {

    private final AgentSre sre;

    SloThrottleGuard(AgentSre sre) {
        this.sre = sre;
    }

    @Override
    public void beforeTask(GuardedTask task) {
        AtomicLong gate = sre.sloThrottleGate(task.agentId());
        if (gate == null) {
            return;
        }
        long now = sre.clock().millis();
        long next = gate.get();
        if (now < next || !gate.compareAndSet(next, now + sre.sloThrottleIntervalMillis())) {
            throw new ThrottledException(task.agentId(), task.taskId(), "agent '" + task.agentId()
                    + "' is throttled: an SLO's error budget is exhausted", Duration.ofMillis(Math.max(1, gate.get() - now)));
        }
    }
}
