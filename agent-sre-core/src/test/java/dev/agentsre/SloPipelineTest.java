package dev.agentsre;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.agentsre.anomaly.RiskLevel;
import dev.agentsre.anomaly.RogueAgentDetector;
import dev.agentsre.anomaly.RogueDetectorConfig;
import dev.agentsre.breaker.CircuitBreakerConfig;
import dev.agentsre.breaker.CircuitBreakerRegistry;
import dev.agentsre.breaker.CircuitState;
import dev.agentsre.cost.CostGuard;
import dev.agentsre.event.BurnRateAlertResolved;
import dev.agentsre.event.ExhaustionActionTaken;
import dev.agentsre.event.SreEventBus;
import dev.agentsre.guard.CallGuard;
import dev.agentsre.guard.GuardedTask;
import dev.agentsre.slo.AvailabilitySli;
import dev.agentsre.slo.BurnRateAlert;
import dev.agentsre.slo.BudgetEvents;
import dev.agentsre.slo.ErrorBudget;
import dev.agentsre.slo.ExhaustionAction;
import dev.agentsre.slo.Refusal;
import dev.agentsre.slo.Slis;
import dev.agentsre.slo.Slo;
import dev.agentsre.slo.SloStatus;
import dev.agentsre.slo.SloTemplate;
import dev.agentsre.testing.ManualScheduledExecutor;
import dev.agentsre.testing.ManualClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Issue 15's acceptance through {@link AgentSre} on a test clock: SLOs on real traffic — sparse data,
 * exhaustion actions that recover (CIRCUIT_BREAK by probing), availability beside success, templates
 * for fleets and evaluation with no traffic.
 */
class SloPipelineTest {

    private final ManualClock clock = ManualClock.at(Instant.parse("2026-11-02T09:00:00Z"));
    private final SreEventBus bus = new SreEventBus();
    private final List<ExhaustionActionTaken> actions = new ArrayList<>();

    SloPipelineTest() {
        bus.subscribe(ExhaustionActionTaken.class, actions::add);
    }

    private Slo.Builder slo(String name, ErrorBudget.Builder budget) {
        return Slo.builder(name).agentId("a").indicator(Slis.taskSuccessRate().clock(clock).build())
                .errorBudget(budget.clock(clock).build()).eventBus(bus).clock(clock);
    }

    private CircuitBreakerRegistry breakers(int failureThreshold) {
        return CircuitBreakerRegistry.of(CircuitBreakerConfig.builder().failureThreshold(failureThreshold)
                .recoveryTimeout(Duration.ofSeconds(30)).clock(clock).build(), bus);
    }

    /** Runs one task of {@code agent}; returns its refusal, or null when it ran (failing or not). */
    private static TaskRefusedException task(AgentSre sre, String agent, boolean fails) {
        try {
            sre.agent(agent).task("t").call(ctx -> {
                if (fails) {
                    throw new IllegalStateException("the model answered nonsense");
                }
                return "ok";
            });
            return null;
        } catch (TaskRefusedException refused) {
            return refused;
        } catch (Exception failed) {
            return null;
        }
    }

    // ------------------------------------------------------------------ sparse data

    @Test
    void aFreshAgentWithThreeFailuresInItsFirst200TasksIsNotThrottled() {
        Slo slo = slo("reliability", ErrorBudget.builder().target(0.995).window("30d").exhaustionAction(ExhaustionAction.THROTTLE)).build();
        AgentSre sre = AgentSre.builder().clock(clock).eventBus(bus).slo(slo).build();

        int refused = 0;
        for (int i = 0; i < 200; i++) {                   // 200 tasks in the first five minutes
            clock.advance(Duration.ofMillis(1_500));
            if (task(sre, "a", i == 20 || i == 90 || i == 170) != null) {
                refused++;
            }
        }

        assertThat(refused).isZero();
        assertThat(sre.sloThrottled("a")).isFalse();
        assertThat(slo.evaluate()).isNotEqualTo(SloStatus.EXHAUSTED);
        assertThat(slo.errorBudget().lifetimeBadEvents()).isEqualTo(3);
        assertThat(slo.errorBudget().remainingPercent()).isGreaterThan(99.9); // 3 of a projected month's 8,640
        assertThat(actions).isEmpty();
    }

