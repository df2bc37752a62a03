package dev.agentsre.cost;

import static org.assertj.core.api.Assertions.assertThat;

import dev.agentsre.event.BudgetStateChanged;
import dev.agentsre.event.CostAlertRaised;
import dev.agentsre.event.SreEventBus;
import dev.agentsre.testing.ManualClock;
import dev.agentsre.testing.Race;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Budgets stay exact when contention stripes them (issue 21): racing threads commit exactly the limit,
 * never more (overshoot zero), and reach it (no allowance left parked near the limit); thresholds fire
 * once each, in order, and not late. 1,000 threads are platform threads: the project targets Java 17,
 * which has no virtual threads.
 */
class CostGuardStripedConcurrencyTest {

    private final ManualClock clock = ManualClock.at(Instant.parse("2026-03-10T09:00:00Z"));

    @ParameterizedTest(name = "{0} threads")
    @ValueSource(ints = {16, 1_000})
    void racingAgentsCommitExactlyTheOrganisationsLimitInCents(int threads) throws Exception {
        CostGuard guard = CostGuard.builder().clock(clock).orgMonthlyBudget(50.00).killSwitchThreshold(1.0).build();
        contend(guard, "warm-up");
        assertThat(guard.organizationStriped()).as("contention striped the organisation's month").isTrue();
        BigDecimal warm = guard.organizationSnapshot().spentUsd(); // nano-dollars
        AtomicInteger granted = new AtomicInteger();
        int attempts = 8_000 / threads + 1; // 8,000 attempts of a cent for 5,000 cents
        Race.run(threads, thread -> {
            for (int i = 0; i < attempts; i++) {
                CostReservation r = guard.reserve("agent-" + thread, "task-" + i, 0.01);
                if (r.isGranted()) {
                    granted.incrementAndGet();
                    r.commit(0.01);
                }
            }
        });
        assertThat(granted.get()).isEqualTo(cents(new BigDecimal("50.00").subtract(warm)));
        BigDecimal spent = guard.organizationSnapshot().spentUsd();
        assertThat(spent).isEqualByComparingTo(warm.add(new BigDecimal("0.01").multiply(BigDecimal.valueOf(granted.get()))));
        assertThat(guard.organizationSnapshot().heldUsd()).isEqualByComparingTo("0");
        // the limit is reachable exactly: the last fraction of a cent still fits, and then nothing
        CostReservation last = guard.reserve("agent-0", "last", new BigDecimal("50.00").subtract(spent));
        assertThat(last.isGranted()).isTrue();
        last.commit(new BigDecimal("50.00").subtract(spent));
        assertThat(guard.organizationSnapshot().spentUsd()).isEqualByComparingTo("50.00");
        assertThat(guard.reserve("agent-0", "beyond", 0.000_000_001).isGranted()).isFalse();
    }

    /** Whole cents in {@code usd}. */
    private static int cents(BigDecimal usd) {
        return usd.movePointRight(2).setScale(0, java.math.RoundingMode.FLOOR).intValueExact();
    }

    /** Nano-dollar charges from racing threads until they collide on {@code agent}'s day and the organisation's month and stripe both. */
    private static void contend(CostGuard guard, String agent) throws Exception {
        for (int round = 0; round < 1_000 && !(guard.organizationStriped() && guard.agentStriped(agent)); round++) {
            Race.run(4, thread -> {
                for (int i = 0; i < 20_000; i++) {
                    guard.recordCost(agent, "warm-up", 0.000_000_001);
                }
            });
        }
    }

