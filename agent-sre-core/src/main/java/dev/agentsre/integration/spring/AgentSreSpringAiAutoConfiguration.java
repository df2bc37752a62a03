package dev.agentsre.integration.spring;

import dev.agentsre.AgentSre;
import org.springframework.ai.chat.client.ChatClientCustomizer;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.Environment;

/**
 * With Spring AI on the classpath: every {@code ChatClient} built from the auto-configured
 * {@code ChatClient.Builder} gets the pipeline's advisors (agent {@code agentsre.spring-ai.agent-id},
 * default {@code spring.application.name}, else {@code chat-client}); {@code ChatClient} beans are
 * bound to their bean name; the {@code ToolCallingManager} and {@code ToolCallback} beans are guarded
 * (see {@link SpringAiGuard}). {@code agentsre.spring-ai.enabled=false} turns it off.
 */
@AutoConfiguration(after = AgentSreAutoConfiguration.class,
        beforeName = "org.springframework.ai.model.chat.client.autoconfigure.ChatClientAutoConfiguration")
@ConditionalOnClass(name = "org.springframework.ai.chat.client.ChatClient")
@ConditionalOnProperty(prefix = "agentsre", name = {"enabled", "spring-ai.enabled"}, havingValue = "true", matchIfMissing = true)
public class AgentSreSpringAiAutoConfiguration {

    /** Guards chat-client, tool-calling-manager and tool-callback beans. */
    @Bean
    static SpringAiGuard agentSreSpringAiGuard(ObjectProvider<AgentSre> sre, ObjectProvider<AgentSreProperties> properties,
                                               Environment environment) {
        return new SpringAiGuard(sre, properties, defaultAgent(environment));
    }

    /** Adds the advisors to every client built from the auto-configured builder. */
    @Bean
    ChatClientCustomizer agentSreChatClientCustomizer(AgentSre sre, AgentSreProperties properties, Environment environment) {
        return builder -> builder.defaultAdvisors(SpringAiGuard.advisors(sre, properties, defaultAgent(environment), 0));
    }

    private static String defaultAgent(Environment environment) {
        String agent = environment.getProperty("agentsre.spring-ai.agent-id");
        if (agent == null || agent.isBlank()) {
            agent = environment.getProperty("spring.application.name", "chat-client");
        }
        return agent;
    }
}
