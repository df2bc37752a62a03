package dev.agentsre.integration.langchain4j;

import dev.agentsre.AgentSre;
import dev.agentsre.TaskRefusedException;
import dev.agentsre.integration.TaskBinding;
import dev.agentsre.integration.ToolRefusal;
import dev.agentsre.internal.Check;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.StreamingChatModel;
import dev.langchain4j.service.tool.AiServiceTool;
import dev.langchain4j.service.tool.ToolErrorHandlerResult;
import dev.langchain4j.service.tool.ToolExecutionErrorHandler;
import dev.langchain4j.service.tool.ToolExecutor;
import dev.langchain4j.service.tool.ToolProvider;
import dev.langchain4j.service.tool.ToolProviderResult;
import dev.langchain4j.service.tool.ToolService;
import java.util.ArrayList;
import java.util.List;

/**
 * One line per model and per tool set to put LangChain4j under the pipeline:
 *
 * <pre>{@code
 * ChatModel model = AgentSreLangChain4j.guard(sre, "research-agent", openAiChatModel);
 * ToolProvider tools = AgentSreLangChain4j.tools(sre, "research-agent", new WebTools(), new DbTools());
 * Assistant assistant = AiServices.builder(Assistant.class)
 *         .chatModel(model).toolProvider(tools)
 *         .toolExecutionErrorHandler(AgentSreLangChain4j.toolErrorHandler())   // a refused tool ends the invocation
 *         .build();
 * String answer = sre.agent("research-agent").task("t-42").call(ctx -> assistant.chat(question));
 * }</pre>
 *
 * <p>Every model and tool call made inside {@code call(...)} is a call of that task; made outside a
 * task, each is a task of its own of the agent named here (see {@link TaskBinding}).
 */
public final class AgentSreLangChain4j {

    private AgentSreLangChain4j() {
    }

    /** {@code model}, guarded for {@code agentId} with the defaults of {@link AgentSreChatModel#builder}. */
    public static ChatModel guard(AgentSre sre, String agentId, ChatModel model) {
        return AgentSreChatModel.builder(sre, agentId, model).build();
    }

    /** {@code model}, guarded for {@code agentId} with the defaults of {@link AgentSreStreamingChatModel#builder}. */
    public static StreamingChatModel guard(AgentSre sre, String agentId, StreamingChatModel model) {
        return AgentSreStreamingChatModel.builder(sre, agentId, model).build();
    }

    /**
     * The {@code @Tool} methods of {@code toolObjects} as a tool provider whose every call is guarded
     * (a refusal throws; see {@link #tools(AgentSre, String, ToolRefusal, Object...)}).
     *
     * @throws IllegalArgumentException if an object has no {@code @Tool} method or two tools share a name
     */
    public static ToolProvider tools(AgentSre sre, String agentId, Object... toolObjects) {
        return tools(sre, agentId, ToolRefusal.THROW, toolObjects);
    }

    /** The {@code @Tool} methods of {@code toolObjects} as a guarded tool provider, refusals handled as {@code refusal} says. */
    public static ToolProvider tools(AgentSre sre, String agentId, ToolRefusal refusal, Object... toolObjects) {
        Check.notNull("toolObjects", toolObjects);
        if (toolObjects.length == 0) {
            throw new IllegalArgumentException("toolObjects must name at least one object with @Tool methods");
        }
        List<AiServiceTool> found = new ArrayList<>();
        for (Object toolObject : toolObjects) {
            try {
                found.addAll(ToolService.findTools(Check.notNull("toolObjects[i]", toolObject)));
            } catch (RuntimeException e) {
                throw new IllegalArgumentException("toolObjects: " + e.getMessage(), e);
            }
        }
        ToolProviderResult result;
        try {
            result = ToolProviderResult.builder().addAll(found).build();
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("toolObjects: " + e.getMessage(), e);
        }
        return guard(sre, agentId, refusal, request -> result);
    }

    /** {@code provider}'s tools, each guarded (a refusal throws). */
    public static ToolProvider guard(AgentSre sre, String agentId, ToolProvider provider) {
        return guard(sre, agentId, ToolRefusal.THROW, provider);
    }

    /** {@code provider}'s tools, each guarded, refusals handled as {@code refusal} says. */
    public static ToolProvider guard(AgentSre sre, String agentId, ToolRefusal refusal, ToolProvider provider) {
        return new GuardedToolProvider(provider, TaskBinding.of(sre, agentId, "tool"), Check.notNull("refusal", refusal));
    }

    /** {@code executor}, guarded (a refusal throws). */
    public static GuardedToolExecutor guard(AgentSre sre, String agentId, ToolExecutor executor) {
        return guard(sre, agentId, ToolRefusal.THROW, executor);
    }

    /** {@code executor}, guarded, refusals handled as {@code refusal} says. */
    public static GuardedToolExecutor guard(AgentSre sre, String agentId, ToolRefusal refusal, ToolExecutor executor) {
        return executor instanceof GuardedToolExecutor already ? already
                : new GuardedToolExecutor(executor, TaskBinding.of(sre, agentId, "tool"), refusal);
    }

    /**
     * A tool-execution error handler for {@code AiServices.builder(...).toolExecutionErrorHandler(...)}
     * that lets a pipeline refusal end the invocation (the caller of the AI service gets the
     * {@link TaskRefusedException}) and returns any other tool error to the model as its text, like
     * LangChain4j's default. Without it, LangChain4j hands every tool exception to the model.
     */
    public static ToolExecutionErrorHandler toolErrorHandler() {
        return (error, context) -> {
            if (error instanceof TaskRefusedException refused) {
                throw refused;
            }
            String message = error.getMessage();
            return ToolErrorHandlerResult.text(message != null ? message : error.getClass().getName());
        };
    }
}
