package dev.agentsre.internal;

import java.math.BigDecimal;
import java.math.RoundingMode;

/**
 * Exact money in fixed point: amounts are held as a {@code long} number of nano-dollars
 * (10<sup>-9</sup> USD), so sums never drift the way sums of doubles do; the range is about
 * &plusmn;9.2 billion USD. Not API.
 */
public final class Money {

    /** Nano-dollars per dollar. */
    public static final long NANOS_PER_USD = 1_000_000_000L;
    private static final BigDecimal NANOS = BigDecimal.valueOf(NANOS_PER_USD);

    private Money() {
    }

    /**
     * Converts a non-negative USD amount to nano-dollars, rounding half-even to the nearest nano.
     * Exact for every amount written with at most 9 decimals below one million dollars (the double
     * product's error is far below half a nano there); larger amounts go through {@link BigDecimal}.
     *
     * @throws IllegalArgumentException naming {@code name} if the amount is NaN, infinite or negative
     */
    public static long toNanos(String name, double usd) {
        if (!Double.isFinite(usd) || usd < 0) {
            throw new IllegalArgumentException(name + " must be a finite amount >= 0 USD, got " + usd);
        }
        if (usd < 1_000_000) {
            return Math.round(usd * NANOS_PER_USD);
        }
        return toNanos(name, BigDecimal.valueOf(usd));
    }

    /**
     * Converts a non-negative USD amount to nano-dollars, rounding half-even.
     *
     * @throws IllegalArgumentException naming {@code name} if null, negative or out of range
     */
    public static long toNanos(String name, BigDecimal usd) {
        if (usd == null || usd.signum() < 0) {
            throw new IllegalArgumentException(name + " must be an amount >= 0 USD, got " + usd);
        }
        try {
            return usd.multiply(NANOS).setScale(0, RoundingMode.HALF_EVEN).longValueExact();
        } catch (ArithmeticException e) {
            throw new IllegalArgumentException(name + " is too large, got " + usd, e);
        }
    }

    /** Nano-dollars as an exact USD amount (scale 9, trailing zeros stripped to at least cents). */
    public static BigDecimal toUsd(long nanos) {
        BigDecimal usd = BigDecimal.valueOf(nanos, 9).stripTrailingZeros();
        return usd.scale() < 2 ? usd.setScale(2, RoundingMode.UNNECESSARY) : usd;
    }

    /** Nano-dollars as a double, for ratios and display only. */
    public static double toDouble(long nanos) {
        return nanos / (double) NANOS_PER_USD;
    }

    /** Nano-dollars formatted for people: {@code $1,234.50}, {@code $0.0042}. */
    public static String format(long nanos) {
        BigDecimal usd = toUsd(nanos);
        if (usd.compareTo(BigDecimal.ONE) >= 0 || usd.signum() == 0) {
            return String.format("$%,.2f", usd);
        }
        return "$" + usd.stripTrailingZeros().toPlainString();
    }
}
