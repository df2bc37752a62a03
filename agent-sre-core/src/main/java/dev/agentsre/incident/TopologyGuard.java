package dev.agentsre.incident;

import dev.agentsre.CircuitOpenRefusedException;
import dev.agentsre.guard.CallGuard;
import dev.agentsre.guard.CallKind;
import dev.agentsre.guard.GuardedCall;
import dev.agentsre.guard.Outcome;

/**
 * Feeds a {@link DependencyTopology} from the pipeline: after every model, tool or delegation call,
 * one {@link DependencyTopology#observe} of the task's agent, the call's dependency and whether it
 * succeeded. A call refused because the dependency's breaker is open counts as a failure of that
 * dependency; other refusals (budget, quarantine, limits) say nothing about it and are skipped.
 *
 * <pre>{@code
 * AgentSre sre = AgentSre.builder()...dependencyBreakers(providerBreakers).guard(topology.guard()).build();
 * }</pre>
 *
 * <p>Allocation-free on the hot path once an edge is known; never refuses anything.
 */
final class TopologyGuard implements CallGuard {

    private final DependencyTopology topology;

    TopologyGuard(DependencyTopology topology) {
        this.topology = topology;
    }

    @Override
    public void afterCall(GuardedCall call) {
        Outcome outcome = call.outcome();
        if (outcome == null) {
            return;
        }
        String dependency = call.kind() == CallKind.DELEGATE ? call.target() : call.dependency();
        if (dependency == null) {
            return;
        }
        boolean success;
        if (outcome == Outcome.SUCCEEDED) {
            success = true;
        } else if (outcome == Outcome.FAILED) {
            success = false;
        } else if (call.error() instanceof CircuitOpenRefusedException
                && dependency.equals(((CircuitOpenRefusedException) call.error()).dependency())) {
            success = false;
        } else {
            return;
        }
        DependencyKind kind = call.kind() == CallKind.LLM ? DependencyKind.MODEL
                : call.kind() == CallKind.TOOL ? DependencyKind.TOOL : DependencyKind.AGENT;
        topology.observe(call.task().agentId(), kind, dependency, success, topology.clock().instant());
    }

    @Override
    public String toString() {
        return "TopologyGuard";
    }
}
