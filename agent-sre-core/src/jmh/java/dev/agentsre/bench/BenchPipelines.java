package dev.agentsre.bench;

import dev.agentsre.AgentSre;
import dev.agentsre.anomaly.RogueAgentDetector;
import dev.agentsre.anomaly.RogueDetectorConfig;
import dev.agentsre.breaker.CircuitBreakerConfig;
import dev.agentsre.breaker.CircuitBreakerRegistry;
import dev.agentsre.chaos.ChaosExperiment;
import dev.agentsre.chaos.Fault;
import dev.agentsre.cost.CostGuard;
import dev.agentsre.event.SreEventBus;
import dev.agentsre.event.TaskRefused;
import dev.agentsre.slo.ErrorBudget;
import dev.agentsre.slo.ExhaustionAction;
import dev.agentsre.slo.Slis;
import dev.agentsre.slo.Slo;
import java.util.concurrent.atomic.AtomicLong;

/** The pipeline the pipeline benchmarks measure: every in-memory component, on one bus. */
final class BenchPipelines {

    private BenchPipelines() {
    }

    /**
     * A fleet SLO with a success-rate and a p95-latency indicator, a breaker per agent, a cost guard
     * (per-task, agent-daily and organisation-monthly budgets, auto-throttle, anomaly detection), a
     * rogue detector and a chaos experiment on {@code chaosTarget}, configured but idle. Refusals are
     * counted into {@code refused}.
     */
    static AgentSre.Builder everyComponent(SreEventBus bus, String chaosTarget, AtomicLong refused) {
        bus.subscribe(TaskRefused.class, e -> refused.incrementAndGet());
        Slo slo = Slo.builder("fleet-reliability")
                .indicator(Slis.taskSuccessRate().build())
                .indicator(Slis.responseLatency().build())
                .errorBudget(ErrorBudget.builder().total(0.01).exhaustionAction(ExhaustionAction.THROTTLE).build())
                .eventBus(bus).build();
        return AgentSre.builder()
                .eventBus(bus)
                .slo(slo)
                .breakers(CircuitBreakerRegistry.of(CircuitBreakerConfig.builder().failureThreshold(5).build(), bus))
                .costGuard(CostGuard.builder().perTaskLimit(1_000).perAgentDailyLimit(1e9).orgMonthlyBudget(9e9)
                        .autoThrottle(true).anomalyDetection(true).eventBus(bus).build())
                .rogueDetector(new RogueAgentDetector(RogueDetectorConfig.builder().build(), bus))
                .chaos(ChaosExperiment.builder("idle").fault(Fault.errorInjection(chaosTarget, "timeout", 0.5)).eventBus(bus).build());
    }

    /** Fails the run if anything was refused: then not every measured call took the full path. */
    static void failIfRefused(AtomicLong refused) {
        if (refused.get() > 0) {
            throw new IllegalStateException(refused.get() + " tasks or calls were refused; the benchmark did not measure the full path");
        }
    }
}
