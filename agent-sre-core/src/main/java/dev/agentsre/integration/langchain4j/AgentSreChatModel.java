package dev.agentsre.integration.langchain4j;

import dev.agentsre.AgentSre;
import dev.agentsre.TaskContext;
import dev.agentsre.cost.TokenUsage;
import dev.agentsre.internal.Check;
import dev.langchain4j.model.ModelProvider;
import dev.langchain4j.model.chat.Capability;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.ChatRequestOptions;
import dev.langchain4j.model.chat.listener.ChatModelListener;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.request.ChatRequestParameters;
import dev.langchain4j.model.chat.response.ChatResponse;
import java.util.List;
import java.util.Set;

/**
 * A LangChain4j {@link ChatModel} whose every chat call is a guarded model call of the pipeline:
 * refused before it reaches the provider by task limits, quarantine, a spent budget or an open
 * dependency breaker; the worst case (the prompt plus the request's {@code maxOutputTokens}) held
 * against the budgets before it runs; the response's {@code TokenUsage} priced with the cost guard's
 * price table and charged as soon as it returns; chaos, trace capture and your own guards around it.
 *
 * <pre>{@code
 * ChatModel model = AgentSreChatModel.builder(sre, "research-agent", openAi).build();
 * Assistant assistant = AiServices.builder(Assistant.class).chatModel(model).build();
 * String answer = assistant.chat("...");                        // a one-call task of research-agent
 * sre.agent("triage").task("t-7").call(ctx -> assistant.chat("...")); // a call of triage's task t-7
 * }</pre>
 *
 * <p>The call's model id — for pricing, the dependency breaker and the refusal's
 * {@code refusedCall()} ({@code llm:gpt-4o}) — is the request's model, else the wrapped model's
 * default. A refusal throws a {@link dev.agentsre.TaskRefusedException} from {@code chat}; the
 * wrapped model's own listeners, defaults, provider and capabilities are its own. Thread-safe; a
 * chat call inside a task allocates a few small objects beyond the pipeline's own (see
 * {@code docs/performance.md}).
 */
public final class AgentSreChatModel implements ChatModel {

    private final ChatModel delegate;
    private final ModelCallSettings settings;

    private AgentSreChatModel(Builder b) {
        this.delegate = b.delegate;
        this.settings = new ModelCallSettings(b);
    }

    /** A builder decorating {@code delegate} for {@code agentId}'s calls made outside a task. */
    public static Builder builder(AgentSre sre, String agentId, ChatModel delegate) {
        return new Builder(sre, agentId, delegate);
    }

    /** The wrapped model. */
    public ChatModel delegate() {
        return delegate;
    }

    /** The agent of calls made outside a task. */
    public String agentId() {
        return settings.binding.agentId();
    }

    @Override
    public ChatResponse chat(ChatRequest request) {
        return chat(request, ChatRequestOptions.EMPTY);
    }

    @Override
    public ChatResponse chat(ChatRequest request, ChatRequestOptions options) {
        Check.notNull("chatRequest", request);
        ChatRequestParameters defaults = delegate.defaultRequestParameters();
        String model = settings.model(request, defaults);
        TokenUsage worstCase = settings.worstCase(request, defaults);
        return settings.binding.run(ctx -> guarded(ctx, model, request, worstCase, () -> delegate.chat(request, options)));
    }

    @Override
    public ChatResponse doChat(ChatRequest request) {
        Check.notNull("chatRequest", request);
        ChatRequestParameters defaults = delegate.defaultRequestParameters();
        String model = settings.model(request, defaults);
        TokenUsage worstCase = settings.worstCase(request, defaults);
        return settings.binding.run(ctx -> guarded(ctx, model, request, worstCase, () -> delegate.doChat(request)));
    }

    private ChatResponse guarded(TaskContext ctx, String model, ChatRequest request, TokenUsage worstCase,
                                 dev.agentsre.replay.Call<ChatResponse, RuntimeException> call) {
        return worstCase == null
                ? ctx.llm(model, request, call, settings.usage)
                : ctx.llm(model, request, worstCase, call, settings.usage);
    }

    @Override
    public ChatRequestParameters defaultRequestParameters() {
        return delegate.defaultRequestParameters();
    }

    @Override
    public List<ChatModelListener> listeners() {
        return delegate.listeners();
    }

    @Override
    public ModelProvider provider() {
        return delegate.provider();
    }

    @Override
    public Set<Capability> supportedCapabilities() {
        return delegate.supportedCapabilities();
    }

    @Override
    public String toString() {
        return "AgentSreChatModel{" + settings.binding.agentId() + ", " + delegate + '}';
    }

    /** Builder for {@link AgentSreChatModel}. */
    public static final class Builder extends ModelCallSettings.Builder<Builder> {
        private final ChatModel delegate;

        private Builder(AgentSre sre, String agentId, ChatModel delegate) {
            super(sre, agentId);
            this.delegate = Check.notNull("delegate", delegate);
            if (delegate instanceof AgentSreChatModel) {
                throw new IllegalArgumentException("delegate is already guarded: " + delegate);
            }
        }

        @Override
        Builder self() {
            return this;
        }

        /** Builds the decorator. */
        public AgentSreChatModel build() {
            return new AgentSreChatModel(this);
        }
    }
}
