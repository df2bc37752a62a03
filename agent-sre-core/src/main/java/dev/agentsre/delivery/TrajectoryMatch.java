package dev.agentsre.delivery;

/**
 * How a trajectory comparator matches the candidate's tool calls against the baseline's (the modes of
 * LangChain's agentevals). A call is its tool name and its redacted JSON arguments.
 */
public enum TrajectoryMatch {
    /** The same calls in the same order. */
    STRICT,
    /** The same calls, in any order (as multisets). */
    UNORDERED,
    /** The candidate made no call the baseline did not make (candidate ⊆ baseline). */
    SUBSET,
    /** The candidate made every call the baseline made, and maybe more (candidate ⊇ baseline). */
    SUPERSET
}
