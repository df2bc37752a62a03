package dev.agentsre.integration.spring;

import dev.agentsre.AgentSre;
import dev.agentsre.TaskLimits;
import dev.agentsre.anomaly.RogueAgentDetector;
import dev.agentsre.anomaly.RogueDetectorConfig;
import dev.agentsre.breaker.CircuitBreakerConfig;
import dev.agentsre.breaker.CircuitBreakerRegistry;
import dev.agentsre.cost.CostGuard;
import dev.agentsre.cost.PriceTable;
import dev.agentsre.event.SreEventBus;
import dev.agentsre.slo.ErrorBudget;
import dev.agentsre.slo.Slis;
import dev.agentsre.slo.Slo;
import dev.agentsre.slo.SloTemplate;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;

/**
 * The pipeline as beans: an {@link SreEventBus}, the {@link AgentSreComponents} built from
 * {@code agentsre.*} (an SLO per listed agent, an SLO template giving every agent its own, the cost guard with its price table and budgets,
 * agent and dependency breakers, the rogue detector with each agent's capability profile), and the
 * {@link AgentSre} that composes them, with every {@link AgentSreCustomizer} applied. Each bean backs
 * off when you define your own. {@code agentsre.enabled=false} turns it off.
 */
@AutoConfiguration
@ConditionalOnProperty(prefix = "agentsre", name = "enabled", havingValue = "true", matchIfMissing = true)
@EnableConfigurationProperties(AgentSreProperties.class)
public class AgentSreAutoConfiguration {

    /** The bus the components publish on. */
    @Bean
    @ConditionalOnMissingBean
    public SreEventBus agentSreEventBus() {
        return new SreEventBus();
    }

    /** The components, from the properties. */
    @Bean
    @ConditionalOnMissingBean
    public AgentSreComponents agentSreComponents(AgentSreProperties properties, SreEventBus bus) {
        return new AgentSreComponents(bus, slos(properties, bus), templates(properties, bus), costGuard(properties.getCost(), properties.getAgents(), bus),
                breakers(properties.getBreakers(), bus), breakers(properties.getDependencyBreakers(), bus), rogueDetector(properties, bus));
    }

    /** The pipeline. */
    @Bean(destroyMethod = "close")
    @ConditionalOnMissingBean
    public AgentSre agentSre(AgentSreComponents components, AgentSreProperties properties, ObjectProvider<AgentSreCustomizer> customizers) {
        AgentSre.Builder builder = AgentSre.builder().eventBus(components.eventBus())
                .costGuard(components.costGuard())
                .breakers(components.agentBreakers())
                .dependencyBreakers(components.dependencyBreakers())
                .rogueDetector(components.rogueDetector())
                .taskLimits(limits(properties.getLimits()));
        components.slos().forEach(builder::slo);
        components.sloTemplates().forEach(builder::sloTemplate);
        if (properties.getSloEvaluationInterval() != null) {
            builder.sloEvaluation(properties.getSloEvaluationInterval());
        }
        customizers.orderedStream().forEach(customizer -> customizer.customize(builder));
        return builder.build();
    }

    /** {@code agentsre.slo}: a template, so every agent gets its own SLO on its first task. */
    private static List<SloTemplate> templates(AgentSreProperties properties, SreEventBus bus) {
        AgentSreProperties.SloSpec spec = properties.getSlo();
        if (spec.getTarget() == null) {
            return List.of();
        }
        return List.of(SloTemplate.builder("reliability")
                .indicator(() -> Slis.taskSuccessRate().build())
                .errorBudget(() -> budget(spec))
                .eventBus(bus)
                .build());
    }

    private static List<Slo> slos(AgentSreProperties properties, SreEventBus bus) {
        List<Slo> slos = new ArrayList<>();
        properties.getAgents().forEach((agent, spec) -> {
            if (spec.getSlo().getTarget() != null) {
                slos.add(slo(agent + "-reliability", agent, spec.getSlo(), bus));
            }
        });
        return slos;
    }

    private static Slo slo(String name, String agent, AgentSreProperties.SloSpec spec, SreEventBus bus) {
        return Slo.builder(name).agentId(agent)
                .indicator(Slis.taskSuccessRate().build())
                .errorBudget(budget(spec))
                .eventBus(bus)
                .build();
    }

    private static ErrorBudget budget(AgentSreProperties.SloSpec spec) {
        return ErrorBudget.builder().target(spec.getTarget()).window(spec.getWindow()).exhaustionAction(spec.getExhaustionAction()).build();
    }

    private static CostGuard costGuard(AgentSreProperties.Cost cost, Map<String, AgentSreProperties.Agent> agents, SreEventBus bus) {
        if (!cost.isEnabled()) {
            return null;
        }
        CostGuard.Builder b = CostGuard.builder().eventBus(bus).autoThrottle(cost.isAutoThrottle())
                .priceTable(cost.getPriceTable() == null ? PriceTable.defaults() : PriceTable.load(Path.of(cost.getPriceTable())));
        if (cost.getPerTask() != null) {
            b.perTaskLimit(cost.getPerTask());
        }
        if (cost.getPerAgentDaily() != null) {
            b.perAgentDailyLimit(cost.getPerAgentDaily());
        }
        if (cost.getOrgMonthly() != null) {
            b.orgMonthlyBudget(cost.getOrgMonthly());
        }
        if (cost.getKillSwitchThreshold() != null) {
            b.killSwitchThreshold(cost.getKillSwitchThreshold());
        }
        agents.forEach((agent, spec) -> {
            if (spec.getDailyBudget() != null) {
                b.agentDailyLimit(agent, spec.getDailyBudget());
            }
        });
        return b.build();
    }

    private static CircuitBreakerRegistry breakers(AgentSreProperties.Breaker spec, SreEventBus bus) {
        if (!spec.isEnabled()) {
            return null;
        }
        return CircuitBreakerRegistry.of(CircuitBreakerConfig.builder().failureThreshold(spec.getFailureThreshold())
                .recoveryTimeout(spec.getRecoveryTimeout()).build(), bus);
    }

    private static RogueAgentDetector rogueDetector(AgentSreProperties properties, SreEventBus bus) {
        AgentSreProperties.Rogue spec = properties.getRogue();
        if (!spec.isEnabled()) {
            return null;
        }
        RogueDetectorConfig.Builder config = RogueDetectorConfig.builder().enforcement(spec.getEnforcement())
                .quarantineRiskLevel(spec.getQuarantineRiskLevel());
        if (spec.getRepeatThreshold() != null) {
            config.repeatThreshold(spec.getRepeatThreshold());
        }
        RogueAgentDetector detector = new RogueAgentDetector(config.build(), bus);
        properties.getAgents().forEach((agent, a) -> {
            if (!a.getCapabilities().isEmpty()) {
                detector.registerCapabilityProfile(agent, a.getCapabilities());
            }
        });
        return detector;
    }

    private static TaskLimits limits(AgentSreProperties.Limits spec) {
        TaskLimits.Builder b = TaskLimits.builder();
        if (spec.getMaxModelCalls() != null) {
            b.maxModelCalls(spec.getMaxModelCalls());
        }
        if (spec.getMaxToolCalls() != null) {
            b.maxToolCalls(spec.getMaxToolCalls());
        }
        if (spec.getMaxTokens() != null) {
            b.maxTokens(spec.getMaxTokens());
        }
        if (spec.getMaxDuration() != null) {
            b.maxDuration(spec.getMaxDuration());
        }
        return b.build();
    }
}
