package dev.agentsre.cost.internal;

import java.time.Instant;
import java.time.LocalDate;
import java.time.YearMonth;
import java.time.ZoneId;

/**
 * Where the budget periods of a cost guard begin and end: days for agents, months for tenants and
 * the organisation, in the guard's time zone (a day across a daylight-saving change is 23 or 25
 * hours). Periods only move forward: see {@link Budget#current}. Immutable. Not API.
 */
public final class PeriodClock {

    /** How long a budget's period is. */
    public enum Periodicity {
        /** A calendar day in the zone. */
        DAY,
        /** A calendar month in the zone. */
        MONTH
    }

    private final ZoneId zone;

    /** Periods in {@code zone}. */
    public PeriodClock(ZoneId zone) {
        this.zone = zone;
    }

    /** The period of {@code periodicity} containing {@code now}, empty. */
    public Period periodAt(long now, Periodicity periodicity, boolean tracksBreakdown) {
        LocalDate day = LocalDate.ofInstant(Instant.ofEpochMilli(now), zone);
        long start;
        long end;
        if (periodicity == Periodicity.DAY) {
            start = day.atStartOfDay(zone).toInstant().toEpochMilli();
            end = day.plusDays(1).atStartOfDay(zone).toInstant().toEpochMilli();
        } else {
            YearMonth month = YearMonth.from(day);
            start = month.atDay(1).atStartOfDay(zone).toInstant().toEpochMilli();
            end = month.plusMonths(1).atDay(1).atStartOfDay(zone).toInstant().toEpochMilli();
        }
        return new Period(start, end, tracksBreakdown);
    }

    /** The zone. */
    public ZoneId zone() {
        return zone;
    }
}
