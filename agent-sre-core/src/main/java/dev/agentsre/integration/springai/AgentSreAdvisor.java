package dev.agentsre.integration.springai;

import dev.agentsre.AgentSre;
import dev.agentsre.StreamingCall;
import dev.agentsre.TaskContext;
import dev.agentsre.cost.TokenUsage;
import dev.agentsre.integration.TaskBinding;
import dev.agentsre.internal.Check;
import dev.agentsre.replay.Call;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import org.springframework.ai.chat.client.ChatClientRequest;
import org.springframework.ai.chat.client.ChatClientResponse;
import org.springframework.ai.chat.client.advisor.api.CallAdvisor;
import org.springframework.ai.chat.client.advisor.api.CallAdvisorChain;
import org.springframework.ai.chat.client.advisor.api.StreamAdvisor;
import org.springframework.ai.chat.client.advisor.api.StreamAdvisorChain;
import org.springframework.ai.chat.prompt.ChatOptions;
import org.springframework.ai.chat.prompt.Prompt;
import org.springframework.core.Ordered;
import reactor.core.publisher.Flux;

/**
 * Makes each model call of a {@code ChatClient} a guarded model call of the pipeline and vetoes it by
 * not calling the rest of the chain: task limits, quarantine, the budget (the worst case — the
 * prompt's estimated tokens plus its {@code maxTokens} — held before; the response's {@code Usage},
 * cached tokens included, priced and charged after), the model's dependency breaker, chaos, trace
 * capture and your guards. A refusal throws a {@link dev.agentsre.TaskRefusedException} (from a
 * stream: as its error) and no request reaches the provider.
 *
 * <p>Ordered {@link #DEFAULT_ORDER}, just before the model: it sees the final prompt (after memory
 * and RAG), and with Spring AI's {@code ToolCallAdvisor} each round trip of the tool loop separately.
 * With the model's own tool execution (Spring AI's default) one {@code call()} is one guarded call
 * whose usage Spring AI sums over its round trips (OpenAI's cached-token detail survives only a single
 * round trip; the sum is then charged at the full input rate). Streams: the call is admitted and its
 * worst case held on subscription; on completion the last reported usage is charged (ask for it with
 * OpenAI's {@code streamUsage(true)}, else the prompt estimate plus one token per chunk is); on cancel
 * what was used so far; on error nothing.
 *
 * <p>Two of them in one chain (a client guarded by its bean and by the builder's customizer) guard the
 * call once: the outer one. Binds to the running task (from {@link AgentSreTaskAdvisor} or {@code sre.agent(a).task(t).call(...)}),
 * else runs each call as a task of its own. Thread-safe.
 */
public final class AgentSreAdvisor implements CallAdvisor, StreamAdvisor {

    /** {@code LOWEST_PRECEDENCE - 1000}: after (inside) every other advisor, just before the model is called. */
    public static final int DEFAULT_ORDER = Ordered.LOWEST_PRECEDENCE - 1000;

    private static final Function<ChatClientResponse, TokenUsage> USAGE = response -> SpringAiUsage.of(response.chatResponse());

    private final TaskBinding binding;
    private final String defaultModel;
    private final int order;

    private AgentSreAdvisor(Builder b) {
        this.binding = TaskBinding.of(b.sre, b.agentId, "chat-client");
        this.defaultModel = b.defaultModel;
        this.order = b.order;
    }

    /** A builder for {@code agentId}'s calls made outside a task. */
    public static Builder builder(AgentSre sre, String agentId) {
        return new Builder(sre, agentId);
    }

    @Override
    public ChatClientResponse adviseCall(ChatClientRequest request, CallAdvisorChain chain) {
        if (request.context().containsKey(TaskContexts.GUARDED)) {
            return chain.nextCall(request); // an outer AgentSreAdvisor guards this call already
        }
        TaskContext current = TaskContexts.of(request);
        Prompt prompt = request.prompt();
        String model = model(prompt);
        TokenUsage worstCase = worstCase(prompt);
        return binding.run(current, ctx -> {
            ChatClientRequest forward = TaskContexts.with(request, ctx);
            Call<ChatClientResponse, RuntimeException> call = () -> chain.nextCall(forward);
            return worstCase == null ? ctx.llm(model, prompt, call, USAGE) : ctx.llm(model, prompt, worstCase, call, USAGE);
        });
    }

    @Override
    public Flux<ChatClientResponse> adviseStream(ChatClientRequest request, StreamAdvisorChain chain) {
        if (request.context().containsKey(TaskContexts.GUARDED)) {
            return chain.nextStream(request);
        }
        return Flux.defer(() -> {
            TaskContext current = TaskContexts.of(request);
            Prompt prompt = request.prompt();
            String model = model(prompt);
            long promptTokens = SpringAiUsage.promptTokens(prompt.getInstructions());
            Integer max = SpringAiUsage.maxOutputTokens(prompt.getOptions());
            TokenUsage worstCase = max == null ? null : TokenUsage.of(promptTokens, max);
            AtomicReference<Flux<ChatClientResponse>> stream = new AtomicReference<>();
            binding.runAsync(current, ctx -> {
                CompletableFuture<Void> done = new CompletableFuture<>();
                StreamingCall call = ctx.startLlm(model, prompt, worstCase, () -> null); // subscribing below sends the request
                StreamTally tally = new StreamTally(promptTokens);
                stream.set(chain.nextStream(TaskContexts.with(request, ctx))
                        .doOnNext(tally::observe)
                        .doOnComplete(() -> {
                            call.complete(tally.lastResponse(), tally.charged());
                            done.complete(null);
                        })
                        .doOnError(error -> {
                            call.fail(error);
                            done.completeExceptionally(error);
                        })
                        .doOnCancel(() -> {
                            call.cancel(tally.usedSoFar());
                            done.complete(null);
                        }));
                return done;
            });
            return stream.get();
        });
    }

    private String model(Prompt prompt) {
        ChatOptions options = prompt.getOptions();
        String model = options == null ? null : options.getModel();
        if (model == null) {
            model = defaultModel;
        }
        if (model == null) {
            throw new IllegalStateException("the prompt's options name no model: set defaultModel(...) on AgentSreAdvisor's builder "
                    + "(in Spring Boot: agentsre.spring-ai.default-model) so its calls can be priced and broken by model");
        }
        return model;
    }

    private static TokenUsage worstCase(Prompt prompt) {
        Integer max = SpringAiUsage.maxOutputTokens(prompt.getOptions());
        return max == null ? null : TokenUsage.of(SpringAiUsage.promptTokens(prompt.getInstructions()), max);
    }

    @Override
    public String getName() {
        return "AgentSreAdvisor";
    }

    @Override
    public int getOrder() {
        return order;
    }

    /** Builder for {@link AgentSreAdvisor}. */
    public static final class Builder {
        private final AgentSre sre;
        private final String agentId;
        private String defaultModel;
        private int order = DEFAULT_ORDER;

        private Builder(AgentSre sre, String agentId) {
            this.sre = Check.notNull("sre", sre);
            this.agentId = Check.notBlank("agentId", agentId);
        }

        /** The model id to price and break on when a prompt's options name none. */
        public Builder defaultModel(String model) {
            this.defaultModel = Check.notBlank("defaultModel", model);
            return this;
        }

        /** The advisor's order (default {@link #DEFAULT_ORDER}). */
        public Builder order(int order) {
            this.order = order;
            return this;
        }

        /** Builds the advisor. */
        public AgentSreAdvisor build() {
            return new AgentSreAdvisor(this);
        }
    }
}
