package dev.agentsre.cost;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.agentsre.BudgetExceededException;
import dev.agentsre.TaskRefusedException;
import dev.agentsre.ThrottledException;
import dev.agentsre.breaker.CircuitBreaker;
import dev.agentsre.breaker.CircuitBreakerConfig;
import dev.agentsre.event.SreEventBus;
import dev.agentsre.event.UnknownModelPriced;
import dev.agentsre.testing.ManualClock;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/** Wrapping a call in a cost guard: reserve, run, commit what it cost, release on failure — no hold can leak. */
class CostGuardCallsTest {

    private final ManualClock clock = ManualClock.at(Instant.parse("2026-11-02T09:00:00Z"));
    private final SreEventBus bus = new SreEventBus();

    private record Reply(String text, double costUsd, TokenUsage usage) {
    }

    private CostGuard guard(double dailyLimit) {
        return CostGuard.builder().perAgentDailyLimit(dailyLimit).clock(clock).eventBus(bus).build();
    }

    @Test
    void executeReservesRunsAndCommitsWhatTheResultSaysItCost() {
        CostGuard guard = guard(10);

        Reply reply = guard.execute("research-agent", "t-43", 0.50, () -> new Reply("hi", 0.42, null), Reply::costUsd);

        assertThat(reply.text()).isEqualTo("hi");
        assertThat(guard.snapshot("research-agent").spentUsd()).isEqualByComparingTo("0.42");
        assertThat(guard.openReservations()).isZero();
    }

    @Test
    void aRefusedCallNeverRunsAndThrowsABudgetRefusal() {
        CostGuard guard = guard(1);
        AtomicInteger ran = new AtomicInteger();

        assertThatThrownBy(() -> guard.execute("a", "t", 2.00, () -> ran.incrementAndGet(), r -> 0.0))
                .isInstanceOf(BudgetExceededException.class).isInstanceOf(TaskRefusedException.class)
                .hasMessageContaining("does not fit");
        assertThat(ran).hasValue(0);
    }

    @Test
    void aThrottledAgentIsRefusedWithRetryAfter() {
        CostGuard guard = CostGuard.builder().perAgentDailyLimit(10).autoThrottle(true).throttleThreshold(0.5).throttledTasksPerMinute(1)
                .clock(clock).build();
        guard.recordCost("a", "spend", 6.0);
        guard.execute("a", "first", 0.01, () -> "ok", r -> 0.01); // the throttled rate admits one

        assertThatThrownBy(() -> guard.execute("a", "second", 0.01, () -> "ok", r -> 0.01))
                .isInstanceOf(ThrottledException.class)
                .satisfies(e -> assertThat(((ThrottledException) e).retryAfter()).isPositive());
    }

    @Test
    void aCallThatThrowsReleasesTheHoldAndIsRethrownUnchanged() {
        CostGuard guard = guard(10);
        IllegalStateException boom = new IllegalStateException("503");

        assertThatThrownBy(() -> guard.execute("a", "t", 5.00, () -> {
            throw boom;
        }, r -> 1.0)).isSameAs(boom);
        assertThat(guard.openReservations()).isZero();
        assertThat(guard.snapshot("a").heldUsd()).isEqualByComparingTo("0");
        assertThat(guard.snapshot("a").spentUsd()).isEqualByComparingTo("0");
    }

