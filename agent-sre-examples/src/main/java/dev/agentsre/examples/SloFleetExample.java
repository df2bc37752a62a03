package dev.agentsre.examples;

import dev.agentsre.event.BurnRateAlertFired;
import dev.agentsre.event.BurnRateAlertResolved;
import dev.agentsre.event.SloStatusChanged;
import dev.agentsre.event.SreEventBus;
import dev.agentsre.slo.BudgetEvents;
import dev.agentsre.slo.ErrorBudget;
import dev.agentsre.slo.ExhaustionAction;
import dev.agentsre.slo.Refusal;
import dev.agentsre.slo.Slis;
import dev.agentsre.slo.Slo;
import dev.agentsre.slo.SloEvaluator;
import dev.agentsre.slo.SloStatus;
import dev.agentsre.slo.SloTemplate;
import dev.agentsre.testing.ManualClock;
import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * SLOs for a fleet whose agents come and go: two templates ("reliability" 99.5% over a day with
 * THROTTLE, "availability" 99.9% of offered tasks served) applied to every agent on its first task,
 * and an {@link SloEvaluator} that evaluates them every simulated minute, also while nothing
 * happens. Six hours of traffic on a virtual clock:
 * <ul>
 *   <li>{@code fresh-agent} starts an hour in, 3 of its first 100 tasks fail: not throttled (the
 *       allowance is projected until its window is full);</li>
 *   <li>{@code flaky-agent} fails 10% of its tasks throughout: throttled after about 1.2 hours;</li>
 *   <li>{@code tripped-agent} has 30% of its tasks refused by an open circuit: its availability is
 *       exhausted while its success rate is perfect;</li>
 *   <li>{@code capped-agent} has 30% refused by its cost budget: the operator's decision, not
 *       unavailability;</li>
 *   <li>{@code bursty-agent} fails every task for five minutes, then the fleet goes quiet for an
 *       hour: its page resolves with no traffic, from the evaluator alone.</li>
 * </ul>
 */
public final class SloFleetExample {

    private static final Instant START = Instant.parse("2026-11-02T06:00:00Z");

    private final PrintStream out;

    SloFleetExample(PrintStream out) {
        this.out = out;
    }

    /** Entry point: prints the alerts and status changes as they happen, then a summary. */
    public static void main(String[] args) {
        new SloFleetExample(System.out).run();
    }

    /** What the run ended with, per agent: the status of its reliability and availability SLOs. */
    record Result(Map<String, SloStatus> reliability, Map<String, SloStatus> availability, int alertsFired, int alertsResolved,
                  boolean freshAgentEverThrottled) {
    }

    Result run() {
        ManualClock clock = ManualClock.at(START);
        SreEventBus bus = new SreEventBus();
        int[] alerts = new int[2];
        boolean[] freshThrottled = {false};
        bus.subscribe(BurnRateAlertFired.class, e -> {
            alerts[0]++;
            out.printf("%s  %-14s %-12s %-12s fired    (%.1fx)%n", clock.instant(), e.agentId(), e.sloName(), e.alert().name(), e.longWindowRate());
        });
        bus.subscribe(BurnRateAlertResolved.class, e -> {
            alerts[1]++;
            out.printf("%s  %-14s %-12s %-12s resolved%n", clock.instant(), e.agentId(), e.sloName(), e.alert().name());
        });
        bus.subscribe(SloStatusChanged.class, e -> {
            out.printf("%s  %-14s %-12s %s -> %s%n", clock.instant(), e.agentId(), e.sloName(), e.previous(), e.current());
            if (e.exhausted() && "fresh-agent".equals(e.agentId())) {
                freshThrottled[0] = true;
            }
        });

        SloTemplate reliability = SloTemplate.builder("reliability")
                .indicator(() -> Slis.taskSuccessRate().target(0.995).window("24h").clock(clock).build())
                .errorBudget(() -> ErrorBudget.builder().target(0.995).window("24h").exhaustionAction(ExhaustionAction.THROTTLE)
                        .clock(clock).build())
                .options(slo -> slo.evaluationInterval(Duration.ofSeconds(30)))
                .eventBus(bus).clock(clock).build();
        SloTemplate availability = SloTemplate.builder("availability")
                .indicator(() -> Slis.availability().window("24h").clock(clock).build())
                .errorBudget(() -> ErrorBudget.builder().target(0.999).window("24h").clock(clock).build())
                .options(slo -> slo.budgetEvents(BudgetEvents.AVAILABILITY).evaluationInterval(Duration.ofSeconds(30)))
                .eventBus(bus).clock(clock).build();
        SloEvaluator evaluator = SloEvaluator.builder().template(reliability).template(availability).build();

        long freshFailures = 0;
        for (int second = 0; second < 6 * 3_600; second++) {
            boolean quiet = second >= 4 * 3_600 + 300 && second < 5 * 3_600 + 300; // an hour with no traffic at all
            if (!quiet) {
                task(reliability, availability, "steady-agent", true, null);
                task(reliability, availability, "flaky-agent", second % 10 != 0, null);
                task(reliability, availability, "tripped-agent", true, second % 10 < 3 ? Refusal.CIRCUIT_OPEN : null);
                task(reliability, availability, "capped-agent", true, second % 10 < 3 ? Refusal.BUDGET_EXCEEDED : null);
                boolean burst = second >= 4 * 3_600 && second < 4 * 3_600 + 300;
                task(reliability, availability, "bursty-agent", !burst, null);
                if (second >= 3_600 && second % 3 == 0) { // from the second hour on; 3 of its first 100 tasks fail
                    boolean fails = freshFailures < 3 && second < 3_600 + 300 && second % 99 == 0;
                    freshFailures += fails ? 1 : 0;
                    task(reliability, availability, "fresh-agent", !fails, null);
                }
            }
            clock.advance(Duration.ofSeconds(1));
            if (second % 60 == 59) {
                evaluator.evaluateAll(); // what start() does on a schedule; here, on the virtual clock
            }
        }

        Map<String, SloStatus> reliabilityStatus = new LinkedHashMap<>();
        Map<String, SloStatus> availabilityStatus = new LinkedHashMap<>();
        for (Slo slo : reliability.instances()) {
            reliabilityStatus.put(slo.agentId(), slo.status());
        }
        for (Slo slo : availability.instances()) {
            availabilityStatus.put(slo.agentId(), slo.status());
        }
        out.println();
        out.printf("%-14s %-12s %-12s%n", "agent", "reliability", "availability");
        reliabilityStatus.keySet().stream().sorted().forEach(agent -> out.printf("%-14s %-12s %-12s%n", agent,
                reliabilityStatus.get(agent), availabilityStatus.get(agent)));
        return new Result(reliabilityStatus, availabilityStatus, alerts[0], alerts[1], freshThrottled[0]);
    }

    /** One task offered to {@code agent}: refused at the door for {@code refusal}, or served. */
    private static void task(SloTemplate reliability, SloTemplate availability, String agent, boolean succeeds, Refusal refusal) {
        if (refusal != null) {
            reliability.forAgent(agent).recordRefused(refusal);
            availability.forAgent(agent).recordRefused(refusal);
        } else {
            reliability.forAgent(agent).recordServed(succeeds);
            availability.forAgent(agent).recordServed(succeeds);
        }
    }
}
