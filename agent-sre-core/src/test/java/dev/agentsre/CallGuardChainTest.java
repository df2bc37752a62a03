package dev.agentsre;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.agentsre.anomaly.RogueAgentDetector;
import dev.agentsre.anomaly.RogueDetectorConfig;
import dev.agentsre.breaker.CircuitBreakerConfig;
import dev.agentsre.breaker.CircuitBreakerRegistry;
import dev.agentsre.cost.CostGuard;
import dev.agentsre.cost.TokenUsage;
import dev.agentsre.event.ExhaustionActionTaken;
import dev.agentsre.event.SreEventBus;
import dev.agentsre.event.TaskRefused;
import dev.agentsre.guard.CallGuard;
import dev.agentsre.guard.CallKind;
import dev.agentsre.guard.GuardedCall;
import dev.agentsre.guard.GuardedTask;
import dev.agentsre.guard.Outcome;
import dev.agentsre.slo.ErrorBudget;
import dev.agentsre.slo.ExhaustionAction;
import dev.agentsre.slo.Slis;
import dev.agentsre.slo.Slo;
import dev.agentsre.testing.ManualScheduledExecutor;
import dev.agentsre.testing.ManualClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The call-guard SPI: what a guard sees, when, and how its failures are contained. */
class CallGuardChainTest {

    private final ManualClock clock = ManualClock.at(Instant.parse("2026-11-02T09:00:00Z"));
    private final SreEventBus bus = new SreEventBus();

    /** Records every hook it sees, as text. */
    private static final class Recorder implements CallGuard {
        final String name;
        final List<String> log;

        Recorder(String name, List<String> log) {
            this.name = name;
            this.log = log;
        }

        @Override
        public void beforeTask(GuardedTask task) {
            log.add(name + " beforeTask " + task.agentId() + "/" + task.taskId() + " depth " + task.depth());
        }

        @Override
        public void afterTask(GuardedTask task) {
            log.add(name + " afterTask " + task.taskId() + " " + task.outcome());
        }

        @Override
        public void beforeCall(GuardedCall call) {
            log.add(name + " beforeCall " + call.describe());
        }

        @Override
        public void afterCall(GuardedCall call) {
            log.add(name + " afterCall " + call.describe() + " " + call.outcome() + " dep=" + call.dependency() + " " + call.duration().toMillis()
                    + "ms usage=" + (call.usage() == null ? "-" : call.usage().totalTokens()) + " cost=" + call.costUsd());
        }
    }

    @Test
    void aGuardSeesEveryCallsOutcomeDurationDependencyUsageAndCostInChainOrder() throws Exception {
        List<String> log = new ArrayList<>();
        CostGuard costGuard = CostGuard.builder().clock(clock).build();
        AgentSre sre = AgentSre.builder().clock(clock).costGuard(costGuard)
                .guard(new Recorder("outer", log)).guard(new Recorder("inner", log)).build();

        sre.agent("a").task("t").call(ctx -> {
            ctx.tool("search", "q", () -> {
                clock.advance(Duration.ofMillis(40));
                return "docs";
            });
            try {
                ctx.llm("gpt-4o", "q", () -> {
                    throw new IllegalStateException("503");
                });
            } catch (IllegalStateException expected) {
                // observed as FAILED
            }
            return ctx.llm("gpt-4o", "q", () -> "answer", r -> TokenUsage.of(20_000, 1_000));
        });

        assertThat(log).containsExactly(
                "outer beforeTask a/t depth 0", "inner beforeTask a/t depth 0",
                "outer beforeCall tool:search", "inner beforeCall tool:search",
                "inner afterCall tool:search SUCCEEDED dep=search 40ms usage=- cost=0.00",
                "outer afterCall tool:search SUCCEEDED dep=search 40ms usage=- cost=0.00",
                "outer beforeCall llm:gpt-4o", "inner beforeCall llm:gpt-4o",
                "inner afterCall llm:gpt-4o FAILED dep=gpt-4o 0ms usage=- cost=0.00",
                "outer afterCall llm:gpt-4o FAILED dep=gpt-4o 0ms usage=- cost=0.00",
                "outer beforeCall llm:gpt-4o", "inner beforeCall llm:gpt-4o",
                "inner afterCall llm:gpt-4o SUCCEEDED dep=gpt-4o 0ms usage=21000 cost=0.06",
                "outer afterCall llm:gpt-4o SUCCEEDED dep=gpt-4o 0ms usage=21000 cost=0.06",
                "inner afterTask t SUCCEEDED", "outer afterTask t SUCCEEDED");
        assertThat(sre.guardChain()).hasSize(4); // the two of ours, task limits, budget
    }

