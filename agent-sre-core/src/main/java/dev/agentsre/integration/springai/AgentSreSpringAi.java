package dev.agentsre.integration.springai;

import dev.agentsre.AgentSre;
import dev.agentsre.integration.TaskBinding;
import dev.agentsre.integration.ToolRefusal;
import dev.agentsre.internal.Check;
import java.util.Arrays;
import java.util.List;
import org.springframework.ai.chat.client.advisor.api.Advisor;
import org.springframework.ai.model.tool.ToolCallingManager;
import org.springframework.ai.support.ToolCallbacks;
import org.springframework.ai.tool.ToolCallback;

/**
 * One line per {@code ChatClient} and per tool set to put Spring AI under the pipeline:
 *
 * <pre>{@code
 * ChatClient client = ChatClient.builder(chatModel)
 *         .defaultAdvisors(AgentSreSpringAi.advisors(sre, "research-agent"))
 *         .defaultToolCallbacks(AgentSreSpringAi.tools(sre, "research-agent", new WebTools()))
 *         .build();
 * String answer = client.prompt(question).call().content();      // one task of research-agent
 * }</pre>
 *
 * <p>In Spring Boot the auto-configuration does this for every {@code ChatClient} built from the
 * auto-configured {@code ChatClient.Builder}, and wraps the {@code ToolCallingManager} and
 * {@code ToolCallback} beans.
 */
public final class AgentSreSpringAi {

    private AgentSreSpringAi() {
    }

    /**
     * The two advisors that guard a {@code ChatClient}: {@link AgentSreTaskAdvisor} (each call a task
     * of {@code agentId}, outermost) and {@link AgentSreAdvisor} (each model call guarded, innermost).
     */
    public static List<Advisor> advisors(AgentSre sre, String agentId) {
        return List.of(taskAdvisor(sre, agentId), advisor(sre, agentId));
    }

    /** The model-call advisor alone (each call a one-call task unless a task is running). */
    public static AgentSreAdvisor advisor(AgentSre sre, String agentId) {
        return AgentSreAdvisor.builder(sre, agentId).build();
    }

    /** The task advisor alone, at {@link AgentSreTaskAdvisor#DEFAULT_ORDER}. */
    public static AgentSreTaskAdvisor taskAdvisor(AgentSre sre, String agentId) {
        return new AgentSreTaskAdvisor(sre, agentId, AgentSreTaskAdvisor.DEFAULT_ORDER);
    }

    /** The {@code @Tool} methods of {@code toolObjects} as guarded callbacks (a refusal throws). */
    public static ToolCallback[] tools(AgentSre sre, String agentId, Object... toolObjects) {
        return tools(sre, agentId, ToolRefusal.THROW, toolObjects);
    }

    /** The {@code @Tool} methods of {@code toolObjects} as guarded callbacks, refusals handled as {@code refusal} says. */
    public static ToolCallback[] tools(AgentSre sre, String agentId, ToolRefusal refusal, Object... toolObjects) {
        Check.notNull("toolObjects", toolObjects);
        ToolCallback[] callbacks;
        try {
            callbacks = ToolCallbacks.from(toolObjects);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("toolObjects: " + e.getMessage(), e);
        }
        return guard(sre, agentId, refusal, callbacks);
    }

    /** {@code callbacks}, each guarded, refusals handled as {@code refusal} says. */
    public static ToolCallback[] guard(AgentSre sre, String agentId, ToolRefusal refusal, ToolCallback... callbacks) {
        Tools tools = new Tools(sre, agentId, refusal);
        return Arrays.stream(Check.notNull("callbacks", callbacks)).map(tools::guard).toArray(ToolCallback[]::new);
    }

    /** {@code callback}, guarded (a refusal throws). */
    public static ToolCallback guard(AgentSre sre, String agentId, ToolCallback callback) {
        return new Tools(sre, agentId, ToolRefusal.THROW).guard(callback);
    }

    /** {@code manager}, guarding every tool callback of the prompts it executes tool calls for (a refusal throws). */
    public static ToolCallingManager toolCallingManager(AgentSre sre, String agentId, ToolCallingManager manager) {
        return toolCallingManager(sre, agentId, ToolRefusal.THROW, manager);
    }

    /** {@code manager}, guarding every tool callback of the prompts it executes tool calls for. */
    public static ToolCallingManager toolCallingManager(AgentSre sre, String agentId, ToolRefusal refusal, ToolCallingManager manager) {
        return manager instanceof AgentSreToolCallingManager already ? already
                : new AgentSreToolCallingManager(manager, new Tools(sre, agentId, refusal));
    }

    /** Guards tool callbacks for one agent, one refusal mode. */
    static final class Tools {
        private final TaskBinding binding;
        private final ToolRefusal refusal;

        Tools(AgentSre sre, String agentId, ToolRefusal refusal) {
            this.binding = TaskBinding.of(sre, agentId, "tool");
            this.refusal = Check.notNull("refusal", refusal);
        }

        ToolCallback guard(ToolCallback callback) {
            return callback instanceof GuardedToolCallback ? callback : new GuardedToolCallback(callback, binding, refusal);
        }
    }
}
