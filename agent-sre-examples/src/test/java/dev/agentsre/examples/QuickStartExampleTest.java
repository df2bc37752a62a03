package dev.agentsre.examples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.agentsre.testing.ManualClock;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class QuickStartExampleTest {

    @Test
    void theBreakerFailsFastDuringTheOutageAndTheBudgetStopsTheRunawayPrompts() {
        QuickStartExample.Outcome o = QuickStartExample.run(ManualClock.at(Instant.parse("2026-11-02T09:00:00Z")));

        // ten tasks hit the outage: three failures open the breaker, the rest (and a few after it, until a probe succeeds) fail fast
        assertThat(o.failed() + o.rejectedByBreaker()).isGreaterThanOrEqualTo(10);
        assertThat(o.rejectedByBreaker()).isPositive();
        assertThat(o.failed()).isLessThan(10);
        assertThat(o.refusedByBudget()).isPositive();
        assertThat(o.answered() + o.failed() + o.rejectedByBreaker() + o.refusedByBudget()).isEqualTo(120);
        // the reservations keep the day's spend inside the $5 limit
        assertThat(o.spentUsd()).isLessThanOrEqualTo(new java.math.BigDecimal("5.00"));
    }
}
