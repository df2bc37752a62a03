package dev.agentsre.integration.langchain4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.agentsre.AgentSre;
import dev.agentsre.CircuitOpenRefusedException;
import dev.agentsre.breaker.CircuitBreakerConfig;
import dev.agentsre.breaker.CircuitBreakerRegistry;
import dev.agentsre.cost.CostGuard;
import dev.agentsre.cost.PriceTable;
import dev.agentsre.cost.TokenUsage;
import dev.agentsre.event.SreEventBus;
import dev.agentsre.integration.OpenAiStub;
import dev.agentsre.integration.OpenAiStub.Reply;
import dev.agentsre.testing.ManualClock;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.TokenCountEstimator;
import dev.langchain4j.model.chat.StreamingChatModel;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.chat.response.PartialResponse;
import dev.langchain4j.model.chat.response.PartialResponseContext;
import dev.langchain4j.model.chat.response.StreamingChatResponseHandler;
import dev.langchain4j.model.openai.OpenAiStreamingChatModel;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** LangChain4j's real streaming OpenAI client, server-sent events from a local server, under the pipeline. */
class LangChain4jStreamingTest {

    /** Counts every prompt as 100 tokens, so the expected charges are exact. */
    static final TokenCountEstimator HUNDRED = new TokenCountEstimator() {
        @Override
        public int estimateTokenCountInText(String text) {
            return 100;
        }

        @Override
        public int estimateTokenCountInMessage(ChatMessage message) {
            return 100;
        }

        @Override
        public int estimateTokenCountInMessages(Iterable<ChatMessage> messages) {
            return 100;
        }
    };

    private final ManualClock clock = ManualClock.at(Instant.parse("2026-11-02T09:00:00Z"));
    private final SreEventBus bus = new SreEventBus();
    private final PriceTable prices = PriceTable.defaults();
    private final CostGuard costs = CostGuard.builder().priceTable(prices).clock(clock).eventBus(bus).build();
    private final CircuitBreakerRegistry dependencies = CircuitBreakerRegistry.of(CircuitBreakerConfig.builder().clock(clock).build(), bus);
    private final AgentSre sre = AgentSre.builder().clock(clock).eventBus(bus).costGuard(costs).dependencyBreakers(dependencies).build();
    private final List<String> fifty = IntStream.range(0, 50).mapToObj(i -> "t" + i + " ").toList();
    private final OpenAiStub server = OpenAiStub.start(request -> Reply.tokens(fifty, 100, 0));
    private final StreamingChatModel model = AgentSreStreamingChatModel.builder(sre, "writer",
                    OpenAiStreamingChatModel.builder().baseUrl(server.v1()).apiKey("test-key").modelName("gpt-4o").build())
            .tokenCountEstimator(HUNDRED).build();
    private final ChatRequest request = ChatRequest.builder().messages(UserMessage.from("Tell me a long story")).maxOutputTokens(500).build();

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void aStreamCancelledAfterTenTokensCommitsTheTokensUsedAndLeavesNoHold() throws Exception {
        server.script(r -> Reply.tokens(fifty, 100, 0).holdAfter(20)); // the stream cannot finish before the cancel
        AtomicInteger received = new AtomicInteger();
        AtomicReference<BigDecimal> heldWhileStreaming = new AtomicReference<>();
        CompletableFuture<Void> cancelled = new CompletableFuture<>();

        model.chat(request, new StreamingChatResponseHandler() {
            @Override
            public void onPartialResponse(PartialResponse partial, PartialResponseContext context) {
                if (received.incrementAndGet() == 5) {
                    heldWhileStreaming.set(costs.snapshot("writer").heldUsd());
                }
                if (received.get() == 10) {
                    context.streamingHandle().cancel();
                    cancelled.complete(null);
                }
            }

            @Override
            public void onCompleteResponse(ChatResponse response) {
                cancelled.completeExceptionally(new AssertionError("completed although cancelled"));
            }

            @Override
            public void onError(Throwable error) {
                cancelled.completeExceptionally(error);
            }
        });
        cancelled.get(10, TimeUnit.SECONDS);

        assertThat(heldWhileStreaming.get()).isEqualByComparingTo(prices.cost("gpt-4o", TokenUsage.of(100, 500)));
        assertThat(received).hasValue(10);
        assertThat(costs.snapshot("writer").spentUsd()).isEqualByComparingTo(prices.cost("gpt-4o", TokenUsage.of(100, 10)));
        assertThat(costs.snapshot("writer").heldUsd()).isZero();
        assertThat(costs.openReservations()).isZero();
    }

    @Test
    void aCompletedStreamIsChargedTheUsageTheProviderReported() throws Exception {
        server.script(r -> Reply.tokens(fifty, 1200, 1000));
        CompletableFuture<ChatResponse> done = new CompletableFuture<>();

        model.chat(request, handler(done));
        ChatResponse response = done.get(10, TimeUnit.SECONDS);

        assertThat(response.aiMessage().text()).startsWith("t0 t1 ");
        assertThat(costs.snapshot("writer").spentUsd()).isEqualByComparingTo(prices.cost("gpt-4o", TokenUsage.openAi(1200, 50, 1000, 0)));
        assertThat(costs.snapshot("writer").heldUsd()).isZero();
        assertThat(costs.openReservations()).isZero();
    }

    @Test
    void aFailedStreamIsChargedNothingAndReleasesItsHold() {
        server.script(r -> Reply.error(500));
        CompletableFuture<ChatResponse> done = new CompletableFuture<>();

        model.chat(request, handler(done));

        assertThat(done).failsWithin(10, TimeUnit.SECONDS);
        assertThat(costs.snapshot("writer").spentUsd()).isZero();
        assertThat(costs.snapshot("writer").heldUsd()).isZero();
        assertThat(costs.openReservations()).isZero();
        assertThat(dependencies.get("gpt-4o").failureCount()).isEqualTo(1);
    }

    @Test
    void anOpenBreakerRefusesTheStreamBeforeARequestIsSent() {
        dependencies.get("gpt-4o").forceOpen();
        CompletableFuture<ChatResponse> done = new CompletableFuture<>();

        assertThatThrownBy(() -> model.chat(request, handler(done))).isInstanceOf(CircuitOpenRefusedException.class);
        assertThat(server.requests()).isEmpty();
        assertThat(costs.openReservations()).isZero();
    }

    @Test
    void insideATaskTheStreamIsOneOfItsCalls() throws Exception {
        server.script(r -> Reply.tokens(fifty, 1200, 0));
        BigDecimal taskCost = sre.agent("editor").task("t-1").call(ctx -> {
            CompletableFuture<ChatResponse> done = new CompletableFuture<>();
            model.chat(request, handler(done));
            done.get(10, TimeUnit.SECONDS);
            assertThat(ctx.modelCalls()).isEqualTo(1);
            return ctx.costUsd();
        });
        assertThat(taskCost).isEqualByComparingTo(prices.cost("gpt-4o", TokenUsage.of(1200, 50)));
        assertThat(costs.snapshot("editor").spentUsd()).isEqualByComparingTo(taskCost);
        assertThat(costs.snapshot("writer").spentUsd()).isZero();
    }

    private static StreamingChatResponseHandler handler(CompletableFuture<ChatResponse> done) {
        return new StreamingChatResponseHandler() {
            @Override
            public void onCompleteResponse(ChatResponse response) {
                done.complete(response);
            }

            @Override
            public void onError(Throwable error) {
                done.completeExceptionally(error);
            }
        };
    }
}
