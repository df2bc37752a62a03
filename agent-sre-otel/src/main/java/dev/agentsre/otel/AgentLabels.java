package dev.agentsre.otel;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * How agents appear in the exported series: the {@code agent.id} attribute (and the owner of an
 * agent's budget) — the one attribute whose values grow with the fleet. Set it once on
 * {@link SreComponents.Builder#agentLabels}; both exporters follow it.
 *
 * <ul>
 *   <li>{@link #all()}: every agent its own value — series grow with the number of agents;</li>
 *   <li>{@link #capped(int) capped(n)} (the default, {@value #DEFAULT_MAX_AGENTS}): the first
 *       {@code n} agent ids the exporter sees keep their value for its lifetime; every later agent is
 *       {@value #OTHER} — so a metric has at most {@code n + 1} agent values;</li>
 *   <li>{@link #none()}: no agent attribute at all — one fleet series per metric and remaining
 *       attributes.</li>
 * </ul>
 *
 * <p>Agents that share a value are aggregated: counters and 0/1 state series are summed (how many
 * agents are in a state), a budget left or a compliance is the lowest, every other gauge (a status
 * code, a burn rate, a risk level, a utilisation) the highest — the worst agent speaks for the
 * bucket. An observed counter summed over {@value #OTHER} can go down when one of its agents is
 * evicted; Prometheus's {@code rate} treats that as a counter reset.
 *
 * <p>Thread-safe. Memory: the {@code n} ids of a capped policy, nothing for the others. Use one
 * policy instance per exporter set (the ids it has admitted are its state).
 */
public final class AgentLabels {

    /** The value of every agent beyond a cap. */
    public static final String OTHER = "other";
    /** The default cap of {@link SreComponents}. */
    public static final int DEFAULT_MAX_AGENTS = 200;

    private final Mode mode;
    private final int max;
    private final Set<String> admitted;

    private enum Mode { ALL, CAPPED, NONE }

    private AgentLabels(Mode mode, int max) {
        this.mode = mode;
        this.max = max;
        this.admitted = mode == Mode.CAPPED ? ConcurrentHashMap.newKeySet() : null;
    }

    /** Every agent its own value (series grow with the fleet). */
    public static AgentLabels all() {
        return new AgentLabels(Mode.ALL, Integer.MAX_VALUE);
    }

    /** No agent attribute: series do not grow with the fleet. */
    public static AgentLabels none() {
        return new AgentLabels(Mode.NONE, 0);
    }

    /**
     * The first {@code maxAgents} agent ids keep their value, every later one is {@value #OTHER}.
     *
     * @throws IllegalArgumentException if {@code maxAgents} is not positive
     */
    public static AgentLabels capped(int maxAgents) {
        if (maxAgents <= 0) {
            throw new IllegalArgumentException("maxAgents must be positive, got " + maxAgents);
        }
        return new AgentLabels(Mode.CAPPED, maxAgents);
    }

    /** The most distinct values one metric can carry for agents ({@code n + 1} for a cap, 0 for none). */
    public int maxValues() {
        return switch (mode) {
            case ALL -> Integer.MAX_VALUE;
            case CAPPED -> max + 1;
            case NONE -> 0;
        };
    }

    /**
     * The value {@code agentId} is exported under: itself, {@value #OTHER}, or {@code null} (the
     * attribute is left out). A null id stays null.
     */
    public String label(String agentId) {
        if (agentId == null || mode == Mode.ALL) {
            return agentId;
        }
        if (mode == Mode.NONE) {
            return null;
        }
        if (admitted.contains(agentId)) {
            return agentId;
        }
        synchronized (admitted) {
            if (admitted.contains(agentId) || (admitted.size() < max && admitted.add(agentId))) {
                return agentId;
            }
        }
        return OTHER;
    }

    /** Whether {@code agentId} is exported under a value of its own (reads only; admits nothing). */
    boolean ownsLabel(String agentId) {
        return mode == Mode.ALL || (mode == Mode.CAPPED && admitted.contains(agentId));
    }

    @Override
    public String toString() {
        return switch (mode) {
            case ALL -> "AgentLabels.all()";
            case CAPPED -> "AgentLabels.capped(" + max + ")";
            case NONE -> "AgentLabels.none()";
        };
    }
}
