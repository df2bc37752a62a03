package dev.agentsre.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.agentsre.AgentSre;
import dev.agentsre.cost.CostGuard;
import dev.agentsre.cost.PriceTable;
import dev.agentsre.cost.TokenUsage;
import dev.agentsre.event.SreEventBus;
import dev.agentsre.testing.ManualScheduledExecutor;
import dev.agentsre.testing.ManualClock;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class ShadowTest {

    record Order(String id, String status) {
    }

    record Reply(String text, long inputTokens, long outputTokens) {
        TokenUsage usage() {
            return TokenUsage.of(inputTokens, outputTokens);
        }
    }

    private final ManualClock clock = ManualClock.at(Instant.parse("2026-11-02T08:00:00Z"));
    private final ManualScheduledExecutor scheduler = new ManualScheduledExecutor(clock);
    /** Shadows wait here until the test runs them: {@link #runShadows()}. */
    private final Executor queued = task -> scheduler.schedule(task, 0, TimeUnit.MILLISECONDS);
    private final SreEventBus bus = new SreEventBus();
    private final AtomicInteger baselineToolRuns = new AtomicInteger();
    private final AtomicInteger candidateToolRuns = new AtomicInteger();

    private void runShadows() {
        scheduler.advanceTo(clock.instant());
    }

    /** Looks an order up, then answers; takes 100 ms of the clock. */
    private AgentVersion<String, String> baseline() {
        return (question, calls) -> {
            Order order = calls.tool("lookup_order", question, () -> {
                baselineToolRuns.incrementAndGet();
                return new Order(question, "shipped");
            });
            clock.advanceMillis(100);
            return "order " + order.id() + " is " + order.status();
        };
    }

    private AgentRollout.Builder<String, String> shadowRollout(AgentVersion<String, String> candidate) {
        return AgentRollout.<String, String>builder("bot-v4").agent("bot").baseline("v3", baseline()).candidate("v4", candidate)
                .steps(RolloutStep.shadow(1.0).duration("1h")).shadowExecutor(queued).clock(clock).eventBus(bus);
    }

    @Test
    void theCandidateRunsAfterTheBaselineHasAnsweredAndItsFailureNeverReachesTheCaller() throws Exception {
        AtomicInteger candidateRuns = new AtomicInteger();
        AgentRollout<String, String> rollout = shadowRollout((q, calls) -> {
            candidateRuns.incrementAndGet();
            clock.advance(Duration.ofSeconds(20)); // slow
            throw new IllegalStateException("candidate broke");
        }).build();
        rollout.start();

        assertThat(rollout.call("s1", "o-1")).isEqualTo("order o-1 is shipped");
        assertThat(candidateRuns).as("the shadow has not run when the answer is returned").hasValue(0);
        assertThat(rollout.status().baseline().latencyMeanMs()).isEqualTo(100.0);
        runShadows();
        assertThat(candidateRuns).hasValue(1);
        RolloutStatus status = rollout.status();
        assertThat(status.candidate().calls()).isEqualTo(1);
        assertThat(status.candidate().errors()).isEqualTo(1);
        assertThat(status.candidate().latencyMeanMs()).isEqualTo(20_000.0);
        assertThat(status.baseline().latencyMeanMs()).as("the baseline's latency is its own").isEqualTo(100.0);
        assertThat(status.shadow().matchRate()).isEqualTo(0.0);
        assertThat(rollout.calls(Variant.BASELINE)).isEqualTo(1);
        assertThat(rollout.calls(Variant.CANDIDATE)).as("a shadow serves nobody").isZero();
    }

    @Test
    void aBlockedCandidateOnARealThreadDoesNotDelayTheBaselinesAnswer() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch started = new CountDownLatch(1);
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try {
            AgentRollout<String, String> rollout = shadowRollout((q, calls) -> {
                started.countDown();
                release.await();
                return "late";
            }).shadowExecutor(pool).build();
            rollout.start();
            assertThat(rollout.call("s1", "o-1")).isEqualTo("order o-1 is shipped");
            assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();
            // The candidate is still blocked, and the next answer comes back just the same.
            assertThat(rollout.call("s2", "o-2")).isEqualTo("order o-2 is shipped");
            assertThat(rollout.status().baseline().latencyMeanMs()).isEqualTo(100.0);
            assertThat(rollout.status().shadow().skippedBusy()).isZero();
        } finally {
            release.countDown();
            pool.shutdown();
            assertThat(pool.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
        }
    }

    @Test
    void theCandidatesToolCallsAreServedFromTheBaselinesRecordingAndItsToolLambdasNeverRun() throws Exception {
        List<Order> seen = new ArrayList<>();
        AgentRollout<String, String> rollout = shadowRollout((question, calls) -> {
            Order order = calls.tool("lookup_order", question, () -> {
                candidateToolRuns.incrementAndGet();
                return new Order(question, "cancelled");
            });
            seen.add(order);
            return "order " + order.id() + " is " + order.status();
        }).comparator(OutputComparator.trajectory(TrajectoryMatch.STRICT)).build();
        rollout.start();
        for (int i = 0; i < 5; i++) {
            rollout.call("s" + i, "o-" + i);
        }
        runShadows();
        assertThat(candidateToolRuns).hasValue(0);
        assertThat(baselineToolRuns).as("the baseline's tool ran once per request, not twice").hasValue(5);
        assertThat(seen).extracting(Order::status).containsOnly("shipped"); // the recorded answer, as an Order
        assertThat(rollout.status().shadow().matchRate()).isEqualTo(1.0);
        assertThat(rollout.status().shadow().toolsNotRecorded()).isZero();
    }

    @Test
    void aToolCallTheBaselineDidNotMakeIsRefusedAndCountedAsATrajectoryDivergence() throws Exception {
        List<Throwable> refused = new ArrayList<>();
        AgentRollout<String, String> rollout = shadowRollout((question, calls) -> {
            try {
                calls.tool("refund_order", question, () -> {
                    candidateToolRuns.incrementAndGet();
                    return "refunded";
                });
            } catch (ShadowToolNotRecordedException e) {
                refused.add(e);
            }
            return "done";
        }).comparator(OutputComparator.trajectory(TrajectoryMatch.SUPERSET)).build();
        rollout.start();
        rollout.call("s1", "o-1");
        runShadows();
        assertThat(candidateToolRuns).hasValue(0);
        assertThat(refused).singleElement().satisfies(e -> {
            assertThat(((ShadowToolNotRecordedException) e).tool()).isEqualTo("refund_order");
            assertThat(e).hasMessageContaining("never calls it for real");
        });
        RolloutStatus status = rollout.status();
        assertThat(status.shadow().toolsNotRecorded()).isEqualTo(1);
        assertThat(status.shadow().matchRate()).isZero();
        assertThat(status.shadow().similarity()).isZero();
    }

    /** Issue 17: a shadow of $X is charged to the shadow scope; the agent's own budget sees only the baseline. */
    @Test
    void shadowSpendIsChargedToTheShadowScopeAndStopsWhenItsBudgetIsSpent() throws Exception {
        CostGuard production = CostGuard.builder().perAgentDailyLimit(100).priceTable(PriceTable.defaults()).clock(clock).build();
        AgentSre sre = AgentSre.builder().costGuard(production).clock(clock).eventBus(bus).build();
        CostGuard shadows = CostGuard.builder().agentDailyLimit("shadow:bot-v4", 0.10).priceTable(PriceTable.defaults()).clock(clock).build();
        AgentVersion<String, String> answer = (q, calls) -> calls.llm("gpt-4o", q, () -> new Reply("hi", 2_000, 500), Reply::usage).text();
        AgentRollout<String, String> rollout = AgentRollout.<String, String>builder("bot-v4")
                .baseline("v3", sre, "bot", answer).candidate("v4", answer)
                .steps(RolloutStep.shadow(1.0).duration("1h")).shadowExecutor(queued).shadowCostGuard(shadows).clock(clock).eventBus(bus)
                .build();
        rollout.start();
        BigDecimal one = PriceTable.defaults().cost("gpt-4o", TokenUsage.of(2_000, 500));
        for (int i = 0; i < 3; i++) {
            rollout.call("s" + i, "q" + i);
        }
        runShadows();
        assertThat(shadows.snapshot("shadow:bot-v4").spentUsd()).isEqualByComparingTo(one.multiply(BigDecimal.valueOf(3)));
        assertThat(production.snapshot("bot").spentUsd()).as("the agent pays for its own calls only")
                .isEqualByComparingTo(one.multiply(BigDecimal.valueOf(3)));
        assertThat(rollout.status().candidate().costMeanUsd()).isEqualTo(one.doubleValue());

        // $0.0100 a shadow against $0.10 a day: the kill switch (95 %) stops shadows after the tenth.
        for (int i = 3; i < 40; i++) {
            rollout.call("s" + i, "q" + i);
            runShadows();
        }
        RolloutStatus status = rollout.status();
        assertThat(status.shadow().skippedBudget()).isPositive();
        assertThat(shadows.snapshot("shadow:bot-v4").spentUsd()).isLessThanOrEqualTo(new BigDecimal("0.10").add(one));
        assertThat(status.baseline().calls()).as("every call was still answered").isEqualTo(40);
    }

    @Test
    void aDedicatedShadowBudgetIsADailyLimitOnTheShadowScope() throws Exception {
        AgentVersion<String, String> answer = (q, calls) -> calls.llm("gpt-4o", q, () -> new Reply("hi", 1_000, 100), Reply::usage).text();
        AgentRollout<String, String> rollout = shadowRollout(answer).shadowBudget(5.00).build();
        rollout.start();
        rollout.call("s1", "q");
        runShadows();
        assertThat(rollout.shadowScope()).isEqualTo("shadow:bot-v4");
        assertThat(rollout.shadowCostGuard().snapshot("shadow:bot-v4").spentUsd())
                .isEqualByComparingTo(PriceTable.defaults().cost("gpt-4o", TokenUsage.of(1_000, 100)));
        assertThat(rollout.shadowCostGuard().snapshot("shadow:bot-v4").limitUsd()).isEqualByComparingTo("5.00");
    }

    @Test
    void atMostMaxShadowConcurrencyShadowsRunAndTheRestAreSkippedNotQueued() throws Exception {
        AgentRollout<String, String> rollout = shadowRollout(AgentVersion.of(q -> "x")).maxShadowConcurrency(2).build();
        rollout.start();
        for (int i = 0; i < 5; i++) {
            rollout.call("s" + i, "o-" + i);
        }
        assertThat(rollout.status().shadow().started()).isEqualTo(2);
        assertThat(rollout.status().shadow().skippedBusy()).isEqualTo(3);
        runShadows();
        rollout.call("s9", "o-9");
        assertThat(rollout.status().shadow().started()).as("slots are given back").isEqualTo(3);
    }

    @Test
    void aShadowThatOutlivesTheTimeoutIsACandidateFailureAndItsLateResultIsDropped() throws Exception {
        AgentRollout<String, String> rollout = shadowRollout(AgentVersion.of(q -> "order " + q + " is shipped"))
                .shadowTimeout(Duration.ofSeconds(30)).build();
        rollout.start();
        rollout.call("s1", "o-1");
        clock.advance(Duration.ofSeconds(31));
        rollout.evaluate();
        assertThat(rollout.status().shadow().timeouts()).isEqualTo(1);
        assertThat(rollout.status().candidate().errors()).isEqualTo(1);
        runShadows(); // now it finishes
        assertThat(rollout.status().shadow().compared()).isEqualTo(1);
        assertThat(rollout.status().shadow().matchRate()).as("only the timeout was recorded").isZero();
        assertThat(rollout.status().candidate().calls()).isEqualTo(1);
    }

    @Test
    void aBaselineRunThatCannotBeRecordedIsServedUnchangedAndNotShadowed() throws Exception {
        Object unwritable = new Object(); // Jackson cannot write a bean without properties
        AtomicInteger toolRuns = new AtomicInteger();
        AgentRollout<String, String> rollout = AgentRollout.<String, String>builder("bot-v4").agent("bot")
                .baseline("v3", (q, calls) -> calls.tool("opaque", q, () -> {
                    toolRuns.incrementAndGet();
                    return unwritable;
                }) == unwritable ? "same object" : "copy")
                .candidate("v4", AgentVersion.of(q -> "x")).steps(RolloutStep.shadow(1.0)).shadowExecutor(queued).clock(clock).build();
        rollout.start();
        assertThat(rollout.call("s1", "q")).isEqualTo("same object");
        assertThat(toolRuns).hasValue(1);
        assertThat(rollout.status().shadow().skippedRecording()).isEqualTo(1);
        assertThat(rollout.status().shadow().started()).isZero();
    }

    @Test
    void theBaselinesOwnToolFailureIsRethrownUnchangedAndRecordedForTheShadow() throws Exception {
        IllegalArgumentException unknown = new IllegalArgumentException("no such order");
        List<String> candidateSaw = new ArrayList<>();
        AgentRollout<String, String> rollout = AgentRollout.<String, String>builder("bot-v4").agent("bot")
                .baseline("v3", (q, calls) -> calls.tool("lookup_order", q, () -> {
                    throw unknown;
                }))
                .candidate("v4", (q, calls) -> {
                    try {
                        return calls.tool("lookup_order", q, () -> "real");
                    } catch (IllegalArgumentException e) {
                        candidateSaw.add(e.getMessage());
                        throw e;
                    }
                })
                .steps(RolloutStep.shadow(1.0)).shadowExecutor(queued).clock(clock).build();
        rollout.start();
        assertThatThrownBy(() -> rollout.call("s1", "o-404")).isSameAs(unknown);
        runShadows();
        assertThat(candidateSaw).containsExactly("no such order");
        assertThat(rollout.status().shadow().matchRate()).as("both failed: the same behaviour").isEqualTo(1.0);
    }

    /** A non-deterministic model: the baseline itself answers one of two phrasings. */
    private static AgentVersion<String, String> phrasing(SplittableRandom random, String... answers) {
        return (q, calls) -> answers[random.nextInt(answers.length)];
    }

    @Test
    void theNoiseFloorKeepsAModelsOwnNonDeterminismFromFailingTheSimilarityGate() throws Exception {
        Gate similar = Gate.atLeast(RolloutMetrics.SIMILARITY, 0.9);
        SplittableRandom random = new SplittableRandom(7);
        AgentRollout<String, String> sameModel = AgentRollout.<String, String>builder("bot-v4").agent("bot")
                .baseline("v3", phrasing(random, "Your order shipped.", "It has shipped."))
                .candidate("v4", phrasing(random, "Your order shipped.", "It has shipped."))
                .steps(RolloutStep.shadow(1.0).duration("1h").minSamples(100).gate(similar), RolloutStep.canary(0.1))
                .noiseFloor(0.5).shadowExecutor(queued).clock(clock).build();
        run(sameModel, 400);
        RolloutStatus status = sameModel.status();
        assertThat(status.shadow().similarity()).as("raw similarity").isBetween(0.4, 0.6);
        assertThat(status.shadow().noiseFloorSimilarity()).as("baseline vs baseline").isBetween(0.4, 0.6);
        assertThat(status.shadow().noiseFloorSamples()).isEqualTo(200);
        assertThat(status.shadow().adjustedSimilarity()).isGreaterThan(0.9);
        clock.advance(Duration.ofHours(1));
        sameModel.evaluate();
        assertThat(sameModel.state()).as("passed to the canary").isEqualTo(RolloutState.CANARY);

        AgentRollout<String, String> noFloor = AgentRollout.<String, String>builder("bot-v4b").agent("bot")
                .baseline("v3", phrasing(random, "Your order shipped.", "It has shipped."))
                .candidate("v4", phrasing(random, "Your order shipped.", "It has shipped."))
                .steps(RolloutStep.shadow(1.0).duration("1h").minSamples(100).gate(similar), RolloutStep.canary(0.1))
                .shadowExecutor(queued).clock(clock).build();
        run(noFloor, 400);
        clock.advance(Duration.ofHours(1));
        noFloor.evaluate();
        assertThat(noFloor.state()).as("without the floor the same model looks like a regression").isEqualTo(RolloutState.ROLLED_BACK);

        AgentRollout<String, String> different = AgentRollout.<String, String>builder("bot-v4c").agent("bot")
                .baseline("v3", phrasing(random, "Your order shipped.", "It has shipped."))
                .candidate("v4", phrasing(random, "I cannot help with that."))
                .steps(RolloutStep.shadow(1.0).duration("1h").minSamples(100).gate(similar), RolloutStep.canary(0.1))
                .noiseFloor(0.5).shadowExecutor(queued).clock(clock).build();
        run(different, 400);
        assertThat(different.status().shadow().adjustedSimilarity()).isZero();
        clock.advance(Duration.ofHours(1));
        different.evaluate();
        assertThat(different.state()).isEqualTo(RolloutState.ROLLED_BACK);
    }

    @Test
    void aSimilarityRegressionAgainstTheNoiseFloorIsCaughtByTheSequentialTest() throws Exception {
        SplittableRandom random = new SplittableRandom(11);
        AgentRollout<String, String> rollout = AgentRollout.<String, String>builder("bot-v4").agent("bot")
                .baseline("v3", phrasing(random, "a", "a", "a", "b"))
                .candidate("v4", phrasing(random, "a", "c", "c", "b"))
                .steps(RolloutStep.shadow(1.0).duration("1h"))
                .rollbackOn(RollbackTrigger.sequentialRegression(RolloutMetrics.SIMILARITY))
                .noiseFloor(0.5).shadowExecutor(queued).clock(clock).build();
        run(rollout, 1_000);
        assertThat(rollout.state()).isEqualTo(RolloutState.ROLLED_BACK);
        assertThat(rollout.status().rollbackEvidence().summary()).contains("two-sample mSPRT").contains("similarity (candidate vs A/A similarity)");
    }

    @Test
    void inShadowTheErrorTestIsPairedOnTheSameRequests() throws Exception {
        SplittableRandom random = new SplittableRandom(3);
        AgentRollout<String, String> rollout = AgentRollout.<String, String>builder("bot-v4").agent("bot")
                .baseline("v3", AgentVersion.of(q -> "a"))
                .candidate("v4", (q, calls) -> {
                    if (random.nextDouble() < 0.10) {
                        throw new IllegalStateException("candidate failed");
                    }
                    return "a";
                })
                .steps(RolloutStep.shadow(1.0).duration("1h"))
                .rollbackOn(RollbackTrigger.sequentialRegression(RolloutMetrics.ERROR_RATE))
                .shadowExecutor(queued).clock(clock).build();
        run(rollout, 2_000);
        assertThat(rollout.state()).isEqualTo(RolloutState.ROLLED_BACK);
        Evidence evidence = rollout.status().rollbackEvidence();
        assertThat(evidence.summary()).contains("paired mSPRT").contains("error_rate (error indicator)");
        assertThat(evidence.values().get("difference")).isBetween(0.03, 0.25);
    }

    @Test
    void aJudgeIsAskedInBothOrders() throws Exception {
        List<String> asked = new ArrayList<>();
        AgentRollout<String, String> rollout = shadowRollout(AgentVersion.of(q -> "candidate"))
                .comparator(OutputComparator.judge((request, first, second) -> {
                    asked.add(first + " vs " + second);
                    return PairwiseJudge.Preference.FIRST; // always favours the first position: a biased judge
                })).build();
        rollout.start();
        rollout.call("s1", "o-1");
        runShadows();
        assertThat(asked).containsExactly("order o-1 is shipped vs candidate", "candidate vs order o-1 is shipped");
        assertThat(rollout.status().shadow().matchRate()).as("position bias is a tie, not a loss").isEqualTo(1.0);
    }

    @Test
    void aComparatorThatThrowsIsAMeasurementErrorNotAFailure() throws Exception {
        AgentRollout<String, String> rollout = shadowRollout(AgentVersion.of(q -> "x")).comparator((a, b) -> {
            throw new IllegalStateException("comparator bug");
        }).build();
        rollout.start();
        assertThat(rollout.call("s1", "o-1")).isEqualTo("order o-1 is shipped");
        runShadows();
        assertThat(rollout.status().shadow().comparatorErrors()).isEqualTo(1);
        assertThat(rollout.status().shadow().compared()).isZero();
        assertThat(rollout.status().candidate().errors()).isZero();
    }

    @Test
    void theShadowSampleRateShadowsThatShareOfSessionsStickily() throws Exception {
        AgentRollout<String, String> rollout = shadowRollout(AgentVersion.of(q -> "x")).steps(RolloutStep.shadow(0.2).duration("1h"))
                .maxShadowConcurrency(10_000).build();
        rollout.start();
        for (int i = 0; i < 2_000; i++) {
            rollout.call("s" + i, "o");
        }
        assertThat(rollout.status().shadow().selected()).isBetween(320L, 480L);
        assertThat(rollout.status().shadowRate()).isEqualTo(0.2);
    }

    private void run(AgentRollout<String, String> rollout, int calls) throws Exception {
        if (rollout.state() == RolloutState.PENDING) {
            rollout.start();
        }
        for (int i = 0; i < calls && !rollout.state().isTerminal(); i++) {
            rollout.call("s" + i, "q" + i);
            runShadows();
        }
    }
}
