package dev.agentsre.integration.langchain4j;

import dev.agentsre.TaskRefusedException;
import dev.agentsre.integration.TaskBinding;
import dev.agentsre.integration.ToolRefusal;
import dev.agentsre.internal.Check;
import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.invocation.InvocationContext;
import dev.langchain4j.service.tool.ToolExecutionResult;
import dev.langchain4j.service.tool.ToolExecutor;

/**
 * A LangChain4j {@link ToolExecutor} whose every execution is a guarded tool call of the pipeline,
 * named by the request's tool name with its JSON arguments as the call's arguments (what the rogue
 * detector hashes to find loops): refused — and never executed — by a tool outside the agent's
 * capability profile, a loop in the task, a task limit, an open dependency breaker or a spent budget;
 * recorded by the rogue detector; timed, captured and seen by your guards.
 *
 * <p>A refusal throws (the default, {@link ToolRefusal#THROW}) or is returned to the model as the
 * tool's error result ({@link ToolRefusal#RETURN_ERROR_TO_MODEL}). Thread-safe.
 */
public final class GuardedToolExecutor implements ToolExecutor {

    private final ToolExecutor delegate;
    private final TaskBinding binding;
    private final ToolRefusal refusal;

    GuardedToolExecutor(ToolExecutor delegate, TaskBinding binding, ToolRefusal refusal) {
        this.delegate = Check.notNull("delegate", delegate);
        this.binding = Check.notNull("binding", binding);
        this.refusal = Check.notNull("refusal", refusal);
    }

    /** The wrapped executor. */
    public ToolExecutor delegate() {
        return delegate;
    }

    @Override
    public String execute(ToolExecutionRequest request, Object memoryId) {
        try {
            return binding.run(ctx -> ctx.tool(request.name(), request.arguments(), () -> delegate.execute(request, memoryId)));
        } catch (TaskRefusedException refused) {
            if (refusal == ToolRefusal.THROW) {
                throw refused;
            }
            return ToolRefusal.messageFor(request.name(), refused);
        }
    }

    @Override
    public ToolExecutionResult executeWithContext(ToolExecutionRequest request, InvocationContext context) {
        try {
            return binding.run(ctx -> ctx.tool(request.name(), request.arguments(), () -> delegate.executeWithContext(request, context)));
        } catch (TaskRefusedException refused) {
            if (refusal == ToolRefusal.THROW) {
                throw refused;
            }
            return ToolExecutionResult.builder().isError(true).resultText(ToolRefusal.messageFor(request.name(), refused)).build();
        }
    }

    @Override
    public String toString() {
        return "GuardedToolExecutor{" + binding.agentId() + ", " + delegate + '}';
    }
}
