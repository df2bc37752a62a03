package dev.agentsre;

import dev.agentsre.breaker.CircuitBreaker;
import dev.agentsre.breaker.CircuitBreakerRegistry;
import dev.agentsre.breaker.CircuitOpenException;
import dev.agentsre.guard.CallGuard;
import dev.agentsre.guard.GuardedCall;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * One circuit breaker per dependency (a model, a provider, a tool — by the pipeline's dependency
 * key), shared by every agent: when a provider is down its calls fail fast in every agent's tasks
 * with a {@link CircuitOpenRefusedException} naming the dependency, and calls to other dependencies
 * still run. Each call's outcome goes to the permit it was admitted with.
 */
final class DependencyBreakerGuard implements CallGuard {

    private final CircuitBreakerRegistry breakers;

    DependencyBreakerGuard(CircuitBreakerRegistry breakers) {
        this.breakers = breakers;
    }

    @Override
    public void beforeCall(GuardedCall guarded) {
        CallFrame call = (CallFrame) guarded;
        String dependency = call.dependency;
        if (dependency == null) {
            return;
        }
        CircuitBreaker breaker = breakers.get(dependency);
        try {
            call.dependencyPermit = breaker.acquire();
        } catch (CircuitOpenException rejected) {
            Duration retry = rejected.retryAfter();
            throw new CircuitOpenRefusedException(call.run.agentId, call.run.taskId, dependency, call.describe()
                    + " refused: the circuit breaker of dependency '" + dependency + "' is " + rejected.state(),
                    retry.isZero() ? Duration.ofMillis(1) : retry, rejected);
        }
    }

    @Override
    public void afterCall(GuardedCall guarded) {
        CallFrame call = (CallFrame) guarded;
        CircuitBreaker.Permit permit = call.dependencyPermit;
        if (permit == null) {
            return;
        }
        switch (call.outcome) {
            case SUCCEEDED:
                permit.onSuccess(call.durationMillis, TimeUnit.MILLISECONDS);
                break;
            case FAILED:
                permit.onError(call.durationMillis, TimeUnit.MILLISECONDS, call.error);
                break;
            default:
                permit.release();
                break;
        }
    }
}
