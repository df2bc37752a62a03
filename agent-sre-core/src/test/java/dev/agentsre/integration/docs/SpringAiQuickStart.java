package dev.agentsre.integration.docs;

import dev.agentsre.AgentSre;
import dev.agentsre.cost.CostGuard;
import dev.agentsre.cost.PriceTable;
import dev.agentsre.integration.springai.AgentSreSpringAi;
import org.springframework.ai.chat.client.ChatClient;
import org.springframework.ai.model.tool.ToolCallingManager;
import org.springframework.ai.openai.OpenAiChatModel;
import org.springframework.ai.openai.OpenAiChatOptions;
import org.springframework.ai.openai.api.OpenAiApi;
import org.springframework.ai.tool.annotation.Tool;

public class SpringAiQuickStart {

    static class OrderTools {
        @Tool(description = "Looks up an order by its id")
        String lookupOrder(String orderId) {
            return "order " + orderId + " shipped on Monday";
        }
    }

    public static String answer(String openAiBaseUrl, String question) {
        AgentSre sre = AgentSre.builder()
                .costGuard(CostGuard.builder().perTaskLimit(0.50).priceTable(PriceTable.defaults()).build())
                .build();

        OpenAiChatModel chatModel = OpenAiChatModel.builder()
                .openAiApi(OpenAiApi.builder().baseUrl(openAiBaseUrl)
                        .apiKey(System.getenv().getOrDefault("OPENAI_API_KEY", "demo")).build())
                .defaultOptions(OpenAiChatOptions.builder().model("gpt-4o-mini").maxTokens(512).build())
                // tools passed any way (.tools(obj), callbacks, defaults) are guarded when executed
                .toolCallingManager(AgentSreSpringAi.toolCallingManager(sre, "support-agent", ToolCallingManager.builder().build()))
                .build();

        ChatClient client = ChatClient.builder(chatModel)
                .defaultAdvisors(AgentSreSpringAi.advisors(sre, "support-agent"))   // each call one task of support-agent
                .build();

        return client.prompt(question).tools(new OrderTools()).call().content();
    }
}
