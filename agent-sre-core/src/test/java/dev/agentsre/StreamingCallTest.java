package dev.agentsre;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.agentsre.breaker.CircuitBreakerConfig;
import dev.agentsre.breaker.CircuitBreakerRegistry;
import dev.agentsre.cost.CostGuard;
import dev.agentsre.cost.PriceTable;
import dev.agentsre.cost.TokenUsage;
import dev.agentsre.event.SreEventBus;
import dev.agentsre.guard.CallGuard;
import dev.agentsre.guard.GuardedCall;
import dev.agentsre.guard.Outcome;
import dev.agentsre.testing.Race;
import dev.agentsre.testing.ManualClock;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** A streamed model call: admitted when it starts, accounted once when it ends, on any thread. */
class StreamingCallTest {

    private final ManualClock clock = ManualClock.at(Instant.parse("2026-11-02T09:00:00Z"));
    private final SreEventBus bus = new SreEventBus();
    private final PriceTable prices = PriceTable.defaults();
    private final CostGuard costs = CostGuard.builder().priceTable(prices).perTaskLimit(1.00).clock(clock).eventBus(bus).build();
    private final CircuitBreakerRegistry dependencies = CircuitBreakerRegistry.of(CircuitBreakerConfig.builder().clock(clock).build(), bus);
    private final List<GuardedCall> seen = new CopyOnWriteArrayList<>();
    private final AgentSre sre = AgentSre.builder().clock(clock).eventBus(bus).costGuard(costs).dependencyBreakers(dependencies)
            .guard(new CallGuard() {
                @Override
                public void afterCall(GuardedCall call) {
                    seen.add(call);
                }
            }).build();
    private final TokenUsage worstCase = TokenUsage.of(1_000, 4_000);

    @Test
    void theWorstCaseIsHeldWhileItStreamsAndTheReportedUsageChargedWhenItCompletes() throws Exception {
        BigDecimal cost = sre.agent("writer").task("t-1").call(ctx -> {
            StreamingCall call = ctx.startLlm("gpt-4o", "a story", worstCase, () -> null);
            assertThat(costs.snapshot("writer").heldUsd()).isEqualByComparingTo(prices.cost("gpt-4o", worstCase));
            clock.advance(Duration.ofMillis(700));
            assertThat(call.complete("the story", TokenUsage.of(1_000, 2_500))).isTrue();
            assertThat(ctx.tokens()).isEqualTo(3_500);
            return ctx.costUsd();
        });
        assertThat(cost).isEqualByComparingTo(prices.cost("gpt-4o", TokenUsage.of(1_000, 2_500)));
        assertThat(costs.snapshot("writer").spentUsd()).isEqualByComparingTo(cost);
        assertThat(costs.snapshot("writer").heldUsd()).isZero();
        assertThat(seen).singleElement().satisfies(call -> {
            assertThat(call.outcome()).isEqualTo(Outcome.SUCCEEDED);
            assertThat(call.duration()).isEqualTo(Duration.ofMillis(700));
            assertThat(call.describe()).isEqualTo("llm:gpt-4o");
        });
    }

    @Test
    void aCancelledStreamIsChargedWhatItUsedAndAFailedOneNothing() throws Exception {
        sre.agent("writer").task("t-1").call(ctx -> {
            ctx.startLlm("gpt-4o", "a story", worstCase, () -> null).cancel(TokenUsage.of(1_000, 10));
            StreamingCall failed = ctx.startLlm("gpt-4o", "another", worstCase, () -> null);
            failed.fail(new IllegalStateException("connection reset"));
            return null;
        });
        assertThat(costs.snapshot("writer").spentUsd()).isEqualByComparingTo(prices.cost("gpt-4o", TokenUsage.of(1_000, 10)));
        assertThat(costs.snapshot("writer").heldUsd()).isZero();
        assertThat(costs.openReservations()).isZero();
        assertThat(dependencies.get("gpt-4o").failureCount()).isEqualTo(1);
        assertThat(seen).extracting(GuardedCall::outcome).containsExactly(Outcome.SUCCEEDED, Outcome.FAILED);
    }

    @Test
    void onlyTheFirstEndCountsEvenWhenThreadsRaceToEndIt() throws Exception {
        sre.agent("writer").task("t-1").call(ctx -> {
            for (int round = 0; round < 50; round++) {
                StreamingCall call = ctx.startLlm("gpt-4o", "a story", worstCase, () -> null);
                AtomicInteger ended = new AtomicInteger();
                Race.run(8, i -> {
                    boolean won = switch (i % 3) {
                        case 0 -> call.complete("done", TokenUsage.of(100, 100));
                        case 1 -> call.cancel(TokenUsage.of(100, 100));
                        default -> call.fail(new IllegalStateException("late"));
                    };
                    if (won) {
                        ended.incrementAndGet();
                    }
                });
                assertThat(ended).hasValue(1);
                assertThat(call.isEnded()).isTrue();
            }
            return null;
        });
        assertThat(seen).hasSize(50);
        assertThat(costs.snapshot("writer").heldUsd()).isZero();
    }

    @Test
    void aRefusedStreamNeverStartsAndAStartThatThrowsIsAFailedCall() throws Exception {
        AtomicInteger started = new AtomicInteger();
        dependencies.get("gpt-4o").forceOpen();
        sre.agent("writer").task("t-1").call(ctx -> {
            assertThatThrownBy(() -> ctx.startLlm("gpt-4o", "a story", worstCase, started::incrementAndGet))
                    .isInstanceOf(CircuitOpenRefusedException.class);
            assertThatThrownBy(() -> ctx.startLlm("gpt-4o-mini", "a story", worstCase, () -> {
                throw new IllegalStateException("no connection");
            })).hasMessage("no connection");
            return null;
        });
        assertThat(started).hasValue(0);
        assertThat(seen).extracting(GuardedCall::outcome).containsExactly(Outcome.REFUSED, Outcome.FAILED);
        assertThat(costs.snapshot("writer").heldUsd()).isZero();
    }

    @Test
    void aWorstCaseThatDoesNotFitThePerTaskLimitIsRefusedBeforeTheStreamStarts() throws Exception {
        AtomicInteger started = new AtomicInteger();
        sre.agent("writer").task("t-1").call(ctx -> {
            assertThatThrownBy(() -> ctx.startLlm("gpt-4o", "a book", TokenUsage.of(1_000, 1_000_000), started::incrementAndGet))
                    .isInstanceOf(BudgetExceededException.class);
            return null;
        });
        assertThat(started).hasValue(0);
    }
}
