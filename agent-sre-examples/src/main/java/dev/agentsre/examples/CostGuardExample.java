package dev.agentsre.examples;

import dev.agentsre.cost.BudgetAction;
import dev.agentsre.cost.CostAlert;
import dev.agentsre.cost.CostDecision;
import dev.agentsre.cost.CostGuard;
import dev.agentsre.cost.CostReservation;
import dev.agentsre.cost.PriceTable;
import dev.agentsre.cost.TokenUsage;
import dev.agentsre.event.BudgetStateChanged;
import dev.agentsre.event.SreEventBus;
import dev.agentsre.testing.ManualClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * A research agent that falls into a tool loop on a virtual clock: every loop iteration is a
 * priced model call, reserved before and committed after. The guard alerts at 50/75%, throttles at
 * 85%, flags the spend velocity as a likely runaway loop, and kills the agent at 95% of its $20 day;
 * an operator revives it; the next day starts clean.
 */
public final class CostGuardExample {

    private CostGuardExample() {
    }

    /** What happened, for the test. */
    public record Outcome(List<String> log, int tasksRun, int refusedThrottled, int refusedKilled) {
    }

    /** Runs the scenario on {@code clock}. */
    public static Outcome run(ManualClock clock) {
        SreEventBus bus = new SreEventBus();
        List<String> log = new ArrayList<>();
        bus.subscribe(BudgetStateChanged.class, e -> log.add(e.timestamp() + " " + e.owner() + " " + e.from() + " -> " + e.to()
                + " (" + e.reason() + ")"));

        CostGuard guard = CostGuard.builder()
                .perTaskLimit(2.00)
                .perAgentDailyLimit(20.00)
                .orgMonthlyBudget(5_000.00)
                .autoThrottle(true)
                .throttledTasksPerMinute(2)
                .killSwitchThreshold(0.95)
                .anomalyDetection(true)
                .priceTable(PriceTable.defaults())
                .clock(clock)
                .eventBus(bus)
                .build();

        int run = 0;
        int throttled = 0;
        int killed = 0;
        // A normal morning: one research task every two minutes, ~2,000 input and 500 output tokens.
        for (int i = 0; i < 30; i++) {
            run += runTask(guard, "research-agent", "task-" + i, TokenUsage.of(2_000, 500), log) ? 1 : 0;
            clock.advance(Duration.ofMinutes(2));
        }
        // The loop: the agent re-reads a 60K-token document every 5 seconds.
        for (int i = 0; i < 400; i++) {
            CostDecision decision = guard.checkTask("research-agent", 0.20);
            if (decision.allowed()) {
                run++;
                guard.recordUsage("research-agent", "loop-" + i, "gpt-4o", TokenUsage.of(60_000, 2_000))
                        .forEach(a -> log.add(describe(a)));
            } else if (decision.action() == BudgetAction.THROTTLE) {
                throttled++;
            } else if (decision.action() == BudgetAction.KILL) {
                killed++;
            }
            clock.advance(Duration.ofSeconds(5));
        }
        guard.revive("research-agent"); // an operator fixed the loop
        log.add("after revive: " + guard.checkTask("research-agent", 0.05).action());
        clock.advance(Duration.ofDays(1));
        log.add("next day: spent " + guard.snapshot("research-agent").spentUsd() + ", state " + guard.state("research-agent"));
        return new Outcome(log, run, throttled, killed);
    }

    private static boolean runTask(CostGuard guard, String agent, String task, TokenUsage usage, List<String> log) {
        try (CostReservation reservation = guard.reserve(agent, task, 0.05)) {
            if (!reservation.isGranted()) {
                log.add("refused " + task + ": " + reservation.decision().reason());
                return false;
            }
            // ... the model call happens here ...
            reservation.commit(guard.priceTable().cost("gpt-4o", usage)).forEach(a -> log.add(describe(a)));
            return true;
        }
    }

    private static String describe(CostAlert alert) {
        return alert.timestamp() + " " + alert.action() + ": " + alert.message();
    }

    /** Prints the scenario. */
    public static void main(String[] args) {
        Outcome outcome = run(ManualClock.at(Instant.parse("2026-11-02T08:00:00Z")));
        outcome.log().forEach(System.out::println);
        System.out.printf("tasks run %d, refused while throttled %d, refused by the kill switch %d%n",
                outcome.tasksRun(), outcome.refusedThrottled(), outcome.refusedKilled());
    }
}
