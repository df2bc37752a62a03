package dev.agentsre.integration.langchain4j;

import dev.agentsre.integration.TaskBinding;
import dev.agentsre.integration.ToolRefusal;
import dev.agentsre.internal.Check;
import dev.langchain4j.service.tool.AiServiceTool;
import dev.langchain4j.service.tool.ToolProvider;
import dev.langchain4j.service.tool.ToolProviderRequest;
import dev.langchain4j.service.tool.ToolProviderResult;

/**
 * A {@link ToolProvider} whose tools' executors are {@link GuardedToolExecutor}s: the specifications,
 * return behaviours and dynamic-ness of the wrapped provider are its own.
 */
final class GuardedToolProvider implements ToolProvider {

    private final ToolProvider delegate;
    private final TaskBinding binding;
    private final ToolRefusal refusal;

    GuardedToolProvider(ToolProvider delegate, TaskBinding binding, ToolRefusal refusal) {
        this.delegate = Check.notNull("toolProvider", delegate);
        this.binding = binding;
        this.refusal = refusal;
    }

    @Override
    public ToolProviderResult provideTools(ToolProviderRequest request) {
        ToolProviderResult tools = delegate.provideTools(request);
        if (tools == null) {
            return null;
        }
        ToolProviderResult.Builder guarded = ToolProviderResult.builder();
        for (AiServiceTool tool : tools.aiServiceTools()) {
            guarded.add(tool.toBuilder().toolExecutor(guard(tool)).build());
        }
        return guarded.build(); // each tool carries its own return behaviour
    }

    private GuardedToolExecutor guard(AiServiceTool tool) {
        return tool.toolExecutor() instanceof GuardedToolExecutor already ? already
                : new GuardedToolExecutor(tool.toolExecutor(), binding, refusal);
    }

    @Override
    public boolean isDynamic() {
        return delegate.isDynamic();
    }
}
