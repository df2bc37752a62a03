package dev.agentsre.cost;

import static org.assertj.core.api.Assertions.assertThat;

import dev.agentsre.testing.Race;
import dev.agentsre.testing.ManualClock;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class CostGuardConcurrencyTest {

    private final ManualClock clock = ManualClock.at(Instant.parse("2026-03-10T09:00:00Z"));

    // 16 and 1,000 threads too (issue 21: contention stripes the budget); 1,000 platform threads, the
    // library targets Java 17, which has no virtual threads.
    @ParameterizedTest(name = "{0} threads")
    @ValueSource(ints = {8, 16, 1_000})
    void threadsReservingADollarTwentyTimesAgainstTenDollarsGetExactlyTen(int threads) throws Exception {
        CostGuard guard = CostGuard.builder().clock(clock).perAgentDailyLimit(10.00).killSwitchThreshold(1.0).build();
        AtomicInteger granted = new AtomicInteger();
        Race.run(threads, thread -> {
            for (int i = 0; i < 20; i++) {
                if (guard.reserve("agent", "task-" + thread + "-" + i, 1.00).isGranted()) {
                    granted.incrementAndGet();
                }
            }
        });
        assertThat(granted).hasValue(10);
        assertThat(guard.snapshot("agent").heldUsd()).isEqualByComparingTo("10.00");
    }

    // Repeated: the race it guards against (a hold released before the charge lands) is timing-dependent.
    @RepeatedTest(20)
    void racingAgentsNeverOverCommitTheOrganisationAndCommitExactlyTheBudget() throws Exception {
        racingAgentsCommitExactlyTheBudget(8);
    }

    @ParameterizedTest(name = "{0} threads")
    @ValueSource(ints = {16, 1_000})
    void moreRacingAgentsNeverOverCommitTheOrganisationAndCommitExactlyTheBudget(int threads) throws Exception {
        racingAgentsCommitExactlyTheBudget(threads);
    }

    private void racingAgentsCommitExactlyTheBudget(int threads) throws Exception {
        CostGuard guard = CostGuard.builder().clock(clock).orgMonthlyBudget(10.00).killSwitchThreshold(1.0).build();
        Race.run(threads, thread -> {
            for (int i = 0; i < 20; i++) {
                CostReservation r = guard.reserve("agent-" + thread, "task-" + i, 1.00);
                if (r.isGranted()) {
                    r.commit(1.00);
                }
            }
        });
        assertThat(guard.organizationSnapshot().spentUsd()).isEqualByComparingTo("10.00");
        assertThat(guard.organizationSnapshot().heldUsd()).isEqualByComparingTo("0");
    }

    @Test
    void tenMillionChargesOfATenthOfACentSumToExactlyOneThousandDollars() throws Exception {
        CostGuard guard = CostGuard.builder().clock(clock).build();
        Race.run(8, thread -> {
            for (int i = 0; i < 1_250_000; i++) {
                guard.recordCost("agent-" + (thread % 2), "task", 0.0001);
            }
        });
        assertThat(guard.organizationSnapshot().spentUsd()).isEqualByComparingTo("1000.00");
        assertThat(guard.snapshot("agent-0").spentUsd()).isEqualByComparingTo("500.00");
    }
}
