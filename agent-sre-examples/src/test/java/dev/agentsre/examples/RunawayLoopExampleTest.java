package dev.agentsre.examples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.agentsre.testing.ManualClock;
import java.math.BigDecimal;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class RunawayLoopExampleTest {

    private final RunawayLoopExample.Outcomes o = RunawayLoopExample.run(ManualClock.at(Instant.parse("2026-11-02T09:00:00Z")));

    @Test
    void unguardedTheLoopWouldSpendThreeHundredDollars() {
        assertThat(o.unguardedCostUsd()).isEqualByComparingTo("300.00");
    }

    @Test
    void thePerTaskBudgetStopsTheLoopAtTwoDollarsPlusAtMostOneCall() {
        assertThat(o.budget().stoppedBy()).isEqualTo("budget");
        assertThat(o.budget().modelCalls()).isEqualTo(34);
        assertThat(o.budget().spentUsd()).isEqualByComparingTo("2.04")
                .isLessThanOrEqualTo(new BigDecimal("2.00").add(new BigDecimal("0.06")));
    }

    @Test
    void aTaskLimitStopsTheLoopAtTheTwentySixthSearch() {
        assertThat(o.taskLimit().stoppedBy()).isEqualTo("task_limit");
        assertThat(o.taskLimit().refusedCall()).isEqualTo("tool:search");
        assertThat(o.taskLimit().searches()).isEqualTo(25);
        assertThat(o.taskLimit().spentUsd()).isEqualByComparingTo("1.50"); // 25 model calls at $0.06
    }

    @Test
    void theLoopDetectorQuarantinesTheAgentAndRefusesTheRepeatedSearch() {
        assertThat(o.loopDetector().stoppedBy()).isEqualTo("quarantine");
        assertThat(o.loopDetector().refusedCall()).isEqualTo("tool:search");
        assertThat(o.loopDetector().searches()).isEqualTo(14); // the 15th identical search completes the evidence and never runs
        assertThat(o.loopDetector().spentUsd()).isEqualByComparingTo("0.84");
    }
}
