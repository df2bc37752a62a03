package dev.agentsre.integration.docs;

import dev.agentsre.AgentSre;
import dev.agentsre.TaskLimits;
import dev.agentsre.anomaly.RogueAgentDetector;
import dev.agentsre.anomaly.RogueDetectorConfig;
import dev.agentsre.breaker.CircuitBreakerConfig;
import dev.agentsre.breaker.CircuitBreakerRegistry;
import dev.agentsre.cost.CostGuard;
import dev.agentsre.cost.PriceTable;
import dev.agentsre.integration.langchain4j.AgentSreLangChain4j;
import dev.langchain4j.agent.tool.Tool;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.openai.OpenAiChatModel;
import dev.langchain4j.service.AiServices;

public class LangChain4jQuickStart {

    interface Assistant {
        String chat(String question);
    }

    static class OrderTools {
        @Tool("Looks up an order by its id")
        String lookupOrder(String orderId) {
            return "order " + orderId + " shipped on Monday";
        }
    }

    public static String answer(String openAiBaseUrl, String question) throws Exception {
        AgentSre sre = AgentSre.builder()
                .costGuard(CostGuard.builder().perTaskLimit(0.50).perAgentDailyLimit(20.00).priceTable(PriceTable.defaults()).build())
                .rogueDetector(new RogueAgentDetector(RogueDetectorConfig.builder().build()))
                .dependencyBreakers(CircuitBreakerRegistry.of(CircuitBreakerConfig.builder().failureThreshold(5).build()))
                .taskLimits(TaskLimits.builder().maxModelCalls(10).maxToolCalls(20).build())
                .build();

        ChatModel openAi = OpenAiChatModel.builder()
                .baseUrl(openAiBaseUrl).apiKey(System.getenv().getOrDefault("OPENAI_API_KEY", "demo"))
                .modelName("gpt-4o-mini").maxTokens(512)       // 512 output tokens: the worst case held per call
                .build();

        Assistant assistant = AiServices.builder(Assistant.class)
                .chatModel(AgentSreLangChain4j.guard(sre, "support-agent", openAi))
                .toolProvider(AgentSreLangChain4j.tools(sre, "support-agent", new OrderTools()))
                .toolExecutionErrorHandler(AgentSreLangChain4j.toolErrorHandler()) // a refused tool ends the invocation
                .build();

        // one task: every model and tool call of this invocation passes the guard chain
        return sre.agent("support-agent").task("ticket-1042").call(ctx -> assistant.chat(question));
    }
}
