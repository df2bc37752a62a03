package dev.agentsre.examples;

import dev.agentsre.AgentSre;
import dev.agentsre.TaskRefusedException;
import dev.agentsre.breaker.CircuitBreakerConfig;
import dev.agentsre.breaker.CircuitBreakerRegistry;
import dev.agentsre.event.CircuitStateChanged;
import dev.agentsre.event.ExhaustionActionTaken;
import dev.agentsre.event.SloStatusChanged;
import dev.agentsre.event.SreEventBus;
import dev.agentsre.slo.BudgetEvents;
import dev.agentsre.slo.ErrorBudget;
import dev.agentsre.slo.ExhaustionAction;
import dev.agentsre.slo.Slis;
import dev.agentsre.slo.SloStatus;
import dev.agentsre.slo.SloTemplate;
import dev.agentsre.testing.ManualClock;
import dev.agentsre.testing.ManualScheduler;
import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * SLO templates in the pipeline, and a CIRCUIT_BREAK that recovers by itself. Every agent gets two
 * SLOs from two templates on its first task — "reliability" (99% of tasks succeed over an hour,
 * CIRCUIT_BREAK) and "availability" (99.9% of offered tasks served) — and {@link AgentSre} feeds them
 * from every task and every refusal at the door, and evaluates them every 10 seconds on its
 * scheduler. Two hours of one task a second per agent, then a quiet quarter of an hour, on a virtual
 * clock:
 * <ul>
 *   <li>{@code degraded} fails half its tasks from minute 30 to minute 40: its reliability budget is
 *       exhausted and its breaker <em>tripped</em> — OPEN for a minute, then probe tasks. The probes
 *       fail while it is degraded and succeed after: it serves normally again a minute after it
 *       healed, long before its budget recovers. Its refusals are the SLO's own action: not
 *       unavailability.</li>
 *   <li>{@code crashing} fails every task for two minutes at minute 60: its own breaker opens, and
 *       those refusals are unavailability: its availability objective is exhausted — and recovers
 *       in the quiet quarter of an hour, noticed by the pipeline's evaluator alone.</li>
 *   <li>{@code steady} never fails.</li>
 * </ul>
 */
public final class SloPipelineExample {

    private static final Instant START = Instant.parse("2026-11-02T08:00:00Z");

    private final PrintStream out;

    SloPipelineExample(PrintStream out) {
        this.out = out;
    }

    /** Entry point: prints the SLO, action and breaker events as they happen, then a summary. */
    public static void main(String[] args) {
        new SloPipelineExample(System.out).run();
    }

    /**
     * What the run ended with.
     *
     * @param reliability each agent's reliability SLO status
     * @param availability each agent's availability SLO status
     * @param refusals refused tasks per agent
     * @param degradedHealedAt when {@code degraded} stopped failing
     * @param degradedServingAgainAt when its first task after healing was served (a successful probe)
     * @param degradedRefusedAfterThat its tasks refused after that
     * @param trafficStoppedAt when the last task ran
     * @param crashingAvailableAgainAt when the availability SLO of {@code crashing} recovered
     * @param actions the exhaustion actions taken, in order ("agent SLO ACTION applied|undone")
     */
    record Result(Map<String, SloStatus> reliability, Map<String, SloStatus> availability, Map<String, Integer> refusals,
                  Instant degradedHealedAt, Instant degradedServingAgainAt, int degradedRefusedAfterThat, Instant trafficStoppedAt,
                  Instant crashingAvailableAgainAt, List<String> actions) {
    }

