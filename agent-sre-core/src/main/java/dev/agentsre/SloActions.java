package dev.agentsre;

import dev.agentsre.slo.ExhaustionAction;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The exhaustion actions in force, per agent: which SLOs of the agent hold THROTTLE, CIRCUIT_BREAK
 * or FREEZE_DEPLOYMENTS in force. An agent's action is applied when its first SLO becomes exhausted
 * and undone only when its last one recovers, so two exhausted SLOs of one agent (a fixed one and a
 * template's) cannot lift each other's action.
 *
 * <p>Reads on the task path ({@link #throttleGate}, {@link #circuitBreakInForce}) are lock-free map
 * lookups that allocate nothing; changes (rare: on exhaustion and recovery) take one lock. Memory:
 * one entry per agent and action while an action is in force, nothing otherwise.
 */
final class SloActions {

    private final Object lock = new Object();
    private final Map<String, Map<ExhaustionAction, Set<String>>> inForce = new HashMap<>(); // guarded by lock
    private final Map<String, AtomicLong> throttleGates = new ConcurrentHashMap<>();
    /** The agents flagged by CIRCUIT_BREAK, FREEZE_DEPLOYMENTS (and ALERT, which nothing reads). */
    private final Map<ExhaustionAction, Set<String>> flagged = new EnumMap<>(ExhaustionAction.class);

    SloActions() {
        for (ExhaustionAction action : ExhaustionAction.values()) {
            flagged.put(action, ConcurrentHashMap.newKeySet());
        }
    }

    /**
     * Records that {@code sloName}'s {@code action} for {@code agentId} is applied ({@code on}) or
     * undone, and applies or undoes the agent's action when the first SLO applies it or the last one
     * undoes it. Returns whether this SLO's state changed (false for a repeated or unknown change).
     */
    boolean set(String agentId, String sloName, ExhaustionAction action, boolean on) {
        synchronized (lock) {
            Map<ExhaustionAction, Set<String>> actions = inForce.get(agentId);
            Set<String> slos = actions == null ? null : actions.get(action);
            if (on) {
                if (actions == null) {
                    actions = new EnumMap<>(ExhaustionAction.class);
                    inForce.put(agentId, actions);
                }
                if (slos == null) {
                    slos = new HashSet<>(2);
                    actions.put(action, slos);
                }
                if (!slos.add(sloName)) {
                    return false;
                }
                if (slos.size() == 1) {
                    flag(agentId, action, true);
                }
                return true;
            }
            if (slos == null || !slos.remove(sloName)) {
                return false;
            }
            if (slos.isEmpty()) {
                actions.remove(action);
                if (actions.isEmpty()) {
                    inForce.remove(agentId);
                }
                flag(agentId, action, false);
            }
            return true;
        }
    }

    // Under the lock.
    private void flag(String agentId, ExhaustionAction action, boolean on) {
        if (action == ExhaustionAction.THROTTLE) {
            if (on) {
                throttleGates.put(agentId, new AtomicLong(Long.MIN_VALUE));
            } else {
                throttleGates.remove(agentId);
            }
        } else if (on) {
            flagged.get(action).add(agentId);
        } else {
            flagged.get(action).remove(agentId);
        }
    }

    /** The THROTTLE gate of {@code agentId} (next admission time), or {@code null} when no SLO throttles it. */
    AtomicLong throttleGate(String agentId) {
        return throttleGates.isEmpty() ? null : throttleGates.get(agentId);
    }

    /** Whether an SLO of {@code agentId} holds CIRCUIT_BREAK in force. */
    boolean circuitBreakInForce(String agentId) {
        Set<String> agents = flagged.get(ExhaustionAction.CIRCUIT_BREAK);
        return !agents.isEmpty() && agents.contains(agentId);
    }

    /** Whether an SLO of {@code agentId} holds FREEZE_DEPLOYMENTS in force. */
    boolean frozen(String agentId) {
        Set<String> agents = flagged.get(ExhaustionAction.FREEZE_DEPLOYMENTS);
        return !agents.isEmpty() && agents.contains(agentId);
    }
}
