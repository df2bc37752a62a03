package dev.agentsre.integration.springai;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.agentsre.CapabilityViolationException;
import dev.agentsre.CircuitOpenRefusedException;
import dev.agentsre.QuarantinedException;
import dev.agentsre.cost.TokenUsage;
import dev.agentsre.integration.GuardedPipelineTest;
import dev.agentsre.integration.OpenAiStub.Reply;
import dev.agentsre.integration.ToolRefusal;
import java.math.BigDecimal;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.springframework.ai.chat.client.ChatClient;
import org.springframework.ai.chat.client.advisor.ToolCallAdvisor;
import org.springframework.ai.chat.model.ChatResponse;
import org.springframework.ai.model.tool.ToolCallingManager;
import org.springframework.ai.openai.OpenAiChatModel;
import org.springframework.ai.openai.OpenAiChatOptions;
import org.springframework.ai.openai.api.OpenAiApi;
import org.springframework.ai.tool.annotation.Tool;
import org.springframework.retry.support.RetryTemplate;

/** Spring AI's real OpenAiChatModel behind a ChatClient with the advisors, against a local OpenAI-format server. */
class SpringAiPipelineTest extends GuardedPipelineTest {

    /** Two tools; each counts its executions. */
    static final class Tools {
        final AtomicInteger searches = new AtomicInteger();
        final AtomicInteger deletions = new AtomicInteger();

        @Tool(description = "Searches the knowledge base")
        String search(String query) {
            searches.incrementAndGet();
            return "nothing found for " + query;
        }

        @Tool(description = "Deletes every record")
        String deleteAll() {
            deletions.incrementAndGet();
            return "deleted";
        }
    }

    private final ChatClient client = ChatClient.builder(chatModel(OpenAiChatOptions.builder().model("gpt-4o").build()))
            .defaultAdvisors(AgentSreSpringAi.advisors(sre, "research-agent"))
            .build();

    private OpenAiChatModel chatModel(OpenAiChatOptions options) {
        return OpenAiChatModel.builder()
                .openAiApi(OpenAiApi.builder().baseUrl(server.baseUrl()).apiKey("test-key").build())
                .defaultOptions(options)
                .toolCallingManager(AgentSreSpringAi.toolCallingManager(sre, "research-agent", ToolCallingManager.builder().build()))
                .retryTemplate(RetryTemplate.builder().maxAttempts(1).build())
                .build();
    }


    @Test
    void theSpendIsThePriceTablesPriceOfTheReportedTokensCachedOnesIncluded() {
        assertThat(client.prompt("What is the capital of France?").call().content()).isEqualTo("Paris");

        BigDecimal expected = prices.cost("gpt-4o", TokenUsage.openAi(1200, 300, 1000, 0));
        assertThat(costs.snapshot("research-agent").spentUsd()).isEqualByComparingTo(expected);
        assertThat(costs.snapshot("research-agent").heldUsd()).isZero();
        assertThat(costs.openReservations()).isZero();
    }

    @Test
    void insideATaskTheChatClientCallIsOneOfItsCalls() throws Exception {
        BigDecimal cost = sre.agent("triage").task("t-7").call(ctx -> {
            client.prompt("one").call().content();
            client.prompt("two").call().content();
            assertThat(ctx.modelCalls()).isEqualTo(2);
            return ctx.costUsd();
        });
        assertThat(cost).isEqualByComparingTo(prices.cost("gpt-4o", TokenUsage.openAi(1200, 300, 1000, 0)).multiply(BigDecimal.valueOf(2)));
        assertThat(costs.snapshot("triage").spentUsd()).isEqualByComparingTo(cost);
        assertThat(costs.snapshot("research-agent").spentUsd()).isZero();
    }

    @Test
    void anOpenDependencyBreakerRefusesWithoutAnHttpRequestReachingTheServer() {
        dependencies.get("gpt-4o").forceOpen();

        assertThatThrownBy(() -> client.prompt("hello").call().content())
                .isInstanceOfSatisfying(CircuitOpenRefusedException.class, e -> assertThat(e.refusedCall()).isEqualTo("llm:gpt-4o"));
        assertThat(server.requests()).isEmpty();
        assertThat(costs.openReservations()).isZero();
    }

    @Test
    void aModelThatKeepsCallingTheSameToolIsStoppedByTheLoopGuard() {
        Tools tools = new Tools();
        server.script(request -> Reply.toolCall("search", "{\"query\":\"same question\"}", 200, 20));

        assertThatThrownBy(() -> client.prompt("find it").tools(tools).call().content())
                .isInstanceOfSatisfying(QuarantinedException.class, e -> assertThat(e.refusedCall()).isEqualTo("tool:search"));
        assertThat(tools.searches.get()).isEqualTo(server.requests().size() - 1).isLessThan(20);
        assertThat(detector.isQuarantined("research-agent")).isTrue();
        assertThat(costs.openReservations()).isZero();
    }

