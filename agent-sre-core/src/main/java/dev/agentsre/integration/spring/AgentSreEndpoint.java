package dev.agentsre.integration.spring;

import dev.agentsre.breaker.BreakerSnapshot;
import dev.agentsre.breaker.CircuitBreaker;
import dev.agentsre.breaker.CircuitBreakerRegistry;
import dev.agentsre.cost.BudgetSnapshot;
import dev.agentsre.cost.CostGuard;
import dev.agentsre.slo.Slo;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;

/**
 * {@code /actuator/agentsre}: the SLOs (status, budget remaining, firing alerts), budgets (each
 * agent's and the organisation's spend, holds, limits and state), circuit breakers (agents' and
 * dependencies') and quarantined agents. A pure read: nothing is evaluated, created or published.
 */
@Endpoint(id = "agentsre")
public class AgentSreEndpoint {

    private final AgentSreComponents components;

    /** Reads {@code components}. */
    public AgentSreEndpoint(AgentSreComponents components) {
        this.components = components;
    }

    /** The state of every component. */
    @ReadOperation
    public Map<String, Object> state() {
        Map<String, Object> state = new LinkedHashMap<>();
        state.put("slos", slos());
        state.put("budgets", budgets());
        state.put("breakers", breakers(components.agentBreakers()));
        state.put("dependencyBreakers", breakers(components.dependencyBreakers()));
        state.put("quarantined", components.rogueDetector() == null ? List.of() : components.rogueDetector().quarantinedAgents());
        return state;
    }

    private List<Map<String, Object>> slos() {
        List<Map<String, Object>> slos = new ArrayList<>();
        for (Slo slo : components.allSlos()) {
            Map<String, Object> s = new LinkedHashMap<>();
            s.put("name", slo.name());
            s.put("agent", slo.agentId());
            s.put("status", slo.status().name());
            s.put("target", slo.errorBudget().target());
            s.put("window", slo.errorBudget().window().toString());
            s.put("budgetRemainingPercent", slo.errorBudget().remainingPercent());
            s.put("firingAlerts", slo.firingAlerts().stream().map(a -> a.name()).toList());
            slos.add(s);
        }
        return slos;
    }

    private Map<String, Object> budgets() {
        CostGuard guard = components.costGuard();
        Map<String, Object> budgets = new LinkedHashMap<>();
        if (guard == null) {
            return budgets;
        }
        budgets.put("organization", budget(guard.organizationSnapshot()));
        Map<String, Object> agents = new LinkedHashMap<>();
        for (String agent : guard.agents()) {
            agents.put(agent, budget(guard.snapshot(agent)));
        }
        budgets.put("agents", agents);
        return budgets;
    }

    private static Map<String, Object> budget(BudgetSnapshot snapshot) {
        Map<String, Object> b = new LinkedHashMap<>();
        b.put("spentUsd", snapshot.spentUsd());
        b.put("heldUsd", snapshot.heldUsd());
        b.put("limitUsd", snapshot.limitUsd());
        b.put("utilisation", snapshot.utilisation());
        b.put("state", snapshot.state().name());
        b.put("periodEnd", String.valueOf(snapshot.periodEnd()));
        return b;
    }

    private static Map<String, Object> breakers(CircuitBreakerRegistry registry) {
        Map<String, Object> breakers = new LinkedHashMap<>();
        if (registry == null) {
            return breakers;
        }
        for (CircuitBreaker breaker : registry.all()) {
            BreakerSnapshot s = breaker.snapshot();
            Map<String, Object> b = new LinkedHashMap<>();
            b.put("state", s.state().name());
            b.put("failureCount", s.failureCount());
            b.put("failureRate", s.failureRate());
            b.put("retryAfter", s.retryAfter() == null ? null : s.retryAfter().toString());
            breakers.put(breaker.agentId(), b);
        }
        return breakers;
    }
}
