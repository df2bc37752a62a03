package dev.agentsre.chaos;

import dev.agentsre.internal.Check;
import java.time.DayOfWeek;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZonedDateTime;
import java.util.EnumSet;
import java.util.Set;

/**
 * A time when scheduled chaos must not start: a time-of-day range (which may cross midnight), days
 * of the week, or a date range. Combine with {@link #and} (both must hold), e.g. lunchtime on
 * weekdays. Evaluated in the scheduler's zone.
 */
@FunctionalInterface
public interface BlackoutWindow {

    /** Whether {@code time} falls in the blackout. */
    boolean contains(ZonedDateTime time);

    /** From {@code from} (inclusive) to {@code to} (exclusive) every day; {@code 22:00-06:00} crosses midnight. */
    static BlackoutWindow timeOfDay(LocalTime from, LocalTime to) {
        Check.notNull("from", from);
        Check.notNull("to", to);
        if (from.equals(to)) {
            throw new IllegalArgumentException("timeOfDay from and to must differ, got " + from);
        }
        return time -> {
            LocalTime t = time.toLocalTime();
            return from.isBefore(to) ? !t.isBefore(from) && t.isBefore(to) : !t.isBefore(from) || t.isBefore(to);
        };
    }

    /** All day on these days of the week. */
    static BlackoutWindow daysOfWeek(DayOfWeek first, DayOfWeek... rest) {
        Set<DayOfWeek> days = EnumSet.of(Check.notNull("first", first), rest);
        return time -> days.contains(time.getDayOfWeek());
    }

    /** From {@code from} to {@code to}, both dates inclusive (a release freeze, a holiday). */
    static BlackoutWindow dates(LocalDate from, LocalDate to) {
        Check.notNull("from", from);
        Check.notNull("to", to);
        if (to.isBefore(from)) {
            throw new IllegalArgumentException("dates to must not be before from (" + from + "), got " + to);
        }
        return time -> {
            LocalDate d = time.toLocalDate();
            return !d.isBefore(from) && !d.isAfter(to);
        };
    }

    /** A blackout when both this and {@code other} hold. */
    default BlackoutWindow and(BlackoutWindow other) {
        Check.notNull("other", other);
        return time -> contains(time) && other.contains(time);
    }
}