    @Test
    void withToolCallAdvisorEachRoundTripIsItsOwnGuardedCallChargedExactlyInOneTask() throws Exception {
        Tools tools = new Tools();
        AtomicInteger turn = new AtomicInteger();
        server.script(request -> turn.incrementAndGet() == 1 ? Reply.toolCall("search", "{\"query\":\"capital\"}", 200, 20)
                : Reply.text("Paris", 1200, 300, 1000));
        ChatClient looping = ChatClient.builder(chatModel(OpenAiChatOptions.builder().model("gpt-4o").build()))
                .defaultAdvisors(AgentSreSpringAi.advisors(sre, "research-agent"))
                .defaultAdvisors(ToolCallAdvisor.builder()
                        .toolCallingManager(AgentSreSpringAi.toolCallingManager(sre, "research-agent", ToolCallingManager.builder().build()))
                        .build())
                .build();

        long[] calls = new long[2];
        String answer = sre.agent("research-agent").task("t-tools").call(ctx -> {
            String a = looping.prompt("What is the capital of France?").tools(tools).call().content();
            calls[0] = ctx.modelCalls();
            calls[1] = ctx.toolCalls();
            return a;
        });

        assertThat(answer).isEqualTo("Paris");
        assertThat(calls).containsExactly(2, 1);
        assertThat(tools.searches).hasValue(1);
        assertThat(costs.snapshot("research-agent").spentUsd()).isEqualByComparingTo(
                prices.cost("gpt-4o", TokenUsage.openAi(200, 20, 0, 0)).add(prices.cost("gpt-4o", TokenUsage.openAi(1200, 300, 1000, 0))));
    }

    @Test
    void anUnauthorisedToolIsNeverExecuted() {
        detector.registerCapabilityProfile("research-agent", Set.of("search"));
        Tools tools = new Tools();
        server.script(request -> Reply.toolCall("deleteAll", "{}", 200, 20));

        assertThatThrownBy(() -> client.prompt("clean up").tools(tools).call().content())
                .isInstanceOfSatisfying(CapabilityViolationException.class, e -> assertThat(e.tool()).isEqualTo("deleteAll"));
        assertThat(tools.deletions).hasValue(0);
    }

    @Test
    void aRefusalReturnedToTheModelIsItsToolResultAndTheToolStillNeverRuns() {
        detector.registerCapabilityProfile("research-agent", Set.of("search"));
        Tools tools = new Tools();
        AtomicInteger turn = new AtomicInteger();
        server.script(request -> turn.incrementAndGet() == 1 ? Reply.toolCall("deleteAll", "{}", 200, 20)
                : Reply.text("I may not delete records.", 250, 10, 0));

        String answer = client.prompt("clean up")
                .toolCallbacks(AgentSreSpringAi.tools(sre, "research-agent", ToolRefusal.RETURN_ERROR_TO_MODEL, tools))
                .call().content();

        assertThat(answer).isEqualTo("I may not delete records.");
        assertThat(tools.deletions).hasValue(0);
        assertThat(server.requests().get(1).toString()).contains("agent-sre refused tool 'deleteAll' (capability)");
    }

    @Test
    void aStreamCancelledAfterTenChunksCommitsTheTokensUsedAndLeavesNoHold() {
        List<String> fifty = IntStream.range(0, 50).mapToObj(i -> "t" + i + " ").toList();
        server.script(request -> Reply.tokens(fifty, 100, 0).holdAfter(20));
        ChatClient streaming = ChatClient.builder(chatModel(OpenAiChatOptions.builder().model("gpt-4o").maxTokens(500).build()))
                .defaultAdvisors(AgentSreSpringAi.advisors(sre, "writer")).build();
        String prompt = "Tell me a long story, please";

        List<ChatResponse> received = streaming.prompt(prompt).stream().chatResponse().take(10).collectList().block();

        assertThat(received).hasSize(10);
        long promptTokens = SpringAiUsage.promptTokens(List.of(new org.springframework.ai.chat.messages.UserMessage(prompt)));
        assertThat(costs.snapshot("writer").spentUsd()).isEqualByComparingTo(prices.cost("gpt-4o", TokenUsage.of(promptTokens, 10)));
        assertThat(costs.snapshot("writer").heldUsd()).isZero();
        assertThat(costs.openReservations()).isZero();
    }

    @Test
    void aCompletedStreamIsChargedTheUsageTheProviderReported() {
        List<String> fifty = IntStream.range(0, 50).mapToObj(i -> "t" + i + " ").toList();
        server.script(request -> Reply.tokens(fifty, 1200, 1000));
        ChatClient streaming = ChatClient.builder(chatModel(OpenAiChatOptions.builder().model("gpt-4o").streamUsage(true).build()))
                .defaultAdvisors(AgentSreSpringAi.advisors(sre, "writer")).build();

        String text = String.join("", streaming.prompt("story").stream().content().collectList().block());

        assertThat(text).startsWith("t0 t1 ");
        assertThat(costs.snapshot("writer").spentUsd()).isEqualByComparingTo(prices.cost("gpt-4o", TokenUsage.openAi(1200, 50, 1000, 0)));
        assertThat(costs.snapshot("writer").heldUsd()).isZero();
        assertThat(costs.openReservations()).isZero();
    }

    @Test
    void aFailedStreamIsChargedNothing() {
        server.script(request -> Reply.error(500));
        ChatClient streaming = ChatClient.builder(chatModel(OpenAiChatOptions.builder().model("gpt-4o").maxTokens(500).build()))
                .defaultAdvisors(AgentSreSpringAi.advisors(sre, "writer")).build();

        assertThatThrownBy(() -> streaming.prompt("story").stream().content().collectList().block()).isNotNull();
        assertThat(costs.snapshot("writer").spentUsd()).isZero();
        assertThat(costs.snapshot("writer").heldUsd()).isZero();
        assertThat(costs.openReservations()).isZero();
        assertThat(dependencies.get("gpt-4o").failureCount()).isEqualTo(1);
    }
}
