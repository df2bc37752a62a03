package dev.agentsre.replay;

/**
 * An agent run written against {@link AgentCalls}, so that it can be re-run in a what-if.
 *
 * @param <R> what the agent returns
 */
@FunctionalInterface
public interface AgentRun<R> {

    /** Runs the agent, making every model call, tool call and delegation through {@code calls}. */
    R run(AgentCalls calls) throws Exception;
}
