package dev.agentsre.integration.spring;

import dev.agentsre.alert.AlertManager;
import dev.agentsre.alert.Receiver;
import dev.agentsre.alert.Route;
import dev.agentsre.alert.Secret;
import dev.agentsre.event.SreEventBus;
import java.util.Map;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionOutcome;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.SpringBootCondition;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.context.annotation.Conditional;
import org.springframework.core.type.AnnotatedTypeMetadata;

/**
 * With {@code agentsre.alerts.receivers.*} configured: an {@link AlertManager} subscribed to the
 * pipeline's bus, with those receivers, a root route to {@code agentsre.alerts.default-receiver}
 * (default: the first receiver) grouped by {@code agentsre.alerts.group-by}, and one child route per
 * {@code agentsre.alerts.routes[i]} ({@code label}, {@code value}, {@code receiver}). Anything richer
 * (inhibition, silences, a notification log file): define your own {@code AlertManager} bean.
 */
@AutoConfiguration(after = AgentSreAutoConfiguration.class)
@ConditionalOnBean(AgentSreComponents.class)
@Conditional(AgentSreAlertingAutoConfiguration.ReceiversConfigured.class)
public class AgentSreAlertingAutoConfiguration {

    /** The alert manager, subscribed to the components' bus; closed with the context. */
    @Bean(destroyMethod = "close")
    @ConditionalOnMissingBean
    public AlertManager agentSreAlertManager(AgentSreProperties properties, AgentSreComponents components) {
        AgentSreProperties.Alerts spec = properties.getAlerts();
        String fallback = spec.getDefaultReceiver() != null ? spec.getDefaultReceiver() : spec.getReceivers().keySet().iterator().next();
        Route root = Route.root(fallback).groupBy(spec.getGroupBy().toArray(String[]::new));
        for (AgentSreProperties.RouteSpec route : spec.getRoutes()) {
            root = root.child(Route.match(route.getLabel(), route.getValue()).receiver(route.getReceiver()));
        }
        SreEventBus bus = components.eventBus();
        AlertManager.Builder builder = AlertManager.builder().route(root).eventBus(bus);
        spec.getReceivers().forEach((name, receiver) -> builder.receiver(receiver(name, receiver)));
        AlertManager alerts = builder.build();
        alerts.subscribeTo(bus);
        return alerts;
    }

    private static Receiver receiver(String name, AgentSreProperties.ReceiverSpec spec) {
        if (spec.getType() == null) {
            throw new IllegalArgumentException("agentsre.alerts.receivers." + name + ".type must be one of "
                    + java.util.Arrays.toString(AgentSreProperties.ReceiverType.values()));
        }
        return switch (spec.getType()) {
            case SLACK -> Receiver.slack(name, Secret.url(spec.getUrl()));
            case TEAMS -> Receiver.teams(name, Secret.url(spec.getUrl()));
            case WEBHOOK -> Receiver.webhook(name, Secret.url(spec.getUrl()));
            case PAGERDUTY -> Receiver.pagerDuty(name, Secret.of(spec.getKey()));
            case OPSGENIE -> Receiver.opsgenie(name, Secret.of(spec.getKey()));
        };
    }

    /** Matches when at least one receiver is configured. */
    static final class ReceiversConfigured extends SpringBootCondition {
        @Override
        public ConditionOutcome getMatchOutcome(ConditionContext context, AnnotatedTypeMetadata metadata) {
            boolean any = Binder.get(context.getEnvironment())
                    .bind("agentsre.alerts.receivers", Bindable.mapOf(String.class, AgentSreProperties.ReceiverSpec.class))
                    .map(Map::isEmpty).map(empty -> !empty).orElse(false);
            return any ? ConditionOutcome.match("agentsre.alerts.receivers configured")
                    : ConditionOutcome.noMatch("no agentsre.alerts.receivers");
        }
    }
}