    @Test
    void aUserGuardCanRefuseAndSeesRefusalsOfTheBuiltInGuards() throws Exception {
        List<String> log = new ArrayList<>();
        List<TaskRefused> refused = new ArrayList<>();
        bus.subscribe(TaskRefused.class, refused::add);
        CallGuard policy = new CallGuard() {
            @Override
            public void beforeCall(GuardedCall call) {
                if (call.kind() == CallKind.TOOL && call.target().equals("send_email")) {
                    throw call.refuse("policy", "no e-mail on weekends");
                }
            }
        };
        AgentSre sre = AgentSre.builder().clock(clock).eventBus(bus).guard(new Recorder("observer", log)).guard(policy)
                .taskLimits(TaskLimits.builder().maxModelCalls(0).build()).build();
        AtomicInteger sent = new AtomicInteger();

        sre.agent("a").task("t").call(ctx -> {
            assertThatThrownBy(() -> ctx.tool("send_email", "hi", () -> sent.incrementAndGet()))
                    .isInstanceOf(GuardRefusedException.class).hasMessageContaining("no e-mail on weekends")
                    .satisfies(e -> {
                        assertThat(((TaskRefusedException) e).reason()).isEqualTo("policy");
                        assertThat(((TaskRefusedException) e).refusedCall()).isEqualTo("tool:send_email");
                    });
            assertThatThrownBy(() -> ctx.llm("gpt-4o", "q", () -> "x")).isInstanceOf(TaskLimitExceededException.class);
            return null;
        });

        assertThat(sent).hasValue(0);
        assertThat(log).contains("observer afterCall tool:send_email REFUSED dep=send_email 0ms usage=- cost=0.00",
                "observer afterCall llm:gpt-4o REFUSED dep=gpt-4o 0ms usage=- cost=0.00", "observer afterTask t REFUSED");
        assertThat(refused).extracting(TaskRefused::reason).containsExactly("policy", "task_limit");
    }

    @Test
    void afterHooksThatThrowAreLoggedAndNeverReachTheAgentAndTheOtherGuardsStillRun() throws Exception {
        CostGuard costGuard = CostGuard.builder().clock(clock).build();
        CallGuard broken = new CallGuard() {
            @Override
            public void afterCall(GuardedCall call) {
                throw new IllegalStateException("exporter down");
            }

            @Override
            public void afterTask(GuardedTask task) {
                throw new IllegalStateException("exporter down");
            }
        };
        AgentSre sre = AgentSre.builder().clock(clock).costGuard(costGuard).guard(broken).build();

        String out = sre.agent("a").task("t").call(ctx -> ctx.llm("gpt-4o", "q", () -> "answer", r -> TokenUsage.of(20_000, 1_000)));

        assertThat(out).isEqualTo("answer");
        assertThat(sre.guardFailures()).isEqualTo(2);
        assertThat(costGuard.snapshot("a").spentUsd()).isEqualByComparingTo("0.06"); // the budget guard still charged
        assertThat(costGuard.openReservations()).isZero();
    }

