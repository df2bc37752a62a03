package dev.agentsre.integration.spring;

import dev.agentsre.cost.BudgetState;
import dev.agentsre.slo.Slo;
import dev.agentsre.slo.SloStatus;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.boot.actuate.health.AbstractHealthIndicator;
import org.springframework.boot.actuate.health.Health;

/**
 * The {@code agentsre} health indicator: DOWN while an SLO is exhausted or the organisation's kill
 * switch is engaged (with {@code agentsre.health.down-when-exhausted=false}: UP, with the same
 * details), with the SLOs' statuses, the open circuits and the quarantined agents as details. A pure
 * read.
 */
public class AgentSreHealthIndicator extends AbstractHealthIndicator {

    private final AgentSreComponents components;
    private final boolean downWhenExhausted;

    /** Reads {@code components}. */
    public AgentSreHealthIndicator(AgentSreComponents components, boolean downWhenExhausted) {
        super("agent-sre health check failed");
        this.components = components;
        this.downWhenExhausted = downWhenExhausted;
    }

    @Override
    protected void doHealthCheck(Health.Builder builder) {
        Map<String, String> slos = new LinkedHashMap<>();
        boolean exhausted = false;
        for (Slo slo : components.allSlos()) {
            slos.put(slo.name(), slo.status().name());
            exhausted |= slo.status() == SloStatus.EXHAUSTED;
        }
        boolean killed = components.costGuard() != null && components.costGuard().organizationSnapshot().state() == BudgetState.KILLED;
        builder.status(downWhenExhausted && (exhausted || killed) ? org.springframework.boot.actuate.health.Status.DOWN
                        : org.springframework.boot.actuate.health.Status.UP)
                .withDetail("slos", slos)
                .withDetail("organizationBudget", components.costGuard() == null ? "none"
                        : components.costGuard().organizationSnapshot().state().name())
                .withDetail("openCircuits", components.agentBreakers() == null ? List.of() : components.agentBreakers().openCircuits())
                .withDetail("openDependencyCircuits", components.dependencyBreakers() == null ? List.of()
                        : components.dependencyBreakers().openCircuits())
                .withDetail("quarantined", components.rogueDetector() == null ? List.of() : components.rogueDetector().quarantinedAgents());
    }
}
