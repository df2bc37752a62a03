package dev.agentsre.integration.springai;

import dev.agentsre.internal.Check;
import java.util.List;
import org.springframework.ai.chat.model.ChatResponse;
import org.springframework.ai.chat.prompt.Prompt;
import org.springframework.ai.model.tool.ToolCallingChatOptions;
import org.springframework.ai.model.tool.ToolCallingManager;
import org.springframework.ai.model.tool.ToolExecutionResult;
import org.springframework.ai.tool.ToolCallback;
import org.springframework.ai.tool.definition.ToolDefinition;

/**
 * A {@link ToolCallingManager} that guards every tool callback a prompt carries — however it got
 * there ({@code ChatClient.tools(obj)}, {@code toolCallbacks(...)}, default tools) — before the
 * wrapped manager executes the model's tool calls. Give it to the chat model
 * ({@code OpenAiChatModel.builder().toolCallingManager(...)}) or to Spring AI's {@code ToolCallAdvisor};
 * in Spring Boot the auto-configuration wraps the {@code ToolCallingManager} bean. Tools the wrapped
 * manager resolves by name only are guarded when they are {@code ToolCallback} beans (which the
 * auto-configuration wraps too) or guarded by you. Thread-safe.
 */
public final class AgentSreToolCallingManager implements ToolCallingManager {

    private final ToolCallingManager delegate;
    private final AgentSreSpringAi.Tools tools;

    AgentSreToolCallingManager(ToolCallingManager delegate, AgentSreSpringAi.Tools tools) {
        this.delegate = Check.notNull("toolCallingManager", delegate);
        this.tools = tools;
    }

    /** The wrapped manager. */
    public ToolCallingManager delegate() {
        return delegate;
    }

    @Override
    public List<ToolDefinition> resolveToolDefinitions(ToolCallingChatOptions chatOptions) {
        return delegate.resolveToolDefinitions(chatOptions);
    }

    @Override
    public ToolExecutionResult executeToolCalls(Prompt prompt, ChatResponse chatResponse) {
        if (prompt.getOptions() instanceof ToolCallingChatOptions options && options.getToolCallbacks() != null
                && options.getToolCallbacks().stream().anyMatch(c -> !(c instanceof GuardedToolCallback))) {
            ToolCallingChatOptions copy = (ToolCallingChatOptions) options.copy();
            List<ToolCallback> guarded = copy.getToolCallbacks().stream().map(tools::guard).toList();
            copy.setToolCallbacks(guarded);
            prompt = new Prompt(prompt.getInstructions(), copy);
        }
        return delegate.executeToolCalls(prompt, chatResponse);
    }
}
