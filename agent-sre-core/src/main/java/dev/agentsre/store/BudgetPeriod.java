package dev.agentsre.store;

import dev.agentsre.internal.Check;
import java.time.Instant;
import java.time.LocalDate;
import java.time.YearMonth;
import java.time.ZoneId;

/**
 * The calendar period a budget scope is counted in. A scope's key embeds the period's id (for
 * example {@code agent:research:d:2026-11-25} or {@code org:m:2026-11}), so a new day or month
 * starts on a new key: periods roll over with no reset job, in any JVM, at the same instant, and a
 * reservation keeps the keys of the period it was taken in.
 */
public enum BudgetPeriod {
    /** A calendar day in the budget's time zone. */
    DAY("d"),
    /** A calendar month in the budget's time zone. */
    MONTH("m");

    private final String tag;

    BudgetPeriod(String tag) {
        this.tag = tag;
    }

    /**
     * The period containing {@code instant} in {@code zone}: its id ({@code 2026-11-25} or
     * {@code 2026-11}), start and end.
     */
    public Span at(Instant instant, ZoneId zone) {
        Check.notNull("instant", instant);
        Check.notNull("zone", zone);
        LocalDate day = LocalDate.ofInstant(instant, zone);
        if (this == DAY) {
            return new Span(day.toString(), day.atStartOfDay(zone).toInstant(), day.plusDays(1).atStartOfDay(zone).toInstant());
        }
        YearMonth month = YearMonth.from(day);
        return new Span(month.toString(), month.atDay(1).atStartOfDay(zone).toInstant(),
                month.plusMonths(1).atDay(1).atStartOfDay(zone).toInstant());
    }

    /** The key of scope {@code base} in the period containing {@code instant}: {@code base:d:2026-11-25}. */
    public String key(String base, Instant instant, ZoneId zone) {
        return Check.notBlank("base", base) + ":" + tag + ":" + at(instant, zone).id();
    }

    /**
     * One period.
     *
     * @param id the period's id: {@code yyyy-MM-dd} for a day, {@code yyyy-MM} for a month
     * @param start its first instant
     * @param end the first instant of the next period
     */
    public record Span(String id, Instant start, Instant end) {
    }
}
