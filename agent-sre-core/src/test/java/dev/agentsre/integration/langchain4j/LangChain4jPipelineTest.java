package dev.agentsre.integration.langchain4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.agentsre.BudgetExceededException;
import dev.agentsre.CapabilityViolationException;
import dev.agentsre.CircuitOpenRefusedException;
import dev.agentsre.QuarantinedException;
import dev.agentsre.TaskLimitExceededException;
import dev.agentsre.TaskLimits;
import dev.agentsre.cost.TokenUsage;
import dev.agentsre.integration.GuardedPipelineTest;
import dev.agentsre.integration.OpenAiStub.Reply;
import dev.agentsre.integration.ToolRefusal;
import dev.langchain4j.agent.tool.Tool;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.openai.OpenAiChatModel;
import dev.langchain4j.service.AiServices;
import dev.langchain4j.service.tool.ToolProvider;
import java.math.BigDecimal;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** LangChain4j's real OpenAI client against a local OpenAI-format server, under the pipeline. */
class LangChain4jPipelineTest extends GuardedPipelineTest {

    interface Assistant {
        String chat(String question);
    }

    /** Two tools; each counts its executions. */
    static final class Tools {
        final AtomicInteger searches = new AtomicInteger();
        final AtomicInteger deletions = new AtomicInteger();

        @Tool("Searches the knowledge base")
        String search(String query) {
            searches.incrementAndGet();
            return "nothing found for " + query;
        }

        @Tool("Deletes every record")
        String deleteAll() {
            deletions.incrementAndGet();
            return "deleted";
        }
    }

    private final ChatModel openAi = OpenAiChatModel.builder().baseUrl(server.v1()).apiKey("test-key").modelName("gpt-4o")
            .maxRetries(0).build();


    /** An AI service with the guarded model and tools; a refused tool ends its invocation. */
    private Assistant assistant(Tools tools) {
        return AiServices.builder(Assistant.class)
                .chatModel(AgentSreLangChain4j.guard(sre, "research-agent", openAi))
                .toolProvider(AgentSreLangChain4j.tools(sre, "research-agent", tools))
                .toolExecutionErrorHandler(AgentSreLangChain4j.toolErrorHandler())
                .build();
    }

    @Test
    void theSpendIsThePriceTablesPriceOfTheReportedTokensExactly() {
        ChatModel model = AgentSreLangChain4j.guard(sre, "research-agent", openAi);

        assertThat(model.chat("What is the capital of France?")).isEqualTo("Paris");

        BigDecimal expected = prices.cost("gpt-4o", TokenUsage.openAi(1200, 300, 1000, 0));
        assertThat(expected).isPositive();
        assertThat(costs.snapshot("research-agent").spentUsd()).isEqualByComparingTo(expected);
        assertThat(costs.snapshot("research-agent").heldUsd()).isZero();
        assertThat(costs.openReservations()).isZero();
    }

    @Test
    void insideATaskTheCallIsOneOfThatTasksCallsOfThatTasksAgent() throws Exception {
        ChatModel model = AgentSreLangChain4j.guard(sre, "research-agent", openAi);

        BigDecimal taskCost = sre.agent("triage").task("t-7").call(ctx -> {
            model.chat("first");
            model.chat("second");
            assertThat(ctx.modelCalls()).isEqualTo(2);
            assertThat(ctx.tokens()).isEqualTo(2 * 1500);
            return ctx.costUsd();
        });

        BigDecimal one = prices.cost("gpt-4o", TokenUsage.openAi(1200, 300, 1000, 0));
        assertThat(taskCost).isEqualByComparingTo(one.multiply(BigDecimal.valueOf(2)));
        assertThat(costs.snapshot("triage").spentUsd()).isEqualByComparingTo(taskCost);
        assertThat(costs.snapshot("research-agent").spentUsd()).isZero();
    }

    @Test
    void anOpenDependencyBreakerRefusesWithoutAnHttpRequestReachingTheServer() {
        ChatModel model = AgentSreLangChain4j.guard(sre, "research-agent", openAi);
        dependencies.get("gpt-4o").forceOpen();

        assertThatThrownBy(() -> model.chat("hello"))
                .isInstanceOfSatisfying(CircuitOpenRefusedException.class, e -> {
                    assertThat(e.dependency()).isEqualTo("gpt-4o");
                    assertThat(e.refusedCall()).isEqualTo("llm:gpt-4o");
                });
        assertThat(server.requests()).isEmpty();
        assertThat(costs.openReservations()).isZero();
    }

