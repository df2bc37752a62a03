package dev.agentsre.slo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.agentsre.event.SloStatusChanged;
import dev.agentsre.event.SreEventBus;
import dev.agentsre.testing.ManualClock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Budgets on sparse data: the allowance is projected to the whole window until the window is full. */
class SparseDataTest {

    private final ManualClock clock = ManualClock.at(Instant.parse("2026-03-01T00:00:00Z"));
    private final SreEventBus bus = new SreEventBus();
    private final List<SloStatusChanged> changes = new ArrayList<>();

    SparseDataTest() {
        bus.subscribe(SloStatusChanged.class, changes::add);
    }

    private Slo slo(double target, Duration window, boolean project) {
        return Slo.builder("reliability").agentId("fresh-agent")
                .errorBudget(ErrorBudget.builder().target(target).window(window).exhaustionAction(ExhaustionAction.THROTTLE)
                        .projectAllowance(project).clock(clock).build())
                .eventBus(bus).build();
    }

    /** 200 tasks in the first five minutes, 3 failing (1.5 s apart). */
    private void freshAgentsFirstFiveMinutes(Slo slo) {
        for (int i = 0; i < 200; i++) {
            slo.recordEvent(i != 50 && i != 120 && i != 190);
            clock.advanceMillis(1_500);
        }
        slo.evaluate();
    }

    @Test
    void aFreshAgentWithThreeFailuresInItsFirst200TasksIsNotThrottled() {
        Slo slo = slo(0.995, Duration.ofDays(30), true);
        freshAgentsFirstFiveMinutes(slo);

        assertThat(changes).extracting(SloStatusChanged::current).doesNotContain(SloStatus.EXHAUSTED);
        assertThat(slo.actionInForce()).isEmpty();
        ErrorBudget budget = slo.errorBudget();
        // Five minutes of a 30-day window observed: the allowance is a month's at this traffic rate.
        assertThat(budget.coverage()).isCloseTo(300.0 / Duration.ofDays(30).toSeconds(), within(1e-9));
        assertThat(budget.allowedBadEvents()).isCloseTo(0.005 * 200 * 8_640, within(1e-6));
        assertThat(budget.remainingPercent()).isCloseTo(100 * (1 - 3 / 8_640.0), within(1e-9));
    }

    @Test
    void withoutProjectionTheSameFreshAgentLocksItselfOut() {
        Slo slo = slo(0.995, Duration.ofDays(30), false);
        freshAgentsFirstFiveMinutes(slo);
        assertThat(slo.status()).isEqualTo(SloStatus.EXHAUSTED); // the defect the projection fixes
        assertThat(slo.actionInForce()).hasValue(ExhaustionAction.THROTTLE);
    }

    @Test
    void tenPercentErrorsForSixHoursAtOneTaskASecondThrottleA24HourBudget() {
        Slo slo = slo(0.995, Duration.ofHours(24), true);
        Instant start = clock.instant();
        Instant exhaustedAt = null;
        for (int s = 0; s < 6 * 3_600; s++) {
            slo.recordEvent(s % 10 != 0);
            clock.advance(Duration.ofSeconds(1));
            if (exhaustedAt == null && slo.status() == SloStatus.EXHAUSTED) {
                exhaustedAt = clock.instant();
            }
        }
        assertThat(slo.evaluate()).isEqualTo(SloStatus.EXHAUSTED);
        assertThat(slo.actionInForce()).hasValue(ExhaustionAction.THROTTLE);
        // bad/n = 10% reaches total/coverage = 0.005 / coverage once coverage = 5%: after 1.2 hours.
        assertThat(Duration.between(start, exhaustedAt).toMinutes()).isBetween(70L, 74L);
    }

    @Test
    void burnRateAlertsAreNotProjectedSoABrokenNewAgentPagesWithinMinutes() {
        Slo slo = slo(0.995, Duration.ofDays(30), true);
        for (int s = 0; s < 600; s++) { // every task fails, one a second
            slo.recordEvent(false);
            clock.advance(Duration.ofSeconds(1));
            if (slo.openAlert().isPresent()) {
                break;
            }
        }
        assertThat(slo.openAlert()).map(BurnRateAlert::name).hasValue("fast_burn");
        assertThat(slo.status()).isEqualTo(SloStatus.CRITICAL); // paging, not yet exhausted
        assertThat(slo.errorBudget().burnRate(Duration.ofMinutes(5))).isCloseTo(200.0, within(1e-9));
    }

    @Test
    void aTotalOutageExhaustsANewBudgetAfterAsLongAsAFullOneAllows() {
        // 100% failures: exhausted once coverage = total, i.e. after 0.5% of 30 days = 3.6 hours,
        // the complete outage a steady 99.5% month allows.
        Slo slo = slo(0.995, Duration.ofDays(30), true);
        long seconds = 0;
        while (slo.status() != SloStatus.EXHAUSTED) {
            slo.recordEvent(false);
            clock.advance(Duration.ofSeconds(10));
            seconds += 10;
        }
        assertThat(seconds).isBetween(3 * 3_600L + 35 * 60, 3 * 3_600L + 37 * 60);
    }

    @Test
    void onceTheWindowIsFullTheAllowanceIsTheWindowsOwn() {
        ErrorBudget budget = ErrorBudget.builder().target(0.99).window("1h").clock(clock).build();
        for (int m = 0; m < 120; m++) {
            budget.recordEvent(m % 50 != 0);
            clock.advance(Duration.ofMinutes(1));
        }
        assertThat(budget.coverage()).isEqualTo(1.0);
        assertThat(budget.allowedBadEvents()).isCloseTo(0.01 * budget.totalEvents(), within(1e-9));
    }

    @Test
    void aCalendarMonthProjectsFromItsFirstDayAndRefillsOnTheFirst() {
        ManualClock march = ManualClock.at(Instant.parse("2026-03-31T12:00:00Z"));
        ErrorBudget budget = ErrorBudget.builder().target(0.99).calendarWindow(CalendarWindow.months(1, ZoneOffset.UTC))
                .clock(march).build();
        budget.recordEvents(99, 1);
        march.advance(Duration.ofHours(12));  // April 1st, 00:00: a new period
        assertThat(budget.totalEvents()).isZero();
        budget.recordEvents(900, 100);        // 10% errors on the first day of April
        march.advance(Duration.ofHours(24));
        assertThat(budget.totalEvents()).isEqualTo(1_000);
        // One day of a 30-day April observed: allowance 0.01 x 1,000 x 30 = 300, 100 used.
        assertThat(budget.allowedBadEvents()).isCloseTo(300.0, within(1e-6));
        assertThat(budget.isExhausted()).isFalse();
        march.advance(Duration.ofDays(2));    // three days observed: allowance 100, exhausted
        assertThat(budget.isExhausted()).isTrue();
    }
}
