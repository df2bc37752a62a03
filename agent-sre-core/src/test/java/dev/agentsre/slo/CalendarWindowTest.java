package dev.agentsre.slo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.agentsre.internal.window.PeriodCounter;
import dev.agentsre.testing.Race;
import dev.agentsre.testing.ManualClock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class CalendarWindowTest {

    private static final ZoneId NEW_YORK = ZoneId.of("America/New_York");

    @Test
    void monthsQuartersWeeksAndDaysFollowTheCalendarOfTheirZone() {
        CalendarWindow.Period feb = CalendarWindow.months(1, ZoneOffset.UTC).periodAt(Instant.parse("2028-02-15T10:00:00Z"));
        assertThat(feb.start()).isEqualTo(Instant.parse("2028-02-01T00:00:00Z"));
        assertThat(feb.end()).isEqualTo(Instant.parse("2028-03-01T00:00:00Z"));
        assertThat(feb.length()).isEqualTo(Duration.ofDays(29)); // a leap year

        CalendarWindow.Period q = CalendarWindow.months(3, ZoneOffset.UTC).periodAt(Instant.parse("2026-05-20T00:00:00Z"));
        assertThat(q.start()).isEqualTo(Instant.parse("2026-04-01T00:00:00Z"));
        assertThat(q.end()).isEqualTo(Instant.parse("2026-07-01T00:00:00Z"));

        CalendarWindow.Period week = CalendarWindow.weeks(1, ZoneOffset.UTC).periodAt(Instant.parse("2026-03-05T12:00:00Z"));
        assertThat(week.start()).isEqualTo(Instant.parse("2026-03-02T00:00:00Z")); // a Monday

        // The day the clocks go forward in New York is 23 hours long, midnight to midnight local time.
        CalendarWindow.Period dst = CalendarWindow.days(1, NEW_YORK).periodAt(Instant.parse("2026-03-08T12:00:00Z"));
        assertThat(dst.start()).isEqualTo(Instant.parse("2026-03-08T05:00:00Z"));
        assertThat(dst.length()).isEqualTo(Duration.ofHours(23));

        // OpenSLO's example: weeks from 2022-01-01 12:00 in New York.
        CalendarWindow openSlo = new CalendarWindow(1, ChronoUnit.WEEKS, LocalDateTime.parse("2022-01-01T12:00:00"), NEW_YORK);
        CalendarWindow.Period p = openSlo.periodAt(Instant.parse("2026-03-04T00:00:00Z"));
        assertThat(p.start()).isEqualTo(Instant.parse("2026-02-28T17:00:00Z")); // a Saturday, 12:00 EST
        assertThat(p.end()).isEqualTo(Instant.parse("2026-03-07T17:00:00Z"));
        assertThat(openSlo.periodAt(p.end()).start()).isEqualTo(p.end());
        assertThat(openSlo.periodAt(p.end().minusMillis(1)).start()).isEqualTo(p.start());
        assertThat(CalendarWindow.months(1, ZoneOffset.UTC).nominalLength()).isEqualTo(Duration.ofDays(30));
        assertThat(CalendarWindow.of(1, ChronoUnit.YEARS, ZoneOffset.UTC).nominalLength()).isEqualTo(Duration.ofDays(365));
    }

    @Test
    void aCalendarBudgetRefillsAtThePeriodStartAndItsAlertsStillRoll() {
        ManualClock clock = ManualClock.at(Instant.parse("2026-03-31T23:00:00Z"));
        ErrorBudget budget = ErrorBudget.builder().target(0.99).calendarWindow(CalendarWindow.months(1, ZoneOffset.UTC))
                .projectAllowance(false).clock(clock).build();
        budget.recordEvents(50, 50);
        assertThat(budget.isExhausted()).isTrue();
        assertThat(budget.window()).isEqualTo(Duration.ofDays(30));
        assertThat(budget.calendarWindow()).isPresent();
        clock.advance(Duration.ofMinutes(61)); // April
        assertThat(budget.totalEvents()).isZero();
        assertThat(budget.isExhausted()).isFalse();
        assertThat(budget.remainingPercent()).isEqualTo(100.0);
        // The burn rate over the last 2 hours still sees March's last hour.
        assertThat(budget.burnRate(Duration.ofHours(2))).isEqualTo(50.0, org.assertj.core.api.Assertions.within(1e-6));
        budget.recordEvent(true);
        assertThat(budget.totalEvents()).isEqualTo(1);
    }

    @Test
    void thePeriodNeverMovesBackAndNoEventIsLostAcrossARollOverRace() throws Exception {
        AtomicLong now = new AtomicLong(0);
        PeriodCounter counter = new PeriodCounter(t -> new long[] {Math.floorDiv(t, 1_000) * 1_000, Math.floorDiv(t, 1_000) * 1_000 + 1_000}, 0);
        AtomicLong counted = new AtomicLong();
        Race.run(8, thread -> {
            for (int i = 0; i < 20_000; i++) {
                long t = thread == 0 && i % 100 == 0 ? now.addAndGet(100) : now.get(); // the period ends every 1,000 ms
                counter.record(t - (i % 7 == 0 ? 1_500 : 0), 1, 0); // some writers read an old clock
            }
        });
        PeriodCounter.Reading reading = counter.read(now.get());
        assertThat(reading.endMillis()).isGreaterThan(now.get());
        counted.set(reading.total());
        assertThat(counted.get()).isPositive();
        // A clock stepped back counts into the current period, never into a new copy of an old one.
        long before = counter.read(now.get()).total();
        counter.record(now.get() - 5_000, 1, 1);
        assertThat(counter.read(now.get()).total()).isEqualTo(before + 1);
        assertThat(counter.read(now.get()).bad()).isEqualTo(1);
    }

    @Test
    void invalidWindowsNameTheField() {
        assertThatThrownBy(() -> CalendarWindow.of(0, ChronoUnit.MONTHS, ZoneOffset.UTC)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("amount");
        assertThatThrownBy(() -> CalendarWindow.of(1, ChronoUnit.SECONDS, ZoneOffset.UTC)).hasMessageContaining("unit");
        assertThatThrownBy(() -> CalendarWindow.of(1, ChronoUnit.DAYS, null)).hasMessageContaining("zone");
    }
}