    @Test
    void theWorstCaseOfPromptAndMaxOutputTokensIsHeldBeforeTheCallAndRefusedWhenItDoesNotFit() {
        ChatModel model = AgentSreChatModel.builder(sre, "research-agent", openAi).build();
        ChatRequest huge = ChatRequest.builder().messages(UserMessage.from("write a book")).maxOutputTokens(1_000_000).build();

        assertThatThrownBy(() -> model.chat(huge)).isInstanceOf(BudgetExceededException.class)
                .hasMessageContaining("worst case");
        assertThat(server.requests()).isEmpty();

        ChatRequest small = ChatRequest.builder().messages(UserMessage.from("a haiku")).maxOutputTokens(100).build();
        assertThat(model.chat(small).aiMessage().text()).isEqualTo("Paris");
        assertThat(server.requests().get(0).toString()).contains("100");
        assertThat(costs.snapshot("research-agent").heldUsd()).isZero();
    }

    @Test
    void anAssistantWhoseModelKeepsCallingTheSameToolIsStoppedByTheLoopGuard() {
        Tools tools = new Tools();
        server.script(request -> Reply.toolCall("search", "{\"arg0\":\"same question\"}", 200, 20));
        Assistant assistant = assistant(tools);

        assertThatThrownBy(() -> sre.agent("research-agent").task("t-loop").call(ctx -> assistant.chat("find it")))
                .isInstanceOfSatisfying(QuarantinedException.class, e -> assertThat(e.refusedCall()).isEqualTo("tool:search"));
        // every model turn asked for the search; the turn whose call completed the loop evidence never ran it,
        // well before the task's limit of 20 tool calls
        assertThat(tools.searches.get()).isEqualTo(server.requests().size() - 1).isLessThan(20);
        assertThat(detector.isQuarantined("research-agent")).isTrue();
    }

    @Test
    void aToolCallLimitStopsTheAssistantWithTheLimitNamed() {
        Tools tools = new Tools();
        AtomicInteger n = new AtomicInteger();
        server.script(request -> Reply.toolCall("search", "{\"arg0\":\"question " + n.incrementAndGet() + "\"}", 200, 20));
        Assistant assistant = assistant(tools);

        assertThatThrownBy(() -> sre.agent("research-agent").task("t-limit").limits(TaskLimits.builder().maxToolCalls(3).build())
                .call(ctx -> assistant.chat("find it")))
                .isInstanceOfSatisfying(TaskLimitExceededException.class, e -> assertThat(e.limit()).isEqualTo("maxToolCalls"));
        assertThat(tools.searches).hasValue(3);
    }

    @Test
    void anUnauthorisedToolIsNeverExecuted() {
        detector.registerCapabilityProfile("research-agent", java.util.Set.of("search"));
        Tools tools = new Tools();
        server.script(request -> Reply.toolCall("deleteAll", "{}", 200, 20));
        Assistant assistant = assistant(tools);

        assertThatThrownBy(() -> assistant.chat("clean up"))
                .isInstanceOfSatisfying(CapabilityViolationException.class, e -> assertThat(e.tool()).isEqualTo("deleteAll"));
        assertThat(tools.deletions).hasValue(0);
    }

    @Test
    void aRefusalReturnedToTheModelIsItsToolResultAndTheToolStillNeverRuns() {
        detector.registerCapabilityProfile("research-agent", java.util.Set.of("search"));
        Tools tools = new Tools();
        AtomicInteger calls = new AtomicInteger();
        server.script(request -> calls.incrementAndGet() == 1 ? Reply.toolCall("deleteAll", "{}", 200, 20)
                : Reply.text("I may not delete records.", 250, 10, 0));
        ToolProvider guardedTools = AgentSreLangChain4j.tools(sre, "research-agent", ToolRefusal.RETURN_ERROR_TO_MODEL, tools);
        Assistant assistant = AiServices.builder(Assistant.class)
                .chatModel(AgentSreLangChain4j.guard(sre, "research-agent", openAi)).toolProvider(guardedTools).build();

        assertThat(assistant.chat("clean up")).isEqualTo("I may not delete records.");
        assertThat(tools.deletions).hasValue(0);
        assertThat(server.requests().get(1).toString()).contains("agent-sre refused tool 'deleteAll' (capability)");
    }
}
