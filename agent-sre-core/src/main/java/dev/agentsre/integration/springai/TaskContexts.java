package dev.agentsre.integration.springai;

import dev.agentsre.TaskContext;
import java.util.HashMap;
import java.util.Map;
import org.springframework.ai.chat.client.ChatClientRequest;
import org.springframework.ai.chat.model.ToolContext;
import org.springframework.ai.chat.prompt.ChatOptions;
import org.springframework.ai.chat.prompt.Prompt;
import org.springframework.ai.model.tool.ToolCallingChatOptions;

/**
 * Carries a task's context where a thread-local cannot follow: in the {@code ChatClientRequest}'s
 * context (from the task advisor to the model advisor, across Reactor threads) and in the prompt's
 * tool context (to the tool callbacks, which Spring AI may run on another thread during a stream).
 */
final class TaskContexts {

    /** The key of the running task's {@link TaskContext} in a request's or tool call's context. */
    static final String KEY = "dev.agentsre.TaskContext";
    /** Marks a request whose model call an {@link AgentSreAdvisor} already guards. */
    static final String GUARDED = "dev.agentsre.guarded";
    /** Marks a tool context that only the pipeline put there (so the tools see none). */
    static final String ADDED = "dev.agentsre.TaskContext.added";

    private TaskContexts() {
    }

    /** The task a request belongs to: the one in its context, else the one running on this thread. */
    static TaskContext of(ChatClientRequest request) {
        Object ctx = request.context().get(KEY);
        return ctx instanceof TaskContext task ? task : TaskContext.current().orElse(null);
    }

    /** The request with {@code task} in its context and in its prompt's tool context. */
    static ChatClientRequest with(ChatClientRequest request, TaskContext task) {
        Prompt prompt = request.prompt();
        ChatOptions options = prompt.getOptions();
        ChatClientRequest.Builder builder = request.mutate().context(KEY, task).context(GUARDED, Boolean.TRUE);
        if (options instanceof ToolCallingChatOptions toolOptions) {
            ToolCallingChatOptions copy = (ToolCallingChatOptions) toolOptions.copy();
            Map<String, Object> toolContext = new HashMap<>(copy.getToolContext() == null ? Map.of() : copy.getToolContext());
            if (toolContext.isEmpty()) {
                toolContext.put(ADDED, Boolean.TRUE);
            }
            toolContext.put(KEY, task);
            copy.setToolContext(toolContext);
            builder.prompt(new Prompt(prompt.getInstructions(), copy));
        }
        return builder.build();
    }

    /** The task in a tool call's context, else the one running on this thread. */
    static TaskContext of(ToolContext toolContext) {
        Object ctx = toolContext == null ? null : toolContext.getContext().get(KEY);
        return ctx instanceof TaskContext task ? task : TaskContext.current().orElse(null);
    }

    /** The tool context as the tool should see it: without what the pipeline added. */
    static ToolContext strip(ToolContext toolContext) {
        if (toolContext == null || !toolContext.getContext().containsKey(KEY)) {
            return toolContext;
        }
        if (toolContext.getContext().containsKey(ADDED)) {
            return null; // the caller passed none: Spring AI only added the call history to ours
        }
        Map<String, Object> own = new HashMap<>(toolContext.getContext());
        own.remove(KEY);
        return new ToolContext(own);
    }
}
