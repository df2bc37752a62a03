package dev.agentsre.chaos;

import dev.agentsre.internal.Check;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.util.BitSet;
import java.util.Locale;

/**
 * A standard 5-field cron expression: {@code minute hour day-of-month month day-of-week}.
 * Each field takes {@code *}, a value, a range {@code a-b}, a list {@code a,b,c} and steps
 * {@code *}{@code /n} or {@code a-b/n}; months accept JAN-DEC and days of the week SUN-SAT (0 and
 * 7 are both Sunday). As in classic cron, when both day-of-month and day-of-week are restricted a
 * day matches if either does. Immutable and thread-safe.
 *
 * <pre>{@code
 * CronExpression.parse("0 10-16/2 * * MON-FRI").next(now)   // every other hour 10:00-16:00 on weekdays
 * }</pre>
 */
public final class CronExpression {

    private static final String[] MONTHS = {"JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"};
    private static final String[] DAYS = {"SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"};

    private final String text;
    private final BitSet minutes;
    private final BitSet hours;
    private final BitSet daysOfMonth;
    private final BitSet months;
    private final BitSet daysOfWeek;
    private final boolean domRestricted;
    private final boolean dowRestricted;

    private CronExpression(String text) {
        this.text = text;
        String[] fields = text.trim().split("\\s+");
        if (fields.length != 5) {
            throw new IllegalArgumentException("cron expression must have 5 fields (minute hour day-of-month month day-of-week), got '"
                    + text + "'");
        }
        minutes = field(fields[0], "minute", 0, 59, null, 0);
        hours = field(fields[1], "hour", 0, 23, null, 0);
        daysOfMonth = field(fields[2], "day-of-month", 1, 31, null, 0);
        months = field(fields[3], "month", 1, 12, MONTHS, 1);
        BitSet dow = field(fields[4], "day-of-week", 0, 7, DAYS, 0);
        if (dow.get(7)) {
            dow.set(0);
            dow.clear(7);
        }
        daysOfWeek = dow;
        domRestricted = !fields[2].equals("*");
        dowRestricted = !fields[4].equals("*");
    }

    /**
     * Parses {@code text}.
     *
     * @throws IllegalArgumentException naming the field and the expression when it is malformed
     */
    public static CronExpression parse(String text) {
        return new CronExpression(Check.notBlank("cron", text));
    }

    /** Whether {@code time} (to the minute) matches. */
    public boolean matches(ZonedDateTime time) {
        return minutes.get(time.getMinute()) && hours.get(time.getHour()) && months.get(time.getMonthValue()) && dayMatches(time);
    }

    /** The first matching minute strictly after {@code after}, in its zone. */
    public ZonedDateTime next(ZonedDateTime after) {
        Check.notNull("after", after);
        ZonedDateTime t = after.truncatedTo(ChronoUnit.MINUTES).plusMinutes(1);
        ZonedDateTime limit = t.plusYears(5);
        while (t.isBefore(limit)) {
            if (!months.get(t.getMonthValue())) {
                t = t.withDayOfMonth(1).truncatedTo(ChronoUnit.DAYS).plusMonths(1);
            } else if (!dayMatches(t)) {
                t = t.truncatedTo(ChronoUnit.DAYS).plusDays(1);
            } else if (!hours.get(t.getHour())) {
                t = t.truncatedTo(ChronoUnit.HOURS).plusHours(1);
            } else if (!minutes.get(t.getMinute())) {
                t = t.plusMinutes(1);
            } else {
                return t;
            }
        }
        throw new IllegalStateException("cron expression '" + text + "' never matches within 5 years");
    }

    private boolean dayMatches(ZonedDateTime t) {
        boolean dom = daysOfMonth.get(t.getDayOfMonth());
        boolean dow = daysOfWeek.get(t.getDayOfWeek().getValue() % 7);
        if (domRestricted && dowRestricted) {
            return dom || dow;
        }
        return dom && dow;
    }

    @Override
    public String toString() {
        return text;
    }

    private BitSet field(String spec, String name, int min, int max, String[] names, int nameOffset) {
        BitSet bits = new BitSet(max + 1);
        for (String part : spec.split(",")) {
            int step = 1;
            String range = part;
            int slash = part.indexOf('/');
            if (slash >= 0) {
                step = number(part.substring(slash + 1), name, 1, max, null, 0);
                range = part.substring(0, slash);
            }
            int from;
            int to;
            if (range.equals("*")) {
                from = min;
                to = max == 7 ? 6 : max;
            } else if (range.contains("-")) {
                String[] ends = range.split("-", 2);
                from = number(ends[0], name, min, max, names, nameOffset);
                to = number(ends[1], name, min, max, names, nameOffset);
                if (from > to) {
                    throw error(name, "range " + range + " runs backwards");
                }
            } else {
                from = number(range, name, min, max, names, nameOffset);
                to = slash >= 0 ? max : from;
            }
            for (int v = from; v <= to; v += step) {
                bits.set(v);
            }
        }
        return bits;
    }

    private int number(String token, String name, int min, int max, String[] names, int nameOffset) {
        if (names != null) {
            String upper = token.toUpperCase(Locale.ROOT);
            for (int i = 0; i < names.length; i++) {
                if (names[i].equals(upper)) {
                    return i + nameOffset;
                }
            }
        }
        try {
            int v = Integer.parseInt(token);
            if (v < min || v > max) {
                throw error(name, token + " is outside " + min + "-" + max);
            }
            return v;
        } catch (NumberFormatException e) {
            throw error(name, "'" + token + "' is not a number" + (names == null ? "" : " or a name"));
        }
    }

    private IllegalArgumentException error(String field, String message) {
        return new IllegalArgumentException("cron " + field + " field of '" + text + "': " + message);
    }
}