    @Test
    void tenPercentErrorsForSixHoursAtOneTaskASecondThrottleADailyBudget() {
        Slo slo = slo("daily", ErrorBudget.builder().target(0.995).window("24h").exhaustionAction(ExhaustionAction.THROTTLE)).build();
        AgentSre sre = AgentSre.builder().clock(clock).eventBus(bus).slo(slo).build();
        Instant start = clock.instant();

        Instant throttledAt = null;
        for (int s = 0; s < 6 * 3_600; s++) {
            task(sre, "a", s % 10 == 9);
            if (throttledAt == null && sre.sloThrottled("a")) {
                throttledAt = clock.instant();
            }
            clock.advance(Duration.ofSeconds(1));
        }

        assertThat(sre.sloThrottled("a")).isTrue();
        // bad/n = 10% reaches 0.5% / coverage when 5% of the day is covered: after 1.2 hours
        assertThat(Duration.between(start, throttledAt)).isBetween(Duration.ofMinutes(70), Duration.ofMinutes(75));
        assertThat(actions).extracting(ExhaustionActionTaken::applied).containsExactly(true);
    }

    // ------------------------------------------------------------------ CIRCUIT_BREAK recovers by probing

    @Test
    void circuitBreakTripsTheBreakerAndProbesTheAgentBackToNormalServiceWithinTheRecoveryTimeout() {
        AvailabilitySli availability = Slis.availability().clock(clock).build();
        Slo slo = slo("reliability", ErrorBudget.builder().target(0.95).window("24h").projectAllowance(false)
                .exhaustionAction(ExhaustionAction.CIRCUIT_BREAK)).indicator(availability).build();
        CircuitBreakerRegistry fleet = breakers(5); // one failure alone never trips it
        AgentSre sre = AgentSre.builder().clock(clock).eventBus(bus).slo(slo).breakers(fleet).build();

        for (int i = 0; i < 10; i++) {                  // 9 good tasks and 1 bad
            clock.advance(Duration.ofSeconds(1));
            assertThat(task(sre, "a", i == 9)).isNull();
        }
        assertThat(slo.status()).isEqualTo(SloStatus.EXHAUSTED);
        assertThat(fleet.get("a").state()).isEqualTo(CircuitState.OPEN); // tripped with normal probing, not FORCED_OPEN
        Instant exhaustedAt = clock.instant();

        // during the break, retryAfter is exactly when the next probe is admitted
        TaskRefusedException refused = task(sre, "a", false);
        assertThat(refused).isInstanceOf(CircuitOpenRefusedException.class);
        assertThat(refused.retryAfter()).isEqualTo(Duration.ofSeconds(30));
        clock.advance(Duration.ofSeconds(12));
        refused = task(sre, "a", false);
        assertThat(refused.retryAfter()).isEqualTo(Duration.ofSeconds(18));
        clock.advance(refused.retryAfter().minusMillis(1));
        assertThat(task(sre, "a", false)).isInstanceOf(CircuitOpenRefusedException.class);
        clock.advance(Duration.ofMillis(1));
        assertThat(task(sre, "a", false)).isNull();                  // the probe is admitted and succeeds
        assertThat(fleet.get("a").state()).isEqualTo(CircuitState.CLOSED);
        assertThat(Duration.between(exhaustedAt, clock.instant())).isEqualTo(fleet.get("a").config().recoveryTimeout());

        // the agent serves normally again while the (24-hour) budget is still exhausted
        for (int i = 0; i < 5; i++) {
            assertThat(task(sre, "a", false)).isNull();
        }
        assertThat(slo.errorBudget().lifetimeEvents()).isEqualTo(16); // the probe and the tasks after it were counted
        assertThat(slo.evaluate()).isEqualTo(SloStatus.EXHAUSTED);   // 1 bad of 16 at a 5% budget: still over
        // the refusals during the break were the SLO's own action: not unavailability
        assertThat(availability.unavailable()).isZero();
        assertThat(availability.offered()).isEqualTo(16);

        // a failure while still exhausted trips the breaker again
        assertThat(task(sre, "a", true)).isNull();
        assertThat(fleet.get("a").state()).isEqualTo(CircuitState.OPEN);
        assertThat(task(sre, "a", false)).isInstanceOf(CircuitOpenRefusedException.class)
                .satisfies(e -> assertThat(e.retryAfter()).isEqualTo(Duration.ofSeconds(30)));
        assertThat(actions).extracting(ExhaustionActionTaken::action, ExhaustionActionTaken::applied)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(ExhaustionAction.CIRCUIT_BREAK, true));
    }

    @Test
    void aFailedProbeKeepsTheCircuitOpenAndTheBudgetCountsIt() {
        Slo slo = slo("reliability", ErrorBudget.builder().target(0.95).window("24h").projectAllowance(false)
                .exhaustionAction(ExhaustionAction.CIRCUIT_BREAK)).build();
        CircuitBreakerRegistry fleet = breakers(5);
        AgentSre sre = AgentSre.builder().clock(clock).eventBus(bus).slo(slo).breakers(fleet).build();
        for (int i = 0; i < 10; i++) {
            clock.advance(Duration.ofSeconds(1));
            task(sre, "a", i == 9);
        }
        clock.advance(Duration.ofSeconds(30));

        assertThat(task(sre, "a", true)).isNull(); // the probe ran and failed
        assertThat(fleet.get("a").state()).isEqualTo(CircuitState.OPEN);
        assertThat(slo.errorBudget().lifetimeBadEvents()).isEqualTo(2);
        clock.advance(Duration.ofSeconds(30));
        assertThat(task(sre, "a", false)).isNull(); // the next probe
        assertThat(fleet.get("a").state()).isEqualTo(CircuitState.CLOSED);
    }

    @Test
    void whileCircuitBreakIsInForceOnlyATaskThatRanAndFailedTripsTheBreakerAgain() throws Exception {
        Slo slo = slo("reliability", ErrorBudget.builder().target(0.95).window("24h").projectAllowance(false)
                .exhaustionAction(ExhaustionAction.CIRCUIT_BREAK)).build();
        CircuitBreakerRegistry fleet = breakers(5);
        CallGuard noShell = new CallGuard() {
            @Override
            public void beforeCall(dev.agentsre.guard.GuardedCall call) {
                if (call.target().equals("shell")) {
                    throw call.refuse("policy", "no shell");
                }
            }
        };
        AgentSre sre = AgentSre.builder().clock(clock).eventBus(bus).slo(slo).breakers(fleet).guard(noShell).build();
        for (int i = 0; i < 10; i++) {
            clock.advance(Duration.ofSeconds(1));
            task(sre, "a", i == 9);
        }
        clock.advance(Duration.ofSeconds(30));
        assertThat(task(sre, "a", false)).isNull();             // the probe closes the circuit
        assertThat(fleet.get("a").state()).isEqualTo(CircuitState.CLOSED);

        // a call refused in flight: a bad event for the SLO, but the breaker neither counts it nor trips
        String answer = sre.agent("a").task("t").call(ctx -> {
            try {
                return ctx.tool("shell", "rm", () -> "ran");
            } catch (GuardRefusedException refused) {
                return "fallback";
            }
        });
        assertThat(answer).isEqualTo("fallback");
        assertThat(slo.errorBudget().lifetimeBadEvents()).isEqualTo(2);
        assertThat(fleet.get("a").state()).isEqualTo(CircuitState.CLOSED);
    }

    // ------------------------------------------------------------------ availability

    @Test
    void anOpenCircuitCountsAsUnavailableAndABudgetKillDoesNot() throws Exception {
        AvailabilitySli availability = Slis.availability().clock(clock).build();
        Slo slo = Slo.builder("availability").indicator(availability) // fleet-wide: every agent
                .errorBudget(ErrorBudget.builder().target(0.9).window("1h").clock(clock).build())
                .budgetEvents(BudgetEvents.AVAILABILITY).eventBus(bus).clock(clock).build();
        CostGuard guard = CostGuard.builder().clock(clock).eventBus(bus).anomalyDetection(false).perAgentDailyLimit(10)
                .killSwitchThreshold(0.95).build();
        AgentSre sre = AgentSre.builder().clock(clock).eventBus(bus).slo(slo).breakers(breakers(3)).costGuard(guard).build();

        for (int i = 0; i < 3; i++) {
            assertThat(task(sre, "flaky", true)).isNull();      // served (and failed): the circuit opens
        }
        assertThat(task(sre, "flaky", false)).isInstanceOf(CircuitOpenRefusedException.class);
        assertThat(task(sre, "flaky", false)).isInstanceOf(CircuitOpenRefusedException.class);
        assertThat(availability.offered()).isEqualTo(5);
        assertThat(availability.unavailable()).isEqualTo(2);
        assertThat(slo.errorBudget().lifetimeEvents()).isEqualTo(5);
        assertThat(slo.errorBudget().lifetimeBadEvents()).isEqualTo(2);

        sre.agent("spender").task("spend").estimatedCost(9.60).call(ctx -> "ok"); // the kill switch fires
        assertThat(task(sre, "spender", false)).isInstanceOf(BudgetExceededException.class);
        assertThat(task(sre, "spender", false)).isInstanceOf(BudgetExceededException.class);
        assertThat(availability.offered()).isEqualTo(6);          // the served task only
        assertThat(availability.unavailable()).isEqualTo(2);
        assertThat(slo.errorBudget().lifetimeBadEvents()).isEqualTo(2);
    }

    @Test
    void everyRefusalAtTheDoorIsMappedToItsRefusalKind() throws Exception {
        Map<Refusal, Slo> byKind = new EnumMap<>(Refusal.class);
        AgentSre.Builder builder = AgentSre.builder().clock(clock).eventBus(bus);
        for (Refusal kind : Refusal.values()) {           // one fleet-wide SLO per kind, counting only that kind
            Slo slo = Slo.builder("only-" + kind).indicator(Slis.availability().clock(clock).build())
                    .errorBudget(ErrorBudget.builder().target(0.5).window("1h").clock(clock).build())
                    .budgetEvents(BudgetEvents.AVAILABILITY).unavailability(Set.of(kind)).eventBus(bus).clock(clock).build();
            byKind.put(kind, slo);
            builder.slo(slo);
        }
        Slo throttling = slo("throttling", ErrorBudget.builder().target(0.9).window("1h").projectAllowance(false)
                .exhaustionAction(ExhaustionAction.THROTTLE)).agentId("throttled").build();
        RogueAgentDetector detector = new RogueAgentDetector(RogueDetectorConfig.builder().deniedTools(Set.of("shell_exec"))
                .quarantineRiskLevel(RiskLevel.HIGH).clock(clock).build(), bus);
        CostGuard guard = CostGuard.builder().clock(clock).eventBus(bus).anomalyDetection(false).perTaskLimit(5).perAgentDailyLimit(10)
                .autoThrottle(true).throttleThreshold(0.8).throttledTasksPerMinute(1).killSwitchThreshold(0.99).build();
        CallGuard policy = new CallGuard() {
            @Override
            public void beforeTask(GuardedTask task) {
                if (task.agentId().equals("outside-hours")) {
                    throw task.refuse("policy", "not now");
                }
            }
        };
        AgentSre sre = builder.slo(throttling).guard(policy).rogueDetector(detector).costGuard(guard).breakers(breakers(3)).build();
        Set<Refusal> seen = java.util.EnumSet.noneOf(Refusal.class);

        assertThatThrownBy(() -> sre.agent("rogue").task("t").call(ctx -> ctx.tool("shell_exec", "x", () -> "ran")))
                .isInstanceOf(CapabilityViolationException.class);
        assertThat(task(sre, "rogue", false)).isInstanceOf(QuarantinedException.class);
        assertUnavailable(byKind, seen, Refusal.QUARANTINED);

        for (int i = 0; i < 3; i++) {
            task(sre, "down", true);
        }
        assertThat(task(sre, "down", false)).isInstanceOf(CircuitOpenRefusedException.class);
        assertUnavailable(byKind, seen, Refusal.CIRCUIT_OPEN);

        for (int i = 0; i < 10; i++) {
            task(sre, "throttled", i % 2 == 0);              // half fail (never 3 in a row: the breaker stays closed)
        }
        throttling.evaluate();                               // exhausted: THROTTLE
        assertThat(sre.sloThrottled("throttled")).isTrue();
        assertThat(task(sre, "throttled", false)).isNull();  // one task per interval
        assertThat(task(sre, "throttled", false)).isInstanceOf(ThrottledException.class);
        assertUnavailable(byKind, seen, Refusal.SLO_ACTION);

        sre.agent("spender").task("spend").estimatedCost(4.50).call(ctx -> "ok");
        sre.agent("spender").task("spend").estimatedCost(4.00).call(ctx -> "ok"); // 85%: throttled by the cost guard
        sre.agent("spender").task("slot").estimatedCost(0.01).call(ctx -> "ok");  // the minute's one task
        assertThat(task(sre, "spender", false)).isInstanceOf(ThrottledException.class);
        assertUnavailable(byKind, seen, Refusal.COST_THROTTLED);

        assertThatThrownBy(() -> sre.agent("big").task("t").estimatedCost(6).call(ctx -> "ok")).isInstanceOf(BudgetExceededException.class);
        assertUnavailable(byKind, seen, Refusal.BUDGET_EXCEEDED);

        assertThat(task(sre, "outside-hours", false)).isInstanceOf(GuardRefusedException.class);
        assertUnavailable(byKind, seen, Refusal.POLICY); // seen although a guard of the user's refused it: SLO accounting is outermost
    }

    /** The SLO counting only {@code kind} has counted it; the SLOs of kinds not seen yet have counted nothing. */
    private static void assertUnavailable(Map<Refusal, Slo> byKind, Set<Refusal> seen, Refusal kind) {
        seen.add(kind);
        byKind.forEach((k, slo) -> {
            long unavailable = ((AvailabilitySli) slo.indicators().get(0)).unavailable();
            if (seen.contains(k)) {
                assertThat(unavailable).as("refusals counted by the SLO for %s", k).isPositive();
            } else {
                assertThat(unavailable).as("refusals counted by the SLO for %s after a %s", k, kind).isZero();
            }
            assertThat(slo.errorBudget().lifetimeBadEvents()).as("bad events of the SLO for %s", k).isEqualTo(unavailable);
        });
    }

    // ------------------------------------------------------------------ actions held per agent

    @Test
    void anAgentStaysThrottledUntilItsLastExhaustedSloRecovers() {
        Slo first = slo("first", ErrorBudget.builder().target(0.9).window("1h").projectAllowance(false).exhaustionAction(ExhaustionAction.THROTTLE))
                .build();
        Slo second = slo("second", ErrorBudget.builder().target(0.9).window("2h").projectAllowance(false)
                .exhaustionAction(ExhaustionAction.THROTTLE)).build();
        AgentSre sre = AgentSre.builder().clock(clock).eventBus(bus).slo(first).slo(second).sloThrottleInterval(Duration.ofMillis(1)).build();
        for (int i = 0; i < 10; i++) {
            clock.advance(Duration.ofSeconds(1));
            task(sre, "a", true);
        }
        assertThat(first.evaluate()).isEqualTo(SloStatus.EXHAUSTED);
        assertThat(second.evaluate()).isEqualTo(SloStatus.EXHAUSTED);

        clock.advance(Duration.ofMinutes(61));                // the failures leave the 1-hour window only
        assertThat(first.evaluate()).isNotEqualTo(SloStatus.EXHAUSTED);
        assertThat(second.evaluate()).isEqualTo(SloStatus.EXHAUSTED);
        assertThat(sre.sloThrottled("a")).isTrue();          // the second still throttles

        clock.advance(Duration.ofMinutes(61));
        second.evaluate();
        assertThat(sre.sloThrottled("a")).isFalse();
        assertThat(actions).extracting(ExhaustionActionTaken::sloName, ExhaustionActionTaken::applied).containsExactly(
                org.assertj.core.groups.Tuple.tuple("first", true), org.assertj.core.groups.Tuple.tuple("second", true),
                org.assertj.core.groups.Tuple.tuple("first", false), org.assertj.core.groups.Tuple.tuple("second", false));
    }

    @Test
    void aThrottleDoesNotFlapAtTheExhaustionBoundary() {
        Slo slo = slo("reliability", ErrorBudget.builder().target(0.9).window("24h").projectAllowance(false)
                .exhaustionAction(ExhaustionAction.THROTTLE)).evaluationInterval(Duration.ZERO).build();
        AgentSre sre = AgentSre.builder().clock(clock).eventBus(bus).slo(slo).sloThrottleInterval(Duration.ofSeconds(10)).build();
        for (int i = 0; i < 20; i++) {                       // one task per throttle interval: every one is admitted
            clock.advance(Duration.ofSeconds(10));
            task(sre, "a", i < 2);                            // 2 bad of 20: exactly the allowance
        }
        assertThat(sre.sloThrottled("a")).isTrue();

        clock.advance(Duration.ofSeconds(10));
        task(sre, "a", false);                                // 2 of 21: below the allowance, but only 4.8% back
        assertThat(slo.errorBudget().isExhausted()).isFalse();
        assertThat(slo.errorBudget().remainingPercent()).isLessThan(100 * ErrorBudget.DEFAULT_RECOVERY_MARGIN);
        assertThat(sre.sloThrottled("a")).isTrue();           // without the margin it would be lifted here...
        clock.advance(Duration.ofSeconds(10));
        task(sre, "a", true);                                 // ... and applied again here: 3 of 22
        assertThat(sre.sloThrottled("a")).isTrue();
        assertThat(actions).extracting(ExhaustionActionTaken::applied).containsExactly(true);

        int good = 0;
        while (sre.sloThrottled("a")) {                       // 3 bad need 32 events for 5% back (3 <= 0.95 x 3.2)
            clock.advance(Duration.ofSeconds(10));
            task(sre, "a", false);
            good++;
        }
        assertThat(slo.errorBudget().totalEvents()).isEqualTo(32);
        assertThat(good).isEqualTo(10);
        assertThat(actions).extracting(ExhaustionActionTaken::applied).containsExactly(true, false);
    }

    // ------------------------------------------------------------------ templates

    @Test
    void aTemplateGivesEveryAgentItsOwnSloAndThrottlesOnlyTheAgentThatExhaustsIt() {
        SloTemplate template = SloTemplate.builder("reliability").indicator(() -> Slis.taskSuccessRate().clock(clock).build())
                .errorBudget(() -> ErrorBudget.builder().target(0.9).window("1h").projectAllowance(false)
                        .exhaustionAction(ExhaustionAction.THROTTLE).clock(clock).build())
                .eventBus(new SreEventBus()).clock(clock).build(); // its own bus: the pipeline subscribes to it
        Slo fleetWide = Slo.builder("fleet").errorBudget(ErrorBudget.builder().target(0.9).clock(clock).build()).clock(clock).build();
        Slo own = slo("own", ErrorBudget.builder().target(0.9)).agentId("bad").build();
        AgentSre sre = AgentSre.builder().clock(clock).eventBus(bus).slo(fleetWide).slo(own).sloTemplate(template).build();

        for (int i = 0; i < 10; i++) {
            clock.advance(Duration.ofSeconds(1));
            task(sre, "bad", true);
            task(sre, "good", false);
        }
        template.forAgent("bad").evaluate();

        assertThat(template.size()).isEqualTo(2);
        assertThat(template.find("bad").orElseThrow().errorBudget().lifetimeBadEvents()).isEqualTo(10);
        assertThat(template.find("good").orElseThrow().errorBudget().lifetimeBadEvents()).isZero();
        assertThat(own.errorBudget().lifetimeEvents()).isEqualTo(10);       // the agent's own SLO
        assertThat(fleetWide.errorBudget().lifetimeEvents()).isEqualTo(20); // and the fleet's
        assertThat(sre.sloThrottled("bad")).isTrue();
        assertThat(sre.sloThrottled("good")).isFalse();
        assertThat(actions).singleElement().satisfies(a -> {
            assertThat(a.agentId()).isEqualTo("bad");
            assertThat(a.sloName()).isEqualTo("reliability");
        });
    }

    @Test
    void aFullTemplateNeverFailsATask() throws Exception {
        SloTemplate template = SloTemplate.builder("reliability")
                .errorBudget(() -> ErrorBudget.builder().target(0.9).window("1h").projectAllowance(false).clock(clock).build())
                .maxAgents(1).clock(clock).build();
        AgentSre sre = AgentSre.builder().clock(clock).sloTemplate(template).build();
        for (int i = 0; i < 10; i++) {
            task(sre, "first", true);
        }
        template.forAgent("first").evaluate();                 // exhausted: never evicted

        assertThat(sre.agent("second").task("t").<String>call(ctx -> "ok")).isEqualTo("ok");
        assertThat(sre.agent("third").task("t").<String>call(ctx -> "ok")).isEqualTo("ok");
        assertThat(template.size()).isEqualTo(1);
        assertThat(template.find("second")).isEmpty();
    }

    // ------------------------------------------------------------------ evaluation with no traffic

    @Test
    void withNoTrafficThePipelinesEvaluatorResolvesTheFastBurnPageAndLiftsTheThrottle() {
        ManualScheduledExecutor scheduler = new ManualScheduledExecutor(clock);
        List<BurnRateAlertResolved> resolutions = new ArrayList<>();
        bus.subscribe(BurnRateAlertResolved.class, resolutions::add);
        Slo monthly = slo("monthly", ErrorBudget.builder().target(0.995).window("30d")).agentId("steady").build();
        Slo daily = slo("daily", ErrorBudget.builder().target(0.99).window("24h").exhaustionAction(ExhaustionAction.THROTTLE)).build();
        AgentSre sre = AgentSre.builder().clock(clock).eventBus(bus).slo(monthly).slo(daily)
                .sloEvaluation(Duration.ofSeconds(10), scheduler).build();

        for (int s = 0; s < 20 * 60; s++) {                  // a new agent fails every task for 20 minutes
            task(sre, "a", true);
            scheduler.advanceTo(clock.instant().plusSeconds(1));
        }
        assertThat(sre.sloThrottled("a")).isTrue();
        Instant dailyStopped = clock.instant();
        for (int s = 0; s < 6 * 3_600; s++) {                // another: six healthy hours, then a five-minute outage
            task(sre, "steady", false);
            scheduler.advanceTo(clock.instant().plusSeconds(1));
        }
        for (int s = 0; s < 300; s++) {
            task(sre, "steady", true);
            scheduler.advanceTo(clock.instant().plusSeconds(1));
        }
        assertThat(monthly.openAlert()).map(BurnRateAlert::name).hasValue("fast_burn");
        Instant stopped = clock.instant();

        // silence: only the pipeline's evaluator looks at the SLOs from now on
        Instant resolved = null;
        Instant lifted = null;
        while (lifted == null && clock.instant().isBefore(stopped.plus(Duration.ofHours(26)))) {
            scheduler.advanceTo(clock.instant().plusSeconds(10));
            if (resolved == null && resolutions.stream().anyMatch(r -> r.sloName().equals("monthly") && r.alert().name().equals("fast_burn"))) {
                resolved = clock.instant();
            }
            if (!sre.sloThrottled("a")) {
                lifted = clock.instant();
            }
        }
        // the 5-minute window of a 30-day budget is read in 30-second buckets; rounds every 10 s
        assertThat(resolved).isNotNull();
        assertThat(Duration.between(stopped, resolved)).isLessThanOrEqualTo(Duration.ofMinutes(5).plusSeconds(30 + 10));
        assertThat(monthly.firingAlerts()).extracting(BurnRateAlert::name).doesNotContain("fast_burn");
        // the daily budget recovers once its failures have left the 24-hour window (2-minute buckets)
        assertThat(lifted).isNotNull();
        assertThat(Duration.between(dailyStopped, lifted)).isLessThanOrEqualTo(Duration.ofHours(24).plusMinutes(2).plusSeconds(10));
        assertThat(actions).filteredOn(a -> a.sloName().equals("daily")).extracting(ExhaustionActionTaken::applied)
                .containsExactly(true, false);

        sre.close();
        assertThat(scheduler.pending()).isZero();             // close() stops the evaluation
    }
}
