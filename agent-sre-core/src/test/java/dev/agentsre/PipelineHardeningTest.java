package dev.agentsre;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.agentsre.breaker.CircuitBreakerConfig;
import dev.agentsre.breaker.CircuitBreakerRegistry;
import dev.agentsre.breaker.CircuitOpenException;
import dev.agentsre.breaker.CircuitState;
import dev.agentsre.breaker.RateLimitedException;
import dev.agentsre.chaos.ChaosExperiment;
import dev.agentsre.chaos.Fault;
import dev.agentsre.cost.CostGuard;
import dev.agentsre.event.ExhaustionActionTaken;
import dev.agentsre.event.PostFlightFailed;
import dev.agentsre.event.SreEventBus;
import dev.agentsre.guard.CallGuard;
import dev.agentsre.guard.GuardedTask;
import dev.agentsre.internal.Throwables;
import dev.agentsre.replay.TraceStore;
import dev.agentsre.slo.ErrorBudget;
import dev.agentsre.slo.ExhaustionAction;
import dev.agentsre.slo.Slis;
import dev.agentsre.slo.Slo;
import dev.agentsre.testing.ManualClock;
import dev.agentsre.testing.Race;
import dev.agentsre.testing.RecordingSleeper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Hardening I: the pipeline at its boundaries. Each test is named after the defect it pins down. */
class PipelineHardeningTest {

    private final ManualClock clock = ManualClock.at(Instant.parse("2026-11-02T09:00:00Z"));
    private final SreEventBus bus = new SreEventBus();
    private final List<PostFlightFailed> postFlight = Collections.synchronizedList(new ArrayList<>());

    PipelineHardeningTest() {
        bus.subscribe(PostFlightFailed.class, postFlight::add);
    }

    private CircuitBreakerRegistry breakers(int halfOpenMaxCalls) {
        return CircuitBreakerRegistry.of(CircuitBreakerConfig.builder().failureThreshold(1).recoveryTimeout(Duration.ofSeconds(30))
                .halfOpenMaxCalls(halfOpenMaxCalls).clock(clock).build(), bus);
    }

    private static String fail(TaskContext ctx) {
        throw new IllegalStateException("503");
    }

    // #1: a slow task admitted while CLOSED closed a circuit no probe had tested; a success in
    // HALF_OPEN gave back a permit it never took.
    @Test
    void defect1_aTasksOutcomeGoesToThePermitItWasAdmittedWith() throws Exception {
        CircuitBreakerRegistry breakers = breakers(1);
        AgentSre sre = AgentSre.builder().clock(clock).eventBus(bus).breakers(breakers).build();
        CompletableFuture<String> probeAnswer = new CompletableFuture<>();
        @SuppressWarnings("unchecked")
        CompletionStage<String>[] probe = new CompletionStage[1];

        String slow = sre.agent("a").task("slow").call(ctx -> {
            assertThatThrownBy(() -> sre.agent("a").task("fails").call(PipelineHardeningTest::fail)).isInstanceOf(IllegalStateException.class);
            clock.advance(Duration.ofSeconds(30));
            probe[0] = sre.agent("a").task("probe").callAsync(c -> probeAnswer); // admitted in HALF_OPEN, still running
            return "slow old success";
        });

        assertThat(slow).isEqualTo("slow old success");
        assertThat(breakers.get("a").state()).as("a success admitted under CLOSED says nothing now").isEqualTo(CircuitState.HALF_OPEN);
        assertThatThrownBy(() -> sre.agent("a").task("third").call(ctx -> "x")).isInstanceOf(CircuitOpenRefusedException.class)
                .satisfies(e -> assertThat(e.getCause()).isInstanceOf(CircuitOpenException.class)); // the one probe slot is still taken
        probeAnswer.complete("ok");
        assertThat(probe[0].toCompletableFuture().get(5, TimeUnit.SECONDS)).isEqualTo("ok");
        assertThat(breakers.get("a").state()).isEqualTo(CircuitState.CLOSED);
    }