    @Test
    void aCostFunctionThatFailsOrReturnsABadAmountLeaksNoHold() {
        CostGuard guard = guard(10);

        assertThatThrownBy(() -> guard.execute("a", "t", 5.00, () -> "ok", r -> Double.NaN)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("NaN");
        assertThatThrownBy(() -> guard.execute("a", "t", 5.00, () -> "ok", r -> {
            throw new IllegalStateException("no usage");
        })).isInstanceOf(IllegalStateException.class);
        assertThat(guard.openReservations()).isZero();
        assertThat(guard.snapshot("a").heldUsd()).isEqualByComparingTo("0");
    }

    @Test
    void callPassesCheckedExceptionsThrough() throws Exception {
        CostGuard guard = guard(10);
        IOException io = new IOException("connection reset");

        assertThatThrownBy(() -> guard.call("a", "t", 1.00, () -> {
            throw io;
        }, r -> 0.0)).isSameAs(io);
        assertThat(guard.call("a", "t2", 1.00, () -> "ok", r -> 0.25)).isEqualTo("ok");
        assertThat(guard.snapshot("a").spentUsd()).isEqualByComparingTo("0.25");
        assertThat(guard.openReservations()).isZero();
    }

    @Test
    void executeWithUsagePricesTheReportedTokensWithThePriceTable() {
        CostGuard guard = guard(10);

        guard.executeWithUsage("a", "t", 0.10, "gpt-4o", () -> new Reply("hi", 0, TokenUsage.of(20_000, 1_000)), Reply::usage);

        assertThat(guard.snapshot("a").spentUsd()).isEqualByComparingTo("0.06");
        AtomicInteger ran = new AtomicInteger();
        assertThatThrownBy(() -> guard.executeWithUsage("a", "t", 0.10, "gpt-99", () -> ran.incrementAndGet(), r -> TokenUsage.of(1, 1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'gpt-99'");
        assertThat(ran).hasValue(0); // an unpriceable call never runs
    }

    @Test
    void decoratorsRunEveryInvocationAsATaskOfItsOwn() throws Exception {
        CostGuard guard = guard(1.00);
        Supplier<String> answer = guard.decorateSupplier("a", 0.30, () -> "ok", r -> 0.30);
        Callable<String> checked = guard.decorateCallable("a", 0.30, () -> "ok", r -> 0.30);

        assertThat(answer.get()).isEqualTo("ok");
        assertThat(checked.call()).isEqualTo("ok");
        assertThat(answer.get()).isEqualTo("ok");
        assertThatThrownBy(answer::get).isInstanceOf(BudgetExceededException.class); // $0.90 spent; $0.30 more does not fit
        assertThat(guard.snapshot("a").spentUsd()).isEqualByComparingTo("0.90");
    }

    @Test
    void theAsyncWrapperCommitsWhenTheStageCompletesAndReleasesWhenItFails() throws Exception {
        CostGuard guard = guard(10);
        CompletableFuture<Reply> pending = new CompletableFuture<>();

        CompletionStage<Reply> stage = guard.executeAsync("a", "t", 1.00, () -> pending, Reply::costUsd);
        assertThat(guard.openReservations()).isEqualTo(1);
        pending.complete(new Reply("late", 0.70, null));

        assertThat(stage.toCompletableFuture().get().text()).isEqualTo("late");
        assertThat(guard.snapshot("a").spentUsd()).isEqualByComparingTo("0.70");

        CompletableFuture<Reply> failing = new CompletableFuture<>();
        CompletionStage<Reply> failed = guard.executeAsync("a", "t2", 1.00, () -> failing, Reply::costUsd);
        failing.completeExceptionally(new IllegalStateException("timeout"));
        assertThatThrownBy(() -> failed.toCompletableFuture().get()).isInstanceOf(ExecutionException.class)
                .hasCauseInstanceOf(IllegalStateException.class);
        assertThat(guard.openReservations()).isZero();

        CompletionStage<Reply> refused = guard.executeAsync("a", "t3", 100.00, () -> pending, Reply::costUsd);
        assertThatThrownBy(() -> refused.toCompletableFuture().get()).hasCauseInstanceOf(BudgetExceededException.class);
    }

    @Test
    void theReadmesTwoLinesBreakerPlusCostGuardAroundAModelCallNeedNoManualReservations() {
        CostGuard guard = guard(10);
        CircuitBreaker breaker = CircuitBreaker.of("research-agent", CircuitBreakerConfig.builder().failureThreshold(2).clock(clock).build());

        for (int i = 0; i < 5; i++) {
            try {
                breaker.execute(() -> guard.execute("research-agent", "t", 0.50, () -> {
                    throw new IllegalStateException("model down");
                }, (Reply r) -> r.costUsd()));
            } catch (RuntimeException expected) {
                // failed, then rejected by the open breaker
            }
        }

        assertThat(guard.openReservations()).isZero();
        assertThat(guard.snapshot("research-agent").heldUsd()).isEqualByComparingTo("0");
    }

    @Test
    void inLenientModeRecordUsagePricesAnUnknownModelAtTheFallbackAndPublishesAnEvent() {
        List<UnknownModelPriced> events = new ArrayList<>();
        bus.subscribe(UnknownModelPriced.class, events::add);
        CostGuard strict = guard(100);
        CostGuard lenient = CostGuard.builder().unknownModelPrice(ModelPrice.of(1.0, 2.0)).clock(clock).eventBus(bus).build();

        assertThatThrownBy(() -> strict.recordUsage("a", "t", "my-model", TokenUsage.of(1_000, 1_000)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'my-model'");
        assertThat(strict.snapshot("a").spentUsd()).isEqualByComparingTo("0"); // nothing half-recorded

        lenient.recordUsage("a", "t", "my-model", TokenUsage.of(1_000_000, 1_000_000));
        assertThat(lenient.snapshot("a").spentUsd()).isEqualByComparingTo("3.00");
        assertThat(events).singleElement().satisfies(e -> {
            assertThat(e.model()).isEqualTo("my-model");
            assertThat(e.usd()).isEqualByComparingTo("3.00");
        });
        assertThat(lenient.price("gpt-4o", TokenUsage.of(1_000_000, 0))).isEqualByComparingTo("2.50"); // known models keep their price
    }
}
