package dev.agentsre.integration.docs;

import org.springframework.ai.chat.client.ChatClient;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Bean;

@SpringBootApplication
public class SupportApplication {

    public static void main(String[] args) {
        SpringApplication.run(SupportApplication.class, args);
    }

    @Bean
    ChatClient supportClient(ChatClient.Builder builder) {   // guarded as the agent "support-agent" (see model-agents)
        return builder.defaultSystem("You answer questions about orders.").build();
    }
}
