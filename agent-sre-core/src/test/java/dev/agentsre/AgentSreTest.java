package dev.agentsre;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.agentsre.anomaly.RiskLevel;
import dev.agentsre.anomaly.RogueAgentDetector;
import dev.agentsre.anomaly.RogueDetectorConfig;
import dev.agentsre.breaker.CircuitBreakerConfig;
import dev.agentsre.breaker.CircuitBreakerRegistry;
import dev.agentsre.breaker.CircuitState;
import dev.agentsre.chaos.ChaosExperiment;
import dev.agentsre.chaos.Fault;
import dev.agentsre.chaos.InjectedFaultException;
import dev.agentsre.cost.CostGuard;
import dev.agentsre.cost.PriceTable;
import dev.agentsre.cost.TokenUsage;
import dev.agentsre.event.ExhaustionActionTaken;
import dev.agentsre.event.SreEventBus;
import dev.agentsre.event.TaskRefused;
import dev.agentsre.replay.Trace;
import dev.agentsre.replay.TraceStore;
import dev.agentsre.slo.AggregateSli;
import dev.agentsre.slo.ErrorBudget;
import dev.agentsre.slo.ExhaustionAction;
import dev.agentsre.slo.PercentileSli;
import dev.agentsre.slo.Slis;
import dev.agentsre.slo.Slo;
import dev.agentsre.testing.Race;
import dev.agentsre.testing.ManualClock;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AgentSreTest {

    private final ManualClock clock = ManualClock.at(Instant.parse("2026-11-02T09:00:00Z"));
    private final SreEventBus bus = new SreEventBus();
    private final List<TaskRefused> refusals = new ArrayList<>();
    private final List<ExhaustionActionTaken> actions = new ArrayList<>();

    AgentSreTest() {
        bus.subscribe(TaskRefused.class, refusals::add);
        bus.subscribe(ExhaustionActionTaken.class, actions::add);
    }

    private CostGuard.Builder costGuard() {
        return CostGuard.builder().clock(clock).eventBus(bus).anomalyDetection(false);
    }

    private CircuitBreakerRegistry breakers(int failureThreshold) {
        return CircuitBreakerRegistry.of(CircuitBreakerConfig.builder().failureThreshold(failureThreshold)
                .recoveryTimeout(Duration.ofSeconds(30)).clock(clock).build(), bus);
    }

    private Slo slo(String agent, ExhaustionAction action) {
        return Slo.builder(agent + "-reliability").agentId(agent)
                .indicator(Slis.taskSuccessRate().clock(clock).build())
                .errorBudget(ErrorBudget.builder().total(0.1).window(Duration.ofHours(1)).exhaustionAction(action)
                        .minimumEvents(10).projectAllowance(false).clock(clock).build())
                .eventBus(bus).clock(clock).build();
    }

    // ------------------------------------------------------------------ happy path and post-flight

    @Test
    void runsTheBodyAndFeedsEveryComponentAfterwards() throws Exception {
        AggregateSli success = Slis.taskSuccessRate().clock(clock).build();
        PercentileSli latency = Slis.responseLatency().clock(clock).build();
        AggregateSli cost = Slis.costPerTask().clock(clock).build();
        AggregateSli tokens = Slis.tokenUsage().clock(clock).build();
        Slo slo = Slo.builder("research").agentId("research-agent").indicator(success).indicator(latency).indicator(cost)
                .indicator(tokens).errorBudget(ErrorBudget.builder().total(0.1).clock(clock).build()).eventBus(bus).clock(clock).build();
        CostGuard guard = costGuard().perAgentDailyLimit(100).priceTable(PriceTable.defaults()).build();
        CircuitBreakerRegistry fleet = breakers(3);
        AgentSre sre = AgentSre.builder().clock(clock).eventBus(bus).slo(slo).breakers(fleet).costGuard(guard).build();

        String answer = sre.agent("research-agent").task("t-1").estimatedCost(1.50).call(ctx -> {
            clock.advance(Duration.ofMillis(1_200));
            ctx.reportCost(0.25);
            ctx.reportTokens("gpt-4o-mini", TokenUsage.of(1_000, 200)); // $0.00015 + $0.00012
            return "done";
        });

        assertThat(answer).isEqualTo("done");
        assertThat(slo.errorBudget().lifetimeEvents()).isEqualTo(1);
        assertThat(slo.errorBudget().lifetimeBadEvents()).isZero();
        assertThat(success.currentValue()).isEqualTo(1.0);
        assertThat(latency.currentValue()).isCloseTo(1_200.0, org.assertj.core.data.Percentage.withPercentage(2)); // histogram bucket error
        assertThat(cost.currentValue()).isCloseTo(0.25027, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(tokens.currentValue()).isEqualTo(1_200.0);
        // the actual spend is charged, not the estimate; nothing stays reserved
        assertThat(guard.snapshot("research-agent").spentUsd()).isEqualByComparingTo("0.25027");
        assertThat(guard.openReservations()).isZero();
        assertThat(fleet.get("research-agent").snapshot().successfulCalls()).isEqualTo(1);
    }

    @Test
    void commitsTheEstimateWhenTheTaskReportsNoCost() throws Exception {
        CostGuard guard = costGuard().perAgentDailyLimit(100).build();
        AgentSre sre = AgentSre.builder().clock(clock).costGuard(guard).build();

        sre.agent("a").task("t").estimatedCost(0.40).call(ctx -> "ok");

        assertThat(guard.snapshot("a").spentUsd()).isEqualByComparingTo("0.40");
    }

    @Test
    void pricesReportedTokensWithTheGuardsPriceTable() throws Exception {
        PriceTable prices = PriceTable.defaults();
        CostGuard guard = costGuard().perAgentDailyLimit(100).priceTable(prices).build();
        AgentSre sre = AgentSre.builder().clock(clock).costGuard(guard).build();
        TokenUsage usage = TokenUsage.of(10_000, 2_000);

        BigDecimal reported = sre.agent("a").task("t").call(ctx -> {
            ctx.llm("gpt-4o", "q", () -> "answer", answer -> usage);
            return ctx.costUsd();
        });

        assertThat(reported.doubleValue()).isCloseTo(prices.cost("gpt-4o", usage).doubleValue(), org.assertj.core.data.Offset.offset(1e-9));
        assertThat(guard.snapshot("a").spentUsd().doubleValue()).isCloseTo(reported.doubleValue(),
                org.assertj.core.data.Offset.offset(1e-9));
    }

    @Test
    void aFailingBodyIsRethrownUnchangedAndCountsAgainstTheBreakerAndIsChargedWhatItSpent() {
        Slo slo = slo("a", ExhaustionAction.ALERT);
        CircuitBreakerRegistry fleet = breakers(2);
        CostGuard guard = costGuard().perAgentDailyLimit(100).build();
        AgentSre sre = AgentSre.builder().clock(clock).eventBus(bus).slo(slo).breakers(fleet).costGuard(guard).build();
        IllegalStateException boom = new IllegalStateException("model said no");

        assertThatThrownBy(() -> sre.agent("a").task("t").estimatedCost(0.10).call(ctx -> {
            throw boom;
        })).isSameAs(boom);
        assertThatThrownBy(() -> sre.agent("a").task("t").estimatedCost(0.10).call(ctx -> {
            ctx.reportCost(0.03); // it spent something before failing
            throw boom;
        })).isSameAs(boom);

        assertThat(slo.errorBudget().lifetimeBadEvents()).isEqualTo(2);
        assertThat(fleet.get("a").state()).isEqualTo(CircuitState.OPEN);
        assertThat(guard.snapshot("a").spentUsd()).isEqualByComparingTo("0.03"); // what it spent, never the estimate
        assertThat(guard.openReservations()).isZero();
    }

    @Test
    void anSloWithoutAnAgentCountsEveryAgentsTasksAndAnotherAgentsSloNone() throws Exception {
        Slo fleetSlo = Slo.builder("fleet").indicator(Slis.taskSuccessRate().clock(clock).build())
                .errorBudget(ErrorBudget.builder().total(0.1).clock(clock).build()).clock(clock).build();
        Slo other = slo("other", ExhaustionAction.ALERT);
        Slo mine = slo("a", ExhaustionAction.ALERT);
        AgentSre sre = AgentSre.builder().clock(clock).slo(other).slo(fleetSlo).slo(mine).build();

        sre.agent("a").task("1").call(ctx -> 1);
        sre.agent("b").task("2").call(ctx -> 2);

        assertThat(fleetSlo.errorBudget().lifetimeEvents()).isEqualTo(2);
        assertThat(mine.errorBudget().lifetimeEvents()).isEqualTo(1); // an agent's own SLO and the fleet's both count
        assertThat(other.errorBudget().lifetimeEvents()).isZero();
    }

    // ------------------------------------------------------------------ refusals

    @Test
    void aQuarantinedAgentIsRefusedBeforeAnythingIsReserved() throws Exception {
        RogueAgentDetector detector = new RogueAgentDetector(RogueDetectorConfig.builder().deniedTools(Set.of("shell_exec"))
                .quarantineRiskLevel(RiskLevel.HIGH).clock(clock).build(), bus);
        CostGuard guard = costGuard().perAgentDailyLimit(100).build();
        AgentSre sre = AgentSre.builder().clock(clock).eventBus(bus).rogueDetector(detector).costGuard(guard).build();

        // the task's own tool calls reach the detector (the denied tool is refused and recorded)
        assertThatThrownBy(() -> sre.agent("a").task("t-1").call(ctx -> ctx.tool("shell_exec", Map.of("cmd", "rm -rf /"), () -> "ran")))
                .isInstanceOf(CapabilityViolationException.class);
        assertThat(detector.isQuarantined("a")).isTrue();
        refusals.clear();

        AtomicInteger ran = new AtomicInteger();
        assertThatThrownBy(() -> sre.agent("a").task("t-2").estimatedCost(1).call(ctx -> ran.incrementAndGet()))
                .isInstanceOf(QuarantinedException.class)
                .isInstanceOf(TaskRefusedException.class)
                .hasMessageContaining("'a'")
                .satisfies(e -> assertThat(((TaskRefusedException) e).reason()).isEqualTo("quarantine"));
        assertThat(ran).hasValue(0);
        assertThat(guard.openReservations()).isZero();
        assertThat(refusals).singleElement().satisfies(r -> {
            assertThat(r.agentId()).isEqualTo("a");
            assertThat(r.taskId()).isEqualTo("t-2");
            assertThat(r.reason()).isEqualTo("quarantine");
        });
    }

    @Test
    void anEstimateOverTheBudgetIsRefusedWithoutRunning() {
        CostGuard guard = costGuard().perTaskLimit(2.00).perAgentDailyLimit(100).build();
        AgentSre sre = AgentSre.builder().clock(clock).eventBus(bus).costGuard(guard).build();
        AtomicInteger ran = new AtomicInteger();

        assertThatThrownBy(() -> sre.agent("a").task("big").estimatedCost(5.00).call(ctx -> ran.incrementAndGet()))
                .isInstanceOf(BudgetExceededException.class)
                .satisfies(e -> assertThat(((TaskRefusedException) e).retryAfter()).isZero());
        assertThat(ran).hasValue(0);
        assertThat(guard.snapshot("a").spentUsd()).isEqualByComparingTo("0");
        assertThat(refusals).extracting(TaskRefused::reason).containsExactly("budget");
    }

    @Test
    void theKillSwitchRefusesAsBudget() throws Exception {
        CostGuard guard = costGuard().perAgentDailyLimit(10).killSwitchThreshold(0.95).build();
        AgentSre sre = AgentSre.builder().clock(clock).costGuard(guard).build();
        sre.agent("a").task("spend").estimatedCost(9.60).call(ctx -> "ok");

        assertThatThrownBy(() -> sre.agent("a").task("next").estimatedCost(0.01).call(ctx -> "ok"))
                .isInstanceOf(BudgetExceededException.class);
    }

    @Test
    void aThrottledBudgetRefusesWithRetryAfter() throws Exception {
        CostGuard guard = costGuard().perAgentDailyLimit(10).autoThrottle(true).throttleThreshold(0.8).throttledTasksPerMinute(1)
                .killSwitchThreshold(0.99).build();
        AgentSre sre = AgentSre.builder().clock(clock).costGuard(guard).build();
        sre.agent("a").task("spend").estimatedCost(8.50).call(ctx -> "ok");

        int admitted = 0;
        ThrottledException refusal = null;
        for (int i = 0; i < 3; i++) {
            try {
                sre.agent("a").task("t-" + i).estimatedCost(0.01).call(ctx -> "ok");
                admitted++;
            } catch (ThrottledException e) {
                refusal = e;
            }
        }
        assertThat(admitted).isEqualTo(1); // one task a minute
        assertThat(refusal).isNotNull();
        assertThat(refusal.reason()).isEqualTo("throttled");
        assertThat(refusal.retryAfter()).isPositive().isLessThanOrEqualTo(Duration.ofMinutes(1));
    }

    @Test
    void anOpenCircuitRefusesAndReleasesTheReservation() {
        CircuitBreakerRegistry fleet = breakers(1);
        CostGuard guard = costGuard().perAgentDailyLimit(100).build();
        AgentSre sre = AgentSre.builder().clock(clock).eventBus(bus).breakers(fleet).costGuard(guard).build();
        assertThatThrownBy(() -> sre.agent("a").task("fails").estimatedCost(1).call(ctx -> {
            throw new IllegalStateException("down");
        })).isInstanceOf(IllegalStateException.class);

        AtomicInteger ran = new AtomicInteger();
        assertThatThrownBy(() -> sre.agent("a").task("next").estimatedCost(1).call(ctx -> ran.incrementAndGet()))
                .isInstanceOf(CircuitOpenRefusedException.class)
                .satisfies(e -> {
                    assertThat(((TaskRefusedException) e).reason()).isEqualTo("circuit_open");
                    assertThat(((TaskRefusedException) e).retryAfter()).isEqualTo(Duration.ofSeconds(30));
                });
        assertThat(ran).hasValue(0);
        assertThat(guard.openReservations()).isZero();
        assertThat(guard.snapshot("a").spentUsd()).isEqualByComparingTo("0"); // the failed task reported nothing
    }

    @Test
    void quarantineIsCheckedBeforeTheBudget() throws Exception {
        RogueAgentDetector detector = new RogueAgentDetector(RogueDetectorConfig.builder().deniedTools(Set.of("shell_exec"))
                .quarantineRiskLevel(RiskLevel.HIGH).clock(clock).build(), bus);
        CostGuard guard = costGuard().perTaskLimit(1).perAgentDailyLimit(100).build();
        AgentSre sre = AgentSre.builder().clock(clock).rogueDetector(detector).costGuard(guard).build();
        assertThatThrownBy(() -> sre.agent("a").task("t").call(ctx -> ctx.tool("shell_exec", "x", () -> "ran")))
                .isInstanceOf(CapabilityViolationException.class);

        assertThatThrownBy(() -> sre.agent("a").task("over").estimatedCost(50).call(ctx -> "ok"))
                .isInstanceOf(QuarantinedException.class);
    }

    @Test
    void badInputIsRefusedWithTheParameterName() {
        AgentSre sre = AgentSre.builder().clock(clock).build();
        assertThatThrownBy(() -> sre.agent(" ")).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("agentId");
        assertThatThrownBy(() -> sre.agent("a").task("")).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("taskId");
        assertThatThrownBy(() -> sre.agent("a").task("t").estimatedCost(-1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("estimatedCost").hasMessageContaining("-1");
        assertThatThrownBy(() -> AgentSre.builder().sloThrottleInterval(Duration.ZERO).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("sloThrottleInterval");
    }

    // ------------------------------------------------------------------ async

    @Test
    void anAsyncRefusalIsAFailedStageAndTheBodyDoesNotRun() {
        CostGuard guard = costGuard().perTaskLimit(1).perAgentDailyLimit(100).build();
        AgentSre sre = AgentSre.builder().clock(clock).costGuard(guard).build();
        AtomicInteger ran = new AtomicInteger();

        CompletionStage<String> stage = sre.agent("a").task("t").estimatedCost(5).callAsync(ctx -> {
            ran.incrementAndGet();
            return CompletableFuture.completedFuture("no");
        });

        assertThatThrownBy(() -> stage.toCompletableFuture().get()).isInstanceOf(ExecutionException.class)
                .hasCauseInstanceOf(BudgetExceededException.class);
        assertThat(ran).hasValue(0);
    }

    @Test
    void asyncPostFlightRunsWhenTheStageCompletes() throws Exception {
        Slo slo = slo("a", ExhaustionAction.ALERT);
        CircuitBreakerRegistry fleet = breakers(5);
        CostGuard guard = costGuard().perAgentDailyLimit(100).build();
        AgentSre sre = AgentSre.builder().clock(clock).slo(slo).breakers(fleet).costGuard(guard).build();
        CompletableFuture<String> pending = new CompletableFuture<>();

        CompletionStage<String> stage = sre.agent("a").task("t").estimatedCost(2).callAsync(ctx -> {
            ctx.reportCost(0.5);
            return pending;
        });
        assertThat(slo.errorBudget().lifetimeEvents()).isZero();
        assertThat(guard.openReservations()).isEqualTo(1);

        pending.completeExceptionally(new IllegalStateException("late failure"));

        assertThatThrownBy(() -> stage.toCompletableFuture().get()).hasCauseInstanceOf(IllegalStateException.class);
        assertThat(slo.errorBudget().lifetimeBadEvents()).isEqualTo(1);
        assertThat(fleet.get("a").snapshot().failedCalls()).isEqualTo(1);
        assertThat(guard.openReservations()).isZero();
        assertThat(guard.snapshot("a").spentUsd()).isEqualByComparingTo("0.5");
    }

    @Test
    void anAsyncBodyThatThrowsIsAFailedStageAndStillCounted() {
        Slo slo = slo("a", ExhaustionAction.ALERT);
        AgentSre sre = AgentSre.builder().clock(clock).slo(slo).build();

        CompletionStage<String> stage = sre.agent("a").task("t").callAsync(ctx -> {
            throw new IllegalArgumentException("bad prompt");
        });

        assertThat(stage.toCompletableFuture()).isCompletedExceptionally();
        assertThat(slo.errorBudget().lifetimeBadEvents()).isEqualTo(1);
    }

    // ------------------------------------------------------------------ execution: chaos and replay

    @Test
    void chaosFaultsReachTheTasksCallsAndCountAsFailures() {
        ChaosExperiment outage = ChaosExperiment.builder("outage").fault(Fault.errorInjection("gpt-4o", "service_unavailable", 1.0))
                .duration(Duration.ofMinutes(10)).clock(clock).build();
        Slo slo = slo("a", ExhaustionAction.ALERT);
        AgentSre sre = AgentSre.builder().clock(clock).slo(slo).chaos(outage).build();
        outage.start();

        assertThatThrownBy(() -> sre.agent("a").task("t").call(ctx -> ctx.llm("gpt-4o", "q", () -> "answer")))
                .isInstanceOf(InjectedFaultException.class);
        assertThat(slo.errorBudget().lifetimeBadEvents()).isEqualTo(1);
    }

    @Test
    void chaosOnlyReachesTheExperimentsTargetAgent() throws Exception {
        ChaosExperiment outage = ChaosExperiment.builder("outage").targetAgent("victim")
                .fault(Fault.errorInjection("gpt-4o", "service_unavailable", 1.0)).duration(Duration.ofMinutes(10)).clock(clock).build();
        AgentSre sre = AgentSre.builder().clock(clock).chaos(outage).build();
        outage.start();

        String bystander = sre.agent("bystander").task("t").call(ctx -> ctx.llm("gpt-4o", "q", () -> "answer"));
        assertThat(bystander).isEqualTo("answer");
        assertThatThrownBy(() -> sre.agent("victim").task("t").call(ctx -> ctx.llm("gpt-4o", "q", () -> "answer")))
                .isInstanceOf(InjectedFaultException.class);
    }

    @Test
    void everyTaskIsCapturedWhenAStoreIsConfigured(@TempDir Path dir) throws Exception {
        TraceStore store = TraceStore.directory(dir);
        AgentSre sre = AgentSre.builder().clock(clock).traceStore(store).build();

        sre.agent("a").task("t").call(ctx -> {
            String docs = ctx.tool("search", Map.of("q", "refunds"), () -> "policy text");
            return ctx.llm("gpt-4o", docs, () -> "summary");
        });

        assertThat(store.list()).hasSize(1);
        Trace trace = store.load(store.list().get(0));
        assertThat(trace.agentId()).isEqualTo("a");
        assertThat(trace.spans()).extracting(s -> s.name()).containsExactly("search", "gpt-4o");
    }

    // ------------------------------------------------------------------ exhaustion actions

    /** Fails enough tasks to exhaust the 10% budget, then evaluates. */
    private void exhaust(AgentSre sre, Slo slo, String agent) {
        for (int i = 0; i < 10; i++) {
            try {
                sre.agent(agent).task("fail-" + i).call(ctx -> {
                    throw new IllegalStateException("down");
                });
            } catch (Exception expected) {
                // refused or failed: both are the point
            }
        }
        slo.evaluate();
    }

    /** Lets the bad events leave the 1 h window and records good ones, then evaluates. */
    private void recover(Slo slo) {
        clock.advance(Duration.ofHours(2));
        slo.errorBudget().recordEvents(100, 0);
        slo.evaluate();
    }

    @Test
    void throttleAdmitsOneTaskPerIntervalUntilRecovery() throws Exception {
        Slo slo = slo("a", ExhaustionAction.THROTTLE);
        AgentSre sre = AgentSre.builder().clock(clock).eventBus(bus).slo(slo).sloThrottleInterval(Duration.ofSeconds(10)).build();
        exhaust(sre, slo, "a");
        assertThat(sre.sloThrottled("a")).isTrue();
        assertThat(actions).singleElement().satisfies(a -> {
            assertThat(a.action()).isEqualTo(ExhaustionAction.THROTTLE);
            assertThat(a.applied()).isTrue();
            assertThat(a.sloName()).isEqualTo("a-reliability");
        });

        sre.agent("a").task("first").call(ctx -> "ok");
        assertThatThrownBy(() -> sre.agent("a").task("second").call(ctx -> "ok")).isInstanceOf(ThrottledException.class)
                .satisfies(e -> assertThat(((ThrottledException) e).retryAfter()).isEqualTo(Duration.ofSeconds(10)));
        clock.advance(Duration.ofSeconds(4));
        assertThatThrownBy(() -> sre.agent("a").task("third").call(ctx -> "ok"))
                .satisfies(e -> assertThat(((ThrottledException) e).retryAfter()).isEqualTo(Duration.ofSeconds(6)));
        clock.advance(Duration.ofSeconds(6));
        sre.agent("a").task("fourth").call(ctx -> "ok");
        sre.agent("b").task("other agent").call(ctx -> "ok"); // only the SLO's agent is throttled

        recover(slo);
        assertThat(sre.sloThrottled("a")).isFalse();
        assertThat(actions).last().satisfies(a -> assertThat(a.applied()).isFalse());
        sre.agent("a").task("free").call(ctx -> "ok");
        sre.agent("a").task("again").call(ctx -> "ok");
    }

    @Test
    void throttledAgentsAdmitExactlyOneTaskPerIntervalUnderContention() throws Exception {
        Slo slo = slo("a", ExhaustionAction.THROTTLE);
        AgentSre sre = AgentSre.builder().clock(clock).slo(slo).build();
        exhaust(sre, slo, "a");
        AtomicInteger admitted = new AtomicInteger();
        AtomicInteger throttled = new AtomicInteger();

        Race.run(8, thread -> {
            for (int i = 0; i < 1_000; i++) {
                try {
                    sre.agent("a").task("t").call(ctx -> admitted.incrementAndGet());
                } catch (ThrottledException e) {
                    throttled.incrementAndGet();
                }
            }
        });

        assertThat(admitted).hasValue(1);
        assertThat(throttled).hasValue(7_999);
    }

    @Test
    void circuitBreakTripsTheBreakerWhichHealsByProbingAndRecoveryHasNothingToUndo() throws Exception {
        Slo slo = slo("a", ExhaustionAction.CIRCUIT_BREAK);
        CircuitBreakerRegistry fleet = breakers(1_000);
        AgentSre sre = AgentSre.builder().clock(clock).eventBus(bus).slo(slo).breakers(fleet).build();
        exhaust(sre, slo, "a");

        assertThat(fleet.get("a").state()).isEqualTo(CircuitState.OPEN); // tripped, not forced open
        assertThatThrownBy(() -> sre.agent("a").task("t").call(ctx -> "ok")).isInstanceOf(CircuitOpenRefusedException.class);
        clock.advance(Duration.ofSeconds(30));
        assertThat(sre.agent("a").task("probe").<String>call(ctx -> "ok")).isEqualTo("ok"); // a half-open probe
        assertThat(fleet.get("a").state()).isEqualTo(CircuitState.CLOSED);

        recover(slo);
        assertThat(fleet.get("a").state()).isEqualTo(CircuitState.CLOSED);
        assertThat(sre.agent("a").task("t").<String>call(ctx -> "ok")).isEqualTo("ok");
        assertThat(actions).extracting(ExhaustionActionTaken::action, ExhaustionActionTaken::applied).containsExactly(
                org.assertj.core.groups.Tuple.tuple(ExhaustionAction.CIRCUIT_BREAK, true),
                org.assertj.core.groups.Tuple.tuple(ExhaustionAction.CIRCUIT_BREAK, false));
    }

    @Test
    void freezeDeploymentsRaisesAFlagAndKeepsTasksRunning() throws Exception {
        Slo slo = slo("a", ExhaustionAction.FREEZE_DEPLOYMENTS);
        AgentSre sre = AgentSre.builder().clock(clock).eventBus(bus).slo(slo).build();
        assertThat(sre.deploymentsFrozen("a")).isFalse();
        exhaust(sre, slo, "a");

        assertThat(sre.deploymentsFrozen("a")).isTrue();
        assertThat(sre.deploymentsFrozen("b")).isFalse();
        assertThat(sre.agent("a").task("t").<String>call(ctx -> "ok")).isEqualTo("ok");

        recover(slo);
        assertThat(sre.deploymentsFrozen("a")).isFalse();
        assertThat(actions).extracting(ExhaustionActionTaken::applied).containsExactly(true, false);
    }

    @Test
    void alertOnlyPublishes() throws Exception {
        Slo slo = slo("a", ExhaustionAction.ALERT);
        CircuitBreakerRegistry fleet = breakers(1_000);
        AgentSre sre = AgentSre.builder().clock(clock).eventBus(bus).slo(slo).breakers(fleet).build();
        exhaust(sre, slo, "a");

        assertThat(actions).singleElement().satisfies(a -> assertThat(a.action()).isEqualTo(ExhaustionAction.ALERT));
        assertThat(sre.sloThrottled("a")).isFalse();
        assertThat(sre.deploymentsFrozen("a")).isFalse();
        assertThat(fleet.get("a").state()).isEqualTo(CircuitState.CLOSED);
        assertThat(sre.agent("a").task("t").<String>call(ctx -> "ok")).isEqualTo("ok");
    }

    @Test
    void actsOnSlosPublishingOnTheirOwnBus() throws Exception {
        SreEventBus sloBus = new SreEventBus();
        Slo slo = Slo.builder("own-bus").agentId("a").indicator(Slis.taskSuccessRate().clock(clock).build())
                .errorBudget(ErrorBudget.builder().total(0.1).window(Duration.ofHours(1)).exhaustionAction(ExhaustionAction.FREEZE_DEPLOYMENTS)
                        .minimumEvents(10).projectAllowance(false).clock(clock).build())
                .eventBus(sloBus).clock(clock).build();
        AgentSre sre = AgentSre.builder().clock(clock).eventBus(bus).slo(slo).build();
        exhaust(sre, slo, "a");

        assertThat(sre.deploymentsFrozen("a")).isTrue();
        assertThat(actions).hasSize(1); // published on the pipeline's bus
    }

    // ------------------------------------------------------------------ concurrency

    @Test
    void racingTasksCommitExactlyTheBudget() throws Exception {
        CostGuard guard = costGuard().perAgentDailyLimit(10).killSwitchThreshold(1.0).build();
        CircuitBreakerRegistry fleet = breakers(1_000);
        Slo slo = Slo.builder("fleet").indicator(Slis.taskSuccessRate().clock(clock).build())
                .errorBudget(ErrorBudget.builder().total(0.1).clock(clock).build()).clock(clock).build();
        AgentSre sre = AgentSre.builder().clock(clock).slo(slo).breakers(fleet).costGuard(guard).build();
        AtomicInteger ran = new AtomicInteger();
        AtomicInteger refused = new AtomicInteger();

        Race.run(8, thread -> {
            for (int i = 0; i < 500; i++) {
                try {
                    sre.agent("a").task(thread + "-" + i).estimatedCost(0.01).call(ctx -> ran.incrementAndGet());
                } catch (BudgetExceededException e) {
                    refused.incrementAndGet();
                }
            }
        });

        assertThat(ran).hasValue(1_000);
        assertThat(refused).hasValue(3_000);
        assertThat(guard.snapshot("a").spentUsd()).isEqualByComparingTo("10.00");
        assertThat(slo.errorBudget().lifetimeEvents()).isEqualTo(1_000);
        assertThat(fleet.get("a").snapshot().successfulCalls()).isEqualTo(1_000);
        assertThat(guard.openReservations()).isZero();
    }
}
