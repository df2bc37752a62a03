package dev.agentsre.examples;

import dev.agentsre.AgentSre;
import dev.agentsre.TaskLimits;
import dev.agentsre.TaskRefusedException;
import dev.agentsre.anomaly.RogueAgentDetector;
import dev.agentsre.anomaly.RogueDetectorConfig;
import dev.agentsre.breaker.CircuitBreakerConfig;
import dev.agentsre.breaker.CircuitBreakerRegistry;
import dev.agentsre.cost.CostGuard;
import dev.agentsre.cost.PriceTable;
import dev.agentsre.cost.TokenUsage;
import dev.agentsre.examples.LocalOpenAiServer.Turn;
import dev.agentsre.integration.langchain4j.AgentSreLangChain4j;
import dev.langchain4j.agent.tool.Tool;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.openai.OpenAiChatModel;
import dev.langchain4j.service.AiServices;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A LangChain4j support assistant — LangChain4j's real OpenAI client and {@code AiServices} with two
 * {@code @Tool}s — under the pipeline, against a local OpenAI-format server the example starts itself
 * (so it runs offline). Four invocations, each one task:
 * <ol>
 *   <li>a question answered with one tool call: the spend is the price table's price of the tokens
 *       the server reported, cached ones at their rate;</li>
 *   <li>the model asks for a refund, a tool outside the agent's capability profile: refused, and the
 *       refund never runs;</li>
 *   <li>the model keeps searching for the same thing: the loop detector quarantines the agent within
 *       the task;</li>
 *   <li>the provider goes down: after three failures its breaker opens, and the next questions are
 *       refused without a request reaching the server.</li>
 * </ol>
 */
public final class LangChain4jAgentExample {

    static final String MODEL = "gpt-4o-mini";

    private LangChain4jAgentExample() {
    }

    /** The assistant's interface; LangChain4j implements it. */
    interface Assistant {
        String chat(String question);
    }

    /** The tools, counting what really ran. */
    static final class SupportTools {
        final AtomicInteger lookups = new AtomicInteger();
        final AtomicInteger searches = new AtomicInteger();
        final AtomicInteger refunds = new AtomicInteger();

        @Tool("Looks up an order by its id")
        String lookupOrder(String orderId) {
            lookups.incrementAndGet();
            return "order " + orderId + " shipped on Monday, arrives Thursday";
        }

        @Tool("Searches the knowledge base")
        String search(String query) {
            searches.incrementAndGet();
            return "no article matches '" + query + "'";
        }

        @Tool("Refunds an order")
        String refundOrder(String orderId) {
            refunds.incrementAndGet();
            return "refunded " + orderId;
        }
    }

    /** What happened. */
    public record Result(String answer, BigDecimal answerCostUsd, BigDecimal priceOfReportedTokensUsd, String refundRefusal,
                         int refundsRun, String loopStoppedBy, int searchesRun, int failuresBeforeOpen, String outageRefusal,
                         int requestsWhileOpen) {
    }

