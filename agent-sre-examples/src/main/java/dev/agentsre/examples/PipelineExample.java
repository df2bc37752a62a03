package dev.agentsre.examples;

import dev.agentsre.AgentSre;
import dev.agentsre.TaskRefusedException;
import dev.agentsre.anomaly.RogueAgentDetector;
import dev.agentsre.anomaly.RogueDetectorConfig;
import dev.agentsre.breaker.CircuitBreakerConfig;
import dev.agentsre.breaker.CircuitBreakerRegistry;
import dev.agentsre.cost.CostGuard;
import dev.agentsre.cost.PriceTable;
import dev.agentsre.cost.TokenUsage;
import dev.agentsre.event.ExhaustionActionTaken;
import dev.agentsre.event.SreEventBus;
import dev.agentsre.slo.ErrorBudget;
import dev.agentsre.slo.ExhaustionAction;
import dev.agentsre.slo.Slis;
import dev.agentsre.slo.Slo;
import dev.agentsre.testing.ManualClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The production pipeline: one {@link AgentSre} composes an SLO, breakers, a cost guard and a rogue
 * detector around every task. A bad hour exhausts the SLO's error budget; its exhaustion action
 * (THROTTLE) slows the agent down until the budget recovers.
 */
public final class PipelineExample {

    private PipelineExample() {
    }

    /** What happened: tasks that ran, refusals by reason, and the exhaustion actions taken. */
    public record Outcome(int succeeded, int failed, Map<String, Integer> refused, List<String> actions) {
    }

    /** Runs the example on {@code clock}. */
    public static Outcome run(ManualClock clock) {
        SreEventBus bus = new SreEventBus();
        List<String> actions = new ArrayList<>();
        bus.subscribe(ExhaustionActionTaken.class, e -> actions.add(e.action() + (e.applied() ? " applied" : " undone")));

        Slo slo = Slo.builder("writer-reliability").agentId("writer")
                .indicator(Slis.taskSuccessRate().clock(clock).build())
                .indicator(Slis.responseLatency().clock(clock).build())
                .errorBudget(ErrorBudget.builder().target(0.95).window(Duration.ofHours(1)).minimumEvents(20)
                        .exhaustionAction(ExhaustionAction.THROTTLE).clock(clock).build())
                .eventBus(bus).clock(clock).build();
        AgentSre sre = AgentSre.builder()
                .clock(clock).eventBus(bus)
                .slo(slo)
                .breakers(CircuitBreakerRegistry.of(CircuitBreakerConfig.builder().failureThreshold(50).clock(clock).build(), bus))
                .costGuard(CostGuard.builder().perTaskLimit(1.00).perAgentDailyLimit(100).priceTable(PriceTable.defaults())
                        .clock(clock).eventBus(bus).build())
                .rogueDetector(new RogueAgentDetector(RogueDetectorConfig.builder().clock(clock).build(), bus))
                .sloThrottleInterval(Duration.ofMinutes(1))
                .build();

        int succeeded = 0;
        int failed = 0;
        Map<String, Integer> refused = new TreeMap<>();
        for (int i = 0; i < 360; i++) { // one task every 30 s for three hours; the first hour goes badly
            boolean badHour = i >= 40 && i < 120;
            try {
                sre.agent("writer").task("t-" + i).estimatedCost(0.05).call(ctx -> {
                    String notes = ctx.tool("search", Map.of("q", "topic " + ctx.taskId()), () -> "notes");
                    return ctx.llm("gpt-4o-mini", notes, () -> write(badHour, notes), draft -> TokenUsage.of(3_000, 800));
                });
                succeeded++;
            } catch (TaskRefusedException e) {
                refused.merge(e.reason(), 1, Integer::sum);
            } catch (Exception e) {
                failed++;
            }
            clock.advance(Duration.ofSeconds(30));
            slo.evaluate();
        }
        return new Outcome(succeeded, failed, refused, actions);
    }

    private static String write(boolean badHour, String notes) {
        if (badHour) {
            throw new IllegalStateException("the model keeps returning an empty draft");
        }
        return "a draft from " + notes;
    }

    /** Prints the outcome. */
    public static void main(String[] args) {
        Outcome o = run(ManualClock.at(Instant.parse("2026-11-02T09:00:00Z")));
        System.out.printf("succeeded %d, failed %d, refused %s, exhaustion actions %s%n", o.succeeded(), o.failed(), o.refused(),
                o.actions());
    }
}