    @Test
    void aBeforeHookThatFailsFailsTheCallWithoutRunningItAndGivesBackWhatOthersTook() throws Exception {
        CostGuard costGuard = CostGuard.builder().clock(clock).perTaskLimit(1.00).build();
        AtomicInteger ran = new AtomicInteger();
        List<Outcome> seen = new ArrayList<>();
        CallGuard observer = new CallGuard() {
            @Override
            public void afterCall(GuardedCall call) {
                seen.add(call.outcome());
            }
        };
        CallGuard buggy = new CallGuard() {
            @Override
            public void beforeCall(GuardedCall call) {
                throw new IllegalArgumentException("bug in a guard");
            }
        };
        AgentSre sre = AgentSre.builder().clock(clock).costGuard(costGuard).guard(observer).guard(buggy).build();

        assertThatThrownBy(() -> sre.agent("a").task("t").call(ctx -> ctx.tool("x", 1, () -> ran.incrementAndGet())))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("bug in a guard");
        assertThat(ran).hasValue(0);
        assertThat(seen).containsExactly(Outcome.FAILED);
        assertThat(costGuard.openReservations()).isZero();
    }

    @Test
    void guardsKeepPerTaskAndPerCallState() throws Exception {
        List<String> spans = new ArrayList<>();
        CallGuard tracer = new CallGuard() {
            @Override
            public void beforeTask(GuardedTask task) {
                task.state(this, "trace-" + task.taskId());
            }

            @Override
            public void beforeCall(GuardedCall call) {
                call.state(this, call.task().state(this) + "/" + call.describe());
            }

            @Override
            public void afterCall(GuardedCall call) {
                spans.add((String) call.state(this));
            }
        };
        AgentSre sre = AgentSre.builder().clock(clock).guard(tracer).build();

        sre.agent("a").task("t").call(ctx -> ctx.tool("search", 1, () -> ctx.llm("gpt-4o", 2, () -> "nested")));

        assertThat(spans).containsExactly("trace-t/llm:gpt-4o", "trace-t/tool:search");
    }

    @Test
    void theCurrentTaskContextIsBoundWhileTheBodyRuns() throws Exception {
        AgentSre sre = AgentSre.builder().clock(clock).build();
        assertThat(TaskContext.current()).isEmpty();

        String seen = sre.agent("a").task("t").call(ctx -> TaskContext.current().orElseThrow().taskId());

        assertThat(seen).isEqualTo("t");
        assertThat(TaskContext.current()).isEmpty();
    }

    @Test
    void aContextCanMakeNoCallsAfterItsTaskEnded() throws Exception {
        AgentSre sre = AgentSre.builder().clock(clock).build();
        TaskContext leaked = sre.agent("a").task("t").call(ctx -> ctx);

        assertThatThrownBy(() -> leaked.tool("x", 1, () -> 1)).isInstanceOf(IllegalStateException.class).hasMessageContaining("has ended");
    }

    @Test
    void anAsyncTasksStageFailsAtItsDeadlineAndItsLaterCallsAreRefused() throws Exception {
        ManualScheduledExecutor timer = new ManualScheduledExecutor(clock);
        CostGuard costGuard = CostGuard.builder().clock(clock).build();
        AgentSre sre = AgentSre.builder().clock(clock).costGuard(costGuard).scheduler(timer)
                .taskLimits(TaskLimits.builder().maxDuration(Duration.ofSeconds(30)).build()).build();
        CompletableFuture<String> pending = new CompletableFuture<>();
        TaskContext[] context = new TaskContext[1];

        CompletionStage<String> stage = sre.agent("a").task("slow").estimatedCost(1.00).callAsync(ctx -> {
            context[0] = ctx;
            return pending;
        });
        timer.advanceTo(clock.instant().plusSeconds(30));
        assertThat(stage.toCompletableFuture()).isNotDone();
        timer.advanceTo(clock.instant().plusSeconds(1));

        assertThatThrownBy(() -> stage.toCompletableFuture().get()).isInstanceOf(ExecutionException.class)
                .cause().isInstanceOf(TaskLimitExceededException.class)
                .satisfies(e -> assertThat(((TaskLimitExceededException) e).limit()).isEqualTo("maxDuration"));
        assertThat(costGuard.openReservations()).isZero();
        assertThatThrownBy(() -> context[0].tool("late", 1, () -> 1)).isInstanceOf(IllegalStateException.class);
        pending.complete("too late"); // completing afterwards changes nothing
        assertThat(costGuard.snapshot("a").spentUsd()).isEqualByComparingTo("0");
    }

