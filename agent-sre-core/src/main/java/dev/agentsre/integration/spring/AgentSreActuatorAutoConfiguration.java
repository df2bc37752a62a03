package dev.agentsre.integration.spring;

import org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint;
import org.springframework.boot.actuate.autoconfigure.health.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/**
 * With Spring Boot's actuator: the {@code /actuator/agentsre} endpoint (expose it with
 * {@code management.endpoints.web.exposure.include=agentsre}) and the {@code agentsre} health
 * indicator ({@code management.health.agentsre.enabled=false} turns it off).
 */
@AutoConfiguration(after = AgentSreAutoConfiguration.class)
@ConditionalOnClass(name = "org.springframework.boot.actuate.endpoint.annotation.Endpoint")
@ConditionalOnBean(AgentSreComponents.class)
public class AgentSreActuatorAutoConfiguration {

    /** The endpoint. */
    @Bean
    @ConditionalOnMissingBean
    @ConditionalOnAvailableEndpoint
    public AgentSreEndpoint agentSreEndpoint(AgentSreComponents components) {
        return new AgentSreEndpoint(components);
    }

    /** The health indicator. */
    @Bean
    @ConditionalOnMissingBean(name = "agentsreHealthIndicator")
    @ConditionalOnEnabledHealthIndicator("agentsre")
    public AgentSreHealthIndicator agentsreHealthIndicator(AgentSreComponents components, AgentSreProperties properties) {
        return new AgentSreHealthIndicator(components, properties.getHealth().isDownWhenExhausted());
    }
}
