package dev.agentsre.time;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.Objects;

/**
 * Parses and formats the duration strings used throughout Agent SRE configuration.
 *
 * <p>Accepted forms:
 * <ul>
 *   <li>a whole number followed by a unit: {@code 500ms}, {@code 90s}, {@code 5m}, {@code 1h},
 *       {@code 24h}, {@code 7d}, {@code 30d}, {@code 2w} (units {@code ms s m h d w});</li>
 *   <li>several such parts, largest unit first: {@code 1h30m}, {@code 2d12h};</li>
 *   <li>ISO-8601 as {@link Duration#parse} understands it ({@code PT5M}, {@code P30D},
 *       {@code P1DT12H}), plus weeks ({@code P2W}).</li>
 * </ul>
 * A day is 24 hours and a week 7 days (these are durations, not calendar periods). Negative
 * durations are rejected; anything else that does not match is an {@link IllegalArgumentException}
 * naming the input.
 */
public final class Durations {

    private Durations() {
    }

    /**
     * Parses {@code text} into a non-negative duration.
     *
     * @throws IllegalArgumentException if {@code text} is null, blank, negative or not in one of the
     *     accepted forms; the message names the input
     */
    public static Duration parse(String text) {
        if (text == null) {
            throw new IllegalArgumentException("duration must not be null");
        }
        String trimmed = text.trim();
        if (trimmed.isEmpty()) {
            throw new IllegalArgumentException("duration must not be blank, got '" + text + "'");
        }
        Duration parsed = Character.toUpperCase(trimmed.charAt(0)) == 'P'
                ? parseIso(text, trimmed)
                : parseShort(text, trimmed);
        return parsed;
    }

    /**
     * Parses {@code text} and requires a strictly positive result.
     *
     * @param name the configuration field, used in the error message
     * @throws IllegalArgumentException if unparseable or not positive
     */
    public static Duration parsePositive(String name, String text) {
        Duration duration;
        try {
            duration = parse(text);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(name + ": " + e.getMessage(), e);
        }
        if (duration.isZero()) {
            throw new IllegalArgumentException(name + " must be positive, got '" + text + "'");
        }
        return duration;
    }

    /**
     * Formats a duration in the short form this class parses, using the largest units that
     * divide it exactly: {@code 30d}, {@code 1h30m}, {@code 250ms}. Weeks are not used, so the
     * output reads the way windows are usually written ({@code 14d}, not {@code 2w}).
     */
    public static String format(Duration duration) {
        Objects.requireNonNull(duration, "duration");
        if (duration.isNegative()) {
            throw new IllegalArgumentException("duration must not be negative, got " + duration);
        }
        if (duration.isZero()) {
            return "0s";
        }
        if (duration.getSeconds() >= Long.MAX_VALUE / 1_000) {
            return duration.toString(); // longer than a long of milliseconds (about 292 million years)
        }
        StringBuilder out = new StringBuilder();
        long millis = duration.toMillis();
        long[] sizes = {86_400_000L, 3_600_000L, 60_000L, 1_000L, 1L};
        String[] units = {"d", "h", "m", "s", "ms"};
        for (int i = 0; i < sizes.length; i++) {
            long count = millis / sizes[i];
            if (count > 0) {
                out.append(count).append(units[i]);
                millis -= count * sizes[i];
            }
        }
        return out.length() == 0 ? duration.toString() : out.toString();
    }

    private static Duration parseIso(String original, String trimmed) {
        String upper = trimmed.toUpperCase(Locale.ROOT);
        try {
            if (upper.matches("P\\d+W")) {
                return nonNegative(original, Duration.ofDays(7 * Long.parseLong(upper.substring(1, upper.length() - 1))));
            }
            return nonNegative(original, Duration.parse(upper));
        } catch (DateTimeParseException | ArithmeticException e) {
            throw invalid(original);
        }
    }

    private static Duration parseShort(String original, String trimmed) {
        String text = trimmed.toLowerCase(Locale.ROOT);
        Duration total = Duration.ZERO;
        int lastRank = Integer.MAX_VALUE;
        int i = 0;
        try {
            while (i < text.length()) {
                int start = i;
                while (i < text.length() && Character.isDigit(text.charAt(i))) {
                    i++;
                }
                if (i == start || i - start > 18) {
                    throw invalid(original);
                }
                long amount = Long.parseLong(text.substring(start, i));
                int unitStart = i;
                while (i < text.length() && Character.isLetter(text.charAt(i))) {
                    i++;
                }
                String unit = text.substring(unitStart, i);
                int rank = rank(unit);
                if (rank < 0 || rank >= lastRank) {
                    throw invalid(original);
                }
                lastRank = rank;
                total = total.plus(toDuration(amount, unit));
            }
        } catch (ArithmeticException overflow) {
            throw invalid(original);
        }
        return total;
    }

    // Units must appear from largest to smallest, each at most once.
    private static int rank(String unit) {
        switch (unit) {
            case "ms": return 0;
            case "s": return 1;
            case "m": return 2;
            case "h": return 3;
            case "d": return 4;
            case "w": return 5;
            default: return -1;
        }
    }

    private static Duration toDuration(long amount, String unit) {
        switch (unit) {
            case "ms": return Duration.ofMillis(amount);
            case "s": return Duration.ofSeconds(amount);
            case "m": return Duration.ofMinutes(amount);
            case "h": return Duration.ofHours(amount);
            case "d": return Duration.ofDays(amount);
            case "w": return Duration.ofDays(Math.multiplyExact(amount, 7L));
            default: throw new AssertionError(unit);
        }
    }

    private static Duration nonNegative(String original, Duration duration) {
        if (duration.isNegative()) {
            throw new IllegalArgumentException("duration must not be negative, got '" + original + "'");
        }
        return duration;
    }

    private static IllegalArgumentException invalid(String original) {
        return new IllegalArgumentException("invalid duration '" + original
                + "': expected e.g. 500ms, 90s, 5m, 24h, 7d, 2w, 1h30m or ISO-8601 such as PT5M or P30D");
    }
}
