package dev.agentsre.internal;

import java.time.Duration;

/**
 * Argument checks that produce the project's standard error: an {@link IllegalArgumentException}
 * naming the parameter and the rejected value. Not API.
 */
public final class Check {

    private Check() {
    }

    /** Requires a finite number (not NaN, not infinite). */
    public static double finite(String name, double value) {
        if (!Double.isFinite(value)) {
            throw new IllegalArgumentException(name + " must be a finite number, got " + value);
        }
        return value;
    }

    /** Requires a finite number {@code >= 0}. */
    public static double nonNegative(String name, double value) {
        if (!Double.isFinite(value) || value < 0) {
            throw new IllegalArgumentException(name + " must be a finite number >= 0, got " + value);
        }
        return value;
    }

    /** Requires a finite number {@code > 0}. */
    public static double positive(String name, double value) {
        if (!Double.isFinite(value) || value <= 0) {
            throw new IllegalArgumentException(name + " must be a finite number > 0, got " + value);
        }
        return value;
    }

    /** Requires {@code min < value < max}, both bounds exclusive. */
    public static double openRange(String name, double value, double min, double max) {
        if (!Double.isFinite(value) || value <= min || value >= max) {
            throw new IllegalArgumentException(name + " must be in (" + min + ", " + max + "), got " + value);
        }
        return value;
    }

    /** Requires {@code min <= value <= max}. */
    public static double closedRange(String name, double value, double min, double max) {
        if (!Double.isFinite(value) || value < min || value > max) {
            throw new IllegalArgumentException(name + " must be in [" + min + ", " + max + "], got " + value);
        }
        return value;
    }

    /** Requires {@code value > 0}. */
    public static int positive(String name, int value) {
        if (value <= 0) {
            throw new IllegalArgumentException(name + " must be > 0, got " + value);
        }
        return value;
    }

    /** Requires {@code value > 0}. */
    public static long positive(String name, long value) {
        if (value <= 0) {
            throw new IllegalArgumentException(name + " must be > 0, got " + value);
        }
        return value;
    }

    /** Requires {@code value >= 0}. */
    public static long nonNegative(String name, long value) {
        if (value < 0) {
            throw new IllegalArgumentException(name + " must be >= 0, got " + value);
        }
        return value;
    }

    /** Requires a non-null, strictly positive duration. */
    public static Duration positive(String name, Duration value) {
        if (value == null || value.isNegative() || value.isZero()) {
            throw new IllegalArgumentException(name + " must be a positive duration, got " + value);
        }
        return value;
    }

    /**
     * The longest duration a component accepts: 100 years. Anything longer is almost certainly a unit
     * mistake, and would overflow a timestamp it is added to.
     */
    public static final Duration MAX_DURATION = Duration.ofDays(36_500);

    /**
     * Requires a duration the components can keep in milliseconds: at least 1 ms (a finer one would
     * become 0 ms — a half-open timeout that expires at once, a frequency window that divides by zero)
     * and at most {@link #MAX_DURATION} (a longer one would throw {@link ArithmeticException} or overflow).
     */
    public static Duration millis(String name, Duration value) {
        if (value == null) {
            throw new IllegalArgumentException(name + " must not be null");
        }
        if (value.compareTo(Duration.ofMillis(1)) < 0) {
            throw new IllegalArgumentException(name + " must be at least 1 ms (durations are kept in milliseconds), got " + value);
        }
        if (value.compareTo(MAX_DURATION) > 0) {
            throw new IllegalArgumentException(name + " must be at most " + MAX_DURATION.toDays() + " days, got " + value);
        }
        return value;
    }

    /** Requires a non-null object. */
    public static <T> T notNull(String name, T value) {
        if (value == null) {
            throw new IllegalArgumentException(name + " must not be null");
        }
        return value;
    }

    /** Requires a non-null, non-blank string. */
    public static String notBlank(String name, String value) {
        // A visible ASCII first character settles it without isBlank's scan (ids and tool names on hot paths).
        if (value != null && !value.isEmpty()) {
            char first = value.charAt(0);
            if (first > ' ' && first < 0x7F) {
                return value;
            }
        }
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(name + " must not be blank, got " + (value == null ? "null" : "'" + value + "'"));
        }
        return value;
    }
}