    @Test
    void anAsyncBodyReturningNoStageIsAFailedStageAndHoldsNothing() {
        CostGuard costGuard = CostGuard.builder().clock(clock).build();
        AgentSre sre = AgentSre.builder().clock(clock).costGuard(costGuard).build();

        CompletionStage<String> stage = sre.agent("a").task("t").estimatedCost(1).callAsync(ctx -> null);

        assertThat(stage.toCompletableFuture()).isCompletedExceptionally();
        assertThat(costGuard.openReservations()).isZero();
    }

    @Test
    void closeUnsubscribesEverythingThePipelineSubscribedTo() throws Exception {
        SreEventBus sloBus = new SreEventBus();
        Slo slo = Slo.builder("own-bus").agentId("a").indicator(Slis.taskSuccessRate().clock(clock).build())
                .errorBudget(ErrorBudget.builder().total(0.1).window(Duration.ofHours(1)).exhaustionAction(ExhaustionAction.FREEZE_DEPLOYMENTS)
                        .minimumEvents(10).clock(clock).build())
                .eventBus(sloBus).clock(clock).build();
        List<ExhaustionActionTaken> actions = new ArrayList<>();
        bus.subscribe(ExhaustionActionTaken.class, actions::add);
        int busListeners = bus.listenerCount();
        int sloListeners = sloBus.listenerCount();
        AgentSre sre = AgentSre.builder().clock(clock).eventBus(bus).slo(slo).build();
        assertThat(bus.listenerCount()).isEqualTo(busListeners + 2);   // the SLO actions and the event logger
        assertThat(sloBus.listenerCount()).isEqualTo(sloListeners + 2);

        sre.close();
        sre.close(); // idempotent

        assertThat(bus.listenerCount()).isEqualTo(busListeners);
        assertThat(sloBus.listenerCount()).isEqualTo(sloListeners);
        for (int i = 0; i < 10; i++) {
            try {
                sre.agent("a").task("fail-" + i).call(ctx -> {
                    throw new IllegalStateException("down");
                });
            } catch (IllegalStateException expected) {
                // tasks still run
            }
        }
        slo.evaluate();
        assertThat(sre.deploymentsFrozen("a")).isFalse(); // no longer acted on
        assertThat(actions).isEmpty();
    }

    @Test
    void theChainIsSloAccountingThenUserGuardsThenTheBuiltInOnesInTheDocumentedOrder() {
        CallGuard mine = new CallGuard() {
        };
        Slo slo = Slo.builder("s").indicator(Slis.taskSuccessRate().clock(clock).build())
                .errorBudget(ErrorBudget.builder().total(0.1).clock(clock).build()).clock(clock).build();
        AgentSre sre = AgentSre.builder().clock(clock).guard(mine).slo(slo)
                .rogueDetector(new RogueAgentDetector(RogueDetectorConfig.builder().clock(clock).build()))
                .costGuard(CostGuard.builder().clock(clock).build())
                .breakers(CircuitBreakerRegistry.of(CircuitBreakerConfig.ofDefaults()))
                .dependencyBreakers(CircuitBreakerRegistry.of(CircuitBreakerConfig.ofDefaults()))
                .build();

        assertThat(sre.guardChain().get(0).getClass().getSimpleName()).isEqualTo("SloGuard"); // sees your guards' refusals too
        assertThat(sre.guardChain().get(1)).isSameAs(mine);
        assertThat(sre.guardChain().subList(2, sre.guardChain().size())).extracting(g -> g.getClass().getSimpleName())
                .containsExactly("LimitsGuard", "QuarantineGuard", "SloThrottleGuard", "BudgetGuard", "AgentBreakerGuard",
                        "DependencyBreakerGuard");
    }
}
