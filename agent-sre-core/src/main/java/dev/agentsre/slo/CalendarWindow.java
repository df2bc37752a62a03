package dev.agentsre.slo;

import dev.agentsre.internal.Check;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.util.EnumSet;
import java.util.Set;

/**
 * A calendar-aligned budget window: the budget is refilled at the start of every period (each
 * month, each week from a Monday, each day at midnight...), in a time zone, instead of rolling.
 *
 * <p>Periods are {@code amount} calendar {@code unit}s long, counted from {@code start} in
 * {@code zone} (OpenSLO's {@code calendar.startTime} and {@code calendar.timeZone}). Calendar
 * arithmetic follows {@link ZonedDateTime}: a day is midnight to midnight (23 or 25 hours across a
 * daylight-saving change), a month is the 1st to the 1st (28 to 31 days) when {@code start} is on
 * the 1st, a quarter is three months.
 *
 * <pre>{@code
 * ErrorBudget budget = ErrorBudget.builder().target(0.995)
 *         .calendarWindow(CalendarWindow.months(1, ZoneId.of("Europe/Berlin")))
 *         .build();
 * }</pre>
 *
 * <p>The {@link #nominalLength() nominal length} (a month counts as 30 days, a year as 365) scales
 * the burn-rate alert windows, which always roll.
 *
 * @param amount periods are this many units long, &ge; 1
 * @param unit one of {@code MINUTES, HOURS, DAYS, WEEKS, MONTHS, YEARS}
 * @param start a period boundary, as local date-time in {@code zone}
 * @param zone the time zone periods are aligned in
 */
public record CalendarWindow(int amount, ChronoUnit unit, LocalDateTime start, ZoneId zone) {

    /** The units a calendar window may have. */
    public static final Set<ChronoUnit> UNITS = Set.copyOf(EnumSet.of(
            ChronoUnit.MINUTES, ChronoUnit.HOURS, ChronoUnit.DAYS, ChronoUnit.WEEKS, ChronoUnit.MONTHS, ChronoUnit.YEARS));

    // A Monday, the first day of a month, of a quarter and of a year: a boundary for every unit.
    private static final LocalDateTime EPOCH = LocalDateTime.of(2001, 1, 1, 0, 0);

    /** Validates every field. */
    public CalendarWindow {
        Check.positive("amount", amount);
        Check.notNull("unit", unit);
        if (!UNITS.contains(unit)) {
            throw new IllegalArgumentException("unit must be one of " + UNITS + ", got " + unit);
        }
        Check.notNull("start", start);
        Check.notNull("zone", zone);
    }

    /** Periods of {@code amount} units starting at midnight of 1 January 2001 (a Monday) in {@code zone}. */
    public static CalendarWindow of(int amount, ChronoUnit unit, ZoneId zone) {
        return new CalendarWindow(amount, unit, EPOCH, zone);
    }

    /** Calendar months in {@code zone}: the budget refills on the 1st at midnight. */
    public static CalendarWindow months(int amount, ZoneId zone) {
        return of(amount, ChronoUnit.MONTHS, zone);
    }

    /** Calendar weeks in {@code zone}, from Monday midnight. */
    public static CalendarWindow weeks(int amount, ZoneId zone) {
        return of(amount, ChronoUnit.WEEKS, zone);
    }

    /** Calendar days in {@code zone}, from midnight. */
    public static CalendarWindow days(int amount, ZoneId zone) {
        return of(amount, ChronoUnit.DAYS, zone);
    }

    /**
     * The length used to scale alert windows and size the rolling rings: {@code amount} units with
     * a month counted as 30 days and a year as 365.
     */
    public Duration nominalLength() {
        switch (unit) {
            case MONTHS:
                return Duration.ofDays(30L * amount);
            case YEARS:
                return Duration.ofDays(365L * amount);
            default:
                return unit.getDuration().multipliedBy(amount);
        }
    }

    /** The period that contains {@code instant}: its first instant (inclusive) and its end (exclusive). */
    public Period periodAt(Instant instant) {
        Check.notNull("instant", instant);
        ZonedDateTime origin = start.atZone(zone);
        ZonedDateTime at = instant.atZone(zone);
        long periods = Math.floorDiv(unit.between(origin, at), (long) amount);
        ZonedDateTime periodStart = origin.plus(periods * amount, unit);
        // between() truncates towards zero and zone transitions can shift a boundary: settle here.
        while (periodStart.toInstant().isAfter(instant)) {
            periods--;
            periodStart = origin.plus(periods * amount, unit);
        }
        ZonedDateTime periodEnd = origin.plus((periods + 1) * amount, unit);
        while (!periodEnd.toInstant().isAfter(instant)) {
            periods++;
            periodStart = periodEnd;
            periodEnd = origin.plus((periods + 1) * amount, unit);
        }
        return new Period(periodStart.toInstant(), periodEnd.toInstant());
    }

    @Override
    public String toString() {
        return "calendar " + amount + " " + unit.toString().toLowerCase(java.util.Locale.ROOT) + " from " + start + " " + zone;
    }

    /**
     * One period of a calendar window.
     *
     * @param start first instant of the period
     * @param end first instant after it
     */
    public record Period(Instant start, Instant end) {
        /** The period's length. */
        public Duration length() {
            return Duration.between(start, end);
        }
    }
}