    /** Runs the four invocations against a local server. */
    public static Result run() throws Exception {
        PriceTable prices = PriceTable.defaults();
        CostGuard costs = CostGuard.builder().priceTable(prices).perTaskLimit(0.50).perAgentDailyLimit(20.00).build();
        RogueAgentDetector detector = new RogueAgentDetector(RogueDetectorConfig.builder().build());
        detector.registerCapabilityProfile("support-agent", Set.of("lookupOrder", "search"));
        CircuitBreakerRegistry providers = CircuitBreakerRegistry.of(CircuitBreakerConfig.builder().failureThreshold(3)
                .recoveryTimeout(Duration.ofSeconds(30)).build());
        AgentSre sre = AgentSre.builder().costGuard(costs).rogueDetector(detector).dependencyBreakers(providers)
                .taskLimits(TaskLimits.builder().maxModelCalls(40).maxToolCalls(40).build())
                .build();
        SupportTools tools = new SupportTools();

        try (LocalOpenAiServer server = new LocalOpenAiServer(
                request -> LocalOpenAiServer.toolAnswered(request) ? Turn.say("Order 1042 shipped on Monday and arrives Thursday.")
                        : Turn.callTool("lookupOrder", "{\"arg0\":\"1042\"}"))) {
            ChatModel openAi = OpenAiChatModel.builder().baseUrl(server.v1()).apiKey("offline").modelName(MODEL)
                    .maxTokens(400).maxRetries(0).build();
            Assistant assistant = AiServices.builder(Assistant.class)
                    .chatModel(AgentSreLangChain4j.guard(sre, "support-agent", openAi))
                    .toolProvider(AgentSreLangChain4j.tools(sre, "support-agent", tools))
                    .toolExecutionErrorHandler(AgentSreLangChain4j.toolErrorHandler())
                    .build();

            // 1. an answer with one tool call
            BigDecimal[] cost = new BigDecimal[1];
            String answer = sre.agent("support-agent").task("ticket-1042").call(ctx -> {
                String a = assistant.chat("Where is my order 1042?");
                cost[0] = ctx.costUsd();
                return a;
            });
            BigDecimal expected = prices.cost(MODEL, TokenUsage.openAi(600, 25, 0, 0)).add(prices.cost(MODEL, TokenUsage.openAi(900, 60, 512, 0)));

            // 2. a tool outside the profile
            server.answers(request -> Turn.callTool("refundOrder", "{\"arg0\":\"1042\"}"));
            String refundRefusal = refusal(() -> sre.agent("support-agent").task("ticket-1043").call(ctx -> assistant.chat("Refund order 1042")));

            // 3. a loop (another agent's task: the same assistant serves it through the task binding)
            detector.registerCapabilityProfile("research-agent", Set.of("lookupOrder", "search"));
            server.answers(request -> Turn.callTool("search", "{\"arg0\":\"warranty for model X\"}"));
            String loop = refusal(() -> sre.agent("research-agent").task("research-7").call(ctx -> assistant.chat("Find the warranty")));

            // 4. an outage: three failures open the provider's breaker
            server.answers(request -> Turn.outage());
            int failures = 0;
            String outage = null;
            int before = 0;
            for (int i = 0; i < 5 && outage == null; i++) {
                before = server.requests();
                try {
                    sre.agent("support-agent").task("ticket-2" + i).call(ctx -> assistant.chat("Where is order 7?"));
                } catch (TaskRefusedException refused) {
                    outage = refused.reason() + " " + refused.refusedCall();
                } catch (RuntimeException providerDown) {
                    failures++;
                }
            }
            return new Result(answer, cost[0], expected, refundRefusal, tools.refunds.get(), loop, tools.searches.get(), failures, outage,
                    server.requests() - before);
        }
    }

    private interface Invocation {
        String run() throws Exception;
    }

    private static String refusal(Invocation invocation) throws Exception {
        try {
            invocation.run();
            return "not refused";
        } catch (TaskRefusedException refused) {
            return refused.reason() + " " + refused.refusedCall();
        }
    }

    public static void main(String[] args) throws Exception {
        Result r = run();
        System.out.println("1. answer:      " + r.answer());
        System.out.println("   spent:       $" + r.answerCostUsd().toPlainString() + " (the price table's price of the reported tokens: $"
                + r.priceOfReportedTokensUsd().toPlainString() + ")");
        System.out.println("2. refund:      refused (" + r.refundRefusal() + "); refunds run: " + r.refundsRun());
        System.out.println("3. loop:        stopped by " + r.loopStoppedBy() + " after " + r.searchesRun() + " identical searches");
        System.out.println("4. outage:      " + r.failuresBeforeOpen() + " failures, then refused (" + r.outageRefusal() + ") with "
                + r.requestsWhileOpen() + " requests sent");
    }
}
