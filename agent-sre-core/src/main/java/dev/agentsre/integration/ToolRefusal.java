package dev.agentsre.integration;

import dev.agentsre.TaskRefusedException;

/**
 * What a guarded tool does when the pipeline refuses its call (a loop, a tool outside the agent's
 * profile, a task limit, an open breaker, a spent budget): the tool itself never runs either way.
 */
public enum ToolRefusal {
    /**
     * Throw the {@link TaskRefusedException}: the agent's invocation stops. (LangChain4j's AI services
     * turn a tool's exception into a message for the model unless their tool-execution error handler
     * rethrows it: register {@code AgentSreLangChain4j.toolErrorHandler()}.)
     */
    THROW,
    /**
     * Return the refusal to the model as the tool's error result — {@code "agent-sre refused tool
     * 'x': ..."} — so it can choose another way; the refusal is still published and counted, and a
     * quarantine still refuses the agent's next model call.
     */
    RETURN_ERROR_TO_MODEL;

    /** The text the model sees for a refusal in {@link #RETURN_ERROR_TO_MODEL} mode. */
    public static String messageFor(String tool, TaskRefusedException refusal) {
        return "agent-sre refused tool '" + tool + "' (" + refusal.reason() + "): " + refusal.getMessage();
    }
}