    Result run() {
        ManualClock clock = ManualClock.at(START);
        ManualScheduler scheduler = new ManualScheduler(clock); // virtual time: the pipeline's evaluator runs as it advances
        SreEventBus bus = new SreEventBus();
        List<String> actions = new java.util.ArrayList<>();
        Instant[] availableAgain = {null};
        bus.subscribe(SloStatusChanged.class, e -> {
            out.printf("%s  %-9s %-12s %s -> %s%n", clock.instant(), e.agentId(), e.sloName(), e.previous(), e.current());
            if (e.recovered() && "crashing".equals(e.agentId()) && "availability".equals(e.sloName())) {
                availableAgain[0] = clock.instant();
            }
        });
        bus.subscribe(ExhaustionActionTaken.class, e -> {
            actions.add(e.agentId() + " " + e.sloName() + " " + e.action() + (e.applied() ? " applied" : " undone"));
            out.printf("%s  %-9s %-12s %s %s%n", clock.instant(), e.agentId(), e.sloName(), e.action(), e.applied() ? "applied" : "undone");
        });
        bus.subscribe(CircuitStateChanged.class, e -> out.printf("%s  %-9s breaker      %s -> %s (%s)%n", clock.instant(), e.agentId(),
                e.from(), e.to(), e.reason()));

        SloTemplate reliability = SloTemplate.builder("reliability")
                .indicator(() -> Slis.taskSuccessRate().target(0.99).window("1h").clock(clock).build())
                .errorBudget(() -> ErrorBudget.builder().target(0.99).window("1h").exhaustionAction(ExhaustionAction.CIRCUIT_BREAK)
                        .clock(clock).build())
                .eventBus(bus).clock(clock).build();
        SloTemplate availability = SloTemplate.builder("availability")
                .indicator(() -> Slis.availability().window("1h").clock(clock).build())
                .errorBudget(() -> ErrorBudget.builder().target(0.999).window("1h").clock(clock).build())
                .options(slo -> slo.budgetEvents(BudgetEvents.AVAILABILITY))
                .eventBus(bus).clock(clock).build();
        CircuitBreakerRegistry breakers = CircuitBreakerRegistry.of(CircuitBreakerConfig.builder().failureThreshold(5)
                .recoveryTimeout(Duration.ofMinutes(1)).clock(clock).build(), bus);
        AgentSre sre = AgentSre.builder().clock(clock).eventBus(bus)
                .sloTemplate(reliability).sloTemplate(availability)
                .breakers(breakers)
                .sloEvaluation(Duration.ofSeconds(10), scheduler) // in production: .sloEvaluation(Duration.ofSeconds(10))
                .build();

        Map<String, Integer> refusals = new TreeMap<>();
        Instant healedAt = START.plus(Duration.ofMinutes(40));
        Instant servingAgain = null;
        int refusedAfter = 0;
        for (int second = 0; second < 2 * 3_600; second++) {
            boolean degraded = second >= 30 * 60 && second < 40 * 60 && second % 2 == 0;
            boolean crashing = second >= 60 * 60 && second < 62 * 60;
            task(sre, "steady", false, refusals);
            boolean served = task(sre, "degraded", degraded, refusals);
            task(sre, "crashing", crashing, refusals);
            if (servingAgain == null && served && !clock.instant().isBefore(healedAt)) {
                servingAgain = clock.instant();
            } else if (servingAgain != null && !served) {
                refusedAfter++;
            }
            scheduler.advance(Duration.ofSeconds(1));
        }
        Instant stopped = clock.instant();
        scheduler.advance(Duration.ofMinutes(15)); // no traffic at all: only the evaluator looks at the SLOs

        Map<String, SloStatus> reliabilityStatus = new TreeMap<>();
        Map<String, SloStatus> availabilityStatus = new TreeMap<>();
        reliability.instances().forEach(slo -> reliabilityStatus.put(slo.agentId(), slo.status()));
        availability.instances().forEach(slo -> availabilityStatus.put(slo.agentId(), slo.status()));
        out.println();
        out.printf("%-9s %-12s %-12s %s%n", "agent", "reliability", "availability", "refused");
        reliabilityStatus.keySet().forEach(agent -> out.printf("%-9s %-12s %-12s %d%n", agent, reliabilityStatus.get(agent),
                availabilityStatus.get(agent), refusals.getOrDefault(agent, 0)));
        out.printf("degraded healed at %s and was served again at %s%n", healedAt, servingAgain);
        out.printf("traffic stopped at %s; crashing was available again at %s%n", stopped, availableAgain[0]);
        sre.close();
        return new Result(reliabilityStatus, availabilityStatus, refusals, healedAt, servingAgain, refusedAfter, stopped,
                availableAgain[0], actions);
    }

    /** One task; returns whether it was served (it ran, failing or not). */
    private static boolean task(AgentSre sre, String agent, boolean fails, Map<String, Integer> refusals) {
        try {
            sre.agent(agent).task("t").call(ctx -> {
                if (fails) {
                    throw new IllegalStateException("the model timed out");
                }
                return "done";
            });
            return true;
        } catch (TaskRefusedException refused) {
            refusals.merge(agent, 1, Integer::sum);
            return false;
        } catch (Exception failed) {
            return true;
        }
    }
}
