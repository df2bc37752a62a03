package dev.agentsre.integration.spring;

import dev.agentsre.AgentSre;

/**
 * Adjusts the {@link AgentSre.Builder} the auto-configuration builds the pipeline with — your own
 * call guards, a chaos experiment, a trace store, a dependency key — after the properties were
 * applied. Every bean of this type is applied, in {@code @Order}.
 */
@FunctionalInterface
public interface AgentSreCustomizer {

    /** Customises the builder. */
    void customize(AgentSre.Builder builder);
}
