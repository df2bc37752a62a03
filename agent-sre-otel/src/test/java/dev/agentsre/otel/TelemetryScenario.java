package dev.agentsre.otel;

import dev.agentsre.alert.Alert;
import dev.agentsre.alert.AlertManager;
import dev.agentsre.alert.InhibitRule;
import dev.agentsre.alert.Receiver;
import dev.agentsre.alert.Route;
import dev.agentsre.alert.Severity;
import dev.agentsre.alert.Silence;
import dev.agentsre.anomaly.RogueAgentDetector;
import dev.agentsre.anomaly.RogueDetectorConfig;
import dev.agentsre.breaker.CircuitBreakerConfig;
import dev.agentsre.breaker.CircuitBreakerRegistry;
import dev.agentsre.chaos.ChaosExperiment;
import dev.agentsre.chaos.Fault;
import dev.agentsre.chaos.ResilienceScore;
import dev.agentsre.cost.CostGuard;
import dev.agentsre.cost.PriceTable;
import dev.agentsre.cost.TokenUsage;
import dev.agentsre.event.SreEventBus;
import dev.agentsre.slo.AggregateSli;
import dev.agentsre.slo.ErrorBudget;
import dev.agentsre.slo.Slis;
import dev.agentsre.slo.Slo;
import dev.agentsre.testing.ManualClock;
import java.time.Duration;
import java.util.Set;

/**
 * The scripted scenario both exporters are tested on: an exhausted SLO, a tripped and a windowed
 * breaker, a tenant's agent killed by a priced model call, a denied tool, a chaos drill.
 */
final class TelemetryScenario {

    final SreEventBus bus;
    final ManualClock clock;
    Slo slo;
    CircuitBreakerRegistry breakers;
    CostGuard guard;
    RogueAgentDetector detector;
    ChaosExperiment experiment;
    AlertManager alerts;
    dev.agentsre.testing.ManualScheduler alertScheduler;

    TelemetryScenario(SreEventBus bus, ManualClock clock) {
        this.bus = bus;
        this.clock = clock;
    }

    /** Builds the components; call {@link #run()} once listeners are bound. */
    TelemetryScenario build() {
        AggregateSli success = Slis.taskSuccessRate().target(0.99).clock(clock).build();
        slo = Slo.builder("reliability").agentId("researcher").indicator(success)
                .errorBudget(ErrorBudget.builder().target(0.99).projectAllowance(false).clock(clock).build())
                .eventBus(bus).evaluationInterval(Duration.ZERO).build();
        breakers = CircuitBreakerRegistry.builder()
                .defaultConfig(CircuitBreakerConfig.builder().failureThreshold(2).clock(clock).build())
                .config("windowed", CircuitBreakerConfig.builder().failureRateThreshold(50).countBasedWindow(10).minimumCalls(5)
                        .clock(clock).build())
                .eventBus(bus).build();
        guard = CostGuard.builder().clock(clock).eventBus(bus).perAgentDailyLimit(5.00).tenantOf(a -> "acme")
                .priceTable(PriceTable.defaults()).build();
        detector = new RogueAgentDetector(RogueDetectorConfig.builder().deniedTools(Set.of("shell_exec")).clock(clock).build(), bus);
        experiment = ChaosExperiment.builder("drill").fault(Fault.errorInjection("search", "boom", 1.0).everyNth(2))
                .clock(clock).eventBus(bus).build();
        alertScheduler = new dev.agentsre.testing.ManualScheduler(clock);
        alerts = AlertManager.builder().route(Route.root("ops").groupBy("agent_id").groupWait(Duration.ZERO))
                .receiver(Receiver.callback("ops", n -> { }))
                .inhibit(InhibitRule.source("severity", "critical").target("severity", "warning").equal("agent_id"))
                .clock(clock).scheduler(alertScheduler).eventBus(bus).build();
        return this;
    }

    /** The day's script. */
    void run() {
        AggregateSli success = (AggregateSli) slo.indicator("task_success_rate");
        for (int i = 0; i < 100; i++) {                 // 100 tasks, 10 failed, on a 99% target: exhausted
            boolean ok = i % 10 != 0;
            slo.recordEvent(ok);
            success.record(ok);
        }
        breakers.get("reader", "windowed").recordSuccess();
        breakers.get("writer").recordFailure();        // "writer" trips after 2 failures and rejects once
        breakers.get("writer").recordFailure();
        breakers.get("writer").tryAcquirePermission();
        guard.recordCost("researcher", "t1", 3.00);     // $3, then a $2 gpt-4o call kills the $5 day
        guard.recordUsage("researcher", "t2", "gpt-4o", TokenUsage.of(800_000, 0));
        detector.recordAction("researcher", "run", "shell_exec", clock.instant());
        experiment.start();                             // every 2nd of 6 calls fails
        for (int i = 0; i < 6; i++) {
            try {
                experiment.injector().wrap("search", () -> "ok").call();
            } catch (Exception expected) {
                // injected
            }
        }
        experiment.complete(ResilienceScore.of(1.0, 0.5));
        alerts.silence(Silence.matching("agent_id", "lab").until(clock.instant().plus(Duration.ofHours(1))).by("ops").comment("testing"));
        alerts.fire(Alert.builder("Down").label("agent_id", "writer").severity(Severity.CRITICAL).build());   // firing, delivered
        alerts.fire(Alert.builder("Slow").label("agent_id", "writer").severity(Severity.WARNING).build());   // inhibited by Down
        alerts.fire(Alert.builder("Noisy").label("agent_id", "lab").severity(Severity.WARNING).build());     // silenced
        alertScheduler.runDue();
        // the pipeline, a rollout and the incident manager speak through their events
        bus.publish(new dev.agentsre.event.TaskRefused(clock.instant(), "researcher", "t3", "quarantined", "quarantined", Duration.ZERO));
        bus.publish(new dev.agentsre.event.RolloutStateChanged(clock.instant(), "writer", "writer-v2", dev.agentsre.delivery.RolloutState.PENDING,
                dev.agentsre.delivery.RolloutState.CANARY, 1, 0.10, null, "step 1"));
        bus.publish(new dev.agentsre.event.RolloutRolledBack(clock.instant(), "writer", "writer-v2", dev.agentsre.delivery.RolloutState.CANARY,
                1, 0.10, new dev.agentsre.delivery.Evidence(dev.agentsre.delivery.Evidence.GATE, "error_rate", "error rate 9%",
                        java.util.Map.of("error_rate", 0.09))));
        bus.publish(new dev.agentsre.event.RolloutStateChanged(clock.instant(), "writer", "writer-v2", dev.agentsre.delivery.RolloutState.CANARY,
                dev.agentsre.delivery.RolloutState.ROLLED_BACK, 1, 0.0, null, "gate failed"));
        bus.publish(new dev.agentsre.event.IncidentOpened(clock.instant(), "writer", "INC-1", dev.agentsre.incident.IncidentSeverity.SEV2,
                "writer down", java.util.List.of("writer"), false));
        bus.publish(new dev.agentsre.event.IncidentStateChanged(clock.instant(), "writer", "INC-1", dev.agentsre.incident.IncidentState.DETECTED,
                dev.agentsre.incident.IncidentState.RESOLVED, "ops", "recovered", dev.agentsre.incident.IncidentSeverity.SEV2, "writer down"));
    }
}