    @ParameterizedTest(name = "{0} threads")
    @ValueSource(ints = {16, 1_000})
    void threadsOfOneAgentHoldExactlyItsDailyLimitAndGiveItAllBack(int threads) throws Exception {
        CostGuard guard = CostGuard.builder().clock(clock).perAgentDailyLimit(20.00).orgMonthlyBudget(1_000.00).killSwitchThreshold(1.0)
                .build();
        contend(guard, "shared");
        assertThat(guard.agentStriped("shared")).as("contention striped the agent's day").isTrue();
        BigDecimal warm = guard.snapshot("shared").spentUsd(); // nano-dollars
        List<CostReservation> held = Collections.synchronizedList(new ArrayList<>());
        int attempts = 3_000 / threads + 1; // 3,000 attempts of a cent for 2,000 cents
        Race.run(threads, thread -> {
            for (int i = 0; i < attempts; i++) {
                CostReservation r = guard.reserve("shared", "t-" + thread + "-" + i, 0.01);
                if (r.isGranted()) {
                    held.add(r);
                }
            }
        });
        BigDecimal room = new BigDecimal("20.00").subtract(warm);
        assertThat(held).hasSize(cents(room));
        BigDecimal heldUsd = new BigDecimal("0.01").multiply(BigDecimal.valueOf(held.size()));
        assertThat(guard.snapshot("shared").heldUsd()).isEqualByComparingTo(heldUsd);
        assertThat(guard.organizationSnapshot().heldUsd()).isEqualByComparingTo(heldUsd);
        assertThat(guard.reserve("shared", "one-more", 0.01).isGranted()).isFalse();
        Race.run(Math.min(threads, 16), thread -> {
            for (int i = thread; i < held.size(); i += Math.min(threads, 16)) {
                held.get(i).release();
            }
        });
        assertThat(guard.snapshot("shared").heldUsd()).isEqualByComparingTo("0");
        assertThat(guard.organizationSnapshot().heldUsd()).isEqualByComparingTo("0");
        // every cent given back can be held again, exactly
        CostReservation whole = guard.reserve("shared", "whole-day", room);
        assertThat(whole.isGranted()).isTrue();
        assertThat(guard.reserve("shared", "beyond", 0.000_000_001).isGranted()).isFalse();
    }

    @ParameterizedTest(name = "{0} threads")
    @ValueSource(ints = {16, 1_000})
    void chargesUnderContentionRaiseEveryThresholdOnceInOrderAndNotLate(int threads) throws Exception {
        SreEventBus bus = new SreEventBus();
        List<CostAlert> alerts = Collections.synchronizedList(new ArrayList<>());
        List<BudgetStateChanged> changes = Collections.synchronizedList(new ArrayList<>());
        bus.subscribe(CostAlertRaised.class, e -> {
            if (e.alert().scope() == BudgetScope.ORGANIZATION) {
                alerts.add(e.alert());
            }
        });
        bus.subscribe(BudgetStateChanged.class, e -> {
            if (e.scope() == BudgetScope.ORGANIZATION) {
                changes.add(e);
            }
        });
        CostGuard guard = CostGuard.builder().clock(clock).orgMonthlyBudget(100.00).autoThrottle(true).eventBus(bus).build();
        contend(guard, "agent-0");
        BigDecimal warm = guard.organizationSnapshot().spentUsd(); // nano-dollars
        int charges = 100_000 / threads; // a tenth of a cent each: $100 in all (with the remainder below)
        Race.run(threads, thread -> {
            for (int i = 0; i < charges; i++) {
                guard.recordCost("agent-" + (thread % 8), "task-" + thread, 0.001);
            }
        });
        for (int i = charges * threads; i < 100_000; i++) {
            guard.recordCost("agent-0", "rest", 0.001);
        }
        assertThat(guard.organizationSnapshot().spentUsd()).isEqualByComparingTo(warm.add(new BigDecimal("100.00")));
        assertThat(alerts).extracting(CostAlert::action, CostAlert::threshold).containsExactly(
                org.assertj.core.groups.Tuple.tuple(BudgetAction.ALERT, 0.50),
                org.assertj.core.groups.Tuple.tuple(BudgetAction.ALERT, 0.75),
                org.assertj.core.groups.Tuple.tuple(BudgetAction.THROTTLE, 0.85),
                org.assertj.core.groups.Tuple.tuple(BudgetAction.ALERT, 0.90),
                org.assertj.core.groups.Tuple.tuple(BudgetAction.ALERT, 0.95),
                org.assertj.core.groups.Tuple.tuple(BudgetAction.KILL, 0.95));
        // Not late: each was raised while the spend was within the charges in flight of its threshold.
        BigDecimal inFlight = BigDecimal.valueOf(threads).multiply(new BigDecimal("0.001"));
        for (CostAlert alert : alerts) {
            BigDecimal threshold = BigDecimal.valueOf(alert.threshold()).multiply(new BigDecimal("100"));
            assertThat(alert.spentUsd()).as(alert.message()).isGreaterThanOrEqualTo(threshold)
                    .isLessThanOrEqualTo(threshold.add(inFlight).add(warm));
        }
        assertThat(changes).extracting(BudgetStateChanged::from, BudgetStateChanged::to).containsExactly(
                org.assertj.core.groups.Tuple.tuple(BudgetState.ACTIVE, BudgetState.THROTTLED),
                org.assertj.core.groups.Tuple.tuple(BudgetState.THROTTLED, BudgetState.KILLED));
    }
}
