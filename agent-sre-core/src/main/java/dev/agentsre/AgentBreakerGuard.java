package dev.agentsre;

import dev.agentsre.breaker.CircuitBreaker;
import dev.agentsre.breaker.CircuitBreakerRegistry;
import dev.agentsre.breaker.CircuitOpenException;
import dev.agentsre.guard.CallGuard;
import dev.agentsre.guard.GuardedTask;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * The agent's own circuit breaker around the whole task: last at the door (a half-open probe slot
 * is only taken by a task that will run), and the task's outcome goes to the permit it was admitted
 * with. A task with a refused call counts neither way (the permit is released): the guard that
 * refused already acted, and counting it would open every agent's breaker during one provider's
 * outage, or keep a circuit open after an operator revives a budget.
 */
final class AgentBreakerGuard implements CallGuard {

    private final CircuitBreakerRegistry breakers;

    AgentBreakerGuard(CircuitBreakerRegistry breakers) {
        this.breakers = breakers;
    }

    @Override
    public void beforeTask(GuardedTask task) {
        TaskRun run = (TaskRun) task;
        CircuitBreaker breaker = breakers.get(run.agentId);
        try {
            run.breakerPermit = breaker.acquire();
        } catch (CircuitOpenException rejected) {
            Duration retry = rejected.retryAfter();
            throw new CircuitOpenRefusedException(run.agentId, run.taskId, null, "the circuit breaker of agent '" + run.agentId + "' is "
                    + rejected.state(), retry.isZero() ? Duration.ofMillis(1) : retry, rejected);
        }
    }

    @Override
    public void afterTask(GuardedTask task) {
        TaskRun run = (TaskRun) task;
        CircuitBreaker.Permit permit = run.breakerPermit;
        if (permit == null) {
            return;
        }
        switch (run.outcome()) {
            case SUCCEEDED:
                permit.onSuccess(run.durationMillis(), TimeUnit.MILLISECONDS);
                break;
            case FAILED:
                permit.onError(run.durationMillis(), TimeUnit.MILLISECONDS, run.error());
                break;
            default:
                permit.release();
                break;
        }
    }
}
