package dev.agentsre.integration.springai;

import dev.agentsre.AgentSre;
import dev.agentsre.TaskContext;
import dev.agentsre.integration.TaskBinding;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;
import org.springframework.ai.chat.client.ChatClientRequest;
import org.springframework.ai.chat.client.ChatClientResponse;
import org.springframework.ai.chat.client.advisor.api.CallAdvisor;
import org.springframework.ai.chat.client.advisor.api.CallAdvisorChain;
import org.springframework.ai.chat.client.advisor.api.StreamAdvisor;
import org.springframework.ai.chat.client.advisor.api.StreamAdvisorChain;
import org.springframework.core.Ordered;
import reactor.core.publisher.Flux;

/**
 * Runs each {@code ChatClient} call — every model round trip and tool call it makes, Spring AI's
 * tool loop or {@code ToolCallAdvisor}'s included — as one task of its agent, so that task limits,
 * the per-task budget and loop detection see the whole of it. When a task is already running (the
 * call was made inside {@code sre.agent(a).task(t).call(...)}), the call joins it instead. A refusal
 * at the task's door (a quarantined agent, an open breaker, a spent budget) throws before the chain
 * runs. A stream's task starts on subscription and ends when the stream completes, fails or is
 * cancelled.
 *
 * <p>Ordered {@link #DEFAULT_ORDER} (outside memory, RAG and tool-calling advisors). Stateless
 * besides its task counter; thread-safe.
 */
public final class AgentSreTaskAdvisor implements CallAdvisor, StreamAdvisor {

    /** {@code HIGHEST_PRECEDENCE + 100}: before (outside) Spring AI's memory, RAG and tool-calling advisors. */
    public static final int DEFAULT_ORDER = Ordered.HIGHEST_PRECEDENCE + 100;

    private final TaskBinding binding;
    private final int order;

    AgentSreTaskAdvisor(AgentSre sre, String agentId, int order) {
        this.binding = TaskBinding.of(sre, agentId, "chat-client");
        this.order = order;
    }

    /** A task advisor for {@code agentId} at {@code order}. */
    public static AgentSreTaskAdvisor of(AgentSre sre, String agentId, int order) {
        return new AgentSreTaskAdvisor(sre, agentId, order);
    }

    @Override
    public ChatClientResponse adviseCall(ChatClientRequest request, CallAdvisorChain chain) {
        TaskContext current = TaskContexts.of(request);
        return binding.run(current, ctx -> chain.nextCall(request.mutate().context(TaskContexts.KEY, ctx).build()));
    }

    @Override
    public Flux<ChatClientResponse> adviseStream(ChatClientRequest request, StreamAdvisorChain chain) {
        return Flux.defer(() -> {
            TaskContext current = TaskContexts.of(request);
            if (current != null) {
                return chain.nextStream(request.mutate().context(TaskContexts.KEY, current).build());
            }
            CompletableFuture<Void> done = new CompletableFuture<>();
            AtomicReference<TaskContext> task = new AtomicReference<>();
            binding.runAsync(null, ctx -> {
                task.set(ctx);
                return done;
            });
            return chain.nextStream(request.mutate().context(TaskContexts.KEY, task.get()).build())
                    .doOnComplete(() -> done.complete(null))
                    .doOnError(done::completeExceptionally)
                    .doOnCancel(() -> done.complete(null));
        });
    }

    @Override
    public String getName() {
        return "AgentSreTaskAdvisor";
    }

    @Override
    public int getOrder() {
        return order;
    }
}
