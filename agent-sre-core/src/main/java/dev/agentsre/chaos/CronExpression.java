package dev.agentsre.chaos;

import dev.agentsre.internal.Check;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.Month;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.time.zone.ZoneOffsetTransition;
import java.time.zone.ZoneRules;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A standard 5-field cron expression, {@code minute hour day-of-month month day-of-week}, with the
 * semantics of Vixie cron and cronie.
 *
 * <ul>
 *   <li>Each field takes {@code *}, a value, a range {@code a-b}, a list {@code a,b,c} and steps
 *       {@code *}{@code /n}, {@code a-b/n} or {@code a/n} (from {@code a} to the field's end); any
 *       step of at least 1 is accepted ({@code *}{@code /60} in the minute field is minute 0).</li>
 *   <li>Months take {@code JAN}–{@code DEC}, days of the week {@code SUN}–{@code SAT}; 0 and 7 are
 *       both Sunday, and a range ending on Sunday ({@code SAT-SUN}, {@code 5-0}) runs to day 7.</li>
 *   <li>Day-of-month and day-of-week: when both fields are restricted a day matches if either does
 *       ({@code 0 0 1,15 * MON}: the 1st, the 15th and every Monday); a field that begins with
 *       {@code *} counts as unrestricted for this rule, whatever follows, so {@code 0 0 *}{@code /1 * MON}
 *       runs on Mondays only.</li>
 *   <li>{@code @yearly} ({@code @annually}), {@code @monthly}, {@code @weekly}, {@code @daily}
 *       ({@code @midnight}) and {@code @hourly}.</li>
 * </ul>
 *
 * <p><b>Daylight saving time</b>, as cronie does it. A <i>fixed-time</i> expression is one whose
 * minute and hour fields do not begin with {@code *} ({@code 30 2 * * *}, {@code @daily}); any other is
 * a <i>wildcard</i> expression ({@code *}{@code /15 * * * *}, {@code @hourly}).
 * <ul>
 *   <li>Clocks jump forward (02:00 → 03:00): a fixed-time run whose time falls in the skipped hour runs
 *       once, right after the jump (at 03:00); a wildcard run in the skipped hour does not run (it
 *       never came).</li>
 *   <li>Clocks fall back (03:00 → 02:00, 02:xx happens twice): a fixed-time run in the repeated hour
 *       runs once, the first time; a wildcard run runs both times (each is a different real hour).</li>
 * </ul>
 *
 * <pre>{@code
 * CronExpression.parse("0 10-16/2 * * MON-FRI").next(now)   // every other hour 10:00-16:00 on weekdays
 * }</pre>
 *
 * <p>Immutable and thread-safe. {@link #next} costs a few field jumps (at most one step per day for
 * expressions that match rarely, within {@value #HORIZON_YEARS} years).
 */
public final class CronExpression {

    /** How far ahead {@link #next} looks; every satisfiable expression matches within it. */
    public static final int HORIZON_YEARS = 50;

    private static final String[] MONTHS = {"JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"};
    private static final String[] DAYS = {"SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"};
    private static final Map<String, String> NICKNAMES = Map.of("@yearly", "0 0 1 1 *", "@annually", "0 0 1 1 *",
            "@monthly", "0 0 1 * *", "@weekly", "0 0 * * 0", "@daily", "0 0 * * *", "@midnight", "0 0 * * *", "@hourly", "0 * * * *");

    private final String text;
    private final long minutes;
    private final long hours;
    private final long daysOfMonth;
    private final long months;
    private final long daysOfWeek;
    private final boolean dayOfMonthStar;
    private final boolean dayOfWeekStar;
    private final boolean fixedTime;

    private CronExpression(String text) {
        this.text = text;
        String trimmed = text.trim();
        String expanded = trimmed.startsWith("@") ? nickname(trimmed) : trimmed;
        String[] fields = expanded.split("\\s+");
        if (fields.length != 5) {
            throw new IllegalArgumentException("cron expression must have 5 fields (minute hour day-of-month month day-of-week), got '"
                    + text + "'");
        }
        minutes = field(fields[0], "minute", 0, 59, null, 0, false);
        hours = field(fields[1], "hour", 0, 23, null, 0, false);
        daysOfMonth = field(fields[2], "day-of-month", 1, 31, null, 0, false);
        months = field(fields[3], "month", 1, 12, MONTHS, 1, false);
        long dow = field(fields[4], "day-of-week", 0, 7, DAYS, 0, true);
        daysOfWeek = (dow & 1L << 7) != 0 ? (dow | 1L) & ~(1L << 7) : dow;
        dayOfMonthStar = fields[2].startsWith("*");
        dayOfWeekStar = fields[4].startsWith("*");
        fixedTime = !fields[0].startsWith("*") && !fields[1].startsWith("*");
        requireSatisfiable();
    }

    /**
     * Parses {@code text}.
     *
     * @throws IllegalArgumentException naming the field and the expression when it is malformed, or
     *     when it can never match ({@code 0 0 30 2 *})
     */
    public static CronExpression parse(String text) {
        return new CronExpression(Check.notBlank("cron", text));
    }

    /** Whether the local date and time of {@code time} (to the minute) match the fields. */
    public boolean matches(ZonedDateTime time) {
        Check.notNull("time", time);
        return has(minutes, time.getMinute()) && has(hours, time.getHour()) && has(months, time.getMonthValue())
                && dayMatches(time.toLocalDate());
    }

    /**
     * The first run strictly after {@code after}, in its zone, with the daylight-saving rules above.
     *
     * @throws IllegalStateException when there is none within {@value #HORIZON_YEARS} years
     */
    public ZonedDateTime next(ZonedDateTime after) {
        Check.notNull("after", after);
        ZoneId zone = after.getZone();
        ZoneRules rules = zone.getRules();
        Instant from = after.toInstant();
        Instant best = null;
        LocalDateTime bestBound = null;
        // Local time maps to instants monotonically except around transitions: start early enough to see every
        // local time whose run could come after `from`, and stop once no later local time can run earlier.
        LocalDateTime local = LocalDateTime.ofInstant(from, lowestOffsetNear(rules, from)).truncatedTo(ChronoUnit.MINUTES);
        LocalDateTime horizon = local.plusYears(HORIZON_YEARS);
        while (true) {
            local = nextLocal(local, horizon);
            if (local == null || bestBound != null && local.isAfter(bestBound)) {
                break;
            }
            for (Instant run : runs(rules, local)) {
                if (run.isAfter(from) && (best == null || run.isBefore(best))) {
                    best = run;
                    bestBound = LocalDateTime.ofInstant(best, highestOffsetNear(rules, best));
                }
            }
            local = local.plusMinutes(1);
        }
        if (best == null) {
            throw new IllegalStateException("cron expression '" + text + "' has no run within " + HORIZON_YEARS + " years after " + after);
        }
        return ZonedDateTime.ofInstant(best, zone);
    }

    /** Whether this is a fixed-time expression (minute and hour fields not {@code *}-led), for the daylight-saving rules. */
    public boolean isFixedTime() {
        return fixedTime;
    }

    /** The instants a matching local time runs at, by the daylight-saving rules. */
    private List<Instant> runs(ZoneRules rules, LocalDateTime local) {
        List<ZoneOffset> offsets = rules.getValidOffsets(local);
        if (offsets.size() == 1) {
            return List.of(local.toInstant(offsets.get(0)));
        }
        ZoneOffsetTransition transition = rules.getTransition(local);
        if (offsets.isEmpty()) { // skipped by a jump forward
            return fixedTime ? List.of(transition.getInstant()) : List.of();
        }
        Instant first = local.toInstant(transition.getOffsetBefore());
        return fixedTime ? List.of(first) : List.of(first, local.toInstant(transition.getOffsetAfter()));
    }

    /** The first local minute at or after {@code t} whose fields match, or null past {@code horizon}. */
    private LocalDateTime nextLocal(LocalDateTime t, LocalDateTime horizon) {
        while (t.isBefore(horizon)) {
            if (!has(months, t.getMonthValue())) {
                t = t.withDayOfMonth(1).truncatedTo(ChronoUnit.DAYS).plusMonths(1);
                continue;
            }
            if (!dayMatches(t.toLocalDate())) {
                t = t.truncatedTo(ChronoUnit.DAYS).plusDays(1);
                continue;
            }
            int hour = nextBit(hours, t.getHour(), 23);
            if (hour < 0) {
                t = t.truncatedTo(ChronoUnit.DAYS).plusDays(1);
                continue;
            }
            if (hour != t.getHour()) {
                t = t.truncatedTo(ChronoUnit.DAYS).withHour(hour);
            }
            int minute = nextBit(minutes, t.getMinute(), 59);
            if (minute < 0) {
                t = t.truncatedTo(ChronoUnit.HOURS).plusHours(1);
                continue;
            }
            return t.withMinute(minute);
        }
        return null;
    }

    private boolean dayMatches(LocalDate date) {
        boolean dom = has(daysOfMonth, date.getDayOfMonth());
        boolean dow = has(daysOfWeek, date.getDayOfWeek().getValue() % 7);
        return dayOfMonthStar || dayOfWeekStar ? dom && dow : dom || dow;
    }

    /** Rejects an expression no date satisfies (day 30 in February only, day 31 in 30-day months only). */
    private void requireSatisfiable() {
        if (!(dayOfMonthStar || dayOfWeekStar)) {
            return; // either day field matching is enough, and some weekday comes every week
        }
        for (Month month : Month.values()) {
            if (has(months, month.getValue()) && Long.numberOfTrailingZeros(daysOfMonth) <= month.maxLength()) {
                return; // every valid date falls on every weekday within a few decades
            }
        }
        throw new IllegalArgumentException("cron expression '" + text + "' never matches: its days of the month do not occur in its months");
    }

    private static ZoneOffset lowestOffsetNear(ZoneRules rules, Instant at) {
        ZoneOffset low = rules.getOffset(at);
        for (ZoneOffsetTransition t : transitionsNear(rules, at)) {
            low = t.getOffsetBefore().getTotalSeconds() < low.getTotalSeconds() ? t.getOffsetBefore() : low;
            low = t.getOffsetAfter().getTotalSeconds() < low.getTotalSeconds() ? t.getOffsetAfter() : low;
        }
        return low;
    }

    private static ZoneOffset highestOffsetNear(ZoneRules rules, Instant at) {
        ZoneOffset high = rules.getOffset(at);
        for (ZoneOffsetTransition t : transitionsNear(rules, at)) {
            high = t.getOffsetBefore().getTotalSeconds() > high.getTotalSeconds() ? t.getOffsetBefore() : high;
            high = t.getOffsetAfter().getTotalSeconds() > high.getTotalSeconds() ? t.getOffsetAfter() : high;
        }
        return high;
    }

    /** The zone's transitions within two days of {@code at}. */
    private static List<ZoneOffsetTransition> transitionsNear(ZoneRules rules, Instant at) {
        Instant start = at.minus(2, ChronoUnit.DAYS);
        Instant end = at.plus(2, ChronoUnit.DAYS);
        java.util.ArrayList<ZoneOffsetTransition> near = new java.util.ArrayList<>(2);
        for (ZoneOffsetTransition t = rules.nextTransition(start); t != null && t.getInstant().isBefore(end);
             t = rules.nextTransition(t.getInstant())) {
            near.add(t);
        }
        return near;
    }

    @Override
    public String toString() {
        return text;
    }

    private static boolean has(long bits, int value) {
        return (bits & 1L << value) != 0;
    }

    /** The lowest set bit at or above {@code from} and at most {@code max}, or -1. */
    private static int nextBit(long bits, int from, int max) {
        long above = bits & -(1L << from);
        int bit = Long.numberOfTrailingZeros(above);
        return above == 0 || bit > max ? -1 : bit;
    }

    private String nickname(String trimmed) {
        String fields = NICKNAMES.get(trimmed.toLowerCase(Locale.ROOT));
        if (fields == null) {
            throw new IllegalArgumentException("cron expression '" + text + "': unknown nickname " + trimmed + " (known: @yearly, "
                    + "@annually, @monthly, @weekly, @daily, @midnight, @hourly; @reboot has no meaning for a scheduler)");
        }
        return fields;
    }

    private long field(String spec, String name, int min, int max, String[] names, int nameOffset, boolean dayOfWeek) {
        long bits = 0;
        for (String part : spec.split(",", -1)) {
            if (part.isEmpty()) {
                throw error(name, "empty list element in '" + spec + "'");
            }
            int step = 1;
            String range = part;
            int slash = part.indexOf('/');
            if (slash >= 0) {
                step = step(part.substring(slash + 1), name);
                range = part.substring(0, slash);
            }
            int from;
            int to;
            if (range.equals("*")) {
                from = min;
                to = max; // day of week: 0-7, Sunday twice, as cronie does
            } else if (range.contains("-")) {
                String[] ends = range.split("-", 2);
                from = number(ends[0], name, min, max, names, nameOffset);
                to = number(ends[1], name, min, max, names, nameOffset);
                if (dayOfWeek && to == 0 && from > 0) {
                    to = 7; // SAT-SUN, 5-0: Sunday at the end of a range is day 7
                }
                if (from > to) {
                    throw error(name, "range " + range + " runs backwards");
                }
            } else {
                from = number(range, name, min, max, names, nameOffset);
                to = slash >= 0 ? max : from;
            }
            for (int v = from; v <= to; v += step) {
                bits |= 1L << v;
            }
        }
        return bits;
    }

    private int step(String token, String name) {
        try {
            int step = Integer.parseInt(token);
            if (step < 1) {
                throw error(name, "step must be at least 1, got " + token);
            }
            return step;
        } catch (NumberFormatException e) {
            throw error(name, "step '" + token + "' is not a number");
        }
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
