package dev.agentsre.integration.spring;

import dev.agentsre.AgentSre;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;

/**
 * With LangChain4j on the classpath, every {@code ChatModel} and {@code StreamingChatModel} bean is
 * guarded (see {@link LangChain4jModelGuard}); {@code agentsre.langchain4j.enabled=false} turns it off.
 */
@AutoConfiguration(after = AgentSreAutoConfiguration.class)
@ConditionalOnClass(name = "dev.langchain4j.model.chat.ChatModel")
@ConditionalOnProperty(prefix = "agentsre", name = {"enabled", "langchain4j.enabled"}, havingValue = "true", matchIfMissing = true)
public class AgentSreLangChain4jAutoConfiguration {

    /** Wraps the model beans; static, so it does not make this configuration an early bean. */
    @Bean
    static LangChain4jModelGuard agentSreLangChain4jModelGuard(ObjectProvider<AgentSre> sre, ObjectProvider<AgentSreProperties> properties) {
        return new LangChain4jModelGuard(sre, properties);
    }
}
