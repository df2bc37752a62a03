package dev.agentsre;

import dev.agentsre.internal.Check;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The tasks the pipeline was asked to capture ({@link AgentSre#captureNext}): per agent, how many of
 * its next tasks are still to be captured. A task takes one when it is admitted; exactly {@code n}
 * tasks take the {@code n} asked for, however many threads race.
 *
 * <p>Bounded: at most {@value #MAX_AGENTS} agents with captures pending and
 * {@value #MAX_PER_AGENT} tasks per agent (about 100 bytes per agent). Taking costs one
 * {@code isEmpty} read when nothing is pending, and a map lookup when something is.
 */
final class CaptureRequests {

    /** Cap on agents with captures pending. */
    static final int MAX_AGENTS = 1_000;
    /** Cap on the tasks pending per agent. */
    static final int MAX_PER_AGENT = 10_000;

    private final ConcurrentHashMap<String, Integer> pending = new ConcurrentHashMap<>();

    /**
     * Asks for the next {@code tasks} tasks of {@code agentId}: the pending count becomes the larger of
     * what was pending and {@code tasks} (two requests for "the next 20" are the next 20, not 40).
     */
    void arm(String agentId, int tasks) {
        Check.notBlank("agentId", agentId);
        if (tasks < 1 || tasks > MAX_PER_AGENT) {
            throw new IllegalArgumentException("traces must be between 1 and " + MAX_PER_AGENT + ", got " + tasks);
        }
        // Arming is rare: one lock makes the cap on agents exact (taking only ever removes entries).
        synchronized (this) {
            if (!pending.containsKey(agentId) && pending.size() >= MAX_AGENTS) {
                throw new IllegalStateException("captures are pending for " + MAX_AGENTS + " agents already (the cap); agent '" + agentId
                        + "' cannot be added until some of their tasks have run");
            }
            pending.merge(agentId, tasks, Math::max);
        }
    }

    /** Takes one pending capture of {@code agentId}; false when none is pending. */
    boolean take(String agentId) {
        if (pending.isEmpty() || !pending.containsKey(agentId)) {
            return false;
        }
        boolean[] taken = new boolean[1];
        pending.computeIfPresent(agentId, (agent, left) -> {
            taken[0] = true;
            return left > 1 ? left - 1 : null;
        });
        return taken[0];
    }

    /** The captures pending for {@code agentId}; a pure read. */
    int pending(String agentId) {
        Integer left = pending.get(agentId);
        return left == null ? 0 : left;
    }
}
