package dev.agentsre.integration.langchain4j;

import dev.agentsre.AgentSre;
import dev.agentsre.StreamingCall;
import dev.agentsre.TaskContext;
import dev.agentsre.cost.TokenUsage;
import dev.agentsre.internal.Check;
import dev.langchain4j.model.ModelProvider;
import dev.langchain4j.model.chat.Capability;
import dev.langchain4j.model.chat.ChatRequestOptions;
import dev.langchain4j.model.chat.StreamingChatModel;
import dev.langchain4j.model.chat.listener.ChatModelListener;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.request.ChatRequestParameters;
import dev.langchain4j.model.chat.response.StreamingChatResponseHandler;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * A LangChain4j {@link StreamingChatModel} whose every stream is a guarded model call: admitted by
 * every guard before it starts (a refusal throws from {@code chat} and no request is sent), the worst
 * case held; when it completes the reported usage is charged; when the consumer cancels it through
 * the {@code StreamingHandle} of a partial-response context, the tokens used so far are charged (the
 * prompt, and one output token per partial response, thinking or tool-call fragment received); when it
 * fails nothing is charged. In every case the hold is released. See {@link dev.agentsre.StreamingCall}.
 *
 * <p>Outside a task each stream is an asynchronous one-call task of the wrapper's agent that ends when
 * the stream does. Thread-safe.
 */
public final class AgentSreStreamingChatModel implements StreamingChatModel {

    private final StreamingChatModel delegate;
    private final ModelCallSettings settings;

    private AgentSreStreamingChatModel(Builder b) {
        this.delegate = b.delegate;
        this.settings = new ModelCallSettings(b);
    }

    /** A builder decorating {@code delegate} for {@code agentId}'s streams started outside a task. */
    public static Builder builder(AgentSre sre, String agentId, StreamingChatModel delegate) {
        return new Builder(sre, agentId, delegate);
    }

    /** The wrapped model. */
    public StreamingChatModel delegate() {
        return delegate;
    }

    @Override
    public void chat(ChatRequest request, StreamingChatResponseHandler handler) {
        chat(request, ChatRequestOptions.EMPTY, handler);
    }

    @Override
    public void chat(ChatRequest request, ChatRequestOptions options, StreamingChatResponseHandler handler) {
        Check.notNull("chatRequest", request);
        Check.notNull("handler", handler);
        ChatRequestParameters defaults = delegate.defaultRequestParameters();
        String model = settings.model(request, defaults);
        long promptTokens = settings.promptTokens(request);
        Integer max = settings.maxOutputTokens(request, defaults);
        TokenUsage worstCase = max == null ? null : TokenUsage.of(promptTokens, Math.max(0, max));
        settings.binding.runAsync(TaskContext.current().orElse(null), ctx -> {
            CompletableFuture<Void> done = new CompletableFuture<>();
            GuardedStreamingHandler guarded = new GuardedStreamingHandler(handler, settings.usage, promptTokens, done);
            StreamingCall call = ctx.startLlm(model, request, worstCase, () -> {
                delegate.chat(request, options, guarded);
                return null;
            });
            guarded.attach(call);
            return done;
        });
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
        return "AgentSreStreamingChatModel{" + settings.binding.agentId() + ", " + delegate + '}';
    }

    /** Builder for {@link AgentSreStreamingChatModel}. */
    public static final class Builder extends ModelCallSettings.Builder<Builder> {
        private final StreamingChatModel delegate;

        private Builder(AgentSre sre, String agentId, StreamingChatModel delegate) {
            super(sre, agentId);
            this.delegate = Check.notNull("delegate", delegate);
            if (delegate instanceof AgentSreStreamingChatModel) {
                throw new IllegalArgumentException("delegate is already guarded: " + delegate);
            }
            taskPrefix("stream");
        }

        @Override
        Builder self() {
            return this;
        }

        /** Builds the decorator. */
        public AgentSreStreamingChatModel build() {
            return new AgentSreStreamingChatModel(this);
        }
    }
}
