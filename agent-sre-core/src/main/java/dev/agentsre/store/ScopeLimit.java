package dev.agentsre.store;

import dev.agentsre.internal.Check;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;

/**
 * One budget scope of a reservation or a charge: the key its spend is counted under, its limit,
 * and how long the store keeps it.
 *
 * <p>Keys are the caller's: a scope that rolls over embeds its period in the key (see
 * {@link #daily} and {@link #monthly}), so a new period is a new key. A store keeps a scope until
 * {@code retainUntil} (two periods after the period ends, for the factories here) and may drop it
 * after that: nothing grows with time.
 *
 * @param key the scope's key: 1 to {@value #MAX_KEY_LENGTH} characters, no control characters
 * @param limitNanos the limit in nano-dollars, or {@link #UNLIMITED} (the scope is counted, never refused)
 * @param retainUntil when the store may forget the scope
 */
public record ScopeLimit(String key, long limitNanos, Instant retainUntil) {

    /** The limit of a scope that is counted but never refused. */
    public static final long UNLIMITED = -1;
    /** Longest key. */
    public static final int MAX_KEY_LENGTH = 512;

    /**
     * Validates every field.
     *
     * @throws IllegalArgumentException if the key is blank, too long or holds a control character,
     *         the limit is negative (other than {@link #UNLIMITED}), or {@code retainUntil} is null
     */
    public ScopeLimit {
        checkKey("key", key);
        if (limitNanos < 0 && limitNanos != UNLIMITED) {
            throw new IllegalArgumentException("limitNanos must be >= 0 or UNLIMITED (-1), got " + limitNanos);
        }
        Check.notNull("retainUntil", retainUntil);
    }

    /** Whether the scope has a limit. */
    public boolean limited() {
        return limitNanos != UNLIMITED;
    }

    /**
     * The scope {@code base} in the day containing {@code now} in {@code zone}
     * ({@code base:d:2026-11-25}), kept until two days after that day ends.
     */
    public static ScopeLimit daily(String base, long limitNanos, Instant now, ZoneId zone) {
        return periodic(BudgetPeriod.DAY, base, limitNanos, now, zone);
    }

    /**
     * The scope {@code base} in the month containing {@code now} in {@code zone}
     * ({@code base:m:2026-11}), kept until two months after that month ends.
     */
    public static ScopeLimit monthly(String base, long limitNanos, Instant now, ZoneId zone) {
        return periodic(BudgetPeriod.MONTH, base, limitNanos, now, zone);
    }

    /** A scope that does not roll over (a task), kept for {@code retention} after {@code now}. */
    public static ScopeLimit of(String key, long limitNanos, Instant now, Duration retention) {
        Check.notNull("now", now);
        Check.positive("retention", retention);
        return new ScopeLimit(key, limitNanos, now.plus(retention));
    }

    private static ScopeLimit periodic(BudgetPeriod period, String base, long limitNanos, Instant now, ZoneId zone) {
        BudgetPeriod.Span span = period.at(now, zone);
        // Two periods after the end: long enough for late commits and for reports on the last period.
        Instant retain = period == BudgetPeriod.DAY
                ? span.end().atZone(zone).plusDays(2).toInstant()
                : span.end().atZone(zone).plusMonths(2).toInstant();
        return new ScopeLimit(period.key(base, now, zone), limitNanos, retain);
    }

    static String checkKey(String name, String key) {
        if (key == null || key.isEmpty() || key.length() > MAX_KEY_LENGTH) {
            throw new IllegalArgumentException(name + " must be 1 to " + MAX_KEY_LENGTH + " characters, got "
                    + (key == null ? "null" : key.length() + " characters"));
        }
        for (int i = 0; i < key.length(); i++) {
            if (Character.isISOControl(key.charAt(i))) {
                throw new IllegalArgumentException(name + " must not contain control characters, got '"
                        + key.replaceAll("\\p{Cntrl}", "?") + "'");
            }
        }
        return key;
    }
}
