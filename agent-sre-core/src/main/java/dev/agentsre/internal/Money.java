package dev.agentsre.internal;

import java.math.BigDecimal;
import java.math.RoundingMode;

/**
 * Exact money in fixed point: amounts are held as a {@code long} number of nano-dollars
 * (10<sup>-9</sup> USD), so sums never drift the way sums of doubles do.
 *
 * <p><b>Range.</b> A single amount — an estimate, a charge, a limit — is at most
 * {@value #MAX_USD_TEXT} ({@link #MAX_NANOS} nano-dollars) and is rejected above that at the
 * boundary. Sums of amounts (a period's spend plus its holds plus an estimate) saturate at
 * {@code Long.MAX_VALUE} nano-dollars (about 9.2 billion USD) instead of wrapping to a negative number
 * that would "fit" every limit: {@link #sum} and {@link #addTo}. Not API.
 */
public final class Money {

    /** Nano-dollars per dollar. */
    public static final long NANOS_PER_USD = 1_000_000_000L;
    /** The largest single amount, in nano-dollars: nine billion dollars (a {@code long} holds about 9.22). */
    public static final long MAX_NANOS = 9_000_000_000L * NANOS_PER_USD;
    /** The largest single amount, for messages. */
    public static final String MAX_USD_TEXT = "$9,000,000,000";
    private static final double MAX_USD = 9e9;
    private static final BigDecimal NANOS = BigDecimal.valueOf(NANOS_PER_USD);
    private static final BigDecimal MAX = BigDecimal.valueOf(MAX_NANOS);

    private Money() {
    }

    /**
     * Converts a non-negative USD amount to nano-dollars, rounding half-even to the nearest nano (of
     * the decimal the double stands for, as {@link Double#toString} prints it). The double product is
     * used when it is unambiguous — always for amounts written with at most 9 decimals — and
     * {@link BigDecimal} decides a product that lands within rounding error of half a nano.
     *
     * @throws IllegalArgumentException naming {@code name} if the amount is NaN, infinite, negative or
     *     above {@value #MAX_USD_TEXT}
     */
    public static long toNanos(String name, double usd) {
        if (!Double.isFinite(usd) || usd < 0) {
            throw new IllegalArgumentException(name + " must be a finite amount >= 0 USD, got " + usd);
        }
        if (usd > MAX_USD) {
            throw tooLarge(name, Double.toString(usd));
        }
        double product = usd * NANOS_PER_USD;
        double floor = Math.floor(product);
        double fraction = product - floor;
        // The product is within a few ulps of the exact decimal product: only near a tie can that
        // change the rounding, and there the decimal decides.
        if (Math.abs(fraction - 0.5) <= 4 * Math.ulp(product) + 1e-9) {
            return toNanos(name, BigDecimal.valueOf(usd));
        }
        return fraction < 0.5 ? (long) floor : (long) floor + 1;
    }

    /**
     * Converts a non-negative USD amount to nano-dollars, rounding half-even.
     *
     * @throws IllegalArgumentException naming {@code name} if null, negative or above {@value #MAX_USD_TEXT}
     */
    public static long toNanos(String name, BigDecimal usd) {
        if (usd == null || usd.signum() < 0) {
            throw new IllegalArgumentException(name + " must be an amount >= 0 USD, got " + usd);
        }
        BigDecimal nanos = usd.multiply(NANOS).setScale(0, RoundingMode.HALF_EVEN);
        if (nanos.compareTo(MAX) > 0) {
            throw tooLarge(name, usd.toPlainString());
        }
        return nanos.longValueExact();
    }

    /** Whether {@code nanos} is a valid single amount: 0 to {@link #MAX_NANOS}. */
    public static long checkNanos(String name, long nanos) {
        if (nanos < 0 || nanos > MAX_NANOS) {
            throw new IllegalArgumentException(name + " must be between $0 and " + MAX_USD_TEXT + ", got " + nanos + " nano-dollars");
        }
        return nanos;
    }

    private static IllegalArgumentException tooLarge(String name, String usd) {
        return new IllegalArgumentException(name + " must be at most " + MAX_USD_TEXT + " (a single amount), got " + usd);
    }

    /** {@code a + b} for non-negative amounts, saturating at {@code Long.MAX_VALUE} instead of wrapping. */
    public static long sum(long a, long b) {
        long r = a + b;
        return r < 0 ? Long.MAX_VALUE : r;
    }

    /** {@code a + b + c} for non-negative amounts, saturating at {@code Long.MAX_VALUE}. */
    public static long sum(long a, long b, long c) {
        return sum(sum(a, b), c);
    }

    /**
     * Adds a non-negative {@code nanos} to {@code total}, saturating at {@code Long.MAX_VALUE}: one
     * atomic add on the common path; a total that wrapped is set to the maximum (a reader in between
     * sees a negative value, which {@link #read} reports as the maximum). Returns the new total.
     */
    public static long addTo(java.util.concurrent.atomic.AtomicLong total, long nanos) {
        long after = total.addAndGet(nanos);
        if (after < 0 && nanos >= 0) {
            total.set(Long.MAX_VALUE);
            return Long.MAX_VALUE;
        }
        return after;
    }

    /** A total kept with {@link #addTo}: a wrapped (negative) value reads as saturated. */
    public static long read(java.util.concurrent.atomic.AtomicLong total) {
        long value = total.get();
        return value < 0 ? Long.MAX_VALUE : value;
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
