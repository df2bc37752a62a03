package dev.agentsre.bench;

import dev.agentsre.AgentSre;
import dev.agentsre.TaskLimits;
import dev.agentsre.breaker.CircuitBreakerConfig;
import dev.agentsre.breaker.CircuitBreakerRegistry;
import dev.agentsre.event.SreEventBus;
import dev.agentsre.integration.langchain4j.AgentSreChatModel;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.openai.OpenAiTokenUsage;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.infra.Blackhole;

/**
 * What {@link AgentSreChatModel} adds to a LangChain4j chat call over the bare model: a fake
 * {@code ChatModel} answering at once with an OpenAI usage (cached tokens included), called through
 * LangChain4j's own {@code chat(ChatRequest)} (listeners, default parameters) either directly or
 * through the decorator, with every in-memory guard of the pipeline on (SLO, limits, rogue detector,
 * cost guard holding the worst case of prompt + {@code maxOutputTokens} and charging the priced usage,
 * agent and dependency breakers, idle chaos).
 *
 * <p>{@code bareCalls} / {@code guardedCalls}: {@value #CALLS} chat calls, bound to one task for the
 * guarded variant (JMH divides by {@value #CALLS}). {@code bareCall} / {@code guardedCallOwnTask}: one
 * call made outside a task, so the decorator runs it as a one-call task (door and post-flight
 * included). The run fails if anything was refused.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@State(Scope.Benchmark)
public abstract class LangChain4jBenchmark {

    static final int CALLS = 100;

    private final AtomicLong refused = new AtomicLong();
    private ChatModel bare;
    private ChatModel guarded;
    private AgentSre sre;
    private ChatRequest request;

    /** Answers every request at once. */
    static final class FakeModel implements ChatModel {
        private final ChatResponse response = ChatResponse.builder().aiMessage(AiMessage.from("Paris")).modelName("gpt-4o-mini")
                .tokenUsage(OpenAiTokenUsage.builder().inputTokenCount(1_200).outputTokenCount(300).totalTokenCount(1_500)
                        .inputTokensDetails(OpenAiTokenUsage.InputTokensDetails.builder().cachedTokens(1_000).build()).build())
                .build();

        @Override
        public ChatResponse doChat(ChatRequest chatRequest) {
            return response;
        }
    }

    @Setup
    public void setUp() {
        SreEventBus bus = new SreEventBus();
        sre = BenchPipelines.everyComponent(bus, "gpt-4o-mini", refused)
                .taskLimits(TaskLimits.builder().maxModelCalls(1_000).maxTokens(100_000_000).maxDuration(Duration.ofHours(1)).build())
                .dependencyBreakers(CircuitBreakerRegistry.of(CircuitBreakerConfig.builder().failureThreshold(5).build(), bus))
                .build();
        bare = new FakeModel();
        guarded = AgentSreChatModel.builder(sre, "bench-agent", bare).build();
        request = ChatRequest.builder().messages(UserMessage.from("What is the capital of France?")).modelName("gpt-4o-mini")
                .maxOutputTokens(256).build();
    }

    @TearDown(Level.Trial)
    public void checkNothingWasRefused() {
        BenchPipelines.failIfRefused(refused);
    }

    @Benchmark
    @OperationsPerInvocation(CALLS)
    public void bareCalls(Blackhole bh) {
        for (int i = 0; i < CALLS; i++) {
            bh.consume(bare.chat(request));
        }
    }

    @Benchmark
    @OperationsPerInvocation(CALLS)
    public Object guardedCalls(TaskIds ids, Blackhole bh) throws Exception {
        return sre.agent(ids.agent).task(ids.task(ids.next())).call(ctx -> {
            for (int i = 0; i < CALLS; i++) {
                bh.consume(guarded.chat(request));
            }
            return null;
        });
    }

    @Benchmark
    public ChatResponse bareCall() {
        return bare.chat(request);
    }

    @Benchmark
    public ChatResponse guardedCallOwnTask() {
        return guarded.chat(request);
    }

    /** One thread. */
    @Threads(1)
    public static class T1 extends LangChain4jBenchmark {
    }
}
