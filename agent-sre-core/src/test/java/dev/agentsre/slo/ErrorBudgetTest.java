package dev.agentsre.slo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.agentsre.testing.ManualClock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class ErrorBudgetTest {

    private final ManualClock clock = ManualClock.at(Instant.parse("2026-03-01T00:00:00Z"));

    /** A 99.5%/30d budget judged as if its window were full: the maths of a steady, long-running budget. */
    private ErrorBudget budget995() {
        return ErrorBudget.builder().total(0.005).window(Duration.ofDays(30)).projectAllowance(false).clock(clock).build();
    }

    private static void record(ErrorBudget budget, int good, int bad) {
        for (int i = 0; i < good; i++) {
            budget.recordEvent(true);
        }
        for (int i = 0; i < bad; i++) {
            budget.recordEvent(false);
        }
    }

    @Test
    void oneBadEventInAThousandLeavesEightyPercent() {
        ErrorBudget budget = budget995();
        record(budget, 999, 1);

        assertThat(budget.totalEvents()).isEqualTo(1_000);
        assertThat(budget.badEvents()).isEqualTo(1);
        assertThat(budget.allowedBadEvents()).isCloseTo(5.0, within(1e-9));
        assertThat(budget.remainingPercent()).isCloseTo(80.0, within(1e-9));
        assertThat(budget.consumedPercent()).isCloseTo(20.0, within(1e-9));
        assertThat(budget.isExhausted()).isFalse();
    }

    @Test
    void sixBadEventsInAThousandExhaustTheBudget() {
        ErrorBudget budget = budget995();
        record(budget, 994, 6);

        assertThat(budget.isExhausted()).isTrue();
        assertThat(budget.remainingPercent()).isZero();
        assertThat(budget.consumedPercent()).isCloseTo(120.0, within(1e-9));
    }

    @Test
    void exactlyTheAllowanceIsExhaustedDespiteFloatingPoint() {
        // 1 - 0.995 is 0.0050000000000000044 in binary floating point.
        ErrorBudget budget = ErrorBudget.builder().target(0.995).projectAllowance(false).clock(clock).build();
        record(budget, 995, 5);
        assertThat(budget.isExhausted()).isTrue();
        record(budget, 1, 0);
        assertThat(budget.isExhausted()).isFalse();
    }

    @Test
    void noEventsMeansAFullBudget() {
        ErrorBudget budget = budget995();
        assertThat(budget.remainingPercent()).isEqualTo(100.0);
        assertThat(budget.isExhausted()).isFalse();
        assertThat(budget.burnRate(Duration.ofHours(1))).isZero();
        assertThat(budget.firingAlerts()).isEmpty();
    }

    @Test
    void exhaustionAndAlertsWaitForTheMinimumNumberOfEvents() {
        ErrorBudget budget = ErrorBudget.builder().total(0.005).minimumEvents(10).projectAllowance(false).clock(clock).build();
        record(budget, 0, 1);
        assertThat(budget.isExhausted()).isFalse();
        assertThat(budget.burnRate(Duration.ofHours(1))).isEqualTo(200.0);
        assertThat(budget.firingAlerts()).isEmpty();
        record(budget, 9, 0);
        assertThat(budget.isExhausted()).isTrue();
        assertThat(budget.firingAlerts()).isNotEmpty();
    }

    @Test
    void burnRateIsTheWindowErrorRatioOverTheBudgetFraction() {
        ErrorBudget budget = budget995();
        record(budget, 990, 10);            // old traffic: 1% errors
        clock.advance(Duration.ofHours(2));
        record(budget, 95, 5);              // last hour: 5% errors

        assertThat(budget.burnRate(Duration.ofHours(1))).isCloseTo(0.05 / 0.005, within(1e-9));
        assertThat(budget.burnRate(Duration.ofDays(1))).isCloseTo((15.0 / 1_100) / 0.005, within(1e-9));
        assertThat(budget.burnRate(Duration.ofDays(30))).isCloseTo((15.0 / 1_100) / 0.005, within(1e-9));
    }

    @Test
    void aBurstOfErrorsFiresTheFastBurnPageAndItResolvesWithinTheShortWindow() {
        ErrorBudget budget = budget995();
        BurnRateAlert fastBurn = budget.alerts().stream().filter(a -> a.name().equals("fast_burn")).findFirst().orElseThrow();
        assertThat(fastBurn.longWindow()).isEqualTo(Duration.ofHours(1));
        assertThat(fastBurn.shortWindow()).isEqualTo(Duration.ofMinutes(5));

        // Two healthy hours at one task per second.
        for (int s = 0; s < 7_200; s++) {
            budget.recordEvent(true);
            clock.advance(Duration.ofSeconds(1));
        }
        assertThat(budget.firingAlerts()).isEmpty();

        // Five minutes in which every task fails.
        for (int s = 0; s < 300; s++) {
            budget.recordEvent(false);
            clock.advance(Duration.ofSeconds(1));
        }
        assertThat(budget.firingAlerts()).contains(fastBurn);

        // Healthy again: the page must clear once the 5-minute window no longer burns,
        // even though the 1-hour window still holds all 300 failures.
        int secondsToResolve = -1;
        for (int s = 1; s <= 3_600; s++) {
            budget.recordEvent(true);
            clock.advance(Duration.ofSeconds(1));
            if (!budget.firingAlerts().contains(fastBurn)) {
                secondsToResolve = s;
                break;
            }
        }
        assertThat(budget.burnRate(Duration.ofHours(1))).isGreaterThan(fastBurn.rate());
        assertThat(secondsToResolve).isBetween(240, 300); // within the short window (30 s buckets)
    }

    @Test
    void aSlowSteadyLeakTicketsButDoesNotPage() {
        ErrorBudget budget = budget995();
        // 1.5x the sustainable error rate for four days, one task a minute.
        for (int m = 0; m < 4 * 24 * 60; m++) {
            budget.recordEvent(m % 133 != 0); // 1 bad in 133 = 0.75% errors
            clock.advance(Duration.ofMinutes(1));
        }
        List<BurnRateAlert> firing = budget.firingAlerts();
        assertThat(firing).extracting(BurnRateAlert::name).contains("budget_drain");
        assertThat(firing).extracting(BurnRateAlert::severity).doesNotContain(AlertSeverity.CRITICAL);
    }

    @Test
    void thirtyDaysOfSimulatedTrafficExpireInOrder() {
        ErrorBudget budget = budget995();
        // Day 0: a bad incident, 20 failures in 1,000 tasks.
        record(budget, 980, 20);
        // 30 days of good traffic, one task every ten minutes.
        for (int i = 0; i < 30 * 24 * 6; i++) {
            clock.advance(Duration.ofMinutes(10));
            budget.recordEvent(true);
        }
        // The incident has rolled out of the 30-day window.
        assertThat(budget.badEvents()).isZero();
        assertThat(budget.totalEvents()).isBetween(4_310L, 4_320L);
        assertThat(budget.remainingPercent()).isEqualTo(100.0);
        assertThat(budget.isExhausted()).isFalse();
    }

    @Test
    void workbookAlertsScaleWithTheBudgetWindow() {
        List<BurnRateAlert> week = BurnRateAlert.workbookDefaults(Duration.ofDays(7));
        BurnRateAlert fast = week.get(0);
        assertThat(fast.rate()).isEqualTo(14.4);
        assertThat(fast.longWindow()).isEqualTo(Duration.ofDays(7).dividedBy(720)); // 14 min
        assertThat(fast.shortWindow()).isEqualTo(Duration.ofDays(7).dividedBy(8640));
        List<BurnRateAlert> month = BurnRateAlert.workbookDefaults(Duration.ofDays(30));
        assertThat(month).extracting(BurnRateAlert::name).containsExactly("fast_burn", "slow_burn", "steady_burn", "budget_drain");
        assertThat(month).extracting(BurnRateAlert::longWindow)
                .containsExactly(Duration.ofHours(1), Duration.ofHours(6), Duration.ofDays(1), Duration.ofDays(3));
        assertThat(month).extracting(BurnRateAlert::shortWindow)
                .containsExactly(Duration.ofMinutes(5), Duration.ofMinutes(30), Duration.ofHours(2), Duration.ofHours(6));
        assertThat(month).extracting(BurnRateAlert::rate).containsExactly(14.4, 6.0, 3.0, 1.0);
        assertThat(month).extracting(BurnRateAlert::severity).containsExactly(
                AlertSeverity.CRITICAL, AlertSeverity.CRITICAL, AlertSeverity.WARNING, AlertSeverity.WARNING);
    }

    @Test
    void alertSetIsConfigurable() {
        ErrorBudget onlyCustom = ErrorBudget.builder().total(0.01).clock(clock)
                .burnRateAlert(0).burnRateCritical(0).multiWindowAlerts(false)
                .alert(BurnRateAlert.multiWindow("custom", 3, AlertSeverity.WARNING, Duration.ofHours(2), Duration.ofMinutes(10)))
                .build();
        assertThat(onlyCustom.alerts()).extracting(BurnRateAlert::name).containsExactly("custom");

        // Single-window alerts are off by default beside the multi-window tiers...
        ErrorBudget defaults = budget995();
        assertThat(defaults.alerts()).extracting(BurnRateAlert::name)
                .containsExactly("fast_burn", "slow_burn", "steady_burn", "budget_drain");
        // ...on when asked for, and the default when the tiers are off.
        assertThat(ErrorBudget.builder().total(0.005).clock(clock).burnRateAlert(2).burnRateCritical(10).build().alerts())
                .extracting(BurnRateAlert::name)
                .containsExactly("burn_rate_warning", "burn_rate_critical", "fast_burn", "slow_burn", "steady_burn", "budget_drain");
        assertThat(ErrorBudget.builder().total(0.005).clock(clock).multiWindowAlerts(false).build().alerts())
                .extracting(BurnRateAlert::name, BurnRateAlert::rate)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("burn_rate_warning", 2.0), org.assertj.core.groups.Tuple.tuple("burn_rate_critical", 10.0));
    }

    @Test
    void invalidSettingsNameTheFieldAndTheValue() {
        assertThatThrownBy(() -> ErrorBudget.builder().build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("total").hasMessageContaining("NaN");
        assertThatThrownBy(() -> ErrorBudget.builder().total(1.5).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("total").hasMessageContaining("1.5");
        assertThatThrownBy(() -> ErrorBudget.builder().target(1.0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("target");
        assertThatThrownBy(() -> ErrorBudget.builder().total(0.01).burnRateAlert(-2).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("burnRateAlert").hasMessageContaining("-2");
        assertThatThrownBy(() -> ErrorBudget.builder().total(0.01).burnRateAlert(5).burnRateCritical(2).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("burnRateCritical");
        assertThatThrownBy(() -> ErrorBudget.builder().total(0.01).window("7d")
                        .alert(BurnRateAlert.singleWindow("long", 1, AlertSeverity.WARNING, Duration.ofDays(8))).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("long").hasMessageContaining("8d");
        assertThatThrownBy(() -> ErrorBudget.builder().total(0.01).window("30d")
                        .alert(BurnRateAlert.singleWindow("fast_burn", 1, AlertSeverity.WARNING, Duration.ofDays(1))).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("unique").hasMessageContaining("fast_burn");
        assertThatThrownBy(() -> ErrorBudget.builder().total(0.01).minimumEvents(-1).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("minimumEvents");
        assertThatThrownBy(() -> BurnRateAlert.multiWindow("x", 2, AlertSeverity.WARNING, Duration.ofMinutes(5), Duration.ofHours(1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("shortWindow");
        assertThatThrownBy(() -> budget995().burnRate(Duration.ofDays(31)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("31d");
        assertThatThrownBy(() -> budget995().recordEvents(-1, 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("good");
    }

    @Test
    void bulkRecordingMatchesSingleEvents() {
        ErrorBudget budget = budget995();
        budget.recordEvents(994, 6);
        assertThat(budget.totalEvents()).isEqualTo(1_000);
        assertThat(budget.isExhausted()).isTrue();
    }

    @Test
    void lifetimeTotalsKeepCountingAfterTheWindowForgets() {
        ErrorBudget budget = budget995();
        budget.recordEvents(90, 10);
        budget.recordEvent(false);
        clock.advance(Duration.ofDays(40));
        budget.recordEvent(true);
        assertThat(budget.totalEvents()).isEqualTo(1);
        assertThat(budget.lifetimeEvents()).isEqualTo(102);
        assertThat(budget.lifetimeBadEvents()).isEqualTo(11);
    }

    @Test
    void snapshotAgreesWithTheIndividualQueries() {
        ErrorBudget budget = budget995();
        record(budget, 990, 10);
        ErrorBudget.Snapshot snapshot = budget.snapshot();
        assertThat(snapshot.totalEvents()).isEqualTo(budget.totalEvents());
        assertThat(snapshot.badEvents()).isEqualTo(budget.badEvents());
        assertThat(snapshot.remainingPercent()).isEqualTo(budget.remainingPercent());
        assertThat(snapshot.exhausted()).isEqualTo(budget.isExhausted());
        assertThat(snapshot.firingAlerts()).isEqualTo(budget.firingAlerts());
    }
}
