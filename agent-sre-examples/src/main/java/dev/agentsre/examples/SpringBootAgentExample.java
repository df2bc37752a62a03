package dev.agentsre.examples;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.agentsre.examples.LocalOpenAiServer.Turn;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.springframework.ai.chat.client.ChatClient;
import org.springframework.ai.openai.OpenAiChatModel;
import org.springframework.ai.openai.OpenAiChatOptions;
import org.springframework.ai.openai.api.OpenAiApi;
import org.springframework.ai.tool.annotation.Tool;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;

/**
 * A Spring Boot application with a Spring AI {@code ChatClient} and no Agent SRE code at all: the
 * auto-configuration builds the pipeline from properties, guards the client (as the agent named by
 * its bean, here mapped to {@code support-agent}) and the tools it calls, and serves
 * {@code /actuator/agentsre} and {@code /actuator/health}. Runs offline against a local OpenAI-format
 * server the example starts itself, on random ports.
 */
@SpringBootConfiguration
@EnableAutoConfiguration
public class SpringBootAgentExample {

    /** The properties an {@code application.yaml} would hold. */
    static final String[] PROPERTIES = {
        "server.port=0",
        "spring.main.banner-mode=off",
        "agentsre.agents.support-agent.slo.target=0.99",
        "agentsre.agents.support-agent.daily-budget=5.00",
        "agentsre.agents.support-agent.capabilities=lookupOrder",
        "agentsre.cost.per-task=0.25",
        "agentsre.limits.max-tool-calls=10",
        "agentsre.model-agents.supportClient=support-agent",
        "management.endpoints.web.exposure.include=health,agentsre",
        "management.endpoint.health.show-details=always",
    };

    /** Spring AI's OpenAI model, pointed at the local server. */
    @Bean
    OpenAiChatModel openAiChatModel(@Value("${example.openai-url}") String url) {
        return OpenAiChatModel.builder().openAiApi(OpenAiApi.builder().baseUrl(url).apiKey("offline").build())
                .defaultOptions(OpenAiChatOptions.builder().model("gpt-4o-mini").maxTokens(400).build())
                .build();
    }

    /** The application's client: guarded because it is a ChatClient bean. */
    @Bean
    ChatClient supportClient(ChatClient.Builder builder) {
        return builder.defaultSystem("You answer questions about orders.").build();
    }

    /** A tool the model calls. */
    static final class OrderTools {
        @Tool(description = "Looks up an order by its id")
        String lookupOrder(String orderId) {
            return "order " + orderId + " shipped on Monday";
        }
    }

    /** What the application answered and what the actuator reported. */
    public record Result(String answer, JsonNode agentsre, JsonNode health) {
    }

    /** Starts the server and the application, asks one question, reads the actuator, stops both. */
    public static Result run() throws Exception {
        try (LocalOpenAiServer server = new LocalOpenAiServer(request -> LocalOpenAiServer.toolAnswered(request)
                ? Turn.say("Order 1042 shipped on Monday.") : Turn.callTool("lookupOrder", "{\"orderId\":\"1042\"}"))) {
            SpringApplication app = new SpringApplication(SpringBootAgentExample.class);
            String[] args = new String[PROPERTIES.length + 1];
            for (int i = 0; i < PROPERTIES.length; i++) {
                args[i] = "--" + PROPERTIES[i];
            }
            args[PROPERTIES.length] = "--example.openai-url=" + server.root();
            try (ConfigurableApplicationContext context = app.run(args)) {
                ChatClient client = context.getBean("supportClient", ChatClient.class);
                String answer = client.prompt("Where is my order 1042?").tools(new OrderTools()).call().content();
                String base = "http://127.0.0.1:" + context.getEnvironment().getProperty("local.server.port");
                return new Result(answer, get(base + "/actuator/agentsre"), get(base + "/actuator/health"));
            }
        }
    }

    private static JsonNode get(String url) throws Exception {
        HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url)).build(),
                HttpResponse.BodyHandlers.ofString());
        return new ObjectMapper().readTree(response.body());
    }

    public static void main(String[] args) throws Exception {
        Result r = run();
        System.out.println("answer:            " + r.answer());
        System.out.println("/actuator/agentsre " + r.agentsre().toPrettyString());
        System.out.println("/actuator/health   " + r.health().path("components").path("agentsre").toPrettyString());
    }
}