    // #1 under many threads: eight slow tasks admitted while CLOSED finish after the circuit opened and a
    // probe took the one half-open slot; their successes neither close the circuit nor free the slot.
    @Test
    void defect1_eightSlowTasksAdmittedWhileClosedNeitherCloseTheCircuitNorFreeTheProbeSlot() throws Exception {
        CircuitBreakerRegistry breakers = breakers(1);
        List<String> transitions = Collections.synchronizedList(new ArrayList<>());
        bus.subscribe(dev.agentsre.event.CircuitStateChanged.class, e -> transitions.add(e.from() + "->" + e.to()));
        AgentSre sre = AgentSre.builder().clock(clock).eventBus(bus).breakers(breakers).build();
        int slowTasks = 8;
        CountDownLatch admitted = new CountDownLatch(slowTasks);
        CountDownLatch release = new CountDownLatch(1);
        List<String> answers = Collections.synchronizedList(new ArrayList<>());
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < slowTasks; i++) {
            Thread t = new Thread(() -> {
                try {
                    answers.add(sre.agent("a").task("slow").call(ctx -> {
                        admitted.countDown();
                        release.await();
                        return "slow success";
                    }));
                } catch (Exception e) {
                    answers.add(e.toString());
                }
            });
            t.start();
            threads.add(t);
        }
        assertThat(admitted.await(30, TimeUnit.SECONDS)).isTrue();
        assertThatThrownBy(() -> sre.agent("a").task("fails").call(PipelineHardeningTest::fail)).isInstanceOf(IllegalStateException.class);
        clock.advance(Duration.ofSeconds(30));
        CompletableFuture<String> probeAnswer = new CompletableFuture<>();
        CompletionStage<String> probe = sre.agent("a").task("probe").callAsync(c -> probeAnswer);
        release.countDown();
        for (Thread t : threads) {
            t.join(30_000);
        }

