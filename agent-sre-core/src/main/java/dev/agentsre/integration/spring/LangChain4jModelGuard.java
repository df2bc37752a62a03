package dev.agentsre.integration.spring;

import dev.agentsre.AgentSre;
import dev.agentsre.integration.langchain4j.AgentSreChatModel;
import dev.agentsre.integration.langchain4j.AgentSreStreamingChatModel;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.StreamingChatModel;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.BeanPostProcessor;

/**
 * Wraps every LangChain4j {@link ChatModel} and {@link StreamingChatModel} bean in the pipeline's
 * decorator, for the agent {@code agentsre.model-agents.<bean>} (default: the bean name), except the
 * beans listed in {@code agentsre.langchain4j.excluded-beans}. Inject the models by their interface:
 * the bean is the decorator.
 */
final class LangChain4jModelGuard implements BeanPostProcessor {

    private final ObjectProvider<AgentSre> sre;
    private final ObjectProvider<AgentSreProperties> properties;

    LangChain4jModelGuard(ObjectProvider<AgentSre> sre, ObjectProvider<AgentSreProperties> properties) {
        this.sre = sre;
        this.properties = properties;
    }

    @Override
    public Object postProcessAfterInitialization(Object bean, String beanName) {
        if (bean instanceof AgentSreChatModel || bean instanceof AgentSreStreamingChatModel
                || !(bean instanceof ChatModel || bean instanceof StreamingChatModel)) {
            return bean;
        }
        AgentSreProperties props = properties.getObject();
        if (props.getLangchain4j().getExcludedBeans().contains(beanName)) {
            return bean;
        }
        String agent = props.agentOf(beanName);
        if (bean instanceof ChatModel model) {
            return AgentSreChatModel.builder(sre.getObject(), agent, model).build();
        }
        return AgentSreStreamingChatModel.builder(sre.getObject(), agent, (StreamingChatModel) bean).build();
    }
}
