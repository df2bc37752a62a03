package dev.agentsre.integration.spring;

import dev.agentsre.AgentSre;
import dev.agentsre.integration.springai.AgentSreAdvisor;
import dev.agentsre.integration.springai.AgentSreSpringAi;
import dev.agentsre.integration.springai.AgentSreTaskAdvisor;
import dev.agentsre.integration.springai.AgentSreToolCallingManager;
import dev.agentsre.integration.springai.GuardedToolCallback;
import java.util.List;
import org.springframework.ai.chat.client.ChatClient;
import org.springframework.ai.chat.client.advisor.api.Advisor;
import org.springframework.ai.model.tool.ToolCallingManager;
import org.springframework.ai.tool.ToolCallback;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.BeanPostProcessor;

/**
 * Guards Spring AI beans: each {@link ChatClient} bean gets the advisors for the agent
 * {@code agentsre.model-agents.<bean>} (default: the bean name), placed just outside those the
 * builder's customizer added, so its identity wins; the {@link ToolCallingManager} bean and every
 * {@link ToolCallback} bean are guarded. Beans named in {@code agentsre.spring-ai.excluded-beans}
 * are left alone.
 */
final class SpringAiGuard implements BeanPostProcessor {

    private final ObjectProvider<AgentSre> sre;
    private final ObjectProvider<AgentSreProperties> properties;
    private final String defaultAgent;

    SpringAiGuard(ObjectProvider<AgentSre> sre, ObjectProvider<AgentSreProperties> properties, String defaultAgent) {
        this.sre = sre;
        this.properties = properties;
        this.defaultAgent = defaultAgent;
    }

    @Override
    public Object postProcessAfterInitialization(Object bean, String beanName) {
        if (!(bean instanceof ChatClient || bean instanceof ToolCallingManager || bean instanceof ToolCallback)
                || bean instanceof AgentSreToolCallingManager || bean instanceof GuardedToolCallback) {
            return bean;
        }
        AgentSreProperties props = properties.getObject();
        if (props.getSpringAi().getExcludedBeans().contains(beanName)) {
            return bean;
        }
        if (bean instanceof ChatClient client) {
            return client.mutate().defaultAdvisors(advisors(sre.getObject(), props, props.agentOf(beanName), -1)).build();
        }
        if (bean instanceof ToolCallingManager manager) {
            return AgentSreSpringAi.toolCallingManager(sre.getObject(), defaultAgent, manager);
        }
        return AgentSreSpringAi.guard(sre.getObject(), defaultAgent, (ToolCallback) bean);
    }

    /** The two advisors for {@code agent}, their orders shifted by {@code shift}. */
    static List<Advisor> advisors(AgentSre sre, AgentSreProperties props, String agent, int shift) {
        AgentSreAdvisor.Builder model = AgentSreAdvisor.builder(sre, agent).order(AgentSreAdvisor.DEFAULT_ORDER + shift);
        if (props.getSpringAi().getDefaultModel() != null) {
            model.defaultModel(props.getSpringAi().getDefaultModel());
        }
        return List.of(AgentSreTaskAdvisor.of(sre, agent, AgentSreTaskAdvisor.DEFAULT_ORDER + shift), model.build());
    }
}