        assertThat(answers).hasSize(slowTasks).containsOnly("slow success");
        assertThat(breakers.get("a").state()).isEqualTo(CircuitState.HALF_OPEN);
        assertThatThrownBy(() -> sre.agent("a").task("second probe").call(ctx -> "x")).isInstanceOf(CircuitOpenRefusedException.class);
        probeAnswer.complete("ok");
        assertThat(probe.toCompletableFuture().get(5, TimeUnit.SECONDS)).isEqualTo("ok");
        assertThat(transitions).containsExactly("CLOSED->OPEN", "OPEN->HALF_OPEN", "HALF_OPEN->CLOSED");
    }

    // #4: with a half-open cap of 1, nine probe bodies ran at once through the pipeline.
    @Test
    void defect4_theHalfOpenProbeCapHoldsThroughThePipelineUnderNineThreads() throws Exception {
        for (int round = 0; round < 10; round++) {
            CircuitBreakerRegistry breakers = breakers(1);
            AgentSre sre = AgentSre.builder().clock(clock).eventBus(bus).breakers(breakers).build();
            assertThatThrownBy(() -> sre.agent("a").task("trip").call(PipelineHardeningTest::fail)).isInstanceOf(IllegalStateException.class);
            clock.advance(Duration.ofSeconds(30));
            AtomicInteger running = new AtomicInteger();
            AtomicInteger maxRunning = new AtomicInteger();
            AtomicInteger refused = new AtomicInteger();
            CountDownLatch attempted = new CountDownLatch(9);
            Race.run(9, thread -> {
                try {
                    sre.agent("a").task("probe-" + thread).call(ctx -> {
                        maxRunning.accumulateAndGet(running.incrementAndGet(), Math::max);
                        attempted.countDown();
                        attempted.await(30, TimeUnit.SECONDS); // every other thread has tried meanwhile
                        running.decrementAndGet();
                        return "ok";
                    });
                } catch (CircuitOpenRefusedException e) {
                    refused.incrementAndGet();
                    attempted.countDown();
                }
            });
            assertThat(maxRunning).as("round %d", round).hasValue(1);
            assertThat(refused).hasValue(8);
            assertThat(breakers.get("a").state()).isEqualTo(CircuitState.CLOSED);
        }
    }

    // #3: a post-flight failure (an SLO listener, a trace write) replaced the agent's result and skipped
    // the steps after it.
    @Test
    void defect3_aFailingPostFlightStepNeitherReplacesTheResultNorSkipsTheOthers(@TempDir Path dir) throws Exception {
        Path notADirectory = Files.writeString(dir.resolve("a-file"), "x"); // saving a trace under it fails
        CostGuard guard = CostGuard.builder().clock(clock).eventBus(bus).build();
        CircuitBreakerRegistry breakers = breakers(1);
        Slo slo = Slo.builder("reliability").agentId("a").indicator(Slis.taskSuccessRate().build())
                .errorBudget(ErrorBudget.builder().total(0.1).clock(clock).build()).eventBus(bus).clock(clock).build();
        bus.subscribe(dev.agentsre.event.SloEvent.class, e -> {
            throw new IllegalStateException("a broken SLO listener");
        });
        CallGuard audit = new CallGuard() {
            @Override
            public void afterTask(GuardedTask task) {
                throw new java.io.UncheckedIOException(new IOException("audit log unavailable"));
            }
        };
        AgentSre sre = AgentSre.builder().clock(clock).eventBus(bus).guard(audit).slo(slo).costGuard(guard).breakers(breakers)
                .traceStore(TraceStore.directory(notADirectory)).build();

        String answer = sre.agent("a").task("t").estimatedCost(0.25).call(ctx -> ctx.tool("search", "q", () -> "docs"));

        assertThat(answer).isEqualTo("docs");
        assertThat(guard.organizationSnapshot().spentUsd()).isEqualByComparingTo("0.25"); // charged its estimate
        assertThat(guard.openReservations()).isZero();
        assertThat(breakers.get("a").snapshot().successfulCalls()).isEqualTo(1);
        assertThat(slo.errorBudget().lifetimeEvents()).isEqualTo(1);
        assertThat(postFlight).extracting(PostFlightFailed::step).contains("afterTask of " + audit);
        assertThat(sre.guardFailures()).isPositive();
    }

    // #3: a call's usage function that throws replaced the call's result after the call had run.
    @Test
    void defect3_aUsageFunctionThatThrowsLosesTheCountNeverTheResult() throws Exception {
        AgentSre sre = AgentSre.builder().clock(clock).eventBus(bus).costGuard(CostGuard.builder().clock(clock).build()).build();
        AtomicInteger ran = new AtomicInteger();
        String answer = sre.agent("a").task("t").call(ctx -> ctx.llm("gpt-4o", "q", () -> {
            ran.incrementAndGet();
            return "answer";
        }, reply -> {
            throw new IllegalStateException("no usage in this reply");
        }));
        assertThat(answer).isEqualTo("answer");
        assertThat(ran).hasValue(1);
        assertThat(postFlight).singleElement().satisfies(e -> assertThat(e.step()).isEqualTo("usage function of llm:gpt-4o"));
    }

    // #3: callAsync with a body returning a null stage leaked the reservation and the half-open permit.
    @Test
    void defect3_anAsyncBodyThatReturnsNoStageOrThrowsAnythingLeaksNothing() throws Exception {
        CostGuard guard = CostGuard.builder().clock(clock).eventBus(bus).build();
        CircuitBreakerRegistry breakers = breakers(1);
        AgentSre sre = AgentSre.builder().clock(clock).eventBus(bus).costGuard(guard).breakers(breakers).build();
        assertThatThrownBy(() -> sre.agent("a").task("trip").call(PipelineHardeningTest::fail)).isInstanceOf(IllegalStateException.class);
        clock.advance(Duration.ofSeconds(30));

        CompletionStage<String> none = sre.agent("a").task("null-stage").estimatedCost(1.00).callAsync(ctx -> null);
        assertThat(catchThrowable(() -> none.toCompletableFuture().get())).hasCauseInstanceOf(NullPointerException.class);
        assertThat(guard.openReservations()).isZero();
        assertThat(guard.organizationSnapshot().heldUsd()).isEqualByComparingTo("0");
        assertThat(breakers.get("a").state()).isEqualTo(CircuitState.OPEN); // a failed probe, not a leaked slot
        clock.advance(Duration.ofSeconds(30));

        IOException checked = new IOException("thrown sneakily by a lambda");
        CompletionStage<String> sneaky = sre.agent("a").task("sneaky").estimatedCost(1.00)
                .callAsync(ctx -> {
                    throw Throwables.<RuntimeException>sneakyThrow(checked);
                });
        assertThat(catchThrowable(() -> sneaky.toCompletableFuture().get())).hasCause(checked);
        assertThat(guard.openReservations()).isZero();
        assertThat(breakers.get("a").state()).isEqualTo(CircuitState.OPEN);
        clock.advance(Duration.ofSeconds(30));

        String probe = sre.agent("a").task("probe").call(ctx -> "ok");
        assertThat(probe).isEqualTo("ok"); // the probe slot was given back each time
        assertThat(breakers.get("a").state()).isEqualTo(CircuitState.CLOSED);
    }

    // #5: a RateLimitedException with an absurd retryAfter lost the result and left money held until expiry.
    @Test
    void defect5_anAbsurdRetryAfterIsRethrownUnchangedAndNothingStaysHeld() {
        CostGuard guard = CostGuard.builder().clock(clock).eventBus(bus).build();
        CircuitBreakerRegistry breakers = breakers(1);
        AgentSre sre = AgentSre.builder().clock(clock).eventBus(bus).costGuard(guard).breakers(breakers).build();
        RateLimitedException absurd = new RateLimitedException("429", Duration.ofSeconds(Long.MAX_VALUE));

        Throwable thrown = catchThrowable(() -> sre.agent("a").task("t").estimatedCost(2.00).call(ctx -> {
            ctx.reportCost(0.40);
            throw absurd;
        }));

        assertThat(thrown).isSameAs(absurd);
        assertThat(guard.openReservations()).isZero();
        assertThat(guard.organizationSnapshot().spentUsd()).isEqualByComparingTo("0.40");
        assertThat(guard.organizationSnapshot().heldUsd()).isEqualByComparingTo("0");
        assertThat(breakers.get("a").state()).isEqualTo(CircuitState.OPEN);
        assertThat(postFlight).isEmpty();
    }

    // #5: a cost indicator whose value range the task's cost exceeded lost the result and skipped the rest.
    @Test
    void defect5_anIndicatorThatRejectsTheTasksCostSkipsNothingElse() throws Exception {
        Slo strict = Slo.builder("cost").agentId("a").indicator(Slis.costPerTask().valueRange(0, 1.0).build())
                .errorBudget(ErrorBudget.builder().total(0.1).clock(clock).build()).eventBus(bus).clock(clock).build();
        Slo reliability = Slo.builder("reliability").agentId("a").indicator(Slis.taskSuccessRate().build())
                .errorBudget(ErrorBudget.builder().total(0.1).clock(clock).build()).eventBus(bus).clock(clock).build();
        CostGuard guard = CostGuard.builder().clock(clock).eventBus(bus).build();
        AgentSre sre = AgentSre.builder().clock(clock).eventBus(bus).slo(strict).slo(reliability).costGuard(guard).build();

        String answer = sre.agent("a").task("t").call(ctx -> {
            ctx.reportCost(5.00);
            return "expensive answer";
        });

        assertThat(answer).isEqualTo("expensive answer");
        assertThat(reliability.errorBudget().lifetimeEvents()).isEqualTo(1);
        assertThat(strict.errorBudget().lifetimeEvents()).isEqualTo(1);
        assertThat(guard.organizationSnapshot().spentUsd()).isEqualByComparingTo("5.00");
        assertThat(postFlight).singleElement().satisfies(e -> assertThat(e.step()).isEqualTo("indicator 'cost_per_task' of SLO 'cost'"));
    }

    // #6: an InterruptedException from an injected chaos wait was rethrown without restoring the interrupt flag.
    @Test
    void defect6_anInterruptedChaosWaitKeepsTheInterruptFlag() throws Exception {
        ChaosExperiment latency = ChaosExperiment.builder("latency").fault(Fault.latencyInjection("search", Duration.ofSeconds(2), 1.0))
                .clock(clock).sleeper(new RecordingSleeper(clock)).eventBus(bus).build();
        latency.start();
        AgentSre sre = AgentSre.builder().clock(clock).eventBus(bus).chaos(latency).build();
        Throwable thrown;
        boolean flag;
        try {
            Thread.currentThread().interrupt();
            thrown = catchThrowable(() -> sre.agent("a").task("t").call(ctx -> ctx.tool("search", "q", () -> "docs")));
        } finally {
            flag = Thread.interrupted(); // read and clear, so the test thread is left clean
        }
        assertThat(thrown).isInstanceOf(InterruptedException.class);
        assertThat(flag).isTrue();
    }

    // #19: exhaustion actions: in 4 of 100 rounds an agent stayed throttled while its SLO was HEALTHY.
    @Test
    void defect19_exhaustionActionsFollowTheSlosStateAndPublishInOrderUnderEightThreads() throws Exception {
        for (int round = 0; round < 10; round++) {
            SreEventBus roundBus = new SreEventBus();
            List<ExhaustionActionTaken> taken = Collections.synchronizedList(new ArrayList<>());
            roundBus.subscribe(ExhaustionActionTaken.class, taken::add);
            ManualClock time = ManualClock.at(Instant.parse("2026-11-02T09:00:00Z"));
            Slo slo = Slo.builder("availability").agentId("a").indicator(Slis.taskSuccessRate().clock(time).build())
                    .errorBudget(ErrorBudget.builder().total(0.5).window(Duration.ofMinutes(10)).exhaustionAction(ExhaustionAction.THROTTLE)
                            .clock(time).build()).eventBus(roundBus).clock(time).evaluationInterval(Duration.ofMillis(1)).build();
            AgentSre sre = AgentSre.builder().clock(time).eventBus(roundBus).slo(slo).build();
            Race.run(8, thread -> {
                for (int i = 0; i < 300; i++) {
                    time.advanceMillis(1);
                    slo.recordEvent(thread % 2 == 0); // half good, half bad: the budget goes in and out of exhaustion
                    slo.evaluate();
                }
            });
            slo.evaluate();
            boolean throttled = false;
            for (ExhaustionActionTaken e : List.copyOf(taken)) {
                assertThat(e.applied()).as("round %d: %s after %s", round, e, throttled).isNotEqualTo(throttled);
                throttled = e.applied();
            }
            assertThat(sre.sloThrottled("a")).as("round %d", round).isEqualTo(slo.actionInForce().isPresent());
            assertThat(throttled).isEqualTo(sre.sloThrottled("a"));
        }
    }

    // #20: durations out of range in the pipeline's settings; a sub-millisecond maxDuration.
    @Test
    void defect20_pipelineDurationsOutOfRangeAreClearErrors() {
        assertThatThrownBy(() -> AgentSre.builder().sloThrottleInterval(Duration.ofNanos(10)).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("sloThrottleInterval");
        assertThatThrownBy(() -> TaskLimits.builder().maxDuration(Duration.ofNanos(500_000)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("maxDuration");
        assertThatThrownBy(() -> TaskLimits.builder().maxDuration(Duration.ofSeconds(Long.MAX_VALUE)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("maxDuration");
        assertThatThrownBy(() -> AgentSre.builder().build().agent("a").task("t").call(null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("body");
    }

    @Test
    void everyRefusalHasAKindAndAReasonCode() {
        assertThat(new BudgetExceededException("a", "t", "m", Duration.ZERO).kind()).isEqualTo(TaskRefusedException.Kind.BUDGET);
        assertThat(new BudgetExceededException("a", "t", "m", Duration.ZERO).reason()).isEqualTo("budget");
        assertThat(new GuardRefusedException("a", "t", "policy", "m", Duration.ZERO).reason()).isEqualTo("policy");
        assertThat(new GuardRefusedException("a", "t", "policy", "m", Duration.ZERO).kind()).isEqualTo(TaskRefusedException.Kind.GUARD);
        assertThat(new TaskLimitExceededException("a", "t", "maxToolCalls", 3, "m").reason()).isEqualTo("task_limit");
    }
}
