package dev.agentsre.otel.spring;

import dev.agentsre.alert.AlertManager;
import dev.agentsre.integration.spring.AgentSreAlertingAutoConfiguration;
import dev.agentsre.integration.spring.AgentSreAutoConfiguration;
import dev.agentsre.integration.spring.AgentSreComponents;
import dev.agentsre.otel.AgentSreMeterBinder;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/**
 * With Micrometer and agent-sre-core's auto-configuration: an {@link AgentSreMeterBinder} bean bound
 * to the components (events, SLOs and templates, budgets, breakers, the rogue detector) and to the
 * alert manager when there is one. Spring Boot's metrics
 * auto-configuration binds every {@code MeterBinder} bean to the application's {@code MeterRegistry}.
 */
@AutoConfiguration(after = {AgentSreAutoConfiguration.class, AgentSreAlertingAutoConfiguration.class})
@ConditionalOnClass(name = "io.micrometer.core.instrument.MeterRegistry")
@ConditionalOnBean(AgentSreComponents.class)
public class AgentSreMetricsAutoConfiguration {

    /** The binder, bound to every configured component. */
    @Bean
    @ConditionalOnMissingBean
    public AgentSreMeterBinder agentSreMeterBinder(AgentSreComponents components, ObjectProvider<AlertManager> alerts) {
        AgentSreMeterBinder binder = new AgentSreMeterBinder().bind(components.eventBus());
        components.slos().forEach(binder::bind);
        components.sloTemplates().forEach(binder::bind);
        if (components.costGuard() != null) {
            binder.bind(components.costGuard());
        }
        if (components.agentBreakers() != null) {
            binder.bind(components.agentBreakers());
        }
        if (components.dependencyBreakers() != null) {
            binder.bind(components.dependencyBreakers());
        }
        if (components.rogueDetector() != null) {
            binder.bind(components.rogueDetector());
        }
        alerts.ifAvailable(binder::bind);
        return binder;
    }
}
