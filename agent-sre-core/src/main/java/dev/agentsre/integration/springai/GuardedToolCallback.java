package dev.agentsre.integration.springai;

import dev.agentsre.TaskContext;
import dev.agentsre.TaskRefusedException;
import dev.agentsre.integration.TaskBinding;
import dev.agentsre.integration.ToolRefusal;
import dev.agentsre.internal.Check;
import org.springframework.ai.chat.model.ToolContext;
import org.springframework.ai.tool.ToolCallback;
import org.springframework.ai.tool.definition.ToolDefinition;
import org.springframework.ai.tool.metadata.ToolMetadata;

/**
 * A Spring AI {@link ToolCallback} whose every call is a guarded tool call of the pipeline, named by
 * the tool's name with its JSON input as the arguments (what the rogue detector hashes to find
 * loops): refused — and never executed — by a tool outside the agent's capability profile, a loop, a
 * task limit, an open dependency breaker or a spent budget. It finds its task in the tool context the
 * {@link AgentSreAdvisor} passes along (so it works on the threads Spring AI runs tools on during a
 * stream), else on this thread, else runs as a task of its own. A refusal throws (Spring AI's tool
 * calling passes it to the caller; the default, {@link ToolRefusal#THROW}) or is returned to the model
 * as the tool's result ({@link ToolRefusal#RETURN_ERROR_TO_MODEL}). Thread-safe.
 */
public final class GuardedToolCallback implements ToolCallback {

    private final ToolCallback delegate;
    private final TaskBinding binding;
    private final ToolRefusal refusal;

    GuardedToolCallback(ToolCallback delegate, TaskBinding binding, ToolRefusal refusal) {
        this.delegate = Check.notNull("toolCallback", delegate);
        this.binding = binding;
        this.refusal = Check.notNull("refusal", refusal);
    }

    /** The wrapped callback. */
    public ToolCallback delegate() {
        return delegate;
    }

    @Override
    public ToolDefinition getToolDefinition() {
        return delegate.getToolDefinition();
    }

    @Override
    public ToolMetadata getToolMetadata() {
        return delegate.getToolMetadata();
    }

    @Override
    public String call(String toolInput) {
        return call(toolInput, null);
    }

    @Override
    public String call(String toolInput, ToolContext toolContext) {
        TaskContext task = TaskContexts.of(toolContext);
        ToolContext own = TaskContexts.strip(toolContext);
        String name = delegate.getToolDefinition().name();
        try {
            return binding.run(task, ctx -> ctx.tool(name, toolInput,
                    () -> own == null ? delegate.call(toolInput) : delegate.call(toolInput, own)));
        } catch (TaskRefusedException refused) {
            if (refusal == ToolRefusal.THROW) {
                throw refused;
            }
            return ToolRefusal.messageFor(name, refused);
        }
    }

    @Override
    public String toString() {
        return "GuardedToolCallback{" + binding.agentId() + ", " + delegate.getToolDefinition().name() + '}';
    }
}
