package dev.agentsre.otel;

import static org.assertj.core.api.Assertions.assertThat;

import dev.agentsre.breaker.CircuitBreakerConfig;
import dev.agentsre.breaker.CircuitBreakerRegistry;
import dev.agentsre.cost.CostGuard;
import dev.agentsre.event.SreEventBus;
import dev.agentsre.slo.ErrorBudget;
import dev.agentsre.slo.Slo;
import dev.agentsre.testing.ManualClock;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class AgentSreMeterBinderTest {

    private final ManualClock clock = ManualClock.at(Instant.parse("2026-09-01T10:00:00Z"));

    @Test
    void theSameSignalsUnderTheSameNamesInMicrometer() {
        SreEventBus bus = new SreEventBus();
        Slo slo = Slo.builder("reliability").agentId("researcher").errorBudget(ErrorBudget.builder().target(0.99).projectAllowance(false).clock(clock).build())
                .eventBus(bus).build();
        slo.errorBudget().recordEvents(98, 2);
        slo.evaluate();
        CircuitBreakerRegistry breakers = CircuitBreakerRegistry.of(CircuitBreakerConfig.builder().failureThreshold(1).clock(clock).build(), bus);
        CostGuard guard = CostGuard.builder().clock(clock).eventBus(bus).perAgentDailyLimit(10).build();
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        AgentSreMeterBinder binder = new AgentSreMeterBinder(SreComponents.builder().bus(bus).slo(slo).breakers(breakers).costGuard(guard)
                .build());
        binder.bindTo(registry);

        breakers.get("writer").recordFailure();   // an event after binding, and a new series
        guard.recordCost("researcher", "t1", 2.50);
        binder.refresh();

        assertThat(registry.get("agentsre.slo.status").tags("slo.name", "reliability").gauge().value()).isEqualTo(4);
        assertThat(registry.get("agentsre.slo.error_budget.remaining").gauge().value()).isZero();
        assertThat(registry.get("agentsre.slo.events").tags("outcome", "bad").functionCounter().count()).isEqualTo(2);
        assertThat(registry.get("agentsre.breaker.state").tags("agent.id", "writer", "state", "open").gauge().value()).isEqualTo(1);
        assertThat(registry.get("agentsre.breaker.transitions").tags("agent.id", "writer", "to", "open").counter().count()).isEqualTo(1);
        assertThat(registry.get("agentsre.cost.spend").tags("agent.id", "researcher").counter().count()).isEqualTo(2.5);
        assertThat(registry.get("agentsre.cost.budget.utilisation").tags("budget.owner", "researcher").gauge().value()).isEqualTo(0.25);
        assertThat(registry.get("agentsre.cost.spend").counter().getId().getBaseUnit()).isEqualTo("USD");
    }

    @Test
    void everyInstrumentOfTheTableIsThereAfterTheScriptedScenario() {
        SreEventBus bus = new SreEventBus();
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        TelemetryScenario scenario = new TelemetryScenario(bus, clock).build();
        AgentSreMeterBinder binder = new AgentSreMeterBinder(SreComponents.builder().bus(bus).slo(scenario.slo).breakers(scenario.breakers)
                .costGuard(scenario.guard).rogueDetector(scenario.detector).experiment(scenario.experiment).alertManager(scenario.alerts)
                .build());
        binder.bindTo(registry);
        scenario.run();
        binder.refresh();
        java.util.Set<String> names = registry.getMeters().stream().map(meter -> meter.getId().getName()).collect(java.util.stream.Collectors.toSet());
        assertThat(names).containsAll(TelemetryNames.ALL.stream().map(InstrumentSpec::name).collect(java.util.stream.Collectors.toList()));
        assertThat(registry.get("agentsre.rogue.risk_level").tags("agent.id", "researcher").gauge().value()).isEqualTo(2);
        assertThat(registry.get("agentsre.chaos.faults_injected").tags("chaos.target", "search").counter().count()).isEqualTo(3);
        assertThat(registry.get("agentsre.chaos.resilience_score").gauge().value()).isEqualTo(50.0);
        assertThat(registry.get("agentsre.cost.budget.state").tags("budget.owner", "researcher", "state", "killed").gauge().value()).isEqualTo(1);
        assertThat(registry.get("agentsre.alert.alerts").tags("state", "silenced").gauge().value()).isEqualTo(1);
        assertThat(registry.get("agentsre.alert.notifications").tags("alert.receiver", "ops", "outcome", "delivered").functionCounter().count())
                .isEqualTo(1);
    }
}
