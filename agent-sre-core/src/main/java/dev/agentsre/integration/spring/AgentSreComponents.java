package dev.agentsre.integration.spring;

import dev.agentsre.anomaly.RogueAgentDetector;
import dev.agentsre.breaker.CircuitBreakerRegistry;
import dev.agentsre.cost.CostGuard;
import dev.agentsre.event.SreEventBus;
import dev.agentsre.slo.Slo;
import dev.agentsre.slo.SloTemplate;
import java.util.List;

/**
 * The components the auto-configuration built from {@code agentsre.*} and composed into the
 * {@code AgentSre} bean; the actuator endpoint, the health indicator and the Micrometer binder read
 * them. Define a bean of this type to bring your own components; any of them may be {@code null}
 * (not configured), except the bus and the SLO lists.
 *
 * @param eventBus the bus every component publishes on
 * @param slos the fixed SLOs (the agents listed in the properties)
 * @param sloTemplates the SLO templates: each agent's own SLO, created on its first task
 * @param costGuard budgets and prices, or {@code null}
 * @param agentBreakers one breaker per agent around each task, or {@code null}
 * @param dependencyBreakers one breaker per model or tool around each call, or {@code null}
 * @param rogueDetector quarantines, capability profiles and loop detection, or {@code null}
 */
public record AgentSreComponents(SreEventBus eventBus, List<Slo> slos, List<SloTemplate> sloTemplates, CostGuard costGuard, CircuitBreakerRegistry agentBreakers,
                                 CircuitBreakerRegistry dependencyBreakers, RogueAgentDetector rogueDetector) {

    /** Checks the bus and copies the SLO list. */
    public AgentSreComponents {
        if (eventBus == null) {
            throw new IllegalArgumentException("eventBus must not be null");
        }
        slos = slos == null ? List.of() : List.copyOf(slos);
        sloTemplates = sloTemplates == null ? List.of() : List.copyOf(sloTemplates);
    }

    /** Every SLO now: the fixed ones, then each template's agents' (a pure read). */
    public List<Slo> allSlos() {
        if (sloTemplates.isEmpty()) {
            return slos;
        }
        List<Slo> all = new java.util.ArrayList<>(slos);
        sloTemplates.forEach(template -> all.addAll(template.instances()));
        return all;
    }
}
