package dev.agentsre.slo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.agentsre.testing.ManualClock;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** Budget windows of any size from one second: a 5-minute budget for a test, 28 days for production. */
class WindowSizesTest {

    private final ManualClock clock = ManualClock.at(Instant.parse("2026-03-01T00:00:00Z"));

    @Test
    void aFiveMinuteBudgetBuildsWithItsDefaultsAndScaledAlerts() {
        ErrorBudget budget = ErrorBudget.builder().target(0.99).window("5m").clock(clock).build();
        BurnRateAlert fast = budget.alerts().get(0);
        assertThat(fast.longWindow()).isEqualTo(Duration.ofNanos(416_666_666)); // 5m / 720
        assertThat(budget.alerts()).hasSize(4);
        for (int s = 0; s < 300; s++) {
            budget.recordEvent(s % 2 == 0);
            clock.advance(Duration.ofSeconds(1));
        }
        assertThat(budget.isExhausted()).isTrue();
        assertThat(budget.firingAlerts()).isNotEmpty();
        clock.advance(Duration.ofMinutes(5));
        assertThat(budget.totalEvents()).isZero();
    }

    @Test
    void singleWindowAlertsOnAShortBudgetUseTheWholeWindow() {
        ErrorBudget budget = ErrorBudget.builder().target(0.99).window("10m").multiWindowAlerts(false).clock(clock).build();
        assertThat(budget.alerts()).extracting(BurnRateAlert::longWindow).containsOnly(Duration.ofMinutes(10));
    }

    @Test
    void aOneSecondBudgetWorksAndShorterOnesAreRejected() {
        ErrorBudget budget = ErrorBudget.builder().target(0.9).window("1s").minimumEvents(1).projectAllowance(false).clock(clock).build();
        budget.recordEvents(1, 1);
        assertThat(budget.isExhausted()).isTrue();
        clock.advance(Duration.ofSeconds(1));
        assertThat(budget.totalEvents()).isZero();
        assertThatThrownBy(() -> ErrorBudget.builder().target(0.9).window("500ms").build()).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("window").hasMessageContaining("500ms");
    }

    @Test
    void a28DayBudgetScalesTheTiersToItsLength() {
        ErrorBudget budget = ErrorBudget.builder().target(0.999).window("28d").clock(clock).build();
        assertThat(budget.alerts()).extracting(BurnRateAlert::longWindow).containsExactly(
                Duration.ofMinutes(56), Duration.ofHours(5).plusMinutes(36), Duration.ofMinutes(1344), Duration.ofHours(67).plusMinutes(12));
    }
}
