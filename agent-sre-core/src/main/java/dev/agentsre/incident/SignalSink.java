package dev.agentsre.incident;

import java.util.List;

/** Where a {@link DetectionPolicy} rule reports what an event means. */
public interface SignalSink {

    /** A signal at the policy's severity for {@code type}. */
    default void signal(SignalType type, String agentId, String subject, String detail) {
        signal(type, agentId, subject, detail, List.of());
    }

    /** A signal naming further agents (a cascade). */
    void signal(SignalType type, String agentId, String subject, String detail, List<String> agents);

    /** The condition of {@code type}, agent and subject is over. */
    void recovered(SignalType type, String agentId, String subject);

    /** Whether {@code name} is a dependency (a model or tool) in the learned topology. */
    boolean isDependency(String name);
}
