package dev.agentsre.otel.spring;

import dev.agentsre.alert.AlertManager;
import dev.agentsre.integration.spring.AgentSreAlertingAutoConfiguration;
import dev.agentsre.integration.spring.AgentSreAutoConfiguration;
import dev.agentsre.integration.spring.AgentSreComponents;
import dev.agentsre.otel.AgentSreMeterBinder;
import dev.agentsre.otel.SreComponents;
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
        SreComponents.Builder exported = SreComponents.builder().bus(components.eventBus());
        components.slos().forEach(exported::slo);
        components.sloTemplates().forEach(exported::sloTemplate);
        if (components.costGuard() != null) {
            exported.costGuard(components.costGuard());
        }
        if (components.agentBreakers() != null) {
            exported.breakers(components.agentBreakers());
        }
        if (components.dependencyBreakers() != null) {
            exported.breakers(components.dependencyBreakers());
        }
        if (components.rogueDetector() != null) {
            exported.rogueDetector(components.rogueDetector());
        }
        alerts.ifAvailable(exported::alertManager);
        return new AgentSreMeterBinder(exported.build());
    }
}
